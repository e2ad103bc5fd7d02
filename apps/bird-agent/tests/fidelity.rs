//! Fidelity to seed 000: the seed's concrete numbers in the synthesized
//! production templates, asserted with `strata-assertions`: the network
//! and data tier here, the other stacks in `tests/fidelity_services.rs`.

use bird_agent::STACK;
use serde_json::json;
use strata_assertions::{AssertionError, Match, Matcher, Template};

type Result = std::result::Result<(), AssertionError>;

/// The production template.
fn template() -> Template {
    let assembly = bird_agent::app_for("prod")
        .synth()
        .unwrap_or_else(|e| panic!("{e}"));
    Template::from_stack(&assembly, STACK).unwrap_or_else(|e| panic!("{e}"))
}

/// The logical ID of the construct at `path` below the stack.
fn id(path: &[&str]) -> String {
    strata::logical_id(path)
}

/// `{"Fn::GetAtt": [<security group at path>, "GroupId"]}`.
fn group(name: &str) -> serde_json::Value {
    json!({"Fn::GetAtt": [id(&[name, "Resource"]), "GroupId"]})
}

#[test]
fn the_vpc_has_the_seed_cidrs_over_three_azs() -> Result {
    let t = template();
    // "CIDR: 10.0.0.0/16"
    t.has_resource_properties("AWS::EC2::VPC", json!({"CidrBlock": "10.0.0.0/16"}))?;
    // "10.0.1.0/24 (AZ-a) - NAT Gateway, ALB", … "10.0.23.0/24 (AZ-c) - RDS"
    t.resource_count_is("AWS::EC2::Subnet", 9)?;
    for (az, cidrs) in [
        (0, ["10.0.1.0/24", "10.0.11.0/24", "10.0.21.0/24"]),
        (1, ["10.0.2.0/24", "10.0.12.0/24", "10.0.22.0/24"]),
        (2, ["10.0.3.0/24", "10.0.13.0/24", "10.0.23.0/24"]),
    ] {
        for cidr in cidrs {
            t.has_resource_properties(
                "AWS::EC2::Subnet",
                json!({"CidrBlock": cidr,
                       "AvailabilityZone": {"Fn::Select": [az, {"Fn::GetAZs": ""}]}}),
            )?;
        }
    }
    // One NAT gateway per public subnet; the six non-public subnets route
    // out: three private through NAT, three public through the gateway.
    t.resource_count_is("AWS::EC2::NatGateway", 3)?;
    t.resource_properties_count_is(
        "AWS::EC2::Route",
        Match::object_like([("NatGatewayId", Match::any_value())]),
        3,
    )?;
    t.has_resource_properties("AWS::EC2::FlowLog", json!({"TrafficType": "ALL"}))
}

#[test]
fn network_acls_follow_the_seed() -> Result {
    let t = template();
    // Public: "130: Allow Ephemeral Ports (1024-65535) from 0.0.0.0/0",
    // HTTP and HTTPS from anywhere.
    for (rule, from, to) in [(100, 80, 80), (110, 443, 443), (130, 1024, 65535)] {
        t.has_resource_properties(
            "AWS::EC2::NetworkAclEntry",
            json!({"RuleNumber": rule, "CidrBlock": "0.0.0.0/0", "Egress": false,
                   "Protocol": 6, "PortRange": {"From": from, "To": to}}),
        )?;
    }
    // Private and data: "100: Allow all traffic from 10.0.0.0/16"; data:
    // "100: Allow all traffic to 10.0.0.0/16".
    t.resource_properties_count_is(
        "AWS::EC2::NetworkAclEntry",
        json!({"RuleNumber": 100, "CidrBlock": "10.0.0.0/16", "Egress": false, "Protocol": -1}),
        2,
    )?;
    t.has_resource_properties(
        "AWS::EC2::NetworkAclEntry",
        json!({"RuleNumber": 100, "CidrBlock": "10.0.0.0/16", "Egress": true, "Protocol": -1}),
    )
}

