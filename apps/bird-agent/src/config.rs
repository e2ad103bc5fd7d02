//! The app's per-environment settings, read from `config/<env>.json`.
//!
//! Seed 000 runs the same architecture in its development, staging and
//! production accounts; what changes per environment is the account, the
//! regions and the stage, which sets the data tier's production checks.

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

    /// The data tier's stage.
    pub fn stage(&self) -> Stage {
        match self.stage {
            StageName::Dev => Stage::Dev,
            StageName::Staging => Stage::Staging,
            StageName::Prod => Stage::Prod,
        }
    }
}
