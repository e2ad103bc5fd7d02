//! Each pricing rule on a small template: the quantities it reads and the
//! prices it applies, checked against the checked-in table (so that a
//! refresh of the figures keeps the tests valid).

use serde_json::{json, Value};

use crate::cost::estimate::{Estimator, LineItem, StackEstimate};
use crate::cost::pricing::{Pricing, REGION};

fn table() -> Pricing {
    Pricing::load(&crate::root(), REGION).unwrap()
}

fn price(key: &str) -> f64 {
    table().prices[key].price
}

fn hourly(t: &str, ty: &str) -> f64 {
    table().instance_hours[t].types[ty]
}

fn usage(key: &str, env: &str) -> f64 {
    table().assumptions.usage[key].values[env]
}

const H: f64 = 730.0;

fn stack(env: &str, template: Value) -> StackEstimate {
    let p = table();
    let est = Estimator::new(&p, env).unwrap();
    est.stack("S", None, &template)
}

fn template(ty: &str, props: Value) -> Value {
    json!({ "Resources": { "R": { "Type": ty, "Properties": props } } })
}

/// The single priced item of a one-resource template in `dev`.
fn item(ty: &str, props: Value) -> LineItem {
    let s = stack("dev", template(ty, props));
    assert!(s.unpriced.is_empty(), "{:?}", s.unpriced);
    assert_eq!(s.items.len(), 1, "{s:?}");
    s.items[0].clone()
}

fn unpriced(ty: &str, props: Value) -> String {
    let s = stack("dev", template(ty, props));
    assert!(s.items.is_empty(), "{s:?}");
    s.unpriced[0].reason.clone()
}

fn free(ty: &str, props: Value) -> bool {
    let s = stack("dev", template(ty, props));
    s.items.is_empty() && s.unpriced.is_empty() && s.free.get(ty) == Some(&1)
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-6, "{a} != {b}");
}

#[test]
fn eks_cluster_and_node_groups_read_type_count_capacity_and_max() {
    close(
        item("AWS::EKS::Cluster", json!({})).monthly(),
        price("eks.cluster_hour") * H,
    );
    let ng = item(
        "AWS::EKS::Nodegroup",
        json!({ "InstanceTypes": ["t3.xlarge"], "CapacityType": "ON_DEMAND",
                "ScalingConfig": { "DesiredSize": 3, "MinSize": 3, "MaxSize": 20 } }),
    );
    let node = hourly("ec2", "t3.xlarge") * H + 20.0 * price("ec2.ebs_gp3_gb_month");
    close(ng.charges[0].usd, 3.0 * hourly("ec2", "t3.xlarge") * H);
    assert!(
        ng.charges[0].what.starts_with("3 × t3.xlarge × 730 h"),
        "{}",
        ng.charges[0].what
    );
    close(ng.monthly(), 3.0 * node);
    close(ng.at_max.unwrap(), 20.0 * node);
    let spot = item(
        "AWS::EKS::Nodegroup",
        json!({ "InstanceTypes": ["t3a.medium"], "CapacityType": "SPOT", "DiskSize": 50,
                "ScalingConfig": { "DesiredSize": 1, "MaxSize": 3 } }),
    );
    let discount = table().assumptions.spot_discount;
    close(
        spot.charges[0].usd,
        hourly("ec2", "t3a.medium") * (1.0 - discount) * H,
    );
    assert!(spot.charges[0].what.contains("SPOT"));
    close(spot.charges[1].usd, 50.0 * price("ec2.ebs_gp3_gb_month"));
    // No InstanceTypes: EKS launches t3.medium; with a launch template the type is unknown.
    let default = item(
        "AWS::EKS::Nodegroup",
        json!({ "ScalingConfig": { "DesiredSize": 2 } }),
    );
    close(default.charges[0].usd, 2.0 * hourly("ec2", "t3.medium") * H);
    let lt = unpriced(
        "AWS::EKS::Nodegroup",
        json!({ "LaunchTemplate": { "Id": "lt-1" } }),
    );
    assert!(lt.contains("launch template"), "{lt}");
}

