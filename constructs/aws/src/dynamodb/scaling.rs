//! Target-tracking autoscaling of a provisioned table's capacity, at the
//! CDK's construct paths (`<Table>/ReadScaling/Target/Resource` and
//! `<Table>/ReadScaling/Target/Tracking/Resource`).

use strata_cfn::application_auto_scaling as aas;
use strata_cfn::dynamodb::TableRef;
use strata_core::{logical_id, Fn, Scope};

/// Capacity limits and the utilisation to hold.
///
/// ```
/// use strata::dynamodb::Scaling;
/// let scaling = Scaling::new(5, 200, 70.0);
/// assert_eq!(scaling.max_capacity, 200);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Scaling {
    /// Minimum capacity units.
    pub min_capacity: i64,
    /// Maximum capacity units.
    pub max_capacity: i64,
    /// Target utilisation in percent (10–90).
    pub target_utilization_percent: f64,
    /// Seconds between scale-in activities.
    pub scale_in_cooldown: Option<i64>,
    /// Seconds between scale-out activities.
    pub scale_out_cooldown: Option<i64>,
}

impl Scaling {
    /// Limits and a utilisation target, with the service's default cooldowns.
    pub fn new(min_capacity: i64, max_capacity: i64, target_utilization_percent: f64) -> Scaling {
        Scaling {
            min_capacity,
            max_capacity,
            target_utilization_percent,
            scale_in_cooldown: None,
            scale_out_cooldown: None,
        }
    }

    /// Why Application Auto Scaling would reject these settings.
    pub(crate) fn problem(&self) -> Option<String> {
        if self.min_capacity < 1 || self.min_capacity > self.max_capacity {
            return Some(format!(
                "capacity limits {}..{} are invalid; min must be at least 1 and not above max",
                self.min_capacity, self.max_capacity
            ));
        }
        if !(10.0..=90.0).contains(&self.target_utilization_percent) {
            return Some(format!(
                "target utilisation {}% is outside DynamoDB's 10-90%",
                self.target_utilization_percent
            ));
        }
        None
    }
}

/// Which capacity a scaling target adjusts.
#[derive(Clone, Copy)]
pub(crate) struct Dimension {
    units: &'static str,
    metric: &'static str,
}

/// Read capacity.
pub(crate) const READ: Dimension = Dimension {
    units: "ReadCapacityUnits",
    metric: "DynamoDBReadCapacityUtilization",
};

/// Write capacity.
pub(crate) const WRITE: Dimension = Dimension {
    units: "WriteCapacityUnits",
    metric: "DynamoDBWriteCapacityUtilization",
};

/// Adds a scalable target and its target-tracking policy for `table`.
pub(crate) fn table(scope: &Scope, table: &TableRef, id: &str, dim: Dimension, s: &Scaling) {
    let target_scope = scope.child(id).child("Target");
    let target = target_scope.resource(
        "Resource",
        aas::ScalableTarget {
            role_arn: Some(Fn::sub(
                "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/dynamodb.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable",
            )),
            ..aas::ScalableTarget::new(
                s.max_capacity,
                s.min_capacity,
                Fn::sub_with("table/${Table}", [("Table", table.ref_())]),
                format!("dynamodb:table:{}", dim.units),
                "dynamodb",
            )
        },
    );
    let tracking = target_scope.child("Tracking");
    // The CDK names the policy after the unique id of its construct.
    let policy_name = logical_id(&tracking.path().split('/').collect::<Vec<_>>());
    tracking.resource(
        "Resource",
        aas::ScalingPolicy {
            scaling_target_id: Some(target.ref_()),
            target_tracking_scaling_policy_configuration: Some(
                aas::scaling_policy::TargetTrackingScalingPolicyConfiguration {
                    predefined_metric_specification: Some(
                        aas::scaling_policy::PredefinedMetricSpecification::new(dim.metric).into(),
                    ),
                    scale_in_cooldown: s.scale_in_cooldown.map(Into::into),
                    scale_out_cooldown: s.scale_out_cooldown.map(Into::into),
                    ..aas::scaling_policy::TargetTrackingScalingPolicyConfiguration::new(
                        s.target_utilization_percent,
                    )
                }
                .into(),
            ),
            ..aas::ScalingPolicy::new(policy_name, "TargetTrackingScaling")
        },
    );
}
