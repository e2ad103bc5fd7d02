//! Seed 000's backup strategy through AWS Backup: monthly Aurora snapshots
//! kept for a year, weekly copies to the secondary region (us-west-2), and weekly on-demand
//! DynamoDB backups copied there too. (Aurora's 7 days of automated
//! backups and the tables' point-in-time recovery are set on the stores.)

use strata::backup::{
    BackupPlan, BackupPlanProps, BackupResource, BackupRule, BackupVault, BackupVaultProps,
    CopyAction, Lifecycle, SelectionProps,
};
use strata::prelude::*;

use crate::data::Data;

/// The vault name, the same in both regions; the us-west-2 vault belongs
/// to the DR deployment.
pub const VAULT_NAME: &str = "bird-agent-backups";

/// Adds the vault, the plan and its selection of the Aurora cluster and
/// the three tables; weekly copies go to `secondary_region`.
pub fn build(stack: &Scope, data: &Data, secondary_region: &str) -> BackupPlan {
    let vault = BackupVault::new(
        stack,
        "BackupVault",
        BackupVaultProps {
            vault_name: Some(VAULT_NAME.into()),
            encryption_key_arn: Some(data.keys.rds.key_arn()),
            ..Default::default()
        },
    );
    let to_dr = |days| CopyAction {
        destination_vault_arn: BackupVault::arn_in(secondary_region, VAULT_NAME),
        lifecycle: Lifecycle::delete_after(days),
    };
    let plan = BackupPlan::new(
        stack,
        "BackupPlan",
        BackupPlanProps {
            plan_name: Some("bird-agent".into()),
            vault_name: vault.vault_name(),
            rules: vec![
                BackupRule {
                    lifecycle: Lifecycle::delete_after(365),
                    ..BackupRule::new("Monthly", "cron(0 5 1 * ? *)")
                },
                BackupRule {
                    lifecycle: Lifecycle::delete_after(35),
                    copy_actions: vec![to_dr(35)],
                    ..BackupRule::new("WeeklyCrossRegion", "cron(0 5 ? * SUN *)")
                },
            ],
        },
    );
    let mut resources = vec![BackupResource::arn(data.aurora.cluster_arn())];
    resources.extend(
        data.tables
            .iter()
            .map(|t| BackupResource::arn(t.table_arn())),
    );
    plan.add_selection("Stores", SelectionProps::new(resources));
    plan
}
