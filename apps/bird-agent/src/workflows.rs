//! Seed sections "Step Functions" and "Event Rules" in the `BirdEvents`
//! stack: the express `multimodal-analysis-sm` workflow and the three
//! rules on the `bird-agent-events` bus.
//!
//! Seed "performance-metrics … Targets: CloudWatch: Custom Metrics":
//! EventBridge cannot put metric data. The closest real thing is its
//! CloudWatch Logs target: the events land in `/aws/events/bird-agent-metrics`,
//! whose metric filter counts them as `BirdAgent/PerformanceEvents`.

use strata::cfn::events::rule as r;
use strata::cloudwatch::{AppNamespace, FilterPattern, MetricFilterProps};
use strata::events::{EventPattern, Rule, RuleProps, RuleTarget};
use strata::iam::{PolicyStatement, Principal};
use strata::logs::{LogGroup, LogGroupProps, Retention};
use strata::prelude::*;
use strata::stepfunctions::{
    Definition, LogLevel, LogOptions, Parallel, StateMachine, StateMachineProps, StateMachineType,
    Task,
};

use crate::functions::Functions;
use crate::messaging::{Messaging, BUS_NAME};

/// Seed "/aws/stepfunctions/multimodal-analysis: Retention: 7 days".
pub const WORKFLOW_LOG_RETENTION_DAYS: u32 = 7;
/// The rule whose SQS target the message queue's policy admits.
pub const MESSAGE_RULE: &str = "agent-message-processing";
/// The seed's custom metrics namespace.
pub const NAMESPACE: &str = "BirdAgent";

/// The workflow and the rules.
#[derive(Clone)]
pub struct Workflows {
    /// `multimodal-analysis-sm`.
    pub state_machine: StateMachine,
    /// `/aws/stepfunctions/multimodal-analysis`.
    pub logs: LogGroup,
    /// The three rules: message processing, content analysis, metrics.
    pub rules: [Rule; 3],
}

/// The ARN of rule `name` on the agent's bus, from names alone, so the
/// messaging stack can admit a rule of a later stack.
pub fn rule_arn(name: &str) -> Value<String> {
    Fn::sub(&format!(
        "arn:${{AWS::Partition}}:events:${{AWS::Region}}:${{AWS::AccountId}}:rule/{BUS_NAME}/{name}"
    ))
}

/// Lets the `agent-message-processing` rule send to the message queue:
/// the statement names the rule by ARN, since the rule deploys after the
/// queue's stack.
pub fn admit_message_rule(messaging: &Messaging) {
    let queue = &messaging.message_processing;
    queue.add_to_resource_policy(
        PolicyStatement::allow()
            .sid("AgentMessageProcessingRule")
            .actions([
                "sqs:SendMessage",
                "sqs:GetQueueAttributes",
                "sqs:GetQueueUrl",
            ])
            .principal(Principal::service("events.amazonaws.com").with_condition(
                "ArnEquals",
                "aws:SourceArn",
                [rule_arn(MESSAGE_RULE)],
            ))
            .resource(queue.queue_arn()),
    );
}

