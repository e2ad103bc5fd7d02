//! Synthesizes the AI agent platform (seed 002) into the cloud assembly
//! (`CDK_OUTDIR`, or `cdk.out/`) for the environment in `STRATA_ENV`;
//! `--config-schema` prints the JSON Schema of `config/*.json` (with the
//! `schema` feature, as `cargo xtask schema config` builds it).

strata::app_main!(agent_platform::app, agent_platform::Config);
