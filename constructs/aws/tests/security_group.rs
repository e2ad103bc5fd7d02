//! Security groups: inline and separate rules, outbound defaults, and the
//! CDK's logical IDs for rules between groups.

use serde_json::{json, Value as Json};
use strata::ec2::{Peer, Port, SecurityGroup, SecurityGroupProps};
use strata::prelude::*;

fn group(stack: &Scope, id: &str, description: &str) -> SecurityGroup {
    SecurityGroup::new(
        stack,
        id,
        SecurityGroupProps {
            vpc_id: "vpc-0123456789abcdef0".into(),
            description: Some(description.into()),
            ..Default::default()
        },
    )
}

fn resources(app: &App) -> serde_json::Map<String, Json> {
    let assembly = app.synth().expect("the app synthesizes");
    assembly.stacks[0].template["Resources"]
        .as_object()
        .expect("resources")
        .clone()
}

fn synth_error(app: &App) -> String {
    app.synth().expect_err("synth must fail").to_string()
}

#[test]
fn seed_000_groups_are_one_line_per_rule_with_cdk_logical_ids() {
    let app = App::new();
    let stack = app.stack("BirdStack", StackProps::default());
    let api = group(&stack, "ApiGatewaySg", "API Gateway facing security group");
    let alb = group(&stack, "AlbSg", "ALB security group");
    let ecs = group(&stack, "EcsSg", "ECS tasks security group");
    let db = group(&stack, "DatabaseSg", "Aurora PostgreSQL security group");
    let cache = group(&stack, "CacheSg", "ElastiCache Redis security group");
    let lambda = group(&stack, "LambdaSg", "Lambda functions security group");

    api.allow_from(Peer::any_ipv4(), Port::tcp(443), "HTTPS from anywhere");
    api.allow_from(Peer::any_ipv4(), Port::tcp(80), "HTTP from anywhere");
    api.allow_to(&alb, Port::all_traffic(), "All traffic to the ALB");
    alb.allow_from(&api, Port::tcp(443), "HTTPS from the API Gateway group");
    alb.allow_from(&api, Port::tcp(80), "HTTP from the API Gateway group");
    alb.allow_to(&ecs, Port::tcp(8080), "App traffic to ECS services");
    ecs.allow_from(&alb, Port::tcp(8080), "App traffic from ALB");
    ecs.allow_from(&alb, Port::tcp(8081), "Health checks from ALB");
    ecs.allow_to(Peer::any_ipv4(), Port::tcp(443), "HTTPS to AWS APIs");
    ecs.allow_to(&db, Port::tcp(5432), "PostgreSQL to Aurora");
    ecs.allow_to(&cache, Port::tcp(6379), "Redis to ElastiCache");
    db.allow_from(&ecs, Port::tcp(5432), "PostgreSQL from ECS services");
    db.allow_from(&lambda, Port::tcp(5432), "PostgreSQL from Lambda functions");
    cache.allow_from(&ecs, Port::tcp(6379), "Redis from ECS services");
    cache.allow_from(&lambda, Port::tcp(6379), "Redis from Lambda functions");
    lambda.allow_to(Peer::any_ipv4(), Port::tcp(443), "HTTPS to AWS APIs");
    lambda.allow_to(&db, Port::tcp(5432), "PostgreSQL to Aurora");
    lambda.allow_to(&cache, Port::tcp(6379), "Redis to ElastiCache");
    let r = resources(&app);

    // Logical IDs the CDK gives the same construct paths.
    for id in [
        "EcsSgfromBirdStackAlbSg11BCAFCB8080004DE829",
        "EcsSgfromBirdStackAlbSg11BCAFCB80816EDA743B",
        "DatabaseSgfromBirdStackEcsSg568EF5A75432B70D99E9",
        "DatabaseSgfromBirdStackLambdaSg6009EA5554321C0A8737",
        "CacheSgfromBirdStackEcsSg568EF5A763797BE4D4D7",
        "CacheSgfromBirdStackLambdaSg6009EA55637959A6C363",
    ] {
        assert_eq!(r[id]["Type"], "AWS::EC2::SecurityGroupIngress", "{id}");
    }
    assert_eq!(
        r["EcsSgfromBirdStackAlbSg11BCAFCB8080004DE829"]["Properties"],
        json!({
            "Description": "App traffic from ALB",
            "FromPort": 8080,
            "GroupId": {"Fn::GetAtt": ["EcsSg17B4B0B3", "GroupId"]},
            "IpProtocol": "tcp",
            "SourceSecurityGroupId": {"Fn::GetAtt": ["AlbSg1155C1BE", "GroupId"]},
            "ToPort": 8080
        })
    );

    // CIDR rules stay inline; the API group's outbound is only the ALB rule,
    // kept in a separate resource, so its own list holds the no-traffic rule.
    let api_props = r
        .iter()
        .find(|(k, v)| k.starts_with("ApiGatewaySg") && v["Type"] == "AWS::EC2::SecurityGroup")
        .map(|(_, v)| v["Properties"].clone())
        .expect("api group");
    assert_eq!(api_props["SecurityGroupIngress"][0]["CidrIp"], "0.0.0.0/0");
    assert_eq!(api_props["SecurityGroupIngress"][1]["FromPort"], 80);
    assert_eq!(
        api_props["SecurityGroupEgress"],
        json!([{
            "CidrIp": "255.255.255.255/32",
            "Description": "Disallow all traffic",
            "FromPort": 252,
            "IpProtocol": "icmp",
            "ToPort": 86
        }])
    );
    let to_alb: Vec<&Json> = r
        .values()
        .filter(|v| {
            v["Type"] == "AWS::EC2::SecurityGroupEgress" && v["Properties"]["IpProtocol"] == "-1"
        })
        .collect();
    assert_eq!(to_alb.len(), 1);
    assert!(to_alb[0]["Properties"].get("FromPort").is_none());

    // ECS: outbound 443 inline, database and cache as separate resources.
    let ecs_egress = &r["EcsSg17B4B0B3"]["Properties"]["SecurityGroupEgress"];
    assert_eq!(
        ecs_egress,
        &json!([{
            "CidrIp": "0.0.0.0/0",
            "Description": "HTTPS to AWS APIs",
            "FromPort": 443,
            "IpProtocol": "tcp",
            "ToPort": 443
        }])
    );
    let egress_rules = r
        .values()
        .filter(|v| v["Type"] == "AWS::EC2::SecurityGroupEgress")
        .count();
    // api→alb, alb→ecs, ecs→db, ecs→cache, lambda→db, lambda→cache
    assert_eq!(egress_rules, 6);
    let ingress_rules = r
        .values()
        .filter(|v| v["Type"] == "AWS::EC2::SecurityGroupIngress")
        .count();
    // alb←api ×2, ecs←alb ×2, db ×2, cache ×2
    assert_eq!(ingress_rules, 8);
}

