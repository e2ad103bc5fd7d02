//! Seed section "Agent Coordination Infrastructure": Step Functions
//! EXPRESS state machines logging `ALL` events with execution data to
//! CloudWatch Logs (`/aws/stepfunctions/agent-workflows`) with X-Ray
//! tracing, for the four workflows: ThreatAnalysisPipeline (sequential
//! agents), ParallelClassification (concurrent agents), EmergencyResponse
//! (the CRITICAL priority path) and BatchProcessing (a bounded map).
//!
//! The states invoke the agents through one runner function per agent
//! (`agent-runner-<agent>`), which calls `InvokeAgent` on the agent's
//! `live` alias from the private subnets behind BedrockAgentSG and writes
//! the agent's trace to its log group.

use std::time::Duration;

use strata::iam::PolicyStatement;
use strata::lambda::{Function, FunctionProps, FunctionVpc};
use strata::logs::{LogGroup, LogGroupProps};
use strata::prelude::*;
use strata::stepfunctions::{
    Catch, Choice, Condition, Definition, Fail, LogLevel, LogOptions, Map as MapState, Parallel,
    StateMachine, StateMachineProps, StateMachineType, Succeed, Task,
};

use crate::agents::DeployedAgent;
use crate::network::Network;
use crate::storage::TableRef;
use crate::tools::{self, OPERATIONAL_RETENTION};

/// The longest an agent call may take inside a workflow; an EXPRESS
/// execution runs for at most 5 minutes.
pub const AGENT_CALL: Duration = Duration::from_secs(120);

/// The runner functions, by agent.
#[derive(Clone)]
pub struct Runners {
    /// `(agent name, runner)`, in the seed's agent order.
    pub by_agent: Vec<(&'static str, Function)>,
}

impl Runners {
    /// The runner of `agent` (such as `InvestigationAgent`).
    pub fn of(&self, agent: &str) -> Option<&Function> {
        self.by_agent
            .iter()
            .find(|(a, _)| *a == agent)
            .map(|(_, f)| f)
    }

    fn arn(&self, scope: &Scope, agent: &str) -> Value<String> {
        match self.of(agent) {
            Some(f) => f.function_arn(),
            None => {
                scope.error("agent-runner", format!("no runner for the agent {agent:?}"));
                Value::from("")
            }
        }
    }
}

/// What the runners need besides their agent.
pub struct RunnerSettings<'a> {
    /// The network (private subnets, BedrockAgentSG).
    pub network: &'a Network,
    /// The package release.
    pub release: &'a str,
    /// The log groups' key.
    pub logs_key: Value<String>,
    /// AgentContextTable, where sessions are recorded.
    pub agent_context: &'a TableRef,
    /// AgentContextKey.
    pub context_key: Value<String>,
}

/// One runner per agent, under `scope`.
pub fn runners(scope: &Scope, agents: &[DeployedAgent], s: &RunnerSettings) -> Runners {
    let by_agent = agents
        .iter()
        .map(|deployed| {
            let spec = deployed.spec;
            let environment: Map<Value<String>> = [
                ("AGENT_ID".to_string(), deployed.agent.agent_id()),
                ("AGENT_ALIAS_ID".to_string(), deployed.live.agent_alias_id()),
                (
                    "TRACE_LOG_GROUP".to_string(),
                    deployed.log_group.log_group_name(),
                ),
                (
                    "AGENT_CONTEXT_TABLE".to_string(),
                    s.agent_context.name.clone(),
                ),
            ]
            .into_iter()
            .collect();
            let runner = Function::new(
                scope,
                &format!("{}Runner", spec.name),
                FunctionProps {
                    function_name: Some(format!("agent-runner-{}", spec.slug)),
                    description: Some(format!("Invokes the {} through its live alias", spec.name)),
                    memory_size: 1024,
                    timeout: AGENT_CALL,
                    vpc: Some(FunctionVpc::new(
                        s.network.private_subnet_ids(),
                        vec![s.network.groups.bedrock_agent.group_id()],
                    )),
                    environment,
                    ..tools::python(s.release, "agent-runner", s.logs_key.clone())
                },
            );
            runner.add_to_role_policy(
                PolicyStatement::allow()
                    .action("bedrock:InvokeAgent")
                    .resource(deployed.live.agent_alias_arn()),
            );
            runner.add_to_role_policy(
                PolicyStatement::allow()
                    .actions(["dynamodb:PutItem", "dynamodb:UpdateItem"])
                    .resource(s.agent_context.arn.clone()),
            );
            runner.add_to_role_policy(
                PolicyStatement::allow()
                    .actions(["kms:Decrypt", "kms:GenerateDataKey*"])
                    .resource(s.context_key.clone()),
            );
            deployed.log_group.grant_write(&runner);
            (spec.name, runner)
        })
        .collect();
    Runners { by_agent }
}

/// The emergency topic, by ARN (it is created by the integration stack,
/// which deploys later), and its key.
pub struct Emergency {
    /// The topic's ARN.
    pub topic_arn: Value<String>,
    /// The messaging key's ARN.
    pub key_arn: Value<String>,
}

