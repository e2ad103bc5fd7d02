//! The cloud-assembly reader's fuzz invariants (`constructs/deploy/fuzz`)
//! on proptest inputs, so CI checks them on stable without `cargo fuzz`.

#[path = "../../constructs/deploy/fuzz/src/checks.rs"]
mod checks;

use proptest::prelude::*;
use serde_json::{json, Map, Value as Json};

fn word(words: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(words).prop_map(str::to_string),
        1 => ".{0,12}",
    ]
}

fn artifact() -> impl Strategy<Value = (String, Json)> {
    (
        word(&["Network", "Data", "App", "Data.assets"]),
        word(&["aws:cloudformation:stack", "cdk:asset-manifest", "cdk:tree"]),
        word(&["aws://123456789012/us-east-1", "aws://unknown-account/unknown-region", "aws:/x"]),
        word(&["T0.template.json", "T1.template.json", "missing.json", ".."]),
        prop::collection::vec(word(&["Network", "Data", "App", "Data.assets"]), 0..3),
        word(&["strata:parameter-source", "strata:stack-set", "aws:cdk:logicalId"]),
        any::<bool>(),
    )
        .prop_map(|(id, ty, env, file, deps, meta, protect)| {
            let entry = json!({"type": meta, "data": {
                "parameter": "P1", "stack": "Network", "output": "O1",
                "permissions": "SELF_MANAGED", "accounts": ["111111111111"], "regions": ["us-east-1"],
            }});
            let mut metadata = Map::new();
            metadata.insert(format!("/{id}"), json!([entry]));
            let artifact = json!({
                "type": ty,
                "environment": env,
                "properties": {"templateFile": file, "file": file, "terminationProtection": protect},
                "dependencies": deps,
                "metadata": metadata,
            });
            (id, artifact)
        })
}

fn template() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just(json!({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}).to_string()),
        1 => ".{0,16}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn assemblies_are_read_in_dependency_order_or_refused(
        artifacts in prop::collection::vec(artifact(), 0..5),
        raw in prop::option::weighted(0.1, ".{0,40}"),
        t0 in template(),
        t1 in template(),
    ) {
        let manifest = raw.unwrap_or_else(|| {
            let artifacts: Map<String, Json> = artifacts.into_iter().collect();
            json!({"version": "36.0.0", "artifacts": artifacts}).to_string()
        });
        let dir = std::env::temp_dir()
            .join(format!("strata-fuzz-assembly-test-{}", std::process::id()));
        let templates = [
            ("T0.template.json".to_string(), t0),
            ("T1.template.json".to_string(), t1),
        ];
        checks::check_assembly(&dir, &manifest, &templates);
        std::fs::remove_dir_all(&dir).ok();
    }
}
