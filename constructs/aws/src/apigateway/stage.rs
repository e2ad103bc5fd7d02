//! A REST API's deployment and stage: variables, throttling, caching,
//! access logs, X-Ray tracing and execution logging, plus the account-level
//! CloudWatch role the CDK creates for API Gateway.

use std::collections::BTreeMap;
use std::time::Duration;

use strata_cfn::api_gateway::{self as cfn, stage as st};
use strata_core::{RemovalPolicy, ResourceOptions, Scope, Value};

use super::HTTP_METHODS;
use crate::iam::{ManagedPolicy, Principal, Role, RoleProps};
use crate::logs::LogGroup;

/// The cache cluster sizes API Gateway offers, in GB.
pub const CACHE_CLUSTER_SIZES: [&str; 8] =
    ["0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"];

/// Request throttling: a steady rate with bursts above it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Throttle {
    /// The most requests served at once.
    pub burst_limit: u32,
    /// Steady-state requests per second.
    pub rate_limit: f64,
}

/// Throttling of one method, overriding the stage's.
#[derive(Clone, Debug, PartialEq)]
pub struct MethodThrottle {
    /// The resource path, such as `/api/v1/agents/process`.
    pub path: String,
    /// The HTTP method, or `*` for every method of the path.
    pub http_method: String,
    /// The limits.
    pub throttle: Throttle,
}

/// Response caching for the whole stage.
#[derive(Clone, Debug, PartialEq)]
pub struct Caching {
    /// The cache cluster size in GB, one of [`CACHE_CLUSTER_SIZES`].
    pub cluster_size: String,
    /// How long responses are cached, up to one hour (API Gateway's default is 300 s).
    pub ttl: Duration,
    /// Encrypt cached responses.
    pub encrypted: bool,
}

impl Default for Caching {
    fn default() -> Self {
        Caching {
            cluster_size: "0.5".into(),
            ttl: Duration::from_secs(300),
            encrypted: true,
        }
    }
}

/// The format of access log lines.
#[derive(Clone, Debug, PartialEq)]
pub enum AccessLogFormat {
    /// JSON with request ID, caller IP and identity, time, method, resource
    /// path, status, protocol and response length (the CDK's
    /// `jsonWithStandardFields`).
    JsonWithStandardFields,
    /// The Common Log Format.
    Clf,
    /// A custom line of `$context` variables; it must include
    /// `$context.requestId` or `$context.extendedRequestId`.
    Custom(String),
}

impl AccessLogFormat {
    /// The format string API Gateway is given.
    pub fn render(&self) -> String {
        match self {
            AccessLogFormat::JsonWithStandardFields => concat!(
                "{\"requestId\":\"$context.requestId\",\"ip\":\"$context.identity.sourceIp\",",
                "\"user\":\"$context.identity.user\",\"caller\":\"$context.identity.caller\",",
                "\"requestTime\":\"$context.requestTime\",\"httpMethod\":\"$context.httpMethod\",",
                "\"resourcePath\":\"$context.resourcePath\",\"status\":\"$context.status\",",
                "\"protocol\":\"$context.protocol\",\"responseLength\":\"$context.responseLength\"}"
            )
            .to_string(),
            AccessLogFormat::Clf => concat!(
                "$context.identity.sourceIp $context.identity.caller $context.identity.user ",
                "[$context.requestTime] \"$context.httpMethod $context.resourcePath $context.protocol\" ",
                "$context.status $context.responseLength $context.requestId"
            )
            .to_string(),
            AccessLogFormat::Custom(f) => f.clone(),
        }
    }
}

/// Where and how access logs are written.
#[derive(Clone, Debug, PartialEq)]
pub struct AccessLog {
    /// A log group ARN, or a Firehose stream named `amazon-apigateway-…`.
    pub destination_arn: Value<String>,
    /// The line format.
    pub format: AccessLogFormat,
}

impl AccessLog {
    /// Access logs to a log group.
    pub fn to_log_group(group: &LogGroup, format: AccessLogFormat) -> AccessLog {
        AccessLog {
            destination_arn: group.log_group_arn(),
            format,
        }
    }
}

/// How much of each request the stage writes to its execution log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoggingLevel {
    /// Errors only.
    Error,
    /// Errors and informational events.
    Info,
    /// Nothing.
    Off,
}

impl LoggingLevel {
    fn code(self) -> &'static str {
        match self {
            LoggingLevel::Error => "ERROR",
            LoggingLevel::Info => "INFO",
            LoggingLevel::Off => "OFF",
        }
    }
}

