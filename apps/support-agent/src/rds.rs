//! The RDS module (seed sections 1, 3, 6, 7 and 8; in section 4's graph it
//! depends on the VPC and EKS).
//!
//! PostgreSQL `agentdb` on port 5432 in the database subnets: Multi-AZ with
//! a standby in prod ("failover <2 minutes to standby"), a single AZ in dev;
//! storage encrypted with the `rds` key and auto-growing up to the
//! configured ceiling; 30 days of automated backups; Enhanced Monitoring and
//! Performance Insights; TLS required (`rds.force_ssl`); and the master
//! password generated, kept in Secrets Manager under the `secrets` key and
//! rotated by RDS ("RDS Master Password (auto-rotated)"). Only the EKS
//! nodes' security group may connect ("EKS → RDS (5432)"), and the
//! database's group allows no outbound traffic ("RDS ↔ Secrets: none").
//!
//! The seed's RDS is a DB instance with a standby, not an Aurora cluster,
//! and `strata::rds` builds Aurora clusters only: the instance, its subnet
//! group and parameter group are the generated L1 resources, placed at the
//! CDK's `rds.DatabaseInstance` construct paths.

use strata::cfn::rds as rds_l1;
use strata::ec2::{AgentVpc, Peer, Port, SecurityGroup, SecurityGroupProps};
use strata::iam::{ManagedPolicy, Principal, Role, RoleProps};
use strata::logs::{LogGroup, LogGroupProps, Retention};
use strata::prelude::*;

use crate::config::Config;
use crate::kms::ServiceKeys;
use crate::network::DATABASE;

/// The PostgreSQL port.
pub const PORT: u16 = 5432;

/// The database name (section 6, "PostgreSQL (RDS) agentdb").
pub const DATABASE_NAME: &str = "agentdb";

/// What the workload needs from the database.
pub struct Database {
    /// The DB instance.
    pub instance: rds_l1::DbInstanceRef,
    /// Its security group.
    pub security_group: SecurityGroup,
}

impl Database {
    /// The ARN of the master user secret RDS manages.
    pub fn master_secret_arn(&self) -> Value<String> {
        self.instance.master_user_secret_secret_arn()
    }
}

/// The log types the instance exports to CloudWatch Logs.
const LOG_EXPORTS: [&str; 2] = ["postgresql", "upgrade"];

