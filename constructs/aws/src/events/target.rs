//! Rule targets and the permissions each needs, created when the target is
//! bound to a rule: an invoke permission for Lambda, a queue policy
//! statement for SQS, a topic policy statement for SNS, a role for Step
//! Functions and Kinesis, a resource policy for CloudWatch Logs.

use std::time::Duration;

use strata_cfn::events::rule as r;
use strata_cfn::lambda;
use strata_cfn::logs as logs_l1;
use strata_core::{Fn, Json, Scope, Value};

use super::rule::Rule;
use crate::iam::{sub, PolicyStatement, Principal};
use crate::kinesis::Stream;
use crate::lambda::Function;
use crate::logs::LogGroup;
use crate::sns::Topic;
use crate::sqs::{whole_seconds, Queue};
use crate::stepfunctions::StateMachine;

/// The EventBridge service principal.
const EVENTS_SERVICE: &str = "events.amazonaws.com";
/// What EventBridge needs on the key of an encrypted queue or topic.
const KEY_ACTIONS: [&str; 2] = ["kms:Decrypt", "kms:GenerateDataKey"];

#[derive(Clone, Debug)]
enum Kind {
    Function(Function),
    Lambda(Value<String>),
    Sqs(Queue),
    Sns(Topic),
    StateMachine(StateMachine),
    Kinesis(Stream),
    LogGroup(LogGroup),
}

/// Where a rule sends matching events, with delivery options.
///
/// ```
/// use std::time::Duration;
/// use strata::events::RuleTarget;
/// let target = RuleTarget::lambda("arn:aws:lambda:us-east-1:123456789012:function:event-processor")
///     .retry_attempts(3)
///     .max_event_age(Duration::from_secs(3600));
/// # let _ = target;
/// ```
#[derive(Clone, Debug)]
pub struct RuleTarget {
    kind: Kind,
    input: Option<Json>,
    dead_letter_queue: Option<Queue>,
    retry_attempts: Option<u32>,
    max_event_age: Option<Duration>,
    message_group_id: Option<String>,
    partition_key_path: Option<String>,
}

impl RuleTarget {
    fn new(kind: Kind) -> Self {
        RuleTarget {
            kind,
            input: None,
            dead_letter_queue: None,
            retry_attempts: None,
            max_event_age: None,
            message_group_id: None,
            partition_key_path: None,
        }
    }

    /// A Lambda function of this app; an `AWS::Lambda::Permission` at
    /// `<rule>/AllowEventRule<function unique id>` (the CDK's path) lets
    /// EventBridge invoke it for this rule.
    pub fn function(function: &Function) -> Self {
        RuleTarget::new(Kind::Function(function.clone()))
    }

    /// A Lambda function, by ARN; an `AWS::Lambda::Permission` at
    /// `<rule>/AllowEventRule<target id>` lets EventBridge invoke it for this rule.
    pub fn lambda(function_arn: impl Into<Value<String>>) -> Self {
        RuleTarget::new(Kind::Lambda(function_arn.into()))
    }

    /// An SQS queue; the queue policy lets this rule send to it, and the
    /// queue's key (of this app) lets EventBridge encrypt for it. A FIFO
    /// queue needs [`RuleTarget::message_group_id`].
    pub fn sqs(queue: &Queue) -> Self {
        RuleTarget::new(Kind::Sqs(queue.clone()))
    }

    /// An SNS topic; the topic policy lets this rule publish to it.
    pub fn sns(topic: &Topic) -> Self {
        RuleTarget::new(Kind::Sns(topic.clone()))
    }

    /// A state machine, started through the machine's `<machine>/EventsRole`
    /// (assumed by EventBridge, allowed `states:StartExecution` on it).
    pub fn state_machine(machine: &StateMachine) -> Self {
        RuleTarget::new(Kind::StateMachine(machine.clone()))
    }

    /// A Kinesis stream, written through the stream's `<stream>/EventsRole`
    /// (assumed by EventBridge, allowed to put records).
    pub fn kinesis(stream: &Stream) -> Self {
        RuleTarget::new(Kind::Kinesis(stream.clone()))
    }

    /// A CloudWatch Logs group named `/aws/events/...`; a resource policy
    /// at `<group>/EventsPolicy` lets the account's rules write to it.
    pub fn log_group(group: &LogGroup) -> Self {
        RuleTarget::new(Kind::LogGroup(group.clone()))
    }

    /// Sends this JSON instead of the matched event.
    pub fn input(mut self, input: Json) -> Self {
        self.input = Some(input);
        self
    }

