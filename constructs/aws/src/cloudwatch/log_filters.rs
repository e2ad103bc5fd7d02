//! Filters on a [`LogGroup`]: metric filters that turn matching events
//! into custom metrics, and subscription filters that stream them to
//! Lambda, Kinesis or Firehose with the permission or role each needs.
//! Both sit under the log group at the CDK's paths (`<group>/<id>/Resource`).

use strata_cfn::lambda;
use strata_cfn::logs as cfn;
use strata_core::{ResourceOptions, Scope, Value};

use crate::iam::{PolicyStatement, Principal, Role, RoleProps};
use crate::logs::LogGroup;

use super::metric::{Metric, Unit};
use super::namespace::AppNamespace;

/// A CloudWatch Logs filter pattern.
///
/// ```
/// use strata::cloudwatch::FilterPattern;
/// assert_eq!(FilterPattern::any_term(&["ERROR", "Exception"]).as_str(), "?\"ERROR\" ?\"Exception\"");
/// assert_eq!(FilterPattern::json_equals("$.level", "ERROR").as_str(), "{ $.level = \"ERROR\" }");
/// assert_eq!(FilterPattern::json_compare("$.latencyMs", ">", 10000.0).as_str(), "{ $.latencyMs > 10000 }");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterPattern(String);

impl FilterPattern {
    /// Every event (the empty pattern).
    pub fn all_events() -> FilterPattern {
        FilterPattern(String::new())
    }

    /// A pattern written out in CloudWatch Logs syntax.
    pub fn literal(pattern: &str) -> FilterPattern {
        FilterPattern(pattern.to_string())
    }

    /// Events containing every one of `terms`.
    pub fn all_terms(terms: &[&str]) -> FilterPattern {
        FilterPattern(terms.iter().map(|t| quote(t)).collect::<Vec<_>>().join(" "))
    }

    /// Events containing any of `terms`.
    pub fn any_term(terms: &[&str]) -> FilterPattern {
        FilterPattern(
            terms
                .iter()
                .map(|t| format!("?{}", quote(t)))
                .collect::<Vec<_>>()
                .join(" "),
        )
    }

    /// JSON events whose string `selector` (such as `$.level`) equals `value`
    /// (`*` matches any characters).
    pub fn json_equals(selector: &str, value: &str) -> FilterPattern {
        FilterPattern(format!("{{ {selector} = {} }}", quote(value)))
    }

    /// JSON events whose number `selector` compares to `value` by
    /// `operator` (`=`, `!=`, `<`, `<=`, `>`, `>=`).
    pub fn json_compare(selector: &str, operator: &str, value: f64) -> FilterPattern {
        FilterPattern(format!("{{ {selector} {operator} {value} }}"))
    }

    /// The pattern text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.0.chars().count() > 1024 {
            out.push(format!(
                "the filter pattern is {} characters long; CloudWatch Logs allows 1024",
                self.0.chars().count()
            ));
        }
        let trimmed = self.0.trim();
        if trimmed.starts_with('{') && !trimmed.ends_with('}') {
            out.push(format!(
                "the JSON filter pattern {:?} does not end with '}}'",
                self.0
            ));
        }
        out
    }
}

fn quote(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\\\""))
}

fn is_selector(value: &str) -> bool {
    value.starts_with('$') && value.len() > 1
}

/// Settings of a metric filter: which events count, and the custom metric
/// they are published to.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricFilterProps {
    /// The filter name (1 to 512 characters); unset lets CloudFormation name it.
    pub filter_name: Option<String>,
    /// Which events match.
    pub pattern: FilterPattern,
    /// The custom namespace published to.
    pub namespace: AppNamespace,
    /// The metric name.
    pub metric_name: String,
    /// What each match publishes: a number such as `1`, or a field such
    /// as `$.latencyMs`.
    pub metric_value: String,
    /// Published when an event does not match; not allowed with dimensions.
    pub default_value: Option<f64>,
    /// The unit of the published values.
    pub unit: Option<Unit>,
    /// Up to 3 dimensions, each taken from an event field such as `$.tool`.
    pub dimensions: Vec<(String, String)>,
}

impl MetricFilterProps {
    /// Publishes `1` to `namespace`/`metric_name` for each event matching `pattern`.
    pub fn new(pattern: FilterPattern, namespace: &AppNamespace, metric_name: &str) -> Self {
        MetricFilterProps {
            filter_name: None,
            pattern,
            namespace: namespace.clone(),
            metric_name: metric_name.to_string(),
            metric_value: "1".to_string(),
            default_value: None,
            unit: None,
            dimensions: Vec::new(),
        }
    }

