//! Event source mappings: Lambda polling an SQS queue, a DynamoDB stream
//! or a Kinesis stream, with the read permissions the function's role
//! needs on that source alone.

use std::time::Duration;

use strata_cfn::lambda::{self as cfn, event_source_mapping as esm};
use strata_core::{Scope, Value};

use crate::iam::Grant;

use super::destination::Destination;
use super::function::{secs, Function};

/// Where a stream source starts reading.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StartingPosition {
    /// New records only.
    Latest,
    /// The oldest record still in the stream.
    TrimHorizon,
    /// Records from a Unix time in seconds (Kinesis only).
    AtTimestamp(f64),
}

/// An SQS queue as an event source.
#[derive(Clone, Debug, PartialEq)]
pub struct SqsEventSource {
    /// The queue ARN.
    pub queue_arn: Value<String>,
    /// Records per batch, 1 to 10000 (Lambda's default is 10; above 10
    /// needs a batching window).
    pub batch_size: Option<u32>,
    /// How long to gather records, up to 5 minutes.
    pub max_batching_window: Option<Duration>,
    /// Let the function return the ids of failed messages only.
    pub report_batch_item_failures: bool,
    /// Most concurrent invocations for this source, 2 to 1000.
    pub max_concurrency: Option<u32>,
    /// Whether the mapping polls (default true).
    pub enabled: bool,
}

impl SqsEventSource {
    /// A queue with Lambda's defaults.
    pub fn new(queue_arn: impl Into<Value<String>>) -> Self {
        SqsEventSource {
            queue_arn: queue_arn.into(),
            batch_size: None,
            max_batching_window: None,
            report_batch_item_failures: false,
            max_concurrency: None,
            enabled: true,
        }
    }
}

/// The kind of stream a [`StreamEventSource`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamKind {
    /// A DynamoDB table stream.
    DynamoDb,
    /// A Kinesis data stream.
    Kinesis,
}

/// A DynamoDB or Kinesis stream as an event source.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamEventSource {
    /// DynamoDB or Kinesis.
    pub kind: StreamKind,
    /// The stream ARN (a table's `StreamArn`, a Kinesis stream's `Arn`).
    pub stream_arn: Value<String>,
    /// Where reading starts.
    pub starting_position: StartingPosition,
    /// Records per batch, 1 to 10000 (Lambda's default is 100).
    pub batch_size: Option<u32>,
    /// How long to gather records, up to 5 minutes.
    pub max_batching_window: Option<Duration>,
    /// Split a failing batch in two and retry each half.
    pub bisect_batch_on_error: bool,
    /// Retries of a failing batch, -1 (until the record expires) to 10000.
    pub retry_attempts: Option<i32>,
    /// Oldest record sent to the function, 60 seconds to 7 days.
    pub max_record_age: Option<Duration>,
    /// Where records go after the retries are spent (a queue or a topic).
    pub on_failure: Option<Destination>,
    /// Concurrent batches per shard, 1 to 10.
    pub parallelization_factor: Option<u32>,
    /// Let the function return the sequence number of the first failed record.
    pub report_batch_item_failures: bool,
    /// The KMS key of an encrypted stream; the role may decrypt with it.
    pub kms_key_arn: Option<Value<String>>,
    /// Whether the mapping polls (default true).
    pub enabled: bool,
}

impl StreamEventSource {
    fn new(kind: StreamKind, stream_arn: Value<String>, start: StartingPosition) -> Self {
        StreamEventSource {
            kind,
            stream_arn,
            starting_position: start,
            batch_size: None,
            max_batching_window: None,
            bisect_batch_on_error: false,
            retry_attempts: None,
            max_record_age: None,
            on_failure: None,
            parallelization_factor: None,
            report_batch_item_failures: false,
            kms_key_arn: None,
            enabled: true,
        }
    }

    /// A DynamoDB table stream (`table.stream_arn()`).
    pub fn dynamodb(stream_arn: impl Into<Value<String>>, start: StartingPosition) -> Self {
        StreamEventSource::new(StreamKind::DynamoDb, stream_arn.into(), start)
    }

    /// A Kinesis data stream.
    pub fn kinesis(stream_arn: impl Into<Value<String>>, start: StartingPosition) -> Self {
        StreamEventSource::new(StreamKind::Kinesis, stream_arn.into(), start)
    }
}

/// An event source of a function.
#[derive(Clone, Debug, PartialEq)]
pub enum EventSource {
    /// An SQS queue.
    Sqs(SqsEventSource),
    /// A DynamoDB or Kinesis stream.
    Stream(StreamEventSource),
}

impl From<SqsEventSource> for EventSource {
    fn from(s: SqsEventSource) -> Self {
        EventSource::Sqs(s)
    }
}

impl From<StreamEventSource> for EventSource {
    fn from(s: StreamEventSource) -> Self {
        EventSource::Stream(s)
    }
}

