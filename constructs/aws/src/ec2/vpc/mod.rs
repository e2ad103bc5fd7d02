//! [`AgentVpc`]: a VPC with its subnet tiers, internet and NAT gateways,
//! routes, network ACLs, flow logs and endpoints, at the construct paths of
//! the CDK's `ec2.Vpc` so the same paths give the CDK's logical IDs.

mod cidr;
mod endpoint;
mod flow_log;
mod lockdown;
mod nacl;
mod props;
mod subnet;

pub use cidr::{plan_subnets, CidrError, CidrPlan, PlannedTier};
pub use endpoint::{
    GatewayEndpoint, GatewayService, InterfaceEndpoint, InterfaceEndpointOptions, InterfaceService,
};
pub use flow_log::{
    CloudWatchLogsDestination, FlowLog, FlowLogDestination, FlowLogOptions, LogGroupPlacement,
    TrafficType,
};
pub use lockdown::DefaultSecurityGroupLockdown;
pub use nacl::{
    three_tier_nacl_rules, NaclAction, NaclDirection, NaclProtocol, NaclRule, NetworkAcl,
};
pub use props::{AgentVpcProps, AvailabilityZones, NatStrategy, SubnetKind, SubnetTier, TierSize};
pub use subnet::Subnet;

use ipnet::Ipv4Net;
use strata_cfn::ec2;
use strata_core::{Fn, ResourceOptions, Scope, Value};

/// A VPC built the way the CDK's `ec2.Vpc` builds one, from a few props.
///
/// Under `<id>` it adds `Resource` (the VPC), `IGW` and `VPCGW` (when there
/// is a public tier), and per tier and AZ a `<tier>Subnet<N>` construct
/// holding `Subnet`, `RouteTable`, `RouteTableAssociation`, the
/// `DefaultRoute` and, in the public subnets that hold them, `EIP` and
/// `NATGateway`. Every resource is tagged `Name` with its construct path;
/// subnets also carry `aws-cdk:subnet-name` and `aws-cdk:subnet-type`.
///
/// Problems with the props (a bad CIDR, overlapping tiers, too little
/// space, a NAT strategy that leaves private subnets without egress) are
/// reported at synth with the VPC's path.
///
/// ```
/// use strata::prelude::*;
/// use strata::ec2::{AgentVpc, AgentVpcProps, SubnetKind};
///
/// let app = App::new();
/// let stack = app.stack("Network", StackProps::default());
/// let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::default());
/// let app_subnets = vpc.subnets("private-app").expect("a default tier");
/// assert_eq!(app_subnets.len(), 3);
/// assert_eq!(app_subnets[0].cidr().to_string(), "10.0.3.0/24");
/// assert_eq!(vpc.route_tables(SubnetKind::Isolated).len(), 3);
///
/// let assembly = app.synth().expect("valid");
/// let resources = &assembly.stacks[0].template["Resources"];
/// let route = &resources["VpcprivateappSubnet1DefaultRoute8E06B98F"]["Properties"];
/// assert_eq!(route["NatGatewayId"]["Ref"], "VpcpublicSubnet1NATGatewayA036E8A6");
/// ```
#[derive(Clone, Debug)]
pub struct AgentVpc {
    scope: Scope,
    vpc: ec2::VpcRef,
    cidr: Option<Ipv4Net>,
    availability_zones: Vec<Value<String>>,
    tiers: Vec<Tier>,
    internet_gateway: Option<ec2::InternetGatewayRef>,
    gateway_attachment: Option<ec2::VpcGatewayAttachmentRef>,
    nat_gateways: Vec<ec2::NatGatewayRef>,
    /// Whether DNS support and hostnames are both on (private DNS needs them).
    dns_enabled: bool,
}

/// One tier's subnets, in AZ order.
#[derive(Clone, Debug)]
struct Tier {
    name: String,
    kind: SubnetKind,
    subnets: Vec<Subnet>,
}

