//! `cargo xtask schema config`: each app with a `config/` directory gets
//! `config/schema.json`, the JSON Schema of its per-environment files,
//! printed by the app itself (built with its `schema` feature and run with
//! `--config-schema`), so editors can validate the files.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::synth::apps;

/// Writes (or with `check`, compares) every app's `config/schema.json`.
pub fn run(root: &Path, check: bool) -> Result<()> {
    let mut stale = Vec::new();
    for app in apps(root)? {
        let dir = root.join("apps").join(&app).join("config");
        if !dir.is_dir() {
            continue;
        }
        let out = Command::new(env!("CARGO"))
            .current_dir(root)
            .args([
                "run",
                "--quiet",
                "--package",
                &app,
                "--bin",
                &app,
                "--features",
                "schema",
                "--",
            ])
            .arg("--config-schema")
            .output()
            .with_context(|| format!("running {app} --config-schema"))?;
        if !out.status.success() {
            bail!(
                "{app}: printing the config schema failed\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let schema = String::from_utf8(out.stdout).context("the schema is not UTF-8")?;
        let path = dir.join("schema.json");
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if check {
            if current != schema {
                stale.push(path.display().to_string());
            }
        } else if current != schema {
            std::fs::write(&path, &schema)
                .with_context(|| format!("writing {}", path.display()))?;
            println!("wrote {}", path.display());
        } else {
            println!("{} is up to date", path.display());
        }
    }
    if !stale.is_empty() {
        bail!(
            "stale config schemas (run `cargo xtask schema config`): {}",
            stale.join(", ")
        );
    }
    Ok(())
}