    /// Events that cannot be delivered go to `queue`, whose policy lets this rule send to it.
    pub fn dead_letter_queue(mut self, queue: &Queue) -> Self {
        self.dead_letter_queue = Some(queue.clone());
        self
    }

    /// Delivery retries, 0 to 185.
    pub fn retry_attempts(mut self, attempts: u32) -> Self {
        self.retry_attempts = Some(attempts);
        self
    }

    /// How long delivery is retried, 1 minute to 24 hours.
    pub fn max_event_age(mut self, age: Duration) -> Self {
        self.max_event_age = Some(age);
        self
    }

    /// FIFO queue targets: the message group of the events.
    pub fn message_group_id(mut self, id: &str) -> Self {
        self.message_group_id = Some(id.to_string());
        self
    }

    /// Kinesis targets: the JSON path of the partition key in the event,
    /// such as `$.detail.agentId` (a random key when unset).
    pub fn partition_key_path(mut self, path: &str) -> Self {
        self.partition_key_path = Some(path.to_string());
        self
    }

    /// The L1 target with id `id`, creating the permissions it needs.
    pub(crate) fn bind(&self, rule: &Rule, id: &str) -> r::Target {
        self.check(rule.scope());
        let events = Principal::service(EVENTS_SERVICE);
        let from_rule = || {
            events
                .clone()
                .with_condition("ArnEquals", "aws:SourceArn", [rule.rule_arn()])
        };
        let mut target = match &self.kind {
            Kind::Function(function) => {
                let path = function.scope().path();
                let parts: Vec<&str> = path.split('/').collect();
                let permission = format!("AllowEventRule{}", strata_core::logical_id(&parts));
                let arn = function.function_arn();
                // One permission per rule and function.
                if !rule.scope().children().iter().any(|c| c.id() == permission) {
                    rule.scope().resource(
                        &permission,
                        lambda::Permission {
                            source_arn: Some(rule.rule_arn()),
                            ..lambda::Permission::new(
                                "lambda:InvokeFunction",
                                arn.clone(),
                                EVENTS_SERVICE,
                            )
                        },
                    );
                }
                r::Target::new(arn, id)
            }
            Kind::Lambda(arn) => {
                rule.scope().resource(
                    &format!("AllowEventRule{id}"),
                    lambda::Permission {
                        source_arn: Some(rule.rule_arn()),
                        ..lambda::Permission::new(
                            "lambda:InvokeFunction",
                            arn.clone(),
                            EVENTS_SERVICE,
                        )
                    },
                );
                r::Target::new(arn.clone(), id)
            }
            Kind::Sqs(queue) => {
                queue.add_to_resource_policy(
                    PolicyStatement::allow()
                        .actions([
                            "sqs:SendMessage",
                            "sqs:GetQueueAttributes",
                            "sqs:GetQueueUrl",
                        ])
                        .principal(from_rule())
                        .resource(queue.queue_arn()),
                );
                // The key policy names EventBridge without the rule: the
                // rule depends on the queue, which depends on the key.
                queue.grant_key(&events, &KEY_ACTIONS);
                r::Target {
                    sqs_parameters: self
                        .message_group_id
                        .as_deref()
                        .map(|g| r::SqsParameters::new(g).into()),
                    ..r::Target::new(queue.queue_arn(), id)
                }
            }
            Kind::Sns(topic) => {
                topic.add_to_resource_policy(
                    PolicyStatement::allow()
                        .action("sns:Publish")
                        .principal(from_rule())
                        .resource(topic.topic_arn()),
                );
                if let Some(key) = topic.encryption_key() {
                    key.grant(&events, &KEY_ACTIONS);
                }
                r::Target::new(topic.topic_arn(), id)
            }
            Kind::StateMachine(machine) => r::Target {
                role_arn: Some(machine.events_role().arn()),
                ..r::Target::new(machine.state_machine_arn(), id)
            },
            Kind::Kinesis(stream) => r::Target {
                role_arn: Some(stream.events_role().arn()),
                kinesis_parameters: self
                    .partition_key_path
                    .as_deref()
                    .map(|p| r::KinesisParameters::new(p).into()),
                ..r::Target::new(stream.stream_arn(), id)
            },
            Kind::LogGroup(group) => {
                let_events_write(group);
                let arn = sub(
                    "arn:${Partition}:logs:${Region}:${Account}:log-group:${Name}",
                    vec![
                        ("Partition", Fn::partition()),
                        ("Region", Fn::region()),
                        ("Account", Fn::account_id()),
                        ("Name", group.log_group_name()),
                    ],
                );
                r::Target::new(arn, id)
            }
        };
        if let Some(dlq) = &self.dead_letter_queue {
            dlq.add_to_resource_policy(
                PolicyStatement::allow()
                    .sid(&format!("AllowEventRule{}", rule.unique_id()))
                    .action("sqs:SendMessage")
                    .principal(from_rule())
                    .resource(dlq.queue_arn()),
            );
            dlq.grant_key(&events, &KEY_ACTIONS);
            target.dead_letter_config = Some(
                r::DeadLetterConfig {
                    arn: Some(dlq.queue_arn()),
                }
                .into(),
            );
        }
        if self.retry_attempts.is_some() || self.max_event_age.is_some() {
            target.retry_policy = Some(
                r::RetryPolicy {
                    maximum_retry_attempts: self.retry_attempts.map(|n| i64::from(n).into()),
                    maximum_event_age_in_seconds: self
                        .max_event_age
                        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX).into()),
                }
                .into(),
            );
        }
        target.input = self.input.as_ref().map(|j| Value::from(j.to_string()));
        target
    }

    fn check(&self, scope: &Scope) {
        let mut problems = Vec::new();
        match &self.kind {
            Kind::Sqs(queue) => match (queue.is_fifo(), &self.message_group_id) {
                (true, None) => problems.push(format!(
                    "FIFO queue {} needs a message group: call message_group_id(..) on the target",
                    queue.scope().path()
                )),
                (false, Some(_)) => problems.push(format!(
                    "message_group_id applies to FIFO queues; {} is a standard queue",
                    queue.scope().path()
                )),
                _ => {}
            },
            Kind::LogGroup(group) => {
                if let Some(p) = log_group_name_problem(group) {
                    problems.push(p);
                }
            }
            _ => {}
        }
        if self.message_group_id.is_some() && !matches!(self.kind, Kind::Sqs(_)) {
            problems.push("message_group_id applies to SQS FIFO queue targets only".to_string());
        }
        if self.partition_key_path.is_some() && !matches!(self.kind, Kind::Kinesis(_)) {
            problems.push("partition_key_path applies to Kinesis stream targets only".to_string());
        }
        if let Some(dlq) = &self.dead_letter_queue {
            if dlq.is_fifo() {
                problems.push(format!(
                    "the target's dead-letter queue {} is FIFO; EventBridge dead-letter queues are standard queues",
                    dlq.scope().path()
                ));
            }
        }
        if self.retry_attempts.is_some_and(|n| n > 185) {
            problems.push(format!(
                "{} retry attempts is out of range; use 0 to 185",
                self.retry_attempts.unwrap_or_default()
            ));
        }
        if let Some(age) = self.max_event_age {
            if !whole_seconds(age).is_some_and(|s| (60..=86_400).contains(&s)) {
                problems.push(format!(
                    "a maximum event age of {age:?} is out of range; use whole seconds from 60 to 86400 (24 hours)"
                ));
            }
        }
        for p in problems {
            scope.error("event-rule-target", p);
        }
    }
}