#[test]
fn security_groups_have_the_seed_ports() -> Result {
    let t = template();
    // API Gateway SG: "Port 443 (HTTPS) from 0.0.0.0/0", "Port 80 (HTTP)".
    t.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        json!({"SecurityGroupIngress": [
            {"CidrIp": "0.0.0.0/0", "FromPort": 443, "ToPort": 443},
            {"CidrIp": "0.0.0.0/0", "FromPort": 80, "ToPort": 80}]}),
    )?;
    let ingress = |to: &str, from: &str, port: u16| {
        t.has_resource_properties(
            "AWS::EC2::SecurityGroupIngress",
            json!({"GroupId": group(to), "SourceSecurityGroupId": group(from),
                   "FromPort": port, "ToPort": port, "IpProtocol": "tcp"}),
        )
    };
    let egress = |from: &str, to: &str, port: u16| {
        t.has_resource_properties(
            "AWS::EC2::SecurityGroupEgress",
            json!({"GroupId": group(from), "DestinationSecurityGroupId": group(to),
                   "FromPort": port, "ToPort": port}),
        )
    };
    // ALB SG: "Port 443 from API Gateway SG", "Port 80 from API Gateway SG",
    // "Port 8080 to ECS Services SG".
    ingress("AlbSg", "ApiGatewaySg", 443)?;
    ingress("AlbSg", "ApiGatewaySg", 80)?;
    egress("AlbSg", "EcsSg", 8080)?;
    // ECS SG: "Port 8080 from ALB SG", "Port 8081 from ALB SG (health
    // checks)", "Port 5432 to Database SG", "Port 6379 to Cache SG".
    ingress("EcsSg", "AlbSg", 8080)?;
    ingress("EcsSg", "AlbSg", 8081)?;
    egress("EcsSg", "DatabaseSg", 5432)?;
    egress("EcsSg", "CacheSg", 6379)?;
    // Database SG: "Port 5432 from ECS Services SG", "from Lambda SG";
    // Cache SG: "Port 6379 from ECS Services SG", "from Lambda SG".
    ingress("DatabaseSg", "EcsSg", 5432)?;
    ingress("DatabaseSg", "LambdaSg", 5432)?;
    ingress("CacheSg", "EcsSg", 6379)?;
    ingress("CacheSg", "LambdaSg", 6379)?;
    egress("LambdaSg", "DatabaseSg", 5432)?;
    egress("LambdaSg", "CacheSg", 6379)?;
    // ECS and Lambda: "Port 443 to Internet (AWS API calls)".
    t.resource_properties_count_is(
        "AWS::EC2::SecurityGroup",
        json!({"SecurityGroupEgress": [{"CidrIp": "0.0.0.0/0", "FromPort": 443, "ToPort": 443}]}),
        2,
    )
}

#[test]
fn aurora_has_the_seed_class_readers_windows_and_scaling() -> Result {
    let t = template();
    // "Backup Retention: 7 days", "Backup Window: 03:00-04:00 UTC",
    // "Maintenance Window: Sun 04:00-05:00 UTC"
    t.has_resource_properties(
        "AWS::RDS::DBCluster",
        json!({"Engine": "aurora-postgresql", "BackupRetentionPeriod": 7,
               "PreferredBackupWindow": "03:00-04:00",
               "PreferredMaintenanceWindow": "sun:04:00-sun:05:00",
               "StorageEncrypted": true, "DeletionProtection": true}),
    )?;
    // "Instance Class: r6g.large", a writer and "aurora-reader-1",
    // "aurora-reader-2"; "Enhanced Monitoring: Enabled (60s granularity)".
    t.resource_count_is("AWS::RDS::DBInstance", 3)?;
    t.all_resources_properties(
        "AWS::RDS::DBInstance",
        json!({"DBInstanceClass": "db.r6g.large", "MonitoringInterval": 60}),
    )?;
    // "Min Capacity: 1 reader", "Max Capacity: 5 readers", "Target CPU: 70%",
    // "Scale In Cooldown: 15 minutes", "Scale Out Cooldown: 5 minutes"
    t.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalableTarget",
        json!({"ScalableDimension": "rds:cluster:ReadReplicaCount",
               "MinCapacity": 1, "MaxCapacity": 5}),
    )?;
    t.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        json!({"TargetTrackingScalingPolicyConfiguration": {
            "PredefinedMetricSpecification": {"PredefinedMetricType": "RDSReaderAverageCPUUtilization"},
            "TargetValue": 70.0, "ScaleInCooldown": 900, "ScaleOutCooldown": 300}}),
    )?;
    // database-credentials "Rotation: Automatic (30 days)"
    t.has_resource_properties(
        "AWS::SecretsManager::RotationSchedule",
        json!({"RotationRules": {"ScheduleExpression": "rate(30 days)"}}),
    )
}

#[test]
fn redis_has_the_seed_nodes_windows_and_parameters() -> Result {
    let t = template();
    // "Version: 7.0", "Node Type: cache.r6g.large", "Num Cache Clusters: 3",
    // "Snapshot Retention: 5 days", "Snapshot Window: 05:00-06:00 UTC",
    // "Maintenance Window: Sun 06:00-07:00 UTC"
    t.has_resource_properties(
        "AWS::ElastiCache::ReplicationGroup",
        json!({"EngineVersion": "7.0", "CacheNodeType": "cache.r6g.large",
               "NumCacheClusters": 3, "SnapshotRetentionLimit": 5,
               "SnapshotWindow": "05:00-06:00",
               "PreferredMaintenanceWindow": "sun:06:00-sun:07:00",
               "AutomaticFailoverEnabled": true, "MultiAZEnabled": true}),
    )?;
    // "timeout: 300", "tcp-keepalive: 300"
    t.has_resource_properties(
        "AWS::ElastiCache::ParameterGroup",
        json!({"CacheParameterGroupFamily": "redis7",
               "Properties": {"timeout": "300", "tcp-keepalive": "300"}}),
    )
}

