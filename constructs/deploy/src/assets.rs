//! File assets: before a stack's change set is created, every asset in the
//! stack's asset manifest (`<Stack>.assets.json`, the CDK's format) is
//! packaged and uploaded to its bucket, unless an object with its key is
//! already there. Keys are content hashes, so that check is enough.
//!
//! A directory is zipped deterministically (sorted entries, a fixed
//! timestamp, permissions 0644 or 0755 from the executable bit), so the
//! same source always gives the same bytes.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use aws_sdk_s3::primitives::ByteStream;
use serde_json::Value as Json;
use strata_core::{asset_entries, AssetPackaging};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// One asset to publish to one destination, as its manifest describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetUpload {
    /// The content hash (the key of the manifest's `files` entry).
    pub hash: String,
    /// The staged content in the assembly directory.
    pub source: PathBuf,
    /// `zip` (a directory, zipped before upload) or `file` (as is).
    pub packaging: AssetPackaging,
    /// The bucket, possibly with `${AWS::AccountId}`, `${AWS::Region}` and
    /// `${AWS::Partition}` placeholders.
    pub bucket_name: String,
    /// The object key.
    pub object_key: String,
}

/// What publishing one asset did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    /// The object was uploaded.
    Uploaded,
    /// An object with the asset's key was already in the bucket.
    Skipped,
}

/// Reads an asset manifest: one [`AssetUpload`] per file asset and
/// destination, with sources resolved against the manifest's directory.
pub fn read_manifest(path: &Path) -> Result<Vec<AssetUpload>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let manifest: Json =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut out = Vec::new();
    let files = manifest.get("files").and_then(Json::as_object);
    for (hash, entry) in files.into_iter().flatten() {
        let field = |v: &Json, name: &str| -> Result<String> {
            v.get(name)
                .and_then(Json::as_str)
                .map(str::to_string)
                .ok_or_else(|| anyhow!("asset {hash} in {} has no {name}", path.display()))
        };
        let source = entry.get("source").unwrap_or(&Json::Null);
        let packaging = match field(source, "packaging")?.as_str() {
            "zip" => AssetPackaging::Zip,
            "file" => AssetPackaging::File,
            other => bail!(
                "asset {hash} in {} has packaging `{other}`; only `zip` and `file` are supported",
                path.display()
            ),
        };
        let source = crate::assembly::inside(dir, &field(source, "path")?)?;
        let destinations = entry.get("destinations").and_then(Json::as_object);
        for d in destinations.into_iter().flatten().map(|(_, d)| d) {
            out.push(AssetUpload {
                hash: hash.clone(),
                source: source.clone(),
                packaging,
                bucket_name: field(d, "bucketName")?,
                object_key: field(d, "objectKey")?,
            });
        }
    }
    Ok(out)
}

/// The partition of a region: `aws-cn`, `aws-us-gov`, or `aws`.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// Fills in the placeholders of a bucket name; `account` is needed only
/// when the name has `${AWS::AccountId}`.
pub fn resolve_bucket(name: &str, region: &str, account: Option<&str>) -> Result<String> {
    let mut out = name
        .replace("${AWS::Region}", region)
        .replace("${AWS::Partition}", partition(region));
    if let Some(a) = account {
        out = out.replace("${AWS::AccountId}", a);
    }
    if out.contains("${") {
        bail!(
            "the asset bucket `{name}` has a placeholder that cannot be filled in \
             (known: ${{AWS::AccountId}} with an account, ${{AWS::Region}}, ${{AWS::Partition}})"
        );
    }
    Ok(out)
}