#[test]
fn auto_scaling_groups_follow_their_launch_template() {
    let t = json!({ "Resources": {
        "Lt": { "Type": "AWS::EC2::LaunchTemplate", "Properties": { "LaunchTemplateData": { "InstanceType": "m5.large" } } },
        "Asg": { "Type": "AWS::AutoScaling::AutoScalingGroup", "Properties": {
            "LaunchTemplate": { "LaunchTemplateId": { "Ref": "Lt" }, "Version": "1" },
            "MinSize": "1", "DesiredCapacity": "2", "MaxSize": "4" } }
    } });
    let s = stack("dev", t);
    let asg = &s.items[0];
    close(asg.monthly(), 2.0 * hourly("ec2", "m5.large") * H);
    close(asg.at_max.unwrap(), 4.0 * hourly("ec2", "m5.large") * H);
    assert_eq!(s.free["AWS::EC2::LaunchTemplate"], 1);
}

#[test]
fn ec2_instances_price_type_volumes_and_monitoring() {
    let i = item(
        "AWS::EC2::Instance",
        json!({ "InstanceType": "t3.large", "Monitoring": true,
                "BlockDeviceMappings": [{ "DeviceName": "/dev/xvda", "Ebs": { "VolumeSize": 50, "VolumeType": "gp3" } }] }),
    );
    close(i.charges[0].usd, hourly("ec2", "t3.large") * H);
    close(i.charges[1].usd, 50.0 * price("ec2.ebs_gp3_gb_month"));
    close(
        i.charges[2].usd,
        price("ec2.detailed_monitoring_instance_month"),
    );
    let r = unpriced("AWS::EC2::Instance", json!({ "InstanceType": "x9.huge" }));
    assert!(r.contains("x9.huge"), "{r}");
}

#[test]
fn a_parameter_default_gives_the_quantity_and_other_expressions_are_unpriced() {
    let t = json!({
        "Parameters": { "Type": { "Type": "String", "Default": "t3.micro" } },
        "Resources": {
            "A": { "Type": "AWS::EC2::Instance", "Properties": { "InstanceType": { "Ref": "Type" } } },
            "B": { "Type": "AWS::EC2::Instance", "Properties": { "InstanceType": { "Fn::If": ["C", "t3.micro", "t3.large"] } } }
        }
    });
    let s = stack("dev", t);
    close(s.items[0].charges[0].usd, hourly("ec2", "t3.micro") * H);
    assert_eq!(s.unpriced[0].logical_id, "B");
    assert!(s.unpriced[0].reason.contains("not a literal"));
}

#[test]
fn nat_gateways_eips_and_endpoints() {
    let nat = item("AWS::EC2::NatGateway", json!({}));
    close(nat.charges[0].usd, price("ec2.nat_gateway_hour") * H);
    close(
        nat.charges[1].usd,
        usage("nat_gb_per_gateway", "dev") * price("ec2.nat_gateway_gb"),
    );
    assert!(nat.charges[1].assumed && !nat.charges[0].assumed);
    close(
        item("AWS::EC2::EIP", json!({})).monthly(),
        price("ec2.public_ipv4_hour") * H,
    );
    let ep = item(
        "AWS::EC2::VPCEndpoint",
        json!({ "VpcEndpointType": "Interface", "SubnetIds": [{ "Ref": "A" }, { "Ref": "B" }, { "Ref": "C" }] }),
    );
    close(
        ep.charges[0].usd,
        3.0 * price("ec2.interface_endpoint_az_hour") * H,
    );
    close(
        ep.charges[1].usd,
        usage("endpoint_gb_per_endpoint", "dev") * price("ec2.interface_endpoint_gb"),
    );
    assert!(free(
        "AWS::EC2::VPCEndpoint",
        json!({ "VpcEndpointType": "Gateway" })
    ));
    assert!(free("AWS::EC2::VPCEndpoint", json!({})));
    let r = unpriced(
        "AWS::EC2::VPCEndpoint",
        json!({ "VpcEndpointType": "Interface", "SubnetIds": { "Ref": "List" } }),
    );
    assert!(r.contains("AZs"), "{r}");
}

