//! Running the packs through cfn-guard and reading its structured report:
//! which rule failed on which resource, with the rule's message.

use std::collections::BTreeMap;
use std::io::Cursor;

use cfn_guard::commands::validate::{parse_rules, OutputFormatType, ShowSummaryType};
use cfn_guard::commands::{Executable, ERROR_STATUS_CODE};
use cfn_guard::utils::reader::{ReadBuffer, Reader};
use cfn_guard::utils::writer::{WriteBuffer, Writer};
use cfn_guard::{CommandBuilder, ValidateBuilder};
use serde_json::{json, Value};

use crate::{Error, Pack};

/// One rule that failed on one resource, before suppressions are applied.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct RawFailure {
    pub rule: String,
    pub logical_id: String,
    pub message: String,
}

/// What cfn-guard said about one template.
pub(crate) struct RawReport {
    /// Failures, one per (rule, logical id), sorted.
    pub failures: Vec<RawFailure>,
    /// Rules that applied and passed.
    pub compliant: Vec<String>,
}

/// Checks that every pack parses, naming the first that does not.
pub(crate) fn check_packs(packs: &[Pack]) -> Result<(), Error> {
    for pack in packs {
        if let Err(e) = parse_rules(pack.source, pack.name) {
            return Err(Error::Rules(format!("{}: {e}", pack.name)));
        }
    }
    Ok(())
}

/// Evaluates `data` (a template, possibly with the evaluation context
/// merged in) against `packs` with cfn-guard's structured JSON output.
pub(crate) fn evaluate(packs: &[Pack], data: &Value) -> Result<RawReport, Error> {
    let messages = rule_messages(packs);
    check_packs(packs)?;
    let payload = json!({
        "rules": packs.iter().map(|p| p.source).collect::<Vec<_>>(),
        "data": [data.to_string()],
    });
    let mut reader = Reader::new(ReadBuffer::Cursor(Cursor::new(
        payload.to_string().into_bytes(),
    )));
    let mut writer =
        Writer::new_with_err(WriteBuffer::Vec(Vec::new()), WriteBuffer::Vec(Vec::new()))
            .map_err(|e| Error::Guard(e.to_string()))?;
    let command = ValidateBuilder::default()
        .payload(true)
        .structured(true)
        .output_format(OutputFormatType::JSON)
        .show_summary(vec![ShowSummaryType::None])
        .try_build()
        .map_err(|e| Error::Guard(e.to_string()))?;
    // cfn-guard panics on some query shapes; report that as an error
    // instead of taking the caller down.
    let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        command.execute(&mut writer, &mut reader)
    }))
    .map_err(|_| Error::Guard("cfn-guard panicked while evaluating the packs".into()))?
    .map_err(|e| Error::Guard(e.to_string()))?;
    if code == ERROR_STATUS_CODE {
        let detail = writer.err_to_stripped().unwrap_or_default();
        return Err(Error::Guard(format!(
            "cfn-guard could not evaluate: {detail}"
        )));
    }
    let out = writer
        .into_string()
        .map_err(|e| Error::Guard(e.to_string()))?;
    let reports: Value = serde_json::from_str(&out)
        .map_err(|e| Error::Guard(format!("unreadable cfn-guard report: {e}")))?;
    Ok(read_report(&reports, &messages))
}

/// Reads cfn-guard's list of file reports (one data file here).
fn read_report(reports: &Value, messages: &BTreeMap<String, String>) -> RawReport {
    let mut failures = Vec::new();
    let mut compliant = Vec::new();
    for file in reports.as_array().into_iter().flatten() {
        for entry in file["not_compliant"].as_array().into_iter().flatten() {
            if let Some(rule) = entry.get("Rule") {
                rule_failures(rule, messages, &mut failures);
            }
        }
        for name in file["compliant"].as_array().into_iter().flatten() {
            if let Some(name) = name.as_str() {
                compliant.push(name.to_string());
            }
        }
    }
    failures.sort();
    failures.dedup_by(|a, b| a.rule == b.rule && a.logical_id == b.logical_id);
    compliant.sort();
    compliant.dedup();
    RawReport {
        failures,
        compliant,
    }
}

/// The failures of one non-compliant rule: one per resource named by the
/// paths of its failed clauses, with the clause's custom message, else
/// the first custom message of the same check, else of the rule, else
/// cfn-guard's own description. A rule none of whose clauses names a
/// resource still fails, on the template as a whole (empty logical id).
fn rule_failures(rule: &Value, messages: &BTreeMap<String, String>, out: &mut Vec<RawFailure>) {
    let name = rule["name"].as_str().unwrap_or_default().to_string();
    let rule_custom = first_custom(rule).or_else(|| messages.get(&name).cloned());
    let mut any = false;
    for check in rule["checks"].as_array().into_iter().flatten() {
        let check_custom = first_custom(check).or_else(|| rule_custom.clone());
        let mut leaves = Vec::new();
        collect_leaves(check, &mut leaves);
        for leaf in leaves {
            let Some(logical_id) = leaf_resource(leaf) else {
                continue;
            };
            any = true;
            let message = custom(leaf)
                .or_else(|| check_custom.clone())
                .or_else(|| error(leaf))
                .unwrap_or_else(|| format!("{name} failed"));
            out.push(RawFailure {
                rule: name.clone(),
                logical_id,
                message,
            });
        }
    }
    if !any {
        out.push(RawFailure {
            rule: name.clone(),
            logical_id: String::new(),
            message: rule_custom.unwrap_or_else(|| format!("{name} failed")),
        });
    }
}

