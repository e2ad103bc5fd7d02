//! The Kinesis stream L2: capacity modes, retention, encryption, grants
//! and synth errors.

use serde_json::{json, Value as Json};
use strata::iam::{Principal, Role, RoleProps};
use strata::kinesis::{Capacity, Stream, StreamEncryption, StreamProps};
use strata::kms::{Key, KeyProps};
use strata::prelude::*;
use strata::sqs::CustomerKey;

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

#[test]
fn the_default_stream_has_one_shard_a_day_of_retention_the_aws_key_and_is_retained() {
    let app = App::new();
    let stack = app.stack("Analytics", StackProps::default());
    Stream::new(&stack, "Events", StreamProps::default());
    let t = template(&app);
    let s = resource(&t, &["Events", "Resource"]);
    assert_eq!(s["Type"], "AWS::Kinesis::Stream");
    assert_eq!(
        s["Properties"],
        json!({
            "RetentionPeriodHours": 24,
            "ShardCount": 1,
            "StreamEncryption": {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"},
            "StreamModeDetails": {"StreamMode": "PROVISIONED"}
        })
    );
    assert_eq!(s["DeletionPolicy"], "Retain");
}

#[test]
fn an_on_demand_stream_with_a_customer_key_grants_the_key_with_reads_and_writes() {
    let app = App::new();
    let stack = app.stack("Analytics", StackProps::default());
    let key = Key::new(&stack, "Key", KeyProps::default());
    let stream = Stream::new(
        &stack,
        "AnalyticsStream",
        StreamProps {
            stream_name: Some("analytics-stream".into()),
            capacity: Capacity::OnDemand,
            retention_hours: 8760,
            encryption: StreamEncryption::Kms(CustomerKey::Key(key)),
            ..Default::default()
        },
    );
    let reader = Role::new(
        &stack,
        "Reader",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    );
    let writer = Role::new(
        &stack,
        "Writer",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    );
    stream.grant_read(&reader);
    stream.grant_write(&writer);
    stack.output("Name", Output::new(stream.stream_name()));
    let t = template(&app);
    let key_arn = arn(&["Key", "Resource"]);
    let stream_arn = arn(&["AnalyticsStream", "Resource"]);
    assert_eq!(
        resource(&t, &["AnalyticsStream", "Resource"])["Properties"],
        json!({
            "Name": "analytics-stream",
            "RetentionPeriodHours": 8760,
            "StreamEncryption": {"EncryptionType": "KMS", "KeyId": key_arn},
            "StreamModeDetails": {"StreamMode": "ON_DEMAND"}
        })
    );
    let statements = |role: &str| {
        resource(&t, &[role, "DefaultPolicy", "Resource"])["Properties"]["PolicyDocument"]
            ["Statement"]
            .clone()
    };
    assert_eq!(
        statements("Reader"),
        json!([
            {"Action": "kms:Decrypt", "Effect": "Allow", "Resource": key_arn},
            {"Action": [
                "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator",
                "kinesis:ListShards", "kinesis:SubscribeToShard", "kinesis:DescribeStream",
                "kinesis:DescribeStreamConsumer"
            ], "Effect": "Allow", "Resource": stream_arn}
        ])
    );
    assert_eq!(
        statements("Writer"),
        json!([
            {"Action": ["kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"], "Effect": "Allow", "Resource": key_arn},
            {"Action": ["kinesis:ListShards", "kinesis:PutRecord", "kinesis:PutRecords"], "Effect": "Allow", "Resource": stream_arn}
        ])
    );
    assert_eq!(
        t["Outputs"]["Name"]["Value"],
        json!({"Ref": strata::logical_id(&["AnalyticsStream", "Resource"])})
    );
}

#[test]
fn retention_shards_and_names_out_of_range_are_synth_errors() {
    let app = App::new();
    let stack = app.stack("Analytics", StackProps::default());
    Stream::new(
        &stack,
        "Short",
        StreamProps {
            retention_hours: 23,
            capacity: Capacity::Provisioned { shards: 0 },
            ..Default::default()
        },
    );
    Stream::new(
        &stack,
        "Long",
        StreamProps {
            stream_name: Some("analytics stream".into()),
            retention_hours: 8761,
            ..Default::default()
        },
    );
    let err = app.synth().expect_err("synth must fail").to_string();
    for expected in [
        "Analytics/Short: [kinesis-stream] a retention of 23 hours is out of range; use 24 to 8760 hours (365 days)",
        "Analytics/Short: [kinesis-stream] a provisioned stream needs at least 1 shard",
        "Analytics/Long: [kinesis-stream] a retention of 8761 hours is out of range",
        "Analytics/Long: [kinesis-stream] stream name \"analytics stream\" is invalid",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in {err}");
    }
}
