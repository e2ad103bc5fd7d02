//! Typed CloudWatch metrics: a [`Metric`] (namespace, name, dimensions,
//! statistic, period, unit) and a [`MathExpression`] over metrics, checked
//! against what CloudWatch accepts before they reach an alarm or a
//! dashboard.

use std::time::Duration;

use strata_core::Value;

use super::namespace::namespace_problems;

/// The default period of a metric: five minutes, as in the CDK.
pub const DEFAULT_PERIOD: Duration = Duration::from_secs(300);

/// How a metric's data points are aggregated over a period.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Statistic {
    /// `Average`.
    Average,
    /// `Sum`.
    Sum,
    /// `Minimum`.
    Minimum,
    /// `Maximum`.
    Maximum,
    /// `SampleCount`.
    SampleCount,
    /// A percentile such as `p95` (0 to 100): an extended statistic.
    Percentile(f64),
}

impl Statistic {
    /// The name CloudWatch uses: `Average`, `Sum`, ..., `p95`, `p99.9`.
    pub fn code(self) -> String {
        match self {
            Statistic::Average => "Average".into(),
            Statistic::Sum => "Sum".into(),
            Statistic::Minimum => "Minimum".into(),
            Statistic::Maximum => "Maximum".into(),
            Statistic::SampleCount => "SampleCount".into(),
            Statistic::Percentile(p) => format!("p{p}"),
        }
    }

    /// Whether this is an extended statistic (`ExtendedStatistic` in an
    /// alarm rather than `Statistic`).
    pub fn is_extended(self) -> bool {
        matches!(self, Statistic::Percentile(_))
    }

    fn problem(self) -> Option<String> {
        match self {
            Statistic::Percentile(p) if !(0.0..=100.0).contains(&p) || p.is_nan() => Some(format!(
                "percentile p{p} is out of range; use a percentile from 0 to 100, such as 95 or 99.9"
            )),
            _ => None,
        }
    }
}

/// The unit of a metric's data points.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Seconds,
    Microseconds,
    Milliseconds,
    Bytes,
    Kilobytes,
    Megabytes,
    Gigabytes,
    Terabytes,
    Bits,
    Kilobits,
    Megabits,
    Gigabits,
    Terabits,
    Percent,
    Count,
    BytesPerSecond,
    KilobytesPerSecond,
    MegabytesPerSecond,
    GigabytesPerSecond,
    TerabytesPerSecond,
    BitsPerSecond,
    KilobitsPerSecond,
    MegabitsPerSecond,
    GigabitsPerSecond,
    TerabitsPerSecond,
    CountPerSecond,
    None,
}

impl Unit {
    /// The name CloudWatch uses, such as `Milliseconds` or `Bytes/Second`.
    pub fn code(self) -> &'static str {
        match self {
            Unit::Seconds => "Seconds",
            Unit::Microseconds => "Microseconds",
            Unit::Milliseconds => "Milliseconds",
            Unit::Bytes => "Bytes",
            Unit::Kilobytes => "Kilobytes",
            Unit::Megabytes => "Megabytes",
            Unit::Gigabytes => "Gigabytes",
            Unit::Terabytes => "Terabytes",
            Unit::Bits => "Bits",
            Unit::Kilobits => "Kilobits",
            Unit::Megabits => "Megabits",
            Unit::Gigabits => "Gigabits",
            Unit::Terabits => "Terabits",
            Unit::Percent => "Percent",
            Unit::Count => "Count",
            Unit::BytesPerSecond => "Bytes/Second",
            Unit::KilobytesPerSecond => "Kilobytes/Second",
            Unit::MegabytesPerSecond => "Megabytes/Second",
            Unit::GigabytesPerSecond => "Gigabytes/Second",
            Unit::TerabytesPerSecond => "Terabytes/Second",
            Unit::BitsPerSecond => "Bits/Second",
            Unit::KilobitsPerSecond => "Kilobits/Second",
            Unit::MegabitsPerSecond => "Megabits/Second",
            Unit::GigabitsPerSecond => "Gigabits/Second",
            Unit::TerabitsPerSecond => "Terabits/Second",
            Unit::CountPerSecond => "Count/Second",
            Unit::None => "None",
        }
    }
}

