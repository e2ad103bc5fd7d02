//! Seed "Data Storage" and the OpenSearch part of "Observability", on a
//! [`DataTier`] in the private subnets, each store behind its own security
//! group that admits only the EKS cluster's group (and, for Aurora, the
//! bastion's: "BASTION --> RDS"):
//!
//! 1. Aurora PostgreSQL (`agentdb`, 5432): a writer and readers in the
//!    other AZ ("Multi-AZ deployment"; dev runs the writer alone),
//!    automated backups with point-in-time recovery, IAM authentication,
//!    60-second enhanced monitoring and Performance Insights, TLS required,
//!    PostgreSQL logs in CloudWatch Logs ("RDS logs").
//! 2. DynamoDB `usage_plans` and `usage_logs`, with global secondary
//!    indexes, point-in-time recovery and KMS encryption.
//! 3. ElastiCache Redis (6379): a Multi-AZ replication group with automatic
//!    failover, encrypted at rest and in transit, with an AUTH token
//!    generated in Secrets Manager.
//! 4. OpenSearch (443): data nodes across both AZs, encrypted at rest and
//!    node to node, HTTPS only, fine-grained access control with a
//!    generated master user, application logs in CloudWatch Logs
//!    ("OpenSearch logs").
//!
//! Endpoints go to Parameter Store for the services.

use strata::data_tier::{DataTier, DataTierProps};
use strata::dynamodb::{Attribute, Billing, GlobalSecondaryIndex, Table, TableProps};
use strata::ec2::{AgentVpc, Peer, Port, SecurityGroup, SecurityGroupProps};
use strata::elasticache::{RedisProps, RedisReplicationGroup};
use strata::iam::{PolicyDocument, PolicyStatement, Principal};
use strata::logs::{LogGroup, LogGroupProps, Retention};
use strata::opensearch::{
    domain_arn_for, Domain, DomainLogs, DomainProps, FineGrainedAccess, Gp3Volume,
};
use strata::prelude::*;
use strata::rds::{
    ClusterInstance, DatabaseCluster, DatabaseClusterProps, DatabaseSubnets, PerformanceInsights,
};
use strata::secrets::{GenerateSecret, Secret, SecretProps};

use crate::config::Config;
use crate::network::PRIVATE;
use crate::parameters;

/// The PostgreSQL port.
pub const POSTGRES_PORT: u16 = 5432;
/// The Redis port.
pub const REDIS_PORT: u16 = 6379;
/// The OpenSearch HTTPS port.
pub const OPENSEARCH_PORT: u16 = 443;

/// Who may reach the stores: the EKS cluster's security group and the
/// bastion's.
pub struct Clients {
    /// The cluster security group EKS gives the nodes.
    pub eks_nodes: Value<String>,
    /// The bastion's security group.
    pub bastion: Value<String>,
}

/// The stores.
pub struct Data {
    /// The tier (its keys).
    pub tier: DataTier,
    /// Aurora PostgreSQL.
    pub aurora: DatabaseCluster,
    /// `usage_plans`.
    pub usage_plans: Table,
    /// `usage_logs`.
    pub usage_logs: Table,
    /// Redis.
    pub redis: RedisReplicationGroup,
    /// Redis's AUTH token.
    pub redis_auth_token: Secret,
    /// OpenSearch.
    pub opensearch: Domain,
}

