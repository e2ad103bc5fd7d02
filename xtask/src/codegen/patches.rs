//! Schema patches: data fixes for registry schemas, kept in
//! `schema/patches/<file name of the type>.json` as a list of JSON-Patch
//! operations (RFC 6902, applied with the `json-patch` crate).
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

/// Applies `ops` to `doc` as one RFC 6902 JSON Patch; every path must
/// exist (or, for `add`, its parent must), so a stale patch fails loudly
/// after a re-import.
pub fn apply(doc: &mut J, ops: &[J]) -> Result<()> {
    let patch: json_patch::Patch = serde_json::from_value(J::Array(ops.to_vec()))
        .context("a patch operation is not valid JSON Patch")?;
    json_patch::patch(doc, &patch).context("applying a schema patch")?;
    Ok(())
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
