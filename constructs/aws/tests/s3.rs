//! The S3 bucket L2: secure defaults, lifecycle ordering, Object Lock,
//! replication, grants and naming errors.

use serde_json::{json, Value as Json};
use strata::iam::{Principal, Role, RoleProps};
use strata::prelude::*;
use strata::s3::{
    Bucket, BucketEncryption, BucketProps, IntelligentTiering, LifecycleRule, ObjectLock,
    ObjectLockMode, Replication, StorageClass,
};

fn template(app: &App) -> Json {
    app.synth().expect("the app synthesizes").stacks[0]
        .template
        .json()
        .clone()
}

fn error_for(props: BucketProps) -> String {
    let app = App::new();
    let stack = app.stack("Store", StackProps::default());
    Bucket::new(&stack, "Bucket", props);
    let err = app.synth().expect_err("must fail").to_string();
    assert!(err.contains("Store/Bucket"), "{err}");
    err
}

#[test]
fn defaults_are_private_encrypted_tls_only_and_retained() {
    let app = App::new();
    let stack = app.stack("Store", StackProps::default());
    Bucket::new(&stack, "Plain", BucketProps::default());
    let t = template(&app);
    let r = &t["Resources"];
    let bucket = &r[strata::logical_id(&["Plain", "Resource"]).as_str()];
    assert_eq!(bucket["DeletionPolicy"], "Retain");
    assert_eq!(bucket["UpdateReplacePolicy"], "Retain");
    assert_eq!(
        bucket["Properties"],
        json!({
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
            ]},
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": true,
                "BlockPublicPolicy": true,
                "IgnorePublicAcls": true,
                "RestrictPublicBuckets": true
            }
        })
    );
    let bucket_id = strata::logical_id(&["Plain", "Resource"]);
    let arn = json!({"Fn::GetAtt": [bucket_id, "Arn"]});
    let policy = &r[strata::logical_id(&["Plain", "Policy", "Resource"]).as_str()];
    assert_eq!(
        policy["Properties"],
        json!({
            "Bucket": {"Ref": bucket_id},
            "PolicyDocument": {
                "Statement": [{
                    "Action": "s3:*",
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    "Effect": "Deny",
                    "Principal": {"AWS": "*"},
                    "Resource": [arn, {"Fn::Join": ["", [arn, "/*"]]}]
                }],
                "Version": "2012-10-17"
            }
        })
    );
}

