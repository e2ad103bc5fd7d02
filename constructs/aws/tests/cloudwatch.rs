//! CloudWatch: seed 000's critical and warning alarms render every
//! property (metric math with `ReturnData` on the expression alone, SNS,
//! scaling-policy and Lambda actions); seed 001's alarms, the dashboards,
//! construct metrics, log filters and the errors follow in `cloudwatch/`.

use std::time::Duration;

use serde_json::{json, Value as Json};
use strata::cfn::application_auto_scaling as aas;
use strata::cloudwatch::{
    Alarm, AlarmAction, AlarmProps, ComparisonOperator, MathExpression, Metric, Statistic,
    TreatMissingData, Unit,
};
use strata::prelude::*;

#[path = "cloudwatch/api_metrics.rs"]
mod api_metrics;
#[path = "cloudwatch/construct_metrics.rs"]
mod construct_metrics;
#[path = "cloudwatch/dashboards.rs"]
mod dashboards;
#[path = "cloudwatch/errors.rs"]
mod errors;
#[path = "cloudwatch/log_filters.rs"]
mod log_filters;
#[path = "cloudwatch/seed_001.rs"]
mod seed_001;
#[path = "cloudwatch/service_metrics.rs"]
mod service_metrics;

pub const CRITICAL: &str = "arn:aws:sns:us-east-1:123456789012:critical-alerts";
pub const WARNING: &str = "arn:aws:sns:us-east-1:123456789012:warning-alerts";

pub fn template(app: &App) -> Json {
    app.synth().expect("the app synthesizes").stacks[0]
        .template
        .json()
        .clone()
}

pub fn synth_error(app: &App) -> String {
    app.synth().expect_err("synth must fail").to_string()
}

pub fn props_of<'a>(t: &'a Json, path: &[&str]) -> &'a Json {
    &t["Resources"][strata::logical_id(path).as_str()]["Properties"]
}

/// An API Gateway metric of seed 000's REST API, summed.
pub fn api(name: &str) -> Metric {
    Metric::new("AWS/ApiGateway", name)
        .with_dimension("ApiName", "bird-agent-api")
        .with_statistic(Statistic::Sum)
}

/// An ECS metric of seed 000's conversation manager service.
pub fn ecs(name: &str) -> Metric {
    Metric::new("AWS/ECS", name)
        .with_dimension("ClusterName", "bird-agent-cluster")
        .with_dimension("ServiceName", "conversation-manager")
}

