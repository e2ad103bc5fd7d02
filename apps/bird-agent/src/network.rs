//! The network tier of seed 000: a /16 VPC over three AZs with public,
//! private-app and private-data subnets, a NAT gateway per AZ, per-tier
//! network ACLs, VPC flow logs and the six security groups.
//!
//! Construct paths follow the AWS CDK's `ec2.Vpc`, so logical IDs match
//! what the CDK would give the same resources.

use serde_json::json;
use strata::cfn::ec2;
use strata::cfn::iam;
use strata::cfn::logs;
use strata::ec2::{Peer, Port, SecurityGroup, SecurityGroupProps};
use strata::prelude::*;
use strata::Raw;

/// The VPC's address space.
pub const VPC_CIDR: &str = "10.0.0.0/16";

/// A subnet tier: its name (used in construct paths and the
/// `aws-cdk:subnet-name` tag), its CDK subnet type and one CIDR per AZ.
pub struct Tier {
    /// Tier name.
    pub name: &'static str,
    /// `Public`, `Private` or `Isolated`, as the CDK tags subnets.
    pub kind: &'static str,
    /// One CIDR per availability zone, in AZ order.
    pub cidrs: [&'static str; 3],
}

/// The three tiers, with the seed's CIDRs.
pub const TIERS: [Tier; 3] = [
    Tier {
        name: "public",
        kind: "Public",
        cidrs: ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"],
    },
    Tier {
        name: "private-app",
        kind: "Private",
        cidrs: ["10.0.11.0/24", "10.0.12.0/24", "10.0.13.0/24"],
    },
    Tier {
        name: "data",
        kind: "Isolated",
        cidrs: ["10.0.21.0/24", "10.0.22.0/24", "10.0.23.0/24"],
    },
];

/// What the rest of the app needs from the network.
pub struct Network {
    /// The VPC.
    pub vpc: ec2::VpcRef,
    /// Subnets per tier, in [`TIERS`] order, one per AZ.
    pub subnets: Vec<Vec<ec2::SubnetRef>>,
    /// Security groups by role.
    pub groups: SecurityGroups,
}

/// The seed's security groups.
pub struct SecurityGroups {
    /// API Gateway facing group (sg-api-gateway).
    pub api_gateway: SecurityGroup,
    /// Load balancer (sg-alb).
    pub alb: SecurityGroup,
    /// ECS services (sg-ecs).
    pub ecs: SecurityGroup,
    /// Aurora (sg-database).
    pub database: SecurityGroup,
    /// ElastiCache (sg-cache).
    pub cache: SecurityGroup,
    /// Lambda functions (sg-lambda).
    pub lambda: SecurityGroup,
}

/// Builds the network tier in `stack`.
pub fn build(stack: &Scope) -> Network {
    let management = stack.parameter(
        "ManagementCidr",
        Parameter {
            description: Some("CIDR block allowed to reach the public subnets over SSH".into()),
            allowed_pattern: Some(r"^(\d{1,3}\.){3}\d{1,3}/\d{1,2}$".into()),
            constraint_description: Some("an IPv4 CIDR block such as 203.0.113.0/24".into()),
            ..Parameter::new("String")
        },
    );
    let scope = stack.child("Vpc");
    scope.add_tag("Name", &scope.path());
    let vpc = scope.resource(
        "Resource",
        ec2::Vpc {
            cidr_block: Some(VPC_CIDR.into()),
            enable_dns_hostnames: Some(true.into()),
            enable_dns_support: Some(true.into()),
            instance_tenancy: Some("default".into()),
            ..ec2::Vpc::new()
        },
    );
    let igw = scope.resource("IGW", ec2::InternetGateway::default());
    let attachment = scope.resource(
        "VPCGW",
        ec2::VpcGatewayAttachment {
            internet_gateway_id: Some(igw.ref_()),
            ..ec2::VpcGatewayAttachment::new(vpc.ref_())
        },
    );
    let azs = Fn::get_azs(Fn::region());
    let mut subnets: Vec<Vec<ec2::SubnetRef>> = Vec::new();
    let mut nats = Vec::new();
    for tier in &TIERS {
        let mut tier_subnets = Vec::new();
        for (i, cidr) in tier.cidrs.iter().enumerate() {
            let sub = scope.child(&format!("{}Subnet{}", tier.name, i + 1));
            sub.add_tag("Name", &sub.path());
            sub.add_tag("aws-cdk:subnet-name", tier.name);
            sub.add_tag("aws-cdk:subnet-type", tier.kind);
            let subnet = sub.resource(
                "Subnet",
                ec2::Subnet {
                    availability_zone: Some(Fn::select(i as u32, azs.clone())),
                    cidr_block: Some((*cidr).into()),
                    map_public_ip_on_launch: Some((tier.kind == "Public").into()),
                    ..ec2::Subnet::new(vpc.ref_())
                },
            );
            let table = sub.resource("RouteTable", ec2::RouteTable::new(vpc.ref_()));
            let assoc = sub.resource(
                "RouteTableAssociation",
                ec2::SubnetRouteTableAssociation::new(table.ref_(), subnet.ref_()),
            );
            match tier.kind {
                "Public" => {
                    let route = sub.resource_with(
                        "DefaultRoute",
                        ec2::Route {
                            destination_cidr_block: Some("0.0.0.0/0".into()),
                            gateway_id: Some(igw.ref_()),
                            ..ec2::Route::new(table.ref_())
                        },
                        ResourceOptions {
                            depends_on: vec![*attachment],
                            ..Default::default()
                        },
                    );
                    let eip = sub.resource(
                        "EIP",
                        ec2::Eip {
                            domain: Some("vpc".into()),
                            ..ec2::Eip::default()
                        },
                    );
                    let nat = sub.resource_with(
                        "NATGateway",
                        ec2::NatGateway {
                            allocation_id: Some(eip.allocation_id()),
                            subnet_id: Some(subnet.ref_()),
                            ..ec2::NatGateway::default()
                        },
                        ResourceOptions {
                            depends_on: vec![*route, *assoc],
                            ..Default::default()
                        },
                    );
                    nats.push(nat);
                }
                "Private" => {
                    sub.resource(
                        "DefaultRoute",
                        ec2::Route {
                            destination_cidr_block: Some("0.0.0.0/0".into()),
                            nat_gateway_id: Some(nats[i].ref_()),
                            ..ec2::Route::new(table.ref_())
                        },
                    );
                }
                _ => {}
            }
            tier_subnets.push(subnet);
        }
        subnets.push(tier_subnets);
    }
    network_acls(&scope, &vpc, &subnets, &management);
    flow_log(stack, &scope, &vpc);
    let groups = security_groups(stack, &vpc);
    Network {
        vpc,
        subnets,
        groups,
    }
}

/// One network ACL rule: number, egress, protocol (-1 all, 6 tcp), CIDR and port range.
struct AclRule {
    number: i64,
    egress: bool,
    protocol: i64,
    cidr: Option<&'static str>,
    ports: Option<(i64, i64)>,
}

const fn rule(
    number: i64,
    egress: bool,
    protocol: i64,
    cidr: Option<&'static str>,
    ports: Option<(i64, i64)>,
) -> AclRule {
    AclRule {
        number,
        egress,
        protocol,
        cidr,
        ports,
    }
}

const ANYWHERE: Option<&str> = Some("0.0.0.0/0");
const VPC: Option<&str> = Some(VPC_CIDR);
const TCP: i64 = 6;
const ALL: i64 = -1;

/// The seed's per-tier NACLs. `None` as CIDR means the management CIDR parameter.
fn acl_rules(tier: &str) -> Vec<AclRule> {
    match tier {
        "public" => vec![
            rule(100, false, TCP, ANYWHERE, Some((80, 80))),
            rule(110, false, TCP, ANYWHERE, Some((443, 443))),
            rule(120, false, TCP, None, Some((22, 22))),
            rule(130, false, TCP, ANYWHERE, Some((1024, 65535))),
            rule(100, true, ALL, ANYWHERE, None),
        ],
        "private-app" => vec![
            rule(100, false, ALL, VPC, None),
            rule(110, false, TCP, ANYWHERE, Some((443, 443))),
            rule(100, true, ALL, ANYWHERE, None),
        ],
        _ => vec![
            rule(100, false, ALL, VPC, None),
            rule(100, true, ALL, VPC, None),
        ],
    }
}

fn network_acls(
    scope: &Scope,
    vpc: &ec2::VpcRef,
    subnets: &[Vec<ec2::SubnetRef>],
    management: &Handle,
) {
    for (tier, tier_subnets) in TIERS.iter().zip(subnets) {
        let nacl_scope = scope.child(&format!("{}Nacl", tier.name));
        let nacl = nacl_scope.resource("Resource", ec2::NetworkAcl::new(vpc.ref_()));
        for r in acl_rules(tier.name) {
            let id = format!(
                "{}{}",
                if r.egress { "Egress" } else { "Ingress" },
                r.number
            );
            let cidr: Value<String> = match r.cidr {
                Some(c) => c.into(),
                None => management.ref_(),
            };
            nacl_scope.child(&id).resource(
                "Resource",
                ec2::NetworkAclEntry {
                    cidr_block: Some(cidr),
                    egress: Some(r.egress.into()),
                    port_range: r.ports.map(|(from, to)| {
                        ec2::network_acl_entry::PortRange {
                            from: Some(from.into()),
                            to: Some(to.into()),
                        }
                        .into()
                    }),
                    ..ec2::NetworkAclEntry::new(nacl.ref_(), r.protocol, "allow", r.number)
                },
            );
        }
        for (i, subnet) in tier_subnets.iter().enumerate() {
            nacl_scope
                .child(&format!("Subnet{}Association", i + 1))
                .resource(
                    "Resource",
                    ec2::SubnetNetworkAclAssociation::new(nacl.ref_(), subnet.ref_()),
                );
        }
    }
}

fn flow_log(stack: &Scope, scope: &Scope, vpc: &ec2::VpcRef) {
    let group = stack.child("VpcFlowLogGroup").resource_with(
        "Resource",
        logs::LogGroup {
            retention_in_days: Some(30.into()),
            ..logs::LogGroup::default()
        },
        ResourceOptions::removal(RemovalPolicy::Retain),
    );
    let fl = scope.child("FlowLog");
    fl.add_tag("Name", &fl.path());
    let role_scope = fl.child("IAMRole");
    let role = role_scope.resource(
        "Resource",
        iam::Role::new(Value::Lit(json!({
            "Statement": [{
                "Action": "sts:AssumeRole",
                "Effect": "Allow",
                "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}
            }],
            "Version": "2012-10-17"
        }))),
    );
    let policy_scope = role_scope.child("DefaultPolicy");
    let policy_name = strata::logical_id(
        &policy_scope
            .path()
            .split('/')
            .skip(1)
            .chain(["Resource"])
            .collect::<Vec<_>>(),
    );
    policy_scope.resource(
        "Resource",
        iam::Policy {
            roles: Some(Value::list([role.ref_::<String>()])),
            ..iam::Policy::new(
                Value::expr(Raw::object([
                    (
                        "Statement",
                        Raw::List(vec![Raw::object([
                            (
                                "Action",
                                Raw::from(json!([
                                    "logs:CreateLogStream",
                                    "logs:PutLogEvents",
                                    "logs:DescribeLogStreams"
                                ])),
                            ),
                            ("Effect", Raw::from("Allow")),
                            ("Resource", Raw::from(group.arn())),
                        ])]),
                    ),
                    ("Version", Raw::from("2012-10-17")),
                ])),
                policy_name,
            )
        },
    );
    fl.resource(
        "FlowLog",
        ec2::FlowLog {
            deliver_logs_permission_arn: Some(role.arn()),
            log_destination_type: Some("cloud-watch-logs".into()),
            log_group_name: Some(group.ref_()),
            traffic_type: Some("ALL".into()),
            ..ec2::FlowLog::new(vpc.ref_(), "VPC")
        },
    );
}

fn security_groups(stack: &Scope, vpc: &ec2::VpcRef) -> SecurityGroups {
    let group = |id: &str, description: &str, allow_all_outbound: Option<bool>| {
        SecurityGroup::new(
            stack,
            id,
            SecurityGroupProps {
                vpc_id: vpc.ref_(),
                description: Some(description.into()),
                allow_all_outbound,
                ..Default::default()
            },
        )
    };
    let api = group("ApiGatewaySg", "API Gateway facing security group", None);
    let alb = group("AlbSg", "ALB security group", None);
    let ecs = group("EcsSg", "ECS tasks security group", None);
    // The seed gives the database and the cache no outbound rules at all.
    let db = group(
        "DatabaseSg",
        "Aurora PostgreSQL security group",
        Some(false),
    );
    let cache = group("CacheSg", "ElastiCache Redis security group", Some(false));
    let lambda = group("LambdaSg", "Lambda functions security group", None);
    let anywhere = Peer::any_ipv4;

    // sg-api-gateway: 443 and 80 from anywhere; all traffic to the ALB.
    api.allow_from(anywhere(), Port::tcp(443), "HTTPS from anywhere");
    api.allow_from(
        anywhere(),
        Port::tcp(80),
        "HTTP from anywhere (redirected to 443)",
    );
    api.allow_to(&alb, Port::all_traffic(), "All traffic to the ALB");

    // sg-alb: 443 and 80 from the API Gateway group; 8080 to ECS.
    alb.allow_from(&api, Port::tcp(443), "HTTPS from the API Gateway group");
    alb.allow_from(&api, Port::tcp(80), "HTTP from the API Gateway group");
    alb.allow_to(&ecs, Port::tcp(8080), "App traffic to ECS services");

    // sg-ecs: 8080 and 8081 from the ALB; 443 out, 5432 to the database, 6379 to the cache.
    ecs.allow_from(&alb, Port::tcp(8080), "App traffic from ALB");
    ecs.allow_from(&alb, Port::tcp(8081), "Health checks from ALB");
    ecs.allow_to(anywhere(), Port::tcp(443), "HTTPS to AWS APIs");
    ecs.allow_to(&db, Port::tcp(5432), "PostgreSQL to Aurora");
    ecs.allow_to(&cache, Port::tcp(6379), "Redis to ElastiCache");

    // sg-database and sg-cache: inbound from ECS and Lambda only.
    db.allow_from(&ecs, Port::tcp(5432), "PostgreSQL from ECS services");
    db.allow_from(&lambda, Port::tcp(5432), "PostgreSQL from Lambda functions");
    cache.allow_from(&ecs, Port::tcp(6379), "Redis from ECS services");
    cache.allow_from(&lambda, Port::tcp(6379), "Redis from Lambda functions");

    // sg-lambda: no inbound; 443 out, 5432 to the database, 6379 to the cache.
    lambda.allow_to(anywhere(), Port::tcp(443), "HTTPS to AWS APIs");
    lambda.allow_to(&db, Port::tcp(5432), "PostgreSQL to Aurora");
    lambda.allow_to(&cache, Port::tcp(6379), "Redis to ElastiCache");

    SecurityGroups {
        api_gateway: api,
        alb,
        ecs,
        database: db,
        cache,
        lambda,
    }
}
