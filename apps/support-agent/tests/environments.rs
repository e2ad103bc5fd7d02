//! The seed's dev and prod variants: both synthesize, and differ where the
//! seed says they do; invalid settings are reported with the construct path.

mod common;

use common::{config_with, of_type, only, templates, templates_of};
use serde_json::Value;

fn count(t: &Value, ty: &str) -> usize {
    of_type(t, ty).len()
}

#[test]
fn every_environment_synthesizes_all_stacks() {
    for env in support_agent::config::environments() {
        let assembly = support_agent::app_for(&env)
            .synth()
            .unwrap_or_else(|e| panic!("{env}: {e}"));
        assert_eq!(assembly.stacks.len(), support_agent::STACKS.len(), "{env}");
    }
    assert_eq!(support_agent::config::environments(), ["dev", "prod"]);
}

#[test]
fn dev_and_prod_differ_as_the_seed_says() {
    let dev = templates("dev");
    let prod = templates("prod");
    use support_agent::*;

    // VPC: 10.10.0.0/16 with one NAT gateway in dev, 10.0.0.0/16 with three in prod.
    assert_eq!(
        only(&dev[VPC], "AWS::EC2::VPC")["CidrBlock"],
        "10.10.0.0/16"
    );
    assert_eq!(
        only(&prod[VPC], "AWS::EC2::VPC")["CidrBlock"],
        "10.0.0.0/16"
    );
    assert_eq!(count(&dev[VPC], "AWS::EC2::NatGateway"), 1);
    assert_eq!(count(&prod[VPC], "AWS::EC2::NatGateway"), 3);
    // Section 2's endpoints in both; section 1's SNS/SQS endpoints in prod.
    assert_eq!(count(&dev[VPC], "AWS::EC2::VPCEndpoint"), 7);
    assert_eq!(count(&prod[VPC], "AWS::EC2::VPCEndpoint"), 9);

    // KMS: one shared key in dev, seven in prod.
    assert_eq!(count(&dev[KMS], "AWS::KMS::Key"), 1);
    assert_eq!(
        only(&dev[KMS], "AWS::KMS::Alias")["AliasName"],
        "alias/support-agent/dev/shared"
    );
    assert_eq!(only(&dev[KMS], "AWS::KMS::Key")["PendingWindowInDays"], 7);
    assert_eq!(count(&prod[KMS], "AWS::KMS::Key"), 7);

    // EKS: SPOT t3a.medium nodes only in dev; ON_DEMAND r6i.2xlarge AI nodes in prod.
    for group in of_type(&dev[EKS], "AWS::EKS::Nodegroup") {
        assert_eq!(group["Properties"]["CapacityType"], "SPOT");
        assert_eq!(group["Properties"]["InstanceTypes"][0], "t3a.medium");
    }
    assert_eq!(count(&dev[EKS], "AWS::EKS::Nodegroup"), 2);
    assert_eq!(count(&prod[EKS], "AWS::EKS::Nodegroup"), 4);
    assert_eq!(
        only(&dev[EKS], "AWS::EKS::Cluster")["DeletionProtection"],
        Value::Null
    );

    // RDS: single AZ in dev, Multi-AZ with deletion protection in prod; 30-day backups in both.
    let dev_db = only(&dev[RDS], "AWS::RDS::DBInstance");
    let prod_db = only(&prod[RDS], "AWS::RDS::DBInstance");
    assert_eq!(dev_db["MultiAZ"], false);
    assert_eq!(dev_db["DeletionProtection"], false);
    assert_eq!(prod_db["MultiAZ"], true);
    assert_eq!(prod_db["DeletionProtection"], true);
    assert_eq!(dev_db["BackupRetentionPeriod"], 30);

    // Redis: one node in dev, three with failover in prod.
    let dev_redis = only(&dev[REDIS], "AWS::ElastiCache::ReplicationGroup");
    assert_eq!(dev_redis["NumCacheClusters"], 1);
    assert_eq!(dev_redis["AutomaticFailoverEnabled"], false);
    assert_eq!(
        only(&prod[REDIS], "AWS::ElastiCache::ReplicationGroup")["NumCacheClusters"],
        3
    );

    // DynamoDB: point-in-time recovery in prod only.
    for table in of_type(&dev[DYNAMODB], "AWS::DynamoDB::Table") {
        assert!(table["Properties"]["TableName"]
            .as_str()
            .is_some_and(|n| n.starts_with("dev-")));
        assert!(table["Properties"]["PointInTimeRecoverySpecification"].is_null());
    }

    // S3: the production tiering only in prod; backups are tiered in both.
    let tiered = |t: &Value| {
        of_type(t, "AWS::S3::Bucket")
            .iter()
            .filter(|b| {
                b["Properties"]["LifecycleConfiguration"]["Rules"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|r| r["Transitions"].is_array()))
            })
            .count()
    };
    assert_eq!(tiered(&dev[S3]), 1);
    assert_eq!(tiered(&prod[S3]), 4);

    // SNS/SQS: queues keep messages 1 day in dev, 7 in prod; DLQs 14 days in both.
    let retention = |t: &Value, suffix: &str| -> Vec<i64> {
        of_type(t, "AWS::SQS::Queue")
            .iter()
            .filter(|q| {
                q["Properties"]["QueueName"]
                    .as_str()
                    .is_some_and(|n| n.ends_with(suffix))
            })
            .map(|q| {
                q["Properties"]["MessageRetentionPeriod"]
                    .as_i64()
                    .expect("retention")
            })
            .collect()
    };
    assert_eq!(retention(&dev[MESSAGING], "-queue"), [86_400; 4]);
    assert_eq!(retention(&prod[MESSAGING], "-queue"), [604_800; 4]);
    assert_eq!(retention(&dev[MESSAGING], "-dlq"), [1_209_600; 4]);
}

