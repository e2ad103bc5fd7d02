//! Seed 000, the Bird.com external agent platform, as Strata stacks.
//!
//! The primary region (us-east-1) has one stack per part of the seed:
//! [`STACK`] (network and data tier), [`REGISTRY`] (container images),
//! [`MESSAGING`] (queues, topics, event bus), [`COMPUTE`] (ECS services,
//! internal load balancer, Lambda functions, IAM roles, application
//! secrets), [`EVENTS`] (Step Functions workflow and event rules),
//! [`EDGE`] (REST API and WAF) and [`OBSERVABILITY`] (dashboards, alarms,
//! health check). [`RECOVERY`], in the secondary region (us-west-2), holds
//! the backup vault and, where the environment replicates, the replica
//! buckets and keys; it deploys first. Values pass between the stacks as
//! cross-stack references, which also order them.
//!
//! ```
//! let assembly = bird_agent::app_for("prod").synth().expect("the app is valid");
//! assert_eq!(assembly.stacks[0].id, bird_agent::STACK);
//! let ids: Vec<&str> = assembly.stacks.iter().map(|s| s.id.as_str()).collect();
//! assert!(ids.contains(&bird_agent::RECOVERY));
//! assert_eq!(ids.len(), 8);
//! ```

pub mod backup;
pub mod balancer;
pub mod compute;
pub mod config;
pub mod data;
pub mod edge;
pub mod functions;
pub mod messaging;
pub mod network;
pub mod observability;
pub mod recovery;
pub mod registry;
pub mod roles;
pub mod workflows;

use strata::prelude::*;

pub use config::Config;

/// The network and data tier (the app's original stack).
pub const STACK: &str = "BirdStack";
/// The ECR repositories.
pub const REGISTRY: &str = "BirdRegistry";
/// Queues, topics, the event bus and the analytics stream.
pub const MESSAGING: &str = "BirdMessaging";
/// ECS, the internal load balancer, Lambda, IAM roles and secrets.
pub const COMPUTE: &str = "BirdCompute";
/// The Step Functions workflow and the EventBridge rules.
pub const EVENTS: &str = "BirdEvents";
/// The REST API and its web ACL.
pub const EDGE: &str = "BirdEdge";
/// Dashboards, alarms and the health check.
pub const OBSERVABILITY: &str = "BirdObservability";
/// The secondary region's recovery targets.
pub const RECOVERY: &str = "BirdRecovery";

/// Every stack, in the order the app adds them.
pub const STACKS: [&str; 8] = [
    STACK,
    RECOVERY,
    REGISTRY,
    MESSAGING,
    COMPUTE,
    EVENTS,
    EDGE,
    OBSERVABILITY,
];

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

/// The app with `config`: the eight stacks in the configured account,
/// the primary region and the secondary region.
pub fn build(config: &Config) -> App {
    let app = App::new();
    let stack = |id: &str, env: Environment, description: &str| {
        app.stack(
            id,
            StackProps {
                env,
                description: Some(format!(
                    "Bird.com external agent platform: {description} (seed 000)"
                )),
                ..Default::default()
            },
        )
    };
    let primary = |id: &str, description: &str| stack(id, config.environment(), description);
    let data_stack = primary(STACK, "network and data tier");
    let recovery_stack = stack(
        RECOVERY,
        config.environment_in(&config.secondary_region),
        "disaster recovery targets",
    );
    let registry_stack = primary(REGISTRY, "container image repositories");
    let messaging_stack = primary(MESSAGING, "queues, topics and event bus");
    let compute_stack = primary(COMPUTE, "ECS services, load balancer and functions");
    let events_stack = primary(EVENTS, "workflow and event rules");
    let edge_stack = primary(EDGE, "REST API and WAF");
    let observability_stack = primary(OBSERVABILITY, "dashboards and alarms");

    let recovery = recovery::build(
        &recovery_stack,
        &config.secondary_region,
        config.cross_region_replication,
    );
    // The backup plan copies into the recovery vault and the buckets
    // replicate into its buckets, by name: deploy the recovery stack first.
    data_stack.add_dependency(&recovery_stack);
    let network = network::build(&data_stack);
    let data = data::build_with_replica(
        &data_stack,
        &network,
        config.stage(),
        recovery.replica.as_ref(),
    );
    backup::build(&data_stack, &data, &config.secondary_region);

    registry::build(&registry_stack);
    let messaging = messaging::build(&messaging_stack, config.alarm_email.as_deref());
    workflows::admit_message_rule(&messaging);

    let replica_region = config
        .cross_region_replication
        .then_some(config.secondary_region.as_str());
    let secrets = compute::secrets(&compute_stack, &data, replica_region);
    if replica_region.is_some() {
        // The secret replicas use the recovery region's key by alias.
        compute_stack.add_dependency(&recovery_stack);
    }
    let roles = roles::build(
        &compute_stack,
        &data,
        &messaging,
        &[&secrets.bird_api, &secrets.bedrock],
    );
    let balancer = balancer::build(&compute_stack, &network);
    // The services run the images pushed to the registry stack's repositories.
    compute_stack.add_dependency(&registry_stack);
    let services = config.services;
    let compute = compute::build(
        &compute_stack,
        &compute::ComputeInputs {
            network: &network,
            data: &data,
            messaging: &messaging,
            roles: &roles,
            balancer: &balancer,
            secrets: &secrets,
            release: &config.release,
            conversation_manager: services.conversation_manager,
            multimodal_processor: services.multimodal_processor,
        },
    );
    let functions = functions::build(
        &compute_stack,
        &functions::FunctionInputs {
            network: &network,
            data: &data,
            messaging: &messaging,
            roles: &roles,
            release: &config.release,
            provisioned_concurrency: config.provisioned_concurrency,
        },
    );
    let workflows = workflows::build(&events_stack, &functions, &messaging);
    let edge = edge::build(
        &edge_stack,
        &edge::EdgeInputs {
            network: &network,
            balancer: &balancer,
            stage_name: config.stage.as_str(),
            environment: config.stage.environment(),
            bird_ips: &config.bird_ips,
        },
    );
    observability::build(
        &observability_stack,
        &observability::Observed {
            network: &network,
            data: &data,
            messaging: &messaging,
            compute: &compute,
            balancer: &balancer,
            functions: &functions,
            workflows: &workflows,
            edge: &edge,
        },
    );
    app
}
