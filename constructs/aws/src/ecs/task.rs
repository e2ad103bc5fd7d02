//! Fargate task definitions: a CPU and memory size from Fargate's table,
//! the runtime platform, the task role apps are granted through, and the
//! execution role ECS starts containers with — created at
//! `<id>/ExecutionRole` when a container first needs it and granted only
//! what its containers use (ECR pull, log writes, secret reads).

use std::cell::RefCell;
use std::rc::Rc;

use strata_cfn::ecs as cfn;
use strata_cfn::ecs::task_definition as td;
use strata_core::{logical_id, Aspect, Scope, Value};

use crate::iam::{Grantable, PolicyStatement, Principal, Role, RoleProps};

use super::container::{ContainerDefinition, ContainerProps};

/// The CPU architecture tasks run on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CpuArchitecture {
    /// `X86_64`.
    #[default]
    X86_64,
    /// `ARM64` (Graviton).
    Arm64,
}

/// The operating system tasks run on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OperatingSystemFamily {
    /// `LINUX`.
    #[default]
    Linux,
    /// `WINDOWS_SERVER_2019_CORE`.
    WindowsServer2019Core,
    /// `WINDOWS_SERVER_2019_FULL`.
    WindowsServer2019Full,
    /// `WINDOWS_SERVER_2022_CORE`.
    WindowsServer2022Core,
    /// `WINDOWS_SERVER_2022_FULL`.
    WindowsServer2022Full,
}

impl OperatingSystemFamily {
    fn code(self) -> &'static str {
        match self {
            OperatingSystemFamily::Linux => "LINUX",
            OperatingSystemFamily::WindowsServer2019Core => "WINDOWS_SERVER_2019_CORE",
            OperatingSystemFamily::WindowsServer2019Full => "WINDOWS_SERVER_2019_FULL",
            OperatingSystemFamily::WindowsServer2022Core => "WINDOWS_SERVER_2022_CORE",
            OperatingSystemFamily::WindowsServer2022Full => "WINDOWS_SERVER_2022_FULL",
        }
    }

    fn is_windows(self) -> bool {
        self != OperatingSystemFamily::Linux
    }
}

/// The platform of a Fargate task.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RuntimePlatform {
    /// The CPU architecture.
    pub cpu_architecture: CpuArchitecture,
    /// The operating system.
    pub operating_system_family: OperatingSystemFamily,
}

impl RuntimePlatform {
    /// Linux on Graviton.
    pub fn linux_arm64() -> Self {
        RuntimePlatform {
            cpu_architecture: CpuArchitecture::Arm64,
            operating_system_family: OperatingSystemFamily::Linux,
        }
    }
}

/// The memory sizes Fargate offers for each CPU size, in MiB: `(cpu, min,
/// max, step)`.
const FARGATE_SIZES: [(u32, u32, u32, u32); 7] = [
    (256, 512, 2048, 512),
    (512, 1024, 4096, 1024),
    (1024, 2048, 8192, 1024),
    (2048, 4096, 16384, 1024),
    (4096, 8192, 30720, 1024),
    (8192, 16384, 61440, 4096),
    (16384, 32768, 122880, 8192),
];

/// Why Fargate would reject a task of `cpu` units and `memory_mib` MiB,
/// if it would. 256 CPU units take 512, 1024 or 2048 MiB; larger sizes
/// take a range in fixed steps; Windows needs at least 1024 units and at
/// most 4096.
///
/// ```
/// use strata::ecs::fargate_size_problem;
/// assert!(fargate_size_problem(1024, 2048, false).is_none());
/// assert!(fargate_size_problem(1024, 16384, false).is_some());
/// assert!(fargate_size_problem(256, 1536, false).is_some());
/// ```
pub fn fargate_size_problem(cpu: u32, memory_mib: u32, windows: bool) -> Option<String> {
    let Some(&(_, min, max, step)) = FARGATE_SIZES.iter().find(|(c, ..)| *c == cpu) else {
        return Some(format!(
            "cpu {cpu} is not a Fargate size; use 256, 512, 1024, 2048, 4096, 8192 or 16384 CPU units"
        ));
    };
    let allowed = if cpu == 256 {
        "512, 1024 or 2048 MiB".to_string()
    } else {
        format!("{min} to {max} MiB in {step} MiB steps")
    };
    let in_table = if cpu == 256 {
        [512, 1024, 2048].contains(&memory_mib)
    } else {
        (min..=max).contains(&memory_mib) && (memory_mib - min).is_multiple_of(step)
    };
    if !in_table {
        return Some(format!(
            "cpu {cpu} with {memory_mib} MiB is not a Fargate size; with {cpu} CPU units use {allowed}"
        ));
    }
    if windows && !(1024..=4096).contains(&cpu) {
        return Some(format!(
            "cpu {cpu} is not offered for Windows on Fargate; use 1024, 2048 or 4096 CPU units"
        ));
    }
    None
}

