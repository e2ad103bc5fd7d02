//! Against moto: a stack meant for another account is refused before
//! anything is created, and one for the caller's account deploys. (One
//! test per file: the harness points the whole process at its server.)

mod common;

use serde_json::json;
use strata_deploy::deploy;

#[test]
fn a_stack_for_another_account_is_refused() {
    let Some(_moto) = common::start("a_stack_for_another_account_is_refused") else {
        return;
    };
    let queue = json!({"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}});
    // moto's credentials belong to account 123456789012.
    let elsewhere = common::assembly_in(
        "other-account",
        "Elsewhere",
        &queue,
        "aws://111111111111/us-east-1",
    );
    let err = deploy(&elsewhere, &[], &common::yes())
        .expect_err("wrong account")
        .to_string();
    assert!(
        err.contains("stack Elsewhere targets account 111111111111"),
        "{err}"
    );
    assert!(err.contains("belong to account 123456789012"), "{err}");
    let here = common::assembly_in(
        "this-account",
        "Here",
        &queue,
        "aws://123456789012/us-east-1",
    );
    assert_eq!(
        deploy(&here, &[], &common::yes()).expect("right account"),
        [strata_deploy::Outcome::Deployed]
    );
}
