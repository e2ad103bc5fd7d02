//! Lifecycle rules and Intelligent-Tiering archive configurations, with
//! the ordering S3 enforces checked at synth.

use strata_cfn::s3::bucket as l1;
use strata_core::Value;

/// An S3 storage class an object can transition to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageClass {
    /// `STANDARD_IA`
    StandardIa,
    /// `INTELLIGENT_TIERING`
    IntelligentTiering,
    /// `ONEZONE_IA`
    OneZoneIa,
    /// `GLACIER_IR` (Glacier Instant Retrieval)
    GlacierInstantRetrieval,
    /// `GLACIER` (Glacier Flexible Retrieval)
    Glacier,
    /// `DEEP_ARCHIVE`
    DeepArchive,
}

impl StorageClass {
    /// The CloudFormation spelling.
    pub fn code(self) -> &'static str {
        match self {
            StorageClass::StandardIa => "STANDARD_IA",
            StorageClass::IntelligentTiering => "INTELLIGENT_TIERING",
            StorageClass::OneZoneIa => "ONEZONE_IA",
            StorageClass::GlacierInstantRetrieval => "GLACIER_IR",
            StorageClass::Glacier => "GLACIER",
            StorageClass::DeepArchive => "DEEP_ARCHIVE",
        }
    }

    /// The class's place in S3's transition waterfall: objects only move
    /// to a class further down.
    fn rank(self) -> u8 {
        match self {
            StorageClass::StandardIa => 1,
            StorageClass::IntelligentTiering => 2,
            StorageClass::OneZoneIa => 3,
            StorageClass::GlacierInstantRetrieval => 4,
            StorageClass::Glacier => 5,
            StorageClass::DeepArchive => 6,
        }
    }

    /// The infrequent-access classes, which hold objects at least 30 days
    /// before another transition and take them no earlier than day 30.
    fn infrequent(self) -> bool {
        matches!(self, StorageClass::StandardIa | StorageClass::OneZoneIa)
    }
}

/// A lifecycle rule: transitions, expiration and clean-up for objects
/// under an optional prefix.
///
/// ```
/// use strata::s3::{LifecycleRule, StorageClass};
/// let rule = LifecycleRule::new("logs-tiering")
///     .transition(StorageClass::StandardIa, 30)
///     .transition(StorageClass::Glacier, 180)
///     .expire_after(2555);
/// assert!(rule.problems().is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LifecycleRule {
    /// The rule id.
    pub id: String,
    /// Only objects under this key prefix.
    pub prefix: Option<String>,
    /// Transitions of current versions: storage class and age in days.
    pub transitions: Vec<(StorageClass, i64)>,
    /// Delete current versions after this many days.
    pub expiration_days: Option<i64>,
    /// Transitions of noncurrent versions: class and days since noncurrent.
    pub noncurrent_transitions: Vec<(StorageClass, i64)>,
    /// Delete noncurrent versions this many days after they become noncurrent.
    pub noncurrent_expiration_days: Option<i64>,
    /// Abort incomplete multipart uploads after this many days.
    pub abort_incomplete_upload_days: Option<i64>,
    /// Whether the rule is disabled.
    pub disabled: bool,
}

impl LifecycleRule {
    /// An enabled rule with no actions yet.
    pub fn new(id: &str) -> LifecycleRule {
        LifecycleRule {
            id: id.to_string(),
            ..LifecycleRule::default()
        }
    }

    /// Limits the rule to a key prefix.
    pub fn prefix(mut self, prefix: &str) -> Self {
        self.prefix = Some(prefix.to_string());
        self
    }

    /// Moves current versions to `class` after `days`.
    pub fn transition(mut self, class: StorageClass, days: i64) -> Self {
        self.transitions.push((class, days));
        self
    }

    /// Deletes current versions after `days`.
    pub fn expire_after(mut self, days: i64) -> Self {
        self.expiration_days = Some(days);
        self
    }

