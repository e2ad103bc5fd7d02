//! The app's per-environment settings, read from `config/<env>.json`.
//!
//! Seed 003 describes two variants of one architecture: `dev` (one NAT
//! gateway, SPOT nodes, single-AZ RDS, a one-node Redis, one shared KMS
//! key, 1-day queues) and `prod` (a NAT gateway per AZ, ON_DEMAND nodes,
//! Multi-AZ RDS, a three-node Redis, seven KMS keys, PITR, tiered S3
//! lifecycles, 7-day queues). Every difference is a setting here, so the
//! files in `config/` read as the seed's dev/prod comparison.

use std::path::Path;

use serde::Deserialize;
use strata::config::ConfigError;
use strata::data_tier::Stage;
use strata::prelude::*;

/// The directory of the environment files.
pub fn dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/config"))
}

/// One environment's settings.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The schema editors validate the file against.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// The 12-digit account ID; `null` deploys to the account of the
    /// credentials in use (`CDK_DEFAULT_ACCOUNT`).
    pub account: Option<String>,
    /// The region; `null` uses `CDK_DEFAULT_REGION`.
    pub region: Option<String>,
    /// The environment: it prefixes resource names (`prod-ticket-events`)
    /// and sets the production checks.
    pub stage: StageName,
    /// Section 2 of the seed: the VPC.
    pub network: NetworkConfig,
    /// Section 3: the KMS keys.
    pub kms: KmsConfig,
    /// Sections 1 and 8: the EKS cluster and its node groups.
    pub eks: EksConfig,
    /// Sections 1, 7 and 8: RDS PostgreSQL.
    pub rds: RdsConfig,
    /// Sections 1, 7 and 8: ElastiCache Redis.
    pub redis: RedisConfig,
    /// Sections 1, 6, 7 and 8: the DynamoDB tables.
    pub dynamodb: DynamoDbConfig,
    /// Sections 6 and 7: the S3 buckets.
    pub s3: S3Config,
    /// Sections 1, 5 and 8: SNS topics and SQS queues.
    pub messaging: MessagingConfig,
    /// Sections 3 and 5: the WAF web ACL.
    pub waf: WafConfig,
    /// Days the EKS control-plane and RDS log groups keep events (the seed
    /// sets none; CloudWatch would keep them forever).
    pub log_retention_days: u32,
}

/// The stage of an environment file; the seed defines dev and prod.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum StageName {
    /// Development.
    Dev,
    /// Production.
    Prod,
}

/// The VPC: its block, the three /20 tiers over three AZs, NAT and endpoints.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NetworkConfig {
    /// The VPC block: `10.0.0.0/16` in prod, `10.10.0.0/16` in dev.
    pub vpc_cidr: String,
    /// One public subnet per AZ (ALB, NAT gateways).
    pub public_subnets: Vec<String>,
    /// One private subnet per AZ (EKS workers, interface endpoints).
    pub private_subnets: Vec<String>,
    /// One database subnet per AZ (RDS, Redis), with no route out.
    pub database_subnets: Vec<String>,
    /// A NAT gateway per AZ, or one shared (dev).
    pub nat_gateways: NatGateways,
    /// Interface endpoints in the private subnets, by service endpoint
    /// name: section 2's ECR, STS, CloudWatch Logs and Secrets Manager, and
    /// in prod section 1's SNS and SQS.
    pub interface_endpoints: Vec<String>,
}

/// How many NAT gateways the VPC has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum NatGateways {
    /// One in each public subnet.
    PerAz,
    /// One in the first public subnet.
    Single,
}

/// The KMS keys: one shared key (dev) or one per service (prod).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct KmsConfig {
    /// Days KMS waits before deleting a key removed from the stack (the
    /// seed's "7-30 day deletion window").
    pub deletion_window_days: u32,
}

/// The EKS cluster.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EksConfig {
    /// The Kubernetes version.
    pub kubernetes_version: String,
    /// CIDR blocks allowed to reach the API endpoint from the internet;
    /// empty keeps the endpoint private to the VPC.
    pub public_access_cidrs: Vec<String>,
    /// The managed node groups.
    pub node_groups: Vec<NodeGroupConfig>,
}

/// One managed node group.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NodeGroupConfig {
    /// The group's name, such as `general-spot` or `ai`.
    pub name: String,
    /// The instance types, all of one architecture.
    pub instance_types: Vec<String>,
    /// ON_DEMAND or SPOT capacity.
    pub capacity: Capacity,
    /// Fewest nodes.
    pub min_size: u32,
    /// Most nodes.
    pub max_size: u32,
    /// Nodes at creation.
    pub desired_size: u32,
    /// The `workload` label; `ai` nodes are also tainted
    /// `workload=ai:NoSchedule` so only AI pods run there.
    pub workload: Workload,
    /// Most nodes replaced at once during an update, in percent (the
    /// seed's "33% max churn").
    pub max_unavailable_percent: u32,
}

