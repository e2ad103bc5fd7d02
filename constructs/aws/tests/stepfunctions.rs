//! Step Functions: seed 000's multimodal analysis workflow, definition
//! rendering (plain JSON or `Fn::Sub`), the least-privilege execution
//! role, logging and tracing, and definition errors with the path.

use serde_json::{json, Value as Json};
use strata::iam::{Principal, Role, RoleProps};
use strata::logs::{LogGroup, LogGroupProps, Retention};
use strata::prelude::*;
use strata::sns::{Topic, TopicProps};
use strata::stepfunctions::{
    Catch, Choice, Condition, Definition, Fail, LogLevel, LogOptions, Map, Parallel, Pass, Retry,
    StateMachine, StateMachineProps, StateMachineType, Succeed, Task, Wait,
};

fn template(app: &App) -> Json {
    app.synth().expect("the app synthesizes").stacks[0]
        .template
        .json()
        .clone()
}

fn resource<'a>(t: &'a Json, path: &[&str]) -> &'a Json {
    let id = strata::logical_id(path);
    let r = &t["Resources"][id.as_str()];
    assert!(r.is_object(), "no resource {id} at {path:?}");
    r
}

fn arn(path: &[&str]) -> Json {
    json!({"Fn::GetAtt": [strata::logical_id(path), "Arn"]})
}

fn reference(path: &[&str]) -> Json {
    json!({"Ref": strata::logical_id(path)})
}

fn function(name: &str) -> Value<String> {
    Fn::sub(&format!(
        "arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{name}"
    ))
}

fn function_text(name: &str) -> String {
    format!("arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{name}")
}

fn synth_error_for(definition: Definition) -> String {
    let app = App::new();
    let stack = app.stack("Workflows", StackProps::default());
    StateMachine::new(&stack, "Machine", StateMachineProps::new(definition));
    app.synth().expect_err("synth must fail").to_string()
}

