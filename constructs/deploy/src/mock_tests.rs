//! Paths moto cannot show (it never rolls back, its change sets never
//! fail for lack of changes, its stacks are never busy), against a stubbed
//! CloudFormation client (aws-smithy-mocks).

use aws_sdk_cloudformation::error::ErrorMetadata;
use aws_sdk_cloudformation::operation::create_change_set::{
    CreateChangeSetError, CreateChangeSetOutput,
};
use aws_sdk_cloudformation::operation::delete_change_set::DeleteChangeSetOutput;
use aws_sdk_cloudformation::operation::describe_change_set::DescribeChangeSetOutput;
use aws_sdk_cloudformation::operation::describe_stack_events::DescribeStackEventsOutput;
use aws_sdk_cloudformation::operation::describe_stacks::{
    DescribeStacksError, DescribeStacksOutput,
};
use aws_sdk_cloudformation::operation::execute_change_set::ExecuteChangeSetOutput;
use aws_sdk_cloudformation::operation::get_template::GetTemplateOutput;
use aws_sdk_cloudformation::types::{
    Change, ChangeAction, ChangeSetStatus, Output, ResourceChange, ResourceStatus, Stack,
    StackEvent, StackStatus,
};
use aws_sdk_cloudformation::Client;
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use serde_json::json;

use crate::ops::deploy_stack;
use crate::staging::TemplateSource;
use crate::{DeployOptions, Outcome, StackArtifact};