/// One CloudWatch metric with the statistic and period to read it at.
///
/// ```
/// use std::time::Duration;
/// use strata::cloudwatch::{Metric, Statistic};
///
/// let errors = Metric::new("AWS/ApiGateway", "5XXError")
///     .with_dimension("ApiName", "bird-agent-api")
///     .with_statistic(Statistic::Sum)
///     .with_period(Duration::from_secs(60));
/// assert_eq!(errors.period_seconds(), 60);
/// assert!(errors.problems().is_empty());
/// assert!(Metric::new("AWS/ApiGateway", "").problems()[0].contains("metric name"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Metric {
    namespace: String,
    metric_name: String,
    dimensions: Vec<(String, Value<String>)>,
    statistic: Statistic,
    period: Duration,
    unit: Option<Unit>,
    label: Option<String>,
    color: Option<String>,
    app_namespace: bool,
}

impl Metric {
    /// `metric_name` in `namespace`, read as the average over 5 minutes.
    pub fn new(namespace: &str, metric_name: &str) -> Metric {
        Metric {
            namespace: namespace.to_string(),
            metric_name: metric_name.to_string(),
            dimensions: Vec::new(),
            statistic: Statistic::Average,
            period: DEFAULT_PERIOD,
            unit: None,
            label: None,
            color: None,
            app_namespace: false,
        }
    }

    /// A metric of an application's own namespace, where `AWS/` is refused.
    pub(crate) fn in_app_namespace(namespace: &str, metric_name: &str) -> Metric {
        Metric {
            app_namespace: true,
            ..Metric::new(namespace, metric_name)
        }
    }

    /// Adds a dimension; the value may be a token such as a table's `Ref`.
    pub fn with_dimension(mut self, name: &str, value: impl Into<Value<String>>) -> Metric {
        self.dimensions.push((name.to_string(), value.into()));
        self
    }

    /// The statistic (default `Average`).
    pub fn with_statistic(mut self, statistic: Statistic) -> Metric {
        self.statistic = statistic;
        self
    }

    /// The period (default 5 minutes): 1, 5, 10, 20 or 30 seconds, or a
    /// multiple of a minute.
    pub fn with_period(mut self, period: Duration) -> Metric {
        self.period = period;
        self
    }

    /// The unit to select data points by.
    pub fn with_unit(mut self, unit: Unit) -> Metric {
        self.unit = Some(unit);
        self
    }

    /// The label shown on dashboards.
    pub fn with_label(mut self, label: &str) -> Metric {
        self.label = Some(label.to_string());
        self
    }

    /// The line colour on graphs, as `#rrggbb`.
    pub fn with_color(mut self, color: &str) -> Metric {
        self.color = Some(color.to_string());
        self
    }

    /// The namespace, such as `AWS/DynamoDB`.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The metric name, such as `ThrottledRequests`.
    pub fn metric_name(&self) -> &str {
        &self.metric_name
    }

    /// The dimensions, in the order they were added.
    pub fn dimensions(&self) -> &[(String, Value<String>)] {
        &self.dimensions
    }

    /// The statistic.
    pub fn statistic(&self) -> Statistic {
        self.statistic
    }

    /// The period.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// The period in whole seconds, as CloudWatch takes it.
    pub fn period_seconds(&self) -> i64 {
        i64::try_from(self.period.as_secs()).unwrap_or(i64::MAX)
    }

    /// The unit, if set.
    pub fn unit(&self) -> Option<Unit> {
        self.unit
    }

    /// The dashboard label, if set.
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    /// The graph colour, if set.
    pub fn color(&self) -> Option<&str> {
        self.color.as_deref()
    }

