//! Seed section "Security and Network Infrastructure / Encryption
//! Infrastructure": the AgentContextKey and the multi-Region
//! InvestigationDataKey (symmetric, `ENCRYPT_DECRYPT`, rotation on) with
//! the key policy the seed lists, the OpenSearch domain's
//! `alias/opensearch-key`, a key for the log groups the seed's "Log
//! Management" wants KMS encrypted, and one for the event and alert topics.
//!
//! With a standby region both context keys are multi-Region keys made by
//! [`strata::dr::MultiRegionDR`] (replicated tables and buckets need the
//! same key in each Region; the AgentContextKey encrypts replicated tables,
//! so it is multi-Region too); without one they are regional keys here.
//!
//! Key policies cannot name the execution roles (they are created later,
//! in the platform stack, and KMS rejects principals that do not exist
//! yet), so "Allow Lambda functions" admits the account's roles named
//! `threat-agent-*` through `aws:PrincipalArn`.

use strata::dr::{MultiRegionDR, MultiRegionKey};
use strata::iam::{PolicyDocument, PolicyResource, PolicyStatement, Principal};
use strata::kms::{Key, KeyProps, KeySpec, KeyUsage};
use strata::prelude::*;

/// The prefix of the execution roles the keys admit.
pub const ROLE_PREFIX: &str = "threat-agent-";

/// The keys one region's resources use, by ARN in that region.
#[derive(Clone)]
pub struct Keys {
    /// AgentContextKey: the context tables, the context archive and the agents.
    pub agent_context: Value<String>,
    /// InvestigationDataKey: investigation evidence.
    pub investigation_data: Value<String>,
    /// `alias/opensearch-key`: the knowledge base domain.
    pub opensearch: Value<String>,
    /// The log groups' key.
    pub logs: Value<String>,
    /// The event and alert topics' key.
    pub messaging: Key,
}

/// The actions a service uses a key with on the account's behalf.
const USE: [&str; 6] = [
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "kms:CreateGrant",
    "kms:DescribeKey",
];

fn administration() -> PolicyStatement {
    PolicyStatement::allow()
        .sid("AccountAdministration")
        .action("kms:*")
        .principal(Principal::account_root())
        .all_resources()
}

/// Use of the key through `service` (such as `dynamodb`) by the account.
fn via_service(sid: &str, service: &str) -> PolicyStatement {
    PolicyStatement::allow()
        .sid(sid)
        .actions(USE)
        .principal(Principal::any())
        .all_resources()
        .condition("StringEquals", "kms:CallerAccount", [Fn::account_id()])
        .condition(
            "StringEquals",
            "kms:ViaService",
            [Fn::sub(&format!(
                "{service}.${{AWS::Region}}.amazonaws.com"
            ))],
        )
}

/// Use of the key by the account's `threat-agent-*` roles.
fn app_roles(sid: &str) -> PolicyStatement {
    PolicyStatement::allow()
        .sid(sid)
        .actions(USE)
        .principal(Principal::account_root())
        .all_resources()
        .condition(
            "ArnLike",
            "aws:PrincipalArn",
            [Fn::sub(&format!(
                "arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/{ROLE_PREFIX}*"
            ))],
        )
}

/// A service principal's use of the key for this account's resources.
fn service(sid: &str, principal: &str, actions: &[&str]) -> PolicyStatement {
    PolicyStatement::allow()
        .sid(sid)
        .actions(actions.iter().copied())
        .principal(Principal::service(principal))
        .all_resources()
        .condition("StringEquals", "aws:SourceAccount", [Fn::account_id()])
}

