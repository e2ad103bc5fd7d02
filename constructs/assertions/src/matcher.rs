//! Matchers: `Match`'s constructors and the matching rules, the CDK's.
//!
//! A JSON literal used as a pattern is matched by its context: under an
//! object-like pattern (the default of `has_resource_properties` and the
//! other `has_*` assertions) its objects match object-like at every depth
//! and its arrays match exactly, element by element; under `exact`,
//! `object_equals`, `array_with`, `array_equals`, `not` and
//! `serialized_json` it matches exactly.

use regex_lite::Regex;
use serde_json::Value;

use crate::capture::Capture;
use crate::result::{short, type_name, AssertionError, MatchResult};

/// A pattern that a JSON value matches or not; made by [`Match`]'s
/// functions or converted from a JSON literal (`serde_json::json!`, a
/// string, a number or a boolean).
#[derive(Clone, Debug)]
pub struct Matcher(Kind);

#[derive(Clone, Debug)]
enum Kind {
    /// A JSON literal, partial or exact as its context says.
    Literal(Value),
    /// A JSON literal matched exactly at every depth.
    Exact(Value),
    Object {
        entries: Vec<(String, Matcher)>,
        partial: bool,
    },
    Array {
        items: Vec<Matcher>,
        subsequence: bool,
    },
    Any,
    Absent,
    Not(Box<Matcher>),
    Regex {
        pattern: String,
        regex: Result<Regex, String>,
    },
    SerializedJson(Box<Matcher>),
    Capture(Capture),
    /// A pattern that cannot match anything, with the reason.
    Invalid(String),
}

/// The matchers, as in the CDK's `Match` class.
///
/// ```
/// use serde_json::json;
/// use strata_assertions::Match;
///
/// let listener = json!({"Port": 443, "Protocol": "HTTPS", "Certificates": [{"CertificateArn": "arn"}]});
/// let m = Match::object_like(json!({"Port": 443}))
///     .with(
///         "Certificates",
///         Match::array_with([Match::object_like([("CertificateArn", Match::any_value())])]),
///     )
///     .with("SslPolicy", Match::absent());
/// assert!(m.check(&listener).is_ok());
/// assert!(Match::exact(json!({"Port": 443})).check(&listener).is_err());
/// ```
pub struct Match;

impl Match {
    /// The key must not be present (as an object's value), or the value
    /// must not exist.
    pub fn absent() -> Matcher {
        Matcher(Kind::Absent)
    }

    /// Any value but null.
    pub fn any_value() -> Matcher {
        Matcher(Kind::Any)
    }

    /// An array that contains the patterns in this order, possibly with
    /// other elements between them (an ordered subsequence).
    pub fn array_with(items: impl IntoItems) -> Matcher {
        match items.into_items() {
            Ok(items) => Matcher(Kind::Array {
                items,
                subsequence: true,
            }),
            Err(e) => Matcher(Kind::Invalid(format!("array_with: {e}"))),
        }
    }

    /// An array of exactly these patterns, in this order.
    pub fn array_equals(items: impl IntoItems) -> Matcher {
        match items.into_items() {
            Ok(items) => Matcher(Kind::Array {
                items,
                subsequence: false,
            }),
            Err(e) => Matcher(Kind::Invalid(format!("array_equals: {e}"))),
        }
    }

    /// Deep equality with `value`: objects with exactly these keys at
    /// every depth.
    pub fn exact(value: impl Into<Value>) -> Matcher {
        Matcher(Kind::Exact(value.into()))
    }

    /// An object with at least these keys, whose values match (JSON
    /// literals object-like at every depth).
    pub fn object_like(entries: impl IntoEntries) -> Matcher {
        object("object_like", entries, true)
    }

    /// An object with exactly these keys, whose values match (JSON
    /// literals exactly).
    pub fn object_equals(entries: impl IntoEntries) -> Matcher {
        object("object_equals", entries, false)
    }

    /// Any value that does not match `pattern` (a JSON literal exactly).
    pub fn not(pattern: impl Into<Matcher>) -> Matcher {
        Matcher(Kind::Not(Box::new(pattern.into())))
    }

