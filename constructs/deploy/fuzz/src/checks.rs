//! Invariants of reading a cloud assembly (`manifest.json` and the stack
//! templates it names) with arbitrary contents. Shared by the fuzz target
//! and the stable proptest `xtask/tests/fuzz_assembly.rs`, so it uses
//! nothing but `strata_deploy`, `serde_json` and the standard library.

use std::collections::HashSet;
use std::path::Path;

use strata_deploy::CloudAssembly;

/// A file name safe to write inside the assembly directory, or `None`.
fn file_name(name: &str) -> Option<&str> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name != "."
        && name != ".."
        && name != "manifest.json"
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    ok.then_some(name)
}

/// Writes `manifest` and the `templates` (name, text) into `dir` (emptied
/// first; names that are not plain file names are skipped) and reads the
/// assembly. Reading never panics; on success every stack id is unique,
/// each stack comes after the stacks it depends on, each template is the
/// parsed text of its file, and selecting nothing selects every stack; on
/// failure the error says what is wrong.
pub fn check_assembly(dir: &Path, manifest: &str, templates: &[(String, String)]) {
    if dir.exists() {
        std::fs::remove_dir_all(dir).expect("the scratch directory can be emptied");
    }
    std::fs::create_dir_all(dir).expect("the scratch directory can be created");
    std::fs::write(dir.join("manifest.json"), manifest).expect("manifest written");
    for (name, text) in templates {
        if let Some(name) = file_name(name) {
            std::fs::write(dir.join(name), text).expect("template written");
        }
    }
    match CloudAssembly::read(dir) {
        Ok(assembly) => {
            let mut seen = HashSet::new();
            for stack in &assembly.stacks {
                assert!(seen.insert(stack.id.clone()), "stack {} twice", stack.id);
                for d in &stack.dependencies {
                    assert!(
                        seen.contains(d),
                        "{} comes before its dependency {d}",
                        stack.id
                    );
                }
                let parsed: serde_json::Value =
                    serde_json::from_str(&stack.template_body).expect("the body was parsed");
                assert_eq!(parsed, stack.template, "{}", stack.id);
            }
            let all = assembly.select(&[]).expect("selecting nothing selects all");
            assert_eq!(all.len(), assembly.stacks.len());
            assert_eq!(assembly.list().lines().count(), assembly.stacks.len());
        }
        Err(e) => assert!(!format!("{e:#}").is_empty()),
    }
}
