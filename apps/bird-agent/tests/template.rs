//! The synthesized templates: a snapshot per stack of every environment,
//! CDK logical-ID parity, and the seed's architecture facts.

use std::collections::BTreeMap;

use serde_json::Value;

/// The production environment, the architecture the seed describes.
fn template() -> Value {
    let assembly = bird_agent::app_for("prod")
        .synth()
        .unwrap_or_else(|e| panic!("{e}"));
    assembly.stacks[0].template.json().clone()
}

fn resources_of_type<'a>(t: &'a Value, ty: &str) -> Vec<&'a Value> {
    t["Resources"]
        .as_object()
        .expect("resources")
        .values()
        .filter(|r| r["Type"] == ty)
        .collect()
}

#[test]
fn template_snapshots() {
    let environments = strata::config::environments(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config"),
    );
    assert_eq!(environments, ["dev", "prod", "staging"]);
    for env in environments {
        let assembly = bird_agent::app_for(&env).synth().expect("valid");
        let ids: Vec<&str> = assembly.stacks.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, bird_agent::STACKS, "{env}");
        for stack in &assembly.stacks {
            let name = format!("bird-agent.{env}.{}.template.json", stack.id);
            insta::with_settings!({ snapshot_path => "../../../snapshots", prepend_module_to_snapshot => false }, {
                insta::assert_snapshot!(name, stack.body());
            });
        }
    }
}

#[test]
fn logical_ids_match_the_cdk_for_the_same_construct_paths() {
    let reference: Value =
        serde_json::from_str(include_str!("fixtures/cdk-reference.template.json"))
            .expect("reference json");
    let by_path = |t: &Value| -> BTreeMap<String, String> {
        t["Resources"]
            .as_object()
            .expect("resources")
            .iter()
            .filter_map(|(id, r)| {
                Some((
                    r["Metadata"]["aws:cdk:path"].as_str()?.to_string(),
                    id.clone(),
                ))
            })
            .collect()
    };
    let ours = by_path(&template());
    let cdk = by_path(&reference);
    let mut shared = 0;
    for (path, id) in &ours {
        if let Some(cdk_id) = cdk.get(path) {
            assert_eq!(id, cdk_id, "logical ID of {path}");
            shared += 1;
        }
    }
    assert!(
        shared >= 81,
        "only {shared} construct paths are shared with the CDK reference"
    );
}

#[test]
fn subnets_use_the_seed_cidrs_across_three_azs() {
    let t = template();
    let mut cidrs: Vec<&str> = resources_of_type(&t, "AWS::EC2::Subnet")
        .iter()
        .map(|s| s["Properties"]["CidrBlock"].as_str().expect("cidr"))
        .collect();
    cidrs.sort_unstable();
    assert_eq!(
        cidrs,
        [
            "10.0.1.0/24",
            "10.0.11.0/24",
            "10.0.12.0/24",
            "10.0.13.0/24",
            "10.0.2.0/24",
            "10.0.21.0/24",
            "10.0.22.0/24",
            "10.0.23.0/24",
            "10.0.3.0/24"
        ]
    );
    for s in resources_of_type(&t, "AWS::EC2::Subnet") {
        assert!(s["Properties"]["AvailabilityZone"]["Fn::Select"][1]["Fn::GetAZs"].is_string());
    }
    assert_eq!(resources_of_type(&t, "AWS::EC2::NatGateway").len(), 3);
}

#[test]
fn private_subnets_route_through_the_nat_in_their_own_az_and_data_has_no_default_route() {
    let t = template();
    let r = &t["Resources"];
    for az in 1..=3 {
        let find = |suffix: &str| {
            r.as_object()
                .expect("resources")
                .iter()
                .find(|(_, v)| v["Metadata"]["aws:cdk:path"] == format!("BirdStack/Vpc/{suffix}"))
                .map(|(k, _)| k.clone())
        };
        let nat = find(&format!("publicSubnet{az}/NATGateway")).expect("nat");
        let route = find(&format!("private-appSubnet{az}/DefaultRoute")).expect("route");
        assert_eq!(r[&route]["Properties"]["NatGatewayId"]["Ref"], nat.as_str());
        assert!(find(&format!("dataSubnet{az}/DefaultRoute")).is_none());
    }
}

