//! A subset of a cloud assembly: only the resources of given types (say,
//! the ones a local emulator such as moto creates), written as a copy of
//! the assembly that deploys like the original.
//!
//! The rule: a resource of a type outside the set is dropped; so is, in
//! turn, every resource, condition, output and rule whose `Ref`,
//! `Fn::GetAtt`, `Fn::Sub` variable (`${X}`, `${X.Attr}`), `Fn::If` or
//! `Condition` reaches something dropped. A `DependsOn` entry naming a
//! dropped resource mostly just orders the deploy (a function after its
//! role's policy), so only that entry is removed; but a type the
//! [`TypeSet`] marks `needs DependsOn` (an API deployment, which needs its
//! methods) goes with what it depends on.
//! Parameters are kept, except a cross-stack parameter whose producer
//! output was dropped: it goes, with everything using it, and so does its
//! `strata:cross-stack-parameter` record, or the consumer would wait for a
//! value that never comes. A stack left without resources is dropped, and
//! its dependents inherit its dependencies. Every drop is reported with its
//! reason; the result is deterministic.

mod refs;
#[cfg(test)]
mod tests;
mod types;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde_json::{Map, Value as Json};
use strata_core::{to_template_string, PARAMETER_SOURCE};

pub use types::{TypeSet, MOTO_TYPES};

use crate::assembly::{CloudAssembly, StackArtifact};
use refs::{depends_on, Refs};

/// What kind of template element was dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A resource, with its type.
    Resource(String),
    /// A parameter (a cross-stack one whose value can no longer come).
    Parameter,
    /// A condition.
    Condition,
    /// An output.
    Output,
    /// A rule of the `Rules` section.
    Rule,
    /// One `DependsOn` entry of a kept resource: the dependency named.
    DependsOn(String),
    /// A whole stack, left without resources.
    Stack,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kind::Resource(ty) => f.write_str(ty),
            Kind::Parameter => f.write_str("parameter"),
            Kind::Condition => f.write_str("condition"),
            Kind::Output => f.write_str("output"),
            Kind::Rule => f.write_str("rule"),
            Kind::DependsOn(on) => write!(f, "DependsOn entry {on}"),
            Kind::Stack => f.write_str("stack"),
        }
    }
}

/// One element left out of the subset, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// The stack's artifact id.
    pub stack: String,
    /// The logical id (for [`Kind::DependsOn`], the resource whose entry
    /// was removed; for [`Kind::Stack`], the stack id).
    pub logical_id: String,
    /// What it is.
    pub kind: Kind,
    /// Why it was dropped.
    pub reason: String,
}

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} ({}): {}",
            self.stack, self.logical_id, self.kind, self.reason
        )
    }
}

/// How many resources of one stack the subset kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackCount {
    /// The stack's artifact id.
    pub stack: String,
    /// Resources in the original template.
    pub total: usize,
    /// Logical ids of the resources kept, in template order.
    pub kept: Vec<String>,
}

/// A filtered copy of an assembly and the account of what was left out.
#[derive(Debug, Clone)]
pub struct Subset {
    /// The filtered assembly, read back from the directory it was written to.
    pub assembly: CloudAssembly,
    /// Every element dropped, stack by stack in deploy order.
    pub dropped: Vec<Dropped>,
    /// Per stack of the original assembly, in deploy order.
    pub counts: Vec<StackCount>,
}

impl Subset {
    /// The logical ids kept in stack `id` (empty for a dropped stack).
    pub fn kept(&self, id: &str) -> &[String] {
        self.counts
            .iter()
            .find(|c| c.stack == id)
            .map_or(&[], |c| c.kept.as_slice())
    }

    /// A short account: kept/total per stack, then the dropped resource
    /// types with their counts.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let (kept, total) = self.counts.iter().fold((0, 0), |(k, t), c| {
            out.push_str(&format!(
                "  {}: kept {} of {} resources\n",
                c.stack,
                c.kept.len(),
                c.total
            ));
            (k + c.kept.len(), t + c.total)
        });
        out.insert_str(0, &format!("kept {kept} of {total} resources\n"));
        let mut by_type: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for d in &self.dropped {
            if let Kind::Resource(ty) = &d.kind {
                let entry = by_type.entry(ty.clone()).or_default();
                if d.reason.starts_with("type ") {
                    entry.0 += 1;
                } else {
                    entry.1 += 1;
                }
            }
        }
        if !by_type.is_empty() {
            out.push_str("  dropped (by type; as unsupported + as dependent):\n");
            for (ty, (own, dependent)) in by_type {
                out.push_str(&format!("    {ty} {own} + {dependent}\n"));
            }
        }
        out
    }
}

