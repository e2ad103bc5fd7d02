//! Managed node groups (`AWS::EKS::Nodegroup`): instance types, On-Demand
//! or Spot capacity, scaling, labels and taints, and an AMI type checked
//! against the instance families' architecture and accelerators.

use strata_cfn::eks::{self as cfn, nodegroup as ng};
use strata_core::{Map, Scope, Value};

use crate::iam::{ManagedPolicy, Principal, Role, RoleProps};

use super::cluster::Cluster;
use super::instance::{Accelerator, CpuArchitecture, InstanceType};

/// How node capacity is bought.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CapacityType {
    /// `ON_DEMAND`.
    #[default]
    OnDemand,
    /// `SPOT`: cheaper, interruptible; list several instance types.
    Spot,
}

/// The machine image family of a node group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AmiType {
    /// `AL2023_x86_64_STANDARD`
    Al2023X86_64Standard,
    /// `AL2023_ARM_64_STANDARD` (Graviton)
    Al2023Arm64Standard,
    /// `AL2023_x86_64_NVIDIA`
    Al2023X86_64Nvidia,
    /// `AL2023_ARM_64_NVIDIA`
    Al2023Arm64Nvidia,
    /// `AL2023_x86_64_NEURON`
    Al2023X86_64Neuron,
    /// `BOTTLEROCKET_x86_64`
    BottlerocketX86_64,
    /// `BOTTLEROCKET_ARM_64`
    BottlerocketArm64,
    /// `BOTTLEROCKET_x86_64_NVIDIA`
    BottlerocketX86_64Nvidia,
    /// `BOTTLEROCKET_ARM_64_NVIDIA`
    BottlerocketArm64Nvidia,
    /// `AL2_x86_64` (Kubernetes 1.32 and earlier)
    Al2X86_64,
    /// `AL2_ARM_64` (Kubernetes 1.32 and earlier)
    Al2Arm64,
    /// `AL2_x86_64_GPU` (Kubernetes 1.32 and earlier)
    Al2X86_64Gpu,
}

impl AmiType {
    /// The `AmiType` value.
    pub fn name(self) -> &'static str {
        match self {
            AmiType::Al2023X86_64Standard => "AL2023_x86_64_STANDARD",
            AmiType::Al2023Arm64Standard => "AL2023_ARM_64_STANDARD",
            AmiType::Al2023X86_64Nvidia => "AL2023_x86_64_NVIDIA",
            AmiType::Al2023Arm64Nvidia => "AL2023_ARM_64_NVIDIA",
            AmiType::Al2023X86_64Neuron => "AL2023_x86_64_NEURON",
            AmiType::BottlerocketX86_64 => "BOTTLEROCKET_x86_64",
            AmiType::BottlerocketArm64 => "BOTTLEROCKET_ARM_64",
            AmiType::BottlerocketX86_64Nvidia => "BOTTLEROCKET_x86_64_NVIDIA",
            AmiType::BottlerocketArm64Nvidia => "BOTTLEROCKET_ARM_64_NVIDIA",
            AmiType::Al2X86_64 => "AL2_x86_64",
            AmiType::Al2Arm64 => "AL2_ARM_64",
            AmiType::Al2X86_64Gpu => "AL2_x86_64_GPU",
        }
    }

    /// The architecture the image is built for.
    pub fn architecture(self) -> CpuArchitecture {
        if self.name().contains("ARM_64") {
            CpuArchitecture::Arm64
        } else {
            CpuArchitecture::X86_64
        }
    }

    /// The accelerator the image needs, if any.
    pub fn accelerator(self) -> Accelerator {
        let n = self.name();
        if n.contains("NVIDIA") || n.ends_with("GPU") {
            Accelerator::Nvidia
        } else if n.contains("NEURON") {
            Accelerator::Neuron
        } else {
            Accelerator::None
        }
    }

    fn is_al2(self) -> bool {
        self.name().starts_with("AL2_")
    }

    /// The AL2023 standard image for an architecture.
    pub fn standard(architecture: CpuArchitecture) -> AmiType {
        match architecture {
            CpuArchitecture::X86_64 => AmiType::Al2023X86_64Standard,
            CpuArchitecture::Arm64 => AmiType::Al2023Arm64Standard,
        }
    }
}

