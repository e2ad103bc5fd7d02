//! Seed 000's compute tier: the `bird-agent-cluster` on Fargate (70/30
//! FARGATE/FARGATE_SPOT), the conversation-manager and multimodal-processor
//! services with their sizes, counts and scaling, behind the internal
//! `bird-agent-alb` with its HTTPS rules and target groups.

use std::time::Duration;

use strata::ec2::{AgentVpc, AgentVpcProps, Peer, Port, SecurityGroup, SecurityGroupProps};
use strata::ecs::*;
use strata::elbv2::*;
use strata::logs::{LogGroup, LogGroupProps, Retention};
use strata::prelude::*;
use strata::secrets::{Secret, SecretProps};

/// The constructs of the seed's compute tier.
pub struct Seed {
    pub cluster: Cluster,
    pub conversation: FargateService,
    pub multimodal: FargateService,
    pub alb: ApplicationLoadBalancer,
    pub https: ApplicationListener,
    pub conversation_tg: ApplicationTargetGroup,
    pub multimodal_tg: ApplicationTargetGroup,
}

fn health(path: &str, timeout: u64, unhealthy: u32) -> HealthCheck {
    HealthCheck {
        path: path.into(),
        interval: Duration::from_secs(30),
        timeout: Duration::from_secs(timeout),
        healthy_threshold: 2,
        unhealthy_threshold: unhealthy,
        healthy_http_codes: "200".into(),
        ..HealthCheck::default()
    }
}

