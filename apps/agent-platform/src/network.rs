//! Seed "Networking and Security": the VPC `10.0.0.0/16` with DNS support
//! and hostnames, public and private subnets across two availability
//! zones, an internet gateway and NAT gateways ("NAT Gateway 1", "NAT
//! Gateway 2"; one in dev), VPC flow logs to CloudWatch Logs ("VPC flow
//! logs for network traffic monitoring") and the default security group
//! stripped of its rules ("Default security group configured to deny all
//! traffic"). The public subnets carry the tags the AWS Load Balancer
//! Controller looks for, so the seed's Application Load Balancer lands
//! there.

use strata::ec2::{
    AgentVpc, AgentVpcProps, AvailabilityZones, CloudWatchLogsDestination, FlowLogDestination,
    FlowLogOptions, NatStrategy, SubnetKind, SubnetTier, TrafficType,
};
use strata::prelude::*;

use crate::config::{Config, NatGateways};
use crate::parameters;

/// The public tier's name.
pub const PUBLIC: &str = "public";
/// The private tier's name: EKS, the bastion and the data stores.
pub const PRIVATE: &str = "private";

/// Builds the VPC in `stack` from the environment's network settings.
pub fn build(stack: &Scope, config: &Config) -> AgentVpc {
    let network = &config.network;
    if network.public_subnets.len() != 2 || network.private_subnets.len() != 2 {
        stack.error(
            "platform-subnets",
            "the seed spreads the VPC over two availability zones; give two public_subnets and two private_subnets",
        );
    }
    let vpc = AgentVpc::new(
        stack,
        "Vpc",
        AgentVpcProps {
            cidr: network.vpc_cidr.clone(),
            availability_zones: AvailabilityZones::Count(2),
            tiers: vec![
                SubnetTier::with_cidrs(PUBLIC, SubnetKind::Public, network.public_subnets.clone()),
                SubnetTier::with_cidrs(
                    PRIVATE,
                    SubnetKind::PrivateWithEgress,
                    network.private_subnets.clone(),
                ),
            ],
            nat: match network.nat_gateways {
                NatGateways::PerAz => NatStrategy::PerAz,
                NatGateways::Single => NatStrategy::Single,
            },
            enable_dns_hostnames: true,
            enable_dns_support: true,
        },
    );
    vpc.add_flow_log(
        "FlowLog",
        FlowLogOptions {
            destination: FlowLogDestination::CloudWatchLogs(CloudWatchLogsDestination {
                retention_in_days: config.log_retention_days,
                ..Default::default()
            }),
            traffic_type: TrafficType::All,
            max_aggregation_interval: Some(60),
        },
    );
    vpc.lock_down_default_security_group();
    tag_for_load_balancers(&vpc);
    parameters::put(
        stack,
        "VpcIdParameter",
        &parameters::path(config, "network/vpc-id"),
        "The platform VPC",
        vpc.vpc_id(),
    );
    vpc
}

/// The tags the AWS Load Balancer Controller looks for: internet-facing
/// load balancers in the public subnets, internal ones in the private.
fn tag_for_load_balancers(vpc: &AgentVpc) {
    for (tier, role) in [
        (PUBLIC, "kubernetes.io/role/elb"),
        (PRIVATE, "kubernetes.io/role/internal-elb"),
    ] {
        for subnet in vpc.subnets(tier).unwrap_or_default() {
            if let Some(resource) = subnet.scope().of(subnet.resource()) {
                resource.add_tag(role, "1");
            }
        }
    }
}
