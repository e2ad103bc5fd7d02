//! The Aurora global database: the primary in the primary stack, the
//! secondary (with readers or headless) in a standby stack after it.

use super::*;

fn aurora_app(readers: Vec<ClusterInstance>, rto: Duration) -> App {
    let headless = readers.is_empty();
    let app = App::new();
    let west = region_stack(&app, "AgentWest", "us-west-2");
    let east = region_stack(&app, "AgentEast", "us-east-1");
    let standby = region_stack(&app, "AgentWestStandby", "us-west-2");
    let dr = MultiRegionDR::new(
        &east,
        &west,
        "Dr",
        MultiRegionDRProps {
            rto,
            ..seed_001(Some(standby))
        },
    );
    let key = dr.multi_region_key("DbKey", KeyProps::default());
    let subnets = |vpc: &str, a: &str, b: &str| DatabaseSubnets::new(vpc, vec![a.into(), b.into()]);
    let aurora = dr.protect_aurora(
        "Aurora",
        AuroraProtection {
            cluster: DatabaseClusterProps {
                readers: vec![ClusterInstance::provisioned("db.r6g.large")],
                backup_retention_days: 7,
                ..DatabaseClusterProps::new(
                    "15.10",
                    ClusterInstance::provisioned("db.r6g.large"),
                    subnets("vpc-0e1", "subnet-0e1a", "subnet-0e1b"),
                )
            },
            global_identifier: "bird-agent-global".into(),
            secondary: AuroraSecondary::with_readers(
                subnets("vpc-0w1", "subnet-0w1a", "subnet-0w1b"),
                readers,
            ),
            key: Some(key),
        },
    );
    assert_eq!(
        matches!(aurora.secondary, Some(SecondaryCluster::Headless(_))),
        headless,
        "a secondary without readers is headless"
    );
    app
}

#[test]
fn aurora_global_database_spans_the_primary_and_a_standby_stack_after_it() {
    let assembly = aurora_app(
        vec![ClusterInstance::provisioned("db.r6g.large")],
        minutes(15),
    )
    .synth()
    .expect("seed 000's global database synthesizes");
    let east = stack(&assembly, "AgentEast");
    let standby = stack(&assembly, "AgentWestStandby");
    assert_eq!(east.dependencies, ["AgentWest"]);
    assert_eq!(standby.dependencies, ["AgentWest", "AgentEast"]);
    let global = resource(&east.template, &["Dr", "Aurora", "GlobalCluster"]);
    assert_eq!(
        global["Properties"]["GlobalClusterIdentifier"],
        "bird-agent-global"
    );
    let primary = &resource(&east.template, &["Dr", "Aurora", "Resource"])["Properties"];
    assert_eq!(
        primary["GlobalClusterIdentifier"],
        json!({"Ref": strata::logical_id(&["Dr", "Aurora", "GlobalCluster"])})
    );
    assert_eq!(
        primary["KmsKeyId"],
        json!({"Fn::GetAtt": [strata::logical_id(&["Dr", "DbKey", "Resource"]), "Arn"]})
    );
    let secondary = &resource(&standby.template, &["Dr", "Aurora", "Resource"])["Properties"];
    assert_eq!(
        secondary["GlobalClusterIdentifier"],
        cross("AgentEast", &["Dr", "Aurora", "GlobalCluster"], "Ref")
    );
    assert_eq!(
        secondary["KmsKeyId"],
        cross("AgentWest", &["Dr", "DbKey", "Resource"], "Arn")
    );
    assert_eq!(secondary["EngineVersion"], "15.10");
    assert_eq!(secondary["BackupRetentionPeriod"], 7);
    assert!(
        secondary.get("MasterUsername").is_none(),
        "a secondary takes its credentials from the primary"
    );
    let reader = resource(&standby.template, &["Dr", "Aurora", "writer", "Resource"]);
    assert_eq!(reader["Properties"]["DBInstanceClass"], "db.r6g.large");
}

#[test]
fn a_headless_secondary_has_no_instance_and_counts_as_a_pilot_light() {
    let app = aurora_app(Vec::new(), minutes(45));
    let assembly = app
        .synth()
        .expect("45 minutes leaves room for a headless secondary");
    let standby = stack(&assembly, "AgentWestStandby");
    let kinds: Vec<&str> = standby.template["Resources"]
        .as_object()
        .expect("resources")
        .values()
        .filter_map(|r| r["Type"].as_str())
        .collect();
    assert!(kinds.contains(&"AWS::RDS::DBCluster"), "{kinds:?}");
    assert!(!kinds.contains(&"AWS::RDS::DBInstance"), "{kinds:?}");
    let cluster = &resource(&standby.template, &["Dr", "Aurora", "Resource"])["Properties"];
    assert_eq!(cluster["Engine"], "aurora-postgresql");
    assert_eq!(
        cluster["DBSubnetGroupName"],
        json!({"Ref": strata::logical_id(&["Dr", "Aurora", "Subnets", "Default"])})
    );
    let err = errors(&aurora_app(Vec::new(), minutes(15)));
    assert!(err.contains("AgentWestStandby/Dr/Aurora"), "{err}");
    assert!(
        err.contains(
            "an RTO of 15m cannot be met: the headless Aurora secondary has no DB instance"
        ),
        "{err}"
    );
    assert!(err.contains("give the secondary readers"), "{err}");
}

#[test]
fn promoting_a_secondary_counts_a_minute_against_the_rto() {
    let err = errors(&aurora_app(
        vec![ClusterInstance::provisioned("db.r6g.large")],
        Duration::from_secs(45),
    ));
    assert!(err.contains("AgentWestStandby/Dr/Aurora"), "{err}");
    assert!(
        err.contains("an RTO of 45s cannot be met: promoting the Aurora secondary cluster takes up to a minute"),
        "{err}"
    );
}

#[test]
fn aurora_without_a_standby_stack_says_why_it_needs_one() {
    let app = App::new();
    let west = region_stack(&app, "AgentWest", "us-west-2");
    let east = region_stack(&app, "AgentEast", "us-east-1");
    let dr = MultiRegionDR::new(&east, &west, "Dr", seed_001(None));
    let aurora = dr.protect_aurora(
        "Aurora",
        AuroraProtection {
            cluster: DatabaseClusterProps::new(
                "15.10",
                ClusterInstance::provisioned("db.r6g.large"),
                DatabaseSubnets::new("vpc-0e1", vec!["subnet-0e1a".into(), "subnet-0e1b".into()]),
            ),
            global_identifier: "bird-agent-global".into(),
            secondary: AuroraSecondary::headless(DatabaseSubnets::new(
                "vpc-0w1",
                vec!["subnet-0w1a".into(), "subnet-0w1b".into()],
            )),
            key: None,
        },
    );
    assert!(aurora.secondary.is_none());
    let err = errors(&app);
    assert!(err.contains("AgentEast/Dr/Aurora"), "{err}");
    assert!(
        err.contains("needs a stack in us-west-2 that deploys after the primary; set MultiRegionDRProps::standby"),
        "{err}"
    );
}