    fn problems(&self) -> Vec<String> {
        let mut out = self.pattern.problems();
        out.extend(self.metric().problems());
        if let Some(name) = &self.filter_name {
            if name.is_empty() || name.chars().count() > 512 || name.contains([':', '*']) {
                out.push(format!(
                    "filter name {name:?} must be 1 to 512 characters without ':' or '*'"
                ));
            }
        }
        let value = self.metric_value.trim();
        if !(is_selector(value) || value.parse::<f64>().is_ok()) || value.len() > 100 {
            out.push(format!(
                "metric value {:?} must be a number such as \"1\" or an event field such as \"$.latencyMs\"",
                self.metric_value
            ));
        }
        if self.dimensions.len() > 3 {
            out.push(format!(
                "{} dimensions; a metric filter publishes at most 3",
                self.dimensions.len()
            ));
        }
        if !self.dimensions.is_empty() && self.default_value.is_some() {
            out.push(
                "a metric filter with dimensions cannot have a default value; remove one of them"
                    .to_string(),
            );
        }
        for (key, field) in &self.dimensions {
            if !is_selector(field) {
                out.push(format!(
                    "dimension {key:?} takes its value from {field:?}, which is not an event field such as \"$.tool\""
                ));
            }
        }
        out
    }

    fn metric(&self) -> Metric {
        let metric = self.namespace.metric(&self.metric_name);
        match self.unit {
            Some(u) => metric.with_unit(u),
            None => metric,
        }
    }
}

/// An `AWS::Logs::MetricFilter`.
#[derive(Clone, Debug)]
pub struct MetricFilter {
    scope: Scope,
    filter: cfn::MetricFilterRef,
    metric: Metric,
}

