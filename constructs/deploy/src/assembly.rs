//! Reads a cloud assembly (`cdk.out/manifest.json`) into the stacks to
//! deploy, with their environments, templates and dependencies.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde_json::Value as Json;
use strata_core::{limits, ParameterSource, PARAMETER_SOURCE};

use crate::stackset::StackSetTarget;

/// One `aws:cloudformation:stack` artifact of the assembly.
#[derive(Debug, Clone, PartialEq)]
pub struct StackArtifact {
    /// The artifact id (the construct id of the stack).
    pub id: String,
    /// The CloudFormation stack name (`properties.stackName`, else the id).
    pub stack_name: String,
    /// The account of the environment, `None` when environment-agnostic.
    pub account: Option<String>,
    /// The region of the environment, `None` when environment-agnostic.
    pub region: Option<String>,
    /// The environment as written in the manifest (`aws://account/region`).
    pub environment: String,
    /// The template file, relative to the assembly directory.
    pub template_file: String,
    /// The template document.
    pub template: Json,
    /// The template text, exactly as synthesized.
    pub template_body: String,
    /// Ids of artifacts this stack depends on.
    pub dependencies: Vec<String>,
    /// Whether the stack has termination protection.
    pub termination_protection: bool,
    /// Parameters filled from other stacks' outputs at deploy time.
    pub parameter_sources: Vec<ParameterSource>,
}

/// The stacks of a cloud assembly, in dependency order.
#[derive(Debug, Clone)]
pub struct CloudAssembly {
    /// The assembly directory.
    pub dir: PathBuf,
    /// Stacks, each after the stacks it depends on.
    pub stacks: Vec<StackArtifact>,
    /// Stack id → the asset manifests (`cdk:asset-manifest` artifacts) it
    /// depends on, as paths; their assets are published before the stack.
    pub asset_manifests: BTreeMap<String, Vec<PathBuf>>,
    /// Stack id → its StackSet settings (`strata:stack-set` metadata), for
    /// the stacks deployed with `--stackset`.
    pub stack_sets: BTreeMap<String, StackSetTarget>,
}

fn parse_environment(env: &str) -> Result<(Option<String>, Option<String>)> {
    let Some(rest) = env.strip_prefix("aws://") else {
        bail!("environment {env:?} does not start with aws://");
    };
    let Some((account, region)) = rest.split_once('/') else {
        bail!("environment {env:?} is not of the form aws://account/region");
    };
    let known = |s: &str, unknown: &str| (!s.is_empty() && s != unknown).then(|| s.to_string());
    let (account, region) = (
        known(account, "unknown-account"),
        known(region, "unknown-region"),
    );
    if let Some(a) = &account {
        if !limits::is_account_id(a) {
            bail!("environment {env:?}: the account must be 12 digits or unknown-account");
        }
    }
    if let Some(r) = &region {
        let ok = r.len() <= 32
            && r.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok {
            bail!("environment {env:?}: the region must be a region name such as us-east-1, or unknown-region");
        }
    }
    Ok((account, region))
}

/// Checks a stack artifact's id and stack name: CloudFormation takes 1 to
/// 128 letters, digits and hyphens starting with a letter, and the id is
/// printed and matched on the command line.
fn check_names(id: &str, stack_name: &str) -> Result<()> {
    if id.is_empty() || id.chars().any(|c| c.is_control() || c.is_whitespace()) {
        bail!("the artifact id {id:?} is empty or has spaces or control characters");
    }
    if !limits::is_stack_name(stack_name) {
        bail!("stack name {stack_name:?} is not one CloudFormation accepts (1 to 128 letters, digits and hyphens, starting with a letter)");
    }
    Ok(())
}