/// The stage a REST API is deployed to. The default is `prod` with
/// nothing else set.
#[derive(Clone, Debug, PartialEq)]
pub struct StageOptions {
    /// The stage name (letters, digits, `-` and `_`).
    pub stage_name: String,
    /// The stage's description.
    pub description: Option<String>,
    /// Stage variables, such as a backend URL.
    pub variables: BTreeMap<String, String>,
    /// Throttling of every method.
    pub throttling: Option<Throttle>,
    /// Throttling of single methods.
    pub method_throttling: Vec<MethodThrottle>,
    /// Response caching.
    pub caching: Option<Caching>,
    /// Access logs.
    pub access_log: Option<AccessLog>,
    /// X-Ray tracing.
    pub tracing: bool,
    /// Per-method CloudWatch metrics.
    pub metrics: bool,
    /// Execution logging; needs the account's CloudWatch role.
    pub logging_level: Option<LoggingLevel>,
    /// Log full requests and responses (not for production data).
    pub data_trace: bool,
}

impl Default for StageOptions {
    fn default() -> Self {
        StageOptions {
            stage_name: "prod".into(),
            description: None,
            variables: BTreeMap::new(),
            throttling: None,
            method_throttling: Vec::new(),
            caching: None,
            access_log: None,
            tracing: false,
            metrics: false,
            logging_level: None,
            data_trace: false,
        }
    }
}

impl StageOptions {
    pub(crate) fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let name = &self.stage_name;
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
        for (k, v) in &self.variables {
            if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                out.push(format!(
                    "the stage variable name {k:?} must be letters, digits and '_'"
                ));
            }
            let ok = !v.is_empty()
                && v.len() <= 512
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._~:/?#&=,".contains(c));
            if !ok {
                out.push(format!(
                    "the value of stage variable {k:?} must be 1 to 512 of A-Z a-z 0-9 - . _ ~ : / ? # & = ,"
                ));
            }
        }
        let throttles = self
            .throttling
            .iter()
            .map(|t| ("the stage".to_string(), t))
            .chain(
                self.method_throttling
                    .iter()
                    .map(|m| (format!("{} {}", m.http_method, m.path), &m.throttle)),
            );
        for (what, t) in throttles {
            if !t.rate_limit.is_finite() || t.rate_limit < 0.0 {
                out.push(format!(
                    "{what}: a rate limit of {} requests per second is invalid; use a number of 0 or more",
                    t.rate_limit
                ));
            }
        }
        for m in &self.method_throttling {
            let method = m.http_method.to_uppercase();
            if !m.path.starts_with('/')
                || (method != "*" && !HTTP_METHODS.contains(&method.as_str()))
            {
                out.push(format!(
                    "method throttling for {:?} {:?}: give a path starting with '/' and an HTTP method ({}) or '*'",
                    m.http_method, m.path, HTTP_METHODS.join(", ")
                ));
            }
        }
        if let Some(c) = &self.caching {
            if !CACHE_CLUSTER_SIZES.contains(&c.cluster_size.as_str()) {
                out.push(format!(
                    "{:?} is not a cache cluster size; use one of {} (GB)",
                    c.cluster_size,
                    CACHE_CLUSTER_SIZES.join(", ")
                ));
            }
            if c.ttl > Duration::from_secs(3600) || c.ttl.subsec_nanos() != 0 {
                out.push(format!(
                    "a cache TTL of {:?} is out of range; use whole seconds up to 3600",
                    c.ttl
                ));
            }
        }
        if let Some(log) = &self.access_log {
            out.extend(access_log_problems(log));
        }
        out
    }
}

fn access_log_problems(log: &AccessLog) -> Vec<String> {
    let mut out = Vec::new();
    let format = log.format.render();
    if !format.contains("$context.requestId") && !format.contains("$context.extendedRequestId") {
        out.push(
            "the access log format must include $context.requestId or $context.extendedRequestId"
                .into(),
        );
    }
    if format.contains('\n') {
        out.push("the access log format must be a single line".into());
    }
    if let Some(arn) = log.destination_arn.as_literal() {
        let logs = arn.starts_with("arn:") && arn.contains(":logs:");
        let firehose =
            arn.starts_with("arn:") && arn.contains(":deliverystream/amazon-apigateway-");
        if !logs && !firehose {
            out.push(format!("{arn:?} is not an access log destination; give a log group ARN or a Firehose stream named amazon-apigateway-…"));
        }
    }
    out
}

/// `/v1/agents` → `/~1v1~1agents`, the way method settings name a path.
fn encoded_path(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        "/".into()
    } else {
        format!("/~1{}", parts.join("~1"))
    }
}

