//! Strata's policy packs: cfn-guard rules that every synthesized
//! CloudFormation template must pass, evaluated in-process with the
//! `cfn-guard` library.
//!
//! The packs live in `rules/*.guard`, one file per theme ([`PACKS`]), and
//! are embedded in the crate. [`evaluate`] checks one template and returns
//! the [`Report`]: the failures (rule, logical id, resource type, message),
//! the suppressions that resources declare in their `Metadata`, and the
//! malformed suppressions, which fail like rules do.
//!
//! A resource suppresses a rule with a written reason:
//!
//! ```json
//! "Metadata": {"guard": {"SuppressedRules": [
//!     {"id": "SECURITY_GROUP_OPEN_INGRESS", "reason": "the public ALB listens on 443"}
//! ]}}
//! ```
//!
//! Production-only rules apply to resources tagged `Environment=prod`
//! (or `production`), and to every resource when [`Options::environment`]
//! says the template is for production.
//!
//! ```
//! let template = serde_json::json!({"Resources": {"Logs": {
//!     "Type": "AWS::Logs::LogGroup", "Properties": {}
//! }}});
//! let report = strata_guard::evaluate(&template, &Default::default()).unwrap();
//! assert_eq!(report.failures[0].rule, "LOG_GROUP_RETENTION_SET");
//! assert_eq!(report.failures[0].logical_id, "Logs");
//! assert!(!report.passed());
//! ```

mod run;
mod suppress;

use std::fmt;
use std::path::Path;

use serde_json::{json, Value};

/// One policy pack: a Guard rules file.
#[derive(Debug, Clone, Copy)]
pub struct Pack {
    /// The file name under `rules/`, such as `encryption.guard`.
    pub name: &'static str,
    /// The Guard DSL source.
    pub source: &'static str,
}

/// Every pack, in report order.
pub const PACKS: &[Pack] = &[
    Pack {
        name: "encryption.guard",
        source: include_str!("../rules/encryption.guard"),
    },
    Pack {
        name: "transit.guard",
        source: include_str!("../rules/transit.guard"),
    },
    Pack {
        name: "network.guard",
        source: include_str!("../rules/network.guard"),
    },
    Pack {
        name: "resilience.guard",
        source: include_str!("../rules/resilience.guard"),
    },
    Pack {
        name: "operations.guard",
        source: include_str!("../rules/operations.guard"),
    },
    Pack {
        name: "iam.guard",
        source: include_str!("../rules/iam.guard"),
    },
];

/// The ids of every rule in the packs, sorted.
///
/// ```
/// assert!(strata_guard::rule_ids().contains(&"S3_BUCKET_PUBLIC_ACCESS_BLOCKED".to_string()));
/// ```
pub fn rule_ids() -> Vec<String> {
    let mut ids: Vec<String> = PACKS
        .iter()
        .flat_map(|p| p.source.lines())
        .filter_map(|line| line.trim_start().strip_prefix("rule "))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(str::to_string)
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// How a template is evaluated.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The environment the template is for (such as `prod`); `prod` or
    /// `production` turns on the production rules for every resource.
    pub environment: Option<String>,
}

/// A rule that failed on a resource and is not suppressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The rule id, such as `S3_BUCKET_ENCRYPTED`.
    pub rule: String,
    /// The resource's logical ID.
    pub logical_id: String,
    /// The resource's CloudFormation type.
    pub resource_type: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// A rule a resource suppresses, with the reason it gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The rule id.
    pub rule: String,
    /// The resource's logical ID.
    pub logical_id: String,
    /// The resource's CloudFormation type.
    pub resource_type: String,
    /// Why the rule does not apply to this resource.
    pub reason: String,
    /// Whether the rule failed on the resource (false: the suppression is
    /// not needed today).
    pub silenced: bool,
}

/// A malformed suppression (no reason, no id, unknown rule, bad shape).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuppressionError {
    /// The logical ID of the resource that declares it.
    pub logical_id: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// The result of checking one template against the packs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Unsuppressed failures, sorted by rule then logical id.
    pub failures: Vec<Failure>,
    /// Declared suppressions, sorted by rule then logical id.
    pub suppressions: Vec<Suppression>,
    /// Malformed suppressions.
    pub errors: Vec<SuppressionError>,
    /// Rules that applied to the template and passed.
    pub passed_rules: Vec<String>,
}

