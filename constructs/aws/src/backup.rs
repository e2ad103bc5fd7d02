//! AWS Backup: a vault encrypted with a KMS key and retained on delete, a
//! plan whose rules are checked at synth (cron schedule, windows, lifecycle,
//! cross-region copies), and selections by tag or ARN with the role AWS
//! Backup assumes.

use strata_cfn::backup as cfn;
use strata_core::{logical_id, Fn, Raw, RemovalPolicy, ResourceOptions, Scope, Value};

use crate::iam::{sub, ManagedPolicy, Principal, Role, RoleProps};

/// Days a recovery point must stay in cold storage before it is deleted.
const COLD_STORAGE_MIN_DAYS: u32 = 90;
/// The longest retention of continuous (point-in-time) backups.
const CONTINUOUS_MAX_DAYS: u32 = 35;

/// Settings of a [`BackupVault`].
#[derive(Clone, Debug)]
pub struct BackupVaultProps {
    /// A physical name (2 to 50 letters, digits, `-` or `_`); when unset,
    /// the last 50 characters of the construct's unique id, as the CDK does.
    pub vault_name: Option<String>,
    /// The KMS key ARN recovery points are encrypted with; the AWS managed
    /// `aws/backup` key when unset.
    pub encryption_key_arn: Option<Value<String>>,
    /// Deletion and replacement policy (default Retain).
    pub removal_policy: RemovalPolicy,
}

