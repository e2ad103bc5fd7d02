//! Against moto: a value one stack takes from another reaches it as a
//! parameter, read by the deploy engine from the producer's outputs.
//!
//! moto gives stacks made through change sets no outputs, so the producer
//! is created with CreateStack here; the consumer goes through `deploy`.

mod common;

use strata_cfn::{sns, sqs};
use strata_core::{App, Environment, StackProps};
use strata_deploy::{deploy, CloudAssembly, Outcome};

#[test]
fn a_producers_output_is_passed_as_the_consumers_parameter() {
    let Some(_moto) = common::start("a_producers_output_is_passed_as_the_consumers_parameter")
    else {
        return;
    };
    let app = App::new();
    let env = Environment::new("123456789012", "us-east-1");
    let producer = app.stack(
        "Producer",
        StackProps {
            env: env.clone(),
            ..Default::default()
        },
    );
    let consumer = app.stack(
        "Consumer",
        StackProps {
            env,
            ..Default::default()
        },
    );
    let jobs = producer.resource("Jobs", sqs::Queue::default());
    consumer.resource(
        "Alerts",
        sns::Topic {
            display_name: Some(jobs.arn()),
            ..Default::default()
        },
    );
    let assembly = app.synth().expect("valid");
    let dir = std::env::temp_dir().join(format!("strata-deploy-crossstack-{}", std::process::id()));
    assembly.write(&dir).expect("write");
    let asm = CloudAssembly::read(&dir).expect("read");
    assert_eq!(asm.stacks[1].dependencies, ["Producer"]);
    let parameter = asm.stacks[1].parameter_sources[0].parameter.clone();

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let conf = rt.block_on(aws_config::load_defaults(
        aws_config::BehaviorVersion::latest(),
    ));
    let cfn = aws_sdk_cloudformation::Client::new(&conf);
    rt.block_on(
        cfn.create_stack()
            .stack_name("Producer")
            .template_body(&asm.stacks[0].template_body)
            .send(),
    )
    .expect("producer created directly, so it has outputs");

    assert_eq!(
        deploy(&asm, &["Consumer".to_string()], &common::yes()).expect("consumer"),
        [Outcome::Deployed]
    );
    let described = rt
        .block_on(cfn.describe_stacks().stack_name("Consumer").send())
        .expect("consumer");
    let stack = &described.stacks()[0];
    let passed = stack
        .parameters()
        .iter()
        .find(|p| p.parameter_key() == Some(parameter.as_str()))
        .and_then(|p| p.parameter_value())
        .expect("the cross-stack parameter");
    // The queue's ARN, as the producer published it.
    assert!(
        passed.starts_with("arn:aws:sqs:us-east-1:123456789012:"),
        "{passed}"
    );
}
