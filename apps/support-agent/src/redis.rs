//! The Redis module (seed sections 1, 3, 7 and 8; in section 4's graph it
//! depends on the VPC and EKS).
//!
//! ElastiCache Redis on port 6379 in the database subnets, for the session
//! cache (`session:{sessionId}`, expiring after 24 hours, an application
//! setting), response cache and rate-limit tracking of section 5: three
//! nodes with automatic failover across AZs in prod ("Primary node fails →
//! Replica promotes", "RTO <30 seconds"), one node in dev ("no failover
//! overhead"); encrypted at rest with the `elasticache` key and in transit
//! with an AUTH token from Secrets Manager ("Transit encryption enabled +
//! AUTH token"); daily snapshots. Only the EKS nodes' security group may
//! connect ("EKS → Redis (6379)").

use strata::data_tier::{DataTier, DataTierProps};
use strata::ec2::{AgentVpc, Peer, Port, SecurityGroup, SecurityGroupProps};
use strata::elasticache::{RedisProps, RedisReplicationGroup};
use strata::prelude::*;
use strata::secrets::{GenerateSecret, Secret, SecretProps};

use crate::config::Config;
use crate::kms::ServiceKeys;
use crate::network::DATABASE;

/// The Redis port.
pub const PORT: u16 = 6379;

/// What the workload needs from the cache.
pub struct Cache {
    /// The replication group.
    pub redis: RedisReplicationGroup,
    /// The AUTH token clients present.
    pub auth_token: Secret,
}

/// Builds the cache in `stack`, reachable from `node_security_group_id`.
pub fn build(
    stack: &Scope,
    config: &Config,
    vpc: &AgentVpc,
    keys: &ServiceKeys,
    node_security_group_id: Value<String>,
) -> Cache {
    let stage = config.stage();
    let security_group = SecurityGroup::new(
        stack,
        "RedisSecurityGroup",
        SecurityGroupProps {
            vpc_id: vpc.vpc_id(),
            description: Some("ElastiCache Redis: 6379 from the EKS nodes only".into()),
            allow_all_outbound: Some(false),
            ..Default::default()
        },
    );
    security_group.allow_from(
        Peer::security_group_id(node_security_group_id, "EksNodes"),
        Port::tcp(PORT),
        "Redis from the EKS nodes",
    );
    let auth_token = Secret::new(
        stack,
        "RedisAuthToken",
        SecretProps {
            secret_name: Some(format!("support-agent/{}/redis-auth-token", config.name())),
            description: Some("AUTH token of the support agent's Redis".into()),
            encryption_key: Some((&keys.secrets).into()),
            generate: Some(GenerateSecret {
                length: Some(64),
                exclude_punctuation: true,
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    // The data tier places the group on the database subnets and insists
    // on Multi-AZ failover in prod; the app's keys are the tier's keys.
    let tier = DataTier::new(
        stack,
        vpc,
        DataTierProps {
            subnet_tier: DATABASE.into(),
            keys: vec![
                ("elasticache".into(), keys.elasticache.clone()),
                ("secrets".into(), keys.secrets.clone()),
            ],
            ..DataTierProps::new(stage, &format!("support-agent/{}", config.name()))
        },
    );
    let nodes = i64::from(config.redis.nodes);
    let base = stage.redis(
        "Support agent session and response cache",
        &config.redis.engine_version,
        &config.redis.node_type,
    );
    let highly_available = nodes > 1;
    let redis = tier.add_redis(
        "Redis",
        Some(security_group),
        RedisProps {
            num_cache_clusters: nodes,
            multi_az: highly_available,
            automatic_failover: highly_available,
            kms_key_id: Some(keys.elasticache.key_arn()),
            auth_token: Some(auth_token.secret_value()),
            ..base
        },
    );
    stack.output("RedisEndpoint", Output::new(redis.primary_endpoint()));
    Cache { redis, auth_token }
}
