//! The synthesized templates: a snapshot per stack of every
//! environment (`config/<env>.json`), determinism, and the CDK app protocol.

mod common;

use serde_json::Value;

#[test]
fn template_snapshots() {
    let expected: Vec<&str> = support_agent::STACKS.iter().map(|(id, _)| *id).collect();
    for env in environments() {
        let assembly = support_agent::app_for(&env).synth().expect("valid");
        let ids: Vec<&str> = assembly.stacks.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, expected, "{env}");
        for stack in &assembly.stacks {
            insta::with_settings!({ snapshot_path => "../../../snapshots", prepend_module_to_snapshot => false }, {
                insta::assert_snapshot!(format!("support-agent.{env}.{}.template.json", stack.id), stack.body());
            });
        }
    }
}

#[test]
fn synth_is_deterministic() {
    for env in ["dev", "prod"] {
        let bodies = || -> Vec<String> {
            support_agent::app_for(env)
                .synth()
                .expect("valid")
                .stacks
                .into_iter()
                .map(|s| s.body().to_string())
                .collect()
        };
        assert_eq!(bodies(), bodies(), "{env}");
    }
}

#[test]
fn stacks_are_named_after_the_environment_and_the_seed_module() {
    for env in ["dev", "prod"] {
        let assembly = support_agent::app_for(env).synth().expect("valid");
        for (stack, (_, module)) in assembly.stacks.iter().zip(support_agent::STACKS) {
            assert_eq!(stack.stack_name, format!("support-agent-{env}-{module}"));
            assert_eq!(stack.env.region.as_deref(), Some("us-east-1"));
        }
    }
}

#[test]
fn the_binary_follows_the_cdk_app_protocol() {
    let dir = std::env::temp_dir().join(format!("support-agent-outdir-{}", std::process::id()));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_support-agent"))
        .env("CDK_OUTDIR", &dir)
        .env("CDK_DEFAULT_ACCOUNT", "123456789012")
        .env("CDK_DEFAULT_REGION", "eu-west-1")
        .env("STRATA_ENV", "prod")
        .output()
        .expect("run the app");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("manifest.json")).expect("manifest"),
    )
    .expect("json");
    let art = &manifest["artifacts"][support_agent::RDS];
    // The config file's region wins over the deploy chain's; its null
    // account falls back to CDK_DEFAULT_ACCOUNT.
    assert_eq!(art["environment"], "aws://123456789012/us-east-1");
    let deps: Vec<&str> = art["dependencies"]
        .as_array()
        .expect("dependencies")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for stack in [support_agent::VPC, support_agent::EKS, support_agent::KMS] {
        assert!(deps.contains(&stack), "{deps:?}");
    }
    let file = art["properties"]["templateFile"]
        .as_str()
        .expect("template file");
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(file)).expect("template"))
            .expect("json");
    let config = common::config_with("prod", |c| c.account = Some("123456789012".into()));
    let expected = support_agent::build(&config).synth().expect("valid");
    let rds = expected
        .stacks
        .iter()
        .find(|s| s.id == support_agent::RDS)
        .expect("rds stack");
    assert_eq!(written, rds.template);
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

/// The environments with a file in `config/`: every one is snapshotted.
fn environments() -> Vec<String> {
    strata::config::environments(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config"))
}
