//! Secrets synthesize to the CDK's shapes: generation, KMS key statements,
//! attachment, rotation, least-privilege read grants and dynamic references.

use std::time::Duration;

use serde_json::{json, Value as Json};
use strata::iam::{Principal, Role, RoleProps};
use strata::kms::{Key, KeyProps};
use strata::prelude::*;
use strata::secrets::{
    AttachmentTarget, GenerateSecret, HostedRotation, HostedRotationType, Rotation,
    RotationOptions, Secret, SecretEncryption, SecretProps,
};

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

fn bird_stack(app: &App) -> Scope {
    app.stack(
        "BirdStack",
        StackProps {
            env: Environment::new("123456789012", "us-east-1"),
            ..StackProps::default()
        },
    )
}

fn account_root() -> Json {
    json!({"Fn::Sub": "arn:${AWS::Partition}:iam::123456789012:root"})
}

#[test]
fn a_database_secret_has_the_cdk_reference_secret_key_and_attachment_shapes() {
    let app = App::new();
    let stack = bird_stack(&app);
    let key = Key::new(
        &stack,
        "SecretsKey",
        KeyProps {
            description: Some("Secrets Manager encryption".into()),
            ..KeyProps::default()
        },
    );
    let cluster = stack.child("AuroraCluster");
    let secret = Secret::new(
        &cluster,
        "Secret",
        SecretProps {
            encryption_key: Some((&key).into()),
            generate: Some(GenerateSecret {
                length: Some(30),
                exclude_characters: Some(" %+~`#$&*()|[]{}:;<>?!'/@\"\\".into()),
                ..GenerateSecret::for_json(json!({"username": "postgres"}), "password")
            }),
            ..SecretProps::default()
        },
    );
    // The cluster itself belongs to the database family; a parameter at
    // its path stands in for its identifier here.
    let cluster_id = cluster.parameter("Resource", Parameter::new("String"));
    let attachment = secret.attach_to(cluster_id.ref_(), AttachmentTarget::RdsDbCluster);
    stack.output("SecretArn", Output::new(attachment.secret_arn()));
    let t = template(&app);

    let secret_id = strata::logical_id(&["AuroraCluster", "Secret", "Resource"]);
    assert_eq!(
        t["Resources"][&secret_id]["Properties"],
        json!({
            "GenerateSecretString": {
                "ExcludeCharacters": " %+~`#$&*()|[]{}:;<>?!'/@\"\\",
                "GenerateStringKey": "password",
                "PasswordLength": 30,
                "SecretStringTemplate": "{\"username\":\"postgres\"}"
            },
            "KmsKeyId": {"Fn::GetAtt": ["SecretsKey317DCF94", "Arn"]}
        })
    );
    assert_eq!(t["Resources"][&secret_id]["DeletionPolicy"], "Retain");
    assert_eq!(
        t["Resources"]["AuroraClusterSecretAttachmentDB8032DA"]["Properties"],
        json!({
            "SecretId": {"Ref": secret_id},
            "TargetId": {"Ref": "AuroraCluster23D869C0"},
            "TargetType": "AWS::RDS::DBCluster"
        })
    );
    assert_eq!(
        t["Outputs"]["SecretArn"]["Value"],
        json!({"Ref": "AuroraClusterSecretAttachmentDB8032DA"})
    );
    let via = json!({"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}});
    assert_eq!(
        t["Resources"]["SecretsKey317DCF94"]["Properties"]["KeyPolicy"]["Statement"],
        json!([
            {"Action": "kms:*", "Effect": "Allow", "Principal": {"AWS": account_root()}, "Resource": "*"},
            {
                "Action": ["kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
                "Condition": via,
                "Effect": "Allow",
                "Principal": {"AWS": account_root()},
                "Resource": "*"
            },
            {
                "Action": ["kms:CreateGrant", "kms:DescribeKey"],
                "Condition": via,
                "Effect": "Allow",
                "Principal": {"AWS": account_root()},
                "Resource": "*"
            }
        ])
    );
}

#[test]
fn a_secret_is_attached_once() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    let secret = Secret::new(&stack, "Db", SecretProps::default());
    secret.attach_to("cluster-1", AttachmentTarget::RdsDbCluster);
    secret.attach_to("cluster-2", AttachmentTarget::RdsDbCluster);
    let err = synth_error(&app);
    assert!(err.contains("S/Db: [secret-attachment]"), "{err}");
}

#[test]
fn grant_read_allows_the_secret_arn_and_decrypt_through_secrets_manager() {
    let app = App::new();
    let stack = bird_stack(&app);
    let key = Key::new(&stack, "SecretsKey", KeyProps::default());
    let secret = Secret::new(
        &stack,
        "RedisAuthToken",
        SecretProps {
            encryption_key: Some((&key).into()),
            ..SecretProps::default()
        },
    );
    let role = Role::new(
        &stack,
        "Agent",
        RoleProps::new(Principal::service("ecs-tasks.amazonaws.com")),
    );
    let grant = secret.grant_read(&role);
    assert!(grant.principal_statement().is_some());
    let t = template(&app);
    assert_eq!(
        resource(&t, "Agent/DefaultPolicy/Resource")["Properties"]["PolicyDocument"]["Statement"],
        json!([
            {
                "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                "Effect": "Allow",
                "Resource": {"Ref": "RedisAuthToken241E45D5"}
            },
            {
                "Action": "kms:Decrypt",
                "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}},
                "Effect": "Allow",
                "Resource": {"Fn::GetAtt": ["SecretsKey317DCF94", "Arn"]}
            }
        ])
    );
    assert_eq!(
        t["Resources"]["SecretsKey317DCF94"]["Properties"]["KeyPolicy"]["Statement"]
            .as_array()
            .map(Vec::len),
        Some(3),
        "a role's grant adds nothing to the key policy"
    );
}

#[test]
fn grant_read_with_a_key_arn_and_an_agnostic_region_builds_the_service_name() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    let secret = Secret::new(
        &stack,
        "Token",
        SecretProps {
            encryption_key: Some(SecretEncryption::Arn(
                "arn:aws:kms:us-east-1:123456789012:key/abc".into(),
            )),
            ..SecretProps::default()
        },
    );
    let role = Role::new(
        &stack,
        "Agent",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    );
    secret.grant_read(&role);
    let t = template(&app);
    assert_eq!(
        resource(&t, "Agent/DefaultPolicy/Resource")["Properties"]["PolicyDocument"]["Statement"]
            [1],
        json!({
            "Action": "kms:Decrypt",
            "Condition": {"StringEquals": {
                "kms:ViaService": {"Fn::Sub": "secretsmanager.${AWS::Region}.amazonaws.com"}
            }},
            "Effect": "Allow",
            "Resource": "arn:aws:kms:us-east-1:123456789012:key/abc"
        })
    );
}

#[test]
fn grant_read_to_a_service_principal_creates_the_secret_resource_policy() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    let secret = Secret::new(&stack, "Token", SecretProps::default());
    secret.grant_read(&Principal::service("appsync.amazonaws.com"));
    let t = template(&app);
    let policy = resource(&t, "Token/Policy/Resource");
    assert_eq!(policy["Type"], "AWS::SecretsManager::ResourcePolicy");
    let secret_ref = json!({"Ref": strata::logical_id(&["Token", "Resource"])});
    assert_eq!(
        policy["Properties"],
        json!({
            "ResourcePolicy": {
                "Statement": [{
                    "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                    "Effect": "Allow",
                    "Principal": {"Service": "appsync.amazonaws.com"},
                    "Resource": secret_ref
                }],
                "Version": "2012-10-17"
            },
            "SecretId": secret_ref
        })
    );
}

