//! The S3 module (seed sections 1, 6 and 7; in section 4's graph it
//! depends on KMS only).
//!
//! Section 1 counts seven buckets, "KMS enc., Versioned/Tiered"; section 6
//! names five of them: `knowledge-documents` (original documents,
//! versioned, old versions expired as in section 5's knowledge update
//! flow), `document-chunks` (chunked text), `user-uploads` (a 90-day
//! lifecycle), `backups` (the multi-tier lifecycle: 30 days to
//! STANDARD_IA, 90 to GLACIER_IR, 180 to DEEP_ARCHIVE) and `audit-logs`
//! (immutable records, under Object Lock). The other two are
//! `embeddings`, where section 5's workers store the vectors they
//! generate, and `access-logs`, which receives the other buckets' server
//! access logs. In prod, section 7's tiering also applies to the knowledge
//! documents, audit logs and access logs. Every bucket is versioned,
//! private, TLS-only ("S3: HTTPS/TLS for all requests") and, but for the
//! access logs (S3 delivers server access logs only to SSE-S3 buckets),
//! encrypted with the `storage` key; the applications reach them through
//! the S3 gateway endpoint.

use strata::iam::{PolicyResource, PolicyStatement, Principal};
use strata::prelude::*;
use strata::s3::{
    Bucket, BucketEncryption, BucketProps, LifecycleRule, ObjectLock, ObjectLockMode, StorageClass,
};

use crate::config::{Config, LockMode};
use crate::kms::ServiceKeys;

/// The buckets, by the seed's names.
pub struct Buckets {
    /// Original knowledge documents.
    pub knowledge_documents: Bucket,
    /// Chunked document text.
    pub document_chunks: Bucket,
    /// Generated embeddings.
    pub embeddings: Bucket,
    /// Files users upload, expired after 90 days.
    pub user_uploads: Bucket,
    /// Backups, tiered down to DEEP_ARCHIVE.
    pub backups: Bucket,
    /// Immutable audit records.
    pub audit_logs: Bucket,
    /// Server access logs of the other six.
    pub access_logs: Bucket,
}

/// Section 7's production lifecycle: STANDARD for 30 days, STANDARD_IA to
/// day 90, GLACIER_IR to day 180, DEEP_ARCHIVE after.
fn tiered(id: &str) -> LifecycleRule {
    LifecycleRule::new(id)
        .transition(StorageClass::StandardIa, 30)
        .transition(StorageClass::GlacierInstantRetrieval, 90)
        .transition(StorageClass::DeepArchive, 180)
}

/// Clean-up every bucket gets: incomplete multipart uploads are aborted
/// after 7 days.
fn uploads() -> LifecycleRule {
    LifecycleRule::new("abort-incomplete-uploads").abort_incomplete_uploads_after(7)
}

/// Builds the seven buckets in `stack`.
pub fn build(stack: &Scope, config: &Config, keys: &ServiceKeys) -> Buckets {
    let env = config.name();
    let s3 = &config.s3;
    let name = |bucket: &str| {
        Some(Fn::sub(&format!(
            "support-agent-{env}-{bucket}-${{AWS::AccountId}}-${{AWS::Region}}"
        )))
    };
    let access_logs = Bucket::new(
        stack,
        "AccessLogs",
        BucketProps {
            bucket_name: name("access-logs"),
            versioned: true,
            lifecycle_rules: {
                let mut rules = vec![uploads()];
                if s3.tiered_lifecycle {
                    rules.push(tiered("tiering").expire_after(365));
                } else {
                    rules.push(LifecycleRule::new("expiry").expire_after(365));
                }
                rules
            },
            ..Default::default()
        },
    );
    access_logs.add_to_resource_policy(
        PolicyStatement::allow()
            .sid("S3ServerAccessLogs")
            .action("s3:PutObject")
            .principal(Principal::service("logging.s3.amazonaws.com"))
            .resource(access_logs.arn_for_objects("*"))
            .condition("StringEquals", "aws:SourceAccount", [Fn::account_id()]),
    );
    // A versioned bucket under the storage key, logging to `access_logs`.
    let props = |bucket_name: &str, rules: Vec<LifecycleRule>| BucketProps {
        bucket_name: name(bucket_name),
        encryption: BucketEncryption::Kms(keys.storage.key_arn()),
        versioned: true,
        lifecycle_rules: [vec![uploads()], rules].concat(),
        access_logs: Some((access_logs.bucket_name(), format!("{bucket_name}/"))),
        ..Default::default()
    };
    let when_tiered = |rule: LifecycleRule| -> Vec<LifecycleRule> {
        if s3.tiered_lifecycle {
            vec![rule]
        } else {
            Vec::new()
        }
    };
    let knowledge_documents = Bucket::new(
        stack,
        "KnowledgeDocuments",
        props(
            "knowledge-documents",
            [
                vec![LifecycleRule::new("expire-old-versions").expire_noncurrent_after(90)],
                when_tiered(tiered("tiering")),
            ]
            .concat(),
        ),
    );
    let document_chunks = Bucket::new(
        stack,
        "DocumentChunks",
        props(
            "document-chunks",
            vec![LifecycleRule::new("expire-old-versions").expire_noncurrent_after(30)],
        ),
    );
    let embeddings = Bucket::new(
        stack,
        "Embeddings",
        props(
            "embeddings",
            vec![LifecycleRule::new("expire-old-versions").expire_noncurrent_after(30)],
        ),
    );
    let user_uploads = Bucket::new(
        stack,
        "UserUploads",
        props(
            "user-uploads",
            vec![LifecycleRule::new("expire-uploads")
                .expire_after(s3.user_upload_expiry_days)
                .expire_noncurrent_after(7)],
        ),
    );
    let backups = Bucket::new(
        stack,
        "Backups",
        props("backups", vec![tiered("multi-tier")]),
    );
    let audit_logs = Bucket::new(
        stack,
        "AuditLogs",
        BucketProps {
            object_lock: Some(ObjectLock {
                mode: match s3.audit_log_lock.mode {
                    LockMode::Governance => ObjectLockMode::Governance,
                    LockMode::Compliance => ObjectLockMode::Compliance,
                },
                days: s3.audit_log_lock.days,
            }),
            ..props("audit-logs", when_tiered(tiered("tiering")))
        },
    );
    Buckets {
        knowledge_documents,
        document_chunks,
        embeddings,
        user_uploads,
        backups,
        audit_logs,
        access_logs,
    }
}
