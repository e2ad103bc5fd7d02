//! The cloud assembly on disk (`cdk.out/`), in the AWS CDK's format, and
//! the CDK app protocol (`CDK_OUTDIR`).

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{json, Value as Json};

use crate::asset::{asset_manifest, FileAsset};
use crate::document::Doc;
use crate::stackset::STACK_SET;
use crate::synth::{to_template_string, Assembly, StackArtifact};
use crate::tree::App;

/// The metadata entry type that tells deploy to fill a stack parameter
/// from another stack's output.
pub const PARAMETER_SOURCE: &str = "strata:cross-stack-parameter";

/// The cloud-assembly schema version written to `manifest.json`.
pub const ASSEMBLY_VERSION: &str = "36.0.0";

impl Assembly {
    /// The `manifest.json` document.
    pub fn manifest(&self) -> Json {
        self.manifest_doc().to_json()
    }

    fn manifest_doc(&self) -> Doc {
        let text = |s: &str| Doc::Str(s.to_string());
        let field = |k: &str, v: Doc| (k.to_string(), v);
        let mut artifacts = Vec::with_capacity(self.stacks.len() * 2);
        for s in &self.stacks {
            let mut dependencies = Vec::new();
            if let Some(file) = s.asset_manifest_file() {
                let id = format!("{}.assets", s.id);
                let asset = Doc::Object(vec![
                    field("type", text("cdk:asset-manifest")),
                    field(
                        "properties",
                        Doc::Object(vec![field("file", Doc::Str(file))]),
                    ),
                ]);
                Doc::set(&mut artifacts, id.clone(), asset);
                dependencies.push(Doc::Str(id));
            }
            dependencies.extend(s.dependencies.iter().map(|d| text(d)));
            let mut props = vec![field("templateFile", Doc::Str(s.template_file()))];
            if s.termination_protection {
                props.push(field("terminationProtection", Doc::Bool(true)));
            }
            if s.stack_name != s.id {
                props.push(field("stackName", text(&s.stack_name)));
            }
            let entry = |kind: &str, data: Doc| {
                Doc::Object(vec![field("type", text(kind)), field("data", data)])
            };
            let mut metadata: Vec<(String, Doc)> = s
                .logical_ids
                .iter()
                .map(|(path, lid)| {
                    let entries = vec![entry("aws:cdk:logicalId", text(lid))];
                    (format!("/{path}"), Doc::List(entries))
                })
                .collect();
            // Where deploy gets each cross-stack parameter (an output of a
            // stack deployed before this one), and the StackSet targets.
            let mut entries: Vec<Doc> = s
                .parameter_sources
                .iter()
                .map(|p| {
                    let data = Doc::Object(vec![
                        field("parameter", text(&p.parameter)),
                        field("stack", text(&p.stack)),
                        field("output", text(&p.output)),
                    ]);
                    entry(PARAMETER_SOURCE, data)
                })
                .collect();
            if let Some(set) = &s.stack_set {
                entries.push(entry(STACK_SET, Doc::Json(Box::new(set.to_json()))));
            }
            if !entries.is_empty() {
                Doc::set(&mut metadata, format!("/{}", s.id), Doc::List(entries));
            }
            let mut artifact = vec![
                field("type", text("aws:cloudformation:stack")),
                field("environment", Doc::Str(s.env.uri())),
                field("properties", Doc::Object(props)),
            ];
            if !dependencies.is_empty() {
                artifact.push(field("dependencies", Doc::List(dependencies)));
            }
            artifact.push(field("metadata", Doc::Object(metadata)));
            artifact.push(field("displayName", text(&s.id)));
            Doc::set(&mut artifacts, s.id.clone(), Doc::Object(artifact));
        }
        Doc::Object(vec![
            field("version", text(ASSEMBLY_VERSION)),
            field("artifacts", Doc::Object(artifacts)),
        ])
    }

