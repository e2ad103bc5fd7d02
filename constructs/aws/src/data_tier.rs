//! DataTier: an L3 that places an app's stores into an [`AgentVpc`]'s
//! isolated tier. It gives each store its subnets, a security group that
//! admits only the declared client groups on the store's port, KMS keys
//! by the stage's key strategy, and checks what the stage requires.
//!
//! Stores keep the construct ids the app gives them and are added directly
//! under the tier's scope, so moving an app onto the DataTier keeps its
//! logical IDs.

use std::cell::Cell;

use strata_core::{Scope, Value};

use crate::dax::{DaxCluster, DaxClusterProps};
use crate::dynamodb::{Table, TableProps};
use crate::ec2::{
    AgentVpc, InterfaceEndpointOptions, Peer, Port, SecurityGroup, SecurityGroupProps, SubnetKind,
};
use crate::elasticache::{RedisProps, RedisReplicationGroup};
use crate::kms::{Key, KeyStrategy, Keys, KeysProps};
use crate::opensearch::{Domain, DomainProps, DomainVpc};
use crate::rds::{DatabaseCluster, DatabaseClusterProps, DatabaseSubnets};
use crate::s3::{Bucket, BucketProps};
use crate::secrets::SecretEncryption;

/// The environment a tier is built for. It picks the key strategy and
/// what the tier insists on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Single-AZ, small and cheap: one shared key.
    Dev,
    /// Like prod, with per-service keys, but without prod's insistence.
    Staging,
    /// Multi-AZ, per-service keys, deletion protection, point-in-time recovery.
    Prod,
}

impl Stage {
    /// Dev shares one key across services; staging and prod have one per service.
    pub fn key_strategy(self) -> KeyStrategy {
        match self {
            Stage::Dev => KeyStrategy::Shared,
            Stage::Staging | Stage::Prod => KeyStrategy::PerService,
        }
    }

    /// Whether this is production.
    pub fn is_prod(self) -> bool {
        self == Stage::Prod
    }

    /// Redis defaults for the stage: one node in dev; in staging and prod a
    /// primary and two replicas across AZs with automatic failover.
    ///
    /// ```
    /// use strata::data_tier::Stage;
    /// let dev = Stage::Dev.redis("Sessions", "7.1", "cache.t4g.small");
    /// assert_eq!(dev.num_cache_clusters, 1);
    /// let prod = Stage::Prod.redis("Sessions", "7.1", "cache.r6g.large");
    /// assert!(prod.multi_az && prod.automatic_failover);
    /// ```
    pub fn redis(self, description: &str, engine_version: &str, node_type: &str) -> RedisProps {
        let base = RedisProps::new(description, engine_version, node_type);
        match self {
            Stage::Dev => base,
            Stage::Staging | Stage::Prod => RedisProps {
                num_cache_clusters: 3,
                multi_az: true,
                automatic_failover: true,
                snapshot_retention_days: 7,
                ..base
            },
        }
    }
}

/// Settings of a [`DataTier`].
#[derive(Clone)]
pub struct DataTierProps {
    /// The stage the tier is built for.
    pub stage: Stage,
    /// The VPC tier the stores' subnets come from (default `data`).
    pub subnet_tier: String,
    /// Alias prefix of the keys the tier creates: `alias/<prefix>/<service>`.
    pub key_alias_prefix: String,
    /// Keys the app made itself (with its own key policies), by service
    /// (`rds`, `secrets`, `s3`, `elasticache`, `dynamodb`, `dax`, `opensearch`);
    /// the tier creates the others as the stage's strategy says.
    pub keys: Vec<(String, Key)>,
    /// Security groups allowed to reach every store on its port.
    pub clients: Vec<SecurityGroup>,
}

impl DataTierProps {
    /// A tier for `stage` on the `data` subnets, with keys under `alias_prefix`.
    pub fn new(stage: Stage, alias_prefix: &str) -> DataTierProps {
        DataTierProps {
            stage,
            subnet_tier: "data".to_string(),
            key_alias_prefix: alias_prefix.to_string(),
            keys: Vec::new(),
            clients: Vec::new(),
        }
    }
}

