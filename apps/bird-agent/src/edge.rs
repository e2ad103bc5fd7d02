//! Seed sections "REST API Configuration" and "WAF Configuration" in the
//! `BirdEdge` stack: the regional REST API `bird-agent-api` with its
//! stage, throttling (2000 requests/second, bursts of 5000), request
//! validation and models, `POST /api/v1/agents/process` (AWS_IAM, 29 s)
//! forwarded to the internal load balancer through a VPC link whose
//! interfaces carry the API Gateway security group; the execution role
//! `BirdAgentAPIGatewayExecutionRole`; and the web ACL `bird-agent-waf`.
//!
//! The seed's API Gateway role lists a "Custom Lambda Invoke Policy", but
//! the API's only backend is the load balancer, so the role gets no
//! Lambda permission (least privilege); it carries the CloudWatch Logs
//! policy API Gateway needs for execution logging.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;
use strata::apigateway::{
    AccessLog, AccessLogFormat, Authorization, EndpointType, Integration, LoggingLevel,
    MethodOptions, MethodResponse, ModelProps, RequestValidatorProps, RestApi, RestApiProps,
    StageOptions, Throttle, VpcLink, VpcLinkProps,
};
use strata::iam::{PolicyStatement, Principal, Role, RoleProps};
use strata::logs::{LogGroup, LogGroupProps, Retention};
use strata::prelude::*;
use strata::wafv2::{managed, IpSet, IpSetProps, WafLogging, WafRule, WebAcl, WebAclProps};

use crate::balancer::{Balancer, HEALTH_PATH};
use crate::network::Network;

/// Seed "Rate Limit: 2000 requests/second".
pub const RATE_LIMIT: f64 = 2000.0;
/// Seed "Burst Limit: 5000 requests".
pub const BURST_LIMIT: u32 = 5000;
/// Seed "Integration Timeout: 29 seconds".
pub const INTEGRATION_TIMEOUT: Duration = Duration::from_secs(29);
/// Seed "Rate-based (2000 requests/5min per IP)".
pub const WAF_RATE_LIMIT: u64 = 2000;
/// Seed "Geographic match (Block CN, RU, KP)".
pub const BLOCKED_COUNTRIES: [&str; 3] = ["CN", "RU", "KP"];
/// Seed "/aws/apigateway/bird-agent-api: Retention: 30 days" and the WAF
/// log "Retention: 30 days".
pub const LOG_RETENTION_DAYS: u32 = 30;
/// The processing route.
pub const PROCESS_PATH: &str = "/api/v1/agents/process";

/// The API and its firewall.
#[derive(Clone)]
pub struct Edge {
    /// `bird-agent-api`.
    pub api: RestApi,
    /// `bird-agent-waf`.
    pub waf: WebAcl,
    /// `/aws/apigateway/bird-agent-api`.
    pub access_logs: LogGroup,
}

/// What the edge is built from.
pub struct EdgeInputs<'a> {
    /// The private app subnets and the API Gateway group.
    pub network: &'a Network,
    /// The load balancer the API forwards to.
    pub balancer: &'a Balancer,
    /// The stage name (the seed's `prod` in production).
    pub stage_name: &'a str,
    /// The `environment` stage variable (the seed's `production`).
    pub environment: &'a str,
    /// The Bird.com addresses the WAF allows (CIDRs).
    pub bird_ips: &'a [String],
}

