//! Seed sections "CloudWatch Configuration" and "Alarms Configuration" in
//! the `BirdObservability` stack: the three dashboards, the three critical
//! and three warning alarms, and the Route 53 health check of the API
//! (seed "Route 53 Health Checks": every 30 seconds, 3 failures).
//!
//! Two alarm actions need a stand-in (see the README): HighErrorRate's
//! "Auto Scaling" is a step scaling policy adding two conversation
//! manager tasks, and DatabaseConnectionFailure's "Restart RDS" is a
//! function that reboots the Aurora writer.

use std::time::Duration;

use strata::cfn::application_auto_scaling::{scaling_policy as sp, ScalingPolicy};
use strata::cfn::route53::{health_check as hc, HealthCheck};
use strata::cloudwatch::{
    Alarm, AlarmAction, AlarmProps, ComparisonOperator, Dashboard, DashboardProps, GraphWidget,
    LogQueryWidget, MathExpression, Metric, Statistic, TreatMissingData, Widget,
};
use strata::iam::PolicyStatement;
use strata::lambda::{Code, Function, FunctionProps, Runtime};
use strata::logs::Retention;
use strata::prelude::*;

use crate::balancer::HEALTH_PATH;
use crate::compute::{Compute, CLUSTER_NAME};
use crate::data::Data;
use crate::edge::Edge;
use crate::functions::Functions;
use crate::messaging::Messaging;
use crate::network::Network;
use crate::workflows::Workflows;

/// Seed "Threshold: > 5%" (HighErrorRate).
pub const ERROR_RATE_PERCENT: f64 = 5.0;
/// Seed "Threshold: > 10 seconds (P95)" (HighLatency), in milliseconds.
pub const LATENCY_P95_MS: f64 = 10_000.0;
/// Aurora has no FreeStorageSpace (its volume grows by itself); its
/// FreeLocalStorage (temporary tables and logs) is the closest metric.
/// A db.r6g.large has about twice its 16 GiB of memory as local storage,
/// so the seed's "< 20%" is 20 % of 32 GiB.
pub const FREE_LOCAL_STORAGE_BYTES: f64 = 0.2 * 32.0 * 1024.0 * 1024.0 * 1024.0;

/// Everything the alarms and dashboards look at.
pub struct Observed<'a> {
    /// The VPC and its flow log group.
    pub network: &'a Network,
    /// Aurora and the tables.
    pub data: &'a Data,
    /// Topics and queues.
    pub messaging: &'a Messaging,
    /// The ECS services.
    pub compute: &'a Compute,
    /// The load balancer.
    pub balancer: &'a crate::balancer::Balancer,
    /// The functions.
    pub functions: &'a Functions,
    /// The workflow.
    pub workflows: &'a Workflows,
    /// The API.
    pub edge: &'a Edge,
}

const MINUTE: Duration = Duration::from_secs(60);

fn ecs(metric: &str) -> Metric {
    Metric::new("AWS/ECS", metric)
        .with_dimension("ClusterName", CLUSTER_NAME)
        .with_statistic(Statistic::Average)
        .with_period(10 * MINUTE)
}

