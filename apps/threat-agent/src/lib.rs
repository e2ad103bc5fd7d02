//! Seed 001, the AI Agent Service for threat response, as Strata stacks.
//!
//! The primary region (us-east-1) has one stack per part of the seed:
//! [`NETWORK`], [`SECURITY`], [`DATA`], [`PLATFORM`], [`INTEGRATION`] and
//! [`MONITORING`]. Environments with a standby region (the seed's
//! "Multi-Region Active-Passive DR", RTO 15 minutes, RPO 5 minutes, in
//! us-west-2) add [`REPLICA`], which the DR construct deploys first with
//! the multi-Region keys and the replica buckets, and [`STANDBY`], the warm
//! standby, which deploys after the data stack.
//!
//! ```
//! use threat_agent::Config;
//! // Without an account in the file, both regions deploy to the account
//! // of the credentials in use.
//! let config = Config::load("prod").expect("config/prod.json");
//! let assembly = threat_agent::build(&config).synth().expect("the app is valid");
//! let ids: Vec<&str> = assembly.stacks.iter().map(|s| s.id.as_str()).collect();
//! assert!(ids.contains(&threat_agent::STANDBY));
//! let dev = threat_agent::app_for("dev").synth().expect("dev needs no account");
//! assert_eq!(dev.stacks.len(), 6);
//! ```

#![warn(missing_docs)]

pub mod agents;
pub mod config;
pub mod data;
pub mod failover;
pub mod integration;
pub mod models;
pub mod monitoring;
pub mod network;
pub mod platform;
pub mod roles;
pub mod security;
pub mod standby;
pub mod storage;
pub mod tools;
pub mod workflows;

use std::time::Duration;

use strata::dr::{
    Endpoint, FailoverDnsProps, HostedZone, MultiRegionDR, MultiRegionDRProps, Standby,
};
use strata::prelude::*;

pub use config::Config;

use config::StandbyConfig;
use integration::{Integration, IntegrationSettings};
use monitoring::MonitoringSettings;
use platform::PlatformSettings;
use storage::{Capacity, Placement};

/// VPC, security groups and endpoints.
pub const NETWORK: &str = "ThreatAgentNetwork";
/// KMS keys.
pub const SECURITY: &str = "ThreatAgentSecurity";
/// Context tables, buckets, caches and the knowledge base domain.
pub const DATA: &str = "ThreatAgentData";
/// Roles, tools, agents, knowledge base and workflows.
pub const PLATFORM: &str = "ThreatAgentPlatform";
/// Event bus, rules, topics and the REST and WebSocket APIs.
pub const INTEGRATION: &str = "ThreatAgentIntegration";
/// Alarms, dashboards, tracing and saved queries.
pub const MONITORING: &str = "ThreatAgentMonitoring";
/// The standby region's replication targets (DR secondary stack).
pub const REPLICA: &str = "ThreatAgentReplica";
/// The standby region's warm standby.
pub const STANDBY: &str = "ThreatAgentStandby";

/// The seed's recovery time objective.
pub const RTO: Duration = Duration::from_secs(15 * 60);
/// The seed's recovery point objective.
pub const RPO: Duration = Duration::from_secs(5 * 60);
/// The seed's VPC block.
pub const VPC_CIDR: &str = "10.0.0.0/16";

/// The app for the environment `cargo xtask synth --env <name>` names
/// (`STRATA_ENV`, default `dev`), from `config/<name>.json`. A missing or
/// invalid file is reported when the app is synthesized.
pub fn app() -> App {
    app_for(&strata::config::environment_name())
}

/// The app for environment `env`.
pub fn app_for(env: &str) -> App {
    strata::config::app_from(Config::load(env), build)
}

fn stack(app: &App, id: &str, env: Environment, description: &str) -> Scope {
    app.stack(
        id,
        StackProps {
            env,
            description: Some(format!(
                "AI Agent Service for threat response: {description} (seed 001)"
            )),
            ..Default::default()
        },
    )
}

