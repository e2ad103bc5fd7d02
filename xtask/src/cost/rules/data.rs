//! Data stores: RDS and Aurora, ElastiCache, OpenSearch, DAX, DynamoDB,
//! S3, Timestream, Kinesis and AWS Backup.

use serde_json::Value;

use super::Rule;
use crate::cost::estimate::{fmt_price, fmt_qty, Charge, Ctx, Outcome};

/// The instance table of an RDS or Aurora engine.
fn engine_table(engine: &str) -> String {
    match engine {
        "postgres" => "rds_postgres".into(),
        e if e.starts_with("aurora") => e.replace('-', "_"),
        e => format!("rds_{}", e.replace('-', "_")),
    }
}

/// RDS DB instance. In an Aurora cluster: its class for the month, or for
/// `db.serverless` the cluster's minimum ACUs (at max: its maximum).
/// Standalone: its class (twice when Multi-AZ) and its storage.
pub fn db_instance(c: &Ctx, p: &Value) -> Rule {
    let class = c
        .str_of(p, "DBInstanceClass")?
        .ok_or("no DBInstanceClass")?;
    if !p["DBClusterIdentifier"].is_null() {
        let cluster = c
            .referenced(&p["DBClusterIdentifier"])
            .map(|(_, props)| props);
        let engine = match c.str_of(p, "Engine")? {
            Some(e) => e,
            None => cluster
                .and_then(|cl| cl["Engine"].as_str().map(str::to_string))
                .ok_or("no Engine on the instance or its cluster")?,
        };
        if class == "db.serverless" {
            let cluster = cluster.ok_or("the Serverless v2 cluster is not in this template")?;
            let scaling = &cluster["ServerlessV2ScalingConfiguration"];
            let min = c
                .num_of(scaling, "MinCapacity")?
                .ok_or("no ServerlessV2ScalingConfiguration.MinCapacity")?;
            let max = c.num_of(scaling, "MaxCapacity")?.unwrap_or(min).max(min);
            let (price, _) = c.price("aurora.acu_hour")?;
            let charge = Charge {
                what: format!(
                    "{} ACU (minimum) × {} h @ ${}/ACU-h",
                    fmt_qty(min),
                    fmt_qty(c.hours()),
                    fmt_price(price)
                ),
                usd: min * c.hours() * price,
                assumed: false,
            };
            return Ok(Outcome::Priced(vec![charge], Some(max * c.hours() * price)));
        }
        return Ok(Outcome::Priced(
            vec![c.instance_hours(1.0, &engine_table(&engine), &class)?],
            None,
        ));
    }
    let engine = c.str_of(p, "Engine")?.ok_or("no Engine")?;
    let multi = c.flag(p, "MultiAZ");
    let copies = if multi { 2.0 } else { 1.0 };
    let az = if multi {
        " Multi-AZ (primary + standby)"
    } else {
        ""
    };
    let hourly = c.instance(&engine_table(&engine), &class)?;
    let mut charges = vec![c.hourly(copies, &format!("{class}{az}"), hourly)];
    let gb = c
        .num_of(p, "AllocatedStorage")?
        .ok_or("no AllocatedStorage")?;
    let iops = c.num_of(p, "Iops")?;
    let storage = match c.str_of(p, "StorageType")? {
        Some(s) => s,
        None if iops.is_some() => "io1".into(),
        None => "gp2".into(),
    };
    let label = format!("GB-month {storage}{az}");
    match storage.as_str() {
        "gp2" | "gp3" => {
            charges.push(c.charge(&label, gb * copies, "rds.gp3_gb_month", false)?);
            let included = if gb >= 400.0 { 12000.0 } else { 3000.0 };
            if let Some(extra) = iops.map(|i| i - included).filter(|e| *e > 0.0) {
                charges.push(c.charge(
                    "IOPS-month above the included",
                    extra * copies,
                    "rds.gp3_iops_month",
                    false,
                )?);
            }
        }
        "io1" | "io2" => {
            charges.push(c.charge(&label, gb * copies, "rds.io1_gb_month", false)?);
            let iops = iops.ok_or("io1 storage without Iops")?;
            charges.push(c.charge(
                "provisioned IOPS-month",
                iops * copies,
                "rds.io1_iops_month",
                false,
            )?);
        }
        "standard" => {
            charges.push(c.charge(&label, gb * copies, "rds.magnetic_gb_month", false)?)
        }
        other => {
            return Err(format!(
                "RDS storage type {other} is not in the pricing table"
            ))
        }
    }
    Ok(Outcome::Priced(charges, None))
}

