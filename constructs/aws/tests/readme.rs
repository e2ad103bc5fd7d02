//! The README's example app synthesizes as the README says.

use strata::prelude::*;
use strata::s3::{Bucket, BucketProps, LifecycleRule, StorageClass};

#[test]
fn readme_example_gets_the_cdk_logical_id_and_secure_defaults() {
    let app = App::new();
    let stack = app.stack("Storage", StackProps::default());
    let media = Bucket::new(
        &stack,
        "Media",
        BucketProps {
            versioned: true,
            lifecycle_rules: vec![LifecycleRule::new("tiering")
                .transition(StorageClass::StandardIa, 30)
                .transition(StorageClass::Glacier, 90)],
            ..Default::default()
        },
    );
    stack.output("MediaBucketArn", Output::new(media.bucket_arn()));
    let t = &app.synth().expect("valid").stacks[0].template;
    let bucket = &t["Resources"]["MediaA721A567"];
    assert_eq!(bucket["Type"], "AWS::S3::Bucket");
    assert_eq!(bucket["DeletionPolicy"], "Retain");
    assert_eq!(
        bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
            ["ServerSideEncryptionByDefault"]["SSEAlgorithm"],
        "AES256"
    );
    assert_eq!(
        bucket["Properties"]["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"],
        true
    );
    // TLS-only through the bucket policy.
    let policy = &t["Resources"][strata::logical_id(&["Media", "Policy", "Resource"]).as_str()];
    assert_eq!(
        policy["Properties"]["PolicyDocument"]["Statement"][0]["Condition"]["Bool"]
            ["aws:SecureTransport"],
        "false"
    );
    assert_eq!(
        t["Outputs"]["MediaBucketArn"]["Value"],
        serde_json::json!({"Fn::GetAtt": ["MediaA721A567", "Arn"]})
    );
}
