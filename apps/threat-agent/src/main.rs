//! Synthesizes the AI Agent Service for threat response (seed 001) into the cloud assembly
//! (`CDK_OUTDIR`, or `cdk.out/`) for the environment in `STRATA_ENV`;
//! `--config-schema` prints the JSON Schema of `config/*.json` (with the
//! `schema` feature, as `cargo xtask schema config` builds it).

strata::app_main!(threat_agent::app, threat_agent::Config);
