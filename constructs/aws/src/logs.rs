//! CloudWatch Logs log groups: retention from the set CloudWatch accepts,
//! KMS encryption, retained by default, with write grants.

use strata_cfn::logs as cfn;
use strata_core::{Fn, RemovalPolicy, ResourceOptions, Scope, Value};

use crate::iam::{Grant, Grantable};

/// The retention periods CloudWatch Logs accepts, in days.
pub const RETENTION_DAYS: [u32; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// How long log events are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retention {
    /// A number of days; one of [`RETENTION_DAYS`].
    Days(u32),
    /// Forever (no `RetentionInDays`).
    Infinite,
}

impl Retention {
    /// Why CloudWatch Logs would reject this retention, if it would.
    pub fn problem(self) -> Option<String> {
        match self {
            Retention::Days(d) if !RETENTION_DAYS.contains(&d) => {
                let nearest = RETENTION_DAYS
                    .iter()
                    .copied()
                    .min_by_key(|x| x.abs_diff(d))
                    .unwrap_or(731);
                Some(format!(
                    "a retention of {d} days is not one CloudWatch Logs accepts; the nearest is {nearest} (allowed: {})",
                    RETENTION_DAYS.map(|x| x.to_string()).join(", ")
                ))
            }
            _ => None,
        }
    }
}

/// Settings of a [`LogGroup`].
#[derive(Clone, Debug, PartialEq)]
pub struct LogGroupProps {
    /// A physical name such as `/aws/lambda/agent-tools`; unset lets
    /// CloudFormation name it.
    pub log_group_name: Option<String>,
    /// How long events are kept (default 731 days, two years).
    pub retention: Retention,
    /// A KMS key ARN; its key policy must let `logs.<region>.amazonaws.com` use it.
    pub kms_key_arn: Option<Value<String>>,
    /// Deletion and replacement policy (default Retain).
    pub removal_policy: RemovalPolicy,
}

impl Default for LogGroupProps {
    fn default() -> Self {
        LogGroupProps {
            log_group_name: None,
            retention: Retention::Days(731),
            kms_key_arn: None,
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

/// An `AWS::Logs::LogGroup` at `<id>/Resource`.
///
/// ```
/// use strata::prelude::*;
/// use strata::logs::{LogGroup, LogGroupProps, Retention};
///
/// let app = App::new();
/// let stack = app.stack("Obs", StackProps::default());
/// LogGroup::new(&stack, "Audit", LogGroupProps {
///     log_group_name: Some("/agent/audit".into()),
///     retention: Retention::Days(2557),
///     ..Default::default()
/// });
/// let template = &app.synth().expect("valid").stacks[0].template;
/// let group = &template["Resources"][strata::logical_id(&["Audit", "Resource"]).as_str()];
/// assert_eq!(group["Properties"]["RetentionInDays"], 2557);
/// assert_eq!(group["DeletionPolicy"], "Retain");
/// ```
#[derive(Clone, Debug)]
pub struct LogGroup {
    scope: Scope,
    group: cfn::LogGroupRef,
}

impl LogGroup {
    /// Adds the log group under `scope`.
    pub fn new(scope: &Scope, id: &str, props: LogGroupProps) -> LogGroup {
        let scope = scope.child(id);
        if let Some(p) = props.retention.problem() {
            scope.error("log-retention", p);
        }
        if let Some(name) = &props.log_group_name {
            let ok = !name.is_empty()
                && name.len() <= 512
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-/.#".contains(c));
            if !ok {
                scope.error(
                    "log-group-name",
                    format!("log group name {name:?} is invalid: use 1 to 512 of a-z, A-Z, 0-9, '_', '-', '/', '.' and '#'"),
                );
            }
        }
        let group = scope.resource_with(
            "Resource",
            cfn::LogGroup {
                log_group_name: props.log_group_name.as_deref().map(Value::from),
                retention_in_days: match props.retention {
                    Retention::Days(d) => Some(i64::from(d).into()),
                    Retention::Infinite => None,
                },
                kms_key_id: props.kms_key_arn.clone(),
                ..cfn::LogGroup::default()
            },
            ResourceOptions::removal(props.removal_policy),
        );
        LogGroup { scope, group }
    }

    /// The log group name, `Ref`.
    pub fn log_group_name(&self) -> Value<String> {
        self.group.ref_()
    }

    /// The log group ARN (`arn:…:log-group:<name>:*`, as `Fn::GetAtt Arn` gives it).
    pub fn log_group_arn(&self) -> Value<String> {
        self.group.arn()
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::LogGroupRef {
        &self.group
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Lets `grantee` create streams in the group and put events into them.
    pub fn grant_write(&self, grantee: &dyn Grantable) -> Grant {
        Grant::to_principal(
            grantee,
            &["logs:CreateLogStream", "logs:PutLogEvents"],
            vec![self.log_group_arn()],
        )
    }

    /// Lets `grantee` read the group's events.
    pub fn grant_read(&self, grantee: &dyn Grantable) -> Grant {
        Grant::to_principal(
            grantee,
            &[
                "logs:FilterLogEvents",
                "logs:GetLogEvents",
                "logs:GetLogGroupFields",
                "logs:DescribeLogStreams",
            ],
            vec![self.log_group_arn()],
        )
    }

    /// The ARN of a log group named `name` in this stack's account and
    /// region, for policies naming groups made elsewhere.
    pub fn arn_for_name(name: &str) -> Value<String> {
        Fn::sub(&format!(
            "arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{name}:*"
        ))
    }
}
