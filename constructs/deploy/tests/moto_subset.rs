//! Against moto: the subset of a two-stack assembly deploys through change
//! sets, the consumer reading its cross-stack parameter from the
//! producer's outputs (which the harness makes moto publish), and what
//! depended on an unsupported resource, across the stacks, is left out.

use serde_json::json;
use strata_core::PARAMETER_SOURCE;
use strata_deploy::moto::{self, Server};
use strata_deploy::subset::{Kind, TypeSet};
use strata_deploy::CloudAssembly;

#[test]
fn a_subset_with_cross_stack_wiring_deploys_and_is_destroyed() {
    let Some(_server) = Server::start(env!("CARGO_MANIFEST_DIR")).expect("moto starts") else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("strata-moto-subset-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("full")).expect("dir");
    let producer = json!({"Resources": {
            "Jobs": {"Type": "AWS::SQS::Queue"},
            // moto does not create queue policies.
            "JobsPolicy": {"Type": "AWS::SQS::QueuePolicy", "Properties": {
                "Queues": [{"Ref": "Jobs"}],
                "PolicyDocument": {"Version": "2012-10-17", "Statement": []}}}},
        "Outputs": {
            "JobsArn": {"Value": {"Fn::GetAtt": ["Jobs", "Arn"]}},
            "PolicyId": {"Value": {"Ref": "JobsPolicy"}}}});
    let consumer = json!({
        "Parameters": {"JobsArn": {"Type": "String"}, "PolicyId": {"Type": "String"}},
        "Resources": {
            "Alerts": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": {"Ref": "JobsArn"}}},
            "Audit": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": {"Ref": "PolicyId"}}}}});
    let source = |parameter: &str| {
        json!({"type": PARAMETER_SOURCE,
               "data": {"parameter": parameter, "stack": "Producer", "output": parameter}})
    };
    let manifest = json!({"version": "36.0.0", "artifacts": {
        "Producer": {"type": "aws:cloudformation:stack",
                     "environment": format!("aws://{}/us-east-1", moto::ACCOUNT),
                     "properties": {"templateFile": "Producer.template.json"}},
        "Consumer": {"type": "aws:cloudformation:stack",
                     "environment": format!("aws://{}/us-east-1", moto::ACCOUNT),
                     "properties": {"templateFile": "Consumer.template.json"},
                     "dependencies": ["Producer"],
                     "metadata": {"/Consumer": [source("JobsArn"), source("PolicyId")]}}}});
    for (file, value) in [
        ("Producer.template.json", producer),
        ("Consumer.template.json", consumer),
        ("manifest.json", manifest),
    ] {
        std::fs::write(dir.join("full").join(file), value.to_string()).expect("write");
    }
    let asm = CloudAssembly::read(&dir.join("full")).expect("assembly");

    let report = moto::deploy_and_destroy(
        &asm,
        "two stacks",
        &TypeSet::moto(),
        &[],
        &dir.join("subset"),
    )
    .expect("deployed and destroyed");
    println!("{report}");
    let listed: Vec<(&str, &[String])> = report
        .stacks
        .iter()
        .map(|s| (s.id.as_str(), s.resources.as_slice()))
        .collect();
    assert_eq!(
        listed,
        [
            ("Producer", &["Jobs".to_string()][..]),
            ("Consumer", &["Alerts".to_string()][..])
        ]
    );
    // The producer published the output the consumer was deployed with.
    assert_eq!(report.stacks[0].outputs, 1);
    let dropped: Vec<(&str, &str, &Kind)> = report
        .subset
        .dropped
        .iter()
        .map(|d| (d.stack.as_str(), d.logical_id.as_str(), &d.kind))
        .collect();
    assert_eq!(
        dropped,
        [
            (
                "Producer",
                "JobsPolicy",
                &Kind::Resource("AWS::SQS::QueuePolicy".into())
            ),
            ("Producer", "PolicyId", &Kind::Output),
            ("Consumer", "PolicyId", &Kind::Parameter),
            (
                "Consumer",
                "Audit",
                &Kind::Resource("AWS::SNS::Topic".into())
            ),
        ]
    );
    std::fs::remove_dir_all(&dir).ok();
}
