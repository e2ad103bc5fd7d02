//! The Fargate service: desired count, rolling deployments with a
//! circuit breaker, `awsvpc` networking in private subnets, capacity
//! providers, and registration in Application Load Balancer target groups,
//! at `<id>/Service` as the CDK's `FargateService`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use strata_cfn::ecs as cfn;
use strata_cfn::ecs::service as s;
use strata_core::{Aspect, Scope, Value};

use crate::ec2::SecurityGroup;
use crate::elbv2::{ApplicationTargetGroup, TargetType};
use crate::iam::{PolicyStatement, Role};

use super::cluster::{strategy_problems, CapacityProviderStrategy, Cluster};
use super::container::secs;
use super::scaling::ScalableTaskCount;
use super::task::FargateTaskDefinition;

/// Stop a failing deployment (tasks that never become healthy) and, with
/// `rollback`, return to the last completed one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CircuitBreaker {
    /// Roll back to the last completed deployment.
    pub rollback: bool,
}

/// Where tags of the service's tasks come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PropagateTags {
    /// The service's tags.
    Service,
    /// The task definition's tags.
    TaskDefinition,
}

/// A container port of the service registered in a target group.
#[derive(Clone, Debug)]
pub struct LoadBalancerTarget {
    /// The group (of IP targets).
    pub target_group: ApplicationTargetGroup,
    /// The container receiving the traffic.
    pub container_name: String,
    /// Its mapped TCP port.
    pub container_port: u32,
}

impl LoadBalancerTarget {
    /// `container_name:container_port` in `target_group`.
    pub fn new(
        target_group: &ApplicationTargetGroup,
        container_name: &str,
        container_port: u32,
    ) -> Self {
        LoadBalancerTarget {
            target_group: target_group.clone(),
            container_name: container_name.to_string(),
            container_port,
        }
    }
}

/// Settings of a [`FargateService`]. `FargateServiceProps::new` gives one
/// task in the given private subnets, no public IP, a circuit breaker with
/// rollback, and deployments that keep 100% of the tasks healthy while
/// starting up to 200%.
#[derive(Clone)]
pub struct FargateServiceProps {
    /// The cluster.
    pub cluster: Cluster,
    /// The task definition.
    pub task_definition: FargateTaskDefinition,
    /// A physical name (1–255 letters, digits, hyphens and underscores);
    /// unset lets CloudFormation name it.
    pub service_name: Option<String>,
    /// Tasks to run; `None` lets ECS start one and keeps the count that
    /// autoscaling set on later updates.
    pub desired_count: Option<u32>,
    /// The subnets of the tasks (private subnets).
    pub subnets: Vec<Value<String>>,
    /// The tasks' security groups (one to five); load balancers forwarding
    /// to the service are allowed in on the container port.
    pub security_groups: Vec<SecurityGroup>,
    /// Give tasks a public IP (only in public subnets).
    pub assign_public_ip: bool,
    /// The deployment circuit breaker; `None` turns it off.
    pub circuit_breaker: Option<CircuitBreaker>,
    /// Share of the desired count kept running during a deployment, 0–100.
    pub min_healthy_percent: u32,
    /// Share of the desired count allowed during a deployment, above the
    /// minimum and at least 100.
    pub max_healthy_percent: u32,
    /// The service's own capacity provider strategy; `None` uses the
    /// cluster's default strategy, or the `FARGATE` launch type when the
    /// cluster has none.
    pub capacity_provider_strategy: Option<Vec<CapacityProviderStrategy>>,
    /// Time load balancer health checks are ignored after a task starts;
    /// `None` is 60 s when the service is in a target group.
    pub health_check_grace_period: Option<Duration>,
    /// The Fargate platform version, `LATEST` or such as `1.4.0`.
    pub platform_version: Option<String>,
    /// Allow `ecs execute-command` into the tasks (grants the task role
    /// the SSM messages channel).
    pub enable_execute_command: bool,
    /// Copy tags to the tasks.
    pub propagate_tags: Option<PropagateTags>,
    /// Target groups to register container ports in.
    pub load_balancer_targets: Vec<LoadBalancerTarget>,
}

