//! The monitoring stack (seed "Monitoring Layer", `monitoring-stack.ts`):
//! the alarms of seed "Metrics and Alarms" on the API (latency, errors,
//! throttling), the functions (duration, errors, concurrent executions),
//! the tables (throttling, errors), the knowledge base, the queue and the
//! models, published to an encrypted SNS topic; the custom business
//! metrics from the functions' structured JSON logs; the X-Ray sampling
//! rule (seed "AWS X-Ray"); and the dashboard (`dashboard.rs`).
//!
//! How much is watched follows the environment (seed "Environment-Specific
//! Configurations"): basic CloudWatch metrics in development, enhanced
//! monitoring in staging, the full observability stack in production.

use strata::cloudwatch::{
    Alarm, AlarmAction, AlarmProps, AppNamespace, ComparisonOperator, FilterPattern, Metric,
    MetricFilterProps, MetricQuery, Statistic, TreatMissingData, Unit,
};
use strata::iam::{PolicyStatement, Principal};
use strata::lambda::Function;
use strata::prelude::*;
use strata::sns::{Subscription, Topic, TopicEncryption, TopicProps};
use strata::sqs::CustomerKey;
use strata::xray::{SamplingRule, SamplingRuleProps};

use crate::api::Api;
use crate::bedrock::MODELS;
use crate::compute::{Compute, API_TIMEOUT, PROCESSING_TIMEOUT, SCHEDULER_TIMEOUT};
use crate::config::{Config, MonitoringLevel};
use crate::dashboard;
use crate::security::Security;
use crate::storage::Storage;

/// The namespace of the app's own metrics.
pub const NAMESPACE: &str = "InvestmentAI";
/// 5XX responses in 5 minutes that page.
pub const API_5XX_THRESHOLD: f64 = 10.0;
/// p99 latency of the API, milliseconds.
pub const API_P99_LATENCY_MS: f64 = 10_000.0;
/// Share of requests rejected with 4XX (throttled requests are 429s).
pub const API_4XX_RATE: f64 = 0.1;
/// Function errors in 5 minutes that page.
pub const FUNCTION_ERRORS: f64 = 5.0;
/// Share of the account's concurrency at which to warn.
pub const CONCURRENCY_SHARE: f64 = 0.8;
/// Share of a function's timeout its p99 duration may reach.
pub const DURATION_SHARE: f64 = 0.8;
/// Age of the oldest queued job, seconds.
pub const JOB_AGE_SECONDS: f64 = 3600.0;
/// Share of the search volume that must stay free.
pub const FREE_STORAGE_SHARE: f64 = 0.2;
/// JVM memory pressure of the search nodes, percent.
pub const JVM_PRESSURE: f64 = 80.0;
/// Application errors in 5 minutes, from the structured logs.
pub const APPLICATION_ERRORS: f64 = 10.0;

/// What the monitoring stack made.
#[derive(Clone)]
pub struct Monitoring {
    /// Where alarms are published.
    pub topic: Topic,
    /// Every alarm.
    pub alarms: Vec<Alarm>,
}

/// Adds alarms that publish to one topic.
struct Alarms<'a> {
    scope: &'a Scope,
    config: &'a Config,
    action: AlarmAction,
    made: Vec<Alarm>,
}

impl Alarms<'_> {
    fn add(
        &mut self,
        id: &str,
        description: &str,
        metric: impl Into<MetricQuery>,
        comparison: ComparisonOperator,
        threshold: f64,
        periods: u32,
    ) {
        let alarm = Alarm::new(
            self.scope,
            id,
            AlarmProps {
                alarm_name: Some(format!("{}-{}", self.config.prefix(), kebab(id))),
                description: Some(description.into()),
                treat_missing_data: Some(TreatMissingData::NotBreaching),
                alarm_actions: vec![self.action.clone()],
                ok_actions: vec![self.action.clone()],
                ..AlarmProps::new(metric, comparison, threshold, periods)
            },
        );
        self.made.push(alarm);
    }
}