    /// Writes the manifest and one `<Stack>.template.json` per stack into
    /// `dir`, and for stacks with file assets a `<Stack>.assets.json` and
    /// the staged content (`asset.<hash>…`). Templates, asset manifests and
    /// staged assets left there by an earlier synth and no longer used are
    /// removed.
    pub fn write(&self, dir: &Path) -> io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let staged: HashSet<String> = self
            .stacks
            .iter()
            .flat_map(|s| s.assets.iter().map(FileAsset::staged_path))
            .collect();
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if name.ends_with(".template.json") || name.ends_with(".assets.json") {
                std::fs::remove_file(&path)?;
            } else if (name.starts_with("asset.") || name.starts_with(".asset."))
                && !staged.contains(&name)
            {
                if path.is_dir() {
                    std::fs::remove_dir_all(&path)?;
                } else {
                    std::fs::remove_file(&path)?;
                }
            }
        }
        for s in &self.stacks {
            std::fs::write(dir.join(s.template_file()), s.body())?;
            if let Some(file) = s.asset_manifest_file() {
                for a in &s.assets {
                    a.stage(dir)?;
                }
                std::fs::write(dir.join(file), to_template_string(&s.asset_manifest()))?;
            }
        }
        std::fs::write(
            dir.join("manifest.json"),
            to_template_string(&self.manifest_doc()),
        )?;
        std::fs::write(
            dir.join("cdk.out"),
            to_template_string(&json!({ "version": ASSEMBLY_VERSION })),
        )?;
        Ok(())
    }
}

impl StackArtifact {
    /// The file name of the stack's asset manifest, `<Stack>.assets.json`;
    /// `None` when the stack has no file assets.
    pub fn asset_manifest_file(&self) -> Option<String> {
        (!self.assets.is_empty()).then(|| format!("{}.assets.json", self.id))
    }

    /// The asset manifest document, in the CDK's format: per content hash,
    /// the staged source with its packaging and the bucket and key deploy
    /// uploads it to.
    pub fn asset_manifest(&self) -> Json {
        asset_manifest(&self.assets)
    }
}

/// Where an app writes its assembly: `CDK_OUTDIR` when the CDK CLI (or
/// `cargo xtask synth`) sets it, `cdk.out` otherwise.
pub fn output_dir() -> PathBuf {
    std::env::var_os("CDK_OUTDIR")
        .filter(|d| !d.is_empty())
        .map_or_else(|| PathBuf::from("cdk.out"), PathBuf::from)
}

impl App {
    /// Synthesizes the app into [`output_dir`] and prints one line per
    /// stack; on failure prints every problem and returns a failure code.
    /// This is the whole `main` of an app binary.
    ///
    /// ```no_run
    /// fn main() -> std::process::ExitCode {
    ///     let app = strata_core::App::new();
    ///     // ... add stacks ...
    ///     app.run()
    /// }
    /// ```
    pub fn run(&self) -> ExitCode {
        let assembly = match self.synth() {
            Ok(a) => a,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
        let dir = output_dir();
        if let Err(e) = assembly.write(&dir) {
            eprintln!("cannot write the cloud assembly to {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
        for s in &assembly.stacks {
            println!(
                "{}: {} resources, {} bytes -> {}",
                s.id,
                s.resource_count,
                s.body().len(),
                dir.join(s.template_file()).display()
            );
        }
        // The process ends right after `run`: freeing every template node
        // one by one would cost a tenth of the synth for nothing.
        std::mem::forget(assembly);
        ExitCode::SUCCESS
    }

    /// [`run`](App::run) for the end of `main`: the app is not freed
    /// afterwards, since the process is about to exit and the operating
    /// system takes its memory back at once.
    ///
    /// ```no_run
    /// fn main() -> std::process::ExitCode {
    ///     let app = strata_core::App::new();
    ///     // ... add stacks ...
    ///     app.run_to_exit()
    /// }
    /// ```
    pub fn run_to_exit(self) -> ExitCode {
        let code = self.run();
        std::mem::forget(self);
        code
    }
}
