//! Against moto: a template over 51,200 bytes is refused without a
//! staging bucket, and goes through S3 (TemplateURL) with one, uploaded
//! once per content.

mod common;

use serde_json::json;
use strata_deploy::{deploy, stack_diffs, Outcome, MAX_INLINE_TEMPLATE_BYTES};

#[test]
fn large_templates_go_through_the_staging_bucket() {
    let Some(_moto) = common::start("large_templates_go_through_the_staging_bucket") else {
        return;
    };
    let opts = common::yes();
    // The staging bucket, deployed through the same path.
    let bucket = json!({"Resources": {"Staging": {"Type": "AWS::S3::Bucket",
        "Properties": {"BucketName": "strata-staging-test"}}}});
    deploy(&common::assembly("staging", "Staging", &bucket), &[], &opts).expect("bucket");

    let large = json!({
        "Metadata": {"Padding": "x".repeat(MAX_INLINE_TEMPLATE_BYTES)},
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}});
    let asm = common::assembly("large", "Large", &large);
    assert!(asm.stacks[0].template_body.len() > MAX_INLINE_TEMPLATE_BYTES);
    let err = format!("{:#}", deploy(&asm, &[], &opts).expect_err("too large"));
    assert!(
        err.contains("over CloudFormation's 51200-byte limit"),
        "{err}"
    );
    assert!(err.contains("--staging-bucket"), "{err}");

    let mut staged = opts.clone();
    staged.staging_bucket = Some("strata-staging-test".into());
    assert_eq!(
        deploy(&asm, &[], &staged).expect("staged"),
        [Outcome::Deployed]
    );
    assert!(stack_diffs(&asm, &[]).expect("diff")[0].diff.is_empty());
    assert_eq!(
        deploy(&asm, &[], &staged).expect("again"),
        [Outcome::NoChanges]
    );
}
