//! Settings Lambda would reject fail synth with the construct path and a
//! message that says what to change.

use std::time::Duration;

use strata::lambda::*;
use strata::prelude::*;

use super::{inline, python, synth_error};

/// Synthesizes one function made from `props` and returns the error.
fn function_error(props: FunctionProps) -> String {
    let app = App::new();
    let stack = app.stack("Tools", StackProps::default());
    Function::new(&stack, "Tool", props);
    synth_error(&app)
}

#[test]
fn a_timeout_over_fifteen_minutes_is_refused() {
    let err = function_error(FunctionProps {
        timeout: Duration::from_secs(901),
        ..python("index.handler", inline())
    });
    assert!(
        err.contains("Tools/Tool: [lambda-timeout] a timeout of 901s is out of range; Lambda runs a function for whole seconds from 1 second to 900 seconds (15 minutes)"),
        "{err}"
    );
}

#[test]
fn memory_outside_128_to_10240_is_refused() {
    for mb in [64, 10241] {
        let err = function_error(FunctionProps {
            memory_size: mb,
            ..python("index.handler", inline())
        });
        assert!(
            err.contains(&format!("Tools/Tool: [lambda-memory] memory_size {mb} MB is out of range; Lambda takes 128 to 10240 MB")),
            "{err}"
        );
    }
}

#[test]
fn inline_code_must_fit_and_suit_the_runtime() {
    let long = format!("def handler(e, c):\n    return {:?}\n", "x".repeat(4100));
    let err = function_error(python("index.handler", Code::inline(&long)));
    assert!(
        err.contains("Tools/Tool: [lambda-code] inline code is"),
        "{err}"
    );
    assert!(err.contains("CloudFormation takes at most 4096"), "{err}");
    let err = function_error(FunctionProps::new(
        Runtime::JAVA_21,
        "App::handle",
        inline(),
    ));
    assert!(
        err.contains("Tools/Tool: [lambda-code] inline code needs a Python or Node.js runtime, not \"java21\""),
        "{err}"
    );
}

#[test]
fn unknown_and_deprecated_runtimes_are_refused() {
    let err = function_error(FunctionProps::new(
        Runtime::named("python4.0"),
        "index.handler",
        inline(),
    ));
    assert!(
        err.contains(
            "Tools/Tool: [lambda-runtime] \"python4.0\" is not a Lambda runtime; use one of"
        ),
        "{err}"
    );
    let err = function_error(FunctionProps::new(
        Runtime::named("python3.8"),
        "index.handler",
        inline(),
    ));
    assert!(
        err.contains("Tools/Tool: [lambda-runtime] the runtime \"python3.8\" is deprecated and Lambda no longer creates functions with it; use \"python3.13\""),
        "{err}"
    );
}

#[test]
fn provisioned_concurrency_cannot_exceed_reserved() {
    let app = App::new();
    let stack = app.stack("Tools", StackProps::default());
    let f = Function::new(
        &stack,
        "Tool",
        FunctionProps {
            reserved_concurrency: Some(5),
            ..python("index.handler", inline())
        },
    );
    f.add_alias(
        "live",
        AliasOptions {
            provisioned_concurrency: Some(10),
            ..Default::default()
        },
    );
    let err = synth_error(&app);
    assert!(
        err.contains("Tools/Tool/Aliaslive: [lambda-provisioned-concurrency] provisioned concurrency 10 exceeds the function's reserved concurrency 5"),
        "{err}"
    );
}

#[test]
fn settings_lambda_would_reject() {
    let err = function_error(FunctionProps {
        environment: [("AWS_REGION".to_string(), Value::from("us-east-1"))]
            .into_iter()
            .collect(),
        layers: vec!["arn:aws:lambda:us-east-1:123456789012:layer:tools".into()],
        async_invoke: Some(AsyncInvoke {
            retry_attempts: Some(3),
            on_failure: Some(Destination::Topic(
                "arn:aws:sqs:us-east-1:123456789012:failures".into(),
            )),
            ..Default::default()
        }),
        vpc: Some(FunctionVpc::new(vec!["subnet-1".into()], vec![])),
        function_name: Some("agent tool".into()),
        ..python("index.handler", inline())
    });
    for expected in [
        "[lambda-environment] AWS_REGION is reserved by Lambda and cannot be set",
        "[lambda-layers] \"arn:aws:lambda:us-east-1:123456789012:layer:tools\" is not a layer version ARN",
        "[lambda-async-invoke] retry_attempts must be 0, 1 or 2",
        "[lambda-async-invoke] \"arn:aws:sqs:us-east-1:123456789012:failures\" is not an sns topic ARN",
        "[lambda-vpc] 0 security groups; a function in a VPC needs 1 to 5",
        "[lambda-function-name] function name \"agent tool\" is invalid",
    ] {
        assert!(err.contains(&format!("Tools/Tool: {expected}")), "{expected}\n{err}");
    }
}

#[test]
fn event_source_settings_lambda_would_reject() {
    let app = App::new();
    let stack = app.stack("Events", StackProps::default());
    let f = Function::new(&stack, "Processor", python("index.handler", inline()));
    f.add_event_source(
        "Queue",
        SqsEventSource {
            batch_size: Some(100),
            ..SqsEventSource::new("arn:aws:sqs:us-east-1:123456789012:jobs")
        },
    );
    f.add_event_source(
        "Table",
        StreamEventSource {
            parallelization_factor: Some(11),
            on_failure: Some(Destination::Function(
                "arn:aws:lambda:us-east-1:123456789012:function:f".into(),
            )),
            ..StreamEventSource::dynamodb(
                "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/label",
                StartingPosition::AtTimestamp(0.0),
            )
        },
    );
    let err = synth_error(&app);
    for expected in [
        "Events/Processor/Queue: [lambda-event-source] an SQS batch size above 10 needs max_batching_window of at least 1 second",
        "Events/Processor/Table: [lambda-event-source] DynamoDB streams start at Latest or TrimHorizon; AtTimestamp is for Kinesis",
        "Events/Processor/Table: [lambda-event-source] parallelization_factor must be 1 to 10",
        "Events/Processor/Table: [lambda-event-source] a stream's on-failure destination must be an SQS queue or an SNS topic",
    ] {
        assert!(err.contains(expected), "{expected}\n{err}");
    }
}
