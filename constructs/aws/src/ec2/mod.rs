//! The network family: VPCs with their subnets, routes, NACLs, flow logs
//! and endpoints, and security groups with their connections.

mod peer;
mod security_group;

pub use peer::{Peer, Port};
pub use security_group::{SecurityGroup, SecurityGroupProps};