impl CloudAssembly {
    /// Reads `dir/manifest.json` and every stack template it names.
    pub fn read(dir: &Path) -> Result<Self> {
        let manifest_path = dir.join("manifest.json");
        let text = std::fs::read_to_string(&manifest_path).with_context(|| {
            format!(
                "reading {}; run `cargo xtask synth` first",
                manifest_path.display()
            )
        })?;
        let manifest: Json = serde_json::from_str(&text)
            .with_context(|| format!("parsing {}", manifest_path.display()))?;
        let mut stacks = Vec::new();
        let artifacts = manifest
            .get("artifacts")
            .and_then(Json::as_object)
            .cloned()
            .unwrap_or_default();
        let kind = |a: &Json| a.get("type").and_then(Json::as_str).map(str::to_string);
        let mut asset_files = BTreeMap::new();
        for (id, artifact) in &artifacts {
            if kind(artifact).as_deref() == Some("cdk:asset-manifest") {
                let Some(file) = artifact.pointer("/properties/file").and_then(Json::as_str) else {
                    bail!(
                        "asset manifest artifact `{id}` in {} has no properties.file",
                        manifest_path.display()
                    );
                };
                asset_files.insert(id.clone(), inside(dir, file)?);
            }
        }
        let mut asset_manifests = BTreeMap::new();
        let mut stack_sets = BTreeMap::new();
        for (id, artifact) in &artifacts {
            if kind(artifact).as_deref() != Some("aws:cloudformation:stack") {
                continue;
            }
            let entries = artifact
                .get("metadata")
                .and_then(|m| m.get(format!("/{id}")))
                .and_then(Json::as_array)
                .map_or(&[][..], Vec::as_slice);
            if let Some(set) = StackSetTarget::from_metadata(entries)
                .with_context(|| format!("stack artifact `{id}` in {}", manifest_path.display()))?
            {
                stack_sets.insert(id.clone(), set);
            }
            let mut stack = Self::stack(dir, id, artifact)
                .with_context(|| format!("stack artifact `{id}` in {}", manifest_path.display()))?;
            let (assets, stack_deps): (Vec<String>, Vec<String>) = stack
                .dependencies
                .into_iter()
                .partition(|d| asset_files.contains_key(d));
            stack.dependencies = stack_deps;
            if !assets.is_empty() {
                let files = assets.iter().map(|a| asset_files[a].clone()).collect();
                asset_manifests.insert(stack.id.clone(), files);
            }
            stacks.push(stack);
        }
        let stacks = order(stacks)?;
        Ok(CloudAssembly {
            dir: dir.to_path_buf(),
            stacks,
            asset_manifests,
            stack_sets,
        })
    }