    /// A string that holds JSON matching `pattern` (a JSON literal
    /// exactly), such as a state machine's `DefinitionString`.
    pub fn serialized_json(pattern: impl Into<Matcher>) -> Matcher {
        Matcher(Kind::SerializedJson(Box::new(pattern.into())))
    }

    /// A string in which the regular expression `pattern` finds a match
    /// (anchor it with `^…$` to match the whole string).
    pub fn string_like_regexp(pattern: &str) -> Matcher {
        Matcher(Kind::Regex {
            pattern: pattern.to_string(),
            regex: Regex::new(pattern).map_err(|e| e.to_string()),
        })
    }
}

fn object(name: &str, entries: impl IntoEntries, partial: bool) -> Matcher {
    match entries.into_entries() {
        Ok(entries) => Matcher(Kind::Object { entries, partial }),
        Err(e) => Matcher(Kind::Invalid(format!("{name}: {e}"))),
    }
}

/// What [`Match::object_like`] and [`Match::object_equals`] take: a JSON
/// object literal, or `(key, matcher)` pairs in an array or a `Vec`.
pub trait IntoEntries {
    /// The keys and their patterns, or why there are none.
    fn into_entries(self) -> Result<Vec<(String, Matcher)>, String>;
}

impl IntoEntries for Value {
    fn into_entries(self) -> Result<Vec<(String, Matcher)>, String> {
        match self {
            Value::Object(map) => Ok(map
                .into_iter()
                .map(|(k, v)| (k, Matcher(Kind::Literal(v))))
                .collect()),
            other => Err(format!(
                "the pattern must be an object, not {} {}",
                type_name(&other),
                short(&other)
            )),
        }
    }
}

impl<K: Into<String>, M: Into<Matcher>, const N: usize> IntoEntries for [(K, M); N] {
    fn into_entries(self) -> Result<Vec<(String, Matcher)>, String> {
        Ok(self
            .into_iter()
            .map(|(k, m)| (k.into(), m.into()))
            .collect())
    }
}

impl<K: Into<String>, M: Into<Matcher>> IntoEntries for Vec<(K, M)> {
    fn into_entries(self) -> Result<Vec<(String, Matcher)>, String> {
        Ok(self
            .into_iter()
            .map(|(k, m)| (k.into(), m.into()))
            .collect())
    }
}

/// What [`Match::array_with`] and [`Match::array_equals`] take: a JSON
/// array literal, or matchers in an array or a `Vec`.
pub trait IntoItems {
    /// The element patterns, or why there are none.
    fn into_items(self) -> Result<Vec<Matcher>, String>;
}

impl IntoItems for Value {
    fn into_items(self) -> Result<Vec<Matcher>, String> {
        match self {
            Value::Array(items) => Ok(items.into_iter().map(Matcher::from).collect()),
            other => Err(format!(
                "the pattern must be an array, not {} {}",
                type_name(&other),
                short(&other)
            )),
        }
    }
}

impl<M: Into<Matcher>, const N: usize> IntoItems for [M; N] {
    fn into_items(self) -> Result<Vec<Matcher>, String> {
        Ok(self.into_iter().map(Into::into).collect())
    }
}

impl<M: Into<Matcher>> IntoItems for Vec<M> {
    fn into_items(self) -> Result<Vec<Matcher>, String> {
        Ok(self.into_iter().map(Into::into).collect())
    }
}

impl From<Value> for Matcher {
    fn from(v: Value) -> Self {
        Matcher(Kind::Literal(v))
    }
}

impl From<&Value> for Matcher {
    fn from(v: &Value) -> Self {
        Matcher(Kind::Literal(v.clone()))
    }
}

impl From<Capture> for Matcher {
    fn from(c: Capture) -> Self {
        Matcher(Kind::Capture(c))
    }
}

impl From<&Capture> for Matcher {
    fn from(c: &Capture) -> Self {
        Matcher(Kind::Capture(c.clone()))
    }
}

macro_rules! literal_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Matcher {
            fn from(v: $t) -> Self {
                Matcher(Kind::Literal(Value::from(v)))
            }
        }
    )*};
}
literal_from!(&str, String, bool, i32, i64, u16, u32, u64, usize, f64);