    /// What CloudWatch would reject about this metric, one message each.
    pub fn problems(&self) -> Vec<String> {
        let mut out = namespace_problems(&self.namespace, self.app_namespace);
        let what = format!("metric {}/{}", self.namespace, self.metric_name);
        if let Some(p) = name_problem("metric name", &self.metric_name) {
            out.push(format!("{what}: {p}"));
        }
        if self.dimensions.len() > 30 {
            out.push(format!(
                "{what} has {} dimensions; CloudWatch allows at most 30",
                self.dimensions.len()
            ));
        }
        for (i, (name, value)) in self.dimensions.iter().enumerate() {
            if let Some(p) = name_problem("dimension name", name) {
                out.push(format!("{what}: {p}"));
            }
            if self.dimensions[..i].iter().any(|(n, _)| n == name) {
                out.push(format!(
                    "{what} names dimension {name:?} twice; give each dimension once"
                ));
            }
            if let Value::Lit(v) = value {
                if v.is_empty() || v.chars().count() > 1024 {
                    out.push(format!(
                        "{what}: dimension {name:?} has a value of {} characters; use 1 to 1024",
                        v.chars().count()
                    ));
                }
            }
        }
        if let Some(p) = self.statistic.problem() {
            out.push(format!("{what}: {p}"));
        }
        if let Some(p) = period_problem(self.period) {
            out.push(format!("{what}: {p}"));
        }
        if let Some(p) = self.color.as_deref().and_then(color_problem) {
            out.push(format!("{what}: {p}"));
        }
        out
    }
}

/// A metric math expression over named metrics, such as seed 000's error
/// rate `100*(m1+m2)/m3`. Its period applies to every metric it uses.
///
/// ```
/// use strata::cloudwatch::{MathExpression, Metric, Statistic};
///
/// let api = |name: &str| {
///     Metric::new("AWS/ApiGateway", name)
///         .with_dimension("ApiName", "bird-agent-api")
///         .with_statistic(Statistic::Sum)
/// };
/// let rate = MathExpression::new("100*(m1+m2)/m3")
///     .using("m1", api("4XXError"))
///     .using("m2", api("5XXError"))
///     .using("m3", api("Count"))
///     .with_label("Error rate (%)");
/// assert!(rate.problems().is_empty());
/// let typo = MathExpression::new("m1/m4").using("m1", api("Count"));
/// assert!(typo.problems()[0].contains("m4"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct MathExpression {
    expression: String,
    using: Vec<(String, Metric)>,
    label: Option<String>,
    color: Option<String>,
    period: Duration,
}

impl MathExpression {
    /// An expression over the metrics added with [`MathExpression::using`].
    pub fn new(expression: &str) -> MathExpression {
        MathExpression {
            expression: expression.to_string(),
            using: Vec::new(),
            label: None,
            color: None,
            period: DEFAULT_PERIOD,
        }
    }

    /// Names `metric` as `id` (lower-case first letter, then letters,
    /// digits and `_`) for use in the expression.
    pub fn using(mut self, id: &str, metric: Metric) -> MathExpression {
        self.using.push((id.to_string(), metric));
        self
    }

    /// The label of the result.
    pub fn with_label(mut self, label: &str) -> MathExpression {
        self.label = Some(label.to_string());
        self
    }

    /// The line colour on graphs, as `#rrggbb`.
    pub fn with_color(mut self, color: &str) -> MathExpression {
        self.color = Some(color.to_string());
        self
    }

    /// The period of every metric used (default 5 minutes).
    pub fn with_period(mut self, period: Duration) -> MathExpression {
        self.period = period;
        self
    }

    /// The expression text.
    pub fn expression(&self) -> &str {
        &self.expression
    }

    /// The metrics used, by id, each with the expression's period.
    pub fn metrics(&self) -> Vec<(String, Metric)> {
        self.using
            .iter()
            .map(|(id, m)| (id.clone(), m.clone().with_period(self.period)))
            .collect()
    }

