//! The data family: tables, caches, buckets, DAX, OpenSearch, Timestream
//! and AWS Backup.

use super::stack;
use std::time::Duration;
use strata::backup::{
    BackupPlan, BackupPlanProps, BackupResource, BackupRule, BackupVault, BackupVaultProps,
    CopyAction, Lifecycle, SelectionProps,
};
use strata::dax::{DaxCluster, DaxClusterProps, DaxParameterGroup};
use strata::dynamodb::{
    Attribute, Billing, GlobalSecondaryIndex, GlobalTable, GlobalTableProps, LocalSecondaryIndex,
    Scaling, StreamView, Table, TableEncryption, TableProps,
};
use strata::ec2::{AgentVpc, AgentVpcProps, Port, SecurityGroup, SecurityGroupProps};
use strata::elasticache::{RedisProps, RedisReplicationGroup};
use strata::iam::{PolicyDocument, PolicyStatement, Principal, Role, RoleProps};
use strata::kms::{Key, KeyProps};
use strata::opensearch::{
    domain_arn_for, Domain, DomainLogs, DomainProps, DomainVpc, FineGrainedAccess, Gp3Volume,
    NodeGroup,
};
use strata::prelude::*;
use strata::s3::{
    Bucket, BucketEncryption, BucketProps, IntelligentTiering, LifecycleRule, ObjectLock,
    ObjectLockMode, Replication, StorageClass,
};
use strata::secrets::{GenerateSecret, Secret, SecretProps};
use strata::timestream::{Database, DatabaseProps, RejectedRecords, TableProps as TsTableProps};

