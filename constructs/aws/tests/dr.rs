//! MultiRegionDR: seed 001's active-passive shape (us-east-1 serving,
//! us-west-2 warm standby, RTO 15 minutes, RPO 5 minutes) and seed 000's
//! Aurora global database and Route 53 failover, each resource in the
//! right stack and the stacks in deploy order; and the RTO/RPO errors.

use std::time::Duration;

use serde_json::{json, Value as Json};
use strata::cfn::application_auto_scaling as aas;
use strata::dr::{
    AuroraProtection, AuroraSecondary, BucketProtection, Capacity, Endpoint, FailoverDnsProps,
    HealthCheckSettings, HostedZone, MultiRegionDR, MultiRegionDRProps, SecondaryCluster, Standby,
    TableProtection,
};
use strata::dynamodb::{Attribute, GlobalSecondaryIndex, TableProps};
use strata::kms::KeyProps;
use strata::prelude::*;
use strata::rds::{ClusterInstance, DatabaseClusterProps, DatabaseSubnets};
use strata::s3::{
    BucketEncryption, BucketProps, LifecycleRule, ObjectLock, ObjectLockMode, StorageClass,
};
use strata::Assembly;

#[path = "dr/aurora.rs"]
mod aurora;
#[path = "dr/objectives.rs"]
mod objectives;

const ACCOUNT: &str = "123456789012";

fn minutes(m: u64) -> Duration {
    Duration::from_secs(m * 60)
}

fn region_stack(app: &App, id: &str, region: &str) -> Scope {
    app.stack(
        id,
        StackProps {
            env: Environment::new(ACCOUNT, region),
            ..Default::default()
        },
    )
}

/// Seed 001's objectives between the two stacks.
fn seed_001(standby: Option<Scope>) -> MultiRegionDRProps {
    MultiRegionDRProps {
        mode: Standby::WarmStandby { min_capacity: 2 },
        standby,
        ..MultiRegionDRProps::new("us-east-1", "us-west-2", minutes(15), minutes(5))
    }
}

fn stack<'a>(assembly: &'a Assembly, id: &str) -> &'a strata::StackArtifact {
    assembly
        .stacks
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("stack {id}"))
}

fn resource<'a>(template: &'a Json, path: &[&str]) -> &'a Json {
    let id = strata::logical_id(path);
    let r = &template["Resources"][id.as_str()];
    assert!(!r.is_null(), "no resource at {path:?}");
    r
}

/// The parameter a consumer gets for `attribute` of the resource at
/// `path` in stack `producer`.
fn cross(producer: &str, path: &[&str], attribute: &str) -> Json {
    let mut parts = vec!["CrossStack", producer];
    parts.extend(path);
    parts.push(attribute);
    json!({"Ref": strata::logical_id(&parts)})
}

fn errors(app: &App) -> String {
    app.synth().expect_err("synth must fail").to_string()
}

