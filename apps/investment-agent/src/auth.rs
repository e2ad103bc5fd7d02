//! Seed "Authentication Layer": the Cognito user pool, email-based and
//! admin-only sign-up, a 12-character password policy requiring upper and
//! lower case, numbers and symbols, optional TOTP MFA, custom attributes
//! for user preferences, and an app client whose access tokens last an
//! hour and refresh tokens 30 days.

use std::time::Duration;

use strata::cognito::{
    AccountRecovery, AuthFlows, CustomAttribute, Mfa, PasswordPolicy, UserPool, UserPoolClient,
    UserPoolClientProps, UserPoolProps,
};
use strata::prelude::*;

use crate::config::Config;

/// Seed "Min Length: 12".
pub const MIN_PASSWORD_LENGTH: u32 = 12;
/// Seed "Token Validity: Access: 1 hour".
pub const ACCESS_TOKEN_VALIDITY: Duration = Duration::from_secs(3600);
/// Seed "Token Validity: Refresh: 30 days".
pub const REFRESH_TOKEN_VALIDITY: Duration = Duration::from_secs(30 * 86_400);

/// The custom attributes holding user preferences: the user's risk
/// tolerance, investment horizon and preferred sectors.
pub const PREFERENCE_ATTRIBUTES: [(&str, u32); 3] = [
    ("riskTolerance", 32),
    ("investmentHorizon", 32),
    ("preferredSectors", 256),
];

/// The user pool and the client the agent's front end signs in with.
#[derive(Clone)]
pub struct Auth {
    /// The user pool.
    pub pool: UserPool,
    /// The app client.
    pub client: UserPoolClient,
}

/// Builds the user pool `<prefix>-users` and its app client.
pub fn build(stack: &Scope, config: &Config) -> Auth {
    let pool = UserPool::new(
        stack,
        "UserPool",
        UserPoolProps {
            user_pool_name: Some(format!("{}-users", config.prefix())),
            self_sign_up: false,
            sign_in_with_email: true,
            password_policy: PasswordPolicy {
                min_length: MIN_PASSWORD_LENGTH,
                require_lowercase: true,
                require_uppercase: true,
                require_digits: true,
                require_symbols: true,
                ..PasswordPolicy::default()
            },
            mfa: Mfa::OptionalTotp,
            custom_attributes: PREFERENCE_ATTRIBUTES
                .iter()
                .map(|(name, len)| CustomAttribute::string(name, *len))
                .collect(),
            account_recovery: AccountRecovery::EmailOnly,
            deletion_protection: config.stage().is_prod(),
            ..Default::default()
        },
    );
    // The front end signs users in with SRP; no client secret, no hosted UI.
    let client = pool.add_client(
        "WebClient",
        UserPoolClientProps {
            client_name: Some(format!("{}-web", config.prefix())),
            generate_secret: false,
            auth_flows: AuthFlows {
                user_srp: true,
                ..Default::default()
            },
            oauth: None,
            access_token_validity: ACCESS_TOKEN_VALIDITY,
            id_token_validity: ACCESS_TOKEN_VALIDITY,
            refresh_token_validity: REFRESH_TOKEN_VALIDITY,
            prevent_user_existence_errors: true,
        },
    );
    Auth { pool, client }
}