/// Builds the alarms, the dashboards and the health check.
pub fn build(stack: &Scope, o: &Observed) -> Vec<Alarm> {
    let critical = AlarmAction::from(&o.messaging.critical_alerts);
    let warning = AlarmAction::from(&o.messaging.warning_alerts);
    let api = &o.edge.api;
    let alarm = |id: &str, name: &str, description: &str, props: AlarmProps| {
        Alarm::new(
            stack,
            id,
            AlarmProps {
                alarm_name: Some(name.into()),
                description: Some(description.into()),
                ..props
            },
        )
    };
    let five = 5 * MINUTE;
    let error_rate = MathExpression::new("100 * (m4xx + m5xx) / MAX([count, 1])")
        .using("m4xx", api.metric_4xx().with_statistic(Statistic::Sum))
        .using("m5xx", api.metric_5xx().with_statistic(Statistic::Sum))
        .using("count", api.metric_count().with_statistic(Statistic::Sum))
        .with_label("API error rate (%)")
        .with_period(five);
    let high_error_rate = alarm(
        "HighErrorRate",
        "HighErrorRate",
        "API Gateway 4XX + 5XX above 5% of requests",
        AlarmProps {
            alarm_actions: vec![
                critical.clone(),
                AlarmAction::ScalingPolicy(scale_out_policy(stack, o.compute)),
            ],
            treat_missing_data: Some(TreatMissingData::NotBreaching),
            ..AlarmProps::new(
                error_rate,
                ComparisonOperator::GreaterThanThreshold,
                ERROR_RATE_PERCENT,
                2,
            )
        },
    );
    let high_latency = alarm(
        "HighLatency",
        "HighLatency",
        "API Gateway p95 latency above 10 seconds",
        AlarmProps {
            alarm_actions: vec![critical.clone()],
            ..AlarmProps::new(
                api.metric_latency()
                    .with_statistic(Statistic::Percentile(95.0))
                    .with_period(five),
                ComparisonOperator::GreaterThanThreshold,
                LATENCY_P95_MS,
                2,
            )
        },
    );
    let aurora = &o.data.aurora;
    let db_failure = alarm(
        "DatabaseConnectionFailure",
        "DatabaseConnectionFailure",
        "No connections to Aurora for 3 minutes",
        AlarmProps {
            alarm_actions: vec![
                critical.clone(),
                AlarmAction::Lambda(restart_writer(stack, o.data).function_arn()),
            ],
            ..AlarmProps::new(
                aurora.metric_database_connections().with_period(MINUTE),
                ComparisonOperator::LessThanThreshold,
                1.0,
                3,
            )
        },
    );
    let cpu = alarm(
        "HighCpuUtilization",
        "HighCPUUtilization",
        "ECS cluster CPU above 80%",
        AlarmProps {
            alarm_actions: vec![warning.clone()],
            ..AlarmProps::new(
                ecs("CPUUtilization"),
                ComparisonOperator::GreaterThanThreshold,
                80.0,
                2,
            )
        },
    );
    let memory = alarm(
        "HighMemoryUtilization",
        "HighMemoryUtilization",
        "ECS cluster memory above 85%",
        AlarmProps {
            alarm_actions: vec![warning.clone()],
            ..AlarmProps::new(
                ecs("MemoryUtilization"),
                ComparisonOperator::GreaterThanThreshold,
                85.0,
                2,
            )
        },
    );
    let disk = alarm(
        "DiskSpaceUsage",
        "DiskSpaceUsage",
        "Aurora free local storage below 20%",
        AlarmProps {
            alarm_actions: vec![warning],
            ..AlarmProps::new(
                aurora
                    .metric_free_local_storage()
                    .with_statistic(Statistic::Minimum)
                    .with_period(five),
                ComparisonOperator::LessThanThreshold,
                FREE_LOCAL_STORAGE_BYTES,
                1,
            )
        },
    );
    dashboards(stack, o);
    health_check(stack, o.edge);
    vec![high_error_rate, high_latency, db_failure, cpu, memory, disk]
}

/// A step scaling policy adding two conversation manager tasks, the
/// action of HighErrorRate's "Auto Scaling".
fn scale_out_policy(stack: &Scope, compute: &Compute) -> Value<String> {
    let step = sp::StepAdjustment {
        metric_interval_lower_bound: Some(0.0.into()),
        ..sp::StepAdjustment::new(2)
    };
    stack
        .resource(
            "ErrorRateScaleOut",
            ScalingPolicy {
                scaling_target_id: Some(compute.conversation_manager_scaling.clone()),
                step_scaling_policy_configuration: Some(
                    sp::StepScalingPolicyConfiguration {
                        adjustment_type: Some("ChangeInCapacity".into()),
                        cooldown: Some(300.into()),
                        metric_aggregation_type: Some("Maximum".into()),
                        step_adjustments: Some(Value::list([step])),
                        ..Default::default()
                    }
                    .into(),
                ),
                ..ScalingPolicy::new("conversation-manager-error-rate-scale-out", "StepScaling")
            },
        )
        .ref_()
}

/// The function behind DatabaseConnectionFailure's "Restart RDS":
/// reboots the Aurora writer when the alarm fires.
fn restart_writer(stack: &Scope, data: &Data) -> Function {
    let writer = data.aurora.writer().ref_();
    let function = Function::new(
        stack,
        "RestartDatabase",
        FunctionProps {
            function_name: Some("bird-agent-restart-database".into()),
            description: Some("Reboots the Aurora writer on DatabaseConnectionFailure".into()),
            timeout: MINUTE,
            log_retention: Retention::Days(30),
            environment: [("DB_INSTANCE".to_string(), writer.clone())].into(),
            ..FunctionProps::new(
                Runtime::PYTHON_3_11,
                "index.handler",
                Code::inline(RESTART_SOURCE),
            )
        },
    );
    function.add_to_role_policy(
        PolicyStatement::allow()
            .action("rds:RebootDBInstance")
            .resource(Fn::sub_with(
                "arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:db:${Writer}",
                [("Writer", writer)],
            )),
    );
    function
}

const RESTART_SOURCE: &str = r#"import os

import boto3

rds = boto3.client("rds")


def handler(event, context):
    state = event.get("alarmData", {}).get("state", {}).get("value")
    if state != "ALARM":
        return {"rebooted": False}
    rds.reboot_db_instance(DBInstanceIdentifier=os.environ["DB_INSTANCE"])
    return {"rebooted": True}
"#;

/// Seed "Route 53 Health Checks": HTTPS on the API's `/health` every 30
/// seconds, unhealthy after 3 consecutive failures.
fn health_check(stack: &Scope, edge: &Edge) {
    let host = Fn::sub_with(
        "${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}",
        [("Api", edge.api.rest_api_id())],
    );
    let path = edge
        .api
        .stage_name()
        .map(|stage| Fn::sub_with(&format!("/${{Stage}}{HEALTH_PATH}"), [("Stage", stage)]))
        .unwrap_or_else(|| HEALTH_PATH.into());
    stack.resource(
        "ApiHealthCheck",
        HealthCheck::new(hc::HealthCheckConfig {
            fully_qualified_domain_name: Some(host),
            resource_path: Some(path),
            port: Some(443.into()),
            request_interval: Some(30.into()),
            failure_threshold: Some(3.into()),
            enable_sni: Some(true.into()),
            ..hc::HealthCheckConfig::new("HTTPS")
        }),
    );
}

