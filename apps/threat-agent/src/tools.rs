//! Seed section "Lambda Tool Infrastructure": the agents' tools by
//! category, Python 3.11 on arm64 (Graviton2), in the private subnets
//! behind LambdaToolSG, traced with X-Ray, all running as the
//! LambdaToolExecutionRole.
//!
//! | Category | Memory | Reserved concurrency | Timeout |
//! |---|---|---|---|
//! | Data Access Tools (DynamoDB, S3, OpenSearch) | 1 GB | 50 | 2 min |
//! | External API Tools (Threat Intelligence) | 2 GB | 20 | 3 min |
//! | AWS Service Tools (EC2, VPC, IAM) | 1.5 GB | 30 | 4 min |
//! | Notification Tools (SNS, EventBridge) | 1 GB | 100 | 1 min |

use std::time::Duration;

use strata::iam::Role;
use strata::lambda::{Architecture, Code, Function, FunctionProps, FunctionVpc, Runtime, Tracing};
use strata::logs::Retention;
use strata::prelude::*;

use crate::network::Network;

/// The seed's ceiling on any tool's timeout ("Timeout: 5 minutes maximum").
pub const MAX_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// Operational log retention ("LogRetention: 30 days (operational)").
pub const OPERATIONAL_RETENTION: Retention = Retention::Days(30);
/// The prefix of the tools' function names; their log groups are
/// `/aws/lambda/agent-tools-<category>`, under the seed's
/// `/aws/lambda/agent-tools`.
pub const FUNCTION_PREFIX: &str = "agent-tools";

/// One tool category of the seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ToolCategory {
    /// The construct id, such as `DataAccessTools`.
    pub id: &'static str,
    /// The function name's suffix and package name, such as `data-access`.
    pub name: &'static str,
    /// What the tools reach.
    pub description: &'static str,
    /// Memory in MB.
    pub memory_mb: u32,
    /// Reserved concurrent executions.
    pub reserved_concurrency: u32,
    /// Timeout.
    pub timeout: Duration,
}

/// The four categories, in the seed's order.
///
/// ```
/// use threat_agent::tools::{CATEGORIES, MAX_TIMEOUT};
/// assert_eq!(CATEGORIES.map(|c| c.reserved_concurrency), [50, 20, 30, 100]);
/// assert!(CATEGORIES.iter().all(|c| c.timeout <= MAX_TIMEOUT));
/// ```
pub const CATEGORIES: [ToolCategory; 4] = [
    ToolCategory {
        id: "DataAccessTools",
        name: "data-access",
        description: "Data Access Tools (DynamoDB, S3, OpenSearch)",
        memory_mb: 1024,
        reserved_concurrency: 50,
        timeout: Duration::from_secs(120),
    },
    ToolCategory {
        id: "ExternalApiTools",
        name: "external-api",
        description: "External API Tools (Threat Intelligence)",
        memory_mb: 2048,
        reserved_concurrency: 20,
        timeout: Duration::from_secs(180),
    },
    ToolCategory {
        id: "AwsServiceTools",
        name: "aws-service",
        description: "AWS Service Tools (EC2, VPC, IAM)",
        memory_mb: 1536,
        reserved_concurrency: 30,
        timeout: Duration::from_secs(240),
    },
    ToolCategory {
        id: "NotificationTools",
        name: "notification",
        description: "Notification Tools (SNS, EventBridge)",
        memory_mb: 1024,
        reserved_concurrency: 100,
        timeout: Duration::from_secs(60),
    },
];

/// The deployed tool functions, in [`CATEGORIES`] order.
#[derive(Clone)]
pub struct Tools {
    /// Data Access Tools.
    pub data_access: Function,
    /// External API Tools.
    pub external_api: Function,
    /// AWS Service Tools.
    pub aws_service: Function,
    /// Notification Tools.
    pub notification: Function,
}

impl Tools {
    /// Every tool function.
    pub fn all(&self) -> [&Function; 4] {
        [
            &self.data_access,
            &self.external_api,
            &self.aws_service,
            &self.notification,
        ]
    }
}

/// Where the application's pipeline publishes the function packages:
/// `threat-agent-artifacts-<account>-<region>`, key
/// `releases/<release>/<package>.zip` (Lambda reads code from its own region).
pub fn package(release: &str, name: &str) -> Code {
    Code::from_bucket(
        Fn::sub("threat-agent-artifacts-${AWS::AccountId}-${AWS::Region}"),
        format!("releases/{release}/{name}.zip"),
    )
}

/// The common settings of the app's Python functions: Python 3.11 on
/// arm64, traced, logs kept 30 days encrypted with `logs_key`.
pub fn python(release: &str, package_name: &str, logs_key: Value<String>) -> FunctionProps {
    FunctionProps {
        architecture: Architecture::Arm64,
        tracing: Tracing::Active,
        log_retention: OPERATIONAL_RETENTION,
        log_kms_key_arn: Some(logs_key),
        ..FunctionProps::new(
            Runtime::PYTHON_3_11,
            "handler.handler",
            package(release, package_name),
        )
    }
}

/// What every tool is configured with.
pub struct ToolSettings<'a> {
    /// The network (private subnets, LambdaToolSG).
    pub network: &'a Network,
    /// LambdaToolExecutionRole.
    pub role: &'a Role,
    /// The package release.
    pub release: &'a str,
    /// The log groups' key ARN.
    pub logs_key: Value<String>,
    /// Environment variables (table names, endpoints, ...).
    pub environment: Map<Value<String>>,
    /// Reserved concurrency of every category in a warm standby (the
    /// failover function raises it to the seed's); `None` in the active
    /// region, which runs the seed's per-category values.
    pub reserved_concurrency: Option<u32>,
}

/// Adds the four tool categories under `scope`. Bedrock agents of this
/// account and region may invoke them.
pub fn build(scope: &Scope, settings: &ToolSettings) -> Tools {
    let [data_access, external_api, aws_service, notification] =
        CATEGORIES.map(|c| tool(scope, settings, &c));
    Tools {
        data_access,
        external_api,
        aws_service,
        notification,
    }
}

fn tool(scope: &Scope, s: &ToolSettings, c: &ToolCategory) -> Function {
    if c.timeout > MAX_TIMEOUT {
        scope.error(
            "tool-timeout",
            format!(
                "{} has a timeout of {:?}; the seed caps tools at 5 minutes",
                c.id, c.timeout
            ),
        );
    }
    let mut environment = s.environment.clone();
    environment.insert("TOOL_CATEGORY".into(), c.name.into());
    let function = Function::new(
        scope,
        c.id,
        FunctionProps {
            function_name: Some(format!("{FUNCTION_PREFIX}-{}", c.name)),
            description: Some(c.description.into()),
            memory_size: c.memory_mb,
            timeout: c.timeout,
            reserved_concurrency: Some(
                s.reserved_concurrency
                    .map_or(c.reserved_concurrency, |standby| {
                        standby.min(c.reserved_concurrency)
                    }),
            ),
            vpc: Some(FunctionVpc::new(
                s.network.private_subnet_ids(),
                vec![s.network.groups.lambda_tool.group_id()],
            )),
            role: Some(s.role.clone()),
            environment,
            ..python(s.release, &format!("tools-{}", c.name), s.logs_key.clone())
        },
    );
    function.add_permission(
        "InvokeByBedrockAgents",
        "bedrock.amazonaws.com",
        Some(Fn::sub(
            "arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:agent/*",
        )),
    );
    function
}
