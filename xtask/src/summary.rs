//! The table `cargo xtask synth` ends with: every stack of every app and
//! environment, its size, and what cfn-lint and the policy packs
//! (cfn-guard) say of its template.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::synth::SynthesizedStack;
use crate::test::{cfn_lint, CFN_LINT_VERSION};

/// cfn-lint processes run at once; the linter is single-threaded.
const LINT_PROCESSES: usize = 2;

/// Runs cfn-lint, informational findings included, on `templates`, and
/// returns each template's findings (one line each, parseable format).
pub fn lint_findings(root: &Path, templates: &[PathBuf]) -> Result<BTreeMap<PathBuf, Vec<String>>> {
    let bin = cfn_lint(root)?;
    let chunk = templates.len().div_ceil(LINT_PROCESSES).max(1);
    let children = templates
        .chunks(chunk)
        .map(|part| {
            Command::new(&bin)
                .args(["--format", "parseable", "--include-checks", "I", "--"])
                .args(part)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .context("running cfn-lint")
        })
        .collect::<Result<Vec<_>>>()?;
    let mut findings: BTreeMap<PathBuf, Vec<String>> =
        templates.iter().map(|t| (t.clone(), Vec::new())).collect();
    for child in children {
        let out = child.wait_with_output().context("waiting for cfn-lint")?;
        let text = String::from_utf8_lossy(&out.stdout);
        let mut attributed = true;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            match templates
                .iter()
                .find(|t| line.starts_with(&format!("{}:", t.display())))
            {
                Some(t) => findings
                    .entry(t.clone())
                    .or_default()
                    .push(line.to_string()),
                None => attributed = false,
            }
        }
        // Exit codes 2, 4, 8 and their sums are findings; anything else
        // (or output that names no template) is cfn-lint failing to run.
        let code = out.status.code().unwrap_or(-1);
        if !attributed || !(0..16).contains(&code) || code & 1 == 1 {
            bail!(
                "cfn-lint failed (exit {code}):\n{text}{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    Ok(findings)
}

/// Prints the summary table of `stacks`; with `check`, lints every
/// template and runs the policy packs on it first, prints each finding,
/// and fails when there is one (the details of a guard failure:
/// `cargo xtask guard`).
pub fn report(root: &Path, stacks: &[SynthesizedStack], check: bool) -> Result<()> {
    let templates: Vec<PathBuf> = stacks.iter().map(|s| s.template.clone()).collect();
    let lint = if check && !templates.is_empty() {
        Some(lint_findings(root, &templates)?)
    } else {
        None
    };
    let guard: Option<Vec<strata_guard::GuardOutcome>> = if check {
        Some(
            stacks
                .iter()
                .map(|s| {
                    strata_guard::check_template(&s.template)
                        .map_err(|e| anyhow::anyhow!("{}: {e}", s.template.display()))
                })
                .collect::<Result<_>>()?,
        )
    } else {
        None
    };
    let guard_status = |i: usize| match &guard {
        None => "-".to_string(),
        Some(outcomes) => {
            let o = &outcomes[i];
            let mut text = if o.passed() {
                "ok".to_string()
            } else {
                format!("{} failure(s)", o.failures + o.malformed)
            };
            if o.suppressed > 0 {
                text += &format!(" ({} suppressed)", o.suppressed);
            }
            text
        }
    };
    let status = |s: &SynthesizedStack| match &lint {
        None => "-".to_string(),
        Some(findings) => match findings.get(&s.template).map_or(0, Vec::len) {
            0 => "ok".to_string(),
            n => format!("{n} finding(s)"),
        },
    };
    let rows: Vec<[String; 7]> = stacks
        .iter()
        .enumerate()
        .map(|(i, s)| {
            [
                s.app.clone(),
                s.env.clone(),
                s.stack.clone(),
                s.resources.to_string(),
                s.bytes.to_string(),
                status(s),
                guard_status(i),
            ]
        })
        .collect();
    let header = [
        "app",
        "env",
        "stack",
        "resources",
        "bytes",
        "cfn-lint",
        "cfn-guard",
    ];
    print!("{}", table(&header, &rows));
    let total_resources: usize = stacks.iter().map(|s| s.resources).sum();
    let total_bytes: usize = stacks.iter().map(|s| s.bytes).sum();
    println!(
        "{} stack(s), {total_resources} resources, {total_bytes} bytes",
        stacks.len()
    );
    let lint_failed = lint
        .as_ref()
        .is_some_and(|f| f.values().any(|v| !v.is_empty()));
    if let Some(outcomes) = &guard {
        let failed = outcomes.iter().filter(|o| !o.passed()).count();
        let suppressed: usize = outcomes.iter().map(|o| o.suppressed).sum();
        if failed > 0 && !lint_failed {
            bail!("the policy packs failed on {failed} template(s); `cargo xtask guard` shows why");
        }
        if failed == 0 {
            println!(
                "cfn-guard: {} template(s) pass the policy packs ({suppressed} suppression(s) with reasons; `cargo xtask guard` lists them)",
                outcomes.len()
            );
        }
    }
    if let Some(findings) = lint {
        let bad: Vec<&String> = findings.values().flatten().collect();
        if !bad.is_empty() {
            for line in &bad {
                eprintln!("{line}");
            }
            bail!(
                "cfn-lint {CFN_LINT_VERSION} reported {} finding(s)",
                bad.len()
            );
        }
        println!(
            "cfn-lint {CFN_LINT_VERSION}: {} template(s), no findings (informational included)",
            findings.len()
        );
    }
    Ok(())
}

/// A plain-text table: text columns left-aligned, number columns right.
fn table<const N: usize>(header: &[&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(str::len);
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    let numeric: Vec<bool> = (0..N)
        .map(|i| !rows.is_empty() && rows.iter().all(|r| r[i].parse::<f64>().is_ok()))
        .collect();
    let line = |cells: Vec<&str>| {
        let mut text = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if numeric[i] {
                    format!("{c:>w$}", w = widths[i])
                } else {
                    format!("{c:<w$}", w = widths[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ");
        text.truncate(text.trim_end().len());
        text + "\n"
    };
    let mut out = line(header.to_vec());
    out += &line(
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect(),
    );
    for row in rows {
        out += &line(row.iter().map(String::as_str).collect());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_text_left_and_numbers_right() {
        let rows = [
            ["bird-agent".to_string(), "131".to_string()],
            ["x".to_string(), "7".to_string()],
        ];
        let text = table(&["app", "resources"], &rows);
        assert_eq!(
            text,
            "app         resources\n----------  ---------\nbird-agent        131\nx                   7\n"
        );
    }
}
