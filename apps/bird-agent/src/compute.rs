//! Seed section "ECS Cluster Configuration" in the `BirdCompute` stack:
//! the `bird-agent-cluster` with its FARGATE 70 % / FARGATE_SPOT 30 %
//! capacity provider strategy, and the conversation manager and multimodal
//! processor services in the private app subnets behind the ECS security
//! group, registered in the internal load balancer's target groups and
//! scaled on CPU, memory and (the processor) queue depth. Also the two
//! application secrets of seed section "Secrets Manager" the containers
//! read (`bird-com-api-credentials`, `bedrock-api-keys`).
//!
//! The seed's "GPU: 1 (if available)" is not available: Fargate runs no
//! GPUs (see the README).

use std::time::Duration;

use strata::ecs::{
    CapacityProvider, CapacityProviderStrategy, Cluster, ClusterProps, ContainerImage,
    ContainerInsights, ContainerProps, ContainerSecret, CustomMetric, FargateService,
    FargateServiceProps, FargateTaskDefinition, FargateTaskDefinitionProps, LoadBalancerTarget,
    LogDriver, PortMapping, Statistic, TargetTracking,
};
use strata::logs::{LogGroup, LogGroupProps, Retention};
use strata::prelude::*;
use strata::secrets::{Secret, SecretProps};

use crate::balancer::{Balancer, MANAGEMENT_PORT, TRAFFIC_PORT};
use crate::config::TaskCount;
use crate::data::Data;
use crate::messaging::Messaging;
use crate::network::Network;
use crate::registry;
use crate::roles::Roles;

/// Seed "ECS Cluster: bird-agent-cluster".
pub const CLUSTER_NAME: &str = "bird-agent-cluster";
/// Seed "/aws/ecs/bird-agent-cluster: Retention: 30 days".
pub const LOG_RETENTION_DAYS: u32 = 30;
/// The seed names the processor's queue-depth metric but no target:
/// visible messages per task the service scales to hold.
pub const QUEUE_DEPTH_TARGET: f64 = 10.0;

/// The application secrets (seed "Secrets Manager").
#[derive(Clone)]
pub struct AppSecrets {
    /// `bird-com-api-credentials`: Bird.com platform API credentials,
    /// rotated manually.
    pub bird_api: Secret,
    /// `bedrock-api-keys`: Bedrock service API keys, rotated manually.
    pub bedrock: Secret,
}

/// The two secrets, encrypted with the secrets key; created empty, and
/// set by the operator (`aws secretsmanager put-secret-value`), since
/// their values come from Bird.com and Bedrock. With `replica_region`
/// they replicate there under that region's `alias/bird-agent/secrets`.
pub fn secrets(stack: &Scope, data: &Data, replica_region: Option<&str>) -> AppSecrets {
    let secret = |id: &str, name: &str, description: &str| {
        let secret = Secret::new(
            stack,
            id,
            SecretProps {
                secret_name: Some(name.into()),
                description: Some(description.into()),
                encryption_key: Some((&data.keys.secrets).into()),
                ..Default::default()
            },
        );
        if let Some(region) = replica_region {
            replicate(&secret, region);
        }
        secret
    };
    AppSecrets {
        bird_api: secret(
            "BirdComApiCredentials",
            "bird-com-api-credentials",
            "Bird.com platform API credentials",
        ),
        bedrock: secret(
            "BedrockApiKeys",
            "bedrock-api-keys",
            "AWS Bedrock service API keys",
        ),
    }
}

/// Seed "Secrets: Replicated across regions automatically": a replica in
/// `region` under that region's secrets key. The secret construct has no
/// replica setting, so it is set on the L1.
fn replicate(secret: &Secret, region: &str) {
    use strata::cfn::secrets_manager::{secret as sm, Secret as L1};
    let replica = sm::ReplicaRegion {
        kms_key_id: Some("alias/bird-agent/secrets".into()),
        ..sm::ReplicaRegion::new(region)
    };
    if let Some(resource) = secret.scope().of(&secret.handle()) {
        resource.with_resource(|s: &mut L1| {
            s.replica_regions = Some(Value::list([replica]));
        });
    }
}

/// The cluster and the two services.
#[derive(Clone)]
pub struct Compute {
    /// `bird-agent-cluster`.
    pub cluster: Cluster,
    /// The conversation manager service.
    pub conversation_manager: FargateService,
    /// The multimodal processor service.
    pub multimodal_processor: FargateService,
    /// `/aws/ecs/bird-agent-cluster`.
    pub logs: LogGroup,
    /// The conversation manager's scalable target (`Ref`), for the step
    /// scaling policy of the HighErrorRate alarm.
    pub conversation_manager_scaling: Value<String>,
}

