//! VPC flow logs to a CloudWatch Logs group (with the IAM role that
//! delivers to it) or to an S3 bucket, at `<vpc>/<id>/{IAMRole, FlowLog}`
//! as the CDK places them.

use strata_cfn::{ec2, iam, logs};
use strata_core::{Fn, RemovalPolicy, Scope, Value};

use super::AgentVpc;
use crate::iam::{PolicyStatement, Principal, Role, RoleProps};
use crate::logs::{LogGroup, LogGroupProps, Retention};

/// Which traffic is logged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TrafficType {
    /// Accepted and rejected traffic.
    #[default]
    All,
    /// Accepted traffic only.
    Accept,
    /// Rejected traffic only.
    Reject,
}

impl TrafficType {
    fn as_str(self) -> &'static str {
        match self {
            TrafficType::All => "ALL",
            TrafficType::Accept => "ACCEPT",
            TrafficType::Reject => "REJECT",
        }
    }
}

/// Where the log group of a CloudWatch Logs destination is created.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum LogGroupPlacement {
    /// Inside the flow log, at `<vpc>/<flow log id>/LogGroup/Resource`, as
    /// the CDK places it.
    #[default]
    InFlowLog,
    /// Directly under the stack, at `<stack>/<id>/Resource`.
    Stack(String),
}

/// A CloudWatch Logs group created for the flow log.
#[derive(Clone, Debug, PartialEq)]
pub struct CloudWatchLogsDestination {
    /// `RetentionInDays`; one of the periods CloudWatch Logs accepts.
    pub retention_in_days: u32,
    /// A KMS key ARN to encrypt the group with. The key policy must let
    /// `logs.<region>.amazonaws.com` use the key.
    pub kms_key_arn: Option<Value<String>>,
    /// What happens to the group when it leaves the stack.
    pub removal_policy: RemovalPolicy,
    /// Where the group's construct goes.
    pub placement: LogGroupPlacement,
}

impl Default for CloudWatchLogsDestination {
    /// Two years of retention, no KMS key, retained on removal.
    fn default() -> Self {
        CloudWatchLogsDestination {
            retention_in_days: 731,
            kms_key_arn: None,
            removal_policy: RemovalPolicy::Retain,
            placement: LogGroupPlacement::InFlowLog,
        }
    }
}

/// Where flow log records go.
#[derive(Clone, Debug, PartialEq)]
pub enum FlowLogDestination {
    /// A new CloudWatch Logs group, written through an IAM role.
    CloudWatchLogs(CloudWatchLogsDestination),
    /// An existing S3 bucket. Its bucket policy must let
    /// `delivery.logs.amazonaws.com` write to it.
    S3 {
        /// The bucket's ARN.
        bucket_arn: Value<String>,
        /// A key prefix (a folder), without leading or trailing `/`.
        key_prefix: Option<String>,
    },
}

impl Default for FlowLogDestination {
    fn default() -> Self {
        FlowLogDestination::CloudWatchLogs(CloudWatchLogsDestination::default())
    }
}

/// Settings of a flow log.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FlowLogOptions {
    /// Where records go.
    pub destination: FlowLogDestination,
    /// Which traffic is logged.
    pub traffic_type: TrafficType,
    /// Seconds over which packets are aggregated into a record: 60 or 600
    /// (the default when unset).
    pub max_aggregation_interval: Option<u32>,
}

/// A flow log added with [`AgentVpc::add_flow_log`].
#[derive(Clone, Debug)]
pub struct FlowLog {
    scope: Scope,
    flow_log: ec2::FlowLogRef,
    role: Option<iam::RoleRef>,
    log_group: Option<logs::LogGroupRef>,
}

impl FlowLog {
    /// The L1 handle of the `AWS::EC2::FlowLog`.
    pub fn resource(&self) -> &ec2::FlowLogRef {
        &self.flow_log
    }

    /// The delivery role, for a CloudWatch Logs destination.
    pub fn role(&self) -> Option<&iam::RoleRef> {
        self.role.as_ref()
    }

    /// The log group, for a CloudWatch Logs destination.
    pub fn log_group(&self) -> Option<&logs::LogGroupRef> {
        self.log_group.as_ref()
    }

