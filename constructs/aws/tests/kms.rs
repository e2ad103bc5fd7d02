//! KMS keys synthesize to the CDK's key shape (policy, rotation, alias,
//! Retain), grants are least-privilege, and the key strategy hands out one
//! shared key or one key per service.

use serde_json::{json, Value as Json};
use strata::iam::{PolicyStatement, Principal, Role, RoleProps};
use strata::kms::{Key, KeyProps, KeySpec, KeyStrategy, KeyUsage, Keys, KeysProps};
use strata::prelude::*;

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

fn count(t: &Json, type_: &str) -> usize {
    t["Resources"]
        .as_object()
        .expect("resources")
        .values()
        .filter(|r| r["Type"] == type_)
        .count()
}

#[test]
fn a_default_key_has_the_cdk_reference_rds_key_shape() {
    // The CDK writes the root ARN with Fn::Join; Strata writes the same
    // value with Fn::Sub, which cfn-lint prefers (I1022).
    let app = App::new();
    let stack = app.stack(
        "BirdStack",
        StackProps {
            env: Environment::new("123456789012", "us-east-1"),
            ..StackProps::default()
        },
    );
    Key::new(
        &stack,
        "RdsKey",
        KeyProps {
            description: Some("Aurora storage encryption".into()),
            ..KeyProps::default()
        },
    );
    let t = template(&app);
    let key = &t["Resources"]["RdsKey4E32BD4A"];
    assert_eq!(key["Type"], "AWS::KMS::Key");
    assert_eq!(
        key["Properties"],
        json!({
            "Description": "Aurora storage encryption",
            "EnableKeyRotation": true,
            "KeyPolicy": {
                "Statement": [{
                    "Action": "kms:*",
                    "Effect": "Allow",
                    "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::123456789012:root"}},
                    "Resource": "*"
                }],
                "Version": "2012-10-17"
            }
        })
    );
    assert_eq!(key["DeletionPolicy"], "Retain");
    assert_eq!(key["UpdateReplacePolicy"], "Retain");
}

#[test]
fn an_environment_agnostic_key_trusts_the_deploying_account() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    Key::new(&stack, "Key", KeyProps::default());
    let t = template(&app);
    assert_eq!(
        resource(&t, "Key/Resource")["Properties"]["KeyPolicy"]["Statement"][0]["Principal"],
        json!({"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}})
    );
}

#[test]
fn the_alias_sits_at_alias_resource_with_its_prefix_added() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    let key = Key::new(
        &stack,
        "S3Key",
        KeyProps {
            alias: Some("bird-agent/s3".into()),
            multi_region: true,
            pending_window_in_days: Some(7),
            removal_policy: RemovalPolicy::Delete,
            ..KeyProps::default()
        },
    );
    assert_eq!(key.alias_name(), Some("alias/bird-agent/s3"));
    let t = template(&app);
    let alias = resource(&t, "S3Key/Alias/Resource");
    assert_eq!(alias["Type"], "AWS::KMS::Alias");
    assert_eq!(
        alias["Properties"],
        json!({
            "AliasName": "alias/bird-agent/s3",
            "TargetKeyId": {"Fn::GetAtt": ["S3Key58EFA89C", "Arn"]}
        })
    );
    let k = &t["Resources"]["S3Key58EFA89C"];
    assert_eq!(k["Properties"]["MultiRegion"], true);
    assert_eq!(k["Properties"]["PendingWindowInDays"], 7);
    assert_eq!(k["DeletionPolicy"], "Delete");
}

#[test]
fn a_bad_pending_window_and_alias_fail_synth_with_the_key_path() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    Key::new(
        &stack,
        "Key",
        KeyProps {
            pending_window_in_days: Some(5),
            alias: Some("alias/aws/ebs".into()),
            ..KeyProps::default()
        },
    );
    Key::new(
        &stack,
        "Other",
        KeyProps {
            alias: Some("bird agent".into()),
            ..KeyProps::default()
        },
    );
    let err = synth_error(&app);
    assert!(
        err.contains("S/Key: [pending-window] a pending deletion window of 5 days is out of range; use 7 to 30 days"),
        "{err}"
    );
    assert!(err.contains("S/Key: [alias] \"alias/aws/ebs\""), "{err}");
    assert!(
        err.contains("S/Other: [alias] \"alias/bird agent\""),
        "{err}"
    );
}

#[test]
fn grant_encrypt_decrypt_to_a_role_is_scoped_to_the_key_arn() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    let key = Key::new(&stack, "Key", KeyProps::default());
    let role = Role::new(
        &stack,
        "App",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    );
    let grant = key.grant_encrypt_decrypt(&role);
    assert!(grant.principal_statement().is_some());
    assert!(grant.resource_statement().is_none());
    key.grant_decrypt(&role);
    let t = template(&app);
    let key_arn = json!({"Fn::GetAtt": [strata::logical_id(&["Key", "Resource"]), "Arn"]});
    assert_eq!(
        resource(&t, "App/DefaultPolicy/Resource")["Properties"]["PolicyDocument"]["Statement"],
        json!([
            {
                "Action": ["kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
                "Effect": "Allow",
                "Resource": key_arn
            },
            {"Action": "kms:Decrypt", "Effect": "Allow", "Resource": key_arn}
        ])
    );
    assert_eq!(
        key.policy_statements().len(),
        1,
        "the key policy is untouched"
    );
}

