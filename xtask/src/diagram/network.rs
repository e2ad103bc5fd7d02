//! The VPCs of a stack and their subnet tiers, classified by their
//! routes: a default route to an internet gateway makes a subnet public,
//! one to a NAT gateway private (egress), none isolated.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use serde_json::Value as Json;

use super::refs::{Key, Resolver};

/// How a tier reaches the internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TierKind {
    /// A default route to an internet gateway.
    Public,
    /// A default route to a NAT gateway (or another egress device).
    Private,
    /// No default route.
    Isolated,
}

impl TierKind {
    /// The word the CDK's `aws-cdk:subnet-type` tag uses.
    pub fn name(self) -> &'static str {
        match self {
            TierKind::Public => "Public",
            TierKind::Private => "Private",
            TierKind::Isolated => "Isolated",
        }
    }
}

/// The subnets of one tier of a VPC.
#[derive(Debug, Clone, PartialEq)]
pub struct Tier {
    /// The tier's name: the `aws-cdk:subnet-name` tag, else its kind.
    pub name: String,
    /// How the tier reaches the internet, from its route tables.
    pub kind: TierKind,
    /// The subnets' CIDR blocks, in address order (literal ones only).
    pub cidrs: Vec<String>,
    /// How many availability zones the subnets are in.
    pub azs: usize,
    /// NAT gateways placed in the tier's subnets.
    pub nat_gateways: usize,
    /// The subnets' logical ids.
    pub subnets: Vec<String>,
}

/// A VPC and its tiers.
#[derive(Debug, Clone, PartialEq)]
pub struct Vpc {
    /// The VPC's logical id.
    pub logical_id: String,
    /// A short name: the construct path below the stack.
    pub name: String,
    /// The VPC's CIDR block, when literal.
    pub cidr: Option<String>,
    /// Tiers, public first, then private, then isolated, then by name.
    pub tiers: Vec<Tier>,
    /// The services of its VPC endpoints (`s3`, `ecr.api`, …), sorted.
    pub endpoints: Vec<String>,
}

/// A tier's subnets while they are gathered: CIDR blocks, zones, NAT
/// gateways, logical ids.
type Members = (Vec<String>, BTreeSet<String>, usize, Vec<String>);

fn tag<'a>(props: &'a Json, key: &str) -> Option<&'a str> {
    props
        .get("Tags")?
        .as_array()?
        .iter()
        .find(|t| t.get("Key").and_then(Json::as_str) == Some(key))?
        .get("Value")?
        .as_str()
}

