//! Per-environment configuration: which environment an app is synthesized
//! for (`cargo xtask synth --env prod` sets `STRATA_ENV`), and loading the
//! app's typed settings for it from `config/<env>.json` in the app crate.
//!
//! Apps declare their settings as a serde type; with the app's `schema`
//! feature it also derives `schemars::JsonSchema`, and
//! `cargo xtask schema config` writes `config/schema.json` from it so
//! editors validate the files.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::data_tier::Stage;

/// The variable `cargo xtask synth --env <name>` sets for the apps.
pub const ENV_VAR: &str = "STRATA_ENV";

/// The environment to synthesize: `STRATA_ENV`, else `dev`.
pub fn environment_name() -> String {
    std::env::var(ENV_VAR)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "dev".to_string())
}

impl Stage {
    /// The stage an environment name stands for: `prod`/`production`,
    /// `staging`/`stage`, or `dev`/`development`; `None` for other names.
    ///
    /// ```
    /// use strata::data_tier::Stage;
    /// assert_eq!(Stage::from_name("prod"), Some(Stage::Prod));
    /// assert_eq!(Stage::from_name("qa"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Stage> {
        match name.to_ascii_lowercase().as_str() {
            "prod" | "production" => Some(Stage::Prod),
            "staging" | "stage" => Some(Stage::Staging),
            "dev" | "development" => Some(Stage::Dev),
            _ => None,
        }
    }
}

/// A configuration file that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for ConfigError {}

/// The environments an app has files for: `<dir>/*.json` except `schema.json`.
pub fn environments(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".json")?;
            (stem != "schema").then(|| stem.to_string())
        })
        .collect();
    names.sort();
    names
}

/// Reads `<dir>/<env>.json` as `T`.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("strata-config-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// # std::fs::write(dir.join("prod.json"), r#"{"nat_gateways": 3}"#).unwrap();
/// #[derive(Debug, serde::Deserialize)]
/// struct Settings { nat_gateways: u32 }
/// let settings: Settings = strata::config::load(&dir, "prod").expect("valid file");
/// assert_eq!(settings.nat_gateways, 3);
/// let err = strata::config::load::<Settings>(&dir, "qa").unwrap_err();
/// assert!(err.message.contains("prod"));
/// ```
pub fn load<T: DeserializeOwned>(dir: &Path, env: &str) -> Result<T, ConfigError> {
    let path = dir.join(format!("{env}.json"));
    let text = std::fs::read_to_string(&path).map_err(|e| ConfigError {
        path: path.clone(),
        message: format!(
            "cannot read it ({e}); the environments with files are: {}",
            environments(dir).join(", ")
        ),
    })?;
    serde_json::from_str(&text).map_err(|e| ConfigError {
        path: path.clone(),
        message: format!(
            "{e}; check it against schema.json (`cargo xtask schema config` writes it)"
        ),
    })
}
