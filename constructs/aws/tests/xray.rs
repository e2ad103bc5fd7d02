//! X-Ray sampling rules: seed 001's 10% sampling renders every property,
//! and the values X-Ray would reject are caught at synth.

use serde_json::json;
use strata::prelude::*;
use strata::xray::{SamplingRule, SamplingRuleProps};

fn rule_props(app: &App, path: &[&str]) -> serde_json::Value {
    let t = app.synth().expect("valid").stacks[0].template.clone();
    t["Resources"][strata::logical_id(path).as_str()]["Properties"].clone()
}

#[test]
fn seed_001_samples_a_tenth_of_agent_requests() {
    let app = App::new();
    let stack = app.stack("Tracing", StackProps::default());
    let rule = SamplingRule::new(
        &stack,
        "AgentSampling",
        SamplingRuleProps {
            service_name: "ai-agent-service".into(),
            service_type: "AWS::Lambda::Function".into(),
            http_method: "POST".into(),
            url_path: "/agents/*".into(),
            attributes: vec![("threat.severity".into(), "CRITICAL".into())],
            ..SamplingRuleProps::new("ai-agent", 100, 0.1, 1)
        },
    );
    stack.output("RuleArn", Output::new(rule.rule_arn()));
    assert_eq!(
        rule_props(&app, &["AgentSampling", "Resource"]),
        json!({
            "SamplingRule": {
                "Attributes": {"threat.severity": "CRITICAL"},
                "FixedRate": 0.1,
                "HTTPMethod": "POST",
                "Host": "*",
                "Priority": 100,
                "ReservoirSize": 1,
                "ResourceARN": "*",
                "RuleName": "ai-agent",
                "ServiceName": "ai-agent-service",
                "ServiceType": "AWS::Lambda::Function",
                "URLPath": "/agents/*",
                "Version": 1
            }
        })
    );
}

#[test]
fn out_of_range_values_are_reported_with_the_rule_path() {
    let app = App::new();
    let stack = app.stack("Tracing", StackProps::default());
    SamplingRule::new(
        &stack,
        "Bad",
        SamplingRuleProps {
            http_method: "PROPPATCH-ALL".into(),
            attributes: vec![("a".into(), "1".into()), ("a".into(), "2".into())],
            ..SamplingRuleProps::new("an-agent-rule-name-longer-than-32-chars", 0, 1.5, 1)
        },
    );
    SamplingRule::new(
        &stack,
        "Reserved",
        SamplingRuleProps::new("Default", 10000, 0.05, 0),
    );
    let e = app.synth().expect_err("invalid").to_string();
    for expected in [
        "Tracing/Bad: [xray-sampling-rule] rule name \"an-agent-rule-name-longer-than-32-chars\" must be 1 to 32 characters long",
        "Tracing/Bad: [xray-sampling-rule] priority 0 is out of range; use 1 to 9999",
        "Tracing/Bad: [xray-sampling-rule] fixed rate 1.5 is not a fraction; use 0 to 1",
        "Tracing/Bad: [xray-sampling-rule] the HTTP method \"PROPPATCH-ALL\" must be 1 to 10 characters",
        "Tracing/Bad: [xray-sampling-rule] attribute \"a\" is given twice",
        "Tracing/Reserved: [xray-sampling-rule] the rule name \"Default\" belongs to X-Ray's built-in rule",
        "Tracing/Reserved: [xray-sampling-rule] priority 10000 is out of range",
    ] {
        assert!(e.contains(expected), "missing {expected:?} in\n{e}");
    }
}
