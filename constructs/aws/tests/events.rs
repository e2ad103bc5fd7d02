//! EventBridge: buses, typed patterns, the permissions each target gets
//! (invoke permission for Lambda, queue and topic policies, roles for Step
//! Functions and Kinesis, a Logs resource policy), archives, seeds 000 and
//! 001, and synth errors with the rule's path.

use std::time::Duration;

use serde_json::{json, Value as Json};
use strata::events::{
    ArchiveProps, Comparison, EventBus, EventBusProps, EventPattern, Match, Rule, RuleProps,
    RuleTarget, Schedule,
};
use strata::kinesis::{Stream, StreamProps};
use strata::logs::{LogGroup, LogGroupProps, Retention};
use strata::prelude::*;
use strata::sns::{Topic, TopicProps};
use strata::sqs::{Queue, QueueProps};
use strata::stepfunctions::{Definition, Pass, StateMachine, StateMachineProps};

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

fn function_json(name: &str) -> Json {
    json!({"Fn::Sub": format!("arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{name}")})
}

fn workflow(scope: &Scope, id: &str) -> StateMachine {
    StateMachine::new(
        scope,
        id,
        StateMachineProps::new(Definition::new("Start").state("Start", Pass::new().end())),
    )
}

fn statements<'a>(t: &'a Json, path: &[&str]) -> &'a Json {
    &resource(t, path)["Properties"]["PolicyDocument"]["Statement"]
}

