//! Lambda functions: rendered properties, roles and policies at the CDK's
//! paths, log groups, aliases, event sources, grants and synth errors.

use std::time::Duration;

use serde_json::{json, Value as Json};
use strata::ec2::{AgentVpc, AgentVpcProps, Peer, Port, SecurityGroup, SecurityGroupProps};
use strata::iam::{ManagedPolicy, Principal, Role, RoleProps};
use strata::lambda::*;
use strata::logs::Retention;
use strata::prelude::*;

fn template(app: &App) -> Json {
    app.synth().expect("the app synthesizes").stacks[0]
        .template
        .json()
        .clone()
}

fn synth_error(app: &App) -> String {
    app.synth().expect_err("synth must fail").to_string()
}

fn id(path: &[&str]) -> String {
    strata::logical_id(path)
}

fn inline() -> Code {
    Code::inline("def handler(event, context):\n    return event\n")
}

#[path = "lambda/errors.rs"]
mod errors;

fn python(handler: &str, code: Code) -> FunctionProps {
    FunctionProps::new(Runtime::PYTHON_3_11, handler, code)
}

/// The statements of a role's default policy.
fn statements(t: &Json, policy_path: &[&str]) -> Json {
    t["Resources"][id(policy_path).as_str()]["Properties"]["PolicyDocument"]["Statement"].clone()
}

