//! Typed states of the Amazon States Language: Task (Lambda and SNS
//! resources), Parallel, Choice with typed conditions, Map, Wait, Pass,
//! Succeed and Fail, with `Next`/`End`, retries and catches.

use serde_json::json;
use strata_core::{Fn, Json, Raw, Value};

use super::definition::Definition;
use super::retry::{Catch, Retry};
use crate::sns::Topic;
use crate::sqs::CustomerKey;

/// How a state continues.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) enum Transition {
    /// Not set yet: an error at synth for states that need one.
    #[default]
    Unset,
    /// `Next`.
    Next(String),
    /// `End: true`.
    End,
}

/// Why a reference path is invalid: it must start with `$`.
pub(crate) fn path_problem(path: &str) -> Option<String> {
    (!path.starts_with('$')).then(|| format!("{path:?} is not a path; paths start with '$'"))
}

/// Input and output processing shared by most states.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Io {
    pub(crate) comment: Option<String>,
    pub(crate) input_path: Option<String>,
    pub(crate) output_path: Option<String>,
    pub(crate) result_path: Option<String>,
    pub(crate) parameters: Option<Json>,
    pub(crate) result_selector: Option<Json>,
}

impl Io {
    pub(crate) fn paths(&self) -> impl Iterator<Item = &str> {
        [&self.input_path, &self.output_path, &self.result_path]
            .into_iter()
            .filter_map(|p| p.as_deref())
    }
}

/// Builder methods every state with these fields shares.
macro_rules! io_methods {
    ($($field:ident: $doc:literal),*) => {
        $(
            #[doc = $doc]
            pub fn $field(mut self, value: &str) -> Self {
                self.io.$field = Some(value.to_string());
                self
            }
        )*
    };
}

pub(crate) use io_methods;

/// `next` and `end` for states that continue.
macro_rules! flow_methods {
    () => {
        /// Continues with the state `next`.
        pub fn next(mut self, next: &str) -> Self {
            self.transition = Transition::Next(next.to_string());
            self
        }

        /// Ends the execution (or the branch) after this state.
        pub fn end(mut self) -> Self {
            self.transition = Transition::End;
            self
        }
    };
}

/// What a task runs.
#[derive(Clone, Debug)]
pub(crate) enum TaskResource {
    /// A Lambda function ARN as the resource; the output is the payload.
    Lambda(Value<String>),
    /// The `lambda:invoke` integration.
    LambdaInvoke(Value<String>),
    /// The `sns:publish` integration.
    SnsPublish(Value<String>, Option<CustomerKey>),
}

/// A `Task` state: invokes a Lambda function or publishes to an SNS topic.
///
/// ```
/// use strata::stepfunctions::{Catch, Retry, Task};
/// let classify = Task::lambda("arn:aws:lambda:us-east-1:123456789012:function:content-classifier")
///     .retry(Retry::on(["States.TaskFailed"]).max_attempts(2))
///     .catch(Catch::all("NotifyFailure"))
///     .next("ParallelProcessing");
/// # let _ = classify;
/// ```
#[derive(Clone, Debug)]
pub struct Task {
    pub(crate) resource: TaskResource,
    pub(crate) io: Io,
    pub(crate) transition: Transition,
    pub(crate) retries: Vec<Retry>,
    pub(crate) catches: Vec<Catch>,
    pub(crate) timeout_seconds: Option<u32>,
    pub(crate) heartbeat_seconds: Option<u32>,
}

impl Task {
    fn new(resource: TaskResource) -> Self {
        Task {
            resource,
            io: Io::default(),
            transition: Transition::Unset,
            retries: Vec::new(),
            catches: Vec::new(),
            timeout_seconds: None,
            heartbeat_seconds: None,
        }
    }

    /// Invokes a Lambda function named as the `Resource` (its ARN); the
    /// state's result is the function's payload.
    pub fn lambda(function_arn: impl Into<Value<String>>) -> Self {
        Task::new(TaskResource::Lambda(function_arn.into()))
    }

