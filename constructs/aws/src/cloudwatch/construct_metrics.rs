//! Metric accessors on the constructs of this crate: each gives the
//! construct's metric in its service's namespace with the dimensions that
//! identify it, ready for an alarm or a graph.

use std::time::Duration;

use strata_cfn::elasti_cache as ec;
use strata_core::{Fn, Value};

use crate::dax::DaxCluster;
use crate::dynamodb::Table;
use crate::elasticache::RedisReplicationGroup;
use crate::opensearch::Domain;
use crate::rds::DatabaseCluster;
use crate::s3::Bucket;

use super::metric::{MathExpression, Metric, Statistic};
use super::stack_account;

const DAY: Duration = Duration::from_secs(86_400);

impl Table {
    /// A metric of this table in `AWS/DynamoDB` (dimension `TableName`).
    pub fn metric(&self, metric_name: &str) -> Metric {
        Metric::new("AWS/DynamoDB", metric_name).with_dimension("TableName", self.table_name())
    }

    /// Read requests throttled (`ReadThrottleEvents`, sum).
    pub fn metric_read_throttle_events(&self) -> Metric {
        self.metric("ReadThrottleEvents")
            .with_statistic(Statistic::Sum)
    }

    /// Write requests throttled (`WriteThrottleEvents`, sum).
    pub fn metric_write_throttle_events(&self) -> Metric {
        self.metric("WriteThrottleEvents")
            .with_statistic(Statistic::Sum)
    }

    /// Read and write throttle events together (`read + write`).
    pub fn metric_throttles(&self) -> MathExpression {
        MathExpression::new("read + write")
            .using("read", self.metric_read_throttle_events())
            .using("write", self.metric_write_throttle_events())
            .with_label("Throttled events")
    }

    /// Read capacity consumed (`ConsumedReadCapacityUnits`, sum).
    pub fn metric_consumed_read_capacity(&self) -> Metric {
        self.metric("ConsumedReadCapacityUnits")
            .with_statistic(Statistic::Sum)
    }

    /// Write capacity consumed (`ConsumedWriteCapacityUnits`, sum).
    pub fn metric_consumed_write_capacity(&self) -> Metric {
        self.metric("ConsumedWriteCapacityUnits")
            .with_statistic(Statistic::Sum)
    }

    /// Server errors of one operation such as `GetItem` (`SystemErrors`, sum).
    pub fn metric_system_errors(&self, operation: &str) -> Metric {
        self.metric("SystemErrors")
            .with_dimension("Operation", operation)
            .with_statistic(Statistic::Sum)
    }

    /// Latency of successful requests of one operation
    /// (`SuccessfulRequestLatency`, average, milliseconds).
    pub fn metric_successful_request_latency(&self, operation: &str) -> Metric {
        self.metric("SuccessfulRequestLatency")
            .with_dimension("Operation", operation)
    }
}

impl DatabaseCluster {
    /// A metric of this cluster in `AWS/RDS` (dimension `DBClusterIdentifier`).
    pub fn metric(&self, metric_name: &str) -> Metric {
        Metric::new("AWS/RDS", metric_name)
            .with_dimension("DBClusterIdentifier", self.cluster_identifier())
    }

    /// CPU use of the cluster's instances (`CPUUtilization`, average, percent).
    pub fn metric_cpu(&self) -> Metric {
        self.metric("CPUUtilization")
    }

    /// Open connections (`DatabaseConnections`, average).
    pub fn metric_database_connections(&self) -> Metric {
        self.metric("DatabaseConnections")
    }

    /// Free memory (`FreeableMemory`, average, bytes).
    pub fn metric_freeable_memory(&self) -> Metric {
        self.metric("FreeableMemory")
    }

    /// Free local storage of the instances (`FreeLocalStorage`, average, bytes).
    pub fn metric_free_local_storage(&self) -> Metric {
        self.metric("FreeLocalStorage")
    }

    /// Deadlocks per second (`Deadlocks`, average).
    pub fn metric_deadlocks(&self) -> Metric {
        self.metric("Deadlocks")
    }

    /// Storage used by the cluster volume (`VolumeBytesUsed`, average, bytes).
    pub fn metric_volume_bytes_used(&self) -> Metric {
        self.metric("VolumeBytesUsed")
    }
}

impl RedisReplicationGroup {
    /// The id of member cluster `member` (1-based), `<group id>-00N`: the
    /// `CacheClusterId` ElastiCache reports the member's metrics under.
    /// A member the group does not have is recorded as an error.
    pub fn member_cluster_id(&self, member: u32) -> Value<String> {
        let mut count = None;
        if let Some(res) = self.scope().of(self.resource()) {
            res.with_resource::<ec::ReplicationGroup>(|g| {
                count = g
                    .num_cache_clusters
                    .as_ref()
                    .and_then(|n| n.as_literal().copied());
            });
        }
        if member == 0 || count.is_some_and(|n| i64::from(member) > n) {
            self.scope().error(
                "elasticache-metric",
                format!(
                    "member {member} does not exist; the group's members are numbered 1 to {}",
                    count.unwrap_or(1)
                ),
            );
        }
        Fn::sub_with(
            &format!("${{Group}}-{member:03}"),
            [("Group", self.resource().ref_())],
        )
    }

    /// A metric of member cluster `member` (1-based) in `AWS/ElastiCache`
    /// (dimension `CacheClusterId`).
    pub fn metric(&self, metric_name: &str, member: u32) -> Metric {
        Metric::new("AWS/ElastiCache", metric_name)
            .with_dimension("CacheClusterId", self.member_cluster_id(member))
    }

