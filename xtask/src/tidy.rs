//! Repository hygiene, enforced by `cargo test`: hand-written Rust stays
//! small and free of placeholders, generated Rust is marked as such, and
//! no file mentions a path of the machine it was written on.

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    /// Hand-written files may not grow past this many lines.
    const MAX_LINES: usize = 800;

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if path.is_dir() {
                if name != "target" && !name.starts_with('.') {
                    rust_files(&path, out);
                }
            } else if name.ends_with(".rs") {
                out.push(path);
            }
        }
    }

    fn files() -> Vec<(PathBuf, String)> {
        let root = crate::root();
        let mut paths = Vec::new();
        for dir in ["constructs", "apps", "xtask"] {
            rust_files(&root.join(dir), &mut paths);
        }
        paths.sort();
        paths
            .into_iter()
            .map(|p| {
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                (p, text)
            })
            .collect()
    }

    fn generated(text: &str) -> bool {
        text.lines()
            .next()
            .is_some_and(|l| l.contains("@generated"))
    }

    #[test]
    fn hand_written_files_stay_small_and_placeholder_free() {
        let placeholder = ["todo", "!("].concat();
        let unimpl = ["unimplemented", "!("].concat();
        let mut problems = Vec::new();
        for (path, text) in files() {
            if generated(&text) {
                continue;
            }
            let lines = text.lines().count();
            if lines > MAX_LINES {
                problems.push(format!(
                    "{}: {lines} lines (max {MAX_LINES}); split the module",
                    path.display()
                ));
            }
            if text.contains(&placeholder) || text.contains(&unimpl) {
                problems.push(format!("{}: contains a placeholder macro", path.display()));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn every_file_of_the_l1_crate_is_marked_generated() {
        let root = crate::root();
        let mut paths = Vec::new();
        rust_files(&root.join("constructs/cfn/src"), &mut paths);
        assert!(paths.len() > 300, "strata-cfn has {} files", paths.len());
        for p in paths {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            assert!(
                generated(&text),
                "{} lacks the @generated header",
                p.display()
            );
        }
    }

    #[test]
    fn no_machine_paths_in_sources() {
        let needles = [
            ["/wo", "rk/"].concat(),
            ["/ro", "ot/"].concat(),
            ["/tm", "p/venv"].concat(),
        ];
        for (path, text) in files() {
            if generated(&text) {
                continue;
            }
            for n in &needles {
                assert!(
                    !text.contains(n.as_str()),
                    "{} mentions {n}",
                    path.display()
                );
            }
        }
    }
}
