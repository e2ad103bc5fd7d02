//! Schema patches: data fixes for registry schemas, kept in
//! `schema/patches/<file name of the type>.json` as a list of JSON-Patch
//! operations (`add`, `replace`, `remove`, `test`) with JSON-Pointer paths.
//! See `schema/patches/README.md`.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde_json::Value as J;

/// Patches by registry file name (`AWS_DynamoDB_Table.json`).
pub fn load(dir: &Path) -> Result<BTreeMap<String, Vec<J>>> {
    let mut out = BTreeMap::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(out);
    };
    for entry in entries {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let text = fs::read_to_string(&path)?;
        let ops: J =
            serde_json::from_str(&text).with_context(|| format!("parsing patch {name}"))?;
        let J::Array(ops) = ops else {
            bail!("patch {name} must be a JSON array of operations");
        };
        out.insert(name, ops);
    }
    Ok(out)
}

/// Applies `ops` to `doc` in order; every path must exist (or, for `add`,
/// its parent must), so a stale patch fails loudly after a re-import.
pub fn apply(doc: &mut J, ops: &[J]) -> Result<()> {
    for op in ops {
        let kind = op
            .get("op")
            .and_then(J::as_str)
            .context("patch op without \"op\"")?;
        let path = op
            .get("path")
            .and_then(J::as_str)
            .context("patch op without \"path\"")?;
        let (parent_path, last) = split(path)?;
        match kind {
            "test" => {
                let want = op.get("value").context("test without value")?;
                if doc.pointer(path) != Some(want) {
                    bail!("patch test failed at {path}");
                }
            }
            "replace" => {
                let value = op.get("value").context("replace without value")?.clone();
                let slot = doc
                    .pointer_mut(path)
                    .with_context(|| format!("no {path} to replace"))?;
                *slot = value;
            }
            "remove" => {
                let parent = doc
                    .pointer_mut(&parent_path)
                    .with_context(|| format!("no parent of {path}"))?;
                let removed = match parent {
                    J::Object(o) => o.shift_remove(&last).is_some(),
                    J::Array(a) => match last.parse::<usize>() {
                        Ok(i) if i < a.len() => {
                            a.remove(i);
                            true
                        }
                        _ => false,
                    },
                    _ => false,
                };
                if !removed {
                    bail!("no {path} to remove");
                }
            }
            "add" => {
                let value = op.get("value").context("add without value")?.clone();
                let parent = doc
                    .pointer_mut(&parent_path)
                    .with_context(|| format!("no parent of {path}"))?;
                match parent {
                    J::Object(o) => {
                        o.insert(last, value);
                    }
                    J::Array(a) if last == "-" => a.push(value),
                    J::Array(a) => {
                        let i: usize = last
                            .parse()
                            .with_context(|| format!("bad index in {path}"))?;
                        if i > a.len() {
                            bail!("index out of range in {path}");
                        }
                        a.insert(i, value);
                    }
                    _ => bail!("parent of {path} is not a container"),
                }
            }
            other => bail!("unsupported patch op {other:?}"),
        }
    }
    Ok(())
}

/// `/a/b~1c` → (`/a`, `b/c`).
fn split(path: &str) -> Result<(String, String)> {
    let Some(i) = path.rfind('/') else {
        bail!("patch path {path:?} is not a JSON pointer");
    };
    let last = path[i + 1..].replace("~1", "/").replace("~0", "~");
    Ok((path[..i].to_string(), last))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn applies_operations_in_order() {
        let mut doc =
            json!({"properties": {"A": {"type": "string"}, "B": {"oneOf": []}}, "list": [1, 2]});
        let ops = json!([
            {"op": "test", "path": "/properties/A/type", "value": "string"},
            {"op": "replace", "path": "/properties/B", "value": {"type": "integer"}},
            {"op": "add", "path": "/properties/C", "value": {"type": "boolean"}},
            {"op": "remove", "path": "/list/0"},
            {"op": "add", "path": "/list/-", "value": 3}
        ]);
        apply(&mut doc, ops.as_array().unwrap()).unwrap();
        assert_eq!(doc["properties"]["B"], json!({"type": "integer"}));
        assert_eq!(doc["properties"]["C"]["type"], "boolean");
        assert_eq!(doc["list"], json!([2, 3]));
    }

    #[test]
    fn stale_patches_fail() {
        let mut doc = json!({"properties": {}});
        let ops = json!([{"op": "replace", "path": "/properties/Gone", "value": 1}]);
        assert!(apply(&mut doc, ops.as_array().unwrap()).is_err());
        let ops = json!([{"op": "test", "path": "/properties", "value": 1}]);
        assert!(apply(&mut doc, ops.as_array().unwrap()).is_err());
    }
}
