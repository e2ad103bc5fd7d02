//! ECS on Fargate: the cluster, task definitions with their containers
//! and roles, services in target groups, task-count autoscaling, and the
//! errors synth reports for each.

#[path = "ecs/errors.rs"]
mod errors;
#[path = "ecs/seed.rs"]
mod seed;

use serde_json::{json, Value as Json};
use strata::ec2::{SecurityGroup, SecurityGroupProps};
use strata::ecs::*;
use strata::prelude::*;
use strata::{Raw, ToRaw};

pub fn template(app: &App) -> Json {
    app.synth().expect("the app synthesizes").stacks[0]
        .template
        .json()
        .clone()
}

pub fn synth_error(app: &App) -> String {
    app.synth().expect_err("synth must fail").to_string()
}

pub fn resource<'a>(t: &'a Json, path: &[&str]) -> &'a Json {
    let id = strata::logical_id(path);
    let r = &t["Resources"][id.as_str()];
    assert!(!r.is_null(), "no resource {id} at {path:?}");
    r
}

fn seed_template() -> (Json, seed::Seed) {
    let app = App::new();
    let stack = app.stack(
        "BirdStack",
        StackProps {
            env: Environment::new("123456789012", "us-east-1"),
            ..Default::default()
        },
    );
    let seed = seed::seed_000(&stack);
    (template(&app), seed)
}

pub fn security_group(stack: &Scope, id: &str) -> SecurityGroup {
    SecurityGroup::new(
        stack,
        id,
        SecurityGroupProps {
            vpc_id: "vpc-0123456789abcdef0".into(),
            ..Default::default()
        },
    )
}

#[test]
fn seed_cluster_spreads_tasks_70_30_over_fargate_and_spot_with_insights() {
    let (t, seed) = seed_template();
    let cluster = resource(&t, &["Cluster", "Resource"]);
    assert_eq!(
        cluster["Properties"],
        json!({
            "ClusterName": "bird-agent-cluster",
            "ClusterSettings": [{"Name": "containerInsights", "Value": "enabled"}]
        })
    );
    let associations = resource(&t, &["Cluster", "Cluster"]);
    assert_eq!(
        associations["Type"],
        "AWS::ECS::ClusterCapacityProviderAssociations"
    );
    assert_eq!(
        associations["Properties"],
        json!({
            "CapacityProviders": ["FARGATE", "FARGATE_SPOT"],
            "Cluster": {"Ref": strata::logical_id(&["Cluster", "Resource"])},
            "DefaultCapacityProviderStrategy": [
                {"CapacityProvider": "FARGATE", "Weight": 70},
                {"CapacityProvider": "FARGATE_SPOT", "Weight": 30}
            ]
        })
    );
    assert_eq!(seed.cluster.default_capacity_provider_strategy().len(), 2);
}

