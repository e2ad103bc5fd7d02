//! Cognito: user pools (admin-only sign-up, password policy, TOTP MFA,
//! custom attributes, recovery, deletion protection), app clients with
//! validated token lifetimes, resource servers and their scopes, hosted
//! domains, groups, identity pools, and M2M credentials kept in Secrets
//! Manager.
//!
//! ```
//! use strata::prelude::*;
//! use strata::cognito::*;
//! use strata::secrets::SecretProps;
//!
//! let app = App::new();
//! let stack = app.stack("Auth", StackProps::default());
//! let pool = UserPool::new(&stack, "Users", UserPoolProps::default());
//! let api = pool.add_resource_server("Api", ResourceServerProps {
//!     identifier: "api".into(),
//!     name: None,
//!     scopes: vec![("read".into(), "Read access".into()), ("write".into(), "Write access".into())],
//! });
//! let domain = pool.add_domain("Domain", DomainKind::Prefix("agent-platform-dev".into()));
//! let m2m = pool.add_client("M2m", UserPoolClientProps::machine_to_machine(vec![
//!     api.oauth_scope("read"),
//!     api.oauth_scope("write"),
//! ]));
//! m2m.store_credentials(&stack, "M2mCredentials", &domain, SecretProps::default());
//! let t = &app.synth().expect("valid").stacks[0].template;
//! let secret = &t["Resources"][strata::logical_id(&["M2mCredentials", "Resource"]).as_str()];
//! assert!(secret["Properties"]["SecretString"]["Fn::Sub"].is_array());
//! ```

mod client;
mod identity_pool;
mod user_pool;

pub use client::{
    AuthFlows, DomainKind, OAuthFlow, OAuthScope, OAuthSettings, ResourceServer,
    ResourceServerProps, UserPoolClient, UserPoolClientProps, UserPoolDomain,
};
pub use identity_pool::{IdentityPool, IdentityPoolProps};
pub use user_pool::{
    AccountRecovery, AttributeKind, CustomAttribute, Mfa, PasswordPolicy, UserPool,
    UserPoolGroupProps, UserPoolProps,
};