/// The four state machines.
#[derive(Clone)]
pub struct Workflows {
    /// ThreatAnalysisPipeline.
    pub threat_analysis: StateMachine,
    /// ParallelClassification.
    pub parallel_classification: StateMachine,
    /// EmergencyResponse.
    pub emergency_response: StateMachine,
    /// BatchProcessing.
    pub batch_processing: StateMachine,
    /// `/aws/stepfunctions/agent-workflows`.
    pub log_group: LogGroup,
}

impl Workflows {
    /// Every state machine with its name.
    pub fn all(&self) -> [(&'static str, &StateMachine); 4] {
        [
            ("ThreatAnalysisPipeline", &self.threat_analysis),
            ("ParallelClassification", &self.parallel_classification),
            ("EmergencyResponse", &self.emergency_response),
            ("BatchProcessing", &self.batch_processing),
        ]
    }
}

fn agent_task(arn: Value<String>) -> Task {
    Task::lambda_invoke(arn)
        .output_path("$.Payload")
        .timeout_seconds(AGENT_CALL.as_secs() as u32)
        .catch(Catch::all("AgentFailed"))
}

fn failed() -> Fail {
    Fail::new()
        .error("AgentFailed")
        .cause("An agent call failed after its retries")
}

/// Adds the workflows under `scope`, logging to their shared log group.
pub fn build(
    scope: &Scope,
    runners: &Runners,
    emergency: &Emergency,
    logs_key: Value<String>,
) -> Workflows {
    let log_group = LogGroup::new(
        scope,
        "WorkflowLogGroup",
        LogGroupProps {
            log_group_name: Some("/aws/stepfunctions/agent-workflows".into()),
            retention: OPERATIONAL_RETENTION,
            kms_key_arn: Some(logs_key),
            ..Default::default()
        },
    );
    let arn = |agent: &str| runners.arn(scope, agent);
    let pipeline = Definition::new("Classify")
        .comment("Sequential agent execution")
        .timeout_seconds(300)
        .state(
            "Classify",
            agent_task(arn("ThreatClassifierAgent")).next("Investigate"),
        )
        .state(
            "Investigate",
            agent_task(arn("InvestigationAgent")).next("AnalyzeRootCause"),
        )
        .state(
            "AnalyzeRootCause",
            agent_task(arn("RootCauseAnalysisAgent")).next("Respond"),
        )
        .state(
            "Respond",
            agent_task(arn("ResponseOrchestrationAgent")).end(),
        )
        .state("AgentFailed", failed());
    let branch = |start: &str, agent: &str| {
        Definition::new(start).state(
            start,
            Task::lambda_invoke(arn(agent))
                .output_path("$.Payload")
                .end(),
        )
    };
    let parallel = Definition::new("ClassifyConcurrently")
        .comment("Concurrent agent processing")
        .timeout_seconds(300)
        .state(
            "ClassifyConcurrently",
            Parallel::new()
                .branch(branch("Classify", "ThreatClassifierAgent"))
                .branch(branch("Enrich", "ThreatIntelligenceAgent"))
                .catch(Catch::all("AgentFailed"))
                .end(),
        )
        .state("AgentFailed", failed());
    let emergency_definition = Definition::new("IsCritical")
        .comment("Priority workflow for CRITICAL threats")
        .timeout_seconds(300)
        .state(
            "IsCritical",
            Choice::new()
                .when(
                    Condition::string_equals("$.severity", "CRITICAL"),
                    "NotifyResponders",
                )
                .otherwise("NotCritical"),
        )
        .state(
            "NotifyResponders",
            Task::sns_publish_arn(emergency.topic_arn.clone())
                .result_path("$.notification")
                .next("Respond"),
        )
        .state(
            "Respond",
            agent_task(arn("ResponseOrchestrationAgent")).end(),
        )
        .state("NotCritical", Succeed::new())
        .state("AgentFailed", failed());
    let batch = Definition::new("ClassifyEach")
        .comment("Cost-optimized batch workflows: five signals at a time")
        .timeout_seconds(300)
        .state(
            "ClassifyEach",
            MapState::new(branch("Classify", "ThreatClassifierAgent"))
                .items_path("$.signals")
                .max_concurrency(5)
                .end(),
        );
    let machine = |id: &str, definition: Definition| {
        StateMachine::new(
            scope,
            id,
            StateMachineProps {
                state_machine_name: Some(id.to_string()),
                state_machine_type: StateMachineType::Express,
                logs: Some(LogOptions {
                    destination: log_group.clone(),
                    level: LogLevel::All,
                    include_execution_data: true,
                }),
                tracing: true,
                ..StateMachineProps::new(definition)
            },
        )
    };
    let emergency_response = machine("EmergencyResponse", emergency_definition);
    // The topic is encrypted with the messaging key.
    emergency_response.role().add_to_policy(
        PolicyStatement::allow()
            .actions(["kms:Decrypt", "kms:GenerateDataKey*"])
            .resource(emergency.key_arn.clone()),
    );
    Workflows {
        threat_analysis: machine("ThreatAnalysisPipeline", pipeline),
        parallel_classification: machine("ParallelClassification", parallel),
        emergency_response,
        batch_processing: machine("BatchProcessing", batch),
        log_group,
    }
}
