//! Synthesizes the support agent platform (seed 003) into the cloud assembly
//! (`CDK_OUTDIR`, or `cdk.out/`) for the environment in `STRATA_ENV`;
//! `--config-schema` prints the JSON Schema of `config/*.json` (with the
//! `schema` feature, as `cargo xtask schema config` builds it).

strata::app_main!(support_agent::app, support_agent::Config);
