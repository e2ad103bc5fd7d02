//! The packs pass on what the L2 constructs synthesize with their
//! defaults: secure defaults are what a construct's user expects.

use strata::dynamodb::{Attribute, Table, TableProps};
use strata::ec2::{Peer, Port, SecurityGroup, SecurityGroupProps};
use strata::logs::{LogGroup, LogGroupProps};
use strata::prelude::*;
use strata::s3::{Bucket, BucketProps};
use strata::sqs::{Queue, QueueProps};
use strata_guard::{evaluate, Options};

#[test]
fn default_l2_resources_pass_every_pack() {
    let app = App::new();
    let stack = app.stack("Defaults", StackProps::default());
    Bucket::new(&stack, "Bucket", BucketProps::default());
    Table::new(&stack, "Table", TableProps::new(Attribute::string("pk")));
    Queue::new(&stack, "Queue", QueueProps::default());
    LogGroup::new(&stack, "Logs", LogGroupProps::default());
    let app_tier = SecurityGroup::new(
        &stack,
        "App",
        SecurityGroupProps {
            vpc_id: "vpc-1".into(),
            description: Some("app tier".into()),
            ..Default::default()
        },
    );
    app_tier.allow_from(Peer::ipv4("10.0.0.0/16"), Port::tcp(8080), "from the VPC");
    let assembly = app.synth().expect("synth");
    let template = &assembly.stacks[0].template;
    let report = evaluate(template, &Options::default()).expect("evaluate");
    assert!(report.passed(), "{report:#?}");
    for rule in [
        "S3_BUCKET_ENCRYPTED",
        "S3_BUCKET_PUBLIC_ACCESS_BLOCKED",
        "S3_BUCKET_SSL_REQUESTS_ONLY",
        "DYNAMODB_PITR_ENABLED",
        "SQS_QUEUE_ENCRYPTED",
        "LOG_GROUP_RETENTION_SET",
    ] {
        assert!(
            report.passed_rules.iter().any(|r| r == rule),
            "{rule} applied: {report:#?}"
        );
    }
}

#[test]
fn a_suppression_written_by_the_construct_api_is_honoured() {
    let app = App::new();
    let stack = app.stack("Edge", StackProps::default());
    let public = SecurityGroup::new(
        &stack,
        "Public",
        SecurityGroupProps {
            vpc_id: "vpc-1".into(),
            description: Some("public entry".into()),
            ..Default::default()
        },
    );
    public.allow_from(Peer::any_ipv4(), Port::tcp(443), "HTTPS from anywhere");
    let unsuppressed = evaluate(
        &app.synth().expect("synth").stacks[0].template,
        &Options::default(),
    )
    .expect("evaluate");
    assert_eq!(unsuppressed.failures.len(), 1, "{unsuppressed:#?}");
    assert_eq!(unsuppressed.failures[0].rule, "SECURITY_GROUP_OPEN_INGRESS");

    strata::guard::suppress(
        public.scope(),
        "SECURITY_GROUP_OPEN_INGRESS",
        "the public entry",
    );
    let report = evaluate(
        &app.synth().expect("synth").stacks[0].template,
        &Options::default(),
    )
    .expect("evaluate");
    assert!(report.passed(), "{report:#?}");
    assert_eq!(report.suppressions[0].reason, "the public entry");
    assert!(report.suppressions[0].silenced);
}

#[test]
fn a_suppression_without_a_reason_fails_synth() {
    let app = App::new();
    let stack = app.stack("Edge", StackProps::default());
    let logs = LogGroup::new(&stack, "Logs", LogGroupProps::default());
    strata::guard::suppress(logs.scope(), "LOG_GROUP_RETENTION_SET", " ");
    let err = app.synth().expect_err("no reason");
    assert!(err.to_string().contains("reason"), "{err}");
}
