//! Seed section "IAM Roles and Policies": the ECS task execution role,
//! the ECS task role and the Lambda execution role, named as the seed
//! names them (each environment has its own account, seed "Multi-Account
//! Strategy", so the names do not collide), trusted by the seed's service
//! principals, with least-privilege policies on the app's own resources.
//! (The API Gateway execution role is in [`crate::edge`].)
//!
//! The seed's "Custom ECR Access Policy" and "Custom CloudWatch Logs
//! Policy" on the execution role are the grants the task definitions add
//! for their images and log groups; the AWS managed
//! `AmazonECSTaskExecutionRolePolicy` the seed also names is attached.

use strata::iam::{ManagedPolicy, PolicyStatement, Principal, Role, RoleProps};
use strata::prelude::*;
use strata::secrets::Secret;

use crate::data::Data;
use crate::messaging::Messaging;

/// The three roles.
#[derive(Clone)]
pub struct Roles {
    /// BirdAgentECSTaskExecutionRole: pulls images, writes container logs,
    /// reads the secrets injected into containers.
    pub task_execution: Role,
    /// BirdAgentECSTaskRole: what the containers call.
    pub task: Role,
    /// BirdAgentLambdaExecutionRole: what the functions call.
    pub lambda: Role,
}

/// The Bedrock foundation models and inference profiles of the stack's
/// region; the seed names no model, so every model is allowed but only
/// for invocation.
pub fn bedrock_models() -> [Value<String>; 2] {
    [
        Fn::sub("arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/*"),
        Fn::sub(
            "arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:inference-profile/*",
        ),
    ]
}

fn bedrock_invoke() -> PolicyStatement {
    PolicyStatement::allow()
        .sid("BedrockInvokeModel")
        .actions([
            "bedrock:InvokeModel",
            "bedrock:InvokeModelWithResponseStream",
        ])
        .resources(bedrock_models())
}

/// Builds the roles; `secrets` are the application secrets the tasks read.
pub fn build(stack: &Scope, data: &Data, messaging: &Messaging, secrets: &[&Secret]) -> Roles {
    let ecs_tasks = || Principal::service("ecs-tasks.amazonaws.com");
    let task_execution = Role::new(
        stack,
        "EcsTaskExecutionRole",
        RoleProps {
            role_name: Some("BirdAgentECSTaskExecutionRole".into()),
            description: Some("Pulls the agent's images and writes its container logs".into()),
            managed_policies: vec![ManagedPolicy::aws(
                "service-role/AmazonECSTaskExecutionRolePolicy",
            )],
            ..RoleProps::new(ecs_tasks())
        },
    );
    let task = Role::new(
        stack,
        "EcsTaskRole",
        RoleProps {
            role_name: Some("BirdAgentECSTaskRole".into()),
            description: Some("What the conversation manager and multimodal processor call".into()),
            ..RoleProps::new(ecs_tasks())
        },
    );
    // Bedrock Invoke Model Policy.
    task.add_to_policy(bedrock_invoke());
    // Rekognition Access Policy: the image and video analysis calls take
    // no resource ARN, so they are the only actions allowed.
    task.add_to_policy(
        PolicyStatement::allow()
            .sid("RekognitionAnalysis")
            .actions([
                "rekognition:DetectLabels",
                "rekognition:DetectText",
                "rekognition:DetectModerationLabels",
                "rekognition:DetectFaces",
            ])
            .all_resources(),
    );
    // S3 Media Bucket Policy.
    data.buckets[0].grant_read_write(&task);
    // DynamoDB Access Policy: the three tables.
    for table in &data.tables {
        table.grant_read_write_data(&task);
    }
    // Secrets Manager Access Policy: the application secrets, the
    // database credentials and the Redis AUTH token.
    for secret in secrets {
        secret.grant_read(&task);
    }
    if let Some(db) = data.aurora.secret() {
        db.grant_read(&task);
    }
    data.redis_token.grant_read(&task);
    // The queues the services share work through, and the bus.
    for queue in [
        &messaging.message_processing,
        &messaging.multimodal_processing,
        &messaging.high_priority,
    ] {
        queue.grant_consume_messages(&task);
    }
    messaging.multimodal_processing.grant_send_messages(&task);
    messaging.high_priority.grant_send_messages(&task);
    messaging.bus.grant_put_events_to(&task);

    let lambda = Role::new(
        stack,
        "LambdaExecutionRole",
        RoleProps {
            role_name: Some("BirdAgentLambdaExecutionRole".into()),
            description: Some("Execution role of the agent's functions".into()),
            managed_policies: vec![ManagedPolicy::aws(
                "service-role/AWSLambdaVPCAccessExecutionRole",
            )],
            ..RoleProps::new(Principal::service("lambda.amazonaws.com"))
        },
    );
    // Custom DynamoDB Access Policy: the events and sessions tables.
    data.tables[0].grant_read_write_data(&lambda);
    data.tables[1].grant_read_write_data(&lambda);
    // Custom S3 Access Policy: the media bucket.
    data.buckets[0].grant_read_write(&lambda);
    // Custom EventBridge Policy: publishing to the agent's bus.
    messaging.bus.grant_put_events_to(&lambda);
    // The event processor notifies through `SNS_TOPIC`; the multimodal
    // analysis function calls Bedrock (`BEDROCK_REGION`).
    messaging.notifications.grant_publish(&lambda);
    lambda.add_to_policy(bedrock_invoke());
    Roles {
        task_execution,
        task,
        lambda,
    }
}