#[test]
fn security_group_rules_follow_the_seed() {
    let t = template();
    // Rules between groups are separate resources; CIDR rules sit inline.
    let separate = resources_of_type(&t, "AWS::EC2::SecurityGroupIngress")
        .into_iter()
        .map(|r| r["Properties"].clone());
    let inline = resources_of_type(&t, "AWS::EC2::SecurityGroup")
        .into_iter()
        .flat_map(|g| {
            g["Properties"]["SecurityGroupIngress"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        });
    let mut ingress: Vec<(i64, String)> = separate
        .chain(inline)
        .map(|p| {
            let source = p["SourceSecurityGroupId"]["Fn::GetAtt"][0]
                .as_str()
                .or(p["CidrIp"].as_str())
                .map(str::to_string)
                .unwrap_or_else(|| p["CidrIp"].to_string());
            (p["FromPort"].as_i64().expect("port"), source)
        })
        .collect();
    ingress.sort();
    let ports: Vec<i64> = ingress.iter().map(|(p, _)| *p).collect();
    // 5432 is also open to the hosted rotation function's own group, and
    // the Secrets Manager endpoint it calls takes 443 from the VPC.
    assert_eq!(
        ports,
        [80, 80, 443, 443, 443, 5432, 5432, 5432, 6379, 6379, 8080, 8081]
    );
    // Database and cache groups allow no outbound traffic at all.
    for id in ["DatabaseSgBF3CBC42", "CacheSg89F87252"] {
        let egress = &t["Resources"][id]["Properties"]["SecurityGroupEgress"];
        assert_eq!(egress[0]["CidrIp"], "255.255.255.255/32", "{id}");
    }
    // ECS and Lambda reach the internet on 443 only, plus their group rules.
    for id in ["EcsSg17B4B0B3", "LambdaSg30A6108C"] {
        let egress = &t["Resources"][id]["Properties"]["SecurityGroupEgress"];
        assert_eq!(egress.as_array().map(Vec::len), Some(1), "{id}");
        assert_eq!(egress[0]["FromPort"], 443, "{id}");
    }
}

#[test]
fn stateful_resources_are_retained() {
    let t = template();
    for (ty, policy) in [
        ("AWS::S3::Bucket", "Retain"),
        ("AWS::DynamoDB::Table", "Retain"),
        ("AWS::KMS::Key", "Retain"),
        ("AWS::Logs::LogGroup", "Retain"),
        ("AWS::RDS::DBCluster", "Snapshot"),
        ("AWS::ElastiCache::ReplicationGroup", "Snapshot"),
    ] {
        let found = resources_of_type(&t, ty);
        assert!(!found.is_empty(), "{ty}");
        for r in found {
            assert_eq!(r["DeletionPolicy"], policy, "{ty}");
            assert_eq!(r["UpdateReplacePolicy"], policy, "{ty}");
        }
    }
}

#[test]
fn tables_have_the_seed_keys_streams_ttl_and_pitr() {
    let t = template();
    let tables: BTreeMap<&str, &Value> = resources_of_type(&t, "AWS::DynamoDB::Table")
        .into_iter()
        .map(|r| {
            (
                r["Properties"]["TableName"].as_str().expect("name"),
                &r["Properties"],
            )
        })
        .collect();
    let sessions = tables["agent-sessions"];
    assert_eq!(sessions["TimeToLiveSpecification"]["AttributeName"], "ttl");
    assert_eq!(
        sessions["StreamSpecification"]["StreamViewType"],
        "NEW_AND_OLD_IMAGES"
    );
    assert_eq!(
        sessions["GlobalSecondaryIndexes"][0]["IndexName"],
        "UserIndex"
    );
    let events = tables["agent-events"];
    assert_eq!(
        events["GlobalSecondaryIndexes"].as_array().map(Vec::len),
        Some(2)
    );
    let config = tables["agent-configurations"];
    assert_eq!(config["ProvisionedThroughput"]["ReadCapacityUnits"], 10);
    assert_eq!(config["ProvisionedThroughput"]["WriteCapacityUnits"], 5);
    for p in tables.values() {
        assert_eq!(
            p["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"],
            true
        );
    }
    let targets: Vec<&Value> = resources_of_type(&t, "AWS::ApplicationAutoScaling::ScalableTarget")
        .into_iter()
        .filter(|r| r["Properties"]["ServiceNamespace"] == "dynamodb")
        .collect();
    assert_eq!(targets.len(), 2);
    for target in targets {
        assert_eq!(target["Properties"]["MinCapacity"], 5);
        assert_eq!(target["Properties"]["MaxCapacity"], 200);
    }
}

#[test]
fn synth_is_deterministic() {
    let bodies = || -> Vec<String> {
        bird_agent::app_for("prod")
            .synth()
            .expect("valid")
            .stacks
            .into_iter()
            .map(|s| s.body().to_string())
            .collect()
    };
    assert_eq!(bodies(), bodies());
}

#[test]
fn the_binary_follows_the_cdk_app_protocol() {
    let dir = std::env::temp_dir().join(format!("bird-agent-outdir-{}", std::process::id()));
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_bird-agent"))
        .env("CDK_OUTDIR", &dir)
        .env("CDK_DEFAULT_ACCOUNT", "123456789012")
        .env("CDK_DEFAULT_REGION", "eu-west-1")
        .output()
        .expect("run the app");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("manifest.json")).expect("manifest"),
    )
    .expect("json");
    let art = &manifest["artifacts"][bird_agent::STACK];
    // The config file's region wins over the deploy chain's; its null
    // account falls back to CDK_DEFAULT_ACCOUNT.
    assert_eq!(art["environment"], "aws://123456789012/us-east-1");
    let file = art["properties"]["templateFile"]
        .as_str()
        .expect("template file");
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(file)).expect("template"))
            .expect("json");
    let config = bird_agent::Config {
        account: Some("123456789012".into()),
        ..bird_agent::Config::load("dev").expect("dev config")
    };
    let expected = bird_agent::build(&config).synth().expect("valid").stacks[0]
        .template
        .json()
        .clone();
    assert_eq!(written, expected);
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn aurora_and_redis_have_the_seed_settings() {
    let t = template();
    let cluster = &resources_of_type(&t, "AWS::RDS::DBCluster")[0]["Properties"];
    assert_eq!(cluster["Engine"], "aurora-postgresql");
    assert_eq!(cluster["DatabaseName"], "agentdb");
    assert_eq!(cluster["BackupRetentionPeriod"], 7);
    assert_eq!(cluster["PreferredBackupWindow"], "03:00-04:00");
    assert_eq!(cluster["PreferredMaintenanceWindow"], "sun:04:00-sun:05:00");
    assert_eq!(cluster["EnableIAMDatabaseAuthentication"], true);
    assert_eq!(cluster["StorageEncrypted"], true);
    assert_eq!(cluster["DeletionProtection"], true);
    let instances = resources_of_type(&t, "AWS::RDS::DBInstance");
    assert_eq!(instances.len(), 3);
    for i in &instances {
        assert_eq!(i["Properties"]["DBInstanceClass"], "db.r6g.large");
        assert_eq!(i["Properties"]["MonitoringInterval"], 60);
        assert_eq!(i["Properties"]["EnablePerformanceInsights"], true);
    }
    let readers = resources_of_type(&t, "AWS::ApplicationAutoScaling::ScalableTarget")
        .into_iter()
        .find(|r| r["Properties"]["ServiceNamespace"] == "rds")
        .expect("reader scaling");
    assert_eq!(readers["Properties"]["MinCapacity"], 1);
    assert_eq!(readers["Properties"]["MaxCapacity"], 5);
    let redis = &resources_of_type(&t, "AWS::ElastiCache::ReplicationGroup")[0]["Properties"];
    assert_eq!(redis["EngineVersion"], "7.0");
    assert_eq!(redis["CacheNodeType"], "cache.r6g.large");
    assert_eq!(redis["NumCacheClusters"], 3);
    assert_eq!(redis["MultiAZEnabled"], true);
    assert_eq!(redis["TransitEncryptionEnabled"], true);
    assert_eq!(redis["SnapshotRetentionLimit"], 5);
    let params = &resources_of_type(&t, "AWS::ElastiCache::ParameterGroup")[0]["Properties"];
    assert_eq!(params["Properties"]["maxmemory-policy"], "allkeys-lru");
}

