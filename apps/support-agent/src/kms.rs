//! The KMS module (seed section 3, "KMS (Key Management Service)"; first in
//! section 4's dependency graph, "KMS must be created first (used by all
//! services)").
//!
//! Dev has one shared key, `dev/shared`; prod has seven, one per service:
//! `prod/storage` (S3), `prod/rds`, `prod/dynamodb`, `prod/sns-sqs`,
//! `prod/elasticache` (Redis), `prod/secrets` (Secrets Manager) and
//! `prod/eks`. Every key rotates yearly and waits the environment's
//! deletion window (the seed's "7-30 day deletion window") before it is
//! deleted. The aliases carry the app's name in front of the seed's:
//! `alias/support-agent/prod/storage`.

use strata::kms::{Key, Keys, KeysProps};
use strata::prelude::*;

use crate::config::Config;

/// The key of each service; in dev every field is the same shared key.
#[derive(Clone)]
pub struct ServiceKeys {
    /// S3 buckets (`storage`).
    pub storage: Key,
    /// RDS storage, Performance Insights (`rds`).
    pub rds: Key,
    /// DynamoDB tables (`dynamodb`).
    pub dynamodb: Key,
    /// SNS topics and SQS queues (`sns-sqs`).
    pub messaging: Key,
    /// Redis at rest (`elasticache`).
    pub elasticache: Key,
    /// Secrets Manager secrets (`secrets`).
    pub secrets: Key,
    /// Kubernetes secrets in EKS (`eks`).
    pub eks: Key,
}

/// Builds the keys in `stack`: [`Keys`] hands out one shared key under the
/// dev stage's strategy and one key per service under prod's.
pub fn build(stack: &Scope, config: &Config) -> ServiceKeys {
    let keys = Keys::new(
        stack,
        KeysProps {
            pending_window_in_days: Some(config.kms.deletion_window_days),
            ..KeysProps::new(
                config.stage().key_strategy(),
                &format!("support-agent/{}", config.name()),
            )
        },
    );
    ServiceKeys {
        storage: keys.for_service("storage"),
        rds: keys.for_service("rds"),
        dynamodb: keys.for_service("dynamodb"),
        messaging: keys.for_service("sns-sqs"),
        elasticache: keys.for_service("elasticache"),
        secrets: keys.for_service("secrets"),
        eks: keys.for_service("eks"),
    }
}