/// Zips a directory the same way every time: entries sorted by path, the
/// zip format's earliest timestamp (1980-01-01), and permissions 0755 for
/// directories and executable files, 0644 for other files.
///
/// ```
/// use strata_deploy::assets::zip_directory;
/// let dir = std::env::temp_dir().join(format!("strata-doc-zip-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("index.py"), "def handler(e, c): return 1\n").unwrap();
/// let zipped = zip_directory(&dir).unwrap();
/// assert_eq!(zipped, zip_directory(&dir).unwrap(), "same source, same bytes");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn zip_directory(dir: &Path) -> Result<Vec<u8>> {
    let entries =
        asset_entries(dir).with_context(|| format!("reading the asset {}", dir.display()))?;
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default());
    for e in entries {
        if e.is_dir {
            zip.add_directory(format!("{}/", e.path), options.unix_permissions(0o755))?;
        } else {
            let mode = if e.executable { 0o755 } else { 0o644 };
            zip.start_file(e.path.as_str(), options.unix_permissions(mode))?;
            let bytes = std::fs::read(&e.source)
                .with_context(|| format!("reading {}", e.source.display()))?;
            zip.write_all(&bytes)?;
        }
    }
    Ok(zip.finish()?.into_inner())
}

/// The bytes to upload for an asset: a zip of a directory, or the file.
pub fn package(asset: &AssetUpload) -> Result<Vec<u8>> {
    match asset.packaging {
        AssetPackaging::Zip => zip_directory(&asset.source),
        AssetPackaging::File => std::fs::read(&asset.source)
            .with_context(|| format!("reading the asset {}", asset.source.display())),
    }
}

/// Uploads one asset to `bucket` unless an object with its key is there.
pub async fn upload(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    asset: &AssetUpload,
) -> Result<Published> {
    let key = &asset.object_key;
    match s3.head_object().bucket(bucket).key(key).send().await {
        Ok(_) => return Ok(Published::Skipped),
        Err(e) if e.as_service_error().is_some_and(|e| e.is_not_found()) => {}
        Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 404) => {}
        Err(e) => bail!(
            "checking for the asset at s3://{bucket}/{key}: {}",
            aws_sdk_s3::error::DisplayErrorContext(&e)
        ),
    }
    let body = package(asset)?;
    s3.put_object()
        .bucket(bucket)
        .key(key)
        .body(ByteStream::from(body))
        .send()
        .await
        .map_err(|e| {
            let missing = e
                .as_service_error()
                .and_then(|e| e.meta().code())
                .is_some_and(|c| c == "NoSuchBucket");
            let hint = if missing {
                "; the staging bucket does not exist: run `cargo xtask bootstrap` for this account and region"
            } else {
                ""
            };
            anyhow!(
                "uploading the asset {} to s3://{bucket}/{key}: {}{hint}",
                asset.source.display(),
                aws_sdk_s3::error::DisplayErrorContext(&e)
            )
        })?;
    Ok(Published::Uploaded)
}

/// The account of the credentials in use (STS GetCallerIdentity).
pub async fn caller_account(sts: &aws_sdk_sts::Client) -> Result<String> {
    let me = sts.get_caller_identity().send().await.map_err(|e| {
        anyhow!(
            "finding the AWS account for the asset bucket (STS GetCallerIdentity): {}",
            aws_sdk_sts::error::DisplayErrorContext(&e)
        )
    })?;
    me.account()
        .map(str::to_string)
        .ok_or_else(|| anyhow!("STS GetCallerIdentity returned no account"))
}

