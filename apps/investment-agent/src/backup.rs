//! Seed "Backup Strategy" for the tables, with a recovery region: AWS
//! Backup takes hourly backups of both tables and copies each one to the
//! recovery region's vault, so a regional loss costs at most an hour of
//! data (the seed's RPO). Within the primary region, point-in-time
//! recovery keeps 35 days of continuous backups of each table (set on the
//! tables in `storage.rs`).
//!
//! Cross-region copies of DynamoDB backups need AWS Backup's advanced
//! DynamoDB features, an account setting outside CloudFormation.

use strata::backup::{
    BackupPlan, BackupPlanProps, BackupResource, BackupRule, BackupVault, BackupVaultProps,
    CopyAction, Lifecycle, SelectionProps,
};
use strata::dynamodb::Table;
use strata::prelude::*;

use crate::config::Config;
use crate::dr::Recovery;
use crate::security::Security;

/// Hourly recovery points are kept this many days in the primary region.
pub const HOURLY_LOCAL_DAYS: u32 = 2;
/// Copies in the recovery region are kept this many days.
pub const RECOVERY_COPY_DAYS: u32 = 7;
/// Daily recovery points (and their copies) match the PITR window.
pub const DAILY_DAYS: u32 = 35;

/// Adds the vault, plan and selection of `tables` when there is a
/// recovery region; without one, point-in-time recovery is the backup.
pub fn build(
    stack: &Scope,
    config: &Config,
    security: &Security,
    tables: &[&Table],
    dr: Option<&Recovery>,
) -> Option<BackupPlan> {
    let dr = dr?;
    let vault = BackupVault::new(
        stack,
        "BackupVault",
        BackupVaultProps {
            vault_name: Some(format!("{}-backups", config.prefix())),
            encryption_key_arn: Some(security.keys.backup.key_arn()),
            ..Default::default()
        },
    );
    let copy = |days| CopyAction {
        destination_vault_arn: dr.vault.vault_arn(),
        lifecycle: Lifecycle::delete_after(days),
    };
    let plan = BackupPlan::new(
        stack,
        "BackupPlan",
        BackupPlanProps {
            plan_name: Some(format!("{}-tables", config.prefix())),
            vault_name: vault.vault_name(),
            rules: vec![
                BackupRule {
                    lifecycle: Lifecycle::delete_after(HOURLY_LOCAL_DAYS),
                    copy_actions: vec![copy(RECOVERY_COPY_DAYS)],
                    ..BackupRule::new("HourlyToRecoveryRegion", "cron(0 * ? * * *)")
                },
                BackupRule {
                    lifecycle: Lifecycle::delete_after(DAILY_DAYS),
                    copy_actions: vec![copy(DAILY_DAYS)],
                    ..BackupRule::new("Daily", "cron(0 5 ? * * *)")
                },
            ],
        },
    );
    plan.add_selection(
        "Tables",
        SelectionProps::new(
            tables
                .iter()
                .map(|t| BackupResource::arn(t.table_arn()))
                .collect(),
        ),
    );
    Some(plan)
}
