//! Seed section "Disaster Recovery and Backup" in the secondary region
//! (us-west-2): the `BirdRecovery` stack holds what the primary region
//! copies into, so it deploys before `BirdStack`:
//!
//! - the backup vault `bird-agent-backups` the weekly AWS Backup copies of
//!   Aurora and the tables land in (seed "Cross-Region Snapshots: Weekly to
//!   us-west-2", "Cross-Region Backup: Via AWS Backup service");
//! - with cross-region replication on, the replica buckets
//!   `agent-media-bucket-west` and `agent-config-bucket-west` (seed "S3
//!   Buckets: agent-media-bucket → agent-media-bucket-west"), archived to
//!   Glacier after 90 days (seed "Lifecycle Management: Archive to Glacier
//!   after 90 days"), and the region's S3 and Secrets Manager keys for the
//!   KMS-encrypted replicas (seed "Secrets: Replicated across regions
//!   automatically").

use strata::backup::{BackupVault, BackupVaultProps};
use strata::kms::{Key, KeyProps};
use strata::prelude::*;
use strata::s3::{Bucket, BucketEncryption, BucketProps, LifecycleRule, StorageClass};

use crate::backup::VAULT_NAME;
use crate::data::{key_policy, ReplicaTarget};

/// Seed "Archive to Glacier after 90 days".
pub const ARCHIVE_AFTER_DAYS: i64 = 90;

/// What the primary region replicates into.
pub struct Recovery {
    /// The vault of the weekly backup copies.
    pub vault: BackupVault,
    /// The replica buckets' target, when replication is on.
    pub replica: Option<ReplicaTarget>,
    /// The replica buckets (media, config), when replication is on.
    pub buckets: Vec<Bucket>,
    /// The region's Secrets Manager key, when replication is on.
    pub secrets_key: Option<Key>,
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

/// Builds the recovery stack in `region`; `replicate` adds the replica
/// buckets and keys.
pub fn build(stack: &Scope, region: &str, replicate: bool) -> Recovery {
    let backup_key = key(
        stack,
        "BackupKey",
        "backup",
        "Encryption key for the cross-region backup vault",
        "backup",
    );
    let vault = BackupVault::new(
        stack,
        "BackupVault",
        BackupVaultProps {
            vault_name: Some(VAULT_NAME.into()),
            encryption_key_arn: Some(backup_key.key_arn()),
            ..Default::default()
        },
    );
    if !replicate {
        return Recovery {
            vault,
            replica: None,
            buckets: Vec::new(),
            secrets_key: None,
        };
    }
    let s3_key = key(
        stack,
        "S3Key",
        "s3",
        "Encryption key for the S3 replica buckets",
        "s3",
    );
    let secrets_key = key(
        stack,
        "SecretsKey",
        "secrets",
        "Encryption key for the Secrets Manager replicas",
        "secretsmanager",
    );
    let target = ReplicaTarget {
        region: region.to_string(),
        key_arn: s3_key.key_arn(),
    };
    let replica = |id: &str, name: &str, encryption: BucketEncryption| {
        Bucket::new(
            stack,
            id,
            BucketProps {
                bucket_name: Some(Fn::sub(&target.bucket_name(name))),
                encryption,
                versioned: true,
                lifecycle_rules: vec![LifecycleRule::new("archive")
                    .abort_incomplete_uploads_after(7)
                    .transition(StorageClass::Glacier, ARCHIVE_AFTER_DAYS)],
                ..Default::default()
            },
        )
    };
    let buckets = vec![
        replica(
            "AgentMediaBucketWest",
            "agent-media-bucket",
            BucketEncryption::S3Managed,
        ),
        replica(
            "AgentConfigBucketWest",
            "agent-config-bucket",
            BucketEncryption::Kms(s3_key.key_arn()),
        ),
    ];
    Recovery {
        vault,
        replica: Some(target),
        buckets,
        secrets_key: Some(secrets_key),
    }
}
