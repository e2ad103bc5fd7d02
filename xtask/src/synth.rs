//! `cargo xtask synth`: build every app in `apps/`, run each one with the
//! CDK app protocol, and merge their assemblies into `cdk.out/`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use serde_json::{Map, Value};

/// The app crates: every directory of `apps/` with a `Cargo.toml`, sorted.
pub fn apps(root: &Path) -> Result<Vec<String>> {
    let mut apps = Vec::new();
    for entry in std::fs::read_dir(root.join("apps")).context("reading apps/")? {
        let path = entry?.path();
        if path.join("Cargo.toml").exists() {
            if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
                apps.push(name.to_string());
            }
        }
    }
    apps.sort();
    Ok(apps)
}

/// Options of `cargo xtask synth`.
pub struct SynthOptions {
    /// Only these apps; all when empty.
    pub apps: Vec<String>,
    /// The merged assembly directory.
    pub out: PathBuf,
    /// Build with the release profile.
    pub release: bool,
    /// The environment (`STRATA_ENV` for the apps), such as `prod`.
    pub env: Option<String>,
}

/// Builds and runs the apps, then writes the merged assembly.
pub fn run(root: &Path, opts: &SynthOptions) -> Result<()> {
    let all = apps(root)?;
    let selected: Vec<String> = if opts.apps.is_empty() {
        all
    } else {
        for a in &opts.apps {
            if !all.contains(a) {
                bail!(
                    "no app named {a:?} in apps/; the apps are: {}",
                    all.join(", ")
                );
            }
        }
        opts.apps.clone()
    };
    // An app whose config/ has no file for the environment does not run in it.
    let selected: Vec<String> = match &opts.env {
        Some(env) => selected
            .into_iter()
            .filter(|a| {
                let dir = root.join("apps").join(a).join("config");
                let runs = !dir.is_dir() || dir.join(format!("{env}.json")).exists();
                if !runs {
                    println!("{a}: skipped, no config/{env}.json");
                }
                runs
            })
            .collect(),
        None => selected,
    };
    if selected.is_empty() {
        bail!("no app to synthesize (apps/ is empty, or no app has this environment)");
    }
    let profile = if opts.release { "release" } else { "debug" };
    let started = Instant::now();
    let mut build = Command::new(env!("CARGO"));
    build.current_dir(root).arg("build").arg("--quiet");
    if opts.release {
        build.arg("--release");
    }
    for a in &selected {
        build.args(["--package", a]);
    }
    let status = build.status().context("running cargo build")?;
    if !status.success() {
        bail!("building the apps failed");
    }
    let built = started.elapsed();
    let staging = root.join("target").join("strata-assemblies");
    let mut artifacts = Map::new();
    let mut templates: Vec<(PathBuf, String)> = Vec::new();
    // Asset manifests and staged assets, copied along with the templates.
    let mut copies: Vec<(PathBuf, String)> = Vec::new();
    let mut failed = Vec::new();
    for a in &selected {
        let dir = staging.join(a);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        let bin = root.join("target").join(profile).join(a);
        let t = Instant::now();
        let mut run = Command::new(&bin);
        run.env("CDK_OUTDIR", &dir);
        if let Some(env) = &opts.env {
            run.env("STRATA_ENV", env);
        }
        let out = run
            .output()
            .with_context(|| format!("running {}", bin.display()))?;
        let took = t.elapsed();
        if !out.status.success() {
            eprintln!(
                "{a}: synth failed\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            failed.push(a.clone());
            continue;
        }
        let manifest: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json"))?)
                .with_context(|| format!("{a} wrote an invalid manifest.json"))?;
        let Some(arts) = manifest["artifacts"].as_object() else {
            bail!("{a}: manifest.json has no artifacts");
        };
        for (id, art) in arts {
            if artifacts.contains_key(id) {
                bail!("stack {id:?} of app {a} has the same artifact id as a stack of another app; rename one");
            }
            if art["type"] == "cdk:asset-manifest" {
                copies.extend(asset_files(&dir, art).with_context(|| format!("{a}/{id}"))?);
                artifacts.insert(id.clone(), art.clone());
                continue;
            }
            let file = art["properties"]["templateFile"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let body = std::fs::read_to_string(dir.join(&file))?;
            let template: Value = serde_json::from_str(&body)?;
            let resources = template["Resources"].as_object().map_or(0, Map::len);
            println!(
                "{a}/{id}: {resources} resources, {} bytes, synth {:.1} ms",
                body.len(),
                took.as_secs_f64() * 1000.0
            );
            templates.push((dir.join(&file), file));
            artifacts.insert(id.clone(), art.clone());
        }
    }
    if !failed.is_empty() {
        bail!("synth failed for: {}", failed.join(", "));
    }
    let out = &opts.out;
    if out.exists() {
        std::fs::remove_dir_all(out).with_context(|| format!("clearing {}", out.display()))?;
    }
    std::fs::create_dir_all(out)?;
    for (from, file) in templates.iter().chain(&copies) {
        copy(from, &out.join(file))?;
    }
    let version = strata_core::ASSEMBLY_VERSION;
    let manifest = serde_json::json!({ "version": version, "artifacts": artifacts });
    std::fs::write(
        out.join("manifest.json"),
        strata_core::to_template_string(&manifest),
    )?;
    std::fs::write(
        out.join("cdk.out"),
        strata_core::to_template_string(&serde_json::json!({ "version": version })),
    )?;
    println!(
        "{} stack(s) from {} app(s) in {} (build {:.1} s)",
        templates.len(),
        selected.len(),
        out.display(),
        built.as_secs_f64()
    );
    Ok(())
}

/// The files an asset-manifest artifact brings along, relative to the
/// app's assembly `dir`: the manifest itself and every staged source.
fn asset_files(dir: &Path, art: &Value) -> Result<Vec<(PathBuf, String)>> {
    let Some(file) = art["properties"]["file"].as_str() else {
        bail!("the asset manifest artifact has no properties.file");
    };
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(dir.join(file))?)
        .with_context(|| format!("parsing {file}"))?;
    let mut out = vec![(dir.join(file), file.to_string())];
    for (hash, entry) in manifest["files"].as_object().into_iter().flatten() {
        let Some(source) = entry["source"]["path"].as_str() else {
            bail!("asset {hash} in {file} has no source.path");
        };
        out.push((dir.join(source), source.to_string()));
    }
    Ok(out)
}

/// Copies a file, or a directory with everything in it; an existing
/// target is kept (staged assets are named by their content hash, so two
/// apps may share one).
fn copy(from: &Path, to: &Path) -> Result<()> {
    if to.exists() {
        return Ok(());
    }
    if from.is_dir() {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            copy(&entry.path(), &to.join(entry.file_name()))?;
        }
    } else {
        std::fs::copy(from, to).with_context(|| format!("copying {}", from.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_core::{App, StackProps};

    #[test]
    fn asset_manifests_bring_their_staged_assets_along() {
        let base = std::env::temp_dir().join(format!("strata-xtask-assets-{}", std::process::id()));
        let (src, app_dir, out) = (base.join("src"), base.join("app"), base.join("out"));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(src.join("lib")).unwrap();
        std::fs::write(src.join("lib/handler.py"), "X = 1\n").unwrap();
        let app = App::new();
        let code = app
            .stack("Fn", StackProps::default())
            .file_asset("Code", &src);
        let assembly = app.synth().unwrap();
        assembly.write(&app_dir).unwrap();

        let manifest = assembly.manifest();
        let files = asset_files(&app_dir, &manifest["artifacts"]["Fn.assets"]).unwrap();
        let names: Vec<&str> = files.iter().map(|(_, f)| f.as_str()).collect();
        assert_eq!(names, ["Fn.assets.json", code.staged_path().as_str()]);
        std::fs::create_dir_all(&out).unwrap();
        for (from, file) in &files {
            copy(from, &out.join(file)).unwrap();
        }
        let staged = out.join(code.staged_path()).join("lib/handler.py");
        assert_eq!(std::fs::read_to_string(staged).unwrap(), "X = 1\n");
        assert!(out.join("Fn.assets.json").is_file());
        std::fs::remove_dir_all(&base).unwrap();
    }
}