    /// The label, if set.
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    /// The graph colour, if set.
    pub fn color(&self) -> Option<&str> {
        self.color.as_deref()
    }

    /// The period.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// The period in whole seconds.
    pub fn period_seconds(&self) -> i64 {
        i64::try_from(self.period.as_secs()).unwrap_or(i64::MAX)
    }

    /// Whether the expression is a `SEARCH` or a Metrics Insights query,
    /// which finds its own metrics.
    pub fn is_query(&self) -> bool {
        let upper = self.expression.trim_start().to_ascii_uppercase();
        upper.starts_with("SELECT") || upper.contains("SEARCH(")
    }

    /// What CloudWatch would reject about this expression, one message each.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let text = self.expression.trim();
        let what = format!("expression {:?}", self.expression);
        if text.is_empty() {
            out.push("a math expression is empty; write one such as \"m1+m2\"".to_string());
        } else if self.expression.len() > 2048 {
            out.push(format!(
                "{what} is {} characters long; CloudWatch allows 2048",
                self.expression.len()
            ));
        }
        for (i, (id, metric)) in self.using.iter().enumerate() {
            if let Some(p) = id_problem(id) {
                out.push(p);
            }
            if self.using[..i].iter().any(|(other, _)| other == id) {
                out.push(format!(
                    "{what} names metric id {id:?} twice; give each metric its own id"
                ));
            }
            for p in metric.problems() {
                out.push(format!("{id}: {p}"));
            }
        }
        if !self
            .expression
            .trim_start()
            .to_ascii_uppercase()
            .starts_with("SELECT")
        {
            let used = identifiers(&self.expression);
            for id in &used {
                if !self.using.iter().any(|(known, _)| known == id) {
                    out.push(format!(
                        "{what} uses {id:?}, which is not one of its metrics ({}); add it with .using({id:?}, metric) or fix the name",
                        self.ids().join(", ")
                    ));
                }
            }
            for (id, _) in &self.using {
                if !used.contains(id) {
                    out.push(format!(
                        "{what} does not use metric {id:?}; use it in the expression or remove it"
                    ));
                }
            }
        }
        if let Some(p) = period_problem(self.period) {
            out.push(format!("{what}: {p}"));
        }
        if let Some(p) = self.color.as_deref().and_then(color_problem) {
            out.push(format!("{what}: {p}"));
        }
        out
    }

    fn ids(&self) -> Vec<String> {
        self.using.iter().map(|(id, _)| id.clone()).collect()
    }
}

/// A metric, or a math expression over metrics: what an alarm watches and
/// what a graph plots.
#[derive(Clone, Debug, PartialEq)]
pub enum MetricQuery {
    /// A single metric.
    Metric(Metric),
    /// A metric math expression.
    Math(MathExpression),
}

impl MetricQuery {
    /// What CloudWatch would reject, one message each.
    pub fn problems(&self) -> Vec<String> {
        match self {
            MetricQuery::Metric(m) => m.problems(),
            MetricQuery::Math(e) => e.problems(),
        }
    }

    /// The period in whole seconds.
    pub fn period_seconds(&self) -> i64 {
        match self {
            MetricQuery::Metric(m) => m.period_seconds(),
            MetricQuery::Math(e) => e.period_seconds(),
        }
    }
}

impl From<Metric> for MetricQuery {
    fn from(m: Metric) -> Self {
        MetricQuery::Metric(m)
    }
}

impl From<MathExpression> for MetricQuery {
    fn from(e: MathExpression) -> Self {
        MetricQuery::Math(e)
    }
}

/// Why CloudWatch would refuse `period` for a metric, if it would.
pub(crate) fn period_problem(period: Duration) -> Option<String> {
    let secs = period.as_secs();
    if period.subsec_nanos() != 0 {
        return Some(format!(
            "a period of {period:?} is not a whole number of seconds; use 1, 5, 10, 20 or 30 seconds or a multiple of 60"
        ));
    }
    if matches!(secs, 1 | 5 | 10 | 20 | 30) || (secs > 0 && secs.is_multiple_of(60)) {
        None
    } else {
        Some(format!(
            "a period of {secs} seconds is not one CloudWatch accepts; use 1, 5, 10, 20 or 30 seconds or a multiple of 60"
        ))
    }
}

