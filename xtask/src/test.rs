//! `cargo xtask test`: every check CI runs, in order, stopping at the
//! first failure: formatting, generated code freshness, clippy, the test
//! suites (unit, snapshot, doc, and the deploy tests against moto, which
//! this installs), synth of every app, byte-identical synth across
//! processes, cfn-lint on every synthesized template, the apps' and
//! the construct gallery's, and the cfn-guard policy packs on the same
//! templates.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::synth::{self, SynthOptions};

/// The cfn-lint release whose schemas are pinned in `schema/`.
pub const CFN_LINT_VERSION: &str = "1.58.0";

fn cargo(root: &Path, args: &[&str]) -> Result<()> {
    let status = Command::new(env!("CARGO"))
        .current_dir(root)
        .args(args)
        .status()
        .with_context(|| format!("running cargo {}", args.join(" ")))?;
    if !status.success() {
        bail!("`cargo {}` failed", args.join(" "));
    }
    Ok(())
}

fn step(name: &str, f: impl FnOnce() -> Result<()>) -> Result<()> {
    println!("==> {name}");
    let t = Instant::now();
    f()?;
    println!("    ok ({:.1} s)", t.elapsed().as_secs_f64());
    Ok(())
}

/// The moto release the deploy tests run against.
pub const MOTO_VERSION: &str = "5.2.5";

/// Creates the project's venv unless it exists.
fn create_venv(venv: &Path) -> Result<()> {
    if venv.join("bin").join("pip").exists() {
        return Ok(());
    }
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_string());
    let status = Command::new(&python)
        .args(["-m", "venv"])
        .arg(venv)
        .status()
        .context("creating .venv (is python3 installed?)")?;
    if !status.success() {
        bail!("`{python} -m venv .venv` failed");
    }
    Ok(())
}

/// Installs a pinned requirement into the project's venv (created if
/// needed) and checks that it provides `bin`.
fn pip_install(venv: &Path, requirement: &str, bin: &Path) -> Result<()> {
    create_venv(venv)?;
    let status = Command::new(venv.join("bin").join("pip"))
        .args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            requirement,
        ])
        .status()
        .with_context(|| format!("installing {requirement}"))?;
    if !status.success() || !bin.exists() {
        bail!("installing {requirement} into .venv failed");
    }
    Ok(())
}

/// moto's server in the project's venv, installed on first use; the
/// deploy tests (`constructs/deploy/tests/moto_*.rs`) run against it.
pub fn moto_server(root: &Path) -> Result<PathBuf> {
    let venv = root.join(".venv");
    let bin = venv.join("bin").join("moto_server");
    let version_ok = Command::new(venv.join("bin").join("python"))
        .args(["-c", "import moto; print(moto.__version__)"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == MOTO_VERSION)
        .unwrap_or(false);
    if version_ok && bin.exists() {
        return Ok(bin);
    }
    pip_install(
        &venv,
        &format!("moto[server,cloudformation]=={MOTO_VERSION}"),
        &bin,
    )?;
    Ok(bin)
}

/// The cfn-lint executable in the project's venv, created on first use.
pub fn cfn_lint(root: &Path) -> Result<PathBuf> {
    let venv = root.join(".venv");
    let bin = venv.join("bin").join("cfn-lint");
    let version_ok = Command::new(&bin)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains(CFN_LINT_VERSION))
        .unwrap_or(false);
    if version_ok {
        return Ok(bin);
    }
    pip_install(&venv, &format!("cfn-lint=={CFN_LINT_VERSION}"), &bin)?;
    Ok(bin)
}

/// Runs cfn-lint, informational findings included, on every template in
/// `dir`; any finding is a failure.
pub fn lint(root: &Path, dir: &Path) -> Result<()> {
    let mut templates = templates_under(dir)?;
    templates.sort();
    if templates.is_empty() {
        bail!(
            "no templates in {}; run `cargo xtask synth` first",
            dir.display()
        );
    }
    let findings = crate::summary::lint_findings(root, &templates)?;
    let bad: Vec<&String> = findings.values().flatten().collect();
    if !bad.is_empty() {
        for line in &bad {
            eprintln!("{line}");
        }
        bail!("cfn-lint reported {} finding(s)", bad.len());
    }
    println!(
        "    cfn-lint {CFN_LINT_VERSION}: {} template(s), no findings",
        templates.len()
    );
    Ok(())
}