#[test]
fn lifecycle_tiering_object_lock_and_replication_render() {
    let app = App::new();
    let stack = app.stack("Store", StackProps::default());
    let key = stack.parameter("KeyArn", Parameter::new("String"));
    Bucket::new(
        &stack,
        "Evidence",
        BucketProps {
            encryption: BucketEncryption::Kms(key.ref_()),
            versioned: true,
            lifecycle_rules: vec![LifecycleRule::new("versions")
                .noncurrent_transition(StorageClass::Glacier, 30)
                .expire_noncurrent_after(365)
                .abort_incomplete_uploads_after(7)],
            intelligent_tiering: vec![IntelligentTiering::new("archive")
                .archive_after(90)
                .deep_archive_after(180)],
            object_lock: Some(ObjectLock {
                mode: ObjectLockMode::Compliance,
                days: 2557,
            }),
            replication: Some(Replication {
                destination_bucket_arn: "arn:aws:s3:::evidence-replica".into(),
                storage_class: Some(StorageClass::StandardIa),
                replica_kms_key_arn: Some("arn:aws:kms:us-west-2:111122223333:key/replica".into()),
            }),
            access_logs: Some(("access-logs-bucket".into(), "evidence/".into())),
            ..Default::default()
        },
    );
    let t = template(&app);
    let r = &t["Resources"];
    let p = &r[strata::logical_id(&["Evidence", "Resource"]).as_str()]["Properties"];
    assert_eq!(
        p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0],
        json!({
            "BucketKeyEnabled": true,
            "ServerSideEncryptionByDefault": {"KMSMasterKeyID": {"Ref": "KeyArn"}, "SSEAlgorithm": "aws:kms"}
        })
    );
    assert_eq!(
        p["LifecycleConfiguration"]["Rules"][0],
        json!({
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
            "Id": "versions",
            "NoncurrentVersionExpiration": {"NoncurrentDays": 365},
            "NoncurrentVersionTransitions": [{"StorageClass": "GLACIER", "TransitionInDays": 30}],
            "Status": "Enabled"
        })
    );
    assert_eq!(
        p["IntelligentTieringConfigurations"][0]["Tierings"],
        json!([
            {"AccessTier": "ARCHIVE_ACCESS", "Days": 90},
            {"AccessTier": "DEEP_ARCHIVE_ACCESS", "Days": 180}
        ])
    );
    assert_eq!(p["ObjectLockEnabled"], true);
    assert_eq!(
        p["ObjectLockConfiguration"]["Rule"]["DefaultRetention"],
        json!({"Days": 2557, "Mode": "COMPLIANCE"})
    );
    assert_eq!(
        p["LoggingConfiguration"],
        json!({"DestinationBucketName": "access-logs-bucket", "LogFilePrefix": "evidence/"})
    );
    let role_id = strata::logical_id(&["Evidence", "ReplicationRole", "Resource"]);
    let replication = &p["ReplicationConfiguration"];
    assert_eq!(replication["Role"], json!({"Fn::GetAtt": [role_id, "Arn"]}));
    let rule = &replication["Rules"][0];
    assert_eq!(rule["Destination"]["StorageClass"], "STANDARD_IA");
    assert_eq!(
        rule["SourceSelectionCriteria"]["SseKmsEncryptedObjects"]["Status"],
        "Enabled"
    );
    // The replication role may read this bucket and replicate into the other.
    let policy =
        r[strata::logical_id(&["Evidence", "ReplicationRole", "DefaultPolicy", "Resource"])
            .as_str()]["Properties"]["PolicyDocument"]
            .to_string();
    assert!(policy.contains("s3:ReplicateObject"), "{policy}");
    assert!(policy.contains("arn:aws:s3:::evidence-replica"), "{policy}");
    assert!(policy.contains("kms:GenerateDataKey*"), "{policy}");
}

#[test]
fn grants_name_the_bucket_and_its_objects_and_its_key() {
    let app = App::new();
    let stack = app.stack("Store", StackProps::default());
    let key = stack.parameter("KeyArn", Parameter::new("String"));
    let bucket = Bucket::new(
        &stack,
        "Media",
        BucketProps {
            encryption: BucketEncryption::Kms(key.ref_()),
            ..Default::default()
        },
    );
    let role = Role::new(
        &stack,
        "Worker",
        RoleProps::new(Principal::service("ecs-tasks.amazonaws.com")),
    );
    assert!(bucket.grant_read_write(&role).success());
    // A service principal has no policy: the bucket policy names it instead.
    let cloudfront = Principal::service("cloudfront.amazonaws.com");
    let grant = bucket.grant_read(&cloudfront);
    assert!(grant.resource_statement().is_some());
    let t = template(&app);
    let r = &t["Resources"];
    let bucket_id = strata::logical_id(&["Media", "Resource"]);
    let arn = json!({"Fn::GetAtt": [bucket_id, "Arn"]});
    let role_policy = &r[strata::logical_id(&["Worker", "DefaultPolicy", "Resource"]).as_str()]
        ["Properties"]["PolicyDocument"]["Statement"];
    assert_eq!(
        role_policy[0]["Resource"],
        json!([arn, {"Fn::Join": ["", [arn, "/*"]]}])
    );
    assert!(
        role_policy[0]["Action"].as_array().is_some_and(
            |a| a.contains(&json!("s3:PutObject")) && a.contains(&json!("s3:GetObject*"))
        )
    );
    assert_eq!(role_policy[1]["Resource"], json!({"Ref": "KeyArn"}));
    let bucket_policy = &r[strata::logical_id(&["Media", "Policy", "Resource"]).as_str()]
        ["Properties"]["PolicyDocument"]["Statement"];
    assert_eq!(bucket_policy.as_array().map(Vec::len), Some(2));
    assert_eq!(
        bucket_policy[1]["Principal"],
        json!({"Service": "cloudfront.amazonaws.com"})
    );
}

