//! Seed section "Amazon Bedrock Agent Platform": the five agents of the
//! "Agent Deployment Model" (the same in the primary and the standby
//! region), each with `live` and `canary` aliases ("Version management and
//! canary deployment"), action groups executed by the tool functions
//! ("Lambda function integration for tools"), and the threat intelligence
//! knowledge base on the OpenSearch domain; plus the agents' log groups of
//! the seed's "Log Management".
//!
//! The Bedrock resources are CloudFormation L1s (`strata::cfn::bedrock`):
//! Strata has no Bedrock L2 yet.

use strata::cfn::bedrock::{agent as a, agent_alias, knowledge_base as kb};
use strata::cfn::bedrock::{Agent, AgentAlias, AgentRef, KnowledgeBase, KnowledgeBaseRef};
use strata::iam::{PolicyStatement, Principal, Role, RoleProps};
use strata::logs::{LogGroup, LogGroupProps};
use strata::opensearch::Domain;
use strata::prelude::*;

use crate::models::{self, Model, HAIKU, SONNET};
use crate::security::ROLE_PREFIX;
use crate::tools::{Tools, OPERATIONAL_RETENTION};

/// The vector index the knowledge base reads (created in the domain
/// before the knowledge base; see the README).
pub const VECTOR_INDEX: &str = "threat-intelligence";

/// One agent of the seed's deployment model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AgentSpec {
    /// The agent's name (and construct id).
    pub name: &'static str,
    /// The log group suffix: `/aws/bedrock/agents/<slug>`.
    pub slug: &'static str,
    /// The model.
    pub model: Model,
    /// Which tool categories it calls, by [`crate::tools::CATEGORIES`] name.
    pub tools: &'static [&'static str],
    /// Whether it retrieves from the knowledge base.
    pub knowledge_base: bool,
    /// Its instruction.
    pub instruction: &'static str,
}

/// The five agents.
pub const AGENTS: [AgentSpec; 5] = [
    AgentSpec {
        name: "ThreatClassifierAgent",
        slug: "threat-classifier",
        model: HAIKU,
        tools: &["data-access", "external-api"],
        knowledge_base: false,
        instruction: "Classify each incoming security signal by threat type and severity (LOW, MEDIUM, HIGH, CRITICAL), enrich it with threat intelligence lookups, and record the classification in the global context.",
    },
    AgentSpec {
        name: "InvestigationAgent",
        slug: "investigation",
        model: SONNET,
        tools: &["data-access", "aws-service"],
        knowledge_base: true,
        instruction: "Investigate classified threats: gather context, inspect the affected EC2, VPC and IAM resources, collect evidence into the investigation record, and summarise the findings.",
    },
    AgentSpec {
        name: "ResponseOrchestrationAgent",
        slug: "response-orchestration",
        model: SONNET,
        tools: &["aws-service", "notification"],
        knowledge_base: false,
        instruction: "Plan and carry out the response to an investigated threat: contain affected resources, snapshot evidence, and notify responders through the emergency channels.",
    },
    AgentSpec {
        name: "ThreatIntelligenceAgent",
        slug: "threat-intelligence",
        model: SONNET,
        tools: &["external-api", "data-access"],
        knowledge_base: true,
        instruction: "Answer threat intelligence questions from the knowledge base and external intelligence sources, correlating indicators with known campaigns and techniques.",
    },
    AgentSpec {
        name: "RootCauseAnalysisAgent",
        slug: "root-cause-analysis",
        model: SONNET,
        tools: &["data-access", "aws-service"],
        knowledge_base: true,
        instruction: "Determine the root cause of confirmed incidents from the investigation context, resource configuration and threat intelligence, and recommend preventive controls.",
    },
];

/// A deployed agent.
#[derive(Clone)]
pub struct DeployedAgent {
    /// The seed's description of the agent.
    pub spec: AgentSpec,
    /// The agent.
    pub agent: AgentRef,
    /// The `live` alias, which the runners invoke.
    pub live: agent_alias::AgentAliasRef,
    /// `/aws/bedrock/agents/<slug>`.
    pub log_group: LogGroup,
}

fn parameter(kind: &str, description: &str, required: bool) -> Value<a::ParameterDetail> {
    a::ParameterDetail {
        description: Some(description.into()),
        required: Some(required.into()),
        ..a::ParameterDetail::new(kind)
    }
    .into()
}

fn function(
    name: &str,
    description: &str,
    params: &[(&str, &str, &str, bool)],
) -> Value<a::Function> {
    a::Function {
        description: Some(description.into()),
        parameters: Some(Value::Lit(
            params
                .iter()
                .map(|(n, kind, d, req)| (n.to_string(), parameter(kind, d, *req)))
                .collect(),
        )),
        ..a::Function::new(name)
    }
    .into()
}

