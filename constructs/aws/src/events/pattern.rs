//! Typed event patterns: fields of the event envelope and of its `detail`,
//! each matched by exact values, prefixes, suffixes, wildcards,
//! anything-but, numeric ranges, existence or CIDR blocks, rendered to the
//! pattern JSON EventBridge takes, and checked as EventBridge checks them.

use std::str::FromStr;

use serde_json::{json, Map as JsonMap};
use strata_core::Json;

/// A numeric comparison in a [`Match::numeric`] or [`Match::range`] match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparison {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `=`
    Eq,
    /// `>=`
    Ge,
    /// `>`
    Gt,
}

impl Comparison {
    fn as_str(self) -> &'static str {
        match self {
            Comparison::Lt => "<",
            Comparison::Le => "<=",
            Comparison::Eq => "=",
            Comparison::Ge => ">=",
            Comparison::Gt => ">",
        }
    }
}

/// One way a field of an event may match; a field matches when any of its
/// matches does.
///
/// ```
/// use strata::events::{Comparison, Match};
/// assert_eq!(Match::prefix("agent.").to_json(), serde_json::json!({"prefix": "agent."}));
/// assert_eq!(
///     Match::range(Comparison::Ge, 0.0, Comparison::Lt, 100.0).to_json(),
///     serde_json::json!({"numeric": [">=", 0, "<", 100]})
/// );
/// assert!(Match::wildcard("agent.**").problem().is_some());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Match {
    /// The exact string.
    Exact(String),
    /// The exact number.
    Number(f64),
    /// Strings starting with this.
    Prefix(String),
    /// Strings ending with this.
    Suffix(String),
    /// The string, ignoring case.
    EqualsIgnoreCase(String),
    /// Strings matching a pattern where `*` stands for any characters.
    Wildcard(String),
    /// Any value but these strings.
    AnythingBut(Vec<String>),
    /// Any string not starting with this.
    AnythingButPrefix(String),
    /// Numbers passing one comparison, or a lower and an upper bound.
    Numeric(Vec<(Comparison, f64)>),
    /// The field is present (`true`) or absent (`false`).
    Exists(bool),
    /// IP addresses in this CIDR block.
    Cidr(String),
    /// The field is `null`.
    Null,
}

impl Match {
    /// The exact string.
    pub fn exact(value: &str) -> Match {
        Match::Exact(value.to_string())
    }

    /// The exact number.
    pub fn number(value: f64) -> Match {
        Match::Number(value)
    }

    /// Strings starting with `prefix`.
    pub fn prefix(prefix: &str) -> Match {
        Match::Prefix(prefix.to_string())
    }

    /// Strings ending with `suffix`.
    pub fn suffix(suffix: &str) -> Match {
        Match::Suffix(suffix.to_string())
    }

    /// `value`, ignoring case.
    pub fn equals_ignore_case(value: &str) -> Match {
        Match::EqualsIgnoreCase(value.to_string())
    }

    /// Strings matching `pattern`, where `*` stands for any characters
    /// (such as `agent.*`).
    pub fn wildcard(pattern: &str) -> Match {
        Match::Wildcard(pattern.to_string())
    }

    /// Any value but `values`.
    pub fn anything_but<I: IntoIterator<Item = S>, S: Into<String>>(values: I) -> Match {
        Match::AnythingBut(values.into_iter().map(Into::into).collect())
    }

    /// Any string not starting with `prefix`.
    pub fn anything_but_prefix(prefix: &str) -> Match {
        Match::AnythingButPrefix(prefix.to_string())
    }

    /// Numbers passing `comparison` against `value`.
    pub fn numeric(comparison: Comparison, value: f64) -> Match {
        Match::Numeric(vec![(comparison, value)])
    }

    /// Numbers between a lower bound (`Gt` or `Ge`) and an upper bound
    /// (`Lt` or `Le`).
    pub fn range(lower: Comparison, low: f64, upper: Comparison, high: f64) -> Match {
        Match::Numeric(vec![(lower, low), (upper, high)])
    }

    /// The field is present.
    pub fn exists() -> Match {
        Match::Exists(true)
    }

