//! References between stacks: outputs, parameters, dependencies, the
//! manifest's record of them, and the errors.

mod common;

use common::Queue;
use serde_json::json;
use strata_core::*;

fn stack(app: &App, id: &str, env: Environment) -> Scope {
    app.stack(
        id,
        StackProps {
            env,
            ..Default::default()
        },
    )
}

fn prod(region: &str) -> Environment {
    Environment::new("123456789012", region)
}

#[test]
fn a_value_from_another_stack_becomes_an_output_and_a_parameter() {
    let app = App::new();
    let network = stack(&app, "Network", prod("us-east-1"));
    let compute = stack(&app, "Compute", prod("us-east-1"));
    let jobs = network.child("Jobs").resource("Resource", Queue::new());
    for id in ["Worker", "Auditor"] {
        compute.resource(
            id,
            Queue {
                queue_name: Some(jobs.get_att("QueueName")),
                ..Queue::new()
            },
        );
    }
    compute.output("JobsUrl", Output::new(jobs.ref_::<String>()));
    let assembly = app.synth().expect("valid");
    let [producer, consumer] = &assembly.stacks[..] else {
        panic!("two stacks")
    };
    let jobs_id = logical_id(&["Jobs", "Resource"]);
    // Names are logical IDs over the producer, the path and the attribute.
    let names: Vec<&String> = consumer.template["Parameters"]
        .as_object()
        .expect("parameters")
        .keys()
        .collect();
    assert_eq!(names.len(), 2, "one parameter per distinct value");
    let attr_name = names
        .iter()
        .find(|n| n.starts_with("CrossStackNetworkJobsQueueName"))
        .expect("the attribute's parameter");
    let ref_name = names
        .iter()
        .find(|n| n.starts_with("CrossStackNetworkJobsRef"))
        .expect("the Ref's parameter");
    assert_eq!(
        producer.template["Outputs"][attr_name.as_str()]["Value"],
        json!({"Fn::GetAtt": [jobs_id, "QueueName"]})
    );
    assert_eq!(
        producer.template["Outputs"][ref_name.as_str()]["Value"],
        json!({"Ref": jobs_id})
    );
    assert!(producer.template["Outputs"][attr_name.as_str()]
        .get("Export")
        .is_none());
    assert_eq!(
        consumer.template["Parameters"][attr_name.as_str()]["Type"],
        "String"
    );
    assert_eq!(
        consumer.template["Resources"]["Worker"]["Properties"]["QueueName"],
        json!({"Ref": attr_name})
    );
    assert_eq!(
        consumer.template["Outputs"]["JobsUrl"]["Value"],
        json!({"Ref": ref_name})
    );
    assert_eq!(consumer.dependencies, ["Network"]);
    assert!(producer.dependencies.is_empty());
    assert_eq!(consumer.parameter_sources.len(), 2);
    assert_eq!(consumer.parameter_sources[0].stack, "Network");
    assert_eq!(
        consumer.parameter_sources[0].parameter,
        consumer.parameter_sources[0].output
    );
    // The manifest records the dependency and where each parameter comes from.
    let manifest = assembly.manifest();
    let artifact = &manifest["artifacts"]["Compute"];
    assert_eq!(artifact["dependencies"], json!(["Network"]));
    let sources = artifact["metadata"]["/Compute"]
        .as_array()
        .expect("parameter sources");
    assert_eq!(sources.len(), 2);
    assert_eq!(sources[0]["type"], PARAMETER_SOURCE);
    assert_eq!(sources[0]["data"]["stack"], "Network");
}

#[test]
fn stacks_in_other_regions_pass_values_the_same_way() {
    let app = App::new();
    let primary = stack(&app, "Primary", prod("us-east-1"));
    let secondary = stack(&app, "Secondary", prod("us-west-2"));
    let source = primary.resource("Source", Queue::new());
    secondary.resource(
        "Replica",
        Queue {
            queue_name: Some(source.get_att("QueueName")),
            ..Queue::new()
        },
    );
    let assembly = app.synth().expect("valid");
    assert_eq!(assembly.stacks[1].dependencies, ["Primary"]);
}

#[test]
fn regions_of_the_credentials_account_reach_each_other() {
    let app = App::new();
    let in_region = |r: &str| Environment {
        account: None,
        region: Some(r.to_string()),
    };
    let primary = stack(&app, "Primary", in_region("us-east-1"));
    let standby = stack(&app, "Standby", in_region("us-west-2"));
    let source = primary.resource("Source", Queue::new());
    standby.resource(
        "Replica",
        Queue {
            queue_name: Some(source.ref_()),
            ..Queue::new()
        },
    );
    let assembly = app.synth().expect("same account, named regions");
    assert_eq!(assembly.stacks[1].dependencies, ["Primary"]);
}

