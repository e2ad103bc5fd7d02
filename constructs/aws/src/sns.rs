//! SNS topics: standard or FIFO, KMS encryption, a topic policy at
//! `<id>/Policy/Resource`, publish grants, and subscriptions (SQS with the
//! queue policy and key policy they need, Lambda with its invoke
//! permission, email, HTTPS), placed at the CDK's construct paths.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;

use strata_cfn::lambda;
use strata_cfn::sns as cfn;
use strata_core::{logical_id, Fn, Json, Raw, ResourceOptions, Scope, Value};

use crate::iam::{
    Grant, Grantable, PolicyDocument, PolicyKind, PolicyResource, PolicyStatement, Principal,
};
use crate::lambda::Function;
use crate::sqs::{CustomerKey, Queue};

/// The SNS service principal.
const SNS_SERVICE: &str = "sns.amazonaws.com";

/// Server-side encryption of a topic.
#[derive(Clone, Debug)]
pub enum TopicEncryption {
    /// The AWS managed key `alias/aws/sns`. Other services (EventBridge,
    /// CloudWatch alarms) cannot publish to a topic encrypted with it.
    AwsManaged,
    /// A customer managed key.
    Kms(CustomerKey),
}

/// Settings of a [`Topic`]; the default is a standard, unencrypted topic
/// named by CloudFormation.
#[derive(Clone, Debug, Default)]
pub struct TopicProps {
    /// A physical name (1 to 256 of `a-zA-Z0-9-_`, ending in `.fifo`
    /// exactly when the topic is FIFO).
    pub topic_name: Option<String>,
    /// The display name used in SMS and email (at most 100 characters).
    pub display_name: Option<String>,
    /// A FIFO topic (delivers to SQS queues only).
    pub fifo: bool,
    /// FIFO only: deduplicate on a SHA-256 of the message body.
    pub content_based_deduplication: bool,
    /// Server-side encryption; none when unset.
    pub encryption: Option<TopicEncryption>,
    /// Deny publishing without TLS, in the topic policy.
    pub enforce_ssl: bool,
    /// X-Ray active tracing (`TracingConfig: Active`).
    pub active_tracing: bool,
}

struct TopicPolicy {
    resource: Scope,
    document: PolicyDocument,
}

struct Inner {
    scope: Scope,
    topic: cfn::TopicRef,
    fifo: bool,
    name: Option<String>,
    key: Option<CustomerKey>,
    policy: RefCell<Option<TopicPolicy>>,
    token_ids: Cell<u32>,
}

/// An `AWS::SNS::Topic` at `<id>/Resource`. Cloning is cheap and clones
/// share the topic policy.
///
/// ```
/// use strata::prelude::*;
/// use strata::sns::{Subscription, Topic, TopicProps};
/// use strata::sqs::{Queue, QueueProps};
///
/// let app = App::new();
/// let stack = app.stack("Messaging", StackProps::default());
/// let topic = Topic::new(&stack, "Tickets", TopicProps {
///     topic_name: Some("prod-ticket-events".into()),
///     ..Default::default()
/// });
/// let queue = Queue::new(&stack, "TicketQueue", QueueProps::default());
/// topic.add_subscription(Subscription::sqs(&queue).raw_message_delivery());
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let policy = &t["Resources"][strata::logical_id(&["TicketQueue", "Policy", "Resource"]).as_str()];
/// assert_eq!(policy["Properties"]["PolicyDocument"]["Statement"][0]["Action"], "sqs:SendMessage");
/// ```
#[derive(Clone)]
pub struct Topic {
    inner: Rc<Inner>,
}

impl fmt::Debug for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Topic({})", self.inner.scope.path())
    }
}

/// Where a subscription delivers.
#[derive(Clone, Debug)]
enum Endpoint {
    Sqs(Queue),
    Function(Function),
    Lambda(Value<String>),
    Email(String),
    Https(String),
}

/// A subscription to add to a topic with [`Topic::add_subscription`].
///
/// ```
/// use strata::sns::Subscription;
/// let ops = Subscription::email("ops@example.com");
/// let hook = Subscription::https("https://hooks.example.com/sns").raw_message_delivery();
/// # let _ = (ops, hook);
/// ```
#[derive(Clone, Debug)]
pub struct Subscription {
    endpoint: Endpoint,
    raw_message_delivery: bool,
    filter_policy: Option<Json>,
    filter_on_body: bool,
    dead_letter_queue: Option<Queue>,
}

