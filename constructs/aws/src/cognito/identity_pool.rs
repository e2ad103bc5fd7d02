//! Cognito identity pools: AWS credentials for users of user pools (and,
//! optionally, guests) through an authenticated and an unauthenticated
//! role attached with `AWS::Cognito::IdentityPoolRoleAttachment`.

use strata_cfn::cognito::{self as cfn, identity_pool as ip};
use strata_core::{Scope, Value};

use super::client::UserPoolClient;
use super::user_pool::UserPool;
use crate::iam::{Principal, Role, RoleProps};

/// Settings of an [`IdentityPool`].
#[derive(Clone, Debug, Default)]
pub struct IdentityPoolProps {
    /// The pool's name; generated when unset.
    pub identity_pool_name: Option<String>,
    /// Give guests credentials through the unauthenticated role.
    pub allow_unauthenticated: bool,
    /// Users of these pools, signing in through these clients, get the
    /// authenticated role.
    pub user_pool_clients: Vec<(UserPool, UserPoolClient)>,
    /// Check with the user pool that tokens were not revoked.
    pub server_side_token_check: bool,
}

/// An `AWS::Cognito::IdentityPool` at `<id>/Resource`, with roles at
/// `<id>/AuthenticatedRole` and `<id>/UnauthenticatedRole` and their
/// attachment at `<id>/DefaultRoleAttachment`.
///
/// ```
/// use strata::prelude::*;
/// use strata::cognito::{IdentityPool, IdentityPoolProps, UserPool, UserPoolClientProps, UserPoolProps};
/// let app = App::new();
/// let stack = app.stack("Auth", StackProps::default());
/// let users = UserPool::new(&stack, "Users", UserPoolProps::default());
/// let web = users.add_client("Web", UserPoolClientProps::web(&["https://app.example.com/"]));
/// let ids = IdentityPool::new(&stack, "Identities", IdentityPoolProps {
///     user_pool_clients: vec![(users, web)],
///     ..Default::default()
/// });
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let attachment = &t["Resources"][strata::logical_id(&["Identities", "DefaultRoleAttachment"]).as_str()];
/// assert!(attachment["Properties"]["Roles"]["authenticated"].is_object());
/// # let _ = ids;
/// ```
#[derive(Clone)]
pub struct IdentityPool {
    scope: Scope,
    resource: cfn::IdentityPoolRef,
    authenticated: Role,
    unauthenticated: Role,
}

impl IdentityPool {
    /// Adds the pool and its roles under `scope`.
    pub fn new(scope: &Scope, id: &str, props: IdentityPoolProps) -> IdentityPool {
        let scope = scope.child(id);
        if let Some(name) = &props.identity_pool_name {
            let ok = !name.is_empty()
                && name.len() <= 128
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || c.is_whitespace() || "_+=,.@-".contains(c));
            if !ok {
                scope.error(
                    "cognito-identity-pool",
                    format!("the identity pool name {name:?} must be 1 to 128 letters, digits, spaces or _+=,.@-"),
                );
            }
        }
        if props.user_pool_clients.is_empty() && !props.allow_unauthenticated {
            scope.error(
                "cognito-identity-pool",
                "the identity pool has no identity provider and allows no guests; add a user pool client or allow unauthenticated identities",
            );
        }
        let providers: Vec<Value<ip::CognitoIdentityProvider>> = props
            .user_pool_clients
            .iter()
            .map(|(pool, client)| {
                ip::CognitoIdentityProvider {
                    server_side_token_check: Some(props.server_side_token_check.into()),
                    ..ip::CognitoIdentityProvider::new(client.client_id(), pool.provider_name())
                }
                .into()
            })
            .collect();
        let resource = scope.resource(
            "Resource",
            cfn::IdentityPool {
                identity_pool_name: props.identity_pool_name.clone().map(Value::from),
                cognito_identity_providers: (!providers.is_empty())
                    .then_some(Value::Lit(providers)),
                ..cfn::IdentityPool::new(props.allow_unauthenticated)
            },
        );
        let role = |role_id: &str, amr: &str| {
            let principal = Principal::web_identity("cognito-identity.amazonaws.com")
                .with_condition(
                    "StringEquals",
                    "cognito-identity.amazonaws.com:aud",
                    [resource.ref_()],
                )
                .with_condition(
                    "ForAnyValue:StringLike",
                    "cognito-identity.amazonaws.com:amr",
                    [amr],
                );
            Role::new(
                &scope,
                role_id,
                RoleProps {
                    description: Some(format!("Role of {amr} identities of the identity pool")),
                    ..RoleProps::new(principal)
                },
            )
        };
        let authenticated = role("AuthenticatedRole", "authenticated");
        let unauthenticated = role("UnauthenticatedRole", "unauthenticated");
        scope.resource(
            "DefaultRoleAttachment",
            cfn::IdentityPoolRoleAttachment {
                roles: Some(Value::Lit(
                    [
                        ("authenticated".to_string(), authenticated.arn()),
                        ("unauthenticated".to_string(), unauthenticated.arn()),
                    ]
                    .into_iter()
                    .collect(),
                )),
                ..cfn::IdentityPoolRoleAttachment::new(resource.ref_())
            },
        );
        IdentityPool {
            scope,
            resource,
            authenticated,
            unauthenticated,
        }
    }

    /// The pool's ID (`Ref`).
    pub fn identity_pool_id(&self) -> Value<String> {
        self.resource.ref_()
    }

    /// The role signed-in users get; grant it what the app needs.
    pub fn authenticated_role(&self) -> &Role {
        &self.authenticated
    }

    /// The role guests get.
    pub fn unauthenticated_role(&self) -> &Role {
        &self.unauthenticated
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::IdentityPoolRef {
        &self.resource
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}
