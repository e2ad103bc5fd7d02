//! The data stack: the context tables and buckets of [`crate::data`], and
//! the seed's "Multi-Level Caching Infrastructure" (Level 2 ElastiCache
//! Redis, Level 3 DAX) and "Knowledge Base Infrastructure" (OpenSearch),
//! all on the private subnets, each store behind its own security group
//! open to the LambdaToolSG on its port. (Level 1, the in-memory LRU
//! cache inside each tool function, is application code.)

use std::time::Duration;

use strata::data_tier::{DataTier, DataTierProps, Stage};
use strata::dax::{DaxCluster, DaxClusterProps, DaxParameterGroup};
use strata::dr::{BucketProtection, MultiRegionDR, MultiRegionKey, TableProtection};
use strata::dynamodb::{GlobalTable, Table, TableEncryption, TableProps};
use strata::elasticache::{RedisProps, RedisReplicationGroup};
use strata::iam::{PolicyDocument, PolicyStatement, Principal, Role, RoleProps};
use strata::opensearch::{
    domain_arn_for, Domain, DomainProps, FineGrainedAccess, Gp3Volume, NodeGroup, TlsSecurityPolicy,
};
use strata::prelude::*;
use strata::s3::{Bucket, BucketEncryption};

use crate::data;
use crate::network::{Network, PRIVATE};
use crate::security::{Keys, ROLE_PREFIX};

/// The knowledge base domain's name (seed: `ai-agent-knowledge-base`).
pub const DOMAIN_NAME: &str = "ai-agent-knowledge-base";
/// The DAX cluster's name. The seed's `ai-agent-context-cache` is 22
/// characters and DAX takes at most 20, so the nearest valid name is used.
pub const DAX_CLUSTER_NAME: &str = "ai-agent-ctx-cache";

/// A DynamoDB table, regional or global, by its name and ARNs.
#[derive(Clone, Debug)]
pub struct TableRef {
    /// The table name (`Ref`).
    pub name: Value<String>,
    /// The table ARN in this region.
    pub arn: Value<String>,
    /// The stream ARN, for tables with a stream.
    pub stream_arn: Option<Value<String>>,
}

impl From<&Table> for TableRef {
    fn from(t: &Table) -> Self {
        TableRef {
            name: t.table_name(),
            arn: t.table_arn(),
            stream_arn: t.stream_arn(),
        }
    }
}

impl From<&GlobalTable> for TableRef {
    fn from(t: &GlobalTable) -> Self {
        TableRef {
            name: t.table_name(),
            arn: t.table_arn(),
            stream_arn: Some(t.stream_arn()),
        }
    }
}

impl TableRef {
    /// The replica of the global table `name` in the stack's own region.
    pub fn replica(name: &str) -> TableRef {
        TableRef {
            name: name.into(),
            arn: Fn::sub(&format!(
                "arn:${{AWS::Partition}}:dynamodb:${{AWS::Region}}:${{AWS::AccountId}}:table/{name}"
            )),
            stream_arn: None,
        }
    }
}

/// What the platform needs from the data stack.
#[derive(Clone)]
pub struct Stores {
    /// GlobalContextTable.
    pub global_context: TableRef,
    /// InvestigationContextTable.
    pub investigation_context: TableRef,
    /// AgentContextTable.
    pub agent_context: TableRef,
    /// AuditTrailTable.
    pub audit_trail: TableRef,
    /// ContextArchiveBucket.
    pub context_archive: Bucket,
    /// InvestigationEvidenceBucket.
    pub evidence: Bucket,
    /// The Redis replication group.
    pub redis: RedisReplicationGroup,
    /// The DAX cluster (the primary region's; the seed keeps none in the
    /// standby region, whose tools read the table replicas directly).
    pub dax: Option<DaxCluster>,
    /// The OpenSearch knowledge base domain.
    pub search: Domain,
}