#[test]
fn dynamic_references_resolve_the_secret_by_arn() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    let secret = Secret::new(&stack, "RedisAuthToken", SecretProps::default());
    stack.output("Whole", Output::new(secret.secret_value()));
    stack.output(
        "Password",
        Output::new(secret.secret_value_from_json("password")),
    );
    let t = template(&app);
    assert_eq!(
        t["Outputs"]["Whole"]["Value"],
        json!({"Fn::Sub": [
            "{{resolve:secretsmanager:${SecretArn}:SecretString:::}}",
            {"SecretArn": {"Ref": "RedisAuthToken241E45D5"}}
        ]})
    );
    assert_eq!(
        t["Outputs"]["Password"]["Value"],
        json!({"Fn::Sub": [
            "{{resolve:secretsmanager:${SecretArn}:SecretString:password::}}",
            {"SecretArn": {"Ref": "RedisAuthToken241E45D5"}}
        ]})
    );
    assert_eq!(
        t["Resources"]["RedisAuthToken241E45D5"]["Properties"]["GenerateSecretString"],
        json!({})
    );
}

#[test]
fn a_json_key_that_breaks_the_reference_fails_synth() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    let secret = Secret::new(&stack, "Db", SecretProps::default());
    secret.secret_value_from_json("user:name");
    let err = synth_error(&app);
    assert!(err.contains("S/Db: [secret-json-key]"), "{err}");
}