impl FargateServiceProps {
    /// A service running `task_definition` on `cluster` in `subnets`
    /// behind `security_groups`.
    pub fn new(
        cluster: &Cluster,
        task_definition: &FargateTaskDefinition,
        subnets: Vec<Value<String>>,
        security_groups: &[&SecurityGroup],
    ) -> Self {
        FargateServiceProps {
            cluster: cluster.clone(),
            task_definition: task_definition.clone(),
            service_name: None,
            desired_count: None,
            subnets,
            security_groups: security_groups.iter().map(|g| (*g).clone()).collect(),
            assign_public_ip: false,
            circuit_breaker: Some(CircuitBreaker { rollback: true }),
            min_healthy_percent: 100,
            max_healthy_percent: 200,
            capacity_provider_strategy: None,
            health_check_grace_period: None,
            platform_version: None,
            enable_execute_command: false,
            propagate_tags: None,
            load_balancer_targets: Vec::new(),
        }
    }
}

/// An `AWS::ECS::Service` on Fargate.
///
/// ```
/// use strata::prelude::*;
/// use strata::ec2::{SecurityGroup, SecurityGroupProps};
/// use strata::ecs::*;
///
/// let app = App::new();
/// let stack = app.stack("Compute", StackProps::default());
/// let cluster = Cluster::new(&stack, "Cluster", ClusterProps::default());
/// let task = FargateTaskDefinition::new(&stack, "Task", FargateTaskDefinitionProps::new(512, 1024));
/// task.add_container("app", ContainerProps::new(ContainerImage::registry("public.ecr.aws/nginx/nginx:1.27")));
/// let sg = SecurityGroup::new(&stack, "TasksSg", SecurityGroupProps {
///     vpc_id: "vpc-0123456789abcdef0".into(),
///     ..Default::default()
/// });
/// let service = FargateService::new(&stack, "Service", FargateServiceProps {
///     desired_count: Some(2),
///     ..FargateServiceProps::new(&cluster, &task, vec!["subnet-0aaaaaaaaaaaaaaa1".into()], &[&sg])
/// });
/// let template = &app.synth().expect("valid").stacks[0].template;
/// let id = strata::logical_id(&["Service", "Service"]);
/// let props = &template["Resources"][id.as_str()]["Properties"];
/// assert_eq!(props["DeploymentConfiguration"]["DeploymentCircuitBreaker"]["Rollback"], true);
/// # let _ = service;
/// ```
#[derive(Clone)]
pub struct FargateService {
    scope: Scope,
    resource: cfn::ServiceRef,
    cluster: Cluster,
    task_definition: FargateTaskDefinition,
    security_groups: Vec<SecurityGroup>,
    grace_period_given: bool,
    load_balancers: Rc<RefCell<Vec<s::LoadBalancer>>>,
    scaling: Rc<Cell<bool>>,
}

impl std::fmt::Debug for FargateService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FargateService")
            .field("path", &self.scope.path())
            .finish()
    }
}

