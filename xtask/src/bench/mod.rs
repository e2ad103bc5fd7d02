//! `cargo xtask bench`: whole-process synth of every app, the seed 000
//! network and data tier against its targets, the scale curve, codegen
//! and build cost. Prints one table and writes
//! `bench/results/<YYYY-MM-DD>.json`.

mod build;
mod codegen;
mod machine;
mod measure;
mod scale;
mod synth;

use std::path::{Path, PathBuf};

pub use measure::{helper, HELPER};

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

/// The suites, in the order they run.
pub const SUITES: [&str; 4] = ["synth", "scale", "codegen", "build"];

/// Options of `cargo xtask bench`.
#[derive(clap::Args, Debug, Clone)]
pub struct Options {
    /// Suites to run, comma separated: synth, scale, codegen, build.
    #[arg(long, value_delimiter = ',', default_values_t = SUITES.map(String::from))]
    pub only: Vec<String>,
    /// Runs of each app synth (the median is reported).
    #[arg(long, default_value_t = 31)]
    pub runs: usize,
    /// Runs of each scale point.
    #[arg(long, default_value_t = 5)]
    pub scale_runs: usize,
    /// Runs of the in-process codegen.
    #[arg(long, default_value_t = 3)]
    pub codegen_runs: usize,
    /// Runs of each build-cost measurement (clean builds take minutes).
    #[arg(long, default_value_t = 1)]
    pub build_runs: usize,
    /// Edit/rebuild/synth cycles of the incremental loop.
    #[arg(long, default_value_t = 3)]
    pub loop_runs: usize,
    /// An external baseline binary, for comparing against another
    /// synthesizer of the same stack: it should write the network and data
    /// tier of `bird-agent`'s `network_data` into `CDK_OUTDIR`. The synth
    /// suite runs the two interleaved, as many times each, and adds the
    /// baseline's medians and the ratios of time and peak RSS.
    #[arg(long, value_name = "BIN")]
    pub baseline: Option<PathBuf>,
    /// Where to write the results (default `bench/results/<date>.json`);
    /// `-` writes none.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// A limit a figure is held to.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// At most this value.
    AtMost(f64),
    /// Strictly below this value.
    Below(f64),
}

impl Target {
    fn met(self, value: f64) -> bool {
        match self {
            Target::AtMost(l) => value <= l,
            Target::Below(l) => value < l,
        }
    }

    fn text(self, unit: &str) -> String {
        match self {
            Target::AtMost(l) => format!("<= {} {unit}", number(l)),
            Target::Below(l) => format!("< {} {unit}", number(l)),
        }
    }
}

/// One measured figure: the median of `runs` runs.
#[derive(Debug, Clone)]
pub struct Figure {
    /// The suite.
    pub suite: &'static str,
    /// What was measured.
    pub name: String,
    /// The median.
    pub value: f64,
    /// Its unit: `ms`, `s`, `MiB`, `KiB`, `x` (a ratio) or `count`.
    pub unit: &'static str,
    /// How many runs the median is over.
    pub runs: usize,
    /// The limit it is held to, if any.
    pub target: Option<Target>,
}

impl Figure {
    /// A figure without a target.
    pub fn new(
        suite: &'static str,
        name: impl Into<String>,
        value: f64,
        unit: &'static str,
        runs: usize,
    ) -> Self {
        Figure {
            suite,
            name: name.into(),
            value,
            unit,
            runs,
            target: None,
        }
    }

    /// The same figure held to `target`.
    pub fn with_target(mut self, target: Target) -> Self {
        self.target = Some(target);
        self
    }

    fn pass(&self) -> Option<bool> {
        self.target.map(|t| t.met(self.value))
    }

    fn to_json(&self) -> Value {
        json!({
            "suite": self.suite,
            "name": self.name,
            "median": round(self.value),
            "unit": self.unit,
            "runs": self.runs,
            "target": self.target.map(|t| t.text(self.unit)),
            "pass": self.pass(),
        })
    }
}