/// Settings of a [`FargateTaskDefinition`]. `Default` is the smallest
/// Fargate size, 256 CPU units with 512 MiB, on Linux.
#[derive(Clone)]
pub struct FargateTaskDefinitionProps {
    /// CPU units (1024 = 1 vCPU); see [`fargate_size_problem`].
    pub cpu: u32,
    /// Memory in MiB; see [`fargate_size_problem`].
    pub memory_mib: u32,
    /// The family name (up to 255 letters, digits, hyphens and
    /// underscores); `None` uses the construct's unique id, as the CDK.
    pub family: Option<String>,
    /// The runtime platform; `None` leaves it to ECS (Linux on x86_64).
    pub runtime_platform: Option<RuntimePlatform>,
    /// Ephemeral storage in GiB, 21–200 (20 when unset).
    pub ephemeral_storage_gib: Option<u32>,
    /// The role the containers' code runs as; `None` creates one at
    /// `<id>/TaskRole`.
    pub task_role: Option<Role>,
    /// The role ECS starts the containers with; `None` creates one at
    /// `<id>/ExecutionRole` when a container needs it.
    pub execution_role: Option<Role>,
}

impl Default for FargateTaskDefinitionProps {
    fn default() -> Self {
        FargateTaskDefinitionProps::new(256, 512)
    }
}

impl FargateTaskDefinitionProps {
    /// A task of `cpu` units and `memory_mib` MiB.
    pub fn new(cpu: u32, memory_mib: u32) -> Self {
        FargateTaskDefinitionProps {
            cpu,
            memory_mib,
            family: None,
            runtime_platform: None,
            ephemeral_storage_gib: None,
            task_role: None,
            execution_role: None,
        }
    }
}

struct TaskState {
    cpu: u32,
    memory: u32,
    execution_role: Option<Role>,
    containers: Vec<(ContainerDefinition, td::ContainerDefinition, u32)>,
}

/// An `AWS::ECS::TaskDefinition` for Fargate (`awsvpc` networking) at
/// `<id>/Resource`, with its roles.
///
/// ```
/// use strata::prelude::*;
/// use strata::ecs::{ContainerImage, ContainerProps, FargateTaskDefinition,
///     FargateTaskDefinitionProps, PortMapping};
///
/// let app = App::new();
/// let stack = app.stack("Compute", StackProps::default());
/// let task = FargateTaskDefinition::new(&stack, "ConversationTask",
///     FargateTaskDefinitionProps::new(1024, 2048));
/// task.add_container("conversation-manager", ContainerProps {
///     port_mappings: vec![PortMapping::tcp(8080)],
///     ..ContainerProps::new(ContainerImage::ecr("conversation-manager", "1.4.2"))
/// });
/// let template = &app.synth().expect("valid").stacks[0].template;
/// let id = strata::logical_id(&["ConversationTask", "Resource"]);
/// let props = &template["Resources"][id.as_str()]["Properties"];
/// assert_eq!(props["Cpu"], "1024");
/// assert_eq!(props["NetworkMode"], "awsvpc");
/// ```
#[derive(Clone)]
pub struct FargateTaskDefinition {
    scope: Scope,
    resource: cfn::TaskDefinitionRef,
    task_role: Role,
    family: String,
    windows: bool,
    state: Rc<RefCell<TaskState>>,
}

