//! The app's per-environment settings, read from `config/<env>.json`.
//!
//! Seed sections "Deployment Environments" and "Environment-Specific
//! Configurations": development is single-AZ with minimal resources
//! (256 MB functions, capped on-demand tables, Standard storage,
//! `t3.small.search`, basic monitoring); staging is production-like
//! (512 MB, higher table limits, lifecycle policies, a medium search node,
//! enhanced monitoring); production is Multi-AZ and highly available
//! (1024 MB and more, Intelligent-Tiering, `m6g.large.search` over two
//! zones, full observability) with the disaster-recovery region.

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
    /// The primary region (the seed's us-east-1). Explicit, because the
    /// six stacks pass values to each other.
    pub region: String,
    /// Which presets and checks apply; also names the deployed stacks.
    pub stage: StageName,
    /// The VPC.
    pub network: NetworkConfig,
    /// The three functions.
    pub lambda: LambdaConfig,
    /// The optional ECS service for long-running workflows; `null` leaves
    /// it out.
    pub ecs: Option<EcsConfig>,
    /// The investment ideas and user profiles tables.
    pub dynamodb: DynamoDbConfig,
    /// The DAX cluster in front of the tables; `null` leaves it out.
    pub dax: Option<DaxConfig>,
    /// The proprietary data bucket.
    pub s3: S3Config,
    /// The knowledge base domain.
    pub opensearch: OpenSearchConfig,
    /// The REST API.
    pub api: ApiConfig,
    /// Alarms, dashboards and tracing.
    pub monitoring: MonitoringConfig,
    /// The disaster-recovery region; `null` deploys the primary region only.
    pub dr: Option<DrConfig>,
}

/// The stage of an environment file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum StageName {
    /// Development.
    Dev,
    /// Pre-production.
    Staging,
    /// Production.
    Prod,
}

impl StageName {
    /// The lowercase name used in physical names (`prod`).
    pub fn as_str(self) -> &'static str {
        match self {
            StageName::Dev => "dev",
            StageName::Staging => "staging",
            StageName::Prod => "prod",
        }
    }
}

/// How private subnets reach the internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum NatGateways {
    /// One NAT gateway shared by every private subnet.
    Single,
    /// One NAT gateway in each availability zone.
    PerAz,
}

/// Seed "Amazon VPC": 10.0.0.0/16 over three zones.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NetworkConfig {
    /// Availability zones the subnets span, 1 to 3 (the seed's three; one
    /// for the single-AZ development environment).
    pub availability_zones: u8,
    /// NAT gateways.
    pub nat_gateways: NatGateways,
    /// Days VPC flow logs are kept.
    pub flow_log_retention_days: u32,
}

/// Seed "AWS Lambda": memory, timeouts and concurrency of the three functions.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LambdaConfig {
    /// The release whose packages the functions run: the pipeline puts
    /// them at `releases/<release>/<function>.zip` in the artifacts bucket.
    pub release: String,
    /// Memory of the API function, MB.
    pub api_memory_mb: u32,
    /// Memory of the processing function, MB.
    pub processing_memory_mb: u32,
    /// Memory of the scheduler function, MB.
    pub scheduler_memory_mb: u32,
    /// Reserved concurrency of the processing function; `null` shares the
    /// account pool.
    pub processing_reserved_concurrency: Option<u32>,
    /// Reserved concurrency of the scheduler function; `null` shares the
    /// account pool.
    pub scheduler_reserved_concurrency: Option<u32>,
    /// Provisioned concurrency of the API function's `live` alias (warm
    /// containers); `null` for none.
    pub api_provisioned_concurrency: Option<u32>,
    /// The account's concurrent executions (the seed's 1000); alarms fire
    /// at 80 % of it.
    pub account_concurrency: u32,
    /// Minutes between the scheduler's market data updates.
    pub schedule_minutes: u32,
    /// Days function logs are kept.
    pub log_retention_days: u32,
}

/// Seed "Amazon ECS (Optional)": a Fargate service with CPU and memory scaling.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EcsConfig {
    /// Task CPU units (256 to 16384, a Fargate size).
    pub cpu: u32,
    /// Task memory, MiB (a Fargate size for the CPU).
    pub memory_mib: u32,
    /// Fewest tasks.
    pub min_tasks: u32,
    /// Most tasks.
    pub max_tasks: u32,
    /// The image tag in the `investment-ai/workflows` ECR repository.
    pub image_tag: String,
}

