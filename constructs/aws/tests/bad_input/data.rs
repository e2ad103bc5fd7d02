//! Identity, keys, storage, databases and messaging.

use std::time::Duration;

use strata::dynamodb::{Attribute, GlobalSecondaryIndex, LocalSecondaryIndex, Table, TableProps};
use strata::ec2::{AgentVpc, AgentVpcProps};
use strata::elasticache::{RedisProps, RedisReplicationGroup};
use strata::iam::{PolicyStatement, Principal, Role, RoleProps};
use strata::kinesis::{Stream, StreamProps};
use strata::kms::{Key, KeyProps};
use strata::logs::{LogGroup, LogGroupProps, Retention};
use strata::opensearch::{Domain, DomainProps, NodeGroup};
use strata::prelude::*;
use strata::rds::{ClusterInstance, DatabaseCluster, DatabaseClusterProps, DatabaseSubnets};
use strata::s3::{Bucket, BucketProps, LifecycleRule, StorageClass};
use strata::sns::{Topic, TopicProps};
use strata::sqs::{DeadLetterQueue, Queue, QueueProps};

use super::{stack, Case};

fn role(app: &App) -> Role {
    Role::new(
        &stack(app),
        "Worker",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    )
}

fn aurora(app: &App, edit: fn(&mut DatabaseClusterProps)) {
    let s = stack(app);
    let vpc = AgentVpc::new(&s, "Vpc", AgentVpcProps::spaced_three_tier());
    let mut props = DatabaseClusterProps::new(
        "15.10",
        ClusterInstance::provisioned("db.r6g.large"),
        DatabaseSubnets::from_vpc(&vpc, "data"),
    );
    edit(&mut props);
    DatabaseCluster::new(&s, "Db", props);
}