    /// Host CPU of a member (`CPUUtilization`, average, percent).
    pub fn metric_cpu(&self, member: u32) -> Metric {
        self.metric("CPUUtilization", member)
    }

    /// CPU of the Redis engine thread of a member (`EngineCPUUtilization`,
    /// average, percent).
    pub fn metric_engine_cpu(&self, member: u32) -> Metric {
        self.metric("EngineCPUUtilization", member)
    }

    /// Keys evicted for memory on a member (`Evictions`, sum).
    pub fn metric_evictions(&self, member: u32) -> Metric {
        self.metric("Evictions", member)
            .with_statistic(Statistic::Sum)
    }

    /// Memory used of a member (`DatabaseMemoryUsagePercentage`, average).
    pub fn metric_memory_usage(&self, member: u32) -> Metric {
        self.metric("DatabaseMemoryUsagePercentage", member)
    }

    /// Cache hit rate of a member (`CacheHitRate`, average, percent).
    pub fn metric_cache_hit_rate(&self, member: u32) -> Metric {
        self.metric("CacheHitRate", member)
    }

    /// Client connections to a member (`CurrConnections`, average).
    pub fn metric_connections(&self, member: u32) -> Metric {
        self.metric("CurrConnections", member)
    }
}

impl Bucket {
    /// A storage metric of this bucket in `AWS/S3` (dimensions `BucketName`
    /// and `StorageType`), reported daily.
    pub fn metric(&self, metric_name: &str, storage_type: &str) -> Metric {
        Metric::new("AWS/S3", metric_name)
            .with_dimension("BucketName", self.bucket_name())
            .with_dimension("StorageType", storage_type)
            .with_period(DAY)
    }

    /// Bytes stored in S3 Standard (`BucketSizeBytes`, daily average).
    pub fn metric_bucket_size_bytes(&self) -> Metric {
        self.metric("BucketSizeBytes", "StandardStorage")
    }

    /// Objects stored, all classes (`NumberOfObjects`, daily average).
    pub fn metric_number_of_objects(&self) -> Metric {
        self.metric("NumberOfObjects", "AllStorageTypes")
    }
}

impl DaxCluster {
    /// A metric of this cluster in `AWS/DAX` (dimension `ClusterId`).
    pub fn metric(&self, metric_name: &str) -> Metric {
        Metric::new("AWS/DAX", metric_name).with_dimension("ClusterId", self.cluster_name())
    }

    /// CPU of the nodes (`CPUUtilization`, average, percent).
    pub fn metric_cpu(&self) -> Metric {
        self.metric("CPUUtilization")
    }

    /// Item cache hits (`ItemCacheHits`, sum).
    pub fn metric_item_cache_hits(&self) -> Metric {
        self.metric("ItemCacheHits").with_statistic(Statistic::Sum)
    }

    /// Item cache misses (`ItemCacheMisses`, sum).
    pub fn metric_item_cache_misses(&self) -> Metric {
        self.metric("ItemCacheMisses")
            .with_statistic(Statistic::Sum)
    }

    /// Requests that failed (`ErrorRequestCount`, sum).
    pub fn metric_error_request_count(&self) -> Metric {
        self.metric("ErrorRequestCount")
            .with_statistic(Statistic::Sum)
    }

    /// Requests throttled (`ThrottledRequestCount`, sum).
    pub fn metric_throttled_request_count(&self) -> Metric {
        self.metric("ThrottledRequestCount")
            .with_statistic(Statistic::Sum)
    }
}

impl Domain {
    /// A metric of this domain in `AWS/ES` (dimensions `DomainName` and
    /// `ClientId`, the account).
    pub fn metric(&self, metric_name: &str) -> Metric {
        Metric::new("AWS/ES", metric_name)
            .with_dimension("DomainName", self.domain_name())
            .with_dimension("ClientId", stack_account(self.scope()))
    }

    /// 1 while a primary shard is unassigned (`ClusterStatus.red`, maximum).
    pub fn metric_cluster_status_red(&self) -> Metric {
        self.metric("ClusterStatus.red")
            .with_statistic(Statistic::Maximum)
    }

    /// 1 while a replica shard is unassigned (`ClusterStatus.yellow`, maximum).
    pub fn metric_cluster_status_yellow(&self) -> Metric {
        self.metric("ClusterStatus.yellow")
            .with_statistic(Statistic::Maximum)
    }

    /// Free storage of the emptiest node (`FreeStorageSpace`, minimum, megabytes).
    pub fn metric_free_storage_space(&self) -> Metric {
        self.metric("FreeStorageSpace")
            .with_statistic(Statistic::Minimum)
    }

    /// CPU of the busiest data node (`CPUUtilization`, maximum, percent).
    pub fn metric_cpu(&self) -> Metric {
        self.metric("CPUUtilization")
            .with_statistic(Statistic::Maximum)
    }

    /// JVM heap pressure of the busiest node (`JVMMemoryPressure`, maximum).
    pub fn metric_jvm_memory_pressure(&self) -> Metric {
        self.metric("JVMMemoryPressure")
            .with_statistic(Statistic::Maximum)
    }

    /// 1 while the cluster blocks writes (`ClusterIndexWritesBlocked`, maximum).
    pub fn metric_index_writes_blocked(&self) -> Metric {
        self.metric("ClusterIndexWritesBlocked")
            .with_statistic(Statistic::Maximum)
    }
}