/// The capacity of the caches and the domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capacity {
    /// Redis nodes (the seed's NumCacheNodes: 3).
    pub redis_nodes: i64,
    /// DAX nodes (the seed's ReplicationFactor: 3).
    pub dax_nodes: i64,
    /// Search data nodes (the seed's InstanceCount: 3), one AZ each.
    pub search_nodes: i64,
    /// The seed's 3 dedicated masters.
    pub search_masters: bool,
}

impl Capacity {
    /// The seed's Multi-AZ capacities.
    pub const SEED: Capacity = Capacity {
        redis_nodes: 3,
        dax_nodes: 3,
        search_nodes: 3,
        search_masters: true,
    };
    /// One node of each, in one AZ.
    pub const SINGLE: Capacity = Capacity {
        redis_nodes: 1,
        dax_nodes: 1,
        search_nodes: 1,
        search_masters: false,
    };
}

/// The data tier of `stack` on the network's private subnets.
pub fn tier(stack: &Scope, network: &Network, stage: Stage) -> DataTier {
    DataTier::new(
        stack,
        &network.vpc,
        DataTierProps {
            subnet_tier: PRIVATE.into(),
            clients: vec![network.groups.lambda_tool.clone()],
            ..DataTierProps::new(stage, "threat-agent")
        },
    )
}

/// Adds a regional table through the tier (point-in-time recovery checked in prod).
pub fn regional_table(tier: &DataTier, id: &str, props: TableProps) -> TableRef {
    TableRef::from(&tier.add_table(id, props))
}

/// ElastiCache Redis 7.0 on cache.r6g.large: with 3 nodes Multi-AZ with
/// automatic failover, 5 days of backups at 03:00-05:00 and maintenance
/// Sunday 05:00-07:00, in a subnet group of the three private subnets.
pub fn redis(tier: &DataTier, network: &Network, nodes: i64) -> RedisReplicationGroup {
    let highly_available = nodes > 1;
    tier.add_redis(
        "RedisCluster",
        Some(network.groups.cache.clone()),
        RedisProps {
            num_cache_clusters: nodes,
            multi_az: highly_available,
            automatic_failover: highly_available,
            snapshot_retention_days: 5,
            snapshot_window: Some("03:00-05:00".into()),
            maintenance_window: Some("sun:05:00-sun:07:00".into()),
            ..RedisProps::new(
                "Level 2 distributed cache of agent responses",
                "7.0",
                "cache.r6g.large",
            )
        },
    )
}

/// DAX `ai-agent-ctx-cache` (the seed's `ai-agent-context-cache`): dax.r4.large, replication factor 3, the
/// `default.dax1.0` parameter group, maintenance Sunday 05:00-06:00, in
/// front of the context tables.
pub fn dax(tier: &DataTier, network: &Network, nodes: i64, tables: &[&TableRef]) -> DaxCluster {
    tier.add_dax(
        "DaxCluster",
        Some(network.groups.dax.clone()),
        DaxClusterProps {
            cluster_name: Some(DAX_CLUSTER_NAME.into()),
            description: Some("Level 3 persistent cache of the context tables".into()),
            parameter_group: DaxParameterGroup::Named("default.dax1.0".into()),
            maintenance_window: Some("sun:05:00-sun:06:00".into()),
            table_arns: tables.iter().map(|t| t.arn.clone()).collect(),
            ..DaxClusterProps::new("dax.r4.large", nodes)
        },
    )
}

/// The master user of the domain's fine-grained access control, which
/// cross-cluster replication needs: a role the account's administrators
/// assume to map the agent roles and to start replication.
fn search_admin(stack: &Scope) -> Role {
    let region = stack.env().region.unwrap_or_default();
    Role::new(
        stack,
        "SearchAdminRole",
        RoleProps {
            role_name: Some(format!("{ROLE_PREFIX}search-admin-{region}")),
            description: Some(
                "Master user of the knowledge base domain's fine-grained access control".into(),
            ),
            ..RoleProps::new(Principal::account_root())
        },
    )
}

