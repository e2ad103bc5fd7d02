//! File assets: a local file or directory that a construct references (a
//! Lambda function's code, a script), hashed by content at construction,
//! staged into the cloud assembly at synth and uploaded by deploy.
//!
//! The asset lives in the bootstrap staging bucket under a key made of its
//! hash, so the template changes exactly when the content changes. Synth
//! records each stack's assets in `<Stack>.assets.json`, in the CDK's asset
//! manifest format.

use std::io;
use std::path::{Path, PathBuf};

use serde_json::{json, Map as JsonMap, Value as Json};
use sha2::{Digest, Sha256};

use crate::assembly::ASSEMBLY_VERSION;
use crate::tree::{Environment, Kind, Scope, Tree};
use crate::value::Value;
use crate::Fn;

/// The staging bucket's name, as created by `cargo xtask bootstrap`, with
/// the CloudFormation pseudo parameters the environment fills in.
pub const STAGING_BUCKET_NAME: &str = "strata-staging-${AWS::AccountId}-${AWS::Region}";

/// Extensions kept whole for file assets, as the CDK does (`x.tar.gz`
/// keeps `.tar.gz`, not `.gz`).
const ARCHIVE_EXTENSIONS: &[&str] = &[".tar.gz", ".zip", ".jar", ".tar", ".tgz"];

/// How an asset is packaged for upload (the CDK's `packaging`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetPackaging {
    /// A directory, uploaded as a zip archive (`zip`).
    Zip,
    /// A single file, uploaded as is (`file`).
    File,
}

impl AssetPackaging {
    /// The name used in the asset manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            AssetPackaging::Zip => "zip",
            AssetPackaging::File => "file",
        }
    }
}

/// One file or directory inside a directory asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetEntry {
    /// The path relative to the asset directory, with `/` separators.
    pub path: String,
    /// Whether the entry is a directory.
    pub is_dir: bool,
    /// Whether the file has an executable bit (a Lambda `bootstrap`, a
    /// script); always false for directories and off Unix.
    pub executable: bool,
    /// Where the entry is on disk.
    pub source: PathBuf,
}

/// Every file and directory below `dir`, sorted by relative path.
/// Symbolic links are followed; a link that loops is an error, and so is a
/// name that is not UTF-8.
///
/// Hashing and zipping both walk this list, so they see the same content.
pub fn asset_entries(dir: &Path) -> io::Result<Vec<AssetEntry>> {
    let mut out = Vec::new();
    walk(dir, "", &mut Vec::new(), &mut out)?;
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

fn walk(
    dir: &Path,
    rel: &str,
    ancestors: &mut Vec<PathBuf>,
    out: &mut Vec<AssetEntry>,
) -> io::Result<()> {
    let canonical = dir.canonicalize()?;
    if ancestors.contains(&canonical) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is a symbolic link loop", dir.display()),
        ));
    }
    ancestors.push(canonical);
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().into_string().map_err(|n| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("the name {n:?} in {} is not UTF-8", dir.display()),
            )
        })?;
        let source = entry.path();
        let path = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        let meta = std::fs::metadata(&source)?;
        if meta.is_dir() {
            out.push(AssetEntry {
                path: path.clone(),
                is_dir: true,
                executable: false,
                source: source.clone(),
            });
            walk(&source, &path, ancestors, out)?;
        } else if meta.is_file() {
            out.push(AssetEntry {
                path,
                is_dir: false,
                executable: executable(&meta),
                source,
            });
        }
    }
    ancestors.pop();
    Ok(())
}

#[cfg(unix)]
fn executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn executable(_: &std::fs::Metadata) -> bool {
    false
}

/// The extension an asset file keeps in its object key, with the dot
/// (`.py`, `.tar.gz`), or empty.
fn extension(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if let Some(ext) = ARCHIVE_EXTENSIONS.iter().find(|e| name.ends_with(*e)) {
        return (*ext).to_string();
    }
    path.extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default()
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The content hash of a file or directory: SHA-256, as 64 lowercase hex
/// characters, over a framed stream that depends only on the content.
///
/// - A file: its extension and its bytes.
/// - A directory: for each entry of [`asset_entries`], in order, its
///   relative path, whether it is a directory, its executable bit and the
///   bytes of a file, each length-prefixed.
///
/// Where the source sits on disk, its modification times and its owner
/// never enter the hash.
pub fn content_hash(path: &Path) -> io::Result<(String, AssetPackaging)> {
    let mut h = Sha256::new();
    h.update(b"strata-asset-v1\0");
    let meta = std::fs::metadata(path)?;
    let packaging = if meta.is_dir() {
        h.update(b"dir\0");
        for e in asset_entries(path)? {
            frame(&mut h, e.path.as_bytes());
            if e.is_dir {
                h.update(b"d");
            } else {
                h.update(if e.executable { b"x" } else { b"f" });
                frame(&mut h, &std::fs::read(&e.source)?);
            }
        }
        AssetPackaging::Zip
    } else if meta.is_file() {
        h.update(b"file\0");
        frame(&mut h, extension(path).as_bytes());
        frame(&mut h, &std::fs::read(path)?);
        AssetPackaging::File
    } else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "it is neither a file nor a directory",
        ));
    };
    Ok((hex(&h.finalize()), packaging))
}

