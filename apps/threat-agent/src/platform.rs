//! Seed section "AI Platform Infrastructure": the execution roles, the
//! Lambda tools, the knowledge base, the five Bedrock agents, their
//! runners and the Step Functions workflows, built the same way in the
//! primary region and in the warm standby.

use strata::cfn::bedrock::KnowledgeBaseRef;
use strata::iam::{PolicyStatement, Role};
use strata::prelude::*;

use crate::agents::{self, DeployedAgent};
use crate::data::TTL_SECONDS;
use crate::integration::{emergency_topic_arn, event_bus_arn, EVENT_BUS_NAME, EVENT_SOURCE};
use crate::network::Network;
use crate::roles;
use crate::security::Keys;
use crate::storage::Stores;
use crate::tools::{self, ToolSettings, Tools};
use crate::workflows::{self, Emergency, RunnerSettings, Runners, Workflows};

/// The seed's Level 1 cache: `lru_cache(maxsize=100)` entries kept
/// `ttl_minutes=5` inside each tool function.
pub const LOCAL_CACHE: [(&str, &str); 2] = [
    ("LOCAL_CACHE_MAX_SIZE", "100"),
    ("LOCAL_CACHE_TTL_MINUTES", "5"),
];

/// What the platform is built from.
pub struct PlatformSettings<'a> {
    /// The region's network.
    pub network: &'a Network,
    /// The region's keys.
    pub keys: &'a Keys,
    /// The region's stores.
    pub stores: &'a Stores,
    /// The package release.
    pub release: &'a str,
    /// Reserved concurrency of every tool in a warm standby; the seed's
    /// per-category values when `None`.
    pub standby_concurrency: Option<u32>,
}

/// The AI platform of one region.
#[derive(Clone)]
pub struct Platform {
    /// LambdaToolExecutionRole.
    pub tool_role: Role,
    /// BedrockAgentExecutionRole.
    pub agent_role: Role,
    /// The tool functions.
    pub tools: Tools,
    /// The threat intelligence knowledge base.
    pub knowledge_base: KnowledgeBaseRef,
    /// The five agents.
    pub agents: Vec<DeployedAgent>,
    /// The agents' runner functions.
    pub runners: Runners,
    /// The four workflows.
    pub workflows: Workflows,
}

/// The tools' environment: where the stores, caches, bus and topic are,
/// the seed's TTLs and the Level 1 cache settings.
fn tool_environment(s: &PlatformSettings) -> Map<Value<String>> {
    let st = s.stores;
    let mut env: Map<Value<String>> = [
        ("GLOBAL_CONTEXT_TABLE", st.global_context.name.clone()),
        (
            "INVESTIGATION_CONTEXT_TABLE",
            st.investigation_context.name.clone(),
        ),
        ("AGENT_CONTEXT_TABLE", st.agent_context.name.clone()),
        ("CONTEXT_ARCHIVE_BUCKET", st.context_archive.bucket_name()),
        ("EVIDENCE_BUCKET", st.evidence.bucket_name()),
        ("REDIS_ENDPOINT", st.redis.primary_endpoint()),
        ("SEARCH_ENDPOINT", st.search.domain_endpoint()),
        ("EVENT_BUS_NAME", EVENT_BUS_NAME.into()),
        ("EVENT_SOURCE", EVENT_SOURCE.into()),
        ("EMERGENCY_TOPIC_ARN", emergency_topic_arn()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    if let Some(dax) = &st.dax {
        env.insert("DAX_ENDPOINT".into(), dax.endpoint_url());
    }
    for (table, seconds) in TTL_SECONDS {
        env.insert(format!("TTL_SECONDS_{table}"), seconds.to_string().into());
    }
    for (k, v) in LOCAL_CACHE {
        env.insert(k.into(), v.into());
    }
    env
}

/// Builds the platform under `scope`.
pub fn build(scope: &Scope, s: &PlatformSettings) -> Platform {
    let keys = s.keys;
    let mut actions = roles::tool_actions(event_bus_arn(), vec![emergency_topic_arn()]);
    actions.add_statement(
        PolicyStatement::allow()
            .sid("EncryptedTopics")
            .actions(["kms:Decrypt", "kms:GenerateDataKey*"])
            .resource(keys.messaging.key_arn()),
    );
    let tool_role = roles::lambda_tool_role(scope, keys, s.stores, actions);
    let tools = tools::build(
        scope,
        &ToolSettings {
            network: s.network,
            role: &tool_role,
            release: s.release,
            logs_key: keys.logs.clone(),
            environment: tool_environment(s),
            reserved_concurrency: s.standby_concurrency,
        },
    );
    let kb_role = agents::knowledge_base_role(scope, &s.stores.search);
    let knowledge_base = agents::knowledge_base(scope, &kb_role, &s.stores.search);
    let agent_role = roles::bedrock_agent_role(
        scope,
        keys,
        s.stores,
        tools.all().iter().map(|f| f.function_arn()).collect(),
        knowledge_base.knowledge_base_arn(),
    );
    let agents = agents::build(
        scope,
        &agent_role,
        &tools,
        &knowledge_base,
        keys.agent_context.clone(),
        keys.logs.clone(),
    );
    let runners = workflows::runners(
        scope,
        &agents,
        &RunnerSettings {
            network: s.network,
            release: s.release,
            logs_key: keys.logs.clone(),
            agent_context: &s.stores.agent_context,
            context_key: keys.agent_context.clone(),
        },
    );
    let workflows = workflows::build(
        scope,
        &runners,
        &Emergency {
            topic_arn: emergency_topic_arn(),
            key_arn: keys.messaging.key_arn(),
        },
        keys.logs.clone(),
    );
    Platform {
        tool_role,
        agent_role,
        tools,
        knowledge_base,
        agents,
        runners,
        workflows,
    }
}
