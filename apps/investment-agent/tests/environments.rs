//! Seed "Environment-Specific Configurations": every environment
//! synthesizes, and the differences the seed describes hold; broken
//! settings are reported with the construct path.

mod support;

use investment_agent::{
    Config, API, COMPUTE, MONITORING, NETWORKING, RECOVERY, SECURITY, STACKS, STORAGE,
};
use serde_json::{json, Value};
use support::{assembly, config, count, properties, template};

const ENVS: [&str; 3] = ["dev", "staging", "prod"];

#[test]
fn every_environment_synthesizes_in_us_east_1() {
    for env in ENVS {
        let a = assembly(env);
        let ids: Vec<&str> = a.stacks.iter().map(|s| s.id.as_str()).collect();
        for id in STACKS {
            assert!(ids.contains(&id), "{env}: {id}");
        }
        assert_eq!(ids.contains(&RECOVERY), env == "prod", "{env}");
        for stack in &a.stacks {
            if stack.id != RECOVERY {
                assert_eq!(stack.env.region.as_deref(), Some("us-east-1"), "{env}");
            }
            assert!(
                stack
                    .stack_name
                    .starts_with(&format!("investment-ai-{env}-")),
                "{}",
                stack.stack_name
            );
            assert_eq!(stack.termination_protection, env == "prod", "{env}");
        }
    }
}

#[test]
fn no_environment_needs_an_account_in_its_file() {
    // Without one, every stack (the recovery region's too) deploys to the
    // account of the credentials in use, or CDK_DEFAULT_ACCOUNT's.
    let account = std::env::var("CDK_DEFAULT_ACCOUNT").ok();
    for env in ["dev", "staging", "prod"] {
        let config = Config {
            account: None,
            ..config(env)
        };
        let a = support::synth(&config);
        for stack in &a.stacks {
            assert_eq!(stack.env.account, account, "{env}/{}", stack.id);
            assert!(stack.env.region.is_some(), "{env}/{}", stack.id);
        }
    }
}

#[test]
fn development_is_single_az_with_one_nat_gateway() {
    for (env, subnets, nats) in [("dev", 3, 1), ("staging", 9, 3), ("prod", 9, 3)] {
        let a = assembly(env);
        let t = template(&a, NETWORKING);
        assert_eq!(count(t, "AWS::EC2::Subnet"), subnets, "{env}");
        assert_eq!(count(t, "AWS::EC2::NatGateway"), nats, "{env}");
    }
}

#[test]
fn development_shares_one_key_and_the_others_have_one_per_use() {
    for (env, keys) in [("dev", 1), ("staging", 8), ("prod", 8)] {
        let a = assembly(env);
        assert_eq!(
            count(template(&a, SECURITY), "AWS::KMS::Key"),
            keys,
            "{env}"
        );
    }
}

#[test]
fn function_memory_follows_the_environment() {
    for (env, api, processing) in [
        ("dev", 256, 256),
        ("staging", 512, 512),
        ("prod", 1024, 3008),
    ] {
        let a = assembly(env);
        let t = template(&a, COMPUTE);
        let memory = |name: &str| {
            properties(t, "AWS::Lambda::Function")
                .into_iter()
                .find(|p| p["FunctionName"] == format!("investment-ai-{env}-{name}"))
                .unwrap_or_else(|| panic!("{env}: {name}"))["MemorySize"]
                .clone()
        };
        assert_eq!(memory("api"), api, "{env}");
        assert_eq!(memory("processing"), processing, "{env}");
        let aliases = properties(t, "AWS::Lambda::Alias");
        assert_eq!(
            aliases[0].get("ProvisionedConcurrencyConfig").is_some(),
            env == "prod",
            "{env}"
        );
    }
}

#[test]
fn tables_are_on_demand_with_the_environment_cap() {
    for (env, cap) in [("dev", Some(100)), ("staging", Some(1000)), ("prod", None)] {
        let a = assembly(env);
        for table in properties(template(&a, STORAGE), "AWS::DynamoDB::Table") {
            assert_eq!(table["BillingMode"], "PAY_PER_REQUEST");
            let expected = cap.map_or(
                Value::Null,
                |u| json!({"MaxReadRequestUnits": u, "MaxWriteRequestUnits": u}),
            );
            assert_eq!(table["OnDemandThroughput"], expected, "{env}");
            assert_eq!(table["DeletionProtectionEnabled"], env == "prod", "{env}");
        }
    }
}

#[test]
fn storage_classes_follow_the_environment() {
    let rules = |env: &str| -> Value {
        let a = assembly(env);
        let t = template(&a, STORAGE);
        let bucket = support::at_path(t, "ProprietaryDataBucket/Resource");
        bucket["Properties"]["LifecycleConfiguration"]["Rules"][0].clone()
    };
    // Development: S3 Standard only.
    assert!(rules("dev").get("Transitions").is_none());
    // Staging: the seed's lifecycle, Standard-IA at 30 days, Glacier at 90.
    assert_eq!(
        rules("staging")["Transitions"],
        json!([
            {"StorageClass": "STANDARD_IA", "TransitionInDays": 30},
            {"StorageClass": "GLACIER", "TransitionInDays": 90}
        ])
    );
    // Production: Intelligent-Tiering.
    assert_eq!(
        rules("prod")["Transitions"][0]["StorageClass"],
        "INTELLIGENT_TIERING"
    );
}

