//! Schema-constraint checks on literal property values.
//!
//! Generated L1 structs describe each constrained property with a static
//! [`Rule`] and call [`Validator::check`]; nested structs are walked with
//! [`Validator::nested`]. Intrinsics are skipped: their value is only known
//! at deploy time.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use crate::value::{Json, Map, Value};

/// The schema constraints of one property. Unset fields do not apply.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Smallest allowed string length.
    pub min_len: Option<u64>,
    /// Largest allowed string length.
    pub max_len: Option<u64>,
    /// Regular expression a string must match.
    pub pattern: Option<&'static str>,
    /// Allowed string values.
    pub allowed: &'static [&'static str],
    /// Smallest allowed number.
    pub min: Option<f64>,
    /// Largest allowed number.
    pub max: Option<f64>,
    /// Smallest allowed list length.
    pub min_items: Option<u64>,
    /// Largest allowed list length.
    pub max_items: Option<u64>,
}

impl Rule {
    /// A rule with no constraints, to fill the rest of a rule literal.
    pub const NONE: Rule = Rule {
        min_len: None,
        max_len: None,
        pattern: None,
        allowed: &[],
        min: None,
        max: None,
        min_items: None,
        max_items: None,
    };
}

/// One finding of synth-time validation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Issue {
    /// Construct path of the offending element, such as `BirdStack/Vpc/Resource`.
    pub path: String,
    /// Property path inside the element, such as `Tags[0].Key`; empty when
    /// the issue is about the element itself.
    pub property: String,
    /// Short rule name, such as `pattern` or `dangling-ref`.
    pub rule: &'static str,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.property.is_empty() {
            write!(f, "{}: [{}] {}", self.path, self.rule, self.message)
        } else {
            write!(
                f,
                "{}: property {}: [{}] {}",
                self.path, self.property, self.rule, self.message
            )
        }
    }
}

/// Collects issues while walking one element's properties.
pub struct Validator<'a> {
    path: &'a str,
    /// The current property path, its names joined with `.`.
    props: String,
    /// How many names `props` holds.
    depth: usize,
    issues: &'a mut Vec<Issue>,
}

impl<'a> Validator<'a> {
    /// A validator for the element at construct path `path`.
    pub fn new(path: &'a str, issues: &'a mut Vec<Issue>) -> Self {
        Validator {
            path,
            props: String::new(),
            depth: 0,
            issues,
        }
    }

    /// Records an issue at the current property path.
    pub fn report(&mut self, rule: &'static str, message: String) {
        self.issues.push(Issue {
            path: self.path.to_string(),
            property: self.props.clone(),
            rule,
            message,
        });
    }

    fn scoped(&mut self, name: impl std::fmt::Display, f: impl FnOnce(&mut Self)) {
        use std::fmt::Write;
        let len = self.props.len();
        if self.depth > 0 {
            self.props.push('.');
        }
        write!(self.props, "{name}").expect("writing to a String cannot fail");
        self.depth += 1;
        f(self);
        self.depth -= 1;
        self.props.truncate(len);
    }

    /// Checks one property against its rule.
    pub fn check<T: Check>(&mut self, name: &str, value: &T, rule: &Rule) {
        self.scoped(name, |v| value.check(rule, v));
    }

    /// Checks a list property, required or optional: `list` applies to the
    /// list, `item` to each item.
    pub fn check_items<L: ListProperty>(
        &mut self,
        name: &str,
        value: &L,
        list: &Rule,
        item: &Rule,
    ) {
        self.scoped(name, |v| {
            if let Some(items) = value.literal_items() {
                check_count(items.len(), list, v);
                for (i, it) in items.iter().enumerate() {
                    v.scoped(i, |v| it.check(item, v));
                }
            }
        });
    }

    /// Checks every value of a map property against `item`.
    pub fn check_values<M: MapProperty>(&mut self, name: &str, value: &M, item: &Rule) {
        self.scoped(name, |v| {
            if let Some(entries) = value.literal_entries() {
                for (k, it) in entries {
                    v.scoped(k, |v| it.check(item, v));
                }
            }
        });
    }

    /// Walks into a property whose type has constraints of its own.
    pub fn nested<T: Validate>(&mut self, name: &str, value: &T) {
        self.scoped(name, |v| value.validate(v));
    }
}

