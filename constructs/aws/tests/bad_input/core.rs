//! Core: construct ids, references, cycles, template limits, environments,
//! names and L1 schema constraints.

use strata::cfn::{sns, sqs};
use strata::prelude::*;

use super::{stack, stack_in, Case};

fn topic(scope: &Scope, id: &str) -> sns::TopicRef {
    scope.resource(id, sns::Topic::new())
}

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "duplicate construct id",
            path: "Bad/Worker",
            expect: "there is already a construct with id \"Worker\"",
            build: |app| {
                let s = stack(app);
                s.child("Worker");
                s.child("Worker");
            },
        },
        Case {
            name: "empty construct id",
            path: "Bad/",
            expect: "construct ids must not be empty",
            build: |app| {
                topic(&stack(app), "");
            },
        },
        Case {
            name: "resource outside a stack",
            path: "Loose/Topic",
            expect: "template elements must be added inside a Stack",
            build: |app| {
                topic(&app.root().child("Loose"), "Topic");
            },
        },
        Case {
            name: "two ids with the same logical id",
            path: "Bad/AB",
            expect: "logical ID AB is also used by Bad/A-B",
            build: |app| {
                let s = stack(app);
                topic(&s, "A-B");
                topic(&s, "AB");
            },
        },
        Case {
            name: "overridden logical id with punctuation",
            path: "Bad/Topic",
            expect: "must be 1 to 255 ASCII letters and digits",
            build: |app| {
                let s = stack(app);
                let t = topic(&s, "Topic");
                if let Some(scope) = s.of(&t) {
                    scope.override_logical_id("my-topic");
                }
            },
        },
        Case {
            name: "dangling Ref by name",
            path: "Bad/Topic",
            expect: "refers to \"Missing\", which is not a logical ID in this stack",
            build: |app| {
                stack(app).resource(
                    "Topic",
                    sns::Topic {
                        display_name: Some(Fn::ref_name("Missing")),
                        ..sns::Topic::new()
                    },
                );
            },
        },
        Case {
            name: "dangling Fn::Sub attribute",
            path: "Bad/Topic",
            expect: "\"Nothing\"",
            build: |app| {
                stack(app).resource(
                    "Topic",
                    sns::Topic {
                        display_name: Some(Fn::sub("${Nothing.Arn}")),
                        ..sns::Topic::new()
                    },
                );
            },
        },
        Case {
            name: "unknown pseudo parameter",
            path: "Bad/Topic",
            expect: "\"AWS::Regio\" is not a pseudo parameter",
            build: |app| {
                stack(app).resource(
                    "Topic",
                    sns::Topic {
                        display_name: Some(Fn::ref_name("AWS::Regio")),
                        ..sns::Topic::new()
                    },
                );
            },
        },
        Case {
            name: "reference cycle",
            path: "Bad/First",
            expect: "resources depend on each other in a cycle",
            build: |app| {
                let s = stack(app);
                let first = topic(&s, "First");
                let second = s.resource(
                    "Second",
                    sns::Topic {
                        display_name: Some(first.topic_arn()),
                        ..sns::Topic::new()
                    },
                );
                if let Some(scope) = s.of(&first) {
                    scope.with_resource::<sns::Topic>(|t| {
                        t.display_name = Some(second.topic_arn());
                    });
                }
            },
        },
        Case {
            name: "over 500 resources in one template",
            path: "Bad",
            expect: "the stack has 501 resources; CloudFormation allows at most 500",
            build: |app| {
                let s = stack(app);
                for i in 0..501 {
                    topic(&s, &format!("Topic{i}"));
                }
            },
        },
        Case {
            name: "reference across accounts",
            path: "Consumer/Queue",
            expect: "deploy can pass values only between stacks in the same environment",
            build: |app| {
                let producer = stack_in(app, "Producer", "111111111111", "us-east-1");
                let consumer = stack_in(app, "Consumer", "222222222222", "us-east-1");
                let t = topic(&producer, "Topic");
                consumer.resource(
                    "Queue",
                    sqs::Queue {
                        queue_name: Some(t.topic_arn()),
                        ..sqs::Queue::new()
                    },
                );
            },
        },
        Case {
            name: "stack name CloudFormation rejects",
            path: "Bad",
            expect: "stack name \"bird agent\" is invalid",
            build: |app| {
                let s = app.stack(
                    "Bad",
                    StackProps {
                        stack_name: Some("bird agent".into()),
                        ..StackProps::default()
                    },
                );
                topic(&s, "Topic");
            },
        },
        Case {
            name: "stack description over 1024 bytes",
            path: "Bad",
            expect: "the description is 1100 bytes; CloudFormation takes at most 1024",
            build: |app| {
                let s = app.stack(
                    "Bad",
                    StackProps {
                        description: Some("d".repeat(1100)),
                        ..StackProps::default()
                    },
                );
                topic(&s, "Topic");
            },
        },
        Case {
            name: "tag key in the reserved aws: namespace",
            path: "Bad",
            expect: "tag key \"aws:owner\" is invalid",
            build: |app| {
                let s = stack(app);
                s.add_tag("aws:owner", "platform");
                topic(&s, "Topic");
            },
        },
        Case {
            name: "tag value over 256 characters",
            path: "Bad/Topic",
            expect: "the value of tag \"Owner\" is 300 characters long",
            build: |app| {
                let s = stack(app);
                let t = topic(&s, "Topic");
                if let Some(scope) = s.of(&t) {
                    scope.add_tag("Owner", &"x".repeat(300));
                }
            },
        },
        Case {
            name: "L1 number above the schema maximum",
            path: "Bad/Queue",
            expect: "property DelaySeconds: [maximum] 901 is above the maximum 900",
            build: |app| {
                stack(app).resource(
                    "Queue",
                    sqs::Queue {
                        delay_seconds: Some(901.into()),
                        ..sqs::Queue::new()
                    },
                );
            },
        },
        Case {
            name: "L1 tag key shorter than the schema minimum",
            path: "Bad/Queue",
            expect: "property Tags.0.Key: [min-length]",
            build: |app| {
                stack(app).resource(
                    "Queue",
                    sqs::Queue {
                        tags: Some(Value::list([sqs::queue::Tag::new("", "x")])),
                        ..sqs::Queue::new()
                    },
                );
            },
        },
    ]
}
