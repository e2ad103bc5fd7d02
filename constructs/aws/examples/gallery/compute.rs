//! The container family: ECS on Fargate behind an Application Load Balancer.

use super::stack;
use std::time::Duration;
use strata::ec2::{AgentVpc, AgentVpcProps, Peer, Port, SecurityGroup, SecurityGroupProps};
use strata::ecs::{
    CapacityProvider, CapacityProviderStrategy, Cluster, ClusterProps, ContainerHealthCheck,
    ContainerImage, ContainerProps, ContainerSecret, CustomMetric, FargateService,
    FargateServiceProps, FargateTaskDefinition, FargateTaskDefinitionProps, LoadBalancerTarget,
    LogDriver, PortMapping, PropagateTags, RuntimePlatform, TargetTracking,
};
use strata::elbv2::{
    AccessLogs, ApplicationListenerProps, ApplicationLoadBalancer, ApplicationLoadBalancerProps,
    ApplicationTargetGroup, HealthCheck, ListenerAction, ListenerCondition, ListenerRuleProps,
    LoadBalancingAlgorithm, TargetGroupProps,
};
use strata::logs::{LogGroup, LogGroupProps, Retention};
use strata::prelude::*;
use strata::s3::{Bucket, BucketProps};
use strata::secrets::{Secret, SecretProps};

