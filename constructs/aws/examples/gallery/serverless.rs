//! Lambda functions, EKS and the bastion host.

use super::stack;
use std::time::Duration;
use strata::bastion::{Bastion, BastionProps};
use strata::dynamodb::{Attribute, StreamView, Table, TableProps};
use strata::ec2::{AgentVpc, AgentVpcProps, Peer, Port, SecurityGroup, SecurityGroupProps};
use strata::eks::{
    AddonProps, AddonRole, AmiType, CapacityType, Cluster, ClusterLogType, ClusterProps,
    NodegroupProps, ServiceAccountRoleProps, Taint, WorkloadIdentity,
};
use strata::iam::{ManagedPolicy, PolicyStatement, Principal, Role, RoleProps};
use strata::kms::{Key, KeyProps};
use strata::lambda::{
    AliasOptions, Architecture, AsyncInvoke, Code, Destination, Function, FunctionProps,
    FunctionVpc, Runtime, SqsEventSource, StartingPosition, StreamEventSource, Tracing,
};
use strata::logs::Retention;
use strata::prelude::*;

/// Lambda tools (seed 000 and 001 shapes), EKS (seeds 002 and 003) and
/// the seed 002 bastion.
pub fn lambda_eks_bastion(app: &App) {
    let s = stack(app, "Serverless");
    let vpc = AgentVpc::new(&s, "Vpc", AgentVpcProps::spaced_three_tier());
    let app_subnets = vpc.subnet_ids("private-app").unwrap_or_default();
    let lambda_sg = SecurityGroup::new(
        &s,
        "LambdaSg",
        SecurityGroupProps {
            vpc_id: vpc.vpc_id(),
            description: Some("Lambda tools: no inbound".into()),
            allow_all_outbound: Some(false),
            ..Default::default()
        },
    );
    lambda_sg.allow_to(Peer::any_ipv4(), Port::tcp(443), "HTTPS to AWS APIs");
    let dlq_arn =
        Fn::sub("arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:event-processor-dlq");
    let failures =
        Fn::sub("arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:tool-failures");
    let events = Table::new(
        &s,
        "AgentEvents",
        TableProps {
            stream: Some(StreamView::NewAndOldImages),
            ..TableProps::new(Attribute::string("eventId"))
        },
    );
    // Seed 000's event processor: 15 minutes, reserved 100, VPC, DLQ.
    let processor = Function::new(
        &s,
        "EventProcessor",
        FunctionProps {
            function_name: Some("event-processor".into()),
            memory_size: 1024,
            timeout: Duration::from_secs(900),
            reserved_concurrency: Some(100),
            environment: [("DYNAMODB_TABLE".to_string(), events.table_name())]
                .into_iter()
                .collect(),
            vpc: Some(FunctionVpc::new(
                app_subnets.clone(),
                vec![lambda_sg.group_id()],
            )),
            dead_letter_queue_arn: Some(dlq_arn.clone()),
            log_retention: Retention::Days(14),
            tracing: Tracing::Active,
            async_invoke: Some(AsyncInvoke {
                on_failure: Some(Destination::Topic(failures.clone())),
                retry_attempts: Some(1),
                max_event_age: Some(Duration::from_secs(3600)),
                ..Default::default()
            }),
            ..FunctionProps::new(
                Runtime::PYTHON_3_11,
                "index.handler",
                Code::inline("def handler(event, context):\n    return {\"ok\": True}\n"),
            )
        },
    );
    processor.add_event_source(
        "Messages",
        SqsEventSource {
            batch_size: Some(100),
            max_batching_window: Some(Duration::from_secs(5)),
            report_batch_item_failures: true,
            max_concurrency: Some(50),
            ..SqsEventSource::new(Fn::sub(
                "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:message-processing-queue",
            ))
        },
    );
    if let Some(stream) = events.stream_arn() {
        processor.add_event_source(
            "EventStream",
            StreamEventSource {
                batch_size: Some(500),
                bisect_batch_on_error: true,
                retry_attempts: Some(3),
                max_record_age: Some(Duration::from_secs(86_400)),
                parallelization_factor: Some(2),
                report_batch_item_failures: true,
                on_failure: Some(Destination::Queue(dlq_arn)),
                ..StreamEventSource::dynamodb(stream, StartingPosition::TrimHorizon)
            },
        );
    }
    processor.add_permission(
        "FromEventBridge",
        "events.amazonaws.com",
        Some(Fn::sub(
            "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/agent-messages",
        )),
    );
    // Seed 000's multimodal analysis: 3008 MB, 5 minutes, reserved 50,
    // provisioned 10 on the live alias.
    let analysis = Function::new(
        &s,
        "MultimodalAnalysis",
        FunctionProps {
            memory_size: 3008,
            timeout: Duration::from_secs(300),
            reserved_concurrency: Some(50),
            ephemeral_storage_mb: Some(2048),
            environment: [
                ("BEDROCK_REGION".to_string(), Value::from("us-east-1")),
                ("MODEL_CACHE".to_string(), Value::from("/tmp/models")),
            ]
            .into_iter()
            .collect(),
            vpc: Some(FunctionVpc::new(
                app_subnets.clone(),
                vec![lambda_sg.group_id()],
            )),
            ..FunctionProps::new(
                Runtime::PYTHON_3_11,
                "app.handler",
                Code::from_bucket("bird-agent-artifacts-123456789012", "multimodal/v1.zip"),
            )
        },
    );
    let live = analysis.add_alias(
        "live",
        AliasOptions {
            provisioned_concurrency: Some(10),
            description: Some("Warm multimodal analysis".into()),
        },
    );
    // Seed 001's tool categories: arm64, Python 3.11, one shared role.
    let tool_role = Role::new(
        &s,
        "LambdaToolExecutionRole",
        RoleProps {
            managed_policies: vec![ManagedPolicy::aws(
                "service-role/AWSLambdaBasicExecutionRole",
            )],
            ..RoleProps::new(Principal::service("lambda.amazonaws.com"))
        },
    );
    for (id, memory, concurrency, minutes) in [
        ("DataAccessTool", 1024, 50, 2),
        ("ExternalApiTool", 2048, 20, 3),
        ("AwsServiceTool", 1536, 30, 4),
        ("NotificationTool", 1024, 100, 1),
    ] {
        let tool = Function::new(
            &s,
            id,
            FunctionProps {
                architecture: Architecture::Arm64,
                memory_size: memory,
                timeout: Duration::from_secs(60 * minutes),
                reserved_concurrency: Some(concurrency),
                log_retention: Retention::Days(30),
                tracing: Tracing::Active,
                vpc: Some(FunctionVpc::new(
                    app_subnets.clone(),
                    vec![lambda_sg.group_id()],
                )),
                role: Some(tool_role.clone()),
                ..FunctionProps::new(
                    Runtime::PYTHON_3_11,
                    "index.handler",
                    Code::inline("def handler(event, context):\n    return event\n"),
                )
            },
        );
        tool.grant_invoke(&Principal::service("bedrock.amazonaws.com"));
    }
    let agent_role = Role::new(
        &s,
        "AgentRole",
        RoleProps::new(Principal::service("ecs-tasks.amazonaws.com")),
    );
    processor.grant_invoke(&agent_role);
    live.grant_invoke(&agent_role);

    // Seed 002 and 003's cluster: private endpoint, all control-plane
    // logs, secrets under a KMS key.
    let eks_key = Key::new(&s, "EksKey", KeyProps::default());
    let cluster = Cluster::new(
        &s,
        "Cluster",
        ClusterProps {
            logging: ClusterLogType::ALL.to_vec(),
            secrets_key_arn: Some(eks_key.key_arn()),
            ..ClusterProps::new("1.31", app_subnets.clone())
        },
    );
    cluster.add_nodegroup(
        "General",
        NodegroupProps {
            capacity_type: CapacityType::Spot,
            labels: [("workload".to_string(), "general".to_string())]
                .into_iter()
                .collect(),
            ..NodegroupProps::new(&["t3a.medium", "t3.medium"], 3, 20)
        },
    );
    cluster.add_nodegroup(
        "Ai",
        NodegroupProps {
            desired_size: Some(2),
            disk_size: Some(100),
            labels: [("workload".to_string(), "ai".to_string())]
                .into_iter()
                .collect(),
            taints: Taint::parse("workload=ai:NoSchedule").into_iter().collect(),
            max_unavailable: Some(1),
            ..NodegroupProps::new(&["r6i.2xlarge"], 2, 10)
        },
    );
    cluster.add_nodegroup(
        "Graviton",
        NodegroupProps {
            ami_type: Some(AmiType::Al2023Arm64Standard),
            ..NodegroupProps::new(&["m7g.large", "m6g.large"], 1, 4)
        },
    );
    for name in ["coredns", "kube-proxy"] {
        cluster.add_addon(name, AddonProps::new(name));
    }
    cluster.add_addon(
        "VpcCni",
        AddonProps {
            service_account_role: Some(AddonRole::vpc_cni()),
            ..AddonProps::new("vpc-cni")
        },
    );
    cluster.add_addon(
        "EbsCsi",
        AddonProps {
            service_account_role: Some(AddonRole::ebs_csi_driver()),
            ..AddonProps::with_version("aws-ebs-csi-driver", "v1.38.1-eksbuild.1")
        },
    );
    cluster.add_addon(
        "Adot",
        AddonProps {
            service_account_role: Some(AddonRole {
                namespace: "opentelemetry-operator-system".into(),
                identity: WorkloadIdentity::Irsa,
                ..AddonRole::new(
                    "adot-collector",
                    vec![
                        ManagedPolicy::aws("AWSXrayWriteOnlyAccess"),
                        ManagedPolicy::aws("CloudWatchAgentServerPolicy"),
                    ],
                )
            }),
            ..AddonProps::new("adot")
        },
    );
    // Seed 002's llm-gateway role, through Pod Identity and through IRSA.
    let gateway = cluster.add_service_account_role(
        "LlmGateway",
        ServiceAccountRoleProps::new("default", "llm-gateway-sa"),
    );
    gateway.role().add_to_policy(
        PolicyStatement::allow()
            .actions([
                "bedrock:InvokeModel",
                "bedrock:InvokeModelWithResponseStream",
            ])
            .resource(Fn::sub(
                "arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/*",
            )),
    );
    events.grant_read_write_data(&gateway);
    cluster.add_service_account_role(
        "MemoryGateway",
        ServiceAccountRoleProps {
            identity: WorkloadIdentity::Irsa,
            ..ServiceAccountRoleProps::new("default", "memory-gateway-sa")
        },
    );

    // Seed 002's bastion: private subnet, SSM, IMDSv2, encrypted, monitored.
    let bastion = Bastion::new(
        &s,
        "Bastion",
        BastionProps {
            instance_type: "t3.large".into(),
            root_volume_kms_key_arn: Some(eks_key.key_arn()),
            user_data: vec![
                "dnf install -y docker git".into(),
                "curl -sLo /usr/local/bin/kubectl https://dl.k8s.io/release/v1.31.0/bin/linux/amd64/kubectl".into(),
                "chmod +x /usr/local/bin/kubectl".into(),
            ],
            ..BastionProps::new(vpc.vpc_id(), app_subnets.first().cloned().unwrap_or_else(|| "".into()))
        },
    );
    cluster.grant_admin("BastionAdmin", bastion.role().arn());
}
