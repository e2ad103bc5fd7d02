//! Against moto: create → update (a property change and an added
//! resource) → no-op → destroy, and diff against the deployed stack.

mod common;

use std::time::Instant;

use serde_json::json;
use strata_deploy::diff::render;
use strata_deploy::{deploy, destroy, stack_diffs, Outcome};

#[test]
fn create_update_noop_destroy() {
    let Some(_moto) = common::start("create_update_noop_destroy") else {
        return;
    };
    let v1 = common::network_and_data(30);
    let mut v2 = common::network_and_data(60);
    v2["Resources"]["Dlq"] = json!({"Type": "AWS::SQS::Queue"});
    let opts = common::yes();
    let started = Instant::now();

    let asm = common::assembly("cycle-v1", "Cycle", &v1);
    let before = stack_diffs(&asm, &[]).expect("diff before create");
    assert!(!before[0].deployed);
    assert_eq!(before[0].diff.resources.len(), 11);
    assert_eq!(
        deploy(&asm, &[], &opts).expect("create"),
        [Outcome::Deployed]
    );
    assert!(stack_diffs(&asm, &[]).expect("diff")[0].diff.is_empty());

    let asm = common::assembly("cycle-v2", "Cycle", &v2);
    let pending = stack_diffs(&asm, &[]).expect("diff before update");
    assert!(pending[0].deployed);
    assert_eq!(
        render(&pending[0].diff, false),
        "[+] AWS::SQS::Queue Dlq\n[~] AWS::SQS::Queue Queue\n    ~ Properties/VisibilityTimeout\n"
    );
    assert_eq!(
        deploy(&asm, &[], &opts).expect("update"),
        [Outcome::Deployed]
    );
    assert!(stack_diffs(&asm, &[]).expect("diff")[0].diff.is_empty());

    assert_eq!(
        deploy(&asm, &[], &opts).expect("no-op"),
        [Outcome::NoChanges]
    );

    destroy(&asm, &[], true, opts.timeout).expect("destroy");
    assert!(!stack_diffs(&asm, &[]).expect("diff after destroy")[0].deployed);
    eprintln!(
        "create → update → no-op → destroy against moto: {:.2} s",
        started.elapsed().as_secs_f64()
    );
}
