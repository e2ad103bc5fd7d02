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

/// The app `build` makes from an environment's settings, or, when they
/// could not be read, an app whose synth fails saying why (with the file
/// and the environments that have files).
///
/// ```
/// use strata::prelude::*;
/// # #[derive(serde::Deserialize)] struct Settings { region: String }
/// let dir = std::path::Path::new("no-such-config-dir");
/// let app = strata::config::app_from(strata::config::load::<Settings>(dir, "prod"), |s| {
///     let app = App::new();
///     app.stack("Main", StackProps { env: Environment::new("123456789012", &s.region), ..Default::default() });
///     app
/// });
/// assert!(app.synth().unwrap_err().to_string().contains("prod.json"));
/// ```
pub fn app_from<C>(
    settings: Result<C, ConfigError>,
    build: impl FnOnce(&C) -> crate::App,
) -> crate::App {
    match settings {
        Ok(settings) => build(&settings),
        Err(e) => {
            let app = crate::App::new();
            app.root().error("config", e.to_string());
            app
        }
    }
}

/// What an app binary's `main` does, given its app and, with the app's
/// `schema` feature, its config schema rendered as JSON: `--config-schema` prints the
/// schema (`cargo xtask schema config` runs that), anything else
/// synthesizes the app. Apps call it through [`app_main!`](crate::app_main).
pub fn run_main(
    app: impl FnOnce() -> crate::App,
    schema: impl FnOnce() -> Option<Result<String, serde_json::Error>>,
) -> std::process::ExitCode {
    if std::env::args().nth(1).as_deref() != Some("--config-schema") {
        return app().run_to_exit();
    }
    let Some(schema) = schema() else {
        eprintln!("this build has no config schema; build with `--features schema`, or run `cargo xtask schema config`");
        return std::process::ExitCode::FAILURE;
    };
    match schema {
        Ok(text) => {
            println!("{text}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot render the config schema: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The `main` of an app binary: synthesizes `$app()` into the cloud
/// assembly (`CDK_OUTDIR`, or `cdk.out/`) for the environment in
/// `STRATA_ENV`; `--config-schema` prints the JSON Schema of `$config`
/// when the app crate is built with its `schema` feature (which enables
/// `schemars` and `serde_json` in the app).
///
/// ```ignore
/// strata::app_main!(bird_agent::app, bird_agent::Config);
/// ```
#[macro_export]
macro_rules! app_main {
    ($app:path, $config:ty) => {
        fn main() -> ::std::process::ExitCode {
            $crate::config::run_main($app, || {
                #[cfg(feature = "schema")]
                {
                    ::core::option::Option::Some(::serde_json::to_string_pretty(
                        &::schemars::schema_for!($config),
                    ))
                }
                #[cfg(not(feature = "schema"))]
                {
                    ::core::option::Option::None
                }
            })
        }
    };
}
