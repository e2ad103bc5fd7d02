//! Settings RDS would reject fail synth with the construct path and a
//! message that says what to change.

use std::time::Duration;

use strata::rds::{
    ClusterInstance, DatabaseCluster, DatabaseClusterProps, DatabaseSubnets, GlobalDatabase,
    MasterRotation, PerformanceInsights, ReaderScaling, ServerlessV2Scaling,
};

use super::{fixture, issues, only_issue, Fixture};

fn base(f: &Fixture) -> DatabaseClusterProps {
    DatabaseClusterProps::new(
        "15.10",
        ClusterInstance::provisioned("db.r6g.large"),
        DatabaseSubnets::from_vpc(&f.vpc, "data"),
    )
}

/// The single issue of a cluster built from `props`.
fn issue_of(props: impl FnOnce(&Fixture) -> DatabaseClusterProps) -> String {
    let f = fixture();
    DatabaseCluster::new(&f.stack, "AuroraCluster", props(&f));
    only_issue(&f.app)
}

#[test]
fn an_instance_class_the_engine_does_not_offer_is_reported_at_the_instance() {
    let message = issue_of(|f| DatabaseClusterProps {
        readers: vec![ClusterInstance::provisioned("db.r6g.24xlarge")],
        ..base(f)
    });
    assert_eq!(
        message,
        "BirdStack/AuroraCluster/reader1: [rds-instance-class] db.r6g.24xlarge does not exist for Aurora PostgreSQL; db.r6g comes in large, xlarge, 2xlarge, 4xlarge, 8xlarge, 12xlarge, 16xlarge"
    );
    let message = issue_of(|f| DatabaseClusterProps {
        writer: ClusterInstance::provisioned("db.m5.large"),
        ..base(f)
    });
    assert_eq!(
        message,
        "BirdStack/AuroraCluster/writer: [rds-instance-class] Aurora PostgreSQL does not run on db.m5.large; use a class of db.r5, db.r6g, db.r6i, db.r7g, db.r8g, db.x2g, db.t3, db.t4g (or db.serverless with Serverless v2)"
    );
}

#[test]
fn a_graviton_class_newer_than_the_engine_version_is_refused() {
    let message = issue_of(|f| DatabaseClusterProps {
        engine_version: "14.6".into(),
        writer: ClusterInstance::provisioned("db.r7g.large"),
        ..base(f)
    });
    assert_eq!(
        message,
        "BirdStack/AuroraCluster/writer: [rds-instance-class] db.r7g.large needs Aurora PostgreSQL 14.17 or later; this cluster runs 14.6"
    );
}

#[test]
fn db_serverless_needs_serverless_v2_capacity() {
    let message = issue_of(|f| DatabaseClusterProps {
        writer: ClusterInstance::serverless_v2(),
        ..base(f)
    });
    assert_eq!(
        message,
        "BirdStack/AuroraCluster/writer: [rds-instance-class] db.serverless instances need Serverless v2 capacity; set serverless_v2 on the cluster"
    );
}

#[test]
fn unknown_and_deprecated_engine_versions_are_refused() {
    let message = issue_of(|f| DatabaseClusterProps {
        engine_version: "15.4".into(),
        ..base(f)
    });
    assert_eq!(
        message,
        "BirdStack/AuroraCluster: [rds-engine-version] Aurora PostgreSQL 15.4 is deprecated and RDS no longer creates clusters with it; use one of 15.10, 15.12, 15.13, 15.14, 15.15, 15.17, 15.18, 15.19"
    );
    let message = issue_of(|f| DatabaseClusterProps {
        engine_version: "15.11".into(),
        ..base(f)
    });
    assert!(
        message.starts_with(
            "BirdStack/AuroraCluster: [rds-engine-version] Aurora PostgreSQL 15.11 is not a known release"
        ),
        "{message}"
    );
    let message = issue_of(|f| DatabaseClusterProps {
        engine_version: "9.6".into(),
        ..base(f)
    });
    assert_eq!(
        message,
        "BirdStack/AuroraCluster: [rds-engine-version] Aurora PostgreSQL 9.6 is not in the engine table; use major version 13, 14, 15, 16, 17, 18"
    );
}

