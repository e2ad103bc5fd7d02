//! What CloudWatch would reject, caught at synth with the construct path.

use std::time::Duration;

use strata::cloudwatch::{
    Alarm, AlarmAction, AlarmProps, AppNamespace, ComparisonOperator, Dashboard, DashboardProps,
    GraphWidget, MathExpression, Metric, Statistic, TextWidget,
};
use strata::prelude::*;

use super::{api, synth_error};

fn alarm_error(props: AlarmProps) -> String {
    let app = App::new();
    let stack = app.stack("Monitoring", StackProps::default());
    Alarm::new(&stack, "Alarm", props);
    synth_error(&app)
}

fn props(metric: Metric, evaluation_periods: u32) -> AlarmProps {
    AlarmProps::new(
        metric,
        ComparisonOperator::GreaterThanThreshold,
        1.0,
        evaluation_periods,
    )
}

#[test]
fn zero_evaluation_periods_is_an_error() {
    let e = alarm_error(props(api("5XXError"), 0));
    assert!(
        e.contains("Monitoring/Alarm: [cloudwatch-alarm] evaluation_periods is 0; an alarm evaluates at least 1 period"),
        "{e}"
    );
}

#[test]
fn datapoints_beyond_the_evaluation_periods_are_an_error() {
    let e = alarm_error(AlarmProps {
        datapoints_to_alarm: Some(4),
        ..props(api("5XXError"), 3)
    });
    assert!(
        e.contains("Monitoring/Alarm: [cloudwatch-alarm] datapoints_to_alarm is 4 with 3 evaluation periods; it must be from 1 to evaluation_periods"),
        "{e}"
    );
}

#[test]
fn a_period_cloudwatch_does_not_take_is_an_error() {
    let e = alarm_error(props(api("Count").with_period(Duration::from_secs(90)), 2));
    assert!(
        e.contains("Monitoring/Alarm: [cloudwatch-alarm] metric AWS/ApiGateway/Count: a period of 90 seconds is not one CloudWatch accepts; use 1, 5, 10, 20 or 30 seconds or a multiple of 60"),
        "{e}"
    );
    let e = alarm_error(props(api("Count").with_period(Duration::from_secs(5)), 2));
    assert!(
        e.contains("an alarm period of 5 seconds is too short; alarms take 10, 20 or 30 seconds or a multiple of 60"),
        "{e}"
    );
}

#[test]
fn an_evaluation_range_beyond_a_day_is_an_error() {
    let e = alarm_error(props(
        api("Count").with_period(Duration::from_secs(600)),
        145,
    ));
    assert!(
        e.contains("145 evaluation periods of 600 seconds cover 87000 seconds; CloudWatch limits an alarm's evaluation range to one day when the period is under an hour"),
        "{e}"
    );
}

#[test]
fn a_custom_namespace_under_aws_is_an_error() {
    let metric = AppNamespace::new("AWS/BirdAgent").metric("ToolErrors");
    let e = alarm_error(props(metric, 1));
    assert!(
        e.contains("Monitoring/Alarm: [cloudwatch-alarm] custom metric namespace \"AWS/BirdAgent\" starts with \"AWS/\", which is reserved for AWS services; use the application's own name, such as \"BirdAgent\""),
        "{e}"
    );
}

#[test]
fn an_expression_naming_a_missing_metric_is_an_error() {
    let expr = MathExpression::new("100*(m1+m2)/m3")
        .using("m1", api("4XXError"))
        .using("m2", api("5XXError"));
    let e = alarm_error(AlarmProps::new(
        expr,
        ComparisonOperator::GreaterThanThreshold,
        5.0,
        1,
    ));
    assert!(
        e.contains(
            "expression \"100*(m1+m2)/m3\" uses \"m3\", which is not one of its metrics (m1, m2)"
        ),
        "{e}"
    );
}

#[test]
fn bad_metric_ids_percentiles_and_actions_are_errors() {
    let expr = MathExpression::new("M1 * 2").using("M1", api("Count"));
    let e = alarm_error(AlarmProps {
        alarm_actions: vec![AlarmAction::SnsTopic(
            "arn:aws:sqs:us-east-1:123456789012:queue".into(),
        )],
        ..AlarmProps::new(expr, ComparisonOperator::GreaterThanThreshold, 1.0, 1)
    });
    assert!(
        e.contains("metric id \"M1\" is invalid: start with a lower-case letter"),
        "{e}"
    );
    assert!(
        e.contains("action \"arn:aws:sqs:us-east-1:123456789012:queue\" is not an SNS topic ARN"),
        "{e}"
    );
    let e = alarm_error(props(
        api("Latency").with_statistic(Statistic::Percentile(120.0)),
        1,
    ));
    assert!(e.contains("percentile p120 is out of range"), "{e}");
}

#[test]
fn search_expressions_cannot_be_alarmed_on() {
    let expr = MathExpression::new("SEARCH('{AWS/ApiGateway,ApiName} 5XXError', 'Sum', 300)");
    let e = alarm_error(AlarmProps::new(
        expr,
        ComparisonOperator::GreaterThanThreshold,
        1.0,
        1,
    ));
    assert!(e.contains("alarms cannot watch the query"), "{e}");
}

#[test]
fn dashboard_names_and_widget_sizes_are_checked() {
    let app = App::new();
    let stack = app.stack("Monitoring", StackProps::default());
    Dashboard::new(
        &stack,
        "Performance",
        DashboardProps {
            dashboard_name: Some("AI Agent Performance Dashboard".into()),
            rows: vec![vec![
                TextWidget {
                    width: 30,
                    ..TextWidget::new("# Agents")
                }
                .into(),
                GraphWidget::new("Nothing", Vec::<Metric>::new()).into(),
            ]],
            ..Default::default()
        },
    );
    let e = synth_error(&app);
    assert!(
        e.contains("Monitoring/Performance: [cloudwatch-dashboard] dashboard name \"AI Agent Performance Dashboard\" is invalid: use 1 to 255 letters, digits, '-' and '_' (such as \"AI-Agent-Performance-Dashboard\")"),
        "{e}"
    );
    assert!(
        e.contains("Monitoring/Performance: [cloudwatch-dashboard] row 1, widget 1: width 30 is outside the dashboard grid; use 1 to 24 columns"),
        "{e}"
    );
    assert!(
        e.contains("row 1, widget 2: the graph has no metrics; add at least one"),
        "{e}"
    );
}

#[test]
fn one_id_for_two_metrics_in_a_widget_is_an_error() {
    let app = App::new();
    let stack = app.stack("Monitoring", StackProps::default());
    let a = MathExpression::new("m1 * 2").using("m1", api("4XXError"));
    let b = MathExpression::new("m1 * 3").using("m1", api("5XXError"));
    Dashboard::new(
        &stack,
        "Errors",
        DashboardProps {
            rows: vec![vec![GraphWidget::new("Errors", [a, b]).into()]],
            ..Default::default()
        },
    );
    let e = synth_error(&app);
    assert!(
        e.contains("row 1, widget 1: metric id \"m1\" names two different metrics in one widget; rename one"),
        "{e}"
    );
}