/// Seed "Dashboards": BirdAgent-Overview, BirdAgent-Performance and
/// BirdAgent-Infrastructure with the widgets the seed lists.
fn dashboards(stack: &Scope, o: &Observed) {
    let api = &o.edge.api;
    let alb = &o.balancer.alb;
    let services = [
        &o.compute.conversation_manager,
        &o.compute.multimodal_processor,
    ];
    let functions: Vec<&Function> = std::iter::once(&o.functions.event_processor)
        .chain(std::iter::once(&o.functions.multimodal_analysis))
        .collect();
    let aurora = &o.data.aurora;
    let graph = |title: &str, metrics: Vec<Metric>| Widget::from(GraphWidget::new(title, metrics));
    let overview = vec![
        vec![
            graph(
                "API Gateway request count and latency",
                vec![api.metric_count(), api.metric_latency()],
            ),
            graph(
                "ECS service CPU and memory utilization",
                services
                    .iter()
                    .flat_map(|s| [s.metric_cpu(), s.metric_memory()])
                    .collect(),
            ),
        ],
        vec![
            graph(
                "Lambda function invocations and errors",
                functions
                    .iter()
                    .flat_map(|f| [f.metric_invocations(), f.metric_errors()])
                    .collect(),
            ),
            graph(
                "Database connections and query performance",
                vec![
                    aurora.metric_database_connections(),
                    aurora.metric_cpu(),
                    aurora.metric("CommitLatency"),
                ],
            ),
        ],
    ];
    let performance = vec![
        vec![
            graph(
                "Response time percentiles",
                [50.0, 90.0, 95.0, 99.0]
                    .iter()
                    .map(|p| {
                        api.metric_latency()
                            .with_statistic(Statistic::Percentile(*p))
                    })
                    .collect(),
            ),
            graph(
                "Throughput metrics",
                vec![
                    api.metric_count().with_statistic(Statistic::Sum),
                    alb.metric_request_count(),
                    o.messaging.message_processing.metric_messages_sent(),
                ],
            ),
        ],
        vec![
            graph(
                "Error rates by service",
                vec![
                    api.metric_5xx(),
                    alb.metric_target_5xx(),
                    o.functions.event_processor.metric_errors(),
                    o.functions.multimodal_analysis.metric_errors(),
                    o.workflows.state_machine.metric_failed(),
                ],
            ),
            graph(
                "Cost analysis (estimated charges, USD)",
                vec![Metric::new("AWS/Billing", "EstimatedCharges")
                    .with_dimension("Currency", "USD")
                    .with_statistic(Statistic::Maximum)
                    .with_period(Duration::from_secs(6 * 3600))],
            ),
        ],
    ];
    let nat_bandwidth = o
        .network
        .vpc
        .nat_gateways()
        .iter()
        .map(|nat| {
            Metric::new("AWS/NATGateway", "BytesOutToDestination")
                .with_dimension("NatGatewayId", nat.ref_())
                .with_statistic(Statistic::Sum)
        })
        .collect();
    let mut flow_logs = LogQueryWidget::new(
        "VPC flow logs summary",
        vec![o.network.flow_log_group_name.clone()],
        &[
            "stats sum(bytes) as bytes, count(*) as flows by action, dstPort",
            "sort bytes desc",
            "limit 20",
        ],
    );
    flow_logs.width = 12;
    let infrastructure = vec![
        vec![
            Widget::from(flow_logs),
            graph("NAT Gateway bandwidth", nat_bandwidth),
        ],
        vec![
            graph(
                "Load balancer metrics",
                vec![
                    alb.metric_request_count(),
                    alb.metric_target_response_time(),
                    alb.metric_elb_5xx(),
                    alb.metric_rejected_connections(),
                ],
            ),
            graph(
                "Auto scaling activities (running tasks)",
                services
                    .iter()
                    .map(|s| {
                        Metric::new("ECS/ContainerInsights", "RunningTaskCount")
                            .with_dimension("ClusterName", CLUSTER_NAME)
                            .with_dimension("ServiceName", s.service_name())
                    })
                    .collect(),
            ),
        ],
    ];
    for (id, name, rows) in [
        ("OverviewDashboard", "BirdAgent-Overview", overview),
        ("PerformanceDashboard", "BirdAgent-Performance", performance),
        (
            "InfrastructureDashboard",
            "BirdAgent-Infrastructure",
            infrastructure,
        ),
    ] {
        Dashboard::new(
            stack,
            id,
            DashboardProps {
                dashboard_name: Some(name.into()),
                rows,
                ..Default::default()
            },
        );
    }
}