impl Report {
    /// True when nothing failed and every suppression is well formed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.errors.is_empty()
    }

    /// The counts, for summary tables.
    pub fn outcome(&self) -> GuardOutcome {
        GuardOutcome {
            failures: self.failures.len(),
            suppressed: self.suppressions.iter().filter(|s| s.silenced).count(),
            malformed: self.errors.len(),
            passed_rules: self.passed_rules.len(),
        }
    }
}

/// The counts of a [`Report`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GuardOutcome {
    /// Unsuppressed failures.
    pub failures: usize,
    /// Failures silenced by a suppression.
    pub suppressed: usize,
    /// Malformed suppressions.
    pub malformed: usize,
    /// Rules that applied and passed.
    pub passed_rules: usize,
}

impl GuardOutcome {
    /// True when nothing failed and every suppression is well formed.
    pub fn passed(&self) -> bool {
        self.failures == 0 && self.malformed == 0
    }
}

/// Why a template could not be checked.
#[derive(Debug)]
pub enum Error {
    /// The template could not be read or is not a JSON object.
    Template(String),
    /// A rules file does not parse.
    Rules(String),
    /// cfn-guard failed.
    Guard(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Template(m) => write!(f, "template: {m}"),
            Error::Rules(m) => write!(f, "policy pack: {m}"),
            Error::Guard(m) => write!(f, "cfn-guard: {m}"),
        }
    }
}

impl std::error::Error for Error {}

/// Checks that every pack parses.
pub fn check_packs() -> Result<(), Error> {
    run::check_packs(PACKS)
}

/// Evaluates a template against every pack.
pub fn evaluate(template: &Value, options: &Options) -> Result<Report, Error> {
    let Some(object) = template.as_object() else {
        return Err(Error::Template("not a JSON object".into()));
    };
    // The evaluation context, merged into the data as cfn-guard's input
    // parameters would be: `Strata.Environment`.
    let mut data = object.clone();
    data.insert(
        "Strata".into(),
        json!({"Environment": options.environment.clone().unwrap_or_default()}),
    );
    let raw = run::evaluate(PACKS, &Value::Object(data))?;
    let ids = rule_ids();
    let (declared, errors) = suppress::read(template, |id| ids.iter().any(|r| r == id));
    let type_of = |id: &str| {
        template["Resources"][id]["Type"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let mut failures = Vec::new();
    let mut suppressions: Vec<Suppression> = declared
        .into_iter()
        .map(|d| Suppression {
            rule: d.rule,
            logical_id: d.logical_id,
            resource_type: d.resource_type,
            reason: d.reason,
            silenced: false,
        })
        .collect();
    for f in raw.failures {
        let suppression = suppressions
            .iter_mut()
            .find(|s| s.rule == f.rule && s.logical_id == f.logical_id);
        match suppression {
            Some(s) => s.silenced = true,
            None => failures.push(Failure {
                resource_type: type_of(&f.logical_id),
                rule: f.rule,
                logical_id: f.logical_id,
                message: f.message,
            }),
        }
    }
    suppressions.sort_by(|a, b| (&a.rule, &a.logical_id).cmp(&(&b.rule, &b.logical_id)));
    Ok(Report {
        failures,
        suppressions,
        errors,
        passed_rules: raw.compliant,
    })
}

/// Evaluates a template given as JSON text.
pub fn evaluate_str(template: &str, options: &Options) -> Result<Report, Error> {
    let value: Value = serde_json::from_str(template)
        .map_err(|e| Error::Template(format!("invalid JSON: {e}")))?;
    evaluate(&value, options)
}

/// The environment of a template file from its assembly directory: the
/// `<env>` of the nearest `assembly-<env>` ancestor, if any.
pub fn environment_of(path: &Path) -> Option<String> {
    path.ancestors()
        .filter_map(|p| p.file_name()?.to_str())
        .find_map(|name| name.strip_prefix("assembly-"))
        .map(str::to_string)
}

/// Evaluates a template file; the environment comes from its directory
/// ([`environment_of`]).
pub fn check_file(path: &Path) -> Result<Report, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Template(format!("reading {}: {e}", path.display())))?;
    evaluate_str(
        &text,
        &Options {
            environment: environment_of(path),
        },
    )
}

/// The counts for one template file, for summary tables.
pub fn check_template(path: &Path) -> Result<GuardOutcome, Error> {
    check_file(path).map(|r| r.outcome())
}
