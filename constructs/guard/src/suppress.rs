//! Suppressions: a resource's `Metadata.guard.SuppressedRules`, each a rule
//! id with the written reason it does not apply to this resource.
//!
//! ```json
//! "Metadata": {"guard": {"SuppressedRules": [
//!     {"id": "SECURITY_GROUP_OPEN_INGRESS", "reason": "public ALB listener on 443"}
//! ]}}
//! ```
//!
//! A suppression without a reason, with an unknown rule id, or in any other
//! shape is a [`SuppressionError`]: it fails the check like a rule would.

use serde_json::Value;

use crate::SuppressionError;

/// One well-formed suppression found in a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Declared {
    pub logical_id: String,
    pub resource_type: String,
    pub rule: String,
    pub reason: String,
}

/// Reads every resource's suppressions; `known` tells whether a rule id
/// exists in the packs.
pub(crate) fn read(
    template: &Value,
    known: impl Fn(&str) -> bool,
) -> (Vec<Declared>, Vec<SuppressionError>) {
    let mut declared = Vec::new();
    let mut errors = Vec::new();
    let Some(resources) = template.get("Resources").and_then(Value::as_object) else {
        return (declared, errors);
    };
    for (logical_id, resource) in resources {
        let Some(guard) = resource.get("Metadata").and_then(|m| m.get("guard")) else {
            continue;
        };
        let resource_type = resource["Type"].as_str().unwrap_or_default().to_string();
        let mut error = |message: String| {
            errors.push(SuppressionError {
                logical_id: logical_id.clone(),
                message,
            })
        };
        let Some(entries) = guard.get("SuppressedRules").and_then(Value::as_array) else {
            error("Metadata.guard must be {\"SuppressedRules\": [{\"id\": RULE, \"reason\": WHY}, ...]}".into());
            continue;
        };
        for entry in entries {
            let id = entry.get("id").and_then(Value::as_str).unwrap_or_default();
            let reason = entry
                .get("reason")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if let Some(bare) = entry.as_str() {
                error(format!(
                    "suppression of {bare} has no reason: write {{\"id\": \"{bare}\", \"reason\": \"why it does not apply here\"}}"
                ));
            } else if id.trim().is_empty() {
                error(format!("suppression {entry} has no rule id (\"id\")"));
            } else if reason.trim().is_empty() {
                error(format!(
                    "suppression of {id} has no reason: add \"reason\" saying why the rule does not apply here"
                ));
            } else if !known(id) {
                error(format!(
                    "suppression names {id}, which is not a rule of the packs"
                ));
            } else {
                declared.push(Declared {
                    logical_id: logical_id.clone(),
                    resource_type: resource_type.clone(),
                    rule: id.to_string(),
                    reason: reason.trim().to_string(),
                });
            }
        }
    }
    (declared, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn template(guard: Value) -> Value {
        json!({"Resources": {"R": {"Type": "AWS::S3::Bucket", "Metadata": {"guard": guard}}}})
    }

    #[test]
    fn reads_well_formed_entries() {
        let t = template(json!({"SuppressedRules": [{"id": "A", "reason": " because "}]}));
        let (declared, errors) = read(&t, |_| true);
        assert!(errors.is_empty());
        assert_eq!(declared[0].rule, "A");
        assert_eq!(declared[0].reason, "because");
        assert_eq!(declared[0].resource_type, "AWS::S3::Bucket");
    }

    #[test]
    fn rejects_bad_shapes() {
        for guard in [
            json!({"SuppressedRules": ["A"]}),
            json!({"SuppressedRules": [{"id": "A"}]}),
            json!({"SuppressedRules": [{"id": "A", "reason": "  "}]}),
            json!({"SuppressedRules": [{"reason": "x"}]}),
            json!({"SuppressedRules": [{"id": "NOPE", "reason": "x"}]}),
            json!({"Rules": []}),
            json!("A"),
        ] {
            let (declared, errors) = read(&template(guard.clone()), |id| id == "A");
            assert!(declared.is_empty(), "{guard}");
            assert_eq!(errors.len(), 1, "{guard}");
            assert_eq!(errors[0].logical_id, "R");
        }
    }
}
