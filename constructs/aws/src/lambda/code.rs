//! Where a function's code comes from: an S3 object, inline source, or a
//! local directory uploaded as an asset at deploy.

use std::path::PathBuf;

use strata_cfn::lambda::function as l1;
use strata_core::{Scope, Value};

use super::runtime::Runtime;

/// The longest inline source CloudFormation accepts in `Code.ZipFile`.
pub const MAX_INLINE_CODE: usize = 4096;

/// A function's deployment package.
///
/// ```
/// use strata::lambda::Code;
/// let s3 = Code::from_bucket("tool-artifacts", "data-access/v3.zip");
/// let inline = Code::inline("def handler(event, context):\n    return event\n");
/// let local = Code::from_asset(concat!(env!("CARGO_MANIFEST_DIR"), "/src"));
/// # let _ = (s3, inline, local);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Code {
    /// A zip object in S3 (same region as the function).
    S3 {
        /// The bucket name.
        bucket: Value<String>,
        /// The object key.
        key: Value<String>,
        /// The object version, for versioned buckets.
        object_version: Option<Value<String>>,
    },
    /// Source text CloudFormation writes to `index.py` / `index.js` and zips
    /// (Python and Node.js runtimes, at most 4096 characters).
    Inline(String),
    /// A local file or directory, registered with `Scope::file_asset` at
    /// `<function>/Code` and uploaded (a directory as a zip) at deploy.
    Asset(PathBuf),
}

impl Code {
    /// An S3 object.
    pub fn from_bucket(bucket: impl Into<Value<String>>, key: impl Into<Value<String>>) -> Code {
        Code::S3 {
            bucket: bucket.into(),
            key: key.into(),
            object_version: None,
        }
    }

    /// A given version of an S3 object.
    pub fn from_bucket_version(
        bucket: impl Into<Value<String>>,
        key: impl Into<Value<String>>,
        version: impl Into<Value<String>>,
    ) -> Code {
        Code::S3 {
            bucket: bucket.into(),
            key: key.into(),
            object_version: Some(version.into()),
        }
    }

    /// Inline source.
    pub fn inline(source: &str) -> Code {
        Code::Inline(source.to_string())
    }

    /// A local file or directory (relative paths are read from the current
    /// directory; build them from `env!("CARGO_MANIFEST_DIR")`).
    pub fn from_asset(path: impl Into<PathBuf>) -> Code {
        Code::Asset(path.into())
    }

    /// What Lambda or CloudFormation would reject for this code with `runtime`.
    pub(crate) fn problems(&self, runtime: &Runtime) -> Vec<String> {
        let mut out = Vec::new();
        match self {
            Code::Inline(source) => {
                if !runtime.supports_inline_code() {
                    out.push(format!(
                        "inline code needs a Python or Node.js runtime, not {:?}; use Code::from_bucket or Code::from_asset",
                        runtime.name()
                    ));
                }
                let len = source.chars().count();
                if len > MAX_INLINE_CODE {
                    out.push(format!(
                        "inline code is {len} characters; CloudFormation takes at most {MAX_INLINE_CODE}: use Code::from_asset or Code::from_bucket"
                    ));
                }
                if source.trim().is_empty() {
                    out.push("inline code is empty; give the handler's source".to_string());
                }
            }
            Code::S3 { bucket, key, .. } => {
                if bucket.as_literal().is_some_and(|b| b.is_empty())
                    || key.as_literal().is_some_and(|k| k.is_empty())
                {
                    out.push("the code's S3 bucket and key must not be empty".to_string());
                }
            }
            Code::Asset(_) => {}
        }
        out
    }

    /// The `Code` property; assets are registered under `scope` as `Code`.
    pub(crate) fn render(&self, scope: &Scope) -> l1::Code {
        match self {
            Code::S3 {
                bucket,
                key,
                object_version,
            } => l1::Code {
                s3_bucket: Some(bucket.clone()),
                s3_key: Some(key.clone()),
                s3_object_version: object_version.clone(),
                ..l1::Code::new()
            },
            Code::Inline(source) => l1::Code {
                zip_file: Some(source.as_str().into()),
                ..l1::Code::new()
            },
            Code::Asset(path) => {
                let asset = scope.file_asset("Code", path);
                l1::Code {
                    s3_bucket: Some(asset.bucket_name()),
                    s3_key: Some(asset.object_key()),
                    ..l1::Code::new()
                }
            }
        }
    }
}