/// The app with `config`.
pub fn build(config: &Config) -> App {
    let app = App::new();
    let primary = |id: &str, description: &str| stack(&app, id, config.environment(), description);
    let standby_stacks = config.standby.as_ref().map(|sb| {
        let env = config.environment_in(&sb.region);
        (
            stack(
                &app,
                REPLICA,
                env.clone(),
                "standby region replication targets",
            ),
            stack(&app, STANDBY, env, "warm standby region"),
            sb,
        )
    });
    let network_stack = primary(NETWORK, "network");
    let security_stack = primary(SECURITY, "encryption keys");
    let data_stack = primary(DATA, "context storage, caches and knowledge base");
    let platform_stack = primary(PLATFORM, "agents, tools and workflows");
    let integration_stack = primary(INTEGRATION, "events and APIs");
    let monitoring_stack = primary(MONITORING, "monitoring and observability");

    let network = network::build(&network_stack, VPC_CIDR, config.nat());
    let dr = standby_stacks.as_ref().map(|(replica, standby, sb)| {
        MultiRegionDR::new(
            &data_stack,
            replica,
            "Dr",
            MultiRegionDRProps {
                mode: Standby::WarmStandby {
                    min_capacity: sb.warm_capacity,
                },
                standby: Some(standby.clone()),
                ..MultiRegionDRProps::new(&config.region, &sb.region, RTO, RPO)
            },
        )
    });
    let context_keys = dr.as_ref().map(security::multi_region_context_keys);
    let keys = match &context_keys {
        Some((context, evidence)) => security::build(
            &security_stack,
            context.primary_region_arn(),
            evidence.primary_region_arn(),
        ),
        None => {
            let (context, evidence) = security::regional_context_keys(&security_stack);
            security::build(&security_stack, context, evidence)
        }
    };
    let placement = match (&dr, &context_keys) {
        (Some(dr), Some((context_key, evidence_key))) => Placement::Replicated {
            dr,
            context_key,
            evidence_key,
        },
        _ => Placement::Regional,
    };
    let capacity = if config.multi_az {
        Capacity::SEED
    } else {
        Capacity::SINGLE
    };
    let (stores, replicas) = storage::build(
        &data_stack,
        &network,
        &keys,
        config.stage(),
        capacity,
        &placement,
    );
    let platform = platform::build(
        &platform_stack,
        &PlatformSettings {
            network: &network,
            keys: &keys,
            stores: &stores,
            release: &config.release,
            standby_concurrency: None,
        },
    );
    let integration = integration::build(
        &integration_stack,
        &IntegrationSettings {
            keys: &keys,
            stores: &stores,
            platform: &platform,
            release: &config.release,
            rules_enabled: true,
        },
    );
    monitoring::build(
        &monitoring_stack,
        &MonitoringSettings {
            keys: &keys,
            stores: &stores,
            platform: &platform,
            integration: &integration,
            alarm_email: config.alarm_email.as_deref(),
            daily_token_budget: config.daily_token_budget,
        },
    );
    if let (Some((_, standby_stack, sb)), Some(dr), Some((context, evidence)), Some(replicas)) =
        (&standby_stacks, &dr, &context_keys, replicas)
    {
        let standby_keys = security::build(
            standby_stack,
            context.secondary_region_arn(),
            evidence.secondary_region_arn(),
        );
        let standby = standby::build(standby_stack, config, sb, dr, &standby_keys, replicas);
        let health_check = primary_health_check(
            &monitoring_stack,
            standby_stack,
            config,
            sb,
            &integration,
            &standby.integration,
        );
        monitoring::failover_trigger(
            &monitoring_stack,
            &keys,
            health_check,
            standby.failover.function_arn(),
        );
    }
    app
}

/// The Route 53 health check on the primary region: with failover DNS
/// configured, the one of the PRIMARY/SECONDARY records MultiRegionDR
/// makes for the two REST APIs; otherwise a health check of its own.
fn primary_health_check(
    monitoring: &Scope,
    standby_stack: &Scope,
    config: &Config,
    sb: &StandbyConfig,
    primary: &Integration,
    standby: &Integration,
) -> Value<String> {
    match &sb.failover_dns {
        Some(dns) => {
            let api = MultiRegionDR::new(
                monitoring,
                standby_stack,
                "ApiFailover",
                MultiRegionDRProps::new(&config.region, &sb.region, RTO, RPO),
            );
            let zone_name = dns
                .record_name
                .split_once('.')
                .map(|(_, zone)| zone.to_string())
                .unwrap_or_else(|| dns.record_name.clone());
            let mut props = FailoverDnsProps::new(
                HostedZone {
                    zone_id: dns.hosted_zone_id.as_str().into(),
                    zone_name,
                },
                &dns.record_name,
                Endpoint::Domain(primary.rest_api_host()),
                Endpoint::Domain(standby.rest_api_host()),
            );
            props.health_check.path = format!("/prod{}", integration::HEALTH_PATH);
            api.failover_dns("ApiDns", props).health_check_id()
        }
        None => monitoring::health_check(monitoring, primary),
    }
}
