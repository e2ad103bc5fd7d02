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

/// The environment written at the top of `cdk.out/`; every other one is a
/// nested assembly `cdk.out/assembly-<env>/`, as the CDK lays out stages.
pub const DEFAULT_ENV: &str = "dev";

/// The file in `cdk.out/` mapping each environment to its assembly
/// directory (`"."` for the top level).
pub const ENVIRONMENTS_FILE: &str = "strata-environments.json";

/// The environments of `apps`: every `config/<env>.json` of any of them,
/// `dev`, `staging` and `prod` first, then the others by name.
pub fn environments(root: &Path, apps: &[String]) -> Vec<String> {
    let mut names = std::collections::BTreeSet::new();
    for a in apps {
        let dir = root.join("apps").join(a).join("config");
        names.extend(config_environments(&dir));
    }
    let rank = |e: &str| match e {
        "dev" => 0,
        "staging" => 1,
        "prod" => 2,
        _ => 3,
    };
    let mut names: Vec<String> = names.into_iter().collect();
    names.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
    if names.is_empty() {
        names.push(DEFAULT_ENV.to_string());
    }
    names
}

/// `<dir>/*.json` but `schema.json`: the environments an app has files for.
fn config_environments(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".json")?;
            (stem != "schema").then(|| stem.to_string())
        })
        .collect()
}

/// Whether `app` runs in `env`: it has `config/<env>.json`, or no config
/// directory at all.
pub fn has_environment(root: &Path, app: &str, env: &str) -> bool {
    let dir = root.join("apps").join(app).join("config");
    !dir.is_dir() || dir.join(format!("{env}.json")).exists()
}

/// The apps `wanted` names (all when empty), checked against `apps/`.
pub fn select_apps(root: &Path, wanted: &[String]) -> Result<Vec<String>> {
    let all = apps(root)?;
    if wanted.is_empty() {
        return Ok(all);
    }
    for a in wanted {
        if !all.contains(a) {
            bail!(
                "no app named {a:?} in apps/; the apps are: {}",
                all.join(", ")
            );
        }
    }
    Ok(wanted.to_vec())
}

/// Builds each app's binary (the one named after the app, which
/// [`run_apps`] runs), dev or release profile. An app's other binaries
/// are left out: each one is one more link in every edit loop.
pub fn build(root: &Path, apps: &[String], release: bool) -> Result<()> {
    let mut build = Command::new(env!("CARGO"));
    build.current_dir(root).arg("build").arg("--quiet");
    if release {
        build.arg("--release");
    }
    for a in apps {
        build.args(["--package", a]);
    }
    for a in apps {
        build.args(["--bin", a]);
    }
    let status = build.status().context("running cargo build")?;
    if !status.success() {
        bail!("building the apps failed");
    }
    Ok(())
}

/// The target directory cargo builds into (`CARGO_TARGET_DIR` or `target/`).
pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| root.join("target"))
}

/// One app's cloud assembly for one environment, as the app wrote it.
pub struct AppAssembly {
    /// The app crate (directory under `apps/`).
    pub app: String,
    /// The environment (`STRATA_ENV`).
    pub env: String,
    /// The assembly directory: `manifest.json` and the templates.
    pub dir: PathBuf,
    /// How long the app process took, start to files written.
    pub took: std::time::Duration,
}

