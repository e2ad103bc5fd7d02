//! The scale curve: the `scale` example of `strata` (N stacks of 500
//! resources of mixed types with references within and across stacks) at
//! 1k, 5k, 10k and 50k resources, whole process, release build.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use super::measure;
use super::{mib, Figure, Options, Scratch, Target};

/// Resources per stack (CloudFormation's limit).
const PER_STACK: usize = 500;
/// The stack counts of the curve: 1k, 5k, 10k and 50k resources.
const STACKS: [usize; 4] = [2, 10, 20, 100];
/// The 100 x 500 app must synthesize in under this many seconds.
const FULL_SECONDS: f64 = 1.0;
/// 10x the resources may cost at most this many times the time.
const TENFOLD: f64 = 11.0;

/// Builds the example and measures the curve.
pub fn run(root: &Path, opts: &Options) -> Result<Vec<Figure>> {
    println!("bench scale: building the scale example in release");
    let status = Command::new(env!("CARGO"))
        .current_dir(root)
        .args([
            "build",
            "--quiet",
            "--release",
            "-p",
            "strata",
            "--example",
            "scale",
        ])
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("building the scale example failed");
    }
    let bin = crate::synth::target_dir(root)
        .join("release")
        .join("examples")
        .join("scale");
    let scratch = Scratch::new("scale")?;
    let out = scratch.path().join("cdk.out");
    let mut figures = Vec::new();
    let mut seconds = Vec::new();
    for stacks in STACKS {
        let total = stacks * PER_STACK;
        let s = measure::repeat(opts.scale_runs, &out, || {
            let mut c = Command::new(&bin);
            c.env("CDK_OUTDIR", &out).args([
                "--stacks",
                &stacks.to_string(),
                "--resources",
                &PER_STACK.to_string(),
            ]);
            c
        })
        .with_context(|| format!("scale {stacks} x {PER_STACK}"))?;
        println!(
            "  {stacks} x {PER_STACK} ({total} resources): {:.3} s, {:.1} MiB, {:.1} MiB written",
            s.seconds,
            mib(s.rss_bytes),
            mib(s.bytes as f64)
        );
        let name = format!("{}k resources ({stacks} x {PER_STACK})", total / 1000);
        let mut time = Figure::new("scale", format!("{name} time"), s.seconds, "s", s.runs);
        if stacks == 100 {
            time = time.with_target(Target::Below(FULL_SECONDS));
        }
        figures.push(time);
        figures.push(Figure::new(
            "scale",
            format!("{name} peak RSS"),
            mib(s.rss_bytes),
            "MiB",
            s.runs,
        ));
        figures.push(Figure::new(
            "scale",
            format!("{name} written"),
            mib(s.bytes as f64),
            "MiB",
            s.runs,
        ));
        seconds.push(s.seconds);
    }
    let ratio = |a: usize, b: usize| seconds[b] / seconds[a];
    figures.push(
        Figure::new(
            "scale",
            "time 10k / time 1k",
            ratio(0, 2),
            "x",
            opts.scale_runs,
        )
        .with_target(Target::AtMost(TENFOLD)),
    );
    figures.push(
        Figure::new(
            "scale",
            "time 50k / time 5k",
            ratio(1, 3),
            "x",
            opts.scale_runs,
        )
        .with_target(Target::AtMost(TENFOLD)),
    );
    Ok(figures)
}
