//! IAM roles, policy documents, principals and grants synthesize to the
//! CDK's shapes and logical IDs, and bad input fails synth at its path.

use std::time::Duration;

use serde_json::{json, Value as Json};
use strata::iam::{
    Grant, ManagedPolicy, PolicyDocument, PolicyStatement, Principal, Role, RoleProps,
};
use strata::prelude::*;

const ISSUER: &str = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";

fn template(app: &App) -> Json {
    app.synth().expect("valid app").stacks[0]
        .template
        .json()
        .clone()
}

fn resource<'a>(t: &'a Json, path: &str) -> &'a Json {
    let components: Vec<&str> = path.split('/').collect();
    &t["Resources"][strata::logical_id(&components)]
}

fn synth_error(app: &App) -> String {
    app.synth().expect_err("synth must fail").to_string()
}

#[test]
fn flow_log_role_matches_the_cdk_reference_role_and_default_policy() {
    let app = App::new();
    let stack = app.stack("BirdStack", StackProps::default());
    let group = stack
        .child("VpcFlowLogGroup")
        .resource("Resource", strata::cfn::logs::LogGroup::default());
    let role = Role::new(
        &stack.child("Vpc").child("FlowLog"),
        "IAMRole",
        RoleProps::new(Principal::service("vpc-flow-logs.amazonaws.com")),
    );
    role.add_to_policy(
        PolicyStatement::allow()
            .actions([
                "logs:CreateLogStream",
                "logs:PutLogEvents",
                "logs:DescribeLogStreams",
            ])
            .resource(group.arn()),
    );
    let t = template(&app);
    assert_eq!(
        t["Resources"]["VpcFlowLogIAMRole6A475D41"]["Properties"],
        json!({
            "AssumeRolePolicyDocument": {
                "Statement": [{
                    "Action": "sts:AssumeRole",
                    "Effect": "Allow",
                    "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}
                }],
                "Version": "2012-10-17"
            }
        })
    );
    assert_eq!(
        t["Resources"]["VpcFlowLogIAMRoleDefaultPolicy406FB995"]["Properties"],
        json!({
            "PolicyDocument": {
                "Statement": [{
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    "Effect": "Allow",
                    "Resource": {"Fn::GetAtt": ["VpcFlowLogGroup86559C69", "Arn"]}
                }],
                "Version": "2012-10-17"
            },
            "PolicyName": "VpcFlowLogIAMRoleDefaultPolicy406FB995",
            "Roles": [{"Ref": "VpcFlowLogIAMRole6A475D41"}]
        })
    );
}

#[test]
fn later_statements_are_appended_to_the_one_default_policy() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    let role = Role::new(
        &stack,
        "Worker",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    );
    role.add_to_policy(
        PolicyStatement::allow()
            .actions(["sqs:ReceiveMessage", "sqs:ReceiveMessage"])
            .resource(Fn::sub(
                "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:jobs",
            )),
    );
    let same = PolicyStatement::deny()
        .action("s3:*")
        .resources(["arn:aws:s3:::a", "arn:aws:s3:::b"])
        .condition("Bool", "aws:SecureTransport", ["false"]);
    role.add_to_policy(same.clone());
    role.add_to_policy(same);
    let t = template(&app);
    let policies: Vec<_> = t["Resources"]
        .as_object()
        .expect("resources")
        .values()
        .filter(|r| r["Type"] == "AWS::IAM::Policy")
        .collect();
    assert_eq!(policies.len(), 1, "one default policy per role");
    assert_eq!(
        resource(&t, "Worker/DefaultPolicy/Resource")["Properties"]["PolicyDocument"]["Statement"],
        json!([
            {
                "Action": "sqs:ReceiveMessage",
                "Effect": "Allow",
                "Resource": {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:jobs"}
            },
            {
                "Action": "s3:*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                "Effect": "Deny",
                "Resource": ["arn:aws:s3:::a", "arn:aws:s3:::b"]
            }
        ])
    );
}

