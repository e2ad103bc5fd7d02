//! The security stack (seed "Security Layer", `security-stack.ts`): the
//! customer managed KMS keys, the Secrets Manager secrets, and the access
//! roles of seed section "AWS IAM".
//!
//! Keys (seed "AWS KMS"): customer managed, rotated yearly, one per use
//! (S3, DynamoDB, Lambda environment variables, Secrets Manager, and the
//! search, time-series, messaging and backup stores) in staging and
//! production, one shared key in development.
//!
//! Roles: `InvestmentAI-Bedrock-AccessRole` and
//! `InvestmentAI-DynamoDB-AccessRole` are assumed by the Lambda execution
//! role (and the ECS task role) for service-to-service calls, so the
//! execution role itself holds almost nothing. The execution role is made
//! in the compute stack next to the functions (see `compute.rs`).

use strata::iam::{Principal, Role, RoleProps};
use strata::kms::{Key, Keys, KeysProps};
use strata::prelude::*;
use strata::secrets::{GenerateSecret, Secret, SecretProps};

use crate::bedrock::MODELS;
use crate::config::Config;

/// The customer managed keys by use; in development they are one key.
#[derive(Clone)]
pub struct SecurityKeys {
    /// The proprietary data and artifacts buckets.
    pub s3: Key,
    /// The investment ideas and user profiles tables.
    pub dynamodb: Key,
    /// The functions' environment variables.
    pub lambda: Key,
    /// Secrets Manager.
    pub secrets: Key,
    /// The knowledge base domain.
    pub opensearch: Key,
    /// The market data database.
    pub timestream: Key,
    /// The processing queue and the alarm topic.
    pub messaging: Key,
    /// The backup vault.
    pub backup: Key,
}

/// Seed "AWS Secrets Manager".
#[derive(Clone)]
pub struct Secrets {
    /// API keys for external services (market data and news providers),
    /// set by operators after the first deployment.
    pub external_api_keys: Secret,
    /// The key for application-level encryption of sensitive fields.
    pub data_encryption_key: Secret,
}

/// The access roles of seed "Key Roles".
#[derive(Clone)]
pub struct AccessRoles {
    /// `InvestmentAI-Bedrock-AccessRole`: invokes the three models.
    pub bedrock: Role,
    /// `InvestmentAI-DynamoDB-AccessRole`: reads and writes the tables
    /// (its table permissions are added by the storage stack).
    pub dynamodb: Role,
}

/// What the other stacks use from the security stack.
#[derive(Clone)]
pub struct Security {
    /// The keys.
    pub keys: SecurityKeys,
    /// The secrets.
    pub secrets: Secrets,
    /// The access roles.
    pub roles: AccessRoles,
}

/// The physical name of one of the app's roles:
/// `InvestmentAI-<what>-<stage>-<region>`. IAM names are global to the
/// account, so the stage and region keep environments (and a redeployment
/// in the recovery region) apart.
pub fn role_name(config: &Config, what: &str) -> String {
    format!(
        "InvestmentAI-{what}-{}-{}",
        config.stage.as_str(),
        config.region
    )
}

/// The ARN of the app role named `name`, from its name, for trust
/// conditions on roles that are made later, in other stacks.
pub fn role_arn(name: &str) -> Value<String> {
    Fn::sub(&format!(
        "arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/{name}"
    ))
}

/// The Lambda execution role's name (made in the compute stack).
pub fn lambda_execution_role_name(config: &Config) -> String {
    role_name(config, "Lambda-ExecutionRole")
}

/// The ECS task role's name (made in the compute stack when ECS is on).
pub fn ecs_task_role_name(config: &Config) -> String {
    role_name(config, "Ecs-TaskRole")
}

/// Builds the security stack.
pub fn build(stack: &Scope, config: &Config) -> Security {
    let keys = keys(stack, config);
    let secrets = secrets(stack, &keys);
    let roles = access_roles(stack, config, &keys);
    Security {
        keys,
        secrets,
        roles,
    }
}

fn keys(stack: &Scope, config: &Config) -> SecurityKeys {
    let keys = Keys::new(
        stack,
        KeysProps::new(
            config.stage().key_strategy(),
            &format!("investment-ai/{}", config.stage.as_str()),
        ),
    );
    SecurityKeys {
        s3: keys.for_service("s3"),
        dynamodb: keys.for_service("dynamodb"),
        lambda: keys.for_service("lambda"),
        secrets: keys.for_service("secretsmanager"),
        opensearch: keys.for_service("opensearch"),
        timestream: keys.for_service("timestream"),
        messaging: keys.for_service("messaging"),
        backup: keys.for_service("backup"),
    }
}

fn secrets(stack: &Scope, keys: &SecurityKeys) -> Secrets {
    let external_api_keys = Secret::new(
        stack,
        "ExternalApiKeys",
        SecretProps {
            description: Some(
                "API keys of the external market data and news providers; replace the generated values after the first deployment".into(),
            ),
            encryption_key: Some((&keys.secrets).into()),
            generate: Some(GenerateSecret {
                exclude_punctuation: true,
                ..GenerateSecret::for_json(
                    serde_json::json!({"marketDataProvider": "", "newsProvider": ""}),
                    "apiKey",
                )
            }),
            ..Default::default()
        },
    );
    let data_encryption_key = Secret::new(
        stack,
        "DataEncryptionKey",
        SecretProps {
            description: Some(
                "Key for application-level encryption of sensitive investment data".into(),
            ),
            encryption_key: Some((&keys.secrets).into()),
            generate: Some(GenerateSecret {
                length: Some(64),
                exclude_punctuation: true,
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    Secrets {
        external_api_keys,
        data_encryption_key,
    }
}

/// The principals that may assume the access roles: the account, narrowed
/// to the Lambda execution role and (when configured) the ECS task role.
/// Those roles are made later in the compute stack, so they are named by
/// ARN in a condition rather than as principals, which IAM would check
/// for existence.
fn app_principals(config: &Config) -> Principal {
    let mut callers = vec![role_arn(&lambda_execution_role_name(config))];
    if config.ecs.is_some() {
        callers.push(role_arn(&ecs_task_role_name(config)));
    }
    Principal::account_root().with_condition("ArnEquals", "aws:PrincipalArn", callers)
}

fn access_roles(stack: &Scope, config: &Config, keys: &SecurityKeys) -> AccessRoles {
    let role = |id: &str, what: &str, description: &str| {
        Role::new(
            stack,
            id,
            RoleProps {
                role_name: Some(role_name(config, what)),
                description: Some(description.into()),
                ..RoleProps::new(app_principals(config))
            },
        )
    };
    let bedrock = role(
        "BedrockAccessRole",
        "Bedrock-AccessRole",
        "Invokes the agent's Bedrock foundation models on behalf of its functions",
    );
    for model in MODELS {
        let mut arns = vec![model.profile_arn()];
        arns.extend(model.model_arns());
        bedrock.add_to_policy(
            strata::iam::PolicyStatement::allow()
                .sid(&sid(model.name))
                .actions([
                    "bedrock:InvokeModel",
                    "bedrock:InvokeModelWithResponseStream",
                ])
                .resources(arns),
        );
    }
    let dynamodb = role(
        "DynamoDbAccessRole",
        "DynamoDB-AccessRole",
        "Reads and writes the investment ideas and user profiles tables on behalf of the agent's functions",
    );
    keys.dynamodb.grant_encrypt_decrypt(&dynamodb);
    AccessRoles { bedrock, dynamodb }
}

/// A statement id from a model name: `Claude Sonnet 3.7` → `ClaudeSonnet37`.
fn sid(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).collect()
}
