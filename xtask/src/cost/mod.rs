//! `cargo xtask cost`: a monthly cost estimate of every app in every
//! environment, per stack and per resource, from the synthesized templates
//! and the pricing table `xtask/pricing/us-east-1.json`.

pub mod estimate;
pub mod pricing;
pub mod report;
mod rules;

use std::path::Path;

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::synth;
use estimate::Estimator;
use pricing::Pricing;
use report::EnvEstimate;

/// Options of `cargo xtask cost`.
pub struct CostOptions {
    /// Only these apps; all when empty.
    pub apps: Vec<String>,
    /// Only these environments; every one the apps have when empty.
    pub envs: Vec<String>,
    /// Print JSON instead of tables.
    pub json: bool,
    /// Build the apps with the release profile.
    pub release: bool,
}

/// Builds and synthesizes the apps, prices every environment's assembly,
/// and prints the report.
pub fn run(root: &Path, opts: &CostOptions) -> Result<()> {
    let pricing = Pricing::load(root, pricing::REGION)?;
    let apps = synth::select_apps(root, &opts.apps)?;
    let envs = if opts.envs.is_empty() {
        synth::environments(root, &apps)
    } else {
        opts.envs.clone()
    };
    let runs: Vec<String> = apps
        .iter()
        .filter(|a| envs.iter().any(|e| synth::has_environment(root, a, e)))
        .cloned()
        .collect();
    if runs.is_empty() {
        bail!("no app has the environment(s) {}", envs.join(", "));
    }
    synth::build(root, &runs, opts.release)?;
    let assemblies = synth::run_apps(root, &runs, &envs, opts.release)?;
    let mut estimates = Vec::new();
    for app in &runs {
        for env in &envs {
            if let Some(asm) = assemblies.iter().find(|a| &a.app == app && &a.env == env) {
                estimates.push(estimate_assembly(&pricing, app, env, &asm.dir)?);
            }
        }
    }
    if opts.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report::json(&pricing, &estimates))?
        );
    } else {
        print!("{}", report::text(&pricing, &estimates));
    }
    Ok(())
}

/// Prices every stack of the cloud assembly in `dir` (nested assemblies
/// included), stacks sorted by artifact id.
pub fn estimate_assembly(
    pricing: &Pricing,
    app: &str,
    env: &str,
    dir: &Path,
) -> Result<EnvEstimate> {
    let est = Estimator::new(pricing, env)?;
    let mut stacks = Vec::new();
    collect_stacks(&est, dir, &mut stacks)?;
    stacks.sort_by(|a, b| a.stack.cmp(&b.stack));
    Ok(EnvEstimate {
        app: app.to_string(),
        env: env.to_string(),
        stacks,
        used_usage: est.used_usage(),
    })
}

/// The stacks of the assembly in `dir` and of its nested assemblies.
fn collect_stacks(
    est: &Estimator,
    dir: &Path,
    out: &mut Vec<estimate::StackEstimate>,
) -> Result<()> {
    let path = dir.join("manifest.json");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let manifest: Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    for (id, art) in manifest["artifacts"].as_object().into_iter().flatten() {
        match art["type"].as_str() {
            Some("aws:cloudformation:stack") => {
                let Some(file) = art["properties"]["templateFile"].as_str() else {
                    continue;
                };
                let body = std::fs::read_to_string(dir.join(file))
                    .with_context(|| format!("reading {file}"))?;
                let template: Value =
                    serde_json::from_str(&body).with_context(|| format!("parsing {file}"))?;
                out.push(est.stack(id, region_of(art), &template));
            }
            Some("cdk:cloud-assembly") => {
                if let Some(sub) = art["properties"]["directoryName"].as_str() {
                    collect_stacks(est, &dir.join(sub), out)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The region of a stack artifact's `aws://account/region` environment,
/// unless it is the unresolved placeholder.
fn region_of(art: &Value) -> Option<String> {
    let env = art["environment"].as_str()?;
    let region = env.rsplit('/').next()?;
    (!region.is_empty() && region != "unknown-region").then(|| region.to_string())
}