/// A step scaling policy on the ECS service, the "Auto Scaling" action of
/// seed 000's HighErrorRate alarm.
fn scale_out_policy(stack: &Scope) -> aas::ScalingPolicyRef {
    let target = stack.resource(
        "ServiceScaling",
        aas::ScalableTarget::new(
            20,
            2,
            "service/bird-agent-cluster/conversation-manager",
            "ecs:service:DesiredCount",
            "ecs",
        ),
    );
    stack.resource(
        "ScaleOutOnErrors",
        aas::ScalingPolicy {
            scaling_target_id: Some(target.ref_()),
            step_scaling_policy_configuration: Some(
                aas::scaling_policy::StepScalingPolicyConfiguration {
                    adjustment_type: Some("ChangeInCapacity".into()),
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
    )
}

/// Seed 000's "Alarms Configuration": three critical, three warning.
pub fn seed_000_alarms(stack: &Scope) {
    let policy = scale_out_policy(stack);
    let minutes = |m: u64| Duration::from_secs(60 * m);
    let critical = || vec![AlarmAction::SnsTopic(CRITICAL.into())];
    let warning = || vec![AlarmAction::SnsTopic(WARNING.into())];
    let error_rate = MathExpression::new("100*(m1+m2)/m3")
        .using("m1", api("4XXError"))
        .using("m2", api("5XXError"))
        .using("m3", api("Count"))
        .with_label("4XX+5XX error rate (%)")
        .with_period(minutes(5));
    Alarm::new(
        stack,
        "HighErrorRate",
        AlarmProps {
            alarm_name: Some("bird-agent-high-error-rate".into()),
            description: Some("4XX+5XX responses above 5% of requests".into()),
            treat_missing_data: Some(TreatMissingData::NotBreaching),
            alarm_actions: vec![
                AlarmAction::SnsTopic(CRITICAL.into()),
                AlarmAction::ScalingPolicy(policy.ref_()),
            ],
            ..AlarmProps::new(error_rate, ComparisonOperator::GreaterThanThreshold, 5.0, 2)
        },
    );
    let latency = Metric::new("AWS/ApiGateway", "Latency")
        .with_dimension("ApiName", "bird-agent-api")
        .with_statistic(Statistic::Percentile(95.0))
        .with_unit(Unit::Milliseconds);
    Alarm::new(
        stack,
        "HighLatency",
        AlarmProps {
            alarm_name: Some("bird-agent-high-latency".into()),
            alarm_actions: critical(),
            ..AlarmProps::new(
                latency,
                ComparisonOperator::GreaterThanThreshold,
                10_000.0,
                2,
            )
        },
    );
    let connections = Metric::new("AWS/RDS", "DatabaseConnections")
        .with_dimension("DBClusterIdentifier", "bird-agent-aurora")
        .with_period(minutes(1));
    Alarm::new(
        stack,
        "DatabaseConnectionFailure",
        AlarmProps {
            alarm_name: Some("bird-agent-database-connection-failure".into()),
            treat_missing_data: Some(TreatMissingData::Breaching),
            alarm_actions: vec![
                AlarmAction::SnsTopic(CRITICAL.into()),
                AlarmAction::Lambda(
                    "arn:aws:lambda:us-east-1:123456789012:function:restart-rds".into(),
                ),
            ],
            ..AlarmProps::new(connections, ComparisonOperator::LessThanThreshold, 1.0, 3)
        },
    );
    for (id, name, threshold) in [
        ("HighCPUUtilization", "CPUUtilization", 80.0),
        ("HighMemoryUtilization", "MemoryUtilization", 85.0),
    ] {
        Alarm::new(
            stack,
            id,
            AlarmProps {
                ok_actions: warning(),
                alarm_actions: warning(),
                ..AlarmProps::new(
                    ecs(name).with_period(minutes(10)),
                    ComparisonOperator::GreaterThanThreshold,
                    threshold,
                    2,
                )
            },
        );
    }
    // Free storage below 20% of the 100 GiB allotted to the instances.
    let free = MathExpression::new("100*free/107374182400")
        .using(
            "free",
            Metric::new("AWS/RDS", "FreeLocalStorage")
                .with_dimension("DBClusterIdentifier", "bird-agent-aurora"),
        )
        .with_label("Free storage (%)");
    Alarm::new(
        stack,
        "DiskSpaceUsage",
        AlarmProps {
            alarm_actions: warning(),
            ..AlarmProps::new(free, ComparisonOperator::LessThanThreshold, 20.0, 1)
        },
    );
}

fn api_stat(name: &str) -> Json {
    json!({
        "Metric": {
            "Dimensions": [{"Name": "ApiName", "Value": "bird-agent-api"}],
            "MetricName": name,
            "Namespace": "AWS/ApiGateway"
        },
        "Period": 300,
        "Stat": "Sum"
    })
}

#[test]
fn seed_000_error_rate_is_metric_math_with_sns_and_scaling_actions() {
    let app = App::new();
    let stack = app.stack("Monitoring", StackProps::default());
    seed_000_alarms(&stack);
    let t = template(&app);
    assert_eq!(
        props_of(&t, &["HighErrorRate", "Resource"]),
        &json!({
            "AlarmActions": [CRITICAL, {"Ref": strata::logical_id(&["ScaleOutOnErrors"])}],
            "AlarmDescription": "4XX+5XX responses above 5% of requests",
            "AlarmName": "bird-agent-high-error-rate",
            "ComparisonOperator": "GreaterThanThreshold",
            "EvaluationPeriods": 2,
            "Metrics": [
                {"Expression": "100*(m1+m2)/m3", "Id": "expr_1", "Label": "4XX+5XX error rate (%)"},
                {"Id": "m1", "MetricStat": api_stat("4XXError"), "ReturnData": false},
                {"Id": "m2", "MetricStat": api_stat("5XXError"), "ReturnData": false},
                {"Id": "m3", "MetricStat": api_stat("Count"), "ReturnData": false}
            ],
            "Threshold": 5.0,
            "TreatMissingData": "notBreaching"
        })
    );
}

#[test]
fn seed_000_single_metric_alarms_render_statistic_period_and_actions() {
    let app = App::new();
    let stack = app.stack("Monitoring", StackProps::default());
    seed_000_alarms(&stack);
    let t = template(&app);
    assert_eq!(
        props_of(&t, &["HighLatency", "Resource"]),
        &json!({
            "AlarmActions": [CRITICAL],
            "AlarmName": "bird-agent-high-latency",
            "ComparisonOperator": "GreaterThanThreshold",
            "Dimensions": [{"Name": "ApiName", "Value": "bird-agent-api"}],
            "EvaluationPeriods": 2,
            "ExtendedStatistic": "p95",
            "MetricName": "Latency",
            "Namespace": "AWS/ApiGateway",
            "Period": 300,
            "Threshold": 10000.0,
            "Unit": "Milliseconds"
        })
    );
    assert_eq!(
        props_of(&t, &["HighCPUUtilization", "Resource"]),
        &json!({
            "AlarmActions": [WARNING],
            "ComparisonOperator": "GreaterThanThreshold",
            "Dimensions": [
                {"Name": "ClusterName", "Value": "bird-agent-cluster"},
                {"Name": "ServiceName", "Value": "conversation-manager"}
            ],
            "EvaluationPeriods": 2,
            "MetricName": "CPUUtilization",
            "Namespace": "AWS/ECS",
            "OKActions": [WARNING],
            "Period": 600,
            "Statistic": "Average",
            "Threshold": 80.0
        })
    );
    let memory = props_of(&t, &["HighMemoryUtilization", "Resource"]);
    assert_eq!(memory["MetricName"], "MemoryUtilization");
    assert_eq!(memory["Threshold"], 85.0);
    let disk = props_of(&t, &["DiskSpaceUsage", "Resource"]);
    assert_eq!(disk["ComparisonOperator"], "LessThanThreshold");
    assert_eq!(disk["Metrics"][0]["Expression"], "100*free/107374182400");
    assert_eq!(disk["Metrics"][1]["MetricStat"]["Stat"], "Average");
}

#[test]
fn a_lambda_action_gets_the_cloudwatch_alarms_invoke_permission() {
    let app = App::new();
    let stack = app.stack("Monitoring", StackProps::default());
    seed_000_alarms(&stack);
    let t = template(&app);
    let alarm = props_of(&t, &["DatabaseConnectionFailure", "Resource"]);
    assert_eq!(
        alarm["AlarmActions"],
        json!([
            CRITICAL,
            "arn:aws:lambda:us-east-1:123456789012:function:restart-rds"
        ])
    );
    assert_eq!(alarm["Period"], 60);
    assert_eq!(alarm["EvaluationPeriods"], 3);
    assert_eq!(alarm["TreatMissingData"], "breaching");
    let alarm_id = strata::logical_id(&["DatabaseConnectionFailure", "Resource"]);
    assert_eq!(
        props_of(&t, &["DatabaseConnectionFailure", "InvokePermission"]),
        &json!({
            "Action": "lambda:InvokeFunction",
            "FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:restart-rds",
            "Principal": "lambda.alarms.cloudwatch.amazonaws.com",
            "SourceAccount": {"Ref": "AWS::AccountId"},
            "SourceArn": {"Fn::GetAtt": [alarm_id, "Arn"]}
        })
    );
}

#[test]
fn m_out_of_n_and_disabled_actions_render() {
    let app = App::new();
    let stack = app.stack("Monitoring", StackProps::default());
    let alarm = Alarm::new(
        &stack,
        "Throttles",
        AlarmProps {
            datapoints_to_alarm: Some(3),
            actions_enabled: Some(false),
            insufficient_data_actions: vec![AlarmAction::SnsTopic(WARNING.into())],
            ..AlarmProps::new(
                api("5XXError"),
                ComparisonOperator::GreaterThanOrEqualToThreshold,
                1.0,
                5,
            )
        },
    );
    stack.output("AlarmArn", Output::new(alarm.alarm_arn()));
    let t = template(&app);
    let p = props_of(&t, &["Throttles", "Resource"]);
    assert_eq!(p["DatapointsToAlarm"], 3);
    assert_eq!(p["EvaluationPeriods"], 5);
    assert_eq!(p["ActionsEnabled"], false);
    assert_eq!(p["InsufficientDataActions"], json!([WARNING]));
    assert_eq!(p["Statistic"], "Sum");
    assert!(p.get("AlarmActions").is_none());
}