/// Builds the edge stack.
pub fn build(stack: &Scope, inputs: &EdgeInputs) -> Edge {
    let backend_host = stack.parameter(
        "BackendHostName",
        Parameter {
            description: Some(
                "Host name on the load balancer's certificate that API Gateway calls it by".into(),
            ),
            allowed_pattern: Some(r"^[a-zA-Z0-9.-]+$".into()),
            constraint_description: Some(
                "a DNS name such as agent-alb.internal.example.com".into(),
            ),
            ..Parameter::new("String")
        },
    );
    let access_logs = LogGroup::new(
        stack,
        "AccessLogs",
        LogGroupProps {
            log_group_name: Some("/aws/apigateway/bird-agent-api".into()),
            retention: Retention::Days(LOG_RETENTION_DAYS),
            ..Default::default()
        },
    );
    let account = execution_role(stack);
    let variables = BTreeMap::from([
        ("api_version".to_string(), "v1".to_string()),
        ("environment".to_string(), inputs.environment.to_string()),
    ]);
    let api = RestApi::new(
        stack,
        "RestApi",
        RestApiProps {
            rest_api_name: Some("bird-agent-api".into()),
            description: Some("Bird.com-compatible agent API".into()),
            endpoint: EndpointType::Regional,
            default_authorization: Authorization::Iam,
            stage: StageOptions {
                stage_name: inputs.stage_name.into(),
                variables,
                throttling: Some(Throttle {
                    burst_limit: BURST_LIMIT,
                    rate_limit: RATE_LIMIT,
                }),
                access_log: Some(AccessLog::to_log_group(
                    &access_logs,
                    AccessLogFormat::JsonWithStandardFields,
                )),
                tracing: true,
                metrics: true,
                logging_level: Some(LoggingLevel::Error),
                ..Default::default()
            },
            ..Default::default()
        },
    );
    finish_stage(&api, &account, backend_host.ref_());
    routes(stack, &api, inputs, backend_host.ref_());
    let waf = firewall(stack, &api, inputs.bird_ips);
    Edge {
        api,
        waf,
        access_logs,
    }
}

/// `BirdAgentAPIGatewayExecutionRole` with its custom CloudWatch Logs
/// policy, set as the region's API Gateway logging role.
fn execution_role(stack: &Scope) -> strata::cfn::api_gateway::AccountRef {
    let role = Role::new(
        stack,
        "ApiGatewayExecutionRole",
        RoleProps {
            role_name: Some("BirdAgentAPIGatewayExecutionRole".into()),
            description: Some("Writes the agent API's execution and access logs".into()),
            ..RoleProps::new(Principal::service("apigateway.amazonaws.com"))
        },
    );
    role.add_to_policy(
        PolicyStatement::allow()
            .sid("CloudWatchLogs")
            .actions([
                "logs:CreateLogGroup",
                "logs:CreateLogStream",
                "logs:DescribeLogGroups",
                "logs:DescribeLogStreams",
                "logs:PutLogEvents",
                "logs:GetLogEvents",
                "logs:FilterLogEvents",
            ])
            .resources([Fn::sub(
                "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*",
            )]),
    );
    stack.resource_with(
        "ApiGatewayAccount",
        strata::cfn::api_gateway::Account {
            cloud_watch_role_arn: Some(role.arn()),
        },
        ResourceOptions::removal(RemovalPolicy::Retain),
    )
}

/// The stage waits for the account's logging role, and gets the seed's
/// `backend_url` variable, which names the backend host parameter (the
/// stage construct takes literal variables only).
fn finish_stage(
    api: &RestApi,
    account: &strata::cfn::api_gateway::AccountRef,
    backend_host: Value<String>,
) {
    use strata::cfn::api_gateway::Stage;
    let Some(stage) = api.stage() else { return };
    let Some(resource) = api.scope().of(&stage) else {
        return;
    };
    resource.with_options(|o| o.depends_on.push(**account));
    let url = Fn::sub_with("https://${Host}", [("Host", backend_host)]);
    resource.with_resource::<Stage>(|s| {
        if let Some(Value::Lit(map)) = &mut s.variables {
            map.insert("backend_url".into(), url);
        }
    });
}

