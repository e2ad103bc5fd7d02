//! AgentVpc: the synthesized subnets, routes, NAT gateways, NACLs, flow
//! logs and endpoints, the CDK's logical IDs, and the errors users see.

use serde_json::{json, Value as Json};
use strata::ec2::{
    AgentVpc, AgentVpcProps, AvailabilityZones, CloudWatchLogsDestination, FlowLogDestination,
    FlowLogOptions, LogGroupPlacement, NatStrategy, SubnetKind, SubnetTier,
};
use strata::prelude::*;
use strata::{Issue, SynthError};

#[path = "vpc/features.rs"]
mod features;

fn template(app: &App) -> Json {
    app.synth().expect("valid app").stacks[0]
        .template
        .json()
        .clone()
}

fn issues(app: &App) -> Vec<Issue> {
    app.synth()
        .err()
        .map(|e: SynthError| e.issues)
        .unwrap_or_default()
}

/// The resource at a construct path (without the stack), with its logical ID.
fn at<'a>(t: &'a Json, path: &str) -> Option<(&'a String, &'a Json)> {
    t["Resources"]
        .as_object()?
        .iter()
        .find(|(_, r)| r["Metadata"]["aws:cdk:path"].as_str() == Some(&format!("Net/{path}")))
}

fn props_at<'a>(t: &'a Json, path: &str) -> &'a Json {
    &at(t, path)
        .unwrap_or_else(|| panic!("no resource at {path}"))
        .1["Properties"]
}

fn of_type<'a>(t: &'a Json, ty: &str) -> Vec<(&'a String, &'a Json)> {
    t["Resources"]
        .as_object()
        .map(|r| r.iter().filter(|(_, r)| r["Type"] == ty).collect())
        .unwrap_or_default()
}

fn setup() -> (App, Scope) {
    let app = App::new();
    let stack = app.stack("Net", StackProps::default());
    (app, stack)
}

