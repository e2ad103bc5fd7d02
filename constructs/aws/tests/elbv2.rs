//! Application Load Balancers: attributes and access logs, HTTPS and
//! redirect listeners, rules, target groups, the wiring to ECS services,
//! and the errors synth reports for each.

use std::time::Duration;

use serde_json::{json, Value as Json};
use strata::ec2::{Peer, SecurityGroup, SecurityGroupProps};
use strata::ecs::*;
use strata::elbv2::*;
use strata::prelude::*;
use strata::s3::{Bucket, BucketProps};
use strata::{Raw, ToRaw};

fn template(app: &App) -> Json {
    app.synth().expect("the app synthesizes").stacks[0]
        .template
        .json()
        .clone()
}

fn synth_error(app: &App) -> String {
    app.synth().expect_err("synth must fail").to_string()
}

fn resource<'a>(t: &'a Json, path: &[&str]) -> &'a Json {
    let id = strata::logical_id(path);
    let r = &t["Resources"][id.as_str()];
    assert!(!r.is_null(), "no resource {id} at {path:?}");
    r
}

fn in_region(app: &App) -> Scope {
    app.stack(
        "Web",
        StackProps {
            env: Environment::new("123456789012", "us-east-1"),
            ..Default::default()
        },
    )
}

fn group(stack: &Scope, id: &str) -> SecurityGroup {
    SecurityGroup::new(
        stack,
        id,
        SecurityGroupProps {
            vpc_id: "vpc-0123456789abcdef0".into(),
            allow_all_outbound: Some(false),
            ..Default::default()
        },
    )
}

fn subnets() -> Vec<Value<String>> {
    vec![
        "subnet-0aaaaaaaaaaaaaaa1".into(),
        "subnet-0aaaaaaaaaaaaaaa2".into(),
    ]
}

fn alb(stack: &Scope, sg: &SecurityGroup) -> ApplicationLoadBalancer {
    ApplicationLoadBalancer::new(
        stack,
        "Alb",
        ApplicationLoadBalancerProps::new(subnets(), sg),
    )
}

fn certificate() -> Option<Value<String>> {
    Some("arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d".into())
}

#[test]
fn an_internet_facing_load_balancer_logs_to_a_bucket_whose_policy_it_waits_for() {
    let app = App::new();
    let stack = in_region(&app);
    let sg = group(&stack, "AlbSg");
    let logs = Bucket::new(&stack, "Logs", BucketProps::default());
    let alb = ApplicationLoadBalancer::new(
        &stack,
        "Alb",
        ApplicationLoadBalancerProps {
            internet_facing: true,
            deletion_protection: true,
            idle_timeout: Some(Duration::from_secs(120)),
            http2_enabled: Some(false),
            ip_address_type: Some(IpAddressType::DualStack),
            access_logs: Some(AccessLogs {
                bucket: logs.clone(),
                prefix: "alb".into(),
            }),
            ..ApplicationLoadBalancerProps::new(subnets(), &sg)
        },
    );
    let t = template(&app);
    let lb = resource(&t, &["Alb", "Resource"]);
    let bucket = strata::logical_id(&["Logs", "Resource"]);
    assert_eq!(
        lb["Properties"],
        json!({
            "IpAddressType": "dualstack",
            "LoadBalancerAttributes": [
                {"Key": "deletion_protection.enabled", "Value": "true"},
                {"Key": "routing.http2.enabled", "Value": "false"},
                {"Key": "idle_timeout.timeout_seconds", "Value": "120"},
                {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
                {"Key": "access_logs.s3.enabled", "Value": "true"},
                {"Key": "access_logs.s3.bucket", "Value": {"Ref": bucket}},
                {"Key": "access_logs.s3.prefix", "Value": "alb"}
            ],
            "Scheme": "internet-facing",
            "SecurityGroups": [{"Fn::GetAtt": [strata::logical_id(&["AlbSg", "Resource"]), "GroupId"]}],
            "Subnets": ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
            "Type": "application"
        })
    );
    let policy_id = strata::logical_id(&["Logs", "Policy", "Resource"]);
    assert_eq!(lb["DependsOn"], json!([policy_id]));
    let statements =
        &resource(&t, &["Logs", "Policy", "Resource"])["Properties"]["PolicyDocument"]["Statement"];
    let objects = json!({"Fn::Sub": ["${Arn}/alb/AWSLogs/123456789012/*", {"Arn": {"Fn::GetAtt": [bucket, "Arn"]}}]});
    // After the bucket's own TLS-only statement: the us-east-1 load
    // balancing account, then the log delivery service.
    assert_eq!(
        statements[1],
        json!({
            "Action": "s3:PutObject",
            "Effect": "Allow",
            "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::127311923021:root"}},
            "Resource": objects
        })
    );
    assert_eq!(
        statements[2],
        json!({
            "Action": "s3:PutObject",
            "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
            "Effect": "Allow",
            "Principal": {"Service": "delivery.logs.amazonaws.com"},
            "Resource": objects
        })
    );
    assert_eq!(statements[3]["Action"], "s3:GetBucketAcl");
    assert_eq!(
        alb.load_balancer_full_name().to_raw(),
        Raw::get_att(alb.resource().target(), "LoadBalancerFullName")
    );
}

