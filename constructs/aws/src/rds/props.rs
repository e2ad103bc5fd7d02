//! The settings of a [`DatabaseCluster`](super::DatabaseCluster): where it
//! runs, its instances, credentials, encryption, backups, monitoring and
//! scaling.

use std::time::Duration;

use strata_core::{Handle, Map, RemovalPolicy, Value};

use crate::ec2::{AgentVpc, SecurityGroup};
use crate::iam::Role;
use crate::secrets::SecretEncryption;

use super::engine::SERVERLESS;
use super::scaling::ReaderScaling;

/// The characters the CDK keeps out of generated master passwords, so the
/// password works in connection strings and shells.
pub const DEFAULT_EXCLUDE_CHARACTERS: &str = " %+~`#$&*()|[]{}:;<>?!'/@\"\\";

/// The VPC and subnets of the cluster's subnet group.
///
/// ```
/// use strata::prelude::*;
/// use strata::ec2::{AgentVpc, AgentVpcProps};
/// use strata::rds::DatabaseSubnets;
/// let app = App::new();
/// let stack = app.stack("Data", StackProps::default());
/// let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::spaced_three_tier());
/// let subnets = DatabaseSubnets::from_vpc(&vpc, "data");
/// assert_eq!(subnets.subnet_ids.len(), subnets.availability_zones.len());
/// ```
#[derive(Clone, Debug)]
pub struct DatabaseSubnets {
    /// The VPC, for the security groups the cluster creates.
    pub vpc_id: Value<String>,
    /// The subnets, in at least two availability zones.
    pub subnet_ids: Vec<Value<String>>,
    /// The availability zone of each subnet, in the same order; needed to
    /// place instances with [`ClusterInstance::in_az`].
    pub availability_zones: Vec<Value<String>>,
    /// What the instances wait for, such as the subnets' route table
    /// associations (the CDK's `internetConnectivityEstablished`).
    pub depends_on: Vec<Handle>,
}

impl DatabaseSubnets {
    /// Subnets given by id, without AZs or dependencies.
    pub fn new(vpc_id: impl Into<Value<String>>, subnet_ids: Vec<Value<String>>) -> Self {
        DatabaseSubnets {
            vpc_id: vpc_id.into(),
            subnet_ids,
            availability_zones: Vec::new(),
            depends_on: Vec::new(),
        }
    }

    /// The subnets of a tier of `vpc`, with their AZs; instances depend on
    /// the subnets' route table associations, as in the CDK. An unknown
    /// tier is reported at the VPC's path.
    pub fn from_vpc(vpc: &AgentVpc, tier: &str) -> Self {
        let subnets = vpc.subnets_or_report(tier);
        DatabaseSubnets {
            vpc_id: vpc.vpc_id(),
            subnet_ids: subnets.iter().map(|s| s.subnet_id()).collect(),
            availability_zones: subnets
                .iter()
                .map(|s| s.availability_zone().clone())
                .collect(),
            depends_on: subnets
                .iter()
                .map(|s| **s.route_table_association())
                .collect(),
        }
    }
}

/// One DB instance of the cluster: the writer or a reader.
///
/// ```
/// use strata::rds::ClusterInstance;
/// let reader = ClusterInstance::provisioned("db.r6g.large").in_az(1);
/// assert_eq!(reader.availability_zone, Some(1));
/// assert_eq!(ClusterInstance::serverless_v2().instance_class, "db.serverless");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterInstance {
    /// The instance class, such as `db.r6g.large`, or `db.serverless`.
    pub instance_class: String,
    /// The index of the subnet (and so the AZ) the instance is placed in;
    /// RDS picks one when unset.
    pub availability_zone: Option<usize>,
    /// A physical instance identifier; generated when unset.
    pub identifier: Option<String>,
    /// The failover priority of a reader, 0 (first) to 15; 2 by default,
    /// as in the CDK. The writer is always tier 0.
    pub promotion_tier: Option<u8>,
}

impl ClusterInstance {
    /// A provisioned instance of `class`, such as `db.r6g.large`.
    pub fn provisioned(class: &str) -> Self {
        ClusterInstance {
            instance_class: class.to_string(),
            availability_zone: None,
            identifier: None,
            promotion_tier: None,
        }
    }