/// What a taint does to pods that do not tolerate it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaintEffect {
    /// `NO_SCHEDULE` (`NoSchedule`).
    NoSchedule,
    /// `NO_EXECUTE` (`NoExecute`).
    NoExecute,
    /// `PREFER_NO_SCHEDULE` (`PreferNoSchedule`).
    PreferNoSchedule,
}

impl TaintEffect {
    fn name(self) -> &'static str {
        match self {
            TaintEffect::NoSchedule => "NO_SCHEDULE",
            TaintEffect::NoExecute => "NO_EXECUTE",
            TaintEffect::PreferNoSchedule => "PREFER_NO_SCHEDULE",
        }
    }
}

/// A Kubernetes taint on every node of the group.
///
/// ```
/// use strata::eks::{Taint, TaintEffect};
/// let ai = Taint::parse("workload=ai:NoSchedule").expect("kubectl syntax");
/// assert_eq!(ai, Taint::new("workload", Some("ai"), TaintEffect::NoSchedule));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taint {
    /// The key.
    pub key: String,
    /// The value, if any.
    pub value: Option<String>,
    /// The effect.
    pub effect: TaintEffect,
}

impl Taint {
    /// A taint.
    pub fn new(key: &str, value: Option<&str>, effect: TaintEffect) -> Taint {
        Taint {
            key: key.to_string(),
            value: value.map(str::to_string),
            effect,
        }
    }

    /// A taint written as kubectl writes it, `key[=value]:Effect`.
    pub fn parse(text: &str) -> Option<Taint> {
        let (kv, effect) = text.rsplit_once(':')?;
        let effect = match effect {
            "NoSchedule" => TaintEffect::NoSchedule,
            "NoExecute" => TaintEffect::NoExecute,
            "PreferNoSchedule" => TaintEffect::PreferNoSchedule,
            _ => return None,
        };
        let (key, value) = match kv.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (kv, None),
        };
        Some(Taint::new(key, value, effect))
    }
}

/// Settings of a [`Nodegroup`]. `NodegroupProps::new(instance_types, min, max)`
/// gives On-Demand capacity on the AL2023 image matching the instance
/// types' architecture, in the cluster's subnets.
#[derive(Clone, Debug, PartialEq)]
pub struct NodegroupProps {
    /// A physical name; generated when unset.
    pub nodegroup_name: Option<String>,
    /// Instance types, all of one architecture (several help Spot).
    pub instance_types: Vec<String>,
    /// On-Demand or Spot.
    pub capacity_type: CapacityType,
    /// Fewest nodes.
    pub min_size: u32,
    /// Most nodes.
    pub max_size: u32,
    /// Nodes at creation (default `min_size`), between min and max.
    pub desired_size: Option<u32>,
    /// Kubernetes labels on every node.
    pub labels: Map<String>,
    /// Kubernetes taints on every node.
    pub taints: Vec<Taint>,
    /// The image; inferred from the instance types when unset.
    pub ami_type: Option<AmiType>,
    /// Root volume size in GiB (EKS's default is 20).
    pub disk_size: Option<u32>,
    /// Subnets; the cluster's when unset.
    pub subnet_ids: Option<Vec<Value<String>>>,
    /// Most nodes replaced at once during an update.
    pub max_unavailable: Option<u32>,
}

impl NodegroupProps {
    /// Defaults around instance types and a size range.
    pub fn new(instance_types: &[&str], min_size: u32, max_size: u32) -> Self {
        NodegroupProps {
            nodegroup_name: None,
            instance_types: instance_types.iter().map(|s| s.to_string()).collect(),
            capacity_type: CapacityType::OnDemand,
            min_size,
            max_size,
            desired_size: None,
            labels: Map::new(),
            taints: Vec::new(),
            ami_type: None,
            disk_size: None,
            subnet_ids: None,
            max_unavailable: None,
        }
    }
}

/// A managed node group at `<cluster>/Nodegroup<id>/Resource`, with its
/// node role at `<cluster>/Nodegroup<id>/NodeGroupRole` (the worker node,
/// CNI and ECR read-only policies).
///
/// ```
/// use strata::eks::{Cluster, ClusterProps, NodegroupProps, Taint};
/// use strata::prelude::*;
///
/// let app = App::new();
/// let stack = app.stack("Platform", StackProps::default());
/// let cluster = Cluster::new(&stack, "Cluster", ClusterProps::new("1.31", vec!["subnet-0a".into(), "subnet-0b".into()]));
/// cluster.add_nodegroup("Ai", NodegroupProps {
///     taints: vec![Taint::parse("workload=ai:NoSchedule").expect("taint")],
///     ..NodegroupProps::new(&["r6i.2xlarge"], 2, 10)
/// });
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let ng = &t["Resources"][strata::logical_id(&["Cluster", "NodegroupAi", "Resource"]).as_str()]["Properties"];
/// assert_eq!(ng["Taints"][0]["Effect"], "NO_SCHEDULE");
/// assert_eq!(ng["AmiType"], "AL2023_x86_64_STANDARD");
/// ```
#[derive(Clone)]
pub struct Nodegroup {
    scope: Scope,
    resource: cfn::NodegroupRef,
    role: Role,
}