fn service(props: Value, task: Value) -> StackEstimate {
    stack(
        "dev",
        json!({ "Resources": {
            "Task": { "Type": "AWS::ECS::TaskDefinition", "Properties": task },
            "Svc": { "Type": "AWS::ECS::Service", "Properties": props }
        } }),
    )
}

#[test]
fn fargate_services_price_task_size_times_desired_count() {
    let s = service(
        json!({ "LaunchType": "FARGATE", "DesiredCount": 2, "TaskDefinition": { "Ref": "Task" } }),
        json!({ "Cpu": "2048", "Memory": "4096" }),
    );
    let svc = &s.items[0];
    close(
        svc.charges[0].usd,
        2.0 * 2.0 * H * price("fargate.vcpu_hour"),
    );
    close(svc.charges[1].usd, 2.0 * 4.0 * H * price("fargate.gb_hour"));
    assert_eq!(s.free["AWS::ECS::TaskDefinition"], 1);
    let arm = service(
        json!({ "CapacityProviderStrategy": [{ "CapacityProvider": "FARGATE_SPOT", "Weight": 1 }], "TaskDefinition": { "Ref": "Task" } }),
        json!({ "Cpu": "512", "Memory": "1024", "RuntimePlatform": { "CpuArchitecture": "ARM64" } }),
    );
    let off = 1.0 - table().assumptions.spot_discount;
    close(
        arm.items[0].charges[0].usd,
        0.5 * H * price("fargate.arm_vcpu_hour") * off,
    );
    close(
        arm.items[0].charges[1].usd,
        1.0 * H * price("fargate.arm_gb_hour") * off,
    );
    let ec2 = service(
        json!({ "LaunchType": "EC2", "TaskDefinition": { "Ref": "Task" } }),
        json!({}),
    );
    assert!(ec2.items.is_empty() && ec2.free["AWS::ECS::Service"] == 1);
}

#[test]
fn load_balancers_price_the_hour_and_assumed_capacity_units() {
    let alb = item(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        json!({ "Scheme": "internal" }),
    );
    close(alb.charges[0].usd, price("elb.alb_hour") * H);
    close(
        alb.charges[1].usd,
        usage("lb_lcu", "dev") * H * price("elb.alb_lcu_hour"),
    );
    let nlb = item(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        json!({ "Type": "network" }),
    );
    close(
        nlb.charges[1].usd,
        usage("lb_lcu", "dev") * H * price("elb.nlb_lcu_hour"),
    );
}

#[test]
fn rds_instances_price_class_multi_az_and_storage() {
    let db = item(
        "AWS::RDS::DBInstance",
        json!({ "Engine": "postgres", "DBInstanceClass": "db.r6g.large", "MultiAZ": true,
                "AllocatedStorage": "100", "StorageType": "gp3", "Iops": 5000 }),
    );
    close(
        db.charges[0].usd,
        2.0 * hourly("rds_postgres", "db.r6g.large") * H,
    );
    assert!(db.charges[0].what.contains("Multi-AZ"));
    close(db.charges[1].usd, 200.0 * price("rds.gp3_gb_month"));
    close(
        db.charges[2].usd,
        2.0 * 2000.0 * price("rds.gp3_iops_month"),
    );
    let single = item(
        "AWS::RDS::DBInstance",
        json!({ "Engine": "postgres", "DBInstanceClass": "db.t4g.medium", "AllocatedStorage": 20 }),
    );
    close(
        single.monthly(),
        hourly("rds_postgres", "db.t4g.medium") * H + 20.0 * price("rds.gp3_gb_month"),
    );
    let r = unpriced(
        "AWS::RDS::DBInstance",
        json!({ "Engine": "oracle-ee", "DBInstanceClass": "db.r6i.large", "AllocatedStorage": 20 }),
    );
    assert!(r.contains("rds_oracle_ee"), "{r}");
}

