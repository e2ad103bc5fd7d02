//! Codegen of every registry type, in process (schemas read, models
//! built, every service file emitted), as `cargo xtask codegen` runs it
//! without writing the files.

use std::path::Path;
use std::time::Instant;

use anyhow::Result;

use super::measure::median;
use super::{Figure, Options, Target};

/// Codegen must take under this many seconds.
const SECONDS: f64 = 5.0;

/// Times `codegen::generate`.
pub fn run(root: &Path, opts: &Options) -> Result<Vec<Figure>> {
    println!("bench codegen: generating the L1 crate in memory");
    let mut seconds = Vec::new();
    let mut types = 0;
    for _ in 0..opts.codegen_runs.max(1) {
        let t = Instant::now();
        let (files, summary) = crate::codegen::generate(root)?;
        seconds.push(t.elapsed().as_secs_f64());
        types = summary.types;
        drop(files);
    }
    let s = median(&seconds);
    println!("  {types} types in {s:.2} s");
    Ok(vec![Figure::new(
        "codegen",
        format!("codegen of {types} types"),
        s,
        "s",
        seconds.len(),
    )
    .with_target(Target::Below(SECONDS))])
}
