//! WebSocket APIs (API Gateway v2): a route selection expression,
//! `$connect`, `$disconnect`, `$default` and custom routes to Lambda
//! proxy integrations with their invoke permissions, and an auto-deployed
//! stage.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use strata_cfn::api_gateway_v2 as v2;
use strata_cfn::lambda;
use strata_core::{Aspect, Fn, Scope, Value};

use super::stage::Throttle;
use super::{execute_api_arn, lambda_invocation_uri, timeout_problem};
use crate::iam::{sub, Grant, Grantable};

/// Who may open a connection (the `$connect` route's authorization).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WebSocketAuthorization {
    /// Anyone.
    #[default]
    None,
    /// Callers signing the upgrade request with SigV4.
    Iam,
}

/// Settings of a [`WebSocketApi`].
#[derive(Clone, Debug, PartialEq)]
pub struct WebSocketApiProps {
    /// The API's name; the construct id when unset.
    pub api_name: Option<String>,
    /// The API's description.
    pub description: Option<String>,
    /// Where the route key is read from in each message (default
    /// `$request.body.action`).
    pub route_selection_expression: String,
    /// The stage, deployed automatically on every change (default `prod`).
    pub stage_name: String,
    /// Default throttling of every route.
    pub throttling: Option<Throttle>,
    /// Authorization of `$connect`.
    pub connect_authorization: WebSocketAuthorization,
}

impl Default for WebSocketApiProps {
    fn default() -> Self {
        WebSocketApiProps {
            api_name: None,
            description: None,
            route_selection_expression: "$request.body.action".into(),
            stage_name: "prod".into(),
            throttling: None,
            connect_authorization: WebSocketAuthorization::None,
        }
    }
}

/// A Lambda proxy integration of a WebSocket route.
#[derive(Clone, Debug, PartialEq)]
pub struct WebSocketIntegration {
    id: String,
    function_arn: Value<String>,
    timeout: Option<Duration>,
}

impl WebSocketIntegration {
    /// The function at `function_arn` handles the route; `id` names the
    /// integration's construct, such as `ConnectIntegration`.
    pub fn lambda(id: &str, function_arn: impl Into<Value<String>>) -> Self {
        WebSocketIntegration {
            id: id.to_string(),
            function_arn: function_arn.into(),
            timeout: None,
        }
    }

    /// The integration timeout, 50 ms to 29 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

/// A route (`AWS::ApiGatewayV2::Route` at `<api>/<key>-Route/Resource`)
/// with its integration at `<api>/<key>-Route/<integration id>/Resource`.
#[derive(Clone, Debug)]
pub struct WebSocketRoute {
    scope: Scope,
    route: v2::RouteRef,
    integration: v2::IntegrationRef,
}

impl WebSocketRoute {
    /// The route's ID.
    pub fn route_id(&self) -> Value<String> {
        self.route.ref_()
    }

