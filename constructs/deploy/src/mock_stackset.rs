//! StackSet paths moto cannot show (its operations always succeed at once,
//! it ignores operation preferences, and service-managed targets need an
//! organization), against a stubbed CloudFormation client (aws-smithy-mocks).

use std::time::Duration;

use aws_sdk_cloudformation::error::ErrorMetadata;
use aws_sdk_cloudformation::operation::create_stack_instances::CreateStackInstancesOutput;
use aws_sdk_cloudformation::operation::create_stack_set::CreateStackSetOutput;
use aws_sdk_cloudformation::operation::describe_stack_set::{
    DescribeStackSetError, DescribeStackSetOutput,
};
use aws_sdk_cloudformation::operation::describe_stack_set_operation::DescribeStackSetOperationOutput;
use aws_sdk_cloudformation::operation::list_stack_instances::ListStackInstancesOutput;
use aws_sdk_cloudformation::operation::list_stack_set_operation_results::ListStackSetOperationResultsOutput;
use aws_sdk_cloudformation::operation::update_stack_set::{
    UpdateStackSetError, UpdateStackSetOutput,
};
use aws_sdk_cloudformation::types::error::StackSetNotFoundException;
use aws_sdk_cloudformation::types::{
    Capability, PermissionModels, StackInstanceStatus, StackInstanceSummary, StackSet,
    StackSetOperation, StackSetOperationAction, StackSetOperationResultStatus,
    StackSetOperationResultSummary, StackSetOperationStatus,
};
use aws_sdk_cloudformation::Client;
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use strata_core::{Share, StackSetPermissions};

use crate::mock_tests::artifact;
use crate::stackset::{deploy_set, InstanceTarget, SetChange, StackSetTarget};
use crate::staging::TemplateSource;
use crate::DeployOptions;

