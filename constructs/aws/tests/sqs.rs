//! The SQS queue L2: rendered properties, FIFO settings, dead-letter
//! queues with redrive and redrive-allow policies, encryption, the queue
//! policy, grants, and synth errors with the queue's path.

use std::time::Duration;

use serde_json::{json, Value as Json};
use strata::iam::{Principal, Role, RoleProps};
use strata::kms::{Key, KeyProps};
use strata::prelude::*;
use strata::sqs::{
    CustomerKey, DeadLetterQueue, DeduplicationScope, FifoThroughputLimit, Queue, QueueEncryption,
    QueueProps, RedriveAllow,
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

fn synth_error(app: &App) -> String {
    app.synth().expect_err("synth must fail").to_string()
}

fn errors_for(props: QueueProps) -> String {
    let app = App::new();
    let stack = app.stack("Messaging", StackProps::default());
    Queue::new(&stack, "Bad", props);
    synth_error(&app)
}

#[test]
fn a_standard_queue_uses_sse_sqs_states_its_retention_and_is_deleted_with_the_stack() {
    let app = App::new();
    let stack = app.stack("Messaging", StackProps::default());
    let queue = Queue::new(
        &stack,
        "Jobs",
        QueueProps {
            visibility_timeout: Some(Duration::from_secs(300)),
            delivery_delay: Some(Duration::from_secs(10)),
            receive_message_wait_time: Some(Duration::from_secs(20)),
            max_message_size_bytes: Some(262_144),
            ..Default::default()
        },
    );
    stack.output("Url", Output::new(queue.queue_url()));
    stack.output("Name", Output::new(queue.queue_name()));
    let t = template(&app);
    let q = resource(&t, &["Jobs", "Resource"]);
    assert_eq!(q["Type"], "AWS::SQS::Queue");
    assert_eq!(
        q["Properties"],
        json!({
            "DelaySeconds": 10,
            "MaximumMessageSize": 262144,
            "MessageRetentionPeriod": 345600,
            "ReceiveMessageWaitTimeSeconds": 20,
            "SqsManagedSseEnabled": true,
            "VisibilityTimeout": 300
        })
    );
    assert_eq!(q["DeletionPolicy"], "Delete");
    assert_eq!(q["UpdateReplacePolicy"], "Delete");
    assert_eq!(t["Outputs"]["Url"]["Value"], json!({"Ref": "JobsDF1CC2D4"}));
    assert_eq!(
        t["Outputs"]["Name"]["Value"],
        json!({"Fn::GetAtt": ["JobsDF1CC2D4", "QueueName"]})
    );
}

#[test]
fn a_high_throughput_fifo_queue_renders_its_fifo_settings() {
    let app = App::new();
    let stack = app.stack("Messaging", StackProps::default());
    Queue::new(
        &stack,
        "Priority",
        QueueProps {
            queue_name: Some("high-priority-processing-queue.fifo".into()),
            fifo: true,
            content_based_deduplication: true,
            deduplication_scope: Some(DeduplicationScope::MessageGroup),
            fifo_throughput_limit: Some(FifoThroughputLimit::PerMessageGroupId),
            retention_period: Duration::from_secs(7 * 86_400),
            ..Default::default()
        },
    );
    let t = template(&app);
    assert_eq!(
        resource(&t, &["Priority", "Resource"])["Properties"],
        json!({
            "ContentBasedDeduplication": true,
            "DeduplicationScope": "messageGroup",
            "FifoQueue": true,
            "FifoThroughputLimit": "perMessageGroupId",
            "MessageRetentionPeriod": 604800,
            "QueueName": "high-priority-processing-queue.fifo",
            "SqsManagedSseEnabled": true
        })
    );
}

#[test]
fn a_dead_letter_queue_gets_the_redrive_policy_and_allows_its_named_sources_by_queue() {
    let app = App::new();
    let stack = app.stack("Messaging", StackProps::default());
    let dlq = Queue::new(
        &stack,
        "Dlq",
        QueueProps {
            queue_name: Some("message-processing-dlq".into()),
            retention_period: Duration::from_secs(14 * 86_400),
            ..Default::default()
        },
    );
    Queue::new(
        &stack,
        "Messages",
        QueueProps {
            queue_name: Some("message-processing-queue".into()),
            visibility_timeout: Some(Duration::from_secs(60)),
            retention_period: Duration::from_secs(14 * 86_400),
            dead_letter_queue: Some(DeadLetterQueue {
                queue: dlq.clone(),
                max_receive_count: 3,
            }),
            ..Default::default()
        },
    );
    Queue::new(
        &stack,
        "Retries",
        QueueProps {
            queue_name: Some("retry-queue".into()),
            dead_letter_queue: Some(DeadLetterQueue {
                queue: dlq,
                max_receive_count: 5,
            }),
            ..Default::default()
        },
    );
    let t = template(&app);
    let dlq_id = strata::logical_id(&["Dlq", "Resource"]);
    assert_eq!(
        resource(&t, &["Messages", "Resource"])["Properties"]["RedrivePolicy"],
        json!({"deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]}, "maxReceiveCount": 3})
    );
    // Written without a reference: the source already depends on the DLQ.
    assert_eq!(
        resource(&t, &["Dlq", "Resource"])["Properties"]["RedriveAllowPolicy"],
        json!({
            "redrivePermission": "byQueue",
            "sourceQueueArns": [
                {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:message-processing-queue"},
                {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:retry-queue"}
            ]
        })
    );
}

#[test]
fn an_unnamed_source_leaves_the_default_redrive_allow_and_an_explicit_one_is_kept() {
    let app = App::new();
    let stack = app.stack("Messaging", StackProps::default());
    let open = Queue::new(&stack, "OpenDlq", QueueProps::default());
    Queue::new(
        &stack,
        "Unnamed",
        QueueProps {
            dead_letter_queue: Some(DeadLetterQueue {
                queue: open,
                max_receive_count: 3,
            }),
            ..Default::default()
        },
    );
    Queue::new(
        &stack,
        "Closed",
        QueueProps {
            redrive_allow: Some(RedriveAllow::DenyAll),
            ..Default::default()
        },
    );
    let t = template(&app);
    assert!(resource(&t, &["OpenDlq", "Resource"])["Properties"]
        .get("RedriveAllowPolicy")
        .is_none());
    assert_eq!(
        resource(&t, &["Closed", "Resource"])["Properties"]["RedriveAllowPolicy"],
        json!({"redrivePermission": "denyAll"})
    );
}

#[test]
fn kms_queues_grant_the_key_with_the_queue_actions() {
    let app = App::new();
    let stack = app.stack("Messaging", StackProps::default());
    let key = Key::new(&stack, "Key", KeyProps::default());
    let queue = Queue::new(
        &stack,
        "Encrypted",
        QueueProps {
            encryption: QueueEncryption::Kms(CustomerKey::Key(key)),
            data_key_reuse: Some(Duration::from_secs(3600)),
            ..Default::default()
        },
    );
    let producer = Role::new(
        &stack,
        "Producer",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    );
    let consumer = Role::new(
        &stack,
        "Consumer",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    );
    queue.grant_send_messages(&producer);
    queue.grant_consume_messages(&consumer);
    let t = template(&app);
    let key_arn = json!({"Fn::GetAtt": [strata::logical_id(&["Key", "Resource"]), "Arn"]});
    let queue_arn = json!({"Fn::GetAtt": [strata::logical_id(&["Encrypted", "Resource"]), "Arn"]});
    let props = &resource(&t, &["Encrypted", "Resource"])["Properties"];
    assert_eq!(props["KmsMasterKeyId"], key_arn);
    assert_eq!(props["KmsDataKeyReusePeriodSeconds"], 3600);
    assert!(props.get("SqsManagedSseEnabled").is_none());
    let statements = |role: &str| {
        resource(&t, &[role, "DefaultPolicy", "Resource"])["Properties"]["PolicyDocument"]
            ["Statement"]
            .clone()
    };
    assert_eq!(
        statements("Producer"),
        json!([
            {"Action": ["kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"], "Effect": "Allow", "Resource": key_arn},
            {"Action": ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"], "Effect": "Allow", "Resource": queue_arn}
        ])
    );
    assert_eq!(
        statements("Consumer"),
        json!([
            {"Action": "kms:Decrypt", "Effect": "Allow", "Resource": key_arn},
            {"Action": [
                "sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl",
                "sqs:DeleteMessage", "sqs:GetQueueAttributes"
            ], "Effect": "Allow", "Resource": queue_arn}
        ])
    );
}

#[test]
fn grants_to_a_service_and_tls_enforcement_go_to_the_queue_policy() {
    let app = App::new();
    let stack = app.stack("Messaging", StackProps::default());
    let queue = Queue::new(
        &stack,
        "Jobs",
        QueueProps {
            enforce_ssl: true,
            ..Default::default()
        },
    );
    let grant = queue.grant_send_messages(&Principal::service("s3.amazonaws.com"));
    assert!(grant.resource_statement().is_some());
    assert!(queue.policy_handle().is_some());
    let t = template(&app);
    let queue_id = strata::logical_id(&["Jobs", "Resource"]);
    let policy = resource(&t, &["Jobs", "Policy", "Resource"]);
    assert_eq!(policy["Type"], "AWS::SQS::QueuePolicy");
    assert_eq!(
        policy["Properties"],
        json!({
            "PolicyDocument": {
                "Statement": [
                    {
                        "Action": "sqs:*",
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        "Effect": "Deny",
                        "Principal": {"AWS": "*"},
                        "Resource": {"Fn::GetAtt": [queue_id, "Arn"]}
                    },
                    {
                        "Action": ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
                        "Effect": "Allow",
                        "Principal": {"Service": "s3.amazonaws.com"},
                        "Resource": {"Fn::GetAtt": [queue_id, "Arn"]}
                    }
                ],
                "Version": "2012-10-17"
            },
            "Queues": [{"Ref": queue_id}]
        })
    );
}

#[test]
fn a_fifo_queue_name_without_the_suffix_is_a_synth_error() {
    let err = errors_for(QueueProps {
        queue_name: Some("orders".into()),
        fifo: true,
        ..Default::default()
    });
    assert!(
        err.contains(
            "Messaging/Bad: [sqs-queue] FIFO queue name \"orders\" must end with \".fifo\"; name it \"orders.fifo\""
        ),
        "{err}"
    );
}

#[test]
fn a_fifo_suffix_on_a_standard_queue_is_a_synth_error() {
    let err = errors_for(QueueProps {
        queue_name: Some("orders.fifo".into()),
        ..Default::default()
    });
    assert!(
        err.contains("Messaging/Bad: [sqs-queue] queue name \"orders.fifo\" ends with \".fifo\" but the queue is not FIFO"),
        "{err}"
    );
}

#[test]
fn a_fifo_dead_letter_queue_on_a_standard_queue_and_the_reverse_are_synth_errors() {
    let app = App::new();
    let stack = app.stack("Messaging", StackProps::default());
    let fifo_dlq = Queue::new(
        &stack,
        "FifoDlq",
        QueueProps {
            fifo: true,
            ..Default::default()
        },
    );
    let standard_dlq = Queue::new(&stack, "StandardDlq", QueueProps::default());
    Queue::new(
        &stack,
        "Standard",
        QueueProps {
            dead_letter_queue: Some(DeadLetterQueue {
                queue: fifo_dlq,
                max_receive_count: 3,
            }),
            ..Default::default()
        },
    );
    Queue::new(
        &stack,
        "Fifo",
        QueueProps {
            fifo: true,
            dead_letter_queue: Some(DeadLetterQueue {
                queue: standard_dlq,
                max_receive_count: 3,
            }),
            ..Default::default()
        },
    );
    let err = synth_error(&app);
    assert!(
        err.contains("Messaging/Standard: [sqs-queue] the standard queue's dead-letter queue Messaging/FifoDlq is a FIFO queue; a standard queue needs a standard dead-letter queue"),
        "{err}"
    );
    assert!(
        err.contains("Messaging/Fifo: [sqs-queue] the FIFO queue's dead-letter queue Messaging/StandardDlq is a standard queue; a FIFO queue needs a FIFO dead-letter queue"),
        "{err}"
    );
}

#[test]
fn out_of_range_durations_and_sizes_are_synth_errors() {
    let err = errors_for(QueueProps {
        visibility_timeout: Some(Duration::from_secs(43_201)),
        retention_period: Duration::from_secs(30),
        delivery_delay: Some(Duration::from_millis(1500)),
        receive_message_wait_time: Some(Duration::from_secs(21)),
        max_message_size_bytes: Some(512),
        ..Default::default()
    });
    for expected in [
        "a visibility timeout of 43201s is out of range; use whole seconds from 0 to 43200 (12 hours)",
        "a retention period of 30s is out of range; use whole seconds from 60 (1 minute) to 1209600 (14 days)",
        "a delivery delay of 1.5s is out of range; use whole seconds from 0 to 900 (15 minutes)",
        "a receive wait time of 21s is out of range; use whole seconds from 0 to 20",
        "a maximum message size of 512 bytes is out of range; use 1024 to 1048576",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in {err}");
    }
}

#[test]
fn fifo_options_on_a_standard_queue_and_inconsistent_settings_are_synth_errors() {
    let err = errors_for(QueueProps {
        content_based_deduplication: true,
        fifo_throughput_limit: Some(FifoThroughputLimit::PerMessageGroupId),
        data_key_reuse: Some(Duration::from_secs(300)),
        redrive_allow: Some(RedriveAllow::ByQueue(Vec::new())),
        ..Default::default()
    });
    for expected in [
        "content_based_deduplication, fifo_throughput_limit only apply to FIFO queues; set fifo: true or remove them",
        "a perMessageGroupId throughput limit needs deduplication_scope MessageGroup (high-throughput FIFO)",
        "data_key_reuse only applies to KMS encryption; remove it or use QueueEncryption::Kms",
        "a byQueue redrive-allow policy names 1 to 10 source queues, not 0",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in {err}");
    }
}

#[test]
fn invalid_names_and_receive_counts_are_synth_errors() {
    let app = App::new();
    let stack = app.stack("Messaging", StackProps::default());
    let dlq = Queue::new(&stack, "Dlq", QueueProps::default());
    Queue::new(
        &stack,
        "Bad",
        QueueProps {
            queue_name: Some("jobs queue".into()),
            dead_letter_queue: Some(DeadLetterQueue {
                queue: dlq,
                max_receive_count: 0,
            }),
            ..Default::default()
        },
    );
    let err = synth_error(&app);
    assert!(
        err.contains(
            "queue name \"jobs queue\" is invalid: use 1 to 80 of a-z, A-Z, 0-9, '-' and '_'"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "Messaging/Bad: [sqs-queue] max_receive_count 0 is out of range; use 1 to 1000"
        ),
        "{err}"
    );
}