/// The functions each tool category offers the agents.
fn functions(category: &str) -> Vec<Value<a::Function>> {
    match category {
        "data-access" => vec![
            function(
                "get_context",
                "Read context records from a context table",
                &[
                    (
                        "table",
                        "string",
                        "GlobalContextTable, InvestigationContextTable or AgentContextTable",
                        true,
                    ),
                    ("key", "string", "The partition key value", true),
                ],
            ),
            function(
                "search_knowledge",
                "Search the threat intelligence knowledge base domain",
                &[
                    ("query", "string", "The search text", true),
                    (
                        "max_results",
                        "integer",
                        "How many documents to return",
                        false,
                    ),
                ],
            ),
            function(
                "get_evidence",
                "Read an evidence object of an investigation",
                &[
                    ("investigation_id", "string", "The investigation", true),
                    ("object_key", "string", "The evidence object's key", true),
                ],
            ),
        ],
        "external-api" => vec![function(
            "lookup_indicator",
            "Look an indicator up in the external threat intelligence feeds",
            &[
                (
                    "indicator",
                    "string",
                    "An IP address, domain, URL or file hash",
                    true,
                ),
                ("indicator_type", "string", "ip, domain, url or hash", true),
            ],
        )],
        "aws-service" => vec![
            function(
                "describe_instance",
                "Describe an EC2 instance and its network interfaces",
                &[("instance_id", "string", "The instance ID", true)],
            ),
            function(
                "inspect_security_groups",
                "List the security groups and flow logs of a VPC",
                &[("vpc_id", "string", "The VPC ID", true)],
            ),
            function(
                "review_iam_principal",
                "Review an IAM role or user and its access keys and policies",
                &[("principal_arn", "string", "The role or user ARN", true)],
            ),
            function(
                "isolate_instance",
                "Move an instance into a quarantine security group and snapshot its volumes",
                &[
                    ("instance_id", "string", "The instance ID", true),
                    (
                        "quarantine_group_id",
                        "string",
                        "The quarantine security group",
                        true,
                    ),
                ],
            ),
        ],
        _ => vec![
            function(
                "notify_responders",
                "Publish a message to the emergency topic",
                &[
                    ("severity", "string", "LOW, MEDIUM, HIGH or CRITICAL", true),
                    ("message", "string", "What happened and what was done", true),
                ],
            ),
            function(
                "publish_event",
                "Put an event on the ai-agent-events bus",
                &[
                    ("detail_type", "string", "The event's detail-type", true),
                    ("detail", "string", "The event's detail as JSON", true),
                ],
            ),
        ],
    }
}

fn tool_arn(tools: &Tools, category: &str) -> Value<String> {
    match category {
        "data-access" => tools.data_access.function_arn(),
        "external-api" => tools.external_api.function_arn(),
        "aws-service" => tools.aws_service.function_arn(),
        _ => tools.notification.function_arn(),
    }
}

/// The role the knowledge base embeds with and reads the domain as.
pub fn knowledge_base_role(scope: &Scope, domain: &Domain) -> Role {
    let region = scope.env().region.unwrap_or_default();
    let role = Role::new(
        scope,
        "KnowledgeBaseRole",
        RoleProps {
            role_name: Some(format!("{ROLE_PREFIX}knowledge-base-{region}")),
            description: Some("The threat intelligence knowledge base".into()),
            ..RoleProps::new(Principal::service("bedrock.amazonaws.com").with_condition(
                "StringEquals",
                "aws:SourceAccount",
                [Fn::account_id()],
            ))
        },
    );
    role.add_to_policy(
        PolicyStatement::allow()
            .action("bedrock:InvokeModel")
            .resource(models::foundation_model_arn(models::TITAN_EMBEDDINGS)),
    );
    role.add_to_policy(
        PolicyStatement::allow()
            .actions([
                "es:ESHttpGet",
                "es:ESHttpHead",
                "es:ESHttpPost",
                "es:ESHttpPut",
                "es:ESHttpDelete",
                "es:DescribeDomain",
            ])
            .resources([
                domain.domain_arn(),
                Fn::join("", [domain.domain_arn(), "/*".into()]),
            ]),
    );
    role
}