#[test]
fn lifecycle_transitions_out_of_order_are_synth_errors() {
    let err = error_for(BucketProps {
        lifecycle_rules: vec![LifecycleRule::new("backwards")
            .transition(StorageClass::Glacier, 90)
            .transition(StorageClass::StandardIa, 120)],
        ..Default::default()
    });
    assert!(
        err.contains("STANDARD_IA after GLACIER goes back up"),
        "{err}"
    );

    let err = error_for(BucketProps {
        lifecycle_rules: vec![LifecycleRule::new("days")
            .transition(StorageClass::StandardIa, 60)
            .transition(StorageClass::Glacier, 45)
            .expire_after(30)],
        ..Default::default()
    });
    assert!(
        err.contains("GLACIER at day 45 is not after STANDARD_IA at day 60"),
        "{err}"
    );
    assert!(
        err.contains("expiration at day 30 is not after the last transition at day 60"),
        "{err}"
    );

    let err = error_for(BucketProps {
        lifecycle_rules: vec![LifecycleRule::new("early")
            .transition(StorageClass::StandardIa, 10)
            .transition(StorageClass::Glacier, 20)],
        ..Default::default()
    });
    assert!(err.contains("STANDARD_IA at day 10 is too early"), "{err}");
    assert!(err.contains("only 10 days after STANDARD_IA"), "{err}");

    let err = error_for(BucketProps {
        lifecycle_rules: vec![LifecycleRule::new("empty")],
        intelligent_tiering: vec![IntelligentTiering::new("t").archive_after(30)],
        ..Default::default()
    });
    assert!(err.contains("\"empty\" has no action"), "{err}");
    assert!(
        err.contains("archive after 30 days is outside 90-730"),
        "{err}"
    );
}

#[test]
fn names_and_dependencies_s3_rejects_are_synth_errors() {
    let err = error_for(BucketProps {
        bucket_name: Some("Agent_Media".into()),
        ..Default::default()
    });
    assert!(
        err.contains("bucket name \"Agent_Media\" is invalid"),
        "{err}"
    );
    let err = error_for(BucketProps {
        object_lock: Some(ObjectLock {
            mode: ObjectLockMode::Governance,
            days: 30,
        }),
        ..Default::default()
    });
    assert!(err.contains("Object Lock needs versioning"), "{err}");
    let err = error_for(BucketProps {
        replication: Some(Replication {
            destination_bucket_arn: "arn:aws:s3:::replica".into(),
            storage_class: None,
            replica_kms_key_arn: None,
        }),
        ..Default::default()
    });
    assert!(err.contains("replication needs versioning"), "{err}");
}

#[test]
fn replication_time_control_adds_the_15_minute_sla_and_its_metrics() {
    let app = App::new();
    let stack = app.stack("Store", StackProps::default());
    let replicated = |id: &str, time_control: bool| {
        Bucket::new(
            &stack,
            id,
            BucketProps {
                versioned: true,
                replication: Some(Replication {
                    destination_bucket_arn: format!("arn:aws:s3:::{}-replica", id.to_lowercase())
                        .into(),
                    storage_class: None,
                    replica_kms_key_arn: None,
                }),
                replication_time_control: time_control,
                ..Default::default()
            },
        );
    };
    replicated("Media", true);
    replicated("Archive", false);
    let t = template(&app);
    let destination = |id: &str| {
        t["Resources"][strata::logical_id(&[id, "Resource"]).as_str()]["Properties"]
            ["ReplicationConfiguration"]["Rules"][0]["Destination"]
            .clone()
    };
    assert_eq!(
        destination("Media"),
        json!({
            "Bucket": "arn:aws:s3:::media-replica",
            "Metrics": {"EventThreshold": {"Minutes": 15}, "Status": "Enabled"},
            "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}}
        })
    );
    // Without time control the rule is best effort: no SLA, no metrics.
    assert_eq!(
        destination("Archive"),
        json!({"Bucket": "arn:aws:s3:::archive-replica"})
    );
}

#[test]
fn replication_time_control_without_replication_is_a_synth_error() {
    let err = error_for(BucketProps {
        versioned: true,
        replication_time_control: true,
        ..Default::default()
    });
    assert!(
        err.contains("replication_time_control applies to a replication rule"),
        "{err}"
    );
}