impl std::fmt::Debug for Nodegroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Nodegroup({:?})", self.scope.path())
    }
}

/// The AWS managed policies every node role gets.
const NODE_POLICIES: [&str; 3] = [
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
];

impl Cluster {
    /// Adds a managed node group.
    pub fn add_nodegroup(&self, id: &str, props: NodegroupProps) -> Nodegroup {
        let scope = self.scope.child(&format!("Nodegroup{id}"));
        let ami = report(&scope, &props, &self.version);
        let role = Role::new(
            &scope,
            "NodeGroupRole",
            RoleProps {
                managed_policies: NODE_POLICIES
                    .iter()
                    .map(|p| ManagedPolicy::aws(p))
                    .collect(),
                ..RoleProps::new(Principal::service("ec2.amazonaws.com"))
            },
        );
        let subnets = props
            .subnet_ids
            .clone()
            .unwrap_or_else(|| self.subnet_ids.clone());
        let desired = props.desired_size.unwrap_or(props.min_size);
        let l1 = cfn::Nodegroup {
            ami_type: ami.map(|a| a.name().into()),
            capacity_type: Some(
                match props.capacity_type {
                    CapacityType::OnDemand => "ON_DEMAND",
                    CapacityType::Spot => "SPOT",
                }
                .into(),
            ),
            disk_size: props.disk_size.map(|d| i64::from(d).into()),
            instance_types: Some(Value::list(props.instance_types.iter().map(String::as_str))),
            labels: (!props.labels.is_empty()).then(|| {
                Value::Lit(
                    props
                        .labels
                        .iter()
                        .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                        .collect(),
                )
            }),
            nodegroup_name: props.nodegroup_name.as_deref().map(Value::from),
            scaling_config: Some(
                ng::ScalingConfig {
                    desired_size: Some(i64::from(desired).into()),
                    max_size: Some(i64::from(props.max_size).into()),
                    min_size: Some(i64::from(props.min_size).into()),
                }
                .into(),
            ),
            taints: (!props.taints.is_empty()).then(|| {
                Value::list(props.taints.iter().map(|t| ng::Taint {
                    effect: Some(t.effect.name().into()),
                    key: Some(t.key.as_str().into()),
                    value: t.value.as_deref().map(Value::from),
                }))
            }),
            update_config: props.max_unavailable.map(|m| {
                ng::UpdateConfig {
                    max_unavailable: Some(f64::from(m).into()),
                    ..ng::UpdateConfig::new()
                }
                .into()
            }),
            ..cfn::Nodegroup::new(self.cluster_name(), role.arn(), Value::Lit(subnets))
        };
        let resource = scope.resource("Resource", l1);
        self.state.borrow_mut().nodegroups.push(*resource);
        let addons: Vec<_> = self
            .state
            .borrow()
            .addons
            .iter()
            .map(|(_, a, _)| a.clone())
            .collect();
        for addon in addons {
            addon.wait_for(*resource);
        }
        Nodegroup {
            scope,
            resource,
            role,
        }
    }
}

impl Nodegroup {
    /// The node group's name (`Fn::GetAtt NodegroupName`).
    pub fn nodegroup_name(&self) -> Value<String> {
        self.resource.get_att("NodegroupName")
    }

    /// The node group's ARN.
    pub fn nodegroup_arn(&self) -> Value<String> {
        self.resource.arn()
    }