/// Feeds `bytes` with its length first, so entries cannot run together.
fn frame(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

/// A local file or directory registered with [`Scope::file_asset`]: its
/// content hash, and where deploy puts it (bucket and object key) for the
/// template to point at.
///
/// ```
/// use strata_core::{App, AssetPackaging, StackProps};
/// let dir = std::env::temp_dir().join(format!("strata-doc-asset-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("index.py"), "def handler(event, context): return 1\n").unwrap();
///
/// let app = App::new();
/// let stack = app.stack("Agent", StackProps::default());
/// let code = stack.child("Handler").file_asset("Code", &dir);
/// assert_eq!(code.packaging(), AssetPackaging::Zip);
/// assert_eq!(code.object_key().as_literal(), Some(&format!("{}.zip", code.hash())));
/// // Put `code.bucket_name()` and `code.object_key()` into a Lambda
/// // function's Code.S3Bucket and Code.S3Key.
/// let assembly = app.synth().unwrap();
/// assert_eq!(assembly.stacks[0].assets.len(), 1);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FileAsset {
    hash: String,
    packaging: AssetPackaging,
    extension: String,
    source: PathBuf,
    env: Environment,
}

impl FileAsset {
    /// The content hash (see [`content_hash`]).
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// `zip` for a directory, `file` for a file.
    pub fn packaging(&self) -> AssetPackaging {
        self.packaging
    }

    /// Where the content was read from.
    pub fn source(&self) -> &Path {
        &self.source
    }

    /// The object key in the staging bucket: `<hash>.zip` for a directory,
    /// `<hash><extension>` for a file.
    pub fn key(&self) -> String {
        match self.packaging {
            AssetPackaging::Zip => format!("{}.zip", self.hash),
            AssetPackaging::File => format!("{}{}", self.hash, self.extension),
        }
    }

    /// The object key, for a template (such as a Lambda `Code.S3Key`).
    pub fn object_key(&self) -> Value<String> {
        Value::Lit(self.key())
    }

    /// The staging bucket, for a template (such as a Lambda
    /// `Code.S3Bucket`): a literal name when the stack's account and region
    /// are known, otherwise an `Fn::Sub` CloudFormation fills in.
    pub fn bucket_name(&self) -> Value<String> {
        let name = specialize(STAGING_BUCKET_NAME, &self.env);
        if name.contains("${") {
            Fn::sub(&name)
        } else {
            Value::Lit(name)
        }
    }

    /// The file or directory name the content is staged under in the cloud
    /// assembly: `asset.<hash>` for a directory, `asset.<hash><extension>`
    /// for a file.
    pub fn staged_path(&self) -> String {
        match self.packaging {
            AssetPackaging::Zip => format!("asset.{}", self.hash),
            AssetPackaging::File => format!("asset.{}{}", self.hash, self.extension),
        }
    }

    /// This asset's entry in the `files` section of an asset manifest.
    fn manifest_entry(&self) -> Json {
        let account = self.env.account.as_deref().unwrap_or("current_account");
        let region = self.env.region.as_deref().unwrap_or("current_region");
        let mut destination = JsonMap::new();
        destination.insert(
            "bucketName".into(),
            specialize(STAGING_BUCKET_NAME, &self.env).into(),
        );
        destination.insert("objectKey".into(), self.key().into());
        if let Some(r) = &self.env.region {
            destination.insert("region".into(), r.clone().into());
        }
        json!({
            "source": {"path": self.staged_path(), "packaging": self.packaging.as_str()},
            "destinations": {format!("{account}-{region}"): destination},
        })
    }