/// `v` with at most 4 significant decimals, for readable JSON.
fn round(v: f64) -> f64 {
    if v.abs() >= 100.0 {
        (v * 10.0).round() / 10.0
    } else {
        (v * 10_000.0).round() / 10_000.0
    }
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else if v.abs() >= 100.0 {
        format!("{v:.1}")
    } else if v.abs() >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// Converts bytes to MiB.
pub fn mib(bytes: f64) -> f64 {
    bytes / 1_048_576.0
}

/// A scratch directory for outputs, removed when dropped.
pub struct Scratch(PathBuf);

impl Scratch {
    /// Creates `<tmp>/strata-bench-<pid>-<name>`.
    pub fn new(name: &str) -> Result<Scratch> {
        let dir = std::env::temp_dir().join(format!("strata-bench-{}-{name}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        Ok(Scratch(dir))
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the selected suites, prints the table and writes the results.
pub fn run(root: &Path, opts: &Options) -> Result<()> {
    for s in &opts.only {
        if !SUITES.contains(&s.as_str()) {
            bail!("unknown suite {s:?}; the suites are {}", SUITES.join(", "));
        }
    }
    if let Some(b) = &opts.baseline {
        if !b.is_file() {
            bail!("--baseline {}: no such file", b.display());
        }
    }
    let wants = |s: &str| opts.only.iter().any(|o| o == s);
    let load_before = machine::load();
    let started = std::time::Instant::now();
    let mut figures = Vec::new();
    if wants("synth") {
        figures.extend(synth::run(root, opts)?);
    }
    if wants("scale") {
        figures.extend(scale::run(root, opts)?);
    }
    if wants("codegen") {
        figures.extend(codegen::run(root, opts)?);
    }
    if wants("build") {
        figures.extend(build::run(root, opts)?);
    }
    let load_after = machine::load();
    print_table(&figures);
    let met = figures.iter().filter(|f| f.pass() == Some(true)).count();
    let missed: Vec<&Figure> = figures.iter().filter(|f| f.pass() == Some(false)).collect();
    println!(
        "targets: {met} met, {} missed; load average {load_before} before, {load_after} after; {:.0} s",
        missed.len(),
        started.elapsed().as_secs_f64()
    );
    let mut results = json!({
        "date": machine::today(),
        "machine": machine::describe(root),
        "load": { "before": load_before, "after": load_after },
        "options": {
            "suites": opts.only,
            "runs": opts.runs,
            "scale_runs": opts.scale_runs,
            "codegen_runs": opts.codegen_runs,
            "build_runs": opts.build_runs,
            "loop_runs": opts.loop_runs,
            "baseline": opts.baseline.is_some(),
        },
        "figures": figures.iter().map(Figure::to_json).collect::<Vec<_>>(),
        "targets": {
            "met": met,
            "missed": missed.iter().map(|f| f.name.clone()).collect::<Vec<_>>(),
        },
    });
    if let Some(name) = opts.baseline.as_deref().and_then(baseline_name) {
        results["options"]["baseline_binary"] = name.into();
    }
    let out = match &opts.out {
        Some(p) if p.as_os_str() == "-" => return Ok(()),
        Some(p) => root.join(p),
        None => root
            .join("bench")
            .join("results")
            .join(format!("{}.json", machine::today())),
    };
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let text = serde_json::to_string_pretty(&results)? + "\n";
    std::fs::write(&out, text).with_context(|| format!("writing {}", out.display()))?;
    println!(
        "results: {}",
        out.strip_prefix(root).unwrap_or(&out).display()
    );
    Ok(())
}

/// The file name of the baseline binary, for the results (never its
/// directory, which is particular to the machine).
fn baseline_name(path: &Path) -> Option<String> {
    path.file_name().map(|n| n.to_string_lossy().into_owned())
}

fn print_table(figures: &[Figure]) {
    let rows: Vec<[String; 6]> = figures
        .iter()
        .map(|f| {
            [
                f.suite.to_string(),
                f.name.clone(),
                number(f.value),
                f.unit.to_string(),
                f.target.map(|t| t.text(f.unit)).unwrap_or_default(),
                match f.pass() {
                    Some(true) => "ok".into(),
                    Some(false) => "MISSED".into(),
                    None => String::new(),
                },
            ]
        })
        .collect();
    let head = ["suite", "figure", "median", "unit", "target", ""];
    let mut width = head.map(str::len);
    for r in &rows {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.len());
        }
    }
    let line = |cells: [&str; 6]| {
        let [a, b, c, d, e, g] = cells;
        println!(
            "{a:<w0$}  {b:<w1$}  {c:>w2$}  {d:<w3$}  {e:<w4$}  {g}",
            w0 = width[0],
            w1 = width[1],
            w2 = width[2],
            w3 = width[3],
            w4 = width[4],
        );
    };
    line(head);
    for r in &rows {
        line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_pass_and_fail() {
        let f = Figure::new("synth", "x", 2.5, "ms", 3).with_target(Target::AtMost(2.0));
        assert_eq!(f.pass(), Some(false));
        let g = Figure::new("synth", "x", 2.0, "ms", 3).with_target(Target::AtMost(2.0));
        assert_eq!(g.pass(), Some(true));
        assert_eq!(
            Figure::new("scale", "y", 1.0, "s", 1)
                .with_target(Target::Below(1.0))
                .pass(),
            Some(false)
        );
        assert_eq!(Figure::new("build", "z", 1.0, "s", 1).pass(), None);
        assert_eq!(f.to_json()["target"], "<= 2 ms");
    }

    #[derive(clap::Parser)]
    struct Cli {
        #[command(flatten)]
        bench: Options,
    }

    fn parse(args: &[&str]) -> Options {
        use clap::Parser;
        Cli::parse_from(std::iter::once("bench").chain(args.iter().copied())).bench
    }

    #[test]
    fn baseline_is_optional_and_takes_a_path() {
        assert_eq!(parse(&[]).baseline, None);
        let o = parse(&[
            "--only",
            "synth",
            "--runs",
            "5",
            "--baseline",
            "base/bin/stack",
        ]);
        assert_eq!(o.baseline, Some(PathBuf::from("base/bin/stack")));
        assert_eq!((o.only, o.runs), (vec!["synth".to_string()], 5));
        assert_eq!(
            baseline_name(Path::new("base/bin/stack")).as_deref(),
            Some("stack")
        );
    }

    #[test]
    fn ratios_print_with_three_significant_decimals_below_one() {
        assert_eq!(number(0.25), "0.250");
        assert_eq!(number(3.456), "3.46");
        assert_eq!(number(2.0), "2");
    }
}
