//! Against moto: a stack deployed as a self-managed StackSet is created
//! with an instance per account, left alone when nothing changed, updated
//! when its template changes, and extended when a region is added.
//!
//! moto finishes every operation at once and ignores operation
//! preferences; failed operations, service-managed OU targets and updates
//! CloudFormation finds empty are covered with a stubbed client.

mod common;

use aws_sdk_cloudformation::Client;
use strata_cfn::{sns, sqs};
use strata_core::{App, Environment, StackProps, StackSetProps};
use strata_deploy::stackset::InstanceTarget;
use strata_deploy::{deploy_stack_sets, CloudAssembly, SetChange};

const ACCOUNTS: [&str; 2] = ["111111111111", "222222222222"];

/// The app at one version: the Baseline StackSet (a queue, and a topic
/// from version 2 on) over `regions`, and a plain stack beside it.
fn synth(version: &str, regions: &[&str], with_topic: bool) -> CloudAssembly {
    let app = App::new();
    let baseline = app.stack(
        "Baseline",
        StackProps {
            env: Environment::new("123456789012", "us-east-1"),
            stack_set: Some(StackSetProps {
                accounts: ACCOUNTS.iter().map(|a| a.to_string()).collect(),
                regions: regions.iter().map(|r| r.to_string()).collect(),
                ..StackSetProps::self_managed()
            }),
            ..Default::default()
        },
    );
    // Named: moto names unnamed resources after the instance's stack,
    // whose name holds a colon that queue and topic names refuse.
    baseline.resource(
        "Jobs",
        sqs::Queue {
            queue_name: Some("jobs".into()),
            ..Default::default()
        },
    );
    if with_topic {
        baseline.resource(
            "Alerts",
            sns::Topic {
                topic_name: Some("alerts".into()),
                ..Default::default()
            },
        );
    }
    app.stack("Plain", StackProps::default())
        .resource("Queue", sqs::Queue::default());
    let dir = std::env::temp_dir().join(format!(
        "strata-deploy-stackset-{version}-{}",
        std::process::id()
    ));
    app.synth().expect("valid").write(&dir).expect("written");
    CloudAssembly::read(&dir).expect("read")
}

fn instances(targets: &[(&str, &str)]) -> Vec<InstanceTarget> {
    targets
        .iter()
        .map(|(t, r)| InstanceTarget {
            target: t.to_string(),
            region: r.to_string(),
        })
        .collect()
}

#[test]
fn a_stack_set_is_created_updated_and_extended_to_a_new_region() {
    let Some(_moto) = common::start("a_stack_set_is_created_updated_and_extended_to_a_new_region")
    else {
        return;
    };
    let opts = common::yes();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let conf = rt.block_on(aws_config::load_defaults(
        aws_config::BehaviorVersion::latest(),
    ));
    let cfn = Client::new(&conf);
    let deployed = |cfn: &Client| {
        let set = rt
            .block_on(cfn.describe_stack_set().stack_set_name("Baseline").send())
            .expect("the StackSet exists");
        let listed = rt
            .block_on(cfn.list_stack_instances().stack_set_name("Baseline").send())
            .expect("instances");
        let mut pairs: Vec<(String, String)> = listed
            .summaries()
            .iter()
            .map(|i| {
                (
                    i.account().unwrap_or_default().to_string(),
                    i.region().unwrap_or_default().to_string(),
                )
            })
            .collect();
        pairs.sort();
        let body = set
            .stack_set()
            .and_then(|s| s.template_body())
            .unwrap_or_default()
            .to_string();
        (body, pairs)
    };

    // Created, with an instance per account; the plain stack is not a StackSet.
    let v1 = synth("v1", &["us-east-1"], false);
    let out = deploy_stack_sets(&v1, &[], &opts).expect("created");
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].stack_set, "Baseline");
    assert_eq!(out[0].change, SetChange::Created);
    assert_eq!(
        out[0].new_instances,
        instances(&[(ACCOUNTS[0], "us-east-1"), (ACCOUNTS[1], "us-east-1")])
    );
    let (body, pairs) = deployed(&cfn);
    assert!(body.contains("AWS::SQS::Queue") && !body.contains("AWS::SNS::Topic"));
    assert_eq!(
        pairs,
        [
            (ACCOUNTS[0].to_string(), "us-east-1".to_string()),
            (ACCOUNTS[1].to_string(), "us-east-1".to_string()),
        ]
    );
    let err = deploy_stack_sets(&v1, &["Plain".to_string()], &opts).expect_err("not a set");
    assert!(
        err.to_string()
            .starts_with("stack(s) Plain have no StackSet settings"),
        "{err}"
    );

    // Unchanged: nothing to do.
    let again = deploy_stack_sets(&v1, &["Baseline".to_string()], &opts).expect("no-op");
    assert_eq!(again[0].change, SetChange::NoChanges);
    assert!(again[0].new_instances.is_empty());

    // A new resource: the StackSet is updated, no instance added.
    let v2 = synth("v2", &["us-east-1"], true);
    let updated = deploy_stack_sets(&v2, &[], &opts).expect("updated");
    assert_eq!(updated[0].change, SetChange::Updated);
    assert!(updated[0].new_instances.is_empty());
    let (body, pairs) = deployed(&cfn);
    assert!(body.contains("AWS::SNS::Topic"), "{body}");
    assert_eq!(pairs.len(), 2);

    // A new region: instances there for each account, the set unchanged.
    let v3 = synth("v3", &["us-east-1", "us-west-2"], true);
    let extended = deploy_stack_sets(&v3, &[], &opts).expect("extended");
    assert_eq!(extended[0].change, SetChange::NoChanges);
    assert_eq!(
        extended[0].new_instances,
        instances(&[(ACCOUNTS[0], "us-west-2"), (ACCOUNTS[1], "us-west-2")])
    );
    let (_, pairs) = deployed(&cfn);
    assert_eq!(
        pairs,
        [
            (ACCOUNTS[0].to_string(), "us-east-1".to_string()),
            (ACCOUNTS[0].to_string(), "us-west-2".to_string()),
            (ACCOUNTS[1].to_string(), "us-east-1".to_string()),
            (ACCOUNTS[1].to_string(), "us-west-2".to_string()),
        ]
    );
    let last = deploy_stack_sets(&v3, &[], &opts).expect("no-op");
    assert_eq!(last[0].change, SetChange::NoChanges);
    assert!(last[0].new_instances.is_empty());
}
