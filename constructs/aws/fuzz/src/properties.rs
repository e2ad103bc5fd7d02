//! Invariants of schema-constraint validation and property rendering, on
//! arbitrary JSON values set as properties of a few L1 resources. Shared
//! by the fuzz target and the stable proptest
//! `constructs/aws/tests/fuzz_invariants.rs`.

use std::collections::BTreeMap;

use strata::cfn::{events, kms, lambda, logs, sqs};
use strata::{App, Expr, Json, Raw, Resource, StackProps, Value};

/// How a property's JSON becomes a typed value.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// A string literal, or any other JSON as an expression.
    Str,
    /// An integer literal, or any other JSON as an expression; the range
    /// the schema allows, when there is one.
    Int(Option<(i64, i64)>),
    /// A boolean literal, or any other JSON as an expression.
    Bool,
    /// Free-form JSON, as given.
    Json,
    /// A list of strings.
    Strings,
    /// A list of `{"Key", "Value"}` tags.
    Tags,
}

fn expr<T>(j: &Json) -> Value<T> {
    Value::Expr(Expr::from_raw(Raw::from(j.clone())))
}

fn string(j: &Json) -> Value<String> {
    match j {
        Json::String(s) => Value::Lit(s.clone()),
        _ => expr(j),
    }
}

fn int(j: &Json) -> Value<i64> {
    j.as_i64().map_or_else(|| expr(j), Value::Lit)
}

fn boolean(j: &Json) -> Value<bool> {
    j.as_bool().map_or_else(|| expr(j), Value::Lit)
}

fn strings(j: &Json) -> Value<Vec<Value<String>>> {
    match j {
        Json::Array(items) => Value::Lit(items.iter().map(string).collect()),
        _ => expr(j),
    }
}

/// A tag list, when every item is exactly `{"Key", "Value"}`.
fn tags<T>(j: &Json, tag: impl Fn(Value<String>, Value<String>) -> T) -> Value<Vec<Value<T>>> {
    let Json::Array(items) = j else {
        return expr(j);
    };
    let mut out = Vec::new();
    for item in items {
        match item.as_object() {
            Some(o) if o.len() == 2 && o.contains_key("Key") && o.contains_key("Value") => {
                out.push(Value::Lit(tag(string(&o["Key"]), string(&o["Value"]))));
            }
            _ => return expr(j),
        }
    }
    Value::Lit(out)
}

type Apply<R> = fn(&mut R, usize, &Json);

const QUEUE: &[(&str, Kind)] = &[
    ("DelaySeconds", Kind::Int(Some((0, 900)))),
    ("MaximumMessageSize", Kind::Int(Some((1024, 1_048_576)))),
    ("MessageRetentionPeriod", Kind::Int(Some((60, 1_209_600)))),
    ("ReceiveMessageWaitTimeSeconds", Kind::Int(Some((0, 20)))),
    ("VisibilityTimeout", Kind::Int(Some((0, 43_200)))),
    (
        "KmsDataKeyReusePeriodSeconds",
        Kind::Int(Some((60, 86_400))),
    ),
    ("QueueName", Kind::Str),
    ("FifoQueue", Kind::Bool),
    ("RedrivePolicy", Kind::Json),
    ("Tags", Kind::Tags),
];

fn queue(q: &mut sqs::Queue, field: usize, j: &Json) {
    match field {
        0 => q.delay_seconds = Some(int(j)),
        1 => q.maximum_message_size = Some(int(j)),
        2 => q.message_retention_period = Some(int(j)),
        3 => q.receive_message_wait_time_seconds = Some(int(j)),
        4 => q.visibility_timeout = Some(int(j)),
        5 => q.kms_data_key_reuse_period_seconds = Some(int(j)),
        6 => q.queue_name = Some(string(j)),
        7 => q.fifo_queue = Some(boolean(j)),
        8 => q.redrive_policy = Some(Value::Lit(j.clone())),
        _ => q.tags = Some(tags(j, sqs::queue::Tag::new)),
    }
}

const LOG_GROUP: &[(&str, Kind)] = &[
    ("RetentionInDays", Kind::Int(None)),
    ("LogGroupName", Kind::Str),
    ("LogGroupClass", Kind::Str),
    ("KmsKeyId", Kind::Str),
    ("DataProtectionPolicy", Kind::Json),
    ("Tags", Kind::Tags),
];

fn log_group(g: &mut logs::LogGroup, field: usize, j: &Json) {
    match field {
        0 => g.retention_in_days = Some(int(j)),
        1 => g.log_group_name = Some(string(j)),
        2 => g.log_group_class = Some(string(j)),
        3 => g.kms_key_id = Some(string(j)),
        4 => g.data_protection_policy = Some(Value::Lit(j.clone())),
        _ => g.tags = Some(tags(j, logs::log_group::Tag::new)),
    }
}

const FUNCTION: &[(&str, Kind)] = &[
    ("MemorySize", Kind::Int(Some((128, 32_768)))),
    ("Timeout", Kind::Int(Some((1, 5_400)))),
    ("Runtime", Kind::Str),
    ("Handler", Kind::Str),
    ("FunctionName", Kind::Str),
    ("Description", Kind::Str),
    ("Role", Kind::Str),
    ("Architectures", Kind::Strings),
    ("Layers", Kind::Strings),
    ("Tags", Kind::Tags),
];

