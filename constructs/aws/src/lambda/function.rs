//! The Lambda function L2: an `AWS::Lambda::Function` at `<id>/Resource`
//! with its execution role at `<id>/ServiceRole`, its log group at
//! `<id>/LogGroup`, and the permissions its settings imply (VPC access,
//! X-Ray, dead-letter queue and destinations), as the CDK's `Function`.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use strata_cfn::lambda::{self as cfn, event_invoke_config as eic, function as l1};
use strata_core::{Handle, Map, Scope, Value};

use crate::iam::{Grantable, ManagedPolicy, PolicyStatement, Principal, Role, RoleProps};
use crate::logs::{LogGroup, LogGroupProps, Retention};

use super::code::Code;
use super::destination::Destination;
use super::runtime::{Architecture, Runtime};

/// The subnets and security groups of a function attached to a VPC.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionVpc {
    /// Subnet ids, usually the private application tier (`vpc.subnet_ids("private-app")`).
    pub subnet_ids: Vec<Value<String>>,
    /// Security group ids (1 to 5).
    pub security_group_ids: Vec<Value<String>>,
}

impl FunctionVpc {
    /// Subnets and security groups.
    pub fn new(subnet_ids: Vec<Value<String>>, security_group_ids: Vec<Value<String>>) -> Self {
        FunctionVpc {
            subnet_ids,
            security_group_ids,
        }
    }
}

/// X-Ray tracing of the function.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tracing {
    /// No `TracingConfig`.
    #[default]
    Disabled,
    /// `Active`: Lambda samples requests and the role may write traces.
    Active,
    /// `PassThrough`: trace only requests that arrive with a sampled trace header.
    PassThrough,
}

/// How asynchronous invocations are retried and where their results go
/// (`AWS::Lambda::EventInvokeConfig` at `<id>/EventInvokeConfig/Resource`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AsyncInvoke {
    /// Where successful invocation records go.
    pub on_success: Option<Destination>,
    /// Where failed invocation records go.
    pub on_failure: Option<Destination>,
    /// Retries after a failed invocation, 0 to 2 (Lambda's default is 2).
    pub retry_attempts: Option<u32>,
    /// How long an event may wait, 60 seconds to 6 hours (the default is 6 hours).
    pub max_event_age: Option<Duration>,
}

/// Settings of a [`Function`]. `FunctionProps::new(runtime, handler, code)`
/// gives an x86_64 function with 128 MB, a 3 second timeout, its own
/// execution role and a log group kept 731 days.
#[derive(Clone)]
pub struct FunctionProps {
    /// The runtime.
    pub runtime: Runtime,
    /// The handler, such as `index.handler` or `bootstrap`.
    pub handler: String,
    /// The deployment package.
    pub code: Code,
    /// A physical name (1 to 64 of `a-zA-Z0-9-_`); the log group is then
    /// `/aws/lambda/<name>`.
    pub function_name: Option<String>,
    /// The description.
    pub description: Option<String>,
    /// x86_64 or arm64.
    pub architecture: Architecture,
    /// Memory in MB, 128 to 10240.
    pub memory_size: u32,
    /// Longest run, 1 second to 15 minutes.
    pub timeout: Duration,
    /// Environment variables.
    pub environment: Map<Value<String>>,
    /// Layer version ARNs (at most 5).
    pub layers: Vec<Value<String>>,
    /// VPC attachment; the role gets `AWSLambdaVPCAccessExecutionRole`.
    pub vpc: Option<FunctionVpc>,
    /// Reserved concurrent executions (0 stops the function).
    pub reserved_concurrency: Option<u32>,
    /// `/tmp` size in MB, 512 to 10240.
    pub ephemeral_storage_mb: Option<u32>,
    /// The log group's retention.
    pub log_retention: Retention,
    /// A KMS key ARN for the log group.
    pub log_kms_key_arn: Option<Value<String>>,
    /// An SQS queue ARN for events that failed every attempt
    /// (`DeadLetterConfig`); the role may send to it.
    pub dead_letter_queue_arn: Option<Value<String>>,
    /// Retries and destinations of asynchronous invocations.
    pub async_invoke: Option<AsyncInvoke>,
    /// X-Ray tracing.
    pub tracing: Tracing,
    /// An existing execution role instead of `<id>/ServiceRole`. It gets
    /// the VPC access policy when the function is in a VPC, and every
    /// statement the function's settings and grants need.
    pub role: Option<Role>,
}

