//! CloudWatch alarms on a metric or a metric math expression, with
//! thresholds, evaluation windows, missing-data treatment and actions to
//! SNS topics, scaling policies and Lambda functions, rendered into an
//! `AWS::CloudWatch::Alarm` at `<id>/Resource` as the CDK's `Alarm` does.

use strata_cfn::cloud_watch::{self as cfn, alarm as a};
use strata_cfn::lambda;
use strata_core::{Scope, Value};

use super::metric::{Metric, MetricQuery};

/// How the statistic is compared with the threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComparisonOperator {
    /// `GreaterThanOrEqualToThreshold`.
    GreaterThanOrEqualToThreshold,
    /// `GreaterThanThreshold`.
    GreaterThanThreshold,
    /// `LessThanThreshold`.
    LessThanThreshold,
    /// `LessThanOrEqualToThreshold`.
    LessThanOrEqualToThreshold,
}

impl ComparisonOperator {
    /// The name CloudWatch uses.
    pub fn code(self) -> &'static str {
        match self {
            ComparisonOperator::GreaterThanOrEqualToThreshold => "GreaterThanOrEqualToThreshold",
            ComparisonOperator::GreaterThanThreshold => "GreaterThanThreshold",
            ComparisonOperator::LessThanThreshold => "LessThanThreshold",
            ComparisonOperator::LessThanOrEqualToThreshold => "LessThanOrEqualToThreshold",
        }
    }
}

/// How periods without data points count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TreatMissingData {
    /// `breaching`: missing data counts as over the threshold.
    Breaching,
    /// `notBreaching`: missing data counts as within the threshold.
    NotBreaching,
    /// `ignore`: the alarm keeps its state.
    Ignore,
    /// `missing`: CloudWatch's default, the periods are skipped.
    Missing,
}

impl TreatMissingData {
    /// The name CloudWatch uses.
    pub fn code(self) -> &'static str {
        match self {
            TreatMissingData::Breaching => "breaching",
            TreatMissingData::NotBreaching => "notBreaching",
            TreatMissingData::Ignore => "ignore",
            TreatMissingData::Missing => "missing",
        }
    }
}

/// What an alarm does when it enters a state.
#[derive(Clone, Debug, PartialEq)]
pub enum AlarmAction {
    /// Publish to an SNS topic, by ARN.
    SnsTopic(Value<String>),
    /// Run a step scaling policy (EC2 Auto Scaling or Application Auto
    /// Scaling), by ARN: the `Ref` of the policy.
    ScalingPolicy(Value<String>),
    /// Invoke a Lambda function, by ARN; the alarm adds the permission
    /// that lets CloudWatch alarms invoke it.
    Lambda(Value<String>),
}

impl AlarmAction {
    /// The ARN CloudWatch is given.
    pub fn arn(&self) -> Value<String> {
        match self {
            AlarmAction::SnsTopic(arn)
            | AlarmAction::ScalingPolicy(arn)
            | AlarmAction::Lambda(arn) => arn.clone(),
        }
    }

    fn problem(&self) -> Option<String> {
        let (service, what) = match self {
            AlarmAction::SnsTopic(_) => (
                ":sns:",
                "an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)",
            ),
            AlarmAction::ScalingPolicy(_) => (
                ":autoscaling:",
                "a scaling policy ARN (arn:aws:autoscaling:<region>:<account>:scalingPolicy:...)",
            ),
            AlarmAction::Lambda(_) => (
                ":lambda:",
                "a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>)",
            ),
        };
        match self.arn() {
            Value::Lit(arn) if !(arn.starts_with("arn:") && arn.contains(service)) => {
                Some(format!("action {arn:?} is not {what}"))
            }
            _ => None,
        }
    }
}

/// Settings of an [`Alarm`]. `AlarmProps::new` takes what every alarm
/// needs; the rest defaults to no name, no actions and CloudWatch's own
/// missing-data treatment.
#[derive(Clone, Debug, PartialEq)]
pub struct AlarmProps {
    /// A physical alarm name (up to 255 characters); unset lets
    /// CloudFormation name it.
    pub alarm_name: Option<String>,
    /// The description (up to 1024 characters).
    pub description: Option<String>,
    /// What is watched: a metric or a math expression.
    pub metric: MetricQuery,
    /// How the value is compared with the threshold.
    pub comparison: ComparisonOperator,
    /// The threshold.
    pub threshold: f64,
    /// How many periods are evaluated (the N of "M out of N"); at least 1.
    pub evaluation_periods: u32,
    /// How many of them must breach (the M); at most `evaluation_periods`.
    pub datapoints_to_alarm: Option<u32>,
    /// How periods without data count.
    pub treat_missing_data: Option<TreatMissingData>,
    /// Actions on entering `ALARM` (at most 5).
    pub alarm_actions: Vec<AlarmAction>,
    /// Actions on entering `OK` (at most 5).
    pub ok_actions: Vec<AlarmAction>,
    /// Actions on entering `INSUFFICIENT_DATA` (at most 5).
    pub insufficient_data_actions: Vec<AlarmAction>,
    /// `ActionsEnabled`; unset leaves CloudWatch's default (enabled).
    pub actions_enabled: Option<bool>,
}