    /// Invokes a Lambda function through the `lambda:invoke` integration,
    /// passing the state input as the payload; retries Lambda's transient
    /// service errors as the CDK's `LambdaInvoke` does.
    pub fn lambda_invoke(function_arn: impl Into<Value<String>>) -> Self {
        Task::new(TaskResource::LambdaInvoke(function_arn.into()))
    }

    /// Publishes the state input to `topic` (`sns:publish`); the execution
    /// role may publish to it and use its key.
    pub fn sns_publish(topic: &Topic) -> Self {
        Task::new(TaskResource::SnsPublish(
            topic.topic_arn(),
            topic.encryption_key().cloned(),
        ))
    }

    /// Publishes the state input to a topic given by ARN.
    pub fn sns_publish_arn(topic_arn: impl Into<Value<String>>) -> Self {
        Task::new(TaskResource::SnsPublish(topic_arn.into(), None))
    }

    flow_methods!();
    io_methods!(
        comment: "A human-readable description.",
        input_path: "The part of the input the state sees, such as `$.detail`.",
        output_path: "The part of the output passed on, such as `$.Payload`.",
        result_path: "Where the result goes in the input, such as `$.classification`."
    );

    /// Parameters of the task; integration parameters (`FunctionName`,
    /// `TopicArn`) are kept and these added or overridden.
    pub fn parameters(mut self, parameters: Json) -> Self {
        self.io.parameters = Some(parameters);
        self
    }

    /// Reshapes the result before `ResultPath`.
    pub fn result_selector(mut self, selector: Json) -> Self {
        self.io.result_selector = Some(selector);
        self
    }

    /// Adds a retrier (tried in order).
    pub fn retry(mut self, retry: Retry) -> Self {
        self.retries.push(retry);
        self
    }

    /// Adds a catcher (tried in order after retries are exhausted).
    pub fn catch(mut self, catch: Catch) -> Self {
        self.catches.push(catch);
        self
    }

    /// Fails the task after this many seconds.
    pub fn timeout_seconds(mut self, seconds: u32) -> Self {
        self.timeout_seconds = Some(seconds);
        self
    }

    /// Fails the task when no heartbeat arrives for this many seconds.
    pub fn heartbeat_seconds(mut self, seconds: u32) -> Self {
        self.heartbeat_seconds = Some(seconds);
        self
    }

    fn render(&self, f: &mut Vec<(&'static str, Raw)>) {
        let integration = |action: &str| {
            Raw::from(Fn::sub(&format!(
                "arn:${{AWS::Partition}}:states:::{action}"
            )))
        };
        let (resource, mut params, mut retries) = match &self.resource {
            TaskResource::Lambda(arn) => (Raw::from(arn.clone()), Vec::new(), Vec::new()),
            TaskResource::LambdaInvoke(arn) => (
                integration("lambda:invoke"),
                vec![
                    ("FunctionName".to_string(), Raw::from(arn.clone())),
                    ("Payload.$".to_string(), Raw::from("$")),
                ],
                vec![Retry::on([
                    "Lambda.ClientExecutionTimeoutException",
                    "Lambda.ServiceException",
                    "Lambda.AWSLambdaException",
                    "Lambda.SdkClientException",
                ])
                .interval_seconds(2)
                .max_attempts(6)
                .backoff_rate(2.0)],
            ),
            TaskResource::SnsPublish(arn, _) => (
                integration("sns:publish"),
                vec![
                    ("TopicArn".to_string(), Raw::from(arn.clone())),
                    ("Message.$".to_string(), Raw::from("$")),
                ],
                Vec::new(),
            ),
        };
        if let Some(Json::Object(user)) = &self.io.parameters {
            for (k, v) in user {
                // A literal key replaces its path form and the other way round.
                let other = k
                    .strip_suffix(".$")
                    .map_or_else(|| format!("{k}.$"), str::to_string);
                params.retain(|(p, _)| p != k && *p != other);
                params.push((k.clone(), Raw::from(v.clone())));
            }
        }
        f.push(("Resource", resource));
        common_io(f, &self.io, true);
        if !params.is_empty() {
            f.push(("Parameters", Raw::Object(params)));
        }
        if let Some(s) = &self.io.result_selector {
            f.push(("ResultSelector", Raw::from(s.clone())));
        }
        if let Some(s) = self.timeout_seconds {
            f.push(("TimeoutSeconds", Raw::Int(i64::from(s))));
        }
        if let Some(s) = self.heartbeat_seconds {
            f.push(("HeartbeatSeconds", Raw::Int(i64::from(s))));
        }
        retries.extend(self.retries.iter().cloned());
        retry_catch(f, &retries, &self.catches);
        transition(f, &self.transition);
    }
}

/// A `Parallel` state: runs its branches at the same time.
#[derive(Clone, Debug)]
pub struct Parallel {
    pub(crate) branches: Vec<Definition>,
    pub(crate) io: Io,
    pub(crate) transition: Transition,
    pub(crate) retries: Vec<Retry>,
    pub(crate) catches: Vec<Catch>,
}

impl Parallel {
    /// A state with no branch yet.
    pub fn new() -> Self {
        Parallel {
            branches: Vec::new(),
            io: Io::default(),
            transition: Transition::Unset,
            retries: Vec::new(),
            catches: Vec::new(),
        }
    }

