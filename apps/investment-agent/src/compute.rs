//! The compute stack (seed "Compute Layer", `compute-stack.ts`): the API,
//! processing and scheduler functions with their execution role, the
//! processing queue, the scheduler's schedule, and (in `containers.rs`)
//! the optional ECS service.
//!
//! Seed "Configuration": Node.js 18.x, 256 MB to 3008 MB, 30 seconds for
//! the API and 15 minutes for processing, 1000 concurrent executions.
//! - Node.js 18.x reached end of support on 2025-09-01 and 20.x on
//!   2026-04-30; Lambda no longer accepts either for new functions, so the
//!   functions run Node.js 22.x, the nearest supported version.
//! - Lambda has no memory auto-scaling: memory is fixed per function and
//!   environment (seed "Environment-Specific Configurations": 256 MB in
//!   development, 512 MB in staging, 1024 MB and up in production, where
//!   processing gets the seed's 3008 MB ceiling).
//! - 1000 concurrent executions is the account's regional quota, shared
//!   by all functions: the processing and scheduler functions reserve part
//!   of it in production so the API keeps the rest, and the monitoring
//!   stack alarms at 80 % of it.

use std::time::Duration;

use strata::events::{Rule, RuleProps, RuleTarget, Schedule};
use strata::iam::{Grant, ManagedPolicy, Principal, Role, RoleProps};
use strata::lambda::{
    Alias, AliasOptions, Code, Function, FunctionProps, FunctionVpc, Runtime, SqsEventSource,
    StartingPosition, StreamEventSource, Tracing,
};
use strata::logs::Retention;
use strata::prelude::*;
use strata::sqs::{CustomerKey, DeadLetterQueue, Queue, QueueEncryption, QueueProps};

use crate::bedrock::MODELS;
use crate::config::{Config, MonitoringLevel};
use crate::containers::{self, Containers};
use crate::networking::{self, Network};
use crate::security::{self, Security};
use crate::storage::Storage;

/// Seed "Timeout: 30 seconds (API)".
pub const API_TIMEOUT: Duration = Duration::from_secs(30);
/// Seed "Timeout: 15 minutes (processing)".
pub const PROCESSING_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// The seed gives the scheduler no timeout; its periodic market data
/// updates get 5 minutes.
pub const SCHEDULER_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// Lambda's advice for queues it polls: a visibility timeout of six times
/// the function's timeout, so retries of a slow batch do not overlap.
pub const QUEUE_VISIBILITY: Duration = Duration::from_secs(6 * 15 * 60);
/// Deliveries of a processing job before it goes to the dead-letter queue.
pub const MAX_RECEIVES: u32 = 3;

/// What the other stacks use from the compute stack.
#[derive(Clone)]
pub struct Compute {
    /// `InvestmentAI-Lambda-ExecutionRole`, shared by the three functions.
    pub execution_role: Role,
    /// "API Lambda: handles all API requests and responses".
    pub api: Function,
    /// The API function's `live` alias, which API Gateway invokes.
    pub api_live: Alias,
    /// "Processing Lambda: executes background processing tasks".
    pub processing: Function,
    /// "Scheduler Lambda: manages periodic tasks and data updates".
    pub scheduler: Function,
    /// Background jobs for the processing function.
    pub jobs: Queue,
    /// Jobs that failed every delivery.
    pub dead_letters: Queue,
    /// The optional ECS service.
    pub containers: Option<Containers>,
}

/// One function's settings (the rest is shared by all three).
struct FunctionSpec<'a> {
    id: &'a str,
    name: &'a str,
    memory_mb: u32,
    timeout: Duration,
    tier: &'a str,
    reserved_concurrency: Option<u32>,
}