    /// The field is absent.
    pub fn not_exists() -> Match {
        Match::Exists(false)
    }

    /// IP addresses in `block`, such as `10.0.0.0/16`.
    pub fn cidr(block: &str) -> Match {
        Match::Cidr(block.to_string())
    }

    /// The pattern JSON of this match.
    pub fn to_json(&self) -> Json {
        match self {
            Match::Exact(s) => json!(s),
            Match::Number(n) => number(*n),
            Match::Prefix(s) => json!({ "prefix": s }),
            Match::Suffix(s) => json!({ "suffix": s }),
            Match::EqualsIgnoreCase(s) => json!({ "equals-ignore-case": s }),
            Match::Wildcard(s) => json!({ "wildcard": s }),
            Match::AnythingBut(values) if values.len() == 1 => {
                json!({ "anything-but": values[0] })
            }
            Match::AnythingBut(values) => json!({ "anything-but": values }),
            Match::AnythingButPrefix(s) => json!({ "anything-but": { "prefix": s } }),
            Match::Numeric(parts) => {
                let list: Vec<Json> = parts
                    .iter()
                    .flat_map(|(c, n)| [json!(c.as_str()), number(*n)])
                    .collect();
                json!({ "numeric": list })
            }
            Match::Exists(b) => json!({ "exists": b }),
            Match::Cidr(s) => json!({ "cidr": s }),
            Match::Null => Json::Null,
        }
    }

    /// Why EventBridge would reject this match, if it would.
    pub fn problem(&self) -> Option<String> {
        match self {
            Match::Prefix(s) | Match::Suffix(s) | Match::AnythingButPrefix(s) if s.is_empty() => {
                Some("a prefix or suffix match needs a non-empty string".to_string())
            }
            Match::Wildcard(s) if s.is_empty() || s.contains("**") => Some(format!(
                "wildcard {s:?} is invalid: give a non-empty pattern without consecutive '*'"
            )),
            Match::AnythingBut(values) if values.is_empty() => {
                Some("anything-but needs at least one value".to_string())
            }
            Match::Number(n) => number_problem(*n),
            Match::Numeric(parts) => numeric_problem(parts),
            Match::Cidr(s) if ipnet::IpNet::from_str(s).is_err() => {
                Some(format!("{s:?} is not a CIDR block such as 10.0.0.0/16"))
            }
            _ => None,
        }
    }
}

/// Numbers are written as integers when they are whole.
fn number(n: f64) -> Json {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        json!(n as i64)
    } else {
        json!(n)
    }
}

fn number_problem(n: f64) -> Option<String> {
    (!n.is_finite() || n.abs() > 5.0e9)
        .then(|| format!("{n} is outside the numbers EventBridge compares, -5e9 to 5e9"))
}

fn numeric_problem(parts: &[(Comparison, f64)]) -> Option<String> {
    if let Some(p) = parts.iter().find_map(|(_, n)| number_problem(*n)) {
        return Some(p);
    }
    let lower = |c: Comparison| matches!(c, Comparison::Gt | Comparison::Ge);
    let upper = |c: Comparison| matches!(c, Comparison::Lt | Comparison::Le);
    match parts {
        [_] => None,
        [(a, lo), (b, hi)] if lower(*a) && upper(*b) && lo < hi => None,
        [(a, _), (b, _)] if lower(*a) && upper(*b) => {
            Some("a numeric range needs its lower bound below its upper bound".to_string())
        }
        _ => Some(
            "a numeric match takes one comparison, or a lower bound (> or >=) then an upper bound (< or <=)"
                .to_string(),
        ),
    }
}

impl From<&str> for Match {
    fn from(s: &str) -> Self {
        Match::exact(s)
    }
}

impl From<String> for Match {
    fn from(s: String) -> Self {
        Match::Exact(s)
    }
}

impl From<f64> for Match {
    fn from(n: f64) -> Self {
        Match::Number(n)
    }
}

