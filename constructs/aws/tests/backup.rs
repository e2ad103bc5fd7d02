//! AWS Backup: seed 000's backup strategy (weekly backups copied to
//! us-west-2, monthly backups kept a year, 35 days of point-in-time
//! recovery), and the rules AWS Backup would reject, caught at synth.

use serde_json::json;
use strata::backup::{
    BackupPlan, BackupPlanProps, BackupResource, BackupRule, BackupVault, BackupVaultProps,
    CopyAction, Lifecycle, SelectionProps,
};
use strata::kms::{Key, KeyProps};
use strata::prelude::*;

fn id(path: &[&str]) -> String {
    strata::logical_id(path)
}

fn seed_000_rules() -> Vec<BackupRule> {
    vec![
        BackupRule {
            start_window_minutes: Some(60),
            completion_window_minutes: Some(480),
            lifecycle: Lifecycle::delete_after(35),
            copy_actions: vec![CopyAction {
                destination_vault_arn: BackupVault::arn_in("us-west-2", "agent-dr-vault"),
                lifecycle: Lifecycle::delete_after(35),
            }],
            ..BackupRule::new("Weekly", "cron(0 5 ? * SUN *)")
        },
        BackupRule {
            lifecycle: Lifecycle {
                delete_after_days: Some(365),
                move_to_cold_storage_after_days: Some(30),
            },
            ..BackupRule::new("Monthly", "cron(0 5 1 * ? *)")
        },
        BackupRule {
            continuous_backup: true,
            lifecycle: Lifecycle::delete_after(35),
            ..BackupRule::new("PointInTime", "cron(0 3 ? * * *)")
        },
    ]
}

