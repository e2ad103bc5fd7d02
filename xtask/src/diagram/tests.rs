//! The diagram model and renderers on small hand-written templates, and
//! on a real app's assembly.

use serde_json::{json, Value as Json};
use strata_core::ParameterSource;
use strata_deploy::StackArtifact;

use super::model::{self, Graph};
use super::network::TierKind;
use super::{dot, mermaid};

fn stack(id: &str, template: Json, sources: &[(&str, &str, &str)]) -> StackArtifact {
    StackArtifact {
        id: id.into(),
        stack_name: id.into(),
        account: None,
        region: Some("us-east-1".into()),
        environment: "aws://unknown-account/us-east-1".into(),
        template_file: format!("{id}.template.json"),
        template_body: template.to_string(),
        template,
        dependencies: Vec::new(),
        termination_protection: false,
        parameter_sources: sources
            .iter()
            .map(|(p, s, o)| ParameterSource {
                parameter: p.to_string(),
                stack: s.to_string(),
                output: o.to_string(),
            })
            .collect(),
    }
}

fn res(ty: &str, props: Json) -> Json {
    json!({"Type": ty, "Properties": props})
}

fn getatt(lid: &str, attr: &str) -> Json {
    json!({"Fn::GetAtt": [lid, attr]})
}

fn reference(lid: &str) -> Json {
    json!({"Ref": lid})
}

/// The edges as `from -> to [label]` with the stack prefixes kept.
fn edges(g: &Graph) -> Vec<String> {
    g.edges
        .iter()
        .map(|e| format!("{} -> {} [{}]", e.from, e.to, e.label))
        .collect()
}

fn subnet(cidr: &str, az: usize, name: &str, ty: &str) -> Json {
    res(
        "AWS::EC2::Subnet",
        json!({
            "AvailabilityZone": {"Fn::Select": [az, {"Fn::GetAZs": ""}]},
            "CidrBlock": cidr,
            "VpcId": reference("Vpc"),
            "Tags": [
                {"Key": "aws-cdk:subnet-name", "Value": name},
                {"Key": "aws-cdk:subnet-type", "Value": ty},
            ],
        }),
    )
}

fn route(table: &str, via: (&str, &str)) -> Json {
    let mut props = json!({"DestinationCidrBlock": "0.0.0.0/0", "RouteTableId": reference(table)});
    props[via.0] = reference(via.1);
    res("AWS::EC2::Route", props)
}

fn assoc(subnet: &str, table: &str) -> Json {
    res(
        "AWS::EC2::SubnetRouteTableAssociation",
        json!({"SubnetId": reference(subnet), "RouteTableId": reference(table)}),
    )
}

/// A VPC of three tiers in two zones; `App2` is tagged public but routes
/// through a NAT gateway, so its routes make it private.
fn network() -> Json {
    json!({"Resources": {
        "Vpc": res("AWS::EC2::VPC", json!({"CidrBlock": "10.0.0.0/16"})),
        "Igw": res("AWS::EC2::InternetGateway", json!({})),
        "Pub1": subnet("10.0.1.0/24", 0, "web", "Public"),
        "Pub2": subnet("10.0.0.0/24", 1, "web", "Public"),
        "App1": subnet("10.0.10.0/24", 0, "app", "Private"),
        "App2": subnet("10.0.11.0/24", 1, "app", "Public"),
        "Db1": subnet("10.0.20.0/24", 0, "db", "Isolated"),
        "Db2": subnet("10.0.21.0/24", 1, "db", "Isolated"),
        "PubRt": res("AWS::EC2::RouteTable", json!({"VpcId": reference("Vpc")})),
        "AppRt": res("AWS::EC2::RouteTable", json!({"VpcId": reference("Vpc")})),
        "DbRt": res("AWS::EC2::RouteTable", json!({"VpcId": reference("Vpc")})),
        "PubDefault": route("PubRt", ("GatewayId", "Igw")),
        "AppDefault": route("AppRt", ("NatGatewayId", "Nat")),
        "Nat": res("AWS::EC2::NatGateway", json!({"SubnetId": reference("Pub1")})),
        "A1": assoc("Pub1", "PubRt"), "A2": assoc("Pub2", "PubRt"),
        "A3": assoc("App1", "AppRt"), "A4": assoc("App2", "AppRt"),
        "A5": assoc("Db1", "DbRt"), "A6": assoc("Db2", "DbRt"),
        "S3Endpoint": res("AWS::EC2::VPCEndpoint", json!({
            "VpcId": reference("Vpc"),
            "ServiceName": {"Fn::Sub": "com.amazonaws.${AWS::Region}.s3"},
        })),
        "AppSg": res("AWS::EC2::SecurityGroup", json!({"VpcId": reference("Vpc")})),
    }, "Outputs": {
        "VpcApp1": {"Value": reference("App1")},
        "VpcAppSg": {"Value": getatt("AppSg", "GroupId")},
    }})
}