#[test]
fn aurora_instances_serverless_capacity_and_cluster_storage() {
    let t = json!({ "Resources": {
        "Cluster": { "Type": "AWS::RDS::DBCluster", "Properties": { "Engine": "aurora-postgresql",
            "ServerlessV2ScalingConfiguration": { "MinCapacity": 0.5, "MaxCapacity": 8 } } },
        "Writer": { "Type": "AWS::RDS::DBInstance", "Properties": { "DBClusterIdentifier": { "Ref": "Cluster" },
            "DBInstanceClass": "db.r6g.large", "Engine": "aurora-postgresql" } },
        "Reader": { "Type": "AWS::RDS::DBInstance", "Properties": { "DBClusterIdentifier": { "Ref": "Cluster" },
            "DBInstanceClass": "db.serverless" } }
    } });
    let s = stack("prod", t);
    let by_id = |id: &str| s.items.iter().find(|i| i.logical_id == id).unwrap().clone();
    let cluster = by_id("Cluster");
    close(
        cluster.charges[0].usd,
        usage("aurora_gb_per_cluster", "prod") * price("aurora.storage_gb_month"),
    );
    close(
        cluster.charges[1].usd,
        usage("aurora_million_io_per_cluster", "prod") * price("aurora.io_million"),
    );
    close(
        by_id("Writer").monthly(),
        hourly("aurora_postgresql", "db.r6g.large") * H,
    );
    let reader = by_id("Reader");
    close(reader.monthly(), 0.5 * H * price("aurora.acu_hour"));
    close(reader.at_max.unwrap(), 8.0 * H * price("aurora.acu_hour"));
    let iopt = item(
        "AWS::RDS::DBCluster",
        json!({ "Engine": "aurora-postgresql", "StorageType": "aurora-iopt1" }),
    );
    close(
        iopt.monthly(),
        usage("aurora_gb_per_cluster", "dev") * price("aurora.iopt_storage_gb_month"),
    );
    assert!(
        unpriced("AWS::RDS::DBCluster", json!({ "Engine": "postgres" })).contains("non-Aurora")
    );
}

#[test]
fn caches_search_domains_and_dax_count_their_nodes() {
    let rg = item(
        "AWS::ElastiCache::ReplicationGroup",
        json!({ "CacheNodeType": "cache.r6g.large", "NumCacheClusters": 3 }),
    );
    close(
        rg.monthly(),
        3.0 * hourly("elasticache", "cache.r6g.large") * H,
    );
    let sharded = item(
        "AWS::ElastiCache::ReplicationGroup",
        json!({ "CacheNodeType": "cache.t4g.small", "NumNodeGroups": 2, "ReplicasPerNodeGroup": 1 }),
    );
    close(
        sharded.monthly(),
        4.0 * hourly("elasticache", "cache.t4g.small") * H,
    );
    assert!(unpriced(
        "AWS::ElastiCache::ReplicationGroup",
        json!({ "Engine": "valkey", "CacheNodeType": "cache.t4g.small" })
    )
    .contains("Valkey"));
    let cc = item(
        "AWS::ElastiCache::CacheCluster",
        json!({ "CacheNodeType": "cache.t3.micro", "NumCacheNodes": 2 }),
    );
    close(
        cc.monthly(),
        2.0 * hourly("elasticache", "cache.t3.micro") * H,
    );
    let os = item(
        "AWS::OpenSearchService::Domain",
        json!({ "ClusterConfig": { "InstanceType": "r6g.large.search", "InstanceCount": 3,
                  "DedicatedMasterEnabled": true, "DedicatedMasterType": "m6g.large.search", "DedicatedMasterCount": 3 },
                "EBSOptions": { "EBSEnabled": true, "VolumeSize": 100, "VolumeType": "gp3", "Iops": 4000, "Throughput": 250 } }),
    );
    close(
        os.charges[0].usd,
        3.0 * hourly("opensearch", "r6g.large.search") * H,
    );
    close(
        os.charges[1].usd,
        3.0 * hourly("opensearch", "m6g.large.search") * H,
    );
    close(os.charges[2].usd, 300.0 * price("opensearch.gp3_gb_month"));
    close(
        os.charges[3].usd,
        3000.0 * price("opensearch.gp3_iops_month"),
    );
    close(
        os.charges[4].usd,
        375.0 * price("opensearch.gp3_throughput_month"),
    );
    let dax = item(
        "AWS::DAX::Cluster",
        json!({ "NodeType": "dax.r5.large", "ReplicationFactor": 3 }),
    );
    close(dax.monthly(), 3.0 * hourly("dax", "dax.r5.large") * H);
}