fn method_settings(o: &StageOptions) -> Vec<Value<st::MethodSetting>> {
    let mut out = Vec::new();
    let common = o.metrics
        || o.logging_level.is_some()
        || o.data_trace
        || o.throttling.is_some()
        || o.caching.is_some();
    if common {
        out.push(
            st::MethodSetting {
                http_method: Some("*".into()),
                resource_path: Some("/*".into()),
                metrics_enabled: o.metrics.then_some(true.into()),
                logging_level: o.logging_level.map(|l| l.code().into()),
                data_trace_enabled: o.data_trace.then_some(true.into()),
                throttling_burst_limit: o.throttling.map(|t| i64::from(t.burst_limit).into()),
                throttling_rate_limit: o.throttling.map(|t| t.rate_limit.into()),
                caching_enabled: o.caching.as_ref().map(|_| true.into()),
                cache_ttl_in_seconds: o
                    .caching
                    .as_ref()
                    .map(|c| i64::try_from(c.ttl.as_secs()).unwrap_or(i64::MAX).into()),
                cache_data_encrypted: o.caching.as_ref().map(|c| c.encrypted.into()),
            }
            .into(),
        );
    }
    for m in &o.method_throttling {
        out.push(
            st::MethodSetting {
                http_method: Some(m.http_method.to_uppercase().into()),
                resource_path: Some(encoded_path(&m.path).into()),
                throttling_burst_limit: Some(i64::from(m.throttle.burst_limit).into()),
                throttling_rate_limit: Some(m.throttle.rate_limit.into()),
                ..Default::default()
            }
            .into(),
        );
    }
    out
}

/// Adds `<api>/Deployment/Resource` and `<api>/DeploymentStage.<name>/Resource`.
pub(crate) fn deploy(
    scope: &Scope,
    api: &cfn::RestApiRef,
    o: &StageOptions,
    account: Option<cfn::AccountRef>,
) -> (cfn::DeploymentRef, cfn::StageRef) {
    let deployment = scope.child("Deployment").resource(
        "Resource",
        cfn::Deployment {
            description: Some("Automatically created by the RestApi construct".into()),
            ..cfn::Deployment::new(api.ref_())
        },
    );
    let settings = method_settings(o);
    let stage = st::Stage {
        deployment_id: Some(deployment.ref_()),
        stage_name: Some(o.stage_name.as_str().into()),
        description: o.description.clone().map(Value::from),
        variables: (!o.variables.is_empty()).then(|| {
            Value::Lit(
                o.variables
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                    .collect(),
            )
        }),
        access_log_setting: o.access_log.as_ref().map(|l| {
            st::AccessLogSetting {
                destination_arn: Some(l.destination_arn.clone()),
                format: Some(l.format.render().into()),
            }
            .into()
        }),
        cache_cluster_enabled: o.caching.as_ref().map(|_| true.into()),
        cache_cluster_size: o.caching.as_ref().map(|c| c.cluster_size.as_str().into()),
        method_settings: (!settings.is_empty()).then_some(Value::Lit(settings)),
        tracing_enabled: o.tracing.then_some(true.into()),
        ..st::Stage::new(api.ref_())
    };
    let options = ResourceOptions {
        depends_on: account.map(|a| vec![*a]).unwrap_or_default(),
        ..Default::default()
    };
    let stage = scope
        .child(&format!("DeploymentStage.{}", o.stage_name))
        .resource_with("Resource", stage, options);
    (deployment, stage)
}

/// The CDK's `cloudWatchRole`: a role API Gateway assumes to write logs,
/// set as the account's in `AWS::ApiGateway::Account`; both retained.
pub(crate) fn cloud_watch_account(scope: &Scope, api: &cfn::RestApiRef) -> cfn::AccountRef {
    let role = Role::new(
        scope,
        "CloudWatchRole",
        RoleProps {
            managed_policies: vec![ManagedPolicy::aws(
                "service-role/AmazonAPIGatewayPushToCloudWatchLogs",
            )],
            ..RoleProps::new(Principal::service("apigateway.amazonaws.com"))
        },
    );
    if let Some(r) = role.scope().of(&role.handle()) {
        r.with_options(|o| {
            o.deletion_policy = Some(RemovalPolicy::Retain);
            o.update_replace_policy = Some(RemovalPolicy::Retain);
        });
    }
    scope.resource_with(
        "Account",
        cfn::Account {
            cloud_watch_role_arn: Some(role.arn()),
        },
        ResourceOptions {
            depends_on: vec![**api],
            ..ResourceOptions::removal(RemovalPolicy::Retain)
        },
    )
}