impl FargateTaskDefinition {
    /// Adds the task definition under `scope`.
    pub fn new(
        scope: &Scope,
        id: &str,
        props: FargateTaskDefinitionProps,
    ) -> FargateTaskDefinition {
        let scope = scope.child(id);
        let windows = props
            .runtime_platform
            .is_some_and(|p| p.operating_system_family.is_windows());
        if let Some(p) = fargate_size_problem(props.cpu, props.memory_mib, windows) {
            scope.error("ecs-fargate-size", p);
        }
        if let Some(p) = props.runtime_platform {
            if p.operating_system_family.is_windows()
                && p.cpu_architecture == CpuArchitecture::Arm64
            {
                scope.error(
                    "ecs-runtime-platform",
                    "Windows tasks on Fargate run on X86_64 only; use CpuArchitecture::X86_64",
                );
            }
        }
        if let Some(g) = props.ephemeral_storage_gib {
            if !(21..=200).contains(&g) {
                scope.error(
                    "ecs-ephemeral-storage",
                    format!("ephemeral storage of {g} GiB is out of range; use 21 to 200 GiB (20 GiB when unset)"),
                );
            }
        }
        let family = props
            .family
            .clone()
            .unwrap_or_else(|| logical_id(&scope.path().split('/').collect::<Vec<_>>()));
        let family_ok = !family.is_empty()
            && family.len() <= 255
            && family
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !family_ok {
            scope.error(
                "ecs-task-family",
                format!(
                    "family {family:?} must be 1 to 255 letters, digits, hyphens and underscores"
                ),
            );
        }
        let task_role = props.task_role.clone().unwrap_or_else(|| {
            Role::new(
                &scope,
                "TaskRole",
                RoleProps::new(Principal::service("ecs-tasks.amazonaws.com")),
            )
        });
        let resource = scope.resource(
            "Resource",
            cfn::TaskDefinition {
                cpu: Some(props.cpu.to_string().into()),
                ephemeral_storage: props.ephemeral_storage_gib.map(|g| {
                    td::EphemeralStorage {
                        size_in_gi_b: Some(i64::from(g).into()),
                    }
                    .into()
                }),
                execution_role_arn: props.execution_role.as_ref().map(Role::arn),
                family: Some(family.as_str().into()),
                memory: Some(props.memory_mib.to_string().into()),
                network_mode: Some("awsvpc".into()),
                requires_compatibilities: Some(Value::list(["FARGATE"])),
                runtime_platform: props.runtime_platform.map(|p| {
                    td::RuntimePlatform {
                        cpu_architecture: Some(
                            match p.cpu_architecture {
                                CpuArchitecture::X86_64 => "X86_64",
                                CpuArchitecture::Arm64 => "ARM64",
                            }
                            .into(),
                        ),
                        operating_system_family: Some(p.operating_system_family.code().into()),
                    }
                    .into()
                }),
                task_role_arn: Some(task_role.arn()),
                ..cfn::TaskDefinition::new()
            },
        );
        let state = Rc::new(RefCell::new(TaskState {
            cpu: props.cpu,
            memory: props.memory_mib,
            execution_role: props.execution_role,
            containers: Vec::new(),
        }));
        scope.add_aspect(EssentialContainerCheck {
            path: scope.path(),
            state: state.clone(),
        });
        FargateTaskDefinition {
            scope,
            resource,
            task_role,
            family,
            windows,
            state,
        }
    }

