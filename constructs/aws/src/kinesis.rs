//! Kinesis data streams: provisioned shards or on-demand capacity,
//! retention from 24 hours to a year, KMS encryption, and read/write
//! grants, rendered into an `AWS::Kinesis::Stream` at `<id>/Resource`.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use strata_cfn::kinesis::{self as cfn, stream as l1};
use strata_core::{RemovalPolicy, ResourceOptions, Scope, Value};

use crate::iam::{Grant, Grantable, Principal, Role, RoleProps};
use crate::sqs::CustomerKey;

/// Record reads, as the CDK grants them (`ListStreams`, which has no
/// resource-level permission, is left out).
const READ_ACTIONS: [&str; 7] = [
    "kinesis:DescribeStreamSummary",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:ListShards",
    "kinesis:SubscribeToShard",
    "kinesis:DescribeStream",
    "kinesis:DescribeStreamConsumer",
];
/// Record writes, as the CDK grants them.
pub(crate) const WRITE_ACTIONS: [&str; 3] = [
    "kinesis:ListShards",
    "kinesis:PutRecord",
    "kinesis:PutRecords",
];
const KEY_READ: [&str; 1] = ["kms:Decrypt"];
const KEY_WRITE: [&str; 3] = ["kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"];

/// How the stream's capacity is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capacity {
    /// `PROVISIONED` with a number of shards (1 MB/s in, 2 MB/s out each).
    Provisioned {
        /// The shard count, at least 1.
        shards: u32,
    },
    /// `ON_DEMAND`: Kinesis scales with the traffic.
    OnDemand,
}

/// Server-side encryption of a stream.
#[derive(Clone, Debug, Default)]
pub enum StreamEncryption {
    /// KMS with the AWS managed key `alias/aws/kinesis`.
    #[default]
    AwsManaged,
    /// KMS with a customer managed key.
    Kms(CustomerKey),
}

/// Settings of a [`Stream`]. The default is one provisioned shard,
/// 24-hour retention, the AWS managed key, and Retain.
#[derive(Clone, Debug)]
pub struct StreamProps {
    /// A physical name (1 to 128 of `a-zA-Z0-9_.-`); unset lets
    /// CloudFormation name it.
    pub stream_name: Option<String>,
    /// Provisioned shards or on-demand.
    pub capacity: Capacity,
    /// How long records are kept, 24 to 8760 hours.
    pub retention_hours: u32,
    /// Server-side encryption.
    pub encryption: StreamEncryption,
    /// Deletion and replacement policy (default Retain, as the CDK).
    pub removal_policy: RemovalPolicy,
}

impl Default for StreamProps {
    fn default() -> Self {
        StreamProps {
            stream_name: None,
            capacity: Capacity::Provisioned { shards: 1 },
            retention_hours: 24,
            encryption: StreamEncryption::AwsManaged,
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

struct Inner {
    scope: Scope,
    stream: cfn::StreamRef,
    key: Option<CustomerKey>,
    events_role: RefCell<Option<Role>>,
}

/// An `AWS::Kinesis::Stream` at `<id>/Resource`.
///
/// ```
/// use strata::prelude::*;
/// use strata::kinesis::{Capacity, Stream, StreamProps};
///
/// let app = App::new();
/// let stack = app.stack("Analytics", StackProps::default());
/// Stream::new(&stack, "AnalyticsStream", StreamProps {
///     stream_name: Some("analytics-stream".into()),
///     capacity: Capacity::OnDemand,
///     retention_hours: 168,
///     ..Default::default()
/// });
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let s = &t["Resources"][strata::logical_id(&["AnalyticsStream", "Resource"]).as_str()];
/// assert_eq!(s["Properties"]["StreamModeDetails"]["StreamMode"], "ON_DEMAND");
/// assert_eq!(s["Properties"]["StreamEncryption"]["KeyId"], "alias/aws/kinesis");
/// ```
#[derive(Clone)]
pub struct Stream {
    inner: Rc<Inner>,
}

impl fmt::Debug for Stream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Stream({})", self.inner.scope.path())
    }
}

impl Stream {
    /// Adds the stream under `scope` at `<id>/Resource`.
    pub fn new(scope: &Scope, id: &str, props: StreamProps) -> Stream {
        let scope = scope.child(id);
        for problem in problems(&props) {
            scope.error("kinesis-stream", problem);
        }
        let key = match &props.encryption {
            StreamEncryption::AwsManaged => None,
            StreamEncryption::Kms(k) => Some(k.clone()),
        };
        let key_id = key
            .as_ref()
            .map_or_else(|| Value::from("alias/aws/kinesis"), CustomerKey::key_arn);
        let (mode, shards) = match props.capacity {
            Capacity::Provisioned { shards } => ("PROVISIONED", Some(i64::from(shards).into())),
            Capacity::OnDemand => ("ON_DEMAND", None),
        };
        let stream = scope.resource_with(
            "Resource",
            cfn::Stream {
                name: props.stream_name.as_deref().map(Value::from),
                retention_period_hours: Some(i64::from(props.retention_hours).into()),
                shard_count: shards,
                stream_mode_details: Some(l1::StreamModeDetails::new(mode).into()),
                stream_encryption: Some(l1::StreamEncryption::new("KMS", key_id).into()),
                ..cfn::Stream::default()
            },
            ResourceOptions::removal(props.removal_policy),
        );
        Stream {
            inner: Rc::new(Inner {
                scope,
                stream,
                key,
                events_role: RefCell::new(None),
            }),
        }
    }