impl Matcher {
    /// This pattern with `key` matching `pattern` added (or replaced), for
    /// mixing matchers into a JSON object literal. Used on a JSON literal
    /// it makes the pattern object-like; on a pattern that is not an
    /// object pattern it gives one that never matches and says why.
    pub fn with(self, key: &str, pattern: impl Into<Matcher>) -> Matcher {
        let pattern = pattern.into();
        let (mut entries, partial) = match self.0 {
            Kind::Object { entries, partial } => (entries, partial),
            Kind::Literal(Value::Object(map)) => (
                map.into_iter()
                    .map(|(k, v)| (k, Matcher(Kind::Literal(v))))
                    .collect(),
                true,
            ),
            Kind::Invalid(e) => return Matcher(Kind::Invalid(e)),
            _ => {
                return Matcher(Kind::Invalid(format!(
                    "with(\"{key}\", …) needs an object pattern"
                )))
            }
        };
        match entries.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = pattern,
            None => entries.push((key.to_string(), pattern)),
        }
        Matcher(Kind::Object { entries, partial })
    }

    /// Checks `actual` against this pattern (a JSON literal object-like),
    /// committing any captures when it matches.
    pub fn check(&self, actual: &Value) -> Result<(), AssertionError> {
        let mismatches = self.test(Some(actual), true).finish();
        if mismatches.is_empty() {
            return Ok(());
        }
        let lines: Vec<String> = mismatches.iter().map(|m| format!("  {m}")).collect();
        Err(AssertionError::with_mismatches(
            format!("the value does not match:\n{}", lines.join("\n")),
            mismatches,
        ))
    }

    /// Tests `actual` (`None` when missing); `partial` says how JSON
    /// literals match objects here.
    pub(crate) fn test(&self, actual: Option<&Value>, partial: bool) -> MatchResult {
        let mut r = MatchResult::default();
        match &self.0 {
            Kind::Absent => {
                if let Some(v) = actual {
                    r.fail(format!("expected no value, got {}", short(v)));
                }
                return r;
            }
            Kind::Any => {
                match actual {
                    None => r.fail("expected a value, got none"),
                    Some(Value::Null) => r.fail("expected a value, got null"),
                    Some(_) => {}
                }
                return r;
            }
            Kind::Invalid(e) => {
                r.fail(format!("invalid pattern: {e}"));
                return r;
            }
            _ => {}
        }
        let Some(actual) = actual else {
            r.fail("expected a value, got none");
            return r;
        };
        match &self.0 {
            Kind::Literal(v) => return literal(v, actual, partial),
            Kind::Exact(v) => return literal(v, actual, false),
            Kind::Object { entries, partial } => {
                let Some(map) = actual.as_object() else {
                    r.fail(format!(
                        "expected object, got {} {}",
                        type_name(actual),
                        short(actual)
                    ));
                    return r;
                };
                if !partial {
                    for k in map.keys() {
                        if !entries.iter().any(|(e, _)| e == k) {
                            r.fail_at(k, "unexpected key");
                        }
                    }
                }
                for (k, m) in entries {
                    match map.get(k) {
                        None if !matches!(m.0, Kind::Absent) => r.fail_at(k, "missing key"),
                        value => r.compose(k, m.test(value, *partial)),
                    }
                }
            }
            Kind::Array { items, subsequence } => {
                return array(items, actual, *subsequence, |m, v| m.test(Some(v), false));
            }
            Kind::Not(m) => {
                if m.test(Some(actual), false).is_success() {
                    r.fail(format!(
                        "expected a value that does not match the pattern, got {}",
                        short(actual)
                    ));
                }
            }
            Kind::Regex { pattern, regex } => match (regex, actual.as_str()) {
                (Err(e), _) => r.fail(format!("invalid regular expression /{pattern}/: {e}")),
                (Ok(_), None) => r.fail(format!(
                    "expected a string matching /{pattern}/, got {} {}",
                    type_name(actual),
                    short(actual)
                )),
                (Ok(re), Some(s)) if !re.is_match(s) => r.fail(format!(
                    "expected a string matching /{pattern}/, got {}",
                    short(actual)
                )),
                _ => {}
            },
            Kind::SerializedJson(m) => match actual.as_str().map(serde_json::from_str::<Value>) {
                None => r.fail(format!(
                    "expected a JSON string, got {} {}",
                    type_name(actual),
                    short(actual)
                )),
                Some(Err(e)) => r.fail(format!("expected a JSON string, got invalid JSON: {e}")),
                Some(Ok(parsed)) => {
                    let inner = m.test(Some(&parsed), false);
                    if !inner.is_success() {
                        r.note("the encoded JSON does not match");
                    }
                    r.compose("(json)", inner);
                }
            },
            Kind::Capture(c) => {
                if actual.is_null() {
                    r.fail("expected a value to capture, got null");
                    return r;
                }
                if let Some(pattern) = c.pattern() {
                    let inner = pattern.test(Some(actual), true);
                    if !inner.is_success() {
                        return inner;
                    }
                    r.merge(inner);
                }
                r.capture(c, actual);
            }
            Kind::Absent | Kind::Any | Kind::Invalid(_) => {}
        }
        r
    }
}

