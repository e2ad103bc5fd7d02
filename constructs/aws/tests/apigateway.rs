//! API Gateway: seed 000's REST API (IAM-authorized POST to the ALB through
//! a VPC link, validated against its models, throttled, logged and traced),
//! Lambda proxy permissions, authorizers, the deployment's definition hash,
//! seed 001's WebSocket API, and the mistakes caught at synth.

use std::time::Duration;

use serde_json::{json, Value as Json};
use strata::apigateway::*;
use strata::logs::{LogGroup, LogGroupProps, Retention};
use strata::prelude::*;

const AGENT_FN: &str = "arn:aws:lambda:us-east-1:123456789012:function:agent";

fn lid(t: &strata::StackArtifact, path: &str) -> String {
    t.logical_ids
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, l)| l.clone())
        .unwrap_or_else(|| panic!("no element at {path}"))
}

fn props(t: &strata::StackArtifact, path: &str) -> Json {
    t.template["Resources"][lid(t, path).as_str()]["Properties"].clone()
}

fn seed_000(stack: &Scope) -> RestApi {
    let logs = LogGroup::new(
        stack,
        "ApiAccessLogs",
        LogGroupProps {
            retention: Retention::Days(30),
            ..Default::default()
        },
    );
    let api = RestApi::new(
        stack,
        "Api",
        RestApiProps {
            rest_api_name: Some("bird-agent-api".into()),
            default_authorization: Authorization::Iam,
            cloud_watch_role: true,
            stage: StageOptions {
                variables: [
                    (
                        "backend_url",
                        "https://agent-alb.us-east-1.elb.amazonaws.com",
                    ),
                    ("api_version", "v1"),
                    ("environment", "production"),
                ]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
                throttling: Some(Throttle {
                    burst_limit: 5000,
                    rate_limit: 2000.0,
                }),
                access_log: Some(AccessLog::to_log_group(
                    &logs,
                    AccessLogFormat::JsonWithStandardFields,
                )),
                tracing: true,
                metrics: true,
                ..Default::default()
            },
            ..Default::default()
        },
    );
    let request = api.add_model(
        "BirdAgentRequest",
        ModelProps::new(
            "BirdAgentRequest",
            json!({"type": "object", "required": ["input"], "properties": {"input": {"type": "string"}}}),
        ),
    );
    let response = api.add_model(
        "BirdAgentResponse",
        ModelProps::new(
            "BirdAgentResponse",
            json!({"type": "object", "properties": {"output": {"type": "string"}}}),
        ),
    );
    let error = api.add_model(
        "ErrorResponse",
        ModelProps::new(
            "ErrorResponse",
            json!({"type": "object", "properties": {"message": {"type": "string"}}}),
        ),
    );
    let validator = api.add_request_validator(
        "Validator",
        RequestValidatorProps {
            validate_request_body: true,
            validate_request_parameters: true,
            ..Default::default()
        },
    );
    let link = VpcLink::new(
        stack,
        "AlbLink",
        VpcLinkProps {
            subnet_ids: vec!["subnet-a".into(), "subnet-b".into()],
            security_group_ids: vec!["sg-api".into()],
            ..Default::default()
        },
    );
    let process = api.root().resource_for_path("/api/v1/agents/process");
    process.add_method(
        "POST",
        Integration::load_balancer(
            &link,
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/bird-agent-alb/1234",
            "POST",
            "https://agent-alb.internal/api/v1/agents/process",
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
    api
}

#[test]
fn seed_000_rest_api_renders_the_path_tree_method_and_stage() {
    let app = App::new();
    let stack = app.stack("Edge", StackProps::default());
    seed_000(&stack);
    let a = app.synth().expect("valid");
    let t = &a.stacks[0];
    let api = lid(t, "Edge/Api/Resource");
    assert_eq!(
        props(t, "Edge/Api/Resource"),
        json!({"EndpointConfiguration": {"Types": ["REGIONAL"]}, "Name": "bird-agent-api"})
    );
    // One resource per path segment, each under its parent.
    let seg = |p: &str| lid(t, &format!("Edge/Api/Default/{p}/Resource"));
    assert_eq!(
        props(t, "Edge/Api/Default/api/Resource"),
        json!({"ParentId": {"Fn::GetAtt": [api, "RootResourceId"]}, "PathPart": "api", "RestApiId": {"Ref": api}})
    );
    assert_eq!(
        props(t, "Edge/Api/Default/api/v1/agents/process/Resource")["ParentId"],
        json!({"Ref": seg("api/v1/agents")})
    );
    let method = props(t, "Edge/Api/Default/api/v1/agents/process/POST/Resource");
    let model = |id: &str| json!({"Ref": lid(t, &format!("Edge/Api/{id}/Resource"))});
    assert_eq!(
        method,
        json!({
            "AuthorizationType": "AWS_IAM",
            "HttpMethod": "POST",
            "Integration": {
                "ConnectionId": {"Ref": lid(t, "Edge/AlbLink/Resource")},
                "ConnectionType": "VPC_LINK",
                "IntegrationHttpMethod": "POST",
                "IntegrationTarget": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/bird-agent-alb/1234",
                "TimeoutInMillis": 29000,
                "Type": "HTTP_PROXY",
                "Uri": "https://agent-alb.internal/api/v1/agents/process"
            },
            "MethodResponses": [
                {"ResponseModels": {"application/json": model("BirdAgentResponse")}, "StatusCode": "200"},
                {"ResponseModels": {"application/json": model("ErrorResponse")}, "StatusCode": "400"},
                {"ResponseModels": {"application/json": model("ErrorResponse")}, "StatusCode": "500"}
            ],
            "RequestModels": {"application/json": model("BirdAgentRequest")},
            "RequestValidatorId": model("Validator"),
            "ResourceId": {"Ref": seg("api/v1/agents/process")},
            "RestApiId": {"Ref": api}
        })
    );
    assert_eq!(
        props(t, "Edge/Api/Validator/Resource"),
        json!({"RestApiId": {"Ref": api}, "ValidateRequestBody": true, "ValidateRequestParameters": true})
    );
    assert_eq!(
        props(t, "Edge/Api/BirdAgentRequest/Resource")["Schema"]["$schema"],
        "http://json-schema.org/draft-04/schema#"
    );
    let stage = props(t, "Edge/Api/DeploymentStage.prod/Resource");
    let deployment = lid(t, "Edge/Api/Deployment/Resource");
    assert_eq!(stage["DeploymentId"], json!({"Ref": deployment}));
    assert_eq!(stage["StageName"], "prod");
    assert_eq!(stage["TracingEnabled"], true);
    assert_eq!(
        stage["Variables"]["backend_url"],
        "https://agent-alb.us-east-1.elb.amazonaws.com"
    );
    assert_eq!(
        stage["MethodSettings"],
        json!([{"HttpMethod": "*", "MetricsEnabled": true, "ResourcePath": "/*", "ThrottlingBurstLimit": 5000, "ThrottlingRateLimit": 2000.0}])
    );
    assert_eq!(
        stage["AccessLogSetting"]["DestinationArn"],
        json!({"Fn::GetAtt": [lid(t, "Edge/ApiAccessLogs/Resource"), "Arn"]})
    );
    assert!(stage["AccessLogSetting"]["Format"]
        .as_str()
        .is_some_and(|f| f.contains("$context.requestId")));
    // The account's CloudWatch role, retained, set before the stage.
    let account = lid(t, "Edge/Api/Account");
    let res = &t.template["Resources"];
    assert_eq!(res[account.as_str()]["DeletionPolicy"], "Retain");
    assert_eq!(res[account.as_str()]["DependsOn"], json!([api]));
    assert_eq!(
        res[lid(t, "Edge/Api/DeploymentStage.prod/Resource").as_str()]["DependsOn"],
        json!([account])
    );
    let role = &res[lid(t, "Edge/Api/CloudWatchRole/Resource").as_str()];
    assert_eq!(role["DeletionPolicy"], "Retain");
    assert_eq!(
        role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
        "apigateway.amazonaws.com"
    );
    // The deployment depends on everything it deploys.
    let deps = res[deployment.as_str()]["DependsOn"]
        .as_array()
        .expect("deps")
        .clone();
    for p in [
        "Default/api/v1/agents/process/POST/Resource",
        "BirdAgentRequest/Resource",
        "Validator/Resource",
        "Default/api/Resource",
    ] {
        assert!(
            deps.contains(&json!(lid(t, &format!("Edge/Api/{p}")))),
            "{p}"
        );
    }
    assert!(
        t.template["Outputs"][lid(t, "Edge/Api/Endpoint").as_str()]["Value"]["Fn::Sub"].is_array()
    );
}

fn deployment_id(build: impl FnOnce(&RestApi)) -> String {
    let app = App::new();
    let stack = app.stack("Edge", StackProps::default());
    let api = RestApi::new(&stack, "Api", RestApiProps::default());
    build(&api);
    let a = app.synth().expect("valid");
    lid(&a.stacks[0], "Edge/Api/Deployment/Resource")
}

#[test]
fn the_deployment_id_follows_the_api_definition() {
    let one = |api: &RestApi| {
        api.root().resource_for_path("/health").add_method(
            "GET",
            Integration::mock(200),
            MethodOptions::default(),
        );
    };
    let a = deployment_id(one);
    assert_eq!(
        a,
        deployment_id(one),
        "the same API gives the same deployment"
    );
    assert!(a.starts_with(&strata::logical_id(&["Api", "Deployment", "Resource"])));
    assert_eq!(
        a.len(),
        strata::logical_id(&["Api", "Deployment", "Resource"]).len() + 32
    );
    let b = deployment_id(|api| {
        one(api);
        api.root().resource_for_path("/health").add_method(
            "HEAD",
            Integration::mock(200),
            MethodOptions::default(),
        );
    });
    assert_ne!(a, b, "a new method makes a new deployment");
    let c = deployment_id(|api| {
        api.root().resource_for_path("/health").add_method(
            "GET",
            Integration::mock(204),
            MethodOptions::default(),
        );
    });
    assert_ne!(a, c, "a changed integration makes a new deployment");
}

#[test]
fn lambda_proxy_methods_grant_api_gateway_invoke_on_the_method_arn() {
    let app = App::new();
    let stack = app.stack("Edge", StackProps::default());
    let api = RestApi::new(&stack, "Api", RestApiProps::default());
    let method = api
        .root()
        .resource_for_path("/v1/agents/{agentId}")
        .add_method(
            "GET",
            Integration::lambda_proxy(AGENT_FN),
            MethodOptions::default(),
        );
    assert_eq!(method.path(), "/v1/agents/{agentId}");
    let a = app.synth().expect("valid");
    let t = &a.stacks[0];
    let m = props(t, "Edge/Api/Default/v1/agents/{agentId}/GET/Resource");
    assert_eq!(
        m["Integration"],
        json!({
            "IntegrationHttpMethod": "POST",
            "Type": "AWS_PROXY",
            "Uri": {"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:agent/invocations"}
        })
    );
    let base = "Edge/Api/Default/v1/agents/{agentId}/GET/ApiPermission.";
    let desc = "EdgeApiE6BC999C.GET..v1.agents.{agentId}";
    assert_eq!(strata::logical_id(&["Edge", "Api"]), "EdgeApiE6BC999C");
    let live = props(t, &format!("{base}{desc}"));
    assert_eq!(live["Action"], "lambda:InvokeFunction");
    assert_eq!(live["Principal"], "apigateway.amazonaws.com");
    assert_eq!(live["FunctionName"], AGENT_FN);
    assert_eq!(
        live["SourceArn"],
        json!({"Fn::Sub": [
            "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/${Stage}/GET/v1/agents/*",
            {"Api": {"Ref": lid(t, "Edge/Api/Resource")}, "Stage": {"Ref": lid(t, "Edge/Api/DeploymentStage.prod/Resource")}}
        ]})
    );
    let test = props(t, &format!("{base}Test.{desc}"));
    assert!(test["SourceArn"]["Fn::Sub"][0]
        .as_str()
        .is_some_and(|s| s.ends_with("/test-invoke-stage/GET/v1/agents/*")));
}

#[test]
fn cognito_and_lambda_authorizers_guard_methods() {
    let app = App::new();
    let stack = app.stack("Edge", StackProps::default());
    let api = RestApi::new(&stack, "Api", RestApiProps::default());
    let users = Authorizer::new(
        &stack,
        "Users",
        &api,
        AuthorizerProps::cognito(vec![
            "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_X".into(),
        ]),
    );
    let tokens = Authorizer::new(&stack, "Tokens", &api, AuthorizerProps::token(AGENT_FN));
    let agents = api.root().add_resource("agents");
    agents.add_method(
        "GET",
        Integration::mock(200),
        MethodOptions {
            authorization: Some(Authorization::with_scopes(&users, &["api/read"])),
            ..Default::default()
        },
    );
    agents.add_method(
        "POST",
        Integration::mock(200),
        MethodOptions {
            authorization: Some(Authorization::authorizer(&tokens)),
            ..Default::default()
        },
    );
    let a = app.synth().expect("valid");
    let t = &a.stacks[0];
    let get = props(t, "Edge/Api/Default/agents/GET/Resource");
    assert_eq!(get["AuthorizationType"], "COGNITO_USER_POOLS");
    assert_eq!(get["AuthorizationScopes"], json!(["api/read"]));
    assert_eq!(
        get["AuthorizerId"],
        json!({"Ref": lid(t, "Edge/Users/Resource")})
    );
    let post = props(t, "Edge/Api/Default/agents/POST/Resource");
    assert_eq!(post["AuthorizationType"], "CUSTOM");
    assert_eq!(
        props(t, "Edge/Users/Resource"),
        json!({
            "AuthorizerResultTtlInSeconds": 300,
            "IdentitySource": "method.request.header.Authorization",
            "Name": "EdgeUsers6813778E",
            "ProviderARNs": ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_X"],
            "RestApiId": {"Ref": lid(t, "Edge/Api/Resource")},
            "Type": "COGNITO_USER_POOLS"
        })
    );
    assert_eq!(strata::logical_id(&["Edge", "Users"]), "EdgeUsers6813778E");
    let permission = props(t, "Edge/Tokens/Permissions");
    assert_eq!(permission["Principal"], "apigateway.amazonaws.com");
    assert!(permission["SourceArn"]["Fn::Sub"][0]
        .as_str()
        .is_some_and(|s| s.ends_with("${Api}/authorizers/${Authorizer}")));
}

fn error_of(build: impl FnOnce(&Scope, &RestApi)) -> String {
    let app = App::new();
    let stack = app.stack("Edge", StackProps::default());
    let api = RestApi::new(&stack, "Api", RestApiProps::default());
    build(&stack, &api);
    app.synth().expect_err("must fail").to_string()
}

fn health(api: &RestApi) {
    api.root().add_resource("health").add_method(
        "GET",
        Integration::mock(200),
        MethodOptions::default(),
    );
}

#[test]
fn a_method_on_an_undefined_path_is_a_synth_error() {
    let err = error_of(|_, api| {
        health(api);
        api.root().resource_for_path("/v1/agents");
        let none = api.add_method(
            "/v1/agents/{agentId}",
            "GET",
            Integration::mock(200),
            MethodOptions::default(),
        );
        assert!(none.is_none());
    });
    assert!(err.contains("Edge/Api"), "{err}");
    assert!(
        err.contains("GET /v1/agents/{agentId}: this API has no resource at /v1/agents/{agentId}"),
        "{err}"
    );
}

#[test]
fn duplicate_methods_foreign_authorizers_and_models_are_synth_errors() {
    let err = error_of(|_, api| {
        health(api);
        health_again(api);
    });
    assert!(err.contains("Edge/Api/Default/health"), "{err}");
    assert!(err.contains("GET /health is defined twice"), "{err}");

    let err = error_of(|stack, api| {
        let other = RestApi::new(
            stack,
            "Other",
            RestApiProps {
                deploy: false,
                ..Default::default()
            },
        );
        let auth = Authorizer::new(stack, "OtherAuth", &other, AuthorizerProps::token(AGENT_FN));
        let model = other.add_model("Thing", ModelProps::new("Thing", json!({"type": "object"})));
        api.root().add_method(
            "POST",
            Integration::mock(200),
            MethodOptions {
                authorization: Some(Authorization::authorizer(&auth)),
                request_models: vec![("application/json".into(), model)],
                ..Default::default()
            },
        );
    });
    assert!(err.contains("Edge/Api/Default/POST"), "{err}");
    assert!(
        err.contains("the authorizer Edge/OtherAuth belongs to the API Edge/Other"),
        "{err}"
    );
    assert!(
        err.contains("the model Edge/Other/Thing belongs to the API Edge/Other"),
        "{err}"
    );
}

fn health_again(api: &RestApi) {
    if let Some(r) = api.resource_at("/health") {
        r.add_method("GET", Integration::mock(200), MethodOptions::default());
    }
}

#[test]
fn integration_timeouts_outside_50_ms_to_29_s_are_synth_errors() {
    for (timeout, ms) in [
        (Duration::from_secs(30), 30000),
        (Duration::from_millis(10), 10),
    ] {
        let err = error_of(|_, api| {
            api.root().add_method(
                "POST",
                Integration::lambda_proxy(AGENT_FN).timeout(timeout),
                MethodOptions::default(),
            );
        });
        assert!(err.contains("Edge/Api/Default/POST"), "{err}");
        assert!(
            err.contains(&format!("an integration timeout of {ms} ms is out of range; use whole milliseconds from 50 to 29000")),
            "{err}"
        );
    }
}

#[test]
fn paths_parameters_stage_settings_and_schemas_are_checked() {
    let err = error_of(|_, api| {
        let r = api.root().resource_for_path("/agents/{id}");
        api.root().resource_for_path("/agents/{agentId}");
        api.root().resource_for_path("/bad path");
        r.add_method(
            "GET",
            Integration::mock(200),
            MethodOptions {
                request_parameters: vec![("method.request.path.agentId".into(), true)],
                ..Default::default()
            },
        );
        api.add_model(
            "Bad",
            ModelProps::new("Bad", json!({"type": "text", "const": 1})),
        );
    });
    assert!(
        err.contains("/agents/{agentId} and /agents/{id} are both parameters"),
        "{err}"
    );
    assert!(err.contains("\"bad path\" is not a path part"), "{err}");
    assert!(
        err.contains("the path parameter \"agentId\" is not in the resource path /agents/{id}"),
        "{err}"
    );
    assert!(err.contains("/type: \"text\" is not a type"), "{err}");
    assert!(
        err.contains("/const: \"const\" is a keyword of a later JSON Schema draft"),
        "{err}"
    );

    let app = App::new();
    let stack = app.stack("Edge", StackProps::default());
    let api = RestApi::new(
        &stack,
        "Api",
        RestApiProps {
            stage: StageOptions {
                caching: Some(Caching {
                    cluster_size: "2".into(),
                    ..Default::default()
                }),
                method_throttling: vec![MethodThrottle {
                    path: "/agents".into(),
                    http_method: "POST".into(),
                    throttle: Throttle {
                        burst_limit: 10,
                        rate_limit: 5.0,
                    },
                }],
                ..Default::default()
            },
            ..Default::default()
        },
    );
    let _ = &api;
    let err = app.synth().expect_err("must fail").to_string();
    assert!(err.contains("\"2\" is not a cache cluster size"), "{err}");
    assert!(err.contains("the REST API has no methods"), "{err}");
    assert!(
        err.contains("the stage throttles POST /agents, a method this API does not have"),
        "{err}"
    );
}

#[test]
fn seed_001_websocket_api_routes_to_lambda_handlers() {
    let app = App::new();
    let stack = app.stack("Realtime", StackProps::default());
    let api = WebSocketApi::new(
        &stack,
        "Api",
        WebSocketApiProps {
            api_name: Some("ai-agent-realtime-api".into()),
            throttling: Some(Throttle {
                burst_limit: 100,
                rate_limit: 50.0,
            }),
            ..Default::default()
        },
    );
    for (key, id) in [
        ("$connect", "Connect"),
        ("$disconnect", "Disconnect"),
        ("subscribe", "Subscribe"),
        ("unsubscribe", "Unsubscribe"),
    ] {
        let arn = format!(
            "arn:aws:lambda:us-east-1:123456789012:function:{}",
            id.to_lowercase()
        );
        api.add_route(
            key,
            WebSocketIntegration::lambda(&format!("{id}Integration"), arn),
        );
    }
    let a = app.synth().expect("valid");
    let t = &a.stacks[0];
    let api_id = lid(t, "Realtime/Api/Resource");
    assert_eq!(
        props(t, "Realtime/Api/Resource"),
        json!({"Name": "ai-agent-realtime-api", "ProtocolType": "WEBSOCKET", "RouteSelectionExpression": "$request.body.action"})
    );
    let integration = lid(
        t,
        "Realtime/Api/subscribe-Route/SubscribeIntegration/Resource",
    );
    assert_eq!(
        props(t, "Realtime/Api/subscribe-Route/Resource"),
        json!({
            "ApiId": {"Ref": api_id},
            "AuthorizationType": "NONE",
            "RouteKey": "subscribe",
            "Target": {"Fn::Sub": ["integrations/${Integration}", {"Integration": {"Ref": integration}}]}
        })
    );
    assert_eq!(
        props(
            t,
            "Realtime/Api/subscribe-Route/SubscribeIntegration/Resource"
        )["IntegrationType"],
        "AWS_PROXY"
    );
    let permission = props(
        t,
        "Realtime/Api/$connect-Route/ConnectIntegration-Permission",
    );
    assert_eq!(
        permission["SourceArn"],
        json!({"Fn::Sub": ["arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/$connect", {"Api": {"Ref": api_id}}]})
    );
    assert_eq!(
        props(t, "Realtime/Api/Stage/Resource"),
        json!({
            "ApiId": {"Ref": api_id},
            "AutoDeploy": true,
            "DefaultRouteSettings": {"ThrottlingBurstLimit": 100, "ThrottlingRateLimit": 50.0},
            "StageName": "prod"
        })
    );
}

#[test]
fn websocket_mistakes_are_synth_errors() {
    let app = App::new();
    let stack = app.stack("Realtime", StackProps::default());
    let api = WebSocketApi::new(
        &stack,
        "Api",
        WebSocketApiProps {
            route_selection_expression: "action".into(),
            ..Default::default()
        },
    );
    api.add_route("subscribe", WebSocketIntegration::lambda("A", AGENT_FN));
    api.add_route(
        "subscribe",
        WebSocketIntegration::lambda("B", AGENT_FN).timeout(Duration::from_secs(60)),
    );
    api.add_route("$custom", WebSocketIntegration::lambda("C", AGENT_FN));
    let err = app.synth().expect_err("must fail").to_string();
    assert!(err.contains("Realtime/Api"), "{err}");
    assert!(
        err.contains("\"action\" is not a route selection expression"),
        "{err}"
    );
    assert!(
        err.contains("the route subscribe is defined twice"),
        "{err}"
    );
    assert!(
        err.contains("an integration timeout of 60000 ms is out of range"),
        "{err}"
    );
    assert!(err.contains("\"$custom\" is not a route key"), "{err}");

    let app = App::new();
    let stack = app.stack("Realtime", StackProps::default());
    WebSocketApi::new(&stack, "Empty", WebSocketApiProps::default());
    let err = app.synth().expect_err("must fail").to_string();
    assert!(err.contains("Realtime/Empty"), "{err}");
    assert!(err.contains("the WebSocket API has no routes"), "{err}");
}
