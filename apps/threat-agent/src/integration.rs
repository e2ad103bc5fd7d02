//! Seed section "Integration and Messaging Infrastructure": the
//! `ai-agent-events` bus with its three rules, the emergency SNS topic,
//! the `ai-agent-service-api` REST API (regional, AWS_IAM, burst 1000,
//! rate 500) and the `ai-agent-realtime-api` WebSocket API with its four
//! route handlers.
//!
//! Where the seed names a target EventBridge cannot deliver to, a function
//! does it: "Audit Trail DynamoDB" is the audit trail writer (into the
//! AuditTrailTable) and "Dashboard WebSocket API" is the dashboard push
//! function (posting to the subscribed WebSocket connections).
//!
//! The bus and the topic have fixed names, so the platform stack (the
//! notification tools, the EmergencyResponse workflow) addresses them by
//! ARN without waiting for this stack, which deploys after it.

use strata::apigateway::{
    AccessLog, AccessLogFormat, Authorization, EndpointType, Integration as ApiIntegration,
    MethodOptions, RestApi, RestApiProps, StageOptions, Throttle, WebSocketApi, WebSocketApiProps,
    WebSocketAuthorization, WebSocketIntegration,
};
use strata::dynamodb::{Attribute, Table, TableEncryption, TableProps};
use strata::events::{EventBus, EventBusProps, EventPattern, Rule, RuleProps, RuleTarget};
use strata::iam::PolicyStatement;
use strata::lambda::{Function, FunctionProps};
use strata::logs::{LogGroup, LogGroupProps, Retention};
use strata::prelude::*;
use strata::sns::{Topic, TopicEncryption, TopicProps};
use strata::sqs::CustomerKey;

use crate::platform::Platform;
use crate::security::Keys;
use crate::storage::{Stores, TableRef};
use crate::tools;

/// The custom event bus (seed: `ai-agent-events`).
pub const EVENT_BUS_NAME: &str = "ai-agent-events";
/// The source the agents' events carry (seed: `ai-agent-service`).
pub const EVENT_SOURCE: &str = "ai-agent-service";
/// The emergency topic ("SNS Emergency Topic").
pub const EMERGENCY_TOPIC_NAME: &str = "threat-agent-emergency";
/// Audit retention ("LogRetention: 7 years (audit)").
pub const AUDIT_RETENTION: Retention = Retention::Days(2557);

/// The bus's ARN in the stack's account and region.
pub fn event_bus_arn() -> Value<String> {
    Fn::sub(&format!(
        "arn:${{AWS::Partition}}:events:${{AWS::Region}}:${{AWS::AccountId}}:event-bus/{EVENT_BUS_NAME}"
    ))
}

/// The emergency topic's ARN in the stack's account and region.
pub fn emergency_topic_arn() -> Value<String> {
    Fn::sub(&format!(
        "arn:${{AWS::Partition}}:sns:${{AWS::Region}}:${{AWS::AccountId}}:{EMERGENCY_TOPIC_NAME}"
    ))
}

/// The seed's three rules: `(id, detail-type)`.
pub const RULES: [(&str, &str); 3] = [
    (
        "ThreatClassificationComplete",
        "Threat Classification Complete",
    ),
    ("InvestigationComplete", "Investigation Complete"),
    ("EmergencyThreatDetected", "Emergency Threat Detected"),
];

/// The REST API's resources and methods, as the seed lists them.
pub const REST_ROUTES: [(&str, &[&str]); 3] = [
    ("/agents", &["GET", "POST"]),
    ("/investigations/{id}", &["GET", "PUT"]),
    ("/threats", &["GET", "POST"]),
];

/// The path Route 53 checks the region's health on (no IAM signature).
pub const HEALTH_PATH: &str = "/health";

/// What this module built.
#[derive(Clone)]
pub struct Integration {
    /// `ai-agent-events`.
    pub bus: EventBus,
    /// The emergency topic.
    pub emergency: Topic,
    /// `ai-agent-service-api`.
    pub rest_api: RestApi,
    /// `ai-agent-realtime-api`.
    pub websocket: WebSocketApi,
    /// Every function of this module, by construct id.
    pub functions: Vec<(&'static str, Function)>,
    /// The API's access log, the audit log kept 7 years.
    pub audit_log: LogGroup,
}

impl Integration {
    /// The REST API's execute-api host, which Route 53 checks.
    pub fn rest_api_host(&self) -> Value<String> {
        Fn::join(
            "",
            [
                self.rest_api.rest_api_id(),
                ".execute-api.".into(),
                Fn::region(),
                ".".into(),
                Fn::url_suffix(),
            ],
        )
    }
}

/// What the integration tier is configured with.
pub struct IntegrationSettings<'a> {
    /// The region's keys.
    pub keys: &'a Keys,
    /// The stores.
    pub stores: &'a Stores,
    /// The platform (runners, workflows, agents).
    pub platform: &'a Platform,
    /// The package release.
    pub release: &'a str,
    /// Whether the rules deliver events: on in the active region, off in
    /// the warm standby until the failover function enables them.
    pub rules_enabled: bool,
}

