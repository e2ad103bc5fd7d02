//! Suppressing a policy-pack rule (`cargo xtask guard`) on one resource,
//! with the written reason it does not apply there.
//!
//! The suppression is stored in the resource's metadata, where the
//! checker reads it and lists it in its report:
//!
//! ```json
//! "Metadata": {"guard": {"SuppressedRules": [{"id": "RULE", "reason": "why"}]}}
//! ```

use serde_json::{json, Value as Json};
use strata_core::Scope;

/// Suppresses `rule` on the resource at `scope` (an L1 resource scope, or
/// a construct whose default child `Resource` is one), saying `reason`.
/// An empty rule id or reason, or a scope that is not a resource, is a
/// synth error on `scope`; suppressing the same rule twice keeps the
/// last reason.
///
/// ```
/// use strata::prelude::*;
/// use strata::ec2::{Peer, Port, SecurityGroup, SecurityGroupProps};
///
/// let app = App::new();
/// let stack = app.stack("Edge", StackProps::default());
/// let group = SecurityGroup::new(&stack, "Public", SecurityGroupProps {
///     vpc_id: "vpc-1".into(),
///     description: Some("public entry".into()),
///     ..Default::default()
/// });
/// group.allow_from(Peer::any_ipv4(), Port::tcp(443), "HTTPS from anywhere");
/// strata::guard::suppress(group.scope(), "SECURITY_GROUP_OPEN_INGRESS", "the public entry point");
/// let assembly = app.synth().unwrap();
/// let template = &assembly.stacks[0].template;
/// let id = template["Resources"].as_object().unwrap().keys().next().unwrap().clone();
/// let rules = &template["Resources"][&id]["Metadata"]["guard"]["SuppressedRules"];
/// assert_eq!(rules[0]["id"], "SECURITY_GROUP_OPEN_INGRESS");
/// assert_eq!(rules[0]["reason"], "the public entry point");
/// ```
pub fn suppress(scope: &Scope, rule: &str, reason: &str) {
    if rule.trim().is_empty() {
        scope.error(
            "guard-suppression",
            "a suppression needs the rule id it suppresses",
        );
        return;
    }
    if reason.trim().is_empty() {
        scope.error(
            "guard-suppression",
            format!(
                "the suppression of {rule} needs a reason: say why the rule does not apply here"
            ),
        );
        return;
    }
    let Some(target) = resource_scope(scope) else {
        scope.error(
            "guard-suppression",
            format!("cannot suppress {rule} here: this scope is not a resource and has no `Resource` child"),
        );
        return;
    };
    target.with_options(|options| {
        let guard = options
            .metadata
            .entry("guard".to_string())
            .or_insert_with(|| json!({}));
        if !guard.is_object() {
            *guard = json!({});
        }
        let list = guard
            .as_object_mut()
            .map(|g| g.entry("SuppressedRules").or_insert_with(|| json!([])));
        let Some(Json::Array(entries)) = list else {
            return;
        };
        entries.retain(|e| e["id"] != rule);
        entries.push(json!({"id": rule, "reason": reason.trim()}));
    });
}

/// `scope` when it is a resource, else its default child `Resource`.
fn resource_scope(scope: &Scope) -> Option<Scope> {
    if scope.resource_type().is_some() {
        return Some(scope.clone());
    }
    scope
        .children()
        .into_iter()
        .find(|c| c.id() == "Resource" && c.resource_type().is_some())
}