/// EventBridge writes only to log groups named `/aws/events/...`.
fn log_group_name_problem(group: &LogGroup) -> Option<String> {
    let mut name = None;
    if let Some(res) = group.scope().of(group.resource()) {
        res.with_resource::<logs_l1::LogGroup>(|g| name = g.log_group_name.clone());
    }
    match name {
        Some(Value::Lit(n)) if n.starts_with("/aws/events/") => None,
        Some(Value::Expr(_)) => None,
        Some(Value::Lit(n)) => Some(format!(
            "log group {n:?} cannot be an EventBridge target; EventBridge writes only to groups named /aws/events/..."
        )),
        None => Some(format!(
            "log group {} has a generated name; EventBridge writes only to groups named /aws/events/..., so give it one",
            group.scope().path()
        )),
    }
}

/// The resource policy letting the account's rules write to `group`,
/// created once per group at `<group>/EventsPolicy`.
fn let_events_write(group: &LogGroup) {
    let scope = group.scope();
    if scope.children().iter().any(|c| c.id() == "EventsPolicy") {
        return;
    }
    let document = sub(
        r#"{"Statement":[{"Action":["logs:CreateLogStream","logs:PutLogEvents"],"Condition":{"ArnLike":{"aws:SourceArn":"arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/*"}},"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Resource":"${LogGroupArn}"}],"Version":"2012-10-17"}"#,
        vec![("LogGroupArn", group.log_group_arn())],
    );
    let path = scope.path();
    let parts: Vec<&str> = path.split('/').chain(["EventsPolicy"]).collect();
    let name = Fn::sub(&format!(
        "${{AWS::StackName}}-{}",
        strata_core::logical_id(&parts)
    ));
    scope.resource(
        "EventsPolicy",
        logs_l1::ResourcePolicy::new(Value::expr(document.into()), name),
    );
}