#[test]
fn seed_000_rules_and_archive_on_the_agent_bus() {
    let app = App::new();
    let stack = app.stack("Events", StackProps::default());
    let bus = EventBus::new(
        &stack,
        "AgentEvents",
        EventBusProps {
            event_bus_name: Some("bird-agent-events".into()),
            ..Default::default()
        },
    );
    let queue = Queue::new(
        &stack,
        "MessageQueue",
        QueueProps {
            queue_name: Some("message-processing-queue".into()),
            ..Default::default()
        },
    );
    let analysis = workflow(&stack, "MultimodalAnalysis");
    let stream = Stream::new(
        &stack,
        "AnalyticsStream",
        StreamProps {
            stream_name: Some("analytics-stream".into()),
            ..Default::default()
        },
    );
    let metrics = LogGroup::new(
        &stack,
        "MetricsLog",
        LogGroupProps {
            log_group_name: Some("/aws/events/performance-metrics".into()),
            retention: Retention::Days(30),
            ..Default::default()
        },
    );
    let rule = |id: &str, name: &str, pattern: EventPattern, targets: Vec<RuleTarget>| {
        Rule::new(
            &stack,
            id,
            RuleProps {
                rule_name: Some(name.into()),
                event_bus: Some(bus.clone()),
                event_pattern: Some(pattern),
                targets,
                ..Default::default()
            },
        )
    };
    rule(
        "AgentMessageProcessing",
        "agent-message-processing",
        EventPattern::new()
            .source(["bird.com"])
            .detail_type(["Message Received"]),
        vec![
            RuleTarget::lambda(function("event-processor")),
            RuleTarget::sqs(&queue),
        ],
    );
    rule(
        "MultimodalContentAnalysis",
        "multimodal-content-analysis",
        EventPattern::new()
            .source(["agent.multimodal"])
            .detail_type(["Content Analysis Required"]),
        vec![RuleTarget::state_machine(&analysis)],
    );
    rule(
        "PerformanceMetrics",
        "performance-metrics",
        EventPattern::new().source(["agent.metrics"]),
        vec![
            RuleTarget::log_group(&metrics),
            RuleTarget::kinesis(&stream),
        ],
    );
    bus.archive(
        "Archive",
        ArchiveProps {
            archive_name: Some("agent-events-archive".into()),
            retention_days: Some(30),
            event_pattern: Some(
                EventPattern::new().source([Match::exact("bird.com"), Match::wildcard("agent.*")]),
            ),
            ..Default::default()
        },
    );
    let t = template(&app);
    assert_eq!(
        resource(&t, &["AgentEvents", "Resource"])["Properties"],
        json!({"Name": "bird-agent-events"})
    );
    // Rule 1: Lambda and SQS, with the invoke permission and the queue policy.
    let processing = ["AgentMessageProcessing", "Resource"];
    assert_eq!(
        resource(&t, &processing)["Properties"],
        json!({
            "EventBusName": reference(&["AgentEvents", "Resource"]),
            "EventPattern": {"source": ["bird.com"], "detail-type": ["Message Received"]},
            "Name": "agent-message-processing",
            "State": "ENABLED",
            "Targets": [
                {"Arn": function_json("event-processor"), "Id": "Target0"},
                {"Arn": arn(&["MessageQueue", "Resource"]), "Id": "Target1"}
            ]
        })
    );
    assert_eq!(
        resource(&t, &["AgentMessageProcessing", "AllowEventRuleTarget0"])["Properties"],
        json!({
            "Action": "lambda:InvokeFunction",
            "FunctionName": function_json("event-processor"),
            "Principal": "events.amazonaws.com",
            "SourceArn": arn(&processing)
        })
    );
    assert_eq!(
        statements(&t, &["MessageQueue", "Policy", "Resource"]),
        &json!([{
            "Action": ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
            "Condition": {"ArnEquals": {"aws:SourceArn": arn(&processing)}},
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Resource": arn(&["MessageQueue", "Resource"])
        }])
    );
    // Rule 2: the state machine through its events role.
    let targets =
        &resource(&t, &["MultimodalContentAnalysis", "Resource"])["Properties"]["Targets"];
    assert_eq!(
        targets,
        &json!([{
            "Arn": reference(&["MultimodalAnalysis", "Resource"]),
            "Id": "Target0",
            "RoleArn": arn(&["MultimodalAnalysis", "EventsRole", "Resource"])
        }])
    );
    assert_eq!(
        resource(&t, &["MultimodalAnalysis", "EventsRole", "Resource"])["Properties"]
            ["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
        json!({"Service": "events.amazonaws.com"})
    );
    assert_eq!(
        statements(
            &t,
            &[
                "MultimodalAnalysis",
                "EventsRole",
                "DefaultPolicy",
                "Resource"
            ]
        ),
        &json!([{
            "Action": "states:StartExecution",
            "Effect": "Allow",
            "Resource": reference(&["MultimodalAnalysis", "Resource"])
        }])
    );
    // Rule 3: the log group through a Logs resource policy, Kinesis through a role.
    let targets = &resource(&t, &["PerformanceMetrics", "Resource"])["Properties"]["Targets"];
    assert_eq!(
        targets[0]["Arn"],
        json!({"Fn::Sub": [
            "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Name}",
            {"Name": reference(&["MetricsLog", "Resource"])}
        ]})
    );
    assert_eq!(targets[1]["Arn"], arn(&["AnalyticsStream", "Resource"]));
    assert_eq!(
        targets[1]["RoleArn"],
        arn(&["AnalyticsStream", "EventsRole", "Resource"])
    );
    assert_eq!(
        statements(
            &t,
            &["AnalyticsStream", "EventsRole", "DefaultPolicy", "Resource"]
        )[0],
        json!({
            "Action": ["kinesis:ListShards", "kinesis:PutRecord", "kinesis:PutRecords"],
            "Effect": "Allow",
            "Resource": arn(&["AnalyticsStream", "Resource"])
        })
    );
    let policy = resource(&t, &["MetricsLog", "EventsPolicy"]);
    assert_eq!(policy["Type"], "AWS::Logs::ResourcePolicy");
    let sub = &policy["Properties"]["PolicyDocument"]["Fn::Sub"];
    let document: Json = serde_json::from_str(sub[0].as_str().expect("a template")).expect("JSON");
    assert_eq!(
        document["Statement"][0],
        json!({
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Condition": {"ArnLike": {"aws:SourceArn": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/*"}},
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Resource": "${LogGroupArn}"
        })
    );
    assert_eq!(
        sub[1],
        json!({"LogGroupArn": arn(&["MetricsLog", "Resource"])})
    );
    // The archive keeps bird.com and agent.* events for 30 days.
    assert_eq!(
        resource(&t, &["AgentEvents", "Archive", "Archive"])["Properties"],
        json!({
            "ArchiveName": "agent-events-archive",
            "Description": "Event Archive for bird-agent-events Event Bus",
            "EventPattern": {"source": ["bird.com", {"wildcard": "agent.*"}]},
            "RetentionDays": 30,
            "SourceArn": arn(&["AgentEvents", "Resource"])
        })
    );
}

