//! Network: VPC blocks and tiers, NAT, NACLs and security groups.

use strata::ec2::{
    AgentVpc, AgentVpcProps, AvailabilityZones, NaclProtocol, NaclRule, NatStrategy, Peer, Port,
    SecurityGroup, SecurityGroupProps, SubnetKind, SubnetTier,
};
use strata::prelude::*;

use super::{stack, Case};

fn vpc(app: &App, props: AgentVpcProps) -> AgentVpc {
    AgentVpc::new(&stack(app), "Vpc", props)
}

fn group(app: &App) -> SecurityGroup {
    SecurityGroup::new(
        &stack(app),
        "Web",
        SecurityGroupProps {
            vpc_id: "vpc-0123456789abcdef0".into(),
            description: Some("web".into()),
            ..SecurityGroupProps::default()
        },
    )
}

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "VPC block with a /33 prefix",
            path: "Bad/Vpc",
            expect: "\"10.0.0.0/33\" for the VPC is not a valid IPv4 CIDR block",
            build: |app| {
                vpc(
                    app,
                    AgentVpcProps {
                        cidr: "10.0.0.0/33".into(),
                        ..AgentVpcProps::default()
                    },
                );
            },
        },
        Case {
            name: "VPC block larger than /16",
            path: "Bad/Vpc",
            expect: "the VPC block 10.0.0.0/8 has a prefix length AWS does not allow",
            build: |app| {
                vpc(
                    app,
                    AgentVpcProps {
                        cidr: "10.0.0.0/8".into(),
                        ..AgentVpcProps::default()
                    },
                );
            },
        },
        Case {
            name: "overlapping subnet tiers",
            path: "Bad/Vpc",
            expect:
                "subnet 10.0.1.0/24 of tier \"data\" overlaps subnet 10.0.0.0/23 of tier \"app\"",
            build: |app| {
                vpc(
                    app,
                    AgentVpcProps {
                        availability_zones: AvailabilityZones::Count(1),
                        tiers: vec![
                            SubnetTier::with_cidrs("app", SubnetKind::Isolated, ["10.0.0.0/23"]),
                            SubnetTier::with_cidrs("data", SubnetKind::Isolated, ["10.0.1.0/24"]),
                        ],
                        nat: NatStrategy::None,
                        ..AgentVpcProps::default()
                    },
                );
            },
        },
        Case {
            name: "tiers that do not fit the VPC",
            path: "Bad/Vpc",
            expect: "the VPC block 10.0.0.0/24 has no free /26 left for tier \"data\"",
            build: |app| {
                vpc(
                    app,
                    AgentVpcProps {
                        cidr: "10.0.0.0/24".into(),
                        tiers: vec![
                            SubnetTier::with_mask("public", SubnetKind::Public, 26),
                            SubnetTier::with_mask("data", SubnetKind::Isolated, 26),
                        ],
                        ..AgentVpcProps::default()
                    },
                );
            },
        },
        Case {
            name: "private tier without NAT",
            path: "Bad/Vpc",
            expect: "NatStrategy::None gives it no NAT gateway",
            build: |app| {
                vpc(
                    app,
                    AgentVpcProps {
                        nat: NatStrategy::None,
                        ..AgentVpcProps::default()
                    },
                );
            },
        },
        Case {
            name: "availability zone listed twice",
            path: "Bad/Vpc",
            expect: "availability zone \"us-east-1a\" is listed twice",
            build: |app| {
                vpc(
                    app,
                    AgentVpcProps {
                        availability_zones: AvailabilityZones::Names(vec![
                            "us-east-1a".into(),
                            "us-east-1a".into(),
                        ]),
                        ..AgentVpcProps::default()
                    },
                );
            },
        },
        Case {
            name: "more availability zones than any region has",
            path: "Bad/Vpc",
            expect: "no region has more than",
            build: |app| {
                vpc(
                    app,
                    AgentVpcProps {
                        availability_zones: AvailabilityZones::Count(40),
                        tiers: vec![SubnetTier::with_mask("data", SubnetKind::Isolated, 28)],
                        nat: NatStrategy::None,
                        ..AgentVpcProps::default()
                    },
                );
            },
        },
        Case {
            name: "NACL rule number used twice",
            path: "Bad/Vpc/dataNacl",
            expect: "rule number 100 is used twice",
            build: |app| {
                let v = vpc(app, AgentVpcProps::default());
                v.add_network_acl(
                    "data",
                    &[
                        NaclRule::ingress(100, NaclProtocol::Tcp, "10.0.0.0/16").port(5432),
                        NaclRule::ingress(100, NaclProtocol::Tcp, "10.0.0.0/16").port(6379),
                    ],
                );
            },
        },
        Case {
            name: "security group port range reversed",
            path: "Bad/Web",
            expect: "port range 9000-8000 is reversed",
            build: |app| {
                group(app).allow_from(Peer::any_ipv4(), Port::tcp_range(9000, 8000), "");
            },
        },
        Case {
            name: "security group peer that is not a CIDR",
            path: "Bad/Web",
            expect: "\"10.0.0.0/33\" is not an IPv4 CIDR block",
            build: |app| {
                group(app).allow_from(Peer::ipv4("10.0.0.0/33"), Port::tcp(443), "HTTPS");
            },
        },
        Case {
            name: "security group without a VPC",
            path: "Bad/NoVpc",
            expect: "vpc_id is empty",
            build: |app| {
                SecurityGroup::new(&stack(app), "NoVpc", SecurityGroupProps::default());
            },
        },
    ]
}
