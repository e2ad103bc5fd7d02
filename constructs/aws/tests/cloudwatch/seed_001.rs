//! Seed 001's critical and warning alarms on its `AI.Agent.*` custom
//! metrics and its context store, through application namespaces.

use std::time::Duration;

use serde_json::json;
use strata::cloudwatch::{
    Alarm, AlarmAction, AlarmProps, AppNamespace, ComparisonOperator, MathExpression, Statistic,
    TreatMissingData,
};
use strata::dynamodb::{Attribute, Table, TableProps};
use strata::iam::{Principal, Role, RoleProps};
use strata::prelude::*;

use super::{props_of, template, CRITICAL, WARNING};

fn alarm(stack: &Scope, id: &str, props: AlarmProps) {
    Alarm::new(stack, id, props);
}

#[test]
fn seed_001_alarms_on_custom_namespaces_render() {
    let app = App::new();
    let stack = app.stack("AgentMonitoring", StackProps::default());
    let agent = AppNamespace::new("AI.Agent");
    let context = Table::new(
        &stack,
        "ContextStore",
        TableProps::new(Attribute::string("sessionId")),
    );
    let critical = || vec![AlarmAction::SnsTopic(CRITICAL.into())];
    let warning = || vec![AlarmAction::SnsTopic(WARNING.into())];
    let gt = ComparisonOperator::GreaterThanThreshold;
    let lt = ComparisonOperator::LessThanThreshold;
    let response = |severity: &str| {
        agent
            .metric("ResponseTime")
            .with_dimension("ThreatSeverity", severity)
            .with_statistic(Statistic::Percentile(99.0))
            .with_period(Duration::from_secs(60))
    };

    // Critical alarms.
    alarm(
        &stack,
        "CriticalThreatResponseTime",
        AlarmProps {
            description: Some("Agent response time > 30s for CRITICAL threats".into()),
            alarm_actions: critical(),
            ..AlarmProps::new(response("CRITICAL"), gt, 30_000.0, 3)
        },
    );
    let budget = MathExpression::new("100*tokens/2000000")
        .using(
            "tokens",
            agent
                .metric("TokenConsumption")
                .with_statistic(Statistic::Sum),
        )
        .with_period(Duration::from_secs(86_400))
        .with_label("Daily token budget used (%)");
    alarm(
        &stack,
        "TokenBudget",
        AlarmProps {
            alarm_actions: critical(),
            ..AlarmProps::new(budget, gt, 90.0, 1)
        },
    );
    alarm(
        &stack,
        "AgentErrorRate",
        AlarmProps {
            alarm_actions: critical(),
            ..AlarmProps::new(agent.metric("ErrorRate"), gt, 5.0, 2)
        },
    );
    alarm(
        &stack,
        "ContextStoreUnavailable",
        AlarmProps {
            treat_missing_data: Some(TreatMissingData::NotBreaching),
            alarm_actions: critical(),
            ..AlarmProps::new(
                context.metric_system_errors("GetItem"),
                ComparisonOperator::GreaterThanOrEqualToThreshold,
                1.0,
                2,
            )
        },
    );

    // Warning alarms.
    alarm(
        &stack,
        "ResponseTimeSla",
        AlarmProps {
            datapoints_to_alarm: Some(3),
            alarm_actions: warning(),
            ..AlarmProps::new(response("HIGH"), gt, 10_000.0, 5)
        },
    );
    alarm(
        &stack,
        "CacheHitRate",
        AlarmProps {
            alarm_actions: warning(),
            ..AlarmProps::new(AppNamespace::dotted("AI.Context.CacheHitRate"), lt, 70.0, 3)
        },
    );
    alarm(
        &stack,
        "InvestigationCompletion",
        AlarmProps {
            alarm_actions: warning(),
            ..AlarmProps::new(
                AppNamespace::dotted("AI.Investigation.CompletionRate")
                    .with_period(Duration::from_secs(3600)),
                lt,
                95.0,
                1,
            )
        },
    );
    alarm(
        &stack,
        "TokenTrend",
        AlarmProps {
            alarm_actions: warning(),
            ..AlarmProps::new(
                agent
                    .metric("TokenConsumption")
                    .with_statistic(Statistic::Sum)
                    .with_period(Duration::from_secs(3600)),
                gt,
                100_000.0,
                3,
            )
        },
    );
    let t = template(&app);
    assert_eq!(
        props_of(&t, &["CriticalThreatResponseTime", "Resource"]),
        &json!({
            "AlarmActions": [CRITICAL],
            "AlarmDescription": "Agent response time > 30s for CRITICAL threats",
            "ComparisonOperator": "GreaterThanThreshold",
            "Dimensions": [{"Name": "ThreatSeverity", "Value": "CRITICAL"}],
            "EvaluationPeriods": 3,
            "ExtendedStatistic": "p99",
            "MetricName": "ResponseTime",
            "Namespace": "AI.Agent",
            "Period": 60,
            "Threshold": 30000.0
        })
    );
    let budget = props_of(&t, &["TokenBudget", "Resource"]);
    assert_eq!(
        budget["Metrics"][1],
        json!({
            "Id": "tokens",
            "MetricStat": {
                "Metric": {"MetricName": "TokenConsumption", "Namespace": "AI.Agent"},
                "Period": 86400,
                "Stat": "Sum"
            },
            "ReturnData": false
        })
    );
    let store = props_of(&t, &["ContextStoreUnavailable", "Resource"]);
    assert_eq!(
        store["Dimensions"],
        json!([
            {"Name": "TableName", "Value": {"Ref": strata::logical_id(&["ContextStore", "Resource"])}},
            {"Name": "Operation", "Value": "GetItem"}
        ])
    );
    let cache = props_of(&t, &["CacheHitRate", "Resource"]);
    assert_eq!(
        (cache["Namespace"].clone(), cache["MetricName"].clone()),
        (json!("AI.Context"), json!("CacheHitRate"))
    );
    assert_eq!(
        props_of(&t, &["ResponseTimeSla", "Resource"])["DatapointsToAlarm"],
        3
    );
    assert_eq!(
        props_of(&t, &["InvestigationCompletion", "Resource"])["Period"],
        3600
    );
}

#[test]
fn an_app_namespace_grants_put_metric_data_to_itself_only() {
    let app = App::new();
    let stack = app.stack("AgentMonitoring", StackProps::default());
    let role = Role::new(
        &stack,
        "AgentRole",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    );
    assert!(AppNamespace::new("AI.Agent").grant_put_metric_data(&role));
    let t = template(&app);
    assert_eq!(
        props_of(&t, &["AgentRole", "DefaultPolicy", "Resource"])["PolicyDocument"]["Statement"],
        json!([{
            "Action": "cloudwatch:PutMetricData",
            "Condition": {"StringEquals": {"cloudwatch:namespace": "AI.Agent"}},
            "Effect": "Allow",
            "Resource": "*"
        }])
    );
}