#[test]
fn seed_001_threat_rules_on_the_ai_agent_bus() {
    let app = App::new();
    let stack = app.stack("Agents", StackProps::default());
    let bus = EventBus::new(
        &stack,
        "AiAgentEvents",
        EventBusProps {
            event_bus_name: Some("ai-agent-events".into()),
            ..Default::default()
        },
    );
    let audit = LogGroup::new(
        &stack,
        "AuditTrail",
        LogGroupProps {
            log_group_name: Some("/aws/events/ai-agent-audit-trail".into()),
            retention: Retention::Days(2557),
            ..Default::default()
        },
    );
    let emergency = Topic::new(
        &stack,
        "EmergencyTopic",
        TopicProps {
            topic_name: Some("emergency-threats".into()),
            ..Default::default()
        },
    );
    let emergency_workflow = workflow(&stack, "EmergencyWorkflow");
    let pattern = |detail_type: &str| {
        EventPattern::new()
            .source(["ai-agent-service"])
            .detail_type([detail_type])
    };
    let rules = [
        (
            "ThreatClassificationComplete",
            vec![
                RuleTarget::lambda(function("investigation-agent")),
                RuleTarget::log_group(&audit),
            ],
        ),
        (
            "InvestigationComplete",
            vec![
                RuleTarget::lambda(function("response-orchestration-agent")),
                RuleTarget::lambda(function("dashboard-websocket-notifier")),
            ],
        ),
        (
            "EmergencyThreatDetected",
            vec![
                RuleTarget::sns(&emergency),
                RuleTarget::state_machine(&emergency_workflow),
            ],
        ),
    ];
    let detail_types = [
        "Threat Classification Complete",
        "Investigation Complete",
        "Emergency Threat Detected",
    ];
    for ((id, targets), detail_type) in rules.into_iter().zip(detail_types) {
        Rule::new(
            &stack,
            id,
            RuleProps {
                event_bus: Some(bus.clone()),
                event_pattern: Some(pattern(detail_type)),
                targets,
                ..Default::default()
            },
        );
    }
    let t = template(&app);
    for (id, detail_type) in [
        (
            "ThreatClassificationComplete",
            "Threat Classification Complete",
        ),
        ("InvestigationComplete", "Investigation Complete"),
        ("EmergencyThreatDetected", "Emergency Threat Detected"),
    ] {
        assert_eq!(
            resource(&t, &[id, "Resource"])["Properties"]["EventPattern"],
            json!({"source": ["ai-agent-service"], "detail-type": [detail_type]})
        );
    }
    for (rule, target) in [
        ("ThreatClassificationComplete", "Target0"),
        ("InvestigationComplete", "Target0"),
        ("InvestigationComplete", "Target1"),
    ] {
        let permission = resource(&t, &[rule, &format!("AllowEventRule{target}")]);
        assert_eq!(
            permission["Properties"]["SourceArn"],
            arn(&[rule, "Resource"])
        );
    }
    assert_eq!(
        statements(&t, &["EmergencyTopic", "Policy", "Resource"]),
        &json!([{
            "Action": "sns:Publish",
            "Condition": {"ArnEquals": {"aws:SourceArn": arn(&["EmergencyThreatDetected", "Resource"])}},
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Resource": reference(&["EmergencyTopic", "Resource"]),
            "Sid": "0"
        }])
    );
    assert_eq!(
        resource(&t, &["EmergencyThreatDetected", "Resource"])["Properties"]["Targets"][1]
            ["RoleArn"],
        arn(&["EmergencyWorkflow", "EventsRole", "Resource"])
    );
    assert_eq!(
        resource(&t, &["AuditTrail", "Resource"])["Properties"]["RetentionInDays"],
        2557
    );
}

