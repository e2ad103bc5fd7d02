//! A stack's StackSet settings, read back from the manifest.

use std::collections::HashSet;

use anyhow::{anyhow, bail, Context, Result};
use aws_sdk_cloudformation::types::PermissionModels;
use serde_json::Value as Json;
use strata_core::{Share, StackSetPermissions, STACK_SET};

/// Where and how a stack rolls out as a StackSet, read back from the
/// manifest (the stack's `StackProps::stack_set`).
///
/// ```
/// use strata_core::{Share, StackSetPermissions};
/// use strata_deploy::stackset::StackSetTarget;
/// let data = serde_json::json!({
///     "accounts": ["111111111111"], "organizationalUnits": [],
///     "regions": ["us-east-1", "eu-west-1"], "permissionModel": "SELF_MANAGED",
///     "administrationRoleArn": null, "executionRoleName": "Deployer",
///     "failureTolerance": {"count": 0}, "maxConcurrency": {"percentage": 50}});
/// let target = StackSetTarget::from_manifest(&data).expect("valid entry");
/// assert_eq!(target.regions, ["us-east-1", "eu-west-1"]);
/// assert_eq!(target.max_concurrency, Share::Percentage(50));
/// assert_eq!(
///     target.permissions,
///     StackSetPermissions::SelfManaged {
///         administration_role_arn: None,
///         execution_role_name: Some("Deployer".into()),
///     }
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct StackSetTarget {
    /// Target account IDs (self-managed; a filter within the OUs when service-managed).
    pub accounts: Vec<String>,
    /// Target organizational units or roots (service-managed).
    pub organizational_units: Vec<String>,
    /// Target regions, in deployment order.
    pub regions: Vec<String>,
    /// Service- or self-managed permissions.
    pub permissions: StackSetPermissions,
    /// Failures tolerated per region before an operation stops.
    pub failure_tolerance: Share,
    /// Accounts deployed at once per region.
    pub max_concurrency: Share,
}

impl StackSetTarget {
    /// Reads the `data` of a `strata:stack-set` metadata entry.
    pub fn from_manifest(data: &Json) -> Result<StackSetTarget> {
        let strings = |key: &str| -> Result<Vec<String>> {
            match data.get(key) {
                None | Some(Json::Null) => Ok(Vec::new()),
                Some(Json::Array(items)) => items
                    .iter()
                    .map(|v| {
                        v.as_str()
                            .map(str::to_string)
                            .ok_or_else(|| anyhow!("`{key}` holds {v}, not a string"))
                    })
                    .collect(),
                Some(other) => bail!("`{key}` is {other}, not a list of strings"),
            }
        };
        let text = |key: &str| data.get(key).and_then(Json::as_str).map(str::to_string);
        let share = |key: &str| -> Result<Share> {
            let v = data.get(key);
            let number = |k: &str| {
                v.and_then(|v| v.get(k))
                    .and_then(Json::as_u64)
                    .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
            };
            match (number("count"), number("percentage")) {
                (Some(n), None) => Ok(Share::Count(n)),
                (None, Some(p)) => Ok(Share::Percentage(p)),
                _ => bail!("`{key}` must be {{\"count\": n}} or {{\"percentage\": p}}"),
            }
        };
        let permissions = match data.get("permissionModel").and_then(Json::as_str) {
            Some("SERVICE_MANAGED") => StackSetPermissions::ServiceManaged {
                auto_deployment: data
                    .get("autoDeployment")
                    .and_then(Json::as_bool)
                    .unwrap_or(true),
            },
            Some("SELF_MANAGED") => StackSetPermissions::SelfManaged {
                administration_role_arn: text("administrationRoleArn"),
                execution_role_name: text("executionRoleName"),
            },
            other => bail!(
                "`permissionModel` is {}, not SERVICE_MANAGED or SELF_MANAGED",
                other.unwrap_or("missing")
            ),
        };
        Ok(StackSetTarget {
            accounts: strings("accounts")?,
            organizational_units: strings("organizationalUnits")?,
            regions: strings("regions")?,
            permissions,
            failure_tolerance: share("failureTolerance")?,
            max_concurrency: share("maxConcurrency")?,
        })
    }

    /// The StackSet settings among a stack's metadata entries, if any.
    pub fn from_metadata(entries: &[Json]) -> Result<Option<StackSetTarget>> {
        entries
            .iter()
            .find(|e| e.get("type").and_then(Json::as_str) == Some(STACK_SET))
            .map(|e| {
                StackSetTarget::from_manifest(e.get("data").unwrap_or(&Json::Null))
                    .context("reading the stack's StackSet settings (strata:stack-set metadata)")
            })
            .transpose()
    }

