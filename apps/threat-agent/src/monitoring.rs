//! Seed section "Monitoring and Observability Infrastructure": the
//! critical and warning alarms on the seed's custom metrics and the
//! context store, the four dashboards, X-Ray sampling at 10 %, and the
//! Logs Insights queries; plus the Route 53 health check on the primary
//! region that starts the standby's failover ("Route53 Health Checks:
//! Monitor primary region health").

use std::time::Duration;

use strata::cfn::logs::QueryDefinition;
use strata::cfn::route53::{health_check as hc, HealthCheck};
use strata::cfn::sns::Subscription as SnsSubscription;
use strata::cloudwatch::{
    Alarm, AlarmAction, AlarmProps, AlarmStatusWidget, AppNamespace, ComparisonOperator, Dashboard,
    DashboardProps, GraphWidget, LogQueryWidget, MathExpression, Metric, SingleValueWidget,
    Statistic, TextWidget, TreatMissingData, Widget,
};
use strata::prelude::*;
use strata::sns::{Subscription, Topic, TopicEncryption, TopicProps};
use strata::sqs::CustomerKey;
use strata::xray::{SamplingRule, SamplingRuleProps};

use crate::integration::{Integration, HEALTH_PATH};
use crate::platform::Platform;
use crate::security::Keys;
use crate::storage::Stores;

/// The seed's custom metrics, by namespace and name.
pub const CUSTOM_METRICS: [&str; 6] = [
    "AI.Agent.ResponseTime",
    "AI.Agent.TokenConsumption",
    "AI.Agent.ErrorRate",
    "AI.Agent.ThreatDetectionRate",
    "AI.Context.CacheHitRate",
    "AI.Investigation.CompletionRate",
];

/// The response time the seed's warning alarm calls the "SLA threshold"
/// (it gives none): 10 seconds for HIGH threats, a third of the CRITICAL
/// alarm's 30 seconds.
pub const RESPONSE_SLA: Duration = Duration::from_secs(10);

/// The topic the health check alarm notifies and the standby's failover
/// function listens on.
pub const FAILOVER_TOPIC_NAME: &str = "threat-agent-failover";

/// The X-Ray sampling rate ("SamplingRate: 0.1").
pub const SAMPLING_RATE: f64 = 0.1;

/// What monitoring watches.
pub struct MonitoringSettings<'a> {
    /// The region's keys (the topics' key).
    pub keys: &'a Keys,
    /// The stores.
    pub stores: &'a Stores,
    /// The platform.
    pub platform: &'a Platform,
    /// The integration tier.
    pub integration: &'a Integration,
    /// Where alarms are e-mailed.
    pub alarm_email: Option<&'a str>,
    /// The daily token budget the "Token budget > 90% consumed" alarm measures.
    pub daily_token_budget: u64,
}

