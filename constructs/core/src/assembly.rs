//! The cloud assembly on disk (`cdk.out/`), in the AWS CDK's format, and
//! the CDK app protocol (`CDK_OUTDIR`).

use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{json, Map as JsonMap, Value as Json};

use crate::synth::{to_template_string, Assembly};
use crate::tree::App;

/// The cloud-assembly schema version written to `manifest.json`.
pub const ASSEMBLY_VERSION: &str = "36.0.0";

impl Assembly {
    /// The `manifest.json` document.
    pub fn manifest(&self) -> Json {
        let mut artifacts = JsonMap::new();
        for s in &self.stacks {
            let mut props = JsonMap::new();
            props.insert("templateFile".into(), s.template_file().into());
            if s.termination_protection {
                props.insert("terminationProtection".into(), true.into());
            }
            if s.stack_name != s.id {
                props.insert("stackName".into(), s.stack_name.clone().into());
            }
            let metadata: JsonMap<String, Json> = s
                .logical_ids
                .iter()
                .map(|(path, lid)| {
                    (
                        format!("/{path}"),
                        json!([{ "type": "aws:cdk:logicalId", "data": lid }]),
                    )
                })
                .collect();
            artifacts.insert(
                s.id.clone(),
                json!({
                    "type": "aws:cloudformation:stack",
                    "environment": s.env.uri(),
                    "properties": props,
                    "metadata": metadata,
                    "displayName": s.id,
                }),
            );
        }
        json!({ "version": ASSEMBLY_VERSION, "artifacts": artifacts })
    }

    /// Writes the manifest and one `<Stack>.template.json` per stack into
    /// `dir`, replacing templates left there by an earlier synth.
    pub fn write(&self, dir: &Path) -> io::Result<()> {
        std::fs::create_dir_all(dir)?;
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.to_string_lossy().ends_with(".template.json") {
                std::fs::remove_file(&path)?;
            }
        }
        for s in &self.stacks {
            std::fs::write(dir.join(s.template_file()), &s.body)?;
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
        ExitCode::SUCCESS
    }
}