#[test]
fn backups_follow_the_seed_strategy() {
    let t = template();
    let plan = &resources_of_type(&t, "AWS::Backup::BackupPlan")[0]["Properties"]["BackupPlan"];
    let rules = plan["BackupPlanRule"].as_array().expect("rules");
    let monthly = rules
        .iter()
        .find(|r| r["RuleName"] == "Monthly")
        .expect("monthly");
    assert_eq!(monthly["Lifecycle"]["DeleteAfterDays"], 365);
    let weekly = rules
        .iter()
        .find(|r| r["RuleName"] == "WeeklyCrossRegion")
        .expect("weekly");
    let copy = weekly["CopyActions"][0]["DestinationBackupVaultArn"].to_string();
    assert!(copy.contains("us-west-2"), "{copy}");
    let selection = &resources_of_type(&t, "AWS::Backup::BackupSelection")[0]["Properties"];
    let arns = selection["BackupSelection"]["Resources"]
        .as_array()
        .expect("resources");
    // The Aurora cluster and the three tables.
    assert_eq!(arns.len(), 4);
    for bucket in resources_of_type(&t, "AWS::S3::Bucket") {
        assert_eq!(
            bucket["Properties"]["VersioningConfiguration"]["Status"],
            "Enabled"
        );
    }
}

#[test]
fn every_environment_synthesizes_and_dev_relaxes_the_production_checks() {
    for env in ["dev", "staging", "prod"] {
        let assembly = bird_agent::app_for(env)
            .synth()
            .unwrap_or_else(|e| panic!("{env}: {e}"));
        let t = &assembly.stacks[0].template;
        let cluster = &resources_of_type(t, "AWS::RDS::DBCluster")[0]["Properties"];
        assert_eq!(
            cluster["DeletionProtection"] == true,
            env == "prod",
            "{env}"
        );
        assert_eq!(assembly.stacks[0].env.region.as_deref(), Some("us-east-1"));
    }
    let err = bird_agent::app_for("qa").synth().expect_err("no qa file");
    let text = err.to_string();
    assert!(text.contains("qa.json"), "{text}");
    assert!(text.contains("dev, prod, staging"), "{text}");
}