#[test]
fn tables_have_the_seed_ttl_capacity_and_autoscaling() -> Result {
    let t = template();
    // "Item TTL: 30 days (ttl attribute)"
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        json!({"TableName": "agent-sessions",
               "TimeToLiveSpecification": {"AttributeName": "ttl", "Enabled": true}}),
    )?;
    // "Read Capacity: 10 RCU", "Write Capacity: 5 WCU"
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        json!({"TableName": "agent-configurations", "BillingMode": "PROVISIONED",
               "ProvisionedThroughput": {"ReadCapacityUnits": 10, "WriteCapacityUnits": 5}}),
    )?;
    // "Target Utilization: 70%", "Min Capacity: 5 RCU/WCU", "Max Capacity:
    // 200 RCU/WCU"
    for unit in ["Read", "Write"] {
        t.has_resource_properties(
            "AWS::ApplicationAutoScaling::ScalableTarget",
            json!({"ScalableDimension": format!("dynamodb:table:{unit}CapacityUnits"),
                   "MinCapacity": 5, "MaxCapacity": 200}),
        )?;
        t.has_resource_properties(
            "AWS::ApplicationAutoScaling::ScalingPolicy",
            json!({"TargetTrackingScalingPolicyConfiguration": {
                "PredefinedMetricSpecification": {
                    "PredefinedMetricType": format!("DynamoDB{unit}CapacityUtilization")},
                "TargetValue": 70.0}}),
        )?;
    }
    // "Point-in-Time Recovery: Enabled (35 days)"
    t.all_resources_properties(
        "AWS::DynamoDB::Table",
        json!({"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}),
    )
}

/// A bucket with a lifecycle rule matching `rule`.
fn lifecycle(rule: serde_json::Value) -> Matcher {
    Match::object_like([(
        "LifecycleConfiguration",
        Match::object_like([("Rules", Match::array_with([Match::object_like(rule)]))]),
    )])
}

#[test]
fn buckets_have_the_seed_lifecycles() -> Result {
    let t = template();
    t.resource_count_is("AWS::S3::Bucket", 3)?;
    // agent-media-bucket: "Delete incomplete uploads after 7 days",
    // "Transition to IA after 30 days", "Glacier after 90 days", "Delete
    // after 365 days"; "temp/ (7-day retention)"
    t.has_resource_properties(
        "AWS::S3::Bucket",
        lifecycle(json!({
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
            "ExpirationInDays": 365,
            "Transitions": [{"StorageClass": "STANDARD_IA", "TransitionInDays": 30},
                            {"StorageClass": "GLACIER", "TransitionInDays": 90}]})),
    )?;
    t.has_resource_properties(
        "AWS::S3::Bucket",
        lifecycle(json!({"Prefix": "temp/", "ExpirationInDays": 7})),
    )?;
    // agent-logs-bucket: "IA after 30 days", "Glacier after 180 days",
    // "Delete after 2555 days (7 years)"
    t.has_resource_properties(
        "AWS::S3::Bucket",
        lifecycle(json!({
            "ExpirationInDays": 2555,
            "Transitions": [{"StorageClass": "STANDARD_IA", "TransitionInDays": 30},
                            {"StorageClass": "GLACIER", "TransitionInDays": 180}]})),
    )?;
    // "Versioning: Enabled"
    t.all_resources_properties(
        "AWS::S3::Bucket",
        json!({"VersioningConfiguration": {"Status": "Enabled"}}),
    )
}

#[test]
fn keys_rotate_and_logs_keep_the_seed_retention() -> Result {
    let t = template();
    for description in [
        "Encryption key for RDS Aurora",
        "Encryption key for S3 buckets",
        "Encryption key for Secrets Manager",
    ] {
        t.has_resource_properties(
            "AWS::KMS::Key",
            json!({"Description": description, "EnableKeyRotation": true}),
        )?;
    }
    t.has_resource_properties(
        "AWS::KMS::Alias",
        json!({"AliasName": "alias/bird-agent/s3"}),
    )?;
    // VPC flow logs: "Retention: 30 days"
    t.has_resource_properties("AWS::Logs::LogGroup", json!({"RetentionInDays": 30}))
}

#[test]
fn backups_follow_the_seed_strategy() -> Result {
    let t = template();
    // "Manual Snapshots: Monthly, retained for 1 year", "Cross-Region
    // Snapshots: Weekly to us-west-2"
    t.has_resource_properties(
        "AWS::Backup::BackupPlan",
        json!({"BackupPlan": {"BackupPlanRule": [
            {"RuleName": "Monthly", "ScheduleExpression": "cron(0 5 1 * ? *)",
             "Lifecycle": {"DeleteAfterDays": 365}},
            {"RuleName": "WeeklyCrossRegion", "ScheduleExpression": "cron(0 5 ? * SUN *)",
             "CopyActions": [{"DestinationBackupVaultArn": {"Fn::Sub":
                 "arn:${AWS::Partition}:backup:us-west-2:${AWS::AccountId}:backup-vault:bird-agent-backups"}}]}]}}),
    )
}