fn subnet_cidrs(t: &Json, tier: &str, azs: usize) -> Vec<String> {
    (1..=azs)
        .map(|i| {
            props_at(t, &format!("Vpc/{tier}Subnet{i}/Subnet"))["CidrBlock"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

#[test]
fn default_props_plan_three_slash_24_tiers_in_order() {
    let (app, stack) = setup();
    AgentVpc::new(&stack, "Vpc", AgentVpcProps::default());
    let t = template(&app);
    assert_eq!(props_at(&t, "Vpc/Resource")["CidrBlock"], "10.0.0.0/16");
    assert_eq!(
        subnet_cidrs(&t, "public", 3),
        ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]
    );
    assert_eq!(
        subnet_cidrs(&t, "private-app", 3),
        ["10.0.3.0/24", "10.0.4.0/24", "10.0.5.0/24"]
    );
    assert_eq!(
        subnet_cidrs(&t, "data", 3),
        ["10.0.6.0/24", "10.0.7.0/24", "10.0.8.0/24"]
    );
    let subnet = props_at(&t, "Vpc/dataSubnet2/Subnet");
    assert_eq!(
        subnet["AvailabilityZone"],
        json!({"Fn::Select": [1, {"Fn::GetAZs": ""}]})
    );
    assert_eq!(subnet["MapPublicIpOnLaunch"], false);
    assert_eq!(
        props_at(&t, "Vpc/publicSubnet3/Subnet")["MapPublicIpOnLaunch"],
        true
    );
}

#[test]
fn spaced_preset_keeps_the_given_cidrs() {
    let (app, stack) = setup();
    AgentVpc::new(&stack, "Vpc", AgentVpcProps::spaced_three_tier());
    let t = template(&app);
    assert_eq!(
        subnet_cidrs(&t, "public", 3),
        ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]
    );
    assert_eq!(
        subnet_cidrs(&t, "private-app", 3),
        ["10.0.11.0/24", "10.0.12.0/24", "10.0.13.0/24"]
    );
    assert_eq!(
        subnet_cidrs(&t, "data", 3),
        ["10.0.21.0/24", "10.0.22.0/24", "10.0.23.0/24"]
    );
}

#[test]
fn tiers_without_masks_split_the_space_evenly_as_the_cdk_does() {
    let (app, stack) = setup();
    let vpc = AgentVpc::new(
        &stack,
        "Vpc",
        AgentVpcProps {
            tiers: vec![
                SubnetTier::new("Public", SubnetKind::Public),
                SubnetTier::new("Private", SubnetKind::PrivateWithEgress),
            ],
            ..Default::default()
        },
    );
    let cidrs: Vec<String> = vpc
        .subnets("Private")
        .unwrap()
        .iter()
        .map(|s| s.cidr().to_string())
        .collect();
    assert_eq!(cidrs, ["10.0.96.0/19", "10.0.128.0/19", "10.0.160.0/19"]);
    let t = template(&app);
    assert_eq!(
        subnet_cidrs(&t, "Public", 3),
        ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"]
    );
}

#[test]
fn masked_tiers_are_placed_first_and_the_rest_shares_what_is_left() {
    let (app, stack) = setup();
    AgentVpc::new(
        &stack,
        "Vpc",
        AgentVpcProps {
            cidr: "10.1.0.0/20".into(),
            availability_zones: AvailabilityZones::Count(2),
            tiers: vec![
                SubnetTier::new("ingress", SubnetKind::Public),
                SubnetTier::with_mask("app", SubnetKind::PrivateWithEgress, 22),
                SubnetTier::new("db", SubnetKind::Isolated),
            ],
            ..Default::default()
        },
    );
    let t = template(&app);
    assert_eq!(subnet_cidrs(&t, "app", 2), ["10.1.0.0/22", "10.1.4.0/22"]);
    // 8192 - 2048 addresses left for 4 subnets: /23 each.
    assert_eq!(
        subnet_cidrs(&t, "ingress", 2),
        ["10.1.8.0/23", "10.1.10.0/23"]
    );
    assert_eq!(subnet_cidrs(&t, "db", 2), ["10.1.12.0/23", "10.1.14.0/23"]);
}

#[test]
fn per_az_nat_routes_each_private_subnet_to_its_own_az() {
    let (app, stack) = setup();
    let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::default());
    assert_eq!(vpc.nat_gateways().len(), 3);
    let t = template(&app);
    assert_eq!(of_type(&t, "AWS::EC2::NatGateway").len(), 3);
    assert_eq!(of_type(&t, "AWS::EC2::EIP").len(), 3);
    for i in 1..=3 {
        let (nat_id, nat) = at(&t, &format!("Vpc/publicSubnet{i}/NATGateway")).unwrap();
        let (eip_id, _) = at(&t, &format!("Vpc/publicSubnet{i}/EIP")).unwrap();
        let (subnet_id, _) = at(&t, &format!("Vpc/publicSubnet{i}/Subnet")).unwrap();
        assert_eq!(
            nat["Properties"]["AllocationId"],
            json!({"Fn::GetAtt": [eip_id, "AllocationId"]})
        );
        assert_eq!(nat["Properties"]["SubnetId"], json!({"Ref": subnet_id}));
        let (route_id, _) = at(&t, &format!("Vpc/publicSubnet{i}/DefaultRoute")).unwrap();
        let (assoc_id, _) = at(&t, &format!("Vpc/publicSubnet{i}/RouteTableAssociation")).unwrap();
        assert_eq!(nat["DependsOn"], json!([route_id, assoc_id]));
        let route = props_at(&t, &format!("Vpc/private-appSubnet{i}/DefaultRoute"));
        assert_eq!(route["DestinationCidrBlock"], "0.0.0.0/0");
        assert_eq!(route["NatGatewayId"], json!({"Ref": nat_id}));
    }
}

#[test]
fn single_nat_serves_every_private_subnet() {
    let (app, stack) = setup();
    AgentVpc::new(
        &stack,
        "Vpc",
        AgentVpcProps {
            nat: NatStrategy::Single,
            ..Default::default()
        },
    );
    let t = template(&app);
    let nats = of_type(&t, "AWS::EC2::NatGateway");
    assert_eq!(nats.len(), 1);
    assert_eq!(of_type(&t, "AWS::EC2::EIP").len(), 1);
    let (nat_id, _) = at(&t, "Vpc/publicSubnet1/NATGateway").unwrap();
    for i in 1..=3 {
        let route = props_at(&t, &format!("Vpc/private-appSubnet{i}/DefaultRoute"));
        assert_eq!(route["NatGatewayId"], json!({"Ref": nat_id}));
    }
}

#[test]
fn public_routes_go_to_the_internet_gateway_after_attachment_and_isolated_have_none() {
    let (app, stack) = setup();
    let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::default());
    assert!(vpc.internet_gateway().is_some());
    let t = template(&app);
    let (igw_id, _) = at(&t, "Vpc/IGW").unwrap();
    let (attach_id, attach) = at(&t, "Vpc/VPCGW").unwrap();
    assert_eq!(
        attach["Properties"]["InternetGatewayId"],
        json!({"Ref": igw_id})
    );
    let (_, route) = at(&t, "Vpc/publicSubnet2/DefaultRoute").unwrap();
    assert_eq!(route["Properties"]["GatewayId"], json!({"Ref": igw_id}));
    assert_eq!(route["DependsOn"], json!([attach_id]));
    for i in 1..=3 {
        assert!(at(&t, &format!("Vpc/dataSubnet{i}/DefaultRoute")).is_none());
        let (table_id, _) = at(&t, &format!("Vpc/dataSubnet{i}/RouteTable")).unwrap();
        let routes_on_table = of_type(&t, "AWS::EC2::Route")
            .into_iter()
            .filter(|(_, r)| r["Properties"]["RouteTableId"] == json!({"Ref": table_id}))
            .count();
        assert_eq!(routes_on_table, 0, "isolated table {table_id} has a route");
    }
    // 3 public + 3 private default routes, nothing else.
    assert_eq!(of_type(&t, "AWS::EC2::Route").len(), 6);
}