#[test]
fn outbound_defaults_follow_the_stated_rules() {
    let app = App::new();
    let stack = app.stack("Net", StackProps::default());
    let open = group(&stack, "Open", "open");
    open.allow_from(Peer::ipv4("10.0.0.0/16"), Port::tcp(443), "");
    let stated = group(&stack, "Stated", "stated");
    stated.allow_to(Peer::ipv4("10.0.0.0/16"), Port::tcp(5432), "");
    let explicit = SecurityGroup::new(
        &stack,
        "Explicit",
        SecurityGroupProps {
            vpc_id: "vpc-1".into(),
            allow_all_outbound: Some(true),
            ..Default::default()
        },
    );
    explicit.allow_to(Peer::ipv4("10.0.0.0/16"), Port::tcp(5432), "");
    let closed = SecurityGroup::new(
        &stack,
        "Closed",
        SecurityGroupProps {
            vpc_id: "vpc-1".into(),
            allow_all_outbound: Some(false),
            ..Default::default()
        },
    );
    let r = resources(&app);
    let egress = |prefix: &str| -> Json {
        r.iter()
            .find(|(k, v)| k.starts_with(prefix) && v["Type"] == "AWS::EC2::SecurityGroup")
            .map(|(_, v)| v["Properties"]["SecurityGroupEgress"].clone())
            .expect(prefix)
    };
    assert_eq!(
        egress("Open")[0]["Description"],
        "Allow all outbound traffic by default"
    );
    assert_eq!(
        r.iter()
            .find(|(k, _)| k.starts_with("Open"))
            .map(|(_, v)| v["Properties"]["SecurityGroupIngress"][0]["Description"].clone()),
        Some(json!("from 10.0.0.0/16:443"))
    );
    assert_eq!(
        egress("Stated"),
        json!([{
            "CidrIp": "10.0.0.0/16",
            "Description": "to 10.0.0.0/16:5432",
            "FromPort": 5432,
            "IpProtocol": "tcp",
            "ToPort": 5432
        }])
    );
    assert_eq!(egress("Explicit")[0]["IpProtocol"], "-1");
    assert_eq!(egress("Explicit").as_array().map(Vec::len), Some(1));
    assert_eq!(egress("Closed")[0]["Description"], "Disallow all traffic");
    // The default description is the construct path.
    let closed_props = r
        .iter()
        .find(|(k, _)| k.starts_with("Closed"))
        .map(|(_, v)| v["Properties"]["GroupDescription"].clone());
    assert_eq!(closed_props, Some(json!("Net/Closed")));
    let _ = closed;
}

