//! The synthesized app: a snapshot per stack of every environment,
//! determinism, the CDK app protocol, the environments, the
//! DR stack order, and the errors a bad configuration gets. The seed's
//! numbers, per environment, are in `fidelity.rs`.

mod support;

use serde_json::{json, Value};
use support::{assembly, config, synth, synth_error, template};
use threat_agent::config::{FailoverDnsConfig, NatGateways};
use threat_agent::*;

const PRIMARY_STACKS: [&str; 6] = [NETWORK, SECURITY, DATA, PLATFORM, INTEGRATION, MONITORING];

#[test]
fn template_snapshots() {
    assert_eq!(assembly("prod").stacks.len(), 8);
    for env in environments() {
        let assembly = assembly(&env);
        for stack in &assembly.stacks {
            let name = format!("threat-agent.{env}.{}.template.json", stack.id);
            insta::with_settings!({ snapshot_path => "../../../snapshots", prepend_module_to_snapshot => false }, {
                insta::assert_snapshot!(name, stack.body());
            });
        }
    }
}

#[test]
fn synth_is_deterministic() {
    let bodies = |a: strata::Assembly| -> Vec<String> {
        a.stacks.into_iter().map(|s| s.body().to_string()).collect()
    };
    assert_eq!(bodies(assembly("prod")), bodies(assembly("prod")));
}

#[test]
fn the_binary_follows_the_cdk_app_protocol() {
    let dir = std::env::temp_dir().join(format!("threat-agent-outdir-{}", std::process::id()));
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_threat-agent"))
        .env("CDK_OUTDIR", &dir)
        .env("STRATA_ENV", "prod")
        .env("CDK_DEFAULT_ACCOUNT", support::ACCOUNT)
        .env("CDK_DEFAULT_REGION", "eu-west-1")
        .output()
        .expect("run the app");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("manifest.json")).expect("manifest"),
    )
    .expect("json");
    // The file's regions win over the deploy chain's; the null account
    // falls back to CDK_DEFAULT_ACCOUNT.
    let env = |id: &str| manifest["artifacts"][id]["environment"].clone();
    assert_eq!(env(PLATFORM), "aws://123456789012/us-east-1");
    assert_eq!(env(STANDBY), "aws://123456789012/us-west-2");
    let expected = assembly("prod");
    for stack in &expected.stacks {
        let file = dir.join(stack.template_file());
        let written: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).expect("template")).expect("json");
        assert_eq!(written, stack.template, "{}", stack.id);
    }
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn every_environment_synthesizes_in_its_regions() {
    for env in ["dev", "staging", "prod"] {
        let assembly = support::assembly(env);
        let ids: Vec<&str> = assembly.stacks.iter().map(|s| s.id.as_str()).collect();
        for id in PRIMARY_STACKS {
            assert!(ids.contains(&id), "{env}: {id}");
        }
        for stack in &assembly.stacks {
            let region = if stack.id == REPLICA || stack.id == STANDBY {
                "us-west-2"
            } else {
                "us-east-1"
            };
            assert_eq!(
                stack.env.region.as_deref(),
                Some(region),
                "{env} {}",
                stack.id
            );
            assert_eq!(stack.env.account.as_deref(), Some(support::ACCOUNT));
        }
        let standby = ids.contains(&STANDBY) && ids.contains(&REPLICA);
        assert_eq!(
            standby,
            env == "prod",
            "{env}: only prod has the standby region"
        );
    }
}

#[test]
fn the_dr_shape_orders_the_stacks_across_regions() {
    let a = assembly("prod");
    let deps = |id: &str| {
        a.stacks
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.dependencies.clone())
            .unwrap_or_default()
    };
    // The replication targets deploy first, the standby after the data
    // stack, and the failover alarm after the standby's function.
    assert!(deps(REPLICA).is_empty());
    assert!(deps(DATA).contains(&REPLICA.to_string()));
    assert!(deps(STANDBY).contains(&DATA.to_string()));
    assert!(deps(MONITORING).contains(&STANDBY.to_string()));
}

