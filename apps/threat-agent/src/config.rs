//! The app's per-environment settings, read from `config/<env>.json`.
//!
//! The seed describes one production shape: everything Multi-AZ in
//! us-east-1 with a warm standby in us-west-2 ("Disaster Recovery
//! Infrastructure"). The environment files keep that shape in `prod`, and
//! scale it down where the seed's numbers only matter for production:
//! `dev` runs one NAT gateway, single-node caches and a one-node search
//! domain, and no standby region; `staging` has the production capacity
//! without the standby.

use std::path::Path;

use serde::Deserialize;
use strata::config::ConfigError;
use strata::data_tier::Stage;
use strata::ec2::NatStrategy;
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
    /// The primary region (the seed's us-east-1).
    pub region: String,
    /// Which presets and checks apply.
    pub stage: StageName,
    /// NAT gateways of the VPC's private subnets.
    pub nat_gateways: NatGateways,
    /// The seed's Multi-AZ capacities (3 Redis nodes, 3 DAX nodes, 3 search
    /// data nodes with 3 dedicated masters over 3 AZs); `false` runs one
    /// node of each in one AZ.
    pub multi_az: bool,
    /// The release of the tool packages the functions run, published by
    /// the application's pipeline to `threat-agent-artifacts-<account>-<region>`
    /// under `releases/<release>/<function>.zip`.
    pub release: String,
    /// Where CRITICAL and WARNING alarm notifications are e-mailed, if anywhere.
    pub alarm_email: Option<String>,
    /// The tokens the agents may consume a day; the "Token budget > 90%
    /// consumed" alarm measures against it.
    pub daily_token_budget: u64,
    /// The warm standby region; `null` deploys the primary region only.
    pub standby: Option<StandbyConfig>,
}

/// The secondary region of the active-passive disaster recovery.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StandbyConfig {
    /// The standby region (the seed's us-west-2).
    pub region: String,
    /// The standby VPC's block. The seed gives only the primary's
    /// 10.0.0.0/16; a distinct block keeps the two VPCs peerable.
    pub vpc_cidr: String,
    /// What the warm standby keeps running before a failover: Redis and
    /// search nodes, and each tool's reserved concurrency.
    pub warm_capacity: u32,
    /// Route 53 failover records for the API, when the environment has a
    /// hosted zone for them.
    pub failover_dns: Option<FailoverDnsConfig>,
}

/// The hosted zone and name of the failover records.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FailoverDnsConfig {
    /// The public hosted zone's ID, such as `Z0123456789ABCDEFGHIJ`.
    pub hosted_zone_id: String,
    /// The record both regions answer under, such as `api.example.com`.
    pub record_name: String,
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

/// How many NAT gateways the private subnets share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum NatGateways {
    /// One, in the first AZ.
    Single,
    /// One per AZ.
    PerAz,
}

impl Config {
    /// Reads the file of environment `env`.
    ///
    /// ```
    /// use threat_agent::config::{Config, NatGateways};
    /// let prod = Config::load("prod").expect("config/prod.json");
    /// assert_eq!(prod.nat_gateways, NatGateways::PerAz);
    /// assert_eq!(prod.standby.as_ref().map(|s| s.region.as_str()), Some("us-west-2"));
    /// let dev = Config::load("dev").expect("config/dev.json");
    /// assert!(dev.standby.is_none() && !dev.multi_az);
    /// ```
    pub fn load(env: &str) -> Result<Config, ConfigError> {
        strata::config::load(dir(), env)
    }

    /// The primary stacks' environment: the file's account (else
    /// `CDK_DEFAULT_ACCOUNT`) in the file's region.
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

    /// The VPC's NAT strategy.
    pub fn nat(&self) -> NatStrategy {
        match self.nat_gateways {
            NatGateways::Single => NatStrategy::Single,
            NatGateways::PerAz => NatStrategy::PerAz,
        }
    }
}
