//! Seed section "Security and Network Infrastructure / Identity and Access
//! Management": the BedrockAgentExecutionRole and the
//! LambdaToolExecutionRole with the seed's managed and inline policies,
//! each inline policy limited to the resources it names.
//!
//! Both roles are named `threat-agent-…-<region>` so the keys of
//! [`crate::security`] admit them, and live in the platform stack with
//! the functions and agents that use them (a function waits for its
//! role's policy, which CloudFormation can only order within a stack).

use strata::iam::{PolicyDocument, PolicyStatement, Principal, Role, RoleProps};
use strata::prelude::*;

use crate::models::{self, HAIKU, SONNET};
use crate::security::{Keys, ROLE_PREFIX};
use crate::storage::{Stores, TableRef};

/// The actions of an encrypted store's reader and writer.
const KEY_USE: [&str; 3] = ["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"];

fn table_and_indexes(t: &TableRef) -> [Value<String>; 2] {
    [
        t.arn.clone(),
        Fn::join("", [t.arn.clone(), "/index/*".into()]),
    ]
}

fn objects(arn: Value<String>) -> Value<String> {
    Fn::join("", [arn, "/*".into()])
}

fn role_name(scope: &Scope, what: &str) -> String {
    let region = scope.env().region.unwrap_or_default();
    format!("{ROLE_PREFIX}{what}-{region}")
}

/// LambdaToolExecutionRole: assumed by Lambda, with
/// `AWSLambdaVPCAccessExecutionRole` (attached by the functions, which run
/// in the VPC) and the inline BedrockInvokePolicy, DynamoDBCRUDPolicy,
/// S3ReadWritePolicy and OpenSearchAccessPolicy, plus what the AWS service
/// and notification tools call (ToolActionsPolicy).
pub fn lambda_tool_role(
    scope: &Scope,
    keys: &Keys,
    stores: &Stores,
    tool_actions: PolicyDocument,
) -> Role {
    let tables = [
        &stores.global_context,
        &stores.investigation_context,
        &stores.agent_context,
    ];
    let mut crud = PolicyDocument::new().with_statement(
        PolicyStatement::allow()
            .sid("ContextTablesCrud")
            .actions([
                "dynamodb:GetItem",
                "dynamodb:BatchGetItem",
                "dynamodb:Query",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:BatchWriteItem",
                "dynamodb:ConditionCheckItem",
                "dynamodb:DescribeTable",
            ])
            .resources(tables.iter().flat_map(|t| table_and_indexes(t))),
    );
    crud.add_statement(
        PolicyStatement::allow()
            .sid("ContextKey")
            .actions(KEY_USE)
            .resource(keys.agent_context.clone()),
    );
    if let Some(dax) = &stores.dax {
        crud.add_statement(
            PolicyStatement::allow()
                .sid("ContextCacheThroughDax")
                .actions([
                    "dax:GetItem",
                    "dax:BatchGetItem",
                    "dax:Query",
                    "dax:PutItem",
                    "dax:UpdateItem",
                    "dax:DeleteItem",
                    "dax:BatchWriteItem",
                    "dax:ConditionCheckItem",
                ])
                .resource(dax.cluster_arn()),
        );
    }
    let buckets = [&stores.context_archive, &stores.evidence];
    let s3 = PolicyDocument::new()
        .with_statement(
            PolicyStatement::allow()
                .sid("ObjectsReadWrite")
                .actions(["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"])
                .resources(buckets.iter().map(|b| objects(b.bucket_arn()))),
        )
        .with_statement(
            PolicyStatement::allow()
                .sid("ListBuckets")
                .action("s3:ListBucket")
                .resources(buckets.iter().map(|b| b.bucket_arn())),
        )
        .with_statement(
            PolicyStatement::allow()
                .sid("BucketKeys")
                .actions(KEY_USE)
                .resources([keys.agent_context.clone(), keys.investigation_data.clone()]),
        );
    let search = PolicyDocument::new().with_statement(
        PolicyStatement::allow()
            .sid("KnowledgeBaseDomain")
            .actions([
                "es:ESHttpGet",
                "es:ESHttpHead",
                "es:ESHttpPost",
                "es:ESHttpPut",
            ])
            .resource(objects(stores.search.domain_arn())),
    );
    let bedrock = PolicyDocument::new().with_statement(models::invoke_statement(&[SONNET, HAIKU]));
    Role::new(
        scope,
        "LambdaToolExecutionRole",
        RoleProps {
            role_name: Some(role_name(scope, "lambda-tools")),
            description: Some("LambdaToolExecutionRole: the agents' tool functions".into()),
            inline_policies: vec![
                ("BedrockInvokePolicy".into(), bedrock),
                ("DynamoDBCRUDPolicy".into(), crud),
                ("S3ReadWritePolicy".into(), s3),
                ("OpenSearchAccessPolicy".into(), search),
                ("ToolActionsPolicy".into(), tool_actions),
            ],
            ..RoleProps::new(Principal::service("lambda.amazonaws.com"))
        },
    )
}