/// Tables, caches and buckets.
pub fn data(app: &App) {
    let s = stack(app, "Data");
    let key = Key::new(&s, "StoreKey", KeyProps::default());
    let reader = Role::new(
        &s,
        "ReaderRole",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    );
    let table = Table::new(
        &s,
        "Incidents",
        TableProps {
            sort_key: Some(Attribute::number("openedAt")),
            billing: Billing::Provisioned {
                read: 10,
                write: 5,
                read_scaling: Some(Scaling::new(5, 200, 70.0)),
                write_scaling: Some(Scaling::new(5, 100, 70.0)),
            },
            global_indexes: vec![GlobalSecondaryIndex::new(
                "BySeverity",
                Attribute::string("severity"),
            )
            .capacity(5, 5)],
            local_indexes: vec![LocalSecondaryIndex::new(
                "ByStatus",
                Attribute::string("status"),
            )],
            stream: Some(StreamView::NewAndOldImages),
            ttl_attribute: Some("expiresAt".into()),
            encryption: TableEncryption::Customer(key.key_arn()),
            contributor_insights: true,
            deletion_protection: Some(true),
            ..TableProps::new(Attribute::string("incidentId"))
        },
    );
    table.grant_read_write_data(&reader);
    table.grant_stream_read(&reader);
    GlobalTable::new(
        &s,
        "Context",
        GlobalTableProps {
            table: TableProps::new(Attribute::string("contextId")),
            regions: vec!["us-east-1".into(), "us-west-2".into()],
            replica_keys: Default::default(),
        },
    );
    let auth = Secret::new(
        &s,
        "RedisAuth",
        SecretProps {
            generate: Some(GenerateSecret {
                length: Some(64),
                exclude_punctuation: true,
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    RedisReplicationGroup::new(
        &s,
        "Redis",
        RedisProps {
            num_cache_clusters: 3,
            multi_az: true,
            automatic_failover: true,
            subnet_ids: vec!["subnet-0a".into(), "subnet-0b".into(), "subnet-0c".into()],
            kms_key_id: Some(key.key_arn()),
            auth_token: Some(auth.secret_value()),
            parameters: [("maxmemory-policy", "allkeys-lru"), ("timeout", "300")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            snapshot_retention_days: 5,
            snapshot_window: Some("05:00-06:00".into()),
            maintenance_window: Some("sun:06:00-sun:07:00".into()),
            ..RedisProps::new("Agent session cache", "7.1", "cache.r6g.large")
        },
    );
    let logs = Bucket::new(&s, "AccessLogs", BucketProps::default());
    let evidence = Bucket::new(
        &s,
        "Evidence",
        BucketProps {
            encryption: BucketEncryption::Kms(key.key_arn()),
            versioned: true,
            lifecycle_rules: vec![LifecycleRule::new("tiering")
                .transition(StorageClass::StandardIa, 30)
                .transition(StorageClass::GlacierInstantRetrieval, 90)
                .transition(StorageClass::DeepArchive, 365)
                .noncurrent_transition(StorageClass::Glacier, 30)
                .expire_noncurrent_after(365)
                .abort_incomplete_uploads_after(7)],
            intelligent_tiering: vec![IntelligentTiering::new("archive")
                .archive_after(90)
                .deep_archive_after(180)],
            object_lock: Some(ObjectLock {
                mode: ObjectLockMode::Governance,
                days: 365,
            }),
            replication: Some(Replication {
                destination_bucket_arn: "arn:aws:s3:::gallery-evidence-replica".into(),
                storage_class: Some(StorageClass::StandardIa),
                replica_kms_key_arn: Some("arn:aws:kms:us-west-2:123456789012:key/replica".into()),
            }),
            access_logs: Some((logs.bucket_name(), "evidence/".into())),
            ..Default::default()
        },
    );
    evidence.grant_read(&reader);
}

/// DAX, OpenSearch, Timestream and AWS Backup with most options on.
pub fn stores(app: &App) {
    let s = stack(app, "Stores");
    let vpc = AgentVpc::new(&s, "Vpc", AgentVpcProps::spaced_three_tier());
    let data_subnets = vpc.subnet_ids("data").unwrap_or_default();
    let key = Key::new(&s, "StoreKey", KeyProps::default());
    let app_role = Role::new(
        &s,
        "AppRole",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    );
    let app_sg = SecurityGroup::new(
        &s,
        "AppSg",
        SecurityGroupProps {
            vpc_id: vpc.vpc_id(),
            ..Default::default()
        },
    );

    let table = Table::new(
        &s,
        "Context",
        TableProps::new(Attribute::string("sessionId")),
    );
    let dax_sg = SecurityGroup::new(
        &s,
        "DaxSg",
        SecurityGroupProps {
            vpc_id: vpc.vpc_id(),
            ..Default::default()
        },
    );
    let dax = DaxCluster::new(
        &s,
        "Dax",
        DaxClusterProps {
            cluster_name: Some("agent-context-cache".into()),
            prod: true,
            subnet_ids: data_subnets.clone(),
            security_group_ids: vec![dax_sg.group_id()],
            parameter_group: DaxParameterGroup::Ttl {
                item: Duration::from_secs(300),
                query: Duration::from_secs(60),
            },
            maintenance_window: Some("sun:05:00-sun:06:00".into()),
            table_arns: vec![table.table_arn()],
            ..DaxClusterProps::new("dax.r5.large", 3)
        },
    );
    dax_sg.connect_from(&app_sg, Port::tcp(dax.port()), "DAX over TLS");
    dax.grant_read_write_data(&app_role);

    let search_sg = SecurityGroup::new(
        &s,
        "SearchSg",
        SecurityGroupProps {
            vpc_id: vpc.vpc_id(),
            ..Default::default()
        },
    );
    let log_group = |id: &str| {
        s.resource_with(
            id,
            cfn::logs::LogGroup {
                retention_in_days: Some(30.into()),
                kms_key_id: None,
                ..Default::default()
            },
            ResourceOptions::removal(RemovalPolicy::Retain),
        )
        .arn()
    };
    let domain = Domain::new(
        &s,
        "KnowledgeBase",
        DomainProps {
            domain_name: Some("agent-knowledge".into()),
            dedicated_masters: Some(NodeGroup::new("m6g.large.search", 3)),
            ebs: Some(Gp3Volume {
                iops: Some(4000),
                throughput_mibps: Some(250),
                ..Gp3Volume::new(200)
            }),
            availability_zone_count: 3,
            vpc: Some(DomainVpc {
                subnet_ids: data_subnets.clone(),
                security_group_ids: vec![search_sg.group_id()],
            }),
            kms_key_id: Some(key.key_id()),
            fine_grained_access: Some(FineGrainedAccess::InternalUser {
                name: "admin".into(),
                password: None,
            }),
            access_policy: Some(
                PolicyDocument::new().with_statement(
                    PolicyStatement::allow()
                        .action("es:ESHttp*")
                        .principal(Principal::account_root())
                        .resource(domain_arn_for("agent-knowledge")),
                ),
            ),
            logs: DomainLogs {
                application: Some(log_group("SearchAppLogs")),
                search_slow: Some(log_group("SearchSlowLogs")),
                audit: Some(log_group("SearchAuditLogs")),
                ..Default::default()
            },
            ..DomainProps::new("OpenSearch_2.11", "r6g.large.search", 3)
        },
    );
    search_sg.connect_from(&app_sg, Port::tcp(domain.port()), "OpenSearch HTTPS");
    domain.grant_read_write(&app_role);

    let db = Database::new(
        &s,
        "MarketData",
        DatabaseProps {
            database_name: Some("market_data".into()),
            kms_key_id: Some(key.key_arn()),
            ..Default::default()
        },
    );
    let quotes = db.add_table(
        "Quotes",
        TsTableProps {
            magnetic_store_writes: true,
            rejected_records: Some(RejectedRecords {
                bucket_name: "gallery-rejected-records".into(),
                prefix: Some("quotes/".into()),
                kms_key_arn: Some(key.key_arn()),
            }),
            ..TsTableProps::new(24, 7)
        },
    );
    quotes.grant_write(&app_role);
    quotes.grant_read(&app_role);

    let vault = BackupVault::new(
        &s,
        "Vault",
        BackupVaultProps {
            encryption_key_arn: Some(key.key_arn()),
            ..Default::default()
        },
    );
    let plan = BackupPlan::new(
        &s,
        "BackupPlan",
        BackupPlanProps {
            plan_name: None,
            vault_name: vault.vault_name(),
            rules: vec![
                BackupRule {
                    start_window_minutes: Some(60),
                    completion_window_minutes: Some(480),
                    lifecycle: Lifecycle::delete_after(35),
                    copy_actions: vec![CopyAction {
                        destination_vault_arn: BackupVault::arn_in("us-west-2", "agent-dr-vault"),
                        lifecycle: Lifecycle::delete_after(35),
                    }],
                    ..BackupRule::new("Weekly", "cron(0 5 ? * SUN *)")
                },
                BackupRule {
                    lifecycle: Lifecycle {
                        delete_after_days: Some(365),
                        move_to_cold_storage_after_days: Some(30),
                    },
                    ..BackupRule::new("Monthly", "cron(0 5 1 * ? *)")
                },
                BackupRule {
                    continuous_backup: true,
                    lifecycle: Lifecycle::delete_after(35),
                    ..BackupRule::new("PointInTime", "cron(0 3 ? * * *)")
                },
            ],
        },
    );
    plan.add_selection(
        "Tagged",
        SelectionProps::new(vec![BackupResource::tag("backup", "weekly")]),
    );
    plan.add_selection(
        "Tables",
        SelectionProps::new(vec![BackupResource::arn(table.table_arn())]),
    );
}
