//! The network family: VPCs with their subnets, routes, NACLs, flow logs
//! and endpoints, and security groups with their connections.
