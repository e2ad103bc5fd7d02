//! Log groups: retention validation, encryption, removal and grants.

use serde_json::json;
use strata::iam::{Principal, Role, RoleProps};
use strata::logs::{LogGroup, LogGroupProps, Retention};
use strata::prelude::*;

#[test]
fn a_log_group_renders_retention_key_and_policy_and_grants_write() {
    let app = App::new();
    let stack = app.stack("Obs", StackProps::default());
    let key = stack.parameter("KeyArn", Parameter::new("String"));
    let group = LogGroup::new(
        &stack,
        "Ecs",
        LogGroupProps {
            log_group_name: Some("/aws/ecs/conversation-manager".into()),
            retention: Retention::Days(30),
            kms_key_arn: Some(key.ref_()),
            removal_policy: RemovalPolicy::Delete,
        },
    );
    LogGroup::new(
        &stack,
        "Forever",
        LogGroupProps {
            retention: Retention::Infinite,
            ..Default::default()
        },
    );
    let role = Role::new(
        &stack,
        "Writer",
        RoleProps::new(Principal::service("ecs-tasks.amazonaws.com")),
    );
    assert!(group.grant_write(&role).success());
    let t = app.synth().expect("valid").stacks[0].template.clone();
    let r = &t["Resources"];
    let ecs_id = strata::logical_id(&["Ecs", "Resource"]);
    let ecs = &r[ecs_id.as_str()];
    assert_eq!(
        ecs["Properties"],
        json!({
            "KmsKeyId": {"Ref": "KeyArn"},
            "LogGroupName": "/aws/ecs/conversation-manager",
            "RetentionInDays": 30
        })
    );
    assert_eq!(ecs["DeletionPolicy"], "Delete");
    let forever = &r[strata::logical_id(&["Forever", "Resource"]).as_str()];
    assert!(forever["Properties"].get("RetentionInDays").is_none());
    assert_eq!(forever["DeletionPolicy"], "Retain");
    let statement = &r[strata::logical_id(&["Writer", "DefaultPolicy", "Resource"]).as_str()]
        ["Properties"]["PolicyDocument"]["Statement"][0];
    assert_eq!(
        statement["Resource"],
        json!({"Fn::GetAtt": [ecs_id, "Arn"]})
    );
    assert_eq!(
        statement["Action"],
        json!(["logs:CreateLogStream", "logs:PutLogEvents"])
    );
}

#[test]
fn retention_outside_the_allowed_set_and_bad_names_are_synth_errors() {
    let app = App::new();
    let stack = app.stack("Obs", StackProps::default());
    LogGroup::new(
        &stack,
        "Audit",
        LogGroupProps {
            log_group_name: Some("audit logs!".into()),
            retention: Retention::Days(2555),
            ..Default::default()
        },
    );
    let err = app.synth().expect_err("must fail").to_string();
    assert!(err.contains("Obs/Audit"), "{err}");
    assert!(
        err.contains(
            "a retention of 2555 days is not one CloudWatch Logs accepts; the nearest is 2557"
        ),
        "{err}"
    );
    assert!(
        err.contains("log group name \"audit logs!\" is invalid"),
        "{err}"
    );
}
