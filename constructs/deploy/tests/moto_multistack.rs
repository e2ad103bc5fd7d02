//! Against moto: stacks deploy after the stacks they depend on, a failure
//! stops its dependents, and independent stacks still deploy.

mod common;

use serde_json::json;
use strata_deploy::{deploy, CloudAssembly};

fn assembly(test: &str, stacks: &[(&str, serde_json::Value, &[&str])]) -> CloudAssembly {
    let dir = std::env::temp_dir().join(format!("strata-deploy-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut artifacts = serde_json::Map::new();
    for (id, template, deps) in stacks {
        let file = format!("{id}.template.json");
        std::fs::write(dir.join(&file), template.to_string()).expect("template");
        artifacts.insert(
            id.to_string(),
            json!({"type": "aws:cloudformation:stack",
                   "environment": "aws://unknown-account/unknown-region",
                   "properties": {"templateFile": file},
                   "dependencies": deps}),
        );
    }
    std::fs::write(
        dir.join("manifest.json"),
        json!({"version": "36.0.0", "artifacts": artifacts}).to_string(),
    )
    .expect("manifest");
    CloudAssembly::read(&dir).expect("assembly")
}

#[test]
fn a_failed_stack_stops_its_dependents_and_not_the_others() {
    let Some(_moto) = common::start("a_failed_stack_stops_its_dependents_and_not_the_others")
    else {
        return;
    };
    let queue = json!({"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}});
    let broken = json!({"Resources": {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
        "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "192.168.1.0/24"}}}});
    let asm = assembly(
        "multistack",
        &[
            ("Base", broken, &[]),
            ("Middle", queue.clone(), &["Base"]),
            ("Leaf", queue.clone(), &["Middle"]),
            ("Side", queue, &[]),
        ],
    );
    let names: Vec<&str> = asm.stacks.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(names, ["Base", "Middle", "Leaf", "Side"]);
    let err = deploy(&asm, &[], &common::yes())
        .expect_err("Base fails")
        .to_string();
    assert!(err.contains("stack Base"), "{err}");
    assert!(
        err.contains("not deployed because a stack they depend on failed: Middle, Leaf"),
        "{err}"
    );
    // Side does not depend on Base: it was deployed, and the others were not.
    let fresh = common::yes();
    let side = assembly(
        "multistack-side",
        &[(
            "Side",
            json!({"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}}),
            &[],
        )],
    );
    assert_eq!(
        deploy(&side, &[], &fresh).expect("side again"),
        [strata_deploy::Outcome::NoChanges]
    );
    let middle = assembly(
        "multistack-middle",
        &[(
            "Middle",
            json!({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}),
            &[],
        )],
    );
    let diffs = strata_deploy::stack_diffs(&middle, &[]).expect("diff");
    assert!(!diffs[0].deployed, "Middle must not exist: {diffs:?}");
}
