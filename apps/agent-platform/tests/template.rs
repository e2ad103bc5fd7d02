//! The synthesized templates: a snapshot per stack of every environment
//! (`config/<env>.json`), determinism, stack names and environments, and
//! the CDK app protocol.

use serde_json::Value;

#[test]
fn template_snapshots() {
    let expected: Vec<&str> = agent_platform::STACKS.iter().map(|(id, _)| *id).collect();
    for env in environments() {
        let assembly = agent_platform::app_for(&env).synth().expect("valid");
        let ids: Vec<&str> = assembly.stacks.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, expected, "{env}");
        for stack in &assembly.stacks {
            insta::with_settings!({ snapshot_path => "../../../snapshots", prepend_module_to_snapshot => false }, {
                insta::assert_snapshot!(format!("agent-platform.{env}.{}.template.json", stack.id), stack.body());
            });
        }
    }
}

#[test]
fn synth_is_deterministic() {
    for env in ["dev", "staging", "prod"] {
        let bodies = || -> Vec<String> {
            agent_platform::app_for(env)
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
fn stacks_are_named_after_the_environment() {
    for env in ["dev", "staging", "prod"] {
        let assembly = agent_platform::app_for(env).synth().expect("valid");
        for (stack, (_, suffix)) in assembly.stacks.iter().zip(agent_platform::STACKS) {
            assert_eq!(stack.stack_name, format!("{env}-agent-platform-{suffix}"));
            assert_eq!(stack.env.region.as_deref(), Some("us-east-1"));
        }
    }
}

#[test]
fn an_unknown_environment_is_reported() {
    let err = agent_platform::app_for("qa")
        .synth()
        .expect_err("no qa.json");
    let text = err.to_string();
    assert!(text.contains("qa"), "{text}");
}

#[test]
fn the_binary_follows_the_cdk_app_protocol() {
    let dir = std::env::temp_dir().join(format!("agent-platform-outdir-{}", std::process::id()));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_agent-platform"))
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
    let art = &manifest["artifacts"][agent_platform::DATA];
    // The config file's region wins; its null account falls back to
    // CDK_DEFAULT_ACCOUNT.
    assert_eq!(art["environment"], "aws://123456789012/us-east-1");
    let deps: Vec<&str> = art["dependencies"]
        .as_array()
        .expect("dependencies")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for stack in [agent_platform::NETWORK, agent_platform::COMPUTE] {
        assert!(deps.contains(&stack), "{deps:?}");
    }
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

/// The environments with a file in `config/`: every one is snapshotted.
fn environments() -> Vec<String> {
    strata::config::environments(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config"))
}