    /// Moves noncurrent versions to `class` `days` after they become noncurrent.
    pub fn noncurrent_transition(mut self, class: StorageClass, days: i64) -> Self {
        self.noncurrent_transitions.push((class, days));
        self
    }

    /// Deletes noncurrent versions `days` after they become noncurrent.
    pub fn expire_noncurrent_after(mut self, days: i64) -> Self {
        self.noncurrent_expiration_days = Some(days);
        self
    }

    /// Aborts incomplete multipart uploads after `days`.
    pub fn abort_incomplete_uploads_after(mut self, days: i64) -> Self {
        self.abort_incomplete_upload_days = Some(days);
        self
    }

    /// What S3 would reject about this rule.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let id = &self.id;
        if id.is_empty() || id.len() > 255 {
            out.push("a lifecycle rule id must be 1 to 255 characters".to_string());
        }
        let actions = !self.transitions.is_empty()
            || self.expiration_days.is_some()
            || !self.noncurrent_transitions.is_empty()
            || self.noncurrent_expiration_days.is_some()
            || self.abort_incomplete_upload_days.is_some();
        if !actions {
            out.push(format!("lifecycle rule {id:?} has no action; add a transition, an expiration or an upload clean-up"));
        }
        for (what, list, expiry) in [
            ("transition", &self.transitions, self.expiration_days),
            (
                "noncurrent transition",
                &self.noncurrent_transitions,
                self.noncurrent_expiration_days,
            ),
        ] {
            out.extend(waterfall_problems(id, what, list, expiry));
        }
        for (what, days) in [
            ("expiration", self.expiration_days),
            ("noncurrent expiration", self.noncurrent_expiration_days),
            ("upload clean-up", self.abort_incomplete_upload_days),
        ] {
            if let Some(d) = days {
                if d < 1 {
                    out.push(format!(
                        "lifecycle rule {id:?}: {what} after {d} days must be at least 1 day"
                    ));
                }
            }
        }
        out
    }

    pub(crate) fn render(&self) -> Value<l1::RuleProperty> {
        let transitions = |list: &[(StorageClass, i64)]| {
            Value::list(list.iter().map(|(class, days)| l1::Transition {
                transition_in_days: Some((*days).into()),
                ..l1::Transition::new(class.code())
            }))
        };
        l1::RuleProperty {
            id: Some(self.id.as_str().into()),
            prefix: self.prefix.as_deref().map(Value::from),
            abort_incomplete_multipart_upload: self
                .abort_incomplete_upload_days
                .map(|d| l1::AbortIncompleteMultipartUpload::new(d).into()),
            transitions: (!self.transitions.is_empty()).then(|| transitions(&self.transitions)),
            expiration_in_days: self.expiration_days.map(Value::from),
            noncurrent_version_transitions: (!self.noncurrent_transitions.is_empty()).then(|| {
                Value::list(
                    self.noncurrent_transitions.iter().map(|(class, days)| {
                        l1::NoncurrentVersionTransition::new(class.code(), *days)
                    }),
                )
            }),
            noncurrent_version_expiration: self
                .noncurrent_expiration_days
                .map(|d| l1::NoncurrentVersionExpiration::new(d).into()),
            ..l1::RuleProperty::new(if self.disabled { "Disabled" } else { "Enabled" })
        }
        .into()
    }
}