impl CloudAssembly {
    /// Writes to `out` a copy of this assembly keeping only resources whose
    /// type `types` keeps, and what depends on them (see the module
    /// documentation for the rule), and returns it with the report of
    /// what was dropped. `out` must not be this assembly's directory.
    ///
    /// ```
    /// use strata_core::{App, StackProps};
    /// use strata_deploy::subset::TypeSet;
    /// use strata_deploy::CloudAssembly;
    ///
    /// let app = App::new();
    /// let stack = app.stack("Demo", StackProps::default());
    /// stack.resource("Jobs", strata_cfn::sqs::Queue::default());
    /// let dir = std::env::temp_dir().join(format!("strata-doc-subset-{}", std::process::id()));
    /// app.synth().unwrap().write(&dir.join("full")).unwrap();
    /// let full = CloudAssembly::read(&dir.join("full")).unwrap();
    /// let subset = full.filter_resources(&TypeSet::moto(), &dir.join("moto")).unwrap();
    /// assert_eq!(subset.kept("Demo").len(), 1);
    /// assert!(subset.dropped.is_empty());
    /// # std::fs::remove_dir_all(&dir).ok();
    /// ```
    pub fn filter_resources(&self, types: &TypeSet, out: &Path) -> Result<Subset> {
        let same = match (self.dir.canonicalize(), out.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same {
            bail!(
                "the subset of {} must go to another directory",
                self.dir.display()
            );
        }
        let mut dropped = Vec::new();
        let mut counts = Vec::new();
        // Stack id → its dropped outputs (all of them for a dropped stack).
        let mut gone_outputs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut filtered: BTreeMap<String, Filtered> = BTreeMap::new();
        for s in &self.stacks {
            let f = filter_stack(s, types, &gone_outputs, &mut dropped);
            counts.push(StackCount {
                stack: s.id.clone(),
                total: resources(&s.template).map_or(0, Map::len),
                kept: f.kept.clone(),
            });
            gone_outputs.insert(s.id.clone(), f.gone_outputs.clone());
            filtered.insert(s.id.clone(), f);
        }
        write(self, &filtered, out)?;
        let assembly = CloudAssembly::read(out)?;
        Ok(Subset {
            assembly,
            dropped,
            counts,
        })
    }
}

/// One stack after filtering.
struct Filtered {
    /// The filtered template; `None` when the stack is dropped.
    template: Option<Json>,
    /// Cross-stack parameters removed.
    gone_parameters: BTreeSet<String>,
    /// Outputs removed (all of them when the stack is dropped).
    gone_outputs: BTreeSet<String>,
    /// Resources kept.
    kept: Vec<String>,
}

fn resources(template: &Json) -> Option<&Map<String, Json>> {
    template.get("Resources").and_then(Json::as_object)
}

fn section<'a>(template: &'a Json, name: &str) -> Vec<(&'a String, &'a Json)> {
    template
        .get(name)
        .and_then(Json::as_object)
        .map(|m| m.iter().collect())
        .unwrap_or_default()
}

/// What is gone in one template so far: name → what it was.
#[derive(Default)]
struct Gone {
    /// Resources (their type) and parameters ("parameter").
    names: BTreeMap<String, String>,
    conditions: BTreeSet<String>,
}

impl Gone {
    /// Why a fragment with `refs` (and the `Condition` it is under, if
    /// any) must go, naming the first dropped thing it reaches.
    fn reason(&self, refs: &Refs, condition: Option<&str>) -> Option<String> {
        if let Some(c) = condition.filter(|c| self.conditions.contains(*c)) {
            return Some(format!("its condition {c} was dropped"));
        }
        if let Some((name, what)) = refs
            .names
            .iter()
            .find_map(|n| self.names.get(n).map(|w| (n, w)))
        {
            return Some(format!("refers to {name} ({what}), which was dropped"));
        }
        refs.conditions
            .iter()
            .find(|c| self.conditions.contains(*c))
            .map(|c| format!("uses condition {c}, which was dropped"))
    }
}

