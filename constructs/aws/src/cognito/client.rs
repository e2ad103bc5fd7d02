//! User pool app clients (web and machine-to-machine) with validated token
//! lifetimes, resource servers and their OAuth scopes, the hosted domain,
//! and a Secrets Manager secret holding an M2M client's credentials.

use std::time::Duration;

use strata_cfn::cognito::{self as cfn, user_pool_client as uc};
use strata_cfn::secrets_manager as sm;
use strata_core::{Fn, Scope, Value};

use super::user_pool::UserPool;
use crate::iam::sub;
use crate::secrets::{Secret, SecretProps};

const MINUTE: u64 = 60;
const DAY: u64 = 86_400;

/// An OAuth 2.0 flow a client may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OAuthFlow {
    /// Authorization code grant (`code`), for web and mobile apps.
    AuthorizationCode,
    /// Implicit grant (`implicit`), kept for old single-page apps.
    Implicit,
    /// Client credentials (`client_credentials`), for machine-to-machine calls.
    ClientCredentials,
}

impl OAuthFlow {
    fn code(self) -> &'static str {
        match self {
            OAuthFlow::AuthorizationCode => "code",
            OAuthFlow::Implicit => "implicit",
            OAuthFlow::ClientCredentials => "client_credentials",
        }
    }
}

/// An OAuth scope: a standard OpenID scope or a resource server's.
#[derive(Clone, Debug, PartialEq)]
pub struct OAuthScope {
    value: Value<String>,
    standard: bool,
}

impl OAuthScope {
    fn standard(name: &str) -> Self {
        OAuthScope {
            value: name.into(),
            standard: true,
        }
    }

    /// `openid`.
    pub fn openid() -> Self {
        Self::standard("openid")
    }

    /// `email`.
    pub fn email() -> Self {
        Self::standard("email")
    }

    /// `profile`.
    pub fn profile() -> Self {
        Self::standard("profile")
    }

    /// `phone`.
    pub fn phone() -> Self {
        Self::standard("phone")
    }

    /// `aws.cognito.signin.user.admin`: the user's own Cognito API calls.
    pub fn cognito_admin() -> Self {
        Self::standard("aws.cognito.signin.user.admin")
    }

    /// A custom scope written out, such as `api/read`.
    pub fn custom(scope: &str) -> Self {
        OAuthScope {
            value: scope.into(),
            standard: false,
        }
    }

    /// The scope as the token carries it.
    pub fn value(&self) -> &Value<String> {
        &self.value
    }
}

/// The user authentication flows a client allows; refresh tokens are
/// allowed whenever one is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AuthFlows {
    /// Secure Remote Password (`ALLOW_USER_SRP_AUTH`).
    pub user_srp: bool,
    /// Plain password (`ALLOW_USER_PASSWORD_AUTH`).
    pub user_password: bool,
    /// Server-side admin password auth (`ALLOW_ADMIN_USER_PASSWORD_AUTH`).
    pub admin_user_password: bool,
    /// Lambda-driven custom auth (`ALLOW_CUSTOM_AUTH`).
    pub custom: bool,
}

/// The OAuth settings of a client.
#[derive(Clone, Debug, PartialEq)]
pub struct OAuthSettings {
    /// Allowed flows.
    pub flows: Vec<OAuthFlow>,
    /// Allowed scopes.
    pub scopes: Vec<OAuthScope>,
    /// Where users are sent after signing in (https, or http://localhost).
    pub callback_urls: Vec<String>,
    /// Where users are sent after signing out.
    pub logout_urls: Vec<String>,
}

/// Settings of a [`UserPoolClient`].
#[derive(Clone, Debug, PartialEq)]
pub struct UserPoolClientProps {
    /// The client's name; the construct id when unset.
    pub client_name: Option<String>,
    /// Give the client a secret (confidential clients and client credentials).
    pub generate_secret: bool,
    /// User authentication flows.
    pub auth_flows: AuthFlows,
    /// OAuth flows and scopes.
    pub oauth: Option<OAuthSettings>,
    /// Access token lifetime, 5 minutes to 1 day.
    pub access_token_validity: Duration,
    /// ID token lifetime, 5 minutes to 1 day.
    pub id_token_validity: Duration,
    /// Refresh token lifetime, 60 minutes to 10 years.
    pub refresh_token_validity: Duration,
    /// Answer sign-in failures the same whether or not the user exists (on by default).
    pub prevent_user_existence_errors: bool,
}

