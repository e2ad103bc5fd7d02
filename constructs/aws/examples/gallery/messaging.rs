//! The messaging family: queues, topics, a stream, a workflow and event
//! rules between them.

use std::time::Duration;

use strata::events::{
    ArchiveProps, EventBus, EventBusProps, EventPattern, Match, Rule, RuleProps, RuleTarget,
    Schedule,
};
use strata::iam::{Principal, Role, RoleProps};
use strata::kinesis::{Capacity, Stream, StreamEncryption, StreamProps};
use strata::kms::{Key, KeyProps};
use strata::lambda::{Code, Function, FunctionProps, Runtime};
use strata::logs::{LogGroup, LogGroupProps, Retention};
use strata::prelude::*;
use strata::sns::{Subscription, Topic, TopicEncryption, TopicProps};
use strata::sqs::{
    CustomerKey, DeadLetterQueue, DeduplicationScope, FifoThroughputLimit, Queue, QueueEncryption,
    QueueProps,
};
use strata::stepfunctions::{
    Catch, Choice, Condition, Definition, Fail, LogLevel, LogOptions, Map, Parallel, Pass, Retry,
    StateMachine, StateMachineProps, StateMachineType, Succeed, Task, Wait,
};

use super::stack;

/// Queues, topics, a stream, a workflow and event rules between them.
pub fn messaging(app: &App) {
    let s = stack(app, "Messaging");
    let key = Key::new(
        &s,
        "MessagingKey",
        KeyProps {
            description: Some("Encrypts messages".into()),
            ..Default::default()
        },
    );
    let kms = || CustomerKey::Key(key.clone());
    let day = 86_400;
    let dlq = Queue::new(
        &s,
        "MessageDlq",
        QueueProps {
            queue_name: Some("message-processing-dlq".into()),
            retention_period: Duration::from_secs(14 * day),
            encryption: QueueEncryption::Kms(kms()),
            data_key_reuse: Some(Duration::from_secs(3600)),
            enforce_ssl: true,
            ..Default::default()
        },
    );
    let messages = Queue::new(
        &s,
        "MessageQueue",
        QueueProps {
            queue_name: Some("message-processing-queue".into()),
            visibility_timeout: Some(Duration::from_secs(60)),
            retention_period: Duration::from_secs(14 * day),
            receive_message_wait_time: Some(Duration::from_secs(20)),
            delivery_delay: Some(Duration::from_secs(5)),
            max_message_size_bytes: Some(262_144),
            dead_letter_queue: Some(DeadLetterQueue {
                queue: dlq.clone(),
                max_receive_count: 3,
            }),
            encryption: QueueEncryption::Kms(kms()),
            enforce_ssl: true,
            ..Default::default()
        },
    );
    let priority_dlq = Queue::new(
        &s,
        "PriorityDlq",
        QueueProps {
            queue_name: Some("high-priority-dlq.fifo".into()),
            fifo: true,
            ..Default::default()
        },
    );
    let priority = Queue::new(
        &s,
        "PriorityQueue",
        QueueProps {
            queue_name: Some("high-priority-processing-queue.fifo".into()),
            fifo: true,
            content_based_deduplication: true,
            deduplication_scope: Some(DeduplicationScope::MessageGroup),
            fifo_throughput_limit: Some(FifoThroughputLimit::PerMessageGroupId),
            visibility_timeout: Some(Duration::from_secs(30)),
            retention_period: Duration::from_secs(7 * day),
            dead_letter_queue: Some(DeadLetterQueue {
                queue: priority_dlq,
                max_receive_count: 2,
            }),
            ..Default::default()
        },
    );
    let function = |name: &str| {
        Fn::sub(&format!(
            "arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{name}"
        ))
    };
    let tickets = Topic::new(
        &s,
        "TicketEvents",
        TopicProps {
            topic_name: Some("prod-ticket-events".into()),
            display_name: Some("Ticket events".into()),
            encryption: Some(TopicEncryption::Kms(kms())),
            enforce_ssl: true,
            active_tracing: true,
            ..Default::default()
        },
    );
    tickets.add_subscription(
        Subscription::sqs(&messages)
            .raw_message_delivery()
            .filter_policy(serde_json::json!({"priority": ["high", "normal"]}))
            .dead_letter_queue(&dlq),
    );
    let indexer = Function::new(
        &s,
        "TicketIndexer",
        FunctionProps::new(
            Runtime::PYTHON_3_12,
            "index.handler",
            Code::inline("def handler(event, context):\n    return event\n"),
        ),
    );
    tickets.add_subscription(Subscription::function(&indexer));
    tickets.add_subscription(Subscription::lambda(function("ticket-archiver")));
    tickets.add_subscription(Subscription::email("oncall@example.com"));
    tickets.add_subscription(
        Subscription::https("https://hooks.example.com/tickets").raw_message_delivery(),
    );
    let ordered = Topic::new(
        &s,
        "OrderedActions",
        TopicProps {
            topic_name: Some("prod-action-requests.fifo".into()),
            fifo: true,
            content_based_deduplication: true,
            encryption: Some(TopicEncryption::AwsManaged),
            ..Default::default()
        },
    );
    ordered.add_subscription(Subscription::sqs(&priority));
    let stream = Stream::new(
        &s,
        "AnalyticsStream",
        StreamProps {
            stream_name: Some("analytics-stream".into()),
            capacity: Capacity::OnDemand,
            retention_hours: 168,
            encryption: StreamEncryption::Kms(kms()),
            ..Default::default()
        },
    );
    let worker = Role::new(
        &s,
        "WorkerRole",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    );
    messages.grant_consume_messages(&worker);
    priority.grant_send_messages(&worker);
    tickets.grant_publish(&worker);
    stream.grant_read(&worker);
    let sfn_logs = LogGroup::new(
        &s,
        "WorkflowLogs",
        LogGroupProps {
            log_group_name: Some("/aws/stepfunctions/multimodal-analysis".into()),
            retention: Retention::Days(7),
            ..Default::default()
        },
    );
    let branch = |name: &str, function_name: &str| {
        Definition::new(name).state(name, Task::lambda(function(function_name)).end())
    };
    let definition = Definition::new("ContentClassification")
        .comment("Multimodal content analysis")
        .timeout_seconds(300)
        .state(
            "ContentClassification",
            Task::lambda(function("content-classifier"))
                .retry(
                    Retry::on(["States.TaskFailed"])
                        .interval_seconds(2)
                        .max_attempts(3),
                )
                .catch(Catch::all("AnalysisFailed").result_path("$.error"))
                .next("Route"),
        )
        .state(
            "Route",
            Choice::new()
                .when(
                    Condition::and([
                        Condition::is_present("$.items"),
                        !Condition::boolean_equals("$.skipItems", true),
                    ]),
                    "PerItem",
                )
                .when(
                    Condition::numeric_greater_than("$.sizeMb", 50.0),
                    "Throttle",
                )
                .otherwise("ParallelProcessing"),
        )
        .state("Throttle", Wait::seconds(5).next("ParallelProcessing"))
        .state(
            "PerItem",
            Map::new(Definition::new("Describe").state(
                "Describe",
                Pass::new().result(serde_json::json!({"ok": true})).end(),
            ))
            .items_path("$.items")
            .max_concurrency(4)
            .result_path("$.items")
            .next("ParallelProcessing"),
        )
        .state(
            "ParallelProcessing",
            Parallel::new()
                .branch(branch("ImageAnalysis", "image-analyzer"))
                .branch(branch("TextExtraction", "text-extractor"))
                .branch(branch("MetadataEnrichment", "metadata-enricher"))
                .result_path("$.analysis")
                .catch(Catch::all("AnalysisFailed"))
                .next("ResultsAggregation"),
        )
        .state(
            "ResultsAggregation",
            Task::lambda_invoke(function("results-aggregator"))
                .output_path("$.Payload")
                .timeout_seconds(60)
                .next("NotificationDelivery"),
        )
        .state(
            "NotificationDelivery",
            Task::sns_publish(&tickets).next("Done"),
        )
        .state("Done", Succeed::new())
        .state(
            "AnalysisFailed",
            Fail::new().error("AnalysisFailed").cause("A step failed"),
        );
    let workflow = StateMachine::new(
        &s,
        "MultimodalAnalysis",
        StateMachineProps {
            state_machine_name: Some("multimodal-analysis-sm".into()),
            state_machine_type: StateMachineType::Express,
            logs: Some(LogOptions {
                destination: sfn_logs,
                level: LogLevel::All,
                include_execution_data: true,
            }),
            tracing: true,
            ..StateMachineProps::new(definition)
        },
    );
    let bus = EventBus::new(
        &s,
        "AgentEvents",
        EventBusProps {
            event_bus_name: Some("bird-agent-events".into()),
            description: Some("Agent events".into()),
            kms_key: Some(kms()),
        },
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
    let metrics_logs = LogGroup::new(
        &s,
        "MetricsEvents",
        LogGroupProps {
            log_group_name: Some("/aws/events/performance-metrics".into()),
            retention: Retention::Days(14),
            ..Default::default()
        },
    );
    Rule::new(
        &s,
        "AgentMessageProcessing",
        RuleProps {
            event_bus: Some(bus.clone()),
            description: Some("Messages received from Bird".into()),
            event_pattern: Some(
                EventPattern::new()
                    .source(["bird.com"])
                    .detail_type(["Message Received"])
                    .detail("channel", [Match::anything_but(["test", "load"])])
                    .detail(
                        "sizeKb",
                        [Match::range(
                            strata::events::Comparison::Gt,
                            0.0,
                            strata::events::Comparison::Le,
                            256.0,
                        )],
                    ),
            ),
            targets: vec![
                RuleTarget::lambda(function("event-processor"))
                    .retry_attempts(3)
                    .max_event_age(Duration::from_secs(3600))
                    .dead_letter_queue(&dlq),
                RuleTarget::sqs(&messages),
                RuleTarget::function(&indexer),
            ],
            ..Default::default()
        },
    );
    Rule::new(
        &s,
        "MultimodalContentAnalysis",
        RuleProps {
            event_bus: Some(bus.clone()),
            event_pattern: Some(
                EventPattern::new()
                    .source(["agent.multimodal"])
                    .detail_type(["Content Analysis Required"]),
            ),
            targets: vec![RuleTarget::state_machine(&workflow)],
            ..Default::default()
        },
    );
    Rule::new(
        &s,
        "PerformanceMetrics",
        RuleProps {
            event_bus: Some(bus),
            event_pattern: Some(EventPattern::new().source([Match::prefix("agent.metrics")])),
            targets: vec![
                RuleTarget::log_group(&metrics_logs),
                RuleTarget::kinesis(&stream).partition_key_path("$.detail.agentId"),
                RuleTarget::sns(&tickets),
                RuleTarget::sqs(&priority).message_group_id("metrics"),
            ],
            ..Default::default()
        },
    );
    Rule::new(
        &s,
        "NightlyReplay",
        RuleProps {
            schedule: Some(Schedule::cron("0 3 * * ? *")),
            targets: vec![RuleTarget::sqs(&messages).input(serde_json::json!({"action": "replay"}))],
            ..Default::default()
        },
    );
}
