//! ElastiCache for Redis: a replication group with its subnet group and
//! parameter group, encrypted at rest and in transit by default.

use strata_cfn::elasti_cache as cfn;
use strata_core::{Map, RemovalPolicy, ResourceOptions, Scope, Value};

use crate::window::Window;

/// Settings of a [`RedisReplicationGroup`].
#[derive(Clone, Debug)]
pub struct RedisProps {
    /// `ReplicationGroupDescription`.
    pub description: String,
    /// The Redis engine version, such as `7.0`.
    pub engine_version: String,
    /// The node type, such as `cache.r6g.large`.
    pub node_type: String,
    /// Primary plus replicas (1–6).
    pub num_cache_clusters: i64,
    /// Multi-AZ placement; needs automatic failover and two or more clusters.
    pub multi_az: bool,
    /// Automatic failover to a replica; needs two or more clusters.
    pub automatic_failover: bool,
    /// The port (default 6379).
    pub port: i64,
    /// The subnets of the subnet group, usually the isolated tier.
    pub subnet_ids: Vec<Value<String>>,
    /// A physical name for the subnet group.
    pub subnet_group_name: Option<String>,
    /// Security group ids, such as `cache_sg.group_id()`.
    pub security_group_ids: Vec<Value<String>>,
    /// Encryption at rest (default on).
    pub at_rest_encryption: bool,
    /// A customer managed KMS key for encryption at rest.
    pub kms_key_id: Option<Value<String>>,
    /// Encryption in transit (default on).
    pub transit_encryption: bool,
    /// The AUTH token, such as a Secrets Manager dynamic reference; needs
    /// transit encryption.
    pub auth_token: Option<Value<String>>,
    /// Parameters for a parameter group in the engine's family, such as
    /// `maxmemory-policy`; none keeps the default group.
    pub parameters: Map<String>,
    /// Days of automatic snapshots kept (0–35).
    pub snapshot_retention_days: i64,
    /// Daily snapshot window (UTC), such as `05:00-06:00`.
    pub snapshot_window: Option<String>,
    /// Weekly maintenance window (UTC), such as `sun:06:00-sun:07:00`.
    pub maintenance_window: Option<String>,
    /// Deletion and replacement policy (default Snapshot).
    pub removal_policy: RemovalPolicy,
}

impl RedisProps {
    /// A single-node group of `node_type`, encrypted, with a day of
    /// snapshots and the Snapshot removal policy.
    pub fn new(description: &str, engine_version: &str, node_type: &str) -> RedisProps {
        RedisProps {
            description: description.to_string(),
            engine_version: engine_version.to_string(),
            node_type: node_type.to_string(),
            num_cache_clusters: 1,
            multi_az: false,
            automatic_failover: false,
            port: 6379,
            subnet_ids: Vec::new(),
            subnet_group_name: None,
            security_group_ids: Vec::new(),
            at_rest_encryption: true,
            kms_key_id: None,
            transit_encryption: true,
            auth_token: None,
            parameters: Map::new(),
            snapshot_retention_days: 1,
            snapshot_window: None,
            maintenance_window: None,
            removal_policy: RemovalPolicy::Snapshot,
        }
    }
}

/// An `AWS::ElastiCache::ReplicationGroup` at `<id>/Resource`, with
/// `<id>/SubnetGroup` and, when parameters are given, `<id>/ParameterGroup`.
///
/// ```
/// use strata::prelude::*;
/// use strata::elasticache::{RedisProps, RedisReplicationGroup};
///
/// let app = App::new();
/// let stack = app.stack("Cache", StackProps::default());
/// let redis = RedisReplicationGroup::new(&stack, "Redis", RedisProps {
///     num_cache_clusters: 3,
///     multi_az: true,
///     automatic_failover: true,
///     subnet_ids: vec!["subnet-1".into(), "subnet-2".into(), "subnet-3".into()],
///     parameters: [("maxmemory-policy".to_string(), "allkeys-lru".to_string())].into(),
///     ..RedisProps::new("Agent state", "7.0", "cache.r6g.large")
/// });
/// let assembly = app.synth().expect("valid");
/// let group = &assembly.stacks[0].template["Resources"][strata::logical_id(&["Redis", "Resource"]).as_str()];
/// assert_eq!(group["DeletionPolicy"], "Snapshot");
/// assert_eq!(group["Properties"]["TransitEncryptionEnabled"], true);
/// assert_eq!(redis.port(), 6379);
/// ```
#[derive(Clone, Debug)]
pub struct RedisReplicationGroup {
    scope: Scope,
    group: cfn::ReplicationGroupRef,
    port: i64,
}

/// The parameter-group family of a Redis engine version.
fn family(version: &str) -> Option<String> {
    let major: u32 = version.split('.').next()?.parse().ok()?;
    match major {
        2..=5 => Some(format!(
            "redis{}",
            version.split('.').take(2).collect::<Vec<_>>().join(".")
        )),
        6 => Some("redis6.x".to_string()),
        7.. => Some(format!("redis{major}")),
        _ => None,
    }
}

