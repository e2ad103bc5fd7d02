//! The `Choice` state and its typed conditions.

use serde_json::json;
use strata_core::{Json, Raw};

use super::states::{common_io, io_methods, path_problem, Io};

#[derive(Clone, Debug, PartialEq)]
enum Rule {
    Compare {
        variable: String,
        operator: &'static str,
        value: Json,
    },
    And(Vec<Condition>),
    Or(Vec<Condition>),
    Not(Box<Condition>),
}

/// A typed Choice rule condition on a field of the state input.
///
/// ```
/// use strata::stepfunctions::Condition;
/// let image = Condition::and([
///     Condition::string_equals("$.contentType", "image"),
///     Condition::numeric_less_than("$.sizeMb", 20.0),
/// ]);
/// assert_eq!(
///     image.to_json(),
///     serde_json::json!({"And": [
///         {"Variable": "$.contentType", "StringEquals": "image"},
///         {"Variable": "$.sizeMb", "NumericLessThan": 20}
///     ]})
/// );
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Condition(Rule);

macro_rules! comparisons {
    ($($name:ident($ty:ty) => $op:literal: $doc:literal),* $(,)?) => {
        $(
            #[doc = $doc]
            pub fn $name(variable: &str, value: $ty) -> Condition {
                Condition::compare(variable, $op, json!(value))
            }
        )*
    };
}

macro_rules! type_tests {
    ($($name:ident => $op:literal: $doc:literal),* $(,)?) => {
        $(
            #[doc = $doc]
            pub fn $name(variable: &str) -> Condition {
                Condition::compare(variable, $op, json!(true))
            }
        )*
    };
}

impl Condition {
    fn compare(variable: &str, operator: &'static str, value: Json) -> Condition {
        Condition(Rule::Compare {
            variable: variable.to_string(),
            operator,
            value,
        })
    }

    comparisons!(
        string_equals(&str) => "StringEquals": "The string at `variable` equals `value`.",
        string_matches(&str) => "StringMatches": "The string at `variable` matches a pattern with `*` wildcards.",
        string_less_than(&str) => "StringLessThan": "The string at `variable` sorts before `value`.",
        string_greater_than(&str) => "StringGreaterThan": "The string at `variable` sorts after `value`.",
        numeric_equals(f64) => "NumericEquals": "The number at `variable` equals `value`.",
        numeric_less_than(f64) => "NumericLessThan": "The number at `variable` is below `value`.",
        numeric_less_than_equals(f64) => "NumericLessThanEquals": "The number at `variable` is at most `value`.",
        numeric_greater_than(f64) => "NumericGreaterThan": "The number at `variable` is above `value`.",
        numeric_greater_than_equals(f64) => "NumericGreaterThanEquals": "The number at `variable` is at least `value`.",
        boolean_equals(bool) => "BooleanEquals": "The boolean at `variable` equals `value`.",
        timestamp_less_than(&str) => "TimestampLessThan": "The timestamp at `variable` is before `value`.",
        timestamp_greater_than(&str) => "TimestampGreaterThan": "The timestamp at `variable` is after `value`.",
    );

    type_tests!(
        is_present => "IsPresent": "`variable` is present in the input.",
        is_null => "IsNull": "`variable` is `null`.",
        is_string => "IsString": "`variable` is a string.",
        is_numeric => "IsNumeric": "`variable` is a number.",
        is_boolean => "IsBoolean": "`variable` is a boolean.",
        is_timestamp => "IsTimestamp": "`variable` is a timestamp.",
    );

    /// `variable` is absent from the input.
    pub fn is_not_present(variable: &str) -> Condition {
        Condition::compare(variable, "IsPresent", json!(false))
    }

    /// Every condition holds.
    pub fn and(conditions: impl IntoIterator<Item = Condition>) -> Condition {
        Condition(Rule::And(conditions.into_iter().collect()))
    }

    /// At least one condition holds.
    pub fn or(conditions: impl IntoIterator<Item = Condition>) -> Condition {
        Condition(Rule::Or(conditions.into_iter().collect()))
    }

    /// The ASL rule object.
    pub fn to_json(&self) -> Json {
        match &self.0 {
            Rule::Compare {
                variable,
                operator,
                value,
            } => {
                let mut m = serde_json::Map::new();
                m.insert("Variable".into(), json!(variable));
                let value = match value.as_f64() {
                    Some(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => json!(n as i64),
                    _ => value.clone(),
                };
                m.insert((*operator).into(), value);
                Json::Object(m)
            }
            Rule::And(cs) => {
                json!({ "And": cs.iter().map(Condition::to_json).collect::<Vec<_>>() })
            }
            Rule::Or(cs) => json!({ "Or": cs.iter().map(Condition::to_json).collect::<Vec<_>>() }),
            Rule::Not(c) => json!({ "Not": c.to_json() }),
        }
    }

    /// What Step Functions would reject about this condition.
    pub fn problems(&self) -> Vec<String> {
        match &self.0 {
            Rule::Compare {
                variable, value, ..
            } => {
                let mut out: Vec<String> = path_problem(variable).into_iter().collect();
                if value.is_number() && value.as_f64().is_none() {
                    out.push(format!(
                        "the value compared with {variable} is not a finite number"
                    ));
                }
                out
            }
            Rule::And(cs) | Rule::Or(cs) if cs.is_empty() => {
                vec!["And and Or need at least one condition".to_string()]
            }
            Rule::And(cs) | Rule::Or(cs) => cs.iter().flat_map(Condition::problems).collect(),
            Rule::Not(c) => c.problems(),
        }
    }
}

impl std::ops::Not for Condition {
    type Output = Condition;

    /// The condition does not hold (`{"Not": ..}`).
    fn not(self) -> Condition {
        Condition(Rule::Not(Box::new(self)))
    }
}

/// A `Choice` state: goes to the first state whose condition holds, or
/// to the default.
///
/// ```
/// use strata::stepfunctions::{Choice, Condition};
/// let route = Choice::new()
///     .when(Condition::string_equals("$.contentType", "image"), "ImageAnalysis")
///     .otherwise("TextExtraction");
/// # let _ = route;
/// ```
#[derive(Clone, Debug, Default)]
pub struct Choice {
    pub(crate) choices: Vec<(Condition, String)>,
    pub(crate) default: Option<String>,
    pub(crate) io: Io,
}

impl Choice {
    /// A choice with no rule yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Goes to `next` when `condition` holds (rules are tried in order).
    pub fn when(mut self, condition: Condition, next: &str) -> Self {
        self.choices.push((condition, next.to_string()));
        self
    }

    /// Goes to `next` when no rule holds.
    pub fn otherwise(mut self, next: &str) -> Self {
        self.default = Some(next.to_string());
        self
    }

    io_methods!(
        comment: "A human-readable description.",
        input_path: "The part of the input the state sees.",
        output_path: "The part of the output passed on."
    );

    pub(crate) fn render(&self, f: &mut Vec<(&'static str, Raw)>) {
        common_io(f, &self.io, false);
        let choices = self
            .choices
            .iter()
            .map(|(c, next)| {
                let mut rule = c.to_json();
                if let Json::Object(m) = &mut rule {
                    m.insert("Next".into(), json!(next));
                }
                Raw::from(rule)
            })
            .collect();
        f.push(("Choices", Raw::List(choices)));
        if let Some(d) = &self.default {
            f.push(("Default", Raw::from(d.as_str())));
        }
    }
}
