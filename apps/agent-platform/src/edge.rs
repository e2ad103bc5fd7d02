//! Seed "Authentication and Authorization" and "Frontend Hosting".
//!
//! Cognito: a user pool for end users with `admins` and `users` groups
//! ("User groups for role-based access control"), the hosted domain
//! (`<env>-agent-platform.auth.<region>.amazoncognito.com`, the seed's
//! default when `use_custom_domain` is off), the `api` resource server with
//! `read` and `write` scopes, a web client on the authorization code flow
//! and an M2M client on the client credentials flow ("OAuth 2.0 flows"),
//! and an identity pool for federated identities. The M2M client's
//! `client_id`, `client_secret`, `token_url` (`<domain>/oauth2/token`) and
//! `scopes` (`api/read api/write`) are kept in a Secrets Manager secret, as
//! the seed's `m2m_credentials`; the three gateways may read it ("LLM -.->
//! SM").
//!
//! Website: a private S3 bucket served by CloudFront through Origin Access
//! Control, HTTPS enforced (redirect), security headers, and the SPA
//! routing of the seed (403 and 404 answered with `/index.html`).

use strata::cfn::iam as iam_l1;
use strata::cloudfront::{Distribution, DistributionProps, ErrorResponse};
use strata::cognito::{
    DomainKind, IdentityPool, IdentityPoolProps, ResourceServerProps, UserPool,
    UserPoolClientProps, UserPoolGroupProps, UserPoolProps,
};
use strata::iam::{PolicyDocument, PolicyStatement};
use strata::prelude::*;
use strata::s3::{Bucket, BucketProps};
use strata::secrets::{Secret, SecretProps};

use crate::compute::Compute;
use crate::config::Config;
use crate::parameters;

/// The resource server's identifier (`aws_cognito_resource_server.api`).
pub const API_IDENTIFIER: &str = "api";

/// Builds Cognito, the M2M credentials and the website in `stack`.
pub fn build(stack: &Scope, config: &Config, compute: &Compute) -> Secret {
    let pool = UserPool::new(
        stack,
        "UserPool",
        UserPoolProps {
            user_pool_name: Some(format!("{}users", config.prefix())),
            deletion_protection: config.stage().is_prod(),
            ..Default::default()
        },
    );
    for (id, name, precedence) in [("AdminsGroup", "admins", 0), ("UsersGroup", "users", 10)] {
        pool.add_group(
            id,
            UserPoolGroupProps {
                group_name: Some(name.into()),
                description: Some(format!("Platform {name}")),
                precedence: Some(precedence),
                ..Default::default()
            },
        );
    }
    let domain = pool.add_domain(
        "Domain",
        DomainKind::Prefix(config.cognito.domain_prefix.clone()),
    );
    let api = pool.add_resource_server(
        "ApiResourceServer",
        ResourceServerProps {
            identifier: API_IDENTIFIER.into(),
            name: Some(format!("{}api", config.prefix())),
            scopes: vec![
                ("read".into(), "Read access".into()),
                ("write".into(), "Write access".into()),
            ],
        },
    );
    let callbacks: Vec<&str> = config
        .cognito
        .callback_urls
        .iter()
        .map(String::as_str)
        .collect();
    let web = pool.add_client(
        "WebClient",
        UserPoolClientProps {
            client_name: Some(format!("{}web", config.prefix())),
            ..UserPoolClientProps::web(&callbacks)
        },
    );
    let m2m = pool.add_client(
        "M2mClient",
        UserPoolClientProps {
            client_name: Some(format!("{}m2m", config.prefix())),
            ..UserPoolClientProps::machine_to_machine(vec![
                api.oauth_scope("read"),
                api.oauth_scope("write"),
            ])
        },
    );
    let credentials = m2m.store_credentials(
        stack,
        "M2mCredentials",
        &domain,
        SecretProps {
            secret_name: Some(format!("{}m2m-credentials", config.prefix())),
            description: Some("Client credentials of the platform's M2M client".into()),
            ..Default::default()
        },
    );
    IdentityPool::new(
        stack,
        "IdentityPool",
        IdentityPoolProps {
            identity_pool_name: Some(format!("{}identities", config.prefix()).replace('-', "_")),
            user_pool_clients: vec![(pool.clone(), web)],
            ..Default::default()
        },
    );
    grant_credentials(stack, compute, &credentials);
    website(stack, config);
    parameters::put(
        stack,
        "UserPoolIdParameter",
        &parameters::path(config, "auth/user-pool-id"),
        "The platform's Cognito user pool",
        pool.user_pool_id(),
    );
    credentials
}

/// The gateways read the M2M credentials. The policy lives here, beside
/// the secret, so the compute stack does not depend on this one.
fn grant_credentials(stack: &Scope, compute: &Compute, credentials: &Secret) {
    let document = PolicyDocument::new().with_statement(
        PolicyStatement::allow()
            .actions([
                "secretsmanager:GetSecretValue",
                "secretsmanager:DescribeSecret",
            ])
            .resource(credentials.secret_arn()),
    );
    stack.resource(
        "GatewaysReadM2mCredentials",
        iam_l1::Policy {
            roles: Some(Value::list([
                compute.llm_gateway.role().role_name(),
                compute.memory_gateway.role().role_name(),
                compute.retrieval_gateway.role().role_name(),
            ])),
            ..iam_l1::Policy::new(document.to_value(), "read-m2m-credentials")
        },
    );
}

/// The static website: a private bucket behind CloudFront.
fn website(stack: &Scope, config: &Config) -> Distribution {
    let bucket = Bucket::new(stack, "WebsiteBucket", BucketProps::default());
    let distribution = Distribution::new(
        stack,
        "Website",
        DistributionProps {
            comment: Some(format!("{}website", config.prefix())),
            error_responses: vec![ErrorResponse::spa(403), ErrorResponse::spa(404)],
            ..DistributionProps::new(&bucket)
        },
    );
    stack.output("WebsiteDomainName", Output::new(distribution.domain_name()));
    distribution
}
