//! Service autoscaling: an Application Auto Scaling target on the
//! service's desired count (`service/<cluster>/<service>`) at
//! `<service>/TaskCount/Target/Resource`, and target-tracking policies on
//! CPU, memory, requests per target or any CloudWatch metric (such as an
//! SQS queue's depth) at `<service>/TaskCount/Target/<id>/Resource`, as
//! the CDK's `autoScaleTaskCount` lays them out.

use std::time::Duration;

use strata_cfn::application_auto_scaling as aas;
use strata_cfn::application_auto_scaling::scaling_policy as sp;
use strata_core::{logical_id, Fn, Scope, Value};

use crate::elbv2::ApplicationTargetGroup;
use crate::iam::sub;

use super::container::secs;

/// The value a target-tracking policy holds, with its cooldowns.
///
/// ```
/// use std::time::Duration;
/// use strata::ecs::TargetTracking;
/// let cpu = TargetTracking {
///     scale_in_cooldown: Some(Duration::from_secs(900)),
///     scale_out_cooldown: Some(Duration::from_secs(300)),
///     ..TargetTracking::new(70.0)
/// };
/// assert_eq!(cpu.target_value, 70.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TargetTracking {
    /// The metric value to hold.
    pub target_value: f64,
    /// Time after a scale-in before the next one.
    pub scale_in_cooldown: Option<Duration>,
    /// Time after a scale-out before the next one.
    pub scale_out_cooldown: Option<Duration>,
    /// Only scale out; removing tasks is left to other policies.
    pub disable_scale_in: bool,
}

impl TargetTracking {
    /// Hold `target_value`, with the service's default cooldowns.
    pub fn new(target_value: f64) -> Self {
        TargetTracking {
            target_value,
            scale_in_cooldown: None,
            scale_out_cooldown: None,
            disable_scale_in: false,
        }
    }

    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !(self.target_value.is_finite() && self.target_value > 0.0) {
            out.push(format!(
                "target value {} must be a number above 0",
                self.target_value
            ));
        }
        for (what, d) in [
            ("scale-in", self.scale_in_cooldown),
            ("scale-out", self.scale_out_cooldown),
        ] {
            if let Some(d) = d {
                if secs(d).is_none() {
                    out.push(format!(
                        "the {what} cooldown of {d:?} must be whole seconds"
                    ));
                }
            }
        }
        out
    }
}

/// The statistic of a custom metric.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Statistic {
    /// `Average`.
    #[default]
    Average,
    /// `Minimum`.
    Minimum,
    /// `Maximum`.
    Maximum,
    /// `SampleCount`.
    SampleCount,
    /// `Sum`.
    Sum,
}

impl Statistic {
    fn code(self) -> &'static str {
        match self {
            Statistic::Average => "Average",
            Statistic::Minimum => "Minimum",
            Statistic::Maximum => "Maximum",
            Statistic::SampleCount => "SampleCount",
            Statistic::Sum => "Sum",
        }
    }
}

/// A CloudWatch metric for target tracking, such as an SQS queue's
/// `ApproximateNumberOfMessagesVisible`.
///
/// ```
/// use strata::ecs::{CustomMetric, Statistic};
/// let depth = CustomMetric {
///     dimensions: vec![("QueueName".into(), "multimodal-processing-queue".into())],
///     ..CustomMetric::new("AWS/SQS", "ApproximateNumberOfMessagesVisible")
/// };
/// assert_eq!(depth.statistic, Statistic::Average);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CustomMetric {
    /// The namespace, such as `AWS/SQS` or `BirdAgent`.
    pub namespace: String,
    /// The metric name.
    pub metric_name: String,
    /// Dimension names and values (at most 30).
    pub dimensions: Vec<(String, Value<String>)>,
    /// The statistic tracked.
    pub statistic: Statistic,
    /// The unit, such as `Count`.
    pub unit: Option<String>,
}

impl CustomMetric {
    /// The average of `metric_name` in `namespace`, without dimensions.
    pub fn new(namespace: &str, metric_name: &str) -> Self {
        CustomMetric {
            namespace: namespace.to_string(),
            metric_name: metric_name.to_string(),
            dimensions: Vec::new(),
            statistic: Statistic::Average,
            unit: None,
        }
    }

    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let ok = |s: &str| !s.is_empty() && s.len() <= 255;
        if !ok(&self.namespace) || self.namespace.contains(':') {
            out.push(format!(
                "metric namespace {:?} must be 1 to 255 characters without ':'",
                self.namespace
            ));
        }
        if !ok(&self.metric_name) {
            out.push(format!(
                "metric name {:?} must be 1 to 255 characters",
                self.metric_name
            ));
        }
        if self.dimensions.len() > 30 {
            out.push(format!(
                "{} dimensions; a CloudWatch metric has at most 30",
                self.dimensions.len()
            ));
        }
        for (name, _) in &self.dimensions {
            if !ok(name) {
                out.push(format!(
                    "dimension name {name:?} must be 1 to 255 characters"
                ));
            }
        }
        out
    }
}

/// The autoscaling of a service's task count; add target-tracking
/// policies to it.
#[derive(Clone, Debug)]
pub struct ScalableTaskCount {
    target_scope: Scope,
    target: aas::ScalableTargetRef,
}

