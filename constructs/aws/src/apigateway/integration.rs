//! Method integrations: Lambda proxy, HTTP proxy (over the internet or to
//! a private load balancer through a VPC link) and mock, with timeouts and
//! parameter mappings.

use std::time::Duration;

use strata_cfn::api_gateway::method as m;
use strata_cfn::api_gateway_v2 as v2;
use strata_core::{Scope, Value};

use super::{lambda_invocation_uri, timeout_problem, unique_id, HTTP_METHODS};

#[derive(Clone, Debug, PartialEq)]
enum Backend {
    LambdaProxy(Value<String>),
    HttpProxy {
        http_method: String,
        url: Value<String>,
    },
    Mock(u16),
}

#[derive(Clone, Debug, PartialEq)]
enum Connection {
    Internet,
    VpcLink {
        link_id: Value<String>,
        target_arn: Option<Value<String>>,
    },
}

/// What a method calls.
///
/// ```
/// use std::time::Duration;
/// use strata::apigateway::Integration;
/// let lambda = Integration::lambda_proxy("arn:aws:lambda:us-east-1:123456789012:function:agent")
///     .timeout(Duration::from_secs(29));
/// let http = Integration::http_proxy("POST", "https://backend.example.com/process");
/// # let _ = (lambda, http);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Integration {
    backend: Backend,
    connection: Connection,
    timeout: Option<Duration>,
    request_parameters: Vec<(String, String)>,
    cache_key_parameters: Vec<String>,
    allow_test_invoke: bool,
}

impl Integration {
    fn of(backend: Backend) -> Integration {
        Integration {
            backend,
            connection: Connection::Internet,
            timeout: None,
            request_parameters: Vec::new(),
            cache_key_parameters: Vec::new(),
            allow_test_invoke: true,
        }
    }

    /// A Lambda proxy integration (`AWS_PROXY`): the function gets the
    /// whole request. The method adds the `AWS::Lambda::Permission` that
    /// lets API Gateway invoke it from the method's ARN (and from the
    /// console's test invoke, unless [`Integration::without_test_invoke`]).
    pub fn lambda_proxy(function_arn: impl Into<Value<String>>) -> Integration {
        Integration::of(Backend::LambdaProxy(function_arn.into()))
    }

    /// An HTTP proxy integration (`HTTP_PROXY`) calling `url` with `http_method`.
    pub fn http_proxy(http_method: &str, url: impl Into<Value<String>>) -> Integration {
        Integration::of(Backend::HttpProxy {
            http_method: http_method.to_uppercase(),
            url: url.into(),
        })
    }

    /// An HTTP proxy integration to a private Application or Network Load
    /// Balancer through a VPC link: `url` gives the host and path API
    /// Gateway requests (and the TLS name it checks), `load_balancer_arn`
    /// the balancer the link forwards to.
    pub fn load_balancer(
        link: &VpcLink,
        load_balancer_arn: impl Into<Value<String>>,
        http_method: &str,
        url: impl Into<Value<String>>,
    ) -> Integration {
        Integration {
            connection: Connection::VpcLink {
                link_id: link.vpc_link_id(),
                target_arn: Some(load_balancer_arn.into()),
            },
            ..Integration::http_proxy(http_method, url)
        }
    }

    /// A mock integration answering with `status_code` and an empty body,
    /// such as for a health check.
    pub fn mock(status_code: u16) -> Integration {
        Integration::of(Backend::Mock(status_code))
    }

    /// Routes an HTTP integration through an existing VPC link (such as a
    /// link to a Network Load Balancer) by ID.
    pub fn through_vpc_link_id(mut self, link_id: impl Into<Value<String>>) -> Integration {
        self.connection = Connection::VpcLink {
            link_id: link_id.into(),
            target_arn: None,
        };
        self
    }

    /// The integration timeout, 50 ms to 29 s (API Gateway's default is 29 s).
    pub fn timeout(mut self, timeout: Duration) -> Integration {
        self.timeout = Some(timeout);
        self
    }