#[test]
fn typed_patterns_render_every_kind_of_match() {
    let app = App::new();
    let stack = app.stack("Events", StackProps::default());
    let queue = Queue::new(&stack, "Queue", QueueProps::default());
    Rule::new(
        &stack,
        "Orders",
        RuleProps {
            event_pattern: Some(
                EventPattern::new()
                    .source([Match::prefix("shop.")])
                    .detail_type([Match::equals_ignore_case("order placed")])
                    .account(["123456789012"])
                    .region([Match::anything_but(["us-west-1"])])
                    .detail("customer.tier", ["gold", "platinum"])
                    .detail(
                        "amount",
                        [Match::range(Comparison::Ge, 10.0, Comparison::Lt, 99.5)],
                    )
                    .detail(
                        "quantity",
                        [Match::numeric(Comparison::Eq, 1.0), Match::number(2.0)],
                    )
                    .detail("coupon", [Match::not_exists()])
                    .detail("email", [Match::suffix("@example.com")])
                    .detail("sourceIp", [Match::cidr("10.0.0.0/16")])
                    .detail("channel", [Match::anything_but_prefix("test-")])
                    .detail("note", [Match::Null])
                    .detail("sku", [Match::wildcard("SKU-*-XL")]),
            ),
            targets: vec![RuleTarget::sqs(&queue)],
            ..Default::default()
        },
    );
    let t = template(&app);
    assert_eq!(
        resource(&t, &["Orders", "Resource"])["Properties"]["EventPattern"],
        json!({
            "source": [{"prefix": "shop."}],
            "detail-type": [{"equals-ignore-case": "order placed"}],
            "account": ["123456789012"],
            "region": [{"anything-but": "us-west-1"}],
            "detail": {
                "customer": {"tier": ["gold", "platinum"]},
                "amount": [{"numeric": [">=", 10, "<", 99.5]}],
                "quantity": [{"numeric": ["=", 1]}, 2],
                "coupon": [{"exists": false}],
                "email": [{"suffix": "@example.com"}],
                "sourceIp": [{"cidr": "10.0.0.0/16"}],
                "channel": [{"anything-but": {"prefix": "test-"}}],
                "note": [null],
                "sku": [{"wildcard": "SKU-*-XL"}]
            }
        })
    );
}

#[test]
fn scheduled_rules_with_input_retries_and_a_dead_letter_queue() {
    let app = App::new();
    let stack = app.stack("Events", StackProps::default());
    let dlq = Queue::new(&stack, "Dlq", QueueProps::default());
    let rule = Rule::new(
        &stack,
        "Hourly",
        RuleProps {
            description: Some("Hourly cleanup".into()),
            schedule: Some(Schedule::rate(Duration::from_secs(3600))),
            enabled: false,
            ..Default::default()
        },
    );
    rule.add_target(
        RuleTarget::lambda(function("cleanup"))
            .input(json!({"mode": "hourly"}))
            .retry_attempts(2)
            .max_event_age(Duration::from_secs(600))
            .dead_letter_queue(&dlq),
    );
    let t = template(&app);
    let props = &resource(&t, &["Hourly", "Resource"])["Properties"];
    assert_eq!(props["ScheduleExpression"], "rate(1 hour)");
    assert_eq!(props["State"], "DISABLED");
    assert_eq!(
        props["Targets"],
        json!([{
            "Arn": function_json("cleanup"),
            "DeadLetterConfig": {"Arn": arn(&["Dlq", "Resource"])},
            "Id": "Target0",
            "Input": "{\"mode\":\"hourly\"}",
            "RetryPolicy": {"MaximumEventAgeInSeconds": 600, "MaximumRetryAttempts": 2}
        }])
    );
    let sid = format!(
        "AllowEventRule{}",
        strata::logical_id(&["Events", "Hourly"])
    );
    assert_eq!(
        statements(&t, &["Dlq", "Policy", "Resource"])[0],
        json!({
            "Action": "sqs:SendMessage",
            "Condition": {"ArnEquals": {"aws:SourceArn": arn(&["Hourly", "Resource"])}},
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Resource": arn(&["Dlq", "Resource"]),
            "Sid": sid
        })
    );
}

