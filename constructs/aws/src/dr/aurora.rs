//! An Aurora global database across the two Regions: the global cluster
//! and its primary cluster in the primary stack, and a secondary cluster,
//! with readers or headless, in the standby stack.

use strata_cfn::rds;
use strata_core::{RemovalPolicy, ResourceOptions, Scope, Value};

use crate::ec2::{SecurityGroup, SecurityGroupProps};
use crate::rds::{
    ClusterInstance, DatabaseCluster, DatabaseClusterProps, DatabaseSubnets, GlobalDatabase, ENGINE,
};

use super::objectives::{
    check_rpo, Plan, AURORA_PROMOTION, AURORA_REPLICATION, PILOT_LIGHT_RECOVERY,
};
use super::{MultiRegionDR, MultiRegionKey};

/// The secondary cluster of an Aurora global database.
#[derive(Clone)]
pub struct AuroraSecondary {
    /// Subnets in the secondary Region, in at least two AZs.
    pub subnets: DatabaseSubnets,
    /// Reader instances; the first becomes the writer when the secondary
    /// is promoted. Empty for a headless cluster (storage only, no
    /// instance to pay for, but one must be created before promotion).
    pub readers: Vec<ClusterInstance>,
    /// The cluster's security groups; one is created at
    /// `<id>/SecurityGroup` when empty.
    pub security_groups: Vec<SecurityGroup>,
}

impl AuroraSecondary {
    /// A secondary with `readers` in `subnets`.
    pub fn with_readers(subnets: DatabaseSubnets, readers: Vec<ClusterInstance>) -> Self {
        AuroraSecondary {
            subnets,
            readers,
            security_groups: Vec::new(),
        }
    }

    /// A headless secondary in `subnets`.
    pub fn headless(subnets: DatabaseSubnets) -> Self {
        AuroraSecondary::with_readers(subnets, Vec::new())
    }
}

/// An Aurora database to protect with [`MultiRegionDR::protect_aurora`].
#[derive(Clone)]
pub struct AuroraProtection {
    /// The primary cluster; `global` is set by the construct.
    pub cluster: DatabaseClusterProps,
    /// The global cluster identifier, such as `bird-agent-global`.
    pub global_identifier: String,
    /// The secondary cluster.
    pub secondary: AuroraSecondary,
    /// Encrypts each cluster's storage with this key in its own Region;
    /// without it, each uses its Region's `aws/rds` key.
    pub key: Option<MultiRegionKey>,
}

/// A headless secondary cluster: an `AWS::RDS::DBCluster` at
/// `<id>/Resource` with no DB instance, its subnet group at
/// `<id>/Subnets/Default` and its security group.
#[derive(Clone)]
pub struct HeadlessCluster {
    scope: Scope,
    cluster: rds::DbClusterRef,
    security_groups: Vec<SecurityGroup>,
}

impl HeadlessCluster {
    /// The cluster identifier (`Ref`).
    pub fn cluster_identifier(&self) -> Value<String> {
        self.cluster.ref_()
    }

    /// The cluster's ARN.
    pub fn cluster_arn(&self) -> Value<String> {
        self.cluster.db_cluster_arn()
    }

    /// The L1 handle.
    pub fn handle(&self) -> rds::DbClusterRef {
        self.cluster
    }

    /// The cluster's security groups.
    pub fn security_groups(&self) -> &[SecurityGroup] {
        &self.security_groups
    }

