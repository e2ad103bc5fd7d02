//! DAX: seed 001's context cache in front of a DynamoDB table, its role
//! limited to that table, and the settings DAX would reject, caught at synth.

use std::time::Duration;

use serde_json::{json, Value as Json};
use strata::dax::{DaxCluster, DaxClusterProps, DaxParameterGroup, DaxTableAccess};
use strata::dynamodb::{Attribute, Table, TableProps};
use strata::ec2::{Peer, Port, SecurityGroup, SecurityGroupProps};
use strata::iam::{Principal, Role, RoleProps};
use strata::prelude::*;

fn id(path: &[&str]) -> String {
    strata::logical_id(path)
}

/// Seed 001's DAX configuration, with a cluster name DAX accepts.
fn seed_001(table_arn: Value<String>, sg: Value<String>) -> DaxClusterProps {
    DaxClusterProps {
        cluster_name: Some("agent-context-cache".into()),
        description: Some("AI agent context cache".into()),
        prod: true,
        subnet_ids: vec![
            "private-subnet-1a".into(),
            "private-subnet-1b".into(),
            "private-subnet-1c".into(),
        ],
        subnet_group_name: Some("private-subnets".into()),
        security_group_ids: vec![sg],
        parameter_group: DaxParameterGroup::Named("default.dax1.0".into()),
        maintenance_window: Some("sun:05:00-sun:06:00".into()),
        table_arns: vec![table_arn],
        ..DaxClusterProps::new("dax.r4.large", 3)
    }
}

#[test]
fn seed_001_context_cache_renders_every_setting() {
    let app = App::new();
    let stack = app.stack("Cache", StackProps::default());
    let table = Table::new(
        &stack,
        "Context",
        TableProps::new(Attribute::string("sessionId")),
    );
    let sg = SecurityGroup::new(
        &stack,
        "DaxSg",
        SecurityGroupProps {
            vpc_id: "vpc-123".into(),
            ..SecurityGroupProps::default()
        },
    );
    let dax = DaxCluster::new(&stack, "Dax", seed_001(table.table_arn(), sg.group_id()));
    sg.allow_from(
        Peer::ipv4("10.0.0.0/16"),
        Port::tcp(dax.port()),
        "DAX over TLS",
    );
    stack.output("Endpoint", Output::new(dax.endpoint_url()));
    let t = app.synth().expect("valid").stacks[0].template.clone();
    let r = &t["Resources"];
    let cluster = &r[id(&["Dax", "Resource"]).as_str()];
    let table_id = id(&["Context", "Resource"]);
    let role_id = id(&["Dax", "Role", "Resource"]);
    let policy_id = id(&["Dax", "Role", "DefaultPolicy", "Resource"]);
    assert_eq!(cluster["Type"], "AWS::DAX::Cluster");
    assert_eq!(
        cluster["Properties"],
        json!({
            "ClusterEndpointEncryptionType": "TLS",
            "ClusterName": "agent-context-cache",
            "Description": "AI agent context cache",
            "IAMRoleARN": {"Fn::GetAtt": [role_id, "Arn"]},
            "NodeType": "dax.r4.large",
            "ParameterGroupName": "default.dax1.0",
            "PreferredMaintenanceWindow": "sun:05:00-sun:06:00",
            "ReplicationFactor": 3,
            "SSESpecification": {"SSEEnabled": true},
            "SecurityGroupIds": [{"Fn::GetAtt": [id(&["DaxSg", "Resource"]), "GroupId"]}],
            "SubnetGroupName": {"Ref": id(&["Dax", "SubnetGroup"])}
        })
    );
    assert_eq!(cluster["DependsOn"], json!([policy_id]));
    assert_eq!(
        r[id(&["Dax", "SubnetGroup"]).as_str()]["Properties"],
        json!({
            "Description": "Subnets of the DAX cluster Cache/Dax",
            "SubnetGroupName": "private-subnets",
            "SubnetIds": ["private-subnet-1a", "private-subnet-1b", "private-subnet-1c"]
        })
    );
    assert_eq!(
        r[role_id.as_str()]["Properties"]["AssumeRolePolicyDocument"]["Statement"],
        json!([{
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Principal": {"Service": "dax.amazonaws.com"}
        }])
    );
    assert_eq!(
        r[policy_id.as_str()]["Properties"]["PolicyDocument"]["Statement"],
        json!([{
            "Action": [
                "dynamodb:DescribeTable",
                "dynamodb:GetItem",
                "dynamodb:BatchGetItem",
                "dynamodb:Query",
                "dynamodb:Scan",
                "dynamodb:ConditionCheckItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:BatchWriteItem"
            ],
            "Effect": "Allow",
            "Resource": [
                {"Fn::GetAtt": [table_id, "Arn"]},
                {"Fn::Sub": ["${Table}/index/*", {"Table": {"Fn::GetAtt": [table_id, "Arn"]}}]}
            ]
        }])
    );
    assert_eq!(
        r[id(&["DaxSg", "Resource"]).as_str()]["Properties"]["SecurityGroupIngress"][0]["FromPort"],
        9111
    );
    assert_eq!(
        t["Outputs"]["Endpoint"]["Value"],
        json!({"Fn::GetAtt": [id(&["Dax", "Resource"]), "ClusterDiscoveryEndpointURL"]})
    );
}