fn function(
    scope: &Scope,
    s: &IntegrationSettings,
    id: &'static str,
    name: &str,
    description: &str,
    environment: &[(&str, Value<String>)],
) -> (&'static str, Function) {
    let f = Function::new(
        scope,
        id,
        FunctionProps {
            function_name: Some(name.into()),
            description: Some(description.into()),
            memory_size: 512,
            timeout: std::time::Duration::from_secs(30),
            environment: environment
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            ..tools::python(s.release, name, s.keys.logs.clone())
        },
    );
    (id, f)
}

fn table_write(f: &Function, table: &TableRef, actions: &[&str], key: &Value<String>) {
    f.add_to_role_policy(
        PolicyStatement::allow()
            .actions(actions.iter().copied())
            .resources([
                table.arn.clone(),
                Fn::join("", [table.arn.clone(), "/index/*".into()]),
            ]),
    );
    f.add_to_role_policy(
        PolicyStatement::allow()
            .actions(["kms:Decrypt", "kms:GenerateDataKey*"])
            .resource(key.clone()),
    );
}

/// Builds the integration tier under `scope`.
pub fn build(scope: &Scope, s: &IntegrationSettings) -> Integration {
    let key = &s.keys.agent_context;
    let bus = EventBus::new(
        scope,
        "AgentEventBus",
        EventBusProps {
            event_bus_name: Some(EVENT_BUS_NAME.into()),
            description: Some("Agent lifecycle events of the AI Agent Service".into()),
            ..Default::default()
        },
    );
    let emergency = Topic::new(
        scope,
        "EmergencyTopic",
        TopicProps {
            topic_name: Some(EMERGENCY_TOPIC_NAME.into()),
            display_name: Some("Threat response emergencies".into()),
            encryption: Some(TopicEncryption::Kms(CustomerKey::Key(
                s.keys.messaging.clone(),
            ))),
            enforce_ssl: true,
            ..Default::default()
        },
    );
    // The WebSocket API's connections and their subscriptions.
    let connections = TableRef::from(&Table::new(
        scope,
        "WebSocketConnectionsTable",
        TableProps {
            table_name: Some("WebSocketConnectionsTable".into()),
            ttl_attribute: Some(crate::data::TTL_ATTRIBUTE.into()),
            encryption: TableEncryption::Customer(key.clone()),
            ..TableProps::new(Attribute::string("connection_id"))
        },
    ));
    let mut functions = Vec::new();
    let audit = function(
        scope,
        s,
        "AuditTrailWriter",
        "audit-trail-writer",
        "Writes classification events to the AuditTrailTable",
        &[("AUDIT_TRAIL_TABLE", s.stores.audit_trail.name.clone())],
    );
    table_write(&audit.1, &s.stores.audit_trail, &["dynamodb:PutItem"], key);
    let websocket = websocket(scope, s, &connections, &mut functions);
    let push = function(
        scope,
        s,
        "DashboardPush",
        "dashboard-push",
        "Pushes completed investigations to subscribed dashboard connections",
        &[
            ("CONNECTIONS_TABLE", connections.name.clone()),
            ("CALLBACK_URL", websocket.callback_url()),
        ],
    );
    table_write(
        &push.1,
        &connections,
        &["dynamodb:Query", "dynamodb:Scan", "dynamodb:DeleteItem"],
        key,
    );
    websocket.grant_manage_connections(&push.1);
    rules(scope, s, &bus, &emergency, &audit.1, &push.1);

    let (rest_api, audit_log, handler) = rest_api(scope, s);
    functions.push(audit);
    functions.push(push);
    functions.push(("ApiHandler", handler));
    Integration {
        bus,
        emergency,
        rest_api,
        websocket,
        functions,
        audit_log,
    }
}

fn rules(
    scope: &Scope,
    s: &IntegrationSettings,
    bus: &EventBus,
    emergency: &Topic,
    audit: &Function,
    push: &Function,
) {
    let runner = |agent: &str| match s.platform.runners.of(agent) {
        Some(f) => RuleTarget::function(f),
        None => {
            scope.error("event-rule", format!("no runner for {agent}"));
            RuleTarget::lambda("")
        }
    };
    let targets = [
        vec![runner("InvestigationAgent"), RuleTarget::function(audit)],
        vec![
            runner("ResponseOrchestrationAgent"),
            RuleTarget::function(push),
        ],
        vec![
            RuleTarget::sns(emergency),
            RuleTarget::state_machine(&s.platform.workflows.emergency_response),
        ],
    ];
    for ((id, detail_type), targets) in RULES.iter().zip(targets) {
        Rule::new(
            scope,
            id,
            RuleProps {
                rule_name: Some((*id).into()),
                event_bus: Some(bus.clone()),
                event_pattern: Some(
                    EventPattern::new()
                        .source([EVENT_SOURCE])
                        .detail_type([*detail_type]),
                ),
                enabled: s.rules_enabled,
                targets,
                ..Default::default()
            },
        );
    }
}