#[test]
fn a_vpc_without_public_tiers_has_no_internet_gateway() {
    let (app, stack) = setup();
    let vpc = AgentVpc::new(
        &stack,
        "Vpc",
        AgentVpcProps {
            tiers: vec![SubnetTier::with_mask("data", SubnetKind::Isolated, 24)],
            nat: NatStrategy::None,
            ..Default::default()
        },
    );
    assert!(vpc.internet_gateway().is_none());
    let t = template(&app);
    assert!(of_type(&t, "AWS::EC2::InternetGateway").is_empty());
    assert!(of_type(&t, "AWS::EC2::Route").is_empty());
}

#[test]
fn subnets_and_tables_carry_the_cdk_tags() {
    let (app, stack) = setup();
    AgentVpc::new(&stack, "Vpc", AgentVpcProps::default());
    let t = template(&app);
    assert_eq!(
        props_at(&t, "Vpc/private-appSubnet2/RouteTable")["Tags"],
        json!([
            {"Key": "Name", "Value": "Net/Vpc/private-appSubnet2"},
            {"Key": "aws-cdk:subnet-name", "Value": "private-app"},
            {"Key": "aws-cdk:subnet-type", "Value": "Private"}
        ])
    );
    assert_eq!(
        props_at(&t, "Vpc/Resource")["Tags"],
        json!([{"Key": "Name", "Value": "Net/Vpc"}])
    );
}

#[test]
fn accessors_give_subnets_tables_and_zones() {
    let (app, stack) = setup();
    let vpc = AgentVpc::new(
        &stack,
        "Vpc",
        AgentVpcProps {
            availability_zones: AvailabilityZones::Names(vec![
                "eu-west-1a".into(),
                "eu-west-1b".into(),
            ]),
            ..Default::default()
        },
    );
    assert_eq!(
        vpc.availability_zones(),
        [Value::from("eu-west-1a"), Value::from("eu-west-1b")]
    );
    let data = vpc.subnets("data").unwrap();
    assert_eq!(data.len(), 2);
    assert_eq!(data[1].availability_zone(), &Value::from("eu-west-1b"));
    assert_eq!(data[1].kind(), SubnetKind::Isolated);
    assert_eq!(vpc.subnet_ids("public").unwrap().len(), 2);
    assert_eq!(vpc.route_tables(SubnetKind::PrivateWithEgress).len(), 2);
    assert!(vpc.subnets("nope").is_none());
    assert!(vpc.subnet_ids("nope").is_none());
    assert_eq!(vpc.tier_names(), ["public", "private-app", "data"]);
    stack.output("VpcCidr", Output::new(vpc.vpc_cidr_block()));
    let t = template(&app);
    let (vpc_id, _) = at(&t, "Vpc/Resource").unwrap();
    assert_eq!(
        t["Outputs"]["VpcCidr"]["Value"],
        json!({"Fn::GetAtt": [vpc_id, "CidrBlock"]})
    );
    assert_eq!(
        props_at(&t, "Vpc/dataSubnet2/Subnet")["AvailabilityZone"],
        "eu-west-1b"
    );
}