#[test]
fn a_reference_to_an_environment_deploy_cannot_reach_is_an_error() {
    let app = App::new();
    let pinned = stack(&app, "Pinned", prod("eu-west-1"));
    let floating = stack(&app, "Floating", Environment::default());
    let q = pinned.resource("Queue", Queue::new());
    floating.resource(
        "User",
        Queue {
            queue_name: Some(q.ref_()),
            ..Queue::new()
        },
    );
    let err = app.synth().expect_err("unreachable").issues;
    assert_eq!(err.len(), 1, "{err:?}");
    assert_eq!(err[0].path, "Floating/User");
    assert_eq!(err[0].rule, "cross-stack-env");
    assert!(
        err[0].message.contains("Pinned/Queue"),
        "{}",
        err[0].message
    );
    assert!(
        err[0]
            .message
            .contains("aws://unknown-account/unknown-region"),
        "{}",
        err[0].message
    );
}

#[test]
fn a_cycle_between_stacks_is_an_error_that_names_them() {
    let app = App::new();
    let a = stack(&app, "A", prod("us-east-1"));
    let b = stack(&app, "B", prod("us-east-1"));
    let c = stack(&app, "C", prod("us-east-1"));
    let qa = a.resource("Queue", Queue::new());
    let qb = b.resource(
        "Queue",
        Queue {
            queue_name: Some(qa.ref_()),
            ..Queue::new()
        },
    );
    c.add_dependency(&b);
    a.add_dependency(&c);
    let _ = qb;
    let err = app.synth().expect_err("cycle").issues;
    let cycle = err
        .iter()
        .find(|i| i.rule == "stack-cycle")
        .expect("a stack cycle");
    assert!(
        ["A -> C -> B -> A", "B -> A -> C -> B", "C -> B -> A -> C"]
            .iter()
            .any(|c| cycle.message.contains(c)),
        "{}",
        cycle.message
    );
}

#[test]
fn depends_on_across_stacks_is_an_error_pointing_to_add_dependency() {
    let app = App::new();
    let a = stack(&app, "A", prod("us-east-1"));
    let b = stack(&app, "B", prod("us-east-1"));
    let qa = a.resource("Queue", Queue::new());
    b.resource_with(
        "Queue",
        Queue::new(),
        ResourceOptions {
            depends_on: vec![qa],
            ..Default::default()
        },
    );
    let err = app.synth().expect_err("depends on").issues;
    assert_eq!(err[0].path, "B/Queue");
    assert!(
        err[0].message.contains("add_dependency"),
        "{}",
        err[0].message
    );
}

#[test]
fn stack_set_settings_cloudformation_rejects_are_synth_errors() {
    let app = App::new();
    app.stack(
        "Baseline",
        StackProps {
            stack_set: Some(StackSetProps {
                accounts: vec!["1234".into()],
                organizational_units: vec!["engineering".into()],
                max_concurrency: Share::Count(0),
                failure_tolerance: Share::Percentage(150),
                ..StackSetProps::self_managed()
            }),
            ..Default::default()
        },
    );
    let err = app.synth().expect_err("invalid stack set").to_string();
    for expected in [
        "Baseline",
        "needs at least one region",
        "\"1234\" is not an AWS account ID",
        "\"engineering\" is not an organizational unit ID",
        "organizational units need service-managed permissions",
        "max_concurrency must be at least 1 account",
        "failure_tolerance of 150% is over 100%",
    ] {
        assert!(err.contains(expected), "{expected}: {err}");
    }
    let app = App::new();
    app.stack(
        "Org",
        StackProps {
            stack_set: Some(StackSetProps {
                regions: vec!["us-east-1".into()],
                ..StackSetProps::service_managed()
            }),
            ..Default::default()
        },
    );
    let err = app.synth().expect_err("no OUs").to_string();
    assert!(err.contains("give `organizational_units`"), "{err}");
}

#[test]
fn an_element_named_like_a_cross_stack_value_is_an_error() {
    let app = App::new();
    let network = stack(&app, "Network", prod("us-east-1"));
    let compute = stack(&app, "Compute", prod("us-east-1"));
    let jobs = network.child("Jobs").resource("Resource", Queue::new());
    compute.resource(
        "Worker",
        Queue {
            queue_name: Some(jobs.get_att("QueueName")),
            ..Queue::new()
        },
    );
    // The name Strata gives to the value: over the producer, the path and
    // the attribute. A user output in the producer takes it first.
    let name = logical_id(&["CrossStack", "Network", "Jobs", "Resource", "QueueName"]);
    network.output(&name, Output::new(Fn::region()));
    let err = app.synth().expect_err("the name is taken");
    let issue = err
        .issues
        .iter()
        .find(|i| i.rule == "cross-stack-name")
        .unwrap_or_else(|| panic!("a cross-stack-name issue in {err}"));
    assert_eq!(issue.path, "Network");
    assert!(issue.message.contains(&name), "{}", issue.message);
    assert!(
        issue.message.contains("Network/Jobs/Resource"),
        "{}",
        issue.message
    );
}
