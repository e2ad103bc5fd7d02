//! Template diff: resources added, removed and modified, with the changed
//! property paths and a replacement prediction from the registry's
//! createOnly property lists. Pure; no network.

use std::fmt::Write as _;

use serde_json::{Map, Value as Json};

/// What happens to a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The resource is created.
    Add,
    /// The resource is updated in place or replaced.
    Modify,
    /// The resource is deleted.
    Remove,
}

/// Whether a modification replaces the resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replacement {
    /// Updated in place.
    No,
    /// Replaced (a new physical resource; the old one is deleted).
    Yes,
    /// CloudFormation decides at deploy time (for example a changed value
    /// that comes from another resource).
    Conditional,
}

/// One resource's change.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceChange {
    /// The logical id.
    pub logical_id: String,
    /// The resource type (the new one for a type change).
    pub resource_type: String,
    /// Add, modify or remove.
    pub action: Action,
    /// Changed paths, such as `Properties/KeySchema/0/AttributeName`.
    pub paths: Vec<String>,
    /// The replacement prediction (`No` for adds and removes).
    pub replacement: Replacement,
    /// Why the resource is replaced, such as `KeySchema changed (create-only)`.
    pub reasons: Vec<String>,
}

/// The differences between two templates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TemplateDiff {
    /// Resource changes, in logical-id order.
    pub resources: Vec<ResourceChange>,
    /// Other changed top-level sections and entries, such as `Outputs/BucketArn`.
    pub other: Vec<String>,
}

impl TemplateDiff {
    /// True when the templates are the same.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty() && self.other.is_empty()
    }
}

fn object(v: Option<&Json>) -> Map<String, Json> {
    v.and_then(Json::as_object).cloned().unwrap_or_default()
}

fn changed_paths(prefix: &str, old: Option<&Json>, new: Option<&Json>, out: &mut Vec<String>) {
    if old == new {
        return;
    }
    match (old, new) {
        (Some(Json::Object(a)), Some(Json::Object(b))) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                changed_paths(&format!("{prefix}/{k}"), a.get(k), b.get(k), out);
            }
        }
        (Some(Json::Array(a)), Some(Json::Array(b))) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                changed_paths(&format!("{prefix}/{i}"), Some(x), Some(y), out);
            }
        }
        _ => out.push(prefix.trim_start_matches('/').to_string()),
    }
}

fn pointer<'a>(props: &'a Json, path: &str) -> Option<&'a Json> {
    props.pointer(&format!("/{path}"))
}

/// Why changing `old` into `new` (two resource definitions of the same
/// logical id) replaces the resource; empty when it is updated in place.
pub fn replacement_reasons(old: &Json, new: &Json) -> Vec<String> {
    let old_type = old.get("Type").and_then(Json::as_str).unwrap_or_default();
    let new_type = new.get("Type").and_then(Json::as_str).unwrap_or_default();
    if old_type != new_type {
        return vec![format!("Type changed from {old_type} to {new_type}")];
    }
    let empty = Json::Object(Map::new());
    let old_props = old.get("Properties").unwrap_or(&empty);
    let new_props = new.get("Properties").unwrap_or(&empty);
    let create_only: &[&str] =
        strata_cfn::registry::lookup(new_type).map_or(&[], |t| t.create_only);
    create_only
        .iter()
        .copied()
        .filter(|p| pointer(old_props, p) != pointer(new_props, p))
        .map(|p| format!("{p} changed (create-only)"))
        .collect()
}

/// Compares two templates resource by resource.
pub fn diff_templates(old: &Json, new: &Json) -> TemplateDiff {
    let old_res = object(old.get("Resources"));
    let new_res = object(new.get("Resources"));
    let mut ids: Vec<&String> = old_res.keys().chain(new_res.keys()).collect();
    ids.sort();
    ids.dedup();
    let type_of = |r: &Json| {
        r.get("Type")
            .and_then(Json::as_str)
            .unwrap_or("(no Type)")
            .to_string()
    };
    let mut resources = Vec::new();
    for id in ids {
        let change = match (old_res.get(id), new_res.get(id)) {
            (None, Some(n)) => ResourceChange {
                logical_id: id.clone(),
                resource_type: type_of(n),
                action: Action::Add,
                paths: Vec::new(),
                replacement: Replacement::No,
                reasons: Vec::new(),
            },
            (Some(o), None) => ResourceChange {
                logical_id: id.clone(),
                resource_type: type_of(o),
                action: Action::Remove,
                paths: Vec::new(),
                replacement: Replacement::No,
                reasons: Vec::new(),
            },
            (Some(o), Some(n)) if o != n => {
                let mut paths = Vec::new();
                changed_paths("", Some(o), Some(n), &mut paths);
                let reasons = replacement_reasons(o, n);
                ResourceChange {
                    logical_id: id.clone(),
                    resource_type: type_of(n),
                    action: Action::Modify,
                    paths,
                    replacement: if reasons.is_empty() {
                        Replacement::No
                    } else {
                        Replacement::Yes
                    },
                    reasons,
                }
            }
            _ => continue,
        };
        resources.push(change);
    }
    let (old_top, new_top) = (object(Some(old)), object(Some(new)));
    let mut sections: Vec<&String> = old_top.keys().chain(new_top.keys()).collect();
    sections.sort();
    sections.dedup();
    let mut other = Vec::new();
    for section in sections.into_iter().filter(|k| *k != "Resources") {
        let (a, b) = (old_top.get(section), new_top.get(section));
        if a == b {
            continue;
        }
        match (a.and_then(Json::as_object), b.and_then(Json::as_object)) {
            (None, None) => other.push(section.clone()),
            (x, y) => {
                let (x, y) = (
                    x.cloned().unwrap_or_default(),
                    y.cloned().unwrap_or_default(),
                );
                let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
                keys.sort();
                keys.dedup();
                other.extend(
                    keys.into_iter()
                        .filter(|k| x.get(*k) != y.get(*k))
                        .map(|k| format!("{section}/{k}")),
                );
            }
        }
    }
    TemplateDiff { resources, other }
}