impl AlarmProps {
    /// An alarm on `metric` when it compares to `threshold` as `comparison`
    /// over `evaluation_periods` periods.
    pub fn new(
        metric: impl Into<MetricQuery>,
        comparison: ComparisonOperator,
        threshold: f64,
        evaluation_periods: u32,
    ) -> AlarmProps {
        AlarmProps {
            alarm_name: None,
            description: None,
            metric: metric.into(),
            comparison,
            threshold,
            evaluation_periods,
            datapoints_to_alarm: None,
            treat_missing_data: None,
            alarm_actions: Vec::new(),
            ok_actions: Vec::new(),
            insufficient_data_actions: Vec::new(),
            actions_enabled: None,
        }
    }
}

/// An `AWS::CloudWatch::Alarm`.
///
/// ```
/// use std::time::Duration;
/// use strata::prelude::*;
/// use strata::cloudwatch::{Alarm, AlarmAction, AlarmProps, ComparisonOperator, Metric, Statistic};
///
/// let app = App::new();
/// let stack = app.stack("Monitoring", StackProps::default());
/// let latency = Metric::new("AWS/ApiGateway", "Latency")
///     .with_dimension("ApiName", "bird-agent-api")
///     .with_statistic(Statistic::Percentile(95.0));
/// Alarm::new(&stack, "HighLatency", AlarmProps {
///     alarm_actions: vec![AlarmAction::SnsTopic(
///         "arn:aws:sns:us-east-1:123456789012:critical-alerts".into(),
///     )],
///     ..AlarmProps::new(latency, ComparisonOperator::GreaterThanThreshold, 10_000.0, 2)
/// });
/// let template = &app.synth().expect("valid").stacks[0].template;
/// let alarm = &template["Resources"][strata::logical_id(&["HighLatency", "Resource"]).as_str()];
/// assert_eq!(alarm["Properties"]["ExtendedStatistic"], "p95");
/// assert_eq!(alarm["Properties"]["Period"], 300);
/// ```
#[derive(Clone, Debug)]
pub struct Alarm {
    scope: Scope,
    alarm: cfn::AlarmRef,
}

impl Alarm {
    /// Adds the alarm under `scope`.
    pub fn new(scope: &Scope, id: &str, props: AlarmProps) -> Alarm {
        let scope = scope.child(id);
        for p in problems(&props) {
            scope.error("cloudwatch-alarm", p);
        }
        let alarm = scope.resource("Resource", render(&props));
        let lambdas = props
            .alarm_actions
            .iter()
            .chain(&props.ok_actions)
            .chain(&props.insufficient_data_actions)
            .filter_map(|action| match action {
                AlarmAction::Lambda(arn) => Some(arn.clone()),
                _ => None,
            });
        let mut seen: Vec<Value<String>> = Vec::new();
        for function in lambdas {
            if seen.contains(&function) {
                continue;
            }
            seen.push(function.clone());
            let id = match seen.len() {
                1 => "InvokePermission".to_string(),
                n => format!("InvokePermission{n}"),
            };
            scope.resource(
                &id,
                lambda::Permission {
                    source_arn: Some(alarm.arn()),
                    source_account: Some(super::stack_account(&scope)),
                    ..lambda::Permission::new(
                        "lambda:InvokeFunction",
                        function,
                        "lambda.alarms.cloudwatch.amazonaws.com",
                    )
                },
            );
        }
        Alarm { scope, alarm }
    }

    /// The alarm's ARN, `Fn::GetAtt Arn`.
    pub fn alarm_arn(&self) -> Value<String> {
        self.alarm.arn()
    }

