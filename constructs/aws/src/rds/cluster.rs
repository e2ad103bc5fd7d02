//! The Aurora PostgreSQL cluster: `AWS::RDS::DBCluster` at `<id>/Resource`
//! with its subnet group, security group, master secret, parameter groups,
//! monitoring role, instances and reader autoscaling, at the construct
//! paths of the CDK's `rds.DatabaseCluster`.

use strata_cfn::application_auto_scaling as aas;
use strata_cfn::rds;
use strata_core::{Fn, RemovalPolicy, ResourceOptions, Scope, Value};

use crate::ec2::{Peer, Port, SecurityGroup, SecurityGroupProps};
use crate::iam::{sub, Grant, Grantable, ManagedPolicy, Principal, Role, RoleProps};
use crate::secrets::{Secret, SecretAttachment};

use super::engine::{EngineVersion, ENGINE};
use super::instance::{self, helper_removal, Shared};
use super::props::{DatabaseClusterProps, GlobalDatabase};
use super::{check, parameters, scaling, secret};

/// An Aurora PostgreSQL cluster with a writer, readers and everything
/// around them.
///
/// ```
/// use strata::prelude::*;
/// use strata::ec2::{AgentVpc, AgentVpcProps};
/// use strata::rds::{ClusterInstance, DatabaseCluster, DatabaseClusterProps, DatabaseSubnets};
///
/// let app = App::new();
/// let stack = app.stack("Data", StackProps::default());
/// let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::spaced_three_tier());
/// let cluster = DatabaseCluster::new(&stack, "AuroraCluster", DatabaseClusterProps {
///     readers: vec![ClusterInstance::provisioned("db.r6g.large").in_az(1)],
///     iam_authentication: true,
///     backup_retention_days: 7,
///     ..DatabaseClusterProps::new(
///         "15.10",
///         ClusterInstance::provisioned("db.r6g.large").in_az(0),
///         DatabaseSubnets::from_vpc(&vpc, "data"),
///     )
/// });
/// stack.output("Endpoint", Output::new(cluster.cluster_endpoint_address()));
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let resource = &t["Resources"]["AuroraCluster23D869C0"];
/// assert_eq!(resource["DeletionPolicy"], "Snapshot");
/// assert_eq!(resource["Properties"]["EngineVersion"], "15.10");
/// assert_eq!(cluster.port(), 5432);
/// ```
#[derive(Clone)]
pub struct DatabaseCluster {
    scope: Scope,
    cluster: rds::DbClusterRef,
    port: u16,
    iam_authentication: bool,
    security_groups: Vec<SecurityGroup>,
    secret: Option<Secret>,
    attachment: Option<SecretAttachment>,
    writer: rds::DbInstanceRef,
    readers: Vec<rds::DbInstanceRef>,
    monitoring_role: Option<Role>,
    global_cluster: Option<rds::GlobalClusterRef>,
    reader_scaling: Option<aas::ScalableTargetRef>,
}