fn function(f: &mut lambda::Function, field: usize, j: &Json) {
    match field {
        0 => f.memory_size = Some(int(j)),
        1 => f.timeout = Some(int(j)),
        2 => f.runtime = Some(string(j)),
        3 => f.handler = Some(string(j)),
        4 => f.function_name = Some(string(j)),
        5 => f.description = Some(string(j)),
        6 => f.role = string(j),
        7 => f.architectures = Some(strings(j)),
        8 => f.layers = Some(strings(j)),
        _ => {
            f.tags = Some(tags(j, |key, value| lambda::function::Tag {
                value: Some(value),
                ..lambda::function::Tag::new(key)
            }))
        }
    }
}

const ALIAS: &[(&str, Kind)] = &[("AliasName", Kind::Str), ("TargetKeyId", Kind::Str)];

fn alias(a: &mut kms::Alias, field: usize, j: &Json) {
    match field {
        0 => a.alias_name = string(j),
        _ => a.target_key_id = string(j),
    }
}

const RULE: &[(&str, Kind)] = &[
    ("Name", Kind::Str),
    ("ScheduleExpression", Kind::Str),
    ("State", Kind::Str),
    ("EventPattern", Kind::Json),
    ("Description", Kind::Str),
    ("EventBusName", Kind::Str),
];

fn rule(r: &mut events::Rule, field: usize, j: &Json) {
    match field {
        0 => r.name = Some(string(j)),
        1 => r.schedule_expression = Some(string(j)),
        2 => r.state = Some(string(j)),
        3 => r.event_pattern = Some(Value::Lit(j.clone())),
        4 => r.description = Some(string(j)),
        _ => r.event_bus_name = Some(string(j)),
    }
}

/// Sets the properties (field index modulo the type's field count, the
/// last value of a field winning) on a resource of one of five types
/// (modulo 5: an SQS queue, a log group, a Lambda function, a KMS alias,
/// an EventBridge rule), synthesizes it twice and checks: synth never
/// panics and is deterministic; each literal integer outside the range
/// the schema allows fails synth naming the property; on success every
/// property is written exactly as given; on failure every issue is at the
/// resource's path and says what is wrong.
pub fn check_properties(resource: u8, sets: &[(u8, Json)]) {
    match resource % 5 {
        0 => run(sqs::Queue::new(), QUEUE, queue, sets),
        1 => run(logs::LogGroup::new(), LOG_GROUP, log_group, sets),
        2 => {
            let code = lambda::function::Code {
                zip_file: Some("exports.handler = async () => {};".into()),
                ..Default::default()
            };
            let f = lambda::Function {
                runtime: Some("nodejs22.x".into()),
                handler: Some("index.handler".into()),
                ..lambda::Function::new(code, "arn:aws:iam::123456789012:role/fuzz")
            };
            run(f, FUNCTION, function, sets);
        }
        3 => run(kms::Alias::new("alias/fuzz", "key-id"), ALIAS, alias, sets),
        _ => run(events::Rule::new(), RULE, rule, sets),
    }
}

fn synth<R: Resource>(resource: R) -> Result<Json, strata::SynthError> {
    let app = App::new();
    let stack = app.stack("Props", StackProps::default());
    stack.resource("Thing", resource);
    app.synth()
        .map(|a| a.stacks[0].template["Resources"]["Thing"]["Properties"].clone())
}

fn run<R: Resource>(mut r: R, fields: &[(&str, Kind)], apply: Apply<R>, sets: &[(u8, Json)]) {
    let mut values: BTreeMap<usize, &Json> = BTreeMap::new();
    for (field, j) in sets {
        values.insert(usize::from(*field) % fields.len(), j);
    }
    for (&field, j) in &values {
        apply(&mut r, field, j);
    }
    let first = synth(r.clone());
    let second = synth(r);
    assert_eq!(
        format!("{first:?}"),
        format!("{second:?}"),
        "synth is deterministic"
    );
    let out_of_range: Vec<&str> = values
        .iter()
        .filter_map(|(&field, j)| match (fields[field].1, j.as_i64()) {
            (Kind::Int(Some((lo, hi))), Some(n)) if n < lo || n > hi => Some(fields[field].0),
            _ => None,
        })
        .collect();
    match first {
        Ok(props) => {
            assert!(
                out_of_range.is_empty(),
                "{out_of_range:?} out of range passed synth"
            );
            for (&field, j) in &values {
                let name = fields[field].0;
                assert_eq!(&props[name], *j, "{name} is written as given");
            }
        }
        Err(e) => {
            for name in out_of_range {
                assert!(
                    e.issues.iter().any(|i| i.property == name),
                    "{name} out of range is not reported: {e}"
                );
            }
            for issue in &e.issues {
                assert_eq!(issue.path, "Props/Thing", "{issue}");
                assert!(!issue.message.is_empty(), "{issue:?}");
            }
        }
    }
}