impl RedisReplicationGroup {
    /// Adds the group under `scope`.
    pub fn new(scope: &Scope, id: &str, props: RedisProps) -> RedisReplicationGroup {
        let scope = scope.child(id);
        for p in problems(&props) {
            scope.error("elasticache-redis", p);
        }
        let subnet_group = scope.resource(
            "SubnetGroup",
            cfn::SubnetGroup {
                cache_subnet_group_name: props.subnet_group_name.as_deref().map(Value::from),
                ..cfn::SubnetGroup::new(
                    format!("Subnets of {}", props.description),
                    Value::list(props.subnet_ids.clone()),
                )
            },
        );
        let parameter_group = match family(&props.engine_version) {
            Some(family) if !props.parameters.is_empty() => Some(
                scope.resource(
                    "ParameterGroup",
                    cfn::ParameterGroup {
                        properties: Some(Value::Lit(
                            props
                                .parameters
                                .iter()
                                .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                                .collect(),
                        )),
                        ..cfn::ParameterGroup::new(
                            family,
                            format!("Parameters of {}", props.description),
                        )
                    },
                ),
            ),
            _ => None,
        };
        let group = scope.resource_with(
            "Resource",
            cfn::ReplicationGroup {
                at_rest_encryption_enabled: Some(props.at_rest_encryption.into()),
                auth_token: props.auth_token.clone(),
                automatic_failover_enabled: Some(props.automatic_failover.into()),
                cache_node_type: Some(props.node_type.as_str().into()),
                cache_parameter_group_name: parameter_group.map(|g| g.ref_()),
                cache_subnet_group_name: Some(subnet_group.ref_()),
                engine: Some("redis".into()),
                engine_version: Some(props.engine_version.as_str().into()),
                kms_key_id: props.kms_key_id.clone(),
                multi_az_enabled: Some(props.multi_az.into()),
                num_cache_clusters: Some(props.num_cache_clusters.into()),
                port: Some(props.port.into()),
                preferred_maintenance_window: props.maintenance_window.as_deref().map(Value::from),
                security_group_ids: (!props.security_group_ids.is_empty())
                    .then(|| Value::list(props.security_group_ids.clone())),
                snapshot_retention_limit: Some(props.snapshot_retention_days.into()),
                snapshot_window: props.snapshot_window.as_deref().map(Value::from),
                transit_encryption_enabled: Some(props.transit_encryption.into()),
                ..cfn::ReplicationGroup::new(props.description.as_str())
            },
            ResourceOptions::removal(props.removal_policy),
        );
        RedisReplicationGroup {
            scope,
            group,
            port: props.port,
        }
    }

    /// The primary endpoint address, `PrimaryEndPoint.Address`.
    pub fn primary_endpoint(&self) -> Value<String> {
        self.group.get_att("PrimaryEndPoint.Address")
    }

    /// The reader endpoint address, `ReaderEndPoint.Address`.
    pub fn reader_endpoint(&self) -> Value<String> {
        self.group.get_att("ReaderEndPoint.Address")
    }

    /// The port clients connect to.
    pub fn port(&self) -> i64 {
        self.port
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::ReplicationGroupRef {
        &self.group
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// What ElastiCache would reject about these props.
fn problems(p: &RedisProps) -> Vec<String> {
    let mut out = Vec::new();
    if family(&p.engine_version).is_none() {
        out.push(format!(
            "engine version {:?} is not a Redis version; use one such as 7.1, 7.0 or 6.2",
            p.engine_version
        ));
    }
    let parts: Vec<&str> = p.node_type.split('.').collect();
    if parts.len() != 3 || parts[0] != "cache" || parts.iter().any(|s| s.is_empty()) {
        out.push(format!(
            "node type {:?} is not an ElastiCache node type; use one such as cache.r6g.large",
            p.node_type
        ));
    }
    if !(1..=6).contains(&p.num_cache_clusters) {
        out.push(format!(
            "num_cache_clusters is {}; a replication group has 1 to 6 clusters",
            p.num_cache_clusters
        ));
    }
    if p.automatic_failover && p.num_cache_clusters < 2 {
        out.push(
            "automatic failover needs at least 2 cache clusters (a primary and a replica)".into(),
        );
    }
    if p.multi_az && !p.automatic_failover {
        out.push("Multi-AZ needs automatic failover; set automatic_failover: true".into());
    }
    if p.auth_token.is_some() && !p.transit_encryption {
        out.push(
            "an AUTH token needs transit encryption; set transit_encryption: true or drop the token"
                .into(),
        );
    }
    if p.kms_key_id.is_some() && !p.at_rest_encryption {
        out.push(
            "a KMS key is set but at-rest encryption is off; enable at_rest_encryption".into(),
        );
    }
    if p.subnet_ids.is_empty() {
        out.push("no subnets: give subnet_ids, usually the VPC's isolated tier".into());
    }
    if !(0..=35).contains(&p.snapshot_retention_days) {
        out.push(format!(
            "snapshot retention of {} days is outside 0-35",
            p.snapshot_retention_days
        ));
    }
    if !(1..=65535).contains(&p.port) {
        out.push(format!("port {} is outside 1-65535", p.port));
    }
    let snapshot = p.snapshot_window.as_deref().map(Window::daily);
    let maintenance = p.maintenance_window.as_deref().map(Window::weekly);
    for w in [&snapshot, &maintenance].into_iter().flatten() {
        match w {
            Err(e) => out.push(e.clone()),
            Ok(w) if w.minutes() < 60 => out.push(format!(
                "a window of {} minutes is too short; ElastiCache needs at least 60",
                w.minutes()
            )),
            Ok(_) => {}
        }
    }
    if let (Some(Ok(s)), Some(Ok(m))) = (&snapshot, &maintenance) {
        if s.overlaps(m) {
            out.push(
                "the snapshot window overlaps the maintenance window; move one of them".into(),
            );
        }
    }
    out
}
