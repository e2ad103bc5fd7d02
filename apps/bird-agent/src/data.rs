//! The data tier of seed 000 on a [`DataTier`]: three KMS keys with the
//! seed's key policies and aliases, Aurora PostgreSQL, Redis, the media,
//! logs and config buckets with their lifecycles, and the sessions, events
//! and configurations tables, all on the `data` subnets.
//!
//! Stateful resources are retained, or snapshotted (Aurora, Redis), on
//! delete and on replacement.

use std::time::Duration;

use strata::data_tier::{DataTier, DataTierProps, Stage};
use strata::dynamodb::{
    Attribute, Billing, GlobalSecondaryIndex, Scaling, StreamView, Table, TableProps,
};
use strata::ec2::SecurityGroup;
use strata::elasticache::{RedisProps, RedisReplicationGroup};
use strata::iam::{PolicyDocument, PolicyStatement, Principal};
use strata::kms::{Key, KeyProps};
use strata::prelude::*;
use strata::rds::{
    ClusterInstance, DatabaseCluster, DatabaseClusterProps, DatabaseSubnets, MasterRotation,
    PerformanceInsights, ReaderScaling,
};
use strata::s3::{Bucket, BucketEncryption, BucketProps, LifecycleRule, Replication, StorageClass};
use strata::secrets::{GenerateSecret, Secret, SecretProps};

use crate::network::Network;

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
    /// The Aurora PostgreSQL cluster (agentdb).
    pub aurora: DatabaseCluster,
    /// The Redis replication group for session state.
    pub redis: RedisReplicationGroup,
    /// The Redis AUTH token (seed secret `redis-auth-token`).
    pub redis_token: Secret,
    /// agent-media, agent-logs and agent-config buckets.
    pub buckets: [Bucket; 3],
    /// agent-sessions, agent-events and agent-configurations tables.
    pub tables: [Table; 3],
}

/// Where the media and config buckets replicate to (seed "Cross-Region
/// Replication": agent-media-bucket → agent-media-bucket-west,
/// agent-config-bucket → agent-config-bucket-west).
#[derive(Clone, Debug)]
pub struct ReplicaTarget {
    /// The secondary region.
    pub region: String,
    /// The secondary region's S3 key, for replicas of the KMS-encrypted
    /// config bucket.
    pub key_arn: Value<String>,
}

impl ReplicaTarget {
    /// The name of the replica of the bucket named `name` (without the
    /// account and region suffix), in this target's region.
    pub fn bucket_name(&self, name: &str) -> String {
        format!("{name}-west-${{AWS::AccountId}}-{}", self.region)
    }
}

/// Builds the data tier in `stack`, on the network's `data` subnets, open
/// to the ECS and Lambda groups; `stage` sets the tier's production checks.
pub fn build(stack: &Scope, network: &Network, stage: Stage) -> Data {
    build_with_replica(stack, network, stage, None)
}

/// [`build`], and with `replica` the media and config buckets replicate
/// to it.
pub fn build_with_replica(
    stack: &Scope,
    network: &Network,
    stage: Stage,
    replica: Option<&ReplicaTarget>,
) -> Data {
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
    let groups = &network.groups;
    let tier = DataTier::new(
        stack,
        &network.vpc,
        DataTierProps {
            keys: vec![
                ("rds".into(), keys.rds.clone()),
                ("s3".into(), keys.s3.clone()),
                ("secrets".into(), keys.secrets.clone()),
            ],
            clients: vec![groups.ecs.clone(), groups.lambda.clone()],
            ..DataTierProps::new(stage, "bird-agent")
        },
    );
    let aurora = tier.add_aurora(
        "AuroraCluster",
        Some(groups.database.clone()),
        aurora(&keys),
    );
    let (redis, redis_token) = redis(stack, &tier, &keys, &groups.cache);
    let buckets = buckets(&tier, &keys, replica);
    let tables = tables(&tier);
    Data {
        keys,
        aurora,
        redis,
        redis_token,
        buckets,
        tables,
    }
}