    /// The stream name, `Ref`.
    pub fn stream_name(&self) -> Value<String> {
        self.inner.stream.ref_()
    }

    /// The stream ARN, `Fn::GetAtt [<stream>, Arn]`.
    pub fn stream_arn(&self) -> Value<String> {
        self.inner.stream.arn()
    }

    /// The customer managed key, when the stream uses one.
    pub fn encryption_key(&self) -> Option<&CustomerKey> {
        self.inner.key.as_ref()
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::StreamRef {
        &self.inner.stream
    }

    /// The stream's construct scope.
    pub fn scope(&self) -> &Scope {
        &self.inner.scope
    }

    fn grant(&self, grantee: &dyn Grantable, actions: &[&str], key_actions: &[&str]) -> Grant {
        if let Some(key) = &self.inner.key {
            key.grant(grantee, key_actions);
        }
        Grant::to_principal(grantee, actions, vec![self.stream_arn()])
    }

    /// Lets `grantee` read records (and decrypt with the stream's key).
    pub fn grant_read(&self, grantee: &dyn Grantable) -> Grant {
        self.grant(grantee, &READ_ACTIONS, &KEY_READ)
    }

    /// Lets `grantee` put records (and encrypt with the stream's key).
    pub fn grant_write(&self, grantee: &dyn Grantable) -> Grant {
        self.grant(grantee, &WRITE_ACTIONS, &KEY_WRITE)
    }

    /// Lets `grantee` read and put records.
    pub fn grant_read_write(&self, grantee: &dyn Grantable) -> Grant {
        let actions: Vec<&str> = READ_ACTIONS
            .iter()
            .chain(WRITE_ACTIONS.iter().filter(|a| !READ_ACTIONS.contains(a)))
            .copied()
            .collect();
        let key: Vec<&str> = KEY_READ.iter().chain(&KEY_WRITE).copied().collect();
        self.grant(grantee, &actions, &key)
    }

    /// The role EventBridge assumes to put records, `<id>/EventsRole`,
    /// made with write access on first use (the CDK's singleton events role).
    pub(crate) fn events_role(&self) -> Role {
        let mut slot = self.inner.events_role.borrow_mut();
        slot.get_or_insert_with(|| {
            let role = Role::new(
                &self.inner.scope,
                "EventsRole",
                RoleProps::new(Principal::service("events.amazonaws.com")),
            );
            self.grant_write(&role);
            role
        })
        .clone()
    }
}

/// What Kinesis would reject about these props.
fn problems(p: &StreamProps) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(name) = &p.stream_name {
        let ok = !name.is_empty()
            && name.len() <= 128
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !ok {
            out.push(format!(
                "stream name {name:?} is invalid: use 1 to 128 of a-z, A-Z, 0-9, '_', '.' and '-'"
            ));
        }
    }
    if let Capacity::Provisioned { shards: 0 } = p.capacity {
        out.push("a provisioned stream needs at least 1 shard".to_string());
    }
    if !(24..=8760).contains(&p.retention_hours) {
        out.push(format!(
            "a retention of {} hours is out of range; use 24 to 8760 hours (365 days)",
            p.retention_hours
        ));
    }
    out
}