/// Runs each built app binary in each environment it has, writing its
/// assembly under `<target>/strata-assemblies/<env>/<app>/`. The apps that
/// fail are named in the error, after every other one ran.
pub fn run_apps(
    root: &Path,
    apps: &[String],
    envs: &[String],
    release: bool,
) -> Result<Vec<AppAssembly>> {
    let profile = if release { "release" } else { "debug" };
    let staging = target_dir(root).join("strata-assemblies");
    let mut done = Vec::new();
    let mut failed = Vec::new();
    for env in envs {
        for a in apps {
            if !has_environment(root, a, env) {
                continue;
            }
            let dir = staging.join(env).join(a);
            if dir.exists() {
                std::fs::remove_dir_all(&dir)?;
            }
            let bin = target_dir(root).join(profile).join(a);
            let t = Instant::now();
            let out = Command::new(&bin)
                .env("CDK_OUTDIR", &dir)
                .env("STRATA_ENV", env)
                .output()
                .with_context(|| format!("running {}", bin.display()))?;
            let took = t.elapsed();
            if !out.status.success() {
                eprintln!(
                    "{a} ({env}): synth failed\n{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                failed.push(format!("{a} ({env})"));
                continue;
            }
            done.push(AppAssembly {
                app: a.clone(),
                env: env.clone(),
                dir,
                took,
            });
        }
    }
    if !failed.is_empty() {
        bail!("synth failed for: {}", failed.join(", "));
    }
    Ok(done)
}

/// Options of `cargo xtask synth`.
pub struct SynthOptions {
    /// Only these apps; all when empty.
    pub apps: Vec<String>,
    /// The merged assembly directory.
    pub out: PathBuf,
    /// Build with the release profile.
    pub release: bool,
    /// Only this environment (`STRATA_ENV` for the apps), written at the
    /// top of `out`; every environment when `None`.
    pub env: Option<String>,
    /// Run cfn-lint and the policy packs on every template and fail on a
    /// finding.
    pub check: bool,
}

/// A stack written into the merged assembly.
pub struct SynthesizedStack {
    /// The app crate.
    pub app: String,
    /// The environment.
    pub env: String,
    /// The artifact id.
    pub stack: String,
    /// Resources in the template.
    pub resources: usize,
    /// Template size in bytes.
    pub bytes: usize,
    /// The template file in the merged assembly.
    pub template: PathBuf,
}

/// Builds and runs the apps in every environment (or `opts.env`), writes
/// the merged assembly, checks it, and prints the summary table.
pub fn run(root: &Path, opts: &SynthOptions) -> Result<()> {
    let selected = select_apps(root, &opts.apps)?;
    let envs = match &opts.env {
        Some(env) => vec![env.clone()],
        None => environments(root, &selected),
    };
    let runs: Vec<String> = selected
        .iter()
        .filter(|a| envs.iter().any(|e| has_environment(root, a, e)))
        .cloned()
        .collect();
    for a in selected.iter().filter(|a| !runs.contains(a)) {
        println!("{a}: skipped, no config/{}.json", envs.join(".json or "));
    }
    if runs.is_empty() {
        bail!("no app to synthesize (apps/ is empty, or no app has this environment)");
    }
    let started = Instant::now();
    build(root, &runs, opts.release)?;
    let built = started.elapsed();
    let assemblies = run_apps(root, &runs, &envs, opts.release)?;
    let out = &opts.out;
    if out.exists() {
        std::fs::remove_dir_all(out).with_context(|| format!("clearing {}", out.display()))?;
    }
    let mut stacks = Vec::new();
    let mut nested = Map::new();
    // Environment → its assembly directory, relative to `out`.
    let mut index = Map::new();
    for env in &envs {
        let of_env: Vec<&AppAssembly> = assemblies.iter().filter(|a| &a.env == env).collect();
        if of_env.is_empty() {
            continue;
        }
        // The first environment (dev unless --env) is the top-level assembly.
        let (dir, name) = if index.is_empty() {
            (out.clone(), None)
        } else {
            let name = format!("assembly-{env}");
            (out.join(&name), Some(name))
        };
        stacks.extend(merge(&of_env, &dir)?);
        index.insert(
            env.clone(),
            Value::from(name.clone().unwrap_or_else(|| ".".into())),
        );
        if let Some(name) = name {
            nested.insert(
                name.clone(),
                serde_json::json!({
                    "type": "cdk:cloud-assembly",
                    "properties": { "directoryName": name, "displayName": env },
                }),
            );
        }
    }
    if !nested.is_empty() {
        let manifest_path = out.join("manifest.json");
        let mut manifest: Value = match std::fs::read_to_string(&manifest_path) {
            Ok(text) => serde_json::from_str(&text)?,
            Err(_) => {
                serde_json::json!({ "version": strata_core::ASSEMBLY_VERSION, "artifacts": {} })
            }
        };
        if let Some(arts) = manifest["artifacts"].as_object_mut() {
            arts.extend(nested);
        }
        write_manifest(out, &manifest)?;
    }
    std::fs::write(
        out.join(ENVIRONMENTS_FILE),
        strata_core::to_template_string(&Value::Object(index)),
    )?;
    println!(
        "{} stack(s) from {} app(s) in {} environment(s) in {} (build {:.1} s, synth {:.0} ms)",
        stacks.len(),
        runs.len(),
        envs.len(),
        out.display(),
        built.as_secs_f64(),
        assemblies
            .iter()
            .map(|a| a.took.as_secs_f64() * 1000.0)
            .sum::<f64>()
    );
    crate::summary::report(root, &stacks, opts.check)
}

/// Merges app assemblies of one environment into the assembly `dir`.
fn merge(assemblies: &[&AppAssembly], dir: &Path) -> Result<Vec<SynthesizedStack>> {
    let mut artifacts = Map::new();
    let mut stacks = Vec::new();
    // Templates, asset manifests and staged assets, copied along.
    let mut copies: Vec<(PathBuf, String)> = Vec::new();
    for asm in assemblies {
        let a = &asm.app;
        let manifest: Value =
            serde_json::from_str(&std::fs::read_to_string(asm.dir.join("manifest.json"))?)
                .with_context(|| format!("{a} wrote an invalid manifest.json"))?;
        let Some(arts) = manifest["artifacts"].as_object() else {
            bail!("{a}: manifest.json has no artifacts");
        };
        for (id, art) in arts {
            if artifacts.contains_key(id) {
                bail!("stack {id:?} of app {a} has the same artifact id as a stack of another app; rename one");
            }
            artifacts.insert(id.clone(), art.clone());
            if art["type"] == "cdk:asset-manifest" {
                copies.extend(asset_files(&asm.dir, art).with_context(|| format!("{a}/{id}"))?);
                continue;
            }
            let Some(file) = art["properties"]["templateFile"].as_str() else {
                continue;
            };
            let body = std::fs::read_to_string(asm.dir.join(file))?;
            let template: Value = serde_json::from_str(&body)
                .with_context(|| format!("{a} wrote an invalid {file}"))?;
            stacks.push(SynthesizedStack {
                app: a.clone(),
                env: asm.env.clone(),
                stack: id.clone(),
                resources: template["Resources"].as_object().map_or(0, Map::len),
                bytes: body.len(),
                template: dir.join(file),
            });
            copies.push((asm.dir.join(file), file.to_string()));
        }
    }
    std::fs::create_dir_all(dir)?;
    for (from, file) in &copies {
        copy(from, &dir.join(file))?;
    }
    let version = strata_core::ASSEMBLY_VERSION;
    write_manifest(
        dir,
        &serde_json::json!({ "version": version, "artifacts": artifacts }),
    )?;
    Ok(stacks)
}

/// Writes `manifest.json` and the `cdk.out` version marker into `dir`.
fn write_manifest(dir: &Path, manifest: &Value) -> Result<()> {
    std::fs::write(
        dir.join("manifest.json"),
        strata_core::to_template_string(manifest),
    )?;
    let version = strata_core::ASSEMBLY_VERSION;
    std::fs::write(
        dir.join("cdk.out"),
        strata_core::to_template_string(&serde_json::json!({ "version": version })),
    )?;
    Ok(())
}

/// The assembly directory of environment `env` in the merged `out`, from
/// its environment index: `out` itself for the top-level environment,
/// `out/assembly-<env>/` for the others; `out` when `env` is `None`.
pub fn environment_dir(out: &Path, env: Option<&str>) -> Result<PathBuf> {
    let Some(env) = env else {
        return Ok(out.to_path_buf());
    };
    let index: Value = std::fs::read_to_string(out.join(ENVIRONMENTS_FILE))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(Value::Null);
    match index[env].as_str() {
        Some(dir) => Ok(out.join(dir)),
        None => bail!(
            "{} has no environment {env:?}; run `cargo xtask synth` (every environment) or `cargo xtask synth --env {env}`",
            out.display()
        ),
    }
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
    fn every_app_builds_incrementally_in_release() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
        for a in apps(&root).unwrap() {
            let entry = format!("[profile.release.package.{a}]\nincremental = true\n");
            assert!(
                manifest.contains(&entry),
                "the root Cargo.toml lacks `{}`: without it one edited line of {a} \
                 re-optimizes the whole crate in `cargo xtask synth`",
                entry.trim_end().replace('\n', " ")
            );
        }
    }

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
