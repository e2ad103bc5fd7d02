//! Seed sections "SQS Queues" and "EventBridge Configuration" (bus and
//! archive), and the SNS topics the seed's functions, workflow and alarms
//! publish to, in the `BirdMessaging` stack.
//!
//! Queues use SSE-SQS ("Encryption: SQS Managed (SSE-SQS)") and refuse
//! requests without TLS. Topics are encrypted with a key of this stack:
//! CloudWatch alarms and EventBridge cannot publish to a topic encrypted
//! with the AWS managed SNS key.

use std::time::Duration;

use strata::events::{ArchiveProps, EventBus, EventBusProps, EventPattern, Match};
use strata::iam::{PolicyDocument, PolicyStatement, Principal};
use strata::kinesis::{Capacity, Stream, StreamEncryption, StreamProps};
use strata::kms::{Key, KeyProps};
use strata::prelude::*;
use strata::sns::{Subscription, Topic, TopicEncryption, TopicProps};
use strata::sqs::{CustomerKey, DeadLetterQueue, Queue, QueueProps};

/// Seed "Message Retention: 14 days".
pub const RETENTION_14_DAYS: Duration = Duration::from_secs(14 * 86_400);
/// Seed "Message Retention: 7 days" (high priority queue).
pub const RETENTION_7_DAYS: Duration = Duration::from_secs(7 * 86_400);
/// Seed archive "Retention: 30 days".
pub const ARCHIVE_RETENTION_DAYS: u32 = 30;
/// The custom bus (seed "Custom Event Bus: bird-agent-events").
pub const BUS_NAME: &str = "bird-agent-events";

/// The queues, topics, bus and stream.
#[derive(Clone)]
pub struct Messaging {
    /// message-processing-queue (visibility 60 s, 14 days, 3 receives).
    pub message_processing: Queue,
    /// multimodal-processing-queue.fifo (visibility 300 s, 14 days, 2 receives).
    pub multimodal_processing: Queue,
    /// high-priority-processing-queue.fifo (visibility 30 s, 7 days).
    pub high_priority: Queue,
    /// event-processor-dlq, the event processor function's dead-letter queue.
    pub event_processor_dlq: Queue,
    /// The `notifications` topic (the event processor's `SNS_TOPIC`).
    pub notifications: Topic,
    /// `processing-complete`, the workflow's last state.
    pub processing_complete: Topic,
    /// `critical-alerts`.
    pub critical_alerts: Topic,
    /// `warning-alerts`.
    pub warning_alerts: Topic,
    /// `bird-agent-events`.
    pub bus: EventBus,
    /// `analytics-stream`, the performance-metrics rule's Kinesis target.
    pub analytics: Stream,
    /// The key of the topics and the stream.
    pub key: Key,
}

/// Builds the messaging stack; `alarm_email` is subscribed to the two
/// alert topics when given.
pub fn build(stack: &Scope, alarm_email: Option<&str>) -> Messaging {
    let key = messaging_key(stack);
    let queues = queues(stack);
    let topic = |id: &str, name: &str| {
        Topic::new(
            stack,
            id,
            TopicProps {
                topic_name: Some(name.into()),
                encryption: Some(TopicEncryption::Kms(CustomerKey::Key(key.clone()))),
                enforce_ssl: true,
                ..Default::default()
            },
        )
    };
    let notifications = topic("NotificationsTopic", "notifications");
    let processing_complete = topic("ProcessingCompleteTopic", "processing-complete");
    let critical_alerts = topic("CriticalAlertsTopic", "critical-alerts");
    let warning_alerts = topic("WarningAlertsTopic", "warning-alerts");
    if let Some(address) = alarm_email {
        critical_alerts.add_subscription(Subscription::email(address));
        warning_alerts.add_subscription(Subscription::email(address));
    }
    let bus = EventBus::new(
        stack,
        "EventBus",
        EventBusProps {
            event_bus_name: Some(BUS_NAME.into()),
            description: Some("Bird.com agent events".into()),
            ..Default::default()
        },
    );
    // Seed "Archive Pattern: source: ["bird.com", "agent.*"]": EventBridge
    // has no glob on source; `agent.*` is a prefix match on "agent.".
    bus.archive(
        "EventsArchive",
        ArchiveProps {
            archive_name: Some("agent-events-archive".into()),
            description: Some("Bird.com and agent events, replayable for 30 days".into()),
            event_pattern: Some(
                EventPattern::new().source([Match::exact("bird.com"), Match::prefix("agent.")]),
            ),
            retention_days: Some(ARCHIVE_RETENTION_DAYS),
        },
    );
    let analytics = Stream::new(
        stack,
        "AnalyticsStream",
        StreamProps {
            stream_name: Some("analytics-stream".into()),
            capacity: Capacity::OnDemand,
            encryption: StreamEncryption::Kms(CustomerKey::Key(key.clone())),
            ..Default::default()
        },
    );
    let [message_processing, multimodal_processing, high_priority, event_processor_dlq] = queues;
    Messaging {
        message_processing,
        multimodal_processing,
        high_priority,
        event_processor_dlq,
        notifications,
        processing_complete,
        critical_alerts,
        warning_alerts,
        bus,
        analytics,
        key,
    }
}

