//! What an [`AgentVpc`](super::AgentVpc) is made of: its address space,
//! availability zones, subnet tiers and NAT strategy.

/// What a subnet tier is for; it decides the tier's routes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SubnetKind {
    /// Routes `0.0.0.0/0` to the internet gateway; instances get public IPs.
    Public,
    /// Routes `0.0.0.0/0` to a NAT gateway in a public subnet.
    PrivateWithEgress,
    /// No default route: reachable only from inside the VPC (and through
    /// VPC endpoints).
    Isolated,
}

impl SubnetKind {
    /// The value of the `aws-cdk:subnet-type` tag, as the CDK writes it.
    pub fn type_tag(self) -> &'static str {
        match self {
            SubnetKind::Public => "Public",
            SubnetKind::PrivateWithEgress => "Private",
            SubnetKind::Isolated => "Isolated",
        }
    }
}

/// How much address space each subnet of a tier gets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TierSize {
    /// One subnet of this prefix length per AZ, placed by the planner.
    Mask(u8),
    /// These CIDR blocks, one per AZ in AZ order.
    Cidrs(Vec<String>),
    /// An even share of the space left after the explicit CIDRs and masks.
    Remaining,
}

/// A subnet tier: one subnet per availability zone, all of one kind.
///
/// ```
/// use strata::ec2::{SubnetKind, SubnetTier, TierSize};
/// let app = SubnetTier::with_mask("app", SubnetKind::PrivateWithEgress, 22);
/// assert_eq!(app.size, TierSize::Mask(22));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubnetTier {
    /// The tier name: it names the subnets' constructs (`<name>Subnet<N>`)
    /// and the `aws-cdk:subnet-name` tag.
    pub name: String,
    /// Public, private with egress, or isolated.
    pub kind: SubnetKind,
    /// The subnets' address space.
    pub size: TierSize,
}

impl SubnetTier {
    /// A tier sharing the space left by the other tiers evenly.
    pub fn new(name: &str, kind: SubnetKind) -> SubnetTier {
        SubnetTier {
            name: name.to_string(),
            kind,
            size: TierSize::Remaining,
        }
    }

    /// A tier whose subnets have prefix length `mask`.
    pub fn with_mask(name: &str, kind: SubnetKind, mask: u8) -> SubnetTier {
        SubnetTier {
            size: TierSize::Mask(mask),
            ..SubnetTier::new(name, kind)
        }
    }

    /// A tier with one given CIDR block per availability zone.
    pub fn with_cidrs<I, S>(name: &str, kind: SubnetKind, cidrs: I) -> SubnetTier
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        SubnetTier {
            size: TierSize::Cidrs(cidrs.into_iter().map(Into::into).collect()),
            ..SubnetTier::new(name, kind)
        }
    }
}

/// Which availability zones the VPC spans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AvailabilityZones {
    /// The first `n` zones of the stack's region, resolved at deploy time
    /// with `Fn::Select [i, Fn::GetAZs ""]`. The region must have that many.
    Count(u32),
    /// These zones, by name (`us-east-1a`, ...), in this order.
    Names(Vec<String>),
}

/// How private subnets reach the internet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NatStrategy {
    /// One NAT gateway in each AZ (in the first public tier); each private
    /// subnet uses the one in its own AZ, so an AZ outage does not cut off
    /// the others.
    PerAz,
    /// One NAT gateway in the first AZ (in the first public tier), shared
    /// by every private subnet: cheaper, but egress depends on that AZ.
    Single,
    /// No NAT gateway. Only valid without private-with-egress tiers.
    None,
}

/// Settings of an [`AgentVpc`](super::AgentVpc).
///
/// The default is a `10.0.0.0/16` VPC over 3 AZs with three `/24` tiers:
/// `public` (public), `private-app` (private with egress) and `data`
/// (isolated), and a NAT gateway per AZ.
///
/// ```
/// use strata::ec2::{AgentVpcProps, NatStrategy};
/// let props = AgentVpcProps { nat: NatStrategy::Single, ..Default::default() };
/// assert_eq!(props.tiers.len(), 3);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentVpcProps {
    /// The VPC's IPv4 block, `/16` to `/28`.
    pub cidr: String,
    /// The availability zones the subnets are spread over.
    pub availability_zones: AvailabilityZones,
    /// The subnet tiers, in order. Their subnets are allocated as
    /// [`plan_subnets`](super::plan_subnets) describes.
    pub tiers: Vec<SubnetTier>,
    /// NAT gateways for the private-with-egress tiers.
    pub nat: NatStrategy,
    /// `EnableDnsHostnames` (needed for private DNS of interface endpoints).
    pub enable_dns_hostnames: bool,
    /// `EnableDnsSupport` (needed for private DNS of interface endpoints).
    pub enable_dns_support: bool,
}

impl Default for AgentVpcProps {
    fn default() -> Self {
        AgentVpcProps {
            cidr: "10.0.0.0/16".to_string(),
            availability_zones: AvailabilityZones::Count(3),
            tiers: vec![
                SubnetTier::with_mask("public", SubnetKind::Public, 24),
                SubnetTier::with_mask("private-app", SubnetKind::PrivateWithEgress, 24),
                SubnetTier::with_mask("data", SubnetKind::Isolated, 24),
            ],
            nat: NatStrategy::PerAz,
            enable_dns_hostnames: true,
            enable_dns_support: true,
        }
    }
}

impl AgentVpcProps {
    /// The default three tiers at fixed, spaced-out addresses: `public` in
    /// `10.0.1-3.0/24`, `private-app` in `10.0.11-13.0/24` and `data` in
    /// `10.0.21-23.0/24`, one per AZ. This is the layout seed 000 specifies;
    /// the gaps leave each tier room to grow.
    ///
    /// ```
    /// use strata::ec2::{AgentVpcProps, TierSize};
    /// let props = AgentVpcProps::spaced_three_tier();
    /// assert_eq!(
    ///     props.tiers[1].size,
    ///     TierSize::Cidrs(vec!["10.0.11.0/24".into(), "10.0.12.0/24".into(), "10.0.13.0/24".into()])
    /// );
    /// ```
    pub fn spaced_three_tier() -> AgentVpcProps {
        let cidrs = |third: u8| (0..3).map(move |i| format!("10.0.{}.0/24", third + i));
        AgentVpcProps {
            tiers: vec![
                SubnetTier::with_cidrs("public", SubnetKind::Public, cidrs(1)),
                SubnetTier::with_cidrs("private-app", SubnetKind::PrivateWithEgress, cidrs(11)),
                SubnetTier::with_cidrs("data", SubnetKind::Isolated, cidrs(21)),
            ],
            ..AgentVpcProps::default()
        }
    }
}