#[test]
fn cdk_default_tier_names_give_the_cdk_logical_ids() {
    let (app, stack) = setup();
    AgentVpc::new(
        &stack,
        "Vpc",
        AgentVpcProps {
            availability_zones: AvailabilityZones::Count(2),
            tiers: vec![
                SubnetTier::new("Public", SubnetKind::Public),
                SubnetTier::new("Private", SubnetKind::PrivateWithEgress),
            ],
            ..Default::default()
        },
    );
    let t = template(&app);
    let id = |path: &str| at(&t, path).map(|(id, _)| id.as_str());
    // Logical IDs of the CDK's `new ec2.Vpc(stack, 'Vpc')` with 2 AZs.
    assert_eq!(id("Vpc/Resource"), Some("Vpc8378EB38"));
    assert_eq!(id("Vpc/IGW"), Some("VpcIGWD7BA715C"));
    assert_eq!(id("Vpc/VPCGW"), Some("VpcVPCGWBF912B6E"));
    assert_eq!(
        id("Vpc/PublicSubnet1/Subnet"),
        Some("VpcPublicSubnet1Subnet5C2D37C4")
    );
    assert_eq!(
        id("Vpc/PublicSubnet1/RouteTableAssociation"),
        Some("VpcPublicSubnet1RouteTableAssociation97140677")
    );
    assert_eq!(
        id("Vpc/PublicSubnet1/DefaultRoute"),
        Some("VpcPublicSubnet1DefaultRoute3DA9E72A")
    );
    assert_eq!(
        id("Vpc/PublicSubnet1/NATGateway"),
        Some("VpcPublicSubnet1NATGateway4D7517AA")
    );
    assert_eq!(
        id("Vpc/PublicSubnet2/DefaultRoute"),
        Some("VpcPublicSubnet2DefaultRoute97F91067")
    );
    assert_eq!(
        id("Vpc/PublicSubnet2/NATGateway"),
        Some("VpcPublicSubnet2NATGateway9182C01D")
    );
    assert_eq!(
        id("Vpc/PrivateSubnet1/RouteTable"),
        Some("VpcPrivateSubnet1RouteTableB2C5B500")
    );
    assert_eq!(
        id("Vpc/PrivateSubnet1/RouteTableAssociation"),
        Some("VpcPrivateSubnet1RouteTableAssociation70C59FA6")
    );
    assert_eq!(
        id("Vpc/PrivateSubnet1/DefaultRoute"),
        Some("VpcPrivateSubnet1DefaultRouteBE02A9ED")
    );
    assert_eq!(
        id("Vpc/PrivateSubnet2/RouteTable"),
        Some("VpcPrivateSubnet2RouteTableA678073B")
    );
    assert_eq!(
        id("Vpc/PrivateSubnet2/DefaultRoute"),
        Some("VpcPrivateSubnet2DefaultRoute060D2087")
    );
}