/// Builds the stores in `stack`.
pub fn build(stack: &Scope, config: &Config, vpc: &AgentVpc, clients: &Clients) -> Data {
    let tier = DataTier::new(
        stack,
        vpc,
        DataTierProps {
            subnet_tier: PRIVATE.into(),
            ..DataTierProps::new(
                config.stage(),
                &format!("agent-platform/{}/data", config.name()),
            )
        },
    );
    let guard = |id: &str, port: u16, what: &str, bastion: bool| {
        let group = SecurityGroup::new(
            stack,
            id,
            SecurityGroupProps {
                vpc_id: vpc.vpc_id(),
                description: Some(format!("{what}: {port} from the EKS nodes")),
                allow_all_outbound: Some(false),
                ..Default::default()
            },
        );
        group.allow_from(
            Peer::security_group_id(clients.eks_nodes.clone(), "EksNodes"),
            Port::tcp(port),
            &format!("{what} from the EKS nodes"),
        );
        if bastion {
            group.allow_from(
                Peer::security_group_id(clients.bastion.clone(), "Bastion"),
                Port::tcp(port),
                &format!("{what} from the bastion"),
            );
        }
        group
    };
    let aurora = tier.add_aurora(
        "Aurora",
        Some(guard(
            "AuroraSecurityGroup",
            POSTGRES_PORT,
            "Aurora PostgreSQL",
            true,
        )),
        aurora(config, vpc),
    );
    let (usage_plans, usage_logs) = tables(&tier, config);
    let redis_auth_token = Secret::new(
        stack,
        "RedisAuthToken",
        SecretProps {
            secret_name: Some(format!("{}redis-auth-token", config.prefix())),
            description: Some("AUTH token of the platform's Redis".into()),
            encryption_key: Some((&tier.key("secrets")).into()),
            generate: Some(GenerateSecret {
                length: Some(64),
                exclude_punctuation: true,
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    let redis = redis(
        &tier,
        config,
        guard("RedisSecurityGroup", REDIS_PORT, "Redis", false),
        &redis_auth_token,
    );
    let opensearch = opensearch(
        stack,
        &tier,
        config,
        guard(
            "OpenSearchSecurityGroup",
            OPENSEARCH_PORT,
            "OpenSearch",
            false,
        ),
    );
    for (id, suffix, description, value) in [
        (
            "AuroraEndpointParameter",
            "data/aurora-endpoint",
            "Aurora PostgreSQL writer endpoint",
            aurora.cluster_endpoint_address(),
        ),
        (
            "RedisEndpointParameter",
            "data/redis-endpoint",
            "Redis primary endpoint",
            redis.primary_endpoint(),
        ),
        (
            "OpenSearchEndpointParameter",
            "data/opensearch-endpoint",
            "OpenSearch domain endpoint",
            opensearch.domain_endpoint(),
        ),
        (
            "UsagePlansTableParameter",
            "data/usage-plans-table",
            "DynamoDB usage plans table",
            usage_plans.table_name(),
        ),
        (
            "UsageLogsTableParameter",
            "data/usage-logs-table",
            "DynamoDB usage logs table",
            usage_logs.table_name(),
        ),
    ] {
        parameters::put(
            stack,
            id,
            &parameters::path(config, suffix),
            description,
            value,
        );
    }
    Data {
        tier,
        aurora,
        usage_plans,
        usage_logs,
        redis,
        redis_auth_token,
        opensearch,
    }
}

/// Aurora PostgreSQL: the writer in the first AZ, the readers in the
/// second, IAM authentication, backups for point-in-time recovery,
/// enhanced monitoring and Performance Insights.
///
/// The subnets' route-table associations are in the network stack, which
/// this stack already follows, so the instances need no `DependsOn` on them
/// (a `DependsOn` cannot cross stacks).
fn aurora(config: &Config, vpc: &AgentVpc) -> DatabaseClusterProps {
    let a = &config.aurora;
    let instance = || ClusterInstance::provisioned(&a.instance_class);
    DatabaseClusterProps {
        readers: (0..a.readers).map(|_| instance().in_az(1)).collect(),
        database_name: Some("agentdb".into()),
        iam_authentication: true,
        backup_retention_days: a.backup_retention_days,
        backup_window: Some("03:00-04:00".into()),
        maintenance_window: Some("sun:04:00-sun:05:00".into()),
        performance_insights: Some(PerformanceInsights {
            retention_days: 7,
            encryption_key: None,
        }),
        monitoring_interval: Some(std::time::Duration::from_secs(60)),
        cluster_parameters: [("rds.force_ssl".to_string(), "1".to_string())].into(),
        cloudwatch_logs_exports: vec!["postgresql".into()],
        cluster_identifier: Some(format!("{}aurora", config.prefix())),
        ..DatabaseClusterProps::new(
            &a.engine_version,
            instance().in_az(0),
            DatabaseSubnets {
                depends_on: Vec::new(),
                ..DatabaseSubnets::from_vpc(vpc, PRIVATE)
            },
        )
    }
}

/// `usage_plans` (a plan per user, looked up by plan) and `usage_logs`
/// (a user's requests over time, queried by model), billed per request.
fn tables(tier: &DataTier, config: &Config) -> (Table, Table) {
    let prefix = config.prefix();
    let base = |name: &str, partition_key: Attribute| TableProps {
        table_name: Some(format!("{prefix}{name}")),
        billing: Billing::OnDemand,
        point_in_time_recovery: config.dynamodb.point_in_time_recovery,
        deletion_protection: Some(config.stage().is_prod()),
        ..TableProps::new(partition_key)
    };
    let plans = tier.add_table(
        "UsagePlans",
        TableProps {
            global_indexes: vec![GlobalSecondaryIndex::new(
                "plan_id-index",
                Attribute::string("plan_id"),
            )],
            ..base("usage_plans", Attribute::string("user_id"))
        },
    );
    let logs = tier.add_table(
        "UsageLogs",
        TableProps {
            sort_key: Some(Attribute::string("timestamp")),
            global_indexes: vec![GlobalSecondaryIndex::new(
                "model_id-index",
                Attribute::string("model_id"),
            )
            .sort_key(Attribute::string("timestamp"))],
            ttl_attribute: Some("expires_at".into()),
            ..base("usage_logs", Attribute::string("user_id"))
        },
    );
    (plans, logs)
}

/// Redis for caching and rate limiting: a replication group across both
/// AZs with automatic failover when it has two or more nodes.
fn redis(
    tier: &DataTier,
    config: &Config,
    group: SecurityGroup,
    auth_token: &Secret,
) -> RedisReplicationGroup {
    let r = &config.redis;
    let nodes = i64::from(r.nodes);
    let highly_available = nodes > 1;
    tier.add_redis(
        "Redis",
        Some(group),
        RedisProps {
            num_cache_clusters: nodes,
            multi_az: highly_available,
            automatic_failover: highly_available,
            at_rest_encryption: true,
            transit_encryption: true,
            auth_token: Some(auth_token.secret_value()),
            ..config.stage().redis(
                "Agent platform cache and rate limits",
                &r.engine_version,
                &r.node_type,
            )
        },
    )
}

/// OpenSearch for log aggregation and the knowledge base's vectors.
fn opensearch(stack: &Scope, tier: &DataTier, config: &Config, group: SecurityGroup) -> Domain {
    let o = &config.opensearch;
    let name = format!("{}-agent-platform", config.name());
    let logs_key = tier.key("logs");
    crate::compute::allow_cloudwatch_logs(stack, &logs_key, config);
    let application = LogGroup::new(
        stack,
        "OpenSearchLogs",
        LogGroupProps {
            log_group_name: Some(format!("/aws/opensearch/{name}/application")),
            retention: Retention::Days(config.log_retention_days),
            kms_key_arn: Some(logs_key.key_arn()),
            ..Default::default()
        },
    );
    let access = PolicyDocument::new().with_statement(
        PolicyStatement::allow()
            .action("es:ESHttp*")
            .principal(Principal::account_root_of(stack))
            .resource(Fn::join("", [domain_arn_for(&name), "/*".into()])),
    );
    tier.add_opensearch(
        "OpenSearch",
        Some(group),
        DomainProps {
            domain_name: Some(name),
            ebs: Some(Gp3Volume::new(i64::from(o.volume_gib))),
            availability_zone_count: i64::from(o.availability_zones),
            fine_grained_access: Some(FineGrainedAccess::InternalUser {
                name: "admin".into(),
                password: None,
            }),
            access_policy: Some(access),
            logs: DomainLogs {
                application: Some(application.log_group_arn()),
                ..Default::default()
            },
            ..DomainProps::new(&o.engine_version, &o.instance_type, i64::from(o.data_nodes))
        },
    )
}