/// A list-valued property, required (`Value<Vec<T>>`) or optional
/// (`Option<Value<Vec<T>>>`), whose items can be checked.
pub trait ListProperty {
    /// The item type.
    type Item: Check;
    /// The items, when the list is a literal.
    fn literal_items(&self) -> Option<&[Self::Item]>;
}

impl<T: Check> ListProperty for Value<Vec<T>> {
    type Item = T;
    fn literal_items(&self) -> Option<&[T]> {
        match self {
            Value::Lit(items) => Some(items),
            Value::Expr(_) => None,
        }
    }
}

impl<T: Check> ListProperty for Option<Value<Vec<T>>> {
    type Item = T;
    fn literal_items(&self) -> Option<&[T]> {
        self.as_ref().and_then(ListProperty::literal_items)
    }
}

/// A map-valued property, required or optional, whose values can be checked.
pub trait MapProperty {
    /// The value type.
    type Item: Check;
    /// The entries, when the map is a literal.
    fn literal_entries(&self) -> Option<&Map<Self::Item>>;
}

impl<T: Check> MapProperty for Value<Map<T>> {
    type Item = T;
    fn literal_entries(&self) -> Option<&Map<T>> {
        match self {
            Value::Lit(m) => Some(m),
            Value::Expr(_) => None,
        }
    }
}

impl<T: Check> MapProperty for Option<Value<Map<T>>> {
    type Item = T;
    fn literal_entries(&self) -> Option<&Map<T>> {
        self.as_ref().and_then(MapProperty::literal_entries)
    }
}