/// `POST /api/v1/agents/process` (AWS_IAM, validated, with the seed's
/// request and response models) and an unauthenticated `GET /health`
/// for the failover health check, both through the VPC link.
fn routes(stack: &Scope, api: &RestApi, inputs: &EdgeInputs, host: Value<String>) {
    let link = VpcLink::new(
        stack,
        "AlbLink",
        VpcLinkProps {
            vpc_link_name: Some("bird-agent-alb-link".into()),
            subnet_ids: inputs
                .network
                .vpc
                .subnet_ids("private-app")
                .unwrap_or_default(),
            security_group_ids: vec![inputs.network.groups.api_gateway.group_id()],
        },
    );
    let alb = inputs.balancer.alb.load_balancer_arn();
    let url = |path: &str| {
        Fn::sub_with(
            &format!("https://${{Host}}{path}"),
            [("Host", host.clone())],
        )
    };
    let validator = api.add_request_validator(
        "RequestValidator",
        RequestValidatorProps {
            request_validator_name: Some("body-and-parameters".into()),
            validate_request_body: true,
            validate_request_parameters: true,
        },
    );
    let request = api.add_model(
        "BirdAgentRequestModel",
        ModelProps::new(
            "BirdAgentRequest",
            json!({
                "type": "object",
                "required": ["conversationId", "message"],
                "properties": {
                    "conversationId": {"type": "string", "maxLength": 128},
                    "message": {"type": "object"},
                    "attachments": {"type": "array", "items": {"type": "object"}}
                }
            }),
        ),
    );
    let response = api.add_model(
        "BirdAgentResponseModel",
        ModelProps::new(
            "BirdAgentResponse",
            json!({
                "type": "object",
                "required": ["conversationId", "reply"],
                "properties": {
                    "conversationId": {"type": "string"},
                    "reply": {"type": "object"}
                }
            }),
        ),
    );
    let error = api.add_model(
        "ErrorResponseModel",
        ModelProps::new(
            "ErrorResponse",
            json!({
                "type": "object",
                "required": ["message"],
                "properties": {"message": {"type": "string"}, "code": {"type": "string"}}
            }),
        ),
    );
    let json_type = "application/json";
    api.root().resource_for_path(PROCESS_PATH).add_method(
        "POST",
        Integration::load_balancer(&link, alb.clone(), "POST", url(PROCESS_PATH))
            .timeout(INTEGRATION_TIMEOUT),
        MethodOptions {
            authorization: Some(Authorization::Iam),
            operation_name: Some("ProcessAgentRequest".into()),
            request_validator: Some(validator),
            request_models: vec![(json_type.into(), request)],
            method_responses: vec![
                MethodResponse::new(200).with_model(json_type, &response),
                MethodResponse::new(400).with_model(json_type, &error),
                MethodResponse::new(500).with_model(json_type, &error),
            ],
            ..Default::default()
        },
    );
    api.root().resource_for_path(HEALTH_PATH).add_method(
        "GET",
        Integration::load_balancer(&link, alb, "GET", url(HEALTH_PATH))
            .timeout(Duration::from_secs(10)),
        MethodOptions {
            authorization: Some(Authorization::None),
            ..Default::default()
        },
    );
}

/// Seed "Web ACL: bird-agent-waf": the core rule set (1), known bad
/// inputs (2), 2000 requests per 5 minutes per IP (10), CN/RU/KP blocked
/// (20), the Bird.com addresses allowed (30); default allow; logged for
/// 30 days. WAF only logs to groups named `aws-waf-logs-…`, so the
/// seed's `/aws/wafv2/bird-agent-waf` is `aws-waf-logs-bird-agent-waf`.
fn firewall(stack: &Scope, api: &RestApi, bird_ips: &[String]) -> WebAcl {
    let allowlist = IpSet::new(
        stack,
        "BirdComIps",
        IpSetProps {
            name: Some("bird-com-ips".into()),
            description: Some("Bird.com platform addresses".into()),
            addresses: bird_ips.to_vec(),
            ..Default::default()
        },
    );
    let waf = WebAcl::new(
        stack,
        "WebAcl",
        WebAclProps {
            name: Some("bird-agent-waf".into()),
            description: Some("Protects the Bird.com agent API".into()),
            rules: vec![
                WafRule::aws_managed(managed::COMMON_RULE_SET, 1),
                WafRule::aws_managed(managed::KNOWN_BAD_INPUTS, 2),
                WafRule::rate_limit("RateLimitPerIp", 10, WAF_RATE_LIMIT),
                WafRule::geo_block("GeoBlock", 20, &BLOCKED_COUNTRIES),
                WafRule::ip_allow("BirdComAllowlist", 30, &allowlist),
            ],
            ..Default::default()
        },
    );
    waf.associate_rest_api(api);
    waf.enable_logging(WafLogging {
        retention: Retention::Days(LOG_RETENTION_DAYS),
        ..WafLogging::new("aws-waf-logs-bird-agent-waf")
    });
    waf
}
