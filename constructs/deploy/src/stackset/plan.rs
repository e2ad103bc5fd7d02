//! What a StackSet deploy has to do: the settings that changed, the
//! stack instances the targets lack, and the operation preferences.

use std::collections::HashSet;

use anyhow::{bail, Result};
use aws_sdk_cloudformation::types::{
    AutoDeployment, Parameter, StackSet, StackSetOperationPreferences,
};
use serde_json::Value as Json;
use strata_core::{Share, StackSetPermissions};

use super::StackSetTarget;
use crate::assembly::StackArtifact;

/// A stack instance as listed by ListStackInstances.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Existing {
    pub account: String,
    pub ou: Option<String>,
    pub region: String,
    /// CURRENT, OUTDATED or INOPERABLE.
    pub status: String,
}

/// Targets sharing the same missing regions: one CreateStackInstances.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Group {
    pub units: Vec<String>,
    pub regions: Vec<String>,
}

/// StackSet names: a letter, then letters, digits and hyphens (128 at most).
pub(crate) fn check_name(name: &str) -> Result<()> {
    let ok = name.len() <= 128
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !ok {
        bail!(
            "`{name}` cannot name a StackSet: it takes a letter, then letters, digits and hyphens (128 at most); \
             set the stack's `stack_name`"
        );
    }
    Ok(())
}

/// Region order, failure tolerance and concurrency for an operation.
pub(crate) fn preferences(
    set: &StackSetTarget,
    regions: &[String],
) -> StackSetOperationPreferences {
    let int = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    let b = StackSetOperationPreferences::builder().set_region_order(Some(regions.to_vec()));
    let b = match set.failure_tolerance {
        Share::Count(n) => b.failure_tolerance_count(int(n)),
        Share::Percentage(p) => b.failure_tolerance_percentage(int(p)),
    };
    let b = match set.max_concurrency {
        Share::Count(n) => b.max_concurrent_count(int(n)),
        Share::Percentage(p) => b.max_concurrent_percentage(int(p)),
    };
    b.build()
}

/// Instances missing from the targets, grouped by the regions they lack
/// (one CreateStackInstances per group), regions in the declared order.
pub(crate) fn missing(set: &StackSetTarget, instances: &[Existing]) -> Vec<Group> {
    let by_account = set.by_account();
    let have: HashSet<(&str, &str)> = instances
        .iter()
        .filter_map(|e| {
            let unit = if by_account {
                Some(e.account.as_str())
            } else {
                e.ou.as_deref()
            };
            Some((unit?, e.region.as_str()))
        })
        .collect();
    let mut groups: Vec<Group> = Vec::new();
    for unit in set.units() {
        let regions: Vec<String> = set
            .regions
            .iter()
            .filter(|r| !have.contains(&(unit.as_str(), r.as_str())))
            .cloned()
            .collect();
        if regions.is_empty() {
            continue;
        }
        match groups.iter_mut().find(|g| g.regions == regions) {
            Some(g) => g.units.push(unit),
            None => groups.push(Group {
                units: vec![unit],
                regions,
            }),
        }
    }
    groups
}

/// Instances outside the targets (kept, never deleted by deploy).
pub(crate) fn outside(set: &StackSetTarget, instances: &[Existing]) -> Vec<String> {
    let units = set.units();
    instances
        .iter()
        .filter(|e| {
            let unit = if set.by_account() {
                Some(&e.account)
            } else {
                e.ou.as_ref()
            };
            !unit.is_some_and(|u| units.contains(u)) || !set.regions.contains(&e.region)
        })
        .map(|e| format!("{} {}", e.account, e.region))
        .collect()
}

