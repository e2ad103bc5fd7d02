//! One subnet of an [`AgentVpc`](super::AgentVpc): the `AWS::EC2::Subnet`,
//! its route table and the association between them.

use ipnet::Ipv4Net;
use strata_cfn::ec2;
use strata_core::{Scope, Value};

use super::props::{SubnetKind, SubnetTier};

/// A subnet of a tier in one availability zone, at
/// `<vpc>/<tier>Subnet<N>` with `Subnet`, `RouteTable` and
/// `RouteTableAssociation` (and the `DefaultRoute` its kind calls for).
///
/// ```
/// use strata::prelude::*;
/// use strata::ec2::{AgentVpc, AgentVpcProps};
///
/// let app = App::new();
/// let stack = app.stack("Network", StackProps::default());
/// let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::spaced_three_tier());
/// let data = &vpc.subnets("data").unwrap()[1];
/// assert_eq!(data.cidr().to_string(), "10.0.22.0/24");
/// assert_eq!(data.scope().path(), "Network/Vpc/dataSubnet2");
/// ```
#[derive(Clone, Debug)]
pub struct Subnet {
    tier: String,
    kind: SubnetKind,
    az_index: usize,
    scope: Scope,
    subnet: ec2::SubnetRef,
    route_table: ec2::RouteTableRef,
    association: ec2::SubnetRouteTableAssociationRef,
    availability_zone: Value<String>,
    cidr: Ipv4Net,
}

impl Subnet {
    /// Adds the subnet of `tier` in AZ `index` (0-based) under `vpc_scope`.
    pub(super) fn add(
        vpc_scope: &Scope,
        vpc: &ec2::VpcRef,
        tier: &SubnetTier,
        index: usize,
        cidr: Ipv4Net,
        availability_zone: Value<String>,
    ) -> Subnet {
        let scope = vpc_scope.child(&format!("{}Subnet{}", tier.name, index + 1));
        scope.add_tag("Name", &scope.path());
        scope.add_tag("aws-cdk:subnet-name", &tier.name);
        scope.add_tag("aws-cdk:subnet-type", tier.kind.type_tag());
        let subnet = scope.resource(
            "Subnet",
            ec2::Subnet {
                availability_zone: Some(availability_zone.clone()),
                cidr_block: Some(cidr.to_string().into()),
                map_public_ip_on_launch: Some((tier.kind == SubnetKind::Public).into()),
                ..ec2::Subnet::new(vpc.ref_())
            },
        );
        let route_table = scope.resource("RouteTable", ec2::RouteTable::new(vpc.ref_()));
        let association = scope.resource(
            "RouteTableAssociation",
            ec2::SubnetRouteTableAssociation::new(route_table.ref_(), subnet.ref_()),
        );
        Subnet {
            tier: tier.name.clone(),
            kind: tier.kind,
            az_index: index,
            scope,
            subnet,
            route_table,
            association,
            availability_zone,
            cidr,
        }
    }

    /// The subnet id, `{"Ref": <subnet>}`.
    pub fn subnet_id(&self) -> Value<String> {
        self.subnet.ref_()
    }

    /// The subnet's availability zone, as given to its `AvailabilityZone`.
    pub fn availability_zone(&self) -> &Value<String> {
        &self.availability_zone
    }

    /// The position of the subnet's AZ in the VPC's AZ list (0-based).
    pub fn az_index(&self) -> usize {
        self.az_index
    }

    /// The subnet's IPv4 block.
    pub fn cidr(&self) -> Ipv4Net {
        self.cidr
    }

    /// The tier the subnet belongs to.
    pub fn tier(&self) -> &str {
        &self.tier
    }

    /// The kind of the subnet's tier.
    pub fn kind(&self) -> SubnetKind {
        self.kind
    }

    /// The L1 handle of the `AWS::EC2::Subnet`.
    pub fn resource(&self) -> &ec2::SubnetRef {
        &self.subnet
    }

    /// The L1 handle of the subnet's own route table.
    pub fn route_table(&self) -> &ec2::RouteTableRef {
        &self.route_table
    }

    /// The route table id, `{"Ref": <route table>}`.
    pub fn route_table_id(&self) -> Value<String> {
        self.route_table.ref_()
    }

    /// The L1 handle of the route table association.
    pub fn route_table_association(&self) -> &ec2::SubnetRouteTableAssociationRef {
        &self.association
    }

    /// The `<tier>Subnet<N>` construct, for more routes or tags.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}
