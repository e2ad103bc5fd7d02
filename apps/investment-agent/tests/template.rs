//! The synthesized app: a snapshot per stack and environment, the seed's
//! six-stack layout with the recovery region, determinism, and the CDK app
//! protocol of the binary.

mod support;

use investment_agent::{API, COMPUTE, MONITORING, NETWORKING, RECOVERY, SECURITY, STORAGE};
use serde_json::Value;
use support::{assembly, config, ACCOUNT};

#[test]
fn template_snapshots() {
    for env in environments() {
        let assembly = assembly(&env);
        for stack in &assembly.stacks {
            let name = format!("investment-agent.{env}.{}.template.json", stack.id);
            insta::with_settings!({ snapshot_path => "../../../snapshots", prepend_module_to_snapshot => false }, {
                insta::assert_snapshot!(name, stack.body());
            });
        }
    }
}

#[test]
fn the_six_seed_stacks_and_the_recovery_stack_deploy_in_dependency_order() {
    let assembly = assembly("prod");
    let deps = |id: &str| {
        let mut d = assembly
            .stacks
            .iter()
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("no stack {id}"))
            .dependencies
            .clone();
        d.sort();
        d
    };
    assert!(deps(NETWORKING).is_empty());
    assert!(deps(SECURITY).is_empty());
    assert!(deps(RECOVERY).is_empty());
    assert_eq!(deps(STORAGE), [NETWORKING, RECOVERY, SECURITY]);
    assert_eq!(deps(COMPUTE), [NETWORKING, SECURITY, STORAGE]);
    assert_eq!(deps(API), [COMPUTE]);
    assert_eq!(deps(MONITORING), [API, COMPUTE, SECURITY, STORAGE]);
    for stack in &assembly.stacks {
        let region = if stack.id == RECOVERY {
            "us-west-2"
        } else {
            "us-east-1"
        };
        assert_eq!(stack.env.region.as_deref(), Some(region), "{}", stack.id);
        assert_eq!(stack.env.account.as_deref(), Some(ACCOUNT), "{}", stack.id);
        assert!(stack.termination_protection, "{}", stack.id);
        assert!(
            stack.stack_name.starts_with("investment-ai-prod-"),
            "{}",
            stack.stack_name
        );
    }
}

#[test]
fn values_pass_between_stacks_as_outputs_and_parameters() {
    let assembly = assembly("prod");
    let compute = assembly
        .stacks
        .iter()
        .find(|s| s.id == COMPUTE)
        .expect("compute");
    // The functions read their code from the storage stack's artifacts bucket.
    let source = compute
        .parameter_sources
        .iter()
        .find(|p| p.parameter.contains("ArtifactsBucket"))
        .expect("artifacts bucket parameter");
    assert_eq!(source.stack, STORAGE);
    let storage = support::template(&assembly, STORAGE);
    assert!(storage["Outputs"][&source.output].is_object());
    let t = &compute.template;
    assert!(t["Parameters"][&source.parameter].is_object());
    let function = support::at_path(t, "ApiFunction/Resource");
    assert_eq!(
        function["Properties"]["Code"]["S3Bucket"]["Ref"],
        source.parameter.as_str()
    );
    // No exports: nothing blocks a producer from changing.
    for stack in &assembly.stacks {
        for (_, output) in stack.template["Outputs"].as_object().into_iter().flatten() {
            assert!(output.get("Export").is_none(), "{}", stack.id);
        }
    }
}

#[test]
fn synth_is_deterministic() {
    let a = assembly("prod");
    let b = assembly("prod");
    let bodies = |x: &strata::Assembly| -> Vec<String> {
        x.stacks.iter().map(|s| s.body().to_string()).collect()
    };
    assert_eq!(bodies(&a), bodies(&b));
}

#[test]
fn the_binary_follows_the_cdk_app_protocol() {
    let dir = std::env::temp_dir().join(format!("investment-agent-outdir-{}", std::process::id()));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_investment-agent"))
        .env("CDK_OUTDIR", &dir)
        .env("CDK_DEFAULT_ACCOUNT", ACCOUNT)
        .env("CDK_DEFAULT_REGION", "eu-west-1")
        .env("STRATA_ENV", "prod")
        .output()
        .expect("run the app");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = |name: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join(name)).expect("file")).expect("json")
    };
    let manifest = read("manifest.json");
    // The file's regions win over the deploy chain's; its null account
    // falls back to CDK_DEFAULT_ACCOUNT.
    assert_eq!(
        manifest["artifacts"][NETWORKING]["environment"],
        format!("aws://{ACCOUNT}/us-east-1")
    );
    assert_eq!(
        manifest["artifacts"][RECOVERY]["environment"],
        format!("aws://{ACCOUNT}/us-west-2")
    );
    let expected = support::synth(&config("prod"));
    for stack in &expected.stacks {
        let file = manifest["artifacts"][&stack.id]["properties"]["templateFile"]
            .as_str()
            .expect("template file");
        assert_eq!(read(file), stack.template, "{}", stack.id);
    }
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

/// The environments with a file in `config/`: every one is snapshotted.
fn environments() -> Vec<String> {
    strata::config::environments(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config"))
}