/// OpenSearch `ai-agent-knowledge-base`: r6g.large.search data nodes
/// (3, over 3 AZs) with 3 dedicated masters, 100 GiB gp3 at 3000 IOPS,
/// encrypted at rest with `alias/opensearch-key` and between nodes, HTTPS
/// only with `Policy-Min-TLS-1-2-2019-07`, in the private subnets behind
/// `opensearch-sg`.
///
/// The seed's engine is OpenSearch_2.3. Its master type, r6g.medium.search,
/// does not exist (the r6g family starts at large); the masters run
/// r6g.large.search, the nearest size of the same family.
pub fn search(
    tier: &DataTier,
    stack: &Scope,
    network: &Network,
    keys: &Keys,
    capacity: Capacity,
) -> Domain {
    let admin = search_admin(stack);
    tier.add_opensearch(
        "KnowledgeBaseDomain",
        Some(network.groups.search.clone()),
        DomainProps {
            domain_name: Some(DOMAIN_NAME.into()),
            data_nodes: NodeGroup::new("r6g.large.search", capacity.search_nodes),
            dedicated_masters: capacity
                .search_masters
                .then(|| NodeGroup::new("r6g.large.search", 3)),
            ebs: Some(Gp3Volume {
                iops: Some(3000),
                ..Gp3Volume::new(100)
            }),
            availability_zone_count: capacity.search_nodes.clamp(1, 3),
            kms_key_id: Some(keys.opensearch.clone()),
            tls_security_policy: TlsSecurityPolicy::Tls12,
            fine_grained_access: Some(FineGrainedAccess::MasterUserArn(admin.arn())),
            access_policy: Some(
                PolicyDocument::new().with_statement(
                    PolicyStatement::allow()
                        .action("es:ESHttp*")
                        .principal(Principal::account_root())
                        .resource(Fn::join("", [domain_arn_for(DOMAIN_NAME), "/*".into()])),
                ),
            ),
            ..DomainProps::new("OpenSearch_2.3", "r6g.large.search", capacity.search_nodes)
        },
    )
}

/// Where the context tables and buckets go.
pub enum Placement<'a> {
    /// Regional tables and buckets in the data stack.
    Regional,
    /// Global tables with a replica in the standby region, and buckets
    /// replicated there under Replication Time Control, through `dr`.
    Replicated {
        /// The DR construct (its primary scope is the data stack).
        dr: &'a MultiRegionDR,
        /// The multi-Region AgentContextKey.
        context_key: &'a MultiRegionKey,
        /// The multi-Region InvestigationDataKey.
        evidence_key: &'a MultiRegionKey,
    },
}

/// S3 Replication Time Control's promise: 99.99% of objects within 15
/// minutes. The seed's 5-minute RPO holds for the context tables (global
/// tables replicate in about a second); the buckets are held to the best
/// S3 states, which MultiRegionDR checks.
pub const BUCKET_RPO: Duration = Duration::from_secs(15 * 60);

/// The context tables and buckets of the primary region, and the buckets'
/// replicas in the standby region when they are replicated.
pub struct ContextStores {
    /// GlobalContextTable, InvestigationContextTable, AgentContextTable and
    /// AuditTrailTable.
    pub tables: [TableRef; 4],
    /// ContextArchiveBucket and InvestigationEvidenceBucket.
    pub buckets: [Bucket; 2],
    /// Their replicas in the standby region.
    pub replicas: Option<[Bucket; 2]>,
}

