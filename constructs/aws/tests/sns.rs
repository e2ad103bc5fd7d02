//! The SNS topic L2: encryption, subscriptions with the queue policy, key
//! policy and invoke permission they need, publish grants, seed 003's
//! fan-out, and synth errors with the topic's path.

use std::time::Duration;

use serde_json::{json, Value as Json};
use strata::iam::{Principal, Role, RoleProps};
use strata::kms::{Key, KeyProps};
use strata::prelude::*;
use strata::sns::{Subscription, Topic, TopicEncryption, TopicProps};
use strata::sqs::{CustomerKey, DeadLetterQueue, Queue, QueueEncryption, QueueProps};

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

fn synth_error(app: &App) -> String {
    app.synth().expect_err("synth must fail").to_string()
}

#[test]
fn an_sqs_subscription_lets_the_topic_in_through_the_queue_policy() {
    let app = App::new();
    let stack = app.stack("Messaging", StackProps::default());
    let topic = Topic::new(
        &stack,
        "Tickets",
        TopicProps {
            topic_name: Some("prod-ticket-events".into()),
            ..Default::default()
        },
    );
    let queue = Queue::new(&stack, "TicketQueue", QueueProps::default());
    topic.add_subscription(
        Subscription::sqs(&queue)
            .raw_message_delivery()
            .filter_policy(json!({"priority": ["high"]})),
    );
    let t = template(&app);
    // The subscription sits under the queue, named after the topic's
    // unique id, as the CDK places it.
    let unique = strata::logical_id(&["Messaging", "Tickets"]);
    let sub = resource(&t, &["TicketQueue", &unique, "Resource"]);
    assert_eq!(sub["Type"], "AWS::SNS::Subscription");
    assert_eq!(
        sub["Properties"],
        json!({
            "Endpoint": arn(&["TicketQueue", "Resource"]),
            "FilterPolicy": {"priority": ["high"]},
            "Protocol": "sqs",
            "RawMessageDelivery": true,
            "TopicArn": reference(&["Tickets", "Resource"])
        })
    );
    assert_eq!(
        sub["DependsOn"],
        json!([strata::logical_id(&["TicketQueue", "Policy", "Resource"])])
    );
    assert_eq!(
        resource(&t, &["TicketQueue", "Policy", "Resource"])["Properties"]["PolicyDocument"]
            ["Statement"],
        json!([{
            "Action": "sqs:SendMessage",
            "Condition": {"ArnEquals": {"aws:SourceArn": reference(&["Tickets", "Resource"])}},
            "Effect": "Allow",
            "Principal": {"Service": "sns.amazonaws.com"},
            "Resource": arn(&["TicketQueue", "Resource"])
        }])
    );
}

#[test]
fn an_encrypted_queue_lets_sns_use_its_key_scoped_to_the_topic() {
    let app = App::new();
    let stack = app.stack("Messaging", StackProps::default());
    let topic_key = Key::new(&stack, "TopicKey", KeyProps::default());
    let queue_key = Key::new(&stack, "QueueKey", KeyProps::default());
    let topic = Topic::new(
        &stack,
        "Alerts",
        TopicProps {
            encryption: Some(TopicEncryption::Kms(CustomerKey::Key(topic_key))),
            ..Default::default()
        },
    );
    let queue = Queue::new(
        &stack,
        "AlertQueue",
        QueueProps {
            encryption: QueueEncryption::Kms(CustomerKey::Key(queue_key)),
            ..Default::default()
        },
    );
    topic.add_subscription(Subscription::sqs(&queue));
    let t = template(&app);
    assert_eq!(
        resource(&t, &["Alerts", "Resource"])["Properties"]["KmsMasterKeyId"],
        arn(&["TopicKey", "Resource"])
    );
    let statements =
        &resource(&t, &["QueueKey", "Resource"])["Properties"]["KeyPolicy"]["Statement"];
    assert_eq!(
        statements[1],
        json!({
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Condition": {"ArnEquals": {"aws:SourceArn": reference(&["Alerts", "Resource"])}},
            "Effect": "Allow",
            "Principal": {"Service": "sns.amazonaws.com"},
            "Resource": "*"
        })
    );
}