/// The knowledge base ("Knowledge Bases: OpenSearch integration for threat
/// intelligence"): Titan embeddings in the domain's `threat-intelligence`
/// vector index.
pub fn knowledge_base(scope: &Scope, role: &Role, domain: &Domain) -> KnowledgeBaseRef {
    let storage = kb::StorageConfiguration {
        opensearch_managed_cluster_configuration: Some(
            kb::OpenSearchManagedClusterConfiguration::new(
                domain.domain_arn(),
                Fn::join("", ["https://".into(), domain.domain_endpoint()]),
                kb::OpenSearchManagedClusterFieldMapping::new("metadata", "text", "embedding"),
                VECTOR_INDEX,
            )
            .into(),
        ),
        ..kb::StorageConfiguration::new("OPENSEARCH_MANAGED_CLUSTER")
    };
    let configuration = kb::KnowledgeBaseConfiguration {
        vector_knowledge_base_configuration: Some(
            kb::VectorKnowledgeBaseConfiguration::new(models::foundation_model_arn(
                models::TITAN_EMBEDDINGS,
            ))
            .into(),
        ),
        ..kb::KnowledgeBaseConfiguration::new("VECTOR")
    };
    // The knowledge base checks the domain with the role's permissions,
    // so it waits for the role's policy.
    let depends_on = default_policy(role).into_iter().collect();
    scope.resource_with(
        "ThreatIntelligenceKnowledgeBase",
        KnowledgeBase {
            description: Some(
                "Threat intelligence for the investigation and analysis agents".into(),
            ),
            storage_configuration: Some(storage.into()),
            ..KnowledgeBase::new(
                configuration,
                "threat-intelligence-knowledge-base",
                role.arn(),
            )
        },
        ResourceOptions {
            depends_on,
            ..Default::default()
        },
    )
}

/// The handle of `role`'s default policy, once it has one.
pub fn default_policy(role: &Role) -> Option<Handle> {
    role.scope()
        .children()
        .into_iter()
        .find(|c| c.id() == "DefaultPolicy")
        .and_then(|p| p.children().into_iter().find(|c| c.id() == "Resource"))
        .map(|r| r.handle())
}

/// Adds the five agents under `scope`, each with its log group and aliases.
pub fn build(
    scope: &Scope,
    role: &Role,
    tools: &Tools,
    knowledge_base: &KnowledgeBaseRef,
    key_arn: Value<String>,
    logs_key_arn: Value<String>,
) -> Vec<DeployedAgent> {
    AGENTS
        .iter()
        .map(|spec| {
            let node = scope.child(spec.name);
            let groups = spec.tools.iter().map(|category| {
                Value::from(a::AgentActionGroup {
                    action_group_executor: Some(
                        a::ActionGroupExecutor {
                            lambda: Some(tool_arn(tools, category)),
                            ..a::ActionGroupExecutor::new()
                        }
                        .into(),
                    ),
                    description: Some(format!("The {category} tools").into()),
                    function_schema: Some(
                        a::FunctionSchema::new(Value::Lit(functions(category))).into(),
                    ),
                    ..a::AgentActionGroup::new(format!("{category}-tools"))
                })
            });
            let knowledge = spec.knowledge_base.then(|| {
                Value::list([a::AgentKnowledgeBase::new(
                    "Threat intelligence: campaigns, techniques and indicators",
                    knowledge_base.knowledge_base_id(),
                )])
            });
            let agent = node.resource(
                "Resource",
                Agent {
                    action_groups: Some(Value::Lit(groups.collect())),
                    agent_resource_role_arn: Some(role.arn()),
                    auto_prepare: Some(true.into()),
                    customer_encryption_key_arn: Some(key_arn.clone()),
                    description: Some(format!("{} ({})", spec.name, spec.slug).into()),
                    foundation_model: Some(spec.model.profile.into()),
                    instruction: Some(spec.instruction.into()),
                    knowledge_bases: knowledge,
                    ..Agent::new(spec.name)
                },
            );
            let alias = |id: &str, description: &str| {
                node.resource(
                    id,
                    AgentAlias {
                        description: Some(description.into()),
                        ..AgentAlias::new(id.to_lowercase(), agent.agent_id())
                    },
                )
            };
            let live = alias(
                "Live",
                "Production traffic: the version promoted from canary",
            );
            alias(
                "Canary",
                "Canary traffic: a new version on every agent change",
            );
            let log_group = LogGroup::new(
                &node,
                "LogGroup",
                LogGroupProps {
                    log_group_name: Some(format!("/aws/bedrock/agents/{}", spec.slug)),
                    retention: OPERATIONAL_RETENTION,
                    kms_key_arn: Some(logs_key_arn.clone()),
                    ..Default::default()
                },
            );
            DeployedAgent {
                spec: *spec,
                agent,
                live,
                log_group,
            }
        })
        .collect()
}