#[test]
fn lambda_rotation_renders_a_rate_schedule() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    let secret = Secret::new(&stack, "Db", SecretProps::default());
    let rotator = "arn:aws:lambda:us-east-1:123456789012:function:rotate";
    secret.add_rotation_schedule(
        "RotationSchedule",
        RotationOptions::new(Rotation::Lambda(rotator.into())),
    );
    secret.add_rotation_schedule(
        "Fast",
        RotationOptions {
            automatically_after: Some(Duration::from_secs(6 * 3600)),
            window: Some(Duration::from_secs(2 * 3600)),
            rotate_immediately_on_update: Some(false),
            ..RotationOptions::new(Rotation::Lambda(rotator.into()))
        },
    );
    let t = template(&app);
    let secret_ref = json!({"Ref": strata::logical_id(&["Db", "Resource"])});
    assert_eq!(
        resource(&t, "Db/RotationSchedule/Resource")["Properties"],
        json!({
            "RotationLambdaARN": rotator,
            "RotationRules": {"ScheduleExpression": "rate(30 days)"},
            "SecretId": secret_ref
        })
    );
    assert_eq!(
        resource(&t, "Db/Fast/Resource")["Properties"],
        json!({
            "RotateImmediatelyOnUpdate": false,
            "RotationLambdaARN": rotator,
            "RotationRules": {"Duration": "2h", "ScheduleExpression": "rate(6 hours)"},
            "SecretId": secret_ref
        })
    );
}

#[test]
fn hosted_rotation_uses_the_secret_key_and_joins_vpc_ids() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    let key = Key::new(&stack, "Key", KeyProps::default());
    let secret = Secret::new(
        &stack,
        "Db",
        SecretProps {
            encryption_key: Some((&key).into()),
            ..SecretProps::default()
        },
    );
    secret.add_rotation_schedule(
        "RotationSchedule",
        RotationOptions {
            schedule: Some("cron(0 4 ? * SUN *)".into()),
            ..RotationOptions::new(Rotation::Hosted(HostedRotation {
                vpc_subnet_ids: vec!["subnet-1".into(), "subnet-2".into()],
                vpc_security_group_ids: vec!["sg-1".into()],
                ..HostedRotation::single_user(HostedRotationType::PostgreSql)
            }))
        },
    );
    let t = template(&app);
    let props = &resource(&t, "Db/RotationSchedule/Resource")["Properties"];
    assert_eq!(
        props["HostedRotationLambda"],
        json!({
            "KmsKeyArn": {"Fn::GetAtt": [strata::logical_id(&["Key", "Resource"]), "Arn"]},
            "RotationType": "PostgreSQLSingleUser",
            "VpcSecurityGroupIds": {"Fn::Join": [",", ["sg-1"]]},
            "VpcSubnetIds": {"Fn::Join": [",", ["subnet-1", "subnet-2"]]}
        })
    );
    assert_eq!(
        props["RotationRules"],
        json!({"ScheduleExpression": "cron(0 4 ? * SUN *)"})
    );
    // The transform that expands the hosted rotation Lambda is declared.
    assert_eq!(t["Transform"], "AWS::SecretsManager-2020-07-23");
}

#[test]
fn impossible_rotation_and_generation_settings_fail_synth() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    let secret = Secret::new(
        &stack,
        "Db",
        SecretProps {
            generate: Some(GenerateSecret {
                length: Some(0),
                generate_string_key: Some("password".into()),
                ..GenerateSecret::default()
            }),
            secret_name: Some("bad name".into()),
            ..SecretProps::default()
        },
    );
    secret.add_rotation_schedule(
        "Rotation",
        RotationOptions {
            automatically_after: Some(Duration::from_secs(3600)),
            window: Some(Duration::from_secs(90)),
            ..RotationOptions::new(Rotation::Lambda(
                "arn:aws:lambda:us-east-1:1:function:f".into(),
            ))
        },
    );
    let err = synth_error(&app);
    assert!(
        err.contains("S/Db: [generate-secret] a generated length of 0 is out of range"),
        "{err}"
    );
    assert!(
        err.contains("S/Db: [generate-secret] a JSON secret needs both"),
        "{err}"
    );
    assert!(err.contains("S/Db: [secret-name]"), "{err}");
    assert!(
        err.contains("S/Db/Rotation: [rotation] rotating every 3600s is not possible"),
        "{err}"
    );
    assert!(
        err.contains("S/Db/Rotation: [rotation] a rotation window of 90s"),
        "{err}"
    );
}

#[test]
fn removal_policy_can_be_changed_from_retain() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    Secret::new(
        &stack,
        "Scratch",
        SecretProps {
            description: Some("throwaway".into()),
            removal_policy: RemovalPolicy::Delete,
            ..SecretProps::default()
        },
    );
    let t = template(&app);
    let s = resource(&t, "Scratch/Resource");
    assert_eq!(s["DeletionPolicy"], "Delete");
    assert_eq!(s["UpdateReplacePolicy"], "Delete");
    assert_eq!(s["Properties"]["Description"], "throwaway");
}
