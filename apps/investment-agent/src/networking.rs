//! The networking stack (seed "Networking Layer", `networking-stack.ts`):
//! the 10.0.0.0/16 VPC with public, private and isolated subnets at the
//! seed's addresses, NAT gateways, VPC flow logs, the endpoints the
//! isolated subnets reach AWS through, and the four security groups of
//! seed section "Security Groups" (plus one for the optional ECS tasks).

use strata::ec2::{
    AgentVpc, AgentVpcProps, AvailabilityZones, CloudWatchLogsDestination, FlowLogDestination,
    FlowLogOptions, GatewayService, InterfaceEndpointOptions, LogGroupPlacement, NatStrategy, Peer,
    Port, SecurityGroup, SecurityGroupProps, SubnetKind, SubnetTier,
};
use strata::prelude::*;

use crate::config::{Config, NatGateways};

/// The public tier: API Gateway facing load balancers and the NAT gateways.
pub const PUBLIC: &str = "public";
/// The private tier: Lambda functions, ECS tasks and the databases.
pub const PRIVATE: &str = "private";
/// The isolated tier: sensitive data processing, without internet routes.
pub const ISOLATED: &str = "isolated";

/// Seed "Amazon VPC": one /24 per availability zone and tier.
pub const PUBLIC_SUBNETS: [&str; 3] = ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"];
/// Seed "Amazon VPC": the private subnets.
pub const PRIVATE_SUBNETS: [&str; 3] = ["10.0.11.0/24", "10.0.12.0/24", "10.0.13.0/24"];
/// Seed "Amazon VPC": the isolated subnets.
pub const ISOLATED_SUBNETS: [&str; 3] = ["10.0.21.0/24", "10.0.22.0/24", "10.0.23.0/24"];

/// DAX's encrypted (TLS) client port, the only one the cluster listens on.
pub const DAX_TLS_PORT: u16 = 9111;

/// Interface endpoints the isolated subnets call AWS through: the
/// processing function assumes the access roles (STS), invokes Bedrock
/// models and reads its secrets there without a route to the internet.
pub const INTERFACE_ENDPOINTS: [&str; 3] = ["bedrock-runtime", "secretsmanager", "sts"];

/// What the other stacks use from the network.
#[derive(Clone)]
pub struct Network {
    /// The VPC with its `public`, `private` and `isolated` tiers.
    pub vpc: AgentVpc,
    /// Security groups by role.
    pub groups: SecurityGroups,
}

/// The seed's security groups.
#[derive(Clone)]
pub struct SecurityGroups {
    /// "API Gateway SG: allows HTTPS traffic from internet", for load
    /// balancers in the public subnets. The regional REST API itself runs
    /// outside the VPC, so no resource of this app sits in it yet.
    pub api_gateway: SecurityGroup,
    /// "Lambda SG: allows outbound HTTPS and database connections".
    pub lambda: SecurityGroup,
    /// "Database SG: allows inbound connections from Lambda only", on the
    /// DAX cluster in front of DynamoDB.
    pub database: SecurityGroup,
    /// "OpenSearch SG: restricted access from application layer".
    pub opensearch: SecurityGroup,
    /// The ECS tasks, when the optional service is configured.
    pub ecs: Option<SecurityGroup>,
}