#[test]
fn one_key_for_topic_and_queue_names_the_topic_without_a_reference() {
    let app = App::new();
    let stack = app.stack("Messaging", StackProps::default());
    let key = Key::new(&stack, "Key", KeyProps::default());
    let named = Topic::new(
        &stack,
        "Named",
        TopicProps {
            topic_name: Some("prod-knowledge-updates".into()),
            encryption: Some(TopicEncryption::Kms(CustomerKey::Key(key.clone()))),
            ..Default::default()
        },
    );
    let unnamed = Topic::new(
        &stack,
        "Unnamed",
        TopicProps {
            encryption: Some(TopicEncryption::Kms(CustomerKey::Key(key.clone()))),
            ..Default::default()
        },
    );
    let queue = Queue::new(
        &stack,
        "Queue",
        QueueProps {
            encryption: QueueEncryption::Kms(CustomerKey::Key(key)),
            ..Default::default()
        },
    );
    named.add_subscription(Subscription::sqs(&queue));
    unnamed.add_subscription(Subscription::sqs(&queue));
    let t = template(&app);
    let statements = &resource(&t, &["Key", "Resource"])["Properties"]["KeyPolicy"]["Statement"];
    assert_eq!(
        statements[1]["Condition"],
        json!({"ArnEquals": {"aws:SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:prod-knowledge-updates"}}})
    );
    assert_eq!(
        statements[2]["Condition"],
        json!({"ArnLike": {"aws:SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:*"}}})
    );
}

#[test]
fn lambda_email_and_https_subscriptions() {
    let app = App::new();
    let stack = app.stack("Messaging", StackProps::default());
    let topic = Topic::new(&stack, "Alerts", TopicProps::default());
    let function = "arn:aws:lambda:us-east-1:123456789012:function:alert-router";
    topic.add_subscription(Subscription::lambda(function));
    topic.add_subscription(Subscription::email("oncall@example.com"));
    topic.add_subscription(
        Subscription::https("https://hooks.example.com/sns").raw_message_delivery(),
    );
    let t = template(&app);
    let topic_arn = reference(&["Alerts", "Resource"]);
    assert_eq!(
        resource(&t, &["Alerts", function, "Resource"])["Properties"],
        json!({"Endpoint": function, "Protocol": "lambda", "TopicArn": topic_arn})
    );
    assert_eq!(
        resource(&t, &["Alerts", function, "AllowInvoke"])["Properties"],
        json!({
            "Action": "lambda:InvokeFunction",
            "FunctionName": function,
            "Principal": "sns.amazonaws.com",
            "SourceArn": topic_arn
        })
    );
    assert_eq!(
        resource(&t, &["Alerts", "oncall@example.com", "Resource"])["Properties"],
        json!({"Endpoint": "oncall@example.com", "Protocol": "email", "TopicArn": topic_arn})
    );
    assert_eq!(
        resource(
            &t,
            &["Alerts", "https:----hooks.example.com--sns", "Resource"]
        )["Properties"],
        json!({
            "Endpoint": "https://hooks.example.com/sns",
            "Protocol": "https",
            "RawMessageDelivery": true,
            "TopicArn": topic_arn
        })
    );
}

#[test]
fn publish_grants_go_to_the_role_or_the_topic_policy() {
    let app = App::new();
    let stack = app.stack("Messaging", StackProps::default());
    let key = Key::new(&stack, "Key", KeyProps::default());
    let topic = Topic::new(
        &stack,
        "Alerts",
        TopicProps {
            encryption: Some(TopicEncryption::Kms(CustomerKey::Key(key))),
            enforce_ssl: true,
            ..Default::default()
        },
    );
    let role = Role::new(
        &stack,
        "Publisher",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    );
    topic.grant_publish(&role);
    topic.grant_publish(&Principal::service("cloudwatch.amazonaws.com"));
    let t = template(&app);
    let topic_arn = reference(&["Alerts", "Resource"]);
    assert_eq!(
        resource(&t, &["Publisher", "DefaultPolicy", "Resource"])["Properties"]["PolicyDocument"]
            ["Statement"],
        json!([
            {"Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Effect": "Allow", "Resource": arn(&["Key", "Resource"])},
            {"Action": "sns:Publish", "Effect": "Allow", "Resource": topic_arn}
        ])
    );
    assert_eq!(
        resource(&t, &["Alerts", "Policy", "Resource"])["Properties"],
        json!({
            "PolicyDocument": {
                "Statement": [
                    {
                        "Action": "sns:Publish",
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        "Effect": "Deny",
                        "Principal": {"AWS": "*"},
                        "Resource": topic_arn,
                        "Sid": "AllowPublishThroughSSLOnly"
                    },
                    {
                        "Action": "sns:Publish",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudwatch.amazonaws.com"},
                        "Resource": topic_arn,
                        "Sid": "1"
                    }
                ],
                "Version": "2012-10-17"
            },
            "Topics": [topic_arn]
        })
    );
    // The service also gets the key through the key policy.
    let key_statements =
        &resource(&t, &["Key", "Resource"])["Properties"]["KeyPolicy"]["Statement"];
    assert_eq!(
        key_statements[1]["Principal"],
        json!({"Service": "cloudwatch.amazonaws.com"})
    );
}

