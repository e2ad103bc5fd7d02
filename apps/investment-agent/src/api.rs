//! The API stack (seed "API Layer", `api-stack.ts`): the regional REST API
//! in front of the API function, with its Cognito user pool (`auth.rs`),
//! its web ACL (`firewall.rs`), and its custom domain and the health check
//! that drives failover (`failover.rs`).
//!
//! Seed "REST API Configuration": regional endpoint, throttling at 10,000
//! requests per second with bursts of 5,000, response caching with a
//! 300-second TTL, full request/response logging. Responses are cached
//! only for reads: writes get a method setting that turns caching off,
//! and reads of a user's own data are cached per `Authorization` header
//! so one user never sees another's cached response. Full request and
//! response bodies go to the execution log where the environment allows
//! it: production keeps them out, as the seed's GDPR measures require of
//! personal financial data, and logs every request in the access log.
//!
//! API Gateway ends an integration after 29 seconds, so the API
//! function's 30-second timeout is never reached through the API.

use std::time::Duration;

use strata::apigateway::{
    AccessLog, AccessLogFormat, Authorization, Authorizer, AuthorizerProps, Caching, EndpointType,
    Integration, LoggingLevel, MethodOptions, ModelProps, RequestValidatorProps, RestApi,
    RestApiProps, StageOptions, Throttle,
};
use strata::cfn::api_gateway::stage as st;
use strata::logs::{LogGroup, LogGroupProps, Retention};
use strata::prelude::*;
use strata::wafv2::WebAcl;

use crate::auth::{self, Auth};
use crate::compute::Compute;
use crate::config::{Config, MonitoringLevel};
use crate::{failover, firewall};

/// Seed "Throttling: 10,000 requests/second".
pub const RATE_LIMIT: f64 = 10_000.0;
/// Seed "Burst: 5,000 requests".
pub const BURST_LIMIT: u32 = 5_000;
/// Seed "Caching: Enabled (TTL: 300 seconds)".
pub const CACHE_TTL: Duration = Duration::from_secs(300);
/// The longest integration API Gateway allows.
pub const INTEGRATION_TIMEOUT: Duration = Duration::from_secs(29);
/// The unauthenticated path the health check calls.
pub const HEALTH_PATH: &str = "/health";

/// How a route's responses are cached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cache {
    /// Not cached (writes, and the health check).
    Off,
    /// Cached per caller (the `Authorization` header) and these parameters.
    PerUser(&'static [&'static str]),
    /// Cached for everyone by these parameters (public market data).
    Shared(&'static [&'static str]),
}

/// One route of the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Route {
    /// The resource path.
    pub path: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// How responses are cached.
    pub cache: Cache,
    /// The request body model, for body validation.
    pub body: Option<&'static str>,
}

const fn route(path: &'static str, method: &'static str, cache: Cache) -> Route {
    Route {
        path,
        method,
        cache,
        body: None,
    }
}

/// The agent's API: investment ideas, the user's profile, market data,
/// document uploads and research requests, all answered by the API
/// function; `/health` is open for the failover health check.
pub const ROUTES: [Route; 11] = [
    route(HEALTH_PATH, "GET", Cache::Off),
    route(
        "/ideas",
        "GET",
        Cache::PerUser(&["method.request.querystring.status"]),
    ),
    Route {
        body: Some("InvestmentIdea"),
        ..route("/ideas", "POST", Cache::Off)
    },
    route(
        "/ideas/{id}",
        "GET",
        Cache::PerUser(&["method.request.path.id"]),
    ),
    route("/ideas/{id}", "PUT", Cache::Off),
    route("/ideas/{id}", "DELETE", Cache::Off),
    route("/profile", "GET", Cache::PerUser(&[])),
    route("/profile", "PUT", Cache::Off),
    route(
        "/market-data/{symbol}",
        "GET",
        Cache::Shared(&["method.request.path.symbol"]),
    ),
    route("/documents", "POST", Cache::Off),
    Route {
        body: Some("ResearchRequest"),
        ..route("/research", "POST", Cache::Off)
    },
];

/// What the monitoring stack uses from the API stack.
#[derive(Clone)]
pub struct Api {
    /// The REST API.
    pub rest_api: RestApi,
    /// The user pool and client.
    pub auth: Auth,
    /// The web ACL.
    pub firewall: WebAcl,
    /// The access log group.
    pub access_logs: LogGroup,
    /// The Route 53 health check of `/health`, with a recovery region.
    pub health_check: Option<strata::cfn::route53::HealthCheckRef>,
}