/// The VPCs of stack `stack`, with every subnet of theirs in a tier.
pub fn vpcs(
    resolver: &Resolver,
    stack: &str,
    resources: &serde_json::Map<String, Json>,
) -> Vec<Vpc> {
    let key = |lid: &str| (stack.to_string(), lid.to_string());
    let of_type = |ty: &'static str| {
        resources
            .iter()
            .filter(move |(_, r)| r.get("Type").and_then(Json::as_str) == Some(ty))
            .map(|(lid, r)| (lid.as_str(), r.get("Properties").unwrap_or(&Json::Null)))
    };
    // The logical ids a property of a resource references, in this stack.
    let targets = |props: &Json, prop: &str| -> Vec<Key> {
        props
            .get(prop)
            .map(|v| resolver.resolve(stack, v))
            .unwrap_or_default()
            .into_iter()
            .map(|t| t.key)
            .collect()
    };
    // Route table → how its default route leaves the VPC.
    let mut egress: BTreeMap<Key, TierKind> = BTreeMap::new();
    for (_, props) in of_type("AWS::EC2::Route") {
        let dest = props.get("DestinationCidrBlock").and_then(Json::as_str);
        if dest != Some("0.0.0.0/0") {
            continue;
        }
        let via_igw = targets(props, "GatewayId")
            .iter()
            .any(|k| resolver.type_of(k) == "AWS::EC2::InternetGateway");
        let kind = if via_igw {
            TierKind::Public
        } else {
            TierKind::Private
        };
        for table in targets(props, "RouteTableId") {
            let slot = egress.entry(table).or_insert(kind);
            *slot = (*slot).min(kind);
        }
    }
    // Subnet → its route table.
    let mut table_of: BTreeMap<Key, Key> = BTreeMap::new();
    for (_, props) in of_type("AWS::EC2::SubnetRouteTableAssociation") {
        if let (Some(s), Some(t)) = (
            targets(props, "SubnetId").pop(),
            targets(props, "RouteTableId").pop(),
        ) {
            table_of.insert(s, t);
        }
    }
    let mut nat_in: BTreeMap<Key, usize> = BTreeMap::new();
    for (_, props) in of_type("AWS::EC2::NatGateway") {
        for s in targets(props, "SubnetId") {
            *nat_in.entry(s).or_default() += 1;
        }
    }
    let mut out = Vec::new();
    for (vpc_id, vpc_props) in of_type("AWS::EC2::VPC") {
        let mut tiers: BTreeMap<(TierKind, String), Members> = BTreeMap::new();
        for (lid, props) in of_type("AWS::EC2::Subnet") {
            if !targets(props, "VpcId").contains(&key(vpc_id)) {
                continue;
            }
            let routed = table_of.get(&key(lid)).and_then(|t| egress.get(t)).copied();
            let tagged = match tag(props, "aws-cdk:subnet-type") {
                Some("Public") => Some(TierKind::Public),
                Some("Private") => Some(TierKind::Private),
                Some("Isolated") => Some(TierKind::Isolated),
                _ => None,
            };
            // The routes decide; the tag only speaks for a subnet whose
            // route table is not in this template.
            let kind = match (routed, table_of.contains_key(&key(lid))) {
                (Some(k), _) => k,
                (None, true) => TierKind::Isolated,
                (None, false) => tagged.unwrap_or(TierKind::Isolated),
            };
            let name = tag(props, "aws-cdk:subnet-name")
                .map(str::to_string)
                .unwrap_or_else(|| kind.name().to_lowercase());
            let entry = tiers.entry((kind, name)).or_default();
            if let Some(cidr) = props.get("CidrBlock").and_then(Json::as_str) {
                entry.0.push(cidr.to_string());
            }
            entry.1.insert(
                props
                    .get("AvailabilityZone")
                    .map(Json::to_string)
                    .unwrap_or_else(|| lid.to_string()),
            );
            entry.2 += nat_in.get(&key(lid)).copied().unwrap_or(0);
            entry.3.push(lid.to_string());
        }
        let tiers = tiers
            .into_iter()
            .map(|((kind, name), (mut cidrs, azs, nat_gateways, subnets))| {
                cidrs.sort_by_key(|c| cidr_order(c));
                Tier {
                    name,
                    kind,
                    cidrs,
                    azs: azs.len(),
                    nat_gateways,
                    subnets,
                }
            })
            .collect();
        let mut endpoints: Vec<String> = of_type("AWS::EC2::VPCEndpoint")
            .filter(|(_, p)| targets(p, "VpcId").contains(&key(vpc_id)))
            .map(|(lid, p)| endpoint_service(p).unwrap_or_else(|| lid.to_string()))
            .collect();
        endpoints.sort();
        endpoints.dedup();
        out.push(Vpc {
            logical_id: vpc_id.to_string(),
            name: super::model::short_path(stack, vpc_id, resources.get(vpc_id)),
            cidr: vpc_props
                .get("CidrBlock")
                .and_then(Json::as_str)
                .map(str::to_string),
            tiers,
            endpoints,
        });
    }
    out
}

/// `s3` of `com.amazonaws.us-east-1.s3`, also inside an `Fn::Join` or
/// `Fn::Sub` (`com.amazonaws.${AWS::Region}.ecr.api`).
fn endpoint_service(props: &Json) -> Option<String> {
    let text = match props.get("ServiceName")? {
        Json::String(s) => s.clone(),
        other => {
            let mut parts = Vec::new();
            strings(other, &mut parts);
            parts.concat()
        }
    };
    let rest = text.strip_prefix("com.amazonaws.")?;
    let (_, service) = rest.split_once('.')?;
    Some(service.to_string())
}

fn strings(v: &Json, out: &mut Vec<String>) {
    match v {
        Json::String(s) => out.push(s.clone()),
        Json::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Json::Object(m) => m.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// Orders CIDR blocks by address (text that is no IPv4 block sorts last).
fn cidr_order(cidr: &str) -> (u32, String) {
    let addr = cidr
        .split('/')
        .next()
        .and_then(|a| a.parse::<Ipv4Addr>().ok())
        .map_or(u32::MAX, u32::from);
    (addr, cidr.to_string())
}
