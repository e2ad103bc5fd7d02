//! Seed section "Data and Context Infrastructure / Hybrid Context Storage
//! Architecture": the three DynamoDB context tables (keys, TTL, capacity
//! modes, indexes, stream) and the two S3 buckets (lifecycles, versioning,
//! SSE-KMS, Object Lock), plus the audit trail table the seed's
//! `ThreatClassificationComplete` rule writes to.
//!
//! The props are built here without their keys; [`crate::storage`] places
//! them in the data stack, encrypted with the AgentContextKey (tables, the
//! archive) and the InvestigationDataKey (evidence), as global tables and
//! replicated buckets when the environment has a standby region.

use strata::dynamodb::{
    Attribute, Billing, GlobalSecondaryIndex, LocalSecondaryIndex, Scaling, StreamView, TableProps,
};
use strata::prelude::*;
use strata::s3::{BucketProps, LifecycleRule, ObjectLock, ObjectLockMode, StorageClass};

/// The attribute every table's TTL reads (epoch seconds). The writers set
/// it to the seed's TTL: 7 days (global), 30 days (investigations) and 24
/// hours (agents).
pub const TTL_ATTRIBUTE: &str = "expires_at";

/// The seed's TTLs, in seconds, by table; the tools pass them on.
pub const TTL_SECONDS: [(&str, u32); 3] = [
    ("GlobalContextTable", 7 * 24 * 3600),
    ("InvestigationContextTable", 30 * 24 * 3600),
    ("AgentContextTable", 24 * 3600),
];

/// Object Lock's default retention on evidence: 7 years (with two leap days).
pub const EVIDENCE_RETENTION_DAYS: i64 = 7 * 365 + 2;

/// GlobalContextTable: `context_type` / `timestamp`, 7-day TTL, on demand
/// (DynamoDB scales on-demand tables itself, which is the seed's
/// "On-demand with auto-scaling"), with the `threat_type-timestamp-index`
/// and `severity-timestamp-index` GSIs.
pub fn global_context() -> TableProps {
    let s = Attribute::string;
    TableProps {
        table_name: Some("GlobalContextTable".into()),
        sort_key: Some(s("timestamp")),
        billing: Billing::OnDemand,
        ttl_attribute: Some(TTL_ATTRIBUTE.into()),
        global_indexes: vec![
            GlobalSecondaryIndex::new("threat_type-timestamp-index", s("threat_type"))
                .sort_key(s("timestamp")),
            GlobalSecondaryIndex::new("severity-timestamp-index", s("severity"))
                .sort_key(s("timestamp")),
        ],
        ..TableProps::new(s("context_type"))
    }
}

/// InvestigationContextTable: `investigation_id` / `context_level#timestamp`
/// (the attribute `context_level_timestamp` holds `<level>#<timestamp>`),
/// 30-day TTL, provisioned with auto-scaling, and the
/// `agent_id-timestamp-index` LSI (`agent_id_timestamp` holds
/// `<agent>#<timestamp>`).
///
/// The seed gives no capacity numbers: 5 units each way to start, scaled
/// between 5 and 100 at 70 % utilisation.
pub fn investigation_context() -> TableProps {
    let s = Attribute::string;
    let scaling = || Some(Scaling::new(5, 100, 70.0));
    TableProps {
        table_name: Some("InvestigationContextTable".into()),
        sort_key: Some(s("context_level_timestamp")),
        billing: Billing::Provisioned {
            read: 5,
            write: 5,
            read_scaling: scaling(),
            write_scaling: scaling(),
        },
        ttl_attribute: Some(TTL_ATTRIBUTE.into()),
        local_indexes: vec![LocalSecondaryIndex::new(
            "agent_id-timestamp-index",
            s("agent_id_timestamp"),
        )],
        ..TableProps::new(s("investigation_id"))
    }
}

/// AgentContextTable: `agent_id` / `session_id#timestamp` (the attribute
/// `session_id_timestamp`), 24-hour TTL, on demand, with a
/// `NEW_AND_OLD_IMAGES` stream.
pub fn agent_context() -> TableProps {
    let s = Attribute::string;
    TableProps {
        table_name: Some("AgentContextTable".into()),
        sort_key: Some(s("session_id_timestamp")),
        billing: Billing::OnDemand,
        ttl_attribute: Some(TTL_ATTRIBUTE.into()),
        stream: Some(StreamView::NewAndOldImages),
        ..TableProps::new(s("agent_id"))
    }
}

/// AuditTrailTable: the "Audit Trail DynamoDB" target of the
/// `ThreatClassificationComplete` rule; `event_id` / `timestamp`, on
/// demand, kept without TTL.
pub fn audit_trail() -> TableProps {
    let s = Attribute::string;
    TableProps {
        table_name: Some("AuditTrailTable".into()),
        sort_key: Some(s("timestamp")),
        ..TableProps::new(s("event_id"))
    }
}

/// `<name>-<account>-<region>`, unique per account and region.
pub fn bucket_name(name: &str) -> Value<String> {
    Fn::sub(&format!("{name}-${{AWS::AccountId}}-${{AWS::Region}}"))
}

/// ContextArchiveBucket: versioned (SSE-KMS with the AgentContextKey),
/// moved to Standard-IA after 30 days, Glacier after 90 and Deep Archive
/// after 365.
///
/// The seed also names Intelligent-Tiering as the storage class; S3's
/// lifecycle waterfall cannot move objects from Intelligent-Tiering to
/// Standard-IA, so objects are written as Standard and the seed's three
/// transitions apply.
pub fn context_archive() -> BucketProps {
    BucketProps {
        bucket_name: Some(bucket_name("threat-agent-context-archive")),
        versioned: true,
        lifecycle_rules: vec![LifecycleRule::new("context-archive-tiering")
            .transition(StorageClass::StandardIa, 30)
            .transition(StorageClass::Glacier, 90)
            .transition(StorageClass::DeepArchive, 365)],
        ..Default::default()
    }
}

/// InvestigationEvidenceBucket: Standard, versioned (SSE-KMS with the
/// InvestigationDataKey), Object Lock in governance mode for 7 years, moved
/// to Glacier after 30 days (replicated to the standby region by
/// [`crate::storage`]).
///
/// The seed's "Transition to IA after 7 days" is earlier than S3 allows
/// (Standard-IA takes objects from day 30); Glacier Instant Retrieval, the
/// infrequent-access class without that floor, takes them at day 7.
pub fn investigation_evidence() -> BucketProps {
    BucketProps {
        bucket_name: Some(bucket_name("threat-agent-investigation-evidence")),
        versioned: true,
        object_lock: Some(ObjectLock {
            mode: ObjectLockMode::Governance,
            days: EVIDENCE_RETENTION_DAYS,
        }),
        lifecycle_rules: vec![LifecycleRule::new("evidence-tiering")
            .transition(StorageClass::GlacierInstantRetrieval, 7)
            .transition(StorageClass::Glacier, 30)],
        ..Default::default()
    }
}
