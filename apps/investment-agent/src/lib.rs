//! Seed 004, the Investment AI agent: a serverless platform on Lambda
//! (with an optional ECS service), S3, DynamoDB, Timestream, OpenSearch
//! and Bedrock behind API Gateway, WAF and Cognito, watched by CloudWatch
//! and X-Ray, written with Strata's L2 constructs.
//!
//! Seed section "AWS CDK Stack Structure" gives six stacks; each is a
//! module here and a stack of the app:
//!
//! | seed file             | stack                     | module          |
//! |-----------------------|---------------------------|-----------------|
//! | `networking-stack.ts` | `InvestmentAiNetworking`  | [`networking`]  |
//! | `security-stack.ts`   | `InvestmentAiSecurity`    | [`security`]    |
//! | `storage-stack.ts`    | `InvestmentAiStorage`     | [`storage`]     |
//! | `compute-stack.ts`    | `InvestmentAiCompute`     | [`compute`]     |
//! | `api-stack.ts`        | `InvestmentAiApi`         | [`api`]         |
//! | `monitoring-stack.ts` | `InvestmentAiMonitoring`  | [`monitoring`]  |
//!
//! With a recovery region (production), a seventh stack,
//! `InvestmentAiRecovery` ([`dr`]), holds the replica bucket and the
//! backup vault in us-west-2. The stacks pass values to each other by
//! using each other's constructs; synth turns those uses into outputs,
//! parameters and deployment order.
//!
//! ```
//! let assembly = investment_agent::app_for("dev").synth().expect("the app is valid");
//! let ids: Vec<&str> = assembly.stacks.iter().map(|s| s.id.as_str()).collect();
//! assert_eq!(ids, investment_agent::STACKS);
//! ```

pub mod api;
pub mod auth;
pub mod backup;
pub mod bedrock;
pub mod compute;
pub mod config;
pub mod containers;
pub mod dashboard;
pub mod dr;
pub mod failover;
pub mod firewall;
pub mod market_data;
pub mod monitoring;
pub mod networking;
pub mod policy;
pub mod search;
pub mod security;
pub mod storage;

use strata::prelude::*;

pub use config::Config;

/// The networking stack's id.
pub const NETWORKING: &str = "InvestmentAiNetworking";
/// The security stack's id.
pub const SECURITY: &str = "InvestmentAiSecurity";
/// The storage stack's id.
pub const STORAGE: &str = "InvestmentAiStorage";
/// The compute stack's id.
pub const COMPUTE: &str = "InvestmentAiCompute";
/// The API stack's id.
pub const API: &str = "InvestmentAiApi";
/// The monitoring stack's id.
pub const MONITORING: &str = "InvestmentAiMonitoring";
/// The recovery-region stack's id (environments with a recovery region).
pub const RECOVERY: &str = "InvestmentAiRecovery";

/// The six stacks of the seed, in deployment order.
pub const STACKS: [&str; 6] = [NETWORKING, SECURITY, STORAGE, COMPUTE, API, MONITORING];

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

/// The app with `config`: the six stacks in the primary region and, when
/// configured, the recovery stack in the secondary region. Every resource
/// is tagged with the project, environment and cost center (seed
/// "Governance": resource tagging for cost allocation).
pub fn build(config: &Config) -> App {
    let app = App::new();
    let root = app.root();
    root.add_tag("Project", "investment-ai-agent");
    root.add_tag("Environment", config.stage.as_str());
    root.add_tag("CostCenter", "investment-ai");
    let stack = |id: &str, tier: &str, what: &str, env: Environment| {
        app.stack(
            id,
            StackProps {
                env,
                description: Some(format!("Investment AI agent (seed 004): {what}")),
                stack_name: Some(format!("{}-{tier}", config.prefix())),
                termination_protection: config.stage().is_prod(),
                ..Default::default()
            },
        )
    };
    let networking_stack = stack(
        NETWORKING,
        "networking",
        "VPC, subnets, security groups",
        config.environment(),
    );
    let network = networking::build(&networking_stack, config);
    let security_stack = stack(
        SECURITY,
        "security",
        "IAM, KMS, Secrets Manager",
        config.environment(),
    );
    let security = security::build(&security_stack, config);
    let storage_stack = stack(
        STORAGE,
        "storage",
        "S3, DynamoDB, Timestream, OpenSearch",
        config.environment(),
    );
    // With a recovery region, its stack deploys before the storage stack
    // (it holds the replication targets). Values pass between the regions
    // at deploy, within the one account of both.
    let recovery = config.dr.as_ref().map(|dr| {
        let recovery_stack = stack(
            RECOVERY,
            "recovery",
            "replica bucket, multi-Region key and backup vault in the recovery region",
            config.environment_in(&dr.region),
        );
        dr::build(&storage_stack, &recovery_stack, config, &dr.region)
    });
    let storage = storage::build(
        &storage_stack,
        config,
        &network,
        &security,
        recovery.as_ref(),
    );
    let compute_stack = stack(
        COMPUTE,
        "compute",
        "Lambda functions, ECS",
        config.environment(),
    );
    let compute = compute::build(&compute_stack, config, &network, &security, &storage);
    let api_stack = stack(
        API,
        "api",
        "API Gateway, WAF, Cognito",
        config.environment(),
    );
    let api = api::build(&api_stack, config, &compute);
    let monitoring_stack = stack(
        MONITORING,
        "monitoring",
        "CloudWatch, X-Ray",
        config.environment(),
    );
    monitoring::build(
        &monitoring_stack,
        config,
        &security,
        &storage,
        &compute,
        &api,
    );
    app
}
