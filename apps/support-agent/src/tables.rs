//! The DynamoDB module (seed sections 1, 6, 7 and 8; in section 4's graph
//! it depends on KMS only).
//!
//! `conversations` (partition key `userId`, sort key `conversationId`, a
//! global index on `createdAt`, expired through `ttl`) and `sessions`
//! (partition key `sessionId`, expired through `expiresAt`), both with
//! streams ("Streams"), encrypted with the `dynamodb` key, with
//! point-in-time recovery in prod ("PITR (Prod)"). They bill per request
//! ("PAY_PER_REQUEST: Good for variable workloads"); an environment that
//! sets provisioned capacity gets section 8's auto-scaling instead: reads
//! and writes held at 70% utilisation, scaled up immediately and down
//! after a 15-minute cooldown.

use strata::data_tier::{DataTier, DataTierProps};
use strata::dynamodb::{
    Attribute, Billing, GlobalSecondaryIndex, Scaling, StreamView, Table, TableEncryption,
    TableProps,
};
use strata::ec2::AgentVpc;
use strata::prelude::*;

use crate::config::{Config, ProvisionedCapacity};
use crate::kms::ServiceKeys;
use crate::network::DATABASE;

/// Section 8's target utilisation, in percent.
pub const TARGET_UTILIZATION: f64 = 70.0;
/// Section 8's scale-down cooldown ("15 minutes"), in seconds.
pub const SCALE_IN_COOLDOWN_SECS: i64 = 15 * 60;

/// The two tables.
pub struct Tables {
    /// Conversations and their message history.
    pub conversations: Table,
    /// User sessions.
    pub sessions: Table,
}

/// Builds the tables in `stack`. The data tier checks that production
/// tables keep point-in-time recovery; tables use no subnets, so `vpc`
/// adds no reference to the VPC stack.
pub fn build(stack: &Scope, config: &Config, vpc: &AgentVpc, keys: &ServiceKeys) -> Tables {
    let env = config.name();
    let tier = DataTier::new(
        stack,
        vpc,
        DataTierProps {
            subnet_tier: DATABASE.into(),
            keys: vec![("dynamodb".into(), keys.dynamodb.clone())],
            ..DataTierProps::new(config.stage(), &format!("support-agent/{env}"))
        },
    );
    let base = |name: &str, partition_key: Attribute| TableProps {
        table_name: Some(format!("{env}-{name}")),
        billing: billing(config.dynamodb.provisioned.as_ref()),
        stream: Some(StreamView::NewAndOldImages),
        point_in_time_recovery: config.dynamodb.point_in_time_recovery,
        encryption: TableEncryption::Customer(keys.dynamodb.key_arn()),
        deletion_protection: Some(config.stage().is_prod()),
        ..TableProps::new(partition_key)
    };
    // A provisioned table's indexes need capacity of their own.
    let index = |name: &str, partition_key: &str, sort_key: &str| {
        let index = GlobalSecondaryIndex::new(name, Attribute::string(partition_key))
            .sort_key(Attribute::string(sort_key));
        match &config.dynamodb.provisioned {
            Some(p) => index.capacity(p.min_read, p.min_write),
            None => index,
        }
    };
    let conversations = tier.add_table(
        "Conversations",
        TableProps {
            sort_key: Some(Attribute::string("conversationId")),
            global_indexes: vec![index("CreatedAtIndex", "userId", "createdAt")],
            ttl_attribute: Some("ttl".into()),
            ..base("conversations", Attribute::string("userId"))
        },
    );
    // Sessions are also looked up by user (section 6's cross-reference
    // "RDS.users.id → DynamoDB.sessions.userId").
    let sessions = tier.add_table(
        "Sessions",
        TableProps {
            global_indexes: vec![index("UserIdIndex", "userId", "createdAt")],
            ttl_attribute: Some("expiresAt".into()),
            ..base("sessions", Attribute::string("sessionId"))
        },
    );
    // The seed keeps point-in-time recovery for prod ("PITR (Prod)"); where
    // the environment turns it off, the policy packs are told why.
    if !config.dynamodb.point_in_time_recovery {
        for table in [&conversations, &sessions] {
            strata::guard::suppress(
                table.scope(),
                "DYNAMODB_PITR_ENABLED",
                "the seed enables point-in-time recovery in prod only; this environment's tables hold no data worth restoring",
            );
        }
    }
    Tables {
        conversations,
        sessions,
    }
}

/// On demand, or provisioned with section 8's target tracking.
fn billing(provisioned: Option<&ProvisionedCapacity>) -> Billing {
    let Some(p) = provisioned else {
        return Billing::OnDemand;
    };
    let scaling = |min, max| Scaling {
        scale_in_cooldown: Some(SCALE_IN_COOLDOWN_SECS),
        scale_out_cooldown: Some(0),
        ..Scaling::new(min, max, TARGET_UTILIZATION)
    };
    Billing::Provisioned {
        read: p.min_read,
        write: p.min_write,
        read_scaling: Some(scaling(p.min_read, p.max_read)),
        write_scaling: Some(scaling(p.min_write, p.max_write)),
    }
}