impl DatabaseCluster {
    /// Adds the cluster under `scope`; problems with the props are
    /// reported at synth with the cluster's (or an instance's) path.
    pub fn new(scope: &Scope, id: &str, props: DatabaseClusterProps) -> DatabaseCluster {
        let scope = scope.child(id);
        let version = match EngineVersion::parse(&props.engine_version) {
            Ok(v) => Some(v),
            Err(e) => {
                scope.error("rds-engine-version", e);
                None
            }
        };
        for (rule, message) in check::problems(&props, version.as_ref()) {
            scope.error(rule, message);
        }
        let family = version
            .as_ref()
            .map(EngineVersion::parameter_group_family)
            .unwrap_or_else(|| format!("{ENGINE}{}", major_of(&props.engine_version)));
        let subnet_group = subnet_group(&scope, id, &props);
        let security_groups =
            if props.security_groups.is_empty() && props.security_group_ids.is_empty() {
                vec![SecurityGroup::new(
                    &scope,
                    "SecurityGroup",
                    SecurityGroupProps {
                        vpc_id: props.subnets.vpc_id.clone(),
                        description: Some("RDS security group".into()),
                        ..SecurityGroupProps::default()
                    },
                )]
            } else {
                props.security_groups.clone()
            };
        let cluster_parameter_group =
            parameters::cluster_group(&scope, &family, &props.cluster_parameters);
        let monitoring = monitoring(&scope, &props);
        let (global_cluster, global_id) = global(&scope, &props);
        let secondary = matches!(props.global, Some(GlobalDatabase::Secondary { .. }));
        let secret = (!secondary).then(|| {
            secret::add(
                &scope,
                &props.master_username,
                &props.exclude_characters,
                props.secret_encryption_key.clone(),
                helper_removal(props.removal_policy),
            )
        });
        let pi = props.performance_insights.as_ref();
        let group_ids = security_groups
            .iter()
            .map(SecurityGroup::group_id)
            .chain(props.security_group_ids.iter().cloned());
        let cluster = scope.resource_with(
            "Resource",
            rds::DbCluster {
                backup_retention_period: Some(i64::from(props.backup_retention_days).into()),
                copy_tags_to_snapshot: Some(props.copy_tags_to_snapshot.into()),
                database_name: props.database_name.as_deref().map(Value::from),
                db_cluster_identifier: props
                    .cluster_identifier
                    .as_deref()
                    .map(|i| i.to_lowercase().into()),
                db_cluster_parameter_group_name: Some(cluster_parameter_group),
                db_subnet_group_name: Some(subnet_group.ref_()),
                deletion_protection: props
                    .deletion_protection
                    .or(props.deletion_protected().then_some(true))
                    .map(Value::from),
                enable_cloudwatch_logs_exports: (!props.cloudwatch_logs_exports.is_empty())
                    .then(|| Value::list(props.cloudwatch_logs_exports.iter().map(String::as_str))),
                enable_iam_database_authentication: props.iam_authentication.then(|| true.into()),
                engine: Some(ENGINE.into()),
                engine_version: Some(props.engine_version.as_str().into()),
                global_cluster_identifier: global_id,
                kms_key_id: props.storage_encryption_key.clone(),
                master_user_password: secret
                    .as_ref()
                    .map(|s| s.secret_value_from_json("password")),
                master_username: secret
                    .as_ref()
                    .map(|_| props.master_username.as_str().into()),
                performance_insights_enabled: pi.map(|_| true.into()),
                performance_insights_kms_key_id: pi.and_then(|p| p.encryption_key.clone()),
                performance_insights_retention_period: pi
                    .map(|p| i64::from(p.retention_days).into()),
                port: Some(i64::from(props.port).into()),
                preferred_backup_window: props.backup_window.as_deref().map(Value::from),
                preferred_maintenance_window: props.maintenance_window.as_deref().map(Value::from),
                serverless_v2_scaling_configuration: props.serverless_v2.as_ref().map(|s| {
                    rds::db_cluster::ServerlessV2ScalingConfiguration {
                        max_capacity: Some(s.max_capacity.into()),
                        min_capacity: Some(s.min_capacity.into()),
                        seconds_until_auto_pause: s
                            .seconds_until_auto_pause
                            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX).into()),
                    }
                    .into()
                }),
                storage_encrypted: Some(props.storage_encrypted.into()),
                vpc_security_group_ids: Some(Value::list(group_ids)),
                ..rds::DbCluster::default()
            },
            ResourceOptions::removal(props.removal_policy),
        );
        let attachment = secret.as_ref().map(|s| secret::attach(s, &cluster));
        let shared = Shared {
            cluster,
            version: version.as_ref(),
            serverless_v2: props.serverless_v2.is_some(),
            subnets: &props.subnets,
            performance_insights: pi,
            monitoring: monitoring
                .as_ref()
                .map(|(interval, role)| (*interval, role.arn())),
            parameter_group: parameters::instance_group(
                &scope,
                &family,
                &props.instance_parameters,
            ),
            removal: props.removal_policy,
        };
        let writer = instance::add(&scope, "writer", &props.writer, 0, &shared, None);
        let readers: Vec<rds::DbInstanceRef> = props
            .readers
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let tier = r.promotion_tier.unwrap_or(2);
                let id = format!("reader{}", i + 1);
                instance::add(&scope, &id, r, tier, &shared, Some(*writer))
            })
            .collect();
        let reader_scaling = props.reader_scaling.as_ref().map(|s| {
            let instances = std::iter::once(*writer)
                .chain(readers.iter().map(|r| **r))
                .collect();
            scaling::add(&scope, &cluster, s, instances)
        });
        let built = DatabaseCluster {
            scope,
            cluster,
            port: props.port,
            iam_authentication: props.iam_authentication,
            security_groups,
            secret,
            attachment,
            writer,
            readers,
            monitoring_role: monitoring.map(|(_, role)| role),
            global_cluster,
            reader_scaling,
        };
        built.add_rotation(&props);
        built
    }

    fn add_rotation(&self, props: &DatabaseClusterProps) {
        let (Some(rotation), Some(secret), Some(attachment)) =
            (&props.rotation, &self.secret, &self.attachment)
        else {
            return;
        };
        let group = secret::rotate(
            secret,
            secret::RotationTarget {
                cluster_scope: &self.scope,
                vpc_id: props.subnets.vpc_id.clone(),
                subnet_ids: props.subnets.subnet_ids.clone(),
                attachment,
            },
            rotation,
        );
        self.allow_from(&group, "");
    }

    /// The cluster identifier (`Ref`).
    pub fn cluster_identifier(&self) -> Value<String> {
        self.cluster.ref_()
    }

    /// The writer endpoint's host name (`Endpoint.Address`).
    pub fn cluster_endpoint_address(&self) -> Value<String> {
        self.cluster.endpoint_address()
    }

    /// The reader endpoint's host name (`ReadEndpoint.Address`).
    pub fn reader_endpoint_address(&self) -> Value<String> {
        self.cluster.read_endpoint_address()
    }

    /// The port as CloudFormation reports it (`Endpoint.Port`).
    pub fn endpoint_port(&self) -> Value<String> {
        self.cluster.endpoint_port()
    }

    /// The port clients connect to.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The cluster's ARN (`DBClusterArn`).
    pub fn cluster_arn(&self) -> Value<String> {
        self.cluster.db_cluster_arn()
    }

    /// The cluster's resource id (`DBClusterResourceId`), used in IAM
    /// database authentication ARNs.
    pub fn cluster_resource_id(&self) -> Value<String> {
        self.cluster.db_cluster_resource_id()
    }

    /// The generated master secret; `None` for a global secondary.
    pub fn secret(&self) -> Option<&Secret> {
        self.secret.as_ref()
    }

    /// The master secret's ARN through its attachment (as the CDK's
    /// `cluster.secret`): it resolves once the secret holds the cluster's
    /// connection details.
    pub fn secret_arn(&self) -> Option<Value<String>> {
        self.attachment.as_ref().map(SecretAttachment::secret_arn)
    }

    /// The cluster's security groups that take rules.
    pub fn security_groups(&self) -> &[SecurityGroup] {
        &self.security_groups
    }

    /// The L1 handle of the `AWS::RDS::DBCluster`.
    pub fn handle(&self) -> rds::DbClusterRef {
        self.cluster
    }

    /// The writer instance.
    pub fn writer(&self) -> rds::DbInstanceRef {
        self.writer
    }

    /// The reader instances, in order.
    pub fn readers(&self) -> &[rds::DbInstanceRef] {
        &self.readers
    }

    /// The Enhanced Monitoring role, when monitoring is on.
    pub fn monitoring_role(&self) -> Option<&Role> {
        self.monitoring_role.as_ref()
    }

    /// The global cluster this cluster created as its primary.
    pub fn global_cluster(&self) -> Option<rds::GlobalClusterRef> {
        self.global_cluster
    }

    /// The readers' scalable target, when readers autoscale.
    pub fn reader_scaling_target(&self) -> Option<aas::ScalableTargetRef> {
        self.reader_scaling
    }

    /// The cluster's construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Allows `peer` to connect on the cluster's port, on each of the
    /// cluster's security groups. An empty description gives the CDK's
    /// `from <peer>:<port>`.
    pub fn allow_from(&self, peer: impl Into<Peer>, description: &str) {
        if self.security_groups.is_empty() {
            self.scope.error(
                "rds-connections",
                "the cluster's security groups were given by id only; add the rule to those groups directly",
            );
            return;
        }
        let peer = peer.into();
        for group in &self.security_groups {
            group.allow_from(peer.clone(), Port::tcp(self.port), description);
        }
    }

    /// Both sides of a client connection: the cluster allows `client` in
    /// on its port, and `client` allows itself out to the cluster.
    pub fn connect_from(&self, client: &SecurityGroup, description: &str) {
        self.allow_from(client, description);
        for group in &self.security_groups {
            client.allow_to(group, Port::tcp(self.port), description);
        }
    }

    /// Allows `grantee` to log in as `db_user` with IAM database
    /// authentication (`rds-db:connect` on
    /// `arn:<partition>:rds-db:<region>:<account>:dbuser:<cluster resource id>/<db_user>`).
    /// A cluster without IAM authentication reports an error at synth.
    pub fn grant_connect(&self, grantee: &dyn Grantable, db_user: &str) -> Grant {
        if !self.iam_authentication {
            self.scope.error(
                "rds-iam-authentication",
                format!("granting connect as {db_user:?} needs IAM database authentication; set iam_authentication: true"),
            );
        }
        if db_user.is_empty() || db_user.contains(['/', '*', ' ']) {
            self.scope.error(
                "rds-iam-authentication",
                format!("{db_user:?} is not a database user name for rds-db:connect"),
            );
        }
        let env = self.scope.env();
        let arn = sub(
            "arn:${Partition}:rds-db:${Region}:${Account}:dbuser:${ResourceId}/${User}",
            vec![
                ("Partition", Fn::partition()),
                ("Region", env.region.map_or_else(Fn::region, Value::Lit)),
                (
                    "Account",
                    env.account.map_or_else(Fn::account_id, Value::Lit),
                ),
                ("ResourceId", self.cluster_resource_id()),
                ("User", db_user.into()),
            ],
        );
        Grant::to_principal(grantee, &["rds-db:connect"], vec![arn])
    }
}