#[test]
fn a_missing_environment_names_the_files_that_exist() {
    let err = support_agent::app_for("staging")
        .synth()
        .expect_err("no staging file");
    let text = err.to_string();
    assert!(text.contains("staging.json"), "{text}");
    assert!(text.contains("dev, prod"), "{text}");
}

#[test]
fn provisioned_tables_scale_as_section_8_says() {
    let config = config_with("prod", |c| {
        c.dynamodb.provisioned = Some(support_agent::config::ProvisionedCapacity {
            min_read: 5,
            max_read: 100,
            min_write: 5,
            max_write: 50,
        });
    });
    let t = &templates_of(support_agent::build(&config))[support_agent::DYNAMODB];
    let policies = of_type(t, "AWS::ApplicationAutoScaling::ScalingPolicy");
    assert_eq!(policies.len(), 4, "read and write on both tables");
    for p in policies {
        let tracking = &p["Properties"]["TargetTrackingScalingPolicyConfiguration"];
        assert_eq!(tracking["TargetValue"], 70.0);
        assert_eq!(tracking["ScaleInCooldown"], 900);
        assert_eq!(tracking["ScaleOutCooldown"], 0);
    }
    for table in of_type(t, "AWS::DynamoDB::Table") {
        assert_eq!(table["Properties"]["BillingMode"], "PROVISIONED");
    }
}

fn synth_error(config: &support_agent::Config) -> String {
    support_agent::build(config)
        .synth()
        .expect_err("invalid settings")
        .to_string()
}

#[test]
fn production_settings_that_break_the_seed_are_reported() {
    let text = synth_error(&config_with("prod", |c| c.rds.multi_az = false));
    assert!(text.contains("SupportAgentRds/Database"), "{text}");
    assert!(text.contains("rds.multi_az"), "{text}");

    let text = synth_error(&config_with("prod", |c| {
        c.dynamodb.point_in_time_recovery = false
    }));
    assert!(
        text.contains("SupportAgentDynamoDb/Conversations"),
        "{text}"
    );
    assert!(text.contains("point-in-time recovery"), "{text}");

    let text = synth_error(&config_with("prod", |c| c.redis.nodes = 1));
    assert!(text.contains("SupportAgentRedis/Redis"), "{text}");
    assert!(text.contains("Multi-AZ"), "{text}");
}

#[test]
fn invalid_settings_are_reported_with_the_construct_path() {
    let text = synth_error(&config_with("prod", |c| {
        c.eks.node_groups[3].max_unavailable_percent = 0;
    }));
    assert!(
        text.contains("SupportAgentEks/Cluster/NodegroupAi"),
        "{text}"
    );
    assert!(text.contains("1 to 100"), "{text}");

    let text = synth_error(&config_with("dev", |c| {
        c.network.database_subnets[0] = "10.10.0.0/20".into();
    }));
    assert!(text.contains("SupportAgentVpc/Vpc"), "{text}");

    let text = synth_error(&config_with("dev", |c| {
        c.rds.max_allocated_storage_gib = c.rds.allocated_storage_gib;
    }));
    assert!(text.contains("auto-grow"), "{text}");

    let text = synth_error(&config_with("dev", |c| c.log_retention_days = 10));
    assert!(text.contains("SupportAgentEks/ControlPlaneLogs"), "{text}");
    assert!(text.contains("nearest is 7"), "{text}");
}
