//! Deploying one stack to many accounts and regions as a CloudFormation
//! StackSet: where it goes, with which permissions, and how fast.

use serde_json::{json, Value as Json};

/// How CloudFormation gets permission to create the stack instances.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StackSetPermissions {
    /// AWS Organizations manages the roles (`SERVICE_MANAGED`); new
    /// accounts in the target OUs get the stack automatically when
    /// `auto_deployment` is on.
    ServiceManaged {
        /// Deploy to accounts that join the target OUs later.
        auto_deployment: bool,
    },
    /// Roles made by you (`SELF_MANAGED`): an administration role in this
    /// account and an execution role in each target account.
    SelfManaged {
        /// The administration role ARN (default
        /// `AWSCloudFormationStackSetAdministrationRole`).
        administration_role_arn: Option<String>,
        /// The execution role name (default
        /// `AWSCloudFormationStackSetExecutionRole`).
        execution_role_name: Option<String>,
    },
}

/// A count or a percentage of the target accounts, per region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Share {
    /// A number of accounts.
    Count(u32),
    /// A percentage of the accounts (0–100).
    Percentage(u32),
}

/// Where and how a stack rolls out as a StackSet.
///
/// ```
/// use strata_core::{App, Share, StackProps, StackSetPermissions, StackSetProps};
/// let app = App::new();
/// app.stack("Baseline", StackProps {
///     stack_set: Some(StackSetProps {
///         accounts: vec!["111111111111".into(), "222222222222".into()],
///         regions: vec!["us-east-1".into(), "us-west-2".into()],
///         ..StackSetProps::self_managed()
///     }),
///     ..Default::default()
/// });
/// let manifest = app.synth().expect("valid").manifest();
/// let entry = &manifest["artifacts"]["Baseline"]["metadata"]["/Baseline"][0];
/// assert_eq!(entry["type"], "strata:stack-set");
/// assert_eq!(entry["data"]["permissionModel"], "SELF_MANAGED");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackSetProps {
    /// Target account IDs (self-managed, or service-managed within OUs).
    pub accounts: Vec<String>,
    /// Target organizational units (`ou-…`) or the root (`r-…`); service-managed only.
    pub organizational_units: Vec<String>,
    /// Target regions.
    pub regions: Vec<String>,
    /// Service- or self-managed permissions.
    pub permissions: StackSetPermissions,
    /// Failures tolerated per region before the operation stops.
    pub failure_tolerance: Share,
    /// Accounts deployed at once per region.
    pub max_concurrency: Share,
}

impl StackSetProps {
    /// Self-managed permissions, no failure tolerated, one account at a time.
    pub fn self_managed() -> StackSetProps {
        StackSetProps {
            accounts: Vec::new(),
            organizational_units: Vec::new(),
            regions: Vec::new(),
            permissions: StackSetPermissions::SelfManaged {
                administration_role_arn: None,
                execution_role_name: None,
            },
            failure_tolerance: Share::Count(0),
            max_concurrency: Share::Count(1),
        }
    }

    /// Service-managed permissions with auto-deployment to new accounts.
    pub fn service_managed() -> StackSetProps {
        StackSetProps {
            permissions: StackSetPermissions::ServiceManaged {
                auto_deployment: true,
            },
            ..StackSetProps::self_managed()
        }
    }

    /// What CloudFormation would reject about these settings.
    pub(crate) fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.regions.is_empty() {
            out.push("a stack set needs at least one region in `regions`".to_string());
        }
        for a in &self.accounts {
            if !crate::limits::is_account_id(a) {
                out.push(format!(
                    "{a:?} is not an AWS account ID; use the 12-digit ID"
                ));
            }
        }
        for ou in &self.organizational_units {
            let ok = (ou.starts_with("ou-") || ou.starts_with("r-"))
                && ou.len() > 4
                && ou
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !ok {
                out.push(format!(
                    "{ou:?} is not an organizational unit ID (ou-…) or root ID (r-…)"
                ));
            }
        }
        match &self.permissions {
            StackSetPermissions::SelfManaged { .. } => {
                if !self.organizational_units.is_empty() {
                    out.push("organizational units need service-managed permissions; use StackSetProps::service_managed() or target accounts".to_string());
                }
                if self.accounts.is_empty() {
                    out.push("a self-managed stack set needs target `accounts`".to_string());
                }
            }
            StackSetPermissions::ServiceManaged { .. } => {
                if self.organizational_units.is_empty() {
                    out.push("a service-managed stack set deploys to organizational units; give `organizational_units`".to_string());
                }
            }
        }
        for (what, share) in [
            ("failure_tolerance", self.failure_tolerance),
            ("max_concurrency", self.max_concurrency),
        ] {
            match share {
                Share::Percentage(p) if p > 100 => out.push(format!("{what} of {p}% is over 100%")),
                Share::Count(0) if what == "max_concurrency" => {
                    out.push("max_concurrency must be at least 1 account".to_string())
                }
                _ => {}
            }
        }
        out
    }

    /// The manifest form deploy reads.
    pub(crate) fn to_json(&self) -> Json {
        let share = |s: Share| match s {
            Share::Count(n) => json!({"count": n}),
            Share::Percentage(p) => json!({"percentage": p}),
        };
        let permissions = match &self.permissions {
            StackSetPermissions::ServiceManaged { auto_deployment } => json!({
                "permissionModel": "SERVICE_MANAGED",
                "autoDeployment": auto_deployment,
            }),
            StackSetPermissions::SelfManaged {
                administration_role_arn,
                execution_role_name,
            } => json!({
                "permissionModel": "SELF_MANAGED",
                "administrationRoleArn": administration_role_arn,
                "executionRoleName": execution_role_name,
            }),
        };
        let mut data = json!({
            "accounts": self.accounts,
            "organizationalUnits": self.organizational_units,
            "regions": self.regions,
            "failureTolerance": share(self.failure_tolerance),
            "maxConcurrency": share(self.max_concurrency),
        });
        if let (Json::Object(d), Json::Object(p)) = (&mut data, permissions) {
            d.extend(p);
        }
        data
    }
}

/// The metadata entry type recording a stack's StackSet settings.
pub const STACK_SET: &str = "strata:stack-set";