#[test]
fn role_props_render_managed_and_inline_policies_and_settings() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    let role = Role::new(
        &stack,
        "Task",
        RoleProps {
            managed_policies: vec![
                ManagedPolicy::aws("service-role/AmazonECSTaskExecutionRolePolicy"),
                ManagedPolicy::arn("arn:aws:iam::123456789012:policy/Custom"),
            ],
            inline_policies: vec![(
                "Logs".to_string(),
                PolicyDocument::new().with_statement(
                    PolicyStatement::allow()
                        .action("logs:PutLogEvents")
                        .resource("arn:aws:logs:us-east-1:123456789012:log-group:app:*"),
                ),
            )],
            description: Some("ECS task role".into()),
            max_session_duration: Some(Duration::from_secs(7200)),
            path: Some("/service/".into()),
            role_name: Some("bird-task".into()),
            ..RoleProps::new(Principal::service("ecs-tasks.amazonaws.com"))
        },
    );
    stack.output("Arn", Output::new(role.arn()));
    stack.output("Name", Output::new(role.role_name()));
    let t = template(&app);
    let props = &resource(&t, "Task/Resource")["Properties"];
    assert_eq!(
        props["ManagedPolicyArns"],
        json!([
            {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"},
            "arn:aws:iam::123456789012:policy/Custom"
        ])
    );
    assert_eq!(
        props["Policies"],
        json!([{
            "PolicyDocument": {
                "Statement": [{
                    "Action": "logs:PutLogEvents",
                    "Effect": "Allow",
                    "Resource": "arn:aws:logs:us-east-1:123456789012:log-group:app:*"
                }],
                "Version": "2012-10-17"
            },
            "PolicyName": "Logs"
        }])
    );
    assert_eq!(props["MaxSessionDuration"], 7200);
    assert_eq!(props["Path"], "/service/");
    assert_eq!(props["RoleName"], "bird-task");
    assert_eq!(props["Description"], "ECS task role");
    let lid = strata::logical_id(&["Task", "Resource"]);
    assert_eq!(
        t["Outputs"]["Arn"]["Value"],
        json!({"Fn::GetAtt": [lid, "Arn"]})
    );
    assert_eq!(t["Outputs"]["Name"]["Value"], json!({"Ref": lid}));
}

#[test]
fn irsa_trusts_one_service_account_through_the_cluster_oidc_provider() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    Role::new(
        &stack,
        "AgentSa",
        RoleProps::new(Principal::eks_service_account(
            &format!("https://{ISSUER}"),
            "agents",
            "bird-agent",
        )),
    );
    let t = template(&app);
    assert_eq!(
        resource(&t, "AgentSa/Resource")["Properties"]["AssumeRolePolicyDocument"],
        json!({
            "Statement": [{
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {
                    format!("{ISSUER}:aud"): "sts.amazonaws.com",
                    format!("{ISSUER}:sub"): "system:serviceaccount:agents:bird-agent"
                }},
                "Effect": "Allow",
                "Principal": {"Federated": {
                    "Fn::Sub": format!("arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:oidc-provider/{ISSUER}")
                }}
            }],
            "Version": "2012-10-17"
        })
    );
}

#[test]
fn irsa_uses_a_provider_of_the_app_when_given_its_arn() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    let provider = stack.child("Oidc").resource(
        "Resource",
        strata::cfn::iam::OidcProvider {
            url: Some(format!("https://{ISSUER}").into()),
            client_id_list: Some(Value::list(["sts.amazonaws.com"])),
            ..Default::default()
        },
    );
    Role::new(
        &stack,
        "AgentSa",
        RoleProps::new(
            Principal::eks_service_account(ISSUER, "agents", "bird-agent")
                .with_provider_arn(provider.arn()),
        ),
    );
    let t = template(&app);
    let statement =
        &resource(&t, "AgentSa/Resource")["Properties"]["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(
        statement["Principal"]["Federated"],
        json!({"Fn::GetAtt": [strata::logical_id(&["Oidc", "Resource"]), "Arn"]})
    );
}