/// Aurora cluster: its storage and I/O (assumed); its instances are priced
/// as DB instances.
pub fn db_cluster(c: &Ctx, p: &Value) -> Rule {
    let engine = c.str_of(p, "Engine")?.ok_or("no Engine")?;
    if !engine.starts_with("aurora") {
        return Err(
            "Multi-AZ DB clusters of non-Aurora engines are not in the pricing table".into(),
        );
    }
    if c.str_of(p, "EngineMode")?.as_deref() == Some("serverless") {
        return Err("Aurora Serverless v1 is not in the pricing table".into());
    }
    if c.str_of(p, "StorageType")?.as_deref() == Some("aurora-iopt1") {
        return Ok(Outcome::Priced(
            vec![c.assumed(
                "GB-month I/O-Optimized storage",
                "aurora_gb_per_cluster",
                "aurora.iopt_storage_gb_month",
            )?],
            None,
        ));
    }
    Ok(Outcome::Priced(
        vec![
            c.assumed(
                "GB-month storage",
                "aurora_gb_per_cluster",
                "aurora.storage_gb_month",
            )?,
            c.assumed(
                "million I/O requests",
                "aurora_million_io_per_cluster",
                "aurora.io_million",
            )?,
        ],
        None,
    ))
}

/// ElastiCache replication group: NumCacheClusters, or node groups ×
/// (1 + replicas), nodes of CacheNodeType for the month.
pub fn replication_group(c: &Ctx, p: &Value) -> Rule {
    if c.str_of(p, "Engine")?.as_deref() == Some("valkey") {
        return Err("Valkey node prices are not in the pricing table".into());
    }
    let ty = c.str_of(p, "CacheNodeType")?.ok_or("no CacheNodeType")?;
    let replicas = c.num_of(p, "ReplicasPerNodeGroup")?;
    let nodes = if let Some(n) = c.num_of(p, "NumCacheClusters")? {
        n
    } else if let Some(groups) = c.num_of(p, "NumNodeGroups")? {
        groups * (1.0 + replicas.unwrap_or(0.0))
    } else if let Some(groups) = p["NodeGroupConfiguration"].as_array() {
        groups.len() as f64 * (1.0 + replicas.unwrap_or(0.0))
    } else {
        1.0
    };
    Ok(Outcome::Priced(
        vec![c.instance_hours(nodes, "elasticache", &ty)?],
        None,
    ))
}

/// ElastiCache cache cluster: NumCacheNodes of CacheNodeType.
pub fn cache_cluster(c: &Ctx, p: &Value) -> Rule {
    let ty = c.str_of(p, "CacheNodeType")?.ok_or("no CacheNodeType")?;
    let nodes = c.num_of(p, "NumCacheNodes")?.unwrap_or(1.0);
    Ok(Outcome::Priced(
        vec![c.instance_hours(nodes, "elasticache", &ty)?],
        None,
    ))
}