    /// Adds a branch.
    pub fn branch(mut self, branch: Definition) -> Self {
        self.branches.push(branch);
        self
    }

    flow_methods!();
    io_methods!(
        comment: "A human-readable description.",
        input_path: "The part of the input the branches see.",
        output_path: "The part of the output passed on.",
        result_path: "Where the branch results go in the input."
    );

    /// Adds a retrier.
    pub fn retry(mut self, retry: Retry) -> Self {
        self.retries.push(retry);
        self
    }

    /// Adds a catcher.
    pub fn catch(mut self, catch: Catch) -> Self {
        self.catches.push(catch);
        self
    }
}

impl Default for Parallel {
    fn default() -> Self {
        Self::new()
    }
}

/// A `Map` state: runs a definition for each item of an array.
#[derive(Clone, Debug)]
pub struct Map {
    pub(crate) processor: Definition,
    pub(crate) io: Io,
    pub(crate) transition: Transition,
    pub(crate) items_path: Option<String>,
    pub(crate) max_concurrency: Option<u32>,
    pub(crate) item_selector: Option<Json>,
    pub(crate) retries: Vec<Retry>,
    pub(crate) catches: Vec<Catch>,
}

impl Map {
    /// Runs `processor` for each item.
    pub fn new(processor: Definition) -> Self {
        Map {
            processor,
            io: Io::default(),
            transition: Transition::Unset,
            items_path: None,
            max_concurrency: None,
            item_selector: None,
            retries: Vec::new(),
            catches: Vec::new(),
        }
    }

    flow_methods!();
    io_methods!(
        comment: "A human-readable description.",
        input_path: "The part of the input the state sees.",
        output_path: "The part of the output passed on.",
        result_path: "Where the item results go in the input."
    );

    /// The array to iterate, such as `$.attachments`.
    pub fn items_path(mut self, path: &str) -> Self {
        self.items_path = Some(path.to_string());
        self
    }

    /// Items processed at once (0: as many as possible).
    pub fn max_concurrency(mut self, n: u32) -> Self {
        self.max_concurrency = Some(n);
        self
    }

    /// Builds each item's input.
    pub fn item_selector(mut self, selector: Json) -> Self {
        self.item_selector = Some(selector);
        self
    }

    /// Adds a retrier.
    pub fn retry(mut self, retry: Retry) -> Self {
        self.retries.push(retry);
        self
    }

    /// Adds a catcher.
    pub fn catch(mut self, catch: Catch) -> Self {
        self.catches.push(catch);
        self
    }
}

/// How long a `Wait` state waits.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum WaitFor {
    Seconds(u32),
    Timestamp(String),
    SecondsPath(String),
    TimestampPath(String),
}

/// A `Wait` state.
#[derive(Clone, Debug)]
pub struct Wait {
    pub(crate) wait: WaitFor,
    pub(crate) io: Io,
    pub(crate) transition: Transition,
}

impl Wait {
    fn new(wait: WaitFor) -> Self {
        Wait {
            wait,
            io: Io::default(),
            transition: Transition::Unset,
        }
    }

    /// Waits a number of seconds.
    pub fn seconds(seconds: u32) -> Self {
        Wait::new(WaitFor::Seconds(seconds))
    }