#[test]
fn ttls_get_a_parameter_group_and_plain_endpoints_use_8111() {
    let app = App::new();
    let stack = app.stack("Cache", StackProps::default());
    let dax = DaxCluster::new(
        &stack,
        "Dax",
        DaxClusterProps {
            subnet_ids: vec!["subnet-a".into()],
            parameter_group: DaxParameterGroup::Ttl {
                item: Duration::from_secs(600),
                query: Duration::from_millis(90_000),
            },
            endpoint_tls: false,
            table_arns: vec!["arn:aws:dynamodb:us-east-1:123456789012:table/context".into()],
            table_access: DaxTableAccess::ReadOnly,
            ..DaxClusterProps::new("dax.t3.small", 1)
        },
    );
    assert_eq!(dax.port(), 8111);
    let reader = Role::new(
        &stack,
        "Reader",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    );
    assert!(dax.grant_read_data(&reader).success());
    let t = app.synth().expect("valid").stacks[0].template.clone();
    let r = &t["Resources"];
    let group_id = id(&["Dax", "ParameterGroup"]);
    assert_eq!(
        r[group_id.as_str()]["Properties"],
        json!({
            "Description": "Cache TTLs of the DAX cluster Cache/Dax",
            "ParameterNameValues": {"query-ttl-millis": "90000", "record-ttl-millis": "600000"}
        })
    );
    let cluster = &r[id(&["Dax", "Resource"]).as_str()]["Properties"];
    assert_eq!(cluster["ParameterGroupName"], json!({"Ref": group_id}));
    assert_eq!(cluster["ClusterEndpointEncryptionType"], "NONE");
    let statement = &r[id(&["Dax", "Role", "DefaultPolicy", "Resource"]).as_str()]["Properties"]
        ["PolicyDocument"]["Statement"][0];
    assert_eq!(
        statement["Action"],
        json!([
            "dynamodb:DescribeTable",
            "dynamodb:GetItem",
            "dynamodb:BatchGetItem",
            "dynamodb:Query",
            "dynamodb:Scan",
            "dynamodb:ConditionCheckItem"
        ])
    );
    assert_eq!(
        statement["Resource"][1],
        "arn:aws:dynamodb:us-east-1:123456789012:table/context/index/*"
    );
    let grant = &r[id(&["Reader", "DefaultPolicy", "Resource"]).as_str()]["Properties"]
        ["PolicyDocument"]["Statement"][0];
    assert_eq!(
        grant["Resource"],
        json!({"Fn::GetAtt": [id(&["Dax", "Resource"]), "Arn"]})
    );
    assert_eq!(grant["Action"][0], "dax:GetItem");
}