/// An `AWS::Lambda::EventSourceMapping` at `<function>/<id>/Resource`.
///
/// ```
/// use std::time::Duration;
/// use strata::lambda::{Code, Function, FunctionProps, Runtime, SqsEventSource};
/// use strata::prelude::*;
///
/// let app = App::new();
/// let stack = app.stack("Events", StackProps::default());
/// let processor = Function::new(&stack, "EventProcessor", FunctionProps::new(
///     Runtime::PYTHON_3_11, "index.handler", Code::inline("def handler(e, c):\n    return e\n"),
/// ));
/// processor.add_event_source("Messages", SqsEventSource {
///     batch_size: Some(100),
///     max_batching_window: Some(Duration::from_secs(5)),
///     report_batch_item_failures: true,
///     ..SqsEventSource::new("arn:aws:sqs:us-east-1:123456789012:message-processing-queue")
/// });
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let m = &t["Resources"][strata::logical_id(&["EventProcessor", "Messages", "Resource"]).as_str()];
/// assert_eq!(m["Properties"]["FunctionResponseTypes"][0], "ReportBatchItemFailures");
/// ```
#[derive(Clone, Debug)]
pub struct EventSourceMapping {
    scope: Scope,
    resource: cfn::EventSourceMappingRef,
}

impl EventSourceMapping {
    /// The mapping's UUID (`Ref`).
    pub fn mapping_id(&self) -> Value<String> {
        self.resource.ref_()
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::EventSourceMappingRef {
        &self.resource
    }

    /// The mapping's construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

const SQS_CONSUME: [&str; 5] = [
    "sqs:ReceiveMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueUrl",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
];

const DYNAMODB_STREAM_READ: [&str; 3] = [
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
];

const KINESIS_READ: [&str; 8] = [
    "kinesis:DescribeStreamSummary",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:ListShards",
    "kinesis:SubscribeToShard",
    "kinesis:DescribeStream",
    "kinesis:ListStreams",
    "kinesis:DescribeStreamConsumer",
];

impl Function {
    /// Polls `source` and invokes the function with its records, granting
    /// the role the reads it needs on that source (and the sends to an
    /// on-failure destination).
    pub fn add_event_source(&self, id: &str, source: impl Into<EventSource>) -> EventSourceMapping {
        let scope = self.scope.child(id);
        let l1 = match source.into() {
            EventSource::Sqs(s) => self.sqs(&scope, s),
            EventSource::Stream(s) => self.stream(&scope, s),
        };
        let resource = scope.resource("Resource", l1);
        EventSourceMapping { scope, resource }
    }

    fn sqs(&self, scope: &Scope, s: SqsEventSource) -> cfn::EventSourceMapping {
        if let Some(p) = Destination::Queue(s.queue_arn.clone()).problem() {
            scope.error("lambda-event-source", p);
        }
        check_batch(scope, s.batch_size, s.max_batching_window);
        if s.batch_size.is_some_and(|b| b > 10)
            && s.max_batching_window.is_none_or(|w| w.as_secs() == 0)
        {
            scope.error(
                "lambda-event-source",
                "an SQS batch size above 10 needs max_batching_window of at least 1 second",
            );
        }
        if s.max_concurrency.is_some_and(|c| !(2..=1000).contains(&c)) {
            scope.error(
                "lambda-event-source",
                "max_concurrency of an SQS source must be 2 to 1000",
            );
        }
        Grant::to_principal(self, &SQS_CONSUME, vec![s.queue_arn.clone()]);
        cfn::EventSourceMapping {
            batch_size: s.batch_size.map(|b| i64::from(b).into()),
            enabled: (!s.enabled).then_some(false.into()),
            event_source_arn: Some(s.queue_arn),
            function_response_types: report_failures(s.report_batch_item_failures),
            maximum_batching_window_in_seconds: s.max_batching_window.map(|w| secs(w).into()),
            scaling_config: s.max_concurrency.map(|c| {
                esm::ScalingConfig {
                    maximum_concurrency: Some(i64::from(c).into()),
                }
                .into()
            }),
            ..cfn::EventSourceMapping::new(self.function_name())
        }
    }

    fn stream(&self, scope: &Scope, s: StreamEventSource) -> cfn::EventSourceMapping {
        report_stream(scope, &s);
        match s.kind {
            StreamKind::DynamoDb => {
                Grant::to_principal(self, &["dynamodb:ListStreams"], vec!["*".into()]);
                Grant::to_principal(self, &DYNAMODB_STREAM_READ, vec![s.stream_arn.clone()]);
            }
            StreamKind::Kinesis => {
                Grant::to_principal(self, &KINESIS_READ, vec![s.stream_arn.clone()]);
            }
        }
        if let Some(key) = &s.kms_key_arn {
            Grant::to_principal(self, &["kms:Decrypt"], vec![key.clone()]);
        }
        if let Some(d) = &s.on_failure {
            d.grant_send(self);
        }
        let (position, timestamp) = match s.starting_position {
            StartingPosition::Latest => ("LATEST", None),
            StartingPosition::TrimHorizon => ("TRIM_HORIZON", None),
            StartingPosition::AtTimestamp(t) => ("AT_TIMESTAMP", Some(t)),
        };
        cfn::EventSourceMapping {
            batch_size: s.batch_size.map(|b| i64::from(b).into()),
            bisect_batch_on_function_error: s.bisect_batch_on_error.then_some(true.into()),
            destination_config: s.on_failure.as_ref().map(|d| {
                esm::DestinationConfig {
                    on_failure: Some(
                        esm::OnFailure {
                            destination: Some(d.arn().clone()),
                        }
                        .into(),
                    ),
                }
                .into()
            }),
            enabled: (!s.enabled).then_some(false.into()),
            event_source_arn: Some(s.stream_arn),
            function_response_types: report_failures(s.report_batch_item_failures),
            maximum_batching_window_in_seconds: s.max_batching_window.map(|w| secs(w).into()),
            maximum_record_age_in_seconds: s.max_record_age.map(|a| secs(a).into()),
            maximum_retry_attempts: s.retry_attempts.map(|r| i64::from(r).into()),
            parallelization_factor: s.parallelization_factor.map(|p| i64::from(p).into()),
            starting_position: Some(position.into()),
            starting_position_timestamp: timestamp.map(Value::from),
            ..cfn::EventSourceMapping::new(self.function_name())
        }
    }
}

fn report_failures(on: bool) -> Option<Value<Vec<Value<String>>>> {
    on.then(|| Value::list(["ReportBatchItemFailures"]))
}

fn check_batch(scope: &Scope, batch: Option<u32>, window: Option<Duration>) {
    if batch.is_some_and(|b| !(1..=10000).contains(&b)) {
        scope.error(
            "lambda-event-source",
            format!(
                "batch size {} is out of range; use 1 to 10000",
                batch.unwrap_or_default()
            ),
        );
    }
    if let Some(w) = window {
        if w.subsec_nanos() != 0 || w.as_secs() > 300 {
            scope.error(
                "lambda-event-source",
                format!("max_batching_window {w:?} is out of range; use whole seconds up to 300"),
            );
        }
    }
}

fn report_stream(scope: &Scope, s: &StreamEventSource) {
    if let Some(arn) = s.stream_arn.as_literal() {
        let ok = match s.kind {
            StreamKind::DynamoDb => arn.contains(":dynamodb:") && arn.contains("/stream/"),
            StreamKind::Kinesis => arn.contains(":kinesis:") && arn.contains(":stream/"),
        };
        if !arn.starts_with("arn:") || !ok {
            let shape = match s.kind {
                StreamKind::DynamoDb => {
                    "arn:<partition>:dynamodb:<region>:<account>:table/<table>/stream/<label>"
                }
                StreamKind::Kinesis => "arn:<partition>:kinesis:<region>:<account>:stream/<name>",
            };
            scope.error(
                "lambda-event-source",
                format!("{arn:?} is not a stream ARN of that kind ({shape})"),
            );
        }
    }
    check_batch(scope, s.batch_size, s.max_batching_window);
    if s.kind == StreamKind::DynamoDb
        && matches!(s.starting_position, StartingPosition::AtTimestamp(_))
    {
        scope.error(
            "lambda-event-source",
            "DynamoDB streams start at Latest or TrimHorizon; AtTimestamp is for Kinesis",
        );
    }
    if s.retry_attempts.is_some_and(|r| !(-1..=10000).contains(&r)) {
        scope.error(
            "lambda-event-source",
            "retry_attempts must be -1 (until the record expires) to 10000",
        );
    }
    if let Some(age) = s.max_record_age {
        if age.subsec_nanos() != 0 || !(60..=604_800).contains(&age.as_secs()) {
            scope.error(
                "lambda-event-source",
                format!("max_record_age {age:?} is out of range; use 60 seconds to 7 days"),
            );
        }
    }
    if s.parallelization_factor
        .is_some_and(|p| !(1..=10).contains(&p))
    {
        scope.error(
            "lambda-event-source",
            "parallelization_factor must be 1 to 10",
        );
    }
    match &s.on_failure {
        Some(Destination::Queue(_)) | Some(Destination::Topic(_)) | None => {}
        Some(_) => scope.error(
            "lambda-event-source",
            "a stream's on-failure destination must be an SQS queue or an SNS topic",
        ),
    }
    if let Some(p) = s.on_failure.as_ref().and_then(Destination::problem) {
        scope.error("lambda-event-source", p);
    }
}