#[test]
fn backup_retention_outside_1_to_35_days_is_refused() {
    for days in [0, 36] {
        let f = fixture();
        DatabaseCluster::new(
            &f.stack,
            "AuroraCluster",
            DatabaseClusterProps {
                backup_retention_days: days,
                ..base(&f)
            },
        );
        // The schema's bounds report the same value at the resource.
        let found: Vec<String> = issues(&f.app).iter().map(ToString::to_string).collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            found[0],
            format!("BirdStack/AuroraCluster: [rds-backup] a backup retention of {days} days is outside Aurora's 1-35 days")
        );
        assert!(
            found[1]
                .starts_with("BirdStack/AuroraCluster/Resource: property BackupRetentionPeriod:"),
            "{found:?}"
        );
    }
}

#[test]
fn overlapping_or_short_windows_are_refused() {
    let message = issue_of(|f| DatabaseClusterProps {
        backup_window: Some("03:30-04:30".into()),
        maintenance_window: Some("sun:04:00-sun:05:00".into()),
        ..base(f)
    });
    assert_eq!(
        message,
        "BirdStack/AuroraCluster: [rds-window] the backup window 03:30-04:30 overlaps the maintenance window sun:04:00-sun:05:00; move one of them"
    );
    let message = issue_of(|f| DatabaseClusterProps {
        backup_window: Some("03:00-03:20".into()),
        ..base(f)
    });
    assert_eq!(
        message,
        "BirdStack/AuroraCluster: [rds-window] the backup window lasts 20 minutes; RDS needs at least 30"
    );
    let message = issue_of(|f| DatabaseClusterProps {
        maintenance_window: Some("sunday 04:00".into()),
        ..base(f)
    });
    assert!(
        message.starts_with("BirdStack/AuroraCluster: [rds-window] maintenance window: \"sunday 04:00\" is not a weekly window"),
        "{message}"
    );
}

#[test]
fn a_reader_placed_beyond_the_subnets_is_refused() {
    let message = issue_of(|f| DatabaseClusterProps {
        readers: vec![
            ClusterInstance::provisioned("db.r6g.large").in_az(1),
            ClusterInstance::provisioned("db.r6g.large").in_az(3),
        ],
        ..base(f)
    });
    assert_eq!(
        message,
        "BirdStack/AuroraCluster/reader2: [rds-placement] AZ index 3 is beyond the 3 subnets of the cluster; use 0 to 2"
    );
}

#[test]
fn placement_needs_the_subnets_azs() {
    let message = issue_of(|f| DatabaseClusterProps {
        writer: ClusterInstance::provisioned("db.r6g.large").in_az(0),
        subnets: DatabaseSubnets::new(f.vpc.vpc_id(), f.vpc.subnet_ids("data").unwrap_or_default()),
        ..base(f)
    });
    assert_eq!(
        message,
        "BirdStack/AuroraCluster/writer: [rds-placement] the cluster's subnets were given without their availability zones; use DatabaseSubnets::from_vpc or fill availability_zones to place instances"
    );
}

#[test]
fn serverless_capacity_out_of_range_or_off_step_is_refused() {
    let serverless = |min, max| {
        move |f: &Fixture| DatabaseClusterProps {
            writer: ClusterInstance::serverless_v2(),
            serverless_v2: Some(ServerlessV2Scaling::new(min, max)),
            ..base(f)
        }
    };
    for (min, max) in [(0.5, 300.0), (8.0, 4.0), (-1.0, 4.0)] {
        assert_eq!(
            issue_of(serverless(min, max)),
            format!("BirdStack/AuroraCluster: [rds-serverless] Serverless v2 capacity {min}-{max} ACU is out of range; this engine version takes a minimum of 0 to 256 ACU, a maximum of 1 to 256 ACU, and min <= max")
        );
    }
    assert_eq!(
        issue_of(serverless(0.25, 4.0)),
        "BirdStack/AuroraCluster: [rds-serverless] Serverless v2 capacity 0.25-4 ACU must be given in 0.5 ACU steps"
    );
    let message = issue_of(|f| DatabaseClusterProps {
        serverless_v2: Some(ServerlessV2Scaling {
            seconds_until_auto_pause: Some(Duration::from_secs(600)),
            ..ServerlessV2Scaling::new(0.5, 4.0)
        }),
        ..base(f)
    });
    assert_eq!(
        message,
        "BirdStack/AuroraCluster: [rds-serverless] auto-pause after 600s needs a minimum capacity of 0 ACU and 300 to 86400 whole seconds"
    );
}