/// What the services are built from.
pub struct ComputeInputs<'a> {
    /// The VPC and security groups.
    pub network: &'a Network,
    /// The stores the containers use.
    pub data: &'a Data,
    /// The queues and bus.
    pub messaging: &'a Messaging,
    /// The task and execution roles.
    pub roles: &'a Roles,
    /// The load balancer's target groups.
    pub balancer: &'a Balancer,
    /// The application secrets.
    pub secrets: &'a AppSecrets,
    /// The image tag.
    pub release: &'a str,
    /// The conversation manager's task counts.
    pub conversation_manager: TaskCount,
    /// The multimodal processor's task counts.
    pub multimodal_processor: TaskCount,
}

/// Builds the cluster, the log group, and the two services.
pub fn build(stack: &Scope, inputs: &ComputeInputs) -> Compute {
    let cluster = Cluster::new(
        stack,
        "Cluster",
        ClusterProps {
            cluster_name: Some(CLUSTER_NAME.into()),
            container_insights: ContainerInsights::Enabled,
            capacity_providers: vec![CapacityProvider::Fargate, CapacityProvider::FargateSpot],
            // "FARGATE (70% weight)", "FARGATE_SPOT (30% weight)".
            default_capacity_provider_strategy: vec![
                CapacityProviderStrategy::new(CapacityProvider::Fargate, 70),
                CapacityProviderStrategy::new(CapacityProvider::FargateSpot, 30),
            ],
        },
    );
    let logs = LogGroup::new(
        stack,
        "ClusterLogs",
        LogGroupProps {
            log_group_name: Some(format!("/aws/ecs/{CLUSTER_NAME}")),
            retention: Retention::Days(LOG_RETENTION_DAYS),
            ..Default::default()
        },
    );
    let (conversation_manager, conversation_manager_scaling) =
        conversation_manager(stack, inputs, &cluster, &logs);
    let multimodal_processor = multimodal_processor(stack, inputs, &cluster, &logs);
    Compute {
        cluster,
        conversation_manager,
        multimodal_processor,
        logs,
        conversation_manager_scaling,
    }
}

/// The environment every container gets: where the stores and queues are.
fn environment(inputs: &ComputeInputs) -> Vec<(String, Value<String>)> {
    let data = inputs.data;
    let messaging = inputs.messaging;
    vec![
        ("SESSIONS_TABLE".into(), data.tables[0].table_name()),
        ("EVENTS_TABLE".into(), data.tables[1].table_name()),
        ("CONFIGURATIONS_TABLE".into(), data.tables[2].table_name()),
        ("MEDIA_BUCKET".into(), data.buckets[0].bucket_name()),
        (
            "DATABASE_HOST".into(),
            data.aurora.cluster_endpoint_address(),
        ),
        ("DATABASE_NAME".into(), "agentdb".into()),
        ("REDIS_HOST".into(), data.redis.primary_endpoint()),
        (
            "MESSAGE_QUEUE_URL".into(),
            messaging.message_processing.queue_url(),
        ),
        (
            "MULTIMODAL_QUEUE_URL".into(),
            messaging.multimodal_processing.queue_url(),
        ),
        (
            "HIGH_PRIORITY_QUEUE_URL".into(),
            messaging.high_priority.queue_url(),
        ),
        ("EVENT_BUS_NAME".into(), messaging.bus.event_bus_name()),
        ("METRICS_NAMESPACE".into(), "BirdAgent".into()),
    ]
}

/// The secrets every container gets, injected by the execution role.
fn container_secrets(inputs: &ComputeInputs) -> Vec<(String, ContainerSecret)> {
    let mut out = vec![
        (
            "BIRD_API_CREDENTIALS".to_string(),
            ContainerSecret::secrets_manager(&inputs.secrets.bird_api),
        ),
        (
            "BEDROCK_API_KEYS".to_string(),
            ContainerSecret::secrets_manager(&inputs.secrets.bedrock),
        ),
        (
            "REDIS_AUTH_TOKEN".to_string(),
            ContainerSecret::secrets_manager(&inputs.data.redis_token),
        ),
    ];
    if let Some(db) = inputs.data.aurora.secret() {
        out.push((
            "DATABASE_CREDENTIALS".to_string(),
            ContainerSecret::secrets_manager(db),
        ));
    }
    out
}

/// A task definition with one container listening on the traffic and
/// management ports.
fn task(
    stack: &Scope,
    inputs: &ComputeInputs,
    logs: &LogGroup,
    (id, family, repository): (&str, &str, &str),
    (cpu, memory): (u32, u32),
    readonly_root_filesystem: bool,
) -> FargateTaskDefinition {
    let task = FargateTaskDefinition::new(
        stack,
        id,
        FargateTaskDefinitionProps {
            family: Some(family.into()),
            task_role: Some(inputs.roles.task.clone()),
            execution_role: Some(inputs.roles.task_execution.clone()),
            ..FargateTaskDefinitionProps::new(cpu, memory)
        },
    );
    task.add_container(
        family,
        ContainerProps {
            container_name: Some(family.into()),
            port_mappings: vec![
                PortMapping::tcp(u32::from(TRAFFIC_PORT)),
                PortMapping::tcp(u32::from(MANAGEMENT_PORT)),
            ],
            environment: environment(inputs),
            secrets: container_secrets(inputs),
            logging: Some(LogDriver::aws_logs(logs, family)),
            readonly_root_filesystem,
            ..ContainerProps::new(ContainerImage::ecr(repository, inputs.release))
        },
    );
    task
}