/// Seed 000's multimodal analysis workflow: classify, analyze in three
/// parallel branches, aggregate, notify; EXPRESS, logged in full.
#[test]
fn seed_000_multimodal_analysis_workflow() {
    let app = App::new();
    let stack = app.stack("Workflows", StackProps::default());
    let complete = Topic::new(
        &stack,
        "ProcessingComplete",
        TopicProps {
            topic_name: Some("processing-complete".into()),
            ..Default::default()
        },
    );
    let logs = LogGroup::new(
        &stack,
        "AnalysisLogs",
        LogGroupProps {
            log_group_name: Some("/aws/stepfunctions/multimodal-analysis".into()),
            retention: Retention::Days(7),
            ..Default::default()
        },
    );
    let branch =
        |name: &str, f: &str| Definition::new(name).state(name, Task::lambda(function(f)).end());
    let definition = Definition::new("ContentClassification")
        .state(
            "ContentClassification",
            Task::lambda(function("content-classifier")).next("ParallelProcessing"),
        )
        .state(
            "ParallelProcessing",
            Parallel::new()
                .branch(branch("ImageAnalysis", "image-analyzer"))
                .branch(branch("TextExtraction", "text-extractor"))
                .branch(branch("MetadataEnrichment", "metadata-enricher"))
                .next("ResultsAggregation"),
        )
        .state(
            "ResultsAggregation",
            Task::lambda(function("results-aggregator")).next("NotificationDelivery"),
        )
        .state("NotificationDelivery", Task::sns_publish(&complete).end());
    StateMachine::new(
        &stack,
        "MultimodalAnalysis",
        StateMachineProps {
            state_machine_name: Some("multimodal-analysis-sm".into()),
            state_machine_type: StateMachineType::Express,
            logs: Some(LogOptions {
                destination: logs,
                level: LogLevel::All,
                include_execution_data: true,
            }),
            ..StateMachineProps::new(definition)
        },
    );
    let t = template(&app);
    let machine = resource(&t, &["MultimodalAnalysis", "Resource"]);
    let props = &machine["Properties"];
    assert_eq!(props["StateMachineName"], "multimodal-analysis-sm");
    assert_eq!(props["StateMachineType"], "EXPRESS");
    assert_eq!(
        props["RoleArn"],
        arn(&["MultimodalAnalysis", "Role", "Resource"])
    );
    assert_eq!(
        props["LoggingConfiguration"],
        json!({
            "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": arn(&["AnalysisLogs", "Resource"])}}],
            "IncludeExecutionData": true,
            "Level": "ALL"
        })
    );
    assert_eq!(
        machine["DependsOn"],
        json!([strata::logical_id(&[
            "MultimodalAnalysis",
            "Role",
            "DefaultPolicy",
            "Resource"
        ])])
    );
    // The definition: pseudo parameters inline, the topic through a variable.
    let sub = &props["DefinitionString"]["Fn::Sub"];
    assert_eq!(
        sub[1],
        json!({"Ref0": reference(&["ProcessingComplete", "Resource"])})
    );
    let asl: Json = serde_json::from_str(sub[0].as_str().expect("a template")).expect("JSON");
    let task =
        |f: &str, next: &str| json!({"Type": "Task", "Resource": function_text(f), "Next": next});
    let end = |f: &str| json!({"Type": "Task", "Resource": function_text(f), "End": true});
    assert_eq!(
        asl,
        json!({
            "StartAt": "ContentClassification",
            "States": {
                "ContentClassification": task("content-classifier", "ParallelProcessing"),
                "ParallelProcessing": {
                    "Type": "Parallel",
                    "Branches": [
                        {"StartAt": "ImageAnalysis", "States": {"ImageAnalysis": end("image-analyzer")}},
                        {"StartAt": "TextExtraction", "States": {"TextExtraction": end("text-extractor")}},
                        {"StartAt": "MetadataEnrichment", "States": {"MetadataEnrichment": end("metadata-enricher")}}
                    ],
                    "Next": "ResultsAggregation"
                },
                "ResultsAggregation": task("results-aggregator", "NotificationDelivery"),
                "NotificationDelivery": {
                    "Type": "Task",
                    "Resource": "arn:${AWS::Partition}:states:::sns:publish",
                    "Parameters": {"TopicArn": "${Ref0}", "Message.$": "$"},
                    "End": true
                }
            }
        })
    );
    // The role may invoke exactly the five functions and publish to the topic.
    let lambda_arn = |f: &str| json!({"Fn::Sub": function_text(f)});
    assert_eq!(
        resource(&t, &["MultimodalAnalysis", "Role", "Resource"])["Properties"]
            ["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
        json!({"Service": "states.amazonaws.com"})
    );
    assert_eq!(
        resource(
            &t,
            &["MultimodalAnalysis", "Role", "DefaultPolicy", "Resource"]
        )["Properties"]["PolicyDocument"]["Statement"],
        json!([
            {
                "Action": "lambda:InvokeFunction",
                "Effect": "Allow",
                "Resource": [
                    lambda_arn("content-classifier"),
                    lambda_arn("image-analyzer"),
                    lambda_arn("text-extractor"),
                    lambda_arn("metadata-enricher"),
                    lambda_arn("results-aggregator")
                ]
            },
            {"Action": "sns:Publish", "Effect": "Allow", "Resource": reference(&["ProcessingComplete", "Resource"])},
            {
                "Action": [
                    "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
                    "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
                    "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"
                ],
                "Effect": "Allow",
                "Resource": "*"
            }
        ])
    );
    assert_eq!(
        resource(&t, &["AnalysisLogs", "Resource"])["Properties"]["RetentionInDays"],
        7
    );
}

#[test]
fn a_definition_of_literals_is_a_plain_json_string() {
    let app = App::new();
    let stack = app.stack("Workflows", StackProps::default());
    let definition = Definition::new("Wait")
        .comment("Waits then greets")
        .timeout_seconds(60)
        .state("Wait", Wait::seconds(10).next("Greet"))
        .state(
            "Greet",
            Pass::new()
                .result(json!({"greeting": "hello ${name}"}))
                .result_path("$.out")
                .end(),
        );
    let machine = StateMachine::new(&stack, "Plain", StateMachineProps::new(definition));
    stack.output("Arn", Output::new(machine.state_machine_arn()));
    let t = template(&app);
    let text = resource(&t, &["Plain", "Resource"])["Properties"]["DefinitionString"]
        .as_str()
        .expect("a plain string")
        .to_string();
    assert_eq!(
        text,
        r#"{"Comment":"Waits then greets","StartAt":"Wait","States":{"Wait":{"Type":"Wait","Seconds":10,"Next":"Greet"},"Greet":{"Type":"Pass","ResultPath":"$.out","Result":{"greeting":"hello ${name}"},"End":true}},"TimeoutSeconds":60}"#
    );
    assert_eq!(
        t["Outputs"]["Arn"]["Value"],
        reference(&["Plain", "Resource"])
    );
}