#[test]
fn regions_opened_after_2022_deliver_logs_through_the_service_principal() {
    let app = App::new();
    let stack = app.stack(
        "Web",
        StackProps {
            env: Environment::new("123456789012", "ap-southeast-5"),
            ..Default::default()
        },
    );
    let sg = group(&stack, "AlbSg");
    let logs = Bucket::new(&stack, "Logs", BucketProps::default());
    ApplicationLoadBalancer::new(
        &stack,
        "Alb",
        ApplicationLoadBalancerProps {
            access_logs: Some(AccessLogs {
                bucket: logs,
                prefix: String::new(),
            }),
            ..ApplicationLoadBalancerProps::new(subnets(), &sg)
        },
    );
    let t = template(&app);
    let statement = &resource(&t, &["Logs", "Policy", "Resource"])["Properties"]["PolicyDocument"]
        ["Statement"][1];
    assert_eq!(
        statement["Principal"],
        json!({"Service": "logdelivery.elasticloadbalancing.amazonaws.com"})
    );
    assert_eq!(
        statement["Resource"]["Fn::Sub"][0],
        "${Arn}/AWSLogs/123456789012/*"
    );
}

#[test]
fn listeners_render_certificates_default_policy_rules_and_fixed_responses() {
    let app = App::new();
    let stack = in_region(&app);
    let sg = group(&stack, "AlbSg");
    let lb = alb(&stack, &sg);
    let api = ApplicationTargetGroup::new(&stack, "Api", TargetGroupProps::new("vpc-1", 8080));
    let https = lb.add_listener(
        "Https",
        ApplicationListenerProps {
            certificate_arn: certificate(),
            allow_from: vec![Peer::ipv4("10.0.0.0/16"), Peer::any_ipv4()],
            ..ApplicationListenerProps::new(ListenerAction::fixed_response(404, Some("no route")))
        },
    );
    https.add_rule(
        "Api",
        ListenerRuleProps::new(
            5,
            vec![
                ListenerCondition::host_headers(["api.example.com"]),
                ListenerCondition::path_patterns(["/v1/*", "/v2/*"]),
                ListenerCondition::HttpRequestMethods(vec!["POST".into()]),
            ],
            ListenerAction::forward(&api),
        ),
    );
    https.add_rule(
        "Legacy",
        ListenerRuleProps::new(
            6,
            vec![
                ListenerCondition::SourceIps(vec!["192.0.2.0/24".into()]),
                ListenerCondition::HttpHeader {
                    name: "X-Client".into(),
                    values: vec!["legacy".into()],
                },
                ListenerCondition::QueryStrings(vec![(Some("v".into()), "1".into())]),
            ],
            ListenerAction::Redirect(RedirectOptions {
                path: Some("/v1/#{path}".into()),
                ..RedirectOptions::default()
            }),
        ),
    );
    let t = template(&app);
    let listener = resource(&t, &["Alb", "Https", "Resource"]);
    assert_eq!(
        listener["Properties"],
        json!({
            "Certificates": [{"CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d"}],
            "DefaultActions": [{
                "FixedResponseConfig": {"ContentType": "text/plain", "MessageBody": "no route", "StatusCode": "404"},
                "Type": "fixed-response"
            }],
            "LoadBalancerArn": {"Ref": strata::logical_id(&["Alb", "Resource"])},
            "Port": 443,
            "Protocol": "HTTPS",
            "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06"
        })
    );
    let api_rule = resource(&t, &["Alb", "Https", "ApiRule", "Resource"]);
    assert_eq!(
        api_rule["Properties"]["Conditions"],
        json!([
            {"Field": "host-header", "HostHeaderConfig": {"Values": ["api.example.com"]}},
            {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/v1/*", "/v2/*"]}},
            {"Field": "http-request-method", "HttpRequestMethodConfig": {"Values": ["POST"]}}
        ])
    );
    assert_eq!(api_rule["Properties"]["Priority"], 5);
    let legacy = resource(&t, &["Alb", "Https", "LegacyRule", "Resource"]);
    assert_eq!(
        legacy["Properties"]["Conditions"],
        json!([
            {"Field": "source-ip", "SourceIpConfig": {"Values": ["192.0.2.0/24"]}},
            {"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": "X-Client", "Values": ["legacy"]}},
            {"Field": "query-string", "QueryStringConfig": {"Values": [{"Key": "v", "Value": "1"}]}}
        ])
    );
    assert_eq!(
        legacy["Properties"]["Actions"],
        json!([{"RedirectConfig": {"Path": "/v1/#{path}", "StatusCode": "HTTP_302"}, "Type": "redirect"}])
    );
    // The listener's port is open to the given peers on the LB's group.
    let sg = resource(&t, &["AlbSg", "Resource"]);
    assert_eq!(
        sg["Properties"]["SecurityGroupIngress"],
        json!([{
            "CidrIp": "10.0.0.0/16",
            "Description": "from 10.0.0.0/16:443",
            "FromPort": 443,
            "IpProtocol": "tcp",
            "ToPort": 443
        }, {
            "CidrIp": "0.0.0.0/0",
            "Description": "Allow from anyone on port 443",
            "FromPort": 443,
            "IpProtocol": "tcp",
            "ToPort": 443
        }])
    );
}

#[test]
fn target_groups_render_health_checks_stickiness_and_attributes() {
    let app = App::new();
    let stack = in_region(&app);
    ApplicationTargetGroup::new(
        &stack,
        "Sticky",
        TargetGroupProps {
            protocol: ApplicationProtocol::Https,
            protocol_version: Some(ProtocolVersion::Http2),
            health_check: HealthCheck {
                path: "/ready".into(),
                port: Some(8081),
                protocol: Some(ApplicationProtocol::Http),
                interval: Duration::from_secs(15),
                timeout: Duration::from_secs(10),
                healthy_threshold: 3,
                unhealthy_threshold: 4,
                healthy_http_codes: "200-299".into(),
            },
            deregistration_delay: Some(Duration::from_secs(45)),
            stickiness_cookie_duration: Some(Duration::from_secs(3600)),
            slow_start: Some(Duration::from_secs(60)),
            load_balancing_algorithm: Some(LoadBalancingAlgorithm::RoundRobin),
            ..TargetGroupProps::new("vpc-1", 8443)
        },
    );
    let t = template(&app);
    assert_eq!(
        resource(&t, &["Sticky", "Resource"])["Properties"],
        json!({
            "HealthCheckEnabled": true,
            "HealthCheckIntervalSeconds": 15,
            "HealthCheckPath": "/ready",
            "HealthCheckPort": "8081",
            "HealthCheckProtocol": "HTTP",
            "HealthCheckTimeoutSeconds": 10,
            "HealthyThresholdCount": 3,
            "Matcher": {"HttpCode": "200-299"},
            "Port": 8443,
            "Protocol": "HTTPS",
            "ProtocolVersion": "HTTP2",
            "TargetGroupAttributes": [
                {"Key": "deregistration_delay.timeout_seconds", "Value": "45"},
                {"Key": "slow_start.duration_seconds", "Value": "60"},
                {"Key": "stickiness.enabled", "Value": "true"},
                {"Key": "stickiness.type", "Value": "lb_cookie"},
                {"Key": "stickiness.lb_cookie.duration_seconds", "Value": "3600"},
                {"Key": "load_balancing.algorithm.type", "Value": "round_robin"}
            ],
            "TargetType": "ip",
            "UnhealthyThresholdCount": 4,
            "VpcId": "vpc-1"
        })
    );
}

/// A service registered in `tg` before or after the listener forwards to
/// it waits for the listener and is reachable from the load balancer.
fn service_and_listener(service_first: bool) -> Json {
    let app = App::new();
    let stack = in_region(&app);
    let alb_sg = group(&stack, "AlbSg");
    let tasks_sg = group(&stack, "TasksSg");
    let lb = alb(&stack, &alb_sg);
    let tg = ApplicationTargetGroup::new(&stack, "Tg", TargetGroupProps::new("vpc-1", 8080));
    let cluster = Cluster::new(&stack, "Cluster", ClusterProps::default());
    let task = FargateTaskDefinition::new(&stack, "Task", FargateTaskDefinitionProps::default());
    task.add_container(
        "web",
        ContainerProps {
            port_mappings: vec![PortMapping::tcp(8080)],
            ..ContainerProps::new(ContainerImage::registry("nginx:1.27"))
        },
    );
    let add_service = || {
        let service = FargateService::new(
            &stack,
            "Web",
            FargateServiceProps::new(&cluster, &task, subnets(), &[&tasks_sg]),
        );
        service.register_load_balancer_target(LoadBalancerTarget::new(&tg, "web", 8080));
        service
    };
    let add_listener = || {
        lb.add_listener(
            "Https",
            ApplicationListenerProps {
                certificate_arn: certificate(),
                ..ApplicationListenerProps::new(ListenerAction::forward(&tg))
            },
        )
    };
    if service_first {
        let service = add_service();
        add_listener();
        service.auto_scale_task_count(1, 4).scale_on_request_count(
            "Requests",
            &tg,
            TargetTracking::new(1000.0),
        );
    } else {
        add_listener();
        add_service();
    }
    template(&app)
}

#[test]
fn services_wait_for_the_listener_and_open_the_port_whichever_comes_first() {
    for service_first in [true, false] {
        let t = service_and_listener(service_first);
        let service = resource(&t, &["Web", "Service"]);
        assert!(
            service["DependsOn"]
                .as_array()
                .unwrap()
                .contains(&json!(strata::logical_id(&["Alb", "Https", "Resource"]))),
            "service first: {service_first}"
        );
        assert_eq!(service["Properties"]["HealthCheckGracePeriodSeconds"], 60);
        // Rules are named after the other group's unique id.
        let alb_sg = strata::logical_id(&["Web", "AlbSg"]);
        let tasks_sg = strata::logical_id(&["Web", "TasksSg"]);
        let ingress = resource(&t, &["TasksSg", &format!("from {alb_sg}:8080")]);
        assert_eq!(ingress["Properties"]["FromPort"], 8080);
        let egress = resource(&t, &["AlbSg", &format!("to {tasks_sg}:8080")]);
        assert_eq!(
            egress["Properties"]["Description"],
            "Load balancer to target"
        );
    }
    let t = service_and_listener(true);
    let requests = resource(&t, &["Web", "TaskCount", "Target", "Requests", "Resource"]);
    assert_eq!(
        requests["Properties"]["TargetTrackingScalingPolicyConfiguration"]
            ["PredefinedMetricSpecification"],
        json!({
            "PredefinedMetricType": "ALBRequestCountPerTarget",
            "ResourceLabel": {"Fn::Sub": ["${LoadBalancer}/${TargetGroup}", {
                "LoadBalancer": {"Fn::GetAtt": [strata::logical_id(&["Alb", "Resource"]), "LoadBalancerFullName"]},
                "TargetGroup": {"Fn::GetAtt": [strata::logical_id(&["Tg", "Resource"]), "TargetGroupFullName"]}
            }]}
        })
    );
}

#[test]
fn a_target_group_port_outside_1_to_65535_is_reported() {
    for port in [0, 70000] {
        let app = App::new();
        let stack = in_region(&app);
        ApplicationTargetGroup::new(&stack, "Tg", TargetGroupProps::new("vpc-1", port));
        let err = synth_error(&app);
        assert!(
            err.contains(&format!(
                "Web/Tg: [elbv2-target-group] port {port} is outside 1-65535; give the port the targets listen on"
            )),
            "{err}"
        );
    }
}

#[test]
fn a_health_check_timeout_not_below_its_interval_is_reported() {
    let app = App::new();
    let stack = in_region(&app);
    ApplicationTargetGroup::new(
        &stack,
        "Tg",
        TargetGroupProps {
            health_check: HealthCheck {
                interval: Duration::from_secs(10),
                timeout: Duration::from_secs(10),
                healthy_threshold: 1,
                healthy_http_codes: "200,600".into(),
                path: "health".into(),
                ..HealthCheck::default()
            },
            target_group_name: Some("-tg".into()),
            deregistration_delay: Some(Duration::from_secs(4000)),
            ..TargetGroupProps::new("vpc-1", 80)
        },
    );
    let err = synth_error(&app);
    for expected in [
        "Web/Tg: [elbv2-target-group] health check timeout 10 s must be less than the interval 10 s; shorten the timeout or lengthen the interval",
        "Web/Tg: [elbv2-target-group] healthy threshold 1 is out of range; use 2 to 10 consecutive checks",
        "Web/Tg: [elbv2-target-group] healthy HTTP codes \"200,600\" are invalid",
        "Web/Tg: [elbv2-target-group] health check path \"health\" must start with '/'",
        "Web/Tg: [elbv2-target-group] target group name \"-tg\" is invalid",
        "Web/Tg: [elbv2-target-group] deregistration delay of 4000s is out of range; use whole seconds from 0 to 3600",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in {err}");
    }
}

#[test]
fn two_rules_of_a_listener_with_the_same_priority_are_reported() {
    let app = App::new();
    let stack = in_region(&app);
    let sg = group(&stack, "AlbSg");
    let lb = alb(&stack, &sg);
    let https = lb.add_listener(
        "Https",
        ApplicationListenerProps {
            certificate_arn: certificate(),
            ..ApplicationListenerProps::new(ListenerAction::fixed_response(404, None))
        },
    );
    let rule = |id: &str, path: &str| {
        https.add_rule(
            id,
            ListenerRuleProps::new(
                10,
                vec![ListenerCondition::path_patterns([path])],
                ListenerAction::fixed_response(200, None),
            ),
        )
    };
    rule("Multimodal", "/multimodal/*");
    rule("Health", "/health");
    // Another listener may reuse the priority.
    let http = lb.add_listener(
        "Http",
        ApplicationListenerProps {
            protocol: ApplicationProtocol::Http,
            port: Some(8080),
            ..ApplicationListenerProps::new(ListenerAction::fixed_response(404, None))
        },
    );
    http.add_rule(
        "Health",
        ListenerRuleProps::new(
            10,
            vec![ListenerCondition::path_patterns(["/health"])],
            ListenerAction::fixed_response(200, None),
        ),
    );
    let err = synth_error(&app);
    assert!(
        err.contains("Web/Alb/Https/HealthRule: [elbv2-listener-rule] priority 10 is already used by rule \"Multimodal\" of this listener; give each rule its own priority"),
        "{err}"
    );
    assert_eq!(err.matches("already used").count(), 1, "{err}");
}

#[test]
fn listener_and_rule_problems_are_reported_at_their_paths() {
    let app = App::new();
    let stack = app.stack("Web", StackProps::default());
    let sg = group(&stack, "AlbSg");
    let logs = Bucket::new(&stack, "Logs", BucketProps::default());
    let lb = ApplicationLoadBalancer::new(
        &stack,
        "Alb",
        ApplicationLoadBalancerProps {
            load_balancer_name: Some("internal-alb".into()),
            idle_timeout: Some(Duration::from_secs(5000)),
            access_logs: Some(AccessLogs {
                bucket: logs,
                prefix: "/alb".into(),
            }),
            ..ApplicationLoadBalancerProps::new(vec!["subnet-1".into()], &sg)
        },
    );
    lb.add_listener(
        "Https",
        ApplicationListenerProps {
            ssl_policy: Some("TLS-1-2".into()),
            ..ApplicationListenerProps::new(ListenerAction::Redirect(RedirectOptions::default()))
        },
    );
    let http = lb.add_listener(
        "Http",
        ApplicationListenerProps {
            protocol: ApplicationProtocol::Http,
            certificate_arn: certificate(),
            ..ApplicationListenerProps::new(ListenerAction::fixed_response(302, None))
        },
    );
    http.add_rule(
        "Wide",
        ListenerRuleProps::new(
            60000,
            vec![ListenerCondition::path_patterns([
                "/a", "/b", "/c", "/d", "/e", "/f",
            ])],
            ListenerAction::fixed_response(200, None),
        ),
    );
    http.add_rule(
        "Empty",
        ListenerRuleProps::new(2, vec![], ListenerAction::fixed_response(200, None)),
    );
    let err = synth_error(&app);
    for expected in [
        "Web/Alb: [elbv2-load-balancer] load balancer name \"internal-alb\" is invalid",
        "Web/Alb: [elbv2-load-balancer] 1 subnet(s) given; an Application Load Balancer needs subnets in at least two Availability Zones",
        "Web/Alb: [elbv2-load-balancer] idle timeout of 5000s is out of range",
        "Web/Alb: [elbv2-load-balancer] access log prefix \"/alb\" must not start or end with '/'",
        "Web/Alb: [elbv2-access-logs] access logs need the stack's region to choose the log delivery principal; set StackProps.env.region",
        "Web/Alb/Https: [elbv2-listener] an HTTPS listener needs certificate_arn",
        "Web/Alb/Https: [elbv2-listener] SSL policy \"TLS-1-2\" is not a predefined ELB security policy",
        "Web/Alb/Https: [elbv2-listener] a redirect to the same URL would loop",
        "Web/Alb/Http: [elbv2-listener] an HTTP listener takes no certificate or SSL policy",
        "Web/Alb/Http: [elbv2-listener] fixed response status 302 is invalid; use a 2XX, 4XX or 5XX code",
        "Web/Alb/Http/WideRule: [elbv2-listener-rule] priority 60000 is outside 1-50000",
        "Web/Alb/Http/WideRule: [elbv2-listener-rule] the rule's conditions have 6 values; a rule allows at most 5",
        "Web/Alb/Http/EmptyRule: [elbv2-listener-rule] a rule needs at least one condition",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in {err}");
    }
}

#[test]
fn a_target_group_serves_one_load_balancer() {
    let app = App::new();
    let stack = in_region(&app);
    let tg = ApplicationTargetGroup::new(&stack, "Tg", TargetGroupProps::new("vpc-1", 80));
    for id in ["Public", "Internal"] {
        let sg = group(&stack, &format!("{id}Sg"));
        let lb = ApplicationLoadBalancer::new(
            &stack,
            id,
            ApplicationLoadBalancerProps::new(subnets(), &sg),
        );
        lb.add_listener(
            "Http",
            ApplicationListenerProps {
                protocol: ApplicationProtocol::Http,
                ..ApplicationListenerProps::new(ListenerAction::forward(&tg))
            },
        );
    }
    assert!(synth_error(&app).contains(
        "Web/Tg: [elbv2-target-group-attachment] the target group is already used by load balancer Web/Public; an application target group serves one load balancer, so create another group for Web/Internal"
    ));
}