/// How node capacity is bought.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Capacity {
    /// ON_DEMAND.
    OnDemand,
    /// SPOT.
    Spot,
}

/// What a node group runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Workload {
    /// Any pod.
    General,
    /// Only pods tolerating `workload=ai:NoSchedule`.
    Ai,
}

impl Workload {
    /// The label value.
    pub fn label(self) -> &'static str {
        match self {
            Workload::General => "general",
            Workload::Ai => "ai",
        }
    }
}

/// RDS PostgreSQL.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RdsConfig {
    /// The PostgreSQL engine version. The seed names none; the files use
    /// 16.9, as RDS no longer creates instances of 16.8 and earlier 16.x.
    pub engine_version: String,
    /// The instance class (Graviton, as the seed's cost section says).
    pub instance_class: String,
    /// A standby in another AZ (prod) or a single instance (dev).
    pub multi_az: bool,
    /// Storage at creation, GiB.
    pub allocated_storage_gib: u32,
    /// Storage autoscaling ceiling, GiB ("auto-grows up to max_allocated").
    pub max_allocated_storage_gib: u32,
    /// Days of automated backups (the seed's 30-day backup).
    pub backup_retention_days: u32,
}

/// ElastiCache Redis.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RedisConfig {
    /// The Redis engine version (the seed names none).
    pub engine_version: String,
    /// The node type (the seed names none; Graviton, as its cost section
    /// prefers).
    pub node_type: String,
    /// Nodes: 1 in dev, 3 (a primary and two replicas) in prod.
    pub nodes: u32,
}

/// The DynamoDB tables.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DynamoDbConfig {
    /// Point-in-time recovery (prod).
    pub point_in_time_recovery: bool,
    /// Provisioned capacity with the seed's auto-scaling; `null` bills per
    /// request, as the seed recommends.
    pub provisioned: Option<ProvisionedCapacity>,
}

/// Provisioned capacity of each table, scaled by target tracking.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ProvisionedCapacity {
    /// Read capacity units at creation and the scaling floor.
    pub min_read: i64,
    /// Read scaling ceiling.
    pub max_read: i64,
    /// Write capacity units at creation and the scaling floor.
    pub min_write: i64,
    /// Write scaling ceiling.
    pub max_write: i64,
}

/// The S3 buckets.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct S3Config {
    /// The seed's production lifecycle: STANDARD_IA at 30 days, GLACIER_IR
    /// at 90, DEEP_ARCHIVE at 180.
    pub tiered_lifecycle: bool,
    /// Object Lock on the audit-logs bucket.
    pub audit_log_lock: AuditLogLock,
    /// Days before objects in user-uploads expire.
    pub user_upload_expiry_days: i64,
}

/// Object Lock of the audit-logs bucket ("immutable records").
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AuditLogLock {
    /// `compliance`: nobody can shorten retention; `governance`: privileged
    /// users can.
    pub mode: LockMode,
    /// Default retention, days.
    pub days: i64,
}

/// Object Lock mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LockMode {
    /// GOVERNANCE.
    Governance,
    /// COMPLIANCE.
    Compliance,
}

/// SNS topics and their SQS queues.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MessagingConfig {
    /// Days a queue keeps messages: 7 in prod, 1 in dev.
    pub queue_retention_days: u64,
    /// Days a dead-letter queue keeps messages (14).
    pub dlq_retention_days: u64,
    /// Receives before a message moves to the dead-letter queue.
    pub max_receive_count: u32,
}

/// The WAF web ACL.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WafConfig {
    /// Requests one IP may send in 5 minutes before it is blocked (2000).
    pub rate_limit_per_ip: u64,
}

/// The environments with a file in `config/`, sorted.
pub fn environments() -> Vec<String> {
    strata::config::environments(dir())
}

impl Config {
    /// Reads the file of environment `env`.
    pub fn load(env: &str) -> Result<Config, ConfigError> {
        strata::config::load(dir(), env)
    }

    /// The stack environment: the file's account and region, falling back
    /// to the deploy chain's (`CDK_DEFAULT_ACCOUNT` / `CDK_DEFAULT_REGION`).
    pub fn environment(&self) -> Environment {
        let defaults = Environment::from_cdk_defaults();
        Environment {
            account: self.account.clone().or(defaults.account),
            region: self.region.clone().or(defaults.region),
        }
    }

    /// The data-tier stage: shared key and relaxed checks in dev,
    /// per-service keys and production checks in prod.
    pub fn stage(&self) -> Stage {
        match self.stage {
            StageName::Dev => Stage::Dev,
            StageName::Prod => Stage::Prod,
        }
    }

    /// The environment's name, `dev` or `prod`, as resource names use it.
    pub fn name(&self) -> &'static str {
        match self.stage {
            StageName::Dev => "dev",
            StageName::Prod => "prod",
        }
    }
}