/// Builds the compute stack.
pub fn build(
    stack: &Scope,
    config: &Config,
    network: &Network,
    security: &Security,
    storage: &Storage,
) -> Compute {
    let role = execution_role(stack, config, security, storage);
    let (jobs, dead_letters) = queues(stack, config, security);
    // The API function queues jobs (the grant includes the queue key,
    // which the processing function's event source decrypts with).
    jobs.grant_send_messages(&role);
    let env = environment(config, security, storage, &jobs);
    let function = |spec: FunctionSpec| {
        let function = Function::new(
            stack,
            spec.id,
            FunctionProps {
                function_name: Some(format!("{}-{}", config.prefix(), spec.name)),
                memory_size: spec.memory_mb,
                timeout: spec.timeout,
                environment: env.clone(),
                vpc: Some(FunctionVpc::new(
                    network.vpc.subnet_ids(spec.tier).unwrap_or_default(),
                    vec![network.groups.lambda.group_id()],
                )),
                reserved_concurrency: spec.reserved_concurrency,
                log_retention: Retention::Days(config.lambda.log_retention_days),
                tracing: if config.monitoring.level >= MonitoringLevel::Enhanced {
                    Tracing::Active
                } else {
                    Tracing::Disabled
                },
                role: Some(role.clone()),
                ..FunctionProps::new(
                    Runtime::NODEJS_22_X,
                    "index.handler",
                    Code::from_bucket(
                        storage.artifacts_bucket.bucket_name(),
                        format!("releases/{}/{}.zip", config.lambda.release, spec.name),
                    ),
                )
            },
        );
        encrypt_environment(&function, security);
        function
    };
    let lambda = &config.lambda;
    let api = function(FunctionSpec {
        id: "ApiFunction",
        name: "api",
        memory_mb: lambda.api_memory_mb,
        timeout: API_TIMEOUT,
        tier: networking::PRIVATE,
        reserved_concurrency: None,
    });
    // Sensitive documents are processed in the isolated subnets, which
    // reach AWS only through the VPC endpoints.
    let processing = function(FunctionSpec {
        id: "ProcessingFunction",
        name: "processing",
        memory_mb: lambda.processing_memory_mb,
        timeout: PROCESSING_TIMEOUT,
        tier: networking::ISOLATED,
        reserved_concurrency: lambda.processing_reserved_concurrency,
    });
    let scheduler = function(FunctionSpec {
        id: "SchedulerFunction",
        name: "scheduler",
        memory_mb: lambda.scheduler_memory_mb,
        timeout: SCHEDULER_TIMEOUT,
        tier: networking::PRIVATE,
        reserved_concurrency: lambda.scheduler_reserved_concurrency,
    });
    // Seed "Caching Strategy": Lambda container reuse. API Gateway calls
    // the `live` alias, which keeps warm environments in production and
    // is what a blue-green release (seed "CI/CD Pipeline") shifts.
    let api_live = api.add_alias(
        "live",
        AliasOptions {
            description: Some("The version API Gateway serves".into()),
            provisioned_concurrency: lambda.api_provisioned_concurrency,
        },
    );
    processing.add_event_source(
        "JobsSource",
        SqsEventSource {
            batch_size: Some(1),
            report_batch_item_failures: true,
            ..SqsEventSource::new(jobs.queue_arn())
        },
    );
    // Seed "Knowledge Base Index": real-time indexing of investment ideas.
    if let Some(stream) = storage.ideas.stream_arn() {
        processing.add_event_source(
            "IdeasStreamSource",
            StreamEventSource {
                batch_size: Some(100),
                bisect_batch_on_error: true,
                retry_attempts: Some(3),
                report_batch_item_failures: true,
                ..StreamEventSource::dynamodb(stream, StartingPosition::TrimHorizon)
            },
        );
    }
    Rule::new(
        stack,
        "MarketDataSchedule",
        RuleProps {
            description: Some("Runs the scheduler's periodic market data updates".into()),
            schedule: Some(Schedule::rate(Duration::from_secs(
                u64::from(lambda.schedule_minutes) * 60,
            ))),
            targets: vec![RuleTarget::function(&scheduler)],
            ..Default::default()
        },
    );
    let containers = config.ecs.as_ref().map(|ecs| {
        containers::build(
            stack,
            config,
            ecs,
            network,
            security,
            storage,
            &dead_letters,
        )
    });
    Compute {
        execution_role: role,
        api,
        api_live,
        processing,
        scheduler,
        jobs,
        dead_letters,
        containers,
    }
}