impl AgentVpc {
    /// Adds a VPC at `<scope>/<id>` with the tiers, gateways and routes the
    /// props describe.
    pub fn new(scope: &Scope, id: &str, props: AgentVpcProps) -> AgentVpc {
        let scope = scope.child(id);
        scope.add_tag("Name", &scope.path());
        let availability_zones = availability_zones(&scope, &props.availability_zones);
        let plan = match plan_subnets(&props.cidr, availability_zones.len(), &props.tiers) {
            Ok(plan) => Some(plan),
            Err(e) => {
                scope.error("vpc-cidr-plan", e.to_string());
                None
            }
        };
        check_nat(&scope, &props);
        let vpc = scope.resource(
            "Resource",
            ec2::Vpc {
                cidr_block: Some(props.cidr.clone().into()),
                enable_dns_hostnames: Some(props.enable_dns_hostnames.into()),
                enable_dns_support: Some(props.enable_dns_support.into()),
                instance_tenancy: Some("default".into()),
                ..ec2::Vpc::new()
            },
        );
        let has_public = props.tiers.iter().any(|t| t.kind == SubnetKind::Public);
        let (internet_gateway, gateway_attachment) = if has_public {
            let igw = scope.resource("IGW", ec2::InternetGateway::default());
            let attachment = scope.resource(
                "VPCGW",
                ec2::VpcGatewayAttachment {
                    internet_gateway_id: Some(igw.ref_()),
                    ..ec2::VpcGatewayAttachment::new(vpc.ref_())
                },
            );
            (Some(igw), Some(attachment))
        } else {
            (None, None)
        };
        let tiers = props
            .tiers
            .iter()
            .map(|tier| {
                let cidrs = plan
                    .as_ref()
                    .and_then(|p| p.tier(&tier.name).ok())
                    .unwrap_or(&[]);
                Tier {
                    name: tier.name.clone(),
                    kind: tier.kind,
                    subnets: cidrs
                        .iter()
                        .zip(&availability_zones)
                        .enumerate()
                        .map(|(i, (cidr, az))| {
                            Subnet::add(&scope, &vpc, tier, i, *cidr, az.clone())
                        })
                        .collect(),
                }
            })
            .collect();
        let mut vpc = AgentVpc {
            scope,
            vpc,
            cidr: plan.as_ref().map(CidrPlan::vpc),
            availability_zones,
            tiers,
            internet_gateway,
            gateway_attachment,
            nat_gateways: Vec::new(),
            dns_enabled: props.enable_dns_hostnames && props.enable_dns_support,
        };
        vpc.add_public_routes(props.nat);
        vpc.add_private_routes(props.nat);
        vpc
    }

    /// Default routes to the internet gateway, and the NAT gateways with
    /// their EIPs in the first public tier.
    fn add_public_routes(&mut self, nat: NatStrategy) {
        let (Some(igw), Some(attachment)) = (self.internet_gateway, self.gateway_attachment) else {
            return;
        };
        let needs_nat = self
            .tiers
            .iter()
            .any(|t| t.kind == SubnetKind::PrivateWithEgress);
        let nat_count = match (needs_nat, nat) {
            (false, _) | (_, NatStrategy::None) => 0,
            (true, NatStrategy::Single) => 1,
            (true, NatStrategy::PerAz) => self.availability_zones.len(),
        };
        let mut nat_gateways = Vec::new();
        let public = self.tiers.iter().filter(|t| t.kind == SubnetKind::Public);
        for (position, tier) in public.enumerate() {
            // The first public tier holds the NAT gateways.
            let holds_nat = position == 0;
            for subnet in &tier.subnets {
                let scope = subnet.scope();
                let route = scope.resource_with(
                    "DefaultRoute",
                    ec2::Route {
                        destination_cidr_block: Some("0.0.0.0/0".into()),
                        gateway_id: Some(igw.ref_()),
                        ..ec2::Route::new(subnet.route_table_id())
                    },
                    ResourceOptions {
                        depends_on: vec![*attachment],
                        ..Default::default()
                    },
                );
                if holds_nat && nat_gateways.len() < nat_count {
                    let eip = scope.resource(
                        "EIP",
                        ec2::Eip {
                            domain: Some("vpc".into()),
                            ..ec2::Eip::default()
                        },
                    );
                    nat_gateways.push(scope.resource_with(
                        "NATGateway",
                        ec2::NatGateway {
                            allocation_id: Some(eip.allocation_id()),
                            subnet_id: Some(subnet.subnet_id()),
                            ..ec2::NatGateway::default()
                        },
                        ResourceOptions {
                            depends_on: vec![*route, **subnet.route_table_association()],
                            ..Default::default()
                        },
                    ));
                }
            }
        }
        self.nat_gateways = nat_gateways;
    }

