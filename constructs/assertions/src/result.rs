//! The outcome of matching a value: mismatches with their JSON paths,
//! captured values, and the error the assertions return.

use std::fmt;

use serde_json::Value;

use crate::capture::Capture;

/// One place where a value differs from its pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// JSON-pointer-like path from the matched value's root, such as
    /// `/Properties/VpcConfig/SubnetIds`; empty at the root.
    pub path: String,
    /// What was expected and what was found.
    pub message: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(f, "{path}: {}", self.message)
    }
}

/// The result of testing one value against a matcher.
#[derive(Clone, Debug, Default)]
pub(crate) struct MatchResult {
    /// Mismatches, with their cost (informational notes cost nothing).
    failures: Vec<(Vec<String>, String, u32)>,
    /// Values captured on the way, committed only if the whole match holds.
    captures: Vec<(Capture, Value)>,
}

impl MatchResult {
    /// Records a mismatch at this value.
    pub(crate) fn fail(&mut self, message: impl Into<String>) {
        self.failures.push((Vec::new(), message.into(), 1));
    }

    /// Records a note at this value that explains a mismatch reported
    /// below it but is not one itself.
    pub(crate) fn note(&mut self, message: impl Into<String>) {
        self.failures.push((Vec::new(), message.into(), 0));
    }

    /// Records a mismatch at the child `segment` of this value.
    pub(crate) fn fail_at(&mut self, segment: &str, message: impl Into<String>) {
        self.failures
            .push((vec![segment.to_string()], message.into(), 1));
    }

    /// Records a captured value.
    pub(crate) fn capture(&mut self, capture: &Capture, value: &Value) {
        self.captures.push((capture.clone(), value.clone()));
    }

    /// Adds the result of matching the child `segment` of this value.
    pub(crate) fn compose(&mut self, segment: &str, inner: MatchResult) {
        for (mut path, message, cost) in inner.failures {
            path.insert(0, segment.to_string());
            self.failures.push((path, message, cost));
        }
        self.captures.extend(inner.captures);
    }

    /// Adds the result of matching this same value another way.
    pub(crate) fn merge(&mut self, inner: MatchResult) {
        self.failures.extend(inner.failures);
        self.captures.extend(inner.captures);
    }

    /// Whether the value matched.
    pub(crate) fn is_success(&self) -> bool {
        self.failures.is_empty()
    }

    /// How far the value is from matching: the number of mismatches.
    pub(crate) fn cost(&self) -> u32 {
        self.failures.iter().map(|f| f.2).sum()
    }

    /// Commits the captures if the value matched, and returns the
    /// mismatches (empty on success).
    pub(crate) fn finish(self) -> Vec<Mismatch> {
        if self.failures.is_empty() {
            for (capture, value) in self.captures {
                capture.record(value);
            }
            return Vec::new();
        }
        self.failures
            .into_iter()
            .map(|(path, message, _)| Mismatch {
                path: path
                    .iter()
                    .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
                    .collect(),
                message,
            })
            .collect()
    }
}

/// A failed assertion, with a message that shows the closest candidate
/// and where it differs.
///
/// `Debug` prints the same text as `Display`, so a test that returns
/// `Result<(), AssertionError>` fails with a readable message.
#[derive(Clone, PartialEq, Eq)]
pub struct AssertionError {
    message: String,
    mismatches: Vec<Mismatch>,
}

impl AssertionError {
    /// An error with `message` and no mismatch detail.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            mismatches: Vec::new(),
        }
    }

    pub(crate) fn with_mismatches(message: String, mismatches: Vec<Mismatch>) -> Self {
        Self {
            message,
            mismatches,
        }
    }

    /// The full message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The mismatches of the closest candidate, when there was one.
    pub fn mismatches(&self) -> &[Mismatch] {
        &self.mismatches
    }
}

impl fmt::Display for AssertionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for AssertionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AssertionError {}

/// The JSON type name of `v`, as the messages say it.
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `v` as compact JSON, shortened to about 100 characters.
pub(crate) fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() <= 100 {
        return s;
    }
    let cut: String = s.chars().take(97).collect();
    format!("{cut}…")
}

/// `v` as pretty JSON, indented by two spaces and cut after `max_lines`.
pub(crate) fn pretty(v: &Value, max_lines: usize) -> String {
    let text = serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string());
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = lines
        .iter()
        .take(max_lines)
        .map(|l| format!("  {l}"))
        .collect();
    if lines.len() > max_lines {
        out.push(format!("  … ({} more lines)", lines.len() - max_lines));
    }
    out.join("\n")
}
