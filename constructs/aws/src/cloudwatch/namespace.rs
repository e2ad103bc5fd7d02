//! Custom metric namespaces: the metrics an application publishes itself,
//! such as seed 000's `BirdAgent` or seed 001's `AI.Agent.*`, checked
//! against CloudWatch's naming rules (and never under the reserved `AWS/`).

use strata_core::Value;

use crate::iam::{Grantable, PolicyStatement};

use super::metric::Metric;

/// A namespace an application publishes its own metrics to.
///
/// ```
/// use strata::cloudwatch::{AppNamespace, Statistic};
///
/// let agent = AppNamespace::new("AI.Agent");
/// let response = agent.metric("ResponseTime").with_statistic(Statistic::Percentile(95.0));
/// assert_eq!(response.namespace(), "AI.Agent");
/// assert!(response.problems().is_empty());
///
/// let hit_rate = AppNamespace::dotted("AI.Context.CacheHitRate");
/// assert_eq!((hit_rate.namespace(), hit_rate.metric_name()), ("AI.Context", "CacheHitRate"));
///
/// assert!(AppNamespace::new("AWS/Agent").problems()[0].contains("AWS/"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppNamespace {
    name: String,
}

impl AppNamespace {
    /// The namespace `name`, such as `BirdAgent` or `AI.Agent`.
    pub fn new(name: &str) -> AppNamespace {
        AppNamespace {
            name: name.to_string(),
        }
    }

    /// The namespace name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A metric of this namespace (average over 5 minutes until changed).
    pub fn metric(&self, metric_name: &str) -> Metric {
        Metric::in_app_namespace(&self.name, metric_name)
    }

    /// The metric a dotted name such as `AI.Agent.ResponseTime` stands
    /// for: namespace `AI.Agent`, metric `ResponseTime` (split at the last dot).
    pub fn dotted(full_name: &str) -> Metric {
        match full_name.rsplit_once('.') {
            Some((namespace, name)) => Metric::in_app_namespace(namespace, name),
            None => Metric::in_app_namespace("", full_name),
        }
    }

    /// What CloudWatch would reject about this namespace, one message each.
    pub fn problems(&self) -> Vec<String> {
        namespace_problems(&self.name, true)
    }

    /// Lets `grantee` publish metrics to this namespace only
    /// (`cloudwatch:PutMetricData` on `*`, conditioned on
    /// `cloudwatch:namespace`, since the action has no resource ARN).
    /// Returns whether the grantee had a policy to add the statement to.
    pub fn grant_put_metric_data(&self, grantee: &dyn Grantable) -> bool {
        grantee.add_to_principal_policy(
            PolicyStatement::allow()
                .action("cloudwatch:PutMetricData")
                .resource("*")
                .condition(
                    "StringEquals",
                    "cloudwatch:namespace",
                    [Value::from(self.name.as_str())],
                ),
        )
    }
}

/// Why CloudWatch would refuse `namespace`, one message each; `app` also
/// refuses the `AWS/` prefix AWS services publish under.
pub(crate) fn namespace_problems(namespace: &str, app: bool) -> Vec<String> {
    let mut out = Vec::new();
    if namespace.trim().is_empty() {
        out.push(
            "the metric namespace is empty; name one such as \"AWS/DynamoDB\" or \"BirdAgent\""
                .to_string(),
        );
        return out;
    }
    if namespace.len() > 255 {
        out.push(format!(
            "metric namespace {namespace:?} is {} characters long; CloudWatch allows 255",
            namespace.len()
        ));
    }
    let bad: Vec<char> = namespace
        .chars()
        .filter(|c| !(c.is_ascii_alphanumeric() || ".-_/#: ".contains(*c)))
        .collect();
    if !bad.is_empty() || namespace.starts_with(':') {
        out.push(format!(
            "metric namespace {namespace:?} may only use letters, digits, '.', '-', '_', '/', '#', ':' and spaces, and must not start with ':'"
        ));
    }
    if app && namespace.starts_with("AWS/") {
        out.push(format!(
            "custom metric namespace {namespace:?} starts with \"AWS/\", which is reserved for AWS services; use the application's own name, such as {:?}",
            namespace.trim_start_matches("AWS/")
        ));
    }
    out
}