    /// Waits until an ISO 8601 timestamp such as `2026-01-01T00:00:00Z`.
    pub fn timestamp(timestamp: &str) -> Self {
        Wait::new(WaitFor::Timestamp(timestamp.to_string()))
    }

    /// Waits the number of seconds found at a path of the input.
    pub fn seconds_path(path: &str) -> Self {
        Wait::new(WaitFor::SecondsPath(path.to_string()))
    }

    /// Waits until the timestamp found at a path of the input.
    pub fn timestamp_path(path: &str) -> Self {
        Wait::new(WaitFor::TimestampPath(path.to_string()))
    }

    flow_methods!();
    io_methods!(
        comment: "A human-readable description.",
        input_path: "The part of the input the state sees.",
        output_path: "The part of the output passed on."
    );
}

/// A `Pass` state: passes its input on, or a fixed result.
#[derive(Clone, Debug, Default)]
pub struct Pass {
    pub(crate) io: Io,
    pub(crate) transition: Transition,
    pub(crate) result: Option<Json>,
}

impl Pass {
    /// A state passing its input on.
    pub fn new() -> Self {
        Self::default()
    }

    /// Outputs this fixed result.
    pub fn result(mut self, result: Json) -> Self {
        self.result = Some(result);
        self
    }

    /// Builds the output from the input.
    pub fn parameters(mut self, parameters: Json) -> Self {
        self.io.parameters = Some(parameters);
        self
    }

    flow_methods!();
    io_methods!(
        comment: "A human-readable description.",
        input_path: "The part of the input the state sees.",
        output_path: "The part of the output passed on.",
        result_path: "Where the result goes in the input."
    );
}

/// A `Succeed` state: ends the execution (or branch) successfully.
#[derive(Clone, Debug, Default)]
pub struct Succeed {
    pub(crate) io: Io,
}

impl Succeed {
    /// A succeed state.
    pub fn new() -> Self {
        Self::default()
    }

    io_methods!(comment: "A human-readable description.");
}

/// A `Fail` state: ends the execution with an error.
#[derive(Clone, Debug, Default)]
pub struct Fail {
    pub(crate) io: Io,
    pub(crate) error: Option<String>,
    pub(crate) cause: Option<String>,
}

impl Fail {
    /// A fail state.
    pub fn new() -> Self {
        Self::default()
    }

    /// The error name, such as `AnalysisFailed`.
    pub fn error(mut self, error: &str) -> Self {
        self.error = Some(error.to_string());
        self
    }

    /// A human-readable cause.
    pub fn cause(mut self, cause: &str) -> Self {
        self.cause = Some(cause.to_string());
        self
    }

    io_methods!(comment: "A human-readable description.");
}

/// One state of a [`Definition`].
#[derive(Clone, Debug)]
pub enum State {
    /// A `Task`.
    Task(Task),
    /// A `Parallel`.
    Parallel(Parallel),
    /// A `Choice`.
    Choice(super::choice::Choice),
    /// A `Map`.
    Map(Map),
    /// A `Wait`.
    Wait(Wait),
    /// A `Pass`.
    Pass(Pass),
    /// A `Succeed`.
    Succeed(Succeed),
    /// A `Fail`.
    Fail(Fail),
}

macro_rules! from_state {
    ($($t:ident => $v:ident),*) => {
        $(impl From<$t> for State {
            fn from(s: $t) -> State {
                State::$v(s)
            }
        })*
    };
}

from_state!(Task => Task, Parallel => Parallel, Map => Map, Wait => Wait, Pass => Pass, Succeed => Succeed, Fail => Fail);

impl From<super::choice::Choice> for State {
    fn from(s: super::choice::Choice) -> State {
        State::Choice(s)
    }
}

