//! Seed section "Disaster Recovery Infrastructure / Secondary Region
//! (us-west-2)": the warm standby stack. Built from the same modules as
//! the primary region, at the capacity
//! [`MultiRegionDR::standby_capacity`] gives a warm standby:
//!
//! - Bedrock agents: "Warm standby (pre-deployed, inactive)": the five
//!   agents, their tools, knowledge base, runners and workflows.
//! - DynamoDB tables: "Global tables": the replicas the primary's global
//!   tables keep here.
//! - ElastiCache: "Standby cluster (stopped, ready to start)": ElastiCache
//!   cannot stop a cluster, so the nearest thing runs: a group at the warm
//!   capacity, which the failover function grows to the seed's 3 nodes.
//! - OpenSearch: "Cross-cluster replication": a follower domain at the warm
//!   capacity with fine-grained access control, which replication needs
//!   (CloudFormation cannot create the connection; see the README).
//! - Lambda functions: "Deployed but not receiving traffic": the tools run
//!   at the warm reserved concurrency, and the event rules are disabled.
//! - S3 buckets: "Cross-region replication destination": the replica
//!   buckets of the DR construct's secondary stack.
//! - Failover automation: the failover function of [`crate::failover`].

use strata::dr::{Capacity as DrCapacity, MultiRegionDR};
use strata::lambda::Function;
use strata::prelude::*;
use strata::s3::Bucket;
use strata::xray::{SamplingRule, SamplingRuleProps};

use crate::config::{Config, StandbyConfig};
use crate::integration::{self, Integration, IntegrationSettings};
use crate::monitoring::SAMPLING_RATE;
use crate::network;
use crate::platform::{self, Platform, PlatformSettings};
use crate::security::Keys;
use crate::storage::{self, Capacity, Stores};
use crate::{failover, tools};

/// What the standby region runs.
pub struct Standby {
    /// The standby's stores.
    pub stores: Stores,
    /// The standby's platform.
    pub platform: Platform,
    /// The standby's APIs and bus.
    pub integration: Integration,
    /// The failover function.
    pub failover: Function,
}

/// The warm capacity of a store the seed runs `seed` nodes of.
fn warm(dr: &MultiRegionDR, seed: u32) -> u32 {
    dr.standby_capacity(DrCapacity {
        min: seed,
        max: seed,
    })
    .min
}

/// Builds the standby region in `stack`, with the keys of the region and
/// the replica buckets.
pub fn build(
    stack: &Scope,
    config: &Config,
    standby: &StandbyConfig,
    dr: &MultiRegionDR,
    keys: &Keys,
    replicas: [Bucket; 2],
) -> Standby {
    let network = network::build(stack, &standby.vpc_cidr, config.nat());
    let seed = Capacity::SEED;
    let nodes = |n: i64| i64::from(warm(dr, u32::try_from(n).unwrap_or(1)));
    let capacity = Capacity {
        redis_nodes: nodes(seed.redis_nodes),
        dax_nodes: 0,
        search_nodes: nodes(seed.search_nodes),
        search_masters: false,
    };
    let stores = storage::standby(stack, &network, keys, config.stage(), capacity, replicas);
    let concurrency = tools::CATEGORIES
        .iter()
        .map(|c| warm(dr, c.reserved_concurrency))
        .min()
        .unwrap_or(1);
    let platform = platform::build(
        stack,
        &PlatformSettings {
            network: &network,
            keys,
            stores: &stores,
            release: &config.release,
            standby_concurrency: Some(concurrency),
        },
    );
    let integration = integration::build(
        stack,
        &IntegrationSettings {
            keys,
            stores: &stores,
            platform: &platform,
            release: &config.release,
            rules_enabled: false,
        },
    );
    SamplingRule::new(
        stack,
        "AgentSampling",
        SamplingRuleProps::new("threat-agent", 100, SAMPLING_RATE, 1),
    );
    // After a failover Redis has the seed's nodes: a primary and replicas.
    let replicas = if capacity.redis_nodes < seed.redis_nodes {
        u32::try_from(seed.redis_nodes - 1).unwrap_or(0)
    } else {
        0
    };
    let failover = failover::build(
        stack,
        keys,
        &platform.tools,
        &stores.redis,
        replicas,
        &config.region,
    );
    Standby {
        stores,
        platform,
        integration,
        failover,
    }
}