/// The first custom message (`<< ... >>`) written in each rule's source:
/// what a failure says when cfn-guard reports it without one (a missing
/// property fails the block, not the clause that carries the message).
fn rule_messages(packs: &[Pack]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for pack in packs {
        let mut rest = pack.source;
        while let Some(at) = rest.find("\nrule ") {
            rest = &rest[at + 6..];
            let name = rest.split_whitespace().next().unwrap_or_default();
            let body_end = rest.find("\nrule ").unwrap_or(rest.len());
            let body = &rest[..body_end];
            if let (Some(open), Some(close)) = (body.find("<<"), body.find(">>")) {
                if open < close {
                    out.insert(name.to_string(), clean(&body[open + 2..close]));
                }
            }
        }
    }
    out
}

/// The messages object of a clause report body (`Block`'s own, or the
/// `Unary`/`Binary` report's inside a `Clause`).
fn messages_of(body: &Value) -> Option<&Value> {
    if body.get("messages").is_some() {
        return body.get("messages");
    }
    body.as_object()?.values().find_map(|v| v.get("messages"))
}

fn custom(leaf: &Value) -> Option<String> {
    messages_of(leaf)?["custom_message"]
        .as_str()
        .map(clean)
        .filter(|m| !m.is_empty())
}

fn error(leaf: &Value) -> Option<String> {
    messages_of(leaf)?["error_message"]
        .as_str()
        .map(clean)
        .filter(|m| !m.is_empty())
}

/// The first non-empty custom message anywhere under `node`.
fn first_custom(node: &Value) -> Option<String> {
    match node {
        Value::Object(map) => map
            .get("custom_message")
            .and_then(Value::as_str)
            .map(clean)
            .filter(|m| !m.is_empty())
            .or_else(|| map.values().find_map(first_custom)),
        Value::Array(items) => items.iter().find_map(first_custom),
        _ => None,
    }
}

/// Collapses a multi-line rule message into one line (cfn-guard may turn
/// its line breaks into `;`).
fn clean(message: &str) -> String {
    message
        .split(|c: char| c.is_whitespace() || c == ';')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The leaf reports (`Block` and `Clause` bodies) of a failed check;
/// `Rule` and `Disjunctions` nodes are walked through.
fn collect_leaves<'a>(node: &'a Value, out: &mut Vec<&'a Value>) {
    let Some(obj) = node.as_object() else {
        return;
    };
    for (kind, body) in obj {
        match kind.as_str() {
            "Rule" | "Disjunctions" => {
                for child in body["checks"].as_array().into_iter().flatten() {
                    collect_leaves(child, out);
                }
            }
            _ => out.push(body),
        }
    }
}

/// The resource a leaf report is about: the logical ID in the first
/// `path` found depth-first in field order (the value the clause failed
/// on: `from` before `to`, `traversed_to` of an unresolved query). A
/// `/Resources` path whose value is a string is a map key from a
/// key-binding query (`Resources[ ids | ... ]`), and names the resource.
fn leaf_resource(value: &Value) -> Option<String> {
    match value {
        Value::Object(map) => match map.get("path").and_then(Value::as_str) {
            Some("/Resources") => map.get("value").and_then(Value::as_str).map(str::to_string),
            Some(path) => resource_of(path),
            None => map.iter().find_map(|(_, v)| leaf_resource(v)),
        },
        Value::Array(items) => items.iter().find_map(leaf_resource),
        _ => None,
    }
}

/// `/Resources/Bucket83908E77/Properties/...` -> `Bucket83908E77`.
fn resource_of(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/Resources/")?;
    let id = rest.split('/').next()?;
    (!id.is_empty()).then(|| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_paths() {
        assert_eq!(
            resource_of("/Resources/A1/Properties/X").as_deref(),
            Some("A1")
        );
        assert_eq!(resource_of("/Resources/A1").as_deref(), Some("A1"));
        assert_eq!(resource_of("/Outputs/A1"), None);
        assert_eq!(resource_of("/Resources/"), None);
    }

    #[test]
    fn messages_are_one_line() {
        assert_eq!(
            clean("\n  Violation: x.\n  Fix: y.\n"),
            "Violation: x. Fix: y."
        );
    }
}
