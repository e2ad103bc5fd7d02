//! CloudWatch alarms and dashboards, custom metric namespaces, log metric
//! and subscription filters, construct metrics, and X-Ray sampling.

use std::time::Duration;

use super::stack;
use strata::cfn::application_auto_scaling as aas;
use strata::cloudwatch::{
    Alarm, AlarmAction, AlarmProps, AlarmStatusWidget, AppNamespace, ComparisonOperator, Dashboard,
    DashboardProps, FilterPattern, GraphWidget, HorizontalAnnotation, LogQueryView, LogQueryWidget,
    MathExpression, Metric, MetricFilterProps, PeriodOverride, SingleValueWidget, Statistic,
    SubscriptionDestination, SubscriptionFilterProps, TextWidget, TreatMissingData, Unit, YAxis,
};
use strata::dynamodb::{Attribute, Table, TableProps};
use strata::iam::{PolicyStatement, Principal};
use strata::kinesis::{Stream, StreamProps};
use strata::kms::{Key, KeyProps};
use strata::lambda::{Code, Function, FunctionProps, Runtime};
use strata::logs::{LogGroup, LogGroupProps, Retention};
use strata::prelude::*;
use strata::sns::{Topic, TopicEncryption, TopicProps};
use strata::sqs::{CustomerKey, Queue, QueueProps};
use strata::xray::{SamplingRule, SamplingRuleProps};

