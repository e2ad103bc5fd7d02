//! Seed 002, the AI agent platform: the seed's Terraform infrastructure as
//! stacks of Strata constructs, in dev, staging and prod.
//!
//! | Stack | Seed section | Depends on |
//! |---|---|---|
//! | `AgentPlatformNetwork` | Networking and Security | — |
//! | `AgentPlatformCompute` | Compute Infrastructure (EKS), Developer Experience | Network |
//! | `AgentPlatformData` | Data Storage, Observability (OpenSearch), AI Integration (Bedrock) | Network, Compute |
//! | `AgentPlatformEdge` | Authentication and Authorization, Frontend Hosting | Compute |
//!
//! Values one stack takes from another (subnet IDs, the cluster's
//! security group, the service roles) become outputs and parameters, and
//! the stack dependencies follow from them.
//!
//! ```
//! let assembly = agent_platform::app_for("prod").synth().expect("the app is valid");
//! assert_eq!(assembly.stacks.len(), agent_platform::STACKS.len());
//! ```

pub mod bastion;
pub mod compute;
pub mod config;
pub mod data;
pub mod edge;
pub mod knowledge;
pub mod network;
pub mod parameters;

use strata::prelude::*;

pub use config::Config;

/// The network and security stack.
pub const NETWORK: &str = "AgentPlatformNetwork";
/// The EKS and bastion stack.
pub const COMPUTE: &str = "AgentPlatformCompute";
/// The data stores stack.
pub const DATA: &str = "AgentPlatformData";
/// The Cognito and website stack.
pub const EDGE: &str = "AgentPlatformEdge";

/// Every stack's construct id, in creation order, with the suffix of its
/// deployed name (`<env>-agent-platform-<suffix>`).
pub const STACKS: [(&str, &str); 4] = [
    (NETWORK, "network"),
    (COMPUTE, "compute"),
    (DATA, "data"),
    (EDGE, "edge"),
];

/// The app for the environment `cargo xtask synth --env <name>` names
/// (`STRATA_ENV`, default `dev`), from `config/<name>.json`. A missing or
/// invalid file is reported when the app is synthesized.
pub fn app() -> App {
    app_for(&strata::config::environment_name())
}

/// The app for environment `env` (`dev`, `staging` or `prod`).
pub fn app_for(env: &str) -> App {
    strata::config::app_from(Config::load(env), build)
}

/// The app with `config`: the seed's tiers as stacks in the configured
/// account and region.
pub fn build(config: &Config) -> App {
    let app = App::new();
    let stack = |id: &str, suffix: &str, description: &str| {
        app.stack(
            id,
            StackProps {
                env: config.environment(),
                stack_name: Some(format!("{}{suffix}", config.prefix())),
                description: Some(format!(
                    "AI agent platform (seed 002), {}: {description}",
                    config.name()
                )),
                ..Default::default()
            },
        )
    };
    let vpc = network::build(
        &stack(
            NETWORK,
            "network",
            "VPC, flow logs and default security group lockdown",
        ),
        config,
    );
    let compute_stack = stack(
        COMPUTE,
        "compute",
        "EKS cluster, add-ons, service roles and bastion",
    );
    let compute = compute::build(&compute_stack, config, &vpc);
    let bastion = bastion::build(&compute_stack, config, &vpc, &compute);
    let data_stack = stack(
        DATA,
        "data",
        "Aurora, DynamoDB, Redis, OpenSearch and Bedrock",
    );
    let data = data::build(
        &data_stack,
        config,
        &vpc,
        &data::Clients {
            eks_nodes: compute.node_security_group_id(),
            bastion: bastion.security_group().group_id(),
        },
    );
    knowledge::build(&data_stack, config, &data, &compute);
    edge::build(
        &stack(
            EDGE,
            "edge",
            "Cognito, M2M credentials, S3 and CloudFront website",
        ),
        config,
        &compute,
    );
    app
}
