//! Metric accessors on the compute and messaging constructs, used as seed
//! 000's alarms use them, and alarm actions from a topic and a function.

use serde_json::json;
use strata::cloudwatch::{Alarm, AlarmAction, AlarmProps, ComparisonOperator, Metric, Statistic};
use strata::ec2::{SecurityGroup, SecurityGroupProps};
use strata::ecs::{
    Cluster, ClusterProps, ContainerImage, ContainerProps, FargateService, FargateServiceProps,
    FargateTaskDefinition, FargateTaskDefinitionProps,
};
use strata::kinesis::{Stream, StreamProps};
use strata::lambda::{Code, Function, FunctionProps, Runtime};
use strata::prelude::*;
use strata::sns::{Topic, TopicProps};
use strata::sqs::{Queue, QueueProps};
use strata::stepfunctions::{Definition, StateMachine, StateMachineProps, Task};

use super::{props_of, template};

fn dims(m: &Metric) -> Vec<(String, Value<String>)> {
    m.dimensions().to_vec()
}

fn gt() -> ComparisonOperator {
    ComparisonOperator::GreaterThanThreshold
}

#[test]
fn seed_000_cpu_alarm_built_from_the_service_metric() {
    let app = App::new();
    let stack = app.stack("Agent", StackProps::default());
    let alerts = Topic::new(
        &stack,
        "CriticalAlerts",
        TopicProps {
            topic_name: Some("critical-alerts".into()),
            ..Default::default()
        },
    );
    let cluster = Cluster::new(&stack, "Cluster", ClusterProps::default());
    let task =
        FargateTaskDefinition::new(&stack, "Task", FargateTaskDefinitionProps::new(512, 1024));
    task.add_container(
        "app",
        ContainerProps::new(ContainerImage::registry("public.ecr.aws/nginx/nginx:1.27")),
    );
    let sg = SecurityGroup::new(
        &stack,
        "TasksSg",
        SecurityGroupProps {
            vpc_id: "vpc-0123456789abcdef0".into(),
            ..Default::default()
        },
    );
    let service = FargateService::new(
        &stack,
        "Service",
        FargateServiceProps::new(&cluster, &task, vec!["subnet-0a".into()], &[&sg]),
    );
    Alarm::new(
        &stack,
        "HighCPUUtilization",
        AlarmProps {
            alarm_actions: vec![(&alerts).into()],
            ..AlarmProps::new(service.metric_cpu(), gt(), 80.0, 2)
        },
    );
    let t = template(&app);
    let topic_id = strata::logical_id(&["CriticalAlerts", "Resource"]);
    let cpu = props_of(&t, &["HighCPUUtilization", "Resource"]);
    assert_eq!(cpu["AlarmActions"], json!([{"Ref": topic_id}]));
    assert_eq!(cpu["Namespace"], "AWS/ECS");
    assert_eq!(
        cpu["Dimensions"],
        json!([
            {"Name": "ClusterName", "Value": {"Ref": strata::logical_id(&["Cluster", "Resource"])}},
            {"Name": "ServiceName", "Value": {"Fn::GetAtt": [strata::logical_id(&["Service", "Service"]), "Name"]}}
        ])
    );
}

#[test]
fn function_queue_topic_state_machine_and_stream_metrics() {
    let app = App::new();
    let stack = app.stack("Agent", StackProps::default());
    let function = Function::new(
        &stack,
        "EventProcessor",
        FunctionProps::new(
            Runtime::PYTHON_3_11,
            "index.handler",
            Code::inline("def handler(event, context):\n    return {}\n"),
        ),
    );
    let errors = function.metric_errors();
    assert_eq!(
        (errors.namespace(), errors.metric_name(), errors.statistic()),
        ("AWS/Lambda", "Errors", Statistic::Sum)
    );
    assert_eq!(
        dims(&errors),
        [("FunctionName".to_string(), function.function_name())]
    );
    assert_eq!(
        AlarmAction::from(&function),
        AlarmAction::Lambda(function.function_arn())
    );
    let queue = Queue::new(&stack, "Jobs", QueueProps::default());
    let age = queue.metric_age_of_oldest_message();
    assert_eq!(
        (age.namespace(), age.metric_name(), age.statistic()),
        (
            "AWS/SQS",
            "ApproximateAgeOfOldestMessage",
            Statistic::Maximum
        )
    );
    assert_eq!(dims(&age), [("QueueName".to_string(), queue.queue_name())]);
    let topic = Topic::new(&stack, "Events", TopicProps::default());
    assert_eq!(
        dims(&topic.metric_notifications_failed()),
        [("TopicName".to_string(), topic.topic_name())]
    );
    let machine = StateMachine::new(
        &stack,
        "Analysis",
        StateMachineProps::new(Definition::new("Classify").state(
            "Classify",
            Task::lambda("arn:aws:lambda:us-east-1:123456789012:function:classify").end(),
        )),
    );
    let failed = machine.metric_failed();
    assert_eq!(
        (failed.namespace(), failed.metric_name()),
        ("AWS/States", "ExecutionsFailed")
    );
    assert_eq!(
        dims(&failed),
        [("StateMachineArn".to_string(), machine.state_machine_arn())]
    );
    let stream = Stream::new(&stack, "Analytics", StreamProps::default());
    let lag = stream.metric_iterator_age();
    assert_eq!(
        (lag.metric_name(), lag.statistic()),
        ("GetRecords.IteratorAgeMilliseconds", Statistic::Maximum)
    );
    Alarm::new(&stack, "QueueBacklog", AlarmProps::new(age, gt(), 300.0, 3));
    let t = template(&app);
    assert_eq!(
        props_of(&t, &["QueueBacklog", "Resource"])["Dimensions"],
        json!([{"Name": "QueueName", "Value": {"Fn::GetAtt": [strata::logical_id(&["Jobs", "Resource"]), "QueueName"]}}])
    );
}
