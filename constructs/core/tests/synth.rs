//! Synth behaviour: template shape, references, tags, limits and errors.

use strata_core::*;

mod common;

use common::Queue;

fn one_stack() -> (App, Scope) {
    let app = App::new();
    let stack = app.stack("TestStack", StackProps::default());
    (app, stack)
}

fn errors(app: &App) -> Vec<Issue> {
    app.synth().expect_err("synth should fail").issues
}

#[test]
fn resources_render_with_cdk_logical_ids_and_path_metadata() {
    let (app, stack) = one_stack();
    let q = stack.child("Jobs").resource("Resource", Queue::new());
    stack.resource_with(
        "Worker",
        Queue {
            queue_name: Some(q.get_att("QueueName")),
            ..Queue::new()
        },
        ResourceOptions {
            depends_on: vec![q],
            ..ResourceOptions::removal(RemovalPolicy::Retain)
        },
    );
    let a = app.synth().expect("valid");
    let t = &a.stacks[0].template;
    let jobs = logical_id(&["Jobs", "Resource"]);
    assert_eq!(t["Resources"][&jobs]["Type"], "AWS::SQS::Queue");
    assert_eq!(
        t["Resources"][&jobs]["Metadata"]["aws:cdk:path"],
        "TestStack/Jobs/Resource"
    );
    assert!(t["Resources"][&jobs].get("Properties").is_none());
    let worker = &t["Resources"]["Worker"];
    assert_eq!(worker["DependsOn"], serde_json::json!([jobs]));
    assert_eq!(worker["DeletionPolicy"], "Retain");
    assert_eq!(worker["UpdateReplacePolicy"], "Retain");
}

#[test]
fn the_same_app_gives_the_same_bytes() {
    let build = || {
        let (app, stack) = one_stack();
        for i in 0..20 {
            stack.resource(&format!("Q{i}"), Queue::new());
        }
        stack.add_tag("team", "agents");
        app.synth().expect("valid").stacks[0].body().to_string()
    };
    assert_eq!(build(), build());
}

#[test]
fn duplicate_ids_are_reported_with_their_path() {
    let (app, stack) = one_stack();
    stack.resource("Queue", Queue::new());
    stack.resource("Queue", Queue::new());
    let e = errors(&app);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].path, "TestStack/Queue");
    assert_eq!(e[0].rule, "duplicate-id");
}

#[test]
fn every_problem_is_collected_not_just_the_first() {
    let (app, stack) = one_stack();
    stack.resource(
        "A",
        Queue {
            delay: Some(5000.into()),
            queue_name: Some(Fn::ref_name("Missing")),
            ..Queue::new()
        },
    );
    stack.resource(
        "B",
        Queue {
            delay: Some((-1).into()),
            ..Queue::new()
        },
    );
    let e = errors(&app);
    let found: Vec<(&str, &str, &str)> = e
        .iter()
        .map(|i| (i.path.as_str(), i.property.as_str(), i.rule))
        .collect();
    assert_eq!(
        found,
        [
            ("TestStack/A", "", "dangling-ref"),
            ("TestStack/A", "DelaySeconds", "maximum"),
            ("TestStack/B", "DelaySeconds", "minimum"),
        ]
    );
}

#[test]
fn dependency_cycles_are_reported_with_the_cycle() {
    let (app, stack) = one_stack();
    let a = stack.resource("A", Queue::new());
    let b = stack.resource(
        "B",
        Queue {
            queue_name: Some(a.ref_()),
            ..Queue::new()
        },
    );
    stack
        .of(&a)
        .expect("same app")
        .with_options(|o| o.depends_on.push(b));
    let e = errors(&app);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].rule, "dependency-cycle");
    assert!(
        e[0].message
            .contains("TestStack/A -> TestStack/B -> TestStack/A")
            || e[0]
                .message
                .contains("TestStack/B -> TestStack/A -> TestStack/B"),
        "{}",
        e[0].message
    );
}