/// What the AWS service tools and the notification tools call: read-only
/// EC2, VPC and IAM inspection; instance isolation and evidence snapshots
/// in this account and region; events on `bus_arn`, messages to
/// `topic_arns`; and the seed's custom metrics.
pub fn tool_actions(bus_arn: Value<String>, topic_arns: Vec<Value<String>>) -> PolicyDocument {
    PolicyDocument::new()
        .with_statement(
            PolicyStatement::allow()
                .sid("InspectEc2VpcIam")
                .actions([
                    "ec2:DescribeInstances",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeVpcs",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeFlowLogs",
                    "iam:GetRole",
                    "iam:GetUser",
                    "iam:ListAttachedRolePolicies",
                    "iam:ListAccessKeys",
                ])
                .all_resources(),
        )
        .with_statement(
            PolicyStatement::allow()
                .sid("IsolateInstances")
                .actions([
                    "ec2:ModifyInstanceAttribute",
                    "ec2:CreateSnapshot",
                    "ec2:CreateTags",
                ])
                .resources([
                    Fn::sub(
                        "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*",
                    ),
                    Fn::sub("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:volume/*"),
                    Fn::sub("arn:${AWS::Partition}:ec2:${AWS::Region}::snapshot/*"),
                ]),
        )
        .with_statement(
            PolicyStatement::allow()
                .sid("PublishEvents")
                .action("events:PutEvents")
                .resource(bus_arn),
        )
        .with_statement(
            PolicyStatement::allow()
                .sid("PublishNotifications")
                .action("sns:Publish")
                .resources(topic_arns),
        )
        .with_statement(
            PolicyStatement::allow()
                .sid("CustomMetrics")
                .action("cloudwatch:PutMetricData")
                .all_resources()
                .condition(
                    "StringLike",
                    "cloudwatch:namespace",
                    ["AI.Agent", "AI.Context", "AI.Investigation"],
                ),
        )
}

/// BedrockAgentExecutionRole: assumed by Bedrock for this account's
/// agents, with the inline LambdaInvokePolicy (the tools),
/// DynamoDBAccessPolicy (reading context), S3AccessPolicy (reading the
/// archive and evidence) and KnowledgeBasePolicy (retrieval).
///
/// The seed also attaches `AmazonBedrockAgentServiceRolePolicy`, which is
/// not an AWS managed policy (agent service roles carry their own model
/// permissions); the inline BedrockModelPolicy grants what it would: the
/// agents' models.
pub fn bedrock_agent_role(
    scope: &Scope,
    keys: &Keys,
    stores: &Stores,
    tool_arns: Vec<Value<String>>,
    knowledge_base_arn: Value<String>,
) -> Role {
    let lambda = PolicyDocument::new().with_statement(
        PolicyStatement::allow()
            .sid("InvokeTools")
            .action("lambda:InvokeFunction")
            .resources(tool_arns),
    );
    let tables = [
        &stores.global_context,
        &stores.investigation_context,
        &stores.agent_context,
    ];
    let dynamodb = PolicyDocument::new()
        .with_statement(
            PolicyStatement::allow()
                .sid("ReadContext")
                .actions([
                    "dynamodb:GetItem",
                    "dynamodb:Query",
                    "dynamodb:BatchGetItem",
                ])
                .resources(tables.iter().flat_map(|t| table_and_indexes(t))),
        )
        .with_statement(
            PolicyStatement::allow()
                .sid("ContextKey")
                .actions(["kms:Decrypt", "kms:DescribeKey"])
                .resource(keys.agent_context.clone()),
        );
    let buckets = [&stores.context_archive, &stores.evidence];
    let s3 = PolicyDocument::new()
        .with_statement(
            PolicyStatement::allow()
                .sid("ReadObjects")
                .action("s3:GetObject")
                .resources(buckets.iter().map(|b| objects(b.bucket_arn()))),
        )
        .with_statement(
            PolicyStatement::allow()
                .sid("BucketKeys")
                .action("kms:Decrypt")
                .resources([keys.agent_context.clone(), keys.investigation_data.clone()]),
        );
    let knowledge_base = PolicyDocument::new().with_statement(
        PolicyStatement::allow()
            .sid("RetrieveThreatIntelligence")
            .actions(["bedrock:Retrieve", "bedrock:RetrieveAndGenerate"])
            .resource(knowledge_base_arn),
    );
    let model = PolicyDocument::new()
        .with_statement(models::invoke_statement(&[SONNET, HAIKU]))
        .with_statement(
            PolicyStatement::allow()
                .sid("AgentSessionKey")
                .actions(["kms:Decrypt", "kms:GenerateDataKey*"])
                .resource(keys.agent_context.clone()),
        );
    let agents = Fn::sub("arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:agent/*");
    Role::new(
        scope,
        "BedrockAgentExecutionRole",
        RoleProps {
            role_name: Some(role_name(scope, "bedrock-agents")),
            description: Some("BedrockAgentExecutionRole: the five threat response agents".into()),
            inline_policies: vec![
                ("BedrockModelPolicy".into(), model),
                ("LambdaInvokePolicy".into(), lambda),
                ("DynamoDBAccessPolicy".into(), dynamodb),
                ("S3AccessPolicy".into(), s3),
                ("KnowledgeBasePolicy".into(), knowledge_base),
            ],
            ..RoleProps::new(
                Principal::service("bedrock.amazonaws.com")
                    .with_condition("StringEquals", "aws:SourceAccount", [Fn::account_id()])
                    .with_condition("ArnLike", "aws:SourceArn", [agents]),
            )
        },
    )
}
