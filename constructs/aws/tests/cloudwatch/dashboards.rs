//! Seed 000's three dashboards: typed widgets laid out on the 24-column
//! grid, rendered as a `Fn::Sub` body when dimensions are tokens.

use std::time::Duration;

use serde_json::{json, Value as Json};
use strata::cloudwatch::{
    Alarm, AlarmStatusWidget, Dashboard, DashboardProps, GraphWidget, HorizontalAnnotation,
    LogQueryView, LogQueryWidget, MathExpression, Metric, PeriodOverride, SingleValueWidget,
    Statistic, TextWidget, Widget, YAxis,
};
use strata::dynamodb::{Attribute, Table, TableProps};
use strata::logs::{LogGroup, LogGroupProps, Retention};
use strata::prelude::*;

use super::{api, ecs, props_of, seed_000_alarms, template};

/// The body of a dashboard as JSON, with `${Name}` references of a
/// `Fn::Sub` left as `<Name>`, and the variable map.
fn body(t: &Json, id: &str) -> (Json, Json) {
    let body = &props_of(t, &[id, "Resource"])["DashboardBody"];
    if let Some(text) = body.as_str() {
        return (serde_json::from_str(text).expect("JSON body"), json!({}));
    }
    let args = &body["Fn::Sub"];
    let (text, vars) = match args {
        Json::String(s) => (s.clone(), json!({})),
        Json::Array(a) => (a[0].as_str().unwrap_or_default().to_string(), a[1].clone()),
        other => panic!("not a Fn::Sub: {other}"),
    };
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        if let Some(lit) = after.strip_prefix('!') {
            out.push_str("${");
            rest = lit;
            continue;
        }
        let end = after.find('}').expect("closed reference");
        out.push_str(&format!("<{}>", &after[..end]));
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    (serde_json::from_str(&out).expect("JSON body"), vars)
}

fn lambda(name: &str) -> Metric {
    Metric::new("AWS/Lambda", name)
        .with_dimension("FunctionName", "event-processor")
        .with_statistic(Statistic::Sum)
}

fn overview(table: &Table) -> Vec<Vec<Widget>> {
    let latency = Metric::new("AWS/ApiGateway", "Latency")
        .with_dimension("ApiName", "bird-agent-api")
        .with_statistic(Statistic::Percentile(95.0));
    let rds = |name: &str| {
        Metric::new("AWS/RDS", name).with_dimension("DBClusterIdentifier", "bird-agent-aurora")
    };
    vec![
        vec![TextWidget {
            width: 24,
            height: 1,
            ..TextWidget::new("# Bird agent overview")
        }
        .into()],
        vec![
            GraphWidget {
                right: vec![latency.into()],
                width: 12,
                ..GraphWidget::new("API requests and latency", [api("Count")])
            }
            .into(),
            GraphWidget {
                left_y_axis: YAxis {
                    min: Some(0.0),
                    max: Some(100.0),
                    label: Some("%".into()),
                    ..Default::default()
                },
                left_annotations: vec![HorizontalAnnotation::new(80.0, "CPU alarm")],
                width: 12,
                ..GraphWidget::new(
                    "ECS CPU and memory",
                    [ecs("CPUUtilization"), ecs("MemoryUtilization")],
                )
            }
            .into(),
            GraphWidget {
                width: 12,
                ..GraphWidget::new(
                    "Lambda invocations and errors",
                    [lambda("Invocations"), lambda("Errors")],
                )
            }
            .into(),
            GraphWidget {
                right: vec![table.metric_consumed_read_capacity().into()],
                width: 12,
                ..GraphWidget::new(
                    "Database connections and query performance",
                    [rds("DatabaseConnections"), rds("ReadLatency")],
                )
            }
            .into(),
        ],
    ]
}

fn performance() -> Vec<Vec<Widget>> {
    let latency = |p: f64| {
        Metric::new("AWS/ApiGateway", "Latency")
            .with_dimension("ApiName", "bird-agent-api")
            .with_statistic(Statistic::Percentile(p))
            .with_label(&format!("p{p}"))
    };
    let rate = |label: &str, errors: Metric, total: Metric| {
        MathExpression::new("100*errors/total")
            .using("errors", errors)
            .using("total", total)
            .with_label(label)
    };
    let charges = Metric::new("AWS/Billing", "EstimatedCharges")
        .with_dimension("Currency", "USD")
        .with_statistic(Statistic::Maximum)
        .with_period(Duration::from_secs(6 * 3600));
    vec![vec![
        GraphWidget::new(
            "Response time percentiles",
            [latency(50.0), latency(90.0), latency(99.0)],
        )
        .into(),
        GraphWidget::new(
            "Throughput",
            [api("Count").with_period(Duration::from_secs(60))],
        )
        .into(),
        GraphWidget {
            stacked: true,
            ..GraphWidget::new(
                "Error rates by service",
                [rate("API 5XX (%)", api("5XXError"), api("Count"))],
            )
        }
        .into(),
        SingleValueWidget {
            region: Some("us-east-1".into()),
            set_period_to_time_range: true,
            ..SingleValueWidget::new("Cost analysis", [charges])
        }
        .into(),
    ]]
}

