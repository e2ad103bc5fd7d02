//! Shared helpers of the app's tests: environments synthesized with a
//! known account, and lookups in their templates.

#![allow(dead_code)]

use serde_json::Value;
use strata::Assembly;

/// The account the tests deploy to (the example account of AWS's docs).
pub const ACCOUNT: &str = "123456789012";

/// The environment file `env`, with the test account.
pub fn config(env: &str) -> investment_agent::Config {
    investment_agent::Config {
        account: Some(ACCOUNT.into()),
        ..investment_agent::Config::load(env).unwrap_or_else(|e| panic!("{e}"))
    }
}

/// Synthesizes `config`.
pub fn synth(config: &investment_agent::Config) -> Assembly {
    investment_agent::build(config)
        .synth()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Synthesizes the environment file `env` with the test account.
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

/// The resources of type `ty`, with their logical IDs.
pub fn resources<'a>(t: &'a Value, ty: &str) -> Vec<(&'a str, &'a Value)> {
    t["Resources"]
        .as_object()
        .expect("resources")
        .iter()
        .filter(|(_, r)| r["Type"] == ty)
        .map(|(k, r)| (k.as_str(), r))
        .collect()
}

/// The properties of the resources of type `ty`.
pub fn properties<'a>(t: &'a Value, ty: &str) -> Vec<&'a Value> {
    resources(t, ty)
        .into_iter()
        .map(|(_, r)| &r["Properties"])
        .collect()
}

/// The resource whose construct path ends with `suffix`.
pub fn at_path<'a>(t: &'a Value, suffix: &str) -> &'a Value {
    t["Resources"]
        .as_object()
        .expect("resources")
        .values()
        .find(|r| {
            r["Metadata"]["aws:cdk:path"]
                .as_str()
                .is_some_and(|p| p.ends_with(suffix))
        })
        .unwrap_or_else(|| panic!("no resource at a path ending with {suffix}"))
}

/// Counts the resources of type `ty`.
pub fn count(t: &Value, ty: &str) -> usize {
    resources(t, ty).len()
}