#[test]
fn a_grant_to_a_service_principal_goes_into_the_key_policy() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    let key = Key::new(&stack, "Key", KeyProps::default());
    let logs = Principal::service("logs.us-east-1.amazonaws.com").with_condition(
        "ArnLike",
        "kms:EncryptionContext:aws:logs:arn",
        ["arn:aws:logs:us-east-1:123456789012:log-group:*"],
    );
    let grant = key.grant_encrypt(&logs);
    assert!(grant.resource_statement().is_some());
    let t = template(&app);
    assert_eq!(
        resource(&t, "Key/Resource")["Properties"]["KeyPolicy"]["Statement"][1],
        json!({
            "Action": ["kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
            "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:log-group:*"}},
            "Effect": "Allow",
            "Principal": {"Service": "logs.us-east-1.amazonaws.com"},
            "Resource": "*"
        })
    );
}

#[test]
fn key_policy_statements_need_a_principal() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    let key = Key::new(&stack, "Key", KeyProps::default());
    key.add_to_resource_policy(
        PolicyStatement::allow()
            .action("kms:Decrypt")
            .all_resources(),
    );
    let err = synth_error(&app);
    assert!(err.contains("S/Key: [key-policy]"), "{err}");
    assert!(err.contains("must name at least one principal"), "{err}");
}

#[test]
fn a_given_policy_replaces_the_default_and_is_extended_by_statements() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    let admin = Principal::arn("arn:aws:iam::123456789012:role/KeyAdmin");
    let key = Key::new(
        &stack,
        "Key",
        KeyProps {
            policy: Some(
                strata::iam::PolicyDocument::new().with_statement(
                    PolicyStatement::allow()
                        .action("kms:*")
                        .principal(admin)
                        .all_resources(),
                ),
            ),
            ..KeyProps::default()
        },
    );
    key.add_to_resource_policy(
        PolicyStatement::allow()
            .action("kms:DescribeKey")
            .principal(Principal::account_root())
            .all_resources(),
    );
    let t = template(&app);
    let statements = &resource(&t, "Key/Resource")["Properties"]["KeyPolicy"]["Statement"];
    assert_eq!(statements.as_array().map(Vec::len), Some(2));
    assert_eq!(
        statements[0]["Principal"]["AWS"],
        "arn:aws:iam::123456789012:role/KeyAdmin"
    );
    assert_eq!(statements[1]["Action"], "kms:DescribeKey");
}

#[test]
fn asymmetric_keys_do_not_rotate_and_must_state_their_usage() {
    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    Key::new(
        &stack,
        "Signing",
        KeyProps {
            key_spec: Some(KeySpec::EccNistP256),
            key_usage: Some(KeyUsage::SignVerify),
            ..KeyProps::default()
        },
    );
    let t = template(&app);
    let props = &resource(&t, "Signing/Resource")["Properties"];
    assert_eq!(props["KeySpec"], "ECC_NIST_P256");
    assert_eq!(props["KeyUsage"], "SIGN_VERIFY");
    assert!(props.get("EnableKeyRotation").is_none());

    let app = App::new();
    let stack = app.stack("S", StackProps::default());
    Key::new(
        &stack,
        "Mac",
        KeyProps {
            key_spec: Some(KeySpec::Hmac256),
            enable_key_rotation: Some(true),
            ..KeyProps::default()
        },
    );
    let err = synth_error(&app);
    assert!(err.contains("S/Mac: [key-rotation]"), "{err}");
    assert!(err.contains("S/Mac: [key-usage]"), "{err}");
}

const SEED_003_SERVICES: [&str; 7] = [
    "rds",
    "s3",
    "secretsmanager",
    "logs",
    "eks",
    "elasticache",
    "sqs",
];

#[test]
fn the_shared_strategy_gives_every_service_one_key() {
    let app = App::new();
    let dev = app.stack("Dev", StackProps::default());
    let keys = Keys::new(&dev, KeysProps::new(KeyStrategy::Shared, "bird-agent"));
    let handed: Vec<Key> = SEED_003_SERVICES
        .iter()
        .map(|s| keys.for_service(s))
        .collect();
    assert!(handed
        .iter()
        .all(|k| k.alias_name() == Some("alias/bird-agent/shared")));
    let t = template(&app);
    assert_eq!(count(&t, "AWS::KMS::Key"), 1);
    assert_eq!(count(&t, "AWS::KMS::Alias"), 1);
    assert_eq!(
        resource(&t, "SharedKey/Resource")["Properties"]["Description"],
        "Shared encryption key for bird-agent"
    );
}

#[test]
fn the_per_service_strategy_gives_each_service_its_own_key() {
    let app = App::new();
    let prod = app.stack("Prod", StackProps::default());
    let keys = Keys::new(&prod, KeysProps::new(KeyStrategy::PerService, "bird-agent"));
    for s in SEED_003_SERVICES {
        keys.for_service(s);
    }
    let again = keys.for_service("rds");
    assert_eq!(again.alias_name(), Some("alias/bird-agent/rds"));
    assert_eq!(keys.keys().len(), 7);
    let t = template(&app);
    assert_eq!(count(&t, "AWS::KMS::Key"), 7);
    assert_eq!(count(&t, "AWS::KMS::Alias"), 7);
    assert_eq!(
        t["Resources"]["RdsKey4E32BD4A"]["Properties"]["Description"],
        "Encryption key for rds"
    );
    assert_eq!(
        resource(&t, "SecretsmanagerKey/Alias/Resource")["Properties"]["AliasName"],
        "alias/bird-agent/secretsmanager"
    );
}

#[test]
fn an_unusable_service_name_fails_synth() {
    let app = App::new();
    let prod = app.stack("Prod", StackProps::default());
    let keys = Keys::new(&prod, KeysProps::new(KeyStrategy::PerService, "bird-agent"));
    keys.for_service("Secrets Manager");
    let err = synth_error(&app);
    assert!(
        err.contains("Prod: [key-service] \"Secrets Manager\""),
        "{err}"
    );
}
