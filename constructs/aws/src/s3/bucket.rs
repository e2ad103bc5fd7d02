//! The S3 bucket L2: encrypted, private and TLS-only by default, with
//! lifecycle, Intelligent-Tiering, Object Lock, replication, access logs,
//! a bucket policy and grants.

use std::cell::RefCell;
use std::rc::Rc;

use strata_cfn::s3::{self as cfn, bucket as l1};
use strata_core::{Fn, RemovalPolicy, ResourceOptions, Scope, Value};

use super::lifecycle::{IntelligentTiering, LifecycleRule, StorageClass};
use crate::iam::{
    Grant, Grantable, PolicyDocument, PolicyKind, PolicyResource, PolicyStatement, Principal, Role,
    RoleProps,
};

/// Default encryption of new objects.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum BucketEncryption {
    /// SSE-S3 (`AES256`).
    #[default]
    S3Managed,
    /// SSE-KMS with a customer key (by ARN) and an S3 Bucket Key, which
    /// cuts KMS requests.
    Kms(Value<String>),
}

/// Object Lock retention mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectLockMode {
    /// Users with special permissions can shorten or remove retention.
    Governance,
    /// Nobody, including the root user, can shorten or remove retention.
    Compliance,
}

/// Object Lock with a default retention period in days.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectLock {
    /// The retention mode.
    pub mode: ObjectLockMode,
    /// The default retention period in days.
    pub days: i64,
}

/// Cross-region replication of every object to another bucket.
#[derive(Clone, Debug, PartialEq)]
pub struct Replication {
    /// The destination bucket's ARN.
    pub destination_bucket_arn: Value<String>,
    /// The storage class of replicas; unset keeps the source's.
    pub storage_class: Option<StorageClass>,
    /// The KMS key ARN in the destination region for replicas of
    /// KMS-encrypted objects.
    pub replica_kms_key_arn: Option<Value<String>>,
}

/// Settings of a [`Bucket`]. The defaults are private, SSE-S3, TLS-only
/// and retained.
#[derive(Clone, Debug)]
pub struct BucketProps {
    /// A physical bucket name; checked against S3's naming rules when literal.
    pub bucket_name: Option<Value<String>>,
    /// Default encryption.
    pub encryption: BucketEncryption,
    /// Object versioning.
    pub versioned: bool,
    /// All four Block Public Access settings (default on).
    pub block_public_access: bool,
    /// A bucket policy statement denying requests without TLS (default on).
    pub enforce_ssl: bool,
    /// Lifecycle rules.
    pub lifecycle_rules: Vec<LifecycleRule>,
    /// Intelligent-Tiering archive configurations.
    pub intelligent_tiering: Vec<IntelligentTiering>,
    /// Object Lock; needs versioning.
    pub object_lock: Option<ObjectLock>,
    /// Replication; needs versioning. Creates `<id>/ReplicationRole`.
    pub replication: Option<Replication>,
    /// S3 Replication Time Control on the replication rule, with its
    /// metrics and the 15-minute event threshold (the only value S3
    /// accepts). S3 then replicates most objects in seconds and 99.99% of
    /// them within 15 minutes, under the S3 SLA; without it replication is
    /// best effort with no stated bound. Needs `replication`.
    pub replication_time_control: bool,
    /// Server access logs: the target bucket's name and a key prefix.
    pub access_logs: Option<(Value<String>, String)>,
    /// Deletion and replacement policy (default Retain).
    pub removal_policy: RemovalPolicy,
}