/// OpenSearch domain: data nodes, dedicated masters, warm nodes, and the
/// EBS volume of every data node (gp3 IOPS and throughput above the
/// included ones).
pub fn opensearch(c: &Ctx, p: &Value) -> Rule {
    let cc = &p["ClusterConfig"];
    let ty = c
        .str_of(cc, "InstanceType")?
        .ok_or("no ClusterConfig.InstanceType")?;
    let n = c.num_of(cc, "InstanceCount")?.unwrap_or(1.0);
    let mut charges = vec![c.instance_hours(n, "opensearch", &ty)?];
    if c.flag(cc, "DedicatedMasterEnabled") {
        let mt = c
            .str_of(cc, "DedicatedMasterType")?
            .ok_or("no DedicatedMasterType")?;
        let mc = c.num_of(cc, "DedicatedMasterCount")?.unwrap_or(3.0);
        let mut ch = c.instance_hours(mc, "opensearch", &mt)?;
        ch.what = format!("dedicated masters: {}", ch.what);
        charges.push(ch);
    }
    if c.flag(cc, "WarmEnabled") {
        let wt = c.str_of(cc, "WarmType")?.ok_or("no WarmType")?;
        let wc = c.num_of(cc, "WarmCount")?.ok_or("no WarmCount")?;
        charges.push(c.instance_hours(wc, "opensearch", &wt)?);
    }
    let ebs = &p["EBSOptions"];
    if c.flag(ebs, "EBSEnabled") {
        let size = c
            .num_of(ebs, "VolumeSize")?
            .ok_or("no EBSOptions.VolumeSize")?;
        let kind = c.str_of(ebs, "VolumeType")?.unwrap_or_else(|| "gp2".into());
        let key = match kind.as_str() {
            "gp3" => "opensearch.gp3_gb_month",
            "gp2" => "opensearch.gp2_gb_month",
            other => {
                return Err(format!(
                    "OpenSearch volume type {other} is not in the pricing table"
                ))
            }
        };
        let label = format!(
            "GB-month {kind} ({} nodes × {} GB)",
            fmt_qty(n),
            fmt_qty(size)
        );
        charges.push(c.charge(&label, n * size, key, false)?);
        if kind == "gp3" {
            if let Some(extra) = c
                .num_of(ebs, "Iops")?
                .map(|i| i - 3000.0)
                .filter(|e| *e > 0.0)
            {
                charges.push(c.charge(
                    "IOPS-month above 3,000 per node",
                    extra * n,
                    "opensearch.gp3_iops_month",
                    false,
                )?);
            }
            if let Some(extra) = c
                .num_of(ebs, "Throughput")?
                .map(|t| t - 125.0)
                .filter(|e| *e > 0.0)
            {
                charges.push(c.charge(
                    "MiB/s-month above 125 per node",
                    extra * n,
                    "opensearch.gp3_throughput_month",
                    false,
                )?);
            }
        }
    }
    Ok(Outcome::Priced(charges, None))
}

/// DAX cluster: ReplicationFactor nodes of NodeType.
pub fn dax(c: &Ctx, p: &Value) -> Rule {
    let ty = c.str_of(p, "NodeType")?.ok_or("no NodeType")?;
    let nodes = c
        .num_of(p, "ReplicationFactor")?
        .ok_or("no ReplicationFactor")?;
    Ok(Outcome::Priced(
        vec![c.instance_hours(nodes, "dax", &ty)?],
        None,
    ))
}

/// Provisioned capacity `units` of `kind` (RCU or WCU) for the month.
fn capacity(c: &Ctx, units: f64, kind: &str, note: &str, key: &str) -> Result<Charge, String> {
    c.charge(
        &format!(
            "{kind}-hours ({} {kind}{note} × {} h)",
            fmt_qty(units),
            fmt_qty(c.hours())
        ),
        units * c.hours(),
        key,
        false,
    )
}

/// Stored GB (assumed), times `copies`, with PITR for `pitr` of them.
fn table_storage(c: &Ctx, copies: f64, pitr: f64) -> Result<Vec<Charge>, String> {
    let gb = c.usage("dynamodb_gb_per_table")?;
    let each = if copies > 1.0 {
        format!(" ({} replicas)", fmt_qty(copies))
    } else {
        String::new()
    };
    let mut out = vec![c.charge(
        &format!("GB-month stored{each}"),
        gb * copies,
        "dynamodb.storage_gb_month",
        true,
    )?];
    if pitr > 0.0 {
        out.push(c.charge(
            "GB-month point-in-time recovery",
            gb * pitr,
            "dynamodb.pitr_gb_month",
            true,
        )?);
    }
    Ok(out)
}

