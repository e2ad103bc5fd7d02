//! Test harness: a moto CloudFormation server on 127.0.0.1, stopped on
//! drop, with the SDK pointed at it, and assemblies built from JSON.
//!
//! Each test binary holds one test: the SDK settings are process-wide.
//!
//! The server is `STRATA_MOTO_SERVER` when set (then a missing binary is a
//! failure; `cargo xtask test` sets it), else `.venv/bin/moto_server` in the
//! workspace; when neither exists the tests are skipped with a message.
//! Starting and stopping it is `strata_deploy::moto::Server`.

#![allow(dead_code)]

use std::time::Duration;

use serde_json::{json, Value as Json};
use strata_deploy::moto::Server;
use strata_deploy::{CloudAssembly, DeployOptions};

/// Starts moto (`strata_deploy::moto::Server`) and points the SDK at it
/// (this process only), or returns `None`, after saying so, when moto is
/// not installed.
pub fn start(test: &str) -> Option<Server> {
    Server::start(env!("CARGO_MANIFEST_DIR")).unwrap_or_else(|e| panic!("{test}: {e:#}"))
}

/// Writes a one-stack assembly (agnostic environment) and reads it back.
pub fn assembly(test: &str, stack: &str, template: &Json) -> CloudAssembly {
    assembly_in(
        test,
        stack,
        template,
        "aws://unknown-account/unknown-region",
    )
}

/// An assembly whose one stack targets `environment` (`aws://account/region`).
#[allow(dead_code)]
pub fn assembly_in(test: &str, stack: &str, template: &Json, environment: &str) -> CloudAssembly {
    let dir = std::env::temp_dir().join(format!("strata-deploy-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = format!("{stack}.template.json");
    let manifest = json!({"version": "36.0.0", "artifacts": {stack: {
        "type": "aws:cloudformation:stack",
        "environment": environment,
        "properties": {"templateFile": file}}}});
    std::fs::write(dir.join("manifest.json"), manifest.to_string()).expect("manifest");
    std::fs::write(
        dir.join(&file),
        serde_json::to_string_pretty(template).expect("json"),
    )
    .expect("template");
    CloudAssembly::read(&dir).expect("assembly")
}

/// Deploy options for tests: no question, plain output, short timeout.
pub fn yes() -> DeployOptions {
    DeployOptions {
        yes: true,
        color: false,
        timeout: Duration::from_secs(120),
        ..DeployOptions::default()
    }
}

/// A DynamoDB table keyed by `key`.
pub fn table(key: &str) -> Json {
    json!({"Type": "AWS::DynamoDB::Table", "Properties": {
        "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": key, "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST"}})
}

/// A template of moto-supported types: VPC, subnets, security group, S3,
/// DynamoDB, SQS, SNS, IAM, KMS and a log group.
pub fn network_and_data(visibility_timeout: u32) -> Json {
    json!({
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
            "SubnetA": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.1.0/24"}},
            "SubnetB": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.2.0/24"}},
            "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "app", "VpcId": {"Ref": "Vpc"}}},
            "Bucket": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain"},
            "Table": table("pk"),
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": visibility_timeout}},
            "Topic": {"Type": "AWS::SNS::Topic"},
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}},
            "Key": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}]}}},
            "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 7}}
        }
    })
}
