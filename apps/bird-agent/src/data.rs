//! The data tier of seed 000: three KMS keys with aliases, the media, logs
//! and config buckets with their lifecycles, and the sessions, events and
//! configurations tables.
//!
//! Every stateful resource is retained on delete and on replacement.

use strata::dynamodb::{
    Attribute, Billing, GlobalSecondaryIndex, Scaling, StreamView, Table, TableProps,
};
use strata::iam::{PolicyDocument, PolicyStatement, Principal};
use strata::kms::{Key, KeyProps};
use strata::prelude::*;
use strata::s3::{Bucket, BucketEncryption, BucketProps, LifecycleRule, StorageClass};

/// The customer managed keys, by purpose.
pub struct Keys {
    /// Aurora storage encryption (alias/bird-agent/rds).
    pub rds: Key,
    /// S3 encryption (alias/bird-agent/s3).
    pub s3: Key,
    /// Secrets Manager encryption (alias/bird-agent/secrets).
    pub secrets: Key,
}

/// What the rest of the app needs from the data tier.
pub struct Data {
    /// The KMS keys.
    pub keys: Keys,
    /// agent-media, agent-logs and agent-config buckets.
    pub buckets: [Bucket; 3],
    /// agent-sessions, agent-events and agent-configurations tables.
    pub tables: [Table; 3],
}

/// Builds the data tier in `stack`.
pub fn build(stack: &Scope) -> Data {
    let keys = Keys {
        rds: key(
            stack,
            "RdsKey",
            "rds",
            "Encryption key for RDS Aurora",
            "rds",
        ),
        s3: key(stack, "S3Key", "s3", "Encryption key for S3 buckets", "s3"),
        secrets: key(
            stack,
            "SecretsKey",
            "secrets",
            "Encryption key for Secrets Manager",
            "secretsmanager",
        ),
    };
    let name = |n: &str| {
        Some(Fn::sub(&format!(
            "{n}-${{AWS::AccountId}}-${{AWS::Region}}"
        )))
    };
    let buckets = [
        Bucket::new(
            stack,
            "AgentMediaBucket",
            BucketProps {
                bucket_name: name("agent-media-bucket"),
                versioned: true,
                lifecycle_rules: vec![
                    LifecycleRule::new("media-tiering")
                        .abort_incomplete_uploads_after(7)
                        .transition(StorageClass::StandardIa, 30)
                        .transition(StorageClass::Glacier, 90)
                        .expire_after(365),
                    LifecycleRule::new("temp-retention")
                        .prefix("temp/")
                        .expire_after(7),
                ],
                ..Default::default()
            },
        ),
        Bucket::new(
            stack,
            "AgentLogsBucket",
            BucketProps {
                bucket_name: name("agent-logs-bucket"),
                lifecycle_rules: vec![LifecycleRule::new("logs-tiering")
                    .transition(StorageClass::StandardIa, 30)
                    .transition(StorageClass::Glacier, 180)
                    .expire_after(2555)],
                ..Default::default()
            },
        ),
        Bucket::new(
            stack,
            "AgentConfigBucket",
            BucketProps {
                bucket_name: name("agent-config-bucket"),
                encryption: BucketEncryption::Kms(keys.s3.key_arn()),
                versioned: true,
                ..Default::default()
            },
        ),
    ];
    let tables = tables(stack);
    Data {
        keys,
        buckets,
        tables,
    }
}

/// A key policy giving the account's administrators full control and the
/// named AWS service use of the key on the account's behalf.
fn key_policy(service: &str) -> PolicyDocument {
    PolicyDocument::new()
        .with_statement(
            PolicyStatement::allow()
                .sid("AccountAdministration")
                .action("kms:*")
                .principal(Principal::account_root())
                .all_resources(),
        )
        .with_statement(
            PolicyStatement::allow()
                .sid("ServiceUse")
                .actions([
                    "kms:Encrypt",
                    "kms:Decrypt",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:CreateGrant",
                    "kms:DescribeKey",
                ])
                .principal(Principal::any())
                .all_resources()
                .condition("StringEquals", "kms:CallerAccount", [Fn::account_id()])
                .condition(
                    "StringEquals",
                    "kms:ViaService",
                    [Fn::sub(&format!(
                        "{service}.${{AWS::Region}}.amazonaws.com"
                    ))],
                ),
        )
}

fn key(stack: &Scope, id: &str, alias: &str, description: &str, service: &str) -> Key {
    Key::new(
        stack,
        id,
        KeyProps {
            description: Some(description.into()),
            alias: Some(format!("alias/bird-agent/{alias}")),
            policy: Some(key_policy(service)),
            ..Default::default()
        },
    )
}

fn tables(stack: &Scope) -> [Table; 3] {
    let string = Attribute::string;
    let sessions = Table::new(
        stack,
        "AgentSessionsTable",
        TableProps {
            table_name: Some("agent-sessions".into()),
            sort_key: Some(string("timestamp")),
            global_indexes: vec![GlobalSecondaryIndex::new("UserIndex", string("userId"))],
            stream: Some(StreamView::NewAndOldImages),
            ttl_attribute: Some("ttl".into()),
            ..TableProps::new(string("sessionId"))
        },
    );
    let events = Table::new(
        stack,
        "AgentEventsTable",
        TableProps {
            table_name: Some("agent-events".into()),
            global_indexes: vec![
                GlobalSecondaryIndex::new("TimestampIndex", string("date"))
                    .sort_key(string("timestamp")),
                GlobalSecondaryIndex::new("TypeIndex", string("eventType"))
                    .sort_key(string("timestamp")),
            ],
            stream: Some(StreamView::NewAndOldImages),
            ..TableProps::new(string("eventId"))
        },
    );
    // Provisioned 10/5, scaled between 5 and 200 units at 70 % utilisation.
    let scaling = || Some(Scaling::new(5, 200, 70.0));
    let configurations = Table::new(
        stack,
        "AgentConfigurationsTable",
        TableProps {
            table_name: Some("agent-configurations".into()),
            billing: Billing::Provisioned {
                read: 10,
                write: 5,
                read_scaling: scaling(),
                write_scaling: scaling(),
            },
            ..TableProps::new(string("configId"))
        },
    );
    [sessions, events, configurations]
}
