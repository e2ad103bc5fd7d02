//! Helpers: evaluate small templates and assert on one rule.

#![allow(dead_code)]

use serde_json::{json, Value};
use strata_guard::{evaluate, Options, Report};

/// A template of `resources` (a JSON object of logical id -> resource).
pub fn template(resources: Value) -> Value {
    json!({ "Resources": resources })
}

/// Evaluates `resources` (outside production).
pub fn check(resources: Value) -> Report {
    check_in(resources, None)
}

/// Evaluates `resources` for the given environment.
pub fn check_in(resources: Value, environment: Option<&str>) -> Report {
    evaluate(
        &template(resources),
        &Options {
            environment: environment.map(str::to_string),
        },
    )
    .expect("the packs evaluate")
}

/// Asserts that `rule` fails on exactly the resources `ids`.
pub fn assert_fails(report: &Report, rule: &str, ids: &[&str]) {
    let mut got: Vec<&str> = report
        .failures
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| f.logical_id.as_str())
        .collect();
    got.sort();
    let mut want = ids.to_vec();
    want.sort();
    assert_eq!(got, want, "{rule} failures; report: {report:#?}");
    for f in report.failures.iter().filter(|f| f.rule == rule) {
        assert!(
            f.message.contains("Fix:"),
            "{rule} on {} says how to fix it: {}",
            f.logical_id,
            f.message
        );
    }
}

/// Asserts that `rule` applied to the template and passed.
pub fn assert_passes(report: &Report, rule: &str) {
    assert!(
        !report.failures.iter().any(|f| f.rule == rule),
        "{rule} should pass; report: {report:#?}"
    );
    assert!(
        report.passed_rules.iter().any(|r| r == rule),
        "{rule} should have applied; passed: {:?}",
        report.passed_rules
    );
}

/// `good` alone passes `rule` (which applies to it); `good` and `bad`
/// together fail it on exactly `bad_ids`.
pub fn case(rule: &str, good: Value, bad: Value, bad_ids: &[&str]) {
    assert_passes(&check(good.clone()), rule);
    let mut both = good.as_object().cloned().unwrap_or_default();
    both.extend(bad.as_object().cloned().unwrap_or_default());
    assert_fails(&check(Value::Object(both)), rule, bad_ids);
}