#[test]
fn seed_tiers_give_the_logical_ids_of_the_cdk_reference_template() {
    let (app, stack) = setup();
    let management = stack.parameter("ManagementCidr", Parameter::new("String"));
    let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::spaced_three_tier());
    vpc.add_three_tier_network_acls(management.ref_());
    vpc.add_flow_log(
        "FlowLog",
        FlowLogOptions {
            destination: FlowLogDestination::CloudWatchLogs(CloudWatchLogsDestination {
                retention_in_days: 30,
                placement: LogGroupPlacement::Stack("VpcFlowLogGroup".into()),
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    let t = template(&app);
    let id = |path: &str| at(&t, path).map(|(id, _)| id.as_str());
    // IDs from the CDK's template for seed 000's network.
    assert_eq!(
        id("Vpc/publicSubnet1/Subnet"),
        Some("VpcpublicSubnet1Subnet2BB74ED7")
    );
    assert_eq!(
        id("Vpc/publicSubnet3/NATGateway"),
        Some("VpcpublicSubnet3NATGatewayB3ABD4B1")
    );
    assert_eq!(
        id("Vpc/private-appSubnet2/DefaultRoute"),
        Some("VpcprivateappSubnet2DefaultRouteAE1388C4")
    );
    assert_eq!(
        id("Vpc/dataSubnet3/RouteTableAssociation"),
        Some("VpcdataSubnet3RouteTableAssociation68A2FEE3")
    );
    assert_eq!(
        id("Vpc/FlowLog/IAMRole/Resource"),
        Some("VpcFlowLogIAMRole6A475D41")
    );
    assert_eq!(
        id("Vpc/FlowLog/IAMRole/DefaultPolicy/Resource"),
        Some("VpcFlowLogIAMRoleDefaultPolicy406FB995")
    );
    assert_eq!(id("Vpc/FlowLog/FlowLog"), Some("VpcFlowLog8FF33A73"));
    assert_eq!(
        id("VpcFlowLogGroup/Resource"),
        Some("VpcFlowLogGroup86559C69")
    );
}

#[test]
fn a_bad_vpc_cidr_is_reported_with_the_vpc_path() {
    for (cidr, expect) in [
        ("10.0.0.0/33", "not a valid IPv4 CIDR block"),
        (
            "10.0.0.1/16",
            "host bits are set; the block that contains it is 10.0.0.0/16",
        ),
        ("10.0.0.0/8", "use /16 to /28"),
    ] {
        let (app, stack) = setup();
        AgentVpc::new(
            &stack,
            "Vpc",
            AgentVpcProps {
                cidr: cidr.into(),
                ..Default::default()
            },
        );
        let found = issues(&app);
        assert_eq!(found.len(), 1, "{cidr}: {found:?}");
        assert_eq!(
            (found[0].path.as_str(), found[0].rule),
            ("Net/Vpc", "vpc-cidr-plan")
        );
        assert!(
            found[0].message.contains(expect),
            "{cidr}: {}",
            found[0].message
        );
    }
}

#[test]
fn overlapping_tiers_are_reported() {
    let (app, stack) = setup();
    AgentVpc::new(
        &stack,
        "Vpc",
        AgentVpcProps {
            availability_zones: AvailabilityZones::Count(1),
            tiers: vec![
                SubnetTier::with_cidrs("web", SubnetKind::Public, ["10.0.0.0/23"]),
                SubnetTier::with_cidrs("db", SubnetKind::Isolated, ["10.0.1.0/24"]),
            ],
            ..Default::default()
        },
    );
    let found = issues(&app);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].path, "Net/Vpc");
    assert_eq!(
        found[0].message,
        "subnet 10.0.1.0/24 of tier \"db\" overlaps subnet 10.0.0.0/23 of tier \"web\"; subnets must not share addresses"
    );
}

#[test]
fn too_many_azs_for_the_space_is_reported() {
    let (app, stack) = setup();
    AgentVpc::new(
        &stack,
        "Vpc",
        AgentVpcProps {
            cidr: "10.0.0.0/24".into(),
            availability_zones: AvailabilityZones::Count(6),
            tiers: vec![SubnetTier::with_mask("public", SubnetKind::Public, 26)],
            nat: NatStrategy::None,
            ..Default::default()
        },
    );
    let found = issues(&app);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].path, "Net/Vpc");
    assert!(found[0]
        .message
        .contains("has no free /26 left for tier \"public\""));
    assert!(found[0].message.contains("fewer availability zones"));
}

#[test]
fn unknown_tier_names_are_reported_with_the_known_tiers() {
    let (app, stack) = setup();
    let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::default());
    assert!(vpc.subnets_or_report("private").is_empty());
    assert!(vpc.add_network_acl("app", &[]).is_none());
    let found = issues(&app);
    assert_eq!(found.len(), 2);
    assert!(found
        .iter()
        .all(|i| i.path == "Net/Vpc" && i.rule == "vpc-unknown-tier"));
    assert!(found.iter().any(|i| i.message
        == "there is no subnet tier named \"private\"; the tiers are \"public\", \"private-app\", \"data\""));
    assert!(found.iter().any(|i| i
        .message
        .starts_with("there is no subnet tier named \"app\"")));
}

#[test]
fn private_tiers_without_nat_are_reported() {
    let private = || SubnetTier::with_mask("app", SubnetKind::PrivateWithEgress, 24);
    let (app, stack) = setup();
    AgentVpc::new(
        &stack,
        "Vpc",
        AgentVpcProps {
            nat: NatStrategy::None,
            ..Default::default()
        },
    );
    let found = issues(&app);
    assert_eq!(found.len(), 1);
    assert!(found[0]
        .message
        .contains("NatStrategy::None gives it no NAT gateway"));

    let (app, stack) = setup();
    AgentVpc::new(
        &stack,
        "Vpc",
        AgentVpcProps {
            tiers: vec![private()],
            ..Default::default()
        },
    );
    let found = issues(&app);
    assert_eq!(found.len(), 1);
    assert!(found[0]
        .message
        .contains("no public tier to hold its NAT gateways"));
}

#[test]
fn duplicate_availability_zones_are_reported() {
    let (app, stack) = setup();
    AgentVpc::new(
        &stack,
        "Vpc",
        AgentVpcProps {
            availability_zones: AvailabilityZones::Names(vec![
                "us-east-1a".into(),
                "us-east-1a".into(),
            ]),
            ..Default::default()
        },
    );
    let found = issues(&app);
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].message,
        "availability zone \"us-east-1a\" is listed twice; list each zone once"
    );
}