pub(crate) fn common_io(f: &mut Vec<(&'static str, Raw)>, io: &Io, result: bool) {
    if let Some(c) = &io.comment {
        f.push(("Comment", Raw::from(c.as_str())));
    }
    if let Some(p) = &io.input_path {
        f.push(("InputPath", Raw::from(p.as_str())));
    }
    if let Some(p) = &io.output_path {
        f.push(("OutputPath", Raw::from(p.as_str())));
    }
    if result {
        if let Some(p) = &io.result_path {
            f.push(("ResultPath", Raw::from(p.as_str())));
        }
    }
}

fn retry_catch(f: &mut Vec<(&'static str, Raw)>, retries: &[Retry], catches: &[Catch]) {
    if !retries.is_empty() {
        f.push((
            "Retry",
            Raw::List(retries.iter().map(Retry::render).collect()),
        ));
    }
    if !catches.is_empty() {
        f.push((
            "Catch",
            Raw::List(catches.iter().map(Catch::render).collect()),
        ));
    }
}

fn transition(f: &mut Vec<(&'static str, Raw)>, t: &Transition) {
    match t {
        Transition::Next(n) => f.push(("Next", Raw::from(n.as_str()))),
        Transition::End => f.push(("End", Raw::Bool(true))),
        Transition::Unset => {}
    }
}

impl State {
    /// The state's ASL object, with ARNs left as template references.
    pub(crate) fn render(&self) -> Raw {
        let (kind, mut f) = (self.type_name(), Vec::new());
        f.push(("Type", Raw::from(kind)));
        match self {
            State::Task(t) => t.render(&mut f),
            State::Parallel(p) => {
                common_io(&mut f, &p.io, true);
                f.push((
                    "Branches",
                    Raw::List(p.branches.iter().map(Definition::render_raw).collect()),
                ));
                retry_catch(&mut f, &p.retries, &p.catches);
                transition(&mut f, &p.transition);
            }
            State::Choice(c) => c.render(&mut f),
            State::Map(m) => {
                common_io(&mut f, &m.io, true);
                if let Some(p) = &m.items_path {
                    f.push(("ItemsPath", Raw::from(p.as_str())));
                }
                if let Some(s) = &m.item_selector {
                    f.push(("ItemSelector", Raw::from(s.clone())));
                }
                let mut processor = match m.processor.render_raw() {
                    Raw::Object(fields) => fields,
                    _ => Vec::new(),
                };
                processor.insert(
                    0,
                    (
                        "ProcessorConfig".to_string(),
                        Raw::from(json!({"Mode": "INLINE"})),
                    ),
                );
                f.push(("ItemProcessor", Raw::Object(processor)));
                if let Some(n) = m.max_concurrency {
                    f.push(("MaxConcurrency", Raw::Int(i64::from(n))));
                }
                retry_catch(&mut f, &m.retries, &m.catches);
                transition(&mut f, &m.transition);
            }
            State::Wait(w) => {
                common_io(&mut f, &w.io, false);
                f.push(match &w.wait {
                    WaitFor::Seconds(s) => ("Seconds", Raw::Int(i64::from(*s))),
                    WaitFor::Timestamp(t) => ("Timestamp", Raw::from(t.as_str())),
                    WaitFor::SecondsPath(p) => ("SecondsPath", Raw::from(p.as_str())),
                    WaitFor::TimestampPath(p) => ("TimestampPath", Raw::from(p.as_str())),
                });
                transition(&mut f, &w.transition);
            }
            State::Pass(p) => {
                common_io(&mut f, &p.io, true);
                if let Some(params) = &p.io.parameters {
                    f.push(("Parameters", Raw::from(params.clone())));
                }
                if let Some(r) = &p.result {
                    f.push(("Result", Raw::from(r.clone())));
                }
                transition(&mut f, &p.transition);
            }
            State::Succeed(s) => common_io(&mut f, &s.io, false),
            State::Fail(x) => {
                common_io(&mut f, &x.io, false);
                if let Some(e) = &x.error {
                    f.push(("Error", Raw::from(e.as_str())));
                }
                if let Some(c) = &x.cause {
                    f.push(("Cause", Raw::from(c.as_str())));
                }
            }
        }
        Raw::object(f)
    }

    /// The ASL `Type`.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            State::Task(_) => "Task",
            State::Parallel(_) => "Parallel",
            State::Choice(_) => "Choice",
            State::Map(_) => "Map",
            State::Wait(_) => "Wait",
            State::Pass(_) => "Pass",
            State::Succeed(_) => "Succeed",
            State::Fail(_) => "Fail",
        }
    }
}