    /// A Serverless v2 instance (`db.serverless`); the cluster needs
    /// [`ServerlessV2Scaling`].
    pub fn serverless_v2() -> Self {
        ClusterInstance::provisioned(SERVERLESS)
    }

    /// Places the instance in the AZ of subnet `index` (0-based).
    pub fn in_az(mut self, index: usize) -> Self {
        self.availability_zone = Some(index);
        self
    }

    /// Gives the instance a physical identifier.
    pub fn identifier(mut self, identifier: &str) -> Self {
        self.identifier = Some(identifier.to_string());
        self
    }
}

/// The capacity range of Serverless v2 instances, in Aurora capacity
/// units (ACU).
#[derive(Clone, Debug, PartialEq)]
pub struct ServerlessV2Scaling {
    /// Minimum ACU, from 0 in 0.5 steps.
    pub min_capacity: f64,
    /// Maximum ACU, up to 256 in 0.5 steps.
    pub max_capacity: f64,
    /// Idle time before an instance at 0 ACU pauses, 5 minutes to a day.
    pub seconds_until_auto_pause: Option<Duration>,
}

impl ServerlessV2Scaling {
    /// A range of `min` to `max` ACU.
    pub fn new(min_capacity: f64, max_capacity: f64) -> Self {
        ServerlessV2Scaling {
            min_capacity,
            max_capacity,
            seconds_until_auto_pause: None,
        }
    }
}

/// Performance Insights on the cluster and its instances.
#[derive(Clone, Debug, PartialEq)]
pub struct PerformanceInsights {
    /// Days of data kept: 7 (free), a multiple of 31 up to 713, or 731.
    pub retention_days: u32,
    /// The ARN of the KMS key the data is encrypted with; the account's
    /// `aws/rds` key when unset.
    pub encryption_key: Option<Value<String>>,
}

impl Default for PerformanceInsights {
    /// Seven days, with the AWS managed key.
    fn default() -> Self {
        PerformanceInsights {
            retention_days: 7,
            encryption_key: None,
        }
    }
}

/// Automatic rotation of the master password by a hosted single-user
/// rotation Lambda in the cluster's subnets.
///
/// The Lambda reaches the cluster through its own security group, which
/// the cluster allows on its port. It must also reach Secrets Manager:
/// through an interface endpoint when the subnets are isolated.
#[derive(Clone, Debug)]
pub struct MasterRotation {
    /// Time between rotations (whole days up to 1000).
    pub automatically_after: Duration,
    /// The rotation Lambda's security group; created at
    /// `<cluster>/RotationSingleUser/SecurityGroup` when unset.
    pub security_group: Option<SecurityGroup>,
}

impl MasterRotation {
    /// Rotation every `days` days.
    pub fn every_days(days: u64) -> Self {
        MasterRotation {
            automatically_after: Duration::from_secs(days * 86_400),
            security_group: None,
        }
    }
}

/// Membership of an Aurora global database (multi-Region disaster recovery).
#[derive(Clone, Debug, PartialEq)]
pub enum GlobalDatabase {
    /// Creates the `AWS::RDS::GlobalCluster` named `identifier` (at
    /// `<cluster>/GlobalCluster`) with this cluster as its primary.
    Primary {
        /// The global cluster identifier.
        identifier: String,
    },
    /// Joins an existing global cluster as a read-only secondary: the
    /// cluster has no master credentials or database name of its own.
    Secondary {
        /// The global cluster identifier.
        identifier: Value<String>,
    },
}