/// An event pattern: fields of the event, each with the values it may take.
///
/// ```
/// use strata::events::{EventPattern, Match};
/// let pattern = EventPattern::new()
///     .source(["bird.com"])
///     .detail_type(["Message Received"])
///     .detail("channel", [Match::anything_but(["test"])]);
/// assert_eq!(
///     pattern.to_json(),
///     serde_json::json!({
///         "source": ["bird.com"],
///         "detail-type": ["Message Received"],
///         "detail": {"channel": [{"anything-but": "test"}]}
///     })
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventPattern {
    fields: Vec<(Vec<String>, Vec<Match>)>,
}

impl EventPattern {
    /// An empty pattern; add at least one field.
    pub fn new() -> Self {
        Self::default()
    }

    /// Matches any field of the event by its path (`.` between levels),
    /// such as `version` or `detail.order.status`.
    pub fn field<I, M>(mut self, path: &str, matches: I) -> Self
    where
        I: IntoIterator<Item = M>,
        M: Into<Match>,
    {
        let path: Vec<String> = path.split('.').map(str::to_string).collect();
        let matches = matches.into_iter().map(Into::into);
        match self.fields.iter_mut().find(|(p, _)| *p == path) {
            Some((_, existing)) => existing.extend(matches),
            None => self.fields.push((path, matches.collect())),
        }
        self
    }

    /// Matches `source`.
    pub fn source<I: IntoIterator<Item = M>, M: Into<Match>>(self, matches: I) -> Self {
        self.field("source", matches)
    }

    /// Matches `detail-type`.
    pub fn detail_type<I: IntoIterator<Item = M>, M: Into<Match>>(self, matches: I) -> Self {
        self.field("detail-type", matches)
    }

    /// Matches `account`.
    pub fn account<I: IntoIterator<Item = M>, M: Into<Match>>(self, matches: I) -> Self {
        self.field("account", matches)
    }

    /// Matches `region`.
    pub fn region<I: IntoIterator<Item = M>, M: Into<Match>>(self, matches: I) -> Self {
        self.field("region", matches)
    }

    /// Matches `resources`.
    pub fn resources<I: IntoIterator<Item = M>, M: Into<Match>>(self, matches: I) -> Self {
        self.field("resources", matches)
    }

    /// Matches a field of `detail` by its path below `detail` (`.` between
    /// levels), such as `status` or `order.amount`.
    pub fn detail<I: IntoIterator<Item = M>, M: Into<Match>>(self, path: &str, matches: I) -> Self {
        self.field(&format!("detail.{path}"), matches)
    }

    /// Whether no field is matched.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// What EventBridge would reject about this pattern; empty when valid.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.fields.is_empty() {
            out.push(
                "the event pattern matches no field; add one, such as source([\"my.app\"])"
                    .to_string(),
            );
        }
        for (path, matches) in &self.fields {
            let name = path.join(".");
            if path.iter().any(String::is_empty) {
                out.push(format!(
                    "field path {name:?} has an empty segment; separate levels with a single '.'"
                ));
            }
            if matches.is_empty() {
                out.push(format!("field {name:?} has no values to match"));
            }
            for m in matches {
                if let Some(p) = m.problem() {
                    out.push(format!("field {name:?}: {p}"));
                }
            }
            let nested = self
                .fields
                .iter()
                .any(|(other, _)| other.len() > path.len() && other.starts_with(path));
            if nested {
                out.push(format!(
                    "field {name:?} is matched both as a value and as an object with fields below it"
                ));
            }
        }
        out
    }

    /// The pattern JSON, fields in the order they were added.
    pub fn to_json(&self) -> Json {
        let mut root = JsonMap::new();
        for (path, matches) in &self.fields {
            let values = Json::Array(matches.iter().map(Match::to_json).collect());
            insert(&mut root, path, values);
        }
        Json::Object(root)
    }
}

fn insert(map: &mut JsonMap<String, Json>, path: &[String], values: Json) {
    match path {
        [] => {}
        [leaf] => {
            map.insert(leaf.clone(), values);
        }
        [head, rest @ ..] => {
            let entry = map
                .entry(head.clone())
                .or_insert_with(|| Json::Object(JsonMap::new()));
            if let Json::Object(inner) = entry {
                insert(inner, rest, values);
            }
        }
    }
}
