use std::path::{Path, PathBuf};

use serde_json::{json, Value as Json};

use super::*;

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("strata-subset-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Stack: (id, template, dependencies, cross-stack parameters as
/// (parameter, producer, output)).
type StackSpec<'a> = (
    &'a str,
    Json,
    &'a [&'a str],
    &'a [(&'a str, &'a str, &'a str)],
);

fn assembly(dir: &Path, stacks: &[StackSpec]) -> CloudAssembly {
    std::fs::create_dir_all(dir).unwrap();
    let mut artifacts = Map::new();
    for (id, template, deps, sources) in stacks {
        let file = format!("{id}.template.json");
        std::fs::write(dir.join(&file), template.to_string()).unwrap();
        let metadata: Vec<Json> = sources
            .iter()
            .map(|(p, s, o)| json!({"type": PARAMETER_SOURCE, "data": {"parameter": p, "stack": s, "output": o}}))
            .chain([json!({"type": "aws:cdk:logicalId", "data": "Kept"})])
            .collect();
        artifacts.insert(
            id.to_string(),
            json!({"type": "aws:cloudformation:stack",
                   "environment": "aws://unknown-account/unknown-region",
                   "properties": {"templateFile": file},
                   "dependencies": deps,
                   "metadata": {format!("/{id}"): metadata}}),
        );
    }
    std::fs::write(
        dir.join("manifest.json"),
        json!({"version": "36.0.0", "artifacts": artifacts}).to_string(),
    )
    .unwrap();
    CloudAssembly::read(dir).unwrap()
}

fn types() -> TypeSet {
    let mut listed = String::from(
        "AWS::ApiGateway::Deployment needs DependsOn: it deploys the methods it depends on\n",
    );
    for t in [
        "AWS::EC2::Subnet",
        "AWS::EC2::VPC",
        "AWS::IAM::Role",
        "AWS::Logs::LogGroup",
        "AWS::SNS::Topic",
        "AWS::SQS::Queue",
    ] {
        listed.push_str(t);
        listed.push('\n');
    }
    TypeSet::parse(&listed).unwrap()
}

fn lines(s: &Subset) -> Vec<String> {
    s.dropped.iter().map(ToString::to_string).collect()
}

