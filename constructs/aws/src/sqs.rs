//! SQS queues: standard or FIFO, timeouts and retention checked against
//! SQS's limits, a dead-letter queue through the redrive policy (and the
//! redrive-allow policy on the dead-letter queue), SSE-SQS or KMS, a queue
//! policy at `<id>/Policy/Resource`, and send/consume grants.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;
use std::time::Duration;

use strata_cfn::sqs as cfn;
use strata_core::{Fn, Handle, Raw, RemovalPolicy, ResourceOptions, Scope, Value};

use crate::iam::{Grant, Grantable, PolicyDocument, PolicyKind, PolicyResource, PolicyStatement};
use crate::kms::Key;

/// What a sender needs on the queue.
const SEND_ACTIONS: [&str; 3] = [
    "sqs:SendMessage",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
];
/// What a consumer needs on the queue.
const CONSUME_ACTIONS: [&str; 5] = [
    "sqs:ReceiveMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueUrl",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
];
/// What purging needs on the queue.
const PURGE_ACTIONS: [&str; 3] = [
    "sqs:PurgeQueue",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
];
/// What a sender needs on the queue's key.
pub(crate) const SEND_KEY_ACTIONS: [&str; 4] = [
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
];
/// What a consumer needs on the queue's key.
const CONSUME_KEY_ACTIONS: [&str; 1] = ["kms:Decrypt"];

/// A customer managed KMS key given to a messaging construct: one made in
/// this app, whose key policy constructs can extend (so services such as
/// SNS and EventBridge are let in automatically), or an existing key by ARN,
/// whose policy must already allow them.
#[derive(Clone)]
pub enum CustomerKey {
    /// A [`Key`] of this app.
    Key(Key),
    /// A key made elsewhere, by ARN.
    Arn(Value<String>),
}

impl CustomerKey {
    /// The key's ARN.
    pub fn key_arn(&self) -> Value<String> {
        match self {
            CustomerKey::Key(k) => k.key_arn(),
            CustomerKey::Arn(a) => a.clone(),
        }
    }

    /// The key when it is one of this app's.
    pub fn key(&self) -> Option<&Key> {
        match self {
            CustomerKey::Key(k) => Some(k),
            CustomerKey::Arn(_) => None,
        }
    }

    /// Whether both name the same key of this app.
    pub(crate) fn same_key(&self, other: &CustomerKey) -> bool {
        match (self.key(), other.key()) {
            (Some(a), Some(b)) => *a.handle() == *b.handle(),
            _ => false,
        }
    }

    /// Allows `actions` on the key: in the grantee's policy, or, for a
    /// service principal and a key of this app, in the key policy.
    pub(crate) fn grant(&self, grantee: &dyn Grantable, actions: &[&str]) -> Grant {
        match self {
            CustomerKey::Key(k) => k.grant(grantee, actions),
            CustomerKey::Arn(a) => Grant::to_principal(grantee, actions, vec![a.clone()]),
        }
    }
}

impl fmt::Debug for CustomerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CustomerKey::Key(k) => write!(f, "Key({})", k.scope().path()),
            CustomerKey::Arn(a) => write!(f, "Arn({a:?})"),
        }
    }
}

/// Server-side encryption of a queue.
#[derive(Clone, Debug, Default)]
pub enum QueueEncryption {
    /// SSE-SQS: keys owned by SQS (`SqsManagedSseEnabled`).
    #[default]
    SqsManaged,
    /// SSE-KMS with a customer managed key (`KmsMasterKeyId`).
    Kms(CustomerKey),
}

/// Where FIFO deduplication applies (`DeduplicationScope`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeduplicationScope {
    /// `messageGroup`: per message group (high throughput).
    MessageGroup,
    /// `queue`: across the whole queue.
    Queue,
}

/// What the FIFO throughput quota applies to (`FifoThroughputLimit`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FifoThroughputLimit {
    /// `perMessageGroupId` (high throughput; needs message-group deduplication).
    PerMessageGroupId,
    /// `perQueue`.
    PerQueue,
}

