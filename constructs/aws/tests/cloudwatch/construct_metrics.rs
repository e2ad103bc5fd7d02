//! Metric accessors on the data constructs: namespace, name, dimensions
//! and statistic as each service reports them.

use serde_json::json;
use strata::cloudwatch::{Alarm, AlarmProps, ComparisonOperator, Metric, MetricQuery, Statistic};
use strata::dax::{DaxCluster, DaxClusterProps};
use strata::dynamodb::{Attribute, Table, TableProps};
use strata::elasticache::{RedisProps, RedisReplicationGroup};
use strata::opensearch::{Domain, DomainProps};
use strata::prelude::*;
use strata::rds::{ClusterInstance, DatabaseCluster, DatabaseClusterProps, DatabaseSubnets};
use strata::s3::{Bucket, BucketProps};

use super::{props_of, synth_error, template};

fn dims(m: &Metric) -> Vec<(String, Value<String>)> {
    m.dimensions().to_vec()
}

fn dim(name: &str, value: Value<String>) -> (String, Value<String>) {
    (name.to_string(), value)
}

#[test]
fn table_metrics_are_per_table_and_throttles_add_reads_and_writes() {
    let app = App::new();
    let stack = app.stack("Data", StackProps::default());
    let table = Table::new(&stack, "Sessions", TableProps::new(Attribute::string("id")));
    let read = table.metric_consumed_read_capacity();
    assert_eq!(
        (read.namespace(), read.metric_name(), read.statistic()),
        ("AWS/DynamoDB", "ConsumedReadCapacityUnits", Statistic::Sum)
    );
    assert_eq!(dims(&read), [dim("TableName", table.table_name())]);
    let latency = table.metric_successful_request_latency("Query");
    assert_eq!(
        dims(&latency),
        [
            dim("TableName", table.table_name()),
            dim("Operation", "Query".into())
        ]
    );
    Alarm::new(
        &stack,
        "Throttles",
        AlarmProps::new(
            table.metric_throttles(),
            ComparisonOperator::GreaterThanThreshold,
            0.0,
            1,
        ),
    );
    let t = template(&app);
    let table_ref = json!({"Ref": strata::logical_id(&["Sessions", "Resource"])});
    let metrics = &props_of(&t, &["Throttles", "Resource"])["Metrics"];
    assert_eq!(metrics[0]["Expression"], "read + write");
    assert_eq!(
        metrics[1]["MetricStat"]["Metric"],
        json!({
            "Dimensions": [{"Name": "TableName", "Value": table_ref}],
            "MetricName": "ReadThrottleEvents",
            "Namespace": "AWS/DynamoDB"
        })
    );
    assert_eq!(
        metrics[2]["MetricStat"]["Metric"]["MetricName"],
        "WriteThrottleEvents"
    );
}

#[test]
fn redis_metrics_name_the_member_cluster_and_check_the_member() {
    let app = App::new();
    let stack = app.stack("Cache", StackProps::default());
    let redis = RedisReplicationGroup::new(
        &stack,
        "Redis",
        RedisProps {
            num_cache_clusters: 2,
            subnet_ids: vec!["subnet-a".into(), "subnet-b".into()],
            ..RedisProps::new("Agent cache", "7.0", "cache.r6g.large")
        },
    );
    let cpu = redis.metric_engine_cpu(2);
    assert_eq!(cpu.namespace(), "AWS/ElastiCache");
    let group = json!({"Ref": strata::logical_id(&["Redis", "Resource"])});
    Alarm::new(
        &stack,
        "Evictions",
        AlarmProps::new(
            redis.metric_evictions(1),
            ComparisonOperator::GreaterThanThreshold,
            100.0,
            1,
        ),
    );
    let t = template(&app);
    assert_eq!(
        props_of(&t, &["Evictions", "Resource"])["Dimensions"],
        json!([{"Name": "CacheClusterId", "Value": {"Fn::Sub": ["${Group}-001", {"Group": group}]}}])
    );
    redis.metric_cpu(3);
    let e = synth_error(&app);
    assert!(
        e.contains("Cache/Redis: [elasticache-metric] member 3 does not exist; the group's members are numbered 1 to 2"),
        "{e}"
    );
}

#[test]
fn cluster_bucket_dax_and_domain_metrics_use_their_services_dimensions() {
    let app = App::new();
    let stack = app.stack(
        "Data",
        StackProps {
            env: Environment::new("123456789012", "us-east-1"),
            ..Default::default()
        },
    );
    let cluster = DatabaseCluster::new(
        &stack,
        "Aurora",
        DatabaseClusterProps::new(
            "15.10",
            ClusterInstance::provisioned("db.r6g.large"),
            DatabaseSubnets::new("vpc-1", vec!["subnet-a".into(), "subnet-b".into()]),
        ),
    );
    let connections = cluster.metric_database_connections();
    assert_eq!(
        (connections.namespace(), connections.metric_name()),
        ("AWS/RDS", "DatabaseConnections")
    );
    assert_eq!(
        dims(&cluster.metric_cpu()),
        [dim("DBClusterIdentifier", cluster.cluster_identifier())]
    );

    let bucket = Bucket::new(&stack, "Media", BucketProps::default());
    let size = bucket.metric_bucket_size_bytes();
    assert_eq!(size.period_seconds(), 86_400);
    assert_eq!(
        dims(&size),
        [
            dim("BucketName", bucket.bucket_name()),
            dim("StorageType", "StandardStorage".into())
        ]
    );

    let dax = DaxCluster::new(
        &stack,
        "Dax",
        DaxClusterProps {
            subnet_ids: vec!["subnet-a".into()],
            ..DaxClusterProps::new("dax.r5.large", 3)
        },
    );
    let misses = dax.metric_item_cache_misses();
    assert_eq!(
        (misses.namespace(), misses.statistic()),
        ("AWS/DAX", Statistic::Sum)
    );
    assert_eq!(dims(&misses), [dim("ClusterId", dax.cluster_name())]);

    let domain = Domain::new(
        &stack,
        "Search",
        DomainProps {
            domain_name: Some("knowledge".into()),
            ..DomainProps::new("OpenSearch_2.11", "t3.small.search", 1)
        },
    );
    let red = domain.metric_cluster_status_red();
    assert_eq!(
        (red.namespace(), red.metric_name(), red.statistic()),
        ("AWS/ES", "ClusterStatus.red", Statistic::Maximum)
    );
    assert_eq!(
        dims(&red),
        [
            dim("DomainName", domain.domain_name()),
            dim("ClientId", "123456789012".into())
        ]
    );
    assert!(MetricQuery::from(red).problems().is_empty());
}
