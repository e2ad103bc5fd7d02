//! Synthesizes the AI agent platform (seed 002) into the cloud assembly
//! (`CDK_OUTDIR`, or `cdk.out/`) for the environment in `STRATA_ENV`.
//! `--config-schema` prints the JSON Schema of `config/*.json` (built with
//! the `schema` feature, as `cargo xtask schema config` does).

use std::process::ExitCode;

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("--config-schema") {
        return config_schema();
    }
    agent_platform::app().run()
}

#[cfg(feature = "schema")]
fn config_schema() -> ExitCode {
    let schema = schemars::schema_for!(agent_platform::Config);
    match serde_json::to_string_pretty(&schema) {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot render the schema: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(not(feature = "schema"))]
fn config_schema() -> ExitCode {
    eprintln!("this build has no config schema; build with `--features schema`, or run `cargo xtask schema config`");
    ExitCode::FAILURE
}
