//! ElastiCache Redis: seed 000's replication group, and the settings
//! ElastiCache would reject, caught at synth.

use serde_json::json;
use strata::elasticache::{RedisProps, RedisReplicationGroup};
use strata::prelude::*;
use strata::window::Window;

fn seed_000() -> RedisProps {
    RedisProps {
        num_cache_clusters: 3,
        multi_az: true,
        automatic_failover: true,
        subnet_ids: vec!["subnet-a".into(), "subnet-b".into(), "subnet-c".into()],
        subnet_group_name: Some("agent-cache-subnet-group".into()),
        security_group_ids: vec!["sg-cache".into()],
        auth_token: Some("{{resolve:secretsmanager:token}}".into()),
        parameters: [
            ("maxmemory-policy", "allkeys-lru"),
            ("timeout", "300"),
            ("tcp-keepalive", "300"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
        snapshot_retention_days: 5,
        snapshot_window: Some("05:00-06:00".into()),
        maintenance_window: Some("sun:06:00-sun:07:00".into()),
        ..RedisProps::new("Agent session cache", "7.0", "cache.r6g.large")
    }
}

#[test]
fn seed_000_redis_renders_every_setting() {
    let app = App::new();
    let stack = app.stack("Cache", StackProps::default());
    RedisReplicationGroup::new(&stack, "Redis", seed_000());
    let t = app.synth().expect("valid").stacks[0].template.clone();
    let r = &t["Resources"];
    let group_id = strata::logical_id(&["Redis", "Resource"]);
    let subnets_id = strata::logical_id(&["Redis", "SubnetGroup"]);
    let params_id = strata::logical_id(&["Redis", "ParameterGroup"]);
    let group = &r[group_id.as_str()];
    assert_eq!(group["DeletionPolicy"], "Snapshot");
    assert_eq!(group["UpdateReplacePolicy"], "Snapshot");
    assert_eq!(
        group["Properties"],
        json!({
            "AtRestEncryptionEnabled": true,
            "AuthToken": "{{resolve:secretsmanager:token}}",
            "AutomaticFailoverEnabled": true,
            "CacheNodeType": "cache.r6g.large",
            "CacheParameterGroupName": {"Ref": params_id},
            "CacheSubnetGroupName": {"Ref": subnets_id},
            "Engine": "redis",
            "EngineVersion": "7.0",
            "MultiAZEnabled": true,
            "NumCacheClusters": 3,
            "Port": 6379,
            "PreferredMaintenanceWindow": "sun:06:00-sun:07:00",
            "ReplicationGroupDescription": "Agent session cache",
            "SecurityGroupIds": ["sg-cache"],
            "SnapshotRetentionLimit": 5,
            "SnapshotWindow": "05:00-06:00",
            "TransitEncryptionEnabled": true
        })
    );
    assert_eq!(
        r[params_id.as_str()]["Properties"],
        json!({
            "CacheParameterGroupFamily": "redis7",
            "Description": "Parameters of Agent session cache",
            "Properties": {
                "maxmemory-policy": "allkeys-lru",
                "tcp-keepalive": "300",
                "timeout": "300"
            }
        })
    );
    assert_eq!(
        r[subnets_id.as_str()]["Properties"]["CacheSubnetGroupName"],
        "agent-cache-subnet-group"
    );
}

fn error_for(edit: impl FnOnce(&mut RedisProps)) -> String {
    let app = App::new();
    let stack = app.stack("Cache", StackProps::default());
    let mut props = seed_000();
    edit(&mut props);
    RedisReplicationGroup::new(&stack, "Redis", props);
    let err = app.synth().expect_err("must fail").to_string();
    assert!(err.contains("Cache/Redis"), "{err}");
    err
}

#[test]
fn settings_elasticache_rejects_are_synth_errors() {
    let err = error_for(|p| p.transit_encryption = false);
    assert!(
        err.contains("an AUTH token needs transit encryption"),
        "{err}"
    );
    let err = error_for(|p| p.automatic_failover = false);
    assert!(err.contains("Multi-AZ needs automatic failover"), "{err}");
    let err = error_for(|p| {
        p.num_cache_clusters = 1;
        p.multi_az = false;
    });
    assert!(
        err.contains("automatic failover needs at least 2 cache clusters"),
        "{err}"
    );
    let err = error_for(|p| p.node_type = "r6g.large".into());
    assert!(
        err.contains("\"r6g.large\" is not an ElastiCache node type"),
        "{err}"
    );
    let err = error_for(|p| p.engine_version = "latest".into());
    assert!(err.contains("\"latest\" is not a Redis version"), "{err}");
    let err = error_for(|p| p.snapshot_window = Some("06:30-07:30".into()));
    assert!(err.contains("overlaps the maintenance window"), "{err}");
    let err = error_for(|p| p.maintenance_window = Some("sunday 6am".into()));
    assert!(err.contains("is not a weekly window"), "{err}");
    let err = error_for(|p| p.snapshot_window = Some("05:00-05:30".into()));
    assert!(err.contains("too short"), "{err}");
    let err = error_for(|p| p.snapshot_retention_days = 40);
    assert!(err.contains("snapshot retention of 40 days"), "{err}");
}

#[test]
fn windows_overlap_across_days_and_the_week_boundary() {
    let sat_night = Window::weekly("sat:23:00-sun:01:00").expect("valid");
    assert_eq!(sat_night.minutes(), 120);
    assert!(sat_night.overlaps(&Window::daily("00:30-01:30").expect("valid")));
    assert!(!sat_night.overlaps(&Window::daily("01:00-02:00").expect("valid")));
    let midnight = Window::daily("23:30-00:30").expect("valid");
    assert_eq!(midnight.minutes(), 60);
    assert!(midnight.overlaps(&Window::weekly("wed:00:00-wed:01:00").expect("valid")));
    assert!(Window::weekly("xyz:00:00-mon:01:00").is_err());
    assert!(Window::daily("05:00-05:00").is_err());
}