/// Builds the workflow and the rules.
pub fn build(stack: &Scope, functions: &Functions, messaging: &Messaging) -> Workflows {
    let (state_machine, logs) = state_machine(stack, functions, messaging);
    let bus = Some(messaging.bus.clone());
    let messages = Rule::new(
        stack,
        "AgentMessageProcessing",
        RuleProps {
            rule_name: Some(MESSAGE_RULE.into()),
            description: Some("Bird.com messages to the event processor and the queue".into()),
            event_bus: bus.clone(),
            event_pattern: Some(
                EventPattern::new()
                    .source(["bird.com"])
                    .detail_type(["Message Received"]),
            ),
            targets: vec![RuleTarget::function(&functions.event_processor)],
            ..RuleProps::default()
        },
    );
    // The queue target is added on the L1: its policy is the messaging
    // stack's ([`admit_message_rule`]), not one naming this rule's ARN
    // attribute, which would make the stacks depend on each other.
    if let Some(resource) = messages.scope().of(messages.resource()) {
        let queue = r::Target::new(messaging.message_processing.queue_arn(), "Target1");
        resource.with_resource::<strata::cfn::events::Rule>(|rule| {
            if let Some(Value::Lit(targets)) = &mut rule.targets {
                targets.push(queue.into());
            }
        });
    }
    let analysis = Rule::new(
        stack,
        "MultimodalContentAnalysis",
        RuleProps {
            rule_name: Some("multimodal-content-analysis".into()),
            description: Some("Content needing analysis to the multimodal workflow".into()),
            event_bus: bus.clone(),
            event_pattern: Some(
                EventPattern::new()
                    .source(["agent.multimodal"])
                    .detail_type(["Content Analysis Required"]),
            ),
            targets: vec![RuleTarget::state_machine(&state_machine)],
            ..RuleProps::default()
        },
    );
    let metrics_logs = LogGroup::new(
        stack,
        "MetricsEvents",
        LogGroupProps {
            log_group_name: Some("/aws/events/bird-agent-metrics".into()),
            retention: Retention::Days(30),
            ..Default::default()
        },
    );
    metrics_logs.add_metric_filter(
        "PerformanceEvents",
        MetricFilterProps::new(
            FilterPattern::all_events(),
            &AppNamespace::new(NAMESPACE),
            "PerformanceEvents",
        ),
    );
    let metrics = Rule::new(
        stack,
        "PerformanceMetrics",
        RuleProps {
            rule_name: Some("performance-metrics".into()),
            description: Some("Agent metrics to CloudWatch and the analytics stream".into()),
            event_bus: bus,
            event_pattern: Some(EventPattern::new().source(["agent.metrics"])),
            targets: vec![
                RuleTarget::log_group(&metrics_logs),
                RuleTarget::kinesis(&messaging.analytics).partition_key_path("$.id"),
            ],
            ..RuleProps::default()
        },
    );
    Workflows {
        state_machine,
        logs,
        rules: [messages, analysis, metrics],
    }
}

/// Seed "Multimodal Analysis Workflow": classification, the three
/// analyses in parallel, aggregation, and the notification, logged at
/// level ALL with execution data.
fn state_machine(
    stack: &Scope,
    functions: &Functions,
    messaging: &Messaging,
) -> (StateMachine, LogGroup) {
    let arn = |i: usize| functions.workflow[i].function_arn();
    let branch =
        |name: &str, i: usize| Definition::new(name).state(name, Task::lambda(arn(i)).end());
    let definition = Definition::new("ContentClassification")
        .comment("Multimodal content analysis")
        .state(
            "ContentClassification",
            Task::lambda(arn(0)).next("ParallelProcessing"),
        )
        .state(
            "ParallelProcessing",
            Parallel::new()
                .branch(branch("ImageAnalysis", 1))
                .branch(branch("TextExtraction", 2))
                .branch(branch("MetadataEnrichment", 3))
                .next("ResultsAggregation"),
        )
        .state(
            "ResultsAggregation",
            Task::lambda(arn(4)).next("NotificationDelivery"),
        )
        .state(
            "NotificationDelivery",
            Task::sns_publish(&messaging.processing_complete).end(),
        );
    let logs = LogGroup::new(
        stack,
        "WorkflowLogs",
        LogGroupProps {
            log_group_name: Some("/aws/stepfunctions/multimodal-analysis".into()),
            retention: Retention::Days(WORKFLOW_LOG_RETENTION_DAYS),
            ..Default::default()
        },
    );
    let machine = StateMachine::new(
        stack,
        "MultimodalAnalysisWorkflow",
        StateMachineProps {
            state_machine_name: Some("multimodal-analysis-sm".into()),
            state_machine_type: StateMachineType::Express,
            logs: Some(LogOptions {
                destination: logs.clone(),
                level: LogLevel::All,
                include_execution_data: true,
            }),
            tracing: true,
            ..StateMachineProps::new(definition)
        },
    );
    (machine, logs)
}
