//! The network family: VPCs with their subnets, routes, NACLs, flow logs
//! and endpoints, and security groups with their connections.

mod peer;
mod security_group;
mod vpc;

pub use peer::{Peer, Port};
pub use security_group::{SecurityGroup, SecurityGroupProps};
pub use vpc::{
    plan_subnets, three_tier_nacl_rules, AgentVpc, AgentVpcProps, AvailabilityZones, CidrError,
    CidrPlan, CloudWatchLogsDestination, DefaultSecurityGroupLockdown, FlowLog, FlowLogDestination,
    FlowLogOptions, GatewayEndpoint, GatewayService, InterfaceEndpoint, InterfaceEndpointOptions,
    InterfaceService, LogGroupPlacement, NaclAction, NaclDirection, NaclProtocol, NaclRule,
    NatStrategy, NetworkAcl, PlannedTier, Subnet, SubnetKind, SubnetTier, TierSize, TrafficType,
};