impl FunctionProps {
    /// Defaults around the runtime, handler and code.
    pub fn new(runtime: Runtime, handler: &str, code: Code) -> Self {
        FunctionProps {
            runtime,
            handler: handler.to_string(),
            code,
            function_name: None,
            description: None,
            architecture: Architecture::X86_64,
            memory_size: 128,
            timeout: Duration::from_secs(3),
            environment: Map::new(),
            layers: Vec::new(),
            vpc: None,
            reserved_concurrency: None,
            ephemeral_storage_mb: None,
            log_retention: Retention::Days(731),
            log_kms_key_arn: None,
            dead_letter_queue_arn: None,
            async_invoke: None,
            tracing: Tracing::Disabled,
            role: None,
        }
    }
}

/// A Lambda function with its execution role and log group.
///
/// ```
/// use std::time::Duration;
/// use strata::lambda::{Architecture, Code, Function, FunctionProps, Runtime};
/// use strata::prelude::*;
///
/// let app = App::new();
/// let stack = app.stack("Tools", StackProps::default());
/// let tool = Function::new(&stack, "DataAccessTool", FunctionProps {
///     architecture: Architecture::Arm64,
///     memory_size: 1024,
///     timeout: Duration::from_secs(120),
///     reserved_concurrency: Some(50),
///     ..FunctionProps::new(
///         Runtime::PYTHON_3_11,
///         "index.handler",
///         Code::inline("def handler(event, context):\n    return {}\n"),
///     )
/// });
/// stack.output("ToolArn", Output::new(tool.function_arn()));
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let f = &t["Resources"][strata::logical_id(&["DataAccessTool", "Resource"]).as_str()];
/// assert_eq!(f["Properties"]["Architectures"][0], "arm64");
/// assert_eq!(f["Properties"]["Timeout"], 120);
/// ```
#[derive(Clone)]
pub struct Function {
    pub(super) scope: Scope,
    pub(super) resource: cfn::FunctionRef,
    pub(super) role: Role,
    pub(super) log_group: LogGroup,
    pub(super) reserved_concurrency: Option<u32>,
    /// Ids of the permissions added for grants, so a repeated grant adds one.
    pub(super) permissions: Rc<RefCell<Vec<String>>>,
    /// The version aliases point at, published on the first alias.
    pub(super) current_version: Rc<RefCell<Option<cfn::VersionRef>>>,
}

impl std::fmt::Debug for Function {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Function({:?})", self.scope.path())
    }
}

/// The AWS managed policy every function role gets.
const BASIC_EXECUTION: &str = "service-role/AWSLambdaBasicExecutionRole";
/// The AWS managed policy a function in a VPC needs for its network interfaces.
const VPC_ACCESS: &str = "service-role/AWSLambdaVPCAccessExecutionRole";