impl Default for BucketProps {
    fn default() -> Self {
        BucketProps {
            bucket_name: None,
            encryption: BucketEncryption::default(),
            versioned: false,
            block_public_access: true,
            enforce_ssl: true,
            lifecycle_rules: Vec::new(),
            intelligent_tiering: Vec::new(),
            object_lock: None,
            replication: None,
            replication_time_control: false,
            access_logs: None,
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

/// An `AWS::S3::Bucket` at `<id>/Resource`, with its bucket policy at
/// `<id>/Policy/Resource`.
///
/// ```
/// use strata::prelude::*;
/// use strata::s3::{Bucket, BucketProps, LifecycleRule, StorageClass};
///
/// let app = App::new();
/// let stack = app.stack("Store", StackProps::default());
/// let media = Bucket::new(&stack, "Media", BucketProps {
///     versioned: true,
///     lifecycle_rules: vec![LifecycleRule::new("tiering")
///         .transition(StorageClass::StandardIa, 30)
///         .transition(StorageClass::Glacier, 90)],
///     ..Default::default()
/// });
/// let template = &app.synth().expect("valid").stacks[0].template;
/// let bucket = &template["Resources"][strata::logical_id(&["Media", "Resource"]).as_str()];
/// assert_eq!(bucket["DeletionPolicy"], "Retain");
/// assert_eq!(bucket["Properties"]["PublicAccessBlockConfiguration"]["BlockPublicAcls"], true);
/// # let _ = media;
/// ```
#[derive(Clone, Debug)]
pub struct Bucket {
    scope: Scope,
    bucket: cfn::BucketRef,
    kms_key: Option<Value<String>>,
    policy: Rc<RefCell<Option<(Scope, PolicyDocument)>>>,
}

const READ_ACTIONS: [&str; 3] = ["s3:GetObject*", "s3:GetBucket*", "s3:List*"];
const WRITE_ACTIONS: [&str; 7] = [
    "s3:DeleteObject*",
    "s3:PutObject",
    "s3:PutObjectLegalHold",
    "s3:PutObjectRetention",
    "s3:PutObjectTagging",
    "s3:PutObjectVersionTagging",
    "s3:Abort*",
];
const KMS_READ: [&str; 2] = ["kms:Decrypt", "kms:DescribeKey"];
const KMS_WRITE: [&str; 5] = [
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
];

impl Bucket {
    /// Adds the bucket under `scope`.
    pub fn new(scope: &Scope, id: &str, props: BucketProps) -> Bucket {
        let scope = scope.child(id);
        for p in problems(&props) {
            scope.error("s3-bucket", p);
        }
        let kms_key = match &props.encryption {
            BucketEncryption::Kms(key) => Some(key.clone()),
            BucketEncryption::S3Managed => None,
        };
        let default_encryption = match &kms_key {
            Some(key) => l1::ServerSideEncryptionByDefault {
                kms_master_key_id: Some(key.clone()),
                ..l1::ServerSideEncryptionByDefault::new("aws:kms")
            },
            None => l1::ServerSideEncryptionByDefault::new("AES256"),
        };
        let replication_role = props.replication.as_ref().map(|_| {
            Role::new(
                &scope,
                "ReplicationRole",
                RoleProps::new(Principal::service("s3.amazonaws.com")),
            )
        });
        let bucket = scope.resource_with(
            "Resource",
            cfn::Bucket {
                bucket_name: props.bucket_name.clone(),
                bucket_encryption: Some(
                    l1::BucketEncryption::new(Value::list([l1::ServerSideEncryptionRule {
                        bucket_key_enabled: kms_key.as_ref().map(|_| true.into()),
                        server_side_encryption_by_default: Some(default_encryption.into()),
                        ..Default::default()
                    }]))
                    .into(),
                ),
                intelligent_tiering_configurations: (!props.intelligent_tiering.is_empty()).then(
                    || {
                        Value::list(
                            props
                                .intelligent_tiering
                                .iter()
                                .map(IntelligentTiering::render),
                        )
                    },
                ),
                lifecycle_configuration: (!props.lifecycle_rules.is_empty()).then(|| {
                    l1::LifecycleConfiguration::new(Value::list(
                        props.lifecycle_rules.iter().map(LifecycleRule::render),
                    ))
                    .into()
                }),
                logging_configuration: props.access_logs.as_ref().map(|(target, prefix)| {
                    l1::LoggingConfiguration {
                        destination_bucket_name: Some(target.clone()),
                        log_file_prefix: Some(prefix.as_str().into()),
                        ..Default::default()
                    }
                    .into()
                }),
                object_lock_enabled: props.object_lock.as_ref().map(|_| true.into()),
                object_lock_configuration: props.object_lock.as_ref().map(object_lock),
                public_access_block_configuration: props.block_public_access.then(|| {
                    l1::PublicAccessBlockConfiguration {
                        block_public_acls: Some(true.into()),
                        block_public_policy: Some(true.into()),
                        ignore_public_acls: Some(true.into()),
                        restrict_public_buckets: Some(true.into()),
                    }
                    .into()
                }),
                replication_configuration: props
                    .replication
                    .as_ref()
                    .zip(replication_role.as_ref())
                    .map(|(r, role)| {
                        replication(r, role, kms_key.is_some(), props.replication_time_control)
                    }),
                versioning_configuration: props
                    .versioned
                    .then(|| l1::VersioningConfiguration::new("Enabled").into()),
                ..cfn::Bucket::default()
            },
            ResourceOptions::removal(props.removal_policy),
        );
        let this = Bucket {
            scope,
            bucket,
            kms_key,
            policy: Rc::new(RefCell::new(None)),
        };
        if let (Some(r), Some(role)) = (&props.replication, &replication_role) {
            this.grant_replication(r, role);
        }
        if props.enforce_ssl {
            // Deny any request that does not use TLS (the CDK's `enforceSSL`).
            this.add_to_resource_policy(
                PolicyStatement::deny_insecure_transport("s3:*")
                    .resources([this.bucket_arn(), this.arn_for_objects("*")]),
            );
        }
        this
    }

    fn grant_replication(&self, r: &Replication, role: &Role) {
        Grant::to_principal(
            role,
            &["s3:GetReplicationConfiguration", "s3:ListBucket"],
            vec![self.bucket_arn()],
        );
        Grant::to_principal(
            role,
            &[
                "s3:GetObjectVersionForReplication",
                "s3:GetObjectVersionAcl",
                "s3:GetObjectVersionTagging",
            ],
            vec![self.arn_for_objects("*")],
        );
        let objects = Fn::join("", [r.destination_bucket_arn.clone(), "/*".into()]);
        Grant::to_principal(
            role,
            &[
                "s3:ReplicateObject",
                "s3:ReplicateDelete",
                "s3:ReplicateTags",
            ],
            vec![objects],
        );
        if let Some(key) = &self.kms_key {
            Grant::to_principal(role, &KMS_READ, vec![key.clone()]);
        }
        if let Some(key) = &r.replica_kms_key_arn {
            Grant::to_principal(
                role,
                &["kms:Encrypt", "kms:GenerateDataKey*"],
                vec![key.clone()],
            );
        }
    }

    /// The bucket name, `Ref`.
    pub fn bucket_name(&self) -> Value<String> {
        self.bucket.ref_()
    }

    /// The bucket ARN.
    pub fn bucket_arn(&self) -> Value<String> {
        self.bucket.arn()
    }

    /// The ARN of the objects matching `pattern`, such as `*` or `logs/*`.
    pub fn arn_for_objects(&self, pattern: &str) -> Value<String> {
        Fn::join("", [self.bucket_arn(), format!("/{pattern}").into()])
    }

    /// The regional domain name, for CloudFront origins and clients.
    pub fn regional_domain_name(&self) -> Value<String> {
        self.bucket.regional_domain_name()
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::BucketRef {
        &self.bucket
    }

    /// The bucket's construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    fn grant(&self, grantee: &dyn Grantable, actions: &[&str], kms: &[&str]) -> Grant {
        let grant = Grant::to_principal_or_resource(
            grantee,
            actions,
            vec![self.bucket_arn(), self.arn_for_objects("*")],
            self,
            vec![self.bucket_arn(), self.arn_for_objects("*")],
        );
        if let Some(key) = &self.kms_key {
            Grant::to_principal(grantee, kms, vec![key.clone()]);
        }
        grant
    }

    /// Lets `grantee` list the bucket and read objects.
    pub fn grant_read(&self, grantee: &dyn Grantable) -> Grant {
        self.grant(grantee, &READ_ACTIONS, &KMS_READ)
    }

    /// Lets `grantee` write and delete objects.
    pub fn grant_write(&self, grantee: &dyn Grantable) -> Grant {
        self.grant(grantee, &WRITE_ACTIONS, &KMS_WRITE)
    }

    /// Lets `grantee` read, write and delete objects.
    pub fn grant_read_write(&self, grantee: &dyn Grantable) -> Grant {
        let actions: Vec<&str> = READ_ACTIONS.iter().chain(&WRITE_ACTIONS).copied().collect();
        self.grant(grantee, &actions, &KMS_WRITE)
    }
}

impl PolicyResource for Bucket {
    /// Adds `statement` to the bucket policy, creating it at
    /// `<id>/Policy/Resource` on first use.
    fn add_to_resource_policy(&self, statement: PolicyStatement) -> bool {
        for p in statement.validate(PolicyKind::Resource) {
            self.scope.error("s3-bucket-policy", p);
        }
        let mut policy = self.policy.borrow_mut();
        let (scope, document) = policy.get_or_insert_with(|| {
            let scope = self.scope.child("Policy");
            scope.resource(
                "Resource",
                cfn::BucketPolicy::new(self.bucket_name(), PolicyDocument::new().to_value()),
            );
            (scope, PolicyDocument::new())
        });
        document.add_statement(statement);
        let value = document.to_value();
        if let Some(resource) = scope.children().into_iter().next() {
            resource.with_resource(|p: &mut cfn::BucketPolicy| p.policy_document = value);
        }
        true
    }
}

fn object_lock(lock: &ObjectLock) -> Value<l1::ObjectLockConfiguration> {
    let mode = match lock.mode {
        ObjectLockMode::Governance => "GOVERNANCE",
        ObjectLockMode::Compliance => "COMPLIANCE",
    };
    l1::ObjectLockConfiguration {
        object_lock_enabled: Some("Enabled".into()),
        rule: Some(
            l1::ObjectLockRule {
                default_retention: Some(
                    l1::DefaultRetention {
                        days: Some(lock.days.into()),
                        mode: Some(mode.into()),
                        ..Default::default()
                    }
                    .into(),
                ),
            }
            .into(),
        ),
    }
    .into()
}

/// The time S3 Replication Time Control promises, and the only threshold
/// S3 accepts for it and its metrics events.
const REPLICATION_TIME_MINUTES: i64 = 15;

fn replication(
    r: &Replication,
    role: &Role,
    kms: bool,
    time_control: bool,
) -> Value<l1::ReplicationConfiguration> {
    let threshold = || l1::ReplicationTimeValue::new(REPLICATION_TIME_MINUTES);
    let destination = l1::ReplicationDestination {
        metrics: time_control.then(|| {
            l1::Metrics {
                event_threshold: Some(threshold().into()),
                ..l1::Metrics::new("Enabled")
            }
            .into()
        }),
        replication_time: time_control
            .then(|| l1::ReplicationTime::new("Enabled", threshold()).into()),
        storage_class: r.storage_class.map(|c| c.code().into()),
        encryption_configuration: r
            .replica_kms_key_arn
            .clone()
            .map(|k| l1::EncryptionConfiguration::new(k).into()),
        ..l1::ReplicationDestination::new(r.destination_bucket_arn.clone())
    };
    let rule = l1::ReplicationRule {
        id: Some("ReplicateAll".into()),
        priority: Some(0.into()),
        filter: Some(
            l1::ReplicationRuleFilter {
                prefix: Some("".into()),
                ..Default::default()
            }
            .into(),
        ),
        delete_marker_replication: Some(
            l1::DeleteMarkerReplication {
                status: Some("Enabled".into()),
            }
            .into(),
        ),
        source_selection_criteria: kms.then(|| {
            l1::SourceSelectionCriteria {
                sse_kms_encrypted_objects: Some(l1::SseKmsEncryptedObjects::new("Enabled").into()),
                ..Default::default()
            }
            .into()
        }),
        ..l1::ReplicationRule::new(destination, "Enabled")
    };
    l1::ReplicationConfiguration::new(role.arn(), Value::list([rule])).into()
}

/// S3's bucket naming rules, for literal names.
fn name_problem(name: &str) -> Option<String> {
    let chars_ok = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-');
    let ends_ok = name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    let ip_like = name.parse::<std::net::Ipv4Addr>().is_ok();
    if !(3..=63).contains(&name.len()) || !chars_ok || !ends_ok || ip_like || name.contains("..") {
        Some(format!(
            "bucket name {name:?} is invalid: use 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit"
        ))
    } else {
        None
    }
}

fn problems(p: &BucketProps) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(name) = p.bucket_name.as_ref().and_then(Value::as_literal) {
        out.extend(name_problem(name));
    }
    if p.object_lock.is_some() && !p.versioned {
        out.push("Object Lock needs versioning; set versioned: true".to_string());
    }
    if let Some(lock) = &p.object_lock {
        if !(1..=36500).contains(&lock.days) {
            out.push(format!(
                "Object Lock retention of {} days is outside 1-36500",
                lock.days
            ));
        }
    }
    if p.replication.is_some() && !p.versioned {
        out.push("replication needs versioning; set versioned: true".to_string());
    }
    if p.replication_time_control && p.replication.is_none() {
        out.push(
            "replication_time_control applies to a replication rule; set replication or drop it"
                .to_string(),
        );
    }
    let mut ids: Vec<&str> = Vec::new();
    for rule in &p.lifecycle_rules {
        if ids.contains(&rule.id.as_str()) {
            out.push(format!("lifecycle rule id {:?} is used twice", rule.id));
        }
        ids.push(&rule.id);
        out.extend(rule.problems());
    }
    for t in &p.intelligent_tiering {
        out.extend(t.problems());
    }
    out
}