fn service(
    stack: &Scope,
    inputs: &ComputeInputs,
    cluster: &Cluster,
    (id, name): (&str, &str),
    task: &FargateTaskDefinition,
    counts: TaskCount,
    targets: Vec<LoadBalancerTarget>,
) -> FargateService {
    let subnets = inputs
        .network
        .vpc
        .subnet_ids("private-app")
        .unwrap_or_default();
    FargateService::new(
        stack,
        id,
        FargateServiceProps {
            service_name: Some(name.into()),
            desired_count: Some(counts.desired),
            health_check_grace_period: Some(Duration::from_secs(60)),
            load_balancer_targets: targets,
            ..FargateServiceProps::new(cluster, task, subnets, &[&inputs.network.groups.ecs])
        },
    )
}

/// Seed "Conversation Manager": 1 vCPU, 2048 MB, desired 3 between 2 and
/// 20, CPU 70 % and memory 80 % with 300 s out / 900 s in cooldowns,
/// behind `conversation-manager-tg`; its management port serves
/// `health-check-tg` and `metrics-tg`.
fn conversation_manager(
    stack: &Scope,
    inputs: &ComputeInputs,
    cluster: &Cluster,
    logs: &LogGroup,
) -> (FargateService, Value<String>) {
    let name = "conversation-manager";
    let task = task(
        stack,
        inputs,
        logs,
        (
            "ConversationManagerTask",
            name,
            registry::CONVERSATION_MANAGER,
        ),
        (1024, 2048),
        true,
    );
    let balancer = inputs.balancer;
    let target = |group, port: u16| LoadBalancerTarget::new(group, name, u32::from(port));
    let service = service(
        stack,
        inputs,
        cluster,
        ("ConversationManagerService", name),
        &task,
        inputs.conversation_manager,
        vec![
            target(&balancer.conversation_manager, TRAFFIC_PORT),
            target(&balancer.health, MANAGEMENT_PORT),
            target(&balancer.metrics, MANAGEMENT_PORT),
        ],
    );
    let counts = inputs.conversation_manager;
    let scaling = service.auto_scale_task_count(counts.min, counts.max);
    let tracking = |target: f64| TargetTracking {
        scale_out_cooldown: Some(Duration::from_secs(300)),
        scale_in_cooldown: Some(Duration::from_secs(900)),
        ..TargetTracking::new(target)
    };
    scaling.scale_on_cpu_utilization("CpuScaling", tracking(70.0));
    scaling.scale_on_memory_utilization("MemoryScaling", tracking(80.0));
    (service, scaling.resource().ref_())
}

/// Seed "Multimodal Processor": 2 vCPU, 4096 MB, desired 2 between 1 and
/// 10, CPU 80 %, memory 85 % and the multimodal queue's depth, behind
/// `multimodal-processor-tg`. Its root file system stays writable: it
/// stages media while processing it.
fn multimodal_processor(
    stack: &Scope,
    inputs: &ComputeInputs,
    cluster: &Cluster,
    logs: &LogGroup,
) -> FargateService {
    let name = "multimodal-processor";
    let task = task(
        stack,
        inputs,
        logs,
        (
            "MultimodalProcessorTask",
            name,
            registry::MULTIMODAL_PROCESSOR,
        ),
        (2048, 4096),
        false,
    );
    let service = service(
        stack,
        inputs,
        cluster,
        ("MultimodalProcessorService", name),
        &task,
        inputs.multimodal_processor,
        vec![LoadBalancerTarget::new(
            &inputs.balancer.multimodal_processor,
            name,
            u32::from(TRAFFIC_PORT),
        )],
    );
    let counts = inputs.multimodal_processor;
    let scaling = service.auto_scale_task_count(counts.min, counts.max);
    scaling.scale_on_cpu_utilization("CpuScaling", TargetTracking::new(80.0));
    scaling.scale_on_memory_utilization("MemoryScaling", TargetTracking::new(85.0));
    // "Custom Metric: Queue Depth".
    scaling.scale_to_track_custom_metric(
        "QueueDepthScaling",
        CustomMetric {
            dimensions: vec![(
                "QueueName".into(),
                inputs.messaging.multimodal_processing.queue_name(),
            )],
            statistic: Statistic::Average,
            ..CustomMetric::new("AWS/SQS", "ApproximateNumberOfMessagesVisible")
        },
        TargetTracking::new(QUEUE_DEPTH_TARGET),
    );
    service
}