/// Builds the seed under `stack`.
pub fn seed_000(stack: &Scope) -> Seed {
    let vpc = AgentVpc::new(stack, "Vpc", AgentVpcProps::spaced_three_tier());
    let private_app = vpc.subnet_ids("private-app").expect("the tier exists");
    let alb_sg = SecurityGroup::new(
        stack,
        "AlbSg",
        SecurityGroupProps {
            vpc_id: vpc.vpc_id(),
            description: Some("Application Load Balancer".into()),
            allow_all_outbound: Some(false),
            ..Default::default()
        },
    );
    let ecs_sg = SecurityGroup::new(
        stack,
        "EcsSg",
        SecurityGroupProps {
            vpc_id: vpc.vpc_id(),
            description: Some("ECS services".into()),
            allow_all_outbound: Some(false),
            ..Default::default()
        },
    );
    ecs_sg.allow_to(Peer::any_ipv4(), Port::tcp(443), "HTTPS to AWS APIs");

    let cluster = Cluster::new(
        stack,
        "Cluster",
        ClusterProps {
            cluster_name: Some("bird-agent-cluster".into()),
            default_capacity_provider_strategy: vec![
                CapacityProviderStrategy::new(CapacityProvider::Fargate, 70),
                CapacityProviderStrategy::new(CapacityProvider::FargateSpot, 30),
            ],
            ..ClusterProps::default()
        },
    );
    let logs = LogGroup::new(
        stack,
        "ClusterLogs",
        LogGroupProps {
            log_group_name: Some("/aws/ecs/bird-agent-cluster".into()),
            retention: Retention::Days(30),
            ..Default::default()
        },
    );
    let database = Secret::new(stack, "DatabaseSecret", SecretProps::default());

    let conversation_task = FargateTaskDefinition::new(
        stack,
        "ConversationManagerTask",
        FargateTaskDefinitionProps::new(1024, 2048),
    );
    conversation_task.add_container(
        "conversation-manager",
        ContainerProps {
            port_mappings: vec![PortMapping::tcp(8080), PortMapping::tcp(8081)],
            environment: vec![("AGENT_MODE".into(), "conversation".into())],
            secrets: vec![(
                "DB_PASSWORD".into(),
                ContainerSecret::secrets_manager_json(&database, "password"),
            )],
            health_check: Some(ContainerHealthCheck::shell(
                "curl -f http://localhost:8081/health || exit 1",
            )),
            logging: Some(LogDriver::aws_logs(&logs, "conversation-manager")),
            ..ContainerProps::new(ContainerImage::ecr("conversation-manager", "latest"))
        },
    );
    let multimodal_task = FargateTaskDefinition::new(
        stack,
        "MultimodalProcessorTask",
        FargateTaskDefinitionProps::new(2048, 4096),
    );
    multimodal_task.add_container(
        "multimodal-processor",
        ContainerProps {
            port_mappings: vec![PortMapping::tcp(8080)],
            logging: Some(LogDriver::aws_logs(&logs, "multimodal-processor")),
            ..ContainerProps::new(ContainerImage::ecr("multimodal-processor", "latest"))
        },
    );

    let target_group = |id: &str, name: &str, port: u32, hc: HealthCheck, delay: u64| {
        ApplicationTargetGroup::new(
            stack,
            id,
            TargetGroupProps {
                target_group_name: Some(name.into()),
                health_check: hc,
                deregistration_delay: Some(Duration::from_secs(delay)),
                ..TargetGroupProps::new(vpc.vpc_id(), port)
            },
        )
    };
    let conversation_tg = target_group(
        "ConversationManagerTg",
        "conversation-manager-tg",
        8080,
        health("/health", 5, 3),
        30,
    );
    let multimodal_tg = target_group(
        "MultimodalProcessorTg",
        "multimodal-processor-tg",
        8080,
        health("/health", 10, 2),
        60,
    );
    let health_tg = target_group(
        "HealthCheckTg",
        "health-check-tg",
        8081,
        health("/health", 5, 3),
        30,
    );
    let metrics_tg = target_group(
        "MetricsTg",
        "metrics-tg",
        8080,
        health("/metrics", 5, 3),
        30,
    );

    let certificate = stack.parameter(
        "CertificateArn",
        Parameter {
            description: Some("ACM certificate of the internal load balancer".into()),
            ..Parameter::new("String")
        },
    );
    let alb = ApplicationLoadBalancer::new(
        stack,
        "Alb",
        ApplicationLoadBalancerProps {
            load_balancer_name: Some("bird-agent-alb".into()),
            ..ApplicationLoadBalancerProps::new(private_app.clone(), &alb_sg)
        },
    );
    let https = alb.add_listener(
        "HttpsListener",
        ApplicationListenerProps {
            certificate_arn: Some(certificate.ref_()),
            ssl_policy: Some("ELBSecurityPolicy-TLS-1-2-2019-07".into()),
            ..ApplicationListenerProps::new(ListenerAction::forward(&conversation_tg))
        },
    );
    for (id, priority, path, group) in [
        ("Multimodal", 10, "/multimodal/*", &multimodal_tg),
        ("Health", 20, "/health", &health_tg),
        ("Metrics", 30, "/metrics", &metrics_tg),
    ] {
        https.add_rule(
            id,
            ListenerRuleProps::new(
                priority,
                vec![ListenerCondition::path_patterns([path])],
                ListenerAction::forward(group),
            ),
        );
    }
    alb.add_redirect();

    let conversation = FargateService::new(
        stack,
        "ConversationManager",
        FargateServiceProps {
            service_name: Some("conversation-manager".into()),
            desired_count: Some(3),
            load_balancer_targets: vec![
                LoadBalancerTarget::new(&conversation_tg, "conversation-manager", 8080),
                LoadBalancerTarget::new(&health_tg, "conversation-manager", 8081),
                LoadBalancerTarget::new(&metrics_tg, "conversation-manager", 8080),
            ],
            ..FargateServiceProps::new(
                &cluster,
                &conversation_task,
                private_app.clone(),
                &[&ecs_sg],
            )
        },
    );
    let scaling = conversation.auto_scale_task_count(2, 20);
    let cooldowns = |target: f64| TargetTracking {
        scale_in_cooldown: Some(Duration::from_secs(900)),
        scale_out_cooldown: Some(Duration::from_secs(300)),
        ..TargetTracking::new(target)
    };
    scaling.scale_on_cpu_utilization("CpuScaling", cooldowns(70.0));
    scaling.scale_on_memory_utilization("MemoryScaling", cooldowns(80.0));

    let multimodal = FargateService::new(
        stack,
        "MultimodalProcessor",
        FargateServiceProps {
            service_name: Some("multimodal-processor".into()),
            desired_count: Some(2),
            load_balancer_targets: vec![LoadBalancerTarget::new(
                &multimodal_tg,
                "multimodal-processor",
                8080,
            )],
            ..FargateServiceProps::new(&cluster, &multimodal_task, private_app, &[&ecs_sg])
        },
    );
    let scaling = multimodal.auto_scale_task_count(1, 10);
    scaling.scale_on_cpu_utilization("CpuScaling", TargetTracking::new(80.0));
    scaling.scale_on_memory_utilization("MemoryScaling", TargetTracking::new(85.0));
    scaling.scale_to_track_custom_metric(
        "QueueDepthScaling",
        CustomMetric {
            dimensions: vec![("QueueName".into(), "multimodal-processing-queue".into())],
            statistic: Statistic::Average,
            ..CustomMetric::new("AWS/SQS", "ApproximateNumberOfMessagesVisible")
        },
        TargetTracking {
            scale_in_cooldown: Some(Duration::from_secs(300)),
            scale_out_cooldown: Some(Duration::from_secs(60)),
            ..TargetTracking::new(100.0)
        },
    );
    Seed {
        cluster,
        conversation,
        multimodal,
        alb,
        https,
        conversation_tg,
        multimodal_tg,
    }
}