#[test]
fn the_knowledge_base_size_follows_the_environment() {
    for (env, instance, zone_aware) in [
        ("dev", "t3.small.search", false),
        ("staging", "m7g.medium.search", false),
        ("prod", "m6g.large.search", true),
    ] {
        let a = assembly(env);
        let domain = &properties(template(&a, STORAGE), "AWS::OpenSearchService::Domain")[0];
        assert_eq!(domain["ClusterConfig"]["InstanceType"], instance, "{env}");
        assert_eq!(
            domain["ClusterConfig"]["ZoneAwarenessEnabled"], zone_aware,
            "{env}"
        );
    }
}

#[test]
fn monitoring_grows_from_basic_to_full() {
    let mut alarms = Vec::new();
    for env in ENVS {
        let a = assembly(env);
        let t = template(&a, MONITORING);
        alarms.push(count(t, "AWS::CloudWatch::Alarm"));
        assert_eq!(
            count(t, "AWS::CloudWatch::Dashboard"),
            usize::from(env != "dev")
        );
        assert_eq!(
            count(t, "AWS::XRay::SamplingRule"),
            usize::from(env == "prod")
        );
        let stage = &properties(template(&a, API), "AWS::ApiGateway::Stage")[0];
        assert_eq!(stage["TracingEnabled"] == true, env != "dev", "{env}");
        // Full request/response logging outside production only.
        assert_eq!(
            stage["MethodSettings"][0]["DataTraceEnabled"] == true,
            env != "prod",
            "{env}"
        );
    }
    // Basic: API and function errors and the dead-letter queue.
    assert_eq!(alarms[0], 5);
    assert!(alarms[0] < alarms[1] && alarms[1] < alarms[2], "{alarms:?}");
}

#[test]
fn ecs_dax_and_recovery_are_configured_per_environment() {
    for (env, ecs, dax) in [
        ("dev", false, None),
        ("staging", true, Some(1)),
        ("prod", true, Some(3)),
    ] {
        let a = assembly(env);
        assert_eq!(
            count(template(&a, COMPUTE), "AWS::ECS::Service"),
            usize::from(ecs)
        );
        let clusters = properties(template(&a, STORAGE), "AWS::DAX::Cluster");
        assert_eq!(
            clusters.first().map(|c| c["ReplicationFactor"].clone()),
            dax.map(|n| json!(n)),
            "{env}"
        );
        let storage = template(&a, STORAGE);
        assert_eq!(
            count(storage, "AWS::Backup::BackupPlan"),
            usize::from(env == "prod")
        );
        assert_eq!(
            count(template(&a, API), "AWS::Route53::HealthCheck"),
            usize::from(env == "prod")
        );
    }
}

#[test]
fn a_custom_domain_gets_a_primary_failover_record() {
    let config = Config {
        api: investment_agent::config::ApiConfig {
            domain: Some(investment_agent::config::ApiDomain {
                name: "api.invest.example.com".into(),
                certificate_arn: "arn:aws:acm:us-east-1:123456789012:certificate/0f3c7a1e-2b4d-4c5e-9f60-7a8b9c0d1e2f".into(),
                hosted_zone_id: "Z0123456789ABCDEFGHIJ".into(),
            }),
            ..config("prod").api
        },
        ..config("prod")
    };
    let a = support::synth(&config);
    let t = template(&a, API);
    strata_assertions::Template::from_json(t.clone()).assert_has_resource_properties(
        "AWS::ApiGateway::DomainName",
        json!({"DomainName": "api.invest.example.com", "SecurityPolicy": "TLS_1_2",
               "EndpointConfiguration": {"Types": ["REGIONAL"]}}),
    );
    let record = &properties(t, "AWS::Route53::RecordSet")[0];
    assert_eq!(record["Failover"], "PRIMARY");
    assert_eq!(record["SetIdentifier"], "primary-us-east-1");
    assert!(record["HealthCheckId"].is_object());
}

#[test]
fn an_unknown_environment_names_the_files_that_exist() {
    let err = investment_agent::app_for("qa")
        .synth()
        .expect_err("no qa file");
    let text = err.to_string();
    assert!(text.contains("qa.json"), "{text}");
    assert!(text.contains("dev, prod, staging"), "{text}");
}

#[test]
fn broken_settings_are_reported_with_the_construct_path() {
    let mut broken = config("staging");
    broken.network.availability_zones = 4;
    let text = investment_agent::build(&broken)
        .synth()
        .expect_err("four zones")
        .to_string();
    assert!(text.contains("InvestmentAiNetworking"), "{text}");
    assert!(text.contains("availability_zones is 4"), "{text}");

    // The seed's staging size, m6g.medium.search, does not exist; the
    // environment file uses m7g.medium.search instead.
    let mut seed_size = config("staging");
    seed_size.opensearch.instance_type = "m6g.medium.search".into();
    let text = investment_agent::build(&seed_size)
        .synth()
        .expect_err("no m6g.medium")
        .to_string();
    assert!(text.contains("InvestmentAiStorage/KnowledgeBase"), "{text}");
    assert!(
        text.contains("no medium instance in the m6g family"),
        "{text}"
    );

    let mut retention = config("dev");
    retention.lambda.log_retention_days = 10;
    let text = investment_agent::build(&retention)
        .synth()
        .expect_err("10 days")
        .to_string();
    assert!(text.contains("InvestmentAiCompute/ApiFunction"), "{text}");
    assert!(text.contains("nearest is 7"), "{text}");
}