/// The alert topics and alarms.
pub struct Monitoring {
    /// CRITICAL alarms notify this topic.
    pub critical: Topic,
    /// WARNING alarms notify this topic.
    pub warning: Topic,
    /// The eight alarms, by id.
    pub alarms: Vec<(&'static str, Alarm)>,
}

fn topic(scope: &Scope, id: &str, name: &str, s: &MonitoringSettings) -> Topic {
    let topic = Topic::new(
        scope,
        id,
        TopicProps {
            topic_name: Some(name.into()),
            encryption: Some(TopicEncryption::Kms(CustomerKey::Key(
                s.keys.messaging.clone(),
            ))),
            enforce_ssl: true,
            ..Default::default()
        },
    );
    if let Some(email) = s.alarm_email {
        topic.add_subscription(Subscription::email(email));
    }
    topic
}

/// Builds the alarms, dashboards, sampling rule and saved queries under `scope`.
pub fn build(scope: &Scope, s: &MonitoringSettings) -> Monitoring {
    let critical = topic(scope, "CriticalAlerts", "threat-agent-critical-alerts", s);
    let warning = topic(scope, "WarningAlerts", "threat-agent-warning-alerts", s);
    let alarms = alarms(scope, s, &critical, &warning);
    dashboards(scope, s, &alarms);
    SamplingRule::new(
        scope,
        "AgentSampling",
        SamplingRuleProps::new("threat-agent", 100, SAMPLING_RATE, 1),
    );
    queries(scope, s);
    Monitoring {
        critical,
        warning,
        alarms,
    }
}

fn agent() -> AppNamespace {
    AppNamespace::new("AI.Agent")
}

fn response_time(severity: &str) -> Metric {
    agent()
        .metric("ResponseTime")
        .with_dimension("ThreatSeverity", severity)
        .with_statistic(Statistic::Percentile(99.0))
        .with_period(Duration::from_secs(60))
}

fn context_store_errors(s: &MonitoringSettings) -> Metric {
    Metric::new("AWS/DynamoDB", "SystemErrors")
        .with_dimension("TableName", s.stores.global_context.name.clone())
        .with_dimension("Operation", "GetItem")
        .with_statistic(Statistic::Sum)
        .with_period(Duration::from_secs(60))
}

fn alarms(
    scope: &Scope,
    s: &MonitoringSettings,
    critical: &Topic,
    warning: &Topic,
) -> Vec<(&'static str, Alarm)> {
    let gt = ComparisonOperator::GreaterThanThreshold;
    let lt = ComparisonOperator::LessThanThreshold;
    let to = |t: &Topic| vec![AlarmAction::SnsTopic(t.topic_arn())];
    let budget = s.daily_token_budget as f64;
    let tokens = || {
        agent()
            .metric("TokenConsumption")
            .with_statistic(Statistic::Sum)
    };
    let sla_ms = RESPONSE_SLA.as_millis() as f64;
    let specs: Vec<(&'static str, &str, &Topic, AlarmProps)> = vec![
        (
            "CriticalThreatResponseTime",
            "Agent response time > 30s for CRITICAL threats",
            critical,
            AlarmProps::new(response_time("CRITICAL"), gt, 30_000.0, 3),
        ),
        (
            "TokenBudget",
            "Token budget > 90% consumed",
            critical,
            AlarmProps::new(
                MathExpression::new(&format!("100*tokens/{budget}"))
                    .using("tokens", tokens())
                    .with_period(Duration::from_secs(86_400))
                    .with_label("Daily token budget used (%)"),
                gt,
                90.0,
                1,
            ),
        ),
        (
            "AgentErrorRate",
            "Agent error rate > 5%",
            critical,
            AlarmProps::new(agent().metric("ErrorRate"), gt, 5.0, 2),
        ),
        (
            "ContextStoreUnavailable",
            "Context store unavailable",
            critical,
            AlarmProps {
                treat_missing_data: Some(TreatMissingData::NotBreaching),
                ..AlarmProps::new(
                    context_store_errors(s),
                    ComparisonOperator::GreaterThanOrEqualToThreshold,
                    1.0,
                    2,
                )
            },
        ),
        (
            "ResponseTimeSla",
            "Agent response time > SLA threshold (10s for HIGH threats)",
            warning,
            AlarmProps {
                datapoints_to_alarm: Some(3),
                ..AlarmProps::new(response_time("HIGH"), gt, sla_ms, 5)
            },
        ),
        (
            "CacheHitRate",
            "Cache hit rate < 70%",
            warning,
            AlarmProps::new(AppNamespace::dotted("AI.Context.CacheHitRate"), lt, 70.0, 3),
        ),
        (
            "InvestigationCompletion",
            "Investigation completion rate < 95%",
            warning,
            AlarmProps::new(
                AppNamespace::dotted("AI.Investigation.CompletionRate")
                    .with_period(Duration::from_secs(3600)),
                lt,
                95.0,
                1,
            ),
        ),
        (
            "TokenTrend",
            "Token consumption trending high: over 1.5x the hourly share of the daily budget for 3 hours",
            warning,
            AlarmProps::new(
                tokens().with_period(Duration::from_secs(3600)),
                gt,
                (budget / 24.0 * 1.5).round(),
                3,
            ),
        ),
    ];
    specs
        .into_iter()
        .map(|(id, description, topic, props)| {
            let alarm = Alarm::new(
                scope,
                id,
                AlarmProps {
                    alarm_name: Some(format!("threat-agent-{id}")),
                    description: Some(description.into()),
                    alarm_actions: to(topic),
                    ..props
                },
            );
            (id, alarm)
        })
        .collect()
}

fn lambda_metric(name: &Value<String>, metric: &str, stat: Statistic) -> Metric {
    Metric::new("AWS/Lambda", metric)
        .with_dimension("FunctionName", name.clone())
        .with_statistic(stat)
}

fn dashboards(scope: &Scope, s: &MonitoringSettings, alarms: &[(&str, Alarm)]) {
    let p = s.platform;
    let tools: Vec<Value<String>> = p.tools.all().iter().map(|f| f.function_name()).collect();
    let by_tool = |metric: &str, stat: Statistic| -> Vec<Metric> {
        tools
            .iter()
            .map(|n| lambda_metric(n, metric, stat))
            .collect()
    };
    let severities = ["CRITICAL", "HIGH", "MEDIUM", "LOW"].map(response_time);
    let alarm_refs: Vec<&Alarm> = alarms.iter().map(|(_, a)| a).collect();
    let board = |id: &str, name: &str, rows: Vec<Vec<Widget>>| {
        Dashboard::new(
            scope,
            id,
            DashboardProps {
                dashboard_name: Some(name.into()),
                rows,
                ..Default::default()
            },
        );
    };
    board(
        "PerformanceDashboard",
        "AI-Agent-Performance-Dashboard",
        vec![
            vec![TextWidget::new("# AI Agent Performance").into()],
            vec![
                GraphWidget::new("Agent response time (p99)", severities).into(),
                GraphWidget::new("Agent error rate (%)", [agent().metric("ErrorRate")]).into(),
            ],
            vec![
                GraphWidget::new(
                    "Threat detection rate",
                    [agent().metric("ThreatDetectionRate")],
                )
                .into(),
                GraphWidget::new("Tool duration", by_tool("Duration", Statistic::Average)).into(),
            ],
        ],
    );
    board(
        "CostDashboard",
        "Cost-and-Token-Usage-Dashboard",
        vec![
            vec![TextWidget::new("# Cost and Token Usage").into()],
            vec![
                GraphWidget::new(
                    "Tokens per hour",
                    [agent()
                        .metric("TokenConsumption")
                        .with_statistic(Statistic::Sum)
                        .with_period(Duration::from_secs(3600))],
                )
                .into(),
                SingleValueWidget::new(
                    "Tokens today",
                    [agent()
                        .metric("TokenConsumption")
                        .with_statistic(Statistic::Sum)
                        .with_period(Duration::from_secs(86_400))],
                )
                .into(),
            ],
            vec![
                GraphWidget::new("Tool invocations", by_tool("Invocations", Statistic::Sum)).into(),
            ],
        ],
    );
    board(
        "SecurityDashboard",
        "Security-and-Compliance-Dashboard",
        vec![
            vec![TextWidget::new("# Security and Compliance").into()],
            vec![
                GraphWidget::new(
                    "Investigation completion rate (%)",
                    [AppNamespace::dotted("AI.Investigation.CompletionRate")],
                )
                .into(),
                AlarmStatusWidget::new("Alarms", &alarm_refs).into(),
            ],
            vec![LogQueryWidget::new(
                "Recent API callers",
                vec![s.integration.audit_log.log_group_name()],
                &[
                    "fields @timestamp, caller, httpMethod, resourcePath, status",
                    "sort @timestamp desc",
                    "limit 50",
                ],
            )
            .into()],
        ],
    );
    board(
        "InfrastructureDashboard",
        "Infrastructure-Health-Dashboard",
        vec![
            vec![TextWidget::new("# Infrastructure Health").into()],
            vec![
                GraphWidget::new("Tool errors", by_tool("Errors", Statistic::Sum)).into(),
                GraphWidget::new("Tool throttles", by_tool("Throttles", Statistic::Sum)).into(),
            ],
            vec![
                GraphWidget::new("Context store system errors", [context_store_errors(s)]).into(),
                GraphWidget::new(
                    "Cache hit rate (%)",
                    [AppNamespace::dotted("AI.Context.CacheHitRate")],
                )
                .into(),
            ],
        ],
    );
}

/// The seed's "LogInsights" saved queries.
fn queries(scope: &Scope, s: &MonitoringSettings) {
    let agents: Vec<Value<String>> = s
        .platform
        .agents
        .iter()
        .map(|a| a.log_group.log_group_name())
        .collect();
    let tools: Vec<Value<String>> = s
        .platform
        .tools
        .all()
        .iter()
        .map(|f| f.log_group().log_group_name())
        .collect();
    let all: Vec<Value<String>> = agents
        .iter()
        .chain(&tools)
        .cloned()
        .chain([s.platform.workflows.log_group.log_group_name()])
        .collect();
    let definitions: [(&str, &str, Vec<Value<String>>, &str); 4] = [
        (
            "AgentPerformanceQuery",
            "threat-agent/Agent performance analysis",
            agents.clone(),
            "fields @timestamp, agent, durationMs | stats avg(durationMs), pct(durationMs, 99) by agent, bin(5m)",
        ),
        (
            "ErrorPatternQuery",
            "threat-agent/Error pattern detection",
            all.clone(),
            "fields @timestamp, @message | filter @message like /(?i)(error|exception|timeout)/ | stats count(*) by @log, bin(15m)",
        ),
        (
            "CostAnalysisQuery",
            "threat-agent/Cost analysis",
            agents,
            "fields @timestamp, agent, inputTokens, outputTokens | stats sum(inputTokens), sum(outputTokens) by agent, bin(1h)",
        ),
        (
            "SecurityAuditQuery",
            "threat-agent/Security audit",
            vec![s.integration.audit_log.log_group_name()],
            "fields @timestamp, caller, ip, httpMethod, resourcePath, status | filter status >= 400 | sort @timestamp desc",
        ),
    ];
    for (id, name, groups, query) in definitions {
        scope.resource(
            id,
            QueryDefinition {
                log_group_names: Some(Value::Lit(groups)),
                ..QueryDefinition::new(name, query)
            },
        );
    }
}

/// A Route 53 HTTPS health check on the primary REST API's health path,
/// every 30 seconds, down after 3 failures (the DR settings of the seeds).
pub fn health_check(scope: &Scope, integration: &Integration) -> Value<String> {
    scope
        .resource(
            "PrimaryRegionHealthCheck",
            HealthCheck {
                health_check_tags: Some(Value::list([hc::HealthCheckTag::new(
                    "Name",
                    "threat-agent primary region",
                )])),
                ..HealthCheck::new(hc::HealthCheckConfig {
                    enable_sni: Some(true.into()),
                    failure_threshold: Some(3.into()),
                    fully_qualified_domain_name: Some(integration.rest_api_host()),
                    port: Some(443.into()),
                    request_interval: Some(30.into()),
                    resource_path: Some(format!("/prod{HEALTH_PATH}").into()),
                    ..hc::HealthCheckConfig::new("HTTPS")
                })
            },
        )
        .ref_()
}

/// The alarm on the health check (Route 53 publishes its metrics in
/// us-east-1 only) and the topic that carries it to the standby's failover
/// function, subscribed across regions by ARN.
pub fn failover_trigger(
    scope: &Scope,
    keys: &Keys,
    health_check_id: Value<String>,
    failover_function_arn: Value<String>,
) -> Alarm {
    let topic = Topic::new(
        scope,
        "FailoverTopic",
        TopicProps {
            topic_name: Some(FAILOVER_TOPIC_NAME.into()),
            encryption: Some(TopicEncryption::Kms(CustomerKey::Key(
                keys.messaging.clone(),
            ))),
            enforce_ssl: true,
            ..Default::default()
        },
    );
    scope.resource(
        "FailoverSubscription",
        SnsSubscription {
            endpoint: Some(failover_function_arn),
            ..SnsSubscription::new("lambda", topic.topic_arn())
        },
    );
    Alarm::new(
        scope,
        "PrimaryRegionUnhealthy",
        AlarmProps {
            alarm_name: Some("threat-agent-PrimaryRegionUnhealthy".into()),
            description: Some("Route 53 health check of the primary region's API failing".into()),
            treat_missing_data: Some(TreatMissingData::Breaching),
            alarm_actions: vec![AlarmAction::SnsTopic(topic.topic_arn())],
            ..AlarmProps::new(
                Metric::new("AWS/Route53", "HealthCheckStatus")
                    .with_dimension("HealthCheckId", health_check_id)
                    .with_statistic(Statistic::Minimum)
                    .with_period(Duration::from_secs(60)),
                ComparisonOperator::LessThanThreshold,
                1.0,
                3,
            )
        },
    )
}