#[test]
fn repeated_rules_are_added_once_and_connections_open_both_sides() {
    let app = App::new();
    let stack = app.stack("Net", StackProps::default());
    let alb = group(&stack, "Alb", "alb");
    let ecs = group(&stack, "Ecs", "ecs");
    ecs.connect_from(&alb, Port::tcp(8080), "App traffic");
    ecs.allow_from(&alb, Port::tcp(8080), "App traffic");
    ecs.allow_from(Peer::ipv4("10.0.0.0/16"), Port::tcp(22), "SSH");
    ecs.allow_from(Peer::ipv4("10.0.0.0/16"), Port::tcp(22), "SSH");
    let r = resources(&app);
    let count = |ty: &str| r.values().filter(|v| v["Type"] == ty).count();
    assert_eq!(count("AWS::EC2::SecurityGroupIngress"), 1);
    assert_eq!(count("AWS::EC2::SecurityGroupEgress"), 1);
    let egress = r
        .values()
        .find(|v| v["Type"] == "AWS::EC2::SecurityGroupEgress")
        .expect("egress");
    assert_eq!(egress["Properties"]["FromPort"], 8080);
    let ecs_group = r
        .iter()
        .find(|(k, v)| k.starts_with("Ecs") && v["Type"] == "AWS::EC2::SecurityGroup")
        .map(|(_, v)| v.clone())
        .expect("ecs");
    assert_eq!(
        ecs_group["Properties"]["SecurityGroupIngress"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

#[test]
fn a_deploy_time_cidr_gets_a_joined_description() {
    let app = App::new();
    let stack = app.stack("Net", StackProps::default());
    let cidr = stack.parameter("Cidr", Parameter::new("String"));
    let sg = group(&stack, "Sg", "sg");
    sg.allow_from(Peer::ipv4(cidr.ref_::<String>()), Port::tcp(22), "");
    let r = resources(&app);
    let rule = r
        .values()
        .find(|v| v["Type"] == "AWS::EC2::SecurityGroup")
        .map(|v| v["Properties"]["SecurityGroupIngress"][0].clone())
        .expect("group");
    assert_eq!(rule["CidrIp"], json!({"Ref": "Cidr"}));
    assert_eq!(
        rule["Description"],
        json!({"Fn::Join": ["", ["from ", {"Ref": "Cidr"}, ":22"]]})
    );
}

#[test]
fn bad_rules_are_synth_errors_naming_the_group() {
    let app = App::new();
    let stack = app.stack("Net", StackProps::default());
    let sg = group(&stack, "Web", "web");
    sg.allow_from(Peer::ipv4("10.0.0.0/33"), Port::tcp(443), "");
    let err = synth_error(&app);
    assert!(err.contains("Net/Web"), "{err}");
    assert!(
        err.contains("\"10.0.0.0/33\" is not an IPv4 CIDR block"),
        "{err}"
    );

    let app = App::new();
    let stack = app.stack("Net", StackProps::default());
    group(&stack, "Web", "web").allow_from(Peer::any_ipv4(), Port::tcp_range(9000, 8000), "");
    let err = synth_error(&app);
    assert!(err.contains("port range 9000-8000 is reversed"), "{err}");

    let app = App::new();
    let stack = app.stack("Net", StackProps::default());
    group(&stack, "Web", "web").allow_from(Peer::any_ipv4(), Port::tcp(443), "HTTPS <anywhere>");
    let err = synth_error(&app);
    assert!(
        err.contains("contains characters EC2 rejects (\"<>\")"),
        "{err}"
    );

    let app = App::new();
    let stack = app.stack("Net", StackProps::default());
    SecurityGroup::new(&stack, "NoVpc", SecurityGroupProps::default());
    let err = synth_error(&app);
    assert!(err.contains("Net/NoVpc"), "{err}");
    assert!(err.contains("vpc_id is empty"), "{err}");
}

#[test]
fn groups_that_refer_to_each_other_synthesize_without_a_cycle() {
    let app = App::new();
    let stack = app.stack("Net", StackProps::default());
    let a = group(&stack, "A", "a");
    let b = group(&stack, "B", "b");
    a.connect_from(&b, Port::tcp(443), "b to a");
    b.connect_from(&a, Port::tcp(443), "a to b");
    a.connect_from(&a, Port::all_traffic(), "within a");
    let r = resources(&app);
    assert_eq!(r.len(), 2 + 3 + 3);
}