/// Seed "Amazon DynamoDB": on-demand billing everywhere.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DynamoDbConfig {
    /// The most read and write request units per second an on-demand table
    /// may use ("minimal capacity" in dev, "higher limits" in staging);
    /// `null` for no cap.
    pub max_request_units: Option<u32>,
}

/// Seed "Caching Strategy": DAX in front of DynamoDB.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DaxConfig {
    /// The node type, such as `dax.t3.medium`.
    pub node_type: String,
    /// Nodes, 1 to 11 (3 or more across zones for production).
    pub nodes: u32,
}

/// Where objects of the proprietary data bucket are stored over time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum StorageTiering {
    /// S3 Standard only (the seed's development setting).
    Standard,
    /// The seed's lifecycle: Standard 0-30 days, IA 30-90, Glacier 90+.
    Lifecycle,
    /// Intelligent-Tiering from day 0 with its archive tier after 90 days.
    IntelligentTiering,
}

/// Seed "Amazon S3".
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct S3Config {
    /// Storage classes over time.
    pub tiering: StorageTiering,
}

/// Seed "Amazon OpenSearch".
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OpenSearchConfig {
    /// The data node instance type, such as `m6g.large.search`.
    pub instance_type: String,
    /// Data nodes (a multiple of the zone count).
    pub data_nodes: u32,
    /// Zones the nodes spread over (1, or 2 or 3 for Multi-AZ).
    pub availability_zones: u32,
    /// The gp3 volume of each node, GiB.
    pub volume_gib: u32,
}

/// Seed "Amazon API Gateway" and "AWS WAF".
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ApiConfig {
    /// The response cache size, GB (`0.5`, `1.6`, `6.1`, ...).
    pub cache_cluster_size: String,
    /// Write full requests and responses to the execution log.
    pub data_trace: bool,
    /// Countries (ISO 3166 alpha-2) the web ACL blocks.
    pub blocked_countries: Vec<String>,
    /// A custom domain; `null` serves the API on its `execute-api` name.
    pub domain: Option<ApiDomain>,
}

/// The API's custom domain with its certificate.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ApiDomain {
    /// The name, such as `api.example.com`.
    pub name: String,
    /// An ACM certificate for the name, in the primary region.
    pub certificate_arn: String,
    /// The Route 53 hosted zone the name's records go in.
    pub hosted_zone_id: String,
}

/// How much the monitoring stack watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum MonitoringLevel {
    /// Errors of the API, functions and queue, on AWS's standard metrics.
    Basic,
    /// Also latency, throttling, capacity and search health alarms,
    /// per-method API metrics, X-Ray tracing and a dashboard.
    Enhanced,
    /// Also model throttling, custom business metrics from the structured
    /// logs, and a sampling rule that traces every investment request.
    Full,
}

/// Seed "Monitoring Layer".
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MonitoringConfig {
    /// How much is watched.
    pub level: MonitoringLevel,
    /// Where alarm notifications are mailed; `null` for none.
    pub alarm_email: Option<String>,
    /// Days API access and WAF logs are kept.
    pub log_retention_days: u32,
}

/// Seed "Disaster Recovery": the secondary region, RTO 4 hours, RPO 1 hour.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DrConfig {
    /// The secondary region (the seed's us-west-2).
    pub region: String,
}

impl Config {
    /// Reads the file of environment `env`.
    pub fn load(env: &str) -> Result<Config, ConfigError> {
        strata::config::load(dir(), env)
    }

    /// The environment of the primary-region stacks: the file's account
    /// (or `CDK_DEFAULT_ACCOUNT`) in the file's region.
    pub fn environment(&self) -> Environment {
        self.environment_in(&self.region)
    }

    /// The same account in `region`.
    pub fn environment_in(&self, region: &str) -> Environment {
        Environment {
            account: self
                .account
                .clone()
                .or(Environment::from_cdk_defaults().account),
            region: Some(region.to_string()),
        }
    }

    /// The data tier's stage.
    pub fn stage(&self) -> Stage {
        match self.stage {
            StageName::Dev => Stage::Dev,
            StageName::Staging => Stage::Staging,
            StageName::Prod => Stage::Prod,
        }
    }

    /// `investment-ai-<stage>`, the prefix of stack and resource names.
    ///
    /// ```
    /// let prod = investment_agent::Config::load("prod").expect("prod.json");
    /// assert_eq!(prod.prefix(), "investment-ai-prod");
    /// assert_eq!(prod.dr.map(|dr| dr.region).as_deref(), Some("us-west-2"));
    /// ```
    pub fn prefix(&self) -> String {
        format!("investment-ai-{}", self.stage.as_str())
    }
}