/// The four tables and two buckets, placed as `placement` says.
pub fn context_stores(tier: &DataTier, keys: &Keys, placement: &Placement) -> ContextStores {
    let tables = [
        ("GlobalContextTable", data::global_context()),
        ("InvestigationContextTable", data::investigation_context()),
        ("AgentContextTable", data::agent_context()),
        ("AuditTrailTable", data::audit_trail()),
    ];
    let buckets = [
        ("ContextArchiveBucket", data::context_archive(), true),
        (
            "InvestigationEvidenceBucket",
            data::investigation_evidence(),
            false,
        ),
    ];
    match placement {
        Placement::Regional => ContextStores {
            tables: tables.map(|(id, props)| {
                regional_table(
                    tier,
                    id,
                    TableProps {
                        encryption: TableEncryption::Customer(keys.agent_context.clone()),
                        ..props
                    },
                )
            }),
            buckets: buckets.map(|(id, props, context)| {
                let key = if context {
                    &keys.agent_context
                } else {
                    &keys.investigation_data
                };
                tier.add_bucket(id, s3_props(props, BucketEncryption::Kms(key.clone())))
            }),
            replicas: None,
        },
        Placement::Replicated {
            dr,
            context_key,
            evidence_key,
        } => {
            let tables = tables.map(|(id, props)| {
                TableRef::from(&dr.protect_table(
                    id,
                    TableProtection {
                        key: Some((*context_key).clone()),
                        ..TableProtection::new(props)
                    },
                ))
            });
            let [archive, evidence] = buckets.map(|(id, props, context)| {
                let key = if context { context_key } else { evidence_key };
                dr.protect_bucket(
                    id,
                    BucketProtection {
                        key: Some((*key).clone()),
                        rpo: Some(BUCKET_RPO),
                        ..BucketProtection::new(props)
                    },
                )
            });
            ContextStores {
                tables,
                buckets: [archive.source, evidence.source],
                replicas: Some([archive.replica, evidence.replica]),
            }
        }
    }
}

fn s3_props(
    props: strata::s3::BucketProps,
    encryption: BucketEncryption,
) -> strata::s3::BucketProps {
    strata::s3::BucketProps {
        encryption,
        ..props
    }
}

/// Builds the primary region's stores in `stack`, with the buckets'
/// replicas when they are replicated.
pub fn build(
    stack: &Scope,
    network: &Network,
    keys: &Keys,
    stage: Stage,
    capacity: Capacity,
    placement: &Placement,
) -> (Stores, Option<[Bucket; 2]>) {
    let tier = tier(stack, network, stage);
    let context = context_stores(&tier, keys, placement);
    let [global_context, investigation_context, agent_context, audit_trail] = context.tables;
    let [context_archive, evidence] = context.buckets;
    let redis = redis(&tier, network, capacity.redis_nodes);
    let dax = dax(
        &tier,
        network,
        capacity.dax_nodes,
        &[&global_context, &investigation_context, &agent_context],
    );
    let search = search(&tier, stack, network, keys, capacity);
    let stores = Stores {
        global_context,
        investigation_context,
        agent_context,
        audit_trail,
        context_archive,
        evidence,
        redis,
        dax: Some(dax),
        search,
    };
    (stores, context.replicas)
}

/// The warm standby's stores in `stack`: the global tables' replicas and
/// the replica buckets (made by the DR construct), a Redis group and a
/// search domain of `capacity`, and no DAX.
pub fn standby(
    stack: &Scope,
    network: &Network,
    keys: &Keys,
    stage: Stage,
    capacity: Capacity,
    replicas: [Bucket; 2],
) -> Stores {
    let tier = tier(stack, network, stage);
    let [context_archive, evidence] = replicas;
    Stores {
        global_context: TableRef::replica("GlobalContextTable"),
        investigation_context: TableRef::replica("InvestigationContextTable"),
        agent_context: TableRef::replica("AgentContextTable"),
        audit_trail: TableRef::replica("AuditTrailTable"),
        context_archive,
        evidence,
        redis: redis(&tier, network, capacity.redis_nodes),
        dax: None,
        search: search(&tier, stack, network, keys, capacity),
    }
}