/// Every `*.template.json` in `dir` and its subdirectories (the nested
/// environment assemblies).
pub fn templates_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            found.extend(templates_under(&path)?);
        } else if path.to_string_lossy().ends_with(".template.json") {
            found.push(path);
        }
    }
    Ok(found)
}

/// Runs every check.
pub fn run(root: &Path) -> Result<()> {
    let out = root.join("cdk.out");
    step("cargo fmt --check", || {
        cargo(root, &["fmt", "--all", "--", "--check"])
    })?;
    step("cargo xtask codegen --check", || {
        crate::codegen::run(root, true)
    })?;
    step("cargo xtask schema config --check", || {
        crate::config_schema::run(root, true)
    })?;
    step("cargo clippy (workspace)", || {
        cargo(
            root,
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--quiet",
                "--",
                "-D",
                "warnings",
            ],
        )
    })?;
    step("cargo clippy (strata-cfn, all services)", || {
        cargo(
            root,
            &[
                "clippy",
                "--package",
                "strata-cfn",
                "--all-features",
                "--quiet",
                "--",
                "-D",
                "warnings",
            ],
        )
    })?;
    let moto = std::cell::OnceCell::new();
    step("moto (for the deploy tests)", || {
        let bin = moto_server(root)?;
        println!("    moto {MOTO_VERSION}: {}", bin.display());
        moto.set(bin).ok();
        Ok(())
    })?;
    step(
        "cargo test (unit, snapshot, doc, deploy against moto)",
        || {
            let mut cmd = Command::new(env!("CARGO"));
            cmd.current_dir(root).args(["test", "--workspace"]);
            if let Some(bin) = moto.get() {
                // Set, so a missing server fails the deploy tests instead of skipping them.
                cmd.env("STRATA_MOTO_SERVER", bin);
            }
            let status = cmd.status().context("running cargo test --workspace")?;
            if !status.success() {
                bail!("`cargo test --workspace` failed");
            }
            Ok(())
        },
    )?;
    step(
        "cargo xtask synth (every app and environment, with cfn-lint)",
        || {
            synth::run(
                root,
                &SynthOptions {
                    apps: Vec::new(),
                    out: out.clone(),
                    release: false,
                    env: None,
                    check: true,
                },
            )
        },
    )?;
    step(
        "cargo xtask diagram --check (the apps' README diagrams)",
        || {
            crate::diagram::run(
                root,
                &crate::diagram::DiagramOptions {
                    apps: Vec::new(),
                    env: None,
                    out: synth::target_dir(root).join("diagrams"),
                    check: true,
                    release: false,
                },
            )
        },
    )?;
    step(
        "determinism (each app twice per environment, in two processes)",
        || crate::determinism::run(root),
    )?;
    step(
        "policy packs (cfn-guard) on cdk.out, every environment",
        || crate::guard::run(&out, None),
    )?;
    let gallery = root.join("target").join("strata-gallery");
    step("cfn-lint on the construct gallery", || {
        let dir = gallery.clone();
        if dir.exists() {
            std::fs::remove_dir_all(&dir).with_context(|| format!("clearing {}", dir.display()))?;
        }
        let status = Command::new(env!("CARGO"))
            .current_dir(root)
            .args([
                "run",
                "--quiet",
                "--package",
                "strata",
                "--example",
                "gallery",
            ])
            .env("CDK_OUTDIR", &dir)
            .status()
            .context("running the gallery example")?;
        if !status.success() {
            bail!("the gallery example failed to synthesize");
        }
        lint(root, &dir)
    })?;
    step("policy packs (cfn-guard) on the construct gallery", || {
        crate::guard::run(&gallery, None)
    })?;
    println!("all checks passed");
    Ok(())
}
