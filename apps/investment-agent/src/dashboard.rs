//! The operations dashboard of the monitoring stack (seed "Amazon
//! CloudWatch": API Gateway, Lambda and DynamoDB metrics and custom
//! business metrics), for enhanced and full monitoring.

use strata::cloudwatch::{
    Alarm, AlarmStatusWidget, AppNamespace, Dashboard, DashboardProps, GraphWidget, Metric,
    Statistic, Widget,
};
use strata::prelude::*;

use crate::bedrock::MODELS;
use crate::compute::Compute;
use crate::config::{Config, MonitoringLevel};
use crate::monitoring::{api_metric, function_metric, model_metric, queue_metric, NAMESPACE};
use crate::storage::Storage;

fn graph(title: &str, metrics: Vec<Metric>) -> Widget {
    GraphWidget {
        width: 8,
        ..GraphWidget::new(title, metrics)
    }
    .into()
}

/// Builds the dashboard `<prefix>-operations`.
pub fn build(
    stack: &Scope,
    config: &Config,
    storage: &Storage,
    compute: &Compute,
    alarms: &[&Alarm],
) -> Dashboard {
    let sum = Statistic::Sum;
    let functions = [&compute.api, &compute.processing, &compute.scheduler];
    let per_function = |name: &str, statistic: Statistic| {
        functions
            .iter()
            .map(|f| function_metric(f, name).with_statistic(statistic))
            .collect::<Vec<_>>()
    };
    let mut rows = vec![
        vec![AlarmStatusWidget {
            width: 24,
            ..AlarmStatusWidget::new("Alarms", alarms)
        }
        .into()],
        vec![
            graph(
                "API requests and errors",
                vec![
                    api_metric(config, "Count").with_statistic(sum),
                    api_metric(config, "4XXError").with_statistic(sum),
                    api_metric(config, "5XXError").with_statistic(sum),
                ],
            ),
            graph(
                "API latency (p50, p99)",
                vec![
                    api_metric(config, "Latency").with_statistic(Statistic::Percentile(50.0)),
                    api_metric(config, "Latency").with_statistic(Statistic::Percentile(99.0)),
                    api_metric(config, "IntegrationLatency")
                        .with_statistic(Statistic::Percentile(99.0)),
                ],
            ),
            graph(
                "API cache",
                vec![
                    api_metric(config, "CacheHitCount").with_statistic(sum),
                    api_metric(config, "CacheMissCount").with_statistic(sum),
                ],
            ),
        ],
        vec![
            graph("Function invocations", per_function("Invocations", sum)),
            graph("Function errors", per_function("Errors", sum)),
            graph(
                "Function duration (p99)",
                per_function("Duration", Statistic::Percentile(99.0)),
            ),
        ],
        vec![
            graph(
                "Concurrent executions",
                vec![Metric::new("AWS/Lambda", "ConcurrentExecutions")
                    .with_statistic(Statistic::Maximum)],
            ),
            graph(
                "Table capacity",
                vec![
                    storage.ideas.metric_consumed_read_capacity(),
                    storage.ideas.metric_consumed_write_capacity(),
                    storage.profiles.metric_consumed_read_capacity(),
                    storage.profiles.metric_consumed_write_capacity(),
                ],
            ),
            graph(
                "Table throttling",
                vec![
                    storage.ideas.metric_read_throttle_events(),
                    storage.ideas.metric_write_throttle_events(),
                    storage.profiles.metric_read_throttle_events(),
                    storage.profiles.metric_write_throttle_events(),
                ],
            ),
        ],
        vec![
            graph(
                "Processing queue",
                vec![
                    queue_metric(&compute.jobs, "ApproximateNumberOfMessagesVisible")
                        .with_statistic(Statistic::Maximum),
                    queue_metric(&compute.jobs, "ApproximateAgeOfOldestMessage")
                        .with_statistic(Statistic::Maximum),
                ],
            ),
            graph(
                "Knowledge base",
                vec![
                    storage.search.domain.metric_cpu(),
                    storage.search.domain.metric_jvm_memory_pressure(),
                ],
            ),
            graph(
                "Knowledge base storage (MB free)",
                vec![storage.search.domain.metric_free_storage_space()],
            ),
        ],
    ];
    if config.monitoring.level >= MonitoringLevel::Full {
        let namespace = AppNamespace::new(NAMESPACE);
        rows.push(vec![
            graph(
                "Model invocations",
                MODELS
                    .iter()
                    .map(|m| model_metric(&m.profile_id(), "Invocations").with_statistic(sum))
                    .collect(),
            ),
            graph(
                "Model latency (p99)",
                MODELS
                    .iter()
                    .map(|m| {
                        model_metric(&m.profile_id(), "InvocationLatency")
                            .with_statistic(Statistic::Percentile(99.0))
                    })
                    .collect(),
            ),
            graph(
                "Ideas generated and application errors",
                vec![
                    namespace.metric("IdeasGenerated").with_statistic(sum),
                    namespace.metric("ApplicationErrors").with_statistic(sum),
                ],
            ),
        ]);
    }
    Dashboard::new(
        stack,
        "OperationsDashboard",
        DashboardProps {
            dashboard_name: Some(format!("{}-operations", config.prefix())),
            rows,
            start: Some("-PT6H".into()),
            ..Default::default()
        },
    )
}
