//! Test support: building the app for an environment and asserting on the
//! synthesized templates in the spirit of the CDK's
//! `Template.hasResourceProperties` with object-like matching.

#![allow(dead_code)]

use serde_json::Value;
use strata::Assembly;
use threat_agent::Config;

/// The account the tests deploy to; environments with a standby region
/// need an explicit account.
pub const ACCOUNT: &str = "123456789012";

/// The configuration of `env` with the test account.
pub fn config(env: &str) -> Config {
    Config {
        account: Some(ACCOUNT.into()),
        ..Config::load(env).unwrap_or_else(|e| panic!("{env}: {e}"))
    }
}

/// The synthesized app of `config`.
pub fn synth(config: &Config) -> Assembly {
    threat_agent::build(config)
        .synth()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The synthesized app of environment `env`.
pub fn assembly(env: &str) -> Assembly {
    synth(&config(env))
}

/// The template of stack `id`.
pub fn template<'a>(assembly: &'a Assembly, id: &str) -> &'a Value {
    &assembly
        .stacks
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("no stack {id}"))
        .template
}

/// Every resource of `ty`.
pub fn resources<'a>(t: &'a Value, ty: &str) -> Vec<&'a Value> {
    t["Resources"]
        .as_object()
        .expect("resources")
        .values()
        .filter(|r| r["Type"] == ty)
        .collect()
}

/// The one resource at construct path `path` (below the stack).
pub fn at<'a>(t: &'a Value, path: &[&str]) -> &'a Value {
    let id = strata::logical_id(path);
    let r = &t["Resources"][id.as_str()];
    assert!(!r.is_null(), "no resource at {path:?}");
    r
}

/// Whether `actual` matches `expected` object-like: objects need the
/// expected keys (matched recursively), arrays the same elements in
/// order (matched recursively), anything else equality.
pub fn matches(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => e
            .iter()
            .all(|(k, v)| a.get(k).is_some_and(|av| matches(av, v))),
        (Value::Array(a), Value::Array(e)) => {
            a.len() == e.len() && a.iter().zip(e).all(|(x, y)| matches(x, y))
        }
        _ => actual == expected,
    }
}

/// Asserts that some resource of `ty` has properties matching `expected`
/// (see [`matches`]), and returns it.
pub fn has_resource_properties<'a>(t: &'a Value, ty: &str, expected: Value) -> &'a Value {
    let candidates = resources(t, ty);
    candidates
        .iter()
        .copied()
        .find(|r| matches(&r["Properties"], &expected))
        .unwrap_or_else(|| {
            panic!(
                "no {ty} has properties like {expected:#}; the {} candidates are {:#}",
                candidates.len(),
                Value::Array(candidates.iter().map(|r| r["Properties"].clone()).collect())
            )
        })
}

/// The error text of synthesizing `config`, which must fail.
pub fn synth_error(config: &Config) -> String {
    threat_agent::build(config)
        .synth()
        .expect_err("synth must fail")
        .to_string()
}