    /// The alarm's name, `Ref`.
    pub fn alarm_name(&self) -> Value<String> {
        self.alarm.ref_()
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::AlarmRef {
        &self.alarm
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

fn problems(props: &AlarmProps) -> Vec<String> {
    let mut out = props.metric.problems();
    if let MetricQuery::Math(expr) = &props.metric {
        if expr.is_query() {
            out.push(format!(
                "alarms cannot watch the query {:?}: SEARCH and SELECT expressions find metrics at read time; name the metrics with .using",
                expr.expression()
            ));
        }
        if expr.metrics().len() > 10 {
            out.push(format!(
                "the alarm's expression uses {} metrics; an alarm on metric math may use at most 10",
                expr.metrics().len()
            ));
        }
    }
    let period = props.metric.period_seconds();
    if matches!(period, 1 | 5) {
        out.push(format!(
            "an alarm period of {period} seconds is too short; alarms take 10, 20 or 30 seconds or a multiple of 60"
        ));
    }
    let n = i64::from(props.evaluation_periods);
    if n == 0 {
        out.push(
            "evaluation_periods is 0; an alarm evaluates at least 1 period, set 1 or more"
                .to_string(),
        );
    } else {
        let (limit, rule) = if period < 3600 {
            (86_400, "one day when the period is under an hour")
        } else {
            (604_800, "seven days")
        };
        if period.saturating_mul(n) > limit {
            out.push(format!(
                "{n} evaluation periods of {period} seconds cover {} seconds; CloudWatch limits an alarm's evaluation range to {rule} ({limit} seconds)",
                period.saturating_mul(n)
            ));
        }
    }
    if let Some(m) = props.datapoints_to_alarm {
        if m == 0 || m > props.evaluation_periods {
            out.push(format!(
                "datapoints_to_alarm is {m} with {} evaluation periods; it must be from 1 to evaluation_periods (M out of N)",
                props.evaluation_periods
            ));
        }
    }
    if !props.threshold.is_finite() {
        out.push(format!(
            "the threshold {} is not a finite number",
            props.threshold
        ));
    }
    if let Some(name) = &props.alarm_name {
        if name.trim().is_empty() || name.chars().count() > 255 {
            out.push(format!(
                "alarm name {name:?} must be 1 to 255 characters long"
            ));
        }
    }
    if let Some(d) = &props.description {
        if d.chars().count() > 1024 {
            out.push(format!(
                "the alarm description is {} characters long; CloudWatch allows 1024",
                d.chars().count()
            ));
        }
    }
    for (state, actions) in [
        ("ALARM", &props.alarm_actions),
        ("OK", &props.ok_actions),
        ("INSUFFICIENT_DATA", &props.insufficient_data_actions),
    ] {
        if actions.len() > 5 {
            out.push(format!(
                "{} actions on {state}; CloudWatch allows at most 5 per state",
                actions.len()
            ));
        }
        out.extend(actions.iter().filter_map(AlarmAction::problem));
    }
    out
}

/// `{"Name": .., "Value": ..}` dimensions, or `None` when there are none.
fn dimensions(metric: &Metric) -> Option<Value<Vec<Value<a::Dimension>>>> {
    (!metric.dimensions().is_empty()).then(|| {
        Value::Lit(
            metric
                .dimensions()
                .iter()
                .map(|(name, value)| a::Dimension::new(name.as_str(), value.clone()).into())
                .collect(),
        )
    })
}

fn actions(list: &[AlarmAction]) -> Option<Value<Vec<Value<String>>>> {
    (!list.is_empty()).then(|| Value::Lit(list.iter().map(AlarmAction::arn).collect()))
}

fn render(props: &AlarmProps) -> cfn::Alarm {
    let mut alarm = cfn::Alarm {
        actions_enabled: props.actions_enabled.map(Value::from),
        alarm_actions: actions(&props.alarm_actions),
        alarm_description: props.description.as_deref().map(Value::from),
        alarm_name: props.alarm_name.as_deref().map(Value::from),
        comparison_operator: Some(props.comparison.code().into()),
        datapoints_to_alarm: props.datapoints_to_alarm.map(|m| i64::from(m).into()),
        evaluation_periods: Some(i64::from(props.evaluation_periods).into()),
        insufficient_data_actions: actions(&props.insufficient_data_actions),
        ok_actions: actions(&props.ok_actions),
        threshold: Some(props.threshold.into()),
        treat_missing_data: props.treat_missing_data.map(|t| t.code().into()),
        ..cfn::Alarm::new()
    };
    match &props.metric {
        MetricQuery::Metric(m) => {
            alarm.namespace = Some(m.namespace().into());
            alarm.metric_name = Some(m.metric_name().into());
            alarm.dimensions = dimensions(m);
            alarm.period = Some(m.period_seconds().into());
            if m.statistic().is_extended() {
                alarm.extended_statistic = Some(m.statistic().code().into());
            } else {
                alarm.statistic = Some(m.statistic().code().into());
            }
            alarm.unit = m.unit().map(|u| u.code().into());
        }
        MetricQuery::Math(expr) => {
            let mut queries: Vec<Value<a::MetricDataQuery>> = vec![a::MetricDataQuery {
                expression: Some(expr.expression().into()),
                label: expr.label().map(Value::from),
                ..a::MetricDataQuery::new("expr_1")
            }
            .into()];
            for (id, m) in expr.metrics() {
                let metric = a::Metric {
                    dimensions: dimensions(&m),
                    metric_name: Some(m.metric_name().into()),
                    namespace: Some(m.namespace().into()),
                };
                queries.push(
                    a::MetricDataQuery {
                        metric_stat: Some(
                            a::MetricStat {
                                unit: m.unit().map(|u| u.code().into()),
                                ..a::MetricStat::new(
                                    metric,
                                    m.period_seconds(),
                                    m.statistic().code(),
                                )
                            }
                            .into(),
                        ),
                        return_data: Some(false.into()),
                        ..a::MetricDataQuery::new(id.as_str())
                    }
                    .into(),
                );
            }
            alarm.metrics = Some(Value::Lit(queries));
        }
    }
    alarm
}
