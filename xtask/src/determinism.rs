//! The determinism step of `cargo xtask test`: every app binary, run twice
//! per environment in separate processes (so with different hash seeds)
//! and from different working directories, must write byte-identical
//! cloud assemblies.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

/// The account the apps fall back to when a config names none, as the
/// deploy chain's credentials would give (prod stacks that pass values
/// between regions need one).
const ACCOUNT: &str = "123456789012";

/// Every file below `dir`, by path relative to it, with its bytes.
pub fn read_tree(dir: &Path) -> Result<BTreeMap<PathBuf, Vec<u8>>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) -> Result<()> {
        for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                walk(base, &path, out)?;
            } else {
                let bytes =
                    std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
                let rel = path.strip_prefix(base).unwrap_or(&path).to_path_buf();
                out.insert(rel, bytes);
            }
        }
        Ok(())
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out)?;
    Ok(out)
}

/// Fails naming the first file that is missing from one tree or differs.
pub fn compare_trees(a: &Path, b: &Path) -> Result<usize> {
    let (ta, tb) = (read_tree(a)?, read_tree(b)?);
    for (path, bytes) in &ta {
        match tb.get(path) {
            None => bail!("{} is written by one run only", path.display()),
            Some(other) if other != bytes => {
                let at = bytes.iter().zip(other).position(|(x, y)| x != y);
                bail!(
                    "{} differs between runs (first at byte {})",
                    path.display(),
                    at.unwrap_or(bytes.len().min(other.len()))
                );
            }
            Some(_) => {}
        }
    }
    if let Some(path) = tb.keys().find(|p| !ta.contains_key(*p)) {
        bail!("{} is written by one run only", path.display());
    }
    if ta.is_empty() {
        bail!("no files were written to {}", a.display());
    }
    Ok(ta.len())
}

/// Runs one app binary for `env` from `cwd` into `out`.
fn synth_once(bin: &Path, env: &str, cwd: &Path, out: &Path) -> Result<()> {
    if out.exists() {
        std::fs::remove_dir_all(out).with_context(|| format!("clearing {}", out.display()))?;
    }
    let result = Command::new(bin)
        .current_dir(cwd)
        .env("STRATA_ENV", env)
        .env("CDK_OUTDIR", out)
        .env("CDK_DEFAULT_ACCOUNT", ACCOUNT)
        .output()
        .with_context(|| format!("running {}", bin.display()))?;
    if !result.status.success() {
        bail!(
            "{} failed for {env}:\n{}",
            bin.display(),
            String::from_utf8_lossy(&result.stderr)
        );
    }
    Ok(())
}

/// Builds the apps (debug) and checks that two runs of each, per
/// environment, from the repository root and from another directory,
/// write identical trees.
pub fn run(root: &Path) -> Result<()> {
    let apps = crate::synth::apps(root)?;
    crate::synth::build(root, &apps, false)?;
    let target = crate::synth::target_dir(root);
    let scratch = target.join("strata-determinism");
    let elsewhere = scratch.join("cwd");
    std::fs::create_dir_all(&elsewhere)
        .with_context(|| format!("creating {}", elsewhere.display()))?;
    let mut checked = 0;
    let envs = crate::synth::environments(root, &apps);
    for a in &apps {
        let bin = target.join("debug").join(a);
        for env in envs
            .iter()
            .filter(|e| crate::synth::has_environment(root, a, e))
        {
            let (first, second) = (
                scratch.join(format!("{a}-{env}-1")),
                scratch.join(format!("{a}-{env}-2")),
            );
            synth_once(&bin, env, root, &first)?;
            synth_once(&bin, env, &elsewhere, &second)?;
            let files = compare_trees(&first, &second).with_context(|| format!("{a} ({env})"))?;
            println!("    {a} ({env}): {files} files identical across processes");
            checked += 1;
        }
    }
    std::fs::remove_dir_all(&scratch).ok();
    println!("    {checked} app environments synthesize byte for byte the same");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "strata-xtask-determinism-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        dir
    }

    #[test]
    fn identical_trees_pass_and_any_difference_is_named() {
        let (a, b) = (scratch("a"), scratch("b"));
        for d in [&a, &b] {
            std::fs::write(d.join("manifest.json"), "{}").unwrap();
            std::fs::write(d.join("sub/T.template.json"), "{\"x\": 1}").unwrap();
        }
        assert_eq!(compare_trees(&a, &b).unwrap(), 2);
        std::fs::write(b.join("sub/T.template.json"), "{\"x\": 2}").unwrap();
        let err = compare_trees(&a, &b).unwrap_err().to_string();
        assert!(
            err.contains("T.template.json differs between runs (first at byte 6)"),
            "{err}"
        );
        std::fs::write(b.join("sub/T.template.json"), "{\"x\": 1}").unwrap();
        std::fs::write(b.join("extra.json"), "{}").unwrap();
        let err = compare_trees(&a, &b).unwrap_err().to_string();
        assert!(
            err.contains("extra.json is written by one run only"),
            "{err}"
        );
        std::fs::remove_dir_all(&a).unwrap();
        std::fs::remove_dir_all(&b).unwrap();
    }
}