/// Alarms (single metric, percentile, metric math; SNS, scaling-policy and
/// Lambda actions), a dashboard with every widget type, custom namespaces,
/// log metric and subscription filters, and an X-Ray sampling rule.
pub fn observability(app: &App) {
    let s = stack(app, "Observability");
    // Alarms publish to the topic, so its key lets CloudWatch use it.
    let alerts_key = Key::new(
        &s,
        "AlertsKey",
        KeyProps {
            description: Some("Encrypts the alert topic".into()),
            ..Default::default()
        },
    );
    alerts_key.add_to_resource_policy(
        PolicyStatement::allow()
            .sid("CloudWatchAlarms")
            .actions(["kms:Decrypt", "kms:GenerateDataKey*"])
            .principal(Principal::service("cloudwatch.amazonaws.com"))
            .all_resources(),
    );
    let alerts = Topic::new(
        &s,
        "Alerts",
        TopicProps {
            display_name: Some("Critical alerts".into()),
            encryption: Some(TopicEncryption::Kms(CustomerKey::Key(alerts_key))),
            ..Default::default()
        },
    );
    let shipper = Function::new(
        &s,
        "LogShipper",
        FunctionProps::new(
            Runtime::PYTHON_3_11,
            "index.handler",
            Code::inline("def handler(event, context):\n    return None\n"),
        ),
    );
    let analytics = Stream::new(&s, "Analytics", StreamProps::default());
    let jobs = Queue::new(&s, "Jobs", QueueProps::default());
    let table = Table::new(
        &s,
        "Sessions",
        TableProps::new(Attribute::string("sessionId")),
    );
    let agent = AppNamespace::new("AI.Agent");
    let group = LogGroup::new(
        &s,
        "ToolLogs",
        LogGroupProps {
            log_group_name: Some("/aws/lambda/agent-tools".into()),
            retention: Retention::Days(30),
            ..Default::default()
        },
    );
    let tool_errors = group.add_metric_filter(
        "ToolErrors",
        MetricFilterProps {
            dimensions: vec![("Tool".into(), "$.tool".into())],
            unit: Some(Unit::Count),
            ..MetricFilterProps::new(
                FilterPattern::json_equals("$.level", "ERROR"),
                &agent,
                "ToolErrors",
            )
        },
    );
    group.add_subscription_filter(
        "Ship",
        SubscriptionFilterProps::new(
            FilterPattern::any_term(&["ERROR", "Exception"]),
            SubscriptionDestination::Lambda(shipper.function_arn()),
        ),
    );
    group.add_subscription_filter(
        "Analytics",
        SubscriptionFilterProps {
            random_distribution: true,
            ..SubscriptionFilterProps::new(
                FilterPattern::all_events(),
                SubscriptionDestination::Kinesis {
                    stream_arn: analytics.stream_arn(),
                    role_arn: None,
                },
            )
        },
    );

    let api = |name: &str| {
        Metric::new("AWS/ApiGateway", name)
            .with_dimension("ApiName", "bird-agent-api")
            .with_statistic(Statistic::Sum)
    };
    let target = s.resource(
        "ServiceScaling",
        aas::ScalableTarget::new(
            10,
            2,
            "service/agents/conversation-manager",
            "ecs:service:DesiredCount",
            "ecs",
        ),
    );
    let policy = s.resource(
        "ScaleOutOnErrors",
        aas::ScalingPolicy {
            scaling_target_id: Some(target.ref_()),
            step_scaling_policy_configuration: Some(
                aas::scaling_policy::StepScalingPolicyConfiguration {
                    adjustment_type: Some("ChangeInCapacity".into()),
                    cooldown: Some(120.into()),
                    step_adjustments: Some(Value::Lit(vec![aas::scaling_policy::StepAdjustment {
                        metric_interval_lower_bound: Some(0.into()),
                        ..aas::scaling_policy::StepAdjustment::new(2)
                    }
                    .into()])),
                    ..Default::default()
                }
                .into(),
            ),
            ..aas::ScalingPolicy::new("scale-out-on-errors", "StepScaling")
        },
    );
    let error_rate = MathExpression::new("100*(m1+m2)/m3")
        .using("m1", api("4XXError"))
        .using("m2", api("5XXError"))
        .using("m3", api("Count"))
        .with_label("Error rate (%)");
    let high_errors = Alarm::new(
        &s,
        "HighErrorRate",
        AlarmProps {
            alarm_name: Some("gallery-high-error-rate".into()),
            description: Some("4XX+5XX above 5% of requests".into()),
            treat_missing_data: Some(TreatMissingData::NotBreaching),
            alarm_actions: vec![(&alerts).into(), AlarmAction::ScalingPolicy(policy.ref_())],
            ok_actions: vec![(&alerts).into()],
            ..AlarmProps::new(
                error_rate.clone(),
                ComparisonOperator::GreaterThanThreshold,
                5.0,
                2,
            )
        },
    );
    let latency = Metric::new("AWS/ApiGateway", "Latency")
        .with_dimension("ApiName", "bird-agent-api")
        .with_statistic(Statistic::Percentile(95.0));
    let high_latency = Alarm::new(
        &s,
        "HighLatency",
        AlarmProps {
            datapoints_to_alarm: Some(2),
            alarm_actions: vec![(&alerts).into(), (&shipper).into()],
            insufficient_data_actions: vec![(&alerts).into()],
            ..AlarmProps::new(
                latency.clone(),
                ComparisonOperator::GreaterThanThreshold,
                10_000.0,
                3,
            )
        },
    );
    let throttles = Alarm::new(
        &s,
        "TableThrottles",
        AlarmProps::new(
            table.metric_throttles(),
            ComparisonOperator::GreaterThanOrEqualToThreshold,
            1.0,
            1,
        ),
    );
    let backlog = Alarm::new(
        &s,
        "QueueBacklog",
        AlarmProps {
            alarm_actions: vec![(&alerts).into()],
            ..AlarmProps::new(
                jobs.metric_age_of_oldest_message(),
                ComparisonOperator::GreaterThanThreshold,
                300.0,
                3,
            )
        },
    );
    let slow = Alarm::new(
        &s,
        "SlowCriticalResponses",
        AlarmProps {
            alarm_actions: vec![(&alerts).into()],
            ..AlarmProps::new(
                agent
                    .metric("ResponseTime")
                    .with_dimension("ThreatSeverity", "CRITICAL")
                    .with_statistic(Statistic::Percentile(99.0))
                    .with_unit(Unit::Milliseconds)
                    .with_period(Duration::from_secs(60)),
                ComparisonOperator::GreaterThanThreshold,
                30_000.0,
                3,
            )
        },
    );
    Dashboard::new(
        &s,
        "Overview",
        DashboardProps {
            dashboard_name: Some("Gallery-Overview".into()),
            start: Some("-PT6H".into()),
            period_override: Some(PeriodOverride::Auto),
            rows: vec![
                vec![TextWidget {
                    width: 24,
                    height: 1,
                    transparent: true,
                    ..TextWidget::new("# Agent overview")
                }
                .into()],
                vec![
                    GraphWidget {
                        right: vec![latency.into()],
                        left_annotations: vec![HorizontalAnnotation::new(5.0, "Error alarm")],
                        left_y_axis: YAxis {
                            min: Some(0.0),
                            label: Some("%".into()),
                            ..Default::default()
                        },
                        width: 12,
                        ..GraphWidget::new("API errors and latency", [error_rate])
                    }
                    .into(),
                    GraphWidget {
                        stacked: true,
                        width: 12,
                        ..GraphWidget::new(
                            "Table capacity",
                            [
                                table.metric_consumed_read_capacity(),
                                table.metric_consumed_write_capacity(),
                            ],
                        )
                    }
                    .into(),
                    GraphWidget {
                        width: 12,
                        ..GraphWidget::new(
                            "Log shipper",
                            [shipper.metric_invocations(), shipper.metric_errors()],
                        )
                    }
                    .into(),
                    SingleValueWidget {
                        sparkline: true,
                        ..SingleValueWidget::new(
                            "Tool errors",
                            [tool_errors
                                .metric()
                                .with_dimension("Tool", "web-search")
                                .with_statistic(Statistic::Sum)],
                        )
                    }
                    .into(),
                    AlarmStatusWidget::new(
                        "Alarms",
                        &[&high_errors, &high_latency, &throttles, &backlog, &slow],
                    )
                    .into(),
                    LogQueryWidget {
                        view: LogQueryView::Bar,
                        width: 12,
                        ..LogQueryWidget::new(
                            "Errors by tool",
                            vec![group.log_group_name()],
                            &[
                                "filter level = \"ERROR\"",
                                "stats count(*) as errors by tool",
                            ],
                        )
                    }
                    .into(),
                ],
            ],
            ..Default::default()
        },
    );
    SamplingRule::new(
        &s,
        "AgentSampling",
        SamplingRuleProps {
            service_name: "ai-agent-service".into(),
            http_method: "POST".into(),
            attributes: vec![("tenant".into(), "default".into())],
            ..SamplingRuleProps::new("ai-agent", 100, 0.1, 1)
        },
    );
}
