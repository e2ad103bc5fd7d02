//! The VPC module (seed section 2, "VPC Network Architecture", and the
//! network layers of section 3; second in section 4's graph, "VPC must
//! exist before EKS/RDS/Redis").
//!
//! A /16 over three AZs (`10.0.0.0/16` in prod, `10.10.0.0/16` in dev) with
//! three /20 tiers: public (`10.0.0.0/20`, `10.0.16.0/20`, `10.0.32.0/20`)
//! holding the internet gateway route and the NAT gateways (one per AZ in
//! prod, "only 1 in Dev"), private (`10.0.64.0/20`, `10.0.80.0/20`,
//! `10.0.96.0/20`) for the EKS workers, routed through the NAT gateways,
//! and database (`10.0.128.0/20`, `10.0.144.0/20`, `10.0.160.0/20`) for RDS
//! and Redis, with no route out. Network ACLs isolate the tiers
//! ("Public ↔ Private ↔ Database"); S3 and DynamoDB are reached through
//! gateway endpoints, and ECR, STS, CloudWatch Logs and Secrets Manager
//! through interface endpoints (plus SNS and SQS in prod, as section 1's
//! "SNS/SQS (via VPC endpoint)" draws them).

use strata::ec2::{
    AgentVpc, AgentVpcProps, AvailabilityZones, GatewayService, InterfaceEndpointOptions,
    NaclProtocol, NaclRule, NatStrategy, SubnetKind, SubnetTier,
};
use strata::prelude::*;

use crate::config::{NatGateways, NetworkConfig};

/// The public tier's name.
pub const PUBLIC: &str = "public";
/// The private tier's name (EKS workers).
pub const PRIVATE: &str = "private";
/// The database tier's name (RDS, Redis).
pub const DATABASE: &str = "database";

const ANYWHERE: &str = "0.0.0.0/0";

/// Builds the VPC in `stack` from the environment's network settings.
pub fn build(stack: &Scope, config: &NetworkConfig) -> AgentVpc {
    let vpc = AgentVpc::new(
        stack,
        "Vpc",
        AgentVpcProps {
            cidr: config.vpc_cidr.clone(),
            availability_zones: AvailabilityZones::Count(3),
            tiers: vec![
                SubnetTier::with_cidrs(PUBLIC, SubnetKind::Public, config.public_subnets.clone()),
                SubnetTier::with_cidrs(
                    PRIVATE,
                    SubnetKind::PrivateWithEgress,
                    config.private_subnets.clone(),
                ),
                SubnetTier::with_cidrs(
                    DATABASE,
                    SubnetKind::Isolated,
                    config.database_subnets.clone(),
                ),
            ],
            nat: match config.nat_gateways {
                NatGateways::PerAz => NatStrategy::PerAz,
                NatGateways::Single => NatStrategy::Single,
            },
            ..AgentVpcProps::default()
        },
    );
    network_acls(&vpc, config);
    // Section 2's "AWS Service Routes via VPC Endpoints": the gateway
    // endpoints serve the private and database route tables.
    vpc.add_gateway_endpoint("S3Endpoint", GatewayService::S3, &[]);
    vpc.add_gateway_endpoint("DynamoDbEndpoint", GatewayService::DynamoDb, &[]);
    let services: Vec<&str> = config
        .interface_endpoints
        .iter()
        .map(String::as_str)
        .collect();
    vpc.add_interface_endpoints(
        &services,
        &InterfaceEndpointOptions {
            tier: Some(PRIVATE.into()),
            ..Default::default()
        },
    );
    tag_for_load_balancers(&vpc);
    vpc
}

/// Section 3's "Network ACLs (Layer 3): Subnet-level isolation, Public ↔
/// Private ↔ Database". The public tier takes HTTP and HTTPS from the
/// internet; the private tier takes anything from inside the VPC; the
/// database tier takes only PostgreSQL (5432) and Redis (6379) from the
/// private subnets, and its own subnets' traffic (replication), so the
/// public tier cannot reach it. ACLs are stateless: each tier also admits
/// the ephemeral ports (1024-65535) its outbound connections are answered on.
fn network_acls(vpc: &AgentVpc, config: &NetworkConfig) {
    use NaclProtocol::{All, Tcp};
    let cidr = config.vpc_cidr.as_str();
    vpc.add_network_acl(
        PUBLIC,
        &[
            NaclRule::ingress(100, Tcp, ANYWHERE).port(80),
            NaclRule::ingress(110, Tcp, ANYWHERE).port(443),
            NaclRule::ingress(120, Tcp, ANYWHERE).ports(1024, 65535),
            NaclRule::ingress(130, All, cidr),
            NaclRule::egress(100, All, ANYWHERE),
        ],
    );
    vpc.add_network_acl(
        PRIVATE,
        &[
            NaclRule::ingress(100, All, cidr),
            NaclRule::ingress(110, Tcp, ANYWHERE).ports(1024, 65535),
            NaclRule::egress(100, All, ANYWHERE),
        ],
    );
    let mut database = Vec::new();
    for (i, private) in (0u16..).zip(&config.private_subnets) {
        database.push(NaclRule::ingress(100 + i, Tcp, private.as_str()).port(5432));
        database.push(NaclRule::ingress(110 + i, Tcp, private.as_str()).port(6379));
        database.push(NaclRule::egress(100 + i, Tcp, private.as_str()).ports(1024, 65535));
    }
    for (i, own) in (0u16..).zip(&config.database_subnets) {
        database.push(NaclRule::ingress(120 + i, All, own.as_str()));
        database.push(NaclRule::egress(120 + i, All, own.as_str()));
    }
    vpc.add_network_acl(DATABASE, &database);
}

/// The tags the AWS Load Balancer Controller looks for: the EKS
/// Application Load Balancer of section 1 goes in the public subnets
/// (`kubernetes.io/role/elb`), internal ones in the private subnets.
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