/// DynamoDB table: on demand by assumed requests, provisioned by its
/// RCU/WCU (indexes included); storage and PITR by assumed size.
pub fn dynamodb_table(c: &Ctx, p: &Value) -> Rule {
    let mut charges = Vec::new();
    if c.str_of(p, "BillingMode")?.as_deref() == Some("PAY_PER_REQUEST") {
        charges.push(c.assumed(
            "million write request units",
            "dynamodb_million_writes_per_table",
            "dynamodb.write_request_million",
        )?);
        charges.push(c.assumed(
            "million read request units",
            "dynamodb_million_reads_per_table",
            "dynamodb.read_request_million",
        )?);
    } else {
        let (mut rcu, mut wcu) = (0.0, 0.0);
        let indexes = p["GlobalSecondaryIndexes"].as_array().into_iter().flatten();
        for pt in std::iter::once(&p["ProvisionedThroughput"])
            .chain(indexes.map(|i| &i["ProvisionedThroughput"]))
        {
            rcu += c.num_of(pt, "ReadCapacityUnits")?.unwrap_or(0.0);
            wcu += c.num_of(pt, "WriteCapacityUnits")?.unwrap_or(0.0);
        }
        charges.push(capacity(c, rcu, "RCU", "", "dynamodb.rcu_hour")?);
        charges.push(capacity(c, wcu, "WCU", "", "dynamodb.wcu_hour")?);
    }
    let pitr = c.flag(
        &p["PointInTimeRecoverySpecification"],
        "PointInTimeRecoveryEnabled",
    );
    charges.extend(table_storage(c, 1.0, if pitr { 1.0 } else { 0.0 })?);
    Ok(Outcome::Priced(charges, None))
}

/// Capacity units of a global table setting: fixed, or its auto scaling minimum.
fn units(c: &Ctx, setting: &Value, fixed: &str, scaling: &str) -> Result<Option<f64>, String> {
    match c.num_of(setting, fixed)? {
        Some(u) => Ok(Some(u)),
        None => c.num_of(&setting[scaling], "MinCapacity"),
    }
}

/// DynamoDB global table: every replica stores the data and applies every
/// write (replicated writes); reads are assumed in one replica.
/// Provisioned capacity is priced at its auto scaling minimum.
pub fn dynamodb_global_table(c: &Ctx, p: &Value) -> Rule {
    let replicas = p["Replicas"].as_array().cloned().unwrap_or_default();
    let n = (replicas.len() as f64).max(1.0);
    let mut charges = Vec::new();
    if c.str_of(p, "BillingMode")?.as_deref() == Some("PAY_PER_REQUEST") {
        let writes = c.usage("dynamodb_million_writes_per_table")?;
        charges.push(c.charge(
            &format!(
                "million replicated write units ({} M × {} replicas)",
                fmt_qty(writes),
                fmt_qty(n)
            ),
            writes * n,
            "dynamodb.replicated_write_request_million",
            true,
        )?);
        charges.push(c.assumed(
            "million read request units",
            "dynamodb_million_reads_per_table",
            "dynamodb.read_request_million",
        )?);
    } else {
        let w = &p["WriteProvisionedThroughputSettings"];
        let mut wcu = units(
            c,
            w,
            "WriteCapacityUnits",
            "WriteCapacityAutoScalingSettings",
        )?
        .unwrap_or(0.0);
        for gsi in p["GlobalSecondaryIndexes"].as_array().into_iter().flatten() {
            let s = &gsi["WriteProvisionedThroughputSettings"];
            wcu += units(
                c,
                s,
                "WriteCapacityUnits",
                "WriteCapacityAutoScalingSettings",
            )?
            .unwrap_or(0.0);
        }
        let mut rcu = 0.0;
        for r in &replicas {
            let s = &r["ReadProvisionedThroughputSettings"];
            rcu +=
                units(c, s, "ReadCapacityUnits", "ReadCapacityAutoScalingSettings")?.unwrap_or(0.0);
        }
        charges.push(capacity(
            c,
            rcu,
            "RCU",
            " over all replicas, auto scaling minimum",
            "dynamodb.rcu_hour",
        )?);
        charges.push(capacity(
            c,
            wcu * n,
            "WCU",
            &format!(
                " ({} × {} replicas, auto scaling minimum)",
                fmt_qty(wcu),
                fmt_qty(n)
            ),
            "dynamodb.wcu_hour",
        )?);
    }
    let pitr = replicas
        .iter()
        .filter(|r| {
            c.flag(
                &r["PointInTimeRecoverySpecification"],
                "PointInTimeRecoveryEnabled",
            )
        })
        .count() as f64;
    charges.extend(table_storage(c, n, pitr)?);
    Ok(Outcome::Priced(charges, None))
}