/// A dead-letter queue for a source queue.
#[derive(Clone, Debug)]
pub struct DeadLetterQueue {
    /// The queue receiving messages that failed `max_receive_count` times.
    pub queue: Queue,
    /// Receives before a message moves to the dead-letter queue, 1 to 1000.
    pub max_receive_count: u32,
}

/// Which source queues may use a queue as their dead-letter queue
/// (`RedriveAllowPolicy`).
#[derive(Clone, Debug, PartialEq)]
pub enum RedriveAllow {
    /// `allowAll`: any queue of the account.
    AllowAll,
    /// `denyAll`: none.
    DenyAll,
    /// `byQueue`: these source queue ARNs (1 to 10).
    ByQueue(Vec<Value<String>>),
}

/// Settings of a [`Queue`]. The default is a standard queue with SSE-SQS,
/// SQS's default timeouts, removed with the stack (as the CDK does).
#[derive(Clone, Debug)]
pub struct QueueProps {
    /// A physical name (1 to 80 of `a-zA-Z0-9-_`, ending in `.fifo` exactly
    /// when the queue is FIFO); unset lets CloudFormation name it.
    pub queue_name: Option<String>,
    /// A FIFO queue.
    pub fifo: bool,
    /// FIFO only: deduplicate on a SHA-256 of the body.
    pub content_based_deduplication: bool,
    /// FIFO only: where deduplication applies.
    pub deduplication_scope: Option<DeduplicationScope>,
    /// FIFO only: what the throughput quota applies to.
    pub fifo_throughput_limit: Option<FifoThroughputLimit>,
    /// How long a received message stays hidden, 0 to 12 hours (SQS's default 30 s).
    pub visibility_timeout: Option<Duration>,
    /// How long messages are kept, 60 s to 14 days (default 4 days, SQS's
    /// default, written out so the template states it).
    pub retention_period: Duration,
    /// How long new messages stay invisible, 0 to 15 minutes.
    pub delivery_delay: Option<Duration>,
    /// Long polling: how long `ReceiveMessage` waits, 0 to 20 s.
    pub receive_message_wait_time: Option<Duration>,
    /// The largest message, 1 024 to 1 048 576 bytes.
    pub max_message_size_bytes: Option<u32>,
    /// Where messages go after too many receives.
    pub dead_letter_queue: Option<DeadLetterQueue>,
    /// Which queues may use this one as their dead-letter queue. `None`:
    /// `byQueue` naming each queue that takes this one as its dead-letter
    /// queue when all of them have a literal `queue_name` (their ARNs are
    /// then written without a reference, which would make the two queues
    /// depend on each other); otherwise SQS's default, any queue.
    pub redrive_allow: Option<RedriveAllow>,
    /// SSE-SQS or SSE-KMS.
    pub encryption: QueueEncryption,
    /// KMS only: how long SQS reuses a data key, 1 minute to 24 hours.
    pub data_key_reuse: Option<Duration>,
    /// Deny requests that do not use TLS, in the queue policy.
    pub enforce_ssl: bool,
    /// Deletion and replacement policy (default Delete, as the CDK).
    pub removal_policy: RemovalPolicy,
}

impl Default for QueueProps {
    fn default() -> Self {
        QueueProps {
            queue_name: None,
            fifo: false,
            content_based_deduplication: false,
            deduplication_scope: None,
            fifo_throughput_limit: None,
            visibility_timeout: None,
            retention_period: Duration::from_secs(4 * 86_400),
            delivery_delay: None,
            receive_message_wait_time: None,
            max_message_size_bytes: None,
            dead_letter_queue: None,
            redrive_allow: None,
            encryption: QueueEncryption::SqsManaged,
            data_key_reuse: None,
            enforce_ssl: false,
            removal_policy: RemovalPolicy::Delete,
        }
    }
}

struct QueuePolicy {
    resource: Scope,
    handle: Handle,
    document: PolicyDocument,
}