fn rest_api(scope: &Scope, s: &IntegrationSettings) -> (RestApi, LogGroup, Function) {
    let stores = s.stores;
    let workflows = &s.platform.workflows;
    let (_, handler) = function(
        scope,
        s,
        "ApiHandler",
        "agent-service-api",
        "Backs the ai-agent-service-api REST API",
        &[
            ("GLOBAL_CONTEXT_TABLE", stores.global_context.name.clone()),
            (
                "INVESTIGATION_CONTEXT_TABLE",
                stores.investigation_context.name.clone(),
            ),
            (
                "THREAT_ANALYSIS_WORKFLOW",
                workflows.threat_analysis.state_machine_arn(),
            ),
            (
                "CLASSIFICATION_WORKFLOW",
                workflows.parallel_classification.state_machine_arn(),
            ),
        ],
    );
    table_write(
        &handler,
        &stores.investigation_context,
        &["dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem"],
        &s.keys.agent_context,
    );
    table_write(
        &handler,
        &stores.global_context,
        &["dynamodb:Query", "dynamodb:GetItem"],
        &s.keys.agent_context,
    );
    workflows
        .threat_analysis
        .grant_start_sync_execution(&handler);
    workflows
        .parallel_classification
        .grant_start_sync_execution(&handler);
    handler.add_to_role_policy(
        PolicyStatement::allow()
            .actions(["bedrock:GetAgent", "bedrock:ListAgentAliases"])
            .resources(s.platform.agents.iter().map(|a| a.agent.agent_arn())),
    );
    let audit_log = LogGroup::new(
        scope,
        "ApiAccessLog",
        LogGroupProps {
            log_group_name: Some("/aws/apigateway/ai-agent-service-api".into()),
            retention: AUDIT_RETENTION,
            kms_key_arn: Some(s.keys.logs.clone()),
            ..Default::default()
        },
    );
    let api = RestApi::new(
        scope,
        "AgentServiceApi",
        RestApiProps {
            rest_api_name: Some("ai-agent-service-api".into()),
            description: Some("AI Agent Service: agents, investigations and threats".into()),
            endpoint: EndpointType::Regional,
            default_authorization: Authorization::Iam,
            cloud_watch_role: true,
            stage: StageOptions {
                throttling: Some(Throttle {
                    burst_limit: 1000,
                    rate_limit: 500.0,
                }),
                access_log: Some(AccessLog::to_log_group(
                    &audit_log,
                    AccessLogFormat::JsonWithStandardFields,
                )),
                tracing: true,
                metrics: true,
                ..Default::default()
            },
            ..Default::default()
        },
    );
    let backend = || ApiIntegration::lambda_proxy(handler.function_arn());
    for (path, methods) in REST_ROUTES {
        let resource = api.root().resource_for_path(path);
        for method in methods {
            resource.add_method(method, backend(), MethodOptions::default());
        }
    }
    api.root().resource_for_path(HEALTH_PATH).add_method(
        "GET",
        backend(),
        MethodOptions {
            authorization: Some(Authorization::None),
            operation_name: Some("RegionHealth".into()),
            ..Default::default()
        },
    );
    (api, audit_log, handler)
}

fn websocket(
    scope: &Scope,
    s: &IntegrationSettings,
    connections: &TableRef,
    functions: &mut Vec<(&'static str, Function)>,
) -> WebSocketApi {
    let api = WebSocketApi::new(
        scope,
        "RealtimeApi",
        WebSocketApiProps {
            api_name: Some("ai-agent-realtime-api".into()),
            description: Some("Real-time agent and investigation updates for dashboards".into()),
            route_selection_expression: "$request.body.action".into(),
            connect_authorization: WebSocketAuthorization::Iam,
            ..Default::default()
        },
    );
    let routes: [(&str, &'static str, &str, &[&str]); 4] = [
        (
            "$connect",
            "ConnectHandler",
            "ws-connect",
            &["dynamodb:PutItem"],
        ),
        (
            "$disconnect",
            "DisconnectHandler",
            "ws-disconnect",
            &["dynamodb:DeleteItem"],
        ),
        (
            "subscribe",
            "SubscribeHandler",
            "ws-subscribe",
            &["dynamodb:UpdateItem"],
        ),
        (
            "unsubscribe",
            "UnsubscribeHandler",
            "ws-unsubscribe",
            &["dynamodb:UpdateItem"],
        ),
    ];
    for (route, id, name, actions) in routes {
        let handler = function(
            scope,
            s,
            id,
            name,
            &format!("Handles the {route} route of ai-agent-realtime-api"),
            &[("CONNECTIONS_TABLE", connections.name.clone())],
        );
        table_write(&handler.1, connections, actions, &s.keys.agent_context);
        api.add_route(
            route,
            WebSocketIntegration::lambda(&format!("{id}Integration"), handler.1.function_arn()),
        );
        functions.push(handler);
    }
    api
}
