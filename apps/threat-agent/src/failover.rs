//! Seed section "Disaster Recovery Infrastructure / Failover Automation":
//! the "Lambda Failover Function" in the standby region. The alarm on the
//! Route 53 health check of the primary region ([`crate::monitoring`])
//! invokes it through SNS; it can also be invoked by hand with
//! `{"state": "ALARM"}`. It turns the warm standby into the active region:
//! the tools get the seed's reserved concurrency, the standby's event rules
//! are enabled, Redis gets its replicas, and responders are told.

use std::time::Duration;

use strata::elasticache::RedisReplicationGroup;
use strata::iam::PolicyStatement;
use strata::lambda::{Architecture, Code, Function, FunctionProps, Runtime, Tracing};
use strata::prelude::*;

use crate::integration::{emergency_topic_arn, EVENT_BUS_NAME, RULES};
use crate::monitoring::FAILOVER_TOPIC_NAME;
use crate::security::Keys;
use crate::tools::{Tools, CATEGORIES, FUNCTION_PREFIX, OPERATIONAL_RETENTION};

/// The function's source (Python, run inline by Lambda).
pub const SOURCE: &str = r#"import json
import os

import boto3

lambda_client = boto3.client("lambda")
events = boto3.client("events")
elasticache = boto3.client("elasticache")
sns = boto3.client("sns")


def alarm_state(event):
    for record in event.get("Records", []):
        return json.loads(record["Sns"]["Message"]).get("NewStateValue")
    return event.get("state")


def handler(event, context):
    state = alarm_state(event)
    if state != "ALARM":
        return {"failover": False, "state": state}
    steps = []
    for name, concurrency in json.loads(os.environ["TOOL_CONCURRENCY"]).items():
        lambda_client.put_function_concurrency(
            FunctionName=name, ReservedConcurrentExecutions=concurrency
        )
        steps.append(f"{name}: reserved concurrency {concurrency}")
    bus = os.environ["EVENT_BUS_NAME"]
    for rule in os.environ["RULE_NAMES"].split(","):
        events.enable_rule(Name=rule, EventBusName=bus)
        steps.append(f"rule {rule} enabled")
    group = os.environ["REDIS_REPLICATION_GROUP"]
    replicas = int(os.environ["REDIS_REPLICAS"])
    if replicas > 0:
        elasticache.increase_replica_count(
            ReplicationGroupId=group, NewReplicaCount=replicas, ApplyImmediately=True
        )
        steps.append(f"{group}: {replicas} replicas")
    sns.publish(
        TopicArn=os.environ["NOTIFY_TOPIC_ARN"],
        Subject="threat-agent failed over to " + os.environ["AWS_REGION"],
        Message="\n".join(steps),
    )
    return {"failover": True, "steps": steps}
"#;

/// The seed's reserved concurrency of each tool, by function name, as the
/// function restores it (JSON).
///
/// ```
/// let json = threat_agent::failover::tool_concurrency();
/// assert!(json.starts_with("{\"agent-tools-data-access\": 50,"));
/// ```
pub fn tool_concurrency() -> String {
    let entries: Vec<String> = CATEGORIES
        .iter()
        .map(|c| {
            format!(
                "\"{FUNCTION_PREFIX}-{}\": {}",
                c.name, c.reserved_concurrency
            )
        })
        .collect();
    format!("{{{}}}", entries.join(", "))
}

/// Adds the failover function under `scope` (the standby stack), allowed
/// to act on `tools`, the standby's rules and `redis`, and invocable by the
/// failover topic in `primary_region`.
pub fn build(
    scope: &Scope,
    keys: &Keys,
    tools: &Tools,
    redis: &RedisReplicationGroup,
    redis_replicas: u32,
    primary_region: &str,
) -> Function {
    let environment: Map<Value<String>> = [
        ("TOOL_CONCURRENCY", tool_concurrency().into()),
        ("EVENT_BUS_NAME", EVENT_BUS_NAME.into()),
        ("RULE_NAMES", RULES.map(|(id, _)| id).join(",").into()),
        ("REDIS_REPLICATION_GROUP", redis.resource().ref_()),
        ("REDIS_REPLICAS", redis_replicas.to_string().into()),
        ("NOTIFY_TOPIC_ARN", emergency_topic_arn()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let function = Function::new(
        scope,
        "FailoverFunction",
        FunctionProps {
            function_name: Some("threat-agent-failover".into()),
            description: Some("Promotes the warm standby region to active".into()),
            architecture: Architecture::Arm64,
            memory_size: 256,
            timeout: Duration::from_secs(60),
            tracing: Tracing::Active,
            log_retention: OPERATIONAL_RETENTION,
            log_kms_key_arn: Some(keys.logs.clone()),
            environment,
            ..FunctionProps::new(Runtime::PYTHON_3_11, "index.handler", Code::inline(SOURCE))
        },
    );
    function.add_to_role_policy(
        PolicyStatement::allow()
            .sid("RestoreToolConcurrency")
            .action("lambda:PutFunctionConcurrency")
            .resources(tools.all().iter().map(|f| f.function_arn())),
    );
    function.add_to_role_policy(
        PolicyStatement::allow()
            .sid("EnableStandbyRules")
            .action("events:EnableRule")
            .resources(RULES.map(|(id, _)| {
                Fn::sub(&format!(
                    "arn:${{AWS::Partition}}:events:${{AWS::Region}}:${{AWS::AccountId}}:rule/{EVENT_BUS_NAME}/{id}"
                ))
            })),
    );
    function.add_to_role_policy(
        PolicyStatement::allow()
            .sid("AddCacheReplicas")
            .action("elasticache:IncreaseReplicaCount")
            .resource(Fn::sub_with(
                "arn:${AWS::Partition}:elasticache:${AWS::Region}:${AWS::AccountId}:replicationgroup:${Group}",
                [("Group", redis.resource().ref_())],
            )),
    );
    function.add_to_role_policy(
        PolicyStatement::allow()
            .sid("NotifyResponders")
            .action("sns:Publish")
            .resource(emergency_topic_arn()),
    );
    function.add_to_role_policy(
        PolicyStatement::allow()
            .sid("EncryptedTopic")
            .actions(["kms:Decrypt", "kms:GenerateDataKey*"])
            .resource(keys.messaging.key_arn()),
    );
    function.add_permission(
        "InvokeByFailoverTopic",
        "sns.amazonaws.com",
        Some(Fn::sub(&format!(
            "arn:${{AWS::Partition}}:sns:{primary_region}:${{AWS::AccountId}}:{FAILOVER_TOPIC_NAME}"
        ))),
    );
    function
}