#[test]
fn sub_and_raw_json_references_are_checked() {
    let (app, stack) = one_stack();
    stack.resource("Good", Queue::new());
    stack.resource(
        "Bad",
        Queue {
            queue_name: Some(Fn::sub(
                "${Good}-${Good.Arn}-${AWS::Region}-${!Literal}-${Nope}",
            )),
            tags: Some(Value::list([
                serde_json::json!({"Key": "k", "Value": {"Ref": "Ghost"}}),
            ])),
            ..Queue::new()
        },
    );
    let e = errors(&app);
    let msgs: Vec<&str> = e.iter().map(|i| i.message.as_str()).collect();
    assert_eq!(e.len(), 2, "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("\"Nope\"")));
    assert!(msgs.iter().any(|m| m.contains("\"Ghost\"")));
}

#[test]
fn tags_propagate_sorted_with_inner_scopes_winning() {
    let app = App::new();
    app.root().add_tag("env", "dev");
    let stack = app.stack("S", StackProps::default());
    stack.add_tag("team", "data");
    let inner = stack.child("Inner");
    inner.add_tag("env", "prod");
    inner.add_tag("app", "bird");
    inner.resource(
        "Q",
        Queue {
            tags: Some(Value::list([
                serde_json::json!({"Key": "app", "Value": "own"}),
                serde_json::json!({"Key": "zz", "Value": "own"}),
            ])),
            ..Queue::new()
        },
    );
    stack.resource("Plain", Queue::new());
    let a = app.synth().expect("valid");
    let t = &a.stacks[0].template["Resources"];
    let inner_id = logical_id(&["Inner", "Q"]);
    assert_eq!(
        t[&inner_id]["Properties"]["Tags"],
        serde_json::json!([
            {"Key": "app", "Value": "bird"},
            {"Key": "env", "Value": "prod"},
            {"Key": "team", "Value": "data"},
            {"Key": "zz", "Value": "own"}
        ])
    );
    assert_eq!(
        t["Plain"]["Properties"]["Tags"],
        serde_json::json!([{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "data"}])
    );
}

#[test]
fn template_limits_are_enforced() {
    let (app, stack) = one_stack();
    for i in 0..=limits::RESOURCES {
        stack.resource(&format!("Q{i}"), Queue::new());
    }
    let e = errors(&app);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].rule, "template-limit");
    assert!(e[0].message.contains("501 resources"));
}

#[test]
fn logical_id_overrides_are_used_and_checked() {
    let (app, stack) = one_stack();
    let q = stack.resource("Queue", Queue::new());
    let s = stack.of(&q).expect("same app");
    s.override_logical_id("Renamed");
    let a = app.synth().expect("valid");
    assert!(a.stacks[0].template["Resources"].get("Renamed").is_some());
    s.override_logical_id("not valid!");
    let e = errors(&app);
    assert_eq!(e[0].rule, "logical-id");
}

#[test]
fn elements_outside_stacks_and_nested_stacks_are_errors() {
    let app = App::new();
    app.root().resource("Loose", Queue::new());
    let e = errors(&app);
    assert_eq!(e[0].path, "Loose");
    assert_eq!(e[0].rule, "outside-stack");
}

#[test]
fn parameters_conditions_and_outputs_render_in_their_sections() {
    let (app, stack) = one_stack();
    let env = stack.parameter(
        "EnvName",
        Parameter {
            allowed_values: vec!["dev".into(), "prod".into()],
            default: Some("dev".into()),
            ..Parameter::new("String")
        },
    );
    let is_prod = stack.condition(
        "IsProd",
        Fn::equals(env.ref_::<String>(), "prod".to_string()),
    );
    let q = stack.resource_with(
        "Queue",
        Queue {
            delay: Some(Fn::if_(&is_prod, Value::from(0), Value::from(5))),
            ..Queue::new()
        },
        ResourceOptions {
            condition: Some(is_prod),
            ..Default::default()
        },
    );
    stack.output(
        "QueueUrl",
        Output {
            condition: Some(is_prod),
            ..Output::new(q.ref_::<String>())
        },
    );
    let t = app.synth().expect("valid").stacks[0].template.clone();
    assert_eq!(
        t["Parameters"]["EnvName"]["AllowedValues"],
        serde_json::json!(["dev", "prod"])
    );
    assert_eq!(t["Conditions"]["IsProd"]["Fn::Equals"][0]["Ref"], "EnvName");
    assert_eq!(t["Resources"]["Queue"]["Condition"], "IsProd");
    assert_eq!(
        t["Resources"]["Queue"]["Properties"]["DelaySeconds"]["Fn::If"][0],
        "IsProd"
    );
    assert_eq!(t["Outputs"]["QueueUrl"]["Value"]["Ref"], "Queue");
    let keys: Vec<&String> = t.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["Parameters", "Conditions", "Resources", "Outputs"]);
}