/// Why the StackSet needs an update (empty: it is up to date). Changing
/// the permission model of a set with instances is refused, as
/// CloudFormation would.
pub(crate) fn changes(
    current: &StackSet,
    s: &StackArtifact,
    set: &StackSetTarget,
    parameters: &[(String, String)],
    instances: &[Existing],
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let deployed: Option<Json> = current
        .template_body()
        .and_then(|b| serde_json::from_str(b).ok());
    if deployed.as_ref() != Some(&s.template) {
        out.push("the template changed".to_string());
    }
    for (key, value) in parameters {
        let now = current
            .parameters()
            .iter()
            .find(|p| p.parameter_key() == Some(key.as_str()))
            .and_then(|p| p.parameter_value());
        if now != Some(value.as_str()) {
            out.push(format!("parameter {key} changed"));
        }
    }
    let model = current
        .permission_model()
        .map_or("SELF_MANAGED", |m| m.as_str());
    let wanted = set.permission_model();
    if model != wanted.as_str() {
        if !instances.is_empty() {
            bail!(
                "StackSet {} is {model} and has {} stack instance(s); CloudFormation cannot change the permission \
                 model of a StackSet with instances. Delete its instances first, or keep {model} permissions",
                s.stack_name,
                instances.len()
            );
        }
        out.push(format!("permissions {model} → {}", wanted.as_str()));
    }
    match &set.permissions {
        StackSetPermissions::ServiceManaged { auto_deployment } => {
            let now = current.auto_deployment().and_then(AutoDeployment::enabled);
            if now != Some(*auto_deployment) {
                out.push(format!("auto-deployment {}", on_off(*auto_deployment)));
            }
        }
        StackSetPermissions::SelfManaged {
            administration_role_arn,
            execution_role_name,
        } => {
            if let Some(arn) = administration_role_arn {
                if current.administration_role_arn() != Some(arn.as_str()) {
                    out.push(format!("administration role {arn}"));
                }
            }
            if let Some(role) = execution_role_name {
                if current.execution_role_name() != Some(role.as_str()) {
                    out.push(format!("execution role {role}"));
                }
            }
        }
    }
    let stale: Vec<String> = instances
        .iter()
        .filter(|e| e.status != "CURRENT")
        .map(|e| format!("{} {} {}", e.account, e.region, e.status))
        .collect();
    if !stale.is_empty() {
        out.push(format!("instances not current: {}", stale.join(", ")));
    }
    Ok(out)
}

fn on_off(b: bool) -> &'static str {
    if b {
        "on"
    } else {
        "off"
    }
}