impl FargateService {
    /// Adds the service under `scope` at `<id>/Service`.
    pub fn new(scope: &Scope, id: &str, props: FargateServiceProps) -> FargateService {
        let scope = scope.child(id);
        for p in problems(&props) {
            scope.error("ecs-service", p);
        }
        let cluster_default = !props
            .cluster
            .default_capacity_provider_strategy()
            .is_empty();
        let uses_providers = props.capacity_provider_strategy.is_some() || cluster_default;
        let deployment = s::DeploymentConfiguration {
            deployment_circuit_breaker: props
                .circuit_breaker
                .map(|c| s::DeploymentCircuitBreaker::new(true, c.rollback).into()),
            maximum_percent: Some(i64::from(props.max_healthy_percent).into()),
            minimum_healthy_percent: Some(i64::from(props.min_healthy_percent).into()),
            ..s::DeploymentConfiguration::new()
        };
        let network = s::NetworkConfiguration {
            awsvpc_configuration: Some(
                s::AwsVpcConfiguration {
                    assign_public_ip: Some(
                        if props.assign_public_ip {
                            "ENABLED"
                        } else {
                            "DISABLED"
                        }
                        .into(),
                    ),
                    security_groups: Some(Value::list(
                        props.security_groups.iter().map(SecurityGroup::group_id),
                    )),
                    subnets: Some(Value::Lit(props.subnets.clone())),
                }
                .into(),
            ),
        };
        let resource = scope.resource(
            "Service",
            cfn::Service {
                capacity_provider_strategy: props.capacity_provider_strategy.as_ref().map(|st| {
                    Value::list(st.iter().map(|i| s::CapacityProviderStrategyItem {
                        base: (i.base > 0).then(|| i64::from(i.base).into()),
                        capacity_provider: Some(i.capacity_provider.name().into()),
                        weight: Some(i64::from(i.weight).into()),
                    }))
                }),
                cluster: Some(props.cluster.cluster_name()),
                deployment_configuration: Some(deployment.into()),
                desired_count: props.desired_count.map(|d| i64::from(d).into()),
                enable_ecs_managed_tags: Some(false.into()),
                enable_execute_command: props.enable_execute_command.then(|| true.into()),
                health_check_grace_period_seconds: props
                    .health_check_grace_period
                    .and_then(secs)
                    .map(Value::from),
                launch_type: (!uses_providers).then(|| "FARGATE".into()),
                network_configuration: Some(network.into()),
                platform_version: props.platform_version.as_deref().map(Value::from),
                propagate_tags: props.propagate_tags.map(|p| {
                    match p {
                        PropagateTags::Service => "SERVICE",
                        PropagateTags::TaskDefinition => "TASK_DEFINITION",
                    }
                    .into()
                }),
                service_name: props.service_name.as_deref().map(Value::from),
                task_definition: Some(props.task_definition.task_definition_arn()),
                ..cfn::Service::new()
            },
        );
        if uses_providers {
            if let (Some(assoc), Some(service)) =
                (props.cluster.associations(), scope.of(&resource))
            {
                service.with_options(|o| o.depends_on.push(assoc));
            }
        }
        if props.enable_execute_command {
            props.task_definition.add_to_task_role_policy(
                PolicyStatement::allow()
                    .actions([
                        "ssmmessages:CreateControlChannel",
                        "ssmmessages:CreateDataChannel",
                        "ssmmessages:OpenControlChannel",
                        "ssmmessages:OpenDataChannel",
                    ])
                    .all_resources(),
            );
        }
        // As the CDK: the service starts tasks only once their role and
        // its policy exist.
        scope.add_aspect(AfterTaskRole {
            service_path: format!("{}/Service", scope.path()),
            role: props.task_definition.task_role().clone(),
        });
        let service = FargateService {
            scope,
            resource,
            cluster: props.cluster,
            task_definition: props.task_definition,
            security_groups: props.security_groups,
            grace_period_given: props.health_check_grace_period.is_some(),
            load_balancers: Rc::new(RefCell::new(Vec::new())),
            scaling: Rc::new(Cell::new(false)),
        };
        for target in props.load_balancer_targets {
            service.register_load_balancer_target(target);
        }
        service
    }

    /// Registers a container port in an IP target group: the service
    /// waits for the group's listeners (`DependsOn`), and the load
    /// balancer's security groups may reach the tasks on the port (and on
    /// the group's health check port).
    pub fn register_load_balancer_target(&self, target: LoadBalancerTarget) {
        let Some(container) = self.task_definition.find_container(&target.container_name) else {
            self.scope.error(
                "ecs-service-target",
                format!(
                    "the task definition has no container named {:?}; add it before registering it in a target group",
                    target.container_name
                ),
            );
            return;
        };
        if !container
            .ports
            .iter()
            .any(|p| p.container_port == target.container_port && !p.udp)
        {
            self.scope.error(
                "ecs-service-target",
                format!(
                    "container {:?} maps no TCP port {}; add PortMapping::tcp({}) to it",
                    target.container_name, target.container_port, target.container_port
                ),
            );
            return;
        }
        if target.target_group.target_type() != TargetType::Ip {
            self.scope.error(
                "ecs-service-target",
                "Fargate tasks use awsvpc networking and register by IP; use a target group with TargetType::Ip",
            );
            return;
        }
        let Ok(port) = u16::try_from(target.container_port) else {
            return;
        };
        let list = {
            let mut lbs = self.load_balancers.borrow_mut();
            lbs.push(s::LoadBalancer {
                container_name: Some(target.container_name.as_str().into()),
                container_port: Some(i64::from(port).into()),
                target_group_arn: Some(target.target_group.target_group_arn()),
                ..s::LoadBalancer::new()
            });
            Value::Lit(lbs.iter().cloned().map(Value::from).collect())
        };
        let grace = !self.grace_period_given;
        let Some(service) = self.scope.of(&self.resource) else {
            return;
        };
        service.with_resource(|svc: &mut cfn::Service| {
            svc.load_balancers = Some(list);
            if grace {
                svc.health_check_grace_period_seconds = Some(60.into());
            }
        });
        target.target_group.register(
            &service,
            &self.security_groups,
            target.target_group.member_ports(port),
        );
    }