    /// Adds a container at `<task definition>/<id>`, named `id` unless
    /// `props.container_name` says otherwise, and grants the execution
    /// role what starting it needs.
    pub fn add_container(&self, id: &str, props: ContainerProps) -> ContainerDefinition {
        let scope = self.scope.child(id);
        let name = props
            .container_name
            .clone()
            .unwrap_or_else(|| id.to_string());
        let mut problems = props.problems(&name);
        {
            let state = self.state.borrow();
            if state.containers.iter().any(|(c, ..)| c.name == name) {
                problems.push(format!(
                    "the task already has a container named {name:?}; container names are unique per task"
                ));
            }
            let used: u32 = state.containers.iter().map(|(.., cpu)| cpu).sum();
            let cpu = props.cpu.unwrap_or(0);
            if used.saturating_add(cpu) > state.cpu {
                problems.push(format!(
                    "the containers reserve {} CPU units, more than the task's {}",
                    used.saturating_add(cpu),
                    state.cpu
                ));
            }
            for (what, m) in [
                ("memory limit", props.memory_limit_mib),
                ("memory reservation", props.memory_reservation_mib),
            ] {
                if let Some(m) = m.filter(|m| *m > state.memory) {
                    problems.push(format!(
                        "{what} {m} MiB is above the task's {} MiB",
                        state.memory
                    ));
                }
            }
        }
        if self.windows && props.readonly_root_filesystem {
            problems.push("Windows containers cannot have a read-only root file system".into());
        }
        for p in problems {
            scope.error("ecs-container", p);
        }
        if props.needs_execution_role() {
            let role = self.obtain_execution_role();
            props.grant_execution(&role);
        }
        let container = ContainerDefinition {
            scope,
            name: name.clone(),
            essential: props.essential,
            ports: props.port_mappings.clone(),
        };
        let rendered = props.render(&name);
        let definitions = {
            let mut state = self.state.borrow_mut();
            state
                .containers
                .push((container.clone(), rendered, props.cpu.unwrap_or(0)));
            Value::list(state.containers.iter().map(|(_, r, _)| r.clone()))
        };
        if let Some(resource) = self.scope.of(&self.resource) {
            resource.with_resource(|t: &mut cfn::TaskDefinition| {
                t.container_definitions = Some(definitions);
            });
        }
        container
    }

    /// The execution role, creating it at `<id>/ExecutionRole` (assumed by
    /// `ecs-tasks.amazonaws.com`) on first use.
    pub fn obtain_execution_role(&self) -> Role {
        if let Some(role) = &self.state.borrow().execution_role {
            return role.clone();
        }
        let role = Role::new(
            &self.scope,
            "ExecutionRole",
            RoleProps::new(Principal::service("ecs-tasks.amazonaws.com")),
        );
        self.state.borrow_mut().execution_role = Some(role.clone());
        let arn = role.arn();
        if let Some(resource) = self.scope.of(&self.resource) {
            resource.with_resource(|t: &mut cfn::TaskDefinition| {
                t.execution_role_arn = Some(arn);
            });
        }
        role
    }

    /// The execution role, if one was given or a container needed it.
    pub fn execution_role(&self) -> Option<Role> {
        self.state.borrow().execution_role.clone()
    }

    /// The task role the containers' code runs as; grant app permissions
    /// to it (or to the task definition, which forwards to it).
    pub fn task_role(&self) -> &Role {
        &self.task_role
    }

    /// Adds a statement to the task role's policy.
    pub fn add_to_task_role_policy(&self, statement: PolicyStatement) {
        self.task_role.add_to_policy(statement);
    }

    /// The containers so far, in order.
    pub fn containers(&self) -> Vec<ContainerDefinition> {
        self.state
            .borrow()
            .containers
            .iter()
            .map(|(c, ..)| c.clone())
            .collect()
    }

    /// The container named `name`.
    pub fn find_container(&self, name: &str) -> Option<ContainerDefinition> {
        self.containers().into_iter().find(|c| c.name == name)
    }

    /// The task definition's ARN with revision (`Ref`).
    pub fn task_definition_arn(&self) -> Value<String> {
        self.resource.ref_()
    }

    /// The family name.
    pub fn family(&self) -> &str {
        &self.family
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::TaskDefinitionRef {
        &self.resource
    }

    /// The task definition's construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl std::fmt::Debug for FargateTaskDefinition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FargateTaskDefinition")
            .field("path", &self.scope.path())
            .field("family", &self.family)
            .finish()
    }
}

impl Grantable for FargateTaskDefinition {
    fn grant_principal(&self) -> Principal {
        self.task_role.grant_principal()
    }

    fn add_to_principal_policy(&self, statement: PolicyStatement) -> bool {
        self.task_role.add_to_principal_policy(statement)
    }
}

/// Reports, at synth, a task definition without an essential container:
/// ECS refuses to register it.
struct EssentialContainerCheck {
    path: String,
    state: Rc<RefCell<TaskState>>,
}

impl Aspect for EssentialContainerCheck {
    fn visit(&self, node: &Scope) {
        if node.path() != self.path {
            return;
        }
        let state = self.state.borrow();
        if !state.containers.iter().any(|(c, ..)| c.essential) {
            node.error(
                "ecs-essential-container",
                "the task definition has no essential container; add one with add_container",
            );
        }
    }
}
