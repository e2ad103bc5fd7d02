//! The cluster's DB instances (`AWS::RDS::DBInstance` at
//! `<cluster>/writer/Resource` and `<cluster>/reader<N>/Resource`), with
//! the CDK's promotion tiers, dependencies and removal policy.

use strata_cfn::rds;
use strata_core::{Handle, RemovalPolicy, ResourceOptions, Scope, Value};

use super::check::instance_identifier_problem;
use super::engine::{EngineVersion, ENGINE, SERVERLESS};
use super::props::{ClusterInstance, DatabaseSubnets, PerformanceInsights};

/// The settings every instance of a cluster shares.
pub(super) struct Shared<'a> {
    pub(super) cluster: rds::DbClusterRef,
    pub(super) version: Option<&'a EngineVersion>,
    pub(super) serverless_v2: bool,
    pub(super) subnets: &'a DatabaseSubnets,
    pub(super) performance_insights: Option<&'a PerformanceInsights>,
    pub(super) monitoring: Option<(i64, Value<String>)>,
    pub(super) parameter_group: Option<Value<String>>,
    pub(super) removal: RemovalPolicy,
}

/// The instances' removal policy for a cluster's: Retain stays Retain
/// (the cluster's state would go otherwise), anything else deletes them,
/// since a cluster snapshot is enough to recreate them (the CDK's
/// `helperRemovalPolicy`).
pub(super) fn helper_removal(cluster: RemovalPolicy) -> RemovalPolicy {
    match cluster {
        RemovalPolicy::Retain => RemovalPolicy::Retain,
        _ => RemovalPolicy::Delete,
    }
}

/// Adds one instance at `<cluster>/<id>/Resource`; problems with its class,
/// placement or identifier are reported at `<cluster>/<id>`.
pub(super) fn add(
    cluster_scope: &Scope,
    id: &str,
    instance: &ClusterInstance,
    tier: u8,
    shared: &Shared<'_>,
    after: Option<Handle>,
) -> rds::DbInstanceRef {
    let scope = cluster_scope.child(id);
    check(&scope, instance, tier, shared);
    let class = instance.instance_class.as_str();
    let az = instance
        .availability_zone
        .and_then(|i| shared.subnets.availability_zones.get(i).cloned());
    let pi = shared.performance_insights;
    let (interval, role) = match &shared.monitoring {
        Some((interval, role)) => (Some(Value::from(*interval)), Some(role.clone())),
        None => (None, None),
    };
    let depends_on = after
        .into_iter()
        .chain(shared.subnets.depends_on.iter().copied())
        .collect();
    scope.resource_with(
        "Resource",
        rds::DbInstance {
            availability_zone: az,
            db_cluster_identifier: Some(shared.cluster.ref_()),
            db_instance_class: Some(class.into()),
            db_instance_identifier: instance.identifier.as_deref().map(Value::from),
            db_parameter_group_name: shared.parameter_group.clone(),
            enable_performance_insights: pi.map(|_| true.into()),
            engine: Some(ENGINE.into()),
            monitoring_interval: interval,
            monitoring_role_arn: role,
            performance_insights_kms_key_id: pi.and_then(|p| p.encryption_key.clone()),
            performance_insights_retention_period: pi
                .map(|p| Value::from(i64::from(p.retention_days))),
            promotion_tier: Some(i64::from(tier).into()),
            publicly_accessible: Some(false.into()),
            ..rds::DbInstance::default()
        },
        ResourceOptions {
            depends_on,
            ..ResourceOptions::removal(helper_removal(shared.removal))
        },
    )
}

fn check(scope: &Scope, instance: &ClusterInstance, tier: u8, shared: &Shared<'_>) {
    let class = instance.instance_class.as_str();
    if let Some(p) = shared.version.and_then(|v| v.class_problem(class)) {
        scope.error("rds-instance-class", p);
    }
    if class == SERVERLESS && !shared.serverless_v2 {
        scope.error(
            "rds-instance-class",
            "db.serverless instances need Serverless v2 capacity; set serverless_v2 on the cluster",
        );
    }
    if let Some(i) = instance.availability_zone {
        let subnets = &shared.subnets;
        if i >= subnets.subnet_ids.len() {
            scope.error(
                "rds-placement",
                format!(
                    "AZ index {i} is beyond the {} subnets of the cluster; use 0 to {}",
                    subnets.subnet_ids.len(),
                    subnets.subnet_ids.len().saturating_sub(1)
                ),
            );
        } else if subnets.availability_zones.len() <= i {
            scope.error(
                "rds-placement",
                "the cluster's subnets were given without their availability zones; use DatabaseSubnets::from_vpc or fill availability_zones to place instances",
            );
        }
    }
    if tier > 15 {
        scope.error(
            "rds-promotion-tier",
            format!("promotion tier {tier} is outside 0-15"),
        );
    }
    if let Some(p) = instance
        .identifier
        .as_deref()
        .and_then(instance_identifier_problem)
    {
        scope.error("rds-identifier", p);
    }
}