/// The seed's AgentContextKey policy beyond administration: the Bedrock
/// agents, the Lambda functions and DynamoDB may use the key (and S3, for
/// the context archive).
fn agent_context_statements() -> Vec<PolicyStatement> {
    vec![
        service(
            "AllowBedrockAgentsToUseKey",
            "bedrock.amazonaws.com",
            &["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
        ),
        app_roles("AllowLambdaFunctionsToUseKey"),
        via_service("AllowDynamoDBToUseKey", "dynamodb"),
        via_service("AllowS3ToUseKey", "s3"),
    ]
}

/// Investigation evidence is read and written by the tools and replicated
/// by S3.
fn investigation_data_statements() -> Vec<PolicyStatement> {
    vec![
        app_roles("AllowLambdaFunctionsToUseKey"),
        via_service("AllowS3ToUseKey", "s3"),
    ]
}

fn policy(statements: Vec<PolicyStatement>) -> PolicyDocument {
    statements.into_iter().fold(
        PolicyDocument::new().with_statement(administration()),
        |d, s| d.with_statement(s),
    )
}

/// Symmetric, encrypt/decrypt, rotated, with an alias and a policy.
fn key_props(alias: &str, description: &str, policy: PolicyDocument) -> KeyProps {
    KeyProps {
        description: Some(description.into()),
        alias: Some(alias.into()),
        enable_key_rotation: Some(true),
        key_spec: Some(KeySpec::SymmetricDefault),
        key_usage: Some(KeyUsage::EncryptDecrypt),
        policy: Some(policy),
        ..Default::default()
    }
}

fn agent_context_props() -> KeyProps {
    key_props(
        "alias/threat-agent/agent-context",
        "AI Agent context data encryption",
        policy(agent_context_statements()),
    )
}

fn investigation_data_props() -> KeyProps {
    key_props(
        "alias/threat-agent/investigation-data",
        "Investigation evidence encryption",
        policy(investigation_data_statements()),
    )
}

/// The two context keys of a region without a standby, in `stack`.
pub fn regional_context_keys(stack: &Scope) -> (Value<String>, Value<String>) {
    let context = Key::new(stack, "AgentContextKey", agent_context_props());
    let evidence = Key::new(
        stack,
        "InvestigationDataKey",
        KeyProps {
            multi_region: false,
            ..investigation_data_props()
        },
    );
    (context.key_arn(), evidence.key_arn())
}

/// The two context keys as multi-Region keys of `dr` (the seed's
/// `MultiRegion: true`), with the seed's statements in both Regions' key
/// policies.
pub fn multi_region_context_keys(dr: &MultiRegionDR) -> (MultiRegionKey, MultiRegionKey) {
    let context = dr.multi_region_key("AgentContextKey", agent_context_props());
    for s in agent_context_statements() {
        context.replica().add_to_resource_policy(s);
    }
    let evidence = dr.multi_region_key("InvestigationDataKey", investigation_data_props());
    for s in investigation_data_statements() {
        evidence.replica().add_to_resource_policy(s);
    }
    (context, evidence)
}

/// The keys every region has of its own, in `stack`: OpenSearch, logs and
/// messaging; with the context keys given, the region's [`Keys`].
pub fn build(
    stack: &Scope,
    agent_context: Value<String>,
    investigation_data: Value<String>,
) -> Keys {
    let region = stack.env().region.unwrap_or_default();
    let opensearch = Key::new(
        stack,
        "OpenSearchKey",
        key_props(
            "alias/opensearch-key",
            "OpenSearch knowledge base encryption at rest",
            policy(vec![via_service("AllowOpenSearchToUseKey", "es")]),
        ),
    );
    let logs = Key::new(
        stack,
        "LogsKey",
        key_props(
            "alias/threat-agent/logs",
            "CloudWatch Logs encryption of the agent, tool, workflow and audit logs",
            policy(vec![logs_statement(&region)]),
        ),
    );
    let publish = ["kms:Decrypt", "kms:GenerateDataKey*"];
    let messaging = Key::new(
        stack,
        "MessagingKey",
        key_props(
            "alias/threat-agent/messaging",
            "SNS encryption of the emergency and alert topics",
            policy(vec![
                service(
                    "AllowEventBridgeToPublish",
                    "events.amazonaws.com",
                    &publish,
                ),
                service(
                    "AllowCloudWatchAlarmsToPublish",
                    "cloudwatch.amazonaws.com",
                    &publish,
                ),
                app_roles("AllowLambdaFunctionsToPublish"),
            ]),
        ),
    );
    Keys {
        agent_context,
        investigation_data,
        opensearch: opensearch.key_arn(),
        logs: logs.key_arn(),
        messaging,
    }
}

/// CloudWatch Logs encrypts the groups of this account and region.
fn logs_statement(region: &str) -> PolicyStatement {
    PolicyStatement::allow()
        .sid("AllowCloudWatchLogs")
        .actions([
            "kms:Encrypt*",
            "kms:Decrypt*",
            "kms:ReEncrypt*",
            "kms:GenerateDataKey*",
            "kms:Describe*",
        ])
        .principal(Principal::service(&format!("logs.{region}.amazonaws.com")))
        .all_resources()
        .condition(
            "ArnLike",
            "kms:EncryptionContext:aws:logs:arn",
            [Fn::sub(
                "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*",
            )],
        )
}