impl Subscription {
    fn new(endpoint: Endpoint) -> Self {
        Subscription {
            endpoint,
            raw_message_delivery: false,
            filter_policy: None,
            filter_on_body: false,
            dead_letter_queue: None,
        }
    }

    /// Delivers to an SQS queue; the queue policy lets this topic send to
    /// it, and the queue's key (of this app) lets SNS encrypt for it.
    pub fn sqs(queue: &Queue) -> Self {
        Subscription::new(Endpoint::Sqs(queue.clone()))
    }

    /// Invokes a Lambda function of this app, at the CDK's paths: the
    /// subscription at `<function>/<topic id>`, the permission letting SNS
    /// invoke it for this topic at `<function>/AllowInvoke:<topic unique id>`.
    pub fn function(function: &Function) -> Self {
        Subscription::new(Endpoint::Function(function.clone()))
    }

    /// Invokes a Lambda function given by ARN; an `AWS::Lambda::Permission`
    /// at `<topic>/<ARN>/AllowInvoke` lets SNS invoke it for this topic only.
    pub fn lambda(function_arn: impl Into<Value<String>>) -> Self {
        Subscription::new(Endpoint::Lambda(function_arn.into()))
    }

    /// Emails an address (the recipient confirms the subscription).
    pub fn email(address: &str) -> Self {
        Subscription::new(Endpoint::Email(address.to_string()))
    }

    /// Posts to an `https://` URL (the endpoint confirms the subscription).
    pub fn https(url: &str) -> Self {
        Subscription::new(Endpoint::Https(url.to_string()))
    }

    /// Delivers the message as published, without the SNS JSON envelope
    /// (SQS and HTTPS only).
    pub fn raw_message_delivery(mut self) -> Self {
        self.raw_message_delivery = true;
        self
    }

    /// Delivers only messages whose attributes match `policy`.
    pub fn filter_policy(mut self, policy: Json) -> Self {
        self.filter_policy = Some(policy);
        self
    }

    /// Delivers only messages whose body matches `policy`.
    pub fn filter_policy_on_body(mut self, policy: Json) -> Self {
        self.filter_policy = Some(policy);
        self.filter_on_body = true;
        self
    }

    /// Sends messages SNS cannot deliver to `queue`, whose policy lets this
    /// topic send to it.
    pub fn dead_letter_queue(mut self, queue: &Queue) -> Self {
        self.dead_letter_queue = Some(queue.clone());
        self
    }
}

impl Topic {
    /// Adds the topic under `scope` at `<id>/Resource`.
    pub fn new(scope: &Scope, id: &str, props: TopicProps) -> Topic {
        let scope = scope.child(id);
        for problem in problems(&props) {
            scope.error("sns-topic", problem);
        }
        let key = match &props.encryption {
            Some(TopicEncryption::Kms(k)) => Some(k.clone()),
            _ => None,
        };
        let kms_master_key_id = match &props.encryption {
            None => None,
            Some(TopicEncryption::AwsManaged) => Some(Value::from("alias/aws/sns")),
            Some(TopicEncryption::Kms(k)) => Some(k.key_arn()),
        };
        let topic = scope.resource(
            "Resource",
            cfn::Topic {
                topic_name: props.topic_name.as_deref().map(Value::from),
                display_name: props.display_name.as_deref().map(Value::from),
                fifo_topic: props.fifo.then(|| true.into()),
                content_based_deduplication: (props.fifo && props.content_based_deduplication)
                    .then(|| true.into()),
                kms_master_key_id,
                tracing_config: props.active_tracing.then(|| "Active".into()),
                ..cfn::Topic::default()
            },
        );
        let topic = Topic {
            inner: Rc::new(Inner {
                scope,
                topic,
                fifo: props.fifo,
                name: props.topic_name.clone(),
                key,
                policy: RefCell::new(None),
                token_ids: Cell::new(0),
            }),
        };
        if props.enforce_ssl {
            topic.add_to_resource_policy(
                PolicyStatement::deny_insecure_transport("sns:Publish")
                    .sid("AllowPublishThroughSSLOnly")
                    .resource(topic.topic_arn()),
            );
        }
        topic
    }

