//! The edge family: REST and WebSocket APIs, WAF, CloudFront and Cognito.

use std::time::Duration;

use strata::iam::PolicyStatement;
use strata::prelude::*;
use strata::s3::{Bucket, BucketProps};
use strata::secrets::SecretProps;

use super::stack;

/// REST and WebSocket APIs, WAF, CloudFront and Cognito.
pub fn edge(app: &App) {
    use serde_json::json;
    use strata::apigateway::{
        AccessLog, AccessLogFormat, Authorization, Authorizer, AuthorizerProps, Caching,
        Integration, LoggingLevel, MethodOptions, MethodResponse, MethodThrottle, ModelProps,
        RequestValidatorProps, RestApi, RestApiProps, StageOptions, Throttle, VpcLink,
        VpcLinkProps, WebSocketApi, WebSocketApiProps, WebSocketIntegration,
    };
    use strata::cloudfront::{
        Distribution, DistributionLogging, DistributionProps, ErrorResponse, PriceClass,
        SecurityHeaders,
    };
    use strata::cognito::{
        CustomAttribute, DomainKind, IdentityPool, IdentityPoolProps, Mfa, PasswordPolicy,
        ResourceServerProps, UserPool, UserPoolClientProps, UserPoolGroupProps, UserPoolProps,
    };
    use strata::logs::{LogGroup, LogGroupProps, Retention};
    use strata::wafv2::{
        managed, IpSet, IpSetProps, WafLogging, WafRule, WafScope, WebAcl, WebAclProps,
    };

    let s = stack(app, "Edge");
    let alb_arn = s
        .parameter(
            "AlbArn",
            Parameter {
                allowed_pattern: Some("^arn:aws[a-z-]*:elasticloadbalancing:.+$".into()),
                ..Parameter::new("String")
            },
        )
        .ref_();
    let function = |name: &str| {
        Fn::sub(&format!(
            "arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{name}"
        ))
    };

    // Cognito: seed 004's pool, seed 002's M2M client and its secret.
    let users = UserPool::new(
        &s,
        "Users",
        UserPoolProps {
            password_policy: PasswordPolicy {
                min_length: 12,
                ..Default::default()
            },
            mfa: Mfa::OptionalTotp,
            custom_attributes: vec![CustomAttribute::string("tenant_id", 64)],
            ..Default::default()
        },
    );
    let resource_server = users.add_resource_server(
        "AgentApi",
        ResourceServerProps {
            identifier: "agent-api".into(),
            name: None,
            scopes: vec![
                ("read".into(), "Read agents".into()),
                ("write".into(), "Run agents".into()),
            ],
        },
    );
    let domain = users.add_domain("Domain", DomainKind::Prefix("strata-gallery-agents".into()));
    let web = users.add_client(
        "WebClient",
        UserPoolClientProps::web(&["https://app.example.com/callback"]),
    );
    let m2m = users.add_client(
        "M2mClient",
        UserPoolClientProps::machine_to_machine(vec![
            resource_server.oauth_scope("read"),
            resource_server.oauth_scope("write"),
        ]),
    );
    m2m.store_credentials(&s, "M2mCredentials", &domain, SecretProps::default());
    users.add_group(
        "Admins",
        UserPoolGroupProps {
            description: Some("Platform administrators".into()),
            precedence: Some(0),
            ..Default::default()
        },
    );
    let identities = IdentityPool::new(
        &s,
        "Identities",
        IdentityPoolProps {
            user_pool_clients: vec![(users.clone(), web)],
            ..Default::default()
        },
    );
    identities.authenticated_role().add_to_policy(
        PolicyStatement::allow()
            .action("execute-api:Invoke")
            .resource(Fn::sub(
                "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:*/prod/GET/*",
            )),
    );

    // Seed 000's REST API: IAM-signed POST to the ALB through a VPC link.
    let access_logs = LogGroup::new(
        &s,
        "ApiAccessLogs",
        LogGroupProps {
            retention: Retention::Days(90),
            ..Default::default()
        },
    );
    let api = RestApi::new(
        &s,
        "BirdAgentApi",
        RestApiProps {
            rest_api_name: Some("bird-agent-api".into()),
            default_authorization: Authorization::Iam,
            cloud_watch_role: true,
            stage: StageOptions {
                variables: [("api_version", "v1"), ("environment", "production")]
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                throttling: Some(Throttle {
                    burst_limit: 5000,
                    rate_limit: 2000.0,
                }),
                method_throttling: vec![MethodThrottle {
                    path: "/api/v1/agents/process".into(),
                    http_method: "POST".into(),
                    throttle: Throttle {
                        burst_limit: 500,
                        rate_limit: 200.0,
                    },
                }],
                caching: Some(Caching::default()),
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
    let request = api.add_model(
        "BirdAgentRequest",
        ModelProps::new(
            "BirdAgentRequest",
            json!({
                "title": "BirdAgentRequest",
                "type": "object",
                "required": ["sessionId", "input"],
                "properties": {
                    "sessionId": {"type": "string", "minLength": 1},
                    "input": {"type": "string", "maxLength": 32768},
                    "channel": {"type": "string", "enum": ["whatsapp", "sms", "web"]}
                },
                "additionalProperties": false
            }),
        ),
    );
    let response = api.add_model(
        "BirdAgentResponse",
        ModelProps::new(
            "BirdAgentResponse",
            json!({
                "type": "object",
                "required": ["output"],
                "properties": {
                    "output": {"type": "string"},
                    "latencyMs": {"type": "integer", "minimum": 0}
                }
            }),
        ),
    );
    let error = api.add_model(
        "ErrorResponse",
        ModelProps::new(
            "ErrorResponse",
            json!({
                "type": "object",
                "required": ["message"],
                "properties": {"message": {"type": "string"}, "code": {"type": "string"}}
            }),
        ),
    );
    let validator = api.add_request_validator(
        "BodyAndParams",
        RequestValidatorProps {
            validate_request_body: true,
            validate_request_parameters: true,
            ..Default::default()
        },
    );
    let link = VpcLink::new(
        &s,
        "AlbLink",
        VpcLinkProps {
            subnet_ids: vec!["subnet-0a1b2c3d".into(), "subnet-4e5f6a7b".into()],
            security_group_ids: vec!["sg-0a1b2c3d".into()],
            ..Default::default()
        },
    );
    api.root()
        .resource_for_path("/api/v1/agents/process")
        .add_method(
            "POST",
            Integration::load_balancer(
                &link,
                alb_arn,
                "POST",
                "https://agents.internal.example.com/api/v1/agents/process",
            )
            .timeout(Duration::from_secs(29)),
            MethodOptions {
                request_validator: Some(validator),
                request_models: vec![("application/json".into(), request)],
                method_responses: vec![
                    MethodResponse::new(200).with_model("application/json", &response),
                    MethodResponse::new(400).with_model("application/json", &error),
                    MethodResponse::new(500).with_model("application/json", &error),
                ],
                ..Default::default()
            },
        );
    let cognito = Authorizer::new(
        &s,
        "UsersAuthorizer",
        &api,
        AuthorizerProps::cognito(vec![users.user_pool_arn()]),
    );
    let tokens = Authorizer::new(
        &s,
        "TokenAuthorizer",
        &api,
        AuthorizerProps::token(function("agent-authorizer")),
    );
    let agent = api.root().resource_for_path("/api/v1/agents/{agentId}");
    agent.add_method(
        "GET",
        Integration::lambda_proxy(function("agent-status")),
        MethodOptions {
            authorization: Some(Authorization::with_scopes(&cognito, &["agent-api/read"])),
            request_parameters: vec![("method.request.path.agentId".into(), true)],
            ..Default::default()
        },
    );
    agent.add_method(
        "DELETE",
        Integration::lambda_proxy(function("agent-stop")).without_test_invoke(),
        MethodOptions {
            authorization: Some(Authorization::authorizer(&tokens)),
            ..Default::default()
        },
    );
    api.root().resource_for_path("/health").add_method(
        "GET",
        Integration::mock(200),
        MethodOptions {
            authorization: Some(Authorization::None),
            ..Default::default()
        },
    );

    // Seed 000's WAF rules on the API stage, logged to aws-waf-logs-*.
    let office = IpSet::new(
        &s,
        "OfficeIps",
        IpSetProps {
            description: Some("Bird office egress".into()),
            addresses: vec!["203.0.113.0/24".into(), "198.51.100.10/32".into()],
            ..Default::default()
        },
    );
    let waf = WebAcl::new(
        &s,
        "ApiWaf",
        WebAclProps {
            name: Some("bird-agent-waf".into()),
            rules: vec![
                WafRule::aws_managed(managed::COMMON_RULE_SET, 1),
                WafRule::aws_managed(managed::KNOWN_BAD_INPUTS, 2),
                WafRule::aws_managed(managed::SQLI, 3),
                WafRule::rate_limit("RateLimit", 10, 2000),
                WafRule::geo_block("GeoBlock", 20, &["CN", "RU", "KP"]),
                WafRule::ip_allow("OfficeAllow", 30, &office),
            ],
            ..Default::default()
        },
    );
    waf.associate_rest_api(&api);
    waf.enable_logging(WafLogging::new("aws-waf-logs-bird-agent-waf"));

    // Seed 001's WebSocket API.
    let realtime = WebSocketApi::new(
        &s,
        "RealtimeApi",
        WebSocketApiProps {
            api_name: Some("ai-agent-realtime-api".into()),
            throttling: Some(Throttle {
                burst_limit: 500,
                rate_limit: 100.0,
            }),
            ..Default::default()
        },
    );
    for (key, id, name) in [
        ("$connect", "ConnectIntegration", "ws-connect"),
        ("$disconnect", "DisconnectIntegration", "ws-disconnect"),
        ("subscribe", "SubscribeIntegration", "ws-subscribe"),
        ("unsubscribe", "UnsubscribeIntegration", "ws-unsubscribe"),
    ] {
        realtime.add_route(key, WebSocketIntegration::lambda(id, function(name)));
    }
    s.output("RealtimeUrl", Output::new(realtime.url()));

    // Seed 002's static site behind CloudFront with a CLOUDFRONT web ACL.
    let site = Bucket::new(&s, "SiteBucket", BucketProps::default());
    let cdn_logs = Bucket::new(&s, "CdnLogs", BucketProps::default());
    let edge_waf = WebAcl::new(
        &s,
        "CdnWaf",
        WebAclProps {
            scope: WafScope::CloudFront,
            rules: vec![
                WafRule::aws_managed(managed::COMMON_RULE_SET, 1),
                WafRule::rate_limit("RateLimit", 2, 2000),
            ],
            ..Default::default()
        },
    );
    let cdn = Distribution::new(
        &s,
        "SiteCdn",
        DistributionProps {
            comment: Some("Agent console".into()),
            error_responses: vec![ErrorResponse::spa(403), ErrorResponse::spa(404)],
            price_class: PriceClass::Class100,
            security_headers: Some(SecurityHeaders {
                content_security_policy: Some("default-src 'self'".into()),
                ..Default::default()
            }),
            web_acl: Some(edge_waf),
            logging: Some(DistributionLogging {
                bucket: cdn_logs,
                prefix: Some("cloudfront/".into()),
                include_cookies: false,
            }),
            ..DistributionProps::new(&site)
        },
    );
    s.output("SiteDomain", Output::new(cdn.domain_name()));
}