impl Default for BackupVaultProps {
    fn default() -> Self {
        BackupVaultProps {
            vault_name: None,
            encryption_key_arn: None,
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

/// An `AWS::Backup::BackupVault` at `<id>/Resource`.
///
/// ```
/// use strata::backup::{BackupVault, BackupVaultProps};
/// use strata::prelude::*;
/// let app = App::new();
/// let stack = app.stack("Dr", StackProps::default());
/// let vault = BackupVault::new(&stack, "Vault", BackupVaultProps::default());
/// // The CDK's unique id over the full path, stack included.
/// assert_eq!(vault.name(), strata::logical_id(&["Dr", "Vault"]));
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let res = &t["Resources"][strata::logical_id(&["Vault", "Resource"]).as_str()];
/// assert_eq!(res["DeletionPolicy"], "Retain");
/// ```
#[derive(Clone)]
pub struct BackupVault {
    scope: Scope,
    vault: cfn::BackupVaultRef,
    name: String,
}

impl BackupVault {
    /// Adds the vault under `scope`.
    pub fn new(scope: &Scope, id: &str, props: BackupVaultProps) -> BackupVault {
        let scope = scope.child(id);
        let name = props.vault_name.clone().unwrap_or_else(|| {
            let unique = logical_id(&scope.path().split('/').collect::<Vec<_>>());
            unique[unique.len().saturating_sub(50)..].to_string()
        });
        let name_ok = (2..=50).contains(&name.len())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !name_ok {
            scope.error(
                "backup-vault",
                format!("vault name {name:?} must be 2 to 50 letters, digits, '-' or '_'"),
            );
        }
        if let Some(Value::Lit(arn)) = &props.encryption_key_arn {
            if !(arn.starts_with("arn:") && arn.split(':').nth(2) == Some("kms")) {
                scope.error(
                    "backup-vault",
                    format!("{arn:?} is not a KMS key ARN; AWS Backup takes the key's ARN, such as key.key_arn()"),
                );
            }
        }
        let vault = scope.resource_with(
            "Resource",
            cfn::BackupVault {
                encryption_key_arn: props.encryption_key_arn,
                ..cfn::BackupVault::new(name.as_str())
            },
            ResourceOptions::removal(props.removal_policy),
        );
        BackupVault { scope, vault, name }
    }

    /// The vault's name (`Ref`), for a rule's target.
    pub fn vault_name(&self) -> Value<String> {
        self.vault.ref_()
    }

    /// The vault's physical name, known at synth.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The vault's ARN.
    pub fn vault_arn(&self) -> Value<String> {
        self.vault.backup_vault_arn()
    }

    /// The ARN of a vault named `name` in `region` of the stack's account,
    /// such as the destination of a cross-region copy.
    pub fn arn_in(region: &str, name: &str) -> Value<String> {
        sub(
            "arn:${Partition}:backup:${Region}:${Account}:backup-vault:${Name}",
            vec![
                ("Partition", Fn::partition()),
                ("Region", region.into()),
                ("Account", Fn::account_id()),
                ("Name", name.into()),
            ],
        )
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::BackupVaultRef {
        &self.vault
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// When recovery points move to cold storage and when they are deleted.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lifecycle {
    /// Days after creation the recovery point is deleted.
    pub delete_after_days: Option<u32>,
    /// Days after creation the recovery point moves to cold storage.
    pub move_to_cold_storage_after_days: Option<u32>,
}

impl Lifecycle {
    /// Delete after `days`, never moving to cold storage.
    pub fn delete_after(days: u32) -> Lifecycle {
        Lifecycle {
            delete_after_days: Some(days),
            move_to_cold_storage_after_days: None,
        }
    }

    fn problems(&self, what: &str) -> Vec<String> {
        let mut out = Vec::new();
        if self.delete_after_days == Some(0) || self.move_to_cold_storage_after_days == Some(0) {
            out.push(format!("{what}: lifecycle days must be at least 1"));
        }
        if let (Some(delete), Some(cold)) =
            (self.delete_after_days, self.move_to_cold_storage_after_days)
        {
            if delete < cold.saturating_add(COLD_STORAGE_MIN_DAYS) {
                out.push(format!(
                    "{what}: recovery points stay in cold storage at least {COLD_STORAGE_MIN_DAYS} days, so delete_after_days ({delete}) must be at least move_to_cold_storage_after_days + 90 ({})",
                    cold.saturating_add(COLD_STORAGE_MIN_DAYS)
                ));
            }
        }
        out
    }

    fn to_l1(&self) -> Option<Value<cfn::backup_plan::LifecycleResourceType>> {
        if self == &Lifecycle::default() {
            return None;
        }
        Some(Value::Lit(cfn::backup_plan::LifecycleResourceType {
            delete_after_days: self.delete_after_days.map(whole),
            move_to_cold_storage_after_days: self.move_to_cold_storage_after_days.map(whole),
            ..cfn::backup_plan::LifecycleResourceType::new()
        }))
    }
}

/// A copy of each recovery point to another vault, such as one in the
/// disaster-recovery region.
#[derive(Clone, Debug, PartialEq)]
pub struct CopyAction {
    /// The destination vault's ARN, such as [`BackupVault::arn_in`].
    pub destination_vault_arn: Value<String>,
    /// The lifecycle of the copies.
    pub lifecycle: Lifecycle,
}

/// One rule of a [`BackupPlan`].
#[derive(Clone, Debug, PartialEq)]
pub struct BackupRule {
    /// The rule's name (1 to 50 letters, digits, `-`, `_` or `.`).
    pub name: String,
    /// When backups start, `cron(Minutes Hours Day-of-month Month
    /// Day-of-week Year)` in UTC, at most hourly.
    pub schedule: String,
    /// Minutes after the scheduled time within which the backup must start
    /// (at least 60).
    pub start_window_minutes: Option<u32>,
    /// Minutes after the start within which the backup must complete (at
    /// least 60 more than the start window).
    pub completion_window_minutes: Option<u32>,
    /// The recovery points' lifecycle.
    pub lifecycle: Lifecycle,
    /// Copies to other vaults.
    pub copy_actions: Vec<CopyAction>,
    /// Continuous backups for point-in-time restore (up to 35 days).
    pub continuous_backup: bool,
    /// The vault this rule writes to; the plan's vault when unset.
    pub vault_name: Option<Value<String>>,
}

impl BackupRule {
    /// A rule named `name` on the cron `schedule`, kept until deleted.
    pub fn new(name: &str, schedule: &str) -> BackupRule {
        BackupRule {
            name: name.to_string(),
            schedule: schedule.to_string(),
            start_window_minutes: None,
            completion_window_minutes: None,
            lifecycle: Lifecycle::default(),
            copy_actions: Vec::new(),
            continuous_backup: false,
            vault_name: None,
        }
    }

    fn problems(&self) -> Vec<String> {
        let what = format!("rule {:?}", self.name);
        let mut out = Vec::new();
        if !valid_display_name(&self.name) {
            out.push(format!(
                "{what}: the name must be 1 to 50 letters, digits, '-', '_' or '.'"
            ));
        }
        if let Err(e) = check_cron(&self.schedule) {
            out.push(format!("{what}: {e}"));
        }
        if let Some(start) = self.start_window_minutes.filter(|m| *m < 60) {
            out.push(format!(
                "{what}: a start window of {start} minutes is too short; AWS Backup needs at least 60"
            ));
        }
        if let Some(done) = self.completion_window_minutes {
            let start = self.start_window_minutes.unwrap_or(60);
            if done < start + 60 {
                out.push(format!(
                    "{what}: the completion window ({done} minutes) must be at least 60 minutes longer than the start window ({start} minutes)"
                ));
            }
        }
        out.extend(self.lifecycle.problems(&what));
        if self.continuous_backup {
            if self.lifecycle.move_to_cold_storage_after_days.is_some() {
                out.push(format!(
                    "{what}: continuous backups cannot move to cold storage"
                ));
            }
            match self.lifecycle.delete_after_days {
                Some(d) if d <= CONTINUOUS_MAX_DAYS => {}
                _ => out.push(format!(
                    "{what}: continuous backups are kept 1 to {CONTINUOUS_MAX_DAYS} days; set lifecycle.delete_after_days"
                )),
            }
        }
        for (i, copy) in self.copy_actions.iter().enumerate() {
            let copy_what = format!("{what}, copy {}", i + 1);
            out.extend(copy.lifecycle.problems(&copy_what));
            if let Value::Lit(arn) = &copy.destination_vault_arn {
                let parts: Vec<&str> = arn.split(':').collect();
                if !(parts.len() == 7
                    && parts[0] == "arn"
                    && parts[2] == "backup"
                    && parts[5] == "backup-vault")
                {
                    out.push(format!(
                        "{copy_what}: {arn:?} is not a backup vault ARN; use BackupVault::arn_in(region, name)"
                    ));
                }
            }
        }
        out
    }

    fn to_l1(&self, default_vault: &Value<String>) -> cfn::backup_plan::BackupRuleResourceType {
        let copies = self.copy_actions.iter().map(|c| {
            Value::Lit(cfn::backup_plan::CopyActionResourceType {
                lifecycle: c.lifecycle.to_l1(),
                ..cfn::backup_plan::CopyActionResourceType::new(c.destination_vault_arn.clone())
            })
        });
        cfn::backup_plan::BackupRuleResourceType {
            completion_window_minutes: self.completion_window_minutes.map(whole),
            copy_actions: (!self.copy_actions.is_empty()).then(|| Value::Lit(copies.collect())),
            enable_continuous_backup: self.continuous_backup.then(|| true.into()),
            lifecycle: self.lifecycle.to_l1(),
            schedule_expression: Some(self.schedule.as_str().into()),
            start_window_minutes: self.start_window_minutes.map(whole),
            ..cfn::backup_plan::BackupRuleResourceType::new(
                self.name.as_str(),
                self.vault_name
                    .clone()
                    .unwrap_or_else(|| default_vault.clone()),
            )
        }
    }
}

/// Settings of a [`BackupPlan`].
#[derive(Clone, Debug)]
pub struct BackupPlanProps {
    /// The plan's name; the construct id when unset, as in the CDK.
    pub plan_name: Option<String>,
    /// The vault rules write to unless they name another, such as
    /// `vault.vault_name()`.
    pub vault_name: Value<String>,
    /// The rules.
    pub rules: Vec<BackupRule>,
}

/// An `AWS::Backup::BackupPlan` at `<id>/Resource`; resources are added
/// with [`BackupPlan::add_selection`].
///
/// ```
/// use strata::backup::*;
/// use strata::prelude::*;
/// let app = App::new();
/// let stack = app.stack("Dr", StackProps::default());
/// let vault = BackupVault::new(&stack, "Vault", BackupVaultProps::default());
/// let plan = BackupPlan::new(&stack, "Plan", BackupPlanProps {
///     plan_name: None,
///     vault_name: vault.vault_name(),
///     rules: vec![BackupRule {
///         lifecycle: Lifecycle::delete_after(35),
///         ..BackupRule::new("Daily", "cron(0 3 * * ? *)")
///     }],
/// });
/// plan.add_selection("Tables", SelectionProps::new(vec![BackupResource::tag("backup", "daily")]));
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let res = &t["Resources"][strata::logical_id(&["Plan", "Resource"]).as_str()];
/// assert_eq!(res["Properties"]["BackupPlan"]["BackupPlanName"], "Plan");
/// ```
#[derive(Clone)]
pub struct BackupPlan {
    scope: Scope,
    plan: cfn::BackupPlanRef,
}

impl BackupPlan {
    /// Adds the plan under `scope`.
    pub fn new(scope: &Scope, id: &str, props: BackupPlanProps) -> BackupPlan {
        let scope = scope.child(id);
        let name = props.plan_name.clone().unwrap_or_else(|| scope.id());
        if !valid_display_name(&name) {
            scope.error(
                "backup-plan",
                format!("plan name {name:?} must be 1 to 50 letters, digits, '-', '_' or '.'"),
            );
        }
        if props.rules.is_empty() {
            scope.error(
                "backup-plan",
                "the plan has no rules; add a BackupRule with a schedule",
            );
        }
        let targets = props
            .rules
            .iter()
            .filter_map(|r| r.vault_name.as_ref())
            .chain([&props.vault_name]);
        for target in targets {
            if let Value::Lit(name) = target {
                if name.is_empty() || name.starts_with("arn:") {
                    scope.error(
                        "backup-plan",
                        format!("{name:?} is not a vault name; rules target a vault by name, such as vault.vault_name()"),
                    );
                }
            }
        }
        let mut names = Vec::new();
        for rule in &props.rules {
            if names.contains(&&rule.name) {
                scope.error(
                    "backup-plan",
                    format!(
                        "two rules are named {:?}; rule names must be unique",
                        rule.name
                    ),
                );
            }
            names.push(&rule.name);
            for p in rule.problems() {
                scope.error("backup-rule", p);
            }
        }
        let rules = props
            .rules
            .iter()
            .map(|r| Value::Lit(r.to_l1(&props.vault_name)))
            .collect();
        let plan = scope.resource(
            "Resource",
            cfn::BackupPlan::new(Value::Lit(cfn::backup_plan::BackupPlanResourceType::new(
                name.as_str(),
                Value::Lit(rules),
            ))),
        );
        BackupPlan { scope, plan }
    }

    /// The plan's id (`Ref`, `BackupPlanId`).
    pub fn plan_id(&self) -> Value<String> {
        self.plan.ref_()
    }

    /// The plan's ARN.
    pub fn plan_arn(&self) -> Value<String> {
        self.plan.backup_plan_arn()
    }

    /// Adds a selection at `<plan>/<id>/Resource`, with the role AWS Backup
    /// assumes at `<plan>/<id>/Role`.
    pub fn add_selection(&self, id: &str, props: SelectionProps) -> BackupSelection {
        BackupSelection::new(self, id, props)
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::BackupPlanRef {
        &self.plan
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// What a selection backs up.
#[derive(Clone, Debug, PartialEq)]
pub enum BackupResource {
    /// Every supported resource carrying this tag with this value.
    Tag {
        /// The tag key.
        key: String,
        /// The tag value.
        value: String,
    },
    /// One resource by ARN, such as `table.table_arn()`.
    Arn(Value<String>),
}

impl BackupResource {
    /// Resources tagged `key` = `value`.
    pub fn tag(key: &str, value: &str) -> BackupResource {
        BackupResource::Tag {
            key: key.to_string(),
            value: value.to_string(),
        }
    }

    /// One resource by ARN.
    pub fn arn(arn: impl Into<Value<String>>) -> BackupResource {
        BackupResource::Arn(arn.into())
    }
}

/// Settings of a [`BackupSelection`].
#[derive(Clone, Debug)]
pub struct SelectionProps {
    /// The selection's name; the construct id when unset, as in the CDK.
    pub selection_name: Option<String>,
    /// What is backed up.
    pub resources: Vec<BackupResource>,
    /// Also attach `AWSBackupServiceRolePolicyForRestores` to the role
    /// (default on), so the same role can restore.
    pub allow_restores: bool,
}

impl SelectionProps {
    /// A selection of `resources` whose role may back up and restore.
    pub fn new(resources: Vec<BackupResource>) -> SelectionProps {
        SelectionProps {
            selection_name: None,
            resources,
            allow_restores: true,
        }
    }
}

/// An `AWS::Backup::BackupSelection` and the role AWS Backup assumes for it.
#[derive(Clone)]
pub struct BackupSelection {
    scope: Scope,
    selection: cfn::BackupSelectionRef,
    role: Role,
}

impl BackupSelection {
    /// Adds a selection to `plan`, at `<plan>/<id>`.
    pub fn new(plan: &BackupPlan, id: &str, props: SelectionProps) -> BackupSelection {
        let scope = plan.scope.child(id);
        let name = props.selection_name.clone().unwrap_or_else(|| scope.id());
        if !valid_display_name(&name) {
            scope.error(
                "backup-selection",
                format!("selection name {name:?} must be 1 to 50 letters, digits, '-', '_' or '.'"),
            );
        }
        if props.resources.is_empty() {
            scope.error(
                "backup-selection",
                "the selection is empty; add a BackupResource::tag or BackupResource::arn",
            );
        }
        let mut managed = vec![ManagedPolicy::aws(
            "service-role/AWSBackupServiceRolePolicyForBackup",
        )];
        if props.allow_restores {
            managed.push(ManagedPolicy::aws(
                "service-role/AWSBackupServiceRolePolicyForRestores",
            ));
        }
        let role = Role::new(
            &scope,
            "Role",
            RoleProps {
                managed_policies: managed,
                ..RoleProps::new(Principal::service("backup.amazonaws.com"))
            },
        );
        let mut tags = Vec::new();
        let mut arns = Vec::new();
        for r in &props.resources {
            match r {
                BackupResource::Tag { key, value } => {
                    if key.is_empty() || key.len() > 128 || value.len() > 256 {
                        scope.error(
                            "backup-selection",
                            format!("tag {key:?}={value:?} needs a key of 1 to 128 and a value of up to 256 characters"),
                        );
                    }
                    tags.push(Value::Lit(
                        cfn::backup_selection::ConditionResourceType::new(
                            key.as_str(),
                            "STRINGEQUALS",
                            value.as_str(),
                        ),
                    ));
                }
                BackupResource::Arn(arn) => {
                    if let Value::Lit(text) = arn {
                        if !(text.starts_with("arn:") || text == "*") {
                            scope.error(
                                "backup-selection",
                                format!("{text:?} is not a resource ARN"),
                            );
                        }
                    }
                    arns.push(arn.clone());
                }
            }
        }
        let selection = scope.resource(
            "Resource",
            cfn::BackupSelection::new(
                plan.plan_id(),
                Value::Lit(cfn::backup_selection::BackupSelectionResourceType {
                    list_of_tags: (!tags.is_empty()).then(|| Value::Lit(tags)),
                    resources: (!arns.is_empty()).then(|| Value::Lit(arns)),
                    ..cfn::backup_selection::BackupSelectionResourceType::new(
                        role.arn(),
                        name.as_str(),
                    )
                }),
            ),
        );
        BackupSelection {
            scope,
            selection,
            role,
        }
    }

    /// The selection's id (`SelectionId`).
    pub fn selection_id(&self) -> Value<String> {
        self.selection.selection_id()
    }

    /// The role AWS Backup assumes for this selection.
    pub fn role(&self) -> &Role {
        &self.role
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// A count of days or minutes for a `number` property, written as a JSON
/// integer (`35`, not `35.0`), as the CDK writes it.
fn whole(n: u32) -> Value<f64> {
    Value::expr(Raw::Int(i64::from(n)))
}

/// 1 to 50 letters, digits, `-`, `_` or `.`.
fn valid_display_name(name: &str) -> bool {
    (1..=50).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// One value of a cron field: a number in range, or a month or weekday name.
fn cron_value(text: &str, min: u32, max: u32, names: &[&str]) -> bool {
    match text.parse::<u32>() {
        Ok(n) => (min..=max).contains(&n),
        Err(_) => names.iter().any(|n| n.eq_ignore_ascii_case(text)),
    }
}

/// One comma-separated item of a cron field: `*`, `v`, `a-b`, with an
/// optional `/step`.
fn cron_item(item: &str, min: u32, max: u32, names: &[&str]) -> bool {
    let (range, step) = match item.split_once('/') {
        Some((r, s)) => (r, Some(s)),
        None => (item, None),
    };
    let step_ok = step.is_none_or(|s| s.parse::<u32>().is_ok_and(|n| n >= 1 && n <= max));
    let range_ok = range == "*"
        || match range.split_once('-') {
            Some((a, b)) => cron_value(a, min, max, names) && cron_value(b, min, max, names),
            None => cron_value(range, min, max, names),
        };
    step_ok && range_ok
}

/// Checks an AWS Backup schedule, `cron(Minutes Hours Day-of-month Month
/// Day-of-week Year)`.
fn check_cron(expression: &str) -> Result<(), String> {
    let usage = "write cron(Minutes Hours Day-of-month Month Day-of-week Year) in UTC, such as cron(0 5 ? * * *)";
    let Some(body) = expression
        .strip_prefix("cron(")
        .and_then(|s| s.strip_suffix(')'))
    else {
        return Err(format!(
            "the schedule {expression:?} is not a cron expression; {usage}"
        ));
    };
    let fields: Vec<&str> = body.split_whitespace().collect();
    let [minutes, hours, dom, month, dow, year] = fields.as_slice() else {
        return Err(format!(
            "the schedule {expression:?} has {} fields, not 6; {usage}",
            fields.len()
        ));
    };
    let field_ok = |field: &str, min: u32, max: u32, names: &[&str]| {
        field.split(',').all(|i| cron_item(i, min, max, names))
    };
    let dom_ok = *dom == "?"
        || *dom == "L"
        || dom
            .strip_suffix('W')
            .is_some_and(|d| cron_value(d, 1, 31, &[]))
        || field_ok(dom, 1, 31, &[]);
    let dow_ok = *dow == "?"
        || *dow == "L"
        || dow
            .strip_suffix('L')
            .is_some_and(|d| cron_value(d, 1, 7, &WEEKDAYS))
        || dow.split_once('#').is_some_and(|(d, n)| {
            cron_value(d, 1, 7, &WEEKDAYS) && n.parse::<u32>().is_ok_and(|n| (1..=5).contains(&n))
        })
        || field_ok(dow, 1, 7, &WEEKDAYS);
    let checks = [
        (
            minutes.parse::<u32>().is_ok_and(|m| m < 60),
            "minutes must be one number from 0 to 59 (AWS Backup runs at most hourly)",
        ),
        (field_ok(hours, 0, 23, &[]), "hours must be within 0-23"),
        (dom_ok, "day-of-month must be within 1-31, ?, L or nW"),
        (
            field_ok(month, 1, 12, &MONTHS),
            "month must be within 1-12 or JAN-DEC",
        ),
        (
            dow_ok,
            "day-of-week must be within 1-7 or SUN-SAT, ?, L, nL or n#k",
        ),
        (
            field_ok(year, 1970, 2199, &[]),
            "year must be within 1970-2199",
        ),
        (
            (*dom == "?") != (*dow == "?"),
            "exactly one of day-of-month and day-of-week must be ?",
        ),
    ];
    match checks.iter().find(|(ok, _)| !ok) {
        Some((_, why)) => Err(format!("the schedule {expression:?} is invalid: {why}")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::check_cron;

    #[test]
    fn cron_schedules_aws_backup_accepts_and_rejects() {
        for ok in [
            "cron(0 5 ? * * *)",
            "cron(0 3 * * ? *)",
            "cron(30 2 ? * SUN *)",
            "cron(0 0/4 ? * MON-FRI *)",
            "cron(0 5 1 * ? *)",
            "cron(0 5 L * ? *)",
            "cron(0 5 ? * 6#3 *)",
            "cron(0 5 ? JAN,JUL 2L 2030)",
        ] {
            assert_eq!(check_cron(ok), Ok(()), "{ok}");
        }
        for (bad, why) in [
            ("rate(1 day)", "not a cron expression"),
            ("cron(0 5 * * *)", "has 5 fields"),
            ("cron(*/15 5 ? * * *)", "minutes must be one number"),
            ("cron(0 24 ? * * *)", "hours must be within 0-23"),
            ("cron(0 5 * * * *)", "exactly one of day-of-month"),
            ("cron(0 5 ? * ? *)", "exactly one of day-of-month"),
            ("cron(0 5 ? 13 * *)", "month must be within"),
            ("cron(0 5 32 * ? *)", "day-of-month must be within"),
            ("cron(0 5 ? * FUNDAY *)", "day-of-week must be within"),
        ] {
            let err = check_cron(bad).expect_err(bad);
            assert!(err.contains(why), "{bad}: {err}");
        }
    }
}