/// The data tier of one stack. Add stores with the `add_*` methods; each
/// returns the store's own construct, with its endpoints, ARNs and grants.
///
/// ```
/// use strata::prelude::*;
/// use strata::data_tier::{DataTier, DataTierProps, Stage};
/// use strata::ec2::{AgentVpc, AgentVpcProps, SecurityGroup, SecurityGroupProps};
/// use strata::rds::{ClusterInstance, DatabaseClusterProps, DatabaseSubnets};
///
/// let app = App::new();
/// let stack = app.stack("Agent", StackProps::default());
/// let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::default());
/// let app_sg = SecurityGroup::new(&stack, "AppSg", SecurityGroupProps {
///     vpc_id: vpc.vpc_id(),
///     ..Default::default()
/// });
/// let tier = DataTier::new(&stack, &vpc, DataTierProps {
///     clients: vec![app_sg],
///     ..DataTierProps::new(Stage::Dev, "agent")
/// });
/// let db = tier.add_aurora("Database", None, DatabaseClusterProps::new(
///     "15.10",
///     ClusterInstance::provisioned("db.t4g.medium"),
///     DatabaseSubnets::new("", Vec::new()),
/// ));
/// assert_eq!(db.port(), 5432);
/// app.synth().expect("valid");
/// ```
pub struct DataTier {
    scope: Scope,
    vpc: AgentVpc,
    props: DataTierProps,
    keys: Keys,
    /// Whether the Secrets Manager endpoint has been added.
    secrets_endpoint: Cell<bool>,
}

impl DataTier {
    /// A tier whose stores go under `scope`, in `vpc`'s isolated tier.
    pub fn new(scope: &Scope, vpc: &AgentVpc, props: DataTierProps) -> DataTier {
        if vpc.subnets(&props.subnet_tier).is_none() {
            scope.error(
                "data-tier",
                format!(
                    "the VPC has no tier named {:?} for the data stores; use one of {:?}",
                    props.subnet_tier,
                    vpc.tier_names()
                ),
            );
        }
        let keys = Keys::new(
            scope,
            KeysProps::new(props.stage.key_strategy(), &props.key_alias_prefix),
        );
        DataTier {
            scope: scope.clone(),
            vpc: vpc.clone(),
            props,
            keys,
            secrets_endpoint: Cell::new(false),
        }
    }

    /// The stage.
    pub fn stage(&self) -> Stage {
        self.props.stage
    }

    /// The key for `service`: one the app registered, else the stage's
    /// shared or per-service key.
    pub fn key(&self, service: &str) -> Key {
        match self.props.keys.iter().find(|(s, _)| s == service) {
            Some((_, key)) => key.clone(),
            None => self.keys.for_service(service),
        }
    }

    /// The hosted rotation function runs in the tier's subnets. An isolated
    /// tier has no route to Secrets Manager, so the tier adds an interface
    /// endpoint for it there, once.
    fn secrets_manager_endpoint(&self) {
        let isolated = self
            .vpc
            .subnets(&self.props.subnet_tier)
            .and_then(|s| s.first())
            .is_some_and(|s| s.kind() == SubnetKind::Isolated);
        if isolated && !self.secrets_endpoint.replace(true) {
            self.vpc.add_interface_endpoint(
                "SecretsManagerEndpoint",
                "secretsmanager",
                &InterfaceEndpointOptions {
                    tier: Some(self.props.subnet_tier.clone()),
                    ..Default::default()
                },
            );
        }
    }

    fn subnet_ids(&self) -> Vec<Value<String>> {
        self.vpc
            .subnet_ids(&self.props.subnet_tier)
            .unwrap_or_default()
    }

    /// The store's security group (the given one, or a new one at
    /// `<id>SecurityGroup` with no outbound traffic), opened to every
    /// client group on `port`.
    fn guard(
        &self,
        id: &str,
        given: Option<SecurityGroup>,
        port: u16,
        what: &str,
    ) -> SecurityGroup {
        let group = given.unwrap_or_else(|| {
            SecurityGroup::new(
                &self.scope,
                &format!("{id}SecurityGroup"),
                SecurityGroupProps {
                    vpc_id: self.vpc.vpc_id(),
                    description: Some(format!("{what} {id}")),
                    allow_all_outbound: Some(false),
                    ..Default::default()
                },
            )
        });
        for client in &self.props.clients {
            group.allow_from(
                Peer::from(client),
                Port::tcp(port),
                &format!("{what} from {}", client.scope().id()),
            );
        }
        group
    }

