//! Against moto: bootstrap deploys the staging stack (then is a no-op),
//! and a large template finds its bucket without a flag.

mod common;

use serde_json::json;
use strata_deploy::{bootstrap, deploy, stack_diffs, Outcome, MAX_INLINE_TEMPLATE_BYTES};

#[test]
fn bootstrap_then_deploy_a_large_template() {
    let Some(_moto) = common::start("bootstrap_then_deploy_a_large_template") else {
        return;
    };
    let opts = common::yes();
    assert_eq!(
        bootstrap(&[None], &opts).expect("bootstrap"),
        [Outcome::Deployed]
    );
    assert_eq!(
        bootstrap(&[None], &opts).expect("again"),
        [Outcome::NoChanges]
    );

    let large = json!({
        "Metadata": {"Padding": "x".repeat(MAX_INLINE_TEMPLATE_BYTES)},
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}});
    let asm = common::assembly("bootstrapped", "Large", &large);
    assert_eq!(
        deploy(&asm, &[], &opts).expect("staged"),
        [Outcome::Deployed]
    );
    assert!(stack_diffs(&asm, &[]).expect("diff")[0].diff.is_empty());
}