#[test]
fn dynamodb_on_demand_provisioned_and_global_tables() {
    let od = item(
        "AWS::DynamoDB::Table",
        json!({ "BillingMode": "PAY_PER_REQUEST", "PointInTimeRecoverySpecification": { "PointInTimeRecoveryEnabled": true } }),
    );
    let gb = usage("dynamodb_gb_per_table", "dev");
    close(
        od.charges[0].usd,
        usage("dynamodb_million_writes_per_table", "dev") * price("dynamodb.write_request_million"),
    );
    close(
        od.charges[1].usd,
        usage("dynamodb_million_reads_per_table", "dev") * price("dynamodb.read_request_million"),
    );
    close(od.charges[2].usd, gb * price("dynamodb.storage_gb_month"));
    close(od.charges[3].usd, gb * price("dynamodb.pitr_gb_month"));
    let prov = item(
        "AWS::DynamoDB::Table",
        json!({ "ProvisionedThroughput": { "ReadCapacityUnits": 10, "WriteCapacityUnits": 5 },
                "GlobalSecondaryIndexes": [{ "ProvisionedThroughput": { "ReadCapacityUnits": 2, "WriteCapacityUnits": 1 } }] }),
    );
    close(prov.charges[0].usd, 12.0 * H * price("dynamodb.rcu_hour"));
    close(prov.charges[1].usd, 6.0 * H * price("dynamodb.wcu_hour"));
    assert_eq!(prov.charges.len(), 3, "no PITR");
    let auto = json!({ "MinCapacity": 5, "MaxCapacity": 100, "TargetTrackingScalingPolicyConfiguration": { "TargetValue": 70 } });
    let global = item(
        "AWS::DynamoDB::GlobalTable",
        json!({ "BillingMode": "PROVISIONED",
                "WriteProvisionedThroughputSettings": { "WriteCapacityAutoScalingSettings": auto },
                "Replicas": [
                    { "Region": "us-east-1", "ReadProvisionedThroughputSettings": { "ReadCapacityAutoScalingSettings": auto },
                      "PointInTimeRecoverySpecification": { "PointInTimeRecoveryEnabled": true } },
                    { "Region": "us-west-2", "ReadProvisionedThroughputSettings": { "ReadCapacityUnits": 7 } }
                ] }),
    );
    close(global.charges[0].usd, 12.0 * H * price("dynamodb.rcu_hour"));
    close(global.charges[1].usd, 10.0 * H * price("dynamodb.wcu_hour"));
    close(
        global.charges[2].usd,
        2.0 * gb * price("dynamodb.storage_gb_month"),
    );
    close(global.charges[3].usd, gb * price("dynamodb.pitr_gb_month"));
    let od_global = item(
        "AWS::DynamoDB::GlobalTable",
        json!({ "BillingMode": "PAY_PER_REQUEST", "Replicas": [{}, {}] }),
    );
    close(
        od_global.charges[0].usd,
        2.0 * usage("dynamodb_million_writes_per_table", "dev")
            * price("dynamodb.replicated_write_request_million"),
    );
}

