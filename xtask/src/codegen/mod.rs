//! `cargo xtask codegen [--check]`: generates the L1 crate `constructs/cfn`
//! from the registry schemas in `schema/registry` and the data fixes in
//! `schema/patches`.
//!
//! Pipeline: read + patch schemas → `model` (schema → IR, with `shape`
//! deciding type families and `boxing` breaking recursive types) → `rules`
//! (pattern vetting, rule tables) → `emit` (one file per service) and
//! `registry` (registry.rs, lib.rs, Cargo.toml) → `check` (write or compare).

mod boxing;
mod check;
mod emit;
mod model;
mod names;
mod patches;
mod registry;
mod rules;
mod shape;
mod share;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};

use model::TypeModel;

/// The generated crate, relative to the workspace root.
const CRATE_DIR: &str = "constructs/cfn";

/// What a generation run produced.
#[derive(Debug, Default)]
pub struct Summary {
    pub types: usize,
    pub services: usize,
    pub structs: usize,
    /// Property-type structs replaced by a service-level shared one.
    pub deduplicated: usize,
    pub boxed: usize,
    pub rules: usize,
    pub patched: usize,
    pub skipped_patterns: usize,
    pub skipped_pattern_uses: usize,
    pub lines: usize,
    pub bytes: usize,
    /// Time per phase, for the report line.
    pub phases: String,
}

pub fn run(root: &Path, check: bool) -> Result<()> {
    let start = Instant::now();
    let (files, s) = generate(root)?;
    let src = Path::new(CRATE_DIR).join("src");
    if check {
        let diffs = check::differences(root, &files, &src)?;
        if !diffs.is_empty() {
            for d in &diffs {
                eprintln!("stale generated file: {d}");
            }
            bail!("generated code is out of date; run `cargo xtask codegen`");
        }
        println!(
            "codegen --check: {} files up to date ({} types) in {:.2?} ({})",
            files.len(),
            s.types,
            start.elapsed(),
            s.phases
        );
        return Ok(());
    }
    let (written, removed) = check::write(root, &files, &src)?;
    println!(
        "codegen: {} types in {} services, {} structs ({} more deduplicated within services, \
         {} boxed fields), {} rules; {} patched schemas; skipped {} patterns that regex-lite \
         cannot compile ({} uses)",
        s.types,
        s.services,
        s.structs,
        s.deduplicated,
        s.boxed,
        s.rules,
        s.patched,
        s.skipped_patterns,
        s.skipped_pattern_uses
    );
    println!(
        "codegen: {} files ({} lines, {:.1} MB), {written} written, {removed} removed, in {:.2?} ({})",
        files.len(),
        s.lines,
        s.bytes as f64 / 1e6,
        start.elapsed(),
        s.phases
    );
    Ok(())
}

