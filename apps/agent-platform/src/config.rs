//! The app's per-environment settings, read from `config/<env>.json`.
//!
//! Seed 002 describes one production architecture and recommends
//! "developer environments that mirror production" and "Spot Instances for
//! non-critical workloads". The three files keep prod as the seed states it
//! (a NAT gateway per AZ, Multi-AZ Aurora, Redis and OpenSearch, on-demand
//! t3.medium nodes) and scale dev down (one NAT gateway, Spot nodes, a
//! single Aurora writer, one Redis node, one OpenSearch node, one shared
//! KMS key); staging mirrors prod at a smaller size.

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
    /// The environment (the seed's `var.environment`): it prefixes resource
    /// names (`prod-agent-platform-…`) and sets the production checks.
    pub stage: StageName,
    /// "Networking and Security": the VPC.
    pub network: NetworkConfig,
    /// "Compute Infrastructure (EKS)".
    pub eks: EksConfig,
    /// "Developer Experience": the bastion host.
    pub bastion: BastionConfig,
    /// "Data Storage" 1: Aurora PostgreSQL.
    pub aurora: AuroraConfig,
    /// "Data Storage" 2: the DynamoDB usage tables.
    pub dynamodb: DynamoDbConfig,
    /// "Data Storage" 3: ElastiCache Redis.
    pub redis: RedisConfig,
    /// "Observability": OpenSearch.
    pub opensearch: OpenSearchConfig,
    /// "Authentication and Authorization": Cognito.
    pub cognito: CognitoConfig,
    /// Days the CloudWatch log groups (EKS control plane, flow logs, RDS,
    /// OpenSearch) keep events.
    pub log_retention_days: u32,
}

/// The stage of an environment file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum StageName {
    /// Development.
    Dev,
    /// Staging.
    Staging,
    /// Production.
    Prod,
}

/// The VPC: its block, the public and private subnets over two AZs, NAT.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NetworkConfig {
    /// The VPC block (the seed's `10.0.0.0/16`).
    pub vpc_cidr: String,
    /// One public subnet per AZ (NAT gateways, the load balancer).
    pub public_subnets: Vec<String>,
    /// One private subnet per AZ (EKS, bastion, Aurora, Redis, OpenSearch).
    pub private_subnets: Vec<String>,
    /// A NAT gateway per AZ (the seed's "NAT Gateway 1, NAT Gateway 2"), or
    /// one shared (dev).
    pub nat_gateways: NatGateways,
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

/// The EKS cluster and its node group.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EksConfig {
    /// The Kubernetes version.
    pub kubernetes_version: String,
    /// The node instance type (the seed's t3.medium).
    pub node_instance_type: String,
    /// Spot capacity (dev) instead of on-demand.
    pub spot: bool,
    /// Fewest nodes.
    pub min_nodes: u32,
    /// Most nodes.
    pub max_nodes: u32,
    /// Nodes at creation.
    pub desired_nodes: u32,
}

/// The bastion host.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BastionConfig {
    /// The instance type (the seed's t3.large).
    pub instance_type: String,
    /// Root volume size, GiB.
    pub root_volume_gib: u32,
}

/// Aurora PostgreSQL.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AuroraConfig {
    /// The engine version.
    pub engine_version: String,
    /// The instance class of the writer and readers.
    pub instance_class: String,
    /// Readers in the other AZ ("Multi-AZ deployment"); 0 in dev.
    pub readers: u32,
    /// Days of automated backups (point-in-time recovery window).
    pub backup_retention_days: u32,
}

/// The DynamoDB usage tables.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DynamoDbConfig {
    /// Point-in-time recovery (the seed enables it; prod requires it).
    pub point_in_time_recovery: bool,
}

/// ElastiCache Redis.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RedisConfig {
    /// The engine version.
    pub engine_version: String,
    /// The node type.
    pub node_type: String,
    /// Nodes; 2 or more form the seed's "Multi-AZ replication group".
    pub nodes: u32,
}

/// The OpenSearch domain.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OpenSearchConfig {
    /// The engine version, such as `OpenSearch_2.19`.
    pub engine_version: String,
    /// The data node instance type.
    pub instance_type: String,
    /// Data nodes ("multi-node deployment").
    pub data_nodes: u32,
    /// Availability zones the nodes spread over (1 or 2 in this VPC).
    pub availability_zones: u32,
    /// EBS volume per node, GiB.
    pub volume_gib: u32,
}

/// Cognito.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CognitoConfig {
    /// The hosted domain prefix (`<prefix>.auth.<region>.amazoncognito.com`).
    pub domain_prefix: String,
    /// Where the web client sends users after sign-in.
    pub callback_urls: Vec<String>,
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

    /// The data-tier stage: a shared key in dev, per-service keys in
    /// staging and prod, production checks in prod.
    pub fn stage(&self) -> Stage {
        match self.stage {
            StageName::Dev => Stage::Dev,
            StageName::Staging => Stage::Staging,
            StageName::Prod => Stage::Prod,
        }
    }

    /// The environment's name, as resource names use it.
    pub fn name(&self) -> &'static str {
        match self.stage {
            StageName::Dev => "dev",
            StageName::Staging => "staging",
            StageName::Prod => "prod",
        }
    }

    /// The seed's `local.name_prefix`: `<env>-agent-platform-`.
    pub fn prefix(&self) -> String {
        format!("{}-agent-platform-", self.name())
    }
}
