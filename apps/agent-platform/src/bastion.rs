//! Seed "Developer Experience": the bastion host, a t3.large in the first
//! private subnet with an instance profile, one-minute monitoring and
//! IMDSv2 only (`http_tokens = "required"`, hop limit 1), reached through
//! Session Manager instead of SSH. Its first boot installs the seed's tools:
//! code-server (VS Code in the browser), kubectl, the AWS CLI, Docker, and
//! Python and Node.js. Its role is a cluster admin through an EKS access
//! entry ("BASTION --> EKS"); the data stack admits it to Aurora
//! ("BASTION --> RDS").
//!
//! The seed boots Ubuntu; the bastion construct uses the latest Amazon
//! Linux 2023 from its public SSM parameter, so the script uses `dnf`.
//! EBS optimization is always on for t3 instances, so it is not set.

use strata::bastion::{Bastion, BastionProps};
use strata::ec2::AgentVpc;
use strata::prelude::*;

use crate::compute::Compute;
use crate::config::Config;
use crate::network::PRIVATE;

/// The first-boot script: the seed's development tools.
pub const USER_DATA: [&str; 7] = [
    "dnf install -y docker git python3 python3-pip nodejs",
    "systemctl enable --now docker",
    "usermod -aG docker ssm-user || true",
    "curl -fsSL -o /usr/local/bin/kubectl \"https://dl.k8s.io/release/$(curl -fsSL https://dl.k8s.io/release/stable.txt)/bin/linux/amd64/kubectl\"",
    "chmod +x /usr/local/bin/kubectl",
    "curl -fsSL https://code-server.dev/install.sh | sh",
    "systemctl enable --now code-server@ec2-user",
];

/// Builds the bastion in `stack`, in the first private subnet.
pub fn build(stack: &Scope, config: &Config, vpc: &AgentVpc, compute: &Compute) -> Bastion {
    let subnet = vpc
        .subnet_ids(PRIVATE)
        .and_then(|ids| ids.into_iter().next())
        .unwrap_or_else(|| Value::from(""));
    let bastion = Bastion::new(
        stack,
        "Bastion",
        BastionProps {
            instance_type: config.bastion.instance_type.clone(),
            root_volume_size: config.bastion.root_volume_gib,
            detailed_monitoring: true,
            user_data: USER_DATA.iter().map(|s| s.to_string()).collect(),
            instance_name: Some(format!("{}bastion", config.prefix())),
            ..BastionProps::new(vpc.vpc_id(), subnet)
        },
    );
    compute
        .cluster
        .grant_admin("BastionAccess", bastion.role().arn());
    // The AWS CLI is preinstalled on Amazon Linux; `eks update-kubeconfig`
    // needs to describe the cluster.
    bastion.role().add_to_policy(
        strata::iam::PolicyStatement::allow()
            .action("eks:DescribeCluster")
            .resource(compute.cluster.cluster_arn()),
    );
    bastion
}
