//! Suppressions in resource metadata: with a reason they silence a rule
//! on that resource and are listed; without one they fail the check.

mod common;

use common::{assert_fails, check};
use serde_json::{json, Value};

fn log_group(metadata: Value) -> Value {
    json!({"Type": "AWS::Logs::LogGroup", "Properties": {}, "Metadata": metadata})
}

#[test]
fn a_suppression_with_a_reason_silences_the_rule_and_is_listed() {
    let report = check(json!({
        "Quiet": log_group(json!({"guard": {"SuppressedRules": [
            {"id": "LOG_GROUP_RETENTION_SET", "reason": "kept for the audit period by an export job"}]}})),
        "Loud": log_group(json!({}))
    }));
    assert_fails(&report, "LOG_GROUP_RETENTION_SET", &["Loud"]);
    assert_eq!(report.suppressions.len(), 1);
    let s = &report.suppressions[0];
    assert_eq!(s.rule, "LOG_GROUP_RETENTION_SET");
    assert_eq!(s.logical_id, "Quiet");
    assert_eq!(s.resource_type, "AWS::Logs::LogGroup");
    assert_eq!(s.reason, "kept for the audit period by an export job");
    assert!(s.silenced);
    assert_eq!(report.outcome().suppressed, 1);
    assert!(report.errors.is_empty());
}

#[test]
fn a_suppression_only_covers_its_rule() {
    let report = check(json!({
        "Quiet": log_group(json!({"guard": {"SuppressedRules": [
            {"id": "S3_BUCKET_ENCRYPTED", "reason": "wrong rule"}]}}))
    }));
    assert_fails(&report, "LOG_GROUP_RETENTION_SET", &["Quiet"]);
    assert!(!report.suppressions[0].silenced, "nothing to suppress");
}

#[test]
fn a_suppression_without_a_reason_is_an_error() {
    for entry in [
        json!("LOG_GROUP_RETENTION_SET"),
        json!({"id": "LOG_GROUP_RETENTION_SET"}),
        json!({"id": "LOG_GROUP_RETENTION_SET", "reason": "   "}),
    ] {
        let report = check(json!({
            "Quiet": log_group(json!({"guard": {"SuppressedRules": [entry.clone()]}}))
        }));
        assert_eq!(report.errors.len(), 1, "{entry}");
        assert_eq!(report.errors[0].logical_id, "Quiet");
        assert!(report.errors[0].message.contains("reason"), "{entry}");
        // The rule is not silenced either.
        assert_fails(&report, "LOG_GROUP_RETENTION_SET", &["Quiet"]);
        assert!(!report.passed());
        assert_eq!(report.outcome().malformed, 1);
    }
}

#[test]
fn a_suppression_of_an_unknown_rule_is_an_error() {
    let report = check(json!({
        "Quiet": log_group(json!({"guard": {"SuppressedRules": [
            {"id": "NO_SUCH_RULE", "reason": "typo"}]}}))
    }));
    assert!(report.errors[0].message.contains("NO_SUCH_RULE"));
}

#[test]
fn the_environment_comes_from_the_assembly_directory() {
    use std::path::Path;
    assert_eq!(
        strata_guard::environment_of(Path::new("cdk.out/assembly-prod/App.template.json"))
            .as_deref(),
        Some("prod")
    );
    assert_eq!(
        strata_guard::environment_of(Path::new("cdk.out/App.template.json")),
        None
    );
}

#[test]
fn every_rule_has_a_message_and_the_packs_parse() {
    strata_guard::check_packs().expect("packs parse");
    let ids = strata_guard::rule_ids();
    assert!(ids.len() >= 25, "{ids:?}");
    for pack in strata_guard::PACKS {
        for rule in pack.source.split("\nrule ").skip(1) {
            let name = rule.split_whitespace().next().unwrap_or_default();
            assert!(
                rule.contains("Fix:"),
                "{name} in {} says how to fix it",
                pack.name
            );
        }
    }
}