/// Transitions must go down the waterfall with increasing ages; the
/// infrequent-access classes take objects no earlier than day 30 and keep
/// them 30 days; an expiration comes after the last transition.
fn waterfall_problems(
    id: &str,
    what: &str,
    list: &[(StorageClass, i64)],
    expiry: Option<i64>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (class, days) in list {
        if *days < 0 {
            out.push(format!(
                "lifecycle rule {id:?}: {what} to {} at day {days} must not be negative",
                class.code()
            ));
        }
        if class.infrequent() && *days < 30 && what == "transition" {
            out.push(format!(
                "lifecycle rule {id:?}: {what} to {} at day {days} is too early; S3 needs at least 30 days",
                class.code()
            ));
        }
    }
    for pair in list.windows(2) {
        let ((a, da), (b, db)) = (pair[0], pair[1]);
        if b.rank() <= a.rank() {
            out.push(format!(
                "lifecycle rule {id:?}: {what}s are out of order: {} after {} goes back up S3's storage-class waterfall; list them from STANDARD_IA down to DEEP_ARCHIVE",
                b.code(),
                a.code()
            ));
        } else if db <= da {
            out.push(format!(
                "lifecycle rule {id:?}: {what}s are out of order: {} at day {db} is not after {} at day {da}",
                b.code(),
                a.code()
            ));
        } else if a.infrequent() && db - da < 30 {
            out.push(format!(
                "lifecycle rule {id:?}: {} at day {db} is only {} days after {} at day {da}; S3 keeps objects in infrequent access for 30 days first",
                b.code(),
                db - da,
                a.code()
            ));
        }
    }
    if let (Some(last), Some(exp)) = (list.iter().map(|(_, d)| *d).max(), expiry) {
        if exp <= last {
            out.push(format!(
                "lifecycle rule {id:?}: expiration at day {exp} is not after the last {what} at day {last}"
            ));
        }
    }
    out
}

/// An Intelligent-Tiering archive configuration: objects not accessed for
/// the given days move to the archive tiers.
///
/// ```
/// use strata::s3::IntelligentTiering;
/// let tiering = IntelligentTiering::new("archive").archive_after(90).deep_archive_after(180);
/// assert!(tiering.problems().is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IntelligentTiering {
    /// The configuration id.
    pub id: String,
    /// Only objects under this key prefix.
    pub prefix: Option<String>,
    /// Days without access before `ARCHIVE_ACCESS` (90–730).
    pub archive_days: Option<i64>,
    /// Days without access before `DEEP_ARCHIVE_ACCESS` (180–730).
    pub deep_archive_days: Option<i64>,
}

impl IntelligentTiering {
    /// A configuration with no tiers yet.
    pub fn new(id: &str) -> IntelligentTiering {
        IntelligentTiering {
            id: id.to_string(),
            ..IntelligentTiering::default()
        }
    }

    /// Archives objects after `days` without access.
    pub fn archive_after(mut self, days: i64) -> Self {
        self.archive_days = Some(days);
        self
    }

    /// Deep-archives objects after `days` without access.
    pub fn deep_archive_after(mut self, days: i64) -> Self {
        self.deep_archive_days = Some(days);
        self
    }

    /// What S3 would reject about this configuration.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let id = &self.id;
        if self.archive_days.is_none() && self.deep_archive_days.is_none() {
            out.push(format!(
                "intelligent-tiering {id:?} has no tier; set archive_after or deep_archive_after"
            ));
        }
        if let Some(d) = self.archive_days.filter(|d| !(90..=730).contains(d)) {
            out.push(format!(
                "intelligent-tiering {id:?}: archive after {d} days is outside 90-730"
            ));
        }
        if let Some(d) = self.deep_archive_days.filter(|d| !(180..=730).contains(d)) {
            out.push(format!(
                "intelligent-tiering {id:?}: deep archive after {d} days is outside 180-730"
            ));
        }
        if let (Some(a), Some(d)) = (self.archive_days, self.deep_archive_days) {
            if d <= a {
                out.push(format!("intelligent-tiering {id:?}: deep archive at {d} days must come after archive at {a} days"));
            }
        }
        out
    }

    pub(crate) fn render(&self) -> Value<l1::IntelligentTieringConfiguration> {
        let mut tierings = Vec::new();
        if let Some(d) = self.archive_days {
            tierings.push(l1::Tiering::new("ARCHIVE_ACCESS", d));
        }
        if let Some(d) = self.deep_archive_days {
            tierings.push(l1::Tiering::new("DEEP_ARCHIVE_ACCESS", d));
        }
        l1::IntelligentTieringConfiguration {
            prefix: self.prefix.as_deref().map(Value::from),
            ..l1::IntelligentTieringConfiguration::new(
                self.id.as_str(),
                "Enabled",
                Value::list(tierings),
            )
        }
        .into()
    }
}