/// ECS on Fargate behind an internal Application Load Balancer.
pub fn compute(app: &App) {
    let s = stack(app, "Compute");
    let vpc = AgentVpc::new(&s, "Vpc", AgentVpcProps::spaced_three_tier());
    let private_app = vpc.subnet_ids("private-app").unwrap_or_default();
    let group = |id: &str| {
        SecurityGroup::new(
            &s,
            id,
            SecurityGroupProps {
                vpc_id: vpc.vpc_id(),
                description: Some(format!("{id} group")),
                allow_all_outbound: Some(false),
                ..Default::default()
            },
        )
    };
    let alb_sg = group("AlbSg");
    let tasks_sg = group("TasksSg");
    tasks_sg.allow_to(Peer::any_ipv4(), Port::tcp(443), "HTTPS to AWS APIs");

    let cluster = Cluster::new(
        &s,
        "Cluster",
        ClusterProps {
            cluster_name: Some("gallery-cluster".into()),
            default_capacity_provider_strategy: vec![
                CapacityProviderStrategy {
                    base: 1,
                    ..CapacityProviderStrategy::new(CapacityProvider::Fargate, 70)
                },
                CapacityProviderStrategy::new(CapacityProvider::FargateSpot, 30),
            ],
            ..ClusterProps::default()
        },
    );
    let logs = LogGroup::new(
        &s,
        "ServiceLogs",
        LogGroupProps {
            log_group_name: Some("/aws/ecs/gallery-cluster".into()),
            retention: Retention::Days(30),
            ..Default::default()
        },
    );
    let database = Secret::new(&s, "DatabaseSecret", SecretProps::default());

    let api_task = FargateTaskDefinition::new(
        &s,
        "ApiTask",
        FargateTaskDefinitionProps {
            runtime_platform: Some(RuntimePlatform::linux_arm64()),
            ephemeral_storage_gib: Some(30),
            ..FargateTaskDefinitionProps::new(1024, 2048)
        },
    );
    api_task.add_container(
        "api",
        ContainerProps {
            port_mappings: vec![PortMapping::tcp(8080), PortMapping::tcp(8081)],
            environment: vec![("AGENT_MODE".into(), "conversation".into())],
            secrets: vec![
                (
                    "DB_PASSWORD".into(),
                    ContainerSecret::secrets_manager_json(&database, "password"),
                ),
                (
                    "API_URL".into(),
                    ContainerSecret::ssm_parameter("/gallery/api-url"),
                ),
            ],
            health_check: Some(ContainerHealthCheck {
                start_period: Some(Duration::from_secs(30)),
                ..ContainerHealthCheck::shell("curl -f http://localhost:8081/health || exit 1")
            }),
            logging: Some(LogDriver::AwsLogs {
                log_group: logs.clone(),
                stream_prefix: "api".into(),
                non_blocking: true,
            }),
            readonly_root_filesystem: true,
            stop_timeout: Some(Duration::from_secs(30)),
            ..ContainerProps::new(ContainerImage::ecr("gallery-api", "1.0.0"))
        },
    );
    let worker_task = FargateTaskDefinition::new(
        &s,
        "WorkerTask",
        FargateTaskDefinitionProps::new(2048, 4096),
    );
    worker_task.add_container(
        "worker",
        ContainerProps {
            port_mappings: vec![PortMapping::tcp(8080)],
            logging: Some(LogDriver::aws_logs(&logs, "worker")),
            ..ContainerProps::new(ContainerImage::ecr("gallery-worker", "1.0.0"))
        },
    );

    let target_group = |id: &str, port: u32, path: &str| {
        ApplicationTargetGroup::new(
            &s,
            id,
            TargetGroupProps {
                health_check: HealthCheck {
                    path: path.into(),
                    healthy_threshold: 2,
                    unhealthy_threshold: 3,
                    ..HealthCheck::default()
                },
                deregistration_delay: Some(Duration::from_secs(30)),
                ..TargetGroupProps::new(vpc.vpc_id(), port)
            },
        )
    };
    let api_tg = ApplicationTargetGroup::new(
        &s,
        "ApiTg",
        TargetGroupProps {
            stickiness_cookie_duration: Some(Duration::from_secs(3600)),
            load_balancing_algorithm: Some(LoadBalancingAlgorithm::LeastOutstandingRequests),
            health_check: HealthCheck {
                path: "/health".into(),
                port: Some(8081),
                healthy_threshold: 2,
                unhealthy_threshold: 3,
                ..HealthCheck::default()
            },
            ..TargetGroupProps::new(vpc.vpc_id(), 8080)
        },
    );
    let worker_tg = target_group("WorkerTg", 8080, "/health");
    let metrics_tg = target_group("MetricsTg", 8081, "/metrics");

    let certificate = s.parameter(
        "CertificateArn",
        Parameter {
            description: Some("ACM certificate of the load balancer".into()),
            allowed_pattern: Some("^arn:aws[a-z-]*:acm:.*$".into()),
            ..Parameter::new("String")
        },
    );
    let access_logs = Bucket::new(&s, "AlbLogs", BucketProps::default());
    let alb = ApplicationLoadBalancer::new(
        &s,
        "Alb",
        ApplicationLoadBalancerProps {
            load_balancer_name: Some("gallery-alb".into()),
            idle_timeout: Some(Duration::from_secs(120)),
            access_logs: Some(AccessLogs {
                bucket: access_logs,
                prefix: "alb".into(),
            }),
            ..ApplicationLoadBalancerProps::new(private_app.clone(), &alb_sg)
        },
    );
    let https = alb.add_listener(
        "HttpsListener",
        ApplicationListenerProps {
            certificate_arn: Some(certificate.ref_()),
            ssl_policy: Some("ELBSecurityPolicy-TLS-1-2-2019-07".into()),
            allow_from: vec![Peer::ipv4(vpc.vpc_cidr_block())],
            ..ApplicationListenerProps::new(ListenerAction::forward(&api_tg))
        },
    );
    https.add_rule(
        "Worker",
        ListenerRuleProps::new(
            10,
            vec![ListenerCondition::path_patterns(["/multimodal/*"])],
            ListenerAction::forward(&worker_tg),
        ),
    );
    https.add_rule(
        "Metrics",
        ListenerRuleProps::new(
            20,
            vec![
                ListenerCondition::path_patterns(["/metrics"]),
                ListenerCondition::SourceIps(vec!["10.0.0.0/16".into()]),
            ],
            ListenerAction::forward(&metrics_tg),
        ),
    );
    https.add_rule(
        "Ping",
        ListenerRuleProps::new(
            30,
            vec![ListenerCondition::path_patterns(["/ping"])],
            ListenerAction::fixed_response(200, Some("pong")),
        ),
    );
    alb.add_redirect();

    let api = FargateService::new(
        &s,
        "Api",
        FargateServiceProps {
            service_name: Some("gallery-api".into()),
            desired_count: Some(3),
            propagate_tags: Some(PropagateTags::Service),
            enable_execute_command: true,
            load_balancer_targets: vec![
                LoadBalancerTarget::new(&api_tg, "api", 8080),
                LoadBalancerTarget::new(&metrics_tg, "api", 8081),
            ],
            ..FargateServiceProps::new(&cluster, &api_task, private_app.clone(), &[&tasks_sg])
        },
    );
    let cooldowns = |target: f64| TargetTracking {
        scale_in_cooldown: Some(Duration::from_secs(900)),
        scale_out_cooldown: Some(Duration::from_secs(300)),
        ..TargetTracking::new(target)
    };
    let scaling = api.auto_scale_task_count(2, 20);
    scaling.scale_on_cpu_utilization("CpuScaling", cooldowns(70.0));
    scaling.scale_on_memory_utilization("MemoryScaling", cooldowns(80.0));
    scaling.scale_on_request_count("RequestScaling", &api_tg, cooldowns(1000.0));

    let worker = FargateService::new(
        &s,
        "Worker",
        FargateServiceProps {
            desired_count: Some(2),
            capacity_provider_strategy: Some(vec![CapacityProviderStrategy::new(
                CapacityProvider::FargateSpot,
                1,
            )]),
            load_balancer_targets: vec![LoadBalancerTarget::new(&worker_tg, "worker", 8080)],
            ..FargateServiceProps::new(&cluster, &worker_task, private_app, &[&tasks_sg])
        },
    );
    let scaling = worker.auto_scale_task_count(1, 10);
    scaling.scale_on_cpu_utilization("CpuScaling", TargetTracking::new(80.0));
    scaling.scale_to_track_custom_metric(
        "QueueDepthScaling",
        CustomMetric {
            dimensions: vec![("QueueName".into(), "gallery-jobs".into())],
            ..CustomMetric::new("AWS/SQS", "ApproximateNumberOfMessagesVisible")
        },
        TargetTracking::new(100.0),
    );
}