/// Builds the API stack.
pub fn build(stack: &Scope, config: &Config, compute: &Compute) -> Api {
    let auth = auth::build(stack, config);
    let access_logs = LogGroup::new(
        stack,
        "AccessLogs",
        LogGroupProps {
            log_group_name: Some(format!("/aws/apigateway/{}-api/access", config.prefix())),
            retention: Retention::Days(config.monitoring.log_retention_days),
            ..Default::default()
        },
    );
    let enhanced = config.monitoring.level >= MonitoringLevel::Enhanced;
    let stage = StageOptions {
        stage_name: config.stage.as_str().into(),
        throttling: Some(Throttle {
            burst_limit: BURST_LIMIT,
            rate_limit: RATE_LIMIT,
        }),
        caching: Some(Caching {
            cluster_size: config.api.cache_cluster_size.clone(),
            ttl: CACHE_TTL,
            encrypted: true,
        }),
        access_log: Some(AccessLog::to_log_group(
            &access_logs,
            AccessLogFormat::JsonWithStandardFields,
        )),
        tracing: enhanced,
        metrics: enhanced,
        logging_level: Some(LoggingLevel::Info),
        data_trace: config.api.data_trace,
        ..Default::default()
    };
    let rest_api = RestApi::new(
        stack,
        "RestApi",
        RestApiProps {
            rest_api_name: Some(format!("{}-api", config.prefix())),
            description: Some("Investment AI agent API".into()),
            endpoint: EndpointType::Regional,
            cloud_watch_role: true,
            stage: stage.clone(),
            ..Default::default()
        },
    );
    let authorizer = Authorizer::new(
        stack,
        "UserPoolAuthorizer",
        &rest_api,
        AuthorizerProps::cognito(vec![auth.pool.user_pool_arn()]),
    );
    add_routes(&rest_api, &authorizer, compute);
    uncache_writes(&rest_api, &stage);
    let firewall = firewall::build(stack, config, &rest_api);
    let health_check = config
        .dr
        .as_ref()
        .map(|_| failover::health_check(stack, config, &rest_api));
    if let Some(domain) = &config.api.domain {
        failover::custom_domain(stack, domain, &rest_api, health_check.as_ref());
    }
    Api {
        rest_api,
        auth,
        firewall,
        access_logs,
        health_check,
    }
}

fn add_routes(api: &RestApi, authorizer: &Authorizer, compute: &Compute) {
    let validator = api.add_request_validator(
        "BodyValidator",
        RequestValidatorProps {
            request_validator_name: Some("body".into()),
            validate_request_body: true,
            validate_request_parameters: false,
        },
    );
    let idea = api.add_model(
        "InvestmentIdeaModel",
        ModelProps::new(
            "InvestmentIdea",
            serde_json::json!({
                "type": "object",
                "required": ["title", "thesis"],
                "properties": {
                    "title": {"type": "string", "maxLength": 200},
                    "thesis": {"type": "string", "maxLength": 20000},
                    "symbols": {"type": "array", "items": {"type": "string"}},
                    "horizon": {"type": "string", "enum": ["short", "medium", "long"]}
                }
            }),
        ),
    );
    let research = api.add_model(
        "ResearchRequestModel",
        ModelProps::new(
            "ResearchRequest",
            serde_json::json!({
                "type": "object",
                "required": ["question"],
                "properties": {
                    "question": {"type": "string", "maxLength": 4000},
                    "symbols": {"type": "array", "items": {"type": "string"}}
                }
            }),
        ),
    );
    for r in ROUTES {
        let mut integration =
            Integration::lambda_proxy(compute.api_live.alias_arn()).timeout(INTEGRATION_TIMEOUT);
        let mut parameters: Vec<(String, bool)> = path_parameters(r.path)
            .into_iter()
            .map(|p| (format!("method.request.path.{p}"), true))
            .collect();
        let keys: Vec<&str> = match r.cache {
            Cache::Off => Vec::new(),
            Cache::PerUser(keys) => std::iter::once("method.request.header.Authorization")
                .chain(keys.iter().copied())
                .collect(),
            Cache::Shared(keys) => keys.to_vec(),
        };
        for key in keys {
            integration = integration.cache_key_parameter(key);
            if !parameters.iter().any(|(p, _)| p == key) {
                parameters.push((key.to_string(), key.contains(".header.")));
            }
        }
        let (request_validator, request_models) = match r.body {
            Some("InvestmentIdea") => (
                Some(validator.clone()),
                vec![("application/json".to_string(), idea.clone())],
            ),
            Some(_) => (
                Some(validator.clone()),
                vec![("application/json".to_string(), research.clone())],
            ),
            None => (None, Vec::new()),
        };
        let authorization = if r.path == HEALTH_PATH {
            Authorization::None
        } else {
            Authorization::authorizer(authorizer)
        };
        api.root().resource_for_path(r.path).add_method(
            r.method,
            integration,
            MethodOptions {
                authorization: Some(authorization),
                request_validator,
                request_models,
                request_parameters: parameters,
                ..Default::default()
            },
        );
    }
}

/// The `{name}` parts of a path.
fn path_parameters(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|p| p.strip_prefix('{').and_then(|p| p.strip_suffix('}')))
        .collect()
}

/// `/ideas/{id}` → `/~1ideas~1{id}`, the way method settings name a path.
fn setting_path(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    format!("/~1{}", parts.join("~1"))
}

/// The stage caches every method; each uncached route gets a method
/// setting with the stage's other settings and caching off. The stage
/// construct has no per-method cache setting, so they are added on the L1.
fn uncache_writes(api: &RestApi, stage: &StageOptions) {
    let settings: Vec<Value<st::MethodSetting>> = ROUTES
        .iter()
        .filter(|r| r.cache == Cache::Off)
        .map(|r| {
            st::MethodSetting {
                http_method: Some(r.method.into()),
                resource_path: Some(setting_path(r.path).into()),
                caching_enabled: Some(false.into()),
                metrics_enabled: stage.metrics.then_some(true.into()),
                logging_level: Some("INFO".into()),
                data_trace_enabled: stage.data_trace.then_some(true.into()),
                throttling_burst_limit: stage.throttling.map(|t| i64::from(t.burst_limit).into()),
                throttling_rate_limit: stage.throttling.map(|t| t.rate_limit.into()),
                ..Default::default()
            }
            .into()
        })
        .collect();
    let Some(handle) = api.stage() else { return };
    if let Some(resource) = api.scope().of(&handle) {
        resource.with_resource::<st::Stage>(|s| {
            if let Some(Value::Lit(list)) = &mut s.method_settings {
                list.extend(settings);
            }
        });
    }
}
