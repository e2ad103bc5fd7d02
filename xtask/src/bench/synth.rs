//! Whole-process synth: every app in every environment, and the seed 000
//! network and data tier (`bird-agent`'s `network_data` binary) against
//! its targets, side by side with an optional baseline binary.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use super::measure::{self, Stats};
use super::{mib, Figure, Options, Scratch, Target};

/// The seed 000 stack's targets: median wall time and peak RSS.
pub const NETWORK_DATA_MS: f64 = 2.0;
/// Peak RSS target of the network and data tier, in MiB.
pub const NETWORK_DATA_MIB: f64 = 3.0;

/// Builds the apps in release and measures them.
pub fn run(root: &Path, opts: &Options) -> Result<Vec<Figure>> {
    let apps = crate::synth::apps(root)?;
    let mut build = Command::new(env!("CARGO"));
    build
        .current_dir(root)
        .args(["build", "--quiet", "--release"]);
    for a in &apps {
        build.args(["--package", a]);
    }
    println!("bench synth: building {} apps in release", apps.len());
    if !build.status().context("running cargo build")?.success() {
        bail!("building the apps failed");
    }
    let bin_dir = crate::synth::target_dir(root).join("release");
    let scratch = Scratch::new("synth")?;
    let out = scratch.path().join("cdk.out");
    let mut figures = Vec::new();
    for app in &apps {
        for env in environments(&root.join("apps").join(app))? {
            let bin = bin_dir.join(app);
            let s = measure::repeat(opts.runs, &out, || {
                let mut c = Command::new(&bin);
                c.env("CDK_OUTDIR", &out).env("STRATA_ENV", &env);
                deploy_defaults(&mut c);
                c
            })
            .with_context(|| format!("{app} in {env}"))?;
            let name = format!("{app} {env}");
            println!(
                "  {name}: {:.2} ms, {:.1} MiB, {} bytes ({} resources)",
                s.seconds * 1e3,
                mib(s.rss_bytes),
                s.bytes,
                resources(&out)?
            );
            figures.extend(stats_figures(&name, &s, None));
        }
    }
    figures.extend(network_data(&bin_dir.join("network_data"), opts, &out)?);
    Ok(figures)
}

/// The account and region of the deploy chain, as `cargo xtask synth`
/// gets them from the credentials in use: apps whose environment files
/// leave them to the chain need them to pass values between regions.
fn deploy_defaults(c: &mut Command) {
    for (k, v) in [
        ("CDK_DEFAULT_ACCOUNT", "123456789012"),
        ("CDK_DEFAULT_REGION", "us-east-1"),
    ] {
        if std::env::var_os(k).is_none() {
            c.env(k, v);
        }
    }
}

/// The environments of an app: its `config/<env>.json` files (not
/// `schema.json`), sorted; `dev` for an app without config files.
fn environments(app: &Path) -> Result<Vec<String>> {
    let dir = app.join("config");
    if !dir.is_dir() {
        return Ok(vec!["dev".into()]);
    }
    let mut envs = Vec::new();
    for e in std::fs::read_dir(&dir)? {
        let p = e?.path();
        if p.extension().is_some_and(|x| x == "json") {
            if let Some(stem) = p.file_stem().and_then(|s| s.to_str()) {
                if stem != "schema" {
                    envs.push(stem.to_string());
                }
            }
        }
    }
    envs.sort();
    Ok(envs)
}

/// The resources in every template of an assembly.
fn resources(out: &Path) -> Result<usize> {
    let mut n = 0;
    for e in std::fs::read_dir(out)? {
        let p = e?.path();
        if p.to_string_lossy().ends_with(".template.json") {
            let t: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p)?)?;
            n += t["Resources"].as_object().map_or(0, |r| r.len());
        }
    }
    Ok(n)
}

fn stats_figures(name: &str, s: &Stats, targets: Option<(f64, f64)>) -> Vec<Figure> {
    let mut time = Figure::new(
        "synth",
        format!("{name} time"),
        s.seconds * 1e3,
        "ms",
        s.runs,
    );
    let mut rss = Figure::new(
        "synth",
        format!("{name} peak RSS"),
        mib(s.rss_bytes),
        "MiB",
        s.runs,
    );
    if let Some((ms, mb)) = targets {
        time = time.with_target(Target::AtMost(ms));
        rss = rss.with_target(Target::AtMost(mb));
    }
    let bytes = Figure::new(
        "synth",
        format!("{name} written"),
        s.bytes as f64 / 1024.0,
        "KiB",
        s.runs,
    );
    vec![time, rss, bytes]
}

/// The seed 000 network and data tier, then the baseline right after it
/// in the same bench run.
fn network_data(bin: &PathBuf, opts: &Options, out: &Path) -> Result<Vec<Figure>> {
    let ours = measure::repeat(opts.runs, out, || {
        let mut c = Command::new(bin);
        c.env("CDK_OUTDIR", out).env("STRATA_ENV", "dev");
        deploy_defaults(&mut c);
        c
    })?;
    let count = resources(out)?;
    println!(
        "  network_data: {:.2} ms, {:.2} MiB, {} bytes, {count} resources",
        ours.seconds * 1e3,
        mib(ours.rss_bytes),
        ours.bytes
    );
    let name = "network+data tier (seed 000)";
    let mut figures = stats_figures(name, &ours, Some((NETWORK_DATA_MS, NETWORK_DATA_MIB)));
    figures.push(Figure::new(
        "synth",
        format!("{name} resources"),
        count as f64,
        "count",
        1,
    ));
    let Some(base) = &opts.baseline else {
        return Ok(figures);
    };
    let base = measure::repeat(opts.runs, out, || {
        let mut c = Command::new(base);
        c.env("CDK_OUTDIR", out);
        c
    })
    .context("running the baseline")?;
    println!(
        "  baseline: {:.2} ms, {:.2} MiB, {} bytes",
        base.seconds * 1e3,
        mib(base.rss_bytes),
        base.bytes
    );
    figures.extend(stats_figures("baseline", &base, None));
    figures.push(Figure::new(
        "synth",
        "network+data time / baseline time",
        ours.seconds / base.seconds,
        "x",
        ours.runs,
    ));
    figures.push(Figure::new(
        "synth",
        "network+data RSS / baseline RSS",
        ours.rss_bytes / base.rss_bytes,
        "x",
        ours.runs,
    ));
    Ok(figures)
}
