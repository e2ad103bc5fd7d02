//! The storage stack (seed "Storage Layer", `storage-stack.ts`): the S3
//! buckets, the DynamoDB tables, and (in their own modules) the Timestream
//! market data, the OpenSearch knowledge base with DAX, and the backups.
//! The stores sit on a [`DataTier`] in the private subnets, which the seed
//! gives to "Lambda functions and databases".

use strata::data_tier::{DataTier, DataTierProps};
use strata::dr::BucketProtection;
use strata::dynamodb::{
    Attribute, GlobalSecondaryIndex, StreamView, Table, TableEncryption, TableProps,
};
use strata::iam::{PolicyResource, PolicyStatement, Principal};
use strata::prelude::*;
use strata::s3::{
    Bucket, BucketEncryption, BucketProps, IntelligentTiering, LifecycleRule, StorageClass,
};

use crate::config::{Config, StorageTiering};
use crate::dr;
use crate::networking::{self, Network};
use crate::policy::RolePolicy;
use crate::search::{self, Search};
use crate::security::Security;
use crate::{backup, market_data};

/// Seed "Amazon DynamoDB": "Point-in-time recovery with 35-day retention".
pub const PITR_DAYS: i64 = 35;
/// Seed "Amazon S3" lifecycle: Standard for the first 30 days, then IA.
pub const IA_AFTER_DAYS: i64 = 30;
/// Seed "Amazon S3" lifecycle: Glacier from day 90.
pub const GLACIER_AFTER_DAYS: i64 = 90;
/// Noncurrent object versions (kept for data integrity) expire after this.
pub const NONCURRENT_VERSION_DAYS: i64 = 90;

/// What the other stacks use from the storage stack.
#[derive(Clone)]
pub struct Storage {
    /// The proprietary data bucket (uploaded PDF, CSV, Excel and JSON documents).
    pub data_bucket: Bucket,
    /// The versioned bucket the functions' code is read from.
    pub artifacts_bucket: Bucket,
    /// Server access logs of the other buckets.
    pub access_logs_bucket: Bucket,
    /// The investment ideas table.
    pub ideas: Table,
    /// The user profiles table.
    pub profiles: Table,
    /// The market data database and its table.
    pub market_data: market_data::MarketData,
    /// The knowledge base domain, DAX and their connection secret.
    pub search: Search,
}

/// Builds the storage stack in `stack`; with a recovery region, the data
/// bucket replicates into the recovery region and the tables are backed up
/// hourly with copies there.
pub fn build(
    stack: &Scope,
    config: &Config,
    network: &Network,
    security: &Security,
    dr: Option<&dr::Recovery>,
) -> Storage {
    let keys = &security.keys;
    let tier = DataTier::new(
        stack,
        &network.vpc,
        DataTierProps {
            subnet_tier: networking::PRIVATE.into(),
            keys: vec![
                ("s3".into(), keys.s3.clone()),
                ("dynamodb".into(), keys.dynamodb.clone()),
                ("opensearch".into(), keys.opensearch.clone()),
                ("secrets".into(), keys.secrets.clone()),
            ],
            // The network stack opens each store's group to its clients.
            clients: Vec::new(),
            ..DataTierProps::new(
                config.stage(),
                &format!("investment-ai/{}", config.stage.as_str()),
            )
        },
    );
    let access_logs_bucket = access_logs_bucket(&tier, config);
    let data_bucket = data_bucket(&tier, config, security, &access_logs_bucket, dr);
    let artifacts_bucket = artifacts_bucket(&tier, config, security, &access_logs_bucket);
    let ideas = ideas_table(&tier, config, security);
    let profiles = profiles_table(&tier, config, security);
    let market_data = market_data::build(stack, config, &keys.timestream);
    let search = search::build(
        stack,
        &tier,
        config,
        network,
        security,
        &[&ideas, &profiles],
    );

    // The DynamoDB access role reads and writes the tables (directly and
    // through DAX); its policy lives here, next to the tables.
    let access = RolePolicy::new(stack, "DynamoDbAccessPolicy", &security.roles.dynamodb);
    ideas.grant_read_write_data(&access);
    profiles.grant_read_write_data(&access);
    if let Some(dax) = &search.dax {
        dax.grant_read_write_data(&access);
    }
    backup::build(stack, config, security, &[&ideas, &profiles], dr);
    Storage {
        data_bucket,
        artifacts_bucket,
        access_logs_bucket,
        ideas,
        profiles,
        market_data,
        search,
    }
}

