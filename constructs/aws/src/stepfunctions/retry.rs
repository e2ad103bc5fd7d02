//! Retriers and catchers of Task, Parallel and Map states.

use strata_core::Raw;

use super::states::path_problem;

/// A retrier: which errors to retry and how.
///
/// ```
/// use strata::stepfunctions::Retry;
/// let retry = Retry::on(["States.TaskFailed"]).interval_seconds(2).max_attempts(3).backoff_rate(2.0);
/// # let _ = retry;
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Retry {
    pub(crate) errors: Vec<String>,
    interval_seconds: Option<u32>,
    max_attempts: Option<u32>,
    backoff_rate: Option<f64>,
    max_delay_seconds: Option<u32>,
    full_jitter: bool,
}

impl Retry {
    /// Retries these error names, such as `States.TaskFailed`.
    pub fn on<I: IntoIterator<Item = S>, S: Into<String>>(errors: I) -> Self {
        Retry {
            errors: errors.into_iter().map(Into::into).collect(),
            interval_seconds: None,
            max_attempts: None,
            backoff_rate: None,
            max_delay_seconds: None,
            full_jitter: false,
        }
    }

    /// Retries every error (`States.ALL`; it must be the last retrier).
    pub fn all() -> Self {
        Retry::on(["States.ALL"])
    }

    /// Seconds before the first retry (default 1).
    pub fn interval_seconds(mut self, seconds: u32) -> Self {
        self.interval_seconds = Some(seconds);
        self
    }

    /// Retries at most (default 3; 0 never retries).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts);
        self
    }

    /// Multiplier of the interval per attempt, at least 1 (default 2).
    pub fn backoff_rate(mut self, rate: f64) -> Self {
        self.backoff_rate = Some(rate);
        self
    }

    /// Upper bound of the interval.
    pub fn max_delay_seconds(mut self, seconds: u32) -> Self {
        self.max_delay_seconds = Some(seconds);
        self
    }

    /// Randomizes intervals (`JitterStrategy: FULL`).
    pub fn full_jitter(mut self) -> Self {
        self.full_jitter = true;
        self
    }

    pub(crate) fn problems(&self) -> Vec<String> {
        let mut out = error_list_problems(&self.errors);
        if self.interval_seconds == Some(0) {
            out.push("IntervalSeconds must be at least 1".to_string());
        }
        if self.backoff_rate.is_some_and(|r| r.is_nan() || r < 1.0) {
            out.push("BackoffRate must be at least 1.0".to_string());
        }
        if self.max_delay_seconds == Some(0) {
            out.push("MaxDelaySeconds must be at least 1".to_string());
        }
        out
    }

    pub(crate) fn render(&self) -> Raw {
        let mut f = vec![("ErrorEquals", Raw::from(self.errors.clone()))];
        if let Some(s) = self.interval_seconds {
            f.push(("IntervalSeconds", Raw::Int(i64::from(s))));
        }
        if let Some(n) = self.max_attempts {
            f.push(("MaxAttempts", Raw::Int(i64::from(n))));
        }
        if let Some(r) = self.backoff_rate {
            f.push(("BackoffRate", number(r)));
        }
        if let Some(s) = self.max_delay_seconds {
            f.push(("MaxDelaySeconds", Raw::Int(i64::from(s))));
        }
        if self.full_jitter {
            f.push(("JitterStrategy", Raw::from("FULL")));
        }
        Raw::object(f)
    }
}

/// A catcher: which errors go to which state.
#[derive(Clone, Debug, PartialEq)]
pub struct Catch {
    pub(crate) errors: Vec<String>,
    pub(crate) next: String,
    result_path: Option<String>,
}

impl Catch {
    /// Sends these errors to the state `next`.
    pub fn on<I: IntoIterator<Item = S>, S: Into<String>>(errors: I, next: &str) -> Self {
        Catch {
            errors: errors.into_iter().map(Into::into).collect(),
            next: next.to_string(),
            result_path: None,
        }
    }

    /// Sends every error (`States.ALL`; it must be the last catcher) to `next`.
    pub fn all(next: &str) -> Self {
        Catch::on(["States.ALL"], next)
    }

    /// Where the error output goes in the state input, such as `$.error`.
    pub fn result_path(mut self, path: &str) -> Self {
        self.result_path = Some(path.to_string());
        self
    }

    pub(crate) fn problems(&self) -> Vec<String> {
        let mut out = error_list_problems(&self.errors);
        out.extend(self.result_path.as_deref().and_then(path_problem));
        out
    }

    pub(crate) fn render(&self) -> Raw {
        let mut f = vec![("ErrorEquals", Raw::from(self.errors.clone()))];
        if let Some(p) = &self.result_path {
            f.push(("ResultPath", Raw::from(p.as_str())));
        }
        f.push(("Next", Raw::from(self.next.as_str())));
        Raw::object(f)
    }
}

fn error_list_problems(errors: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    if errors.is_empty() {
        out.push("ErrorEquals needs at least one error name".to_string());
    }
    if errors.len() > 1 && errors.iter().any(|e| e == "States.ALL") {
        out.push("States.ALL must appear alone in ErrorEquals".to_string());
    }
    out
}

pub(crate) fn number(n: f64) -> Raw {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Raw::Int(n as i64)
    } else {
        Raw::Float(n)
    }
}