    /// Maps a request parameter, such as
    /// `("integration.request.path.id", "method.request.path.agentId")`.
    pub fn request_parameter(mut self, integration: &str, source: &str) -> Integration {
        self.request_parameters
            .push((integration.to_string(), source.to_string()));
        self
    }

    /// Adds a method request parameter to the cache key.
    pub fn cache_key_parameter(mut self, parameter: &str) -> Integration {
        self.cache_key_parameters.push(parameter.to_string());
        self
    }

    /// No permission for the console's test invoke (Lambda proxy only).
    pub fn without_test_invoke(mut self) -> Integration {
        self.allow_test_invoke = false;
        self
    }

    pub(crate) fn function_arn(&self) -> Option<&Value<String>> {
        match &self.backend {
            Backend::LambdaProxy(arn) => Some(arn),
            _ => None,
        }
    }

    pub(crate) fn allows_test_invoke(&self) -> bool {
        self.allow_test_invoke
    }

    pub(crate) fn mock_status(&self) -> Option<u16> {
        match self.backend {
            Backend::Mock(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(p) = self.timeout.and_then(timeout_problem) {
            out.push(p);
        }
        match &self.backend {
            Backend::LambdaProxy(Value::Lit(arn))
                if !arn.starts_with("arn:") || !arn.contains(":lambda:") =>
            {
                out.push(format!("{arn:?} is not a Lambda function ARN"));
            }
            Backend::HttpProxy { http_method, url } => {
                if !HTTP_METHODS.contains(&http_method.as_str()) {
                    out.push(format!(
                        "{http_method:?} is not an HTTP method; use one of {}",
                        HTTP_METHODS.join(", ")
                    ));
                }
                if let Value::Lit(u) = url {
                    if !u.starts_with("https://") && !u.starts_with("http://") {
                        out.push(format!(
                            "the integration URL {u:?} must start with https:// or http://"
                        ));
                    }
                }
            }
            Backend::Mock(s) if !(100..=599).contains(s) => {
                out.push(format!("{s} is not an HTTP status code"));
            }
            _ => {}
        }
        let http = matches!(self.backend, Backend::HttpProxy { .. });
        if !http && self.connection != Connection::Internet {
            out.push("only HTTP integrations go through a VPC link".into());
        }
        for (to, from) in &self.request_parameters {
            let to_ok = ["path", "querystring", "header"]
                .iter()
                .any(|k| parameter_named(to, &format!("integration.request.{k}.")));
            let from_ok = from.starts_with("method.request.")
                || from.starts_with("context.")
                || from.starts_with("stageVariables.")
                || (from.len() >= 2 && from.starts_with('\'') && from.ends_with('\''));
            if !to_ok || !from_ok {
                out.push(format!(
                    "the mapping {to:?} ← {from:?} is invalid: map integration.request.(path|querystring|header).<name> from method.request.…, context.…, stageVariables.… or a 'quoted' value"
                ));
            }
        }
        out
    }

    pub(crate) fn render(&self) -> m::Integration {
        let (kind, method, uri) = match &self.backend {
            Backend::LambdaProxy(arn) => (
                "AWS_PROXY",
                Some("POST".to_string()),
                Some(lambda_invocation_uri(arn)),
            ),
            Backend::HttpProxy { http_method, url } => {
                ("HTTP_PROXY", Some(http_method.clone()), Some(url.clone()))
            }
            Backend::Mock(_) => ("MOCK", None, None),
        };
        let (connection_type, connection_id, target) = match &self.connection {
            Connection::Internet => (None, None, None),
            Connection::VpcLink {
                link_id,
                target_arn,
            } => (
                Some("VPC_LINK".into()),
                Some(link_id.clone()),
                target_arn.clone(),
            ),
        };
        let mock = self.mock_status();
        m::Integration {
            integration_http_method: method.map(Value::from),
            uri,
            connection_type,
            connection_id,
            integration_target: target,
            timeout_in_millis: self
                .timeout
                .map(|t| Value::from(i64::try_from(t.as_millis()).unwrap_or(i64::MAX))),
            request_parameters: (!self.request_parameters.is_empty()).then(|| {
                Value::Lit(
                    self.request_parameters
                        .iter()
                        .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                        .collect(),
                )
            }),
            cache_key_parameters: (!self.cache_key_parameters.is_empty())
                .then(|| Value::list(self.cache_key_parameters.iter().map(String::as_str))),
            request_templates: mock.map(|s| {
                Value::Lit(
                    [(
                        "application/json".to_string(),
                        Value::from(format!("{{\"statusCode\": {s}}}")),
                    )]
                    .into_iter()
                    .collect(),
                )
            }),
            integration_responses: mock
                .map(|s| Value::Lit(vec![m::IntegrationResponse::new(s.to_string()).into()])),
            ..m::Integration::new(kind)
        }
    }
}

fn parameter_named(text: &str, prefix: &str) -> bool {
    text.strip_prefix(prefix).is_some_and(|n| !n.is_empty())
}

/// Settings of a [`VpcLink`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VpcLinkProps {
    /// The link's name; the construct's unique ID when unset.
    pub vpc_link_name: Option<String>,
    /// Subnets the link's network interfaces are placed in (the load
    /// balancer's private subnets).
    pub subnet_ids: Vec<Value<String>>,
    /// Security groups of the link's interfaces; the load balancer's group
    /// must allow them in.
    pub security_group_ids: Vec<Value<String>>,
}

/// A VPC link (`AWS::ApiGatewayV2::VpcLink` at `<id>/Resource`) through
/// which REST API methods reach a private load balancer.
///
/// ```
/// use strata::prelude::*;
/// use strata::apigateway::{VpcLink, VpcLinkProps};
/// let app = App::new();
/// let stack = app.stack("Edge", StackProps::default());
/// let link = VpcLink::new(&stack, "AlbLink", VpcLinkProps {
///     subnet_ids: vec!["subnet-a".into(), "subnet-b".into()],
///     security_group_ids: vec!["sg-link".into()],
///     ..Default::default()
/// });
/// let t = &app.synth().expect("valid").stacks[0].template;
/// assert_eq!(t["Resources"][strata::logical_id(&["AlbLink", "Resource"]).as_str()]["Type"], "AWS::ApiGatewayV2::VpcLink");
/// # let _ = link;
/// ```
#[derive(Clone, Debug)]
pub struct VpcLink {
    scope: Scope,
    link: v2::VpcLinkRef,
}

impl VpcLink {
    /// Adds the link under `scope`.
    pub fn new(scope: &Scope, id: &str, props: VpcLinkProps) -> VpcLink {
        let scope = scope.child(id);
        if props.subnet_ids.is_empty() {
            scope.error(
                "vpc-link",
                "a VPC link needs at least one subnet; give the load balancer's private subnets",
            );
        }
        if props.security_group_ids.len() > 5 {
            scope.error("vpc-link", "a VPC link takes at most 5 security groups");
        }
        let name = props.vpc_link_name.unwrap_or_else(|| unique_id(&scope));
        if name.is_empty() || name.len() > 128 {
            scope.error(
                "vpc-link",
                format!("the VPC link name {name:?} must be 1 to 128 characters"),
            );
        }
        let link = scope.resource(
            "Resource",
            v2::VpcLink {
                security_group_ids: (!props.security_group_ids.is_empty())
                    .then(|| Value::Lit(props.security_group_ids.clone())),
                ..v2::VpcLink::new(name, Value::Lit(props.subnet_ids.clone()))
            },
        );
        VpcLink { scope, link }
    }

    /// The link's ID (`Ref`).
    pub fn vpc_link_id(&self) -> Value<String> {
        self.link.ref_()
    }

    /// The L1 handle.
    pub fn resource(&self) -> &v2::VpcLinkRef {
        &self.link
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}
