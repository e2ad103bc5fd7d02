//! Seed "Amazon ECS (Optional)": a Fargate service for long-running
//! processes that exceed Lambda's 15-minute limit (complex AI workflows),
//! scaled on CPU and memory utilization (seed "Auto-Scaling
//! Configuration": ECS CPU and memory-based scaling). Configured per
//! environment; the workers take jobs from their own queue.

use std::time::Duration;

use strata::ecs::{
    CapacityProvider, Cluster, ClusterProps, ContainerImage, ContainerInsights, ContainerProps,
    FargateService, FargateServiceProps, FargateTaskDefinition, FargateTaskDefinitionProps,
    LogDriver, TargetTracking,
};
use strata::iam::{Grant, Principal, Role, RoleProps};
use strata::logs::{LogGroup, LogGroupProps, Retention};
use strata::prelude::*;
use strata::sqs::{CustomerKey, DeadLetterQueue, Queue, QueueEncryption, QueueProps};

use crate::config::{Config, EcsConfig, MonitoringLevel};
use crate::networking::{self, Network};
use crate::security::{self, Security};
use crate::storage::Storage;

/// The ECR repository the pipeline pushes the workflow image to.
pub const REPOSITORY: &str = "investment-ai/workflows";
/// Average CPU the service scales to hold, percent.
pub const CPU_TARGET: f64 = 70.0;
/// Average memory the service scales to hold, percent.
pub const MEMORY_TARGET: f64 = 75.0;
/// How long a workflow may hold a job before another worker gets it.
pub const WORKFLOW_VISIBILITY: Duration = Duration::from_secs(2 * 3600);

/// The ECS service and what it runs on.
#[derive(Clone)]
pub struct Containers {
    /// The cluster.
    pub cluster: Cluster,
    /// The workflow service.
    pub service: FargateService,
    /// The workflows' job queue.
    pub workflows: Queue,
    /// `InvestmentAI-Ecs-TaskRole`, which the access roles trust.
    pub task_role: Role,
}

/// Builds the cluster, the workflow queue, the task with its role and log
/// group, and the service in the private subnets.
pub fn build(
    stack: &Scope,
    config: &Config,
    ecs: &EcsConfig,
    network: &Network,
    security: &Security,
    storage: &Storage,
    dead_letters: &Queue,
) -> Containers {
    let insights = config.monitoring.level >= MonitoringLevel::Enhanced;
    let cluster = Cluster::new(
        stack,
        "WorkflowCluster",
        ClusterProps {
            cluster_name: Some(format!("{}-workflows", config.prefix())),
            container_insights: if insights {
                ContainerInsights::Enabled
            } else {
                ContainerInsights::Disabled
            },
            capacity_providers: vec![CapacityProvider::Fargate],
            ..Default::default()
        },
    );
    let workflows = Queue::new(
        stack,
        "WorkflowQueue",
        QueueProps {
            queue_name: Some(format!("{}-workflows", config.prefix())),
            visibility_timeout: Some(WORKFLOW_VISIBILITY),
            dead_letter_queue: Some(DeadLetterQueue {
                queue: dead_letters.clone(),
                max_receive_count: crate::compute::MAX_RECEIVES,
            }),
            encryption: QueueEncryption::Kms(CustomerKey::Key(security.keys.messaging.clone())),
            enforce_ssl: true,
            ..Default::default()
        },
    );
    let task_role = task_role(stack, config, security, storage, &workflows);
    let task = FargateTaskDefinition::new(
        stack,
        "WorkflowTask",
        FargateTaskDefinitionProps {
            family: Some(format!("{}-workflows", config.prefix())),
            task_role: Some(task_role.clone()),
            ..FargateTaskDefinitionProps::new(ecs.cpu, ecs.memory_mib)
        },
    );
    let logs = LogGroup::new(
        stack,
        "WorkflowLogs",
        LogGroupProps {
            log_group_name: Some(format!("/ecs/{}-workflows", config.prefix())),
            retention: Retention::Days(config.lambda.log_retention_days),
            ..Default::default()
        },
    );
    let environment = vec![
        ("STAGE".to_string(), Value::from(config.stage.as_str())),
        ("WORKFLOW_QUEUE_URL".to_string(), workflows.queue_url()),
        ("IDEAS_TABLE".to_string(), storage.ideas.table_name()),
        ("DATA_BUCKET".to_string(), storage.data_bucket.bucket_name()),
        (
            "CONNECTIONS_SECRET_ARN".to_string(),
            storage.search.connections.secret_arn(),
        ),
        ("BEDROCK_ROLE_ARN".to_string(), security.roles.bedrock.arn()),
        (
            "DYNAMODB_ROLE_ARN".to_string(),
            security.roles.dynamodb.arn(),
        ),
    ];
    task.add_container(
        "workflows",
        ContainerProps {
            environment,
            logging: Some(LogDriver::aws_logs(&logs, "workflows")),
            readonly_root_filesystem: true,
            ..ContainerProps::new(ContainerImage::ecr(REPOSITORY, &ecs.image_tag))
        },
    );
    let groups: Vec<&strata::ec2::SecurityGroup> = network.groups.ecs.iter().collect();
    let service = FargateService::new(
        stack,
        "WorkflowService",
        FargateServiceProps {
            service_name: Some(format!("{}-workflows", config.prefix())),
            desired_count: Some(ecs.min_tasks),
            ..FargateServiceProps::new(
                &cluster,
                &task,
                network
                    .vpc
                    .subnet_ids(networking::PRIVATE)
                    .unwrap_or_default(),
                &groups,
            )
        },
    );
    let scaling = service.auto_scale_task_count(ecs.min_tasks, ecs.max_tasks);
    scaling.scale_on_cpu_utilization("CpuScaling", TargetTracking::new(CPU_TARGET));
    scaling.scale_on_memory_utilization("MemoryScaling", TargetTracking::new(MEMORY_TARGET));
    Containers {
        cluster,
        service,
        workflows,
        task_role,
    }
}

/// `InvestmentAI-Ecs-TaskRole`: like the Lambda execution role, it assumes
/// the access roles for models and tables, and uses the stores directly.
fn task_role(
    stack: &Scope,
    config: &Config,
    security: &Security,
    storage: &Storage,
    workflows: &Queue,
) -> Role {
    let role = Role::new(
        stack,
        "WorkflowTaskRole",
        RoleProps {
            role_name: Some(security::ecs_task_role_name(config)),
            description: Some("Task role of the investment agent's workflow containers".into()),
            ..RoleProps::new(Principal::service("ecs-tasks.amazonaws.com"))
        },
    );
    Grant::to_principal(
        &role,
        &["sts:AssumeRole"],
        vec![security.roles.bedrock.arn(), security.roles.dynamodb.arn()],
    );
    workflows.grant_consume_messages(&role);
    storage.data_bucket.grant_read_write(&role);
    storage.search.domain.grant_read_write(&role);
    storage.search.connections.grant_read(&role);
    role
}