    /// Default routes of the private-with-egress subnets to the NAT gateway
    /// in their own AZ, or to the single one.
    fn add_private_routes(&self, nat: NatStrategy) {
        if self.nat_gateways.is_empty() {
            return;
        }
        for tier in self
            .tiers
            .iter()
            .filter(|t| t.kind == SubnetKind::PrivateWithEgress)
        {
            for subnet in &tier.subnets {
                let gateway = match nat {
                    NatStrategy::PerAz => self.nat_gateways.get(subnet.az_index()),
                    _ => self.nat_gateways.first(),
                };
                let Some(gateway) = gateway else { continue };
                subnet.scope().resource(
                    "DefaultRoute",
                    ec2::Route {
                        destination_cidr_block: Some("0.0.0.0/0".into()),
                        nat_gateway_id: Some(gateway.ref_()),
                        ..ec2::Route::new(subnet.route_table_id())
                    },
                );
            }
        }
    }

    /// The VPC's id, `{"Ref": <vpc>}`.
    pub fn vpc_id(&self) -> Value<String> {
        self.vpc.ref_()
    }

    /// The VPC's IPv4 block as CloudFormation reports it,
    /// `Fn::GetAtt [<vpc>, CidrBlock]`.
    pub fn vpc_cidr_block(&self) -> Value<String> {
        self.vpc.get_att("CidrBlock")
    }

    /// The VPC's IPv4 block as planned; `None` when the props' CIDR is
    /// invalid (synth reports it).
    pub fn cidr(&self) -> Option<Ipv4Net> {
        self.cidr
    }

    /// The id of the security group AWS creates with the VPC,
    /// `Fn::GetAtt [<vpc>, DefaultSecurityGroup]`.
    pub fn default_security_group_id(&self) -> Value<String> {
        self.vpc.default_security_group()
    }

    /// The L1 handle of the `AWS::EC2::VPC`.
    pub fn resource(&self) -> &ec2::VpcRef {
        &self.vpc
    }

    /// The VPC's construct scope, for tags and further constructs.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The availability zones, in order: `Fn::Select` over `Fn::GetAZs`,
    /// or the names given.
    pub fn availability_zones(&self) -> &[Value<String>] {
        &self.availability_zones
    }

    /// The names of the tiers, in order.
    pub fn tier_names(&self) -> Vec<&str> {
        self.tiers.iter().map(|t| t.name.as_str()).collect()
    }

    /// The subnets of a tier, one per AZ; `None` for an unknown tier name.
    pub fn subnets(&self, tier: &str) -> Option<&[Subnet]> {
        self.tiers
            .iter()
            .find(|t| t.name == tier)
            .map(|t| t.subnets.as_slice())
    }

    /// The subnets of a tier; for an unknown tier name, records an error at
    /// the VPC's path (synth then fails) and gives no subnets.
    pub fn subnets_or_report(&self, tier: &str) -> &[Subnet] {
        match self.subnets(tier) {
            Some(subnets) => subnets,
            None => {
                self.report_unknown_tier(tier);
                &[]
            }
        }
    }

    /// The subnet ids of a tier, for properties such as `SubnetIds`;
    /// `None` for an unknown tier name.
    pub fn subnet_ids(&self, tier: &str) -> Option<Vec<Value<String>>> {
        self.subnets(tier)
            .map(|s| s.iter().map(Subnet::subnet_id).collect())
    }