#[test]
fn failover_dns_fails_the_api_over_between_the_regions() {
    let mut c = config("prod");
    if let Some(sb) = c.standby.as_mut() {
        sb.failover_dns = Some(FailoverDnsConfig {
            hosted_zone_id: "Z0123456789ABCDEFGHIJ".into(),
            record_name: "api.threat-agent.example.com".into(),
        });
    }
    let a = synth(&c);
    let monitoring = template(&a, MONITORING);
    for role in ["PRIMARY", "SECONDARY"] {
        monitoring.assert_has_resource_properties(
            "AWS::Route53::RecordSet",
            json!({"Failover": role, "Name": "api.threat-agent.example.com.", "Type": "CNAME", "TTL": "60"}),
        );
    }
    // One health check: the failover records' check also starts the standby.
    monitoring.assert_resource_count_is("AWS::Route53::HealthCheck", 1);
}

#[test]
fn a_standby_without_an_account_uses_the_credentials_account_in_both_regions() {
    let c = Config {
        account: None,
        ..Config::load("prod").expect("prod")
    };
    let a = synth(&c);
    // The deploy chain's account stands in for a null one; without it both
    // regions are left to the credentials in use, which is one account.
    let account = std::env::var("CDK_DEFAULT_ACCOUNT").ok();
    let regions: std::collections::BTreeSet<_> = a
        .stacks
        .iter()
        .map(|s| {
            assert_eq!(s.env.account, account, "{}", s.id);
            s.env.region.clone().expect("every stack names its region")
        })
        .collect();
    assert!(
        regions.len() >= 2,
        "primary and standby regions: {regions:?}"
    );
}

#[test]
fn a_standby_vpc_block_that_is_not_a_16_is_an_error() {
    let mut c = config("prod");
    if let Some(sb) = c.standby.as_mut() {
        sb.vpc_cidr = "10.1.0.0/20".into();
    }
    let text = synth_error(&c);
    assert!(text.contains("ThreatAgentStandby: [vpc-cidr]"), "{text}");
    assert!(text.contains("\"10.1.0.0/20\" must be a /16"), "{text}");
}

#[test]
fn a_warm_standby_of_nothing_is_an_error() {
    let mut c = config("prod");
    if let Some(sb) = c.standby.as_mut() {
        sb.warm_capacity = 0;
    }
    let text = synth_error(&c);
    assert!(text.contains("ThreatAgentData/Dr: [dr-mode]"), "{text}");
    assert!(text.contains("that is a pilot light"), "{text}");
}

#[test]
fn a_single_node_production_standby_cache_is_refused() {
    let mut c = config("prod");
    if let Some(sb) = c.standby.as_mut() {
        sb.warm_capacity = 1;
    }
    let text = synth_error(&c);
    assert!(
        text.contains("ThreatAgentStandby/RedisCluster: [data-tier-prod]"),
        "{text}"
    );
}

#[test]
fn an_unknown_environment_names_the_ones_that_exist() {
    let text = threat_agent::app_for("qa")
        .synth()
        .expect_err("no qa file")
        .to_string();
    assert!(text.contains("qa.json"), "{text}");
    assert!(text.contains("dev, prod, staging"), "{text}");
}

#[test]
fn nat_and_capacity_settings_come_from_the_file() {
    let prod = config("prod");
    assert_eq!(prod.nat_gateways, NatGateways::PerAz);
    assert!(prod.multi_az);
    let dev = config("dev");
    assert_eq!(dev.nat_gateways, NatGateways::Single);
    assert!(!dev.multi_az);
    assert!(dev.standby.is_none());
}

/// The environments with a file in `config/`: every one is snapshotted.
fn environments() -> Vec<String> {
    strata::config::environments(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config"))
}
