//! Replicated data: DynamoDB global tables with a replica in each Region,
//! and S3 buckets replicated to a destination bucket in the secondary
//! Region under Replication Time Control.

use std::time::Duration;

use strata_core::Map;

use crate::dynamodb::{GlobalTable, GlobalTableProps, TableEncryption, TableProps};
use crate::s3::{Bucket, BucketEncryption, BucketProps, Replication};

use super::objectives::{check_rpo, DYNAMODB_REPLICATION, S3_REPLICATION_TIME_CONTROL};
use super::{MultiRegionDR, MultiRegionKey};

/// A table to protect with [`MultiRegionDR::protect_table`].
#[derive(Clone)]
pub struct TableProtection {
    /// The table: keys, indexes, billing, TTL and removal policy. A stream
    /// of new and old images is added, as global tables need.
    pub table: TableProps,
    /// Encrypts each replica with this key in its own Region; without it,
    /// replicas use the table's AWS owned or AWS managed encryption.
    pub key: Option<MultiRegionKey>,
}

impl TableProtection {
    /// Protects `table` with its own encryption setting.
    pub fn new(table: TableProps) -> Self {
        TableProtection { table, key: None }
    }
}

/// A bucket to protect with [`MultiRegionDR::protect_bucket`].
#[derive(Clone)]
pub struct BucketProtection {
    /// The bucket in the primary Region. Versioning is turned on, as
    /// replication needs; `replication` is set by the construct.
    pub bucket: BucketProps,
    /// The destination bucket's name, such as seed 000's
    /// `agent-media-bucket-west`; generated when unset.
    pub replica_bucket_name: Option<String>,
    /// Encrypts the bucket and its replicas with this key (SSE-KMS); the
    /// bucket's own `encryption` must then stay SSE-S3.
    pub key: Option<MultiRegionKey>,
    /// This bucket's RPO when it differs from the construct's (a bucket
    /// cannot promise less than 15 minutes).
    pub rpo: Option<Duration>,
}

impl BucketProtection {
    /// Protects `bucket` under the construct's RPO, the replica named by
    /// CloudFormation.
    pub fn new(bucket: BucketProps) -> Self {
        BucketProtection {
            bucket,
            replica_bucket_name: None,
            key: None,
            rpo: None,
        }
    }
}

/// A bucket and its replica.
#[derive(Clone, Debug)]
pub struct ProtectedBucket {
    /// The bucket in the primary Region, replicating.
    pub source: Bucket,
    /// The destination bucket in the secondary Region.
    pub replica: Bucket,
}

impl MultiRegionDR {
    /// A DynamoDB global table at `<id>` in the primary stack with a
    /// replica in each Region. Replication takes about a second, so an RPO
    /// under a second is an error; replicas take writes at once, so the
    /// table adds nothing to the RTO.
    pub fn protect_table(&self, id: &str, protection: TableProtection) -> GlobalTable {
        let mut table = protection.table;
        let mut replica_keys = Map::new();
        let conflict = match (&protection.key, &table.encryption) {
            (Some(_), TableEncryption::Customer(_)) => Some(
                "the table has a key in `encryption` and a multi-Region key in `key`; keep only `key`, which encrypts each replica in its own Region",
            ),
            (None, TableEncryption::Customer(_)) => Some(
                "a customer key encrypts one Region only, but each replica needs a key in its own; pass a MultiRegionKey from MultiRegionDR::multi_region_key as `key`",
            ),
            _ => None,
        };
        if let Some(key) = &protection.key {
            table.encryption = TableEncryption::Customer(key.primary_region_arn());
            replica_keys.insert(self.props.primary_region.clone(), key.primary_region_arn());
            replica_keys.insert(
                self.props.secondary_region.clone(),
                key.secondary_region_arn(),
            );
        }
        let global = GlobalTable::new(
            &self.primary,
            id,
            GlobalTableProps {
                table,
                regions: vec![
                    self.props.primary_region.clone(),
                    self.props.secondary_region.clone(),
                ],
                replica_keys,
            },
        );
        if let Some(message) = conflict {
            global.scope().error("dr-encryption", message);
        }
        check_rpo(
            global.scope(),
            self.props.rpo,
            DYNAMODB_REPLICATION,
            "a DynamoDB global table replicates asynchronously, a write usually reaching the other Region within a second (DynamoDB Developer Guide)",
            "raise the RPO to 1s or more",
        );
        global
    }

    /// A destination bucket at `<id>` in the secondary stack and the
    /// bucket at `<id>` in the primary stack, replicating every object
    /// and delete marker to it under S3 Replication Time Control (with
    /// its metrics). Without Time Control S3 states no replication time
    /// at all, so every protected bucket gets it; with it S3 promises
    /// 99.99% of objects within 15 minutes, so an RPO under 15 minutes is
    /// an error. The replica keeps the bucket's Object Lock, lifecycle
    /// and removal policy.
    pub fn protect_bucket(&self, id: &str, protection: BucketProtection) -> ProtectedBucket {
        let key = protection.key.as_ref();
        let source = protection.bucket;
        let replica = Bucket::new(
            &self.secondary,
            id,
            BucketProps {
                bucket_name: protection.replica_bucket_name.as_deref().map(Into::into),
                encryption: key.map_or(BucketEncryption::S3Managed, |k| {
                    BucketEncryption::Kms(k.secondary_region_arn())
                }),
                versioned: true,
                lifecycle_rules: source.lifecycle_rules.clone(),
                intelligent_tiering: source.intelligent_tiering.clone(),
                object_lock: source.object_lock.clone(),
                removal_policy: source.removal_policy,
                ..BucketProps::default()
            },
        );
        let mut problems = Vec::new();
        if source.replication.is_some() {
            problems.push(
                "protect_bucket replicates the bucket to its replica itself; leave `replication` unset",
            );
        }
        let encryption = match (key, &source.encryption) {
            (Some(k), BucketEncryption::S3Managed) => BucketEncryption::Kms(k.primary_region_arn()),
            (Some(_), BucketEncryption::Kms(_)) => {
                problems.push("the bucket has a key in `encryption` and a multi-Region key in `key`; keep only `key`, which encrypts the bucket and its replica");
                source.encryption.clone()
            }
            (None, BucketEncryption::Kms(_)) => {
                problems.push("S3 replicates KMS-encrypted objects only with a key in the secondary Region; pass a MultiRegionKey from MultiRegionDR::multi_region_key as `key` instead of `encryption`");
                source.encryption.clone()
            }
            (None, BucketEncryption::S3Managed) => BucketEncryption::S3Managed,
        };
        let bucket = Bucket::new(
            &self.primary,
            id,
            BucketProps {
                encryption,
                versioned: true,
                replication: Some(Replication {
                    destination_bucket_arn: replica.bucket_arn(),
                    storage_class: None,
                    replica_kms_key_arn: key.map(MultiRegionKey::secondary_region_arn),
                }),
                replication_time_control: true,
                ..source
            },
        );
        for p in problems {
            bucket.scope().error("dr-bucket", p);
        }
        check_rpo(
            bucket.scope(),
            protection.rpo.unwrap_or(self.props.rpo),
            S3_REPLICATION_TIME_CONTROL,
            "S3 promises no replication time without Replication Time Control, and with it 99.99% of objects within 15 minutes (S3 User Guide)",
            "keep data that needs a tighter RPO in a DynamoDB global table or an Aurora global database, or give this bucket `rpo: Some(..)` of 15 minutes or more",
        );
        ProtectedBucket {
            source: bucket,
            replica,
        }
    }
}
