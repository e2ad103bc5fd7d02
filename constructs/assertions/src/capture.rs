//! `Capture`: a matcher that records the values it matches, to assert on
//! them afterwards.

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Map, Value};

use crate::matcher::Matcher;
use crate::result::{short, type_name, AssertionError};

#[derive(Debug, Default)]
struct State {
    pattern: Option<Matcher>,
    values: Vec<Value>,
    index: usize,
}

/// Captures the values found where it stands in a pattern.
///
/// A capture matches any non-null value (or, made with
/// [`Capture::with_pattern`], any value its pattern matches) and records
/// it once the whole assertion holds. When several resources match, each
/// one's value is recorded in template order: the accessors read the
/// current one and [`Capture::next`] moves to the next. Clones share the
/// recorded values, so put a clone in the pattern and read the original.
///
/// ```
/// use serde_json::json;
/// use strata_assertions::{Capture, Match, Template};
///
/// let template = Template::from_json(json!({"Resources": {
///     "Fn": {"Type": "AWS::Lambda::Function",
///            "Properties": {"Timeout": 30, "Role": {"Fn::GetAtt": ["Role", "Arn"]}}},
/// }}));
/// let timeout = Capture::new();
/// template
///     .has_resource_properties(
///         "AWS::Lambda::Function",
///         Match::object_like(json!({"Role": {"Fn::GetAtt": ["Role", "Arn"]}}))
///             .with("Timeout", &timeout),
///     )
///     .unwrap();
/// assert_eq!(timeout.as_number().unwrap(), 30.0);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Capture(Arc<Mutex<State>>);

impl Capture {
    /// A capture of any non-null value.
    pub fn new() -> Self {
        Self::default()
    }

    /// A capture of values that also match `pattern` (object-like when a
    /// JSON literal).
    pub fn with_pattern(pattern: impl Into<Matcher>) -> Self {
        let capture = Self::default();
        capture.state().pattern = Some(pattern.into());
        capture
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn pattern(&self) -> Option<Matcher> {
        self.state().pattern.clone()
    }

    pub(crate) fn record(&self, value: Value) {
        self.state().values.push(value);
    }

    /// The current captured value.
    pub fn value(&self) -> Result<Value, AssertionError> {
        let state = self.state();
        match state.values.get(state.index) {
            Some(v) => Ok(v.clone()),
            None if state.values.is_empty() => {
                Err(AssertionError::new("the capture has not captured a value"))
            }
            None => Err(AssertionError::new(format!(
                "the capture has no value after the {} it captured",
                state.values.len()
            ))),
        }
    }

    /// Every captured value, in the order they were captured.
    pub fn values(&self) -> Vec<Value> {
        self.state().values.clone()
    }

    /// Moves to the next captured value; false when there is none.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&self) -> bool {
        let mut state = self.state();
        if state.index + 1 < state.values.len() {
            state.index += 1;
            true
        } else {
            false
        }
    }

    fn typed<T>(
        &self,
        want: &str,
        get: impl FnOnce(&Value) -> Option<T>,
    ) -> Result<T, AssertionError> {
        let v = self.value()?;
        get(&v).ok_or_else(|| {
            AssertionError::new(format!(
                "the captured value is not {want}: got {} {}",
                type_name(&v),
                short(&v)
            ))
        })
    }

    /// The current captured value as a string.
    pub fn as_str(&self) -> Result<String, AssertionError> {
        self.typed("a string", |v| v.as_str().map(str::to_string))
    }

    /// The current captured value as a number.
    pub fn as_number(&self) -> Result<f64, AssertionError> {
        self.typed("a number", Value::as_f64)
    }

    /// The current captured value as a boolean.
    pub fn as_bool(&self) -> Result<bool, AssertionError> {
        self.typed("a boolean", Value::as_bool)
    }

    /// The current captured value as an array.
    pub fn as_array(&self) -> Result<Vec<Value>, AssertionError> {
        self.typed("an array", |v| v.as_array().cloned())
    }

    /// The current captured value as an object.
    pub fn as_object(&self) -> Result<Map<String, Value>, AssertionError> {
        self.typed("an object", |v| v.as_object().cloned())
    }
}