/// The StackSet's parameters: the given values, and the previous value of
/// each declared parameter the set already has.
pub(crate) fn parameter_list(
    s: &StackArtifact,
    current: Option<&StackSet>,
    given: &[(String, String)],
) -> Vec<Parameter> {
    let mut out: Vec<Parameter> = given
        .iter()
        .map(|(k, v)| {
            Parameter::builder()
                .parameter_key(k)
                .parameter_value(v)
                .build()
        })
        .collect();
    let declared = s.template.get("Parameters").and_then(Json::as_object);
    if let (Some(current), Some(declared)) = (current, declared) {
        for key in declared.keys() {
            let is_given = given.iter().any(|(k, _)| k == key);
            let deployed = current
                .parameters()
                .iter()
                .any(|p| p.parameter_key() == Some(key.as_str()));
            if !is_given && deployed {
                out.push(
                    Parameter::builder()
                        .parameter_key(key)
                        .use_previous_value(true)
                        .build(),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudformation::types::PermissionModels;
    use serde_json::json;

    fn self_managed(accounts: &[&str], regions: &[&str]) -> StackSetTarget {
        StackSetTarget {
            accounts: accounts.iter().map(|a| a.to_string()).collect(),
            organizational_units: Vec::new(),
            regions: regions.iter().map(|r| r.to_string()).collect(),
            permissions: StackSetPermissions::SelfManaged {
                administration_role_arn: None,
                execution_role_name: None,
            },
            failure_tolerance: Share::Count(0),
            max_concurrency: Share::Count(1),
        }
    }

    fn instance(account: &str, ou: Option<&str>, region: &str, status: &str) -> Existing {
        Existing {
            account: account.into(),
            ou: ou.map(str::to_string),
            region: region.into(),
            status: status.into(),
        }
    }

    fn artifact(template: Json) -> StackArtifact {
        StackArtifact {
            template_body: template.to_string(),
            template,
            ..crate::mock_tests::artifact()
        }
    }

    #[test]
    fn missing_instances_are_grouped_by_the_regions_they_lack() {
        let set = self_managed(
            &[
                "111111111111",
                "222222222222",
                "333333333333",
                "111111111111",
            ],
            &["us-east-1", "us-west-2"],
        );
        let have = [
            instance("111111111111", None, "us-east-1", "CURRENT"),
            instance("222222222222", None, "us-east-1", "CURRENT"),
            instance("999999999999", None, "us-east-1", "CURRENT"),
        ];
        assert_eq!(
            missing(&set, &have),
            [
                Group {
                    units: vec!["111111111111".into(), "222222222222".into()],
                    regions: vec!["us-west-2".into()],
                },
                Group {
                    units: vec!["333333333333".into()],
                    regions: vec!["us-east-1".into(), "us-west-2".into()],
                },
            ]
        );
        assert_eq!(outside(&set, &have), ["999999999999 us-east-1"]);
    }

    #[test]
    fn service_managed_sets_without_accounts_are_tracked_per_ou() {
        let set = StackSetTarget {
            accounts: Vec::new(),
            organizational_units: vec!["ou-aaaa-11111111".into(), "ou-bbbb-22222222".into()],
            permissions: StackSetPermissions::ServiceManaged {
                auto_deployment: true,
            },
            ..self_managed(&[], &["eu-west-1"])
        };
        let have = [instance(
            "444444444444",
            Some("ou-aaaa-11111111"),
            "eu-west-1",
            "CURRENT",
        )];
        assert_eq!(
            missing(&set, &have),
            [Group {
                units: vec!["ou-bbbb-22222222".into()],
                regions: vec!["eu-west-1".into()],
            }]
        );
        assert!(outside(&set, &have).is_empty());
    }

    #[test]
    fn changes_name_what_differs_from_the_deployed_set() {
        let template = json!({"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}});
        let s = artifact(template.clone());
        let set = self_managed(&["111111111111"], &["us-east-1"]);
        let current = StackSet::builder()
            .template_body(serde_json::to_string_pretty(&template).expect("json"))
            .permission_model(PermissionModels::SelfManaged)
            .parameters(
                Parameter::builder()
                    .parameter_key("Stage")
                    .parameter_value("dev")
                    .build(),
            )
            .build();
        let current_instance = [instance("111111111111", None, "us-east-1", "CURRENT")];
        let same = [("Stage".to_string(), "dev".to_string())];
        assert!(changes(&current, &s, &set, &same, &current_instance)
            .expect("comparable")
            .is_empty());

        let edited = artifact(json!({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}));
        let other = [("Stage".to_string(), "prod".to_string())];
        let stale = [instance("111111111111", None, "us-east-1", "OUTDATED")];
        let set_with_role = self_managed(&["111111111111"], &["us-east-1"]);
        let set_with_role = StackSetTarget {
            permissions: StackSetPermissions::SelfManaged {
                administration_role_arn: None,
                execution_role_name: Some("Deployer".into()),
            },
            ..set_with_role
        };
        assert_eq!(
            changes(&current, &edited, &set_with_role, &other, &stale).expect("comparable"),
            [
                "the template changed",
                "parameter Stage changed",
                "execution role Deployer",
                "instances not current: 111111111111 us-east-1 OUTDATED",
            ]
        );

        let service = StackSetTarget {
            organizational_units: vec!["ou-aaaa-11111111".into()],
            permissions: StackSetPermissions::ServiceManaged {
                auto_deployment: true,
            },
            ..set
        };
        let err = changes(&current, &s, &service, &same, &current_instance)
            .expect_err("cannot change the model")
            .to_string();
        assert!(
            err.contains("StackSet App is SELF_MANAGED and has 1 stack instance(s); CloudFormation cannot change the permission model"),
            "{err}"
        );
        assert_eq!(
            changes(&current, &s, &service, &same, &[]).expect("no instances"),
            [
                "permissions SELF_MANAGED → SERVICE_MANAGED",
                "auto-deployment on"
            ]
        );
    }

    #[test]
    fn parameters_not_given_keep_their_previous_value() {
        let s = artifact(
            json!({"Parameters": {"Stage": {"Type": "String"}, "Size": {"Type": "String"}},
            "Resources": {}}),
        );
        let current = StackSet::builder()
            .parameters(
                Parameter::builder()
                    .parameter_key("Size")
                    .parameter_value("2")
                    .build(),
            )
            .build();
        let list = parameter_list(&s, Some(&current), &[("Stage".into(), "prod".into())]);
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].parameter_value(), Some("prod"));
        assert_eq!(list[1].parameter_key(), Some("Size"));
        assert_eq!(list[1].use_previous_value(), Some(true));
        assert_eq!(parameter_list(&s, None, &[]).len(), 0);
    }

    #[test]
    fn preferences_carry_tolerance_concurrency_and_region_order() {
        let set = StackSetTarget {
            failure_tolerance: Share::Percentage(25),
            max_concurrency: Share::Count(4),
            ..self_managed(&["111111111111"], &["us-east-1", "eu-west-1"])
        };
        let p = preferences(&set, &set.regions);
        assert_eq!(p.failure_tolerance_percentage(), Some(25));
        assert_eq!(p.failure_tolerance_count(), None);
        assert_eq!(p.max_concurrent_count(), Some(4));
        assert_eq!(p.max_concurrent_percentage(), None);
        assert_eq!(p.region_order(), ["us-east-1", "eu-west-1"]);
    }

    #[test]
    fn stack_set_names_follow_cloudformation_rules() {
        assert!(check_name("Baseline-2").is_ok());
        for bad in ["2nd", "base_line", "a.b", ""] {
            let err = check_name(bad).expect_err(bad).to_string();
            assert!(err.contains("cannot name a StackSet"), "{err}");
        }
    }
}
