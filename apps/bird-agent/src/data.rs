//! The data tier of seed 000: three KMS keys with aliases, the media, logs
//! and config buckets with their lifecycles, and the sessions, events and
//! configurations tables.
//!
//! Every stateful resource is retained on delete and on replacement.

use serde_json::json;
use strata::cfn::kms;
use strata::cfn::s3;
use strata::dynamodb::{
    Attribute, Billing, GlobalSecondaryIndex, Scaling, StreamView, Table, TableProps,
};
use strata::prelude::*;
use strata::Raw;

/// The customer managed keys, by purpose.
pub struct Keys {
    /// Aurora storage encryption (alias/bird-agent/rds).
    pub rds: kms::KeyRef,
    /// S3 encryption (alias/bird-agent/s3).
    pub s3: kms::KeyRef,
    /// Secrets Manager encryption (alias/bird-agent/secrets).
    pub secrets: kms::KeyRef,
}

/// What the rest of the app needs from the data tier.
pub struct Data {
    /// The KMS keys.
    pub keys: Keys,
    /// agent-media, agent-logs and agent-config buckets.
    pub buckets: [s3::BucketRef; 3],
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
    let buckets = [
        bucket(
            stack,
            "AgentMediaBucket",
            "agent-media-bucket",
            BucketSpec {
                kms_key: None,
                versioned: true,
                rules: vec![
                    lifecycle(
                        "media-tiering",
                        None,
                        Some(7),
                        &[("STANDARD_IA", 30), ("GLACIER", 90)],
                        Some(365),
                    ),
                    lifecycle("temp-retention", Some("temp/"), None, &[], Some(7)),
                ],
            },
        ),
        bucket(
            stack,
            "AgentLogsBucket",
            "agent-logs-bucket",
            BucketSpec {
                kms_key: None,
                versioned: false,
                rules: vec![lifecycle(
                    "logs-tiering",
                    None,
                    None,
                    &[("STANDARD_IA", 30), ("GLACIER", 180)],
                    Some(2555),
                )],
            },
        ),
        bucket(
            stack,
            "AgentConfigBucket",
            "agent-config-bucket",
            BucketSpec {
                kms_key: Some(&keys.s3),
                versioned: true,
                rules: Vec::new(),
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
fn key_policy(service: &str) -> Json {
    json!({
        "Statement": [
            {
                "Sid": "AccountAdministration",
                "Action": "kms:*",
                "Effect": "Allow",
                "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
                "Resource": "*"
            },
            {
                "Sid": "ServiceUse",
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"],
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Resource": "*",
                "Condition": {
                    "StringEquals": {
                        "kms:CallerAccount": {"Ref": "AWS::AccountId"},
                        "kms:ViaService": {"Fn::Sub": format!("{service}.${{AWS::Region}}.amazonaws.com")}
                    }
                }
            }
        ],
        "Version": "2012-10-17"
    })
}

fn key(stack: &Scope, id: &str, alias: &str, description: &str, service: &str) -> kms::KeyRef {
    let scope = stack.child(id);
    let key = scope.resource_with(
        "Resource",
        kms::Key {
            description: Some(description.into()),
            enable_key_rotation: Some(true.into()),
            key_policy: Some(key_policy(service).into()),
            ..kms::Key::default()
        },
        ResourceOptions::removal(RemovalPolicy::Retain),
    );
    scope.child("Alias").resource(
        "Resource",
        kms::Alias::new(format!("alias/bird-agent/{alias}"), key.arn()),
    );
    key
}

struct BucketSpec<'a> {
    kms_key: Option<&'a kms::KeyRef>,
    versioned: bool,
    rules: Vec<Value<s3::bucket::RuleProperty>>,
}

fn lifecycle(
    id: &str,
    prefix: Option<&str>,
    abort_incomplete_after: Option<i64>,
    transitions: &[(&str, i64)],
    expire_after: Option<i64>,
) -> Value<s3::bucket::RuleProperty> {
    s3::bucket::RuleProperty {
        id: Some(id.into()),
        prefix: prefix.map(Value::from),
        abort_incomplete_multipart_upload: abort_incomplete_after
            .map(|d| s3::bucket::AbortIncompleteMultipartUpload::new(d).into()),
        transitions: (!transitions.is_empty()).then(|| {
            Value::list(
                transitions
                    .iter()
                    .map(|(class, days)| s3::bucket::Transition {
                        transition_in_days: Some((*days).into()),
                        ..s3::bucket::Transition::new(*class)
                    }),
            )
        }),
        expiration_in_days: expire_after.map(Value::from),
        ..s3::bucket::RuleProperty::new("Enabled")
    }
    .into()
}

fn bucket(stack: &Scope, id: &str, name: &str, spec: BucketSpec<'_>) -> s3::BucketRef {
    let scope = stack.child(id);
    let default_encryption = match spec.kms_key {
        Some(key) => s3::bucket::ServerSideEncryptionByDefault {
            kms_master_key_id: Some(key.arn()),
            ..s3::bucket::ServerSideEncryptionByDefault::new("aws:kms")
        },
        None => s3::bucket::ServerSideEncryptionByDefault::new("AES256"),
    };
    let bucket = scope.resource_with(
        "Resource",
        s3::Bucket {
            bucket_name: Some(Fn::sub(&format!(
                "{name}-${{AWS::AccountId}}-${{AWS::Region}}"
            ))),
            bucket_encryption: Some(
                s3::bucket::BucketEncryption::new(Value::list([
                    s3::bucket::ServerSideEncryptionRule {
                        bucket_key_enabled: spec.kms_key.map(|_| true.into()),
                        server_side_encryption_by_default: Some(default_encryption.into()),
                        ..Default::default()
                    },
                ]))
                .into(),
            ),
            lifecycle_configuration: (!spec.rules.is_empty())
                .then(|| s3::bucket::LifecycleConfiguration::new(Value::Lit(spec.rules)).into()),
            public_access_block_configuration: Some(
                s3::bucket::PublicAccessBlockConfiguration {
                    block_public_acls: Some(true.into()),
                    block_public_policy: Some(true.into()),
                    ignore_public_acls: Some(true.into()),
                    restrict_public_buckets: Some(true.into()),
                }
                .into(),
            ),
            versioning_configuration: spec
                .versioned
                .then(|| s3::bucket::VersioningConfiguration::new("Enabled").into()),
            ..s3::Bucket::default()
        },
        ResourceOptions::removal(RemovalPolicy::Retain),
    );
    // Deny any request that does not use TLS (the CDK's `enforceSSL`).
    let objects = Fn::sub_with("${Arn}/*", [("Arn", bucket.arn())]);
    scope.child("Policy").resource(
        "Resource",
        s3::BucketPolicy::new(
            bucket.ref_(),
            Value::expr(Raw::object([
                (
                    "Statement",
                    Raw::List(vec![Raw::object([
                        ("Action", Raw::from("s3:*")),
                        (
                            "Condition",
                            Raw::from(json!({"Bool": {"aws:SecureTransport": "false"}})),
                        ),
                        ("Effect", Raw::from("Deny")),
                        ("Principal", Raw::from(json!({"AWS": "*"}))),
                        (
                            "Resource",
                            Raw::List(vec![Raw::from(bucket.arn()), Raw::from(objects)]),
                        ),
                    ])]),
                ),
                ("Version", Raw::from("2012-10-17")),
            ])),
        ),
    );
    bucket
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