struct Inner {
    scope: Scope,
    queue: cfn::QueueRef,
    fifo: bool,
    name: Option<String>,
    key: Option<CustomerKey>,
    policy: RefCell<Option<QueuePolicy>>,
    /// ARNs (when known without a reference) of the queues using this one
    /// as their dead-letter queue, for the automatic redrive-allow policy.
    redrive_sources: RefCell<Vec<Option<Value<String>>>>,
    automatic_redrive_allow: bool,
}

/// An `AWS::SQS::Queue` at `<id>/Resource`. Cloning is cheap and clones
/// share the queue policy.
///
/// ```
/// use std::time::Duration;
/// use strata::prelude::*;
/// use strata::sqs::{DeadLetterQueue, Queue, QueueProps};
///
/// let app = App::new();
/// let stack = app.stack("Messaging", StackProps::default());
/// let dlq = Queue::new(&stack, "Dlq", QueueProps {
///     queue_name: Some("message-processing-dlq".into()),
///     retention_period: Duration::from_secs(14 * 86_400),
///     ..Default::default()
/// });
/// Queue::new(&stack, "Messages", QueueProps {
///     queue_name: Some("message-processing-queue".into()),
///     visibility_timeout: Some(Duration::from_secs(60)),
///     dead_letter_queue: Some(DeadLetterQueue { queue: dlq, max_receive_count: 3 }),
///     ..Default::default()
/// });
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let queue = &t["Resources"][strata::logical_id(&["Messages", "Resource"]).as_str()];
/// assert_eq!(queue["Properties"]["RedrivePolicy"]["maxReceiveCount"], 3);
/// assert_eq!(queue["Properties"]["SqsManagedSseEnabled"], true);
/// assert_eq!(queue["DeletionPolicy"], "Delete");
/// ```
#[derive(Clone)]
pub struct Queue {
    inner: Rc<Inner>,
}

impl fmt::Debug for Queue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Queue({})", self.inner.scope.path())
    }
}

impl Queue {
    /// Adds the queue under `scope` at `<id>/Resource`.
    pub fn new(scope: &Scope, id: &str, props: QueueProps) -> Queue {
        let scope = scope.child(id);
        for problem in problems(&props) {
            scope.error("sqs-queue", problem);
        }
        let key = match &props.encryption {
            QueueEncryption::SqsManaged => None,
            QueueEncryption::Kms(k) => Some(k.clone()),
        };
        let l1 = render(&props, key.as_ref());
        let queue = scope.resource_with(
            "Resource",
            l1,
            ResourceOptions::removal(props.removal_policy),
        );
        let queue = Queue {
            inner: Rc::new(Inner {
                scope,
                queue,
                fifo: props.fifo,
                name: props.queue_name.clone(),
                key,
                policy: RefCell::new(None),
                redrive_sources: RefCell::new(Vec::new()),
                automatic_redrive_allow: props.redrive_allow.is_none(),
            }),
        };
        if let Some(dlq) = &props.dead_letter_queue {
            dlq.queue.add_redrive_source(queue.arn_without_reference());
        }
        if props.enforce_ssl {
            queue.add_to_resource_policy(
                PolicyStatement::deny_insecure_transport("sqs:*").resource(queue.queue_arn()),
            );
        }
        queue
    }

    /// The queue URL, `Ref`.
    pub fn queue_url(&self) -> Value<String> {
        self.inner.queue.ref_()
    }

    /// The queue ARN, `Fn::GetAtt [<queue>, Arn]`.
    pub fn queue_arn(&self) -> Value<String> {
        self.inner.queue.arn()
    }

    /// The queue name, `Fn::GetAtt [<queue>, QueueName]`.
    pub fn queue_name(&self) -> Value<String> {
        self.inner.queue.get_att("QueueName")
    }

    /// Whether this is a FIFO queue.
    pub fn is_fifo(&self) -> bool {
        self.inner.fifo
    }