#[test]
fn literal_dollar_braces_are_escaped_when_the_definition_is_an_fn_sub() {
    let app = App::new();
    let stack = app.stack("Workflows", StackProps::default());
    let definition = Definition::new("Greet")
        .state(
            "Greet",
            Pass::new()
                .result(json!({"${key}": "${value}"}))
                .next("Invoke"),
        )
        .state(
            "Invoke",
            Task::lambda_invoke(function("greeter"))
                .parameters(json!({"Payload": {"fixed": true}}))
                .result_selector(json!({"body.$": "$.Payload"}))
                .end(),
        );
    StateMachine::new(&stack, "Escaped", StateMachineProps::new(definition));
    let t = template(&app);
    let text = resource(&t, &["Escaped", "Resource"])["Properties"]["DefinitionString"]["Fn::Sub"]
        .as_str()
        .expect("an Fn::Sub without variables")
        .to_string();
    let asl: Json = serde_json::from_str(&text).expect("JSON");
    assert_eq!(
        asl["States"]["Greet"]["Result"],
        json!({"${!key}": "${!value}"})
    );
    assert_eq!(
        asl["States"]["Invoke"],
        json!({
            "Type": "Task",
            "Resource": "arn:${AWS::Partition}:states:::lambda:invoke",
            "Parameters": {"FunctionName": function_text("greeter"), "Payload": {"fixed": true}},
            "ResultSelector": {"body.$": "$.Payload"},
            "Retry": [{
                "ErrorEquals": [
                    "Lambda.ClientExecutionTimeoutException", "Lambda.ServiceException",
                    "Lambda.AWSLambdaException", "Lambda.SdkClientException"
                ],
                "IntervalSeconds": 2, "MaxAttempts": 6, "BackoffRate": 2
            }],
            "End": true
        })
    );
}

#[test]
fn choices_maps_retries_catches_and_tracing() {
    let app = App::new();
    let stack = app.stack("Workflows", StackProps::default());
    let definition = Definition::new("Route")
        .state(
            "Route",
            Choice::new()
                .when(
                    Condition::or([
                        Condition::string_equals("$.kind", "image"),
                        !Condition::is_present("$.text"),
                    ]),
                    "PerItem",
                )
                .when(
                    Condition::numeric_greater_than_equals("$.size", 10.5),
                    "Failed",
                )
                .otherwise("Done"),
        )
        .state(
            "PerItem",
            Map::new(
                Definition::new("Describe").state(
                    "Describe",
                    Task::lambda(function("describer"))
                        .retry(
                            Retry::on(["States.Timeout"])
                                .interval_seconds(1)
                                .max_attempts(2),
                        )
                        .retry(
                            Retry::all()
                                .backoff_rate(1.5)
                                .max_delay_seconds(30)
                                .full_jitter(),
                        )
                        .timeout_seconds(30)
                        .heartbeat_seconds(10)
                        .end(),
                ),
            )
            .items_path("$.items")
            .item_selector(json!({"item.$": "$$.Map.Item.Value"}))
            .max_concurrency(2)
            .catch(Catch::on(["States.TaskFailed"], "Failed").result_path("$.error"))
            .next("Done"),
        )
        .state(
            "Failed",
            Fail::new().error("AnalysisFailed").cause("an item failed"),
        )
        .state("Done", Succeed::new().comment("all items described"));
    let machine = StateMachine::new(
        &stack,
        "Traced",
        StateMachineProps {
            tracing: true,
            ..StateMachineProps::new(definition)
        },
    );
    let starter = Role::new(
        &stack,
        "Starter",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    );
    machine.grant_start_execution(&starter);
    let t = template(&app);
    let props = &resource(&t, &["Traced", "Resource"])["Properties"];
    assert_eq!(props["TracingConfiguration"], json!({"Enabled": true}));
    assert_eq!(props["StateMachineType"], "STANDARD");
    let asl: Json = serde_json::from_str(
        props["DefinitionString"]["Fn::Sub"]
            .as_str()
            .expect("a template"),
    )
    .expect("JSON");
    assert_eq!(
        asl["States"]["Route"],
        json!({
            "Type": "Choice",
            "Choices": [
                {"Or": [
                    {"Variable": "$.kind", "StringEquals": "image"},
                    {"Not": {"Variable": "$.text", "IsPresent": true}}
                ], "Next": "PerItem"},
                {"Variable": "$.size", "NumericGreaterThanEquals": 10.5, "Next": "Failed"}
            ],
            "Default": "Done"
        })
    );
    assert_eq!(
        asl["States"]["PerItem"],
        json!({
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemSelector": {"item.$": "$$.Map.Item.Value"},
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "Describe",
                "States": {"Describe": {
                    "Type": "Task",
                    "Resource": function_text("describer"),
                    "TimeoutSeconds": 30,
                    "HeartbeatSeconds": 10,
                    "Retry": [
                        {"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 1, "MaxAttempts": 2},
                        {"ErrorEquals": ["States.ALL"], "BackoffRate": 1.5, "MaxDelaySeconds": 30, "JitterStrategy": "FULL"}
                    ],
                    "End": true
                }}
            },
            "MaxConcurrency": 2,
            "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.error", "Next": "Failed"}],
            "Next": "Done"
        })
    );
    assert_eq!(
        asl["States"]["Failed"],
        json!({"Type": "Fail", "Error": "AnalysisFailed", "Cause": "an item failed"})
    );
    let role_statements = &resource(&t, &["Traced", "Role", "DefaultPolicy", "Resource"])
        ["Properties"]["PolicyDocument"]["Statement"];
    assert_eq!(
        role_statements[1],
        json!({
            "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"],
            "Effect": "Allow",
            "Resource": "*"
        })
    );
    assert_eq!(
        resource(&t, &["Starter", "DefaultPolicy", "Resource"])["Properties"]["PolicyDocument"]
            ["Statement"],
        json!([{"Action": "states:StartExecution", "Effect": "Allow", "Resource": reference(&["Traced", "Resource"])}])
    );
}