pub(crate) fn artifact() -> StackArtifact {
    let template = json!({"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}});
    StackArtifact {
        id: "App".into(),
        stack_name: "App".into(),
        account: None,
        region: None,
        environment: "aws://unknown-account/unknown-region".into(),
        template_file: "App.template.json".into(),
        template_body: template.to_string(),
        template,
        dependencies: Vec::new(),
        termination_protection: false,
        parameter_sources: Vec::new(),
    }
}

fn stack(status: StackStatus) -> DescribeStacksOutput {
    DescribeStacksOutput::builder()
        .stacks(
            Stack::builder()
                .stack_name("App")
                .stack_id("arn:aws:cloudformation:us-east-1:123456789012:stack/App/1")
                .stack_status(status)
                .outputs(
                    Output::builder()
                        .output_key("Url")
                        .output_value("https://x")
                        .build(),
                )
                .build(),
        )
        .build()
}

fn validation(message: &str) -> ErrorMetadata {
    ErrorMetadata::builder()
        .code("ValidationError")
        .message(message)
        .build()
}

fn opts() -> DeployOptions {
    DeployOptions {
        yes: true,
        color: false,
        ..DeployOptions::default()
    }
}

fn client(rules: &[&Rule]) -> Client {
    mock_client!(
        aws_sdk_cloudformation,
        RuleMode::MatchAny,
        rules.iter().copied()
    )
}

fn deployed_template() -> Rule {
    mock!(Client::get_template).then_output(|| {
        GetTemplateOutput::builder()
            .template_body(r#"{"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 1}}}}"#)
            .build()
    })
}

#[tokio::test]
async fn rollback_complete_is_reported_with_the_way_out() {
    let describe =
        mock!(Client::describe_stacks).then_output(|| stack(StackStatus::RollbackComplete));
    let create =
        mock!(Client::create_change_set).then_output(|| CreateChangeSetOutput::builder().build());
    let err = deploy_stack(
        &client(&[&describe, &create]),
        &artifact(),
        &TemplateSource::Body,
        &[],
        &opts(),
    )
    .await
    .expect_err("refused");
    let err = format!("{err:#}");
    assert!(err.contains("stack App is in ROLLBACK_COMPLETE"), "{err}");
    assert!(err.contains("cargo xtask destroy App"), "{err}");
    assert_eq!(create.num_calls(), 0);
}

#[tokio::test]
async fn a_stack_in_progress_is_never_touched() {
    let describe =
        mock!(Client::describe_stacks).then_output(|| stack(StackStatus::UpdateInProgress));
    let create =
        mock!(Client::create_change_set).then_output(|| CreateChangeSetOutput::builder().build());
    let err = deploy_stack(
        &client(&[&describe, &create]),
        &artifact(),
        &TemplateSource::Body,
        &[],
        &opts(),
    )
    .await
    .expect_err("refused");
    assert!(format!("{err:#}").contains("stack App is UPDATE_IN_PROGRESS; wait"));
    assert_eq!(create.num_calls(), 0);
}

#[tokio::test]
async fn a_failed_change_set_without_changes_is_a_clean_noop() {
    let describe =
        mock!(Client::describe_stacks).then_output(|| stack(StackStatus::UpdateComplete));
    let template = deployed_template();
    let create =
        mock!(Client::create_change_set).then_output(|| CreateChangeSetOutput::builder().build());
    let wait = mock!(Client::describe_change_set).then_output(|| {
        DescribeChangeSetOutput::builder()
            .status(ChangeSetStatus::Failed)
            .status_reason("The submitted information didn't contain changes. Submit different information to create a change set.")
            .build()
    });
    let delete =
        mock!(Client::delete_change_set).then_output(|| DeleteChangeSetOutput::builder().build());
    let c = client(&[&describe, &template, &create, &wait, &delete]);
    assert_eq!(
        deploy_stack(&c, &artifact(), &TemplateSource::Body, &[], &opts())
            .await
            .expect("no-op"),
        Outcome::NoChanges
    );
    assert_eq!(delete.num_calls(), 1);
}

#[tokio::test]
async fn a_validation_error_without_changes_is_a_clean_noop() {
    let describe =
        mock!(Client::describe_stacks).then_output(|| stack(StackStatus::UpdateComplete));
    let template = deployed_template();
    let create = mock!(Client::create_change_set).then_error(|| {
        CreateChangeSetError::generic(validation("No updates are to be performed."))
    });
    let c = client(&[&describe, &template, &create]);
    assert_eq!(
        deploy_stack(&c, &artifact(), &TemplateSource::Body, &[], &opts())
            .await
            .expect("no-op"),
        Outcome::NoChanges
    );
}

#[tokio::test]
async fn a_rolled_back_creation_reports_the_failing_resources() {
    let describe = mock!(Client::describe_stacks)
        .sequence()
        .error(|| DescribeStacksError::generic(validation("Stack with id App does not exist")))
        .output(|| stack(StackStatus::ReviewInProgress))
        .output(|| stack(StackStatus::RollbackComplete))
        .repeatedly()
        .build();
    let create =
        mock!(Client::create_change_set).then_output(|| CreateChangeSetOutput::builder().build());
    let wait = mock!(Client::describe_change_set).then_output(|| {
        DescribeChangeSetOutput::builder()
            .status(ChangeSetStatus::CreateComplete)
            .changes(
                Change::builder()
                    .resource_change(
                        ResourceChange::builder()
                            .action(ChangeAction::Add)
                            .logical_resource_id("Queue")
                            .resource_type("AWS::SQS::Queue")
                            .build(),
                    )
                    .build(),
            )
            .build()
    });
    let event = |id: &str, logical: &str, ty: &str, status: ResourceStatus, reason: &str| {
        StackEvent::builder()
            .event_id(id)
            .logical_resource_id(logical)
            .resource_type(ty)
            .resource_status(status)
            .resource_status_reason(reason)
            .build()
    };
    let events = mock!(Client::describe_stack_events)
        .sequence()
        .output(|| DescribeStackEventsOutput::builder().build())
        .output(move || {
            DescribeStackEventsOutput::builder()
                .stack_events(event(
                    "3",
                    "App",
                    "AWS::CloudFormation::Stack",
                    ResourceStatus::RollbackComplete,
                    "",
                ))
                .stack_events(event(
                    "2",
                    "Queue",
                    "AWS::SQS::Queue",
                    ResourceStatus::CreateFailed,
                    "Queue name must end in .fifo",
                ))
                .stack_events(event(
                    "1",
                    "App",
                    "AWS::CloudFormation::Stack",
                    ResourceStatus::CreateInProgress,
                    "User Initiated",
                ))
                .build()
        })
        .repeatedly()
        .build();
    let execute =
        mock!(Client::execute_change_set).then_output(|| ExecuteChangeSetOutput::builder().build());
    let c = client(&[&describe, &create, &wait, &events, &execute]);
    let err = deploy_stack(&c, &artifact(), &TemplateSource::Body, &[], &opts())
        .await
        .expect_err("failed");
    let err = format!("{err:#}");
    assert!(
        err.contains("deploying stack App failed: the stack is ROLLBACK_COMPLETE"),
        "{err}"
    );
    assert!(
        err.contains("Queue (AWS::SQS::Queue) CREATE_FAILED: Queue name must end in .fifo"),
        "{err}"
    );
    assert!(err.contains("cargo xtask destroy App"), "{err}");
    assert_eq!(execute.num_calls(), 1);
}

#[test]
fn outputs_are_listed() {
    let out = stack(StackStatus::CreateComplete);
    assert_eq!(
        crate::stack::outputs_text("App", &out.stacks()[0]),
        "Outputs of App:\n  Url = https://x\n"
    );
}

/// moto's stacks created through change sets have no outputs, so the
/// value passed from a producer's output to a consumer's parameter is
/// shown against a stubbed client.
#[tokio::test]
async fn a_producers_output_becomes_the_consumers_parameter() {
    use crate::crossstack;
    use strata_core::ParameterSource;

    let producer = StackArtifact {
        id: "Network".into(),
        stack_name: "Network".into(),
        ..artifact()
    };
    let consumer = StackArtifact {
        id: "Compute".into(),
        stack_name: "Compute".into(),
        dependencies: vec!["Network".into()],
        parameter_sources: vec![ParameterSource {
            parameter: "CrossStackNetworkVpcRef".into(),
            stack: "Network".into(),
            output: "CrossStackNetworkVpcRef".into(),
        }],
        ..artifact()
    };
    let network = mock!(Client::describe_stacks)
        .match_requests(|r| r.stack_name() == Some("Network"))
        .then_output(|| {
            DescribeStacksOutput::builder()
                .stacks(
                    Stack::builder()
                        .stack_name("Network")
                        .stack_status(StackStatus::CreateComplete)
                        .outputs(
                            Output::builder()
                                .output_key("CrossStackNetworkVpcRef")
                                .output_value("vpc-0abc")
                                .build(),
                        )
                        .build(),
                )
                .build()
        });
    let compute = mock!(Client::describe_stacks)
        .match_requests(|r| r.stack_name() == Some("Compute"))
        .then_error(|| {
            DescribeStacksError::generic(validation("Stack with id Compute does not exist"))
        });
    // Only a change set that carries the producer's value matches.
    let create = mock!(Client::create_change_set)
        .match_requests(|r| {
            r.parameters().iter().any(|p| {
                p.parameter_key() == Some("CrossStackNetworkVpcRef")
                    && p.parameter_value() == Some("vpc-0abc")
            })
        })
        .then_output(|| CreateChangeSetOutput::builder().build());
    let wait = mock!(Client::describe_change_set).then_output(|| {
        DescribeChangeSetOutput::builder()
            .status(ChangeSetStatus::CreateComplete)
            .build()
    });
    let c = client(&[&network, &compute, &create, &wait]);
    let outputs = std::collections::HashMap::from([(
        "Network".to_string(),
        crossstack::read_outputs(&c, &producer)
            .await
            .expect("outputs"),
    )]);
    let cross = crossstack::parameters(&consumer, &outputs).expect("parameters");
    let opts = DeployOptions {
        prepare_only: true,
        ..opts()
    };
    let outcome = deploy_stack(&c, &consumer, &TemplateSource::Body, &cross, &opts)
        .await
        .expect("prepared");
    assert!(matches!(outcome, Outcome::Prepared(_)));
    assert_eq!(create.num_calls(), 1);
}
