//! The README's example app synthesizes as the README says.

use strata::cfn::s3;
use strata::prelude::*;

#[test]
fn readme_example_gets_the_cdk_logical_id_and_a_typed_attribute() {
    let app = App::new();
    let stack = app.stack("Storage", StackProps::default());
    let bucket = stack.child("Media").resource_with(
        "Resource",
        s3::Bucket {
            versioning_configuration: Some(
                s3::bucket::VersioningConfiguration::new("Enabled").into(),
            ),
            ..s3::Bucket::default()
        },
        ResourceOptions::removal(RemovalPolicy::Retain),
    );
    stack.output("MediaBucketArn", Output::new(bucket.arn()));
    let t = &app.synth().expect("valid").stacks[0].template;
    assert_eq!(t["Resources"]["MediaA721A567"]["Type"], "AWS::S3::Bucket");
    assert_eq!(
        t["Outputs"]["MediaBucketArn"]["Value"]["Fn::GetAtt"][0],
        "MediaA721A567"
    );
    assert_eq!(
        t["Outputs"]["MediaBucketArn"]["Value"]["Fn::GetAtt"][1],
        "Arn"
    );
}