/// Seed 003: four topics, each fanning out to a queue with a DLQ, kept 7
/// days in prod and 1 day in dev, all encrypted with the stage's key.
fn seed_003(stage: &str, retention_days: u64) -> Json {
    let app = App::new();
    let stack = app.stack("Messaging", StackProps::default());
    let key = Key::new(
        &stack,
        "SnsSqsKey",
        KeyProps {
            alias: Some(format!("{stage}/sns-sqs")),
            ..Default::default()
        },
    );
    let kms = || CustomerKey::Key(key.clone());
    for name in [
        "ticket-events",
        "notification-requests",
        "knowledge-updates",
        "action-requests",
    ] {
        let id: String = name
            .split('-')
            .map(|w| w[..1].to_uppercase() + &w[1..])
            .collect();
        let topic = Topic::new(
            &stack,
            &format!("{id}Topic"),
            TopicProps {
                topic_name: Some(format!("{stage}-{name}")),
                encryption: Some(TopicEncryption::Kms(kms())),
                ..Default::default()
            },
        );
        let dlq = Queue::new(
            &stack,
            &format!("{id}Dlq"),
            QueueProps {
                queue_name: Some(format!("{stage}-{name}-dlq")),
                retention_period: Duration::from_secs(14 * 86_400),
                encryption: QueueEncryption::Kms(kms()),
                ..Default::default()
            },
        );
        let queue = Queue::new(
            &stack,
            &format!("{id}Queue"),
            QueueProps {
                queue_name: Some(format!("{stage}-{name}")),
                retention_period: Duration::from_secs(retention_days * 86_400),
                dead_letter_queue: Some(DeadLetterQueue {
                    queue: dlq,
                    max_receive_count: 3,
                }),
                encryption: QueueEncryption::Kms(kms()),
                ..Default::default()
            },
        );
        topic.add_subscription(Subscription::sqs(&queue).raw_message_delivery());
    }
    template(&app)
}

#[test]
fn seed_003_fans_each_topic_out_to_an_encrypted_queue_with_a_dlq() {
    for (stage, days) in [("prod", 7), ("dev", 1)] {
        let t = seed_003(stage, days);
        let of_type = |ty: &str| -> Vec<&Json> {
            t["Resources"]
                .as_object()
                .map(|r| r.values().filter(|v| v["Type"] == ty).collect())
                .unwrap_or_default()
        };
        assert_eq!(of_type("AWS::SNS::Topic").len(), 4);
        assert_eq!(of_type("AWS::SQS::Queue").len(), 8);
        assert_eq!(of_type("AWS::SNS::Subscription").len(), 4);
        assert_eq!(of_type("AWS::SQS::QueuePolicy").len(), 4);
        let key_arn = arn(&["SnsSqsKey", "Resource"]);
        for topic in of_type("AWS::SNS::Topic") {
            assert_eq!(topic["Properties"]["KmsMasterKeyId"], key_arn);
        }
        for queue in of_type("AWS::SQS::Queue") {
            assert_eq!(queue["Properties"]["KmsMasterKeyId"], key_arn);
        }
        let queue = resource(&t, &["TicketEventsQueue", "Resource"]);
        assert_eq!(
            queue["Properties"]["MessageRetentionPeriod"],
            json!(days * 86_400)
        );
        assert_eq!(
            queue["Properties"]["QueueName"],
            format!("{stage}-ticket-events")
        );
        assert_eq!(
            queue["Properties"]["RedrivePolicy"],
            json!({"deadLetterTargetArn": arn(&["TicketEventsDlq", "Resource"]), "maxReceiveCount": 3})
        );
        assert_eq!(
            resource(&t, &["TicketEventsDlq", "Resource"])["Properties"]["MessageRetentionPeriod"],
            1_209_600
        );
        let unique = strata::logical_id(&["Messaging", "TicketEventsTopic"]);
        let sub = resource(&t, &["TicketEventsQueue", &unique, "Resource"]);
        assert_eq!(sub["Properties"]["RawMessageDelivery"], true);
        assert_eq!(
            sub["Properties"]["TopicArn"],
            reference(&["TicketEventsTopic", "Resource"])
        );
        // SNS may encrypt for the queues with the shared key, topic by topic.
        let key = &resource(&t, &["SnsSqsKey", "Resource"])["Properties"]["KeyPolicy"];
        assert_eq!(key["Statement"].as_array().map(Vec::len), Some(5));
        assert_eq!(
            key["Statement"][1]["Condition"]["ArnEquals"]["aws:SourceArn"],
            json!({"Fn::Sub": format!("arn:${{AWS::Partition}}:sns:${{AWS::Region}}:${{AWS::AccountId}}:{stage}-ticket-events")})
        );
    }
}