#[test]
fn subnets_are_grouped_into_tiers_by_their_routes() {
    let g = model::build("t", &[stack("Net", network(), &[])]);
    let vpc = &g.stacks[0].vpcs[0];
    assert_eq!(
        (vpc.name.as_str(), vpc.cidr.as_deref()),
        ("Vpc", Some("10.0.0.0/16"))
    );
    let tiers: Vec<(&str, TierKind, usize, usize, Vec<&str>)> = vpc
        .tiers
        .iter()
        .map(|t| {
            let cidrs = t.cidrs.iter().map(String::as_str).collect();
            (t.name.as_str(), t.kind, t.azs, t.nat_gateways, cidrs)
        })
        .collect();
    assert_eq!(
        tiers,
        [
            (
                "web",
                TierKind::Public,
                2,
                1,
                vec!["10.0.0.0/24", "10.0.1.0/24"]
            ),
            (
                "app",
                TierKind::Private,
                2,
                0,
                vec!["10.0.10.0/24", "10.0.11.0/24"]
            ),
            (
                "db",
                TierKind::Isolated,
                2,
                0,
                vec!["10.0.20.0/24", "10.0.21.0/24"]
            ),
        ]
    );
    assert_eq!(vpc.endpoints, ["s3"]);
    assert!(g.nodes.is_empty(), "plumbing only: {:?}", g.nodes);
}

