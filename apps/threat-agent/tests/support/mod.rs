//! Test support: building the app for an environment with the test
//! account; the tests assert on the templates with `strata-assertions`.

#![allow(dead_code)]

use strata::Assembly;
use strata_assertions::Template;
use threat_agent::Config;

/// The account the tests deploy to; environments with a standby region
/// need an explicit account.
pub const ACCOUNT: &str = "123456789012";

/// The configuration of `env` with the test account.
pub fn config(env: &str) -> Config {
    Config {
        account: Some(ACCOUNT.into()),
        ..Config::load(env).unwrap_or_else(|e| panic!("{env}: {e}"))
    }
}

/// The synthesized app of `config`.
pub fn synth(config: &Config) -> Assembly {
    threat_agent::build(config)
        .synth()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The synthesized app of environment `env`.
pub fn assembly(env: &str) -> Assembly {
    synth(&config(env))
}

/// The template of stack `id`, for assertions.
pub fn template(assembly: &Assembly, id: &str) -> Template {
    Template::from_stack(assembly, id).unwrap_or_else(|e| panic!("{e}"))
}

/// The error text of synthesizing `config`, which must fail.
pub fn synth_error(config: &Config) -> String {
    threat_agent::build(config)
        .synth()
        .expect_err("synth must fail")
        .to_string()
}