fn filter_stack(
    s: &StackArtifact,
    types: &TypeSet,
    gone_outputs: &BTreeMap<String, BTreeSet<String>>,
    dropped: &mut Vec<Dropped>,
) -> Filtered {
    let t = &s.template;
    let mut drop = |logical_id: &str, kind: Kind, reason: String| {
        dropped.push(Dropped {
            stack: s.id.clone(),
            logical_id: logical_id.to_string(),
            kind,
            reason,
        })
    };
    let mut gone = Gone::default();
    for source in &s.parameter_sources {
        if gone_outputs
            .get(&source.stack)
            .is_some_and(|o| o.contains(&source.output))
        {
            gone.names
                .insert(source.parameter.clone(), "parameter".into());
            drop(
                &source.parameter,
                Kind::Parameter,
                format!(
                    "filled from output {} of stack {}, which was dropped",
                    source.output, source.stack
                ),
            );
        }
    }
    let type_of = |r: &Json| {
        r.get("Type")
            .and_then(Json::as_str)
            .unwrap_or("?")
            .to_string()
    };
    for (id, r) in section(t, "Resources") {
        if let Some(reason) = types.drop_reason(r) {
            gone.names.insert(id.clone(), type_of(r));
            drop(id, Kind::Resource(type_of(r)), reason);
        }
    }
    loop {
        let before = gone.names.len() + gone.conditions.len();
        for (id, c) in section(t, "Conditions") {
            if !gone.conditions.contains(id) {
                if let Some(reason) = gone.reason(&Refs::of_condition(c), None) {
                    gone.conditions.insert(id.clone());
                    drop(id, Kind::Condition, reason);
                }
            }
        }
        for (id, r) in section(t, "Resources") {
            if !gone.names.contains_key(id) {
                let condition = r.get("Condition").and_then(Json::as_str);
                let needs = types.needs_depends_on(&type_of(r));
                let reason = depends_on(r)
                    .into_iter()
                    .filter(|_| needs.is_some())
                    .find_map(|d| {
                        let what = gone.names.get(&d)?;
                        let why = needs.unwrap_or_default();
                        Some(format!(
                            "depends on {d} ({what}), which was dropped, and needs it: {why}"
                        ))
                    })
                    .or_else(|| gone.reason(&Refs::of(r), condition));
                if let Some(reason) = reason {
                    gone.names.insert(id.clone(), type_of(r));
                    drop(id, Kind::Resource(type_of(r)), reason);
                }
            }
        }
        if gone.names.len() + gone.conditions.len() == before {
            break;
        }
    }
    let mut template = t.clone();
    let mut kept = Vec::new();
    if let Some(res) = template.get_mut("Resources").and_then(Json::as_object_mut) {
        res.retain(|id, _| !gone.names.contains_key(id));
        for (id, r) in res.iter_mut() {
            kept.push(id.clone());
            let (stay, go): (Vec<String>, Vec<String>) = depends_on(r)
                .into_iter()
                .partition(|d| !gone.names.contains_key(d));
            for d in &go {
                drop(
                    id,
                    Kind::DependsOn(d.clone()),
                    format!("{d} ({}) was dropped", gone.names[d]),
                );
            }
            if let (false, Some(obj)) = (go.is_empty(), r.as_object_mut()) {
                match stay.len() {
                    0 => obj.remove("DependsOn"),
                    1 => obj.insert("DependsOn".into(), Json::String(stay[0].clone())),
                    _ => obj.insert("DependsOn".into(), stay.into()),
                };
            }
        }
    }
    let mut gone_outputs = BTreeSet::new();
    for (sec, kind) in [("Outputs", Kind::Output), ("Rules", Kind::Rule)] {
        let mut go = BTreeSet::new();
        for (id, o) in section(t, sec) {
            let condition = o.get("Condition").and_then(Json::as_str);
            if let Some(reason) = gone.reason(&Refs::of(o), condition) {
                go.insert(id.clone());
                drop(id, kind.clone(), reason);
            }
        }
        prune(&mut template, sec, &go);
        if sec == "Outputs" {
            gone_outputs = go;
        }
    }
    let gone_parameters: BTreeSet<String> = gone
        .names
        .iter()
        .filter(|(_, what)| what.as_str() == "parameter")
        .map(|(n, _)| n.clone())
        .collect();
    prune(&mut template, "Parameters", &gone_parameters);
    prune(&mut template, "Conditions", &gone.conditions);
    if kept.is_empty() {
        drop(
            &s.id,
            Kind::Stack,
            "no resources are left in it; its dependents take over its dependencies".into(),
        );
        gone_outputs.extend(section(t, "Outputs").into_iter().map(|(id, _)| id.clone()));
        return Filtered {
            template: None,
            gone_parameters,
            gone_outputs,
            kept,
        };
    }
    Filtered {
        template: Some(template),
        gone_parameters,
        gone_outputs,
        kept,
    }
}