#[test]
fn storage_keys_secrets_and_usage_priced_services_use_the_environment_column() {
    let s3 = item("AWS::S3::Bucket", json!({}));
    close(
        s3.charges[0].usd,
        usage("s3_gb_per_bucket", "dev") * price("s3.standard_gb_month"),
    );
    assert!(s3.charges.iter().all(|c| c.assumed));
    let prod = stack("prod", template("AWS::S3::Bucket", json!({})));
    close(
        prod.items[0].charges[0].usd,
        usage("s3_gb_per_bucket", "prod") * price("s3.standard_gb_month"),
    );
    let key = item("AWS::KMS::Key", json!({}));
    close(key.charges[0].usd, price("kms.key_month"));
    close(
        key.charges[1].usd,
        usage("kms_thousand_requests_per_key", "dev") / 10.0 * price("kms.requests_10k"),
    );
    let secret = item(
        "AWS::SecretsManager::Secret",
        json!({ "ReplicaRegions": [{ "Region": "us-west-2" }] }),
    );
    close(secret.monthly(), 2.0 * price("secretsmanager.secret_month"));
    for (ty, usage_key, key) in [
        (
            "AWS::SQS::Queue",
            "sqs_million_requests_per_queue",
            "sqs.requests_million",
        ),
        (
            "AWS::SNS::Topic",
            "sns_million_publishes_per_topic",
            "sns.publishes_million",
        ),
        (
            "AWS::Events::EventBus",
            "events_million_per_bus",
            "events.custom_events_million",
        ),
        (
            "AWS::ApiGateway::RestApi",
            "api_million_requests_per_api",
            "apigateway.rest_requests_million",
        ),
    ] {
        close(
            item(ty, json!({})).monthly(),
            usage(usage_key, "dev") * price(key),
        );
    }
    let cf = item("AWS::CloudFront::Distribution", json!({}));
    close(
        cf.monthly(),
        usage("cloudfront_gb_per_distribution", "dev") * price("cloudfront.gb_out")
            + usage("cloudfront_million_requests_per_distribution", "dev")
                * 100.0
                * price("cloudfront.https_requests_10k"),
    );
    close(
        item("AWS::SSM::Parameter", json!({ "Tier": "Advanced" })).monthly(),
        price("ssm.advanced_parameter_month"),
    );
    assert!(free("AWS::SSM::Parameter", json!({ "Tier": "Standard" })));
}

#[test]
fn cloudwatch_alarms_dashboards_logs_and_metric_filters() {
    close(
        item("AWS::CloudWatch::Alarm", json!({ "Period": 300 })).monthly(),
        price("cloudwatch.alarm_metric_month"),
    );
    close(
        item("AWS::CloudWatch::Alarm", json!({ "Period": 10 })).monthly(),
        price("cloudwatch.alarm_high_resolution_metric_month"),
    );
    let math = json!({ "Metrics": [
        { "Id": "a", "MetricStat": { "Period": 60 } }, { "Id": "b", "MetricStat": { "Period": 60 } },
        { "Id": "e", "Expression": "a/b" } ] });
    close(
        item("AWS::CloudWatch::Alarm", math).monthly(),
        2.0 * price("cloudwatch.alarm_metric_month"),
    );
    close(
        item("AWS::CloudWatch::Dashboard", json!({})).monthly(),
        price("cloudwatch.dashboard_month"),
    );
    let gb = usage("log_gb_per_group", "dev");
    let ratio = table().assumptions.log_storage_ratio;
    let week = item("AWS::Logs::LogGroup", json!({ "RetentionInDays": 7 }));
    close(week.charges[0].usd, gb * price("cloudwatch.logs_ingest_gb"));
    close(
        week.charges[1].usd,
        gb * ratio * 7.0 / 30.0 * price("cloudwatch.logs_storage_gb_month"),
    );
    let forever = item("AWS::Logs::LogGroup", json!({}));
    close(
        forever.charges[1].usd,
        gb * ratio * 12.0 * price("cloudwatch.logs_storage_gb_month"),
    );
    let mf = item(
        "AWS::Logs::MetricFilter",
        json!({ "MetricTransformations": [{}, {}] }),
    );
    close(mf.monthly(), 2.0 * price("cloudwatch.custom_metric_month"));
}