    /// Every subnet of every tier of `kind`, tier by tier.
    pub fn subnets_of_kind(&self, kind: SubnetKind) -> Vec<&Subnet> {
        self.tiers
            .iter()
            .filter(|t| t.kind == kind)
            .flat_map(|t| &t.subnets)
            .collect()
    }

    /// The route tables of every subnet of `kind`.
    pub fn route_tables(&self, kind: SubnetKind) -> Vec<ec2::RouteTableRef> {
        self.subnets_of_kind(kind)
            .into_iter()
            .map(|s| *s.route_table())
            .collect()
    }

    /// The internet gateway, when the VPC has a public tier.
    pub fn internet_gateway(&self) -> Option<&ec2::InternetGatewayRef> {
        self.internet_gateway.as_ref()
    }

    /// The internet gateway's attachment to the VPC; resources that need
    /// internet access at creation depend on it.
    pub fn gateway_attachment(&self) -> Option<&ec2::VpcGatewayAttachmentRef> {
        self.gateway_attachment.as_ref()
    }

    /// The NAT gateways, in AZ order.
    pub fn nat_gateways(&self) -> &[ec2::NatGatewayRef] {
        &self.nat_gateways
    }

    fn tier(&self, name: &str) -> Option<&Tier> {
        self.tiers.iter().find(|t| t.name == name)
    }

    fn report_unknown_tier(&self, tier: &str) {
        let known = self.tiers.iter().map(|t| t.name.clone()).collect();
        self.scope.error(
            "vpc-unknown-tier",
            CidrError::UnknownTier {
                tier: tier.to_string(),
                known,
            }
            .to_string(),
        );
    }
}

/// The most availability zones any AWS region has (us-east-1 has six).
const MAX_AVAILABILITY_ZONES: usize = 6;

/// The AZ values, after checking the count and explicit names.
fn availability_zones(scope: &Scope, azs: &AvailabilityZones) -> Vec<Value<String>> {
    let count = match azs {
        AvailabilityZones::Count(n) => usize::try_from(*n).unwrap_or(usize::MAX),
        AvailabilityZones::Names(names) => names.len(),
    };
    if count > MAX_AVAILABILITY_ZONES {
        scope.error(
            "vpc-availability-zones",
            format!(
                "the VPC spans {count} availability zones, but no region has more than {MAX_AVAILABILITY_ZONES}; use at most {MAX_AVAILABILITY_ZONES} (2 or 3 is usual)"
            ),
        );
    }
    match azs {
        AvailabilityZones::Count(n) => (0..(*n).min(MAX_AVAILABILITY_ZONES as u32))
            .map(|i| Fn::select(i, Fn::get_azs(Fn::region())))
            .collect(),
        AvailabilityZones::Names(names) => {
            for (i, name) in names.iter().enumerate() {
                if name.trim().is_empty() {
                    scope.error(
                        "vpc-availability-zones",
                        format!(
                            "availability zone {} has an empty name; use names such as us-east-1a",
                            i + 1
                        ),
                    );
                } else if names[..i].contains(name) {
                    scope.error(
                        "vpc-availability-zones",
                        format!("availability zone {name:?} is listed twice; list each zone once"),
                    );
                }
            }
            names.iter().map(|n| Value::from(n.as_str())).collect()
        }
    }
}

/// Private-with-egress tiers need NAT gateways and a public tier for them.
fn check_nat(scope: &Scope, props: &AgentVpcProps) {
    let Some(private) = props
        .tiers
        .iter()
        .find(|t| t.kind == SubnetKind::PrivateWithEgress)
    else {
        return;
    };
    if props.nat == NatStrategy::None {
        scope.error(
            "vpc-nat",
            format!(
                "tier {:?} is private with egress, but NatStrategy::None gives it no NAT gateway; use NatStrategy::PerAz or NatStrategy::Single, or make the tier Isolated",
                private.name
            ),
        );
    } else if !props.tiers.iter().any(|t| t.kind == SubnetKind::Public) {
        scope.error(
            "vpc-nat",
            format!(
                "tier {:?} is private with egress, but there is no public tier to hold its NAT gateways; add a Public tier or make the tier Isolated",
                private.name
            ),
        );
    }
}