fn redis(app: &App, edit: fn(&mut RedisProps)) {
    let mut props = RedisProps {
        num_cache_clusters: 2,
        subnet_ids: vec!["subnet-a".into(), "subnet-b".into()],
        ..RedisProps::new("Sessions", "7.0", "cache.r6g.large")
    };
    edit(&mut props);
    RedisReplicationGroup::new(&stack(app), "Redis", props);
}

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "IAM statement without actions",
            path: "Bad/Worker",
            expect: "the statement has no actions",
            build: |app| {
                role(app).add_to_policy(PolicyStatement::allow());
            },
        },
        Case {
            name: "IAM action without a service prefix",
            path: "Bad/Worker",
            expect: "\"GetObject\" is not an IAM action",
            build: |app| {
                role(app).add_to_policy(
                    PolicyStatement::allow()
                        .action("GetObject")
                        .resource("arn:aws:s3:::bucket/*"),
                );
            },
        },
        Case {
            name: "IAM service principal with a space",
            path: "Bad/BadService",
            expect: "[principal]",
            build: |app| {
                Role::new(
                    &stack(app),
                    "BadService",
                    RoleProps::new(Principal::service("Lambda Service")),
                );
            },
        },
        Case {
            name: "KMS pending window of 5 days",
            path: "Bad/Key",
            expect: "a pending deletion window of 5 days is out of range; use 7 to 30 days",
            build: |app| {
                Key::new(
                    &stack(app),
                    "Key",
                    KeyProps {
                        pending_window_in_days: Some(5),
                        ..KeyProps::default()
                    },
                );
            },
        },
        Case {
            name: "KMS alias in the reserved aws namespace",
            path: "Bad/Key",
            expect: "\"alias/aws/ebs\"",
            build: |app| {
                Key::new(
                    &stack(app),
                    "Key",
                    KeyProps {
                        alias: Some("alias/aws/ebs".into()),
                        ..KeyProps::default()
                    },
                );
            },
        },
        Case {
            name: "S3 lifecycle going back to a warmer class",
            path: "Bad/Bucket",
            expect: "STANDARD_IA after GLACIER goes back up",
            build: |app| {
                Bucket::new(
                    &stack(app),
                    "Bucket",
                    BucketProps {
                        lifecycle_rules: vec![LifecycleRule::new("backwards")
                            .transition(StorageClass::Glacier, 90)
                            .transition(StorageClass::StandardIa, 120)],
                        ..BucketProps::default()
                    },
                );
            },
        },
        Case {
            name: "S3 bucket name with capitals and underscore",
            path: "Bad/Bucket",
            expect: "bucket name \"Agent_Media\" is invalid",
            build: |app| {
                Bucket::new(
                    &stack(app),
                    "Bucket",
                    BucketProps {
                        bucket_name: Some("Agent_Media".into()),
                        ..BucketProps::default()
                    },
                );
            },
        },
        Case {
            name: "DynamoDB key attribute declared with two types",
            path: "Bad/Table",
            expect: "\"id\" is declared as S and as N",
            build: |app| {
                Table::new(
                    &stack(app),
                    "Table",
                    TableProps {
                        global_indexes: vec![GlobalSecondaryIndex::new(
                            "ById",
                            Attribute::number("id"),
                        )],
                        ..TableProps::new(Attribute::string("id"))
                    },
                );
            },
        },
        Case {
            name: "DynamoDB local index on a table without a sort key",
            path: "Bad/Table",
            expect: "local secondary indexes need a table with a sort key",
            build: |app| {
                Table::new(
                    &stack(app),
                    "Table",
                    TableProps {
                        local_indexes: vec![LocalSecondaryIndex::new(
                            "ByDate",
                            Attribute::string("date"),
                        )],
                        ..TableProps::new(Attribute::string("id"))
                    },
                );
            },
        },
        Case {
            name: "Aurora backup retention of 0 days",
            path: "Bad/Db",
            expect: "a backup retention of 0 days is outside Aurora's 1-35 days",
            build: |app| aurora(app, |p| p.backup_retention_days = 0),
        },
        Case {
            name: "Aurora on an instance class it does not run on",
            path: "Bad/Db/writer",
            expect: "Aurora PostgreSQL does not run on db.m5.large",
            build: |app| {
                aurora(app, |p| {
                    p.writer = ClusterInstance::provisioned("db.m5.large")
                })
            },
        },
        Case {
            name: "Redis AUTH token without transit encryption",
            path: "Bad/Redis",
            expect: "an AUTH token needs transit encryption",
            build: |app| {
                redis(app, |p| {
                    p.auth_token = Some("{{resolve:secretsmanager:token}}".into());
                    p.transit_encryption = false;
                })
            },
        },
        Case {
            name: "ElastiCache node type without the cache. prefix",
            path: "Bad/Redis",
            expect: "\"r6g.large\" is not an ElastiCache node type",
            build: |app| redis(app, |p| p.node_type = "r6g.large".into()),
        },
        Case {
            name: "OpenSearch with two dedicated masters",
            path: "Bad/Search",
            expect: "2 dedicated master nodes: OpenSearch takes 3 or 5",
            build: |app| {
                Domain::new(
                    &stack(app),
                    "Search",
                    DomainProps {
                        dedicated_masters: Some(NodeGroup::new("m6g.large.search", 2)),
                        ..DomainProps::new("OpenSearch_2.11", "r6g.large.search", 2)
                    },
                );
            },
        },
        Case {
            name: "SQS FIFO dead-letter queue for a standard queue",
            path: "Bad/Standard",
            expect: "is a FIFO queue",
            build: |app| {
                let s = stack(app);
                let dlq = Queue::new(
                    &s,
                    "FifoDlq",
                    QueueProps {
                        fifo: true,
                        ..QueueProps::default()
                    },
                );
                Queue::new(
                    &s,
                    "Standard",
                    QueueProps {
                        dead_letter_queue: Some(DeadLetterQueue {
                            queue: dlq,
                            max_receive_count: 3,
                        }),
                        ..QueueProps::default()
                    },
                );
            },
        },
        Case {
            name: "SQS visibility timeout over 12 hours",
            path: "Bad/Queue",
            expect: "a visibility timeout of 43201s is out of range",
            build: |app| {
                Queue::new(
                    &stack(app),
                    "Queue",
                    QueueProps {
                        visibility_timeout: Some(Duration::from_secs(43_201)),
                        ..QueueProps::default()
                    },
                );
            },
        },
        Case {
            name: "SNS FIFO topic name without .fifo",
            path: "Bad/Fifo",
            expect: "FIFO topic name \"orders\" must end with \".fifo\"",
            build: |app| {
                Topic::new(
                    &stack(app),
                    "Fifo",
                    TopicProps {
                        topic_name: Some("orders".into()),
                        fifo: true,
                        ..TopicProps::default()
                    },
                );
            },
        },
        Case {
            name: "Kinesis retention under a day",
            path: "Bad/Stream",
            expect: "a retention of 23 hours is out of range",
            build: |app| {
                Stream::new(
                    &stack(app),
                    "Stream",
                    StreamProps {
                        retention_hours: 23,
                        ..StreamProps::default()
                    },
                );
            },
        },
        Case {
            name: "log retention CloudWatch Logs does not offer",
            path: "Bad/Logs",
            expect: "a retention of 2555 days is not one CloudWatch Logs accepts",
            build: |app| {
                LogGroup::new(
                    &stack(app),
                    "Logs",
                    LogGroupProps {
                        retention: Retention::Days(2555),
                        ..LogGroupProps::default()
                    },
                );
            },
        },
        Case {
            name: "log group name with a space",
            path: "Bad/Logs",
            expect: "log group name \"audit logs!\" is invalid",
            build: |app| {
                LogGroup::new(
                    &stack(app),
                    "Logs",
                    LogGroupProps {
                        log_group_name: Some("audit logs!".into()),
                        ..LogGroupProps::default()
                    },
                );
            },
        },
    ]
}
