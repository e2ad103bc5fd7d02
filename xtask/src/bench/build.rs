//! Build cost: clean `cargo check` of `bird-agent` and of the L1 crate
//! with every feature, a clean release build of `bird-agent`, and the
//! edit loop (change one line of an app source file, rebuild, synth) in
//! release and dev. Clean builds go to fresh target directories; the
//! registry cache is shared.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use super::measure::{self, median};
use super::{Figure, Options, Scratch, Target};

/// The edit loop's target, in seconds.
const LOOP_SECONDS: f64 = 2.0;
/// The file the edit loop changes.
const EDITED: &str = "apps/bird-agent/src/network.rs";

/// A cargo command in `root` building into `target`.
fn cargo(root: &Path, target: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO"));
    c.current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        .arg("--quiet")
        .args(args);
    c
}

/// Runs `c` and returns its wall time in seconds.
fn timed(mut c: Command) -> Result<f64> {
    let t = Instant::now();
    let status = c.status().with_context(|| format!("running {c:?}"))?;
    if !status.success() {
        bail!("{c:?} failed");
    }
    Ok(t.elapsed().as_secs_f64())
}

/// Median seconds of `runs` builds, each in a fresh target directory.
fn clean(root: &Path, name: &str, args: &[&str], runs: usize) -> Result<f64> {
    let mut seconds = Vec::new();
    for _ in 0..runs.max(1) {
        let dir = Scratch::new(name)?;
        println!("  clean: cargo {}", args.join(" "));
        seconds.push(timed(cargo(root, dir.path(), args))?);
    }
    Ok(median(&seconds))
}

/// Restores a file's text when dropped, so an interrupted loop leaves the
/// source as it was.
struct Restore {
    path: PathBuf,
    text: String,
}

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = std::fs::write(&self.path, &self.text);
    }
}

/// The text the edit loop puts into a string literal of [`EDITED`]; the
/// synthesized templates show it once the rebuild took effect.
const MARK: &str = "edited by cargo xtask bench: ";

/// `text` with one line of code changed: the first `description:
/// Some("…")` literal gets [`MARK`] in front of its text. A real edit of a
/// function body, not a comment, so the rebuild cannot skip code generation.
fn edited(text: &str) -> Result<String> {
    const AT: &str = "description: Some(\"";
    let Some(at) = text.find(AT) else {
        bail!("{EDITED} has no `{AT}` line for the edit loop to change");
    };
    let at = at + AT.len();
    Ok(format!("{}{MARK}{}", &text[..at], &text[at..]))
}

/// Whether a file under `dir` contains `needle`.
fn mentions(dir: &Path, needle: &str) -> Result<bool> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let found = if path.is_dir() {
            mentions(&path, needle)?
        } else {
            std::fs::read_to_string(&path).is_ok_and(|t| t.contains(needle))
        };
        if found {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The edit loop in `profile` on a warm `target`: `runs` times, change
/// one line of code in [`EDITED`] (odd runs edit it, even runs restore
/// it), rebuild the `bird-agent` binary (the one `cargo xtask synth` runs)
/// and run its synth, checking the templates follow the edit. Returns the
/// median rebuild and the median rebuild-plus-synth seconds.
fn edit_loop(root: &Path, target: &Path, release: bool, runs: usize) -> Result<(f64, f64)> {
    let path = root.join(EDITED);
    let original = std::fs::read_to_string(&path)?;
    let changed = edited(&original)?;
    let _restore = Restore {
        path: path.clone(),
        text: original.clone(),
    };
    let profile = if release { "release" } else { "debug" };
    let bin = target.join(profile).join("bird-agent");
    let out = Scratch::new("loop")?;
    let mut builds = Vec::new();
    let mut loops = Vec::new();
    for i in 0..runs.max(1) {
        let edit = i % 2 == 0;
        std::fs::write(&path, if edit { &changed } else { &original })?;
        let mut args = vec!["build", "-p", "bird-agent", "--bin", "bird-agent"];
        if release {
            args.push("--release");
        }
        let b = timed(cargo(root, target, &args))?;
        let assembly = out.path().join(format!("cdk.out-{i}"));
        let s = measure::run(
            Command::new(&bin)
                .env("CDK_OUTDIR", &assembly)
                .env("STRATA_ENV", "dev"),
        )?;
        if mentions(&assembly, MARK)? != edit {
            bail!("the edit loop's rebuild of {EDITED} did not show in the synthesized templates");
        }
        println!(
            "  edit loop ({profile}): rebuild {b:.2} s, synth {:.1} ms",
            s.seconds * 1e3
        );
        builds.push(b);
        loops.push(b + s.seconds);
    }
    Ok((median(&builds), median(&loops)))
}

/// Measures the build costs.
pub fn run(root: &Path, opts: &Options) -> Result<Vec<Figure>> {
    println!("bench build: clean builds take minutes");
    let n = opts.build_runs;
    let fig = |name: &str, s: f64, runs: usize| Figure::new("build", name, s, "s", runs);
    let mut figures = vec![
        fig(
            "clean check of bird-agent",
            clean(root, "check-app", &["check", "-p", "bird-agent"], n)?,
            n,
        ),
        fig(
            "clean check of strata-cfn --all-features",
            clean(
                root,
                "check-cfn",
                &["check", "-p", "strata-cfn", "--all-features"],
                n,
            )?,
            n,
        ),
    ];
    // One warm target directory for the clean release and dev builds and
    // the loops that follow them.
    let warm = Scratch::new("warm")?;
    println!("  clean: cargo build --release -p bird-agent");
    let release = timed(cargo(
        root,
        warm.path(),
        &["build", "--release", "-p", "bird-agent"],
    ))?;
    figures.push(fig("clean release build of bird-agent", release, 1));
    let (build, total) = edit_loop(root, warm.path(), true, opts.loop_runs)?;
    figures.push(fig("edit loop, release rebuild", build, opts.loop_runs));
    figures.push(
        fig("edit loop, release rebuild + synth", total, opts.loop_runs)
            .with_target(Target::AtMost(LOOP_SECONDS)),
    );
    println!("  clean: cargo build -p bird-agent");
    let dev = timed(cargo(root, warm.path(), &["build", "-p", "bird-agent"]))?;
    figures.push(fig("clean dev build of bird-agent", dev, 1));
    let (build, total) = edit_loop(root, warm.path(), false, opts.loop_runs)?;
    figures.push(fig("edit loop, dev rebuild", build, opts.loop_runs));
    figures.push(
        fig("edit loop, dev rebuild + synth", total, opts.loop_runs)
            .with_target(Target::AtMost(LOOP_SECONDS)),
    );
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edit_changes_one_line_of_code_of_the_app() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let text = std::fs::read_to_string(root.join(EDITED)).unwrap();
        let changed = edited(&text).unwrap();
        let diff: Vec<(&str, &str)> = text
            .lines()
            .zip(changed.lines())
            .filter(|(a, b)| a != b)
            .collect();
        assert_eq!(diff.len(), 1, "{diff:?}");
        assert!(diff[0].1.contains(&format!("Some(\"{MARK}")), "{diff:?}");
        assert_eq!(text.lines().count(), changed.lines().count());
        assert!(edited("fn main() {}").is_err());
    }
}