/// Aurora PostgreSQL 15 on db.r6g.large: a writer in the first AZ and
/// readers in the second and third, scaled between 1 and 5 readers at 70 %
/// CPU; 7 days of backups at 03:00-04:00, maintenance Sunday 04:00-05:00;
/// Performance Insights, 60-second enhanced monitoring, IAM
/// authentication, TLS required and a master secret rotated every 30 days.
///
/// The seed names 15.4, which RDS no longer creates; 15.10 is the same
/// major version.
fn aurora(keys: &Keys) -> DatabaseClusterProps {
    let r6g = || ClusterInstance::provisioned("db.r6g.large");
    DatabaseClusterProps {
        readers: vec![r6g().in_az(1), r6g().in_az(2)],
        reader_scaling: Some(ReaderScaling {
            scale_in_cooldown: Some(Duration::from_secs(15 * 60)),
            scale_out_cooldown: Some(Duration::from_secs(5 * 60)),
            ..ReaderScaling::new(1, 5, 70.0)
        }),
        database_name: Some("agentdb".into()),
        rotation: Some(MasterRotation::every_days(30)),
        iam_authentication: true,
        backup_retention_days: 7,
        backup_window: Some("03:00-04:00".into()),
        maintenance_window: Some("sun:04:00-sun:05:00".into()),
        performance_insights: Some(PerformanceInsights {
            retention_days: 7,
            encryption_key: Some(keys.rds.key_arn()),
        }),
        monitoring_interval: Some(Duration::from_secs(60)),
        cluster_parameters: [("rds.force_ssl".to_string(), "1".to_string())].into(),
        ..DatabaseClusterProps::new(
            "15.10",
            r6g().in_az(0),
            DatabaseSubnets::new("", Vec::new()),
        )
    }
}

/// Redis 7.0 on three cache.r6g.large nodes, Multi-AZ with failover,
/// encrypted at rest and in transit with an AUTH token from Secrets
/// Manager; 5 days of snapshots at 05:00-06:00, maintenance Sunday
/// 06:00-07:00; the seed's maxmemory-policy, timeout and tcp-keepalive.
fn redis(
    stack: &Scope,
    tier: &DataTier,
    keys: &Keys,
    cache: &SecurityGroup,
) -> (RedisReplicationGroup, Secret) {
    let token = Secret::new(
        stack,
        "RedisAuthToken",
        SecretProps {
            description: Some("AUTH token for the Redis replication group".into()),
            encryption_key: Some((&keys.secrets).into()),
            generate: Some(GenerateSecret {
                length: Some(64),
                exclude_punctuation: true,
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    let parameters = [
        ("maxmemory-policy", "allkeys-lru"),
        ("timeout", "300"),
        ("tcp-keepalive", "300"),
    ];
    let group = tier.add_redis(
        "Redis",
        Some(cache.clone()),
        RedisProps {
            subnet_group_name: Some("agent-cache-subnet-group".into()),
            auth_token: Some(token.secret_value()),
            parameters: parameters
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            snapshot_retention_days: 5,
            snapshot_window: Some("05:00-06:00".into()),
            maintenance_window: Some("sun:06:00-sun:07:00".into()),
            ..Stage::Prod.redis("Agent session / state cache", "7.0", "cache.r6g.large")
        },
    );
    (group, token)
}

/// A key policy giving the account's administrators full control and the
/// named AWS service use of the key on the account's behalf.
pub(crate) fn key_policy(service: &str) -> PolicyDocument {
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

/// The media, logs and config buckets with the seed's lifecycles; the
/// config bucket is encrypted with the S3 key. With `replica`, the media
/// and config buckets replicate every object to their `-west` copies.
fn buckets(tier: &DataTier, keys: &Keys, replica: Option<&ReplicaTarget>) -> [Bucket; 3] {
    let name = |n: &str| {
        Some(Fn::sub(&format!(
            "{n}-${{AWS::AccountId}}-${{AWS::Region}}"
        )))
    };
    let replicate = |n: &str, key: bool| {
        replica.map(|r| Replication {
            destination_bucket_arn: Fn::sub(&format!(
                "arn:${{AWS::Partition}}:s3:::{}",
                r.bucket_name(n)
            )),
            storage_class: None,
            replica_kms_key_arn: key.then(|| r.key_arn.clone()),
        })
    };
    [
        tier.add_bucket(
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
                replication: replicate("agent-media-bucket", false),
                ..Default::default()
            },
        ),
        tier.add_bucket(
            "AgentLogsBucket",
            BucketProps {
                bucket_name: name("agent-logs-bucket"),
                versioned: true,
                lifecycle_rules: vec![LifecycleRule::new("logs-tiering")
                    .transition(StorageClass::StandardIa, 30)
                    .transition(StorageClass::Glacier, 180)
                    .expire_after(2555)],
                ..Default::default()
            },
        ),
        tier.add_bucket(
            "AgentConfigBucket",
            BucketProps {
                bucket_name: name("agent-config-bucket"),
                encryption: BucketEncryption::Kms(keys.s3.key_arn()),
                versioned: true,
                replication: replicate("agent-config-bucket", true),
                ..Default::default()
            },
        ),
    ]
}

/// The sessions, events and configurations tables, with the seed's keys,
/// indexes, streams, TTL and the configurations table's autoscaling.
fn tables(tier: &DataTier) -> [Table; 3] {
    let string = Attribute::string;
    let sessions = tier.add_table(
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
    let events = tier.add_table(
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
    let configurations = tier.add_table(
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