impl UserPoolClientProps {
    /// A browser client without a secret: SRP sign-in and the authorization
    /// code flow with `openid`, `email` and `profile`, redirecting to
    /// `callback_urls`; tokens as seed 004 sets them (1 hour, refresh 30 days).
    pub fn web(callback_urls: &[&str]) -> Self {
        UserPoolClientProps {
            auth_flows: AuthFlows {
                user_srp: true,
                ..Default::default()
            },
            oauth: Some(OAuthSettings {
                flows: vec![OAuthFlow::AuthorizationCode],
                scopes: vec![
                    OAuthScope::openid(),
                    OAuthScope::email(),
                    OAuthScope::profile(),
                ],
                callback_urls: callback_urls.iter().map(|u| u.to_string()).collect(),
                logout_urls: Vec::new(),
            }),
            ..Self::base()
        }
    }

    /// A machine-to-machine client: a secret and the client credentials
    /// flow for `scopes` (resource server scopes).
    pub fn machine_to_machine(scopes: Vec<OAuthScope>) -> Self {
        UserPoolClientProps {
            generate_secret: true,
            oauth: Some(OAuthSettings {
                flows: vec![OAuthFlow::ClientCredentials],
                scopes,
                callback_urls: Vec::new(),
                logout_urls: Vec::new(),
            }),
            ..Self::base()
        }
    }

    fn base() -> Self {
        UserPoolClientProps {
            client_name: None,
            generate_secret: false,
            auth_flows: AuthFlows::default(),
            oauth: None,
            access_token_validity: Duration::from_secs(3600),
            id_token_validity: Duration::from_secs(3600),
            refresh_token_validity: Duration::from_secs(30 * DAY),
            prevent_user_existence_errors: true,
        }
    }
}

/// An `AWS::Cognito::UserPoolClient` at `<pool>/<id>/Resource`.
///
/// ```
/// use strata::prelude::*;
/// use strata::cognito::{UserPool, UserPoolClientProps, UserPoolProps};
/// let app = App::new();
/// let stack = app.stack("Auth", StackProps::default());
/// let pool = UserPool::new(&stack, "Users", UserPoolProps::default());
/// pool.add_client("Web", UserPoolClientProps::web(&["https://app.example.com/callback"]));
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let client = &t["Resources"][strata::logical_id(&["Users", "Web", "Resource"]).as_str()];
/// assert_eq!(client["Properties"]["AllowedOAuthFlows"][0], "code");
/// assert_eq!(client["Properties"]["RefreshTokenValidity"], 43200);
/// ```
#[derive(Clone, Debug)]
pub struct UserPoolClient {
    scope: Scope,
    resource: cfn::UserPoolClientRef,
    secret: bool,
    scopes: Vec<OAuthScope>,
}

impl UserPool {
    /// Adds an app client at `<pool>/<id>`.
    pub fn add_client(&self, id: &str, props: UserPoolClientProps) -> UserPoolClient {
        let scope = self.scope().child(id);
        for p in client_problems(&props) {
            scope.error("cognito-client", p);
        }
        let minutes =
            |d: Duration| Value::from(i64::try_from(d.as_secs() / MINUTE).unwrap_or(i64::MAX));
        let f = props.auth_flows;
        let mut flows: Vec<&str> = [
            (f.user_srp, "ALLOW_USER_SRP_AUTH"),
            (f.user_password, "ALLOW_USER_PASSWORD_AUTH"),
            (f.admin_user_password, "ALLOW_ADMIN_USER_PASSWORD_AUTH"),
            (f.custom, "ALLOW_CUSTOM_AUTH"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, name)| *name)
        .collect();
        if !flows.is_empty() {
            flows.push("ALLOW_REFRESH_TOKEN_AUTH");
        }
        let oauth = props.oauth.as_ref();
        let list = |items: &[String]| {
            (!items.is_empty()).then(|| Value::list(items.iter().map(String::as_str)))
        };
        let l1 = cfn::UserPoolClient {
            client_name: Some(
                props
                    .client_name
                    .clone()
                    .unwrap_or_else(|| id.to_string())
                    .into(),
            ),
            generate_secret: Some(props.generate_secret.into()),
            explicit_auth_flows: (!flows.is_empty()).then(|| Value::list(flows)),
            allowed_o_auth_flows: oauth.map(|o| Value::list(o.flows.iter().map(|f| f.code()))),
            allowed_o_auth_flows_user_pool_client: oauth.map(|_| true.into()),
            allowed_o_auth_scopes: oauth
                .map(|o| Value::Lit(o.scopes.iter().map(|s| s.value.clone()).collect())),
            callback_ur_ls: oauth.and_then(|o| list(&o.callback_urls)),
            logout_ur_ls: oauth.and_then(|o| list(&o.logout_urls)),
            supported_identity_providers: oauth.map(|_| Value::list(["COGNITO"])),
            access_token_validity: Some(minutes(props.access_token_validity)),
            id_token_validity: Some(minutes(props.id_token_validity)),
            refresh_token_validity: Some(minutes(props.refresh_token_validity)),
            token_validity_units: Some(
                uc::TokenValidityUnits {
                    access_token: Some("minutes".into()),
                    id_token: Some("minutes".into()),
                    refresh_token: Some("minutes".into()),
                }
                .into(),
            ),
            prevent_user_existence_errors: Some(
                if props.prevent_user_existence_errors {
                    "ENABLED"
                } else {
                    "LEGACY"
                }
                .into(),
            ),
            enable_token_revocation: Some(true.into()),
            ..cfn::UserPoolClient::new(self.user_pool_id())
        };
        let resource = scope.resource("Resource", l1);
        UserPoolClient {
            scope,
            resource,
            secret: props.generate_secret,
            scopes: oauth.map(|o| o.scopes.clone()).unwrap_or_default(),
        }
    }
}