    /// `SERVICE_MANAGED` or `SELF_MANAGED`.
    pub fn permission_model(&self) -> PermissionModels {
        match self.permissions {
            StackSetPermissions::ServiceManaged { .. } => PermissionModels::ServiceManaged,
            StackSetPermissions::SelfManaged { .. } => PermissionModels::SelfManaged,
        }
    }

    /// Whether instances are tracked per account (self-managed, or
    /// service-managed filtered to accounts) rather than per OU.
    pub(crate) fn by_account(&self) -> bool {
        matches!(self.permissions, StackSetPermissions::SelfManaged { .. })
            || !self.accounts.is_empty()
    }

    /// The accounts or OUs instances are tracked by, without repeats.
    pub(crate) fn units(&self) -> Vec<String> {
        let list = if self.by_account() {
            &self.accounts
        } else {
            &self.organizational_units
        };
        let mut seen = HashSet::new();
        list.iter()
            .filter(|u| seen.insert(u.as_str()))
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CloudAssembly;
    use serde_json::json;
    use strata_core::{App, Environment, StackProps, StackSetProps};

    #[test]
    fn synthesized_settings_are_read_back_from_the_manifest() {
        let app = App::new();
        app.stack(
            "Baseline",
            StackProps {
                env: Environment::new("123456789012", "us-east-1"),
                stack_set: Some(StackSetProps {
                    organizational_units: vec!["ou-ab12-cdefgh34".into()],
                    regions: vec!["eu-west-1".into(), "us-east-1".into()],
                    failure_tolerance: Share::Percentage(10),
                    max_concurrency: Share::Count(3),
                    ..StackSetProps::service_managed()
                }),
                ..Default::default()
            },
        );
        app.stack("Plain", StackProps::default());
        let dir = std::env::temp_dir().join(format!("strata-stackset-read-{}", std::process::id()));
        app.synth().expect("valid").write(&dir).expect("written");
        let asm = CloudAssembly::read(&dir).expect("read");
        let baseline = asm
            .stacks
            .iter()
            .find(|s| s.id == "Baseline")
            .expect("stack");
        let plain = asm.stacks.iter().find(|s| s.id == "Plain").expect("stack");
        assert_eq!(
            asm.stack_set_of(baseline),
            Some(&StackSetTarget {
                accounts: Vec::new(),
                organizational_units: vec!["ou-ab12-cdefgh34".into()],
                regions: vec!["eu-west-1".into(), "us-east-1".into()],
                permissions: StackSetPermissions::ServiceManaged {
                    auto_deployment: true
                },
                failure_tolerance: Share::Percentage(10),
                max_concurrency: Share::Count(3),
            })
        );
        assert_eq!(asm.stack_set_of(plain), None);
        std::fs::remove_dir_all(&dir).expect("cleaned");
    }

    #[test]
    fn malformed_entries_are_errors_naming_the_field() {
        let good = json!({"accounts": ["111111111111"], "regions": ["us-east-1"],
            "permissionModel": "SELF_MANAGED", "failureTolerance": {"count": 1},
            "maxConcurrency": {"count": 2}});
        assert!(StackSetTarget::from_manifest(&good).is_ok());
        let with = |key: &str, value: Json| {
            let mut d = good.clone();
            d[key] = value;
            format!(
                "{:#}",
                StackSetTarget::from_manifest(&d).expect_err("malformed")
            )
        };
        assert_eq!(
            with("permissionModel", json!("DELEGATED")),
            "`permissionModel` is DELEGATED, not SERVICE_MANAGED or SELF_MANAGED"
        );
        assert_eq!(
            with("maxConcurrency", json!({"share": 2})),
            "`maxConcurrency` must be {\"count\": n} or {\"percentage\": p}"
        );
        assert_eq!(
            with("regions", json!("us-east-1")),
            "`regions` is \"us-east-1\", not a list of strings"
        );
        let entries = [json!({"type": "strata:stack-set", "data": {"regions": []}})];
        let err = format!(
            "{:#}",
            StackSetTarget::from_metadata(&entries).expect_err("malformed")
        );
        assert!(
            err.starts_with("reading the stack's StackSet settings (strata:stack-set metadata): `permissionModel` is missing"),
            "{err}"
        );
        assert_eq!(
            StackSetTarget::from_metadata(&[json!({"type": "other"})]).expect("none"),
            None
        );
    }
}
