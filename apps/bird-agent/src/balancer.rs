//! Seed section "Application Load Balancer": the internal `bird-agent-alb`
//! in the private app subnets behind the ALB security group, its HTTPS
//! listener (the ACM certificate from the `CertificateArn` parameter, TLS
//! policy `ELBSecurityPolicy-TLS-1-2-2019-07`) with the seed's path rules,
//! a port-80 listener redirecting to 443, and the four target groups.
//!
//! The seed routes `/health` and `/metrics` to `health-check-tg` and
//! `metrics-tg` without defining them: they are the conversation manager's
//! management port 8081 (the port the ECS group opens to the ALB "for
//! health checks"), which also answers the other groups' health checks.

use std::time::Duration;

use strata::elbv2::{
    ApplicationListener, ApplicationListenerProps, ApplicationLoadBalancer,
    ApplicationLoadBalancerProps, ApplicationTargetGroup, HealthCheck, ListenerAction,
    ListenerCondition, ListenerRuleProps, TargetGroupProps, TargetType,
};
use strata::prelude::*;

use crate::network::Network;

/// The containers' traffic port (seed "Port 8080 from ALB SG").
pub const TRAFFIC_PORT: u16 = 8080;
/// The containers' management port for health checks and metrics (seed
/// "Port 8081 from ALB SG (health checks)").
pub const MANAGEMENT_PORT: u16 = 8081;
/// The seed's health check path.
pub const HEALTH_PATH: &str = "/health";
/// The seed's TLS policy.
pub const SSL_POLICY: &str = "ELBSecurityPolicy-TLS-1-2-2019-07";

/// The load balancer, its HTTPS listener and target groups.
#[derive(Clone)]
pub struct Balancer {
    /// `bird-agent-alb`.
    pub alb: ApplicationLoadBalancer,
    /// The HTTPS listener on 443.
    pub https: ApplicationListener,
    /// `conversation-manager-tg` (the listener's default).
    pub conversation_manager: ApplicationTargetGroup,
    /// `multimodal-processor-tg` (`/multimodal/*`).
    pub multimodal_processor: ApplicationTargetGroup,
    /// `health-check-tg` (`/health`).
    pub health: ApplicationTargetGroup,
    /// `metrics-tg` (`/metrics`).
    pub metrics: ApplicationTargetGroup,
}

/// A target group of IP targets (Fargate tasks) on `port`.
fn group(
    stack: &Scope,
    id: &str,
    name: &str,
    network: &Network,
    port: u16,
    health_check: HealthCheck,
    deregistration: u64,
) -> ApplicationTargetGroup {
    ApplicationTargetGroup::new(
        stack,
        id,
        TargetGroupProps {
            target_group_name: Some(name.into()),
            target_type: TargetType::Ip,
            health_check,
            deregistration_delay: Some(Duration::from_secs(deregistration)),
            // "Stickiness: Disabled".
            stickiness_cookie_duration: None,
            ..TargetGroupProps::new(network.vpc.vpc_id(), u32::from(port))
        },
    )
}

/// The seed's health check on the management port.
fn health_check(timeout: u64, unhealthy: u32) -> HealthCheck {
    HealthCheck {
        path: HEALTH_PATH.into(),
        port: Some(MANAGEMENT_PORT),
        interval: Duration::from_secs(30),
        timeout: Duration::from_secs(timeout),
        healthy_threshold: 2,
        unhealthy_threshold: unhealthy,
        healthy_http_codes: "200".into(),
        ..Default::default()
    }
}

/// Builds the load balancer in `stack`.
pub fn build(stack: &Scope, network: &Network) -> Balancer {
    let certificate = stack.parameter(
        "CertificateArn",
        Parameter {
            description: Some(
                "ARN of the ACM certificate of the internal load balancer's HTTPS listener".into(),
            ),
            allowed_pattern: Some(r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/.+$".into()),
            constraint_description: Some("an ACM certificate ARN".into()),
            ..Parameter::new("String")
        },
    );
    let subnets = network.vpc.subnet_ids("private-app").unwrap_or_default();
    let alb = ApplicationLoadBalancer::new(
        stack,
        "Alb",
        ApplicationLoadBalancerProps {
            load_balancer_name: Some("bird-agent-alb".into()),
            ..ApplicationLoadBalancerProps::new(subnets, &network.groups.alb)
        },
    );
    // conversation-manager-tg: "Timeout: 5 seconds", "Unhealthy Threshold:
    // 3", "Deregistration Delay: 30 seconds".
    let conversation_manager = group(
        stack,
        "ConversationManagerTg",
        "conversation-manager-tg",
        network,
        TRAFFIC_PORT,
        health_check(5, 3),
        30,
    );
    // multimodal-processor-tg: "Timeout: 10 seconds", "Unhealthy
    // Threshold: 2", "Deregistration Delay: 60 seconds".
    let multimodal_processor = group(
        stack,
        "MultimodalProcessorTg",
        "multimodal-processor-tg",
        network,
        TRAFFIC_PORT,
        health_check(10, 2),
        60,
    );
    let management = |id: &str, name: &str| {
        group(
            stack,
            id,
            name,
            network,
            MANAGEMENT_PORT,
            HealthCheck {
                port: None,
                ..health_check(5, 3)
            },
            30,
        )
    };
    let health = management("HealthCheckTg", "health-check-tg");
    let metrics = management("MetricsTg", "metrics-tg");
    let https = alb.add_listener(
        "Https",
        ApplicationListenerProps {
            certificate_arn: Some(certificate.ref_()),
            ssl_policy: Some(SSL_POLICY.into()),
            ..ApplicationListenerProps::new(ListenerAction::forward(&conversation_manager))
        },
    );
    for (id, priority, path, target) in [
        ("Multimodal", 10, "/multimodal/*", &multimodal_processor),
        ("Health", 20, HEALTH_PATH, &health),
        ("Metrics", 30, "/metrics", &metrics),
    ] {
        https.add_rule(
            id,
            ListenerRuleProps::new(
                priority,
                vec![ListenerCondition::path_patterns([path])],
                ListenerAction::forward(target),
            ),
        );
    }
    // The API Gateway group's "Port 80 (HTTP) … (redirect to 443)".
    alb.add_redirect();
    Balancer {
        alb,
        https,
        conversation_manager,
        multimodal_processor,
        health,
        metrics,
    }
}