impl ScalableTaskCount {
    pub(crate) fn new(
        service_scope: &Scope,
        cluster_name: Value<String>,
        service_name: Value<String>,
        min: u32,
        max: u32,
    ) -> ScalableTaskCount {
        let target_scope = service_scope.child("TaskCount").child("Target");
        if min > max {
            target_scope.error(
                "ecs-task-count-scaling",
                format!("min capacity {min} is above max capacity {max}"),
            );
        }
        let target = target_scope.resource(
            "Resource",
            aas::ScalableTarget {
                role_arn: Some(Fn::sub(
                    "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService",
                )),
                ..aas::ScalableTarget::new(
                    i64::from(max),
                    i64::from(min),
                    sub(
                        "service/${Cluster}/${Service}",
                        vec![("Cluster", cluster_name), ("Service", service_name)],
                    ),
                    "ecs:service:DesiredCount",
                    "ecs",
                )
            },
        );
        ScalableTaskCount {
            target_scope,
            target,
        }
    }

    /// Holds the service's average CPU utilisation (percent, 0–100).
    pub fn scale_on_cpu_utilization(&self, id: &str, tracking: TargetTracking) {
        self.predefined(id, "ECSServiceAverageCPUUtilization", None, tracking, true);
    }

    /// Holds the service's average memory utilisation (percent, 0–100).
    pub fn scale_on_memory_utilization(&self, id: &str, tracking: TargetTracking) {
        self.predefined(
            id,
            "ECSServiceAverageMemoryUtilization",
            None,
            tracking,
            true,
        );
    }

    /// Holds the requests per task arriving through `target_group`, which
    /// must already be attached to a load balancer.
    pub fn scale_on_request_count(
        &self,
        id: &str,
        target_group: &ApplicationTargetGroup,
        tracking: TargetTracking,
    ) {
        let Some(lb) = target_group.load_balancer_full_name() else {
            self.target_scope.child(id).error(
                "ecs-task-count-scaling",
                "request count scaling needs the target group attached to a listener first; add the listener or rule before this policy",
            );
            return;
        };
        let label = sub(
            "${LoadBalancer}/${TargetGroup}",
            vec![
                ("LoadBalancer", lb),
                ("TargetGroup", target_group.target_group_full_name()),
            ],
        );
        self.predefined(id, "ALBRequestCountPerTarget", Some(label), tracking, false);
    }

    /// Holds a CloudWatch metric, such as a queue's depth, at the target.
    pub fn scale_to_track_custom_metric(
        &self,
        id: &str,
        metric: CustomMetric,
        tracking: TargetTracking,
    ) {
        let scope = self.target_scope.child(id);
        for p in metric.problems().into_iter().chain(tracking.problems()) {
            scope.error("ecs-task-count-scaling", p);
        }
        let spec = sp::CustomizedMetricSpecification {
            dimensions: (!metric.dimensions.is_empty()).then(|| {
                Value::list(
                    metric
                        .dimensions
                        .iter()
                        .map(|(n, v)| sp::MetricDimension::new(n.as_str(), v.clone())),
                )
            }),
            metric_name: Some(metric.metric_name.as_str().into()),
            namespace: Some(metric.namespace.as_str().into()),
            statistic: Some(metric.statistic.code().into()),
            unit: metric.unit.as_deref().map(Value::from),
            ..sp::CustomizedMetricSpecification::new()
        };
        self.policy(
            &scope,
            sp::TargetTrackingScalingPolicyConfiguration {
                customized_metric_specification: Some(spec.into()),
                ..configuration(&tracking)
            },
        );
    }

    fn predefined(
        &self,
        id: &str,
        metric: &str,
        resource_label: Option<Value<String>>,
        tracking: TargetTracking,
        percent: bool,
    ) {
        let scope = self.target_scope.child(id);
        let mut problems = tracking.problems();
        if percent && tracking.target_value > 100.0 {
            problems.push(format!(
                "a utilisation target of {}% is above 100%",
                tracking.target_value
            ));
        }
        for p in problems {
            scope.error("ecs-task-count-scaling", p);
        }
        self.policy(
            &scope,
            sp::TargetTrackingScalingPolicyConfiguration {
                predefined_metric_specification: Some(
                    sp::PredefinedMetricSpecification {
                        resource_label,
                        ..sp::PredefinedMetricSpecification::new(metric)
                    }
                    .into(),
                ),
                ..configuration(&tracking)
            },
        );
    }

    fn policy(&self, scope: &Scope, config: sp::TargetTrackingScalingPolicyConfiguration) {
        // The CDK names the policy after the unique id of its construct.
        let name = logical_id(&scope.path().split('/').collect::<Vec<_>>());
        scope.resource(
            "Resource",
            aas::ScalingPolicy {
                scaling_target_id: Some(self.target.ref_()),
                target_tracking_scaling_policy_configuration: Some(config.into()),
                ..aas::ScalingPolicy::new(name, "TargetTrackingScaling")
            },
        );
    }

    /// The L1 handle of the scalable target.
    pub fn resource(&self) -> &aas::ScalableTargetRef {
        &self.target
    }

    /// The scalable target's construct scope (`<service>/TaskCount/Target`).
    pub fn scope(&self) -> &Scope {
        &self.target_scope
    }
}

fn configuration(tracking: &TargetTracking) -> sp::TargetTrackingScalingPolicyConfiguration {
    sp::TargetTrackingScalingPolicyConfiguration {
        disable_scale_in: tracking.disable_scale_in.then(|| true.into()),
        scale_in_cooldown: tracking.scale_in_cooldown.and_then(secs).map(Value::from),
        scale_out_cooldown: tracking.scale_out_cooldown.and_then(secs).map(Value::from),
        ..sp::TargetTrackingScalingPolicyConfiguration::new(tracking.target_value)
    }
}
