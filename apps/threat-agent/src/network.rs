//! Seed section "Security and Network Infrastructure / Network Security":
//! the 10.0.0.0/16 VPC with private subnets 10.0.1-3.0/24 and public
//! subnets 10.0.101-103.0/24 in us-east-1a/b/c, the BedrockAgentSG and
//! LambdaToolSG security groups with the groups of the stores they reach,
//! and the six VPC endpoints.
//!
//! The same layout serves the standby region with that region's zones and
//! its own /16 (the third octets stay the seed's).

use strata::ec2::{
    AgentVpc, AgentVpcProps, AvailabilityZones, GatewayService, InterfaceEndpointOptions,
    NatStrategy, Peer, Port, SecurityGroup, SecurityGroupProps, SubnetKind, SubnetTier,
};
use strata::prelude::*;

/// The tier of the private subnets (Lambda tools, caches, search).
pub const PRIVATE: &str = "private";
/// The tier of the public subnets (NAT gateways).
pub const PUBLIC: &str = "public";

/// The seed's interface endpoints (`com.amazonaws.<region>.<name>`), plus
/// `bedrock-agent-runtime`, which the agent runner functions call
/// `InvokeAgent` through from the private subnets.
pub const INTERFACE_ENDPOINTS: [&str; 5] = [
    "bedrock-runtime",
    "bedrock-agent-runtime",
    "kms",
    "logs",
    "monitoring",
];

/// What the other tiers need from the network.
#[derive(Clone)]
pub struct Network {
    /// The VPC with its `public` and `private` tiers.
    pub vpc: AgentVpc,
    /// The seed's security groups.
    pub groups: SecurityGroups,
}

/// The seed's security groups, and those of the stores the tools reach.
#[derive(Clone)]
pub struct SecurityGroups {
    /// BedrockAgentSG: no inbound; HTTPS to the tools and the endpoints.
    /// The agent runner functions, which call the Bedrock agents from the
    /// VPC, use it.
    pub bedrock_agent: SecurityGroup,
    /// LambdaToolSG: HTTPS from the agents; HTTPS out, Redis to
    /// ElastiCache, HTTPS to OpenSearch, and DAX.
    pub lambda_tool: SecurityGroup,
    /// ElastiCache's group (6379 from the tools).
    pub cache: SecurityGroup,
    /// `dax-security-group` (9111, DAX's TLS port, from the tools).
    pub dax: SecurityGroup,
    /// `opensearch-sg` (443 from the tools).
    pub search: SecurityGroup,
}

impl Network {
    /// The private subnets' IDs.
    pub fn private_subnet_ids(&self) -> Vec<Value<String>> {
        self.vpc.subnet_ids(PRIVATE).unwrap_or_default()
    }
}

/// The subnets of a /16 at `a.b.0.0`: private `a.b.1-3.0/24` and public
/// `a.b.101-103.0/24`, as the seed lays out 10.0.0.0/16. `None` when
/// `vpc_cidr` is not such a /16.
///
/// ```
/// let (private, public) = threat_agent::network::subnet_cidrs("10.0.0.0/16").expect("a /16");
/// assert_eq!(private, ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]);
/// assert_eq!(public[2], "10.0.103.0/24");
/// assert!(threat_agent::network::subnet_cidrs("10.0.0.0/20").is_none());
/// ```
pub fn subnet_cidrs(vpc_cidr: &str) -> Option<([String; 3], [String; 3])> {
    let prefix = vpc_cidr.strip_suffix(".0.0/16")?;
    let octets: Vec<&str> = prefix.split('.').collect();
    let valid = octets.len() == 2 && octets.iter().all(|o| o.parse::<u8>().is_ok());
    if !valid {
        return None;
    }
    let tier = |third: u8| [0, 1, 2].map(|i| format!("{prefix}.{}.0/24", third + i));
    Some((tier(1), tier(101)))
}

/// Builds the network in `stack` (whose region must be known): the VPC at
/// `vpc_cidr` over the region's zones a, b and c, `nat` gateways, the
/// S3 and DynamoDB gateway endpoints, the interface endpoints and the
/// security groups.
pub fn build(stack: &Scope, vpc_cidr: &str, nat: NatStrategy) -> Network {
    let region = stack.env().region.unwrap_or_default();
    let (private, public) = subnet_cidrs(vpc_cidr).unwrap_or_else(|| {
        stack.error(
            "vpc-cidr",
            format!(
                "the VPC block {vpc_cidr:?} must be a /16 written a.b.0.0/16, such as 10.0.0.0/16"
            ),
        );
        Default::default()
    });
    let vpc = AgentVpc::new(
        stack,
        "Vpc",
        AgentVpcProps {
            cidr: vpc_cidr.to_string(),
            availability_zones: AvailabilityZones::Names(
                ["a", "b", "c"].map(|z| format!("{region}{z}")).to_vec(),
            ),
            tiers: vec![
                SubnetTier::with_cidrs(PUBLIC, SubnetKind::Public, public),
                SubnetTier::with_cidrs(PRIVATE, SubnetKind::PrivateWithEgress, private),
            ],
            nat,
            ..AgentVpcProps::default()
        },
    );
    vpc.add_gateway_endpoint("S3Endpoint", GatewayService::S3, &[]);
    vpc.add_gateway_endpoint("DynamoDbEndpoint", GatewayService::DynamoDb, &[]);
    vpc.add_interface_endpoints(
        &INTERFACE_ENDPOINTS,
        &InterfaceEndpointOptions {
            tier: Some(PRIVATE.into()),
            ..Default::default()
        },
    );
    let groups = security_groups(stack, &vpc);
    Network { vpc, groups }
}

fn security_groups(stack: &Scope, vpc: &AgentVpc) -> SecurityGroups {
    let group = |id: &str, description: &str| {
        SecurityGroup::new(
            stack,
            id,
            SecurityGroupProps {
                vpc_id: vpc.vpc_id(),
                description: Some(description.into()),
                allow_all_outbound: Some(false),
                ..Default::default()
            },
        )
    };
    let agent = group("BedrockAgentSG", "Bedrock agent runners: no inbound");
    let tool = group("LambdaToolSG", "Lambda agent tools");
    let cache = group("CacheSG", "ElastiCache Redis distributed cache");
    let dax = group("DaxSG", "dax-security-group: DAX persistent cache");
    let search = group("OpenSearchSG", "opensearch-sg: knowledge base domain");

    // BedrockAgentSG: no inbound rules; HTTPS to the tools and to the
    // interface endpoints (in the VPC's block).
    agent.allow_to(&tool, Port::tcp(443), "HTTPS to Lambda functions");
    agent.allow_to(
        Peer::ipv4(vpc.vpc_cidr_block()),
        Port::tcp(443),
        "HTTPS to AWS services via VPC endpoints",
    );
    // LambdaToolSG.
    tool.allow_from(&agent, Port::tcp(443), "HTTPS from Bedrock agents");
    tool.allow_to(Peer::any_ipv4(), Port::tcp(443), "HTTPS to AWS services");
    tool.allow_to(&cache, Port::tcp(6379), "Redis to ElastiCache");
    tool.allow_to(&search, Port::tcp(443), "HTTPS to OpenSearch");
    tool.allow_to(&dax, Port::tcp(strata::dax::TLS_PORT), "TLS to DAX");

    SecurityGroups {
        bedrock_agent: agent,
        lambda_tool: tool,
        cache,
        dax,
        search,
    }
}