/// A value that can be checked against a [`Rule`].
pub trait Check {
    /// Reports every way this value breaks `rule`.
    fn check(&self, rule: &Rule, v: &mut Validator<'_>);
}

/// A property type whose fields carry constraints.
pub trait Validate {
    /// Reports every constraint this value breaks.
    fn validate(&self, v: &mut Validator<'_>);
}

impl<T: Check> Check for Option<T> {
    fn check(&self, rule: &Rule, v: &mut Validator<'_>) {
        if let Some(t) = self {
            t.check(rule, v);
        }
    }
}

impl<T: Check> Check for Value<T> {
    fn check(&self, rule: &Rule, v: &mut Validator<'_>) {
        if let Value::Lit(t) = self {
            t.check(rule, v);
        }
    }
}

impl Check for String {
    fn check(&self, rule: &Rule, v: &mut Validator<'_>) {
        let len = self.chars().count() as u64;
        if let Some(min) = rule.min_len {
            if len < min {
                v.report(
                    "min-length",
                    format!("{self:?} is {len} characters long; the minimum is {min}"),
                );
            }
        }
        if let Some(max) = rule.max_len {
            if len > max {
                v.report(
                    "max-length",
                    format!("value is {len} characters long; the maximum is {max}"),
                );
            }
        }
        if !rule.allowed.is_empty() && !rule.allowed.contains(&self.as_str()) {
            v.report(
                "enum",
                format!(
                    "{self:?} is not an allowed value; use one of: {}",
                    rule.allowed.join(", ")
                ),
            );
        }
        if let Some(p) = rule.pattern {
            if !pattern_matches(p, self) {
                v.report(
                    "pattern",
                    format!("{self:?} does not match the pattern {p}"),
                );
            }
        }
    }
}

fn check_number(n: f64, rule: &Rule, v: &mut Validator<'_>) {
    if let Some(min) = rule.min {
        if n < min {
            v.report("minimum", format!("{n} is below the minimum {min}"));
        }
    }
    if let Some(max) = rule.max {
        if n > max {
            v.report("maximum", format!("{n} is above the maximum {max}"));
        }
    }
}

fn check_count(len: usize, rule: &Rule, v: &mut Validator<'_>) {
    let len = len as u64;
    if let Some(min) = rule.min_items {
        if len < min {
            v.report(
                "min-items",
                format!("the list has {len} items; at least {min} are required"),
            );
        }
    }
    if let Some(max) = rule.max_items {
        if len > max {
            v.report(
                "max-items",
                format!("the list has {len} items; at most {max} are allowed"),
            );
        }
    }
}

impl Check for i64 {
    fn check(&self, rule: &Rule, v: &mut Validator<'_>) {
        check_number(*self as f64, rule, v);
    }
}

impl Check for f64 {
    fn check(&self, rule: &Rule, v: &mut Validator<'_>) {
        check_number(*self, rule, v);
    }
}

impl Check for bool {
    fn check(&self, _rule: &Rule, _v: &mut Validator<'_>) {}
}

impl Check for Json {
    fn check(&self, _rule: &Rule, _v: &mut Validator<'_>) {}
}

impl<T> Check for Vec<T> {
    fn check(&self, rule: &Rule, v: &mut Validator<'_>) {
        check_count(self.len(), rule, v);
    }
}

impl<T> Check for Map<T> {
    fn check(&self, _rule: &Rule, _v: &mut Validator<'_>) {}
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, v: &mut Validator<'_>) {
        if let Some(t) = self {
            t.validate(v);
        }
    }
}

impl<T: Validate> Validate for Value<T> {
    fn validate(&self, v: &mut Validator<'_>) {
        if let Value::Lit(t) = self {
            t.validate(v);
        }
    }
}

impl<T: Validate> Validate for Box<T> {
    fn validate(&self, v: &mut Validator<'_>) {
        (**self).validate(v);
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, v: &mut Validator<'_>) {
        for (i, t) in self.iter().enumerate() {
            v.scoped(i, |v| t.validate(v));
        }
    }
}

impl<T: Validate> Validate for Map<T> {
    fn validate(&self, v: &mut Validator<'_>) {
        for (k, t) in self {
            v.scoped(k, |v| t.validate(v));
        }
    }
}

/// Whether `text` matches the registry pattern `pattern`. Patterns are
/// compiled once and cached; codegen only emits patterns that compile.
pub fn pattern_matches(pattern: &'static str, text: &str) -> bool {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Option<regex_lite::Regex>>>> =
        OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = match cache.lock() {
        Ok(c) => c,
        Err(poisoned) => poisoned.into_inner(),
    };
    let re = cache
        .entry(pattern)
        .or_insert_with(|| regex_lite::Regex::new(pattern).ok());
    match re {
        Some(re) => re.is_match(text),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(f: impl FnOnce(&mut Validator<'_>)) -> Vec<Issue> {
        let mut issues = Vec::new();
        let mut v = Validator::new("Stack/Thing", &mut issues);
        f(&mut v);
        issues
    }

    #[test]
    fn string_rules_report_each_broken_constraint() {
        let rule = Rule {
            max_len: Some(3),
            pattern: Some("^[a-z]+$"),
            allowed: &["ab", "abc"],
            ..Rule::NONE
        };
        let issues = run(|v| v.check("Name", &Some(Value::<String>::from("ABCD")), &rule));
        let rules: Vec<_> = issues.iter().map(|i| i.rule).collect();
        assert_eq!(rules, ["max-length", "enum", "pattern"]);
        assert_eq!(issues[0].path, "Stack/Thing");
        assert_eq!(issues[0].property, "Name");
    }

    #[test]
    fn intrinsics_are_not_checked() {
        let rule = Rule {
            pattern: Some("^x$"),
            ..Rule::NONE
        };
        let value: Option<Value<String>> = Some(crate::Fn::region());
        assert!(run(|v| v.check("Name", &value, &rule)).is_empty());
    }

    #[test]
    fn map_values_are_checked_with_their_key() {
        let item = Rule {
            max_len: Some(3),
            ..Rule::NONE
        };
        let mut m = Map::new();
        m.insert("ok".to_string(), Value::from("abc".to_string()));
        m.insert("long".to_string(), Value::from("abcd".to_string()));
        let value: Option<Value<Map<Value<String>>>> = Some(Value::Lit(m));
        let issues = run(|v| v.check_values("Variables", &value, &item));
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].property, "Variables.long");
    }

    #[test]
    fn list_items_are_checked_with_their_index() {
        let list = Rule {
            max_items: Some(1),
            ..Rule::NONE
        };
        let item = Rule {
            min: Some(0.0),
            ..Rule::NONE
        };
        let value: Option<Value<Vec<Value<i64>>>> = Some(Value::list([1_i64, -1]));
        let issues = run(|v| v.check_items("Ports", &value, &list, &item));
        assert_eq!(issues.len(), 2);
        assert_eq!(issues[0].rule, "max-items");
        assert_eq!(issues[1].property, "Ports.1");
        assert_eq!(issues[1].rule, "minimum");
    }
}