fn infrastructure(flow_logs: &LogGroup, alarms: &[&Alarm]) -> Vec<Vec<Widget>> {
    let nat = |name: &str| {
        Metric::new("AWS/NATGateway", name)
            .with_dimension("NatGatewayId", "nat-0a1b2c3d")
            .with_statistic(Statistic::Sum)
    };
    let alb = |name: &str| {
        Metric::new("AWS/ApplicationELB", name)
            .with_dimension("LoadBalancer", "app/bird-agent-alb/50dc6c495c0c9188")
            .with_statistic(Statistic::Sum)
    };
    vec![vec![
        LogQueryWidget {
            view: LogQueryView::Bar,
            width: 12,
            ..LogQueryWidget::new(
                "VPC flow logs summary",
                vec![flow_logs.log_group_name()],
                &[
                    "filter action = \"REJECT\"",
                    "stats count(*) as rejected by srcAddr",
                    "sort rejected desc",
                    "limit 10",
                ],
            )
        }
        .into(),
        GraphWidget {
            width: 12,
            ..GraphWidget::new(
                "NAT Gateway bandwidth",
                [nat("BytesOutToDestination"), nat("BytesInFromSource")],
            )
        }
        .into(),
        GraphWidget::new(
            "Load balancer",
            [alb("RequestCount"), alb("HTTPCode_Target_5XX_Count")],
        )
        .into(),
        AlarmStatusWidget {
            width: 18,
            ..AlarmStatusWidget::new("Auto scaling activities", alarms)
        }
        .into(),
    ]]
}

