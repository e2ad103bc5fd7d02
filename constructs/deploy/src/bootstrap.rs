//! `bootstrap`: a small staging stack per environment, deployed through the
//! same change-set path: an encrypted, versioned S3 bucket with Block
//! Public Access, an SSL-only policy and a lifecycle for old objects.
//! Deploy finds the bucket through the stack's resource `StagingBucket`.

use anyhow::Result;
use aws_sdk_cloudformation::Client;
use serde_json::{json, Value as Json};

use crate::assembly::StackArtifact;

/// The bootstrap stack's name.
pub const BOOTSTRAP_STACK: &str = "StrataBootstrap";

/// The logical id of the staging bucket in the bootstrap stack.
pub const STAGING_BUCKET_ID: &str = "StagingBucket";

/// The bootstrap template.
pub fn template() -> Json {
    json!({
        "Description": "Strata bootstrap: staging bucket for large templates and assets",
        "Resources": {
            STAGING_BUCKET_ID: {
                "Type": "AWS::S3::Bucket",
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
                "Properties": {
                    // The conventional name that asset locations in templates use.
                    "BucketName": {"Fn::Sub": strata_core::STAGING_BUCKET_NAME},
                    "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": true, "BlockPublicPolicy": true,
                        "IgnorePublicAcls": true, "RestrictPublicBuckets": true},
                    "LifecycleConfiguration": {"Rules": [{
                        "Id": "ExpireOldVersions", "Status": "Enabled",
                        "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}]}
                }
            },
            "StagingBucketPolicy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {
                    "Bucket": {"Ref": STAGING_BUCKET_ID},
                    "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                        "Sid": "SslOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                        "Resource": [
                            {"Fn::GetAtt": [STAGING_BUCKET_ID, "Arn"]},
                            {"Fn::Join": ["", [{"Fn::GetAtt": [STAGING_BUCKET_ID, "Arn"]}, "/*"]]}],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
                }
            }
        },
        "Outputs": {"BucketName": {"Value": {"Ref": STAGING_BUCKET_ID}}}
    })
}

/// The bootstrap stack for `region` (`None`: the region of the AWS chain).
pub fn artifact(region: Option<String>) -> StackArtifact {
    let template = template();
    StackArtifact {
        id: BOOTSTRAP_STACK.into(),
        stack_name: BOOTSTRAP_STACK.into(),
        account: None,
        environment: format!(
            "aws://unknown-account/{}",
            region.as_deref().unwrap_or("unknown-region")
        ),
        region,
        template_file: format!("{BOOTSTRAP_STACK}.template.json"),
        template_body: serde_json::to_string_pretty(&template).unwrap_or_default(),
        template,
        dependencies: Vec::new(),
        termination_protection: false,
        parameter_sources: Vec::new(),
    }
}

/// The staging bucket of the bootstrap stack, if the region is bootstrapped.
pub async fn staging_bucket(client: &Client) -> Result<Option<String>> {
    let found = client
        .describe_stack_resource()
        .stack_name(BOOTSTRAP_STACK)
        .logical_resource_id(STAGING_BUCKET_ID)
        .send()
        .await;
    Ok(found.ok().and_then(|out| {
        out.stack_resource_detail()
            .and_then(|d| d.physical_resource_id())
            .map(str::to_string)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_staging_bucket_is_private_encrypted_versioned_and_ssl_only() {
        let t = template();
        let props = &t["Resources"][STAGING_BUCKET_ID]["Properties"];
        assert_eq!(
            props["BucketName"]["Fn::Sub"],
            "strata-staging-${AWS::AccountId}-${AWS::Region}"
        );
        assert_eq!(props["VersioningConfiguration"]["Status"], "Enabled");
        assert_eq!(
            props["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"],
            true
        );
        assert!(props["BucketEncryption"].is_object());
        assert!(
            props["LifecycleConfiguration"]["Rules"][0]["NoncurrentVersionExpiration"].is_object()
        );
        let policy = &t["Resources"]["StagingBucketPolicy"]["Properties"]["PolicyDocument"];
        assert_eq!(
            policy["Statement"][0]["Condition"]["Bool"]["aws:SecureTransport"],
            "false"
        );
        let a = artifact(Some("eu-west-1".into()));
        assert_eq!(a.environment, "aws://unknown-account/eu-west-1");
        assert_eq!(serde_json::from_str::<Json>(&a.template_body).ok(), Some(t));
    }
}