/// `<prefix>-<purpose>-<account>-<region>`: bucket names are global.
pub fn bucket_name(config: &Config, purpose: &str) -> Value<String> {
    Fn::sub(&format!(
        "{}-{purpose}-${{AWS::AccountId}}-${{AWS::Region}}",
        config.prefix()
    ))
}

/// The server access logs of the data and artifacts buckets (seed
/// "Governance": access logging). S3 delivers them with SSE-S3, the only
/// encryption log delivery supports; they expire with the other logs.
fn access_logs_bucket(tier: &DataTier, config: &Config) -> Bucket {
    let bucket = tier.add_bucket(
        "AccessLogsBucket",
        BucketProps {
            bucket_name: Some(bucket_name(config, "access-logs")),
            versioned: true,
            lifecycle_rules: vec![LifecycleRule::new("expire-access-logs")
                .expire_after(i64::from(config.monitoring.log_retention_days))
                .expire_noncurrent_after(1)
                .abort_incomplete_uploads_after(1)],
            ..Default::default()
        },
    );
    bucket.add_to_resource_policy(
        PolicyStatement::allow()
            .sid("S3ServerAccessLogsPolicy")
            .action("s3:PutObject")
            .principal(Principal::service("logging.s3.amazonaws.com"))
            .resource(bucket.arn_for_objects("*"))
            .condition("StringEquals", "aws:SourceAccount", [Fn::account_id()]),
    );
    bucket
}

/// Seed "Proprietary Data Bucket": KMS encryption, versioning, public access
/// blocked, TLS only, and the environment's storage tiering. With a
/// recovery region the bucket is protected by the recovery construct: it
/// replicates into its replica under Replication Time Control, both copies
/// encrypted with the multi-Region data key (S3 replicates KMS-encrypted
/// objects only with a key in the destination region).
fn data_bucket(
    tier: &DataTier,
    config: &Config,
    security: &Security,
    logs: &Bucket,
    dr: Option<&dr::Recovery>,
) -> Bucket {
    let mut current = LifecycleRule::new("storage-tiering").abort_incomplete_uploads_after(7);
    let mut intelligent_tiering = Vec::new();
    match config.s3.tiering {
        StorageTiering::Standard => {}
        StorageTiering::Lifecycle => {
            current = current
                .transition(StorageClass::StandardIa, IA_AFTER_DAYS)
                .transition(StorageClass::Glacier, GLACIER_AFTER_DAYS);
        }
        StorageTiering::IntelligentTiering => {
            // Intelligent-Tiering moves objects to its infrequent tier after
            // 30 days without access and, with this configuration, to its
            // archive tier (Glacier Flexible Retrieval) after 90.
            current = current.transition(StorageClass::IntelligentTiering, 0);
            intelligent_tiering.push(
                IntelligentTiering::new("archive-after-90-days").archive_after(GLACIER_AFTER_DAYS),
            );
        }
    }
    let props = BucketProps {
        bucket_name: Some(bucket_name(config, "proprietary-data")),
        encryption: BucketEncryption::Kms(security.keys.s3.key_arn()),
        versioned: true,
        lifecycle_rules: vec![
            current,
            LifecycleRule::new("noncurrent-versions")
                .expire_noncurrent_after(NONCURRENT_VERSION_DAYS),
        ],
        intelligent_tiering,
        access_logs: Some((logs.bucket_name(), "proprietary-data/".into())),
        ..Default::default()
    };
    let Some(recovery) = dr else {
        return tier.add_bucket("ProprietaryDataBucket", props);
    };
    let region = &recovery.dr.props().secondary_region;
    let replica_bucket_name = config
        .environment()
        .account
        .map(|account| format!("{}-data-replica-{account}-{region}", config.prefix()));
    recovery
        .dr
        .protect_bucket(
            "ProprietaryDataBucket",
            BucketProtection {
                bucket: BucketProps {
                    encryption: BucketEncryption::S3Managed,
                    ..props
                },
                replica_bucket_name,
                key: Some(recovery.data_key.clone()),
                rpo: None,
            },
        )
        .source
}