impl MetricFilter {
    /// The metric the filter publishes (average over 5 minutes; add the
    /// dimension values to select one series).
    pub fn metric(&self) -> Metric {
        self.metric.clone()
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::MetricFilterRef {
        &self.filter
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// Where a subscription filter delivers events.
#[derive(Clone, Debug, PartialEq)]
pub enum SubscriptionDestination {
    /// A Lambda function, by ARN; CloudWatch Logs is given permission to invoke it.
    Lambda(Value<String>),
    /// A Kinesis data stream, by ARN; `role_arn` unset creates a role
    /// CloudWatch Logs assumes to put records.
    Kinesis {
        /// The stream ARN.
        stream_arn: Value<String>,
        /// An existing role for CloudWatch Logs.
        role_arn: Option<Value<String>>,
    },
    /// A Firehose delivery stream, by ARN; `role_arn` unset creates a role.
    Firehose {
        /// The delivery stream ARN.
        delivery_stream_arn: Value<String>,
        /// An existing role for CloudWatch Logs.
        role_arn: Option<Value<String>>,
    },
}

/// Settings of a subscription filter.
#[derive(Clone, Debug, PartialEq)]
pub struct SubscriptionFilterProps {
    /// The filter name; unset lets CloudFormation name it.
    pub filter_name: Option<String>,
    /// Which events are delivered.
    pub pattern: FilterPattern,
    /// Where they go.
    pub destination: SubscriptionDestination,
    /// Spread events over Kinesis shards at random rather than by log stream.
    pub random_distribution: bool,
}

impl SubscriptionFilterProps {
    /// Delivers events matching `pattern` to `destination`.
    pub fn new(pattern: FilterPattern, destination: SubscriptionDestination) -> Self {
        SubscriptionFilterProps {
            filter_name: None,
            pattern,
            destination,
            random_distribution: false,
        }
    }
}

/// An `AWS::Logs::SubscriptionFilter`.
#[derive(Clone)]
pub struct SubscriptionFilter {
    scope: Scope,
    filter: cfn::SubscriptionFilterRef,
    role: Option<Role>,
}

impl SubscriptionFilter {
    /// The role created for CloudWatch Logs, if one was.
    pub fn role(&self) -> Option<&Role> {
        self.role.as_ref()
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::SubscriptionFilterRef {
        &self.filter
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// The `Resource` handle of a role's default policy, for `DependsOn`.
fn default_policy(role: &Role) -> Option<strata_core::Handle> {
    role.scope()
        .children()
        .into_iter()
        .find(|c| c.id() == "DefaultPolicy")
        .and_then(|p| p.children().into_iter().find(|c| c.id() == "Resource"))
        .map(|r| r.handle())
}

/// The subscription filters already under a log group.
fn subscription_count(group: &LogGroup) -> usize {
    group
        .scope()
        .children()
        .iter()
        .flat_map(|c| c.children())
        .filter(|c| c.resource_type() == Some("AWS::Logs::SubscriptionFilter"))
        .count()
}

impl LogGroup {
    /// Adds a metric filter at `<group>/<id>/Resource`.
    ///
    /// ```
    /// use strata::prelude::*;
    /// use strata::cloudwatch::{AppNamespace, FilterPattern, MetricFilterProps};
    /// use strata::logs::{LogGroup, LogGroupProps};
    ///
    /// let app = App::new();
    /// let stack = app.stack("Obs", StackProps::default());
    /// let group = LogGroup::new(&stack, "Tools", LogGroupProps::default());
    /// let errors = group.add_metric_filter("Errors", MetricFilterProps::new(
    ///     FilterPattern::json_equals("$.level", "ERROR"),
    ///     &AppNamespace::new("BirdAgent"),
    ///     "ToolErrors",
    /// ));
    /// assert_eq!(errors.metric().namespace(), "BirdAgent");
    /// let template = &app.synth().expect("valid").stacks[0].template;
    /// let id = strata::logical_id(&["Tools", "Errors", "Resource"]);
    /// assert_eq!(template["Resources"][id.as_str()]["Properties"]["FilterPattern"], "{ $.level = \"ERROR\" }");
    /// ```
    pub fn add_metric_filter(&self, id: &str, props: MetricFilterProps) -> MetricFilter {
        let scope = self.scope().child(id);
        for p in props.problems() {
            scope.error("log-metric-filter", p);
        }
        let dimensions = (!props.dimensions.is_empty()).then(|| {
            Value::Lit(
                props
                    .dimensions
                    .iter()
                    .map(|(k, v)| cfn::metric_filter::Dimension::new(k.as_str(), v.as_str()).into())
                    .collect(),
            )
        });
        let transformation = cfn::metric_filter::MetricTransformation {
            default_value: props.default_value.map(Value::from),
            dimensions,
            unit: props.unit.map(|u| u.code().into()),
            ..cfn::metric_filter::MetricTransformation::new(
                props.metric_name.as_str(),
                props.namespace.name(),
                props.metric_value.as_str(),
            )
        };
        let filter = scope.resource(
            "Resource",
            cfn::MetricFilter {
                filter_name: props.filter_name.as_deref().map(Value::from),
                ..cfn::MetricFilter::new(
                    props.pattern.as_str(),
                    self.log_group_name(),
                    Value::Lit(vec![transformation.into()]),
                )
            },
        );
        MetricFilter {
            scope,
            filter,
            metric: props.metric(),
        }
    }

    /// Adds a subscription filter at `<group>/<id>/Resource`, with what the
    /// destination needs: a Lambda permission for `logs.amazonaws.com`
    /// (`<id>/CanInvokeLambda`), or a role CloudWatch Logs assumes to put
    /// records (`<id>/CloudWatchLogsCanPutRecords`). A log group takes at
    /// most 2 subscription filters.
    pub fn add_subscription_filter(
        &self,
        id: &str,
        props: SubscriptionFilterProps,
    ) -> SubscriptionFilter {
        let existing = subscription_count(self);
        let scope = self.scope().child(id);
        for p in props.pattern.problems() {
            scope.error("log-subscription-filter", p);
        }
        if existing >= 2 {
            scope.error(
                "log-subscription-filter",
                "the log group already has 2 subscription filters, the most CloudWatch Logs allows; deliver to one destination that fans out",
            );
        }
        let mut depends_on = Vec::new();
        let mut created_role = None;
        let (destination, role_arn) = match &props.destination {
            SubscriptionDestination::Lambda(function) => {
                let permission = scope.resource(
                    "CanInvokeLambda",
                    lambda::Permission {
                        source_arn: Some(self.log_group_arn()),
                        ..lambda::Permission::new(
                            "lambda:InvokeFunction",
                            function.clone(),
                            "logs.amazonaws.com",
                        )
                    },
                );
                depends_on.push(*permission);
                (function.clone(), None)
            }
            SubscriptionDestination::Kinesis {
                stream_arn: arn,
                role_arn,
            }
            | SubscriptionDestination::Firehose {
                delivery_stream_arn: arn,
                role_arn,
            } => {
                let role_arn = match role_arn {
                    Some(r) => r.clone(),
                    None => {
                        let actions: &[&str] = match props.destination {
                            SubscriptionDestination::Firehose { .. } => {
                                &["firehose:PutRecord", "firehose:PutRecordBatch"]
                            }
                            _ => &[
                                "kinesis:ListShards",
                                "kinesis:PutRecord",
                                "kinesis:PutRecords",
                            ],
                        };
                        let role = Role::new(
                            &scope,
                            "CloudWatchLogsCanPutRecords",
                            RoleProps::new(Principal::service("logs.amazonaws.com")),
                        );
                        role.add_to_policy(
                            PolicyStatement::allow()
                                .actions(actions.iter().copied())
                                .resource(arn.clone()),
                        );
                        depends_on.extend(default_policy(&role));
                        let role_arn = role.arn();
                        created_role = Some(role);
                        role_arn
                    }
                };
                (arn.clone(), Some(role_arn))
            }
        };
        let filter = scope.resource_with(
            "Resource",
            cfn::SubscriptionFilter {
                filter_name: props.filter_name.as_deref().map(Value::from),
                role_arn,
                distribution: props.random_distribution.then(|| "Random".into()),
                ..cfn::SubscriptionFilter::new(
                    destination,
                    props.pattern.as_str(),
                    self.log_group_name(),
                )
            },
            ResourceOptions {
                depends_on,
                ..Default::default()
            },
        );
        SubscriptionFilter {
            scope,
            filter,
            role: created_role,
        }
    }
}