    /// Scales the desired count between `min` and `max` tasks with
    /// Application Auto Scaling, at `<id>/TaskCount/Target`; add
    /// target-tracking policies to the result. Once per service.
    pub fn auto_scale_task_count(&self, min: u32, max: u32) -> ScalableTaskCount {
        if self.scaling.replace(true) {
            self.scope.error(
                "ecs-service-scaling",
                "task count autoscaling is already enabled for this service; add more policies to the first ScalableTaskCount",
            );
        }
        ScalableTaskCount::new(
            &self.scope,
            self.cluster.cluster_name(),
            self.service_name(),
            min,
            max,
        )
    }

    /// The service's name (`Fn::GetAtt Name`), the `ServiceName` dimension
    /// of ECS metrics.
    pub fn service_name(&self) -> Value<String> {
        self.resource.name()
    }

    /// The service's ARN (`Ref`).
    pub fn service_arn(&self) -> Value<String> {
        self.resource.ref_()
    }

    /// The cluster the service runs on.
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// The task definition the service runs.
    pub fn task_definition(&self) -> &FargateTaskDefinition {
        &self.task_definition
    }

    /// The tasks' security groups.
    pub fn security_groups(&self) -> &[SecurityGroup] {
        &self.security_groups
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::ServiceRef {
        &self.resource
    }

    /// The service's construct scope (`<id>`).
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// Adds the task role's resources (the role and its default policy) to
/// the service's `DependsOn` at synth, when every grant has been made.
struct AfterTaskRole {
    service_path: String,
    role: Role,
}

impl Aspect for AfterTaskRole {
    fn visit(&self, node: &Scope) {
        if node.path() != self.service_path {
            return;
        }
        let mut handles = Vec::new();
        let mut pending = vec![self.role.scope().clone()];
        while let Some(scope) = pending.pop() {
            if scope.resource_type().is_some() {
                handles.push(scope.handle());
            }
            pending.extend(scope.children());
        }
        node.with_options(|o| {
            for h in handles {
                if !o.depends_on.contains(&h) {
                    o.depends_on.push(h);
                }
            }
        });
    }
}

/// What ECS would reject about these props.
fn problems(props: &FargateServiceProps) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(name) = &props.service_name {
        let ok = !name.is_empty()
            && name.len() <= 255
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            out.push(format!(
                "service name {name:?} must be 1 to 255 letters, digits, hyphens and underscores"
            ));
        }
    }
    if props.subnets.is_empty() || props.subnets.len() > 16 {
        out.push(format!(
            "{} subnet(s) given; a service takes 1 to 16, such as vpc.subnet_ids(\"private-app\")",
            props.subnets.len()
        ));
    }
    if props.security_groups.is_empty() || props.security_groups.len() > 5 {
        out.push(format!(
            "{} security group(s) given; a service takes 1 to 5",
            props.security_groups.len()
        ));
    }
    if props.min_healthy_percent > 100 {
        out.push(format!(
            "min_healthy_percent {} is above 100",
            props.min_healthy_percent
        ));
    }
    if props.max_healthy_percent < 100 || props.max_healthy_percent <= props.min_healthy_percent {
        out.push(format!(
            "max_healthy_percent {} must be at least 100 and above min_healthy_percent {}, or deployments cannot start new tasks",
            props.max_healthy_percent, props.min_healthy_percent
        ));
    }
    if let Some(strategy) = &props.capacity_provider_strategy {
        if strategy.is_empty() {
            out.push("the capacity provider strategy is empty; give at least one provider or leave it None".into());
        }
        out.extend(strategy_problems(
            strategy,
            props.cluster.capacity_providers(),
        ));
    }
    if let Some(g) = props.health_check_grace_period {
        if secs(g).is_none_or(|s| s > i64::from(i32::MAX)) {
            out.push(format!(
                "health check grace period of {g:?} must be whole seconds"
            ));
        }
    }
    if let Some(v) = &props.platform_version {
        let numbered = v.strip_prefix("1.").is_some_and(|rest| {
            rest.split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        });
        if v != "LATEST" && !numbered {
            out.push(format!(
                "platform version {v:?} is not LATEST nor a version such as 1.4.0"
            ));
        }
    }
    out
}