#[test]
fn seed_task_definition_renders_sizes_container_and_roles() {
    let (t, _) = seed_template();
    let task = resource(&t, &["ConversationManagerTask", "Resource"]);
    let exec = strata::logical_id(&["ConversationManagerTask", "ExecutionRole", "Resource"]);
    let role = strata::logical_id(&["ConversationManagerTask", "TaskRole", "Resource"]);
    let secret = strata::logical_id(&["DatabaseSecret", "Resource"]);
    let logs = strata::logical_id(&["ClusterLogs", "Resource"]);
    assert_eq!(
        task["Properties"],
        json!({
            "ContainerDefinitions": [{
                "Environment": [{"Name": "AGENT_MODE", "Value": "conversation"}],
                "Essential": true,
                "HealthCheck": {
                    "Command": ["CMD-SHELL", "curl -f http://localhost:8081/health || exit 1"],
                    "Interval": 30,
                    "Retries": 3,
                    "Timeout": 5
                },
                "Image": {"Fn::Sub": "${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/conversation-manager:latest"},
                "LogConfiguration": {
                    "LogDriver": "awslogs",
                    "Options": {
                        "awslogs-group": {"Ref": logs},
                        "awslogs-region": {"Ref": "AWS::Region"},
                        "awslogs-stream-prefix": "conversation-manager"
                    }
                },
                "Name": "conversation-manager",
                "PortMappings": [
                    {"ContainerPort": 8080, "Protocol": "tcp"},
                    {"ContainerPort": 8081, "Protocol": "tcp"}
                ],
                "Secrets": [{
                    "Name": "DB_PASSWORD",
                    "ValueFrom": {"Fn::Sub": ["${Arn}:password::", {"Arn": {"Ref": secret}}]}
                }]
            }],
            "Cpu": "1024",
            "ExecutionRoleArn": {"Fn::GetAtt": [exec, "Arn"]},
            "Family": "BirdStackConversationManagerTask7901FCC1",
            "Memory": "2048",
            "NetworkMode": "awsvpc",
            "RequiresCompatibilities": ["FARGATE"],
            "TaskRoleArn": {"Fn::GetAtt": [role, "Arn"]}
        })
    );
    let multimodal = resource(&t, &["MultimodalProcessorTask", "Resource"]);
    assert_eq!(multimodal["Properties"]["Cpu"], "2048");
    assert_eq!(multimodal["Properties"]["Memory"], "4096");
}