#[test]
fn seed_000_dashboards_lay_out_rows_and_render_tokens_through_sub() {
    let app = App::new();
    let stack = app.stack("Monitoring", StackProps::default());
    let table = Table::new(
        &stack,
        "Sessions",
        TableProps::new(Attribute::string("sessionId")),
    );
    let flow_logs = LogGroup::new(
        &stack,
        "FlowLogs",
        LogGroupProps {
            retention: Retention::Days(30),
            ..Default::default()
        },
    );
    seed_000_alarms(&stack);
    let cpu_alarm = Alarm::new(
        &stack,
        "ScaleOutCpu",
        strata::cloudwatch::AlarmProps::new(
            ecs("CPUUtilization"),
            strata::cloudwatch::ComparisonOperator::GreaterThanThreshold,
            70.0,
            3,
        ),
    );
    let dashboard = Dashboard::new(
        &stack,
        "Overview",
        DashboardProps {
            dashboard_name: Some("BirdAgent-Overview".into()),
            rows: overview(&table),
            start: Some("-PT6H".into()),
            period_override: Some(PeriodOverride::Inherit),
            ..Default::default()
        },
    );
    Dashboard::new(
        &stack,
        "Performance",
        DashboardProps {
            dashboard_name: Some("BirdAgent-Performance".into()),
            rows: performance(),
            ..Default::default()
        },
    );
    Dashboard::new(
        &stack,
        "Infrastructure",
        DashboardProps {
            dashboard_name: Some("BirdAgent-Infrastructure".into()),
            rows: infrastructure(&flow_logs, &[&cpu_alarm]),
            ..Default::default()
        },
    );
    dashboard.add_row(vec![TextWidget::new("Runbook: see the wiki").into()]);
    let t = template(&app);
    let table_id = strata::logical_id(&["Sessions", "Resource"]);

    let (overview, vars) = body(&t, "Overview");
    assert_eq!(vars, json!({"Token1": {"Ref": table_id}}));
    assert_eq!(overview["start"], "-PT6H");
    assert_eq!(overview["periodOverride"], "inherit");
    let widgets = overview["widgets"].as_array().expect("widgets");
    let places: Vec<(u64, u64, u64, u64)> = widgets
        .iter()
        .map(|w| {
            let n = |k: &str| w[k].as_u64().unwrap_or(999);
            (n("x"), n("y"), n("width"), n("height"))
        })
        .collect();
    // The title row, two rows of two graphs (wrapped), then the added row.
    assert_eq!(
        places,
        [
            (0, 0, 24, 1),
            (0, 1, 12, 6),
            (12, 1, 12, 6),
            (0, 7, 12, 6),
            (12, 7, 12, 6),
            (0, 13, 6, 2)
        ]
    );
    assert_eq!(
        widgets[0],
        json!({"type": "text", "width": 24, "height": 1, "x": 0, "y": 0,
               "properties": {"markdown": "# Bird agent overview"}})
    );
    assert_eq!(
        widgets[1]["properties"],
        json!({
            "view": "timeSeries",
            "title": "API requests and latency",
            "region": "<AWS::Region>",
            "metrics": [
                ["AWS/ApiGateway", "Count", "ApiName", "bird-agent-api", {"stat": "Sum", "period": 300}],
                ["AWS/ApiGateway", "Latency", "ApiName", "bird-agent-api",
                 {"stat": "p95", "period": 300, "yAxis": "right"}]
            ]
        })
    );
    assert_eq!(
        widgets[2]["properties"]["yAxis"],
        json!({"left": {"min": 0.0, "max": 100.0, "label": "%"}})
    );
    assert_eq!(
        widgets[2]["properties"]["annotations"],
        json!({"horizontal": [{"value": 80.0, "label": "CPU alarm"}]})
    );
    assert_eq!(
        widgets[4]["properties"]["metrics"][2],
        json!(["AWS/DynamoDB", "ConsumedReadCapacityUnits", "TableName", "<Token1>",
               {"stat": "Sum", "period": 300, "yAxis": "right"}])
    );

    let (performance, vars) = body(&t, "Performance");
    assert_eq!(vars, json!({}));
    let w = &performance["widgets"];
    assert_eq!(w[0]["properties"]["metrics"][2][4]["label"], "p99");
    assert_eq!(
        w[2]["properties"]["metrics"],
        json!([
            [{"expression": "100*errors/total", "label": "API 5XX (%)", "id": "expr_1", "period": 300}],
            ["AWS/ApiGateway", "5XXError", "ApiName", "bird-agent-api",
             {"stat": "Sum", "period": 300, "id": "errors", "visible": false}],
            ["AWS/ApiGateway", "Count", "ApiName", "bird-agent-api",
             {"stat": "Sum", "period": 300, "id": "total", "visible": false}]
        ])
    );
    assert_eq!(w[2]["properties"]["stacked"], true);
    assert_eq!(
        w[3],
        json!({"type": "metric", "width": 6, "height": 3, "x": 18, "y": 0, "properties": {
            "view": "singleValue", "title": "Cost analysis", "region": "us-east-1",
            "metrics": [["AWS/Billing", "EstimatedCharges", "Currency", "USD",
                         {"stat": "Maximum", "period": 21600}]],
            "setPeriodToTimeRange": true
        }})
    );

    let (infra, vars) = body(&t, "Infrastructure");
    let alarm_id = strata::logical_id(&["ScaleOutCpu", "Resource"]);
    let group_id = strata::logical_id(&["FlowLogs", "Resource"]);
    assert_eq!(
        vars,
        json!({"Token1": {"Ref": group_id}, "Token2": {"Fn::GetAtt": [alarm_id, "Arn"]}})
    );
    let w = &infra["widgets"];
    assert_eq!(
        w[0]["properties"],
        json!({
            "view": "bar",
            "title": "VPC flow logs summary",
            "region": "<AWS::Region>",
            "query": "SOURCE '<Token1>' | filter action = \"REJECT\" | stats count(*) as rejected by srcAddr | sort rejected desc | limit 10"
        })
    );
    assert_eq!(
        (
            w[2]["x"].clone(),
            w[2]["y"].clone(),
            w[3]["x"].clone(),
            w[3]["y"].clone()
        ),
        (json!(0), json!(6), json!(6), json!(6))
    );
    assert_eq!(
        w[3]["properties"],
        json!({"title": "Auto scaling activities", "alarms": ["<Token2>"]})
    );
}

#[test]
fn a_dashboard_in_a_known_region_without_tokens_is_a_plain_string() {
    let app = App::new();
    let stack = app.stack(
        "Monitoring",
        StackProps {
            env: Environment::new("123456789012", "eu-west-1"),
            ..Default::default()
        },
    );
    Dashboard::new(
        &stack,
        "Api",
        DashboardProps {
            rows: vec![vec![GraphWidget::new(
                "Errors ${literal}",
                [api("5XXError")],
            )
            .into()]],
            ..Default::default()
        },
    );
    let t = template(&app);
    let text = props_of(&t, &["Api", "Resource"])["DashboardBody"]
        .as_str()
        .expect("a plain string body")
        .to_string();
    let parsed: Json = serde_json::from_str(&text).expect("JSON");
    assert_eq!(parsed["widgets"][0]["properties"]["region"], "eu-west-1");
    assert_eq!(
        parsed["widgets"][0]["properties"]["title"],
        "Errors ${literal}"
    );
}