    /// Copies the content into `dir` under [`FileAsset::staged_path`],
    /// unless an earlier synth already did (the name is the content hash).
    pub(crate) fn stage(&self, dir: &Path) -> io::Result<()> {
        let target = dir.join(self.staged_path());
        if target.exists() {
            return Ok(());
        }
        let partial = dir.join(format!(".{}.partial", self.staged_path()));
        if partial.is_dir() {
            std::fs::remove_dir_all(&partial)?;
        }
        match self.packaging {
            AssetPackaging::File => {
                std::fs::copy(&self.source, &partial)?;
            }
            AssetPackaging::Zip => {
                std::fs::create_dir_all(&partial)?;
                for e in asset_entries(&self.source)? {
                    let to = partial.join(&e.path);
                    if e.is_dir {
                        std::fs::create_dir_all(&to)?;
                    } else {
                        std::fs::copy(&e.source, &to)?;
                    }
                }
            }
        }
        std::fs::rename(&partial, &target)
    }
}

/// Replaces the pseudo parameters the environment knows.
fn specialize(template: &str, env: &Environment) -> String {
    let mut s = template.to_string();
    if let Some(a) = &env.account {
        s = s.replace("${AWS::AccountId}", a);
    }
    if let Some(r) = &env.region {
        s = s.replace("${AWS::Region}", r);
    }
    s
}

/// The asset manifest (`<Stack>.assets.json`) of a stack's assets, one
/// entry per distinct content.
pub(crate) fn asset_manifest(assets: &[FileAsset]) -> Json {
    let mut files = JsonMap::new();
    for a in assets {
        if !files.contains_key(&a.hash) {
            files.insert(a.hash.clone(), a.manifest_entry());
        }
    }
    json!({"version": ASSEMBLY_VERSION, "files": files, "dockerImages": {}})
}

/// The assets registered in a stack, depth first in insertion order.
pub(crate) fn stack_assets(tree: &Tree, stack: u32) -> Vec<FileAsset> {
    let mut out = Vec::new();
    let mut todo: Vec<u32> = tree.nodes[stack as usize]
        .children
        .iter()
        .rev()
        .copied()
        .collect();
    while let Some(n) = todo.pop() {
        let node = &tree.nodes[n as usize];
        if let Kind::Asset(a) = &node.kind {
            out.push((**a).clone());
        }
        todo.extend(node.children.iter().rev());
    }
    out
}

impl Scope {
    /// Registers a local file or directory as an asset with construct id
    /// `id` below this scope, which must be inside a stack. The content is
    /// hashed now; synth stages it into the cloud assembly and deploy
    /// uploads it (a directory as a zip) to the staging bucket.
    ///
    /// A relative `path` is read from the current directory; build it from
    /// `env!("CARGO_MANIFEST_DIR")` to be independent of where the app runs.
    /// A path that cannot be read is a synth error at the asset's path.
    pub fn file_asset(&self, id: &str, path: impl AsRef<Path>) -> FileAsset {
        let path = path.as_ref();
        let env = self.env();
        let read = || -> io::Result<FileAsset> {
            let source = path.canonicalize()?;
            let (hash, packaging) = content_hash(&source)?;
            let extension = match packaging {
                AssetPackaging::File => extension(&source),
                AssetPackaging::Zip => String::new(),
            };
            Ok(FileAsset {
                hash,
                packaging,
                extension,
                source,
                env: env.clone(),
            })
        };
        match read() {
            Ok(asset) => {
                self.add(id, Kind::Asset(Box::new(asset.clone())));
                asset
            }
            Err(e) => {
                let what = if e.kind() == io::ErrorKind::NotFound {
                    "does not exist".to_string()
                } else {
                    format!("cannot be read: {e}")
                };
                self.child(id).error(
                    "asset-path",
                    format!(
                        "the asset source {} {what}; give the path of an existing file or directory \
                         (relative paths are read from the current directory)",
                        path.display()
                    ),
                );
                FileAsset {
                    hash: String::new(),
                    packaging: AssetPackaging::File,
                    extension: String::new(),
                    source: path.to_path_buf(),
                    env,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_extensions_stay_whole() {
        assert_eq!(extension(Path::new("layer.tar.gz")), ".tar.gz");
        assert_eq!(extension(Path::new("code.ZIP")), ".zip");
        assert_eq!(extension(Path::new("handler.py")), ".py");
        assert_eq!(extension(Path::new("Makefile")), "");
    }

    #[test]
    fn known_environments_are_filled_in() {
        let env = Environment {
            account: None,
            region: Some("eu-west-1".into()),
        };
        assert_eq!(
            specialize(STAGING_BUCKET_NAME, &env),
            "strata-staging-${AWS::AccountId}-eu-west-1"
        );
        let env = Environment::new("123456789012", "us-east-1");
        assert_eq!(
            specialize(STAGING_BUCKET_NAME, &env),
            "strata-staging-123456789012-us-east-1"
        );
    }
}
