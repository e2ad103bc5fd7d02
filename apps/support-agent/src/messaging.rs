//! The SNS/SQS module (seed sections 1, 5 and 8; in section 4's graph it
//! depends on KMS only).
//!
//! Four topics, `<env>-ticket-events`, `<env>-notification-requests`,
//! `<env>-knowledge-updates` and `<env>-action-requests`, each with an SQS
//! queue subscribed ("Each has SQS queue subscriber + DLQ"). Queues keep
//! messages 7 days in prod and 1 day in dev ("7-day retention (Prod) vs
//! 1-day (Dev)"); a message that fails its receives moves to the queue's
//! dead-letter queue, kept 14 days for manual investigation and retry.
//! Topics and queues are encrypted with the `sns-sqs` key ("KMS encryption
//! for all messages") and refuse requests without TLS ("SNS/SQS: HTTPS for
//! message transport"); the EKS pods reach them through the interface
//! endpoints.

use std::time::Duration;

use strata::prelude::*;
use strata::sns::{Subscription, Topic, TopicEncryption, TopicProps};
use strata::sqs::{CustomerKey, DeadLetterQueue, Queue, QueueEncryption, QueueProps};

use crate::config::Config;
use crate::kms::ServiceKeys;

/// The seed's four event streams, by topic name suffix and construct id.
pub const STREAMS: [(&str, &str); 4] = [
    ("ticket-events", "TicketEvents"),
    ("notification-requests", "NotificationRequests"),
    ("knowledge-updates", "KnowledgeUpdates"),
    ("action-requests", "ActionRequests"),
];

/// How long a consumer has to process a message before SQS hands it out
/// again: the workers of section 5 chunk documents and generate embeddings,
/// which takes longer than SQS's 30-second default.
pub const VISIBILITY_TIMEOUT: Duration = Duration::from_secs(300);

/// One topic with its queue and dead-letter queue.
pub struct Stream {
    /// The topic the agent publishes to.
    pub topic: Topic,
    /// The queue subscribed to it.
    pub queue: Queue,
    /// Where messages that keep failing go.
    pub dead_letter_queue: Queue,
}

/// Builds the four streams in `stack`.
pub fn build(stack: &Scope, config: &Config, keys: &ServiceKeys) -> Vec<Stream> {
    let env = config.name();
    let messaging = &config.messaging;
    let key = || CustomerKey::Key(keys.messaging.clone());
    let days = |d: u64| Duration::from_secs(d * 86_400);
    STREAMS
        .iter()
        .map(|(name, id)| {
            let dead_letter_queue = Queue::new(
                stack,
                &format!("{id}Dlq"),
                QueueProps {
                    queue_name: Some(format!("{env}-{name}-dlq")),
                    retention_period: days(messaging.dlq_retention_days),
                    encryption: QueueEncryption::Kms(key()),
                    enforce_ssl: true,
                    ..Default::default()
                },
            );
            let queue = Queue::new(
                stack,
                &format!("{id}Queue"),
                QueueProps {
                    queue_name: Some(format!("{env}-{name}-queue")),
                    retention_period: days(messaging.queue_retention_days),
                    visibility_timeout: Some(VISIBILITY_TIMEOUT),
                    receive_message_wait_time: Some(Duration::from_secs(20)),
                    dead_letter_queue: Some(DeadLetterQueue {
                        queue: dead_letter_queue.clone(),
                        max_receive_count: messaging.max_receive_count,
                    }),
                    encryption: QueueEncryption::Kms(key()),
                    enforce_ssl: true,
                    ..Default::default()
                },
            );
            let topic = Topic::new(
                stack,
                id,
                TopicProps {
                    topic_name: Some(format!("{env}-{name}")),
                    encryption: Some(TopicEncryption::Kms(key())),
                    enforce_ssl: true,
                    ..Default::default()
                },
            );
            topic.add_subscription(Subscription::sqs(&queue));
            Stream {
                topic,
                queue,
                dead_letter_queue,
            }
        })
        .collect()
}