/// Generates every file of the crate in memory.
pub fn generate(root: &Path) -> Result<(check::Files, Summary)> {
    let t = Instant::now();
    let schemas = read_schemas(&root.join("schema"))?;
    let read = t.elapsed();
    let mut summary = Summary {
        types: schemas.len(),
        patched: schemas.iter().filter(|s| s.patched).count(),
        ..Summary::default()
    };
    let mut models = build_models(schemas)?;
    (summary.skipped_patterns, summary.skipped_pattern_uses) =
        rules::drop_bad_patterns(&mut models);
    let model_time = t.elapsed() - read;

    // Group by service module (models are sorted by type name).
    let mut services: BTreeMap<String, (String, Vec<TypeModel>)> = BTreeMap::new();
    for m in models {
        let title = m
            .type_name
            .rsplit_once("::")
            .map(|(s, _)| s.to_string())
            .unwrap_or_default();
        let entry = services
            .entry(m.service.clone())
            .or_insert_with(|| (title.clone(), Vec::new()));
        if entry.0 != title {
            bail!("{} and {title} both map to module {}", entry.0, m.service);
        }
        if entry
            .1
            .iter()
            .any(|o| o.module == m.module || o.name() == m.name())
        {
            bail!(
                "{}: module or struct name collides within {}",
                m.type_name,
                m.service
            );
        }
        entry.1.push(m);
    }
    summary.services = services.len();

    let mut files = check::Files::new();
    let src = Path::new(CRATE_DIR).join("src");
    let outputs = par_map(services.iter().collect(), |(module, (title, models))| {
        let (text, stats) = emit::service_file(title, models);
        (
            src.join(format!("{}.rs", registry::feature(module))),
            text,
            stats,
        )
    });
    for (path, text, stats) in outputs {
        summary.structs += stats.structs;
        summary.deduplicated += stats.deduplicated;
        summary.boxed += stats.boxed;
        summary.rules += stats.rules;
        files.insert(path, text);
    }
    let mut all: Vec<&TypeModel> = services.values().flat_map(|(_, ms)| ms.iter()).collect();
    all.sort_by(|a, b| a.type_name.cmp(&b.type_name));
    let list: Vec<(String, String)> = services
        .iter()
        .map(|(m, (t, _))| (m.clone(), t.clone()))
        .collect();
    files.insert(src.join("registry.rs"), registry::registry_file(&all));
    files.insert(src.join("lib.rs"), registry::lib_file(&list, all.len()));
    files.insert(
        Path::new(CRATE_DIR).join("Cargo.toml"),
        registry::cargo_toml(&list),
    );
    summary.lines = files.values().map(|t| t.lines().count()).sum();
    summary.bytes = files.values().map(String::len).sum();
    summary.phases = format!(
        "read+patch {:.2?}, model {:.2?}, emit {:.2?}",
        read,
        model_time,
        t.elapsed() - read - model_time
    );
    Ok((files, summary))
}

/// One registry schema, patched.
struct Schema {
    name: String,
    patched: bool,
    json: serde_json::Value,
}

/// Reads and patches every schema; sorted by type name.
fn read_schemas(schema_dir: &Path) -> Result<Vec<Schema>> {
    let registry = schema_dir.join("registry");
    let mut paths: Vec<PathBuf> = fs::read_dir(&registry)
        .with_context(|| format!("reading {}", registry.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    paths.retain(|p| p.extension().and_then(|e| e.to_str()) == Some("json"));
    paths.sort();
    let mut patches = patches::load(&schema_dir.join("patches"))?;
    let texts = par_map(paths, |p| {
        let name = p
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        fs::read(&p)
            .map_err(anyhow::Error::from)
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).map_err(Into::into))
            .map(|v| (name, v))
            .with_context(|| format!("reading {}", p.display()))
    });
    let mut out = Vec::with_capacity(texts.len());
    for t in texts {
        let (file, mut schema) = t?;
        let patched = match patches.remove(&file) {
            Some(ops) => {
                patches::apply(&mut schema, &ops)
                    .with_context(|| format!("applying patch {file}"))?;
                true
            }
            None => false,
        };
        let name = schema
            .get("typeName")
            .and_then(|t| t.as_str())
            .with_context(|| format!("{file} has no typeName"))?
            .to_string();
        out.push(Schema {
            name,
            patched,
            json: schema,
        });
    }
    if let Some(file) = patches.keys().next() {
        bail!("patch {file} matches no schema in schema/registry");
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

fn build_models(schemas: Vec<Schema>) -> Result<Vec<TypeModel>> {
    let results = par_map(schemas, |s| {
        model::build(&s.json).with_context(|| format!("modelling {}", s.name))
    });
    results.into_iter().collect()
}

/// Maps `f` over `items` on all cores, keeping the order.
fn par_map<T: Send, U: Send>(items: Vec<T>, f: impl Fn(T) -> U + Sync) -> Vec<U> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let len = items.len();
    if threads <= 1 || len < 2 {
        return items.into_iter().map(f).collect();
    }
    let chunk = len.div_ceil(threads);
    let mut chunks: Vec<Vec<T>> = Vec::new();
    let mut it = items.into_iter();
    loop {
        let c: Vec<T> = it.by_ref().take(chunk).collect();
        if c.is_empty() {
            break;
        }
        chunks.push(c);
    }
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|c| scope.spawn(move || c.into_iter().map(f).collect::<Vec<U>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("codegen worker panicked"))
            .collect()
    })
}
