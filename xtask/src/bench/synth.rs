//! Whole-process synth: every app in every environment, and the seed 000
//! network and data tier (`bird-agent`'s `network_data` binary) against
//! its targets, side by side with an optional baseline binary.

use std::path::Path;
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

/// The seed 000 network and data tier; with `--baseline`, measured side
/// by side with the baseline binary (runs interleaved, see
/// [`measure::interleave`]), which writes into its own output directory.
fn network_data(bin: &Path, opts: &Options, out: &Path) -> Result<Vec<Figure>> {
    let ours = || {
        let mut c = Command::new(bin);
        c.env("CDK_OUTDIR", out).env("STRATA_ENV", "dev");
        deploy_defaults(&mut c);
        c
    };
    let name = "network+data tier (seed 000)";
    let Some(base_bin) = &opts.baseline else {
        let stats = measure::repeat(opts.runs, out, ours)?;
        return Ok(network_data_figures(name, &stats, resources(out)?));
    };
    let base_out = out.with_file_name("baseline.out");
    let base = || {
        let mut c = Command::new(base_bin);
        c.env("CDK_OUTDIR", &base_out);
        deploy_defaults(&mut c);
        c
    };
    let stats = measure::interleave(opts.runs, &[(out, &ours), (&base_out, &base)])
        .context("running network_data and the baseline side by side")?;
    let (ours, base) = (stats[0], stats[1]);
    let mut figures = network_data_figures(name, &ours, resources(out)?);
    let count = resources(&base_out)?;
    println!(
        "  baseline: {:.2} ms, {:.2} MiB, {} bytes, {count} resources",
        base.seconds * 1e3,
        mib(base.rss_bytes),
        base.bytes
    );
    figures.extend(stats_figures("baseline", &base, None));
    figures.push(Figure::new(
        "synth",
        "baseline resources",
        count as f64,
        "count",
        1,
    ));
    figures.extend(ratios(&ours, &base));
    println!(
        "  network_data / baseline: {:.2}x time, {:.2}x peak RSS",
        ours.seconds / base.seconds,
        ours.rss_bytes / base.rss_bytes
    );
    Ok(figures)
}

/// The figures of the network and data tier, held to its targets.
fn network_data_figures(name: &str, s: &Stats, count: usize) -> Vec<Figure> {
    println!(
        "  network_data: {:.2} ms, {:.2} MiB, {} bytes, {count} resources",
        s.seconds * 1e3,
        mib(s.rss_bytes),
        s.bytes
    );
    let mut figures = stats_figures(name, s, Some((NETWORK_DATA_MS, NETWORK_DATA_MIB)));
    figures.push(Figure::new(
        "synth",
        format!("{name} resources"),
        count as f64,
        "count",
        1,
    ));
    figures
}

/// `network_data`'s medians over the baseline's: above 1 means slower
/// (or larger) than the baseline.
fn ratios(ours: &Stats, base: &Stats) -> [Figure; 2] {
    let runs = ours.runs.min(base.runs);
    [
        Figure::new(
            "synth",
            "network+data time / baseline time",
            ours.seconds / base.seconds,
            "x",
            runs,
        ),
        Figure::new(
            "synth",
            "network+data RSS / baseline RSS",
            ours.rss_bytes / base.rss_bytes,
            "x",
            runs,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(ms: f64, mib: f64, runs: usize) -> Stats {
        Stats {
            seconds: ms / 1e3,
            rss_bytes: mib * 1_048_576.0,
            bytes: 1024,
            runs,
        }
    }

    #[test]
    fn ratios_divide_our_medians_by_the_baseline() {
        let [time, rss] = ratios(&stats(6.0, 4.5, 5), &stats(1.5, 3.0, 5));
        assert_eq!(time.name, "network+data time / baseline time");
        assert_eq!((time.unit, time.runs), ("x", 5));
        assert!((time.value - 4.0).abs() < 1e-9);
        assert_eq!(rss.name, "network+data RSS / baseline RSS");
        assert!((rss.value - 1.5).abs() < 1e-9);
        assert!(time.target.is_none() && rss.target.is_none());
        let faster = &ratios(&stats(1.0, 2.0, 3), &stats(4.0, 8.0, 3))[0];
        assert!((faster.value - 0.25).abs() < 1e-9);
    }
}