fn opts() -> DeployOptions {
    DeployOptions {
        yes: true,
        color: false,
        timeout: Duration::from_secs(30),
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

fn self_managed(accounts: &[&str]) -> StackSetTarget {
    StackSetTarget {
        accounts: accounts.iter().map(|a| a.to_string()).collect(),
        organizational_units: Vec::new(),
        regions: vec!["us-east-1".into(), "eu-west-1".into()],
        permissions: StackSetPermissions::SelfManaged {
            administration_role_arn: None,
            execution_role_name: Some("Deployer".into()),
        },
        failure_tolerance: Share::Count(1),
        max_concurrency: Share::Percentage(50),
    }
}

fn not_found() -> Rule {
    mock!(Client::describe_stack_set).then_error(|| {
        DescribeStackSetError::StackSetNotFoundException(
            StackSetNotFoundException::builder()
                .message("StackSet App not found")
                .build(),
        )
    })
}

/// The set as deployed: `template_body` and self-managed permissions.
fn existing(template_body: &str) -> Rule {
    let body = template_body.to_string();
    mock!(Client::describe_stack_set).then_output(move || {
        DescribeStackSetOutput::builder()
            .stack_set(
                StackSet::builder()
                    .stack_set_name("App")
                    .template_body(&body)
                    .permission_model(PermissionModels::SelfManaged)
                    .execution_role_name("Deployer")
                    .build(),
            )
            .build()
    })
}

fn instances(list: &[(&str, &str, StackInstanceStatus)]) -> Rule {
    let list: Vec<StackInstanceSummary> = list
        .iter()
        .map(|(account, region, status)| {
            StackInstanceSummary::builder()
                .account(*account)
                .region(*region)
                .status(status.clone())
                .build()
        })
        .collect();
    mock!(Client::list_stack_instances).then_output(move || {
        ListStackInstancesOutput::builder()
            .set_summaries(Some(list.clone()))
            .build()
    })
}

fn operation(action: StackSetOperationAction, status: StackSetOperationStatus) -> Rule {
    mock!(Client::describe_stack_set_operation).then_output(move || {
        DescribeStackSetOperationOutput::builder()
            .stack_set_operation(
                StackSetOperation::builder()
                    .operation_id("op-1")
                    .action(action.clone())
                    .status(status.clone())
                    .build(),
            )
            .build()
    })
}

fn results(list: &[(&str, &str, StackSetOperationResultStatus, &str)]) -> Rule {
    let list: Vec<StackSetOperationResultSummary> = list
        .iter()
        .map(|(account, region, status, reason)| {
            StackSetOperationResultSummary::builder()
                .account(*account)
                .region(*region)
                .status(status.clone())
                .status_reason(*reason)
                .build()
        })
        .collect();
    mock!(Client::list_stack_set_operation_results).then_output(move || {
        ListStackSetOperationResultsOutput::builder()
            .set_summaries(Some(list.clone()))
            .build()
    })
}

#[tokio::test]
async fn a_new_set_carries_capabilities_roles_and_operation_preferences() {
    let set = self_managed(&["111111111111", "222222222222"]);
    let describe = not_found();
    let create = mock!(Client::create_stack_set)
        .match_requests(|r| {
            r.stack_set_name() == Some("App")
                && r.permission_model() == Some(&PermissionModels::SelfManaged)
                && r.execution_role_name() == Some("Deployer")
                && r.template_body()
                    .is_some_and(|b| b.contains("AWS::SQS::Queue"))
                && r.capabilities()
                    == [
                        Capability::CapabilityIam,
                        Capability::CapabilityNamedIam,
                        Capability::CapabilityAutoExpand,
                    ]
        })
        .then_output(|| {
            CreateStackSetOutput::builder()
                .stack_set_id("App:1")
                .build()
        });
    let add = mock!(Client::create_stack_instances)
        .match_requests(|r| {
            let p = r.operation_preferences();
            r.accounts() == ["111111111111", "222222222222"]
                && r.regions() == ["us-east-1", "eu-west-1"]
                && r.deployment_targets().is_none()
                && p.is_some_and(|p| {
                    p.region_order() == ["us-east-1", "eu-west-1"]
                        && p.failure_tolerance_count() == Some(1)
                        && p.max_concurrent_percentage() == Some(50)
                })
        })
        .then_output(|| {
            CreateStackInstancesOutput::builder()
                .operation_id("op-1")
                .build()
        });
    let op = operation(
        StackSetOperationAction::Create,
        StackSetOperationStatus::Succeeded,
    );
    let res = results(&[]);
    let c = client(&[&describe, &create, &add, &op, &res]);
    let outcome = deploy_set(&c, &artifact(), &set, &TemplateSource::Body, &[], &opts())
        .await
        .expect("deployed");
    assert_eq!(outcome.change, SetChange::Created);
    assert_eq!(outcome.new_instances.len(), 4);
    assert_eq!((create.num_calls(), add.num_calls()), (1, 1));
}

#[tokio::test]
async fn service_managed_sets_deploy_to_organizational_units() {
    let set = StackSetTarget {
        accounts: Vec::new(),
        organizational_units: vec!["ou-ab12-cdefgh34".into(), "r-ab12".into()],
        regions: vec!["us-east-1".into()],
        permissions: StackSetPermissions::ServiceManaged {
            auto_deployment: true,
        },
        failure_tolerance: Share::Count(0),
        max_concurrency: Share::Count(1),
    };
    let describe = not_found();
    let create = mock!(Client::create_stack_set)
        .match_requests(|r| {
            r.permission_model() == Some(&PermissionModels::ServiceManaged)
                && r.auto_deployment().and_then(|a| a.enabled()) == Some(true)
                && r.administration_role_arn().is_none()
                && r.execution_role_name().is_none()
        })
        .then_output(|| CreateStackSetOutput::builder().build());
    let add = mock!(Client::create_stack_instances)
        .match_requests(|r| {
            r.accounts().is_empty()
                && r.regions() == ["us-east-1"]
                && r.deployment_targets().is_some_and(|t| {
                    t.organizational_unit_ids() == ["ou-ab12-cdefgh34", "r-ab12"]
                        && t.accounts().is_empty()
                })
        })
        .then_output(|| {
            CreateStackInstancesOutput::builder()
                .operation_id("op-1")
                .build()
        });
    let op = operation(
        StackSetOperationAction::Create,
        StackSetOperationStatus::Succeeded,
    );
    let res = results(&[(
        "444444444444",
        "us-east-1",
        StackSetOperationResultStatus::Succeeded,
        "",
    )]);
    let c = client(&[&describe, &create, &add, &op, &res]);
    let outcome = deploy_set(&c, &artifact(), &set, &TemplateSource::Body, &[], &opts())
        .await
        .expect("deployed");
    assert_eq!(
        outcome.new_instances,
        [
            InstanceTarget {
                target: "ou-ab12-cdefgh34".into(),
                region: "us-east-1".into()
            },
            InstanceTarget {
                target: "r-ab12".into(),
                region: "us-east-1".into()
            },
        ]
    );
    assert_eq!((create.num_calls(), add.num_calls()), (1, 1));
}

#[tokio::test]
async fn a_failed_operation_reports_each_instance_with_its_reason() {
    let a = artifact();
    let set = StackSetTarget {
        regions: vec!["us-east-1".into()],
        ..self_managed(&["111111111111", "222222222222"])
    };
    let describe = existing(&a.template_body);
    let listed = instances(&[("111111111111", "us-east-1", StackInstanceStatus::Current)]);
    let add = mock!(Client::create_stack_instances)
        .match_requests(|r| r.accounts() == ["222222222222"])
        .then_output(|| {
            CreateStackInstancesOutput::builder()
                .operation_id("op-1")
                .build()
        });
    let op = mock!(Client::describe_stack_set_operation)
        .sequence()
        .output(|| {
            DescribeStackSetOperationOutput::builder()
                .stack_set_operation(
                    StackSetOperation::builder()
                        .status(StackSetOperationStatus::Running)
                        .build(),
                )
                .build()
        })
        .output(|| {
            DescribeStackSetOperationOutput::builder()
                .stack_set_operation(
                    StackSetOperation::builder()
                        .action(StackSetOperationAction::Create)
                        .status(StackSetOperationStatus::Failed)
                        .status_reason("The Operation op-1 has failed to create Stack Instances.")
                        .build(),
                )
                .build()
        })
        .build();
    let reason = "Account 222222222222 should have 'Deployer' role with trust relationship to Role 'AWSCloudFormationStackSetAdministrationRole'.";
    let res = results(&[(
        "222222222222",
        "us-east-1",
        StackSetOperationResultStatus::Failed,
        reason,
    )]);
    let c = client(&[&describe, &listed, &add, &op, &res]);
    let err = deploy_set(&c, &a, &set, &TemplateSource::Body, &[], &opts())
        .await
        .expect_err("failed");
    assert_eq!(
        format!("{err:#}"),
        format!(
            "StackSet App: operation op-1 (CREATE) FAILED: The Operation op-1 has failed to create Stack Instances.\n  \
             222222222222 us-east-1: FAILED: {reason}"
        )
    );
    assert_eq!(op.num_calls(), 2);
}

#[tokio::test]
async fn a_stopped_update_is_an_error_and_adds_no_instances() {
    let set = StackSetTarget {
        regions: vec!["us-east-1".into()],
        ..self_managed(&["111111111111", "222222222222"])
    };
    let describe = existing(r#"{"Resources": {}}"#);
    let listed = instances(&[("111111111111", "us-east-1", StackInstanceStatus::Current)]);
    let update = mock!(Client::update_stack_set)
        .match_requests(|r| {
            r.template_body()
                .is_some_and(|b| b.contains("AWS::SQS::Queue"))
                && r.permission_model().is_none()
                && r.operation_id().is_some_and(|id| id.starts_with("strata-"))
        })
        .then_output(|| UpdateStackSetOutput::builder().operation_id("op-1").build());
    let add = mock!(Client::create_stack_instances)
        .then_output(|| CreateStackInstancesOutput::builder().build());
    let op = operation(
        StackSetOperationAction::Update,
        StackSetOperationStatus::Stopped,
    );
    let res = results(&[(
        "111111111111",
        "us-east-1",
        StackSetOperationResultStatus::Cancelled,
        "Cancelled since the operation was stopped",
    )]);
    let c = client(&[&describe, &listed, &update, &add, &op, &res]);
    let err = deploy_set(&c, &artifact(), &set, &TemplateSource::Body, &[], &opts())
        .await
        .expect_err("stopped");
    assert_eq!(
        format!("{err:#}"),
        "StackSet App: operation op-1 (UPDATE) STOPPED\n  111111111111 us-east-1: CANCELLED: Cancelled since the operation was stopped"
    );
    assert_eq!((update.num_calls(), add.num_calls()), (1, 0));
}

#[tokio::test]
async fn an_update_the_api_finds_empty_is_a_clean_noop() {
    let a = artifact();
    let set = StackSetTarget {
        regions: vec!["us-east-1".into()],
        ..self_managed(&["111111111111"])
    };
    // An outdated instance asks for an update; CloudFormation finds none.
    let describe = existing(&a.template_body);
    let listed = instances(&[("111111111111", "us-east-1", StackInstanceStatus::Outdated)]);
    let update = mock!(Client::update_stack_set).then_error(|| {
        UpdateStackSetError::generic(
            ErrorMetadata::builder()
                .code("ValidationError")
                .message("No updates are to be performed.")
                .build(),
        )
    });
    let op = operation(
        StackSetOperationAction::Update,
        StackSetOperationStatus::Succeeded,
    );
    let c = client(&[&describe, &listed, &update, &op]);
    let outcome = deploy_set(&c, &a, &set, &TemplateSource::Body, &[], &opts())
        .await
        .expect("no-op");
    assert_eq!(outcome.change, SetChange::NoChanges);
    assert!(outcome.new_instances.is_empty());
    assert_eq!((update.num_calls(), op.num_calls()), (1, 0));
}

#[tokio::test]
async fn an_up_to_date_set_makes_no_calls_that_change_it() {
    let a = artifact();
    let set = StackSetTarget {
        regions: vec!["us-east-1".into()],
        ..self_managed(&["111111111111"])
    };
    let describe = existing(&a.template_body);
    let listed = instances(&[("111111111111", "us-east-1", StackInstanceStatus::Current)]);
    let update = mock!(Client::update_stack_set)
        .then_output(|| UpdateStackSetOutput::builder().operation_id("op-1").build());
    let add = mock!(Client::create_stack_instances)
        .then_output(|| CreateStackInstancesOutput::builder().build());
    let c = client(&[&describe, &listed, &update, &add]);
    let outcome = deploy_set(&c, &a, &set, &TemplateSource::Body, &[], &opts())
        .await
        .expect("no-op");
    assert_eq!(outcome.change, SetChange::NoChanges);
    assert_eq!((update.num_calls(), add.num_calls()), (0, 0));
}

#[tokio::test]
async fn an_operation_running_past_the_timeout_is_reported() {
    let set = StackSetTarget {
        regions: vec!["us-east-1".into()],
        ..self_managed(&["111111111111"])
    };
    let describe = not_found();
    let create =
        mock!(Client::create_stack_set).then_output(|| CreateStackSetOutput::builder().build());
    let add = mock!(Client::create_stack_instances).then_output(|| {
        CreateStackInstancesOutput::builder()
            .operation_id("op-1")
            .build()
    });
    let op = operation(
        StackSetOperationAction::Create,
        StackSetOperationStatus::Running,
    );
    let c = client(&[&describe, &create, &add, &op]);
    let opts = DeployOptions {
        timeout: Duration::ZERO,
        ..opts()
    };
    let err = deploy_set(&c, &artifact(), &set, &TemplateSource::Body, &[], &opts)
        .await
        .expect_err("timed out");
    assert_eq!(
        err.to_string(),
        "StackSet App: operation op-1 is still RUNNING after 0 s; it keeps going in CloudFormation — \
         check it in the console, or raise --timeout"
    );
}

#[tokio::test]
async fn a_staged_template_goes_as_template_url() {
    let set = StackSetTarget {
        regions: vec!["us-east-1".into()],
        ..self_managed(&["111111111111"])
    };
    let describe = not_found();
    let url = "https://s3.us-east-1.amazonaws.com/staging/strata/templates/App/x.json";
    let create = mock!(Client::create_stack_set)
        .match_requests(move |r| r.template_url() == Some(url) && r.template_body().is_none())
        .then_output(|| CreateStackSetOutput::builder().build());
    let add = mock!(Client::create_stack_instances).then_output(|| {
        CreateStackInstancesOutput::builder()
            .operation_id("op-1")
            .build()
    });
    let op = operation(
        StackSetOperationAction::Create,
        StackSetOperationStatus::Succeeded,
    );
    let res = results(&[]);
    let c = client(&[&describe, &create, &add, &op, &res]);
    let source = TemplateSource::Url(url.to_string());
    deploy_set(&c, &artifact(), &set, &source, &[], &opts())
        .await
        .expect("deployed");
    assert_eq!(create.num_calls(), 1);
}