impl Function {
    /// Adds the function under `scope` at `<id>/Resource`.
    pub fn new(scope: &Scope, id: &str, props: FunctionProps) -> Function {
        let scope = scope.child(id);
        report(&scope, &props);
        let role = match &props.role {
            Some(role) => {
                if props.vpc.is_some() {
                    role.add_managed_policy(ManagedPolicy::aws(VPC_ACCESS));
                }
                role.clone()
            }
            None => {
                let mut managed = vec![ManagedPolicy::aws(BASIC_EXECUTION)];
                if props.vpc.is_some() {
                    managed.push(ManagedPolicy::aws(VPC_ACCESS));
                }
                Role::new(
                    &scope,
                    "ServiceRole",
                    RoleProps {
                        managed_policies: managed,
                        ..RoleProps::new(Principal::service("lambda.amazonaws.com"))
                    },
                )
            }
        };
        let log_group = LogGroup::new(
            &scope,
            "LogGroup",
            LogGroupProps {
                log_group_name: props
                    .function_name
                    .as_ref()
                    .map(|n| format!("/aws/lambda/{n}")),
                retention: props.log_retention,
                kms_key_arn: props.log_kms_key_arn.clone(),
                ..LogGroupProps::default()
            },
        );
        if let Some(dlq) = &props.dead_letter_queue_arn {
            role.add_to_policy(
                PolicyStatement::allow()
                    .action("sqs:SendMessage")
                    .resource(dlq.clone()),
            );
        }
        if props.tracing == Tracing::Active {
            role.add_to_policy(
                PolicyStatement::allow()
                    .actions(["xray:PutTraceSegments", "xray:PutTelemetryRecords"])
                    .all_resources(),
            );
        }
        if let Some(ai) = &props.async_invoke {
            for d in ai.on_success.iter().chain(&ai.on_failure) {
                d.grant_send(&role);
            }
        }
        let code = props.code.render(&scope);
        let resource = scope.resource("Resource", render(&props, code, &role, &log_group));
        let function = Function {
            scope,
            resource,
            role,
            log_group,
            reserved_concurrency: props.reserved_concurrency,
            permissions: Rc::new(RefCell::new(Vec::new())),
            current_version: Rc::new(RefCell::new(None)),
        };
        if props.function_name.is_some() {
            // Lambda creates `/aws/lambda/<name>` on first write unless the
            // group exists already.
            function.add_dependency(**function.log_group.resource());
        }
        function.depend_on_role_policy();
        if let Some(ai) = &props.async_invoke {
            function.configure_async_invoke(ai);
        }
        function
    }

    fn configure_async_invoke(&self, ai: &AsyncInvoke) {
        let config = self.scope.child("EventInvokeConfig");
        let destinations = (ai.on_success.is_some() || ai.on_failure.is_some()).then(|| {
            eic::DestinationConfig {
                on_failure: ai
                    .on_failure
                    .as_ref()
                    .map(|d| eic::OnFailure::new(d.arn().clone()).into()),
                on_success: ai
                    .on_success
                    .as_ref()
                    .map(|d| eic::OnSuccess::new(d.arn().clone()).into()),
            }
            .into()
        });
        config.resource(
            "Resource",
            cfn::EventInvokeConfig {
                destination_config: destinations,
                maximum_event_age_in_seconds: ai.max_event_age.map(|d| secs(d).into()),
                maximum_retry_attempts: ai.retry_attempts.map(|r| i64::from(r).into()),
                ..cfn::EventInvokeConfig::new(self.function_name(), "$LATEST")
            },
        );
    }

    /// Adds `DependsOn: handle` to the function resource, once.
    pub(super) fn add_dependency(&self, handle: Handle) {
        if let Some(res) = self.scope.of(&self.resource) {
            res.with_options(|o| {
                if !o.depends_on.contains(&handle) {
                    o.depends_on.push(handle);
                }
            });
        }
    }

    /// Makes the function wait for its role's default policy, so event
    /// sources and destinations find their permissions in place.
    pub(super) fn depend_on_role_policy(&self) {
        if let Some(policy) = role_default_policy(&self.role) {
            self.add_dependency(policy);
        }
    }

    /// The function's ARN (`Fn::GetAtt Arn`).
    pub fn function_arn(&self) -> Value<String> {
        self.resource.arn()
    }

    /// The function's name (`Ref`).
    pub fn function_name(&self) -> Value<String> {
        self.resource.ref_()
    }

    /// The execution role.
    pub fn role(&self) -> &Role {
        &self.role
    }

    /// The log group the function writes to.
    pub fn log_group(&self) -> &LogGroup {
        &self.log_group
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::FunctionRef {
        &self.resource
    }

    /// The function's construct scope (`<id>`).
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Adds a statement to the execution role's policy.
    pub fn add_to_role_policy(&self, statement: PolicyStatement) {
        self.add_to_principal_policy(statement);
    }
}

impl Grantable for Function {
    fn grant_principal(&self) -> Principal {
        self.role.grant_principal()
    }