    /// Adds an Aurora cluster at `<id>`. The tier fills in what is left
    /// empty: the subnets (the tier's, with their AZs), the security group,
    /// the storage key (`rds`) and the secret's key (`secrets`); and sets
    /// `prod` from the stage. In prod it needs at least one reader.
    pub fn add_aurora(
        &self,
        id: &str,
        security_group: Option<SecurityGroup>,
        mut props: DatabaseClusterProps,
    ) -> DatabaseCluster {
        if props.subnets.subnet_ids.is_empty() {
            props.subnets = DatabaseSubnets::from_vpc(&self.vpc, &self.props.subnet_tier);
        }
        if props.security_groups.is_empty() && props.security_group_ids.is_empty() {
            props.security_groups = vec![self.guard(id, security_group, props.port, "PostgreSQL")];
        }
        if props.storage_encrypted && props.storage_encryption_key.is_none() {
            props.storage_encryption_key = Some(self.key("rds").key_arn());
        }
        if props.secret_encryption_key.is_none() {
            props.secret_encryption_key = Some(SecretEncryption::from(&self.key("secrets")));
        }
        props.prod = self.props.stage.is_prod();
        if props.rotation.is_some() {
            self.secrets_manager_endpoint();
        }
        let without_reader = props.readers.is_empty();
        let cluster = DatabaseCluster::new(&self.scope, id, props);
        if self.props.stage.is_prod() && without_reader {
            cluster.scope().error(
                "data-tier-prod",
                "a production Aurora cluster needs at least one reader in another AZ to fail over to; add one to `readers`",
            );
        }
        cluster
    }

    /// Adds a Redis replication group at `<id>` on the tier's subnets,
    /// guarded by `security_group` (or a new one). In prod it must be
    /// Multi-AZ with automatic failover.
    pub fn add_redis(
        &self,
        id: &str,
        security_group: Option<SecurityGroup>,
        mut props: RedisProps,
    ) -> RedisReplicationGroup {
        if props.subnet_ids.is_empty() {
            props.subnet_ids = self.subnet_ids();
        }
        let port = u16::try_from(props.port).unwrap_or(6379);
        if props.security_group_ids.is_empty() {
            props.security_group_ids =
                vec![self.guard(id, security_group, port, "Redis").group_id()];
        }
        let highly_available = props.multi_az && props.automatic_failover;
        let redis = RedisReplicationGroup::new(&self.scope, id, props);
        if self.props.stage.is_prod() && !highly_available {
            redis.scope().error(
                "data-tier-prod",
                "production Redis must be Multi-AZ with automatic failover; set multi_az and automatic_failover, with 2 or more clusters",
            );
        }
        redis
    }

    /// Adds a DynamoDB table at `<id>`. In prod it needs point-in-time recovery.
    pub fn add_table(&self, id: &str, props: TableProps) -> Table {
        let recoverable = props.point_in_time_recovery;
        let table = Table::new(&self.scope, id, props);
        if self.props.stage.is_prod() && !recoverable {
            table.scope().error(
                "data-tier-prod",
                "production tables need point-in-time recovery; leave point_in_time_recovery on",
            );
        }
        table
    }

    /// Adds an S3 bucket at `<id>`.
    pub fn add_bucket(&self, id: &str, props: BucketProps) -> Bucket {
        Bucket::new(&self.scope, id, props)
    }

    /// Adds a DAX cluster at `<id>` on the tier's subnets, guarded by
    /// `security_group` (or a new one) on its port.
    pub fn add_dax(
        &self,
        id: &str,
        security_group: Option<SecurityGroup>,
        mut props: DaxClusterProps,
    ) -> DaxCluster {
        if props.subnet_ids.is_empty() {
            props.subnet_ids = self.subnet_ids();
        }
        props.prod = self.props.stage.is_prod();
        let port = if props.endpoint_tls { 9111 } else { 8111 };
        if props.security_group_ids.is_empty() {
            props.security_group_ids = vec![self.guard(id, security_group, port, "DAX").group_id()];
        }
        DaxCluster::new(&self.scope, id, props)
    }

    /// Adds an OpenSearch domain at `<id>` in the VPC: one subnet of the
    /// tier per AZ the domain uses, guarded on 443, and encrypted at rest
    /// with the `opensearch` key unless a key is given.
    pub fn add_opensearch(
        &self,
        id: &str,
        security_group: Option<SecurityGroup>,
        mut props: DomainProps,
    ) -> Domain {
        if props.vpc.is_none() {
            let azs = usize::try_from(props.availability_zone_count.max(1)).unwrap_or(1);
            let subnets: Vec<Value<String>> = self.subnet_ids().into_iter().take(azs).collect();
            let group = self.guard(id, security_group, 443, "HTTPS");
            props.vpc = Some(DomainVpc {
                subnet_ids: subnets,
                security_group_ids: vec![group.group_id()],
            });
        }
        if props.encryption_at_rest && props.kms_key_id.is_none() {
            props.kms_key_id = Some(self.key("opensearch").key_id());
        }
        Domain::new(&self.scope, id, props)
    }
}