/// Seed "Backup Strategy": "Lambda: code stored in S3 with versioning".
/// The pipeline uploads each release's packages here before the compute
/// stack is deployed.
fn artifacts_bucket(
    tier: &DataTier,
    config: &Config,
    security: &Security,
    logs: &Bucket,
) -> Bucket {
    tier.add_bucket(
        "ArtifactsBucket",
        BucketProps {
            bucket_name: Some(bucket_name(config, "artifacts")),
            encryption: BucketEncryption::Kms(security.keys.s3.key_arn()),
            versioned: true,
            lifecycle_rules: vec![LifecycleRule::new("noncurrent-versions")
                .expire_noncurrent_after(NONCURRENT_VERSION_DAYS)
                .abort_incomplete_uploads_after(7)],
            access_logs: Some((logs.bucket_name(), "artifacts/".into())),
            ..Default::default()
        },
    )
}

/// Settings both tables share (seed "Amazon DynamoDB" configuration):
/// on-demand, encrypted with the DynamoDB key (seed "AWS KMS" lists
/// DynamoDB among the customer managed key's uses, which is stricter than
/// the configuration block's AWS managed keys), point-in-time recovery,
/// TTL on `ttl` for temporary data, deletion protection in production.
fn table_props(config: &Config, security: &Security, name: &str, key: Attribute) -> TableProps {
    TableProps {
        table_name: Some(format!("{}-{name}", config.prefix())),
        ttl_attribute: Some("ttl".into()),
        encryption: TableEncryption::Customer(security.keys.dynamodb.key_arn()),
        deletion_protection: Some(config.stage().is_prod()),
        ..TableProps::new(key)
    }
}

/// The seed's 35-day recovery window, and the environment's on-demand
/// throughput cap ("minimal capacity" in dev, "higher limits" in staging),
/// which the table construct does not model, set on the L1.
fn tune(table: &Table, config: &Config) {
    let cap = config.dynamodb.max_request_units.map(i64::from);
    if let Some(resource) = table.scope().of(table.resource()) {
        resource.with_resource::<strata::cfn::dynamodb::Table>(|t| {
            t.point_in_time_recovery_specification = Some(
                strata::cfn::dynamodb::table::PointInTimeRecoverySpecification {
                    point_in_time_recovery_enabled: Some(true.into()),
                    recovery_period_in_days: Some(PITR_DAYS.into()),
                }
                .into(),
            );
            t.on_demand_throughput = cap.map(|units| {
                strata::cfn::dynamodb::table::OnDemandThroughput {
                    max_read_request_units: Some(units.into()),
                    max_write_request_units: Some(units.into()),
                }
                .into()
            });
        });
    }
}

/// Seed "Investment Ideas Table": partition key `id` (String), sort key
/// `timestamp` (Number), indexes by user, status and date, and a stream of
/// changes for the knowledge base's real-time indexing.
fn ideas_table(tier: &DataTier, config: &Config, security: &Security) -> Table {
    let by = |index: &str, key: &str| {
        GlobalSecondaryIndex::new(index, Attribute::string(key))
            .sort_key(Attribute::number("timestamp"))
    };
    let table = tier.add_table(
        "InvestmentIdeasTable",
        TableProps {
            sort_key: Some(Attribute::number("timestamp")),
            global_indexes: vec![
                by("UserIndex", "userId"),
                by("StatusIndex", "status"),
                by("DateIndex", "date"),
            ],
            stream: Some(StreamView::NewAndOldImages),
            ..table_props(
                config,
                security,
                "investment-ideas",
                Attribute::string("id"),
            )
        },
    );
    tune(&table, config);
    table
}

/// Seed "User Profiles Table": partition key `userId` (String), user
/// preferences and settings, encrypted at rest.
fn profiles_table(tier: &DataTier, config: &Config, security: &Security) -> Table {
    let table = tier.add_table(
        "UserProfilesTable",
        table_props(
            config,
            security,
            "user-profiles",
            Attribute::string("userId"),
        ),
    );
    tune(&table, config);
    table
}
