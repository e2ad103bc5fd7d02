//! API Gateway: REST APIs built from a path tree (resources, methods,
//! integrations, authorizers, models and request validators, a deployment
//! whose logical ID follows the API's definition, and a stage with
//! throttling, caching, access logs and tracing), and WebSocket APIs with
//! Lambda routes and an auto-deployed stage.
//!
//! ```
//! use strata::prelude::*;
//! use strata::apigateway::{Authorization, Integration, MethodOptions, RestApi, RestApiProps};
//!
//! let app = App::new();
//! let stack = app.stack("Api", StackProps::default());
//! let api = RestApi::new(&stack, "AgentApi", RestApiProps {
//!     default_authorization: Authorization::Iam,
//!     ..Default::default()
//! });
//! let agents = api.root().resource_for_path("/v1/agents/{agentId}");
//! agents.add_method(
//!     "GET",
//!     Integration::http_proxy("GET", "https://backend.example.com/agents/{agentId}"),
//!     MethodOptions::default(),
//! );
//! let t = &app.synth().expect("valid").stacks[0].template;
//! let resources = t["Resources"].as_object().expect("resources");
//! let types: Vec<&str> = resources.values().filter_map(|r| r["Type"].as_str()).collect();
//! assert_eq!(types.iter().filter(|t| **t == "AWS::ApiGateway::Resource").count(), 3);
//! assert!(types.contains(&"AWS::ApiGateway::Deployment"));
//! ```

mod authorizer;
mod integration;
mod method;
mod model;
mod rest_api;
mod schema;
mod stage;
mod websocket;

pub use authorizer::{Authorizer, AuthorizerKind, AuthorizerProps};
pub use integration::{Integration, VpcLink, VpcLinkProps};
pub use method::{Authorization, Method, MethodOptions, MethodResponse};
pub use model::{Model, ModelProps, RequestValidator, RequestValidatorProps};
pub use rest_api::{ApiResource, EndpointType, RestApi, RestApiProps};
pub use schema::schema_problems;
pub use stage::{
    AccessLog, AccessLogFormat, Caching, LoggingLevel, MethodThrottle, StageOptions, Throttle,
    CACHE_CLUSTER_SIZES,
};
pub use websocket::{
    WebSocketApi, WebSocketApiProps, WebSocketAuthorization, WebSocketIntegration, WebSocketRoute,
};

use md5::{Digest, Md5};
use strata_core::{Fn, Handle, Raw, Scope, Target, Value};

use crate::iam::sub;

/// The HTTP methods a REST API method can have.
pub const HTTP_METHODS: [&str; 8] = [
    "ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT",
];

/// `arn:…:apigateway:<region>:lambda:path/2015-03-31/functions/<arn>/invocations`,
/// the URI API Gateway invokes a Lambda function through.
pub(crate) fn lambda_invocation_uri(function_arn: &Value<String>) -> Value<String> {
    sub(
        "arn:${Partition}:apigateway:${Region}:lambda:path/2015-03-31/functions/${Function}/invocations",
        vec![
            ("Partition", Fn::partition()),
            ("Region", Fn::region()),
            ("Function", function_arn.clone()),
        ],
    )
}

/// `arn:…:execute-api:<region>:<account>:<api id>/<rest>`, where `rest`
/// is a template over `vars`.
pub(crate) fn execute_api_arn(
    api_id: Value<String>,
    rest: &str,
    vars: Vec<(&str, Value<String>)>,
) -> Value<String> {
    let mut all = vec![
        ("Partition", Fn::partition()),
        ("Region", Fn::region()),
        ("Account", Fn::account_id()),
        ("Api", api_id),
    ];
    all.extend(vars);
    sub(
        &format!("arn:${{Partition}}:execute-api:${{Region}}:${{Account}}:${{Api}}/{rest}"),
        all,
    )
}

/// The CDK's `Names.uniqueId`: the logical-ID algorithm over the whole
/// path, stack included, so it is unique in the app.
pub(crate) fn unique_id(scope: &Scope) -> String {
    let path = scope.path();
    let parts: Vec<&str> = path.split('/').collect();
    strata_core::logical_id(&parts)
}

/// A stable text form of an unresolved tree, with references written as
/// construct paths, for hashing an API's definition.
pub(crate) fn fingerprint(raw: &Raw, scope: &Scope) -> String {
    let mut out = String::new();
    write_raw(raw, scope, &mut out);
    out
}

fn target_name(target: &Target, scope: &Scope) -> String {
    match target {
        Target::Name(n) => n.clone(),
        Target::Node(node) => scope
            .of(&Handle::new(*node))
            .map(|s| s.path())
            .unwrap_or_default(),
    }
}

fn write_raw(raw: &Raw, scope: &Scope, out: &mut String) {
    match raw {
        Raw::Null => out.push_str("null"),
        Raw::Bool(b) => out.push_str(&b.to_string()),
        Raw::Int(i) => out.push_str(&i.to_string()),
        Raw::Float(f) => out.push_str(&f.to_string()),
        Raw::Str(s) => out.push_str(&serde_json::Value::from(s.as_str()).to_string()),
        Raw::Json(j) => out.push_str(&j.to_string()),
        Raw::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_raw(item, scope, out);
            }
            out.push(']');
        }
        Raw::Object(fields) => {
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::from(k.as_str()).to_string());
                out.push(':');
                write_raw(v, scope, out);
            }
            out.push('}');
        }
        Raw::Ref(t) => out.push_str(&format!("{{\"Ref\":{:?}}}", target_name(t, scope))),
        Raw::GetAtt(g) => out.push_str(&format!(
            "{{\"Fn::GetAtt\":[{:?},{:?}]}}",
            target_name(&g.0, scope),
            g.1
        )),
        Raw::Name(t) => out.push_str(&format!("{:?}", target_name(t, scope))),
    }
}

/// The lowercase hex MD5 of the parts, each fed in turn.
pub(crate) fn md5_hex<S: AsRef<str>>(parts: &[S]) -> String {
    let mut md5 = Md5::new();
    for p in parts {
        md5.update(p.as_ref().as_bytes());
    }
    md5.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks an integration or route timeout against API Gateway's range.
pub(crate) fn timeout_problem(timeout: std::time::Duration) -> Option<String> {
    let ms = timeout.as_millis();
    (!(50..=29_000).contains(&ms) || !timeout.subsec_nanos().is_multiple_of(1_000_000)).then(|| {
        format!(
            "an integration timeout of {ms} ms is out of range; use whole milliseconds from 50 to 29000"
        )
    })
}