/// S3 bucket: assumed storage and requests.
pub fn s3_bucket(c: &Ctx) -> Rule {
    Ok(Outcome::Priced(
        vec![
            c.assumed(
                "GB-month Standard",
                "s3_gb_per_bucket",
                "s3.standard_gb_month",
            )?,
            c.assumed(
                "× 1,000 PUT/LIST",
                "s3_put_thousand_per_bucket",
                "s3.put_thousand",
            )?,
            c.assumed(
                "× 1,000 GET",
                "s3_get_thousand_per_bucket",
                "s3.get_thousand",
            )?,
        ],
        None,
    ))
}

/// Timestream table: assumed writes, memory store and magnetic store.
pub fn timestream_table(c: &Ctx) -> Rule {
    let memory = c.usage("timestream_memory_gb_per_table")?;
    Ok(Outcome::Priced(
        vec![
            c.assumed(
                "million writes",
                "timestream_million_writes_per_table",
                "timestream.writes_million",
            )?,
            c.charge(
                &format!(
                    "GB-hours memory store ({} GB × {} h)",
                    fmt_qty(memory),
                    fmt_qty(c.hours())
                ),
                memory * c.hours(),
                "timestream.memory_gb_hour",
                true,
            )?,
            c.assumed(
                "GB-month magnetic store",
                "timestream_magnetic_gb_per_table",
                "timestream.magnetic_gb_month",
            )?,
        ],
        None,
    ))
}

/// Kinesis stream: on demand by the stream hour and assumed GB; provisioned
/// by ShardCount and assumed PUT units.
pub fn kinesis_stream(c: &Ctx, p: &Value) -> Rule {
    if c.str_of(&p["StreamModeDetails"], "StreamMode")?.as_deref() == Some("ON_DEMAND") {
        let (price, _) = c.price("kinesis.on_demand_stream_hour")?;
        return Ok(Outcome::Priced(
            vec![
                c.hourly(1.0, "on-demand stream", price),
                c.assumed(
                    "GB written",
                    "kinesis_million_put_units_per_stream",
                    "kinesis.on_demand_gb",
                )?,
            ],
            None,
        ));
    }
    let shards = c.num_of(p, "ShardCount")?.unwrap_or(1.0);
    let (price, _) = c.price("kinesis.shard_hour")?;
    Ok(Outcome::Priced(
        vec![
            c.hourly(shards, "shard", price),
            c.assumed(
                "million PUT payload units",
                "kinesis_million_put_units_per_stream",
                "kinesis.put_units_million",
            )?,
        ],
        None,
    ))
}

/// Backup plan: assumed recovery points in the vault, and in each copy
/// destination with its transfer.
pub fn backup_plan(c: &Ctx, p: &Value) -> Rule {
    let gb = c.usage("backup_gb_per_plan")?;
    let copies: usize = p["BackupPlan"]["BackupPlanRule"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| r["CopyActions"].as_array().map_or(0, Vec::len))
        .sum();
    let mut charges = vec![c.charge("GB-month warm storage", gb, "backup.warm_gb_month", true)?];
    if copies > 0 {
        let label = format!("({} GB × {copies} copy destinations)", fmt_qty(gb));
        let total = gb * copies as f64;
        charges.push(c.charge(
            &format!("GB-month copies {label}"),
            total,
            "backup.warm_gb_month",
            true,
        )?);
        charges.push(c.charge(
            &format!("GB copied across regions {label}"),
            total,
            "backup.cross_region_gb",
            true,
        )?);
    }
    Ok(Outcome::Priced(charges, None))
}