    /// The topic ARN, `Ref`.
    pub fn topic_arn(&self) -> Value<String> {
        self.inner.topic.ref_()
    }

    /// The topic name, `Fn::GetAtt [<topic>, TopicName]`.
    pub fn topic_name(&self) -> Value<String> {
        self.inner.topic.get_att("TopicName")
    }

    /// Whether this is a FIFO topic.
    pub fn is_fifo(&self) -> bool {
        self.inner.fifo
    }

    /// The customer managed key, when the topic uses one.
    pub fn encryption_key(&self) -> Option<&CustomerKey> {
        self.inner.key.as_ref()
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::TopicRef {
        &self.inner.topic
    }

    /// The topic's construct scope.
    pub fn scope(&self) -> &Scope {
        &self.inner.scope
    }

    /// The topic's ARN built from its literal name, with no reference to
    /// the topic (for a key policy the topic itself depends on).
    pub(crate) fn arn_without_reference(&self) -> Option<Value<String>> {
        let name = self.inner.name.as_deref()?;
        Some(Fn::sub(&format!(
            "arn:${{AWS::Partition}}:sns:${{AWS::Region}}:${{AWS::AccountId}}:{name}"
        )))
    }

    /// The CDK's `Names.nodeUniqueId` of the topic: its path, stack
    /// included, as a logical ID.
    fn unique_id(&self) -> String {
        let path = self.inner.scope.path();
        let parts: Vec<&str> = path.split('/').collect();
        logical_id(&parts)
    }

    /// Lets `grantee` publish (and use the topic's customer key): in its
    /// policy, or, for a service or account principal, in the topic policy
    /// (and the key policy).
    pub fn grant_publish(&self, grantee: &dyn Grantable) -> Grant {
        if let Some(key) = &self.inner.key {
            key.grant(grantee, &["kms:Decrypt", "kms:GenerateDataKey*"]);
        }
        Grant::to_principal_or_resource(
            grantee,
            &["sns:Publish"],
            vec![self.topic_arn()],
            self,
            vec![self.topic_arn()],
        )
    }

    /// Adds `subscription` at the CDK's path: under the queue for SQS
    /// (`<queue>/<topic unique id>`), under the topic otherwise (`<topic>/<address or URL>`).
    pub fn add_subscription(&self, subscription: Subscription) -> cfn::SubscriptionRef {
        self.check_subscription(&subscription);
        let topic_arn = self.topic_arn();
        let (protocol, endpoint, parent, id) = match &subscription.endpoint {
            Endpoint::Sqs(queue) => {
                self.let_in_queue(queue);
                (
                    "sqs",
                    queue.queue_arn(),
                    queue.scope().clone(),
                    self.unique_id(),
                )
            }
            Endpoint::Function(function) => {
                function.add_permission(
                    &format!("AllowInvoke:{}", self.unique_id()),
                    SNS_SERVICE,
                    Some(topic_arn.clone()),
                );
                (
                    "lambda",
                    function.function_arn(),
                    function.scope().clone(),
                    self.inner.scope.id(),
                )
            }
            Endpoint::Lambda(arn) => {
                let id = match arn.as_literal() {
                    Some(a) => a.clone(),
                    None => self.next_token_id(),
                };
                ("lambda", arn.clone(), self.inner.scope.clone(), id)
            }
            Endpoint::Email(address) => (
                "email",
                Value::from(address.as_str()),
                self.inner.scope.clone(),
                address.clone(),
            ),
            Endpoint::Https(url) => (
                "https",
                Value::from(url.as_str()),
                self.inner.scope.clone(),
                url.clone(),
            ),
        };
        let scope = parent.child(&id);
        let mut opts = ResourceOptions::default();
        if let Endpoint::Sqs(queue) = &subscription.endpoint {
            opts.depends_on.extend(queue.policy_handle());
        }
        if let Endpoint::Lambda(arn) = &subscription.endpoint {
            scope.resource(
                "AllowInvoke",
                lambda::Permission {
                    source_arn: Some(topic_arn.clone()),
                    ..lambda::Permission::new("lambda:InvokeFunction", arn.clone(), SNS_SERVICE)
                },
            );
        }
        let redrive_policy = subscription.dead_letter_queue.as_ref().map(|dlq| {
            self.let_in_queue(dlq);
            opts.depends_on.extend(dlq.policy_handle());
            Value::expr(Raw::object([(
                "deadLetterTargetArn",
                Raw::from(dlq.queue_arn()),
            )]))
        });
        scope.resource_with(
            "Resource",
            cfn::Subscription {
                endpoint: Some(endpoint),
                raw_message_delivery: subscription.raw_message_delivery.then(|| true.into()),
                filter_policy: subscription.filter_policy.clone().map(Value::from),
                filter_policy_scope: subscription.filter_on_body.then(|| "MessageBody".into()),
                redrive_policy,
                ..cfn::Subscription::new(protocol, topic_arn)
            },
            opts,
        )
    }

    /// CDK's id for a subscriber known only by a token.
    fn next_token_id(&self) -> String {
        let n = self.inner.token_ids.get() + 1;
        self.inner.token_ids.set(n);
        format!("TokenSubscription:{n}")
    }

    /// Lets this topic send to `queue`: a queue policy statement for SNS
    /// scoped to the topic, and, when the queue's key is one of this app's,
    /// a key policy statement letting SNS encrypt for it.
    fn let_in_queue(&self, queue: &Queue) {
        queue.add_to_resource_policy(
            PolicyStatement::allow()
                .action("sqs:SendMessage")
                .principal(Principal::service(SNS_SERVICE))
                .resource(queue.queue_arn())
                .condition("ArnEquals", "aws:SourceArn", [self.topic_arn()]),
        );
        let Some(key) = queue.encryption_key().and_then(CustomerKey::key) else {
            return;
        };
        // When the topic is encrypted with the same key, a reference to the
        // topic in the key policy would make the key depend on the topic and
        // the topic on the key: name the topic by its literal ARN, or every
        // topic of the account and region.
        let same_key = self
            .inner
            .key
            .as_ref()
            .zip(queue.encryption_key())
            .is_some_and(|(a, b)| a.same_key(b));
        let statement = PolicyStatement::allow()
            .actions(["kms:Decrypt", "kms:GenerateDataKey"])
            .principal(Principal::service(SNS_SERVICE))
            .all_resources();
        let statement = match (same_key, self.arn_without_reference()) {
            (false, _) => statement.condition("ArnEquals", "aws:SourceArn", [self.topic_arn()]),
            (true, Some(arn)) => statement.condition("ArnEquals", "aws:SourceArn", [arn]),
            (true, None) => statement.condition(
                "ArnLike",
                "aws:SourceArn",
                [Fn::sub(
                    "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:*",
                )],
            ),
        };
        key.add_to_resource_policy(statement);
    }

    fn check_subscription(&self, s: &Subscription) {
        let scope = &self.inner.scope;
        let protocol = match &s.endpoint {
            Endpoint::Sqs(_) => "SQS",
            Endpoint::Function(_) | Endpoint::Lambda(_) => "Lambda",
            Endpoint::Email(_) => "email",
            Endpoint::Https(_) => "HTTPS",
        };
        if s.raw_message_delivery && !matches!(s.endpoint, Endpoint::Sqs(_) | Endpoint::Https(_)) {
            scope.error(
                "sns-subscription",
                format!("raw message delivery applies to SQS and HTTPS subscriptions, not {protocol}; remove raw_message_delivery()"),
            );
        }
        match &s.endpoint {
            Endpoint::Sqs(queue) if queue.is_fifo() && !self.inner.fifo => scope.error(
                "sns-subscription",
                format!(
                    "FIFO queue {} cannot subscribe to a standard topic; subscribe a standard queue or make the topic FIFO",
                    queue.scope().path()
                ),
            ),
            Endpoint::Sqs(_) => {}
            _ if self.inner.fifo => scope.error(
                "sns-subscription",
                format!("a FIFO topic delivers to SQS queues only, not {protocol}"),
            ),
            Endpoint::Email(address) => {
                let ok = address
                    .split_once('@')
                    .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'));
                if !ok {
                    scope.error(
                        "sns-subscription",
                        format!("{address:?} is not an email address"),
                    );
                }
            }
            Endpoint::Https(url) => {
                if !url.starts_with("https://") || url.len() <= "https://".len() {
                    scope.error(
                        "sns-subscription",
                        format!("{url:?} is not an HTTPS URL; SNS subscriptions here post to https:// endpoints"),
                    );
                }
            }
            Endpoint::Lambda(Value::Lit(arn)) if !arn.starts_with("arn:") => scope.error(
                "sns-subscription",
                format!("{arn:?} is not a Lambda function ARN"),
            ),
            Endpoint::Lambda(_) | Endpoint::Function(_) => {}
        }
        if let Some(dlq) = &s.dead_letter_queue {
            if dlq.is_fifo() != self.inner.fifo {
                scope.error(
                    "sns-subscription",
                    format!(
                        "the subscription's dead-letter queue {} must be FIFO exactly when the topic is",
                        dlq.scope().path()
                    ),
                );
            }
        }
    }
}

impl PolicyResource for Topic {
    /// Adds `statement` to the topic policy, an `AWS::SNS::TopicPolicy`
    /// created at `<id>/Policy/Resource` on first use; statements without
    /// a `Sid` get their position, as the CDK numbers them.
    fn add_to_resource_policy(&self, statement: PolicyStatement) -> bool {
        let problems = statement.validate(PolicyKind::Resource);
        if !problems.is_empty() {
            for p in problems {
                self.inner.scope.error(
                    "sns-topic-policy",
                    format!("statement for the topic policy: {p}"),
                );
            }
            return true;
        }
        let mut slot = self.inner.policy.borrow_mut();
        let policy = slot.get_or_insert_with(|| {
            let scope = self.inner.scope.child("Policy");
            let handle = scope.resource(
                "Resource",
                cfn::TopicPolicy::new(
                    PolicyDocument::new().to_value(),
                    Value::list([self.topic_arn()]),
                ),
            );
            TopicPolicy {
                resource: scope.of(&handle).unwrap_or(scope),
                document: PolicyDocument::new(),
            }
        });
        let statement = if has_sid(&statement) {
            statement
        } else {
            statement.sid(&policy.document.statements().len().to_string())
        };
        policy.document.add_statement(statement);
        let value = policy.document.to_value();
        policy
            .resource
            .with_resource::<cfn::TopicPolicy>(|p| p.policy_document = value);
        true
    }
}

impl Topic {
    /// Adds a statement to the topic policy (see [`PolicyResource`]).
    pub fn add_to_resource_policy(&self, statement: PolicyStatement) -> bool {
        PolicyResource::add_to_resource_policy(self, statement)
    }
}

fn has_sid(statement: &PolicyStatement) -> bool {
    match strata_core::ToRaw::to_raw(statement) {
        Raw::Object(fields) => fields.iter().any(|(k, _)| k == "Sid"),
        _ => false,
    }
}

/// What SNS would reject about these props.
fn problems(p: &TopicProps) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(name) = &p.topic_name {
        let base = name.strip_suffix(".fifo").unwrap_or(name);
        let ok = !base.is_empty()
            && name.len() <= 256
            && base
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            out.push(format!(
                "topic name {name:?} is invalid: use 1 to 256 of a-z, A-Z, 0-9, '-' and '_' (plus the .fifo suffix of a FIFO topic)"
            ));
        }
        match (p.fifo, name.ends_with(".fifo")) {
            (true, false) => out.push(format!(
                "FIFO topic name {name:?} must end with \".fifo\"; name it {:?}",
                format!("{name}.fifo")
            )),
            (false, true) => out.push(format!(
                "topic name {name:?} ends with \".fifo\" but the topic is not FIFO; set fifo: true or drop the suffix"
            )),
            _ => {}
        }
    }
    if p.content_based_deduplication && !p.fifo {
        out.push(
            "content_based_deduplication only applies to FIFO topics; set fifo: true or remove it"
                .to_string(),
        );
    }
    if let Some(d) = &p.display_name {
        if d.chars().count() > 100 {
            out.push(format!("display name {d:?} is longer than 100 characters"));
        }
    }
    out
}