/// An app stack that takes the network's subnet and security group.
fn app() -> Json {
    let vpc_config = json!({
        "SubnetIds": [reference("NetApp1")],
        "SecurityGroupIds": [reference("NetAppSg")],
    });
    json!({
    "Parameters": {"NetApp1": {"Type": "String"}, "NetAppSg": {"Type": "String"}},
    "Resources": {
        "Fn": res("AWS::Lambda::Function", json!({
            "Role": getatt("FnRole", "Arn"),
            "Runtime": "python3.12",
            "VpcConfig": vpc_config,
            "Environment": {"Variables": {"QUEUE": reference("Jobs")}},
            "DeadLetterConfig": {"TargetArn": getatt("Dlq", "Arn")},
        })),
        "FnAlias": res("AWS::Lambda::Alias", json!({"FunctionName": reference("Fn")})),
        "FnRole": res("AWS::IAM::Role", json!({"Policies": [{"PolicyDocument": {"Statement": [
            {"Effect": "Allow", "Action": "sns:Publish", "Resource": reference("Topic")},
        ]}}]})),
        "FnPolicy": res("AWS::IAM::Policy", json!({
            "Roles": [reference("FnRole")],
            "PolicyDocument": {"Statement": [
                {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
                 "Resource": [getatt("Table", "Arn"), {"Fn::Join": ["", [getatt("Table", "Arn"), "/index/*"]]}]},
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": {"Fn::Sub": "${Bucket.Arn}/*"}},
                {"Effect": "Deny", "Action": "s3:PutObject", "Resource": {"Fn::Sub": "${Bucket.Arn}/*"}},
                {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": getatt("Key", "Arn")},
            ]},
        })),
        "FnPermission": res("AWS::Lambda::Permission", json!({
            "FunctionName": reference("Fn"), "SourceArn": getatt("Rule", "Arn"),
        })),
        "Key": res("AWS::KMS::Key", json!({})),
        "Table": res("AWS::DynamoDB::Table", json!({"SSESpecification": {"KMSMasterKeyId": reference("Key")}})),
        "Bucket": res("AWS::S3::Bucket", json!({})),
        "Jobs": res("AWS::SQS::Queue", json!({"RedrivePolicy": {"deadLetterTargetArn": getatt("Dlq", "Arn")}})),
        "Dlq": res("AWS::SQS::Queue", json!({})),
        "Topic": res("AWS::SNS::Topic", json!({})),
        "Sub": res("AWS::SNS::Subscription", json!({
            "TopicArn": reference("Topic"), "Endpoint": getatt("Jobs", "Arn"), "Protocol": "sqs",
        })),
        "Esm": res("AWS::Lambda::EventSourceMapping", json!({
            "EventSourceArn": getatt("Jobs", "Arn"), "FunctionName": reference("FnAlias"),
        })),
        "Bus": res("AWS::Events::EventBus", json!({"Name": "bus"})),
        "Rule": res("AWS::Events::Rule", json!({
            "EventBusName": reference("Bus"),
            "Targets": [{"Arn": getatt("Fn", "Arn"), "Id": "T"}],
        })),
        "Flow": res("AWS::StepFunctions::StateMachine", json!({
            "DefinitionString": {"Fn::Sub": ["{\"Resource\":\"${F}\"}", {"F": reference("FnAlias")}]},
        })),
        "Db": res("AWS::RDS::DBCluster", json!({
            "Engine": "aurora-postgresql", "VpcSecurityGroupIds": [getatt("DbSg", "GroupId")],
        })),
        "DbWriter": res("AWS::RDS::DBInstance", json!({"DBClusterIdentifier": reference("Db")})),
        "DbSg": res("AWS::EC2::SecurityGroup", json!({"SecurityGroupIngress": [
            {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "SourceSecurityGroupId": reference("NetAppSg")},
        ]})),
        "Api": res("AWS::ApiGateway::RestApi", json!({"Name": "api"})),
        "ApiGet": res("AWS::ApiGateway::Method", json!({
            "RestApiId": reference("Api"),
            "Integration": {"Uri": {"Fn::Sub": ["arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/functions/${F}/invocations", {"F": reference("FnAlias")}]}},
        })),
        "ApiStage": res("AWS::ApiGateway::Stage", json!({"RestApiId": reference("Api")})),
        "Acl": res("AWS::WAFv2::WebACL", json!({})),
        "AclAssoc": res("AWS::WAFv2::WebACLAssociation", json!({
            "WebACLArn": getatt("Acl", "Arn"),
            "ResourceArn": {"Fn::Sub": ["arn:aws:apigateway:${AWS::Region}::/restapis/${A}/stages/${S}", {"A": reference("Api"), "S": reference("ApiStage")}]},
        })),
        "Cluster": res("AWS::ECS::Cluster", json!({})),
        "Task": res("AWS::ECS::TaskDefinition", json!({
            "TaskRoleArn": getatt("FnRole", "Arn"),
            "ContainerDefinitions": [{"Environment": [{"Name": "T", "Value": reference("Table")}]}],
        })),
        "Service": res("AWS::ECS::Service", json!({"Cluster": reference("Cluster"), "TaskDefinition": reference("Task")})),
    }})
}

fn assembly() -> Vec<StackArtifact> {
    vec![
        stack("Net", network(), &[]),
        stack(
            "App",
            app(),
            &[
                ("NetApp1", "Net", "VpcApp1"),
                ("NetAppSg", "Net", "VpcAppSg"),
            ],
        ),
    ]
}

#[test]
fn nodes_are_the_architecture_and_plumbing_folds_into_them() {
    let g = model::build("t", &assembly());
    let nodes: Vec<(&str, &str)> = g
        .nodes
        .iter()
        .map(|n| (n.id.as_str(), n.kind.as_str()))
        .collect();
    assert_eq!(
        nodes,
        [
            ("App_Acl", "WAF web ACL"),
            ("App_Api", "REST API"),
            ("App_Bucket", "S3 bucket"),
            ("App_Bus", "event bus"),
            ("App_Cluster", "ECS cluster"),
            ("App_Db", "RDS cluster"),
            ("App_Dlq", "SQS queue"),
            ("App_Flow", "state machine"),
            ("App_Fn", "Lambda"),
            ("App_Jobs", "SQS queue"),
            ("App_Rule", "EventBridge rule"),
            ("App_Service", "ECS service"),
            ("App_Table", "DynamoDB table"),
            ("App_Topic", "SNS topic"),
        ]
    );
    let f = g.nodes.iter().find(|n| n.id == "App_Fn").unwrap();
    assert_eq!(
        f.details,
        ["python3.12", "in app"],
        "runtime, then the tier across stacks"
    );
    let note = &g.stacks[1].note;
    assert_eq!(note, &["KMS keys: 1", "IAM roles: 1"]);
}

#[test]
fn references_fold_into_labelled_edges_across_stacks() {
    let g = model::build("t", &assembly());
    assert_eq!(
        edges(&g),
        [
            "App_Acl -> App_Api [protects]",
            "App_Api -> App_Fn [invoke]",
            "App_Bus -> App_Rule []",
            "App_Flow -> App_Fn [task]",
            "App_Fn -> App_Bucket [read]",
            "App_Fn -> App_Db [:5432]",
            "App_Fn -> App_Dlq [dead letters]",
            "App_Fn -> App_Jobs []",
            "App_Fn -> App_Table [read/write]",
            "App_Fn -> App_Topic [write]",
            "App_Jobs -> App_Dlq [dead letters]",
            "App_Jobs -> App_Fn [events]",
            "App_Rule -> App_Fn [target]",
            "App_Service -> App_Bucket [read]",
            "App_Service -> App_Cluster []",
            "App_Service -> App_Table [read/write]",
            "App_Service -> App_Topic [write]",
            "App_Topic -> App_Jobs [subscription]",
        ]
    );
}

#[test]
fn a_cross_stack_parameter_resolves_to_the_producers_resource() {
    let producer = json!({"Resources": {"Table": res("AWS::DynamoDB::Table", json!({}))},
        "Outputs": {"TableName": {"Value": reference("Table")}}});
    // A middle stack passes the value on: the chain is followed.
    let middle = json!({"Parameters": {"P": {"Type": "String"}},
        "Resources": {"Queue": res("AWS::SQS::Queue", json!({}))},
        "Outputs": {"Forward": {"Value": reference("P")}}});
    let consumer = json!({"Parameters": {"Q": {"Type": "String"}},
    "Resources": {"Fn": res("AWS::Lambda::Function", json!({
        "Environment": {"Variables": {"TABLE": reference("Q")}},
    }))}});
    let g = model::build(
        "t",
        &[
            stack("Data", producer, &[]),
            stack("Mid", middle, &[("P", "Data", "TableName")]),
            stack("Use", consumer, &[("Q", "Mid", "Forward")]),
        ],
    );
    assert_eq!(edges(&g), ["Use_Fn -> Data_Table []"]);
}

#[test]
fn access_labels_follow_the_actions() {
    use super::edges::{access, port};
    assert_eq!(access(&["s3:GetObject", "s3:ListBucket"]), "read");
    assert_eq!(access(&["sqs:SendMessage"]), "write");
    assert_eq!(access(&["dynamodb:*"]), "read/write");
    assert_eq!(
        access(&["lambda:InvokeFunction", "states:StartExecution"]),
        "invoke"
    );
    assert_eq!(access(&["rds-db:connect", "es:ESHttpGet"]), "read/connect");
    assert_eq!(
        port(&json!({"IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379})),
        ":6379"
    );
    assert_eq!(
        port(&json!({"IpProtocol": "tcp", "FromPort": 1, "ToPort": 2})),
        ":1-2"
    );
    assert_eq!(port(&json!({"IpProtocol": "-1"})), "all");
}

/// A graph whose names need escaping, for both renderers.
fn awkward() -> Graph {
    let t = json!({"Resources": {
        "Q": {"Type": "AWS::SQS::Queue", "Metadata": {"aws:cdk:path": "my-stack/Say \"hi\" <b>#1</b> & more/Resource"}},
        "T": res("AWS::SNS::Topic", json!({"Subscription": [{"Endpoint": getatt("Q", "Arn"), "Protocol": "sqs"}]})),
    }});
    model::build("demo (prod)", &[stack("my-stack", t, &[])])
}

#[test]
fn mermaid_ids_are_sanitized_and_labels_escaped() {
    let text = mermaid::render(&awkward());
    let head = concat!(
        "flowchart LR\n",
        "  %% demo (prod): generated by `cargo xtask diagram` from the synthesized templates\n",
        "  subgraph my_stack[\"my-stack · us-east-1\"]\n",
        "    my_stack_Q([\"Say #quot;hi#quot; #lt;b#gt;#35;1#lt;/b#gt; #amp; more<br/>SQS queue\"]):::cat_messaging\n",
        "    my_stack_T([\"T<br/>SNS topic\"]):::cat_messaging\n",
        "  end\n",
        "  my_stack_T -->|\"subscription\"| my_stack_Q\n",
    );
    assert_eq!(&text[..text.find("  classDef").unwrap()], head);
    assert_eq!(text.matches("  classDef cat_").count(), 7);
    assert_mermaid_sane(&text);
}

/// Checks the shape of every line the Mermaid renderer writes: known
/// statements only, ids of `[A-Za-z0-9_]`, quoted labels with no raw
/// quote, every edge between declared nodes, subgraphs balanced.
fn assert_mermaid_sane(text: &str) {
    let label = r#""[^"]*""#;
    let id = "[A-Za-z][A-Za-z0-9_]*";
    let shapes = format!(
        r"(\[\({label}\)\]|\(\[{label}\]\)|\{{\{{{label}\}}\}}|\[\[{label}\]\]|\[/{label}/\]|\[{label}\])"
    );
    let node = regex_lite::Regex::new(&format!(r"^\s*({id}){shapes}:::cat_[a-z]+$")).unwrap();
    let sub = regex_lite::Regex::new(&format!(r"^\s*subgraph ({id})\[{label}\]$")).unwrap();
    let edge = regex_lite::Regex::new(&format!(r"^\s*({id}) -->(\|{label}\|)? ({id})$")).unwrap();
    let class = regex_lite::Regex::new(
        r"^  classDef cat_[a-z]+ fill:#[0-9a-f]{6},stroke:#[0-9a-f]{6},color:#[0-9a-f]{6}$",
    )
    .unwrap();
    let mut declared = std::collections::BTreeSet::new();
    let mut depth = 0i32;
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("flowchart LR"));
    assert!(lines.next().unwrap().starts_with("  %% "));
    for line in lines {
        if let Some(c) = node.captures(line) {
            assert!(
                declared.insert(c[1].to_string()),
                "node declared twice: {line}"
            );
        } else if let Some(c) = sub.captures(line) {
            assert!(declared.insert(c[1].to_string()), "id reused: {line}");
            depth += 1;
        } else if line.trim() == "end" {
            depth -= 1;
            assert!(depth >= 0, "unbalanced end");
        } else if let Some(c) = edge.captures(line) {
            assert!(
                declared.contains(&c[1]) && declared.contains(&c[3]),
                "edge to an undeclared node: {line}"
            );
        } else {
            assert!(
                class.is_match(line),
                "not a Mermaid statement this renderer writes: {line:?}"
            );
        }
    }
    assert_eq!(depth, 0, "unbalanced subgraphs");
}

#[test]
fn mermaid_of_the_test_assembly_is_sane_and_deterministic() {
    let text = mermaid::render(&model::build("t", &assembly()));
    assert_mermaid_sane(&text);
    assert_eq!(text, mermaid::render(&model::build("t", &assembly())));
    assert!(text.contains("Net__Vpc__tier_app[\"app subnets (Private)<br/>2 AZ<br/>10.0.10.0/24, 10.0.11.0/24\"]:::cat_network"));
}

#[test]
fn dot_escapes_labels_and_uses_clusters() {
    let text = dot::render(&awkward());
    let expected = concat!(
        "// demo (prod): generated by `cargo xtask diagram` from the synthesized templates\n",
        "digraph \"demo (prod)\" {\n",
        "  graph [rankdir=LR, label=\"demo (prod)\", labelloc=t, fontname=\"Helvetica\", fontsize=14, newrank=true];\n",
        "  node [style=\"filled,rounded\", fontname=\"Helvetica\", fontsize=10];\n",
        "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#495057\"];\n",
        "  subgraph cluster_my_stack {\n",
        "    label=\"my-stack · us-east-1\"; style=\"rounded\"; color=\"#adb5bd\";\n",
        "    my_stack_Q [label=\"Say \\\"hi\\\" <b>#1</b> & more\\nSQS queue\", shape=cds, fillcolor=\"#ffe8cc\", color=\"#d9480f\"];\n",
        "    my_stack_T [label=\"T\\nSNS topic\", shape=cds, fillcolor=\"#ffe8cc\", color=\"#d9480f\"];\n",
        "  }\n",
        "  my_stack_T -> my_stack_Q [label=\"subscription\"];\n",
        "}\n",
    );
    assert_eq!(text, expected);
}

/// Runs Graphviz on `text` when it is installed.
fn dot_accepts(text: &str, name: &str) {
    if !super::has_dot() {
        eprintln!("skipped: Graphviz `dot` is not on PATH");
        return;
    }
    let dir = std::env::temp_dir().join(format!("strata-diagram-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("g.dot"), text).unwrap();
    super::svg(&dir.join("g.dot"), &dir.join("g.svg")).unwrap();
    let svg = std::fs::read_to_string(dir.join("g.svg")).unwrap();
    assert!(svg.contains("<svg"), "dot wrote no SVG");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn graphviz_renders_the_dot_output() {
    dot_accepts(&dot::render(&awkward()), "awkward");
    dot_accepts(&dot::render(&model::build("t", &assembly())), "assembly");
}

/// Seed 003 as its app synthesizes it for prod: the facts the seed states
/// must be visible in the drawing.
#[test]
fn the_support_agent_is_drawn_from_its_synthesized_references() {
    let dir = std::env::temp_dir().join(format!("strata-diagram-support-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let synthesized = support_agent::app_for("prod")
        .synth()
        .expect("the app is valid");
    synthesized.write(&dir).unwrap();
    let assembly = strata_deploy::CloudAssembly::read(&dir).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let g = model::build("support-agent (prod)", &assembly.stacks);

    // A 3-AZ VPC with /20 tiers: public, private (NAT per AZ), isolated.
    let vpcs: Vec<_> = g.stacks.iter().flat_map(|s| &s.vpcs).collect();
    assert_eq!(vpcs.len(), 1);
    let kinds: Vec<TierKind> = vpcs[0].tiers.iter().map(|t| t.kind).collect();
    assert_eq!(
        kinds,
        [TierKind::Public, TierKind::Private, TierKind::Isolated]
    );
    for t in &vpcs[0].tiers {
        assert_eq!(t.azs, 3, "{t:?}");
        assert!(
            t.cidrs.len() == 3 && t.cidrs.iter().all(|c| c.ends_with("/20")),
            "{t:?}"
        );
    }
    assert_eq!(vpcs[0].tiers[0].nat_gateways, 3);

    let node = |id: &str| g.nodes.iter().find(|n| n.id == id);
    let kind_of = |id: &str| node(id).map_or("", |n| n.kind.as_str());
    // Four SNS topics, each subscribed by its SQS queue.
    let subscriptions = g
        .edges
        .iter()
        .filter(|e| e.label.contains("subscription"))
        .filter(|e| kind_of(&e.from) == "SNS topic" && kind_of(&e.to) == "SQS queue")
        .count();
    assert_eq!(subscriptions, 4);
    // The database and the cache take the EKS cluster's traffic on their
    // ports: security-group rules across stacks, through parameters.
    let from_eks = |kind: &str, port: &str| {
        g.edges.iter().any(|e| {
            kind_of(&e.from) == "EKS cluster"
                && kind_of(&e.to).starts_with(kind)
                && e.label.contains(port)
        })
    };
    assert!(from_eks("RDS", ":5432"), "{:#?}", g.edges);
    assert!(from_eks("ElastiCache", ":6379"), "{:#?}", g.edges);
    assert!(g
        .edges
        .iter()
        .all(|e| node(&e.from).is_some() && node(&e.to).is_some()));
    // Readable: dozens of nodes, not hundreds.
    assert!(
        (10..=80).contains(&g.nodes.len()),
        "{} nodes",
        g.nodes.len()
    );
    assert_mermaid_sane(&mermaid::render(&g));
    dot_accepts(&dot::render(&g), "support");
}

#[test]
fn alike_nodes_merge_and_labels_combine() {
    let handler = |table: &str| {
        res(
            "AWS::Lambda::Function",
            json!({"Runtime": "python3.12", "Environment": {"Variables": {"T": reference(table)}}}),
        )
    };
    let integration = |f: &str| {
        res(
            "AWS::ApiGatewayV2::Integration",
            json!({
                "ApiId": reference("Ws"),
                "IntegrationUri": {"Fn::Sub": ["arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/functions/${F}/invocations", {"F": getatt(f, "Arn")}]},
            }),
        )
    };
    let t = json!({"Resources": {
        "Ws": res("AWS::ApiGatewayV2::Api", json!({"ProtocolType": "WEBSOCKET"})),
        "Connect": handler("Conns"), "Disconnect": handler("Conns"), "Other": handler("Audit"),
        "I1": integration("Connect"), "I2": integration("Disconnect"), "I3": integration("Other"),
        "Conns": res("AWS::DynamoDB::Table", json!({})),
        "Audit": res("AWS::DynamoDB::Table", json!({})),
        // A group open to itself: its members talk, no edge.
        "Sg": res("AWS::EC2::SecurityGroup", json!({"SecurityGroupIngress": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "SourceSecurityGroupId": getatt("Sg", "GroupId")},
        ]})),
        "Db": res("AWS::RDS::DBCluster", json!({"VpcSecurityGroupIds": [getatt("Sg", "GroupId")]})),
        "Db2": res("AWS::RDS::DBCluster", json!({"VpcSecurityGroupIds": [getatt("Sg", "GroupId")], "Engine": "aurora-mysql"})),
    }});
    let g = model::build("t", &[stack("S", t, &[])]);
    let names: Vec<(&str, Vec<&str>)> = g
        .nodes
        .iter()
        .map(|n| (n.id.as_str(), n.names.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        names,
        [
            ("S_Audit", vec!["Audit"]),
            ("S_Connect", vec!["Connect", "Disconnect"]),
            ("S_Conns", vec!["Conns"]),
            ("S_Db", vec!["Db"]),
            ("S_Db2", vec!["Db2"]),
            ("S_Other", vec!["Other"]),
            ("S_Ws", vec!["Ws"]),
        ]
    );
    assert_eq!(
        edges(&g),
        [
            "S_Connect -> S_Conns []",
            "S_Other -> S_Audit []",
            "S_Ws -> S_Connect [invoke]",
            "S_Ws -> S_Other [invoke]",
        ]
    );
    let merged = g.nodes.iter().find(|n| n.id == "S_Connect").unwrap();
    assert_eq!(
        super::labels::node_lines(merged),
        ["Connect, Disconnect", "Lambda ×2 · python3.12"]
    );

    let set = |ls: &[&str]| ls.iter().map(|l| l.to_string()).collect();
    assert_eq!(
        model::merge_labels(&set(&["read", "read/write", ":443"])),
        ":443, read/write"
    );
    assert_eq!(model::merge_labels(&set(&["invoke", "tools", ""])), "tools");
    assert_eq!(
        model::merge_labels(&set(&["tools, invoke", "task"])),
        "task, tools"
    );
    assert_eq!(model::merge_labels(&set(&["", "connect"])), "connect");
}

#[test]
fn dense_graphs_merge_nodes_that_use_the_same_nodes() {
    // Ten functions, each behind its own rule, all naming the same twelve
    // databases (of different engines, so they stay apart).
    let mut resources = serde_json::Map::new();
    let tables: Vec<String> = (0..12).map(|i| format!("T{i}")).collect();
    for t in &tables {
        resources.insert(t.clone(), res("AWS::RDS::DBCluster", json!({"Engine": t})));
    }
    for f in 0..10 {
        let env: serde_json::Map<String, Json> =
            tables.iter().map(|t| (t.clone(), reference(t))).collect();
        resources.insert(
            format!("F{f}"),
            res(
                "AWS::Lambda::Function",
                json!({"Environment": {"Variables": env}}),
            ),
        );
        resources.insert(
            format!("R{f}"),
            res(
                "AWS::Events::Rule",
                json!({"Targets": [{"Arn": getatt(&format!("F{f}"), "Arn"), "Id": "T"}]}),
            ),
        );
    }
    let g = model::build("t", &[stack("S", json!({"Resources": resources}), &[])]);
    // 10 × 12 uses and 10 triggers: past the threshold, the functions
    // merge although each has its own rule; the rules then merge too.
    const { assert!(10 * 12 + 10 > model::DENSE) };
    let kinds: Vec<(&str, usize)> = g
        .nodes
        .iter()
        .map(|n| (n.kind.as_str(), n.names.len()))
        .collect();
    let tables = kinds.iter().filter(|k| **k == ("RDS cluster", 1)).count();
    assert_eq!((tables, kinds.len()), (12, 14), "{kinds:?}");
    assert!(
        kinds.contains(&("Lambda", 10)) && kinds.contains(&("EventBridge rule", 10)),
        "{kinds:?}"
    );
    assert_eq!(g.edges.len(), 12 + 1);
}

#[test]
fn load_balancers_distributions_instances_and_pods_fold_too() {
    let allow = |action: &str, resource: Json| json!({"Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]});
    let t = json!({"Resources": {
        "Alb": res("AWS::ElasticLoadBalancingV2::LoadBalancer", json!({"Scheme": "internal"})),
        "Listener": res("AWS::ElasticLoadBalancingV2::Listener", json!({
            "LoadBalancerArn": reference("Alb"),
            "DefaultActions": [{"Type": "forward", "TargetGroupArn": reference("Tg")}],
        })),
        "Tg": res("AWS::ElasticLoadBalancingV2::TargetGroup", json!({"Port": 8080})),
        "Service": res("AWS::ECS::Service", json!({"LoadBalancers": [{"TargetGroupArn": reference("Tg")}]})),
        "Cdn": res("AWS::CloudFront::Distribution", json!({"DistributionConfig": {
            "Origins": [{"DomainName": getatt("Site", "RegionalDomainName")}],
        }})),
        "Site": res("AWS::S3::Bucket", json!({})),
        "Box": res("AWS::EC2::Instance", json!({"InstanceType": "t3.micro", "IamInstanceProfile": reference("Profile")})),
        "Profile": res("AWS::IAM::InstanceProfile", json!({"Roles": [reference("BoxRole")]})),
        "BoxRole": res("AWS::IAM::Role", json!({})),
        "BoxPolicy": res("AWS::IAM::Policy", json!({
            "Roles": [reference("BoxRole")],
            "PolicyDocument": allow("s3:PutObject", json!({"Fn::Sub": "${Site.Arn}/*"})),
        })),
        "Eks": res("AWS::EKS::Cluster", json!({})),
        "Pods": res("AWS::EKS::PodIdentityAssociation", json!({
            "ClusterName": reference("Eks"), "RoleArn": getatt("PodRole", "Arn"),
        })),
        "PodRole": res("AWS::IAM::Role", json!({"Policies": [{"PolicyDocument": allow("sqs:ReceiveMessage", getatt("Q", "Arn"))}]})),
        "Q": res("AWS::SQS::Queue", json!({})),
    }});
    let g = model::build("t", &[stack("S", t, &[])]);
    assert_eq!(
        edges(&g),
        [
            "S_Alb -> S_Service []",
            "S_Box -> S_Site [write]",
            "S_Cdn -> S_Site [origin]",
            "S_Eks -> S_Q [read]",
        ]
    );
    let alb = g.nodes.iter().find(|n| n.id == "S_Alb").unwrap();
    assert_eq!(alb.details, ["application · internal"]);
    assert!(
        g.nodes.iter().all(|n| n.id != "S_Tg"),
        "the target group folds into the service"
    );
}