fn seed_001_app() -> App {
    let app = App::new();
    let west = region_stack(&app, "AgentWest", "us-west-2");
    let east = region_stack(&app, "AgentEast", "us-east-1");
    let dr = MultiRegionDR::new(&east, &west, "Dr", seed_001(None));
    let key = dr.multi_region_key(
        "ContextKey",
        KeyProps {
            description: Some("Context data in both Regions".into()),
            alias: Some("agent/context".into()),
            ..KeyProps::default()
        },
    );
    dr.protect_table(
        "GlobalContext",
        TableProtection {
            key: Some(key.clone()),
            ..TableProtection::new(TableProps {
                table_name: Some("global-context".into()),
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
            key: Some(key),
            replica_bucket_name: Some("investigation-evidence-west".into()),
            rpo: Some(minutes(15)),
            ..BucketProtection::new(BucketProps {
                bucket_name: Some("investigation-evidence".into()),
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
    let agents = dr.protect_compute("Agents", Capacity { min: 4, max: 20 }, |scope, cap| {
        scope.resource(
            "Scaling",
            aas::ScalableTarget::new(
                i64::from(cap.max),
                i64::from(cap.min),
                "service/agents/threat-classifier",
                "ecs:service:DesiredCount",
                "ecs",
            ),
        );
        cap
    });
    assert_eq!(agents.standby, Capacity { min: 2, max: 20 });
    app
}

#[test]
fn seed_001_shape_puts_each_resource_in_its_region_and_orders_the_stacks() {
    let assembly = seed_001_app()
        .synth()
        .expect("seed 001's DR shape synthesizes");
    let (west, east) = (stack(&assembly, "AgentWest"), stack(&assembly, "AgentEast"));
    assert_eq!(west.env.region.as_deref(), Some("us-west-2"));
    assert_eq!(east.env.region.as_deref(), Some("us-east-1"));
    // Replication targets first: the primary deploys after the secondary.
    assert_eq!(east.dependencies, ["AgentWest"]);
    assert!(west.dependencies.is_empty());
    let types = |t: &Json| {
        let mut v: Vec<String> = t["Resources"]
            .as_object()
            .expect("resources")
            .values()
            .map(|r| r["Type"].as_str().unwrap_or_default().to_string())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    assert_eq!(
        types(&west.template),
        [
            "AWS::ApplicationAutoScaling::ScalableTarget",
            "AWS::KMS::Alias",
            "AWS::KMS::Key",
            "AWS::S3::Bucket",
            "AWS::S3::BucketPolicy",
        ]
    );
    assert_eq!(
        types(&east.template),
        [
            "AWS::ApplicationAutoScaling::ScalableTarget",
            "AWS::DynamoDB::GlobalTable",
            "AWS::IAM::Policy",
            "AWS::IAM::Role",
            "AWS::KMS::Alias",
            "AWS::KMS::ReplicaKey",
            "AWS::Route53::HealthCheck",
            "AWS::Route53::RecordSet",
            "AWS::S3::Bucket",
            "AWS::S3::BucketPolicy",
        ]
    );
}

#[test]
fn the_multi_region_key_is_born_in_the_secondary_and_replicated_to_the_primary() {
    let assembly = seed_001_app().synth().expect("valid");
    let (west, east) = (stack(&assembly, "AgentWest"), stack(&assembly, "AgentEast"));
    let key = resource(&west.template, &["Dr", "ContextKey", "Resource"]);
    assert_eq!(key["Properties"]["MultiRegion"], true);
    assert_eq!(key["Properties"]["EnableKeyRotation"], true);
    let replica = resource(&east.template, &["Dr", "ContextKey", "Resource"]);
    assert_eq!(replica["Type"], "AWS::KMS::ReplicaKey");
    assert_eq!(replica["DeletionPolicy"], "Retain");
    assert_eq!(
        replica["Properties"]["PrimaryKeyArn"],
        cross("AgentWest", &["Dr", "ContextKey", "Resource"], "Arn")
    );
    assert_eq!(
        replica["Properties"]["Description"],
        "Context data in both Regions"
    );
    // The same alias answers in each Region.
    for t in [&west.template, &east.template] {
        let alias = resource(t, &["Dr", "ContextKey", "Alias", "Resource"]);
        assert_eq!(alias["Properties"]["AliasName"], "alias/agent/context");
    }
}

#[test]
fn tables_become_global_tables_with_a_replica_key_in_each_region() {
    let assembly = seed_001_app().synth().expect("valid");
    let east = stack(&assembly, "AgentEast");
    let table = resource(&east.template, &["Dr", "GlobalContext", "Resource"]);
    let p = &table["Properties"];
    assert_eq!(p["TableName"], "global-context");
    assert_eq!(
        p["StreamSpecification"]["StreamViewType"],
        "NEW_AND_OLD_IMAGES"
    );
    assert_eq!(
        p["SSESpecification"],
        json!({"SSEEnabled": true, "SSEType": "KMS"})
    );
    let replica_key = strata::logical_id(&["Dr", "ContextKey", "Resource"]);
    assert_eq!(p["Replicas"][0]["Region"], "us-east-1");
    assert_eq!(
        p["Replicas"][0]["SSESpecification"],
        json!({"KMSMasterKeyId": {"Fn::GetAtt": [replica_key, "Arn"]}})
    );
    assert_eq!(p["Replicas"][1]["Region"], "us-west-2");
    assert_eq!(
        p["Replicas"][1]["SSESpecification"],
        json!({"KMSMasterKeyId": cross("AgentWest", &["Dr", "ContextKey", "Resource"], "Arn")})
    );
}

#[test]
fn buckets_replicate_to_a_destination_in_the_secondary_under_time_control() {
    let assembly = seed_001_app().synth().expect("valid");
    let (west, east) = (stack(&assembly, "AgentWest"), stack(&assembly, "AgentEast"));
    let replica = &resource(&west.template, &["Dr", "Evidence", "Resource"])["Properties"];
    assert_eq!(replica["BucketName"], "investigation-evidence-west");
    assert_eq!(replica["VersioningConfiguration"]["Status"], "Enabled");
    assert_eq!(
        replica["ObjectLockConfiguration"]["Rule"]["DefaultRetention"],
        json!({"Days": 2557, "Mode": "GOVERNANCE"})
    );
    let west_key = strata::logical_id(&["Dr", "ContextKey", "Resource"]);
    assert_eq!(
        replica["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
            ["ServerSideEncryptionByDefault"]["KMSMasterKeyID"],
        json!({"Fn::GetAtt": [west_key, "Arn"]})
    );
    assert_eq!(
        replica["LifecycleConfiguration"]["Rules"][0]["Id"], "tiering",
        "the replica ages like its source"
    );
    let source = &resource(&east.template, &["Dr", "Evidence", "Resource"])["Properties"];
    assert_eq!(source["BucketName"], "investigation-evidence");
    assert_eq!(source["VersioningConfiguration"]["Status"], "Enabled");
    let rule = &source["ReplicationConfiguration"]["Rules"][0];
    assert_eq!(
        rule["Destination"],
        json!({
            "Bucket": cross("AgentWest", &["Dr", "Evidence", "Resource"], "Arn"),
            "EncryptionConfiguration": {
                "ReplicaKmsKeyID": cross("AgentWest", &["Dr", "ContextKey", "Resource"], "Arn")
            },
            "Metrics": {"EventThreshold": {"Minutes": 15}, "Status": "Enabled"},
            "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}}
        })
    );
    assert_eq!(
        rule["SourceSelectionCriteria"]["SseKmsEncryptedObjects"]["Status"],
        "Enabled"
    );
    // The producer exports nothing: values pass as outputs and parameters.
    assert!(west.template["Outputs"]
        .as_object()
        .expect("outputs")
        .values()
        .all(|o| o.get("Export").is_none()));
}

#[test]
fn dns_fails_over_on_seed_000s_health_check() {
    let assembly = seed_001_app().synth().expect("valid");
    let east = stack(&assembly, "AgentEast");
    let check = resource(&east.template, &["Dr", "Api", "HealthCheck"]);
    assert_eq!(
        check["Properties"]["HealthCheckConfig"],
        json!({
            "EnableSNI": true,
            "FailureThreshold": 3,
            "FullyQualifiedDomainName": "api-east.yourdomain.com",
            "Port": 443,
            "RequestInterval": 30,
            "ResourcePath": "/health",
            "Type": "HTTPS"
        })
    );
    let check_id = strata::logical_id(&["Dr", "Api", "HealthCheck"]);
    assert_eq!(
        resource(&east.template, &["Dr", "Api", "Primary"])["Properties"],
        json!({
            "Failover": "PRIMARY",
            "HealthCheckId": {"Ref": check_id},
            "HostedZoneId": "Z0123456789ABCDEFGHIJ",
            "Name": "api.yourdomain.com.",
            "ResourceRecords": ["api-east.yourdomain.com"],
            "SetIdentifier": "primary",
            "TTL": "60",
            "Type": "CNAME"
        })
    );
    let secondary = &resource(&east.template, &["Dr", "Api", "Secondary"])["Properties"];
    assert_eq!(secondary["Failover"], "SECONDARY");
    assert_eq!(
        secondary["ResourceRecords"],
        json!(["api-west.yourdomain.com"])
    );
    assert!(secondary.get("HealthCheckId").is_none());
}

#[test]
fn warm_standby_compute_runs_at_its_minimum_in_the_secondary() {
    let assembly = seed_001_app().synth().expect("valid");
    let (west, east) = (stack(&assembly, "AgentWest"), stack(&assembly, "AgentEast"));
    let capacity = |t: &Json| {
        let p = &resource(t, &["Dr", "Agents", "Scaling"])["Properties"];
        (p["MinCapacity"].clone(), p["MaxCapacity"].clone())
    };
    assert_eq!(capacity(&east.template), (json!(4), json!(20)));
    assert_eq!(capacity(&west.template), (json!(2), json!(20)));
}
