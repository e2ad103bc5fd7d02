//! Metric and subscription filters on log groups: rendered properties,
//! the Lambda permission and the CloudWatch Logs role, and the errors.

use serde_json::json;
use strata::cloudwatch::{
    AppNamespace, FilterPattern, MetricFilterProps, SubscriptionDestination,
    SubscriptionFilterProps, Unit,
};
use strata::logs::{LogGroup, LogGroupProps, Retention};
use strata::prelude::*;

use super::{props_of, synth_error, template};

fn group(stack: &Scope) -> LogGroup {
    LogGroup::new(
        stack,
        "EventProcessor",
        LogGroupProps {
            log_group_name: Some("/aws/lambda/event-processor".into()),
            retention: Retention::Days(14),
            ..Default::default()
        },
    )
}

const FUNCTION: &str = "arn:aws:lambda:us-east-1:123456789012:function:log-shipper";

#[test]
fn a_metric_filter_publishes_to_the_app_namespace() {
    let app = App::new();
    let stack = app.stack("Logs", StackProps::default());
    let group = group(&stack);
    let latency = group.add_metric_filter(
        "ToolLatency",
        MetricFilterProps {
            metric_value: "$.latencyMs".into(),
            unit: Some(Unit::Milliseconds),
            dimensions: vec![("Tool".into(), "$.tool".into())],
            ..MetricFilterProps::new(
                FilterPattern::json_compare("$.latencyMs", ">=", 0.0),
                &AppNamespace::new("BirdAgent"),
                "ToolLatency",
            )
        },
    );
    assert_eq!(latency.metric().namespace(), "BirdAgent");
    let t = template(&app);
    assert_eq!(
        props_of(&t, &["EventProcessor", "ToolLatency", "Resource"]),
        &json!({
            "FilterPattern": "{ $.latencyMs >= 0 }",
            "LogGroupName": {"Ref": strata::logical_id(&["EventProcessor", "Resource"])},
            "MetricTransformations": [{
                "Dimensions": [{"Key": "Tool", "Value": "$.tool"}],
                "MetricName": "ToolLatency",
                "MetricNamespace": "BirdAgent",
                "MetricValue": "$.latencyMs",
                "Unit": "Milliseconds"
            }]
        })
    );
}

#[test]
fn a_lambda_subscription_gets_an_invoke_permission_it_depends_on() {
    let app = App::new();
    let stack = app.stack("Logs", StackProps::default());
    let group = group(&stack);
    group.add_subscription_filter(
        "Ship",
        SubscriptionFilterProps::new(
            FilterPattern::any_term(&["ERROR", "WARN"]),
            SubscriptionDestination::Lambda(FUNCTION.into()),
        ),
    );
    let t = template(&app);
    let group_id = strata::logical_id(&["EventProcessor", "Resource"]);
    let permission_id = strata::logical_id(&["EventProcessor", "Ship", "CanInvokeLambda"]);
    assert_eq!(
        props_of(&t, &["EventProcessor", "Ship", "CanInvokeLambda"]),
        &json!({
            "Action": "lambda:InvokeFunction",
            "FunctionName": FUNCTION,
            "Principal": "logs.amazonaws.com",
            "SourceArn": {"Fn::GetAtt": [group_id, "Arn"]}
        })
    );
    let filter_id = strata::logical_id(&["EventProcessor", "Ship", "Resource"]);
    let filter = &t["Resources"][filter_id.as_str()];
    assert_eq!(filter["DependsOn"], json!([permission_id]));
    assert_eq!(
        filter["Properties"],
        json!({
            "DestinationArn": FUNCTION,
            "FilterPattern": "?\"ERROR\" ?\"WARN\"",
            "LogGroupName": {"Ref": group_id}
        })
    );
}

#[test]
fn a_kinesis_subscription_creates_the_role_cloudwatch_logs_assumes() {
    let app = App::new();
    let stack = app.stack("Logs", StackProps::default());
    let group = group(&stack);
    let stream = "arn:aws:kinesis:us-east-1:123456789012:stream/analytics-stream";
    let filter = group.add_subscription_filter(
        "ToAnalytics",
        SubscriptionFilterProps {
            random_distribution: true,
            ..SubscriptionFilterProps::new(
                FilterPattern::all_events(),
                SubscriptionDestination::Kinesis {
                    stream_arn: stream.into(),
                    role_arn: None,
                },
            )
        },
    );
    assert!(filter.role().is_some());
    let t = template(&app);
    let role_path = [
        "EventProcessor",
        "ToAnalytics",
        "CloudWatchLogsCanPutRecords",
        "Resource",
    ];
    let role_id = strata::logical_id(&role_path);
    let p = props_of(&t, &["EventProcessor", "ToAnalytics", "Resource"]);
    assert_eq!(p["RoleArn"], json!({"Fn::GetAtt": [role_id, "Arn"]}));
    assert_eq!(p["Distribution"], "Random");
    assert_eq!(p["FilterPattern"], "");
    let role = props_of(&t, &role_path);
    assert_eq!(
        role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
        json!({"Service": "logs.amazonaws.com"})
    );
    let policy_path = [
        "EventProcessor",
        "ToAnalytics",
        "CloudWatchLogsCanPutRecords",
        "DefaultPolicy",
        "Resource",
    ];
    assert_eq!(
        props_of(&t, &policy_path)["PolicyDocument"]["Statement"],
        json!([{
            "Action": ["kinesis:ListShards", "kinesis:PutRecord", "kinesis:PutRecords"],
            "Effect": "Allow",
            "Resource": stream
        }])
    );
    let filter_id = strata::logical_id(&["EventProcessor", "ToAnalytics", "Resource"]);
    assert_eq!(
        t["Resources"][filter_id.as_str()]["DependsOn"],
        json!([strata::logical_id(&policy_path)])
    );
}

#[test]
fn filter_mistakes_are_reported_at_the_filter() {
    let app = App::new();
    let stack = app.stack("Logs", StackProps::default());
    let group = group(&stack);
    group.add_metric_filter(
        "Bad",
        MetricFilterProps {
            metric_value: "latency".into(),
            default_value: Some(0.0),
            dimensions: vec![("Tool".into(), "tool".into())],
            ..MetricFilterProps::new(
                FilterPattern::literal("{ $.level = \"ERROR\""),
                &AppNamespace::new("AWS/Lambda"),
                "Errors",
            )
        },
    );
    for id in ["One", "Two", "Three"] {
        group.add_subscription_filter(
            id,
            SubscriptionFilterProps::new(
                FilterPattern::all_events(),
                SubscriptionDestination::Lambda(FUNCTION.into()),
            ),
        );
    }
    let e = synth_error(&app);
    for expected in [
        "Logs/EventProcessor/Bad: [log-metric-filter] the JSON filter pattern \"{ $.level = \\\"ERROR\\\"\" does not end with '}'",
        "Logs/EventProcessor/Bad: [log-metric-filter] custom metric namespace \"AWS/Lambda\" starts with \"AWS/\"",
        "Logs/EventProcessor/Bad: [log-metric-filter] metric value \"latency\" must be a number such as \"1\" or an event field",
        "Logs/EventProcessor/Bad: [log-metric-filter] a metric filter with dimensions cannot have a default value",
        "Logs/EventProcessor/Bad: [log-metric-filter] dimension \"Tool\" takes its value from \"tool\", which is not an event field",
        "Logs/EventProcessor/Three: [log-subscription-filter] the log group already has 2 subscription filters",
    ] {
        assert!(e.contains(expected), "missing {expected:?} in\n{e}");
    }
    assert!(!e.contains("Logs/EventProcessor/Two:"), "{e}");
}