/// Publishes the assets of every manifest in `manifests`, printing one
/// line per asset. The account fills `${AWS::AccountId}`: the stack's own
/// when its environment names one, else the caller's.
pub(crate) async fn publish(
    s3: &aws_sdk_s3::Client,
    sts: &aws_sdk_sts::Client,
    region: &str,
    account: Option<&str>,
    manifests: &[PathBuf],
) -> Result<()> {
    let mut known = account.map(str::to_string);
    for m in manifests {
        for asset in read_manifest(m)? {
            if known.is_none() && asset.bucket_name.contains("${AWS::AccountId}") {
                known = Some(caller_account(sts).await?);
            }
            let bucket = resolve_bucket(&asset.bucket_name, region, known.as_deref())?;
            let short = asset.hash.get(..12).unwrap_or(&asset.hash);
            match upload(s3, &bucket, &asset).await? {
                Published::Uploaded => {
                    println!(
                        "  asset {short} uploaded to s3://{bucket}/{}",
                        asset.object_key
                    )
                }
                Published::Skipped => println!(
                    "  asset {short} skipped: s3://{bucket}/{} is already there",
                    asset.object_key
                ),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "strata-deploy-assets-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn zips_are_identical_for_the_same_content_and_keep_the_executable_bit() {
        let a = temp_dir("zip-a");
        let b = temp_dir("zip-b");
        for (dir, order) in [
            (&a, ["x/run.sh", "index.py"]),
            (&b, ["index.py", "x/run.sh"]),
        ] {
            std::fs::create_dir_all(dir.join("x")).unwrap();
            for f in order {
                std::fs::write(dir.join(f), format!("content of {f}\n")).unwrap();
            }
        }
        let first = zip_directory(&a).unwrap();
        assert_eq!(first, zip_directory(&a).unwrap());
        assert_eq!(first, zip_directory(&b).unwrap());

        let mut archive = zip::ZipArchive::new(Cursor::new(first.clone())).unwrap();
        let names: Vec<String> = archive.file_names().map(str::to_string).collect();
        assert_eq!(names, ["index.py", "x/", "x/run.sh"]);
        let index = archive.by_name("index.py").unwrap();
        assert_eq!(index.unix_mode(), Some(0o100644));
        assert_eq!(index.last_modified(), Some(DateTime::default()));
        drop(index);

        std::fs::write(b.join("index.py"), "changed\n").unwrap();
        assert_ne!(zip_directory(&b).unwrap(), first);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(a.join("x/run.sh"), std::fs::Permissions::from_mode(0o755))
                .unwrap();
            let zipped = zip_directory(&a).unwrap();
            let mut archive = zip::ZipArchive::new(Cursor::new(zipped)).unwrap();
            assert_eq!(
                archive.by_name("x/run.sh").unwrap().unix_mode(),
                Some(0o100755)
            );
        }
        std::fs::remove_dir_all(&a).unwrap();
        std::fs::remove_dir_all(&b).unwrap();
    }

    #[test]
    fn manifests_are_read_with_sources_next_to_them() {
        let dir = temp_dir("manifest");
        std::fs::write(
            dir.join("App.assets.json"),
            r#"{"version": "36.0.0", "files": {"ab12": {
                "source": {"path": "asset.ab12", "packaging": "zip"},
                "destinations": {"current_account-current_region": {
                    "bucketName": "strata-staging-${AWS::AccountId}-${AWS::Region}",
                    "objectKey": "ab12.zip"}}}}, "dockerImages": {}}"#,
        )
        .unwrap();
        let assets = read_manifest(&dir.join("App.assets.json")).unwrap();
        assert_eq!(
            assets,
            [AssetUpload {
                hash: "ab12".into(),
                source: dir.join("asset.ab12"),
                packaging: AssetPackaging::Zip,
                bucket_name: "strata-staging-${AWS::AccountId}-${AWS::Region}".into(),
                object_key: "ab12.zip".into(),
            }]
        );
        std::fs::write(
            dir.join("Bad.assets.json"),
            r#"{"files": {"ab12": {"source": {"path": "x", "packaging": "container"}, "destinations": {}}}}"#,
        )
        .unwrap();
        let err = read_manifest(&dir.join("Bad.assets.json")).unwrap_err();
        assert!(err.to_string().contains("packaging `container`"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bucket_placeholders_are_filled_in() {
        let name = "strata-staging-${AWS::AccountId}-${AWS::Region}";
        assert_eq!(
            resolve_bucket(name, "eu-west-1", Some("123456789012")).unwrap(),
            "strata-staging-123456789012-eu-west-1"
        );
        assert_eq!(
            resolve_bucket("b-${AWS::Partition}", "cn-north-1", None).unwrap(),
            "b-aws-cn"
        );
        let err = resolve_bucket(name, "us-east-1", None).unwrap_err();
        assert!(err.to_string().contains("cannot be filled in"), "{err}");
        let err = resolve_bucket("b-${Other}", "us-east-1", Some("1")).unwrap_err();
        assert!(err.to_string().contains("`b-${Other}`"), "{err}");
    }
}