#[test]
fn the_execution_role_may_pull_the_image_write_logs_and_read_the_secret_only() {
    let (t, _) = seed_template();
    let policy = resource(
        &t,
        &[
            "ConversationManagerTask",
            "ExecutionRole",
            "DefaultPolicy",
            "Resource",
        ],
    );
    let secret = strata::logical_id(&["DatabaseSecret", "Resource"]);
    let logs = strata::logical_id(&["ClusterLogs", "Resource"]);
    assert_eq!(
        policy["Properties"]["PolicyDocument"]["Statement"],
        json!([
            {
                "Action": [
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:GetDownloadUrlForLayer",
                    "ecr:BatchGetImage"
                ],
                "Effect": "Allow",
                "Resource": {"Fn::Sub": "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/conversation-manager"}
            },
            {"Action": "ecr:GetAuthorizationToken", "Effect": "Allow", "Resource": "*"},
            {
                "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                "Effect": "Allow",
                "Resource": {"Ref": secret}
            },
            {
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Effect": "Allow",
                "Resource": {"Fn::GetAtt": [logs, "Arn"]}
            }
        ])
    );
    let trust = &resource(
        &t,
        &["ConversationManagerTask", "ExecutionRole", "Resource"],
    )["Properties"]["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(trust["Principal"]["Service"], "ecs-tasks.amazonaws.com");
}

#[test]
fn seed_service_runs_in_private_subnets_registered_in_its_target_groups() {
    let (t, seed) = seed_template();
    let service = resource(&t, &["ConversationManager", "Service"]);
    let subnet = |n: u8| json!({"Ref": strata::logical_id(&["Vpc", &format!("private-appSubnet{n}"), "Subnet"])});
    let tg = |id: &str| json!({"Ref": strata::logical_id(&[id, "Resource"])});
    assert_eq!(
        service["Properties"],
        json!({
            "Cluster": {"Ref": strata::logical_id(&["Cluster", "Resource"])},
            "DeploymentConfiguration": {
                "DeploymentCircuitBreaker": {"Enable": true, "Rollback": true},
                "MaximumPercent": 200,
                "MinimumHealthyPercent": 100
            },
            "DesiredCount": 3,
            "EnableECSManagedTags": false,
            "HealthCheckGracePeriodSeconds": 60,
            "LoadBalancers": [
                {"ContainerName": "conversation-manager", "ContainerPort": 8080, "TargetGroupArn": tg("ConversationManagerTg")},
                {"ContainerName": "conversation-manager", "ContainerPort": 8081, "TargetGroupArn": tg("HealthCheckTg")},
                {"ContainerName": "conversation-manager", "ContainerPort": 8080, "TargetGroupArn": tg("MetricsTg")}
            ],
            "NetworkConfiguration": {"AwsvpcConfiguration": {
                "AssignPublicIp": "DISABLED",
                "SecurityGroups": [{"Fn::GetAtt": [strata::logical_id(&["EcsSg", "Resource"]), "GroupId"]}],
                "Subnets": [subnet(1), subnet(2), subnet(3)]
            }},
            "ServiceName": "conversation-manager",
            "TaskDefinition": {"Ref": strata::logical_id(&["ConversationManagerTask", "Resource"])}
        })
    );
    // No launch type: the cluster's 70/30 strategy applies once the
    // associations exist; the listener (default action) and the rules
    // forwarding to its groups exist first, as the CDK orders them.
    assert_eq!(
        service["DependsOn"],
        json!([
            strata::logical_id(&["Alb", "HttpsListener", "Resource"]),
            strata::logical_id(&["Alb", "HttpsListener", "HealthRule", "Resource"]),
            strata::logical_id(&["Alb", "HttpsListener", "MetricsRule", "Resource"]),
            strata::logical_id(&["Cluster", "Cluster"]),
            strata::logical_id(&["ConversationManagerTask", "TaskRole", "Resource"]),
        ])
    );
    let multimodal = resource(&t, &["MultimodalProcessor", "Service"]);
    assert_eq!(multimodal["Properties"]["DesiredCount"], 2);
    assert_eq!(
        multimodal["DependsOn"][0],
        strata::logical_id(&["Alb", "HttpsListener", "MultimodalRule", "Resource"])
    );
    let service_id = strata::logical_id(&["ConversationManager", "Service"]);
    assert_eq!(
        seed.conversation.service_name().to_raw(),
        Raw::get_att(seed.conversation.resource().target(), "Name")
    );
    assert!(service_id.starts_with("ConversationManagerService"));
    assert_eq!(
        seed.cluster.cluster_name().to_raw(),
        Raw::Ref(seed.cluster.resource().target())
    );
}

#[test]
fn the_load_balancer_reaches_the_tasks_on_the_container_and_health_ports() {
    let (t, _) = seed_template();
    let alb_sg = strata::logical_id(&["AlbSg", "Resource"]);
    let ecs_sg = strata::logical_id(&["EcsSg", "Resource"]);
    for port in [8080, 8081] {
        let ingress = resource(
            &t,
            &["EcsSg", &format!("from BirdStackAlbSg11BCAFCB:{port}")],
        );
        assert_eq!(
            ingress["Properties"],
            json!({
                "Description": "Load balancer to target",
                "FromPort": port,
                "GroupId": {"Fn::GetAtt": [ecs_sg, "GroupId"]},
                "IpProtocol": "tcp",
                "SourceSecurityGroupId": {"Fn::GetAtt": [alb_sg, "GroupId"]},
                "ToPort": port
            })
        );
        let egress = resource(&t, &["AlbSg", &format!("to BirdStackEcsSg568EF5A7:{port}")]);
        assert_eq!(
            egress["Properties"]["DestinationSecurityGroupId"]["Fn::GetAtt"][0],
            ecs_sg
        );
    }
}

#[test]
fn seed_scaling_tracks_cpu_memory_and_queue_depth_with_cooldowns() {
    let (t, _) = seed_template();
    let target = resource(
        &t,
        &["ConversationManager", "TaskCount", "Target", "Resource"],
    );
    assert_eq!(
        target["Properties"],
        json!({
            "MaxCapacity": 20,
            "MinCapacity": 2,
            "ResourceId": {"Fn::Sub": ["service/${Cluster}/${Service}", {
                "Cluster": {"Ref": strata::logical_id(&["Cluster", "Resource"])},
                "Service": {"Fn::GetAtt": [strata::logical_id(&["ConversationManager", "Service"]), "Name"]}
            }]},
            "RoleARN": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService"},
            "ScalableDimension": "ecs:service:DesiredCount",
            "ServiceNamespace": "ecs"
        })
    );
    let cpu = resource(
        &t,
        &[
            "ConversationManager",
            "TaskCount",
            "Target",
            "CpuScaling",
            "Resource",
        ],
    );
    assert_eq!(
        cpu["Properties"],
        json!({
            "PolicyName": strata::logical_id(&["BirdStack", "ConversationManager", "TaskCount", "Target", "CpuScaling"]),
            "PolicyType": "TargetTrackingScaling",
            "ScalingTargetId": {"Ref": strata::logical_id(&["ConversationManager", "TaskCount", "Target", "Resource"])},
            "TargetTrackingScalingPolicyConfiguration": {
                "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
                "ScaleInCooldown": 900,
                "ScaleOutCooldown": 300,
                "TargetValue": 70.0
            }
        })
    );
    let memory = resource(
        &t,
        &[
            "ConversationManager",
            "TaskCount",
            "Target",
            "MemoryScaling",
            "Resource",
        ],
    );
    let config = &memory["Properties"]["TargetTrackingScalingPolicyConfiguration"];
    assert_eq!(
        config["PredefinedMetricSpecification"]["PredefinedMetricType"],
        "ECSServiceAverageMemoryUtilization"
    );
    assert_eq!(config["TargetValue"], 80.0);
    let queue = resource(
        &t,
        &[
            "MultimodalProcessor",
            "TaskCount",
            "Target",
            "QueueDepthScaling",
            "Resource",
        ],
    );
    assert_eq!(
        queue["Properties"]["TargetTrackingScalingPolicyConfiguration"],
        json!({
            "CustomizedMetricSpecification": {
                "Dimensions": [{"Name": "QueueName", "Value": "multimodal-processing-queue"}],
                "MetricName": "ApproximateNumberOfMessagesVisible",
                "Namespace": "AWS/SQS",
                "Statistic": "Average"
            },
            "ScaleInCooldown": 300,
            "ScaleOutCooldown": 60,
            "TargetValue": 100.0
        })
    );
}

#[test]
fn seed_load_balancer_is_internal_with_https_rules_and_a_redirect() {
    let (t, seed) = seed_template();
    let alb = resource(&t, &["Alb", "Resource"]);
    assert_eq!(alb["Properties"]["Name"], "bird-agent-alb");
    assert_eq!(alb["Properties"]["Scheme"], "internal");
    let https = resource(&t, &["Alb", "HttpsListener", "Resource"]);
    assert_eq!(
        https["Properties"],
        json!({
            "Certificates": [{"CertificateArn": {"Ref": "CertificateArn"}}],
            "DefaultActions": [{
                "TargetGroupArn": {"Ref": strata::logical_id(&["ConversationManagerTg", "Resource"])},
                "Type": "forward"
            }],
            "LoadBalancerArn": {"Ref": strata::logical_id(&["Alb", "Resource"])},
            "Port": 443,
            "Protocol": "HTTPS",
            "SslPolicy": "ELBSecurityPolicy-TLS-1-2-2019-07"
        })
    );
    for (rule, priority, path, group) in [
        (
            "MultimodalRule",
            10,
            "/multimodal/*",
            "MultimodalProcessorTg",
        ),
        ("HealthRule", 20, "/health", "HealthCheckTg"),
        ("MetricsRule", 30, "/metrics", "MetricsTg"),
    ] {
        let r = resource(&t, &["Alb", "HttpsListener", rule, "Resource"]);
        assert_eq!(r["Properties"]["Priority"], priority);
        assert_eq!(
            r["Properties"]["Conditions"],
            json!([{"Field": "path-pattern", "PathPatternConfig": {"Values": [path]}}])
        );
        assert_eq!(
            r["Properties"]["Actions"][0]["TargetGroupArn"]["Ref"],
            strata::logical_id(&[group, "Resource"])
        );
    }
    let redirect = resource(&t, &["Alb", "Redirect80To443", "Resource"]);
    assert_eq!(
        redirect["Properties"]["DefaultActions"],
        json!([{"RedirectConfig": {"Port": "443", "Protocol": "HTTPS", "StatusCode": "HTTP_301"}, "Type": "redirect"}])
    );
    let tg = resource(&t, &["MultimodalProcessorTg", "Resource"]);
    assert_eq!(tg["Properties"]["HealthCheckTimeoutSeconds"], 10);
    assert_eq!(tg["Properties"]["UnhealthyThresholdCount"], 2);
    assert_eq!(
        tg["Properties"]["TargetGroupAttributes"],
        json!([
            {"Key": "deregistration_delay.timeout_seconds", "Value": "60"},
            {"Key": "stickiness.enabled", "Value": "false"}
        ])
    );
    // The metrics accessors point at the attributes CloudWatch dimensions use.
    assert_eq!(
        seed.conversation_tg.load_balancer_full_name(),
        Some(seed.alb.load_balancer_full_name())
    );
    assert_eq!(
        seed.multimodal_tg.target_group_full_name().to_raw(),
        Raw::get_att(
            seed.multimodal_tg.resource().target(),
            "TargetGroupFullName"
        )
    );
    assert_eq!(
        seed.https.listener_arn().to_raw(),
        Raw::Ref(seed.https.resource().target())
    );
    assert_eq!(
        seed.multimodal.task_definition().family(),
        "BirdStackMultimodalProcessorTask95B5B6D9"
    );
}

#[test]
fn a_cluster_without_default_strategy_leaves_services_on_the_fargate_launch_type() {
    let app = App::new();
    let stack = app.stack("Svc", StackProps::default());
    let cluster = Cluster::new(
        &stack,
        "Cluster",
        ClusterProps {
            container_insights: ContainerInsights::Enhanced,
            capacity_providers: vec![],
            ..ClusterProps::default()
        },
    );
    let task = FargateTaskDefinition::new(
        &stack,
        "Task",
        FargateTaskDefinitionProps {
            runtime_platform: Some(RuntimePlatform::linux_arm64()),
            ephemeral_storage_gib: Some(50),
            ..FargateTaskDefinitionProps::new(256, 512)
        },
    );
    task.add_container(
        "web",
        ContainerProps::new(ContainerImage::registry(
            "public.ecr.aws/docker/library/nginx:1.27",
        )),
    );
    let sg = security_group(&stack, "Sg");
    FargateService::new(
        &stack,
        "Web",
        FargateServiceProps {
            circuit_breaker: None,
            min_healthy_percent: 50,
            platform_version: Some("1.4.0".into()),
            enable_execute_command: true,
            propagate_tags: Some(PropagateTags::Service),
            ..FargateServiceProps::new(&cluster, &task, vec!["subnet-1".into()], &[&sg])
        },
    );
    let t = template(&app);
    assert_eq!(
        resource(&t, &["Cluster", "Resource"])["Properties"]["ClusterSettings"][0]["Value"],
        "enhanced"
    );
    // No providers, no associations.
    assert!(t["Resources"]
        .as_object()
        .unwrap()
        .values()
        .all(|r| r["Type"] != "AWS::ECS::ClusterCapacityProviderAssociations"));
    let service = resource(&t, &["Web", "Service"]);
    let props = &service["Properties"];
    assert_eq!(props["LaunchType"], "FARGATE");
    assert_eq!(props["PlatformVersion"], "1.4.0");
    assert_eq!(props["PropagateTags"], "SERVICE");
    assert_eq!(props["EnableExecuteCommand"], true);
    assert_eq!(
        props["DeploymentConfiguration"],
        json!({"MaximumPercent": 200, "MinimumHealthyPercent": 50})
    );
    assert!(props.get("HealthCheckGracePeriodSeconds").is_none());
    // Execute command gets the SSM channel on the task role, which the
    // service then waits for with the role.
    let policy = resource(&t, &["Task", "TaskRole", "DefaultPolicy", "Resource"]);
    assert_eq!(
        policy["Properties"]["PolicyDocument"]["Statement"][0]["Action"][0],
        "ssmmessages:CreateControlChannel"
    );
    assert_eq!(
        service["DependsOn"],
        json!([
            strata::logical_id(&["Task", "TaskRole", "DefaultPolicy", "Resource"]),
            strata::logical_id(&["Task", "TaskRole", "Resource"]),
        ])
    );
    let task = &resource(&t, &["Task", "Resource"])["Properties"];
    assert_eq!(
        task["RuntimePlatform"],
        json!({"CpuArchitecture": "ARM64", "OperatingSystemFamily": "LINUX"})
    );
    assert_eq!(task["EphemeralStorage"], json!({"SizeInGiB": 50}));
    // A public image, no logs, no secrets: no execution role at all.
    assert!(task.get("ExecutionRoleArn").is_none());
}

#[test]
fn a_service_strategy_replaces_the_launch_type_and_waits_for_the_associations() {
    let app = App::new();
    let stack = app.stack("Svc", StackProps::default());
    let cluster = Cluster::new(&stack, "Cluster", ClusterProps::default());
    let task = FargateTaskDefinition::new(&stack, "Task", FargateTaskDefinitionProps::default());
    task.add_container("app", ContainerProps::new(ContainerImage::ecr("app", "v1")));
    let sg = security_group(&stack, "Sg");
    FargateService::new(
        &stack,
        "App",
        FargateServiceProps {
            capacity_provider_strategy: Some(vec![
                CapacityProviderStrategy {
                    base: 1,
                    ..CapacityProviderStrategy::new(CapacityProvider::Fargate, 1)
                },
                CapacityProviderStrategy::new(CapacityProvider::FargateSpot, 3),
            ]),
            ..FargateServiceProps::new(&cluster, &task, vec!["subnet-1".into()], &[&sg])
        },
    );
    let t = template(&app);
    let service = resource(&t, &["App", "Service"]);
    assert!(service["Properties"].get("LaunchType").is_none());
    assert_eq!(
        service["Properties"]["CapacityProviderStrategy"],
        json!([
            {"Base": 1, "CapacityProvider": "FARGATE", "Weight": 1},
            {"CapacityProvider": "FARGATE_SPOT", "Weight": 3}
        ])
    );
    assert!(service["DependsOn"]
        .as_array()
        .unwrap()
        .contains(&json!(strata::logical_id(&["Cluster", "Cluster"]))));
}

#[test]
fn ssm_and_external_secrets_are_read_by_arn_with_only_their_grants() {
    let app = App::new();
    let stack = app.stack("Svc", StackProps::default());
    let task = FargateTaskDefinition::new(
        &stack,
        "Task",
        FargateTaskDefinitionProps {
            family: Some("agent-worker".into()),
            ..FargateTaskDefinitionProps::new(512, 1024)
        },
    );
    let external = "arn:aws:secretsmanager:us-east-1:123456789012:secret:shared-AbCdEf";
    let container = task.add_container(
        "worker",
        ContainerProps {
            container_name: Some("agent-worker".into()),
            secrets: vec![
                (
                    "API_URL".into(),
                    ContainerSecret::SsmParameter {
                        name: "/bird-agent/api-url".into(),
                        kms_key_arn: Some("arn:aws:kms:us-east-1:123456789012:key/1234".into()),
                    },
                ),
                (
                    "SHARED_TOKEN".into(),
                    ContainerSecret::SecretArn {
                        arn: external.into(),
                        json_key: Some("token".into()),
                    },
                ),
            ],
            command: vec!["worker".into(), "--queue".into(), "jobs".into()],
            readonly_root_filesystem: true,
            health_check: Some(ContainerHealthCheck {
                command: vec!["/bin/check".into(), "--fast".into()],
                start_period: Some(std::time::Duration::from_secs(60)),
                ..ContainerHealthCheck::shell("unused")
            }),
            ..ContainerProps::new(ContainerImage::registry("public.ecr.aws/agent/worker:2"))
        },
    );
    assert_eq!(container.container_name(), "agent-worker");
    assert_eq!(container.container_port(), None);
    let t = template(&app);
    let def = &resource(&t, &["Task", "Resource"])["Properties"];
    assert_eq!(def["Family"], "agent-worker");
    let c = &def["ContainerDefinitions"][0];
    assert_eq!(c["Name"], "agent-worker");
    assert_eq!(c["Command"], json!(["worker", "--queue", "jobs"]));
    assert_eq!(c["ReadonlyRootFilesystem"], true);
    assert_eq!(
        c["HealthCheck"],
        json!({"Command": ["CMD", "/bin/check", "--fast"], "Interval": 30, "Retries": 3, "StartPeriod": 60, "Timeout": 5})
    );
    assert_eq!(
        c["Secrets"],
        json!([
            {"Name": "API_URL", "ValueFrom": {"Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/bird-agent/api-url"}},
            {"Name": "SHARED_TOKEN", "ValueFrom": format!("{external}:token::")}
        ])
    );
    let policy = resource(&t, &["Task", "ExecutionRole", "DefaultPolicy", "Resource"]);
    assert_eq!(
        policy["Properties"]["PolicyDocument"]["Statement"],
        json!([
            {
                "Action": ["ssm:DescribeParameters", "ssm:GetParameters", "ssm:GetParameter", "ssm:GetParameterHistory"],
                "Effect": "Allow",
                "Resource": {"Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/bird-agent/api-url"}
            },
            {"Action": "kms:Decrypt", "Effect": "Allow", "Resource": "arn:aws:kms:us-east-1:123456789012:key/1234"},
            {
                "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                "Effect": "Allow",
                "Resource": external
            }
        ])
    );
}

#[test]
fn app_grants_go_to_the_task_role_through_the_task_definition() {
    let app = App::new();
    let stack = app.stack("Svc", StackProps::default());
    let task = FargateTaskDefinition::new(&stack, "Task", FargateTaskDefinitionProps::default());
    task.add_container(
        "app",
        ContainerProps::new(ContainerImage::registry("nginx:1.27")),
    );
    strata::iam::Grant::to_principal(
        &task,
        &["bedrock:InvokeModel"],
        vec!["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3".into()],
    );
    let t = template(&app);
    let policy = resource(&t, &["Task", "TaskRole", "DefaultPolicy", "Resource"]);
    assert_eq!(
        policy["Properties"]["PolicyDocument"]["Statement"][0]["Action"],
        "bedrock:InvokeModel"
    );
    assert_eq!(
        policy["Properties"]["Roles"][0]["Ref"],
        strata::logical_id(&["Task", "TaskRole", "Resource"])
    );
}

#[test]
fn fargate_sizes_follow_the_published_table() {
    for (cpu, memory) in [
        (256, 512),
        (256, 2048),
        (512, 4096),
        (1024, 8192),
        (2048, 16384),
        (4096, 30720),
        (8192, 61440),
        (16384, 122880),
    ] {
        assert_eq!(
            fargate_size_problem(cpu, memory, false),
            None,
            "{cpu}/{memory}"
        );
    }
    for (cpu, memory) in [
        (256, 1536),
        (256, 4096),
        (512, 512),
        (1024, 16384),
        (2048, 3072),
        (4096, 31744),
        (8192, 18432),
        (16384, 36864),
        (300, 1024),
    ] {
        assert!(
            fargate_size_problem(cpu, memory, false).is_some(),
            "{cpu}/{memory}"
        );
    }
    assert!(fargate_size_problem(512, 1024, true).is_some());
    assert!(fargate_size_problem(8192, 16384, true).is_some());
    assert_eq!(fargate_size_problem(2048, 4096, true), None);
}
