//! Every app, in every environment, synthesizes to byte-identical files
//! when built twice in one process and when one app is synthesized twice.
//! (`cargo xtask test` checks the same across processes.)

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use strata_core::App;

type AppFor = fn(&str) -> App;

const APPS: &[(&str, AppFor)] = &[
    ("agent-platform", agent_platform::app_for),
    ("bird-agent", bird_agent::app_for),
    ("investment-agent", investment_agent::app_for),
    ("support-agent", support_agent::app_for),
    ("threat-agent", threat_agent::app_for),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is in the workspace")
        .to_path_buf()
}

/// The environments with a `config/<env>.json`.
fn environments(app: &str) -> Vec<String> {
    let dir = root().join("apps").join(app).join("config");
    let mut envs: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            let env = name.strip_suffix(".json")?;
            (env != "schema").then(|| env.to_string())
        })
        .collect();
    envs.sort();
    envs
}

fn files(dir: &Path, base: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).expect("readable assembly") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files(&path, base, out);
        } else {
            let rel = path.strip_prefix(base).expect("below base").to_path_buf();
            out.insert(rel, std::fs::read(&path).expect("readable file"));
        }
    }
}

/// Synthesizes `app` into `dir` and returns every file written.
fn write(app: &App, dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let _ = std::fs::remove_dir_all(dir);
    let assembly = app
        .synth()
        .unwrap_or_else(|e| panic!("{} does not synthesize:\n{e}", dir.display()));
    assembly.write(dir).expect("assembly written");
    let mut out = BTreeMap::new();
    files(dir, dir, &mut out);
    out
}

fn first_difference(
    a: &BTreeMap<PathBuf, Vec<u8>>,
    b: &BTreeMap<PathBuf, Vec<u8>>,
) -> Option<String> {
    let names = |m: &BTreeMap<PathBuf, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    if names(a) != names(b) {
        return Some(format!("files {:?} vs {:?}", names(a), names(b)));
    }
    a.iter()
        .find(|(path, bytes)| b.get(*path) != Some(*bytes))
        .map(|(path, _)| format!("{} differs", path.display()))
}

#[test]
fn every_app_and_environment_synthesizes_the_same_bytes_twice_in_one_process() {
    // Prod stacks that pass values between regions need an account; the
    // deploy chain's credentials give one.
    std::env::set_var("CDK_DEFAULT_ACCOUNT", "123456789012");
    let scratch = std::env::temp_dir().join(format!("strata-determinism-{}", std::process::id()));
    let mut checked = 0;
    for (name, app_for) in APPS {
        let envs = environments(name);
        assert!(!envs.is_empty(), "{name} has no config/<env>.json");
        for env in envs {
            let dir = |run: &str| scratch.join(format!("{name}-{env}-{run}"));
            let app = app_for(&env);
            let first = write(&app, &dir("first"));
            let rebuilt = write(&app_for(&env), &dir("rebuilt"));
            let again = write(&app, &dir("again"));
            assert!(
                first
                    .keys()
                    .any(|p| p.to_string_lossy().ends_with(".template.json")),
                "{name} ({env}) wrote no template"
            );
            if let Some(d) = first_difference(&first, &rebuilt) {
                panic!("{name} ({env}): a second build of the app: {d}");
            }
            if let Some(d) = first_difference(&first, &again) {
                panic!("{name} ({env}): a second synth of the same app: {d}");
            }
            checked += 1;
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(checked >= 5, "only {checked} app environments");
}