impl UserPoolClient {
    /// The client ID (`Ref`).
    pub fn client_id(&self) -> Value<String> {
        self.resource.ref_()
    }

    /// The client secret (`Fn::GetAtt ClientSecret`); `None` when the
    /// client has none.
    pub fn client_secret(&self) -> Option<Value<String>> {
        self.secret.then(|| self.resource.client_secret())
    }

    /// Keeps the client's credentials in a Secrets Manager secret at
    /// `<scope>/<id>`, as a JSON string with `client_id`, `client_secret`,
    /// `token_url` (of `domain`) and `scopes` (space-separated), for
    /// services calling APIs with the client credentials flow. `props`
    /// names and encrypts the secret; its `generate` setting is not used.
    pub fn store_credentials(
        &self,
        scope: &Scope,
        id: &str,
        domain: &UserPoolDomain,
        props: SecretProps,
    ) -> Secret {
        let secret = Secret::new(
            scope,
            id,
            SecretProps {
                description: props
                    .description
                    .clone()
                    .or_else(|| Some("Client credentials of a Cognito app client".into())),
                generate: None,
                ..props
            },
        );
        let Some(client_secret) = self.client_secret() else {
            secret.scope().error(
                "cognito-credentials",
                format!(
                    "the client {} has no secret to store; set generate_secret",
                    self.scope.path()
                ),
            );
            return secret;
        };
        let values: Vec<Value<String>> = self.scopes.iter().map(|s| s.value.clone()).collect();
        let scopes = if values.iter().all(|v| v.as_literal().is_some()) {
            Value::Lit(
                values
                    .iter()
                    .filter_map(|v| v.as_literal().cloned())
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        } else {
            Fn::join(" ", values)
        };
        let json = sub(
            r#"{"client_id":"${ClientId}","client_secret":"${ClientSecret}","token_url":"${TokenUrl}","scopes":"${Scopes}"}"#,
            vec![
                ("ClientId", self.client_id()),
                ("ClientSecret", client_secret),
                ("TokenUrl", domain.token_url()),
                ("Scopes", scopes),
            ],
        );
        if let Some(s) = secret.scope().of(&secret.handle()) {
            s.with_resource::<sm::Secret>(|r| {
                r.generate_secret_string = None;
                r.secret_string = Some(json);
            });
        }
        secret
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::UserPoolClientRef {
        &self.resource
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

fn range_problem(what: &str, d: Duration, min: u64, max: u64, range: &str) -> Option<String> {
    let s = d.as_secs();
    (!s.is_multiple_of(MINUTE) || d.subsec_nanos() != 0 || s < min || s > max).then(|| {
        let m = s / MINUTE;
        let unit = if m == 1 { "minute" } else { "minutes" };
        format!("the {what} token validity of {m} {unit} is out of range; use whole minutes from {range}")
    })
}

fn client_problems(p: &UserPoolClientProps) -> Vec<String> {
    let mut out = Vec::new();
    out.extend(range_problem(
        "access",
        p.access_token_validity,
        5 * MINUTE,
        DAY,
        "5 minutes to 1 day",
    ));
    out.extend(range_problem(
        "ID",
        p.id_token_validity,
        5 * MINUTE,
        DAY,
        "5 minutes to 1 day",
    ));
    out.extend(range_problem(
        "refresh",
        p.refresh_token_validity,
        60 * MINUTE,
        3650 * DAY,
        "60 minutes to 10 years",
    ));
    for (what, d) in [
        ("access", p.access_token_validity),
        ("ID", p.id_token_validity),
    ] {
        if d > p.refresh_token_validity {
            out.push(format!(
                "the {what} token outlives the refresh token; make it shorter"
            ));
        }
    }
    if let Some(name) = &p.client_name {
        if name.is_empty() || name.len() > 128 {
            out.push(format!(
                "the client name {name:?} must be 1 to 128 characters"
            ));
        }
    }
    let Some(o) = &p.oauth else { return out };
    if o.flows.is_empty() || o.scopes.is_empty() {
        out.push("OAuth settings need at least one flow and one scope".into());
    }
    let m2m = o.flows.contains(&OAuthFlow::ClientCredentials);
    if m2m {
        if o.flows.len() > 1 {
            out.push("the client credentials flow cannot be combined with user flows; make a separate client".into());
        }
        if !p.generate_secret {
            out.push(
                "the client credentials flow needs a client secret; set generate_secret".into(),
            );
        }
        if o.scopes.iter().any(|s| s.standard) {
            out.push("the client credentials flow only grants resource server scopes, not openid, email, profile, phone or aws.cognito.signin.user.admin".into());
        }
    } else {
        if o.callback_urls.is_empty() {
            out.push(
                "the authorization code and implicit flows need at least one callback URL".into(),
            );
        }
        let needs_openid = o.scopes.iter().any(|s| {
            s.standard
                && matches!(
                    s.value.as_literal().map(String::as_str),
                    Some("email" | "profile")
                )
        });
        if needs_openid && !o.scopes.contains(&OAuthScope::openid()) {
            out.push("the email and profile scopes need the openid scope".into());
        }
    }
    for url in o.callback_urls.iter().chain(&o.logout_urls) {
        if !url.starts_with("https://") && !url.starts_with("http://localhost") {
            out.push(format!(
                "{url:?} must use https (http is allowed only for localhost)"
            ));
        }
    }
    out
}

/// Settings of a [`ResourceServer`].
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceServerProps {
    /// The identifier scopes are prefixed with, such as `api` or `https://api.example.com`.
    pub identifier: String,
    /// The server's name; the identifier when unset.
    pub name: Option<String>,
    /// Scopes by name and description, such as `("read", "Read access")`.
    pub scopes: Vec<(String, String)>,
}

/// An `AWS::Cognito::UserPoolResourceServer` at `<pool>/<id>/Resource`.
#[derive(Clone, Debug)]
pub struct ResourceServer {
    scope: Scope,
    resource: cfn::UserPoolResourceServerRef,
    scopes: Vec<String>,
}

impl UserPool {
    /// Adds a resource server with its scopes at `<pool>/<id>`.
    pub fn add_resource_server(&self, id: &str, props: ResourceServerProps) -> ResourceServer {
        let scope = self.scope().child(id);
        let ident = &props.identifier;
        if ident.is_empty() || ident.len() > 256 || ident.chars().any(char::is_whitespace) {
            scope.error(
                "cognito-resource-server",
                format!("the identifier {ident:?} must be 1 to 256 characters without spaces"),
            );
        }
        if props.scopes.len() > 100 {
            scope.error(
                "cognito-resource-server",
                "a resource server has at most 100 scopes",
            );
        }
        for (i, (name, description)) in props.scopes.iter().enumerate() {
            let ok = !name.is_empty()
                && name.len() <= 256
                && name
                    .chars()
                    .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\');
            if !ok || props.scopes[..i].iter().any(|(n, _)| n == name) {
                scope.error("cognito-resource-server", format!("the scope name {name:?} is invalid or repeated; use 1 to 256 printable characters without quotes or backslashes"));
            }
            if description.is_empty() || description.len() > 256 {
                scope.error(
                    "cognito-resource-server",
                    format!("the scope {name:?} needs a description of 1 to 256 characters"),
                );
            }
        }
        let resource = scope.resource(
            "Resource",
            cfn::UserPoolResourceServer {
                scopes: (!props.scopes.is_empty()).then(|| {
                    Value::Lit(
                        props
                            .scopes
                            .iter()
                            .map(|(n, d)| {
                                cfn::user_pool_resource_server::ResourceServerScopeType::new(
                                    d.as_str(),
                                    n.as_str(),
                                )
                                .into()
                            })
                            .collect(),
                    )
                }),
                ..cfn::UserPoolResourceServer::new(
                    ident.as_str(),
                    props.name.clone().unwrap_or_else(|| ident.clone()),
                    self.user_pool_id(),
                )
            },
        );
        ResourceServer {
            scope,
            resource,
            scopes: props.scopes.iter().map(|(n, _)| n.clone()).collect(),
        }
    }
}

impl ResourceServer {
    /// The scope `<identifier>/<name>`, referring to the server so clients
    /// are created after it. A name the server does not define is reported.
    pub fn oauth_scope(&self, name: &str) -> OAuthScope {
        if !self.scopes.iter().any(|s| s == name) {
            self.scope.error(
                "cognito-resource-server",
                format!(
                    "the resource server has no scope {name:?}; it defines {:?}",
                    self.scopes
                ),
            );
        }
        OAuthScope {
            value: sub(
                &format!("${{Server}}/{name}"),
                vec![("Server", self.resource.ref_())],
            ),
            standard: false,
        }
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::UserPoolResourceServerRef {
        &self.resource
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// The hosted sign-in domain of a pool.
#[derive(Clone, Debug, PartialEq)]
pub enum DomainKind {
    /// `https://<prefix>.auth.<region>.amazoncognito.com`.
    Prefix(String),
    /// A domain of your own with an ACM certificate in us-east-1.
    Custom {
        /// The domain, such as `auth.example.com`.
        domain_name: String,
        /// The certificate's ARN.
        certificate_arn: Value<String>,
    },
}

/// An `AWS::Cognito::UserPoolDomain` at `<pool>/<id>/Resource`.
#[derive(Clone, Debug)]
pub struct UserPoolDomain {
    scope: Scope,
    resource: cfn::UserPoolDomainRef,
    custom: bool,
}

impl UserPool {
    /// Adds the pool's hosted domain at `<pool>/<id>`, with the managed
    /// login pages (version 2).
    pub fn add_domain(&self, id: &str, kind: DomainKind) -> UserPoolDomain {
        let scope = self.scope().child(id);
        let (domain, cert) = match &kind {
            DomainKind::Prefix(p) => {
                let ok = !p.is_empty()
                    && p.len() <= 63
                    && p.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && !p.starts_with('-')
                    && !p.ends_with('-')
                    && !["aws", "amazon", "cognito"].iter().any(|w| p.contains(w));
                if !ok {
                    scope.error("cognito-domain", format!("the domain prefix {p:?} must be 1 to 63 lowercase letters, digits and inner hyphens, without aws, amazon or cognito"));
                }
                (p.clone(), None)
            }
            DomainKind::Custom {
                domain_name,
                certificate_arn,
            } => {
                if !domain_name.contains('.') {
                    scope.error(
                        "cognito-domain",
                        format!("{domain_name:?} is not a domain name"),
                    );
                }
                (domain_name.clone(), Some(certificate_arn.clone()))
            }
        };
        let resource = scope.resource(
            "Resource",
            cfn::UserPoolDomain {
                custom_domain_config: cert.map(|c| {
                    cfn::user_pool_domain::CustomDomainConfigType {
                        certificate_arn: Some(c),
                        ..Default::default()
                    }
                    .into()
                }),
                managed_login_version: Some(2.into()),
                ..cfn::UserPoolDomain::new(domain, self.user_pool_id())
            },
        );
        UserPoolDomain {
            scope,
            resource,
            custom: matches!(kind, DomainKind::Custom { .. }),
        }
    }
}

impl UserPoolDomain {
    /// `https://<prefix>.auth.<region>.amazoncognito.com` or `https://<custom domain>`.
    pub fn base_url(&self) -> Value<String> {
        let template = if self.custom {
            "https://${Domain}"
        } else {
            "https://${Domain}.auth.${Region}.amazoncognito.com"
        };
        sub(
            template,
            vec![("Domain", self.resource.ref_()), ("Region", Fn::region())],
        )
    }

    /// The OAuth token endpoint, `<base url>/oauth2/token`.
    pub fn token_url(&self) -> Value<String> {
        let template = if self.custom {
            "https://${Domain}/oauth2/token"
        } else {
            "https://${Domain}.auth.${Region}.amazoncognito.com/oauth2/token"
        };
        sub(
            template,
            vec![("Domain", self.resource.ref_()), ("Region", Fn::region())],
        )
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::UserPoolDomainRef {
        &self.resource
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}
