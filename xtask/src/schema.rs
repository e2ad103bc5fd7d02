//! `cargo xtask schema import <dir>`: pins the us-east-1 registry schemas
//! from cfn-lint's `cfnlint/data/schemas` directory into `schema/`.
//!
//! Layout written:
//! - `schema/registry/<Prefix>_<Service>_<Type>.json`: one schema per type
//!   (for example `AWS_EC2_VPC.json`), bytes copied verbatim;
//! - `schema/PROVENANCE`: package, version, schema date, region and count.
//!
//! The import is reproducible: the same input gives the same bytes (the
//! import date is taken from the data's `schema_date`, not the clock).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// The region whose provider list selects the types.
pub const REGION: &str = "us-east-1";

/// The directory under `schema/` holding one file per type.
pub const REGISTRY_DIR: &str = "registry";

/// File name of a type's schema in `schema/registry/`: `AWS::EC2::VPC` →
/// `AWS_EC2_VPC.json`.
pub fn file_name(type_name: &str) -> String {
    format!("{}.json", type_name.replace("::", "_"))
}

pub fn import(root: &Path, dir: &Path) -> Result<()> {
    let providers = dir.join("providers").join(format!("{REGION}.json"));
    let text = fs::read_to_string(&providers)
        .with_context(|| format!("reading {}", providers.display()))?;
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&text).context("parsing the provider list")?;
    let mut types = BTreeMap::new();
    for (name, hash) in &map {
        let Some(hash) = hash.as_str() else {
            bail!("provider entry {name} is not a string");
        };
        if !valid_type_name(name) {
            bail!("unexpected type name {name:?}");
        }
        types.insert(name.clone(), hash.to_string());
    }

    let schema_date = read_schema_date(dir)?;
    let version = read_version(dir)?;

    let out = root.join("schema").join(REGISTRY_DIR);
    fs::create_dir_all(&out)?;
    let mut written = std::collections::BTreeSet::new();
    for (name, hash) in &types {
        let src = dir.join("resources").join(format!("{hash}.json"));
        let bytes = fs::read(&src).with_context(|| format!("reading {}", src.display()))?;
        let schema: serde_json::Value = serde_json::from_slice(&bytes)
            .with_context(|| format!("parsing the schema of {name}"))?;
        if schema.get("typeName").and_then(|t| t.as_str()) != Some(name.as_str()) {
            bail!("schema {hash}.json does not describe {name}");
        }
        let file = file_name(name);
        write_if_changed(&out.join(&file), &bytes)?;
        written.insert(file);
    }
    let mut removed = 0;
    for entry in fs::read_dir(&out)? {
        let entry = entry?;
        let fname = entry.file_name().to_string_lossy().into_owned();
        if !written.contains(&fname) {
            fs::remove_file(entry.path())?;
            removed += 1;
        }
    }

    let provenance = provenance(&version, &schema_date, types.len());
    write_if_changed(
        &root.join("schema").join("PROVENANCE"),
        provenance.as_bytes(),
    )?;
    println!(
        "imported {} types from cfn-lint {version} (schema date {schema_date}); removed {removed} stale files",
        types.len()
    );
    Ok(())
}

fn valid_type_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split("::").collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn provenance(version: &str, schema_date: &str, count: usize) -> String {
    let imported = schema_date.get(..10).unwrap_or(schema_date);
    format!(
        "# CloudFormation registry schemas pinned for Strata's L1 codegen.\n\
         # Refresh with `cargo xtask schema import <site-packages>/cfnlint/data/schemas`.\n\
         package: cfn-lint\n\
         version: {version}\n\
         license: MIT-0\n\
         source: cfnlint/data/schemas/providers/{REGION}.json + resources/<hash>.json\n\
         region: {REGION}\n\
         schema_date: {schema_date}\n\
         imported: {imported}\n\
         types: {count}\n"
    )
}

fn read_schema_date(dir: &Path) -> Result<String> {
    let path = dir.join("version.json");
    let text = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let v: serde_json::Value = serde_json::from_str(&text)?;
    v.get("schema_date")
        .and_then(|d| d.as_str())
        .map(str::to_string)
        .context("version.json has no schema_date")
}

/// The cfn-lint version: from the sibling `cfn_lint-*.dist-info/METADATA`
/// (`<site-packages>/cfnlint/data/schemas` → `<site-packages>`), else from
/// `cfnlint/version.py`.
fn read_version(dir: &Path) -> Result<String> {
    let site = dir.join("../../..");
    if let Ok(entries) = fs::read_dir(&site) {
        let mut infos: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let n = p.file_name().unwrap_or_default().to_string_lossy();
                (n.starts_with("cfn_lint-") || n.starts_with("cfn-lint-"))
                    && n.ends_with(".dist-info")
            })
            .collect();
        infos.sort();
        for info in infos {
            if let Ok(meta) = fs::read_to_string(info.join("METADATA")) {
                if let Some(v) = meta.lines().find_map(|l| l.strip_prefix("Version: ")) {
                    return Ok(v.trim().to_string());
                }
            }
        }
    }
    let version_py = dir.join("../../version.py");
    if let Ok(text) = fs::read_to_string(version_py) {
        if let Some(line) = text.lines().find(|l| l.starts_with("__version__")) {
            if let Some(v) = line.split('"').nth(1) {
                return Ok(v.to_string());
            }
        }
    }
    bail!("cannot find the cfn-lint version next to {}", dir.display())
}

fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<()> {
    if fs::read(path).ok().as_deref() == Some(bytes) {
        return Ok(());
    }
    fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_flat_and_readable() {
        assert_eq!(file_name("AWS::EC2::VPC"), "AWS_EC2_VPC.json");
        assert_eq!(file_name("Alexa::ASK::Skill"), "Alexa_ASK_Skill.json");
        assert!(valid_type_name("AWS::EC2::VPC"));
        assert!(!valid_type_name("AWS::EC2"));
        assert!(!valid_type_name("AWS::EC2::../x"));
    }

    #[test]
    fn provenance_is_deterministic() {
        let p = provenance("1.0", "2024-01-02T03:04:05Z", 3);
        assert!(p.contains("imported: 2024-01-02\n"));
        assert_eq!(p, provenance("1.0", "2024-01-02T03:04:05Z", 3));
    }
}
