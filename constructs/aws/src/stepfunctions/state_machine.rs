//! The state machine (`AWS::StepFunctions::StateMachine` at
//! `<id>/Resource`) with its execution role at `<id>/Role`, granted
//! exactly what its tasks, logging and tracing use.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use strata_cfn::step_functions::{self as cfn, state_machine as l1};
use strata_core::{Handle, RemovalPolicy, ResourceOptions, Scope, Value};

use super::definition::Definition;
use super::states::TaskResource;
use crate::iam::{Grant, Grantable, PolicyStatement, Principal, Role, RoleProps};
use crate::logs::LogGroup;

/// The kind of state machine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StateMachineType {
    /// Durable, exactly-once executions of up to a year.
    #[default]
    Standard,
    /// High-volume, at-least-once executions of up to five minutes.
    Express,
}

/// How much of each execution is logged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogLevel {
    /// Every event.
    All,
    /// Errors.
    Error,
    /// Fatal errors.
    Fatal,
}

impl LogLevel {
    fn as_str(self) -> &'static str {
        match self {
            LogLevel::All => "ALL",
            LogLevel::Error => "ERROR",
            LogLevel::Fatal => "FATAL",
        }
    }
}

/// Where and how executions are logged.
#[derive(Clone, Debug)]
pub struct LogOptions {
    /// The log group receiving the execution history.
    pub destination: LogGroup,
    /// What is logged.
    pub level: LogLevel,
    /// Log inputs and outputs too.
    pub include_execution_data: bool,
}

/// Settings of a [`StateMachine`].
#[derive(Clone, Debug)]
pub struct StateMachineProps {
    /// A physical name (1 to 80 of `a-zA-Z0-9-_`); unset lets
    /// CloudFormation name it.
    pub state_machine_name: Option<String>,
    /// The states.
    pub definition: Definition,
    /// Standard or Express.
    pub state_machine_type: StateMachineType,
    /// Execution logging to CloudWatch Logs.
    pub logs: Option<LogOptions>,
    /// X-Ray tracing.
    pub tracing: bool,
    /// Deletion and replacement policy (default Delete, as the CDK).
    pub removal_policy: RemovalPolicy,
}

impl StateMachineProps {
    /// A standard state machine running `definition`, without logging or tracing.
    pub fn new(definition: Definition) -> Self {
        StateMachineProps {
            state_machine_name: None,
            definition,
            state_machine_type: StateMachineType::Standard,
            logs: None,
            tracing: false,
            removal_policy: RemovalPolicy::Delete,
        }
    }
}

struct Inner {
    scope: Scope,
    machine: cfn::StateMachineRef,
    role: Role,
    events_role: RefCell<Option<Role>>,
}

/// A Step Functions state machine and its execution role.
///
/// ```
/// use strata::prelude::*;
/// use strata::stepfunctions::{Definition, StateMachine, StateMachineProps, Task};
///
/// let app = App::new();
/// let stack = app.stack("Workflows", StackProps::default());
/// let classify = "arn:aws:lambda:us-east-1:123456789012:function:content-classifier";
/// StateMachine::new(&stack, "Analysis", StateMachineProps::new(
///     Definition::new("Classify").state("Classify", Task::lambda(classify).end()),
/// ));
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let policy = &t["Resources"][strata::logical_id(&["Analysis", "Role", "DefaultPolicy", "Resource"]).as_str()];
/// let statement = &policy["Properties"]["PolicyDocument"]["Statement"][0];
/// assert_eq!(statement["Action"], "lambda:InvokeFunction");
/// assert_eq!(statement["Resource"], classify);
/// ```
#[derive(Clone)]
pub struct StateMachine {
    inner: Rc<Inner>,
}

impl fmt::Debug for StateMachine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StateMachine({})", self.inner.scope.path())
    }
}

/// What the execution role needs to deliver logs to CloudWatch Logs;
/// these actions have no resource-level permissions.
const LOG_DELIVERY_ACTIONS: [&str; 8] = [
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
];
/// What the execution role needs to send traces; no resource-level permissions.
const XRAY_ACTIONS: [&str; 4] = [
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
];

