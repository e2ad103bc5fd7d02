//! Multi-region disaster recovery: seed 001's active-passive shape across
//! us-east-1 and us-west-2.

use std::time::Duration;
use strata::cfn::application_auto_scaling as aas;
use strata::dr::{
    AuroraProtection, AuroraSecondary, BucketProtection, Capacity, Endpoint, FailoverDnsProps,
    HostedZone, MultiRegionDR, MultiRegionDRProps, Standby, TableProtection,
};
use strata::dynamodb::{Attribute, GlobalSecondaryIndex, TableProps};
use strata::ec2::{AgentVpc, AgentVpcProps};
use strata::kms::KeyProps;
use strata::prelude::*;
use strata::rds::{ClusterInstance, DatabaseClusterProps, DatabaseSubnets};
use strata::s3::{BucketProps, LifecycleRule, ObjectLock, ObjectLockMode, StorageClass};

/// Seed 001's active-passive DR: us-east-1 serving, us-west-2 warm
/// standby (replication targets first, the Aurora secondary and standby
/// compute after the primary), RTO 15 minutes, RPO 5 minutes.
pub fn disaster_recovery(app: &App) {
    let region = |id: &str, region: &str| {
        app.stack(
            id,
            StackProps {
                env: Environment::new(super::ENV.0, region),
                description: Some(format!("Strata construct gallery: {id}")),
                ..Default::default()
            },
        )
    };
    let west = region("DrWest", "us-west-2");
    let east = region("DrEast", "us-east-1");
    let standby = region("DrWestStandby", "us-west-2");
    let minutes = |m: u64| Duration::from_secs(m * 60);
    let dr = MultiRegionDR::new(
        &east,
        &west,
        "Dr",
        MultiRegionDRProps {
            mode: Standby::WarmStandby { min_capacity: 2 },
            standby: Some(standby.clone()),
            ..MultiRegionDRProps::new("us-east-1", "us-west-2", minutes(15), minutes(5))
        },
    );
    let key = dr.multi_region_key(
        "DataKey",
        KeyProps {
            description: Some("Replicated agent data".into()),
            alias: Some("gallery/dr-data".into()),
            ..KeyProps::default()
        },
    );
    dr.protect_table(
        "GlobalContext",
        TableProtection {
            key: Some(key.clone()),
            ..TableProtection::new(TableProps {
                table_name: Some("gallery-global-context".into()),
                sort_key: Some(Attribute::string("timestamp")),
                ttl_attribute: Some("ttl".into()),
                global_indexes: vec![GlobalSecondaryIndex::new(
                    "severity-timestamp-index",
                    Attribute::string("severity"),
                )
                .sort_key(Attribute::string("timestamp"))],
                ..TableProps::new(Attribute::string("context_type"))
            })
        },
    );
    dr.protect_bucket(
        "Evidence",
        BucketProtection {
            key: Some(key.clone()),
            replica_bucket_name: Some("gallery-investigation-evidence-west".into()),
            // S3 cannot promise the 5-minute RPO: this bucket accepts 15.
            rpo: Some(minutes(15)),
            ..BucketProtection::new(BucketProps {
                bucket_name: Some("gallery-investigation-evidence".into()),
                lifecycle_rules: vec![LifecycleRule::new("tiering")
                    .transition(StorageClass::StandardIa, 30)
                    .transition(StorageClass::Glacier, 90)],
                object_lock: Some(ObjectLock {
                    mode: ObjectLockMode::Governance,
                    days: 2557,
                }),
                ..Default::default()
            })
        },
    );
    let east_vpc = AgentVpc::new(&east, "Vpc", AgentVpcProps::spaced_three_tier());
    let west_vpc = AgentVpc::new(&standby, "Vpc", AgentVpcProps::spaced_three_tier());
    dr.protect_aurora(
        "Aurora",
        AuroraProtection {
            cluster: DatabaseClusterProps {
                readers: vec![ClusterInstance::provisioned("db.r6g.large").in_az(1)],
                backup_retention_days: 7,
                ..DatabaseClusterProps::new(
                    "15.10",
                    ClusterInstance::provisioned("db.r6g.large").in_az(0),
                    DatabaseSubnets::from_vpc(&east_vpc, "data"),
                )
            },
            global_identifier: "gallery-agent-global".into(),
            secondary: AuroraSecondary::with_readers(
                DatabaseSubnets::from_vpc(&west_vpc, "data"),
                vec![ClusterInstance::provisioned("db.r6g.large").in_az(0)],
            ),
            key: Some(key),
        },
    );
    dr.failover_dns(
        "Api",
        FailoverDnsProps::new(
            HostedZone {
                zone_id: "Z0123456789ABCDEFGHIJ".into(),
                zone_name: "yourdomain.com".into(),
            },
            "api.yourdomain.com",
            Endpoint::Domain("api-east.yourdomain.com".into()),
            Endpoint::Domain("api-west.yourdomain.com".into()),
        ),
    );
    dr.protect_compute("Agents", Capacity { min: 4, max: 20 }, |scope, capacity| {
        scope.resource(
            "Scaling",
            aas::ScalableTarget::new(
                i64::from(capacity.max),
                i64::from(capacity.min),
                "service/agents/threat-classifier",
                "ecs:service:DesiredCount",
                "ecs",
            ),
        );
    });
}
