//! `cargo xtask diagram`: draws each app's synthesized stacks as Mermaid
//! and Graphviz DOT (and SVG with Graphviz's `dot` on `PATH`), from the
//! templates' references, and keeps the Mermaid diagram in each app's
//! README fresh.

mod dot;
mod edges;
mod kinds;
mod labels;
mod mermaid;
mod model;
mod network;
mod readme;
mod refs;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use strata_deploy::CloudAssembly;

use crate::synth;

/// Options of `cargo xtask diagram`.
pub struct DiagramOptions {
    /// Only these apps; all when empty.
    pub apps: Vec<String>,
    /// The environment: each app's README environment when `None`, every
    /// environment with `all`.
    pub env: Option<String>,
    /// Where the `.mmd`, `.dot` and `.svg` files go.
    pub out: PathBuf,
    /// Only compare each README's diagram with a fresh one.
    pub check: bool,
    /// Build the apps with the release profile.
    pub release: bool,
}

/// The environment an app's README shows: `prod` when it has one, else `dev`.
pub fn readme_env(root: &Path, app: &str) -> String {
    if synth::has_environment(root, app, "prod") {
        "prod".into()
    } else {
        synth::DEFAULT_ENV.into()
    }
}

/// The diagram of the assembly in `dir` as (Mermaid, DOT).
pub fn render_assembly(dir: &Path, title: &str) -> Result<(String, String)> {
    let assembly = CloudAssembly::read(dir)?;
    let graph = model::build(title, &assembly.stacks);
    Ok((mermaid::render(&graph), dot::render(&graph)))
}

/// Whether Graphviz's `dot` runs.
pub fn has_dot() -> bool {
    Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Renders DOT text to an SVG file with Graphviz's `dot`.
pub fn svg(dot_text: &Path, svg: &Path) -> Result<()> {
    let out = Command::new("dot")
        .arg("-Tsvg")
        .arg(dot_text)
        .arg("-o")
        .arg(svg)
        .output()
        .context("running dot")?;
    if !out.status.success() {
        bail!(
            "dot -Tsvg {} failed: {}",
            dot_text.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

/// Runs `cargo xtask diagram`.
pub fn run(root: &Path, opts: &DiagramOptions) -> Result<()> {
    let apps = synth::select_apps(root, &opts.apps)?;
    if opts.check && opts.env.is_some() {
        bail!("--check compares each README's own environment; drop --env");
    }
    // (environment, apps) in environment order.
    let mut plan: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |env: String, app: &String| match plan.iter_mut().find(|(e, _)| *e == env) {
        Some((_, list)) => list.push(app.clone()),
        None => plan.push((env, vec![app.clone()])),
    };
    for app in &apps {
        match opts.env.as_deref() {
            None => add(readme_env(root, app), app),
            Some("all") => {
                for env in synth::environments(root, std::slice::from_ref(app)) {
                    if synth::has_environment(root, app, &env) {
                        add(env, app);
                    }
                }
            }
            Some(env) if synth::has_environment(root, app, env) => add(env.to_string(), app),
            Some(env) => println!("{app}: skipped, no config/{env}.json"),
        }
    }
    if plan.is_empty() {
        bail!("no app to draw");
    }
    synth::build(root, &apps, opts.release)?;
    let with_svg = !opts.check && has_dot();
    if !opts.check {
        std::fs::create_dir_all(&opts.out)
            .with_context(|| format!("creating {}", opts.out.display()))?;
        if !with_svg {
            println!("Graphviz `dot` is not on PATH: writing .mmd and .dot, no .svg (apt-get install graphviz)");
        }
    }
    let mut stale = Vec::new();
    for (env, list) in &plan {
        for asm in synth::run_apps(root, list, std::slice::from_ref(env), opts.release)? {
            let title = format!("{} ({})", asm.app, asm.env);
            let (mmd, dot_text) =
                render_assembly(&asm.dir, &title).with_context(|| format!("drawing {title}"))?;
            let readme_path = root.join("apps").join(&asm.app).join("README.md");
            let is_readme_env = asm.env == readme_env(root, &asm.app);
            let text = std::fs::read_to_string(&readme_path).unwrap_or_default();
            let block = readme::block(&mmd);
            if opts.check {
                if readme::current(&text) != Some(block.as_str()) {
                    stale.push(format!("apps/{}/README.md", asm.app));
                }
                continue;
            }
            // `<app>.<env>.<ext>` (not `with_extension`: the env is a dot part).
            let file = |ext: &str| opts.out.join(format!("{}.{}.{ext}", asm.app, asm.env));
            std::fs::write(file("mmd"), &mmd)?;
            std::fs::write(file("dot"), &dot_text)?;
            let mut wrote = vec!["mmd", "dot"];
            if with_svg {
                svg(&file("dot"), &file("svg"))?;
                wrote.push("svg");
            }
            if is_readme_env {
                let updated = readme::splice(&text, &block, &asm.env, &asm.app);
                if updated != text {
                    std::fs::write(&readme_path, updated)?;
                    wrote.push("README.md");
                }
            }
            println!("{title}: {} ({})", file("*").display(), wrote.join(", "));
        }
    }
    if !stale.is_empty() {
        bail!(
            "the diagram in {} is stale; run `cargo xtask diagram`",
            stale.join(", ")
        );
    }
    if opts.check {
        println!(
            "    diagrams in {} README(s) are fresh",
            plan.iter().map(|(_, l)| l.len()).sum::<usize>()
        );
    }
    Ok(())
}