/// The key of the topics and the analytics stream: the account
/// administers it; CloudWatch alarms and EventBridge may use it to publish.
fn messaging_key(stack: &Scope) -> Key {
    let policy = PolicyDocument::new()
        .with_statement(
            PolicyStatement::allow()
                .sid("AccountAdministration")
                .action("kms:*")
                .principal(Principal::account_root())
                .all_resources(),
        )
        .with_statement(
            PolicyStatement::allow()
                .sid("AlarmsAndEventsPublish")
                .actions(["kms:Decrypt", "kms:GenerateDataKey*"])
                .principal(Principal::service("cloudwatch.amazonaws.com"))
                .principal(Principal::service("events.amazonaws.com"))
                .all_resources()
                .condition("StringEquals", "aws:SourceAccount", [Fn::account_id()]),
        );
    Key::new(
        stack,
        "MessagingKey",
        KeyProps {
            description: Some("Encryption key for the agent's topics and stream".into()),
            alias: Some("alias/bird-agent/messaging".into()),
            policy: Some(policy),
            ..Default::default()
        },
    )
}

/// message-processing-queue with its DLQ, the two FIFO queues (the
/// multimodal one with a FIFO DLQ for its 2 receives) and
/// event-processor-dlq.
fn queues(stack: &Scope) -> [Queue; 4] {
    let queue = |id: &str, props: QueueProps| {
        Queue::new(
            stack,
            id,
            QueueProps {
                enforce_ssl: true,
                ..props
            },
        )
    };
    let dlq = |id: &str, name: &str, fifo: bool| {
        queue(
            id,
            QueueProps {
                queue_name: Some(name.into()),
                fifo,
                retention_period: RETENTION_14_DAYS,
                ..Default::default()
            },
        )
    };
    let message_dlq = dlq("MessageProcessingDlq", "message-processing-dlq", false);
    let message_processing = queue(
        "MessageProcessingQueue",
        QueueProps {
            queue_name: Some("message-processing-queue".into()),
            visibility_timeout: Some(Duration::from_secs(60)),
            retention_period: RETENTION_14_DAYS,
            dead_letter_queue: Some(DeadLetterQueue {
                queue: message_dlq,
                max_receive_count: 3,
            }),
            ..Default::default()
        },
    );
    // A FIFO queue's dead-letter queue must be FIFO too, and SQS requires
    // the `.fifo` suffix on both names.
    let multimodal_dlq = dlq(
        "MultimodalProcessingDlq",
        "multimodal-processing-dlq.fifo",
        true,
    );
    let multimodal_processing = queue(
        "MultimodalProcessingQueue",
        QueueProps {
            queue_name: Some("multimodal-processing-queue.fifo".into()),
            fifo: true,
            content_based_deduplication: true,
            visibility_timeout: Some(Duration::from_secs(300)),
            retention_period: RETENTION_14_DAYS,
            dead_letter_queue: Some(DeadLetterQueue {
                queue: multimodal_dlq,
                max_receive_count: 2,
            }),
            ..Default::default()
        },
    );
    let high_priority = queue(
        "HighPriorityQueue",
        QueueProps {
            queue_name: Some("high-priority-processing-queue.fifo".into()),
            fifo: true,
            content_based_deduplication: true,
            visibility_timeout: Some(Duration::from_secs(30)),
            retention_period: RETENTION_7_DAYS,
            ..Default::default()
        },
    );
    let event_processor_dlq = dlq("EventProcessorDlq", "event-processor-dlq", false);
    [
        message_processing,
        multimodal_processing,
        high_priority,
        event_processor_dlq,
    ]
}
