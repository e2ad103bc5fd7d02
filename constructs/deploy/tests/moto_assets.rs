//! Against moto: a Lambda function whose code is a directory asset. Deploy
//! zips and uploads the asset to the staging bucket before the change set,
//! skips the upload when the object is already there, and uploads again
//! when the content changes.

mod common;

use std::path::{Path, PathBuf};

use serde_json::json;
use strata_cfn::{iam, lambda};
use strata_core::{App, FileAsset, StackProps};
use strata_deploy::assets::zip_directory;
use strata_deploy::{bootstrap, deploy, CloudAssembly, Outcome};

/// moto's account and the harness's region.
const BUCKET: &str = "strata-staging-123456789012-us-east-1";

/// Synthesizes a stack with one function whose code is `src` into `out`.
fn synth(src: &Path, out: &Path) -> (CloudAssembly, FileAsset) {
    let app = App::new();
    let stack = app.stack("Functions", StackProps::default());
    let role = stack.resource(
        "Role",
        iam::Role::new(json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"Service": "lambda.amazonaws.com"}}]})),
    );
    let handler = stack.child("Handler");
    let code = handler.file_asset("Code", src);
    let mut function = lambda::Function::new(
        lambda::function::Code {
            s3_bucket: Some(code.bucket_name()),
            s3_key: Some(code.object_key()),
            ..Default::default()
        },
        role.arn(),
    );
    function.handler = Some("index.handler".into());
    function.runtime = Some("python3.12".into());
    handler.resource("Resource", function);
    app.synth()
        .unwrap_or_else(|e| panic!("{e}"))
        .write(out)
        .expect("assembly written");
    (CloudAssembly::read(out).expect("assembly"), code)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("strata-moto-assets-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The staging bucket, read and written through the SDK.
struct Staging {
    rt: tokio::runtime::Runtime,
    s3: aws_sdk_s3::Client,
}

impl Staging {
    fn new() -> Self {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let conf = rt.block_on(aws_config::load_defaults(
            aws_config::BehaviorVersion::latest(),
        ));
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&conf)
                .force_path_style(true)
                .build(),
        );
        Staging { rt, s3 }
    }

    fn get(&self, key: &str) -> Vec<u8> {
        self.rt.block_on(async {
            let got = self
                .s3
                .get_object()
                .bucket(BUCKET)
                .key(key)
                .send()
                .await
                .unwrap_or_else(|e| panic!("s3://{BUCKET}/{key}: {e:?}"));
            got.body
                .collect()
                .await
                .expect("body")
                .into_bytes()
                .to_vec()
        })
    }

    fn put(&self, key: &str, body: &[u8]) {
        self.rt
            .block_on(
                self.s3
                    .put_object()
                    .bucket(BUCKET)
                    .key(key)
                    .body(body.to_vec().into())
                    .send(),
            )
            .expect("put");
    }
}

#[test]
fn an_asset_is_uploaded_once_and_skipped_after() {
    let Some(_moto) = common::start("an_asset_is_uploaded_once_and_skipped_after") else {
        return;
    };
    let opts = common::yes();
    // The staging bucket, under the name asset locations use.
    bootstrap(&[None], &opts).expect("bootstrap");

    let src = temp_dir("src");
    std::fs::create_dir_all(src.join("lib")).expect("lib");
    std::fs::write(
        src.join("index.py"),
        "def handler(event, context):\n    return 1\n",
    )
    .unwrap();
    std::fs::write(src.join("lib/util.py"), "X = 1\n").unwrap();
    let out = temp_dir("out");

    let (asm, code) = synth(&src, &out);
    let key = code.key();
    assert_eq!(
        deploy(&asm, &[], &opts).expect("first deploy"),
        [Outcome::Deployed]
    );
    let staging = Staging::new();
    let zipped = zip_directory(&src).expect("zip");
    assert_eq!(
        staging.get(&key),
        zipped,
        "the uploaded object is the deterministic zip of the source"
    );
    assert_eq!(
        zip_directory(&out.join(code.staged_path())).expect("zip"),
        zipped
    );

    // Nothing changed: the stack is a no-op and the upload is skipped, so
    // a marker written over the object survives the second deploy.
    staging.put(&key, b"marker");
    let (asm, again) = synth(&src, &out);
    assert_eq!(again.key(), key);
    assert_eq!(
        deploy(&asm, &[], &opts).expect("second deploy"),
        [Outcome::NoChanges]
    );
    assert_eq!(
        staging.get(&key),
        b"marker",
        "the second deploy uploaded again"
    );
    staging.put(&key, &zipped);

    // One byte changed: a new key, uploaded, and the function updated.
    std::fs::write(src.join("lib/util.py"), "X = 2\n").unwrap();
    let (asm, changed) = synth(&src, &out);
    assert_ne!(changed.key(), key);
    assert_eq!(
        deploy(&asm, &[], &opts).expect("third deploy"),
        [Outcome::Deployed]
    );
    assert_eq!(
        staging.get(&changed.key()),
        zip_directory(&src).expect("zip")
    );

    std::fs::remove_dir_all(&src).unwrap();
    std::fs::remove_dir_all(&out).unwrap();
}
