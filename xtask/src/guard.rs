//! `cargo xtask guard`: the policy packs (`strata-guard`, cfn-guard rules
//! in `constructs/guard/rules/`) on every `*.template.json` under an
//! assembly directory, nested `assembly-<env>/` directories included.
//! Prints each template's counts, the failures (rule, stack, logical id,
//! message), then the suppressions with their reasons; any failure or
//! malformed suppression fails the command.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use strata_guard::{Options, Report};

/// Every template under `dir`, recursively, sorted.
pub fn templates(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with(".template.json") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The stack a template holds, named with its directory under the
/// assembly root (`assembly-prod/BirdStack`).
fn stack_name(dir: &Path, template: &Path) -> String {
    let rel = template.strip_prefix(dir).unwrap_or(template);
    let name = rel.to_string_lossy().replace('\\', "/");
    name.strip_suffix(".template.json")
        .unwrap_or(&name)
        .to_string()
}

/// Checks one template; `env` overrides the environment its directory
/// names.
pub fn check(template: &Path, env: Option<&str>) -> Result<Report> {
    let text = std::fs::read_to_string(template)
        .with_context(|| format!("reading {}", template.display()))?;
    let environment = env
        .map(str::to_string)
        .or_else(|| strata_guard::environment_of(template));
    strata_guard::evaluate_str(&text, &Options { environment })
        .with_context(|| format!("checking {}", template.display()))
}

/// Runs the packs on every template under `dir` and prints the report.
pub fn run(dir: &Path, env: Option<&str>) -> Result<()> {
    let found = templates(dir)?;
    if found.is_empty() {
        bail!(
            "no templates in {}; run `cargo xtask synth` first",
            dir.display()
        );
    }
    let mut reports = Vec::new();
    for template in &found {
        reports.push((stack_name(dir, template), check(template, env)?));
    }
    let width = reports.iter().map(|(s, _)| s.len()).max().unwrap_or(0);
    let (mut failed, mut suppressed) = (0, 0);
    for (stack, report) in &reports {
        let o = report.outcome();
        failed += o.failures + o.malformed;
        suppressed += o.suppressed;
        println!(
            "    {} {stack:width$}  {} rules passed, {} failed, {} suppressed",
            if report.passed() { "pass" } else { "FAIL" },
            o.passed_rules,
            o.failures + o.malformed,
            o.suppressed,
        );
    }
    if failed > 0 {
        println!("\n    Failures:");
        for (stack, report) in &reports {
            for f in &report.failures {
                println!(
                    "    {}  {stack}  {} ({})\n        {}",
                    f.rule, f.logical_id, f.resource_type, f.message
                );
            }
            for e in &report.errors {
                println!(
                    "    SUPPRESSION  {stack}  {}\n        {}",
                    e.logical_id, e.message
                );
            }
        }
    }
    let declared: Vec<_> = reports
        .iter()
        .flat_map(|(stack, r)| r.suppressions.iter().map(move |s| (stack, s)))
        .collect();
    if !declared.is_empty() {
        println!("\n    Suppressed:");
        for (stack, s) in declared {
            let unused = if s.silenced {
                ""
            } else {
                " (nothing to suppress)"
            };
            println!(
                "    {}  {stack}  {} ({}){unused}\n        {}",
                s.rule, s.logical_id, s.resource_type, s.reason
            );
        }
    }
    println!(
        "    cfn-guard packs: {} template(s), {failed} failure(s), {suppressed} suppressed",
        reports.len()
    );
    if failed > 0 {
        bail!("the policy packs failed on {failed} resource(s)");
    }
    Ok(())
}