#[test]
fn waf_api_gateway_cognito_and_route53() {
    let rule = |name: &str| json!({ "Name": name, "Statement": { "ManagedRuleGroupStatement": { "Name": name } } });
    let acl = item(
        "AWS::WAFv2::WebACL",
        json!({ "Rules": [rule("AWSManagedRulesCommonRuleSet"), rule("AWSManagedRulesSQLiRuleSet"), {}] }),
    );
    close(acl.charges[0].usd, price("waf.web_acl_month"));
    close(acl.charges[1].usd, 3.0 * price("waf.rule_month"));
    close(
        acl.charges[2].usd,
        usage("waf_million_requests_per_acl", "dev") * price("waf.requests_million"),
    );
    assert!(unpriced(
        "AWS::WAFv2::WebACL",
        json!({ "Rules": [rule("AWSManagedRulesBotControlRuleSet")] })
    )
    .contains("BotControl"));
    let stage = item(
        "AWS::ApiGateway::Stage",
        json!({ "CacheClusterEnabled": true, "CacheClusterSize": "1.6", "TracingEnabled": true }),
    );
    close(stage.charges[0].usd, hourly("apigateway_cache", "1.6") * H);
    close(
        stage.charges[1].usd,
        usage("api_million_requests_per_api", "dev")
            * usage("xray_sampled_fraction", "dev")
            * price("xray.traces_million"),
    );
    assert!(free(
        "AWS::ApiGateway::Stage",
        json!({ "StageName": "prod" })
    ));
    let ws = item(
        "AWS::ApiGatewayV2::Api",
        json!({ "ProtocolType": "WEBSOCKET" }),
    );
    close(
        ws.charges[0].usd,
        usage("websocket_million_messages_per_api", "dev")
            * price("apigateway.websocket_messages_million"),
    );
    let http = item("AWS::ApiGatewayV2::Api", json!({ "ProtocolType": "HTTP" }));
    close(
        http.monthly(),
        usage("api_million_requests_per_api", "dev") * price("apigateway.http_requests_million"),
    );
    // Under the free MAUs the pool is listed at $0; above them each MAU costs.
    let pool = item("AWS::Cognito::UserPool", json!({}));
    assert_eq!(pool.monthly(), 0.0);
    assert!(pool.charges[0].what.contains("free"));
    assert!(unpriced(
        "AWS::Cognito::UserPool",
        json!({ "UserPoolAddOns": { "AdvancedSecurityMode": "ENFORCED" } })
    )
    .contains("Plus"));
    let hc = item(
        "AWS::Route53::HealthCheck",
        json!({ "HealthCheckConfig": { "Type": "HTTPS", "RequestInterval": 30 } }),
    );
    close(
        hc.monthly(),
        price("route53.health_check_month") + price("route53.health_check_feature_month"),
    );
    close(
        item("AWS::Route53::HostedZone", json!({})).monthly(),
        price("route53.hosted_zone_month"),
    );
}