/// `InvestmentAI-Lambda-ExecutionRole` (seed "Key Roles"), with minimal
/// permissions: the functions' logs, network interfaces and traces (added
/// by the functions), assuming the Bedrock and DynamoDB access roles for
/// model calls and table access, and the stores the functions use
/// directly. It lives here rather than in the security stack because
/// each function waits for its role's policy, and CloudFormation
/// dependencies cannot cross stacks.
fn execution_role(stack: &Scope, config: &Config, security: &Security, storage: &Storage) -> Role {
    let role = Role::new(
        stack,
        "LambdaExecutionRole",
        RoleProps {
            role_name: Some(security::lambda_execution_role_name(config)),
            description: Some("Execution role of the investment agent's functions".into()),
            managed_policies: vec![ManagedPolicy::aws(
                "service-role/AWSLambdaBasicExecutionRole",
            )],
            ..RoleProps::new(Principal::service("lambda.amazonaws.com"))
        },
    );
    Grant::to_principal(
        &role,
        &["sts:AssumeRole"],
        vec![security.roles.bedrock.arn(), security.roles.dynamodb.arn()],
    );
    storage.data_bucket.grant_read_write(&role);
    storage.market_data.quotes.grant_read(&role);
    storage.market_data.quotes.grant_write(&role);
    storage.search.domain.grant_read_write(&role);
    security.secrets.external_api_keys.grant_read(&role);
    security.secrets.data_encryption_key.grant_read(&role);
    storage.search.connections.grant_read(&role);
    role
}

/// The processing queue and its dead-letter queue, encrypted with the
/// messaging key.
fn queues(stack: &Scope, config: &Config, security: &Security) -> (Queue, Queue) {
    let encryption = || QueueEncryption::Kms(CustomerKey::Key(security.keys.messaging.clone()));
    let dead_letters = Queue::new(
        stack,
        "ProcessingDeadLetterQueue",
        QueueProps {
            queue_name: Some(format!("{}-processing-dlq", config.prefix())),
            retention_period: Duration::from_secs(14 * 86_400),
            encryption: encryption(),
            enforce_ssl: true,
            ..Default::default()
        },
    );
    let jobs = Queue::new(
        stack,
        "ProcessingQueue",
        QueueProps {
            queue_name: Some(format!("{}-processing", config.prefix())),
            visibility_timeout: Some(QUEUE_VISIBILITY),
            dead_letter_queue: Some(DeadLetterQueue {
                queue: dead_letters.clone(),
                max_receive_count: MAX_RECEIVES,
            }),
            encryption: encryption(),
            enforce_ssl: true,
            ..Default::default()
        },
    );
    (jobs, dead_letters)
}

/// What every function is told: where the stores are, which roles to
/// assume for Bedrock and DynamoDB, and the model IDs.
fn environment(
    config: &Config,
    security: &Security,
    storage: &Storage,
    jobs: &Queue,
) -> Map<Value<String>> {
    let mut env = Map::new();
    let mut set = |k: &str, v: Value<String>| {
        env.insert(k.to_string(), v);
    };
    set("STAGE", config.stage.as_str().into());
    set("IDEAS_TABLE", storage.ideas.table_name());
    set("PROFILES_TABLE", storage.profiles.table_name());
    set("DATA_BUCKET", storage.data_bucket.bucket_name());
    set(
        "MARKET_DATABASE",
        storage.market_data.database.database_name(),
    );
    set("MARKET_TABLE", storage.market_data.quotes.table_name());
    set("JOBS_QUEUE_URL", jobs.queue_url());
    set(
        "CONNECTIONS_SECRET_ARN",
        storage.search.connections.secret_arn(),
    );
    set(
        "API_KEYS_SECRET_ARN",
        security.secrets.external_api_keys.secret_arn(),
    );
    set(
        "DATA_KEY_SECRET_ARN",
        security.secrets.data_encryption_key.secret_arn(),
    );
    set("BEDROCK_ROLE_ARN", security.roles.bedrock.arn());
    set("DYNAMODB_ROLE_ARN", security.roles.dynamodb.arn());
    let [reasoning, research, analysis] = MODELS;
    set("REASONING_MODEL", reasoning.profile_id().into());
    set("RESEARCH_MODEL", research.profile_id().into());
    set("ANALYSIS_MODEL", analysis.profile_id().into());
    env
}

/// Seed "AWS KMS": Lambda environment variables are encrypted with the
/// Lambda key. The function construct has no setting for the key, so it
/// is set on the L1; the execution role may decrypt with it.
fn encrypt_environment(function: &Function, security: &Security) {
    let key = security.keys.lambda.key_arn();
    if let Some(resource) = function.scope().of(function.resource()) {
        resource.with_resource::<strata::cfn::lambda::Function>(|f| {
            f.kms_key_arn = Some(key);
        });
    }
    security.keys.lambda.grant_decrypt(function.role());
}
