//! Writing the generated files, or comparing them with the checked-in ones
//! (`--check`).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Generated files by path relative to the workspace root.
pub type Files = BTreeMap<PathBuf, String>;

/// Paths that differ between `files` and the disk, plus stale generated
/// files (any file in `generated_dir` that `files` does not contain).
pub fn differences(root: &Path, files: &Files, generated_dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (rel, text) in files {
        match fs::read(root.join(rel)) {
            Ok(bytes) if bytes == text.as_bytes() => {}
            Ok(_) => out.push(format!("{} (differs)", rel.display())),
            Err(_) => out.push(format!("{} (missing)", rel.display())),
        }
    }
    for stale in stale_files(root, files, generated_dir)? {
        out.push(format!("{} (stale)", stale.display()));
    }
    Ok(out)
}

/// Writes changed files and removes stale ones; returns (written, removed).
pub fn write(root: &Path, files: &Files, generated_dir: &Path) -> Result<(usize, usize)> {
    let mut written = 0;
    for (rel, text) in files {
        let path = root.join(rel);
        if fs::read(&path).ok().as_deref() == Some(text.as_bytes()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        written += 1;
    }
    let stale = stale_files(root, files, generated_dir)?;
    for rel in &stale {
        fs::remove_file(root.join(rel))?;
    }
    Ok((written, stale.len()))
}

fn stale_files(root: &Path, files: &Files, generated_dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(root.join(generated_dir)) else {
        return Ok(out);
    };
    for entry in entries {
        let entry = entry?;
        if !entry.file_type()?.is_file() {
            continue;
        }
        let rel = generated_dir.join(entry.file_name());
        if !files.contains_key(&rel) {
            out.push(rel);
        }
    }
    out.sort();
    Ok(out)
}