    /// The customer managed key, when the queue uses SSE-KMS.
    pub fn encryption_key(&self) -> Option<&CustomerKey> {
        self.inner.key.as_ref()
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::QueueRef {
        &self.inner.queue
    }

    /// The queue's construct scope.
    pub fn scope(&self) -> &Scope {
        &self.inner.scope
    }

    /// The queue policy resource, once a statement has been added.
    pub fn policy_handle(&self) -> Option<Handle> {
        self.inner.policy.borrow().as_ref().map(|p| p.handle)
    }

    /// The queue's ARN built from its literal name, with no reference to
    /// the queue (for policies the queue itself depends on).
    pub(crate) fn arn_without_reference(&self) -> Option<Value<String>> {
        let name = self.inner.name.as_deref()?;
        Some(Fn::sub(&format!(
            "arn:${{AWS::Partition}}:sqs:${{AWS::Region}}:${{AWS::AccountId}}:{name}"
        )))
    }

    fn add_redrive_source(&self, source: Option<Value<String>>) {
        if !self.inner.automatic_redrive_allow {
            return;
        }
        let mut sources = self.inner.redrive_sources.borrow_mut();
        sources.push(source);
        let known: Option<Vec<Value<String>>> = sources.iter().cloned().collect();
        // Ten ARNs at most; beyond that, or with a source known only by
        // reference, SQS's default (any queue of the account) stays.
        let policy = known
            .filter(|arns| arns.len() <= 10)
            .map(|arns| redrive_allow(&RedriveAllow::ByQueue(arns)));
        if let Some(res) = self.inner.scope.of(&self.inner.queue) {
            res.with_resource::<cfn::Queue>(|q| q.redrive_allow_policy = policy);
        }
    }

    /// Allows `actions` on this queue: in the grantee's policy, or, for a
    /// service or account principal, in the queue policy.
    pub fn grant(&self, grantee: &dyn Grantable, actions: &[&str]) -> Grant {
        Grant::to_principal_or_resource(
            grantee,
            actions,
            vec![self.queue_arn()],
            self,
            vec![self.queue_arn()],
        )
    }

    /// Lets `grantee` send messages (and encrypt with the queue's key).
    pub fn grant_send_messages(&self, grantee: &dyn Grantable) -> Grant {
        self.grant_key(grantee, &SEND_KEY_ACTIONS);
        self.grant(grantee, &SEND_ACTIONS)
    }

    /// Lets `grantee` receive, delete and change the visibility of
    /// messages (and decrypt with the queue's key).
    pub fn grant_consume_messages(&self, grantee: &dyn Grantable) -> Grant {
        self.grant_key(grantee, &CONSUME_KEY_ACTIONS);
        self.grant(grantee, &CONSUME_ACTIONS)
    }

    /// Lets `grantee` purge the queue.
    pub fn grant_purge(&self, grantee: &dyn Grantable) -> Grant {
        self.grant(grantee, &PURGE_ACTIONS)
    }

    /// Allows `actions` on the queue's customer managed key, if it has one.
    pub(crate) fn grant_key(&self, grantee: &dyn Grantable, actions: &[&str]) {
        if let Some(key) = &self.inner.key {
            key.grant(grantee, actions);
        }
    }
}

impl PolicyResource for Queue {
    /// Adds `statement` to the queue policy, an `AWS::SQS::QueuePolicy`
    /// created at `<id>/Policy/Resource` on first use.
    fn add_to_resource_policy(&self, statement: PolicyStatement) -> bool {
        let problems = statement.validate(PolicyKind::Resource);
        if !problems.is_empty() {
            for p in problems {
                self.inner.scope.error(
                    "sqs-queue-policy",
                    format!("statement for the queue policy: {p}"),
                );
            }
            return true;
        }
        let mut slot = self.inner.policy.borrow_mut();
        let policy = slot.get_or_insert_with(|| {
            let scope = self.inner.scope.child("Policy");
            let handle = scope.resource(
                "Resource",
                cfn::QueuePolicy::new(
                    PolicyDocument::new().to_value(),
                    Value::list([self.queue_url()]),
                ),
            );
            QueuePolicy {
                resource: scope.of(&handle).unwrap_or(scope),
                handle: *handle,
                document: PolicyDocument::new(),
            }
        });
        policy.document.add_statement(statement);
        let value = policy.document.to_value();
        policy
            .resource
            .with_resource::<cfn::QueuePolicy>(|p| p.policy_document = value);
        true
    }
}

impl Queue {
    /// Adds a statement to the queue policy (see [`PolicyResource`]).
    pub fn add_to_resource_policy(&self, statement: PolicyStatement) -> bool {
        PolicyResource::add_to_resource_policy(self, statement)
    }
}

/// Whole seconds of `d`, when it has no fraction.
pub(crate) fn whole_seconds(d: Duration) -> Option<u64> {
    (d.subsec_nanos() == 0).then_some(d.as_secs())
}

fn seconds_value(d: Option<Duration>) -> Option<Value<i64>> {
    d.map(|d| Value::from(i64::try_from(d.as_secs()).unwrap_or(i64::MAX)))
}

fn redrive_allow(allow: &RedriveAllow) -> Value<strata_core::Json> {
    let raw = match allow {
        RedriveAllow::AllowAll => Raw::object([("redrivePermission", Raw::from("allowAll"))]),
        RedriveAllow::DenyAll => Raw::object([("redrivePermission", Raw::from("denyAll"))]),
        RedriveAllow::ByQueue(arns) => Raw::object([
            ("redrivePermission", Raw::from("byQueue")),
            ("sourceQueueArns", Raw::from(arns.clone())),
        ]),
    };
    Value::expr(raw)
}

fn render(props: &QueueProps, key: Option<&CustomerKey>) -> cfn::Queue {
    let fifo = props.fifo;
    cfn::Queue {
        queue_name: props.queue_name.as_deref().map(Value::from),
        fifo_queue: fifo.then(|| true.into()),
        content_based_deduplication: (fifo && props.content_based_deduplication)
            .then(|| true.into()),
        deduplication_scope: props.deduplication_scope.filter(|_| fifo).map(|s| {
            match s {
                DeduplicationScope::MessageGroup => "messageGroup",
                DeduplicationScope::Queue => "queue",
            }
            .into()
        }),
        fifo_throughput_limit: props.fifo_throughput_limit.filter(|_| fifo).map(|l| {
            match l {
                FifoThroughputLimit::PerMessageGroupId => "perMessageGroupId",
                FifoThroughputLimit::PerQueue => "perQueue",
            }
            .into()
        }),
        visibility_timeout: seconds_value(props.visibility_timeout),
        message_retention_period: seconds_value(Some(props.retention_period)),
        delay_seconds: seconds_value(props.delivery_delay),
        receive_message_wait_time_seconds: seconds_value(props.receive_message_wait_time),
        maximum_message_size: props.max_message_size_bytes.map(|b| i64::from(b).into()),
        redrive_policy: props.dead_letter_queue.as_ref().map(|d| {
            Value::expr(Raw::object([
                ("deadLetterTargetArn", Raw::from(d.queue.queue_arn())),
                ("maxReceiveCount", Raw::Int(i64::from(d.max_receive_count))),
            ]))
        }),
        redrive_allow_policy: props.redrive_allow.as_ref().map(redrive_allow),
        sqs_managed_sse_enabled: key.is_none().then(|| true.into()),
        kms_master_key_id: key.map(CustomerKey::key_arn),
        kms_data_key_reuse_period_seconds: seconds_value(
            props.data_key_reuse.filter(|_| key.is_some()),
        ),
        ..cfn::Queue::default()
    }
}

/// `what` must be whole seconds from `min` to `max`.
fn check_seconds(
    out: &mut Vec<String>,
    what: &str,
    d: Option<Duration>,
    (min, max): (u64, u64),
    range: &str,
) {
    if let Some(d) = d {
        match whole_seconds(d) {
            Some(s) if (min..=max).contains(&s) => {}
            _ => out.push(format!(
                "a {what} of {d:?} is out of range; use whole seconds from {range}"
            )),
        }
    }
}

/// What SQS would reject about these props.
fn problems(p: &QueueProps) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(name) = &p.queue_name {
        let base = name.strip_suffix(".fifo").unwrap_or(name);
        let ok = !base.is_empty()
            && name.len() <= 80
            && base
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            out.push(format!(
                "queue name {name:?} is invalid: use 1 to 80 of a-z, A-Z, 0-9, '-' and '_' (plus the .fifo suffix of a FIFO queue)"
            ));
        }
        match (p.fifo, name.ends_with(".fifo")) {
            (true, false) => out.push(format!(
                "FIFO queue name {name:?} must end with \".fifo\"; name it {:?}",
                format!("{name}.fifo")
            )),
            (false, true) => out.push(format!(
                "queue name {name:?} ends with \".fifo\" but the queue is not FIFO; set fifo: true or drop the suffix"
            )),
            _ => {}
        }
    }
    if !p.fifo {
        let mut fifo_only = Vec::new();
        if p.content_based_deduplication {
            fifo_only.push("content_based_deduplication");
        }
        if p.deduplication_scope.is_some() {
            fifo_only.push("deduplication_scope");
        }
        if p.fifo_throughput_limit.is_some() {
            fifo_only.push("fifo_throughput_limit");
        }
        if !fifo_only.is_empty() {
            out.push(format!(
                "{} only apply to FIFO queues; set fifo: true or remove them",
                fifo_only.join(", ")
            ));
        }
    }
    if p.fifo_throughput_limit == Some(FifoThroughputLimit::PerMessageGroupId)
        && p.deduplication_scope != Some(DeduplicationScope::MessageGroup)
    {
        out.push(
            "a perMessageGroupId throughput limit needs deduplication_scope MessageGroup (high-throughput FIFO)"
                .to_string(),
        );
    }
    check_seconds(
        &mut out,
        "visibility timeout",
        p.visibility_timeout,
        (0, 43_200),
        "0 to 43200 (12 hours)",
    );
    check_seconds(
        &mut out,
        "retention period",
        Some(p.retention_period),
        (60, 1_209_600),
        "60 (1 minute) to 1209600 (14 days)",
    );
    check_seconds(
        &mut out,
        "delivery delay",
        p.delivery_delay,
        (0, 900),
        "0 to 900 (15 minutes)",
    );
    check_seconds(
        &mut out,
        "receive wait time",
        p.receive_message_wait_time,
        (0, 20),
        "0 to 20",
    );
    if let Some(size) = p.max_message_size_bytes {
        if !(1024..=1_048_576).contains(&size) {
            out.push(format!(
                "a maximum message size of {size} bytes is out of range; use 1024 to 1048576"
            ));
        }
    }
    if let Some(dlq) = &p.dead_letter_queue {
        if !(1..=1000).contains(&dlq.max_receive_count) {
            out.push(format!(
                "max_receive_count {} is out of range; use 1 to 1000",
                dlq.max_receive_count
            ));
        }
        match (p.fifo, dlq.queue.is_fifo()) {
            (true, false) => out.push(format!(
                "the FIFO queue's dead-letter queue {} is a standard queue; a FIFO queue needs a FIFO dead-letter queue",
                dlq.queue.scope().path()
            )),
            (false, true) => out.push(format!(
                "the standard queue's dead-letter queue {} is a FIFO queue; a standard queue needs a standard dead-letter queue",
                dlq.queue.scope().path()
            )),
            _ => {}
        }
    }
    if let Some(RedriveAllow::ByQueue(arns)) = &p.redrive_allow {
        if !(1..=10).contains(&arns.len()) {
            out.push(format!(
                "a byQueue redrive-allow policy names 1 to 10 source queues, not {}",
                arns.len()
            ));
        }
    }
    match (&p.encryption, p.data_key_reuse) {
        (QueueEncryption::SqsManaged, Some(_)) => out.push(
            "data_key_reuse only applies to KMS encryption; remove it or use QueueEncryption::Kms"
                .to_string(),
        ),
        (QueueEncryption::Kms(_), d) => check_seconds(
            &mut out,
            "data key reuse period",
            d,
            (60, 86_400),
            "60 (1 minute) to 86400 (24 hours)",
        ),
        _ => {}
    }
    out
}
