//! File assets: content hashing, the asset manifest in the cloud assembly,
//! the staged copy, and errors for unreadable sources.

use std::path::{Path, PathBuf};

use serde_json::{json, Value as Json};
use strata_core::*;

/// A Lambda-function-shaped resource whose code lives in S3.
#[derive(Clone, Debug)]
struct Function {
    bucket: Value<String>,
    key: Value<String>,
}

impl ToRaw for Function {
    fn to_raw(&self) -> Raw {
        let code = ObjectBuilder::with_capacity(2)
            .req("S3Bucket", &self.bucket)
            .req("S3Key", &self.key)
            .build();
        Raw::object([("Code", code)])
    }
}

impl Validate for Function {
    fn validate(&self, _: &mut Validator<'_>) {}
}

impl Resource for Function {
    const TYPE: &'static str = "AWS::Lambda::Function";
    const TAGS: TagShape = TagShape::None;
    type Ref = Handle;
}

const RESOURCES: &str = "Resources";

/// The logical ID of the function at `Agent/Handler/Resource`.
fn handler_id() -> String {
    logical_id(&["Handler", "Resource"])
}

/// A fresh, empty directory for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("strata-assets-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A small function source tree: two files and a nested one.
fn write_code(dir: &Path) {
    std::fs::create_dir_all(dir.join("lib")).expect("lib dir");
    std::fs::write(dir.join("index.py"), "import lib.util\n").expect("index");
    std::fs::write(dir.join("lib/util.py"), "X = 1\n").expect("util");
    std::fs::write(dir.join("README"), "code\n").expect("readme");
}

/// An app with one function whose code is the asset at `source`.
fn app_with_function(env: Environment, source: &Path) -> (App, FileAsset) {
    let app = App::new();
    let stack = app.stack(
        "Agent",
        StackProps {
            env,
            ..StackProps::default()
        },
    );
    let handler = stack.child("Handler");
    let code = handler.file_asset("Code", source);
    handler.resource(
        "Resource",
        Function {
            bucket: code.bucket_name(),
            key: code.object_key(),
        },
    );
    (app, code)
}

#[test]
fn the_hash_depends_only_on_the_content() {
    let a = temp_dir("hash-a");
    let b = temp_dir("hash-b");
    write_code(&a);
    // The same content written in another order, at another time.
    std::fs::write(b.join("README"), "code\n").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::create_dir_all(b.join("lib")).unwrap();
    std::fs::write(b.join("lib/util.py"), "X = 1\n").unwrap();
    std::fs::write(b.join("index.py"), "import lib.util\n").unwrap();
    let (hash_a, packaging) = content_hash(&a).unwrap();
    assert_eq!(packaging, AssetPackaging::Zip);
    assert_eq!(hash_a.len(), 64);
    assert!(hash_a
        .bytes()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert_eq!(content_hash(&b).unwrap().0, hash_a);

    // One byte changed.
    std::fs::write(b.join("lib/util.py"), "X = 2\n").unwrap();
    let changed = content_hash(&b).unwrap().0;
    assert_ne!(changed, hash_a);
    std::fs::write(b.join("lib/util.py"), "X = 1\n").unwrap();
    assert_eq!(content_hash(&b).unwrap().0, hash_a);

    // A renamed file, and an added empty directory, change it too.
    std::fs::rename(b.join("README"), b.join("README.md")).unwrap();
    assert_ne!(content_hash(&b).unwrap().0, hash_a);
    std::fs::rename(b.join("README.md"), b.join("README")).unwrap();
    std::fs::create_dir(b.join("empty")).unwrap();
    assert_ne!(content_hash(&b).unwrap().0, hash_a);
    std::fs::remove_dir(b.join("empty")).unwrap();

    // The executable bit is content: a Lambda `bootstrap` needs it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(b.join("index.py"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
        assert_ne!(content_hash(&b).unwrap().0, hash_a);
    }
    std::fs::remove_dir_all(&a).unwrap();
    std::fs::remove_dir_all(&b).unwrap();
}

#[test]
fn entries_are_sorted_relative_paths() {
    let dir = temp_dir("entries");
    write_code(&dir);
    let paths: Vec<(String, bool)> = asset_entries(&dir)
        .unwrap()
        .into_iter()
        .map(|e| (e.path, e.is_dir))
        .collect();
    assert_eq!(
        paths,
        [
            ("README".to_string(), false),
            ("index.py".to_string(), false),
            ("lib".to_string(), true),
            ("lib/util.py".to_string(), false),
        ]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_directory_asset_is_recorded_staged_and_referenced() {
    let src = temp_dir("dir-src");
    write_code(&src);
    let (app, code) = app_with_function(Environment::default(), &src);
    let hash = code.hash().to_string();
    let assembly = app.synth().expect("valid app");
    let stack = &assembly.stacks[0];
    assert_eq!(
        stack.template[RESOURCES][&handler_id()]["Properties"]["Code"],
        json!({
            "S3Bucket": {"Fn::Sub": "strata-staging-${AWS::AccountId}-${AWS::Region}"},
            "S3Key": format!("{hash}.zip"),
        })
    );

    let out = temp_dir("dir-out");
    assembly.write(&out).expect("written");
    let manifest: Json =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let names: Vec<&String> = manifest["artifacts"].as_object().unwrap().keys().collect();
    assert_eq!(names, ["Agent.assets", "Agent"]);
    assert_eq!(
        manifest["artifacts"]["Agent.assets"],
        json!({"type": "cdk:asset-manifest", "properties": {"file": "Agent.assets.json"}})
    );
    assert_eq!(
        manifest["artifacts"]["Agent"]["dependencies"],
        json!(["Agent.assets"])
    );

    let assets: Json =
        serde_json::from_str(&std::fs::read_to_string(out.join("Agent.assets.json")).unwrap())
            .unwrap();
    assert_eq!(
        assets,
        json!({
            "version": ASSEMBLY_VERSION,
            "files": {hash.clone(): {
                "source": {"path": format!("asset.{hash}"), "packaging": "zip"},
                "destinations": {"current_account-current_region": {
                    "bucketName": "strata-staging-${AWS::AccountId}-${AWS::Region}",
                    "objectKey": format!("{hash}.zip"),
                }},
            }},
            "dockerImages": {},
        })
    );

    // The staged copy has the same content, so the same hash.
    let staged = out.join(format!("asset.{hash}"));
    assert_eq!(
        std::fs::read_to_string(staged.join("lib/util.py")).unwrap(),
        "X = 1\n"
    );
    assert_eq!(content_hash(&staged).unwrap().0, hash);

    // Changed content: a new key, and the old staged copy is cleaned up.
    std::fs::write(src.join("index.py"), "print('v2')\n").unwrap();
    let (app, code) = app_with_function(Environment::default(), &src);
    assert_ne!(code.hash(), hash);
    app.synth().unwrap().write(&out).unwrap();
    assert!(!staged.exists(), "the stale asset.{hash} is removed");
    assert!(out.join(code.staged_path()).is_dir());
    std::fs::remove_dir_all(&src).unwrap();
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn a_file_asset_keeps_its_extension_and_a_known_environment_is_filled_in() {
    let src = temp_dir("file-src");
    let file = src.join("layer.tar.gz");
    std::fs::write(&file, b"\x1f\x8b not really gzip").unwrap();
    let (app, code) = app_with_function(Environment::new("123456789012", "eu-west-1"), &file);
    let hash = code.hash().to_string();
    assert_eq!(code.packaging(), AssetPackaging::File);
    assert_eq!(code.key(), format!("{hash}.tar.gz"));
    assert_eq!(code.staged_path(), format!("asset.{hash}.tar.gz"));

    let assembly = app.synth().expect("valid app");
    let stack = &assembly.stacks[0];
    assert_eq!(
        stack.template[RESOURCES][&handler_id()]["Properties"]["Code"]["S3Bucket"],
        "strata-staging-123456789012-eu-west-1"
    );
    assert_eq!(
        stack.asset_manifest()["files"][&hash],
        json!({
            "source": {"path": format!("asset.{hash}.tar.gz"), "packaging": "file"},
            "destinations": {"123456789012-eu-west-1": {
                "bucketName": "strata-staging-123456789012-eu-west-1",
                "objectKey": format!("{hash}.tar.gz"),
                "region": "eu-west-1",
            }},
        })
    );
    let out = temp_dir("file-out");
    assembly.write(&out).unwrap();
    assert_eq!(
        std::fs::read(out.join(format!("asset.{hash}.tar.gz"))).unwrap(),
        std::fs::read(&file).unwrap()
    );
    std::fs::remove_dir_all(&src).unwrap();
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn the_same_content_used_twice_is_one_manifest_entry() {
    let src = temp_dir("twice");
    write_code(&src);
    let app = App::new();
    let stack = app.stack("Agent", StackProps::default());
    let a = stack.child("A").file_asset("Code", &src);
    let b = stack.child("B").file_asset("Code", &src);
    assert_eq!(a.hash(), b.hash());
    let assembly = app.synth().unwrap();
    assert_eq!(assembly.stacks[0].assets.len(), 2);
    let manifest = assembly.stacks[0].asset_manifest();
    assert_eq!(manifest["files"].as_object().unwrap().len(), 1);
    std::fs::remove_dir_all(&src).unwrap();
}

#[test]
fn a_missing_source_is_a_synth_error_at_the_asset_path() {
    let app = App::new();
    let stack = app.stack("Agent", StackProps::default());
    stack
        .child("Handler")
        .file_asset("Code", "no/such/directory/anywhere");
    let err = app.synth().expect_err("missing asset");
    assert_eq!(err.issues.len(), 1, "{err}");
    let issue = &err.issues[0];
    assert_eq!(issue.path, "Agent/Handler/Code");
    assert_eq!(issue.rule, "asset-path");
    assert!(
        issue
            .message
            .contains("no/such/directory/anywhere does not exist"),
        "{}",
        issue.message
    );
}

#[test]
fn an_asset_outside_a_stack_is_an_error() {
    let src = temp_dir("outside");
    let app = App::new();
    app.root().child("Loose").file_asset("Code", &src);
    let err = app.synth().expect_err("outside a stack");
    assert_eq!(err.issues[0].path, "Loose/Code");
    assert_eq!(err.issues[0].rule, "outside-stack");
    std::fs::remove_dir_all(&src).unwrap();
}

#[test]
fn stacks_without_assets_have_no_asset_manifest() {
    let app = App::new();
    let stack = app.stack("Plain", StackProps::default());
    stack.output("Region", Output::new(Fn::region()));
    let assembly = app.synth().unwrap();
    assert_eq!(assembly.stacks[0].asset_manifest_file(), None);
    let manifest = assembly.manifest();
    let names: Vec<&String> = manifest["artifacts"].as_object().unwrap().keys().collect();
    assert_eq!(names, ["Plain"]);
    assert!(manifest["artifacts"]["Plain"].get("dependencies").is_none());
    let out = temp_dir("plain-out");
    assembly.write(&out).unwrap();
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["Plain.template.json", "cdk.out", "manifest.json"]);
    std::fs::remove_dir_all(&out).unwrap();
}
