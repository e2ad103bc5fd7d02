//! Seed "Operational Excellence": "Parameter Store for configuration
//! management" (the architecture's `EKS -.-> PS`). Each tier publishes the
//! names and endpoints the services read at start-up as plain `String`
//! parameters under `/<env>-agent-platform/…`.

use strata::cfn::ssm;
use strata::prelude::*;

use crate::config::Config;

/// The parameter name `/<env>-agent-platform/<suffix>`.
pub fn path(config: &Config, suffix: &str) -> String {
    format!("/{}-agent-platform/{suffix}", config.name())
}

/// Puts the `String` parameter `name` holding `value` at `<scope>/<id>`.
pub fn put(
    scope: &Scope,
    id: &str,
    name: &str,
    description: &str,
    value: Value<String>,
) -> ssm::ParameterRef {
    scope.resource(
        id,
        ssm::Parameter {
            name: Some(name.into()),
            description: Some(description.into()),
            tier: Some("Standard".into()),
            ..ssm::Parameter::new("String", value)
        },
    )
}