    /// The flow log's construct (`<vpc>/<id>`).
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl AgentVpc {
    /// Logs the VPC's traffic. For CloudWatch Logs this adds the log group,
    /// an IAM role `vpc-flow-logs.amazonaws.com` can assume, and its
    /// `DefaultPolicy` allowing `logs:CreateLogStream`, `logs:PutLogEvents`
    /// and `logs:DescribeLogStreams` on that group only.
    ///
    /// ```
    /// use strata::prelude::*;
    /// use strata::ec2::{AgentVpc, AgentVpcProps, CloudWatchLogsDestination, FlowLogDestination, FlowLogOptions};
    ///
    /// let app = App::new();
    /// let stack = app.stack("Network", StackProps::default());
    /// let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::default());
    /// let flow_log = vpc.add_flow_log("FlowLog", FlowLogOptions {
    ///     destination: FlowLogDestination::CloudWatchLogs(CloudWatchLogsDestination {
    ///         retention_in_days: 30,
    ///         ..Default::default()
    ///     }),
    ///     ..Default::default()
    /// });
    /// assert!(flow_log.role().is_some());
    /// let assembly = app.synth().expect("valid");
    /// let log = &assembly.stacks[0].template["Resources"]["VpcFlowLog8FF33A73"]["Properties"];
    /// assert_eq!(log["TrafficType"], "ALL");
    /// ```
    pub fn add_flow_log(&self, id: &str, options: FlowLogOptions) -> FlowLog {
        let scope = self.scope.child(id);
        scope.add_tag("Name", &scope.path());
        if let Some(interval) = options.max_aggregation_interval {
            if interval != 60 && interval != 600 {
                scope.error(
                    "flow-log",
                    format!("max_aggregation_interval is {interval}; use 60 or 600 seconds"),
                );
            }
        }
        let base = ec2::FlowLog {
            traffic_type: Some(options.traffic_type.as_str().into()),
            max_aggregation_interval: options
                .max_aggregation_interval
                .map(|i| i64::from(i).into()),
            ..ec2::FlowLog::new(self.vpc_id(), "VPC")
        };
        match options.destination {
            FlowLogDestination::CloudWatchLogs(destination) => {
                to_cloudwatch_logs(&scope, base, destination)
            }
            FlowLogDestination::S3 {
                bucket_arn,
                key_prefix,
            } => {
                let log_destination = match key_prefix {
                    Some(prefix) => {
                        if prefix.is_empty() || prefix.starts_with('/') || prefix.ends_with('/') {
                            scope.error(
                                "flow-log",
                                format!("S3 key prefix {prefix:?} must be non-empty and must not start or end with '/'"),
                            );
                        }
                        Fn::join("", [bucket_arn, Value::from(format!("/{prefix}"))])
                    }
                    None => bucket_arn,
                };
                let flow_log = scope.resource(
                    "FlowLog",
                    ec2::FlowLog {
                        log_destination: Some(log_destination),
                        log_destination_type: Some("s3".into()),
                        ..base
                    },
                );
                FlowLog {
                    scope,
                    flow_log,
                    role: None,
                    log_group: None,
                }
            }
        }
    }
}

fn to_cloudwatch_logs(
    scope: &Scope,
    base: ec2::FlowLog,
    destination: CloudWatchLogsDestination,
) -> FlowLog {
    let (group_parent, group_id) = match &destination.placement {
        LogGroupPlacement::InFlowLog => (scope.clone(), "LogGroup".to_string()),
        LogGroupPlacement::Stack(id) => {
            (scope.stack().unwrap_or_else(|| scope.clone()), id.clone())
        }
    };
    let group = LogGroup::new(
        &group_parent,
        &group_id,
        LogGroupProps {
            retention: Retention::Days(destination.retention_in_days),
            kms_key_arn: destination.kms_key_arn,
            removal_policy: destination.removal_policy,
            ..Default::default()
        },
    );
    let log_group = *group.resource();
    // The CDK's flow-log role, with its DefaultPolicy, at `<flow log>/IAMRole`.
    let delivery = Role::new(
        scope,
        "IAMRole",
        RoleProps::new(Principal::service("vpc-flow-logs.amazonaws.com")),
    );
    delivery.add_to_policy(
        PolicyStatement::allow()
            .actions([
                "logs:CreateLogStream",
                "logs:PutLogEvents",
                "logs:DescribeLogStreams",
            ])
            .resource(group.log_group_arn()),
    );
    let role = delivery.handle();
    let flow_log = scope.resource(
        "FlowLog",
        ec2::FlowLog {
            deliver_logs_permission_arn: Some(role.arn()),
            log_destination_type: Some("cloud-watch-logs".into()),
            log_group_name: Some(log_group.ref_()),
            ..base
        },
    );
    FlowLog {
        scope: scope.clone(),
        flow_log,
        role: Some(role),
        log_group: Some(log_group),
    }
}
