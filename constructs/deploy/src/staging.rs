//! Templates over CloudFormation's inline limit go through an S3 staging
//! bucket and are passed as TemplateURL.

use anyhow::{anyhow, bail, Result};
use aws_sdk_s3::primitives::ByteStream;
use md5::{Digest, Md5};

use crate::assembly::StackArtifact;
use crate::MAX_INLINE_TEMPLATE_BYTES;

/// How a template reaches CloudFormation.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplateSource {
    /// Inline (TemplateBody).
    Body,
    /// Uploaded to S3 (TemplateURL).
    Url(String),
}

/// The staging key of a template: stack id and content hash, so an
/// unchanged template is uploaded once.
pub fn template_key(s: &StackArtifact) -> String {
    let hash: String = Md5::digest(s.template_body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("strata/templates/{}/{hash}.json", s.id)
}

/// The path-style URL CloudFormation reads a staged template from.
pub fn template_url(region: &str, bucket: &str, key: &str) -> String {
    format!("https://s3.{region}.amazonaws.com/{bucket}/{key}")
}

/// Inline when the template fits; otherwise uploads it to `bucket` (once
/// per content hash) and returns its URL. The bucket defaults to the
/// bootstrap stack's; without one an oversized template is an error
/// that says what to do.
pub async fn stage(
    s3: &aws_sdk_s3::Client,
    cfn: &aws_sdk_cloudformation::Client,
    region: &str,
    bucket: Option<&str>,
    s: &StackArtifact,
) -> Result<TemplateSource> {
    let size = s.template_body.len();
    if size <= MAX_INLINE_TEMPLATE_BYTES {
        return Ok(TemplateSource::Body);
    }
    let bootstrapped = match bucket {
        Some(_) => None,
        None => crate::bootstrap::staging_bucket(cfn).await?,
    };
    let Some(bucket) = bucket.or(bootstrapped.as_deref()) else {
        bail!(
            "the template of stack {} is {size} bytes, over CloudFormation's {MAX_INLINE_TEMPLATE_BYTES}-byte \
             limit for inline templates; run `cargo xtask bootstrap` for {region}, or pass \
             --staging-bucket <an S3 bucket in {region}>, to upload it",
            s.stack_name
        );
    };
    let key = template_key(s);
    let exists = s3
        .head_object()
        .bucket(bucket)
        .key(&key)
        .send()
        .await
        .is_ok();
    if exists {
        println!("  template already staged at s3://{bucket}/{key}");
    } else {
        s3.put_object()
            .bucket(bucket)
            .key(&key)
            .content_type("application/json")
            .body(ByteStream::from(s.template_body.clone().into_bytes()))
            .send()
            .await
            .map_err(|e| {
                anyhow!(
                    "uploading the template of stack {} to s3://{bucket}/{key}: {}",
                    s.stack_name,
                    aws_sdk_s3::error::DisplayErrorContext(&e)
                )
            })?;
        println!("  template ({size} bytes) staged at s3://{bucket}/{key}");
    }
    Ok(TemplateSource::Url(template_url(region, bucket, &key)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_the_content_and_urls_are_path_style() {
        let mut s = crate::mock_tests::artifact();
        let a = template_key(&s);
        assert!(
            a.starts_with("strata/templates/App/") && a.ends_with(".json"),
            "{a}"
        );
        s.template_body.push(' ');
        assert_ne!(template_key(&s), a);
        assert_eq!(
            template_url("eu-west-1", "b", "k/x.json"),
            "https://s3.eu-west-1.amazonaws.com/b/k/x.json"
        );
    }
}
