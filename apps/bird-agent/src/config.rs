//! The app's per-environment settings, read from `config/<env>.json`.
//!
//! Seed 000 runs the same architecture in its development, staging and
//! production accounts ("Multi-Account Strategy"); what changes per
//! environment is the account, the regions, the stage (which sets the data
//! tier's production checks), the release deployed, the sizes of the two
//! ECS services, the multimodal function's provisioned concurrency and
//! whether the media and config buckets replicate to the secondary region.
//! `prod.json` carries the seed's numbers.

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
    /// The primary region; `null` uses `CDK_DEFAULT_REGION`.
    pub region: Option<String>,
    /// The region backups are copied to.
    pub secondary_region: String,
    /// Which presets and checks apply.
    pub stage: StageName,
    /// The release deployed: the container image tag pushed to the
    /// app's ECR repositories and the folder of the Lambda packages in
    /// the config bucket (`lambda/<release>/<function>.zip`).
    pub release: String,
    /// The ECS services' task counts.
    pub services: Services,
    /// Provisioned concurrency of the multimodal analysis function's
    /// `live` alias (the seed's 10 in production); 0 provisions none.
    pub provisioned_concurrency: u32,
    /// Replicate the media and config buckets and the application
    /// secrets to the secondary region (the seed's "Cross-Region
    /// Replication").
    pub cross_region_replication: bool,
    /// An address subscribed to the critical and warning alert topics;
    /// `null` subscribes none.
    pub alarm_email: Option<String>,
    /// Bird.com's platform addresses (CIDRs) for the WAF's IP allowlist
    /// rule (seed "IP set match (Bird.com IPs)"); the seed lists none, and
    /// an empty set matches nothing.
    pub bird_ips: Vec<String>,
}

/// The task counts of the two ECS services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Services {
    /// The conversation manager (seed: desired 3, 2 to 20).
    pub conversation_manager: TaskCount,
    /// The multimodal processor (seed: desired 2, 1 to 10).
    pub multimodal_processor: TaskCount,
}

/// A service's desired task count and its autoscaling range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TaskCount {
    /// Tasks at deploy.
    pub desired: u32,
    /// The fewest tasks autoscaling keeps.
    pub min: u32,
    /// The most tasks autoscaling runs.
    pub max: u32,
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
    /// The lowercase name: the API stage's name (the seed's `prod`).
    pub fn as_str(self) -> &'static str {
        match self {
            StageName::Dev => "dev",
            StageName::Staging => "staging",
            StageName::Prod => "prod",
        }
    }

    /// The API's `environment` stage variable (the seed's `production`).
    pub fn environment(self) -> &'static str {
        match self {
            StageName::Dev => "development",
            StageName::Staging => "staging",
            StageName::Prod => "production",
        }
    }
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

    /// The stack environment in `region`, with the account of
    /// [`Config::environment`].
    pub fn environment_in(&self, region: &str) -> Environment {
        Environment {
            region: Some(region.to_string()),
            ..self.environment()
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
}
