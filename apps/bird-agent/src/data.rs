//! The data tier of seed 000: three KMS keys with aliases, the media, logs
//! and config buckets with their lifecycles, and the sessions, events and
//! configurations tables.
//!
//! Every stateful resource is retained on delete and on replacement.

use serde_json::json;
use strata::cfn::application_auto_scaling as autoscaling;
use strata::cfn::dynamodb;
use strata::cfn::kms;
use strata::cfn::s3;
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
    pub tables: [dynamodb::TableRef; 3],
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

fn attribute(name: &str) -> Value<dynamodb::table::AttributeDefinition> {
    dynamodb::table::AttributeDefinition::new(name, "S").into()
}

fn key_schema(hash: &str, range: Option<&str>) -> Value<Vec<Value<dynamodb::table::KeySchema>>> {
    let mut keys = vec![dynamodb::table::KeySchema::new(hash, "HASH").into()];
    if let Some(r) = range {
        keys.push(dynamodb::table::KeySchema::new(r, "RANGE").into());
    }
    Value::Lit(keys)
}

fn gsi(
    name: &str,
    hash: &str,
    range: Option<&str>,
) -> Value<dynamodb::table::GlobalSecondaryIndex> {
    dynamodb::table::GlobalSecondaryIndex::new(
        name,
        key_schema(hash, range),
        dynamodb::table::Projection {
            projection_type: Some("ALL".into()),
            ..Default::default()
        },
    )
    .into()
}

fn common_table(
    name: &str,
    attributes: &[&str],
    hash: &str,
    range: Option<&str>,
) -> dynamodb::Table {
    dynamodb::Table {
        table_name: Some(name.into()),
        attribute_definitions: Some(Value::list(attributes.iter().map(|a| attribute(a)))),
        point_in_time_recovery_specification: Some(
            dynamodb::table::PointInTimeRecoverySpecification {
                point_in_time_recovery_enabled: Some(true.into()),
                ..Default::default()
            }
            .into(),
        ),
        sse_specification: Some(dynamodb::table::SseSpecification::new(true).into()),
        ..dynamodb::Table::new(key_schema(hash, range))
    }
}

fn tables(stack: &Scope) -> [dynamodb::TableRef; 3] {
    let retain = || ResourceOptions::removal(RemovalPolicy::Retain);
    let sessions = stack.child("AgentSessionsTable").resource_with(
        "Resource",
        dynamodb::Table {
            billing_mode: Some("PAY_PER_REQUEST".into()),
            global_secondary_indexes: Some(Value::list([gsi("UserIndex", "userId", None)])),
            stream_specification: Some(
                dynamodb::table::StreamSpecification::new("NEW_AND_OLD_IMAGES").into(),
            ),
            time_to_live_specification: Some(
                dynamodb::table::TimeToLiveSpecification {
                    attribute_name: Some("ttl".into()),
                    ..dynamodb::table::TimeToLiveSpecification::new(true)
                }
                .into(),
            ),
            ..common_table(
                "agent-sessions",
                &["sessionId", "timestamp", "userId"],
                "sessionId",
                Some("timestamp"),
            )
        },
        retain(),
    );
    let events = stack.child("AgentEventsTable").resource_with(
        "Resource",
        dynamodb::Table {
            billing_mode: Some("PAY_PER_REQUEST".into()),
            global_secondary_indexes: Some(Value::list([
                gsi("TimestampIndex", "date", Some("timestamp")),
                gsi("TypeIndex", "eventType", Some("timestamp")),
            ])),
            stream_specification: Some(
                dynamodb::table::StreamSpecification::new("NEW_AND_OLD_IMAGES").into(),
            ),
            ..common_table(
                "agent-events",
                &["eventId", "date", "timestamp", "eventType"],
                "eventId",
                None,
            )
        },
        retain(),
    );
    let config_scope = stack.child("AgentConfigurationsTable");
    let configurations = config_scope.resource_with(
        "Resource",
        dynamodb::Table {
            billing_mode: Some("PROVISIONED".into()),
            provisioned_throughput: Some(dynamodb::table::ProvisionedThroughput::new(10, 5).into()),
            ..common_table("agent-configurations", &["configId"], "configId", None)
        },
        retain(),
    );
    for (dimension, metric, id) in [
        (
            "ReadCapacityUnits",
            "DynamoDBReadCapacityUtilization",
            "ReadScaling",
        ),
        (
            "WriteCapacityUnits",
            "DynamoDBWriteCapacityUtilization",
            "WriteScaling",
        ),
    ] {
        table_scaling(&config_scope.child(id), &configurations, dimension, metric);
    }
    [sessions, events, configurations]
}

/// Target tracking at 70 % utilisation between 5 and 200 capacity units,
/// as the seed asks for the configurations table.
fn table_scaling(scope: &Scope, table: &dynamodb::TableRef, dimension: &str, metric: &str) {
    let target_scope = scope.child("Target");
    let target = target_scope.resource(
        "Resource",
        autoscaling::ScalableTarget {
            role_arn: Some(Fn::sub(
                "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/dynamodb.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable",
            )),
            ..autoscaling::ScalableTarget::new(
                200,
                5,
                Fn::sub_with("table/${Table}", [("Table", table.ref_())]),
                format!("dynamodb:table:{dimension}"),
                "dynamodb",
            )
        },
    );
    let tracking = target_scope.child("Tracking");
    // The CDK names the policy after the unique id of its construct.
    let policy_name = strata::logical_id(&tracking.path().split('/').collect::<Vec<_>>());
    tracking.resource(
        "Resource",
        autoscaling::ScalingPolicy {
            scaling_target_id: Some(target.ref_()),
            target_tracking_scaling_policy_configuration: Some(
                autoscaling::scaling_policy::TargetTrackingScalingPolicyConfiguration {
                    predefined_metric_specification: Some(
                        autoscaling::scaling_policy::PredefinedMetricSpecification::new(metric)
                            .into(),
                    ),
                    ..autoscaling::scaling_policy::TargetTrackingScalingPolicyConfiguration::new(
                        70.0,
                    )
                }
                .into(),
            ),
            ..autoscaling::ScalingPolicy::new(policy_name, "TargetTrackingScaling")
        },
    );
}