#[test]
fn irsa_rejects_an_issuer_that_is_not_a_literal_host() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    Role::new(
        &stack,
        "AgentSa",
        RoleProps::new(Principal::eks_service_account(
            "${Cluster.OpenIdConnectIssuerUrl}",
            "agents",
            "bird-agent",
        )),
    );
    let err = synth_error(&app);
    assert!(err.contains("S/AgentSa: [principal]"), "{err}");
    assert!(err.contains("must be a literal host"), "{err}");
}

#[test]
fn principals_sharing_an_action_share_one_trust_statement() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    Role::new(
        &stack,
        "Multi",
        RoleProps {
            assumed_by: vec![
                Principal::service("lambda.amazonaws.com"),
                Principal::service("edgelambda.amazonaws.com"),
                Principal::account("123456789012"),
                Principal::saml("arn:aws:iam::123456789012:saml-provider/Corp"),
            ],
            ..RoleProps::default()
        },
    );
    let t = template(&app);
    assert_eq!(
        resource(&t, "Multi/Resource")["Properties"]["AssumeRolePolicyDocument"]["Statement"],
        json!([
            {
                "Action": "sts:AssumeRole",
                "Effect": "Allow",
                "Principal": {
                    "Service": ["lambda.amazonaws.com", "edgelambda.amazonaws.com"],
                    "AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::123456789012:root"}
                }
            },
            {
                "Action": "sts:AssumeRoleWithSAML",
                "Effect": "Allow",
                "Principal": {"Federated": "arn:aws:iam::123456789012:saml-provider/Corp"}
            }
        ])
    );
}

#[test]
fn an_empty_statement_fails_synth_with_the_role_path() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    let role = Role::new(
        &stack,
        "Worker",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    );
    role.add_to_policy(PolicyStatement::allow());
    let err = synth_error(&app);
    assert!(err.contains("S/Worker: [policy-statement]"), "{err}");
    assert!(err.contains("the statement has no actions"), "{err}");
    assert!(err.contains("the statement has no resources"), "{err}");
}

#[test]
fn identity_statements_need_resources_and_well_formed_actions() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    let role = Role::new(
        &stack,
        "Worker",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    );
    role.add_to_policy(PolicyStatement::allow().action("GetObject"));
    let err = synth_error(&app);
    assert!(err.contains("\"GetObject\" is not an IAM action"), "{err}");
    assert!(err.contains("no resources"), "{err}");
}

#[test]
fn role_settings_are_checked() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    Role::new(
        &stack,
        "Nobody",
        RoleProps {
            max_session_duration: Some(Duration::from_secs(60)),
            path: Some("service".into()),
            managed_policies: vec![ManagedPolicy::aws("arn:aws:iam::aws:policy/ReadOnlyAccess")],
            ..RoleProps::default()
        },
    );
    Role::new(
        &stack,
        "BadService",
        RoleProps::new(Principal::service("Lambda Service")),
    );
    let err = synth_error(&app);
    assert!(err.contains("S/Nobody: [role-trust]"), "{err}");
    assert!(err.contains("S/Nobody: [max-session-duration]"), "{err}");
    assert!(err.contains("S/Nobody: [role-path]"), "{err}");
    assert!(err.contains("S/Nobody: [managed-policy]"), "{err}");
    assert!(err.contains("S/BadService: [principal]"), "{err}");
}

#[test]
fn a_grant_to_a_role_lands_in_its_default_policy_scoped_to_the_arn() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    let role = Role::new(
        &stack,
        "Reader",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    );
    let table = stack
        .child("Table")
        .resource("Resource", strata::cfn::s3::Bucket::default());
    let grant = Grant::to_principal(&role, &["s3:GetObject"], vec![table.arn()]);
    assert!(grant.success());
    assert_eq!(role.default_policy_statements().len(), 1);
    let t = template(&app);
    assert_eq!(
        resource(&t, "Reader/DefaultPolicy/Resource")["Properties"]["PolicyDocument"]["Statement"],
        json!([{
            "Action": "s3:GetObject",
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [strata::logical_id(&["Table", "Resource"]), "Arn"]}
        }])
    );
}