/// Builds the database in `stack`, reachable from `node_security_group_id`.
pub fn build(
    stack: &Scope,
    config: &Config,
    vpc: &AgentVpc,
    keys: &ServiceKeys,
    node_security_group_id: Value<String>,
) -> Database {
    let rds = &config.rds;
    let scope = stack.child("Database");
    let security_group = SecurityGroup::new(
        &scope,
        "SecurityGroup",
        SecurityGroupProps {
            vpc_id: vpc.vpc_id(),
            description: Some("RDS PostgreSQL: 5432 from the EKS nodes only".into()),
            allow_all_outbound: Some(false),
            ..Default::default()
        },
    );
    security_group.allow_from(
        Peer::security_group_id(node_security_group_id, "EksNodes"),
        Port::tcp(PORT),
        "PostgreSQL from the EKS nodes",
    );
    let subnet_group = scope.child("SubnetGroup").resource(
        "Default",
        rds_l1::DbSubnetGroup::new(
            "Database subnets of the support agent's PostgreSQL",
            Value::Lit(vpc.subnet_ids(DATABASE).unwrap_or_default()),
        ),
    );
    let family = format!(
        "postgres{}",
        rds.engine_version.split('.').next().unwrap_or_default()
    );
    let parameters = scope.child("ParameterGroup").resource(
        "Resource",
        rds_l1::DbParameterGroup {
            parameters: Some(Value::Lit(Json::from_iter([(
                "rds.force_ssl".to_string(),
                Json::from("1"),
            )]))),
            ..rds_l1::DbParameterGroup::new("Support agent PostgreSQL: TLS required", family)
        },
    );
    let monitoring = Role::new(
        &scope,
        "MonitoringRole",
        RoleProps {
            managed_policies: vec![ManagedPolicy::aws(
                "service-role/AmazonRDSEnhancedMonitoringRole",
            )],
            ..RoleProps::new(Principal::service("monitoring.rds.amazonaws.com"))
        },
    );
    let identifier = format!("support-agent-{}-postgres", config.name());
    // RDS creates a group per exported log type; creating them first sets
    // their retention.
    let log_groups: Vec<Handle> = LOG_EXPORTS
        .iter()
        .map(|log| {
            let group = LogGroup::new(
                &scope,
                &format!("{}Logs", pascal(log)),
                LogGroupProps {
                    log_group_name: Some(format!("/aws/rds/instance/{identifier}/{log}")),
                    retention: Retention::Days(config.log_retention_days),
                    ..Default::default()
                },
            );
            **group.resource()
        })
        .collect();
    let prod = config.stage().is_prod();
    let instance = scope.resource_with(
        "Resource",
        rds_l1::DbInstance {
            allocated_storage: Some(rds.allocated_storage_gib.to_string().into()),
            auto_minor_version_upgrade: Some(true.into()),
            backup_retention_period: Some(i64::from(rds.backup_retention_days).into()),
            copy_tags_to_snapshot: Some(true.into()),
            db_instance_class: Some(rds.instance_class.as_str().into()),
            db_instance_identifier: Some(identifier.into()),
            db_name: Some(DATABASE_NAME.into()),
            db_parameter_group_name: Some(parameters.ref_()),
            db_subnet_group_name: Some(subnet_group.ref_()),
            deletion_protection: Some(prod.into()),
            enable_cloudwatch_logs_exports: Some(Value::list(LOG_EXPORTS)),
            enable_performance_insights: Some(true.into()),
            engine: Some("postgres".into()),
            engine_version: Some(rds.engine_version.as_str().into()),
            kms_key_id: Some(keys.rds.key_arn()),
            manage_master_user_password: Some(true.into()),
            master_user_secret: Some(
                rds_l1::db_instance::MasterUserSecret {
                    kms_key_id: Some(keys.secrets.key_arn()),
                    secret_arn: None,
                }
                .into(),
            ),
            master_username: Some("agentadmin".into()),
            max_allocated_storage: Some(i64::from(rds.max_allocated_storage_gib).into()),
            monitoring_interval: Some(60.into()),
            monitoring_role_arn: Some(monitoring.arn()),
            multi_az: Some(rds.multi_az.into()),
            performance_insights_kms_key_id: Some(keys.rds.key_arn()),
            performance_insights_retention_period: Some(7.into()),
            port: Some(PORT.to_string().into()),
            publicly_accessible: Some(false.into()),
            storage_encrypted: Some(true.into()),
            storage_type: Some("gp3".into()),
            vpc_security_groups: Some(Value::list([security_group.group_id()])),
            ..rds_l1::DbInstance::new()
        },
        ResourceOptions {
            depends_on: log_groups,
            ..ResourceOptions::removal(RemovalPolicy::Snapshot)
        },
    );
    report(&scope, config);
    stack.output("DatabaseEndpoint", Output::new(instance.endpoint_address()));
    Database {
        instance,
        security_group,
    }
}

/// What RDS or the seed would reject in the settings.
fn report(scope: &Scope, config: &Config) {
    let rds = &config.rds;
    if rds.max_allocated_storage_gib <= rds.allocated_storage_gib {
        scope.error(
            "rds-storage",
            format!(
                "max_allocated_storage_gib {} must exceed allocated_storage_gib {} for storage to auto-grow",
                rds.max_allocated_storage_gib, rds.allocated_storage_gib
            ),
        );
    }
    if !(20..=65536).contains(&rds.allocated_storage_gib) {
        scope.error(
            "rds-storage",
            "gp3 storage for PostgreSQL is 20 to 65536 GiB; set allocated_storage_gib in that range",
        );
    }
    if !(1..=35).contains(&rds.backup_retention_days) {
        scope.error(
            "rds-backups",
            format!(
                "{} days of backups is out of range; RDS keeps 1 to 35 (the seed asks for 30)",
                rds.backup_retention_days
            ),
        );
    }
    if config.stage().is_prod() && !rds.multi_az {
        scope.error(
            "rds-multi-az",
            "production RDS is Multi-AZ in the seed; set rds.multi_az to true",
        );
    }
}

/// `postgresql` → `Postgresql`.
fn pascal(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}