#[test]
fn fifo_topic_names_follow_the_fifo_rule() {
    let app = App::new();
    let stack = app.stack("Messaging", StackProps::default());
    Topic::new(
        &stack,
        "Fifo",
        TopicProps {
            topic_name: Some("orders".into()),
            fifo: true,
            ..Default::default()
        },
    );
    Topic::new(
        &stack,
        "Standard",
        TopicProps {
            topic_name: Some("orders.fifo".into()),
            content_based_deduplication: true,
            ..Default::default()
        },
    );
    let err = synth_error(&app);
    assert!(
        err.contains("Messaging/Fifo: [sns-topic] FIFO topic name \"orders\" must end with \".fifo\"; name it \"orders.fifo\""),
        "{err}"
    );
    assert!(
        err.contains("Messaging/Standard: [sns-topic] topic name \"orders.fifo\" ends with \".fifo\" but the topic is not FIFO"),
        "{err}"
    );
    assert!(
        err.contains("Messaging/Standard: [sns-topic] content_based_deduplication only applies to FIFO topics"),
        "{err}"
    );
}

#[test]
fn a_fifo_topic_renders_and_takes_fifo_queues() {
    let app = App::new();
    let stack = app.stack("Messaging", StackProps::default());
    let topic = Topic::new(
        &stack,
        "Actions",
        TopicProps {
            topic_name: Some("prod-action-requests.fifo".into()),
            fifo: true,
            content_based_deduplication: true,
            encryption: Some(TopicEncryption::AwsManaged),
            ..Default::default()
        },
    );
    let queue = Queue::new(
        &stack,
        "ActionQueue",
        QueueProps {
            fifo: true,
            ..Default::default()
        },
    );
    topic.add_subscription(Subscription::sqs(&queue));
    let t = template(&app);
    assert_eq!(
        resource(&t, &["Actions", "Resource"])["Properties"],
        json!({
            "ContentBasedDeduplication": true,
            "FifoTopic": true,
            "KmsMasterKeyId": "alias/aws/sns",
            "TopicName": "prod-action-requests.fifo"
        })
    );
}

#[test]
fn subscriptions_a_topic_cannot_deliver_to_are_synth_errors() {
    let app = App::new();
    let stack = app.stack("Messaging", StackProps::default());
    let fifo = Topic::new(
        &stack,
        "FifoTopic",
        TopicProps {
            fifo: true,
            ..Default::default()
        },
    );
    let standard = Topic::new(&stack, "StandardTopic", TopicProps::default());
    let fifo_queue = Queue::new(
        &stack,
        "FifoQueue",
        QueueProps {
            fifo: true,
            ..Default::default()
        },
    );
    fifo.add_subscription(Subscription::lambda(
        "arn:aws:lambda:us-east-1:123456789012:function:f",
    ));
    standard.add_subscription(Subscription::sqs(&fifo_queue));
    standard.add_subscription(Subscription::email("ops@example.com").raw_message_delivery());
    standard.add_subscription(Subscription::https("http://insecure.example.com"));
    let err = synth_error(&app);
    for expected in [
        "Messaging/FifoTopic: [sns-subscription] a FIFO topic delivers to SQS queues only, not Lambda",
        "Messaging/StandardTopic: [sns-subscription] FIFO queue Messaging/FifoQueue cannot subscribe to a standard topic",
        "Messaging/StandardTopic: [sns-subscription] raw message delivery applies to SQS and HTTPS subscriptions, not email",
        "Messaging/StandardTopic: [sns-subscription] \"http://insecure.example.com\" is not an HTTPS URL",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in {err}");
    }
}

#[test]
fn a_function_subscription_sits_under_the_function_with_its_permission() {
    use strata::lambda::{Code, Function, FunctionProps, Runtime};
    let app = App::new();
    let stack = app.stack("Messaging", StackProps::default());
    let topic = Topic::new(&stack, "Alerts", TopicProps::default());
    let router = Function::new(
        &stack,
        "AlertRouter",
        FunctionProps::new(
            Runtime::PYTHON_3_12,
            "index.handler",
            Code::inline("def handler(event, context):\n    return event\n"),
        ),
    );
    topic.add_subscription(Subscription::function(&router));
    let t = template(&app);
    let function_arn = arn(&["AlertRouter", "Resource"]);
    let topic_arn = reference(&["Alerts", "Resource"]);
    assert_eq!(
        resource(&t, &["AlertRouter", "Alerts", "Resource"])["Properties"],
        json!({"Endpoint": function_arn, "Protocol": "lambda", "TopicArn": topic_arn})
    );
    let permission = format!(
        "AllowInvoke:{}",
        strata::logical_id(&["Messaging", "Alerts"])
    );
    assert_eq!(
        resource(&t, &["AlertRouter", &permission])["Properties"],
        json!({
            "Action": "lambda:InvokeFunction",
            "FunctionName": function_arn,
            "Principal": "sns.amazonaws.com",
            "SourceArn": topic_arn
        })
    );
}
