//! Against moto: `--prepare-only` leaves a change set that `--execute`
//! runs later.

mod common;

use serde_json::json;
use strata_deploy::{deploy, stack_diffs, Outcome};

#[test]
fn prepare_then_execute() {
    let Some(_moto) = common::start("prepare_then_execute") else {
        return;
    };
    let asm = common::assembly(
        "prepare",
        "Prepared",
        &json!({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}),
    );
    let mut opts = common::yes();
    opts.prepare_only = true;
    let outcomes = deploy(&asm, &[], &opts).expect("prepare");
    let [Outcome::Prepared(name)] = outcomes.as_slice() else {
        panic!("expected a prepared change set");
    };
    opts.prepare_only = false;
    opts.execute = Some(name.clone());
    assert_eq!(
        deploy(&asm, &[], &opts).expect("execute"),
        [Outcome::Deployed]
    );
    assert!(stack_diffs(&asm, &[]).expect("diff")[0].diff.is_empty());
}
