//! Aurora Auto Scaling of a cluster's readers: a scalable target on
//! `rds:cluster:ReadReplicaCount` and a target-tracking policy on the
//! readers' average CPU, at `<cluster>/ReaderScaling/Target/Resource` and
//! `<cluster>/ReaderScaling/Target/Tracking/Resource` (the layout the CDK
//! gives a scalable attribute).

use std::time::Duration;

use strata_cfn::application_auto_scaling as aas;
use strata_cfn::rds::DbClusterRef;
use strata_core::{logical_id, Fn, Handle, ResourceOptions, Scope};

/// Reader count limits and the CPU utilisation to hold.
///
/// ```
/// use std::time::Duration;
/// use strata::rds::ReaderScaling;
/// let scaling = ReaderScaling {
///     scale_in_cooldown: Some(Duration::from_secs(900)),
///     scale_out_cooldown: Some(Duration::from_secs(300)),
///     ..ReaderScaling::new(1, 5, 70.0)
/// };
/// assert_eq!(scaling.max_readers, 5);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ReaderScaling {
    /// Fewest readers.
    pub min_readers: u32,
    /// Most readers (up to 15).
    pub max_readers: u32,
    /// Average reader CPU utilisation to hold, in percent.
    pub target_cpu_percent: f64,
    /// Time between scale-in activities.
    pub scale_in_cooldown: Option<Duration>,
    /// Time between scale-out activities.
    pub scale_out_cooldown: Option<Duration>,
}

impl ReaderScaling {
    /// Limits and a CPU target, with the service's default cooldowns.
    pub fn new(min_readers: u32, max_readers: u32, target_cpu_percent: f64) -> Self {
        ReaderScaling {
            min_readers,
            max_readers,
            target_cpu_percent,
            scale_in_cooldown: None,
            scale_out_cooldown: None,
        }
    }

    /// Why Application Auto Scaling would reject these settings.
    pub(super) fn problem(&self, max_readers: u32) -> Option<String> {
        if self.min_readers > self.max_readers || self.max_readers > max_readers {
            return Some(format!(
                "reader limits {}..{} are invalid; min must not be above max, and Aurora has at most {max_readers} readers",
                self.min_readers, self.max_readers
            ));
        }
        if !(self.target_cpu_percent > 0.0 && self.target_cpu_percent <= 100.0) {
            return Some(format!(
                "a target CPU of {}% is not a utilisation; use a value above 0 and up to 100",
                self.target_cpu_percent
            ));
        }
        let fractional = [self.scale_in_cooldown, self.scale_out_cooldown]
            .into_iter()
            .flatten()
            .any(|d| d.subsec_nanos() != 0);
        fractional.then(|| "scaling cooldowns are whole seconds".to_string())
    }
}

fn seconds(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// Adds the scalable target and its policy under `cluster_scope`; the
/// target waits for `instances`, as Aurora Auto Scaling needs a cluster
/// whose writer is available.
pub(super) fn add(
    cluster_scope: &Scope,
    cluster: &DbClusterRef,
    s: &ReaderScaling,
    instances: Vec<Handle>,
) -> aas::ScalableTargetRef {
    let target_scope = cluster_scope.child("ReaderScaling").child("Target");
    let target = target_scope.resource_with(
        "Resource",
        aas::ScalableTarget {
            role_arn: Some(Fn::sub(
                "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/rds.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_RDSCluster",
            )),
            ..aas::ScalableTarget::new(
                i64::from(s.max_readers),
                i64::from(s.min_readers),
                Fn::sub_with("cluster:${Cluster}", [("Cluster", cluster.ref_())]),
                "rds:cluster:ReadReplicaCount",
                "rds",
            )
        },
        ResourceOptions {
            depends_on: instances,
            ..ResourceOptions::default()
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
                        aas::scaling_policy::PredefinedMetricSpecification::new(
                            "RDSReaderAverageCPUUtilization",
                        )
                        .into(),
                    ),
                    scale_in_cooldown: s.scale_in_cooldown.map(|d| seconds(d).into()),
                    scale_out_cooldown: s.scale_out_cooldown.map(|d| seconds(d).into()),
                    ..aas::scaling_policy::TargetTrackingScalingPolicyConfiguration::new(
                        s.target_cpu_percent,
                    )
                }
                .into(),
            ),
            ..aas::ScalingPolicy::new(policy_name, "TargetTrackingScaling")
        },
    );
    target
}