/// Removes `ids` from a section, and the section when it ends up empty.
fn prune(template: &mut Json, section: &str, ids: &BTreeSet<String>) {
    let Some(obj) = template.as_object_mut() else {
        return;
    };
    if let Some(map) = obj.get_mut(section).and_then(Json::as_object_mut) {
        map.retain(|id, _| !ids.contains(id));
        if map.is_empty() {
            obj.remove(section);
        }
    }
}

/// Copies the assembly directory to `out`, then writes the filtered
/// templates and manifest over it.
fn write(asm: &CloudAssembly, filtered: &BTreeMap<String, Filtered>, out: &Path) -> Result<()> {
    copy_dir(&asm.dir, out)
        .with_context(|| format!("copying {} to {}", asm.dir.display(), out.display()))?;
    let manifest_path = asm.dir.join("manifest.json");
    let text = std::fs::read_to_string(&manifest_path)
        .with_context(|| format!("reading {}", manifest_path.display()))?;
    let mut manifest: Json = serde_json::from_str(&text)
        .with_context(|| format!("parsing {}", manifest_path.display()))?;
    let artifacts = manifest
        .get_mut("artifacts")
        .and_then(Json::as_object_mut)
        .context("the manifest has no artifacts")?;
    // Dropped stacks, with the dependencies their dependents inherit.
    let mut removed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for s in &asm.stacks {
        let f = &filtered[&s.id];
        match &f.template {
            None => {
                artifacts.remove(&s.id);
                let inherited = s
                    .dependencies
                    .iter()
                    .flat_map(|d| removed.get(d).cloned().unwrap_or_else(|| vec![d.clone()]))
                    .collect();
                removed.insert(s.id.clone(), inherited);
            }
            Some(template) => {
                let path = out.join(&s.template_file);
                std::fs::write(&path, to_template_string(template))
                    .with_context(|| format!("writing {}", path.display()))?;
                if let Some(entries) = artifacts
                    .get_mut(&s.id)
                    .and_then(|a| a.pointer_mut(&format!("/metadata/~1{}", s.id)))
                    .and_then(Json::as_array_mut)
                {
                    entries.retain(|e| {
                        let is_source =
                            e.get("type").and_then(Json::as_str) == Some(PARAMETER_SOURCE);
                        let parameter = e.pointer("/data/parameter").and_then(Json::as_str);
                        !(is_source && parameter.is_some_and(|p| f.gone_parameters.contains(p)))
                    });
                }
            }
        }
    }
    for artifact in artifacts.values_mut() {
        if let Some(deps) = artifact
            .get_mut("dependencies")
            .and_then(Json::as_array_mut)
        {
            let mut next: Vec<Json> = Vec::new();
            for d in deps.iter() {
                let replaced = match d.as_str().and_then(|d| removed.get(d)) {
                    Some(inherited) => inherited.iter().map(|i| Json::String(i.clone())).collect(),
                    None => vec![d.clone()],
                };
                for r in replaced {
                    if !next.contains(&r) {
                        next.push(r);
                    }
                }
            }
            *deps = next;
        }
    }
    let path = out.join("manifest.json");
    std::fs::write(&path, to_template_string(&manifest))
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Copies the files under `from` to `to` (created), skipping `to` itself
/// when it lies inside `from`.
fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    let skip = to.canonicalize()?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        if path.canonicalize()? == skip {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target)?;
        }
    }
    Ok(())
}