/// The major version written in `version`, for the parameter group family
/// of an unknown version (the version error is reported already).
fn major_of(version: &str) -> &str {
    version.split('.').next().unwrap_or_default()
}

/// The subnet group at `<id>/Subnets/Default`, deleted with the stack
/// unless the cluster is retained, as in the CDK.
fn subnet_group(scope: &Scope, id: &str, props: &DatabaseClusterProps) -> rds::DbSubnetGroupRef {
    let removal = helper_removal(props.removal_policy);
    let options = match removal {
        RemovalPolicy::Delete => ResourceOptions::default(),
        other => ResourceOptions::removal(other),
    };
    scope.child("Subnets").resource_with(
        "Default",
        rds::DbSubnetGroup::new(
            format!("Subnets for {id} database"),
            Value::list(props.subnets.subnet_ids.clone()),
        ),
        options,
    )
}

/// The Enhanced Monitoring interval in seconds and its role, when on: the
/// given role or one at `<id>/MonitoringRole` that RDS can assume.
fn monitoring(scope: &Scope, props: &DatabaseClusterProps) -> Option<(i64, Role)> {
    let interval = props.monitoring_interval.filter(|d| !d.is_zero())?;
    let role = props.monitoring_role.clone().unwrap_or_else(|| {
        Role::new(
            scope,
            "MonitoringRole",
            RoleProps {
                managed_policies: vec![ManagedPolicy::aws(
                    "service-role/AmazonRDSEnhancedMonitoringRole",
                )],
                ..RoleProps::new(Principal::service("monitoring.rds.amazonaws.com"))
            },
        )
    });
    Some((i64::try_from(interval.as_secs()).unwrap_or(i64::MAX), role))
}

/// The global cluster a primary creates, and the identifier the cluster
/// joins.
fn global(
    scope: &Scope,
    props: &DatabaseClusterProps,
) -> (Option<rds::GlobalClusterRef>, Option<Value<String>>) {
    match &props.global {
        None => (None, None),
        Some(GlobalDatabase::Secondary { identifier }) => (None, Some(identifier.clone())),
        Some(GlobalDatabase::Primary { identifier }) => {
            let global = scope.resource(
                "GlobalCluster",
                rds::GlobalCluster {
                    deletion_protection: props.deletion_protected().then(|| true.into()),
                    engine: Some(ENGINE.into()),
                    engine_version: Some(props.engine_version.as_str().into()),
                    global_cluster_identifier: Some(identifier.as_str().into()),
                    storage_encrypted: Some(props.storage_encrypted.into()),
                    ..rds::GlobalCluster::default()
                },
            );
            (Some(global), Some(global.ref_()))
        }
    }
}