    fn add_to_principal_policy(&self, statement: PolicyStatement) -> bool {
        let added = self.role.add_to_policy(statement);
        self.depend_on_role_policy();
        added
    }
}

/// The handle of `role`'s default policy (`<role>/DefaultPolicy/Resource`),
/// once a statement has created it.
pub(crate) fn role_default_policy(role: &Role) -> Option<Handle> {
    role.scope()
        .children()
        .into_iter()
        .find(|c| c.id() == "DefaultPolicy")
        .and_then(|p| p.children().into_iter().find(|c| c.id() == "Resource"))
        .map(|r| r.handle())
}

/// Whole seconds of `d`.
pub(super) fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

fn render(
    props: &FunctionProps,
    code: l1::Code,
    role: &Role,
    log_group: &LogGroup,
) -> cfn::Function {
    cfn::Function {
        architectures: Some(Value::list([props.architecture.name()])),
        dead_letter_config: props.dead_letter_queue_arn.as_ref().map(|arn| {
            l1::DeadLetterConfig {
                target_arn: Some(arn.clone()),
            }
            .into()
        }),
        description: props.description.as_deref().map(Value::from),
        environment: (!props.environment.is_empty()).then(|| {
            l1::Environment {
                variables: Some(Value::Lit(props.environment.clone())),
            }
            .into()
        }),
        ephemeral_storage: props
            .ephemeral_storage_mb
            .map(|mb| l1::EphemeralStorage::new(i64::from(mb)).into()),
        function_name: props.function_name.as_deref().map(Value::from),
        handler: Some(props.handler.as_str().into()),
        layers: (!props.layers.is_empty()).then(|| Value::Lit(props.layers.clone())),
        logging_config: props.function_name.is_none().then(|| {
            l1::LoggingConfig {
                log_group: Some(log_group.log_group_name()),
                ..l1::LoggingConfig::new()
            }
            .into()
        }),
        memory_size: Some(i64::from(props.memory_size).into()),
        reserved_concurrent_executions: props.reserved_concurrency.map(|c| i64::from(c).into()),
        runtime: Some(props.runtime.name().into()),
        timeout: Some(secs(props.timeout).into()),
        tracing_config: match props.tracing {
            Tracing::Disabled => None,
            Tracing::Active => Some("Active"),
            Tracing::PassThrough => Some("PassThrough"),
        }
        .map(|mode| {
            l1::TracingConfig {
                mode: Some(mode.into()),
            }
            .into()
        }),
        vpc_config: props.vpc.as_ref().map(|v| {
            l1::VpcConfig {
                security_group_ids: Some(Value::Lit(v.security_group_ids.clone())),
                subnet_ids: Some(Value::Lit(v.subnet_ids.clone())),
                ..l1::VpcConfig::new()
            }
            .into()
        }),
        ..cfn::Function::new(code, role.arn())
    }
}

/// Environment variables Lambda sets itself and refuses from the template.
const RESERVED_ENV: [&str; 16] = [
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
];

/// Records at `scope` everything Lambda would reject in `props`.
fn report(scope: &Scope, props: &FunctionProps) {
    if let Some(p) = props.runtime.problem() {
        scope.error("lambda-runtime", p);
    }
    for p in props.code.problems(&props.runtime) {
        scope.error("lambda-code", p);
    }
    if props.handler.trim().is_empty() || props.handler.len() > 128 {
        scope.error(
            "lambda-handler",
            format!("the handler {:?} must be 1 to 128 characters, such as \"index.handler\" or \"bootstrap\"", props.handler),
        );
    }
    if !(128..=10240).contains(&props.memory_size) {
        scope.error(
            "lambda-memory",
            format!(
                "memory_size {} MB is out of range; Lambda takes 128 to 10240 MB",
                props.memory_size
            ),
        );
    }
    let t = props.timeout;
    if t.subsec_nanos() != 0 || !(1..=900).contains(&t.as_secs()) {
        scope.error(
            "lambda-timeout",
            format!("a timeout of {t:?} is out of range; Lambda runs a function for whole seconds from 1 second to 900 seconds (15 minutes)"),
        );
    }
    if let Some(mb) = props.ephemeral_storage_mb {
        if !(512..=10240).contains(&mb) {
            scope.error(
                "lambda-ephemeral-storage",
                format!("ephemeral storage of {mb} MB is out of range; use 512 to 10240 MB"),
            );
        }
    }
    if let Some(name) = &props.function_name {
        let ok = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            scope.error(
                "lambda-function-name",
                format!(
                    "function name {name:?} is invalid: use 1 to 64 of a-z, A-Z, 0-9, '-' and '_'"
                ),
            );
        }
    }
    report_environment(scope, &props.environment);
    if props.layers.len() > 5 {
        scope.error(
            "lambda-layers",
            format!("{} layers; a function takes at most 5", props.layers.len()),
        );
    }
    for layer in props.layers.iter().filter_map(Value::as_literal) {
        let parts: Vec<&str> = layer.split(':').collect();
        let ok = parts.len() == 8
            && parts[0] == "arn"
            && parts[2] == "lambda"
            && parts[5] == "layer"
            && parts[7].parse::<u64>().is_ok();
        if !ok {
            scope.error(
                "lambda-layers",
                format!("{layer:?} is not a layer version ARN (arn:<partition>:lambda:<region>:<account>:layer:<name>:<version>)"),
            );
        }
    }
    if let Some(vpc) = &props.vpc {
        if vpc.subnet_ids.is_empty() || vpc.subnet_ids.len() > 16 {
            scope.error(
                "lambda-vpc",
                format!("{} subnets; a function in a VPC needs 1 to 16 subnets, such as vpc.subnet_ids(\"private-app\")", vpc.subnet_ids.len()),
            );
        }
        if vpc.security_group_ids.is_empty() || vpc.security_group_ids.len() > 5 {
            scope.error(
                "lambda-vpc",
                format!(
                    "{} security groups; a function in a VPC needs 1 to 5",
                    vpc.security_group_ids.len()
                ),
            );
        }
    }
    if let Some(dlq) = props.dead_letter_queue_arn.clone() {
        if let Some(p) = Destination::Queue(dlq).problem() {
            scope.error("lambda-dead-letter-queue", p);
        }
    }
    if let Some(ai) = &props.async_invoke {
        for d in ai.on_success.iter().chain(&ai.on_failure) {
            if let Some(p) = d.problem() {
                scope.error("lambda-async-invoke", p);
            }
        }
        if ai.retry_attempts.is_some_and(|r| r > 2) {
            scope.error(
                "lambda-async-invoke",
                "retry_attempts must be 0, 1 or 2 for asynchronous invocations",
            );
        }
        if let Some(age) = ai.max_event_age {
            if age.subsec_nanos() != 0 || !(60..=21600).contains(&age.as_secs()) {
                scope.error(
                    "lambda-async-invoke",
                    format!("max_event_age {age:?} is out of range; use whole seconds from 60 seconds to 6 hours"),
                );
            }
        }
    }
}

fn report_environment(scope: &Scope, environment: &Map<Value<String>>) {
    let mut size = 0;
    for (key, value) in environment {
        let ok = key.len() >= 2
            && key.starts_with(|c: char| c.is_ascii_alphabetic())
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            scope.error(
                "lambda-environment",
                format!("environment variable name {key:?} is invalid: start with a letter and use letters, digits and '_' (at least 2 characters)"),
            );
        }
        if RESERVED_ENV.contains(&key.as_str()) {
            scope.error(
                "lambda-environment",
                format!("{key} is reserved by Lambda and cannot be set"),
            );
        }
        size += key.len() + value.as_literal().map_or(0, String::len);
    }
    if size > 4096 {
        scope.error(
            "lambda-environment",
            format!("the environment variables take {size} bytes; Lambda allows 4 KB in total"),
        );
    }
}