    fn stack(dir: &Path, id: &str, artifact: &Json) -> Result<StackArtifact> {
        let environment = artifact
            .get("environment")
            .and_then(Json::as_str)
            .unwrap_or("aws://unknown-account/unknown-region")
            .to_string();
        let (account, region) = parse_environment(&environment)?;
        let props = artifact.get("properties");
        let prop_str = |k: &str| props.and_then(|p| p.get(k)).and_then(Json::as_str);
        let Some(template_file) = prop_str("templateFile") else {
            bail!("properties.templateFile is missing");
        };
        let path = inside(dir, template_file)?;
        let template_body = std::fs::read_to_string(&path)
            .with_context(|| format!("reading template {}", path.display()))?;
        let template: Json = serde_json::from_str(&template_body)
            .with_context(|| format!("parsing template {}", path.display()))?;
        let dependencies = artifact
            .get("dependencies")
            .and_then(Json::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Json::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let parameter_sources = artifact
            .get("metadata")
            .and_then(|m| m.get(format!("/{id}")))
            .and_then(Json::as_array)
            .map(|entries| {
                entries
                    .iter()
                    .filter(|e| e.get("type").and_then(Json::as_str) == Some(PARAMETER_SOURCE))
                    .filter_map(|e| {
                        let d = e.get("data")?;
                        let field = |k: &str| d.get(k).and_then(Json::as_str).map(str::to_string);
                        Some(ParameterSource {
                            parameter: field("parameter")?,
                            stack: field("stack")?,
                            output: field("output")?,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let stack_name = prop_str("stackName").unwrap_or(id);
        check_names(id, stack_name)?;
        Ok(StackArtifact {
            id: id.to_string(),
            stack_name: stack_name.to_string(),
            account,
            region,
            environment,
            template_file: template_file.to_string(),
            template,
            template_body,
            dependencies,
            termination_protection: props
                .and_then(|p| p.get("terminationProtection"))
                .and_then(Json::as_bool)
                .unwrap_or(false),
            parameter_sources,
        })
    }

    /// The stacks selected by id or stack name; all of them when `names`
    /// is empty. Unknown names are an error listing the known ones.
    pub fn select(&self, names: &[String]) -> Result<Vec<&StackArtifact>> {
        if names.is_empty() {
            return Ok(self.stacks.iter().collect());
        }
        for n in names {
            if !self.stacks.iter().any(|s| &s.id == n || &s.stack_name == n) {
                let known: Vec<&str> = self.stacks.iter().map(|s| s.id.as_str()).collect();
                bail!(
                    "no stack `{n}` in {}; stacks: {}",
                    self.dir.display(),
                    known.join(", ")
                );
            }
        }
        Ok(self
            .stacks
            .iter()
            .filter(|s| names.iter().any(|n| n == &s.id || n == &s.stack_name))
            .collect())
    }

    /// The asset manifests of a stack (none for most stacks).
    pub fn asset_manifests_of(&self, s: &StackArtifact) -> &[PathBuf] {
        self.asset_manifests.get(&s.id).map_or(&[], Vec::as_slice)
    }

    /// The StackSet settings of a stack, when it rolls out as a StackSet.
    pub fn stack_set_of(&self, s: &StackArtifact) -> Option<&StackSetTarget> {
        self.stack_sets.get(&s.id)
    }

    /// One line per stack: id, stack name, environment and dependencies.
    pub fn list(&self) -> String {
        let mut out = String::new();
        for s in &self.stacks {
            out.push_str(&s.id);
            if s.stack_name != s.id {
                out.push_str(&format!(" (stack name {})", s.stack_name));
            }
            out.push_str(&format!("  {}", s.environment));
            if !s.dependencies.is_empty() {
                out.push_str(&format!("  depends on {}", s.dependencies.join(", ")));
            }
            out.push('\n');
        }
        out
    }
}

/// Sorts stacks so each comes after its dependencies (stable otherwise);
/// a dependency on an unknown artifact or a cycle is an error.
fn order(stacks: Vec<StackArtifact>) -> Result<Vec<StackArtifact>> {
    let index: BTreeMap<&str, usize> = stacks
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    for s in &stacks {
        for d in &s.dependencies {
            if !index.contains_key(d.as_str()) {
                bail!("stack `{}` depends on unknown stack `{d}`", s.id);
            }
        }
    }
    let mut done = vec![false; stacks.len()];
    let mut out_idx = Vec::new();
    while out_idx.len() < stacks.len() {
        let before = out_idx.len();
        for (i, s) in stacks.iter().enumerate() {
            if !done[i] && s.dependencies.iter().all(|d| done[index[d.as_str()]]) {
                done[i] = true;
                out_idx.push(i);
            }
        }
        if out_idx.len() == before {
            let stuck: Vec<&str> = stacks
                .iter()
                .enumerate()
                .filter(|(i, _)| !done[*i])
                .map(|(_, s)| s.id.as_str())
                .collect();
            bail!("dependency cycle between stacks: {}", stuck.join(", "));
        }
    }
    let mut slots: Vec<Option<StackArtifact>> = stacks.into_iter().map(Some).collect();
    Ok(out_idx
        .into_iter()
        .filter_map(|i| slots[i].take())
        .collect())
}

/// `file`, a path the manifest names, joined onto the assembly `dir`;
/// an absolute path or one that leaves the directory (`..`) is refused,
/// since an assembly only refers to its own files.
pub(crate) fn inside(dir: &Path, file: &str) -> Result<PathBuf> {
    let relative = Path::new(file);
    let escapes = relative.components().any(|c| {
        !matches!(
            c,
            std::path::Component::Normal(_) | std::path::Component::CurDir
        )
    });
    if file.is_empty() || escapes {
        bail!(
            "the manifest names `{file}`, which is not a path inside the assembly directory {}; an assembly refers only to its own files (re-synthesize it)",
            dir.display()
        );
    }
    Ok(dir.join(relative))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("strata-deploy-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn write(dir: &Path, manifest: Json) {
        std::fs::write(dir.join("manifest.json"), manifest.to_string()).unwrap();
        for f in ["A", "B", "C"] {
            std::fs::write(
                dir.join(format!("{f}.template.json")),
                json!({"Resources": {}}).to_string(),
            )
            .unwrap();
        }
    }

    #[test]
    fn reads_stacks_in_dependency_order() {
        let dir = temp_dir("order");
        write(
            &dir,
            json!({"version": "36.0.0", "artifacts": {
                "A": {"type": "aws:cloudformation:stack", "environment": "aws://123456789012/eu-west-1",
                      "properties": {"templateFile": "A.template.json", "stackName": "a-prod"},
                      "dependencies": ["B"]},
                "B": {"type": "aws:cloudformation:stack", "environment": "aws://unknown-account/unknown-region",
                      "properties": {"templateFile": "B.template.json", "terminationProtection": true}},
                "Tree": {"type": "cdk:tree"}
            }}),
        );
        let asm = CloudAssembly::read(&dir).unwrap();
        let ids: Vec<&str> = asm.stacks.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["B", "A"]);
        let a = &asm.stacks[1];
        assert_eq!(a.stack_name, "a-prod");
        assert_eq!(a.account.as_deref(), Some("123456789012"));
        assert_eq!(a.region.as_deref(), Some("eu-west-1"));
        assert_eq!(asm.stacks[0].region, None);
        assert!(asm.stacks[0].termination_protection);
        assert_eq!(
            asm.list(),
            "B  aws://unknown-account/unknown-region\n\
             A (stack name a-prod)  aws://123456789012/eu-west-1  depends on B\n"
        );
        assert_eq!(asm.select(&["a-prod".into()]).unwrap()[0].id, "A");
        assert!(asm.select(&["Nope".into()]).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn asset_manifests_are_not_stacks_to_order() {
        let dir = temp_dir("assets");
        write(
            &dir,
            json!({"version": "36.0.0", "artifacts": {
                "A.assets": {"type": "cdk:asset-manifest", "properties": {"file": "A.assets.json"}},
                "A": {"type": "aws:cloudformation:stack", "environment": "aws://unknown-account/unknown-region",
                      "properties": {"templateFile": "A.template.json"}, "dependencies": ["A.assets", "B"]},
                "B": {"type": "aws:cloudformation:stack", "environment": "aws://unknown-account/unknown-region",
                      "properties": {"templateFile": "B.template.json"}}
            }}),
        );
        let asm = CloudAssembly::read(&dir).unwrap();
        let ids: Vec<&str> = asm.stacks.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["B", "A"]);
        assert_eq!(asm.stacks[1].dependencies, ["B"]);
        assert_eq!(
            asm.asset_manifests_of(&asm.stacks[1]),
            [dir.join("A.assets.json")]
        );
        assert!(asm.asset_manifests_of(&asm.stacks[0]).is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn cycles_and_unknown_dependencies_are_errors() {
        let dir = temp_dir("cycle");
        let stack = |deps: Json, file: &str| {
            json!({"type": "aws:cloudformation:stack", "environment": "aws://unknown-account/unknown-region",
                   "properties": {"templateFile": file}, "dependencies": deps})
        };
        write(
            &dir,
            json!({"artifacts": {"A": stack(json!(["B"]), "A.template.json"), "B": stack(json!(["A"]), "B.template.json")}}),
        );
        let err = CloudAssembly::read(&dir).unwrap_err();
        assert!(format!("{err:#}").contains("cycle"), "{err:#}");
        write(
            &dir,
            json!({"artifacts": {"A": stack(json!(["Z"]), "A.template.json")}}),
        );
        let err = CloudAssembly::read(&dir).unwrap_err();
        assert!(format!("{err:#}").contains("unknown stack `Z`"), "{err:#}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_manifest_says_to_synth() {
        let err = CloudAssembly::read(Path::new("does-not-exist")).unwrap_err();
        assert!(format!("{err:#}").contains("cargo xtask synth"));
    }

    #[test]
    fn manifest_paths_outside_the_assembly_are_refused() {
        let dir = Path::new("cdk.out");
        assert_eq!(
            inside(dir, "A.template.json").unwrap(),
            dir.join("A.template.json")
        );
        for bad in ["/dev/zero", "../A.template.json", "x/../../y", ""] {
            let e = inside(dir, bad).unwrap_err().to_string();
            assert!(
                e.contains("not a path inside the assembly directory"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn names_and_environments_cloudformation_rejects_are_errors() {
        let dir = temp_dir("names");
        let cases = [
            ("A\nB", "aws://123456789012/us-east-1", None, "artifact id"),
            (
                "A",
                "aws://123456789012/us-east-1",
                Some("a b"),
                "stack name",
            ),
            (
                "A",
                "aws://123456789012/us-east-1",
                Some("1a"),
                "stack name",
            ),
            ("A", "aws://1234/us-east-1", None, "12 digits"),
            ("A", "aws://123456789012/US East", None, "region name"),
        ];
        for (id, env, name, expected) in cases {
            let mut props = json!({"templateFile": "T.template.json"});
            if let Some(n) = name {
                props["stackName"] = json!(n);
            }
            write(
                &dir,
                json!({"version": "36.0.0", "artifacts": {
                    id: {"type": "aws:cloudformation:stack", "environment": env, "properties": props}
                }}),
            );
            std::fs::write(dir.join("T.template.json"), "{}").unwrap();
            let err = format!("{:#}", CloudAssembly::read(&dir).unwrap_err());
            assert!(err.contains(expected), "{id:?} {env} {name:?}: {err}");
        }
    }
}
