//! Cloud assemblies with arbitrary manifests and templates, read as
//! `cargo xtask deploy` reads `cdk.out/`.
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value as Json};
use strata_deploy_fuzz::checks::check_assembly;

const IDS: &[&str] = &["Network", "Data", "App", "Data.assets", ""];
const TYPES: &[&str] = &[
    "aws:cloudformation:stack",
    "cdk:asset-manifest",
    "cdk:tree",
    "",
];
const ENVS: &[&str] = &[
    "aws://123456789012/us-east-1",
    "aws://unknown-account/unknown-region",
    "aws://123456789012",
    "aws:/x",
    "",
];
const FILES: &[&str] = &[
    "T0.template.json",
    "T1.template.json",
    "missing.json",
    "..",
    "",
];

fn pick(u: &mut Unstructured<'_>, words: &[&str]) -> Result<String> {
    Ok(if u.ratio(7, 8)? {
        u.choose(words)?.to_string()
    } else {
        u.arbitrary()?
    })
}

/// A JSON value: mostly the expected shape, sometimes anything.
fn value(u: &mut Unstructured<'_>, expected: Json) -> Result<Json> {
    Ok(match u.int_in_range(0..=9)? {
        0 => Json::Null,
        1 => Json::from(u.arbitrary::<i64>()?),
        2 => Json::String(u.arbitrary()?),
        _ => expected,
    })
}

fn metadata(u: &mut Unstructured<'_>) -> Result<Json> {
    let mut entries = Vec::new();
    for _ in 0..u.int_in_range(0..=3)? {
        let entry = match u.int_in_range(0..=2)? {
            0 => json!({"type": "strata:parameter-source", "data": {
                "parameter": pick(u, &["P1", ""])?,
                "stack": pick(u, IDS)?,
                "output": pick(u, &["O1", ""])?,
            }}),
            1 => {
                let data = json!({
                    "permissions": pick(u, &["SELF_MANAGED", "SERVICE_MANAGED", "x"])?,
                    "accounts": [pick(u, &["111111111111", ""])?],
                    "regions": [pick(u, &["us-east-1", ""])?],
                });
                json!({"type": "strata:stack-set", "data": value(u, data)?})
            }
            _ => {
                json!({"type": pick(u, &["aws:cdk:logicalId", ""])?, "data": u.arbitrary::<String>()?})
            }
        };
        entries.push(entry);
    }
    Ok(Json::Array(entries))
}

fn artifact(u: &mut Unstructured<'_>, id: &str) -> Result<Json> {
    let mut a = Map::new();
    a.insert("type".into(), Json::String(pick(u, TYPES)?));
    a.insert("environment".into(), {
        let env = Json::String(pick(u, ENVS)?);
        value(u, env)?
    });
    let props = json!({
        "templateFile": pick(u, FILES)?,
        "file": pick(u, FILES)?,
        "stackName": pick(u, &["network-stack", ""])?,
        "terminationProtection": u.arbitrary::<bool>()?,
    });
    a.insert("properties".into(), value(u, props)?);
    let mut deps = Vec::new();
    for _ in 0..u.int_in_range(0..=3)? {
        deps.push(Json::String(pick(u, IDS)?));
    }
    a.insert("dependencies".into(), value(u, Json::Array(deps))?);
    let mut meta = Map::new();
    meta.insert(format!("/{id}"), metadata(u)?);
    a.insert("metadata".into(), value(u, Json::Object(meta))?);
    Ok(Json::Object(a))
}

fn input(u: &mut Unstructured<'_>) -> Result<(String, Vec<(String, String)>)> {
    let manifest = if u.ratio(1, 16)? {
        u.arbitrary::<String>()?
    } else {
        let mut artifacts = Map::new();
        for _ in 0..u.int_in_range(0..=5)? {
            let id = pick(u, IDS)?;
            let a = artifact(u, &id)?;
            artifacts.insert(id, a);
        }
        json!({"version": "36.0.0", "artifacts": value(u, Json::Object(artifacts))?}).to_string()
    };
    let mut templates = Vec::new();
    for name in ["T0.template.json", "T1.template.json"] {
        let text = if u.ratio(3, 4)? {
            json!({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}).to_string()
        } else {
            u.arbitrary()?
        };
        templates.push((name.to_string(), text));
    }
    Ok((manifest, templates))
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    if let Ok((manifest, templates)) = input(&mut u) {
        let dir = std::env::temp_dir().join(format!("strata-fuzz-assembly-{}", std::process::id()));
        check_assembly(&dir, &manifest, &templates);
    }
});