#[test]
fn a_fifo_queue_target_carries_its_message_group() {
    let app = App::new();
    let stack = app.stack("Events", StackProps::default());
    let queue = Queue::new(
        &stack,
        "Ordered",
        QueueProps {
            fifo: true,
            ..Default::default()
        },
    );
    Rule::new(
        &stack,
        "Rule",
        RuleProps {
            event_pattern: Some(EventPattern::new().source(["agent.metrics"])),
            targets: vec![RuleTarget::sqs(&queue).message_group_id("metrics")],
            ..Default::default()
        },
    );
    let t = template(&app);
    assert_eq!(
        resource(&t, &["Rule", "Resource"])["Properties"]["Targets"][0]["SqsParameters"],
        json!({"MessageGroupId": "metrics"})
    );
}

#[test]
fn invalid_patterns_are_synth_errors_at_the_rule_path() {
    let app = App::new();
    let stack = app.stack("Events", StackProps::default());
    Rule::new(
        &stack,
        "Empty",
        RuleProps {
            event_pattern: Some(EventPattern::new()),
            ..Default::default()
        },
    );
    Rule::new(
        &stack,
        "Broken",
        RuleProps {
            event_pattern: Some(
                EventPattern::new()
                    .source([Match::wildcard("agent.**")])
                    .detail(
                        "size",
                        [Match::range(Comparison::Gt, 10.0, Comparison::Lt, 5.0)],
                    )
                    .detail("ip", [Match::cidr("10.0.0.0/33")])
                    .detail("order", ["x"])
                    .detail("order.id", ["y"]),
            ),
            ..Default::default()
        },
    );
    Rule::new(&stack, "Nothing", RuleProps::default());
    let err = app.synth().expect_err("synth must fail").to_string();
    for expected in [
        "Events/Empty: [event-rule] the event pattern matches no field",
        "Events/Broken: [event-rule] field \"source\": wildcard \"agent.**\" is invalid: give a non-empty pattern without consecutive '*'",
        "Events/Broken: [event-rule] field \"detail.size\": a numeric range needs its lower bound below its upper bound",
        "Events/Broken: [event-rule] field \"detail.ip\": \"10.0.0.0/33\" is not a CIDR block",
        "Events/Broken: [event-rule] field \"detail.order\" is matched both as a value and as an object with fields below it",
        "Events/Nothing: [event-rule] a rule needs an event pattern or a schedule",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in {err}");
    }
}

#[test]
fn target_and_schedule_mistakes_are_synth_errors_at_the_rule_path() {
    let app = App::new();
    let stack = app.stack("Events", StackProps::default());
    let bus = EventBus::new(&stack, "Bus", EventBusProps::default());
    let fifo = Queue::new(
        &stack,
        "Fifo",
        QueueProps {
            fifo: true,
            ..Default::default()
        },
    );
    let standard = Queue::new(&stack, "Standard", QueueProps::default());
    let unnamed = LogGroup::new(&stack, "Unnamed", LogGroupProps::default());
    let app_logs = LogGroup::new(
        &stack,
        "AppLogs",
        LogGroupProps {
            log_group_name: Some("/agent/app".into()),
            ..Default::default()
        },
    );
    Rule::new(
        &stack,
        "Scheduled",
        RuleProps {
            rule_name: Some("nightly run".into()),
            event_bus: Some(bus),
            schedule: Some(Schedule::rate(Duration::from_secs(90))),
            targets: vec![
                RuleTarget::sqs(&fifo),
                RuleTarget::sqs(&standard).message_group_id("g"),
                RuleTarget::log_group(&unnamed),
                RuleTarget::log_group(&app_logs),
                RuleTarget::lambda(function("a"))
                    .retry_attempts(200)
                    .partition_key_path("$.id"),
                RuleTarget::lambda(function("b")),
            ],
            ..Default::default()
        },
    );
    let err = app.synth().expect_err("synth must fail").to_string();
    for expected in [
        "Events/Scheduled: [event-rule] rule name \"nightly run\" is invalid",
        "Events/Scheduled: [event-rule] a rate of 90s is not a whole number of minutes; use at least one minute",
        "Events/Scheduled: [event-rule] scheduled rules run on the default event bus only",
        "Events/Scheduled: [event-rule-target] FIFO queue Events/Fifo needs a message group",
        "Events/Scheduled: [event-rule-target] message_group_id applies to FIFO queues; Events/Standard is a standard queue",
        "Events/Scheduled: [event-rule-target] log group Events/Unnamed has a generated name; EventBridge writes only to groups named /aws/events/...",
        "Events/Scheduled: [event-rule-target] log group \"/agent/app\" cannot be an EventBridge target",
        "Events/Scheduled: [event-rule-target] 200 retry attempts is out of range; use 0 to 185",
        "Events/Scheduled: [event-rule-target] partition_key_path applies to Kinesis stream targets only",
        "Events/Scheduled: [event-rule-targets] a rule takes at most 5 targets",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in {err}");
    }
}