    /// The node role.
    pub fn role(&self) -> &Role {
        &self.role
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::NodegroupRef {
        &self.resource
    }

    /// The node group's construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// Reports what EKS would reject and returns the AMI type to render.
fn report(scope: &Scope, props: &NodegroupProps, version: &str) -> Option<AmiType> {
    let mut types = Vec::new();
    if props.instance_types.is_empty() {
        scope.error(
            "eks-nodegroup-instance-types",
            "a node group needs at least one instance type, such as \"t3.medium\"",
        );
    }
    for t in &props.instance_types {
        match InstanceType::parse(t) {
            Some(it) => types.push(it),
            None => scope.error(
                "eks-nodegroup-instance-types",
                format!("{t:?} is not an EC2 instance type such as \"m7g.large\""),
            ),
        }
    }
    let archs: Vec<CpuArchitecture> = types.iter().map(InstanceType::architecture).collect();
    if archs.windows(2).any(|w| w[0] != w[1]) {
        scope.error(
            "eks-nodegroup-instance-types",
            format!("the instance types {:?} mix Graviton (arm64) and x86_64 families; a node group runs one architecture", props.instance_types),
        );
    }
    let ami = props
        .ami_type
        .or_else(|| archs.first().map(|a| AmiType::standard(*a)));
    if let Some(ami) = ami {
        for it in &types {
            if it.architecture() != ami.architecture() {
                let (what, want) = match it.architecture() {
                    CpuArchitecture::Arm64 => ("a Graviton (arm64)", "an ARM_64 AMI type such as AL2023_ARM_64_STANDARD"),
                    CpuArchitecture::X86_64 => ("an x86_64", "an x86_64 AMI type such as AL2023_x86_64_STANDARD, or Graviton instances such as m7g"),
                };
                scope.error(
                    "eks-nodegroup-ami-type",
                    format!(
                        "the AMI type {} does not run on {}.{}, {what} instance type; use {want}",
                        ami.name(),
                        it.family(),
                        it.size()
                    ),
                );
            }
            if ami.accelerator() != Accelerator::None && it.accelerator() != ami.accelerator() {
                scope.error(
                    "eks-nodegroup-ami-type",
                    format!("the AMI type {} is for accelerated instances; {}.{} has no such accelerator", ami.name(), it.family(), it.size()),
                );
            }
        }
        let minor = version
            .strip_prefix("1.")
            .and_then(|m| m.parse::<u32>().ok())
            .unwrap_or(0);
        if ami.is_al2() && minor >= 33 {
            scope.error(
                "eks-nodegroup-ami-type",
                format!("EKS publishes no AL2 AMIs for Kubernetes {version}; use an AL2023 or Bottlerocket AMI type"),
            );
        }
    }
    let desired = props.desired_size.unwrap_or(props.min_size);
    if props.max_size == 0
        || props.min_size > props.max_size
        || desired < props.min_size
        || desired > props.max_size
    {
        scope.error(
            "eks-nodegroup-scaling",
            format!(
                "the scaling {}/{}/{} (min/desired/max) is invalid: need max at least 1 and min <= desired <= max",
                props.min_size, desired, props.max_size
            ),
        );
    }
    if props.disk_size.is_some_and(|d| !(1..=16384).contains(&d)) {
        scope.error("eks-nodegroup-disk", "disk_size must be 1 to 16384 GiB");
    }
    if props
        .max_unavailable
        .is_some_and(|m| !(1..=100).contains(&m))
    {
        scope.error(
            "eks-nodegroup-update",
            "max_unavailable must be 1 to 100 nodes",
        );
    }
    if props.taints.len() > 50 {
        scope.error(
            "eks-nodegroup-taints",
            "a node group takes at most 50 taints",
        );
    }
    for t in &props.taints {
        if !label_key_ok(&t.key) || t.value.as_deref().is_some_and(|v| !label_value_ok(v)) {
            scope.error(
                "eks-nodegroup-taints",
                format!(
                    "the taint {}={}: is not a valid Kubernetes key and value",
                    t.key,
                    t.value.as_deref().unwrap_or("")
                ),
            );
        }
    }
    for (k, v) in &props.labels {
        if !label_key_ok(k) || !label_value_ok(v) {
            scope.error(
                "eks-nodegroup-labels",
                format!("the label {k}={v} is not a valid Kubernetes label: [prefix/]name of up to 63 alphanumerics, '-', '_' or '.', and a value of up to 63"),
            );
        }
    }
    ami
}

fn name_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn label_key_ok(key: &str) -> bool {
    match key.split_once('/') {
        Some((prefix, name)) => {
            !prefix.is_empty()
                && prefix.len() <= 253
                && name_ok(name)
                && prefix.split('.').all(name_ok)
        }
        None => name_ok(key),
    }
}

fn label_value_ok(value: &str) -> bool {
    value.is_empty() || name_ok(value)
}
