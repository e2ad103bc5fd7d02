//! Helpers shared by the template tests: synthesized templates by stack
//! and resources by type.

#![allow(dead_code)]

use std::collections::BTreeMap;

use serde_json::Value;

/// Every stack's template for `env`, by stack id.
pub fn templates(env: &str) -> BTreeMap<String, Value> {
    templates_of(support_agent::app_for(env))
}

/// Every stack's template of `app`, by stack id.
pub fn templates_of(app: strata::App) -> BTreeMap<String, Value> {
    app.synth()
        .unwrap_or_else(|e| panic!("{e}"))
        .stacks
        .into_iter()
        .map(|s| (s.id, s.template.into()))
        .collect()
}

/// The resources of type `ty` in `template`.
pub fn of_type<'a>(template: &'a Value, ty: &str) -> Vec<&'a Value> {
    template["Resources"]
        .as_object()
        .map(|r| r.values().filter(|r| r["Type"] == ty).collect())
        .unwrap_or_default()
}

/// The properties of the only resource of type `ty` in `template`.
pub fn only<'a>(template: &'a Value, ty: &str) -> &'a Value {
    let found = of_type(template, ty);
    assert_eq!(found.len(), 1, "one {ty}");
    &found[0]["Properties"]
}

/// The resource at construct path `path` (`Stack/Construct/Resource`).
pub fn at_path<'a>(template: &'a Value, path: &str) -> &'a Value {
    template["Resources"]
        .as_object()
        .and_then(|r| r.values().find(|r| r["Metadata"]["aws:cdk:path"] == path))
        .unwrap_or_else(|| panic!("no resource at {path}"))
}

/// The configuration of `env` with `edit` applied.
pub fn config_with(
    env: &str,
    edit: impl FnOnce(&mut support_agent::Config),
) -> support_agent::Config {
    let mut config = support_agent::Config::load(env).expect("config file");
    edit(&mut config);
    config
}