#[test]
fn refs_of_the_wrong_kind_are_errors() {
    let (app, stack) = one_stack();
    let out = stack.output("Out", Output::new(Fn::region()));
    stack.resource(
        "Q",
        Queue {
            queue_name: Some(out.ref_()),
            ..Queue::new()
        },
    );
    let e = errors(&app);
    assert_eq!(e[0].rule, "invalid-ref");
    assert!(e[0].message.contains("is an output"), "{}", e[0].message);
}

#[test]
fn assembly_is_written_in_the_cdk_format() {
    let app = App::new();
    let stack = app.stack(
        "Net",
        StackProps {
            env: Environment::new("123456789012", "us-west-2"),
            ..Default::default()
        },
    );
    stack.resource("Q", Queue::new());
    let a = app.synth().expect("valid");
    let dir = std::env::temp_dir().join(format!("strata-assembly-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("Old.template.json"), "{}").expect("write");
    a.write(&dir).expect("write assembly");
    let manifest: Json =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).expect("read"))
            .expect("json");
    let art = &manifest["artifacts"]["Net"];
    assert_eq!(manifest["version"], ASSEMBLY_VERSION);
    assert_eq!(art["type"], "aws:cloudformation:stack");
    assert_eq!(art["environment"], "aws://123456789012/us-west-2");
    assert_eq!(art["properties"]["templateFile"], "Net.template.json");
    assert_eq!(art["metadata"]["/Net/Q"][0]["data"], "Q");
    assert!(dir.join("Net.template.json").exists());
    assert!(!dir.join("Old.template.json").exists());
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn aspects_visit_every_construct_below_their_scope_before_synth() {
    struct Retain;
    impl Aspect for Retain {
        fn visit(&self, node: &Scope) {
            if node.resource_type() == Some("AWS::SQS::Queue") {
                node.with_options(|o| o.deletion_policy = Some(RemovalPolicy::Retain));
                node.with_resource::<Queue>(|q| q.delay = Some(0.into()));
            }
        }
    }
    let (app, stack) = one_stack();
    let data = stack.child("Data");
    data.resource("Kept", Queue::new());
    stack.resource("Other", Queue::new());
    data.add_aspect(Retain);
    let t = app.synth().expect("valid").stacks[0].template.clone();
    let kept = logical_id(&["Data", "Kept"]);
    assert_eq!(t["Resources"][&kept]["DeletionPolicy"], "Retain");
    assert_eq!(t["Resources"][&kept]["Properties"]["DelaySeconds"], 0);
    assert!(t["Resources"]["Other"].get("DeletionPolicy").is_none());
}

#[test]
fn aspects_run_once_per_construct_even_when_synth_runs_twice() {
    struct AddAlarmQueue;
    impl Aspect for AddAlarmQueue {
        fn visit(&self, node: &Scope) {
            if node.resource_type() == Some("AWS::SQS::Queue") && node.id() == "Main" {
                node.child("Dlq").resource("Resource", Queue::new());
            }
        }
    }
    let (app, stack) = one_stack();
    stack.add_aspect(AddAlarmQueue);
    stack.resource("Main", Queue::new());
    let first = app.synth().expect("valid").stacks[0].clone();
    let second = app.synth().expect("still valid").stacks[0].clone();
    assert_eq!(first.resource_count, 2);
    assert_eq!(first.body(), second.body());
}

#[test]
fn mappings_rules_and_resource_attributes_render() {
    let (app, stack) = one_stack();
    let mut regions = Map::new();
    regions.insert(
        "us-east-1".to_string(),
        Map::from([("Ami".to_string(), Json::from("ami-123"))]),
    );
    let amis = stack.mapping("RegionMap", regions);
    let env = stack.parameter("Env", Parameter::new("String"));
    stack.rule(
        "ProdOnly",
        TemplateRule {
            rule_condition: None,
            assertions: vec![(
                Fn::equals(env.ref_::<String>(), "prod".to_string()),
                "only prod".into(),
            )],
        },
    );
    stack.resource_with(
        "Q",
        Queue {
            queue_name: Some(Fn::find_in_map(&amis, Fn::region(), "Ami")),
            ..Queue::new()
        },
        ResourceOptions {
            update_policy: Some(
                serde_json::json!({"AutoScalingReplacingUpdate": {"WillReplace": true}}),
            ),
            creation_policy: Some(serde_json::json!({"ResourceSignal": {"Count": 1}})),
            metadata: Map::from([("owner".to_string(), Json::from("agents"))]),
            ..Default::default()
        },
    );
    let t = app.synth().expect("valid").stacks[0].template.clone();
    assert_eq!(t["Mappings"]["RegionMap"]["us-east-1"]["Ami"], "ami-123");
    assert_eq!(
        t["Rules"]["ProdOnly"]["Assertions"][0]["AssertDescription"],
        "only prod"
    );
    let q = &t["Resources"]["Q"];
    assert_eq!(
        q["Properties"]["QueueName"]["Fn::FindInMap"][0],
        "RegionMap"
    );
    assert_eq!(
        q["UpdatePolicy"]["AutoScalingReplacingUpdate"]["WillReplace"],
        true
    );
    assert_eq!(q["CreationPolicy"]["ResourceSignal"]["Count"], 1);
    assert_eq!(q["Metadata"]["owner"], "agents");
    assert_eq!(q["Metadata"]["aws:cdk:path"], "TestStack/Q");
    let keys: Vec<&String> = q.as_object().expect("object").keys().collect();
    assert_eq!(
        keys,
        [
            "Type",
            "Properties",
            "CreationPolicy",
            "UpdatePolicy",
            "Metadata"
        ]
    );
}

#[test]
fn intrinsics_render_as_cloudformation_expects() {
    let (app, stack) = one_stack();
    let q = stack.resource("Base", Queue::new());
    stack.resource(
        "Q",
        Queue {
            queue_name: Some(Fn::join(
                "-",
                [
                    Fn::select(1, Fn::split(",", "a,b")),
                    Fn::select(0, Fn::cidr("10.0.0.0/16", 4, 8)),
                    Fn::base64("x"),
                    Fn::import_value("Shared-Name"),
                    q.get_att("QueueName"),
                    Fn::stack_name(),
                ],
            )),
            ..Queue::new()
        },
    );
    let t = app.synth().expect("valid").stacks[0].template.clone();
    let parts = &t["Resources"]["Q"]["Properties"]["QueueName"]["Fn::Join"][1];
    assert_eq!(
        parts[0],
        serde_json::json!({"Fn::Select": [1, {"Fn::Split": [",", "a,b"]}]})
    );
    assert_eq!(
        parts[1],
        serde_json::json!({"Fn::Select": [0, {"Fn::Cidr": ["10.0.0.0/16", 4, 8]}]})
    );
    assert_eq!(parts[2], serde_json::json!({"Fn::Base64": "x"}));
    assert_eq!(
        parts[3],
        serde_json::json!({"Fn::ImportValue": "Shared-Name"})
    );
    assert_eq!(
        parts[4],
        serde_json::json!({"Fn::GetAtt": ["Base", "QueueName"]})
    );
    assert_eq!(parts[5], serde_json::json!({"Ref": "AWS::StackName"}));
}