#[test]
fn seed_000_backup_strategy_renders_every_setting() {
    let app = App::new();
    let stack = app.stack("Backups", StackProps::default());
    let key = Key::new(&stack, "BackupKey", KeyProps::default());
    let vault = BackupVault::new(
        &stack,
        "Vault",
        BackupVaultProps {
            encryption_key_arn: Some(key.key_arn()),
            ..BackupVaultProps::default()
        },
    );
    assert_eq!(vault.name(), id(&["Backups", "Vault"]));
    let plan = BackupPlan::new(
        &stack,
        "AgentPlan",
        BackupPlanProps {
            plan_name: Some("bird-agent".into()),
            vault_name: vault.vault_name(),
            rules: seed_000_rules(),
        },
    );
    let tables = plan.add_selection(
        "Tables",
        SelectionProps::new(vec![BackupResource::tag("backup", "weekly")]),
    );
    plan.add_selection(
        "Aurora",
        SelectionProps {
            selection_name: Some("aurora-cluster".into()),
            allow_restores: false,
            ..SelectionProps::new(vec![BackupResource::arn(
                "arn:aws:rds:us-east-1:123456789012:cluster:agent-db",
            )])
        },
    );
    assert_eq!(
        tables.role().scope().path(),
        "Backups/AgentPlan/Tables/Role"
    );
    let t = app.synth().expect("valid").stacks[0].template.clone();
    let r = &t["Resources"];
    let vault_id = id(&["Vault", "Resource"]);
    let v = &r[vault_id.as_str()];
    assert_eq!(v["DeletionPolicy"], "Retain");
    assert_eq!(v["UpdateReplacePolicy"], "Retain");
    assert_eq!(
        v["Properties"],
        json!({
            "BackupVaultName": id(&["Backups", "Vault"]),
            "EncryptionKeyArn": {"Fn::GetAtt": [id(&["BackupKey", "Resource"]), "Arn"]}
        })
    );
    let plan_id = id(&["AgentPlan", "Resource"]);
    let vault_ref = json!({"Ref": vault_id});
    assert_eq!(
        r[plan_id.as_str()]["Properties"],
        json!({"BackupPlan": {
            "BackupPlanName": "bird-agent",
            "BackupPlanRule": [
                {
                    "CompletionWindowMinutes": 480,
                    "CopyActions": [{
                        "DestinationBackupVaultArn": {"Fn::Sub":
                            "arn:${AWS::Partition}:backup:us-west-2:${AWS::AccountId}:backup-vault:agent-dr-vault"},
                        "Lifecycle": {"DeleteAfterDays": 35}
                    }],
                    "Lifecycle": {"DeleteAfterDays": 35},
                    "RuleName": "Weekly",
                    "ScheduleExpression": "cron(0 5 ? * SUN *)",
                    "StartWindowMinutes": 60,
                    "TargetBackupVault": vault_ref
                },
                {
                    "Lifecycle": {"DeleteAfterDays": 365, "MoveToColdStorageAfterDays": 30},
                    "RuleName": "Monthly",
                    "ScheduleExpression": "cron(0 5 1 * ? *)",
                    "TargetBackupVault": vault_ref
                },
                {
                    "EnableContinuousBackup": true,
                    "Lifecycle": {"DeleteAfterDays": 35},
                    "RuleName": "PointInTime",
                    "ScheduleExpression": "cron(0 3 ? * * *)",
                    "TargetBackupVault": vault_ref
                }
            ]
        }})
    );
    let tables_role = id(&["AgentPlan", "Tables", "Role", "Resource"]);
    assert_eq!(
        r[id(&["AgentPlan", "Tables", "Resource"]).as_str()]["Properties"],
        json!({
            "BackupPlanId": {"Ref": plan_id},
            "BackupSelection": {
                "IamRoleArn": {"Fn::GetAtt": [tables_role, "Arn"]},
                "ListOfTags": [{
                    "ConditionKey": "backup",
                    "ConditionType": "STRINGEQUALS",
                    "ConditionValue": "weekly"
                }],
                "SelectionName": "Tables"
            }
        })
    );
    let role = &r[tables_role.as_str()]["Properties"];
    assert_eq!(
        role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
        json!({"Service": "backup.amazonaws.com"})
    );
    assert_eq!(
        role["ManagedPolicyArns"],
        json!([
            {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"},
            {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores"}
        ])
    );
    let aurora =
        &r[id(&["AgentPlan", "Aurora", "Resource"]).as_str()]["Properties"]["BackupSelection"];
    assert_eq!(
        aurora["Resources"],
        json!(["arn:aws:rds:us-east-1:123456789012:cluster:agent-db"])
    );
    assert_eq!(aurora["SelectionName"], "aurora-cluster");
    assert_eq!(
        r[id(&["AgentPlan", "Aurora", "Role", "Resource"]).as_str()]["Properties"]
            ["ManagedPolicyArns"],
        json!([{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"}])
    );
}

fn plan_error(rules: Vec<BackupRule>) -> String {
    let app = App::new();
    let stack = app.stack("Backups", StackProps::default());
    BackupPlan::new(
        &stack,
        "Plan",
        BackupPlanProps {
            plan_name: None,
            vault_name: "agent-vault".into(),
            rules,
        },
    );
    let err = app.synth().expect_err("must fail").to_string();
    assert!(err.contains("Backups/Plan"), "{err}");
    err
}

fn rule_error(edit: impl FnOnce(&mut BackupRule)) -> String {
    let mut rule = seed_000_rules().remove(0);
    edit(&mut rule);
    plan_error(vec![rule])
}

#[test]
fn rules_aws_backup_rejects_are_synth_errors() {
    let err = rule_error(|r| {
        r.lifecycle = Lifecycle {
            delete_after_days: Some(100),
            move_to_cold_storage_after_days: Some(30),
        }
    });
    assert!(
        err.contains("rule \"Weekly\": recovery points stay in cold storage at least 90 days, so delete_after_days (100) must be at least move_to_cold_storage_after_days + 90 (120)"),
        "{err}"
    );
    let err = rule_error(|r| {
        r.copy_actions[0].lifecycle = Lifecycle {
            delete_after_days: Some(60),
            move_to_cold_storage_after_days: Some(7),
        }
    });
    assert!(
        err.contains("rule \"Weekly\", copy 1: recovery points stay in cold storage"),
        "{err}"
    );
    let err = rule_error(|r| r.copy_actions[0].destination_vault_arn = "agent-dr-vault".into());
    assert!(
        err.contains("\"agent-dr-vault\" is not a backup vault ARN"),
        "{err}"
    );
    let err = rule_error(|r| r.schedule = "rate(7 days)".into());
    assert!(err.contains("is not a cron expression"), "{err}");
    let err = rule_error(|r| r.schedule = "cron(0/30 5 ? * SUN *)".into());
    assert!(
        err.contains("minutes must be one number from 0 to 59 (AWS Backup runs at most hourly)"),
        "{err}"
    );
    let err = rule_error(|r| r.schedule = "cron(0 5 * * SUN *)".into());
    assert!(
        err.contains("exactly one of day-of-month and day-of-week must be ?"),
        "{err}"
    );
    let err = rule_error(|r| r.start_window_minutes = Some(30));
    assert!(
        err.contains("a start window of 30 minutes is too short"),
        "{err}"
    );
    let err = rule_error(|r| r.completion_window_minutes = Some(90));
    assert!(
        err.contains("the completion window (90 minutes) must be at least 60 minutes longer than the start window (60 minutes)"),
        "{err}"
    );
    let err = rule_error(|r| {
        r.continuous_backup = true;
        r.lifecycle = Lifecycle {
            delete_after_days: Some(400),
            move_to_cold_storage_after_days: Some(30),
        };
    });
    assert!(
        err.contains("continuous backups cannot move to cold storage"),
        "{err}"
    );
    assert!(
        err.contains("continuous backups are kept 1 to 35 days"),
        "{err}"
    );
    let err = rule_error(|r| r.name = "weekly backups".into());
    assert!(
        err.contains("the name must be 1 to 50 letters, digits, '-', '_' or '.'"),
        "{err}"
    );
    let err = rule_error(|r| {
        r.vault_name = Some("arn:aws:backup:us-east-1:123456789012:backup-vault:x".into())
    });
    assert!(
        err.contains(
            "\"arn:aws:backup:us-east-1:123456789012:backup-vault:x\" is not a vault name"
        ),
        "{err}"
    );
    let err = plan_error(Vec::new());
    assert!(err.contains("the plan has no rules"), "{err}");
    let err = plan_error(vec![
        BackupRule::new("Daily", "cron(0 5 ? * * *)"),
        BackupRule::new("Daily", "cron(0 6 ? * * *)"),
    ]);
    assert!(err.contains("two rules are named \"Daily\""), "{err}");
}

#[test]
fn vaults_and_selections_aws_backup_rejects_are_synth_errors() {
    let app = App::new();
    let stack = app.stack("Backups", StackProps::default());
    BackupVault::new(
        &stack,
        "Vault",
        BackupVaultProps {
            vault_name: Some("agent vault".into()),
            encryption_key_arn: Some("alias/backup".into()),
            ..BackupVaultProps::default()
        },
    );
    let plan = BackupPlan::new(
        &stack,
        "Plan",
        BackupPlanProps {
            plan_name: None,
            vault_name: "agent-vault".into(),
            rules: vec![BackupRule::new("Daily", "cron(0 5 ? * * *)")],
        },
    );
    plan.add_selection("Nothing", SelectionProps::new(Vec::new()));
    plan.add_selection(
        "Bad",
        SelectionProps::new(vec![
            BackupResource::arn("agent-db"),
            BackupResource::tag("", "x"),
        ]),
    );
    let err = app.synth().expect_err("must fail").to_string();
    for (path, message) in [
        (
            "Backups/Vault",
            "vault name \"agent vault\" must be 2 to 50",
        ),
        ("Backups/Vault", "\"alias/backup\" is not a KMS key ARN"),
        ("Backups/Plan/Nothing", "the selection is empty"),
        ("Backups/Plan/Bad", "\"agent-db\" is not a resource ARN"),
        ("Backups/Plan/Bad", "tag \"\"=\"x\" needs a key of 1 to 128"),
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(message))
            .unwrap_or_else(|| panic!("expected {message:?} in {err}"));
        assert!(line.contains(path), "{line}");
    }
}