fn keys(template: &Json, section: &str) -> Vec<String> {
    template
        .get(section)
        .and_then(Json::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn unsupported_resources_and_everything_reaching_them_are_dropped() {
    let dir = temp("transitive");
    let template = json!({
        "Parameters": {"Env": {"Type": "String"}},
        "Conditions": {
            "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
            "HasCluster": {"Fn::Equals": [{"Ref": "Cluster"}, "x"]},
            "ProdWithCluster": {"Fn::And": [{"Condition": "IsProd"}, {"Condition": "HasCluster"}]}
        },
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
            "Cluster": {"Type": "AWS::EKS::Cluster", "Properties": {"Name": "c"}},
            "ByRef": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "Cluster"}}},
            "ByGetAtt": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": {"Fn::GetAtt": ["Cluster", "Arn"]}}},
            "ByDotted": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": {"Fn::GetAtt": "Cluster.Endpoint"}}},
            "BySub": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": {"Fn::Sub": "/aws/${Cluster.Arn}/x"}}},
            "Transitive": {"Type": "AWS::IAM::Role", "Properties": {"Description": {"Fn::Sub": "${ByRef}"}}},
            "Literal": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": {"Fn::Sub": "/x/${!Cluster}/${AWS::Region}/${Vpc}"}}},
            "LocalVar": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": {"Fn::Sub": ["${Cluster}", {"Cluster": "name"}]}}},
            "Ordered": {"Type": "AWS::SQS::Queue", "DependsOn": ["Vpc", "Cluster"]},
            "OrderedOnly": {"Type": "AWS::SQS::Queue", "DependsOn": "Cluster"},
            "OrderedOnKept": {"Type": "AWS::SQS::Queue", "DependsOn": "Vpc"},
            "Deployment": {"Type": "AWS::ApiGateway::Deployment", "DependsOn": ["Vpc", "Cluster"]},
            "Conditional": {"Type": "AWS::SQS::Queue", "Condition": "HasCluster"},
            "ProdOnly": {"Type": "AWS::SQS::Queue", "Condition": "IsProd",
                         "Properties": {"QueueName": {"Fn::If": ["ProdWithCluster", "a", "b"]}}}
        },
        "Outputs": {
            "VpcId": {"Value": {"Ref": "Vpc"}},
            "Endpoint": {"Value": {"Fn::GetAtt": ["Cluster", "Endpoint"]}},
            "Chained": {"Value": {"Fn::GetAtt": ["Transitive", "Arn"]}},
            "WhenCluster": {"Value": "x", "Condition": "HasCluster"}
        }
    });
    let asm = assembly(&dir.join("full"), &[("App", template, &[], &[])]);
    let subset = asm.filter_resources(&types(), &dir.join("subset")).unwrap();
    assert_eq!(
        lines(&subset),
        [
            "App Cluster (AWS::EKS::Cluster): type AWS::EKS::Cluster is not supported",
            "App HasCluster (condition): refers to Cluster (AWS::EKS::Cluster), which was dropped",
            "App ProdWithCluster (condition): uses condition HasCluster, which was dropped",
            "App ByRef (AWS::SQS::Queue): refers to Cluster (AWS::EKS::Cluster), which was dropped",
            "App ByGetAtt (AWS::SNS::Topic): refers to Cluster (AWS::EKS::Cluster), which was dropped",
            "App ByDotted (AWS::SNS::Topic): refers to Cluster (AWS::EKS::Cluster), which was dropped",
            "App BySub (AWS::Logs::LogGroup): refers to Cluster (AWS::EKS::Cluster), which was dropped",
            "App Transitive (AWS::IAM::Role): refers to ByRef (AWS::SQS::Queue), which was dropped",
            "App Deployment (AWS::ApiGateway::Deployment): depends on Cluster (AWS::EKS::Cluster), which was dropped, and needs it: it deploys the methods it depends on",
            "App Conditional (AWS::SQS::Queue): its condition HasCluster was dropped",
            "App ProdOnly (AWS::SQS::Queue): uses condition ProdWithCluster, which was dropped",
            "App Ordered (DependsOn entry Cluster): Cluster (AWS::EKS::Cluster) was dropped",
            "App OrderedOnly (DependsOn entry Cluster): Cluster (AWS::EKS::Cluster) was dropped",
            "App Endpoint (output): refers to Cluster (AWS::EKS::Cluster), which was dropped",
            "App Chained (output): refers to Transitive (AWS::IAM::Role), which was dropped",
            "App WhenCluster (output): its condition HasCluster was dropped",
        ]
    );
    let t = &subset.assembly.stacks[0].template;
    assert_eq!(
        keys(t, "Resources"),
        [
            "Vpc",
            "Literal",
            "LocalVar",
            "Ordered",
            "OrderedOnly",
            "OrderedOnKept"
        ]
    );
    assert_eq!(t["Resources"]["Ordered"]["DependsOn"], "Vpc");
    assert!(t["Resources"]["OrderedOnly"].get("DependsOn").is_none());
    assert_eq!(t["Resources"]["OrderedOnKept"]["DependsOn"], "Vpc");
    assert_eq!(keys(t, "Parameters"), ["Env"]);
    assert_eq!(keys(t, "Conditions"), ["IsProd"]);
    assert_eq!(keys(t, "Outputs"), ["VpcId"]);
    assert_eq!(subset.kept("App").len(), 6);
    assert_eq!(subset.counts[0].total, 15);
    assert_eq!(
        subset.summary(),
        "kept 6 of 15 resources\n  App: kept 6 of 15 resources\n  \
         dropped (by type; as unsupported + as dependent):\n    \
         AWS::ApiGateway::Deployment 0 + 1\n    AWS::EKS::Cluster 1 + 0\n    AWS::IAM::Role 0 + 1\n    AWS::Logs::LogGroup 0 + 1\n    \
         AWS::SNS::Topic 0 + 2\n    AWS::SQS::Queue 0 + 3\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_dropped_producer_output_takes_the_consumer_parameter_and_its_users() {
    let dir = temp("crossstack");
    let producer = json!({
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC"},
            "Cluster": {"Type": "AWS::EKS::Cluster"}
        },
        "Outputs": {
            "VpcOut": {"Value": {"Ref": "Vpc"}},
            "ClusterOut": {"Value": {"Ref": "Cluster"}}
        }
    });
    let consumer = json!({
        "Parameters": {
            "VpcParam": {"Type": "String"},
            "ClusterParam": {"Type": "String"},
            "Plain": {"Type": "String", "Default": "x"}
        },
        "Resources": {
            "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "VpcParam"}}},
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::Sub": "${ClusterParam}-q"}}},
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": {"Fn::GetAtt": ["Queue", "Arn"]}}}
        },
        "Outputs": {"TopicOut": {"Value": {"Ref": "Topic"}}}
    });
    let last = json!({
        "Parameters": {"TopicParam": {"Type": "String"}},
        "Resources": {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"Description": {"Ref": "TopicParam"}}},
            "Logs": {"Type": "AWS::Logs::LogGroup"}
        }
    });
    let asm = assembly(
        &dir.join("full"),
        &[
            (
                "Last",
                last,
                &["Consumer"],
                &[("TopicParam", "Consumer", "TopicOut")],
            ),
            (
                "Consumer",
                consumer,
                &["Producer"],
                &[
                    ("VpcParam", "Producer", "VpcOut"),
                    ("ClusterParam", "Producer", "ClusterOut"),
                ],
            ),
            ("Producer", producer, &[], &[]),
        ],
    );
    let subset = asm.filter_resources(&types(), &dir.join("subset")).unwrap();
    assert_eq!(
        lines(&subset),
        [
            "Producer Cluster (AWS::EKS::Cluster): type AWS::EKS::Cluster is not supported",
            "Producer ClusterOut (output): refers to Cluster (AWS::EKS::Cluster), which was dropped",
            "Consumer ClusterParam (parameter): filled from output ClusterOut of stack Producer, which was dropped",
            "Consumer Queue (AWS::SQS::Queue): refers to ClusterParam (parameter), which was dropped",
            "Consumer Topic (AWS::SNS::Topic): refers to Queue (AWS::SQS::Queue), which was dropped",
            "Consumer TopicOut (output): refers to Topic (AWS::SNS::Topic), which was dropped",
            "Last TopicParam (parameter): filled from output TopicOut of stack Consumer, which was dropped",
            "Last Role (AWS::IAM::Role): refers to TopicParam (parameter), which was dropped",
        ]
    );
    let by_id = |id: &str| {
        subset
            .assembly
            .stacks
            .iter()
            .find(|s| s.id == id)
            .unwrap()
            .clone()
    };
    let consumer = by_id("Consumer");
    assert_eq!(
        keys(&consumer.template, "Parameters"),
        ["VpcParam", "Plain"]
    );
    assert_eq!(keys(&consumer.template, "Resources"), ["Subnet"]);
    // The consumer waits only for the value that still comes.
    let sources: Vec<&str> = consumer
        .parameter_sources
        .iter()
        .map(|p| p.parameter.as_str())
        .collect();
    assert_eq!(sources, ["VpcParam"]);
    assert!(by_id("Last").parameter_sources.is_empty());
    assert_eq!(keys(&by_id("Last").template, "Resources"), ["Logs"]);
    // Other metadata stays.
    let manifest: Json =
        serde_json::from_str(&std::fs::read_to_string(dir.join("subset/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(
        manifest["artifacts"]["Consumer"]["metadata"]["/Consumer"][1]["type"],
        "aws:cdk:logicalId"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_stack_left_empty_is_dropped_and_its_dependents_inherit_its_dependencies() {
    let dir = temp("emptystack");
    let queue = json!({"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}});
    let eks = json!({
        "Resources": {"Cluster": {"Type": "AWS::EKS::Cluster"}},
        "Outputs": {"Name": {"Value": {"Ref": "Cluster"}}}
    });
    let consumer = json!({
        "Parameters": {"ClusterName": {"Type": "String"}},
        "Resources": {
            "Topic": {"Type": "AWS::SNS::Topic"},
            "Named": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "ClusterName"}}}
        }
    });
    let asm = assembly(
        &dir.join("full"),
        &[
            ("Base", queue, &[], &[]),
            ("Eks", eks, &["Base"], &[]),
            ("App", consumer, &["Eks"], &[("ClusterName", "Eks", "Name")]),
        ],
    );
    let subset = asm.filter_resources(&types(), &dir.join("subset")).unwrap();
    let ids: Vec<&str> = subset
        .assembly
        .stacks
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(ids, ["Base", "App"]);
    assert_eq!(subset.assembly.stacks[1].dependencies, ["Base"]);
    assert!(subset.assembly.stacks[1].parameter_sources.is_empty());
    assert!(lines(&subset).contains(
        &"Eks Eks (stack): no resources are left in it; its dependents take over its dependencies"
            .to_string()
    ));
    assert!(subset.kept("Eks").is_empty());
    assert_eq!(subset.kept("App"), ["Topic"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_subset_is_deterministic_and_needs_its_own_directory() {
    let dir = temp("deterministic");
    let template = json!({"Resources": {
        "B": {"Type": "AWS::EKS::Cluster"},
        "A": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "B"}}},
        "C": {"Type": "AWS::SQS::Queue"}
    }});
    let asm = assembly(&dir.join("full"), &[("S", template, &[], &[])]);
    let one = asm.filter_resources(&types(), &dir.join("one")).unwrap();
    let two = asm.filter_resources(&types(), &dir.join("two")).unwrap();
    assert_eq!(one.dropped, two.dropped);
    for f in ["manifest.json", "S.template.json"] {
        assert_eq!(
            std::fs::read(dir.join("one").join(f)).unwrap(),
            std::fs::read(dir.join("two").join(f)).unwrap(),
            "{f}"
        );
    }
    let err = asm
        .filter_resources(&types(), &dir.join("full"))
        .unwrap_err();
    assert!(err.to_string().contains("another directory"), "{err}");
    // A subset may live inside the assembly directory.
    let inner = asm
        .filter_resources(&types(), &dir.join("full/moto"))
        .unwrap();
    assert_eq!(inner.kept("S"), ["C"]);
    std::fs::remove_dir_all(&dir).unwrap();
}