    /// The integration's ID.
    pub fn integration_id(&self) -> Value<String> {
        self.integration.ref_()
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// A WebSocket API (`AWS::ApiGatewayV2::Api` at `<id>/Resource`) with an
/// auto-deployed stage at `<id>/Stage/Resource`.
///
/// ```
/// use strata::prelude::*;
/// use strata::apigateway::{WebSocketApi, WebSocketApiProps, WebSocketIntegration};
///
/// let app = App::new();
/// let stack = app.stack("Realtime", StackProps::default());
/// let api = WebSocketApi::new(&stack, "RealtimeApi", WebSocketApiProps::default());
/// let handler = "arn:aws:lambda:us-east-1:123456789012:function:subscribe";
/// api.add_route("subscribe", WebSocketIntegration::lambda("SubscribeIntegration", handler));
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let route = &t["Resources"][strata::logical_id(&["RealtimeApi", "subscribe-Route", "Resource"]).as_str()];
/// assert_eq!(route["Properties"]["RouteKey"], "subscribe");
/// ```
#[derive(Clone, Debug)]
pub struct WebSocketApi {
    scope: Scope,
    api: v2::ApiRef,
    stage: v2::StageRef,
    stage_name: String,
    routes: Rc<RefCell<Vec<String>>>,
    connect_authorization: WebSocketAuthorization,
}

struct RoutesCheck {
    path: String,
    routes: Rc<RefCell<Vec<String>>>,
}

impl Aspect for RoutesCheck {
    fn visit(&self, node: &Scope) {
        if node.path() == self.path && self.routes.borrow().is_empty() {
            node.error(
                "websocket-api",
                "the WebSocket API has no routes, and API Gateway cannot deploy it; add one with add_route",
            );
        }
    }
}

impl WebSocketApi {
    /// Adds the API and its stage under `scope`.
    pub fn new(scope: &Scope, id: &str, props: WebSocketApiProps) -> WebSocketApi {
        let scope = scope.child(id);
        for p in problems(&props) {
            scope.error("websocket-api", p);
        }
        let api = scope.resource(
            "Resource",
            v2::Api {
                name: Some(
                    props
                        .api_name
                        .clone()
                        .unwrap_or_else(|| id.to_string())
                        .into(),
                ),
                description: props.description.clone().map(Value::from),
                protocol_type: Some("WEBSOCKET".into()),
                route_selection_expression: Some(props.route_selection_expression.as_str().into()),
                ..Default::default()
            },
        );
        let stage = scope.child("Stage").resource(
            "Resource",
            v2::Stage {
                auto_deploy: Some(true.into()),
                default_route_settings: props.throttling.map(|t| {
                    v2::stage::RouteSettings {
                        throttling_burst_limit: Some(i64::from(t.burst_limit).into()),
                        throttling_rate_limit: Some(t.rate_limit.into()),
                        ..Default::default()
                    }
                    .into()
                }),
                ..v2::Stage::new(api.ref_(), props.stage_name.as_str())
            },
        );
        let routes = Rc::new(RefCell::new(Vec::new()));
        scope.add_aspect(RoutesCheck {
            path: scope.path(),
            routes: routes.clone(),
        });
        WebSocketApi {
            scope,
            api,
            stage,
            stage_name: props.stage_name,
            routes,
            connect_authorization: props.connect_authorization,
        }
    }

    /// Routes messages whose route key is `route_key` (`$connect`,
    /// `$disconnect`, `$default` or a custom key such as `subscribe`) to
    /// `integration`, and lets API Gateway invoke its function.
    pub fn add_route(&self, route_key: &str, integration: WebSocketIntegration) -> WebSocketRoute {
        let scope = self.scope.child(&format!("{route_key}-Route"));
        let special = ["$connect", "$disconnect", "$default"];
        let ok_key = special.contains(&route_key)
            || (!route_key.is_empty() && route_key.len() <= 128 && !route_key.starts_with('$'));
        if !ok_key {
            scope.error(
                "websocket-route",
                format!("{route_key:?} is not a route key; use $connect, $disconnect, $default or a custom key of up to 128 characters not starting with '$'"),
            );
        }
        if self.routes.borrow().iter().any(|r| r == route_key) {
            scope.error(
                "websocket-route",
                format!("the route {route_key} is defined twice"),
            );
        }
        self.routes.borrow_mut().push(route_key.to_string());
        if let Some(p) = integration.timeout.and_then(timeout_problem) {
            scope.error("websocket-route", p);
        }
        if let Value::Lit(arn) = &integration.function_arn {
            if !arn.starts_with("arn:") || !arn.contains(":lambda:") {
                scope.error(
                    "websocket-route",
                    format!("{arn:?} is not a Lambda function ARN"),
                );
            }
        }
        let target = scope.child(&integration.id).resource(
            "Resource",
            v2::Integration {
                integration_uri: Some(lambda_invocation_uri(&integration.function_arn)),
                timeout_in_millis: integration
                    .timeout
                    .map(|t| Value::from(i64::try_from(t.as_millis()).unwrap_or(i64::MAX))),
                ..v2::Integration::new(self.api_id(), "AWS_PROXY")
            },
        );
        scope.resource(
            &format!("{}-Permission", integration.id),
            lambda::Permission {
                source_arn: Some(execute_api_arn(
                    self.api_id(),
                    "*/${Route}",
                    vec![("Route", route_key.into())],
                )),
                ..lambda::Permission::new(
                    "lambda:InvokeFunction",
                    integration.function_arn.clone(),
                    "apigateway.amazonaws.com",
                )
            },
        );
        let auth = match (route_key, self.connect_authorization) {
            ("$connect", WebSocketAuthorization::Iam) => "AWS_IAM",
            _ => "NONE",
        };
        let route = scope.resource(
            "Resource",
            v2::Route {
                authorization_type: Some(auth.into()),
                target: Some(sub(
                    "integrations/${Integration}",
                    vec![("Integration", target.ref_())],
                )),
                ..v2::Route::new(self.api_id(), route_key)
            },
        );
        WebSocketRoute {
            scope,
            route,
            integration: target,
        }
    }

    /// The API's ID (`Ref`).
    pub fn api_id(&self) -> Value<String> {
        self.api.ref_()
    }

    /// The stage's name.
    pub fn stage_name(&self) -> &str {
        &self.stage_name
    }

    /// The URL clients connect to, `wss://<id>.execute-api.<region>.<suffix>/<stage>`.
    pub fn url(&self) -> Value<String> {
        self.stage_url("wss")
    }

    /// The URL backends post to connections through (`@connections`),
    /// `https://<id>.execute-api.<region>.<suffix>/<stage>`.
    pub fn callback_url(&self) -> Value<String> {
        self.stage_url("https")
    }

    fn stage_url(&self, scheme: &str) -> Value<String> {
        sub(
            &format!("{scheme}://${{Api}}.execute-api.${{Region}}.${{Suffix}}/${{Stage}}"),
            vec![
                ("Api", self.api_id()),
                ("Region", Fn::region()),
                ("Suffix", Fn::url_suffix()),
                ("Stage", self.stage.ref_()),
            ],
        )
    }

    /// Lets `grantee` send messages to and close connections
    /// (`execute-api:ManageConnections` on the stage's `@connections`).
    pub fn grant_manage_connections(&self, grantee: &dyn Grantable) -> Grant {
        let arn = execute_api_arn(
            self.api_id(),
            "${Stage}/POST/@connections/*",
            vec![("Stage", self.stage_name.as_str().into())],
        );
        Grant::to_principal(grantee, &["execute-api:ManageConnections"], vec![arn])
    }

    /// The L1 handle of the API.
    pub fn resource(&self) -> &v2::ApiRef {
        &self.api
    }

    /// The L1 handle of the stage.
    pub fn stage(&self) -> &v2::StageRef {
        &self.stage
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

fn problems(props: &WebSocketApiProps) -> Vec<String> {
    let mut out = Vec::new();
    let e = &props.route_selection_expression;
    let ok = e
        .strip_prefix("$request.body.")
        .or_else(|| {
            e.strip_prefix("${request.body.")
                .and_then(|r| r.strip_suffix('}'))
        })
        .is_some_and(|p| !p.is_empty());
    if !ok {
        out.push(format!(
            "{e:?} is not a route selection expression; use $request.body.<field>, such as $request.body.action"
        ));
    }
    let name = &props.stage_name;
    if name.is_empty()
        || name.len() > 128
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        out.push(format!(
            "the stage name {name:?} must be 1 to 128 letters, digits, '-' or '_'"
        ));
    }
    if let Some(t) = props.throttling {
        if !t.rate_limit.is_finite() || t.rate_limit < 0.0 {
            out.push(format!(
                "a rate limit of {} requests per second is invalid; use a number of 0 or more",
                t.rate_limit
            ));
        }
    }
    out
}