/// Why a metric or dimension name would be refused, if it would.
pub(crate) fn name_problem(what: &str, name: &str) -> Option<String> {
    if name.trim().is_empty() {
        Some(format!("the {what} is empty; give it 1 to 255 characters"))
    } else if name.len() > 255 {
        Some(format!(
            "the {what} {name:?} is {} characters long; CloudWatch allows 255",
            name.len()
        ))
    } else if !name.is_ascii() || name.starts_with(':') {
        Some(format!(
            "the {what} {name:?} must be ASCII and must not start with ':'"
        ))
    } else {
        None
    }
}

/// Why `id` cannot name a metric in an expression, if it cannot.
pub(crate) fn id_problem(id: &str) -> Option<String> {
    let mut chars = id.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && id.len() <= 255;
    (!ok).then(|| {
        format!(
            "metric id {id:?} is invalid: start with a lower-case letter, then use letters, digits and '_' (such as \"m1\")"
        )
    })
}

fn color_problem(color: &str) -> Option<String> {
    let ok = color.len() == 7
        && color.starts_with('#')
        && color[1..].chars().all(|c| c.is_ascii_hexdigit());
    (!ok).then(|| format!("colour {color:?} is not of the form #rrggbb, such as \"#d62728\""))
}

/// The metric ids an expression refers to: words starting with a
/// lower-case letter, outside quotes and `{...}` search schemas (functions
/// such as `SUM` and `METRICS` are upper case).
pub(crate) fn identifiers(expression: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let chars: Vec<char> = expression.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '"' | '\'' => {
                i += 1;
                while i < chars.len() && chars[i] != c {
                    i += 1;
                }
                i += 1;
            }
            '{' => {
                while i < chars.len() && chars[i] != '}' {
                    i += 1;
                }
                i += 1;
            }
            c if c.is_ascii_alphanumeric() || c == '_' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '.')
                {
                    if chars[i] == '.' && !c.is_ascii_digit() {
                        break;
                    }
                    i += 1;
                }
                if c.is_ascii_lowercase() {
                    let word: String = chars[start..i].iter().collect();
                    if !out.contains(&word) {
                        out.push(word);
                    }
                }
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_skip_functions_numbers_strings_and_schemas() {
        assert_eq!(identifiers("100*(m1+m2)/m3"), ["m1", "m2", "m3"]);
        assert_eq!(identifiers("SUM(METRICS()) + 1.5e3 * errors"), ["errors"]);
        assert_eq!(
            identifiers("SEARCH('{AWS/EC2,InstanceId} cpu', 'Average', 300)"),
            Vec::<String>::new()
        );
        assert_eq!(identifiers("IF(m1 > 0, m2 / m1, 0)"), ["m1", "m2"]);
    }

    #[test]
    fn periods_follow_cloudwatch() {
        for ok in [1, 5, 10, 20, 30, 60, 120, 3600, 86400] {
            assert_eq!(period_problem(Duration::from_secs(ok)), None, "{ok}");
        }
        for bad in [0, 2, 45, 90, 61] {
            assert!(period_problem(Duration::from_secs(bad)).is_some(), "{bad}");
        }
        assert!(period_problem(Duration::from_millis(1500)).is_some());
    }

    #[test]
    fn percentiles_render_as_extended_statistics() {
        assert_eq!(Statistic::Percentile(95.0).code(), "p95");
        assert_eq!(Statistic::Percentile(99.9).code(), "p99.9");
        assert!(Statistic::Percentile(101.0).problem().is_some());
        assert!(!Statistic::Sum.is_extended());
    }
}