fn error_for(edit: impl FnOnce(&mut DaxClusterProps)) -> String {
    let app = App::new();
    let stack = app.stack("Cache", StackProps::default());
    let mut props = seed_001(
        "arn:aws:dynamodb:us-east-1:123456789012:table/context".into(),
        "sg-dax".into(),
    );
    edit(&mut props);
    DaxCluster::new(&stack, "Dax", props);
    let err = app.synth().expect_err("must fail").to_string();
    assert!(err.contains("Cache/Dax"), "{err}");
    err
}

#[test]
fn settings_dax_rejects_are_synth_errors() {
    // Seed 001 names the cluster "ai-agent-context-cache": 22 characters.
    let err = error_for(|p| p.cluster_name = Some("ai-agent-context-cache".into()));
    assert!(
        err.contains("cluster name \"ai-agent-context-cache\" must be 1 to 20"),
        "{err}"
    );
    let err = error_for(|p| p.node_type = "r4.large".into());
    assert!(
        err.contains("node type \"r4.large\" is not a DAX node type"),
        "{err}"
    );
    let err = error_for(|p| p.node_type = "dax.t3.large".into());
    assert!(
        err.contains(
            "DAX has no large node in the t3 family; use one of dax.t3.small, dax.t3.medium"
        ),
        "{err}"
    );
    let err = error_for(|p| p.replication_factor = 11);
    assert!(
        err.contains("replication factor 11 is outside 1-10"),
        "{err}"
    );
    let err = error_for(|p| p.replication_factor = 2);
    assert!(
        err.contains("a production DAX cluster needs at least 3 nodes"),
        "{err}"
    );
    let err = error_for(|p| p.availability_zones = vec!["us-east-1a".into()]);
    assert!(
        err.contains("1 Availability Zones are given for 3 nodes"),
        "{err}"
    );
    let err = error_for(|p| p.subnet_ids.clear());
    assert!(err.contains("no subnets: give subnet_ids"), "{err}");
    let err = error_for(|p| p.table_arns.clear());
    assert!(err.contains("no tables: give table_arns"), "{err}");
    let err = error_for(|p| p.table_arns = vec!["arn:aws:s3:::bucket".into()]);
    assert!(
        err.contains("\"arn:aws:s3:::bucket\" is not a DynamoDB table ARN"),
        "{err}"
    );
    let err = error_for(|p| p.maintenance_window = Some("sunday 5am".into()));
    assert!(err.contains("is not a weekly window"), "{err}");
    let err = error_for(|p| {
        p.parameter_group = DaxParameterGroup::Ttl {
            item: Duration::from_micros(1500),
            query: Duration::from_secs(60),
        }
    });
    assert!(
        err.contains("the item TTL of 1.5ms is not a whole number of milliseconds"),
        "{err}"
    );
    let err = error_for(|p| p.subnet_group_name = Some("private--subnets".into()));
    assert!(
        err.contains("subnet group name \"private--subnets\""),
        "{err}"
    );
}

#[test]
fn a_dev_cluster_may_have_one_node() {
    let app = App::new();
    let stack = app.stack("Cache", StackProps::default());
    let mut props_one = seed_001(
        "arn:aws:dynamodb:us-east-1:123456789012:table/context".into(),
        "sg-dax".into(),
    );
    props_one.prod = false;
    props_one.replication_factor = 1;
    DaxCluster::new(&stack, "DevDax", props_one);
    let t = app.synth().expect("valid").stacks[0].template.clone();
    let dev: &Json = &t["Resources"][id(&["DevDax", "Resource"]).as_str()];
    assert_eq!(dev["Properties"]["ReplicationFactor"], 1);
    // A cache has nothing to retain: no deletion policy is written.
    assert!(dev.get("DeletionPolicy").is_none());
}