    /// The construct's scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// The secondary cluster as built.
#[derive(Clone)]
pub enum SecondaryCluster {
    /// A cluster with reader instances.
    Readers(Box<DatabaseCluster>),
    /// A cluster without instances.
    Headless(HeadlessCluster),
}

/// The clusters of a protected Aurora database.
#[derive(Clone)]
pub struct ProtectedAurora {
    /// The primary cluster, with the global cluster at `<id>/GlobalCluster`.
    pub primary: DatabaseCluster,
    /// The secondary cluster; `None` when the construct has no standby
    /// stack to put it in (reported as an error).
    pub secondary: Option<SecondaryCluster>,
}

impl MultiRegionDR {
    /// An Aurora global database: the primary cluster at `<id>` in the
    /// primary stack creates the global cluster, and the secondary
    /// cluster at `<id>` in the standby stack joins it (the standby stack
    /// deploys after the primary, as joining needs). Replication lags
    /// under a second, so an RPO under a second is an error; promoting
    /// the secondary takes up to a minute, and a headless secondary must
    /// first create an instance, which counts as a pilot light.
    pub fn protect_aurora(&self, id: &str, protection: AuroraProtection) -> ProtectedAurora {
        let key = protection.key.as_ref();
        let mut problems = Vec::new();
        if protection.cluster.global.is_some() {
            problems.push("protect_aurora makes the cluster the global database's primary itself; leave `global` unset".to_string());
        }
        if key.is_some() && protection.cluster.storage_encryption_key.is_some() {
            problems.push("the cluster has a key in `storage_encryption_key` and a multi-Region key in `key`; keep only `key`, which encrypts each cluster in its own Region".to_string());
        }
        if key.is_none() && protection.cluster.storage_encryption_key.is_some() {
            problems.push("a customer key encrypts one Region only, but the secondary cluster needs a key in its own; pass a MultiRegionKey from MultiRegionDR::multi_region_key as `key`".to_string());
        }
        let template = protection.cluster.clone();
        let primary = DatabaseCluster::new(
            &self.primary,
            id,
            DatabaseClusterProps {
                global: Some(GlobalDatabase::Primary {
                    identifier: protection.global_identifier.clone(),
                }),
                storage_encryption_key: key
                    .map(MultiRegionKey::primary_region_arn)
                    .or(protection.cluster.storage_encryption_key.clone()),
                ..protection.cluster
            },
        );
        for p in problems {
            primary.scope().error("dr-aurora", p);
        }
        check_rpo(
            primary.scope(),
            self.props.rpo,
            AURORA_REPLICATION,
            "an Aurora global database replicates asynchronously with typical lag under a second (Aurora User Guide)",
            "raise the RPO to 1s or more",
        );
        let Some(standby) = &self.standby else {
            primary.scope().error(
                "dr-aurora",
                format!(
                    "the Aurora secondary cluster can join the global database only after the primary cluster has, so it needs a stack in {} that deploys after the primary; set MultiRegionDRProps::standby",
                    self.props.secondary_region
                ),
            );
            return ProtectedAurora {
                primary,
                secondary: None,
            };
        };
        let global_id = primary
            .global_cluster()
            .map(|g| g.ref_())
            .unwrap_or_else(|| protection.global_identifier.as_str().into());
        let secondary_key = key.map(MultiRegionKey::secondary_region_arn);
        let readers = protection.secondary.readers.clone();
        let secondary = if let Some((first, rest)) = readers.split_first() {
            let cluster = DatabaseCluster::new(
                standby,
                id,
                DatabaseClusterProps {
                    readers: rest.to_vec(),
                    security_groups: protection.secondary.security_groups.clone(),
                    port: template.port,
                    storage_encrypted: template.storage_encrypted,
                    storage_encryption_key: secondary_key,
                    backup_retention_days: template.backup_retention_days,
                    backup_window: template.backup_window.clone(),
                    maintenance_window: template.maintenance_window.clone(),
                    iam_authentication: template.iam_authentication,
                    cloudwatch_logs_exports: template.cloudwatch_logs_exports.clone(),
                    cluster_parameters: template.cluster_parameters.clone(),
                    instance_parameters: template.instance_parameters.clone(),
                    global: Some(GlobalDatabase::Secondary {
                        identifier: global_id,
                    }),
                    prod: template.prod,
                    deletion_protection: template.deletion_protection,
                    removal_policy: template.removal_policy,
                    copy_tags_to_snapshot: template.copy_tags_to_snapshot,
                    ..DatabaseClusterProps::new(
                        &template.engine_version,
                        first.clone(),
                        protection.secondary.subnets.clone(),
                    )
                },
            );
            Plan::recovery(
                &self.plan,
                cluster.scope(),
                AURORA_PROMOTION,
                "promoting the Aurora secondary cluster takes up to a minute (Aurora User Guide)"
                    .into(),
                "raise the RTO",
            );
            SecondaryCluster::Readers(Box::new(cluster))
        } else {
            let cluster = headless(
                standby,
                id,
                &template,
                &protection.secondary,
                global_id,
                secondary_key,
            );
            Plan::recovery(
                &self.plan,
                cluster.scope(),
                PILOT_LIGHT_RECOVERY,
                "the headless Aurora secondary has no DB instance; one must be created before promotion, which AWS does not bound, so Strata counts it as a pilot light".into(),
                "give the secondary readers (promotion in under a minute) or raise the RTO",
            );
            SecondaryCluster::Headless(cluster)
        };
        ProtectedAurora {
            primary,
            secondary: Some(secondary),
        }
    }
}

/// A secondary cluster without instances, at the CDK cluster's paths.
fn headless(
    scope: &Scope,
    id: &str,
    primary: &DatabaseClusterProps,
    secondary: &AuroraSecondary,
    global_id: Value<String>,
    key: Option<Value<String>>,
) -> HeadlessCluster {
    let scope = scope.child(id);
    if secondary.subnets.subnet_ids.len() < 2 {
        scope.error(
            "rds-subnets",
            "a DB subnet group needs subnets in at least two availability zones",
        );
    }
    let retained = primary.removal_policy == RemovalPolicy::Retain;
    let subnet_group = scope.child("Subnets").resource_with(
        "Default",
        rds::DbSubnetGroup::new(
            format!("Subnets for {id} database"),
            Value::list(secondary.subnets.subnet_ids.clone()),
        ),
        if retained {
            ResourceOptions::removal(RemovalPolicy::Retain)
        } else {
            ResourceOptions::default()
        },
    );
    let security_groups = if secondary.security_groups.is_empty() {
        vec![SecurityGroup::new(
            &scope,
            "SecurityGroup",
            SecurityGroupProps {
                vpc_id: secondary.subnets.vpc_id.clone(),
                description: Some("RDS security group".into()),
                ..SecurityGroupProps::default()
            },
        )]
    } else {
        secondary.security_groups.clone()
    };
    let cluster = scope.resource_with(
        "Resource",
        rds::DbCluster {
            backup_retention_period: Some(i64::from(primary.backup_retention_days).into()),
            copy_tags_to_snapshot: Some(primary.copy_tags_to_snapshot.into()),
            db_subnet_group_name: Some(subnet_group.ref_()),
            deletion_protection: primary
                .deletion_protection
                .unwrap_or(primary.prod || retained)
                .then(|| true.into()),
            engine: Some(ENGINE.into()),
            engine_version: Some(primary.engine_version.as_str().into()),
            global_cluster_identifier: Some(global_id),
            kms_key_id: key,
            port: Some(i64::from(primary.port).into()),
            storage_encrypted: Some(primary.storage_encrypted.into()),
            vpc_security_group_ids: Some(Value::list(
                security_groups.iter().map(SecurityGroup::group_id),
            )),
            ..rds::DbCluster::default()
        },
        ResourceOptions::removal(primary.removal_policy),
    );
    HeadlessCluster {
        scope,
        cluster,
        security_groups,
    }
}