#[test]
fn older_engine_versions_keep_the_narrow_serverless_range() {
    let message = issue_of(|f| DatabaseClusterProps {
        engine_version: "14.6".into(),
        serverless_v2: Some(ServerlessV2Scaling::new(0.0, 64.0)),
        ..base(f)
    });
    assert_eq!(
        message,
        "BirdStack/AuroraCluster: [rds-serverless] Serverless v2 capacity 0-64 ACU is out of range; this engine version takes a minimum of 0.5 to 128 ACU, a maximum of 1 to 128 ACU, and min <= max"
    );
}

#[test]
fn reader_scaling_with_min_above_max_is_refused() {
    let message = issue_of(|f| DatabaseClusterProps {
        reader_scaling: Some(ReaderScaling::new(6, 5, 70.0)),
        ..base(f)
    });
    assert_eq!(
        message,
        "BirdStack/AuroraCluster: [rds-reader-scaling] reader limits 6..5 are invalid; min must not be above max, and Aurora has at most 15 readers"
    );
    let message = issue_of(|f| DatabaseClusterProps {
        reader_scaling: Some(ReaderScaling::new(1, 5, 0.0)),
        ..base(f)
    });
    assert_eq!(
        message,
        "BirdStack/AuroraCluster: [rds-reader-scaling] a target CPU of 0% is not a utilisation; use a value above 0 and up to 100"
    );
}

#[test]
fn performance_insights_retention_must_be_an_offered_period() {
    for days in [30, 62, 731] {
        let f = fixture();
        DatabaseCluster::new(
            &f.stack,
            "AuroraCluster",
            DatabaseClusterProps {
                performance_insights: Some(PerformanceInsights {
                    retention_days: days,
                    encryption_key: None,
                }),
                ..base(&f)
            },
        );
        let found = issues(&f.app);
        if days == 30 {
            assert_eq!(found.len(), 1);
            assert_eq!(
                found[0].to_string(),
                "BirdStack/AuroraCluster: [rds-performance-insights] a Performance Insights retention of 30 days is not offered; use 7, a multiple of 31 up to 713, or 731"
            );
        } else {
            assert!(found.is_empty(), "{days}: {found:?}");
        }
    }
}

#[test]
fn enhanced_monitoring_needs_an_offered_interval() {
    let message = issue_of(|f| DatabaseClusterProps {
        monitoring_interval: Some(Duration::from_secs(45)),
        ..base(f)
    });
    assert_eq!(
        message,
        "BirdStack/AuroraCluster: [rds-monitoring] an Enhanced Monitoring interval of 45s is not offered; use 1, 5, 10, 15, 30 or 60 seconds"
    );
}

#[test]
fn a_single_subnet_is_refused() {
    let message = issue_of(|f| DatabaseClusterProps {
        subnets: DatabaseSubnets::new(f.vpc.vpc_id(), vec!["subnet-1".into()]),
        ..base(f)
    });
    assert_eq!(
        message,
        "BirdStack/AuroraCluster: [rds-subnets] the subnet group has 1 subnet(s); Aurora needs subnets in at least 2 availability zones"
    );
}

#[test]
fn a_global_secondary_cannot_rotate_credentials_it_does_not_own() {
    let message = issue_of(|f| DatabaseClusterProps {
        global: Some(GlobalDatabase::Secondary {
            identifier: "bird-agent-global".into(),
        }),
        rotation: Some(MasterRotation::every_days(30)),
        ..base(f)
    });
    assert_eq!(
        message,
        "BirdStack/AuroraCluster: [rds-global] a secondary cluster of a global database takes its credentials and databases from the primary; drop rotation and database_name"
    );
}

#[test]
fn a_storage_key_without_encryption_is_refused() {
    let message = issue_of(|f| DatabaseClusterProps {
        storage_encrypted: false,
        storage_encryption_key: Some(f.rds_key.key_arn()),
        ..base(f)
    });
    assert_eq!(
        message,
        "BirdStack/AuroraCluster: [rds-encryption] a storage encryption key is set but storage_encrypted is false; encrypt the storage or drop the key"
    );
}
