//! The EKS module (seed sections 1 and 8, and the compute tier of section
//! 7; after the VPC in section 4's graph, "EKS must be running before
//! RDS/Redis (for security groups)").
//!
//! The cluster runs in the private subnets with a private API endpoint,
//! all control-plane logs, and Kubernetes secrets encrypted with the `eks`
//! key. Its managed node groups come from the environment file; the seed's
//! four are, in prod:
//!
//! - `general-spot`: t3a.medium, SPOT, 1-3 nodes;
//! - `general-t3`: t3.xlarge, ON_DEMAND, 3-20 nodes;
//! - `general-t3a`: t3a.xlarge, ON_DEMAND, 3-20 nodes;
//! - `ai`: r6i.2xlarge, ON_DEMAND, 2-10 nodes, tainted `workload=ai:NoSchedule`
//!   ("only AI pods").
//!
//! Dev runs SPOT t3a.medium nodes only ("SPOT instances (Dev)", "Right-sized:
//! t3a.medium (dev)"), keeping a small tainted AI group so AI pods schedule
//! the same way. Updates replace at most 33% of a group's nodes at once (the
//! seed's "33% max churn"). The cluster security group that EKS gives the
//! nodes is what RDS and Redis admit.

use strata::cfn::eks as eks_l1;
use strata::ec2::AgentVpc;
use strata::eks::{
    AddonProps, CapacityType, Cluster, ClusterLogType, ClusterProps, EndpointAccess, Nodegroup,
    NodegroupProps, Taint, TaintEffect, POD_IDENTITY_AGENT,
};
use strata::logs::{LogGroup, LogGroupProps, Retention};
use strata::prelude::*;

use crate::config::{Capacity, Config, NodeGroupConfig, Workload};
use crate::kms::ServiceKeys;
use crate::network::PRIVATE;

/// What the other modules need from the cluster.
pub struct Eks {
    /// The cluster.
    pub cluster: Cluster,
    /// The node groups, in the order of the environment file.
    pub node_groups: Vec<Nodegroup>,
}

impl Eks {
    /// The security group EKS attaches to the cluster and its managed nodes.
    pub fn node_security_group_id(&self) -> Value<String> {
        self.cluster.cluster_security_group_id()
    }
}

/// The add-ons the cluster runs: networking, DNS, kube-proxy, and the Pod
/// Identity agent through which the agent's pods get their role (see
/// [`crate::workload`]).
const ADDONS: [&str; 4] = ["vpc-cni", "coredns", "kube-proxy", POD_IDENTITY_AGENT];

/// Builds the cluster in `stack`, in `vpc`'s private subnets.
pub fn build(stack: &Scope, config: &Config, vpc: &AgentVpc, keys: &ServiceKeys) -> Eks {
    let eks = &config.eks;
    let name = format!("support-agent-{}", config.name());
    // EKS writes control-plane logs to this group; creating it first sets
    // its retention instead of leaving the group EKS makes to keep events
    // forever.
    let logs = LogGroup::new(
        stack,
        "ControlPlaneLogs",
        LogGroupProps {
            log_group_name: Some(format!("/aws/eks/{name}/cluster")),
            retention: Retention::Days(config.log_retention_days),
            ..Default::default()
        },
    );
    let endpoint_access = if eks.public_access_cidrs.is_empty() {
        EndpointAccess::Private
    } else {
        EndpointAccess::PublicAndPrivate(eks.public_access_cidrs.clone())
    };
    let cluster = Cluster::new(
        stack,
        "Cluster",
        ClusterProps {
            cluster_name: Some(name),
            endpoint_access,
            logging: ClusterLogType::ALL.to_vec(),
            secrets_key_arn: Some(keys.eks.key_arn()),
            deletion_protection: config.stage().is_prod(),
            ..ClusterProps::new(
                &eks.kubernetes_version,
                vpc.subnet_ids(PRIVATE).unwrap_or_default(),
            )
        },
    );
    if let Some(resource) = cluster.scope().of(cluster.resource()) {
        resource.with_options(|o| o.depends_on.push(**logs.resource()));
    }
    for addon in ADDONS {
        cluster.add_addon(addon, AddonProps::new(addon));
    }
    let node_groups = eks
        .node_groups
        .iter()
        .map(|group| node_group(&cluster, group))
        .collect();
    stack.output("ClusterName", Output::new(cluster.cluster_name()));
    stack.output("ClusterEndpoint", Output::new(cluster.endpoint()));
    Eks {
        cluster,
        node_groups,
    }
}

/// One managed node group: its instance types and capacity, its size, the
/// `workload` label, the AI taint, and the update's churn limit.
fn node_group(cluster: &Cluster, group: &NodeGroupConfig) -> Nodegroup {
    let types: Vec<&str> = group.instance_types.iter().map(String::as_str).collect();
    let workload = group.workload.label();
    let taints = match group.workload {
        Workload::Ai => vec![Taint::new(
            "workload",
            Some(workload),
            TaintEffect::NoSchedule,
        )],
        Workload::General => Vec::new(),
    };
    let nodegroup = cluster.add_nodegroup(
        &pascal(&group.name),
        NodegroupProps {
            nodegroup_name: Some(group.name.clone()),
            capacity_type: match group.capacity {
                Capacity::OnDemand => CapacityType::OnDemand,
                Capacity::Spot => CapacityType::Spot,
            },
            desired_size: Some(group.desired_size),
            labels: [("workload".to_string(), workload.to_string())].into(),
            taints,
            ..NodegroupProps::new(&types, group.min_size, group.max_size)
        },
    );
    let percent = group.max_unavailable_percent;
    if !(1..=100).contains(&percent) {
        nodegroup.scope().error(
            "node-group-churn",
            format!("max_unavailable_percent {percent} is out of range; use 1 to 100 (the seed's churn limit is 33)"),
        );
    } else if let Some(resource) = nodegroup.scope().of(nodegroup.resource()) {
        // NodegroupProps counts unavailable nodes; the seed gives a share.
        resource.with_resource::<eks_l1::Nodegroup>(|n| {
            n.update_config = Some(
                eks_l1::nodegroup::UpdateConfig {
                    max_unavailable_percentage: Some(f64::from(percent).into()),
                    ..eks_l1::nodegroup::UpdateConfig::new()
                }
                .into(),
            );
        });
    }
    nodegroup
}

/// `general-spot` → `GeneralSpot`.
fn pascal(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}