#[test]
fn lambda_step_functions_streams_timestream_and_backup() {
    let f = item(
        "AWS::Lambda::Function",
        json!({ "MemorySize": 1024, "Architectures": ["arm64"], "TracingConfig": { "Mode": "Active" } }),
    );
    let m = usage("lambda_million_invocations_per_function", "dev");
    let ms = usage("lambda_avg_duration_ms", "dev");
    close(f.charges[0].usd, m * price("lambda.requests_million"));
    close(
        f.charges[1].usd,
        m * 1e6 * ms / 1000.0 * 1.0 * price("lambda.arm_gb_second"),
    );
    close(
        f.charges[2].usd,
        m * usage("xray_sampled_fraction", "dev") * price("xray.traces_million"),
    );
    let pc = stack(
        "dev",
        json!({ "Resources": {
            "Fn": { "Type": "AWS::Lambda::Function", "Properties": { "MemorySize": 512 } },
            "Live": { "Type": "AWS::Lambda::Alias", "Properties": { "FunctionName": { "Ref": "Fn" },
                "ProvisionedConcurrencyConfig": { "ProvisionedConcurrentExecutions": 5 } } },
            "Plain": { "Type": "AWS::Lambda::Alias", "Properties": { "FunctionName": { "Ref": "Fn" } } }
        } }),
    );
    let live = pc.items.iter().find(|i| i.logical_id == "Live").unwrap();
    close(
        live.monthly(),
        5.0 * 0.5 * H * 3600.0 * price("lambda.provisioned_gb_second"),
    );
    assert_eq!(pc.free["AWS::Lambda::Alias"], 1);
    let standard = item("AWS::StepFunctions::StateMachine", json!({}));
    close(
        standard.monthly(),
        usage("sfn_thousand_transitions_per_standard", "dev")
            * price("stepfunctions.transitions_thousand"),
    );
    let express = item(
        "AWS::StepFunctions::StateMachine",
        json!({ "StateMachineType": "EXPRESS" }),
    );
    let em = usage("sfn_million_requests_per_express", "dev");
    close(
        express.charges[0].usd,
        em * price("stepfunctions.express_requests_million"),
    );
    close(
        express.charges[1].usd,
        em * 1e6 * usage("sfn_express_avg_duration_ms", "dev") / 1000.0
            * 0.0625
            * price("stepfunctions.express_gb_second"),
    );
    let k = item("AWS::Kinesis::Stream", json!({ "ShardCount": 2 }));
    close(k.charges[0].usd, 2.0 * price("kinesis.shard_hour") * H);
    let kod = item(
        "AWS::Kinesis::Stream",
        json!({ "StreamModeDetails": { "StreamMode": "ON_DEMAND" } }),
    );
    close(
        kod.charges[0].usd,
        price("kinesis.on_demand_stream_hour") * H,
    );
    let ts = item("AWS::Timestream::Table", json!({}));
    close(
        ts.charges[1].usd,
        usage("timestream_memory_gb_per_table", "dev") * H * price("timestream.memory_gb_hour"),
    );
    let plan = item(
        "AWS::Backup::BackupPlan",
        json!({ "BackupPlan": { "BackupPlanRule": [{ "RuleName": "a" }, { "RuleName": "b", "CopyActions": [{}] }] } }),
    );
    let gb = usage("backup_gb_per_plan", "dev");
    close(
        plan.monthly(),
        2.0 * gb * price("backup.warm_gb_month") + gb * price("backup.cross_region_gb"),
    );
}

#[test]
fn free_usage_only_custom_and_unknown_types_are_sorted_out() {
    let t = json!({ "Resources": {
        "Role": { "Type": "AWS::IAM::Role", "Properties": {} },
        "Sg": { "Type": "AWS::EC2::SecurityGroup", "Properties": {} },
        "Sg2": { "Type": "AWS::EC2::SecurityGroup", "Properties": {} },
        "Agent": { "Type": "AWS::Bedrock::Agent", "Properties": {} },
        "Custom": { "Type": "Custom::Thing", "Properties": {} },
        "Odd": { "Type": "AWS::GameLift::Fleet", "Properties": {} }
    } });
    let s = stack("dev", t);
    assert!(s.items.is_empty());
    assert_eq!(s.free["AWS::EC2::SecurityGroup"], 2);
    assert_eq!(s.free["AWS::IAM::Role"], 1);
    assert_eq!(s.free["Custom::Thing"], 1);
    assert_eq!(s.usage_only["AWS::Bedrock::Agent"], 1);
    assert_eq!(s.unpriced.len(), 1);
    assert_eq!(s.unpriced[0].resource_type, "AWS::GameLift::Fleet");
    assert_eq!(s.subtotal(), 0.0);
}

#[test]
fn an_environment_without_usage_assumptions_is_refused() {
    let p = table();
    let err = Estimator::new(&p, "qa").err().unwrap().to_string();
    assert!(err.contains("\"qa\"") && err.contains("dev"), "{err}");
}