/// `ApiErrors` → `api-errors`.
fn kebab(id: &str) -> String {
    let mut out = String::new();
    for (i, c) in id.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The API's metric `name` (dimension `ApiName`).
pub fn api_metric(config: &Config, name: &str) -> Metric {
    Metric::new("AWS/ApiGateway", name)
        .with_dimension("ApiName", format!("{}-api", config.prefix()))
}

/// The function's metric `name` (dimension `FunctionName`).
pub fn function_metric(function: &Function, name: &str) -> Metric {
    Metric::new("AWS/Lambda", name).with_dimension("FunctionName", function.function_name())
}

/// The queue's metric `name` (dimension `QueueName`).
pub fn queue_metric(queue: &strata::sqs::Queue, name: &str) -> Metric {
    Metric::new("AWS/SQS", name).with_dimension("QueueName", queue.queue_name())
}

/// A model's Bedrock metric `name` (dimension `ModelId`, its profile).
pub fn model_metric(profile_id: &str, name: &str) -> Metric {
    Metric::new("AWS/Bedrock", name).with_dimension("ModelId", profile_id)
}

/// Builds the monitoring stack.
pub fn build(
    stack: &Scope,
    config: &Config,
    security: &Security,
    storage: &Storage,
    compute: &Compute,
    api: &Api,
) -> Monitoring {
    let topic = alarm_topic(stack, config, security);
    let mut alarms = Alarms {
        scope: stack,
        config,
        action: AlarmAction::SnsTopic(topic.topic_arn()),
        made: Vec::new(),
    };
    let functions = [
        ("Api", &compute.api, API_TIMEOUT),
        ("Processing", &compute.processing, PROCESSING_TIMEOUT),
        ("Scheduler", &compute.scheduler, SCHEDULER_TIMEOUT),
    ];
    let sum = Statistic::Sum;
    let over = ComparisonOperator::GreaterThanThreshold;

    // Basic: errors of the API, the functions and the queue.
    alarms.add(
        "ApiServerErrors",
        "The API answers with 5XX errors",
        api_metric(config, "5XXError").with_statistic(sum),
        over,
        API_5XX_THRESHOLD,
        2,
    );
    for (name, function, _) in &functions {
        alarms.add(
            &format!("{name}FunctionErrors"),
            &format!("The {} function fails", name.to_lowercase()),
            function_metric(function, "Errors").with_statistic(sum),
            over,
            FUNCTION_ERRORS,
            2,
        );
    }
    alarms.add(
        "ProcessingDeadLetters",
        "Processing jobs failed every delivery and wait in the dead-letter queue",
        queue_metric(&compute.dead_letters, "ApproximateNumberOfMessagesVisible")
            .with_statistic(Statistic::Maximum),
        over,
        0.0,
        1,
    );

    if config.monitoring.level >= MonitoringLevel::Enhanced {
        enhanced(&mut alarms, config, storage, compute, &functions);
    }
    if config.monitoring.level >= MonitoringLevel::Full {
        full(&mut alarms, compute);
    }
    if let Some(check) = &api.health_check {
        // Route 53 publishes health check metrics in us-east-1, the
        // seed's primary region.
        alarms.add(
            "PrimaryRegionUnhealthy",
            "The primary region's API fails its Route 53 health check; follow the failover process",
            Metric::new("AWS/Route53", "HealthCheckStatus")
                .with_dimension("HealthCheckId", check.ref_())
                .with_statistic(Statistic::Minimum)
                .with_period(std::time::Duration::from_secs(60)),
            ComparisonOperator::LessThanThreshold,
            1.0,
            3,
        );
    }
    if config.monitoring.level >= MonitoringLevel::Enhanced {
        let all: Vec<&Alarm> = alarms.made.iter().collect();
        dashboard::build(stack, config, storage, compute, &all);
    }
    Monitoring {
        topic,
        alarms: alarms.made,
    }
}

/// The alarm topic, encrypted with the messaging key, which CloudWatch may
/// use to publish; alarms mail `alarm_email` when it is set.
fn alarm_topic(stack: &Scope, config: &Config, security: &Security) -> Topic {
    let key = &security.keys.messaging;
    key.add_to_resource_policy(
        PolicyStatement::allow()
            .sid("CloudWatchAlarms")
            .actions(["kms:Decrypt", "kms:GenerateDataKey*"])
            .principal(Principal::service("cloudwatch.amazonaws.com"))
            .all_resources(),
    );
    let topic = Topic::new(
        stack,
        "AlarmTopic",
        TopicProps {
            topic_name: Some(format!("{}-alarms", config.prefix())),
            display_name: Some("Investment AI alarms".into()),
            encryption: Some(TopicEncryption::Kms(CustomerKey::Key(key.clone()))),
            enforce_ssl: true,
            ..Default::default()
        },
    );
    topic.add_to_resource_policy(
        PolicyStatement::allow()
            .sid("CloudWatchAlarmsPublish")
            .action("sns:Publish")
            .principal(Principal::service("cloudwatch.amazonaws.com"))
            .resource(topic.topic_arn())
            .condition("StringEquals", "aws:SourceAccount", [Fn::account_id()]),
    );
    if let Some(email) = &config.monitoring.alarm_email {
        topic.add_subscription(Subscription::email(email));
    }
    topic
}

/// Enhanced: latency and throttling of the API, duration, throttles and
/// concurrency of the functions, the queue's backlog, the tables and the
/// knowledge base.
fn enhanced(
    alarms: &mut Alarms,
    config: &Config,
    storage: &Storage,
    compute: &Compute,
    functions: &[(&str, &Function, std::time::Duration)],
) {
    let over = ComparisonOperator::GreaterThanThreshold;
    let sum = Statistic::Sum;
    alarms.add(
        "ApiLatency",
        "The API's p99 latency is high",
        api_metric(config, "Latency").with_statistic(Statistic::Percentile(99.0)),
        over,
        API_P99_LATENCY_MS,
        3,
    );
    alarms.add(
        "ApiClientErrors",
        "Many requests are rejected with 4XX, including throttled (429) requests",
        api_metric(config, "4XXError").with_statistic(Statistic::Average),
        over,
        API_4XX_RATE,
        3,
    );
    for (name, function, timeout) in functions {
        alarms.add(
            &format!("{name}FunctionThrottles"),
            &format!("The {} function is throttled", name.to_lowercase()),
            function_metric(function, "Throttles").with_statistic(sum),
            over,
            0.0,
            1,
        );
        alarms.add(
            &format!("{name}FunctionDuration"),
            &format!(
                "The {} function's p99 duration nears its timeout",
                name.to_lowercase()
            ),
            function_metric(function, "Duration").with_statistic(Statistic::Percentile(99.0)),
            over,
            timeout.as_secs_f64() * 1000.0 * DURATION_SHARE,
            3,
        );
    }
    alarms.add(
        "AccountConcurrency",
        "Concurrent executions near the account's limit",
        Metric::new("AWS/Lambda", "ConcurrentExecutions").with_statistic(Statistic::Maximum),
        over,
        f64::from(config.lambda.account_concurrency) * CONCURRENCY_SHARE,
        2,
    );
    alarms.add(
        "ProcessingBacklog",
        "Processing jobs wait longer than an hour",
        queue_metric(&compute.jobs, "ApproximateAgeOfOldestMessage")
            .with_statistic(Statistic::Maximum),
        over,
        JOB_AGE_SECONDS,
        2,
    );
    for (name, table) in [("Ideas", &storage.ideas), ("Profiles", &storage.profiles)] {
        alarms.add(
            &format!("{name}TableThrottles"),
            &format!(
                "Requests to the {} table are throttled",
                name.to_lowercase()
            ),
            table.metric_throttles(),
            over,
            0.0,
            2,
        );
        for operation in ["GetItem", "PutItem", "Query"] {
            alarms.add(
                &format!("{name}Table{operation}Errors"),
                &format!(
                    "DynamoDB fails {operation} on the {} table",
                    name.to_lowercase()
                ),
                table.metric_system_errors(operation).with_statistic(sum),
                over,
                0.0,
                2,
            );
        }
    }
    let domain = &storage.search.domain;
    alarms.add(
        "KnowledgeBaseRed",
        "A primary shard of the knowledge base is unassigned",
        domain.metric_cluster_status_red(),
        ComparisonOperator::GreaterThanOrEqualToThreshold,
        1.0,
        1,
    );
    let volume_mb = f64::from(config.opensearch.volume_gib) * 1024.0;
    alarms.add(
        "KnowledgeBaseStorage",
        "A knowledge base node runs out of storage",
        domain.metric_free_storage_space(),
        ComparisonOperator::LessThanThreshold,
        volume_mb * FREE_STORAGE_SHARE,
        1,
    );
    alarms.add(
        "KnowledgeBaseMemory",
        "The knowledge base's JVM memory pressure is high",
        domain.metric_jvm_memory_pressure(),
        over,
        JVM_PRESSURE,
        3,
    );
}

/// Full: model throttling and errors (seed "Throttling: 1000
/// requests/minute per model"), business metrics from the structured logs,
/// and a sampling rule tracing investment requests.
fn full(alarms: &mut Alarms, compute: &Compute) {
    let over = ComparisonOperator::GreaterThanThreshold;
    for model in MODELS {
        let id = model.name.replace([' ', '.'], "");
        alarms.add(
            &format!("{id}Throttles"),
            &format!("Bedrock throttles {} ({})", model.name, model.purpose),
            model_metric(&model.profile_id(), "InvocationThrottles").with_statistic(Statistic::Sum),
            over,
            0.0,
            2,
        );
        alarms.add(
            &format!("{id}ServerErrors"),
            &format!("Bedrock fails invocations of {}", model.name),
            model_metric(&model.profile_id(), "InvocationServerErrors")
                .with_statistic(Statistic::Sum),
            over,
            0.0,
            2,
        );
    }
    let namespace = AppNamespace::new(NAMESPACE);
    let logs = compute.api.log_group();
    let errors = logs.add_metric_filter(
        "ApplicationErrors",
        MetricFilterProps {
            default_value: Some(0.0),
            ..MetricFilterProps::new(
                FilterPattern::json_equals("$.level", "ERROR"),
                &namespace,
                "ApplicationErrors",
            )
        },
    );
    logs.add_metric_filter(
        "IdeasGenerated",
        MetricFilterProps {
            default_value: Some(0.0),
            ..MetricFilterProps::new(
                FilterPattern::json_equals("$.event", "idea_generated"),
                &namespace,
                "IdeasGenerated",
            )
        },
    );
    logs.add_metric_filter(
        "ModelLatency",
        MetricFilterProps {
            metric_value: "$.latencyMs".into(),
            unit: Some(Unit::Milliseconds),
            dimensions: vec![("Model".into(), "$.model".into())],
            ..MetricFilterProps::new(
                FilterPattern::json_equals("$.event", "model_invocation"),
                &namespace,
                "ModelLatency",
            )
        },
    );
    alarms.add(
        "ApplicationErrors",
        "The API function logs errors",
        errors.metric().with_statistic(Statistic::Sum),
        over,
        APPLICATION_ERRORS,
        2,
    );
    SamplingRule::new(
        alarms.scope,
        "InvestmentRequests",
        SamplingRuleProps {
            service_name: compute_service_name(alarms.config),
            url_path: "/ideas*".into(),
            ..SamplingRuleProps::new(&format!("{}-ideas", alarms.config.prefix()), 100, 0.2, 5)
        },
    );
}

/// The X-Ray service name of the API function.
fn compute_service_name(config: &Config) -> String {
    format!("{}-api", config.prefix())
}