#[test]
fn an_encrypted_bus_lets_eventbridge_use_its_key_and_archives_bus_events() {
    use strata::kms::{Key, KeyProps};
    use strata::sqs::CustomerKey;
    let app = App::new();
    let stack = app.stack("Events", StackProps::default());
    let key = Key::new(&stack, "Key", KeyProps::default());
    let bus = EventBus::new(
        &stack,
        "Bus",
        EventBusProps {
            event_bus_name: Some("secure-events".into()),
            description: Some("Encrypted events".into()),
            kms_key: Some(CustomerKey::Key(key)),
        },
    );
    bus.archive("Everything", ArchiveProps::default());
    let t = template(&app);
    assert_eq!(
        resource(&t, &["Bus", "Resource"])["Properties"],
        json!({
            "Description": "Encrypted events",
            "KmsKeyIdentifier": arn(&["Key", "Resource"]),
            "Name": "secure-events"
        })
    );
    assert_eq!(
        resource(&t, &["Key", "Resource"])["Properties"]["KeyPolicy"]["Statement"][1],
        json!({
            "Action": ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
            "Condition": {"StringEquals": {
                "aws:SourceAccount": {"Ref": "AWS::AccountId"},
                "aws:SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/secure-events"}
            }},
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Resource": "*"
        })
    );
    assert_eq!(
        resource(&t, &["Bus", "Everything", "Archive"])["Properties"],
        json!({
            "Description": "Event Archive for secure-events Event Bus",
            "SourceArn": arn(&["Bus", "Resource"])
        })
    );
}

#[test]
fn a_function_target_gets_one_permission_per_rule_at_the_cdk_path() {
    use strata::lambda::{Code, Function, FunctionProps, Runtime};
    let app = App::new();
    let stack = app.stack("Events", StackProps::default());
    let processor = Function::new(
        &stack,
        "EventProcessor",
        FunctionProps::new(
            Runtime::PYTHON_3_12,
            "index.handler",
            Code::inline("def handler(event, context):\n    return event\n"),
        ),
    );
    let rule = Rule::new(
        &stack,
        "Messages",
        RuleProps {
            event_pattern: Some(EventPattern::new().source(["bird.com"])),
            targets: vec![
                RuleTarget::function(&processor),
                RuleTarget::function(&processor).input(json!({"copy": true})),
            ],
            ..Default::default()
        },
    );
    let t = template(&app);
    let permission_id = format!(
        "AllowEventRule{}",
        strata::logical_id(&["Events", "EventProcessor"])
    );
    assert_eq!(
        resource(&t, &["Messages", &permission_id])["Properties"],
        json!({
            "Action": "lambda:InvokeFunction",
            "FunctionName": arn(&["EventProcessor", "Resource"]),
            "Principal": "events.amazonaws.com",
            "SourceArn": arn(&["Messages", "Resource"])
        })
    );
    let permissions = rule
        .scope()
        .children()
        .iter()
        .filter(|c| c.resource_type() == Some("AWS::Lambda::Permission"))
        .count();
    assert_eq!(permissions, 1);
    let targets = &resource(&t, &["Messages", "Resource"])["Properties"]["Targets"];
    assert_eq!(targets[0]["Arn"], arn(&["EventProcessor", "Resource"]));
    assert_eq!(targets[1]["Id"], "Target1");
}
