//! Seed "Disaster Recovery": primary region us-east-1, secondary region
//! us-west-2, RTO 4 hours, RPO 1 hour, built on [`MultiRegionDR`], which
//! checks those objectives against what it builds at synth.
//!
//! The recovery stack (in the secondary region) deploys before the storage
//! stack and holds what replication writes into:
//! - the replica of the proprietary data bucket (seed "S3: cross-region
//!   replication to secondary region"), replicated under S3 Replication
//!   Time Control, whose 15-minute bound is within the 1-hour RPO;
//! - the multi-Region key both copies are encrypted with (its replica key
//!   is in the storage stack);
//! - the backup vault the tables' hourly backups are copied into (seed
//!   "Data synchronized from backups and replicas"; see `backup.rs`).
//!
//! The rest of the platform runs in the primary region only: a pilot
//! light, which the seed's failover step 3 ("Lambda functions deployed in
//! secondary region") and its 4-hour RTO describe. The functions, API and
//! stores are deployed into the secondary region from this app when the
//! primary fails; the Route 53 health check that detects the failure is in
//! the API stack (`failover.rs`).

use std::time::Duration;

use strata::backup::{BackupVault, BackupVaultProps};
use strata::dr::{MultiRegionDR, MultiRegionDRProps, MultiRegionKey, Standby};
use strata::iam::{PolicyStatement, Principal};
use strata::kms::KeyProps;
use strata::prelude::*;

use crate::config::Config;

/// Seed "RTO: 4 hours".
pub const RTO: Duration = Duration::from_secs(4 * 3600);
/// Seed "RPO: 1 hour".
pub const RPO: Duration = Duration::from_secs(3600);

/// What the storage stack uses from the recovery setup.
#[derive(Clone)]
pub struct Recovery {
    /// The construct, in the storage stack (primary) and the recovery
    /// stack (secondary).
    pub dr: MultiRegionDR,
    /// The multi-Region key of the replicated data.
    pub data_key: MultiRegionKey,
    /// The vault in the secondary region that backups are copied into.
    pub vault: BackupVault,
}

/// Sets up recovery between `storage` (primary region) and `recovery`
/// (the configured secondary region).
pub fn build(storage: &Scope, recovery: &Scope, config: &Config, region: &str) -> Recovery {
    let dr = MultiRegionDR::new(
        storage,
        recovery,
        "Recovery",
        MultiRegionDRProps {
            mode: Standby::PilotLight,
            ..MultiRegionDRProps::new(&config.region, region, RTO, RPO)
        },
    );
    let data_key = dr.multi_region_key(
        "DataKey",
        KeyProps {
            description: Some(
                "Encrypts the proprietary data in both regions and the backup copies".into(),
            ),
            alias: Some(format!(
                "investment-ai/{}/replicated-data",
                config.stage.as_str()
            )),
            ..Default::default()
        },
    );
    // AWS Backup copy jobs encrypt the copies with the key through the
    // Backup service of the secondary region, as the primary region's
    // backup role, which the key policy admits through that service only.
    data_key.key().add_to_resource_policy(
        PolicyStatement::allow()
            .sid("BackupCopies")
            .actions([
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:DescribeKey",
                "kms:CreateGrant",
            ])
            .principal(Principal::any())
            .all_resources()
            .condition("StringEquals", "kms:CallerAccount", [Fn::account_id()])
            .condition(
                "StringEquals",
                "kms:ViaService",
                [format!("backup.{region}.amazonaws.com")],
            ),
    );
    let vault = BackupVault::new(
        dr.secondary_scope(),
        "Vault",
        BackupVaultProps {
            vault_name: Some(format!("{}-recovery", config.prefix())),
            encryption_key_arn: Some(data_key.secondary_region_arn()),
            ..Default::default()
        },
    );
    Recovery {
        dr,
        data_key,
        vault,
    }
}