impl StateMachine {
    /// Adds the state machine under `scope` at `<id>/Resource`, its role at
    /// `<id>/Role`.
    pub fn new(scope: &Scope, id: &str, props: StateMachineProps) -> StateMachine {
        let scope = scope.child(id);
        for problem in props.definition.problems() {
            scope.error("sfn-definition", problem);
        }
        if let Some(name) = &props.state_machine_name {
            let ok = !name.is_empty()
                && name.len() <= 80
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !ok {
                scope.error(
                    "sfn-state-machine-name",
                    format!("state machine name {name:?} is invalid: use 1 to 80 of a-z, A-Z, 0-9, '-' and '_'"),
                );
            }
        }
        let role = Role::new(
            &scope,
            "Role",
            RoleProps::new(Principal::service("states.amazonaws.com")),
        );
        grant_tasks(&role, &props.definition);
        if props.logs.is_some() {
            role.add_to_policy(
                PolicyStatement::allow()
                    .actions(LOG_DELIVERY_ACTIONS)
                    .all_resources(),
            );
        }
        if props.tracing {
            role.add_to_policy(
                PolicyStatement::allow()
                    .actions(XRAY_ACTIONS)
                    .all_resources(),
            );
        }
        let logging = props.logs.as_ref().map(|l| {
            l1::LoggingConfiguration {
                destinations: Some(Value::list([l1::LogDestination {
                    cloud_watch_logs_log_group: Some(
                        l1::CloudWatchLogsLogGroup {
                            log_group_arn: Some(l.destination.log_group_arn()),
                        }
                        .into(),
                    ),
                }])),
                include_execution_data: Some(l.include_execution_data.into()),
                level: Some(l.level.as_str().into()),
            }
            .into()
        });
        // The role itself is already a dependency through `RoleArn`.
        let depends_on: Vec<Handle> = default_policy(&role).into_iter().collect();
        let machine = scope.resource_with(
            "Resource",
            cfn::StateMachine {
                state_machine_name: props.state_machine_name.as_deref().map(Value::from),
                definition_string: Some(props.definition.to_definition_string()),
                state_machine_type: Some(
                    match props.state_machine_type {
                        StateMachineType::Standard => "STANDARD",
                        StateMachineType::Express => "EXPRESS",
                    }
                    .into(),
                ),
                logging_configuration: logging,
                tracing_configuration: props.tracing.then(|| {
                    l1::TracingConfiguration {
                        enabled: Some(true.into()),
                    }
                    .into()
                }),
                ..cfn::StateMachine::new(role.arn())
            },
            ResourceOptions {
                depends_on,
                ..ResourceOptions::removal(props.removal_policy)
            },
        );
        StateMachine {
            inner: Rc::new(Inner {
                scope,
                machine,
                role,
                events_role: RefCell::new(None),
            }),
        }
    }

    /// The state machine ARN, `Ref`.
    pub fn state_machine_arn(&self) -> Value<String> {
        self.inner.machine.ref_()
    }

    /// The state machine name, `Fn::GetAtt [<machine>, Name]`.
    pub fn state_machine_name(&self) -> Value<String> {
        self.inner.machine.name()
    }

    /// The execution role.
    pub fn role(&self) -> &Role {
        &self.inner.role
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::StateMachineRef {
        &self.inner.machine
    }

    /// The state machine's construct scope.
    pub fn scope(&self) -> &Scope {
        &self.inner.scope
    }

    /// Lets `grantee` start executions.
    pub fn grant_start_execution(&self, grantee: &dyn Grantable) -> Grant {
        Grant::to_principal(
            grantee,
            &["states:StartExecution"],
            vec![self.state_machine_arn()],
        )
    }

    /// Lets `grantee` run synchronous executions (Express state machines).
    pub fn grant_start_sync_execution(&self, grantee: &dyn Grantable) -> Grant {
        Grant::to_principal(
            grantee,
            &["states:StartSyncExecution"],
            vec![self.state_machine_arn()],
        )
    }

    /// The role EventBridge assumes to start executions, `<id>/EventsRole`,
    /// made on first use (the CDK's singleton events role).
    pub(crate) fn events_role(&self) -> Role {
        let mut slot = self.inner.events_role.borrow_mut();
        slot.get_or_insert_with(|| {
            let role = Role::new(
                &self.inner.scope,
                "EventsRole",
                RoleProps::new(Principal::service("events.amazonaws.com")),
            );
            self.grant_start_execution(&role);
            role
        })
        .clone()
    }
}

/// `lambda:InvokeFunction` on exactly the functions the tasks invoke, and
/// publishing to exactly the topics they publish to.
fn grant_tasks(role: &Role, definition: &Definition) {
    let mut functions: Vec<Value<String>> = Vec::new();
    let mut topics: Vec<Value<String>> = Vec::new();
    let mut keys = Vec::new();
    for resource in definition.task_resources() {
        match resource {
            TaskResource::Lambda(arn) | TaskResource::LambdaInvoke(arn) => {
                if !functions.contains(&arn) {
                    functions.push(arn);
                }
            }
            TaskResource::SnsPublish(arn, key) => {
                keys.extend(key);
                if !topics.contains(&arn) {
                    topics.push(arn);
                }
            }
        }
    }
    if !functions.is_empty() {
        role.add_to_policy(
            PolicyStatement::allow()
                .action("lambda:InvokeFunction")
                .resources(functions),
        );
    }
    if !topics.is_empty() {
        role.add_to_policy(
            PolicyStatement::allow()
                .action("sns:Publish")
                .resources(topics),
        );
    }
    // Publishing to an encrypted topic needs its key; identical grants
    // are kept once by the policy document.
    for key in keys {
        key.grant(role, &["kms:Decrypt", "kms:GenerateDataKey*"]);
    }
}

/// The role's default policy resource, when it has one.
fn default_policy(role: &Role) -> Option<Handle> {
    let policy = role
        .scope()
        .children()
        .into_iter()
        .find(|c| c.id() == "DefaultPolicy")?;
    let resource = policy
        .children()
        .into_iter()
        .find(|c| c.id() == "Resource")?;
    Some(resource.handle())
}