/// Builds the networking stack: the VPC over `network.availability_zones`
/// zones (three in the seed, one in development), `Single` or per-AZ NAT,
/// flow logs of all traffic, S3 and DynamoDB gateway endpoints, the
/// Bedrock runtime and Secrets Manager interface endpoints in the isolated
/// tier, and the security groups.
pub fn build(stack: &Scope, config: &Config) -> Network {
    let azs = usize::from(config.network.availability_zones);
    if !(1..=3).contains(&azs) {
        stack.error(
            "availability-zones",
            format!("network.availability_zones is {azs}; the seed's subnets cover 1 to 3 zones"),
        );
    }
    let first = |cidrs: [&'static str; 3]| -> Vec<&'static str> {
        cidrs.into_iter().take(azs.clamp(1, 3)).collect()
    };
    let vpc = AgentVpc::new(
        stack,
        "Vpc",
        AgentVpcProps {
            cidr: "10.0.0.0/16".into(),
            availability_zones: AvailabilityZones::Count(azs.clamp(1, 3) as u32),
            tiers: vec![
                SubnetTier::with_cidrs(PUBLIC, SubnetKind::Public, first(PUBLIC_SUBNETS)),
                SubnetTier::with_cidrs(
                    PRIVATE,
                    SubnetKind::PrivateWithEgress,
                    first(PRIVATE_SUBNETS),
                ),
                SubnetTier::with_cidrs(ISOLATED, SubnetKind::Isolated, first(ISOLATED_SUBNETS)),
            ],
            nat: match config.network.nat_gateways {
                NatGateways::Single => NatStrategy::Single,
                NatGateways::PerAz => NatStrategy::PerAz,
            },
            ..AgentVpcProps::default()
        },
    );
    // Seed "Governance": access logging and monitoring of the network.
    vpc.add_flow_log(
        "FlowLog",
        FlowLogOptions {
            destination: FlowLogDestination::CloudWatchLogs(CloudWatchLogsDestination {
                retention_in_days: config.network.flow_log_retention_days,
                placement: LogGroupPlacement::Stack("VpcFlowLogGroup".into()),
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    // S3 and DynamoDB traffic stays on AWS's network, at no charge, and
    // reaches the isolated tier at all.
    vpc.add_gateway_endpoint("S3Endpoint", GatewayService::S3, &[]);
    vpc.add_gateway_endpoint("DynamoDbEndpoint", GatewayService::DynamoDb, &[]);
    vpc.add_interface_endpoints(
        &INTERFACE_ENDPOINTS,
        &InterfaceEndpointOptions {
            tier: Some(ISOLATED.into()),
            ..Default::default()
        },
    );
    let groups = security_groups(stack, &vpc, config.ecs.is_some());
    Network { vpc, groups }
}

fn security_groups(stack: &Scope, vpc: &AgentVpc, ecs: bool) -> SecurityGroups {
    let group = |id: &str, description: &str, allow_all_outbound: bool| {
        SecurityGroup::new(
            stack,
            id,
            SecurityGroupProps {
                vpc_id: vpc.vpc_id(),
                description: Some(description.into()),
                allow_all_outbound: Some(allow_all_outbound),
                ..Default::default()
            },
        )
    };
    let api_gateway = group(
        "ApiGatewaySg",
        "API Gateway SG: HTTPS from the internet to load balancers in the public subnets",
        false,
    );
    let lambda = group(
        "LambdaSg",
        "Lambda SG: outbound HTTPS and database connections",
        false,
    );
    let database = group(
        "DatabaseSg",
        "Database SG: inbound connections from Lambda only",
        false,
    );
    let opensearch = group(
        "OpenSearchSg",
        "OpenSearch SG: restricted access from the application layer",
        false,
    );
    let anywhere = Peer::any_ipv4;

    api_gateway.allow_from(anywhere(), Port::tcp(443), "HTTPS from the internet");
    strata::guard::suppress(
        api_gateway.scope(),
        "SECURITY_GROUP_OPEN_INGRESS",
        "the seed's API Gateway group is the internet-facing entry for the public subnets' load balancers: HTTPS only",
    );

    lambda.allow_to(
        anywhere(),
        Port::tcp(443),
        "HTTPS to AWS APIs and market data providers",
    );
    lambda.allow_to(&database, Port::tcp(DAX_TLS_PORT), "DAX over TLS");
    lambda.allow_to(&opensearch, Port::tcp(443), "OpenSearch over HTTPS");
    database.allow_from(&lambda, Port::tcp(DAX_TLS_PORT), "DAX over TLS from Lambda");
    opensearch.allow_from(&lambda, Port::tcp(443), "HTTPS from Lambda");

    let ecs = ecs.then(|| {
        let tasks = group(
            "EcsSg",
            "ECS tasks: long-running AI workflows, outbound HTTPS only",
            false,
        );
        tasks.allow_to(anywhere(), Port::tcp(443), "HTTPS to AWS APIs");
        tasks.allow_to(&opensearch, Port::tcp(443), "OpenSearch over HTTPS");
        opensearch.allow_from(&tasks, Port::tcp(443), "HTTPS from ECS tasks");
        tasks
    });
    SecurityGroups {
        api_gateway,
        lambda,
        database,
        opensearch,
        ecs,
    }
}
