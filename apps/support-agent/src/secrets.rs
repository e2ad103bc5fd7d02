//! The Secrets Manager module (seed section 1's "Secrets Manager (via VPC
//! endpoint)"; in section 4's graph it "depends only on KMS").
//!
//! The Anthropic and OpenAI API keys, the ServiceNow OAuth credentials and
//! the Slack bot tokens, each encrypted with the `secrets` key (a key of
//! its own in prod, "KMS encrypted with separate keys"). Their values come
//! from the vendors: CloudFormation creates each secret with a generated
//! value that operators replace (`aws secretsmanager put-secret-value`);
//! third-party credentials cannot be rotated by a Secrets Manager function.
//! The RDS master password, the fifth secret of the seed, is created and
//! rotated by RDS itself (see [`crate::rds`]); the Redis AUTH token lives
//! with Redis (see [`crate::redis`]).

use strata::prelude::*;
use strata::secrets::{GenerateSecret, Secret, SecretProps};

use crate::config::Config;
use crate::kms::ServiceKeys;

/// The application's third-party credentials.
pub struct Secrets {
    /// The Anthropic API key.
    pub anthropic: Secret,
    /// The OpenAI API key.
    pub openai: Secret,
    /// ServiceNow OAuth client credentials (`client_id`, `client_secret`,
    /// `instance_url`).
    pub servicenow: Secret,
    /// Slack bot tokens (`bot_token`, `signing_secret`).
    pub slack: Secret,
}

impl Secrets {
    /// Every secret, in the seed's order.
    pub fn all(&self) -> [&Secret; 4] {
        [&self.anthropic, &self.openai, &self.servicenow, &self.slack]
    }
}

/// Builds the four secrets in `stack`.
pub fn build(stack: &Scope, config: &Config, keys: &ServiceKeys) -> Secrets {
    let env = config.name();
    let secret = |id: &str, name: &str, description: &str, generate: GenerateSecret| {
        Secret::new(
            stack,
            id,
            SecretProps {
                secret_name: Some(format!("support-agent/{env}/{name}")),
                description: Some(description.into()),
                encryption_key: Some((&keys.secrets).into()),
                generate: Some(generate),
                ..Default::default()
            },
        )
    };
    let token = || GenerateSecret {
        exclude_punctuation: true,
        ..Default::default()
    };
    Secrets {
        anthropic: secret(
            "AnthropicApiKey",
            "anthropic-api-key",
            "Anthropic API key; set the vendor's key after deployment",
            token(),
        ),
        openai: secret(
            "OpenAiApiKey",
            "openai-api-key",
            "OpenAI API key; set the vendor's key after deployment",
            token(),
        ),
        servicenow: secret(
            "ServiceNowOAuth",
            "servicenow-oauth",
            "ServiceNow OAuth credentials (client_id, client_secret, instance_url); set them after deployment",
            GenerateSecret {
                exclude_punctuation: true,
                ..GenerateSecret::for_json(fields(&["client_id", "instance_url"]), "client_secret")
            },
        ),
        slack: secret(
            "SlackBotTokens",
            "slack-bot-tokens",
            "Slack bot tokens (bot_token, signing_secret); set them after deployment",
            GenerateSecret {
                exclude_punctuation: true,
                ..GenerateSecret::for_json(fields(&["bot_token"]), "signing_secret")
            },
        ),
    }
}

/// A JSON object with each of `names` set to an empty string, the fields
/// operators fill in.
fn fields(names: &[&str]) -> Json {
    let mut object = Json::Object(Default::default());
    if let Some(map) = object.as_object_mut() {
        for name in names {
            map.insert((*name).to_string(), Json::from(""));
        }
    }
    object
}
