//! REST API authorizers: Cognito user pools, and Lambda token or request
//! authorizers with the permission that lets API Gateway invoke them.

use std::time::Duration;

use strata_cfn::api_gateway as cfn;
use strata_cfn::lambda;
use strata_core::{Scope, Value};

use super::rest_api::RestApi;
use super::{execute_api_arn, lambda_invocation_uri, unique_id};

/// What checks a caller.
#[derive(Clone, Debug, PartialEq)]
pub enum AuthorizerKind {
    /// JWTs from Cognito user pools, read from the `Authorization` header.
    CognitoUserPools {
        /// The user pools' ARNs.
        user_pool_arns: Vec<Value<String>>,
    },
    /// A Lambda function given a bearer token from one header.
    Token {
        /// The function's ARN.
        function_arn: Value<String>,
        /// The header, such as `method.request.header.Authorization`.
        identity_source: String,
        /// A regular expression the token must match before the function is called.
        validation_regex: Option<String>,
    },
    /// A Lambda function given request parameters.
    Request {
        /// The function's ARN.
        function_arn: Value<String>,
        /// Sources such as `method.request.header.X-Tenant` or
        /// `method.request.querystring.key`; they also form the cache key.
        identity_sources: Vec<String>,
    },
}

/// Settings of an [`Authorizer`].
#[derive(Clone, Debug, PartialEq)]
pub struct AuthorizerProps {
    /// The authorizer's name; the construct's unique ID when unset.
    pub authorizer_name: Option<String>,
    /// What checks callers.
    pub kind: AuthorizerKind,
    /// How long a decision is cached, up to one hour; zero turns caching off.
    pub results_cache_ttl: Duration,
}

impl AuthorizerProps {
    /// A Cognito user pools authorizer with a 5-minute cache.
    pub fn cognito(user_pool_arns: Vec<Value<String>>) -> Self {
        Self::of(AuthorizerKind::CognitoUserPools { user_pool_arns })
    }

    /// A Lambda token authorizer reading the `Authorization` header.
    pub fn token(function_arn: impl Into<Value<String>>) -> Self {
        Self::of(AuthorizerKind::Token {
            function_arn: function_arn.into(),
            identity_source: "method.request.header.Authorization".into(),
            validation_regex: None,
        })
    }

    /// A Lambda request authorizer given `identity_sources`.
    pub fn request(function_arn: impl Into<Value<String>>, identity_sources: &[&str]) -> Self {
        Self::of(AuthorizerKind::Request {
            function_arn: function_arn.into(),
            identity_sources: identity_sources.iter().map(|s| s.to_string()).collect(),
        })
    }

    fn of(kind: AuthorizerKind) -> Self {
        AuthorizerProps {
            authorizer_name: None,
            kind,
            results_cache_ttl: Duration::from_secs(300),
        }
    }
}

/// An `AWS::ApiGateway::Authorizer` at `<id>/Resource` for one REST API;
/// Lambda authorizers also get `<id>/Permissions`, the
/// `AWS::Lambda::Permission` for API Gateway.
///
/// ```
/// use strata::prelude::*;
/// use strata::apigateway::{Authorization, Authorizer, AuthorizerProps, Integration, MethodOptions, RestApi, RestApiProps};
///
/// let app = App::new();
/// let stack = app.stack("Edge", StackProps::default());
/// let api = RestApi::new(&stack, "Api", RestApiProps::default());
/// let users = Authorizer::new(&stack, "Users", &api, AuthorizerProps::cognito(vec![
///     "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_EXAMPLE".into(),
/// ]));
/// api.root().add_method("GET", Integration::mock(200), MethodOptions {
///     authorization: Some(Authorization::with_scopes(&users, &["api/read"])),
///     ..Default::default()
/// });
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let auth = &t["Resources"][strata::logical_id(&["Users", "Resource"]).as_str()];
/// assert_eq!(auth["Properties"]["Type"], "COGNITO_USER_POOLS");
/// ```
#[derive(Clone, Debug)]
pub struct Authorizer {
    scope: Scope,
    resource: cfn::AuthorizerRef,
    pub(crate) api_scope: Scope,
    cognito: bool,
}