/// Settings of a [`DatabaseCluster`](super::DatabaseCluster).
#[derive(Clone)]
pub struct DatabaseClusterProps {
    /// The Aurora PostgreSQL version, such as `15.10`.
    pub engine_version: String,
    /// The writer instance.
    pub writer: ClusterInstance,
    /// The reader instances, named `reader1`, `reader2`, ... in order.
    pub readers: Vec<ClusterInstance>,
    /// Aurora Auto Scaling of the number of readers.
    pub reader_scaling: Option<ReaderScaling>,
    /// Capacity of Serverless v2 instances; required by `db.serverless`.
    pub serverless_v2: Option<ServerlessV2Scaling>,
    /// The VPC and subnets.
    pub subnets: DatabaseSubnets,
    /// Security groups of the cluster. When this and `security_group_ids`
    /// are both empty, the cluster creates one at `<id>/SecurityGroup`.
    pub security_groups: Vec<SecurityGroup>,
    /// Further security groups by id (rules cannot be added to these).
    pub security_group_ids: Vec<Value<String>>,
    /// The port clients connect to (5432 by default).
    pub port: u16,
    /// A database created with the cluster.
    pub database_name: Option<String>,
    /// The master user name (`postgres` by default).
    pub master_username: String,
    /// The key of the generated master secret.
    pub secret_encryption_key: Option<SecretEncryption>,
    /// Characters kept out of the generated password.
    pub exclude_characters: String,
    /// Automatic rotation of the master password.
    pub rotation: Option<MasterRotation>,
    /// IAM database authentication.
    pub iam_authentication: bool,
    /// Storage encryption (on by default).
    pub storage_encrypted: bool,
    /// The ARN of the KMS key encrypting storage; the `aws/rds` key when unset.
    pub storage_encryption_key: Option<Value<String>>,
    /// Days of automated backups, 1 to 35 (1 by default, as RDS; always
    /// written, so the template states how long backups last).
    pub backup_retention_days: u32,
    /// The daily backup window (UTC), such as `03:00-04:00`, 30 minutes or more.
    pub backup_window: Option<String>,
    /// The weekly maintenance window (UTC), such as `sun:04:00-sun:05:00`.
    pub maintenance_window: Option<String>,
    /// Performance Insights.
    pub performance_insights: Option<PerformanceInsights>,
    /// Enhanced Monitoring interval: 1, 5, 10, 15, 30 or 60 seconds.
    pub monitoring_interval: Option<Duration>,
    /// The Enhanced Monitoring role; created at `<id>/MonitoringRole` when unset.
    pub monitoring_role: Option<Role>,
    /// Cluster parameters; `default.<family>` is used when empty.
    pub cluster_parameters: Map<String>,
    /// Instance parameters, in a group shared by every instance.
    pub instance_parameters: Map<String>,
    /// Log types exported to CloudWatch Logs (`postgresql`).
    pub cloudwatch_logs_exports: Vec<String>,
    /// Aurora global database membership.
    pub global: Option<GlobalDatabase>,
    /// The production preset: deletion protection on unless
    /// `deletion_protection` says otherwise.
    pub prod: bool,
    /// Deletion protection; follows `prod` (or a Retain policy) when unset.
    pub deletion_protection: Option<bool>,
    /// What happens to the cluster when it leaves the stack (Snapshot by
    /// default). Instances, the subnet group and the secret are deleted
    /// unless this is Retain, as in the CDK.
    pub removal_policy: RemovalPolicy,
    /// Copy tags to snapshots (on by default, as in the CDK).
    pub copy_tags_to_snapshot: bool,
    /// A physical cluster identifier; generated when unset.
    pub cluster_identifier: Option<String>,
}

impl DatabaseClusterProps {
    /// A cluster of `engine_version` with one `writer` in `subnets`;
    /// encrypted, a generated master secret, Snapshot on delete.
    pub fn new(engine_version: &str, writer: ClusterInstance, subnets: DatabaseSubnets) -> Self {
        DatabaseClusterProps {
            engine_version: engine_version.to_string(),
            writer,
            readers: Vec::new(),
            reader_scaling: None,
            serverless_v2: None,
            subnets,
            security_groups: Vec::new(),
            security_group_ids: Vec::new(),
            port: 5432,
            database_name: None,
            master_username: "postgres".to_string(),
            secret_encryption_key: None,
            exclude_characters: DEFAULT_EXCLUDE_CHARACTERS.to_string(),
            rotation: None,
            iam_authentication: false,
            storage_encrypted: true,
            storage_encryption_key: None,
            backup_retention_days: 1,
            backup_window: None,
            maintenance_window: None,
            performance_insights: None,
            monitoring_interval: None,
            monitoring_role: None,
            cluster_parameters: Map::new(),
            instance_parameters: Map::new(),
            cloudwatch_logs_exports: Vec::new(),
            global: None,
            prod: false,
            deletion_protection: None,
            removal_policy: RemovalPolicy::Snapshot,
            copy_tags_to_snapshot: true,
            cluster_identifier: None,
        }
    }

    /// Whether deletion protection is on.
    pub(super) fn deletion_protected(&self) -> bool {
        self.deletion_protection
            .unwrap_or(self.prod || self.removal_policy == RemovalPolicy::Retain)
    }
}