#[test]
fn seed_000_event_processor_in_the_vpc_with_a_dead_letter_queue() {
    let app = App::new();
    let stack = app.stack("BirdStack", StackProps::default());
    let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::spaced_three_tier());
    let sg = SecurityGroup::new(
        &stack,
        "LambdaSg",
        SecurityGroupProps {
            vpc_id: vpc.vpc_id(),
            description: Some("Lambda".into()),
            allow_all_outbound: Some(false),
            ..Default::default()
        },
    );
    sg.allow_to(Peer::any_ipv4(), Port::tcp(443), "AWS APIs");
    Function::new(
        &stack,
        "EventProcessor",
        FunctionProps {
            function_name: Some("event-processor".into()),
            memory_size: 1024,
            timeout: Duration::from_secs(15 * 60),
            reserved_concurrency: Some(100),
            environment: [
                ("DYNAMODB_TABLE".to_string(), Value::from("agent-events")),
                (
                    "SNS_TOPIC".to_string(),
                    Fn::sub(
                        "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:notifications",
                    ),
                ),
            ]
            .into_iter()
            .collect(),
            vpc: Some(FunctionVpc::new(
                vpc.subnet_ids("private-app").expect("tier"),
                vec![sg.group_id()],
            )),
            dead_letter_queue_arn: Some(
                "arn:aws:sqs:us-east-1:123456789012:event-processor-dlq".into(),
            ),
            log_retention: Retention::Days(14),
            ..python(
                "index.handler",
                Code::from_bucket("artifacts", "event-processor.zip"),
            )
        },
    );
    let t = template(&app);
    let function = &t["Resources"][id(&["EventProcessor", "Resource"]).as_str()];
    assert_eq!(
        function["Properties"],
        json!({
            "Architectures": ["x86_64"],
            "Code": {"S3Bucket": "artifacts", "S3Key": "event-processor.zip"},
            "DeadLetterConfig": {"TargetArn": "arn:aws:sqs:us-east-1:123456789012:event-processor-dlq"},
            "Environment": {"Variables": {
                "DYNAMODB_TABLE": "agent-events",
                "SNS_TOPIC": {"Fn::Sub": "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:notifications"}
            }},
            "FunctionName": "event-processor",
            "Handler": "index.handler",
            "MemorySize": 1024,
            "ReservedConcurrentExecutions": 100,
            "Role": {"Fn::GetAtt": [id(&["EventProcessor", "ServiceRole", "Resource"]), "Arn"]},
            "Runtime": "python3.11",
            "Timeout": 900,
            "VpcConfig": {
                "SecurityGroupIds": [{"Fn::GetAtt": ["LambdaSg30A6108C", "GroupId"]}],
                "SubnetIds": [
                    {"Ref": "VpcprivateappSubnet1Subnet746EC82B"},
                    {"Ref": "VpcprivateappSubnet2SubnetEF160A25"},
                    {"Ref": "VpcprivateappSubnet3Subnet797C3A58"}
                ]
            }
        })
    );
    // The named function's group exists before Lambda writes to it, and the
    // role's policy before the function is created.
    assert_eq!(
        function["DependsOn"],
        json!([
            id(&["EventProcessor", "LogGroup", "Resource"]),
            id(&["EventProcessor", "ServiceRole", "DefaultPolicy", "Resource"])
        ])
    );
    let role = &t["Resources"]["EventProcessorServiceRole901A5890"]["Properties"];
    assert_eq!(
        role["ManagedPolicyArns"],
        json!([
            {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"},
            {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"}
        ])
    );
    assert_eq!(
        role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
        json!({"Service": "lambda.amazonaws.com"})
    );
    assert_eq!(
        statements(
            &t,
            &["EventProcessor", "ServiceRole", "DefaultPolicy", "Resource"]
        ),
        json!([{
            "Action": "sqs:SendMessage",
            "Effect": "Allow",
            "Resource": "arn:aws:sqs:us-east-1:123456789012:event-processor-dlq"
        }])
    );
    let group = &t["Resources"][id(&["EventProcessor", "LogGroup", "Resource"]).as_str()];
    assert_eq!(
        group["Properties"],
        json!({"LogGroupName": "/aws/lambda/event-processor", "RetentionInDays": 14})
    );
    assert_eq!(group["DeletionPolicy"], "Retain");
}

#[test]
fn an_unnamed_function_logs_to_its_group_through_logging_config() {
    let app = App::new();
    let stack = app.stack("Tools", StackProps::default());
    let f = Function::new(&stack, "Tool", python("index.handler", inline()));
    stack.output("Group", Output::new(f.log_group().log_group_name()));
    let t = template(&app);
    let props = &t["Resources"][id(&["Tool", "Resource"]).as_str()]["Properties"];
    let group_id = id(&["Tool", "LogGroup", "Resource"]);
    assert_eq!(
        props["LoggingConfig"],
        json!({"LogGroup": {"Ref": group_id}})
    );
    assert_eq!(
        props["Code"],
        json!({"ZipFile": "def handler(event, context):\n    return event\n"})
    );
    assert_eq!(props["MemorySize"], 128);
    assert_eq!(props["Timeout"], 3);
    assert!(t["Resources"][group_id.as_str()]["Properties"]
        .get("LogGroupName")
        .is_none());
    assert_eq!(
        t["Resources"][group_id.as_str()]["Properties"]["RetentionInDays"],
        731
    );
    // No statement was needed, so no default policy and no dependency.
    assert!(t["Resources"][id(&["Tool", "Resource"]).as_str()]
        .get("DependsOn")
        .is_none());
    assert_eq!(t["Outputs"]["Group"]["Value"], json!({"Ref": group_id}));
}

#[test]
fn seed_000_multimodal_analysis_alias_keeps_ten_warm() {
    let app = App::new();
    let stack = app.stack("BirdStack", StackProps::default());
    let layers = [
        "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:68",
        "arn:aws:lambda:us-east-1:123456789012:layer:opencv-python:3",
        "arn:aws:lambda:us-east-1:123456789012:layer:custom-ai-models:7",
    ];
    let analysis = Function::new(
        &stack,
        "MultimodalAnalysis",
        FunctionProps {
            memory_size: 3008,
            timeout: Duration::from_secs(5 * 60),
            reserved_concurrency: Some(50),
            layers: layers.iter().map(|l| Value::from(*l)).collect(),
            environment: [
                ("BEDROCK_REGION".to_string(), Value::from("us-east-1")),
                ("S3_BUCKET".to_string(), Value::from("agent-media-bucket")),
                ("MODEL_CACHE".to_string(), Value::from("/tmp/models")),
            ]
            .into_iter()
            .collect(),
            ..python(
                "app.handler",
                Code::from_bucket("artifacts", "multimodal/v1.zip"),
            )
        },
    );
    let live = analysis.add_alias(
        "live",
        AliasOptions {
            provisioned_concurrency: Some(10),
            description: Some("warm".into()),
        },
    );
    stack.output("LiveArn", Output::new(live.alias_arn()));
    let t = template(&app);
    let f = &t["Resources"][id(&["MultimodalAnalysis", "Resource"]).as_str()]["Properties"];
    assert_eq!(f["MemorySize"], 3008);
    assert_eq!(f["Timeout"], 300);
    assert_eq!(f["ReservedConcurrentExecutions"], 50);
    assert_eq!(f["Layers"], json!(layers));
    let version_prefix = id(&["MultimodalAnalysis", "CurrentVersion", "Resource"]);
    let (version_id, version) = t["Resources"]
        .as_object()
        .expect("resources")
        .iter()
        .find(|(k, _)| k.starts_with(&version_prefix))
        .expect("a published version");
    // The CDK's current-version ID: the path's ID and an MD5 of the function.
    let hash = &version_id[version_prefix.len()..];
    assert_eq!(hash.len(), 32);
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(version["Type"], "AWS::Lambda::Version");
    assert_eq!(version["DeletionPolicy"], "Retain");
    assert_eq!(
        version["Properties"],
        json!({"FunctionName": {"Ref": id(&["MultimodalAnalysis", "Resource"])}})
    );
    let alias_id = id(&["MultimodalAnalysis", "Aliaslive", "Resource"]);
    assert_eq!(
        t["Resources"][alias_id.as_str()]["Properties"],
        json!({
            "Description": "warm",
            "FunctionName": {"Ref": id(&["MultimodalAnalysis", "Resource"])},
            "FunctionVersion": {"Fn::GetAtt": [version_id, "Version"]},
            "Name": "live",
            "ProvisionedConcurrencyConfig": {"ProvisionedConcurrentExecutions": 10}
        })
    );
    assert_eq!(t["Outputs"]["LiveArn"]["Value"], json!({"Ref": alias_id}));
}

/// The logical ID of the function's published version.
fn version_id(code: &str, reserved: Option<u32>) -> String {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    let f = Function::new(
        &stack,
        "Fn",
        FunctionProps {
            reserved_concurrency: reserved,
            ..python("index.handler", Code::inline(code))
        },
    );
    f.add_alias("live", AliasOptions::default());
    let t = template(&app);
    t["Resources"]
        .as_object()
        .expect("resources")
        .iter()
        .find(|(_, r)| r["Type"] == "AWS::Lambda::Version")
        .map(|(k, _)| k.clone())
        .expect("a version")
}

#[test]
fn new_code_publishes_a_new_version_and_concurrency_does_not() {
    let v1 = version_id("def handler(e, c):\n    return 1\n", None);
    assert_eq!(v1, version_id("def handler(e, c):\n    return 1\n", None));
    assert_ne!(v1, version_id("def handler(e, c):\n    return 2\n", None));
    assert_eq!(
        v1,
        version_id("def handler(e, c):\n    return 1\n", Some(5))
    );
}

#[test]
fn seed_001_tool_categories_share_one_role() {
    let app = App::new();
    let stack = app.stack("AgentTools", StackProps::default());
    let role = Role::new(
        &stack,
        "LambdaToolExecutionRole",
        RoleProps {
            managed_policies: vec![ManagedPolicy::aws(
                "service-role/AWSLambdaBasicExecutionRole",
            )],
            ..RoleProps::new(Principal::service("lambda.amazonaws.com"))
        },
    );
    let categories = [
        ("DataAccessTool", 1024, 50, 2),
        ("ExternalApiTool", 2048, 20, 3),
        ("AwsServiceTool", 1536, 30, 4),
        ("NotificationTool", 1024, 100, 1),
    ];
    for (name, memory, concurrency, minutes) in categories {
        Function::new(
            &stack,
            name,
            FunctionProps {
                architecture: Architecture::Arm64,
                memory_size: memory,
                timeout: Duration::from_secs(60 * minutes),
                reserved_concurrency: Some(concurrency),
                tracing: Tracing::Active,
                vpc: Some(FunctionVpc::new(
                    vec!["subnet-1a".into(), "subnet-1b".into(), "subnet-1c".into()],
                    vec!["sg-0123456789abcdef0".into()],
                )),
                role: Some(role.clone()),
                ..python("index.handler", inline())
            },
        );
    }
    let t = template(&app);
    for (name, memory, concurrency, minutes) in categories {
        let f = &t["Resources"][id(&[name, "Resource"]).as_str()];
        assert_eq!(f["Properties"]["Architectures"], json!(["arm64"]), "{name}");
        assert_eq!(f["Properties"]["MemorySize"], memory, "{name}");
        assert_eq!(f["Properties"]["Timeout"], 60 * minutes, "{name}");
        assert_eq!(
            f["Properties"]["ReservedConcurrentExecutions"], concurrency,
            "{name}"
        );
        assert_eq!(f["Properties"]["TracingConfig"], json!({"Mode": "Active"}));
        assert_eq!(
            f["Properties"]["Role"],
            json!({"Fn::GetAtt": ["LambdaToolExecutionRoleF10AC1AB", "Arn"]})
        );
        assert_eq!(
            f["DependsOn"],
            json!([id(&[
                "LambdaToolExecutionRole",
                "DefaultPolicy",
                "Resource"
            ])])
        );
        // No role of its own.
        assert!(t["Resources"][id(&[name, "ServiceRole", "Resource"]).as_str()].is_null());
    }
    // The shared role got the VPC access policy once and one X-Ray statement.
    assert_eq!(
        t["Resources"]["LambdaToolExecutionRoleF10AC1AB"]["Properties"]["ManagedPolicyArns"],
        json!([
            {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"},
            {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"}
        ])
    );
    assert_eq!(
        statements(
            &t,
            &["LambdaToolExecutionRole", "DefaultPolicy", "Resource"]
        ),
        json!([{
            "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
            "Effect": "Allow",
            "Resource": "*"
        }])
    );
}

#[test]
fn async_invocation_retries_and_destinations() {
    let app = App::new();
    let stack = app.stack("Tools", StackProps::default());
    let queue = "arn:aws:sqs:us-east-1:123456789012:tool-failures";
    let next = "arn:aws:lambda:us-east-1:123456789012:function:results-aggregator";
    Function::new(
        &stack,
        "Classifier",
        FunctionProps {
            async_invoke: Some(AsyncInvoke {
                on_failure: Some(Destination::Queue(queue.into())),
                on_success: Some(Destination::Function(next.into())),
                retry_attempts: Some(1),
                max_event_age: Some(Duration::from_secs(3600)),
            }),
            ..python("index.handler", inline())
        },
    );
    let t = template(&app);
    assert_eq!(
        t["Resources"][id(&["Classifier", "EventInvokeConfig", "Resource"]).as_str()]["Properties"],
        json!({
            "DestinationConfig": {
                "OnFailure": {"Destination": queue},
                "OnSuccess": {"Destination": next}
            },
            "FunctionName": {"Ref": id(&["Classifier", "Resource"])},
            "MaximumEventAgeInSeconds": 3600,
            "MaximumRetryAttempts": 1,
            "Qualifier": "$LATEST"
        })
    );
    assert_eq!(
        statements(
            &t,
            &["Classifier", "ServiceRole", "DefaultPolicy", "Resource"]
        ),
        json!([
            {
                "Action": "lambda:InvokeFunction",
                "Effect": "Allow",
                "Resource": [next, format!("{next}:*")]
            },
            {
                "Action": ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
                "Effect": "Allow",
                "Resource": queue
            }
        ])
    );
}

#[test]
fn event_sources_read_only_their_source() {
    let app = App::new();
    let stack = app.stack("Events", StackProps::default());
    let f = Function::new(&stack, "Processor", python("index.handler", inline()));
    let queue = "arn:aws:sqs:us-east-1:123456789012:message-processing-queue";
    let stream =
        "arn:aws:dynamodb:us-east-1:123456789012:table/agent-events/stream/2024-01-01T00:00:00.000";
    let kinesis = "arn:aws:kinesis:us-east-1:123456789012:stream/analytics-stream";
    let dlq = "arn:aws:sqs:us-east-1:123456789012:stream-failures";
    f.add_event_source(
        "Messages",
        SqsEventSource {
            batch_size: Some(100),
            max_batching_window: Some(Duration::from_secs(5)),
            report_batch_item_failures: true,
            max_concurrency: Some(10),
            ..SqsEventSource::new(queue)
        },
    );
    f.add_event_source(
        "Changes",
        StreamEventSource {
            batch_size: Some(500),
            bisect_batch_on_error: true,
            retry_attempts: Some(3),
            max_record_age: Some(Duration::from_secs(3600)),
            parallelization_factor: Some(2),
            on_failure: Some(Destination::Queue(dlq.into())),
            ..StreamEventSource::dynamodb(stream, StartingPosition::TrimHorizon)
        },
    );
    f.add_event_source(
        "Analytics",
        StreamEventSource {
            enabled: false,
            ..StreamEventSource::kinesis(kinesis, StartingPosition::AtTimestamp(1_700_000_000.0))
        },
    );
    let t = template(&app);
    let function = json!({"Ref": id(&["Processor", "Resource"])});
    let mapping = |name: &str| {
        t["Resources"][id(&["Processor", name, "Resource"]).as_str()]["Properties"].clone()
    };
    assert_eq!(
        mapping("Messages"),
        json!({
            "BatchSize": 100,
            "EventSourceArn": queue,
            "FunctionName": function,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "MaximumBatchingWindowInSeconds": 5,
            "ScalingConfig": {"MaximumConcurrency": 10}
        })
    );
    assert_eq!(
        mapping("Changes"),
        json!({
            "BatchSize": 500,
            "BisectBatchOnFunctionError": true,
            "DestinationConfig": {"OnFailure": {"Destination": dlq}},
            "EventSourceArn": stream,
            "FunctionName": function,
            "MaximumRecordAgeInSeconds": 3600,
            "MaximumRetryAttempts": 3,
            "ParallelizationFactor": 2,
            "StartingPosition": "TRIM_HORIZON"
        })
    );
    assert_eq!(
        mapping("Analytics"),
        json!({
            "Enabled": false,
            "EventSourceArn": kinesis,
            "FunctionName": function,
            "StartingPosition": "AT_TIMESTAMP",
            "StartingPositionTimestamp": 1_700_000_000.0
        })
    );
    assert_eq!(
        statements(
            &t,
            &["Processor", "ServiceRole", "DefaultPolicy", "Resource"]
        ),
        json!([
            {
                "Action": ["sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                "Effect": "Allow",
                "Resource": queue
            },
            {"Action": "dynamodb:ListStreams", "Effect": "Allow", "Resource": "*"},
            {
                "Action": ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
                "Effect": "Allow",
                "Resource": stream
            },
            {
                "Action": ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
                "Effect": "Allow",
                "Resource": dlq
            },
            {
                "Action": ["kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:SubscribeToShard", "kinesis:DescribeStream", "kinesis:ListStreams", "kinesis:DescribeStreamConsumer"],
                "Effect": "Allow",
                "Resource": kinesis
            }
        ])
    );
    // The mappings start after the permissions are in place.
    assert_eq!(
        t["Resources"][id(&["Processor", "Resource"]).as_str()]["DependsOn"],
        json!([id(&[
            "Processor",
            "ServiceRole",
            "DefaultPolicy",
            "Resource"
        ])])
    );
}

#[test]
fn invoke_grants_for_roles_services_and_permissions() {
    let app = App::new();
    let stack = app.stack(
        "Agents",
        StackProps {
            env: Environment::new("123456789012", "us-east-1"),
            ..Default::default()
        },
    );
    let tool = Function::new(&stack, "Tool", python("index.handler", inline()));
    let agent = Role::new(
        &stack,
        "AgentRole",
        RoleProps::new(Principal::service("bedrock.amazonaws.com")),
    );
    assert!(tool.grant_invoke(&agent).success());
    assert!(tool
        .grant_invoke(&Principal::service("bedrock.amazonaws.com"))
        .success());
    // A second grant to the same service adds no second permission.
    assert!(tool
        .grant_invoke(&Principal::service("bedrock.amazonaws.com"))
        .success());
    tool.add_permission(
        "FromRule",
        "events.amazonaws.com",
        Some("arn:aws:events:us-east-1:123456789012:rule/agent-messages".into()),
    );
    tool.add_permission(
        "FromUploads",
        "s3.amazonaws.com",
        Some("arn:aws:s3:::agent-media-bucket".into()),
    );
    let t = template(&app);
    let arn = json!({"Fn::GetAtt": [id(&["Tool", "Resource"]), "Arn"]});
    assert_eq!(
        statements(&t, &["AgentRole", "DefaultPolicy", "Resource"]),
        json!([{
            "Action": "lambda:InvokeFunction",
            "Effect": "Allow",
            "Resource": [arn, {"Fn::Sub": ["${Arn}:*", {"Arn": arn}]}]
        }])
    );
    let permission =
        |name: &str| t["Resources"][id(&["Tool", name]).as_str()]["Properties"].clone();
    assert_eq!(
        permission("InvokeBedrockAmazonawsCom"),
        json!({
            "Action": "lambda:InvokeFunction",
            "FunctionName": arn,
            "Principal": "bedrock.amazonaws.com",
            "SourceAccount": "123456789012"
        })
    );
    assert_eq!(
        permission("FromRule"),
        json!({
            "Action": "lambda:InvokeFunction",
            "FunctionName": arn,
            "Principal": "events.amazonaws.com",
            "SourceArn": "arn:aws:events:us-east-1:123456789012:rule/agent-messages"
        })
    );
    assert_eq!(permission("FromUploads")["SourceAccount"], "123456789012");
    let permissions = t["Resources"]
        .as_object()
        .expect("resources")
        .values()
        .filter(|r| r["Type"] == "AWS::Lambda::Permission")
        .count();
    assert_eq!(permissions, 3);
}

#[test]
fn code_from_a_local_directory_is_an_asset() {
    let dir = std::env::temp_dir().join(format!("strata-lambda-asset-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join("index.py"),
        "def handler(event, context):\n    return 1\n",
    )
    .expect("write");
    let app = App::new();
    let stack = app.stack(
        "Tools",
        StackProps {
            env: Environment::new("123456789012", "us-east-1"),
            ..Default::default()
        },
    );
    Function::new(
        &stack,
        "Tool",
        python("index.handler", Code::from_asset(&dir)),
    );
    let assembly = app.synth().expect("valid");
    let asset = &assembly.stacks[0].assets[0];
    let code = &assembly.stacks[0].template["Resources"][id(&["Tool", "Resource"]).as_str()]
        ["Properties"]["Code"];
    assert_eq!(
        code,
        &json!({
            "S3Bucket": "strata-staging-123456789012-us-east-1",
            "S3Key": format!("{}.zip", asset.hash())
        })
    );
    std::fs::remove_dir_all(&dir).expect("cleanup");
}
