//! Seed 003, the support agent on EKS: one stack per module of the seed's
//! dependency graph (section 4), written with Strata's L2 constructs, in
//! the seed's dev and prod variants.
//!
//! The stacks and what they depend on, as section 4 orders the modules:
//!
//! | Stack | Module | Depends on |
//! |---|---|---|
//! | `SupportAgentKms` | KMS | — |
//! | `SupportAgentWaf` | WAF | — (independent) |
//! | `SupportAgentVpc` | VPC | KMS |
//! | `SupportAgentEks` | EKS | VPC, KMS |
//! | `SupportAgentSecrets` | Secrets Manager | KMS |
//! | `SupportAgentRds` | RDS | VPC, EKS, KMS |
//! | `SupportAgentRedis` | Redis | VPC, EKS, KMS |
//! | `SupportAgentS3` | S3 | KMS |
//! | `SupportAgentDynamoDb` | DynamoDB | KMS |
//! | `SupportAgentMessaging` | SNS/SQS | KMS |
//! | `SupportAgentWorkload` | the pods' AWS access | the stores and EKS |
//!
//! ```
//! let assembly = support_agent::app_for("prod").synth().expect("the app is valid");
//! assert_eq!(assembly.stacks.len(), support_agent::STACKS.len());
//! ```

pub mod config;
pub mod eks;
pub mod kms;
pub mod messaging;
pub mod network;
pub mod rds;
pub mod redis;
pub mod secrets;
pub mod storage;
pub mod tables;
pub mod waf;
pub mod workload;

use strata::prelude::*;

pub use config::Config;

/// The KMS stack.
pub const KMS: &str = "SupportAgentKms";
/// The WAF stack.
pub const WAF: &str = "SupportAgentWaf";
/// The VPC stack.
pub const VPC: &str = "SupportAgentVpc";
/// The EKS stack.
pub const EKS: &str = "SupportAgentEks";
/// The Secrets Manager stack.
pub const SECRETS: &str = "SupportAgentSecrets";
/// The RDS stack.
pub const RDS: &str = "SupportAgentRds";
/// The Redis stack.
pub const REDIS: &str = "SupportAgentRedis";
/// The S3 stack.
pub const S3: &str = "SupportAgentS3";
/// The DynamoDB stack.
pub const DYNAMODB: &str = "SupportAgentDynamoDb";
/// The SNS/SQS stack.
pub const MESSAGING: &str = "SupportAgentMessaging";
/// The stack granting the agent's pods access to the stores.
pub const WORKLOAD: &str = "SupportAgentWorkload";

/// Every stack's construct id, in creation order, with the name of the
/// seed module it implements (deployed as `support-agent-<env>-<module>`).
pub const STACKS: [(&str, &str); 11] = [
    (KMS, "kms"),
    (WAF, "waf"),
    (VPC, "vpc"),
    (EKS, "eks"),
    (SECRETS, "secrets"),
    (RDS, "rds"),
    (REDIS, "redis"),
    (S3, "s3"),
    (DYNAMODB, "dynamodb"),
    (MESSAGING, "messaging"),
    (WORKLOAD, "workload"),
];

/// The app for the environment `cargo xtask synth --env <name>` names
/// (`STRATA_ENV`, default `dev`), from `config/<name>.json`. A missing or
/// invalid file is reported when the app is synthesized.
pub fn app() -> App {
    app_for(&strata::config::environment_name())
}

/// The app for environment `env` (`dev` or `prod`).
pub fn app_for(env: &str) -> App {
    strata::config::app_from(Config::load(env), build)
}

/// The app with `config`: the seed's modules as stacks in the configured
/// account and region. Values one stack takes from another (key ARNs,
/// subnet IDs, the cluster's security group) become outputs and
/// parameters, and the stack dependencies follow from them.
pub fn build(config: &Config) -> App {
    let app = App::new();
    let stack = |id: &str, module: &str, description: &str| {
        app.stack(
            id,
            StackProps {
                env: config.environment(),
                stack_name: Some(format!("support-agent-{}-{module}", config.name())),
                description: Some(format!(
                    "Support agent on EKS (seed 003), {}: {description}",
                    config.name()
                )),
                ..Default::default()
            },
        )
    };
    let kms_stack = stack(KMS, "kms", "KMS keys");
    let keys = kms::build(&kms_stack, config);
    waf::build(&stack(WAF, "waf", "WAF web ACL"), config);
    let vpc_stack = stack(VPC, "vpc", "VPC, subnets, NACLs and endpoints");
    let vpc = network::build(&vpc_stack, &config.network);
    // Section 4: "VPC (depends on KMS for endpoints)". Nothing in the VPC
    // refers to a key, so the order is declared.
    vpc_stack.add_dependency(&kms_stack);
    let eks = eks::build(
        &stack(EKS, "eks", "EKS cluster and node groups"),
        config,
        &vpc,
        &keys,
    );
    let secrets = secrets::build(
        &stack(SECRETS, "secrets", "Secrets Manager secrets"),
        config,
        &keys,
    );
    let database = rds::build(
        &stack(RDS, "rds", "RDS PostgreSQL"),
        config,
        &vpc,
        &keys,
        eks.node_security_group_id(),
    );
    let cache = redis::build(
        &stack(REDIS, "redis", "ElastiCache Redis"),
        config,
        &vpc,
        &keys,
        eks.node_security_group_id(),
    );
    let buckets = storage::build(&stack(S3, "s3", "S3 buckets"), config, &keys);
    let tables = tables::build(
        &stack(DYNAMODB, "dynamodb", "DynamoDB tables"),
        config,
        &vpc,
        &keys,
    );
    let streams = messaging::build(
        &stack(MESSAGING, "messaging", "SNS topics and SQS queues"),
        config,
        &keys,
    );
    workload::build(
        &stack(WORKLOAD, "workload", "the agent pods' AWS permissions"),
        &workload::Stores {
            keys: &keys,
            eks: &eks,
            secrets: &secrets,
            database: &database,
            cache: &cache,
            buckets: &buckets,
            tables: &tables,
            streams: &streams,
        },
    );
    app
}