#[test]
fn a_reference_to_an_undefined_state_is_a_synth_error() {
    let err = synth_error_for(
        Definition::new("Classify")
            .state(
                "Classify",
                Task::lambda(function("classifier")).next("Analyse"),
            )
            .state("Analyze", Succeed::new()),
    );
    assert!(
        err.contains("Workflows/Machine: [sfn-definition] state \"Classify\" goes to \"Analyse\", which is not defined; define it or fix the transition"),
        "{err}"
    );
    assert!(
        err.contains("Workflows/Machine: [sfn-definition] state \"Analyze\" is not reachable from StartAt \"Classify\"; link it with next(..) or remove it"),
        "{err}"
    );
}

#[test]
fn unterminated_unreachable_and_duplicate_states_are_synth_errors() {
    let err = synth_error_for(
        Definition::new("Start")
            .state("Start", Pass::new())
            .state(
                "Fanout",
                Parallel::new()
                    .branch(Definition::new("Start").state("Start", Succeed::new()))
                    .branch(Definition::new("Missing"))
                    .end(),
            )
            .state("Route", Choice::new()),
    );
    for expected in [
        "[sfn-definition] state \"Start\": a Pass state needs Next or End; call next(..) or end()",
        "[sfn-definition] state \"Fanout\" is not reachable from StartAt \"Start\"",
        "[sfn-definition] state name \"Start\" is used twice; names are unique in the whole state machine",
        "[sfn-definition] the definition of branch 2 of \"Fanout\" has no states",
        "[sfn-definition] state \"Route\": a Choice state needs at least one rule; add when(..)",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in {err}");
    }
}

#[test]
fn misplaced_catch_all_bad_paths_and_timeouts_are_synth_errors() {
    let err = synth_error_for(
        Definition::new("Missing")
            .state(
                "Work",
                Task::lambda(function("worker"))
                    .retry(Retry::all())
                    .retry(Retry::on(["States.Timeout"]).backoff_rate(0.5))
                    .catch(Catch::all("Done").result_path("error"))
                    .catch(Catch::on(["States.TaskFailed", "States.ALL"], "Done"))
                    .input_path("detail")
                    .timeout_seconds(10)
                    .heartbeat_seconds(10)
                    .next("Done"),
            )
            .state("Done", Wait::timestamp("tomorrow").end()),
    );
    for expected in [
        "[sfn-definition] StartAt names \"Missing\", which is not defined; add that state or start at another",
        "[sfn-definition] state \"Work\": the States.ALL retrier must be the last one",
        "[sfn-definition] state \"Work\": BackoffRate must be at least 1.0",
        "[sfn-definition] state \"Work\": \"error\" is not a path; paths start with '$'",
        "[sfn-definition] state \"Work\": the States.ALL catcher must be the last one",
        "[sfn-definition] state \"Work\": States.ALL must appear alone in ErrorEquals",
        "[sfn-definition] state \"Work\": \"detail\" is not a path; paths start with '$'",
        "[sfn-definition] state \"Work\": HeartbeatSeconds (10) must be below TimeoutSeconds (10)",
        "[sfn-definition] state \"Done\": \"tomorrow\" is not an ISO 8601 timestamp",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in {err}");
    }
}
