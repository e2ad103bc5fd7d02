//! The cloud assembly on disk (`cdk.out/`), in the AWS CDK's format, and
//! the CDK app protocol (`CDK_OUTDIR`).

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{json, Map as JsonMap, Value as Json};

use crate::asset::{asset_manifest, FileAsset};
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
        let mut artifacts = JsonMap::new();
        for s in &self.stacks {
            let mut dependencies = Vec::new();
            if let Some(file) = s.asset_manifest_file() {
                let id = format!("{}.assets", s.id);
                artifacts.insert(
                    id.clone(),
                    json!({"type": "cdk:asset-manifest", "properties": {"file": file}}),
                );
                dependencies.push(Json::from(id));
            }
            dependencies.extend(s.dependencies.iter().map(|d| Json::from(d.as_str())));
            let mut props = JsonMap::new();
            props.insert("templateFile".into(), s.template_file().into());
            if s.termination_protection {
                props.insert("terminationProtection".into(), true.into());
            }
            if s.stack_name != s.id {
                props.insert("stackName".into(), s.stack_name.clone().into());
            }
            let mut metadata: JsonMap<String, Json> = s
                .logical_ids
                .iter()
                .map(|(path, lid)| {
                    (
                        format!("/{path}"),
                        json!([{ "type": "aws:cdk:logicalId", "data": lid }]),
                    )
                })
                .collect();
            // Where deploy gets each cross-stack parameter (an output of a
            // stack deployed before this one), and the StackSet targets.
            let mut entries: Vec<Json> = s
                .parameter_sources
                .iter()
                .map(|p| {
                    json!({
                        "type": PARAMETER_SOURCE,
                        "data": {"parameter": p.parameter, "stack": p.stack, "output": p.output}
                    })
                })
                .collect();
            if let Some(set) = &s.stack_set {
                entries.push(json!({"type": STACK_SET, "data": set.to_json()}));
            }
            if !entries.is_empty() {
                metadata.insert(format!("/{}", s.id), entries.into());
            }
            let mut artifact = JsonMap::new();
            artifact.insert("type".into(), "aws:cloudformation:stack".into());
            artifact.insert("environment".into(), s.env.uri().into());
            artifact.insert("properties".into(), props.into());
            if !dependencies.is_empty() {
                artifact.insert("dependencies".into(), dependencies.into());
            }
            artifact.insert("metadata".into(), metadata.into());
            artifact.insert("displayName".into(), s.id.clone().into());
            artifacts.insert(s.id.clone(), artifact.into());
        }
        json!({ "version": ASSEMBLY_VERSION, "artifacts": artifacts })
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
            std::fs::write(dir.join(s.template_file()), &s.body)?;
            if let Some(file) = s.asset_manifest_file() {
                for a in &s.assets {
                    a.stage(dir)?;
                }
                std::fs::write(dir.join(file), to_template_string(&s.asset_manifest()))?;
            }
        }
        std::fs::write(
            dir.join("manifest.json"),
            to_template_string(&self.manifest()),
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
                s.body.len(),
                dir.join(s.template_file()).display()
            );
        }
        // The process ends right after `run`: freeing every template node
        // one by one would cost a tenth of the synth for nothing.
        std::mem::forget(assembly);
        ExitCode::SUCCESS
    }
}
