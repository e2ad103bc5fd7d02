//! Metric accessors on API Gateway: seed 000's error-rate alarm built from
//! a REST API's metrics, and WebSocket metrics by API id and stage.

use serde_json::json;
use strata::apigateway::{
    Integration, MethodOptions, RestApi, RestApiProps, WebSocketApi, WebSocketApiProps,
};
use strata::cloudwatch::{
    Alarm, AlarmAction, AlarmProps, ComparisonOperator, MathExpression, Statistic,
};
use strata::prelude::*;

use super::{props_of, template, CRITICAL};

#[test]
fn seed_000_error_rate_from_the_rest_api_metrics() {
    let app = App::new();
    let stack = app.stack("Agent", StackProps::default());
    let api = RestApi::new(
        &stack,
        "Api",
        RestApiProps {
            rest_api_name: Some("bird-agent-api".into()),
            ..Default::default()
        },
    );
    api.root()
        .add_method("GET", Integration::mock(200), MethodOptions::default());
    let rate = MathExpression::new("100*(m1+m2)/m3")
        .using("m1", api.metric_4xx())
        .using("m2", api.metric_5xx())
        .using("m3", api.metric_count());
    Alarm::new(
        &stack,
        "HighErrorRate",
        AlarmProps {
            alarm_actions: vec![AlarmAction::SnsTopic(CRITICAL.into())],
            ..AlarmProps::new(rate, ComparisonOperator::GreaterThanThreshold, 5.0, 2)
        },
    );
    let t = template(&app);
    let api_name = json!([{"Name": "ApiName", "Value": "bird-agent-api"}]);
    let metrics = &props_of(&t, &["HighErrorRate", "Resource"])["Metrics"];
    for (i, name) in [(1, "4XXError"), (2, "5XXError"), (3, "Count")] {
        assert_eq!(metrics[i]["MetricStat"]["Metric"]["MetricName"], name);
        assert_eq!(metrics[i]["MetricStat"]["Metric"]["Dimensions"], api_name);
        assert_eq!(metrics[i]["MetricStat"]["Stat"], "Sum");
    }
    assert_eq!(api.metric_latency().statistic(), Statistic::Average);
}

#[test]
fn websocket_metrics_name_the_api_and_stage() {
    let app = App::new();
    let stack = app.stack("Realtime", StackProps::default());
    let api = WebSocketApi::new(&stack, "RealtimeApi", WebSocketApiProps::default());
    let connects = api.metric_connect_count();
    assert_eq!(
        (
            connects.namespace(),
            connects.metric_name(),
            connects.statistic()
        ),
        ("AWS/ApiGateway", "ConnectCount", Statistic::Sum)
    );
    assert_eq!(
        connects.dimensions().to_vec(),
        [
            ("ApiId".to_string(), api.api_id()),
            ("Stage".to_string(), Value::from(api.stage_name()))
        ]
    );
}
