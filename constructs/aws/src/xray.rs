//! X-Ray sampling rules: which requests are traced, matched by service,
//! host, method, path and attributes, with a reservoir and a fixed rate,
//! checked at synth against what X-Ray accepts.

use strata_cfn::x_ray::{self as cfn, sampling_rule as s};
use strata_core::{Map, Scope, Value};

/// Settings of a [`SamplingRule`]. `SamplingRuleProps::new` matches every
/// request (`*` everywhere) with version 1 of the rule format.
#[derive(Clone, Debug, PartialEq)]
pub struct SamplingRuleProps {
    /// The rule name (1 to 32 characters; `Default` is X-Ray's own rule).
    pub rule_name: String,
    /// Rules are tried in ascending priority (1 to 9999).
    pub priority: u32,
    /// The share of matching requests traced once the reservoir is used up (0 to 1).
    pub fixed_rate: f64,
    /// Requests traced per second before the fixed rate applies.
    pub reservoir_size: u32,
    /// The service name in segments (`*` for any; up to 64 characters).
    pub service_name: String,
    /// The service type, such as `AWS::Lambda::Function` (`*` for any).
    pub service_type: String,
    /// The request host (`*` for any; up to 64 characters).
    pub host: String,
    /// The HTTP method (`*` for any; up to 10 characters).
    pub http_method: String,
    /// The URL path (`*` for any; up to 128 characters).
    pub url_path: String,
    /// The ARN of the resource the service runs on (`*` for any).
    pub resource_arn: String,
    /// Segment attributes to match (at most 5; keys and values 1 to 32 characters).
    pub attributes: Vec<(String, String)>,
}

impl SamplingRuleProps {
    /// A rule named `rule_name` at `priority` tracing `reservoir_size`
    /// requests a second, then `fixed_rate` of the rest, of every request.
    pub fn new(rule_name: &str, priority: u32, fixed_rate: f64, reservoir_size: u32) -> Self {
        SamplingRuleProps {
            rule_name: rule_name.to_string(),
            priority,
            fixed_rate,
            reservoir_size,
            service_name: "*".into(),
            service_type: "*".into(),
            host: "*".into(),
            http_method: "*".into(),
            url_path: "*".into(),
            resource_arn: "*".into(),
            attributes: Vec::new(),
        }
    }
}

/// An `AWS::XRay::SamplingRule` at `<id>/Resource`.
///
/// ```
/// use strata::prelude::*;
/// use strata::xray::{SamplingRule, SamplingRuleProps};
///
/// let app = App::new();
/// let stack = app.stack("Tracing", StackProps::default());
/// SamplingRule::new(&stack, "AgentSampling", SamplingRuleProps {
///     service_name: "ai-agent-service".into(),
///     ..SamplingRuleProps::new("ai-agent", 100, 0.1, 1)
/// });
/// let template = &app.synth().expect("valid").stacks[0].template;
/// let rule = &template["Resources"][strata::logical_id(&["AgentSampling", "Resource"]).as_str()];
/// assert_eq!(rule["Properties"]["SamplingRule"]["FixedRate"], 0.1);
/// assert_eq!(rule["Properties"]["SamplingRule"]["Version"], 1);
/// ```
#[derive(Clone, Debug)]
pub struct SamplingRule {
    scope: Scope,
    rule: cfn::SamplingRuleRef,
}

impl SamplingRule {
    /// Adds the rule under `scope`.
    pub fn new(scope: &Scope, id: &str, props: SamplingRuleProps) -> SamplingRule {
        let scope = scope.child(id);
        for p in problems(&props) {
            scope.error("xray-sampling-rule", p);
        }
        let attributes: Map<Value<String>> = props
            .attributes
            .iter()
            .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
            .collect();
        let rule = s::SamplingRuleProperty {
            attributes: (!attributes.is_empty()).then_some(Value::Lit(attributes)),
            rule_name: Some(props.rule_name.as_str().into()),
            version: Some(1.into()),
            ..s::SamplingRuleProperty::new(
                props.fixed_rate,
                props.http_method.as_str(),
                props.host.as_str(),
                i64::from(props.priority),
                i64::from(props.reservoir_size),
                props.resource_arn.as_str(),
                props.service_name.as_str(),
                props.service_type.as_str(),
                props.url_path.as_str(),
            )
        };
        let rule = scope.resource(
            "Resource",
            cfn::SamplingRule {
                sampling_rule: Some(rule.into()),
                ..cfn::SamplingRule::new()
            },
        );
        SamplingRule { scope, rule }
    }

    /// The rule's ARN, `Fn::GetAtt RuleARN`.
    pub fn rule_arn(&self) -> Value<String> {
        self.rule.rule_arn()
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::SamplingRuleRef {
        &self.rule
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

fn problems(p: &SamplingRuleProps) -> Vec<String> {
    let mut out = Vec::new();
    let name_len = p.rule_name.chars().count();
    if name_len == 0 || name_len > 32 {
        out.push(format!(
            "rule name {:?} must be 1 to 32 characters long",
            p.rule_name
        ));
    } else if p.rule_name == "Default" {
        out.push(
            "the rule name \"Default\" belongs to X-Ray's built-in rule; choose another name"
                .to_string(),
        );
    }
    if !(1..=9999).contains(&p.priority) {
        out.push(format!(
            "priority {} is out of range; use 1 to 9999 (lower is evaluated first)",
            p.priority
        ));
    }
    if !(0.0..=1.0).contains(&p.fixed_rate) || p.fixed_rate.is_nan() {
        out.push(format!(
            "fixed rate {} is not a fraction; use 0 to 1, such as 0.1 for 10% of requests",
            p.fixed_rate
        ));
    }
    for (what, value, max) in [
        ("service name", &p.service_name, 64),
        ("service type", &p.service_type, 64),
        ("host", &p.host, 64),
        ("HTTP method", &p.http_method, 10),
        ("URL path", &p.url_path, 128),
        ("resource ARN", &p.resource_arn, 500),
    ] {
        let len = value.chars().count();
        if len == 0 || len > max {
            out.push(format!(
                "the {what} {value:?} must be 1 to {max} characters; use \"*\" to match any"
            ));
        }
    }
    if p.attributes.len() > 5 {
        out.push(format!(
            "{} attributes; a sampling rule matches at most 5",
            p.attributes.len()
        ));
    }
    for (i, (k, v)) in p.attributes.iter().enumerate() {
        let ok = |s: &str| (1..=32).contains(&s.chars().count());
        if !ok(k) || !ok(v) {
            out.push(format!(
                "attribute {k:?} = {v:?}: keys and values must be 1 to 32 characters"
            ));
        }
        if p.attributes[..i].iter().any(|(other, _)| other == k) {
            out.push(format!("attribute {k:?} is given twice"));
        }
    }
    out
}