/// Matches the JSON literal `pattern`: objects object-like when `partial`,
/// exactly otherwise; arrays element by element; scalars by equality.
fn literal(pattern: &Value, actual: &Value, partial: bool) -> MatchResult {
    let mut r = MatchResult::default();
    match pattern {
        Value::Object(expected) => {
            let Some(map) = actual.as_object() else {
                r.fail(format!(
                    "expected object, got {} {}",
                    type_name(actual),
                    short(actual)
                ));
                return r;
            };
            if !partial {
                for k in map.keys() {
                    if !expected.contains_key(k) {
                        r.fail_at(k, "unexpected key");
                    }
                }
            }
            for (k, v) in expected {
                match map.get(k) {
                    None => r.fail_at(k, "missing key"),
                    Some(a) => r.compose(k, literal(v, a, partial)),
                }
            }
        }
        Value::Array(items) => {
            return array(items, actual, false, |p, v| literal(p, v, partial));
        }
        scalar => {
            let equal = match (scalar, actual) {
                (Value::Number(a), Value::Number(b)) => a == b || a.as_f64() == b.as_f64(),
                _ => scalar == actual,
            };
            if !equal {
                if type_name(scalar) == type_name(actual) {
                    r.fail(format!("expected {}, got {}", short(scalar), short(actual)));
                } else {
                    r.fail(format!(
                        "expected {} {}, got {} {}",
                        type_name(scalar),
                        short(scalar),
                        type_name(actual),
                        short(actual)
                    ));
                }
            }
        }
    }
    r
}

/// Matches an array against element patterns, all of them in order
/// (`subsequence`: with other elements between) or exactly.
fn array<P>(
    patterns: &[P],
    actual: &Value,
    subsequence: bool,
    test: impl Fn(&P, &Value) -> MatchResult,
) -> MatchResult {
    let mut r = MatchResult::default();
    let Some(items) = actual.as_array() else {
        r.fail(format!(
            "expected array, got {} {}",
            type_name(actual),
            short(actual)
        ));
        return r;
    };
    if !subsequence {
        if patterns.len() != items.len() {
            r.fail(format!(
                "expected array with {} item{}, got {}",
                patterns.len(),
                if patterns.len() == 1 { "" } else { "s" },
                items.len()
            ));
        }
        for (i, (p, a)) in patterns.iter().zip(items).enumerate() {
            r.compose(&i.to_string(), test(p, a));
        }
        return r;
    }
    let mut next = 0;
    for (pi, p) in patterns.iter().enumerate() {
        let mut closest: Option<(usize, MatchResult)> = None;
        let mut found = false;
        while next < items.len() {
            let inner = test(p, &items[next]);
            next += 1;
            if inner.is_success() {
                r.compose(&(next - 1).to_string(), inner);
                found = true;
                break;
            }
            let closer = match &closest {
                Some((_, c)) => inner.cost() < c.cost(),
                None => true,
            };
            if closer {
                closest = Some((next - 1, inner));
            }
        }
        if found {
            continue;
        }
        match closest {
            Some((i, inner)) => {
                r.note(format!(
                    "array_with: no element matches pattern {pi}; the closest is element {i}"
                ));
                r.compose(&i.to_string(), inner);
            }
            None => r.fail(format!(
                "array_with: no element left to match pattern {pi} (the array has {} items)",
                items.len()
            )),
        }
        break;
    }
    r
}