/// ANSI styles, or nothing when colour is off.
struct Style(bool);

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// The one-line marker of an action: `[+]`, `[~]` or `[-]`, coloured.
pub fn action_marker(action: Action, color: bool) -> String {
    let style = Style(color);
    match action {
        Action::Add => style.paint("32", "[+]"),
        Action::Modify => style.paint("33", "[~]"),
        Action::Remove => style.paint("31", "[-]"),
    }
}

/// The replacement note of a change (`replace`, `may replace`), coloured.
pub fn replacement_note(replacement: Replacement, color: bool) -> String {
    let style = Style(color);
    match replacement {
        Replacement::No => String::new(),
        Replacement::Yes => style.paint("1;31", "replace"),
        Replacement::Conditional => style.paint("1;33", "may replace"),
    }
}

/// Renders a diff for a person; `color` adds ANSI colours (use it only
/// when the output is a terminal).
pub fn render(diff: &TemplateDiff, color: bool) -> String {
    let mut out = String::new();
    if diff.is_empty() {
        out.push_str("no differences\n");
        return out;
    }
    for r in &diff.resources {
        let _ = write!(
            out,
            "{} {} {}",
            action_marker(r.action, color),
            r.resource_type,
            r.logical_id
        );
        if r.replacement != Replacement::No {
            let _ = write!(
                out,
                " ({}: {})",
                replacement_note(r.replacement, color),
                r.reasons.join("; ")
            );
        }
        out.push('\n');
        for p in &r.paths {
            let _ = writeln!(out, "    ~ {p}");
        }
    }
    for p in &diff.other {
        let _ = writeln!(out, "{} {p}", action_marker(Action::Modify, color));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn table(key: &str, billing: &str) -> Json {
        json!({"Type": "AWS::DynamoDB::Table", "Properties": {
            "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": key, "AttributeType": "S"}],
            "BillingMode": billing}})
    }

    #[test]
    fn added_removed_and_modified_with_paths() {
        let old = json!({"Resources": {
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 30}},
            "Gone": {"Type": "AWS::SNS::Topic"},
            "Same": {"Type": "AWS::SNS::Topic"}}});
        let new = json!({"Resources": {
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 60}},
            "New": {"Type": "AWS::Logs::LogGroup"},
            "Same": {"Type": "AWS::SNS::Topic"}},
            "Outputs": {"Arn": {"Value": "x"}}});
        let d = diff_templates(&old, &new);
        let summary: Vec<(&str, Action)> = d
            .resources
            .iter()
            .map(|r| (r.logical_id.as_str(), r.action))
            .collect();
        assert_eq!(
            summary,
            [
                ("Gone", Action::Remove),
                ("New", Action::Add),
                ("Queue", Action::Modify)
            ]
        );
        assert_eq!(d.resources[2].paths, ["Properties/VisibilityTimeout"]);
        assert_eq!(d.resources[2].replacement, Replacement::No);
        assert_eq!(d.other, ["Outputs/Arn"]);
        assert_eq!(
            render(&d, false),
            "[-] AWS::SNS::Topic Gone\n[+] AWS::Logs::LogGroup New\n\
             [~] AWS::SQS::Queue Queue\n    ~ Properties/VisibilityTimeout\n[~] Outputs/Arn\n"
        );
        assert!(render(&d, true).contains("\x1b[32m[+]\x1b[0m"));
        assert!(!render(&d, false).contains('\x1b'));
    }

    #[test]
    fn create_only_changes_predict_replacement() {
        let old = json!({"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "a", "FifoQueue": true}}}});
        let new = json!({"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "b", "FifoQueue": true}}}});
        let d = diff_templates(&old, &new);
        assert_eq!(d.resources[0].replacement, Replacement::Yes);
        assert_eq!(d.resources[0].reasons, ["QueueName changed (create-only)"]);
        assert!(render(&d, false).contains("(replace: QueueName changed (create-only))"));
    }

    #[test]
    fn dynamodb_key_schema_replaces_but_billing_mode_does_not() {
        let old = json!({"Resources": {"T": table("pk", "PAY_PER_REQUEST")}});
        let key = json!({"Resources": {"T": table("id", "PAY_PER_REQUEST")}});
        let billing = json!({"Resources": {"T": table("pk", "PROVISIONED")}});
        let d = diff_templates(&old, &key);
        assert_eq!(d.resources[0].replacement, Replacement::Yes);
        assert_eq!(d.resources[0].reasons, ["KeySchema changed (create-only)"]);
        assert!(d.resources[0]
            .paths
            .contains(&"Properties/KeySchema/0/AttributeName".to_string()));
        let d = diff_templates(&old, &billing);
        assert_eq!(d.resources[0].replacement, Replacement::No);
    }

    #[test]
    fn type_change_replaces_and_identical_templates_are_empty() {
        let old = json!({"Resources": {"R": {"Type": "AWS::SNS::Topic"}}});
        let new = json!({"Resources": {"R": {"Type": "AWS::SQS::Queue"}}});
        let d = diff_templates(&old, &new);
        assert_eq!(d.resources[0].replacement, Replacement::Yes);
        assert!(d.resources[0].reasons[0].starts_with("Type changed"));
        assert!(diff_templates(&old, &old).is_empty());
        assert_eq!(render(&TemplateDiff::default(), false), "no differences\n");
    }
}