impl Authorizer {
    /// Adds an authorizer for `api` under `scope`.
    pub fn new(scope: &Scope, id: &str, api: &RestApi, props: AuthorizerProps) -> Authorizer {
        let scope = scope.child(id);
        for p in problems(&props) {
            scope.error("api-authorizer", p);
        }
        let name = props
            .authorizer_name
            .clone()
            .unwrap_or_else(|| unique_id(&scope));
        let ttl = Some(Value::from(
            i64::try_from(props.results_cache_ttl.as_secs()).unwrap_or(i64::MAX),
        ));
        let (kind, identity_source, function, regex, providers) = match &props.kind {
            AuthorizerKind::CognitoUserPools { user_pool_arns } => (
                "COGNITO_USER_POOLS",
                Some("method.request.header.Authorization".to_string()),
                None,
                None,
                Some(Value::Lit(user_pool_arns.clone())),
            ),
            AuthorizerKind::Token {
                function_arn,
                identity_source,
                validation_regex,
            } => (
                "TOKEN",
                Some(identity_source.clone()),
                Some(function_arn.clone()),
                validation_regex.clone(),
                None,
            ),
            AuthorizerKind::Request {
                function_arn,
                identity_sources,
            } => (
                "REQUEST",
                (!identity_sources.is_empty()).then(|| identity_sources.join(",")),
                Some(function_arn.clone()),
                None,
                None,
            ),
        };
        let l1 = cfn::Authorizer {
            authorizer_result_ttl_in_seconds: ttl,
            authorizer_uri: function.as_ref().map(lambda_invocation_uri),
            identity_source: identity_source.map(Value::from),
            identity_validation_expression: regex.map(Value::from),
            provider_ar_ns: providers,
            ..cfn::Authorizer::new(name, api.rest_api_id(), kind)
        };
        let resource = scope.resource("Resource", l1.clone());
        api.record(&l1, *resource);
        let authorizer = Authorizer {
            scope,
            resource,
            api_scope: api.scope().clone(),
            cognito: kind == "COGNITO_USER_POOLS",
        };
        if let Some(function) = function {
            authorizer.scope.resource(
                "Permissions",
                lambda::Permission {
                    source_arn: Some(authorizer.authorizer_arn(api)),
                    ..lambda::Permission::new(
                        "lambda:InvokeFunction",
                        function,
                        "apigateway.amazonaws.com",
                    )
                },
            );
        }
        authorizer
    }

    /// The authorizer's ID (`Ref`).
    pub fn authorizer_id(&self) -> Value<String> {
        self.resource.ref_()
    }

    /// `arn:…:execute-api:<region>:<account>:<api>/authorizers/<id>`.
    pub fn authorizer_arn(&self, api: &RestApi) -> Value<String> {
        execute_api_arn(
            api.rest_api_id(),
            "authorizers/${Authorizer}",
            vec![("Authorizer", self.authorizer_id())],
        )
    }

    /// Whether this is a Cognito user pools authorizer.
    pub fn is_cognito(&self) -> bool {
        self.cognito
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::AuthorizerRef {
        &self.resource
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

fn identity_source_ok(s: &str) -> bool {
    [
        "method.request.header.",
        "method.request.querystring.",
        "method.request.multivalueheader.",
        "method.request.multivaluequerystring.",
        "stageVariables.",
        "context.",
    ]
    .iter()
    .any(|p| s.strip_prefix(p).is_some_and(|n| !n.is_empty()))
}

fn problems(props: &AuthorizerProps) -> Vec<String> {
    let mut out = Vec::new();
    let ttl = props.results_cache_ttl;
    if ttl > Duration::from_secs(3600) || ttl.subsec_nanos() != 0 {
        out.push(format!(
            "a results cache TTL of {ttl:?} is out of range; use whole seconds up to 3600 (0 turns caching off)"
        ));
    }
    if let Some(name) = &props.authorizer_name {
        if name.is_empty() || name.len() > 128 {
            out.push(format!(
                "the authorizer name {name:?} must be 1 to 128 characters"
            ));
        }
    }
    let function_problem = |arn: &Value<String>| match arn.as_literal() {
        Some(a) if !a.starts_with("arn:") || !a.contains(":lambda:") => {
            Some(format!("{a:?} is not a Lambda function ARN"))
        }
        _ => None,
    };
    match &props.kind {
        AuthorizerKind::CognitoUserPools { user_pool_arns } => {
            if user_pool_arns.is_empty() {
                out.push("a Cognito authorizer needs at least one user pool ARN".into());
            }
            for arn in user_pool_arns.iter().filter_map(Value::as_literal) {
                if !arn.starts_with("arn:") || !arn.contains(":cognito-idp:") {
                    out.push(format!("{arn:?} is not a Cognito user pool ARN"));
                }
            }
        }
        AuthorizerKind::Token {
            function_arn,
            identity_source,
            ..
        } => {
            out.extend(function_problem(function_arn));
            if identity_source
                .strip_prefix("method.request.header.")
                .is_none_or(str::is_empty)
            {
                out.push(format!(
                    "a token authorizer reads one header; {identity_source:?} should be method.request.header.<name>"
                ));
            }
        }
        AuthorizerKind::Request {
            function_arn,
            identity_sources,
        } => {
            out.extend(function_problem(function_arn));
            if identity_sources.is_empty() && !ttl.is_zero() {
                out.push("a cached request authorizer needs at least one identity source, which forms the cache key; add one or set results_cache_ttl to zero".into());
            }
            for s in identity_sources.iter().filter(|s| !identity_source_ok(s)) {
                out.push(format!(
                    "{s:?} is not an identity source; use method.request.header.<name>, method.request.querystring.<name>, stageVariables.<name> or context.<name>"
                ));
            }
        }
    }
    out
}
