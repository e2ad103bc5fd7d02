//! Each rule of the encryption and resilience packs: a resource that
//! passes and one that fails, by rule id and logical id.

mod common;

use common::{assert_fails, case, check, check_in};
use serde_json::json;

#[test]
fn s3_bucket_encrypted() {
    case(
        "S3_BUCKET_ENCRYPTED",
        json!({"Good": {"Type": "AWS::S3::Bucket", "Properties": {"BucketEncryption": {
            "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]}}}}),
        json!({"Bad": {"Type": "AWS::S3::Bucket", "Properties": {}}}),
        &["Bad"],
    );
}

#[test]
fn dynamodb_tables_use_kms() {
    case(
        "DYNAMODB_TABLE_ENCRYPTED_KMS",
        json!({"Good": {"Type": "AWS::DynamoDB::Table", "Properties": {"SSESpecification": {"SSEEnabled": true}}}}),
        json!({
            "Bad": {"Type": "AWS::DynamoDB::Table", "Properties": {}},
            "Off": {"Type": "AWS::DynamoDB::GlobalTable", "Properties": {"SSESpecification": {"SSEEnabled": false}}}
        }),
        &["Bad", "Off"],
    );
}

#[test]
fn rds_storage_encrypted() {
    case(
        "RDS_CLUSTER_STORAGE_ENCRYPTED",
        json!({"Good": {"Type": "AWS::RDS::DBCluster", "Properties": {"StorageEncrypted": true}}}),
        json!({"Bad": {"Type": "AWS::RDS::DBCluster", "Properties": {"Engine": "aurora-postgresql"}}}),
        &["Bad"],
    );
    case(
        "RDS_INSTANCE_STORAGE_ENCRYPTED",
        json!({
            "Good": {"Type": "AWS::RDS::DBInstance", "Properties": {"StorageEncrypted": true}},
            "Member": {"Type": "AWS::RDS::DBInstance", "Properties": {"DBClusterIdentifier": {"Ref": "C"}}}
        }),
        json!({"Bad": {"Type": "AWS::RDS::DBInstance", "Properties": {"StorageEncrypted": false}}}),
        &["Bad"],
    );
}

#[test]
fn caches_and_search_encrypt_at_rest() {
    case(
        "ELASTICACHE_AT_REST_ENCRYPTION",
        json!({"Good": {"Type": "AWS::ElastiCache::ReplicationGroup", "Properties": {"AtRestEncryptionEnabled": true}}}),
        json!({"Bad": {"Type": "AWS::ElastiCache::ReplicationGroup", "Properties": {}}}),
        &["Bad"],
    );
    case(
        "OPENSEARCH_ENCRYPTED_AT_REST",
        json!({"Good": {"Type": "AWS::OpenSearchService::Domain", "Properties": {"EncryptionAtRestOptions": {"Enabled": true}}}}),
        json!({"Bad": {"Type": "AWS::OpenSearchService::Domain", "Properties": {"EncryptionAtRestOptions": {"Enabled": false}}}}),
        &["Bad"],
    );
    case(
        "DAX_CLUSTER_ENCRYPTED",
        json!({"Good": {"Type": "AWS::DAX::Cluster", "Properties": {"SSESpecification": {"SSEEnabled": true}}}}),
        json!({"Bad": {"Type": "AWS::DAX::Cluster", "Properties": {}}}),
        &["Bad"],
    );
}

#[test]
fn messaging_is_encrypted() {
    case(
        "SQS_QUEUE_ENCRYPTED",
        json!({
            "Kms": {"Type": "AWS::SQS::Queue", "Properties": {"KmsMasterKeyId": "alias/aws/sqs"}},
            "Managed": {"Type": "AWS::SQS::Queue", "Properties": {"SqsManagedSseEnabled": true}}
        }),
        json!({"Bad": {"Type": "AWS::SQS::Queue", "Properties": {}}}),
        &["Bad"],
    );
    case(
        "SNS_TOPIC_ENCRYPTED",
        json!({"Good": {"Type": "AWS::SNS::Topic", "Properties": {"KmsMasterKeyId": {"Ref": "Key"}}}}),
        json!({"Bad": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "x"}}}),
        &["Bad"],
    );
    case(
        "KINESIS_STREAM_ENCRYPTED",
        json!({"Good": {"Type": "AWS::Kinesis::Stream", "Properties": {"StreamEncryption": {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"}}}}),
        json!({"Bad": {"Type": "AWS::Kinesis::Stream", "Properties": {"ShardCount": 1}}}),
        &["Bad"],
    );
}

#[test]
fn volumes_and_file_systems_are_encrypted() {
    case(
        "EBS_VOLUME_ENCRYPTED",
        json!({"Good": {"Type": "AWS::EC2::Volume", "Properties": {"Encrypted": true}}}),
        json!({"Bad": {"Type": "AWS::EC2::Volume", "Properties": {"Size": 8}}}),
        &["Bad"],
    );
    case(
        "EC2_BLOCK_DEVICES_ENCRYPTED",
        json!({
            "Host": {"Type": "AWS::EC2::Instance", "Properties": {"BlockDeviceMappings": [
                {"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": true}},
                {"DeviceName": "/dev/sdb", "VirtualName": "ephemeral0"}]}},
            "Template": {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": {
                "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": true}}]}}}
        }),
        json!({
            "BadHost": {"Type": "AWS::EC2::Instance", "Properties": {"BlockDeviceMappings": [
                {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 50}}]}},
            "BadTemplate": {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": {
                "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": false}}]}}}
        }),
        &["BadHost", "BadTemplate"],
    );
    case(
        "EFS_ENCRYPTED",
        json!({"Good": {"Type": "AWS::EFS::FileSystem", "Properties": {"Encrypted": true}}}),
        json!({"Bad": {"Type": "AWS::EFS::FileSystem", "Properties": {}}}),
        &["Bad"],
    );
}

#[test]
fn eks_secrets_are_envelope_encrypted() {
    case(
        "EKS_SECRETS_ENCRYPTED",
        json!({"Good": {"Type": "AWS::EKS::Cluster", "Properties": {"EncryptionConfig": [
            {"Provider": {"KeyArn": {"Fn::GetAtt": ["Key", "Arn"]}}, "Resources": ["secrets"]}]}}}),
        json!({"Bad": {"Type": "AWS::EKS::Cluster", "Properties": {"Name": "c"}}}),
        &["Bad"],
    );
}

#[test]
fn log_groups_use_the_stacks_logs_key() {
    let logs_key = json!({"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {"Statement": [
        {"Effect": "Allow", "Principal": {"Service": "logs.us-east-1.amazonaws.com"},
         "Action": ["kms:Encrypt*", "kms:Decrypt*"], "Resource": "*"}]}}});
    let good = json!({"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 7, "KmsKeyId": {"Fn::GetAtt": ["LogsKey", "Arn"]}}});
    let plain = json!({"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 7}});
    case(
        "LOG_GROUP_KMS",
        json!({"LogsKey": logs_key, "Good": good}),
        json!({"Plain": plain.clone()}),
        &["Plain"],
    );
    // Without a key CloudWatch Logs may use, the service key is fine.
    let other_key = json!({"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {"Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}]}}});
    let report = check(json!({"RdsKey": other_key, "Plain": plain}));
    assert_fails(&report, "LOG_GROUP_KMS", &[]);
}

#[test]
fn dynamodb_point_in_time_recovery() {
    case(
        "DYNAMODB_PITR_ENABLED",
        json!({"Good": {"Type": "AWS::DynamoDB::Table", "Properties": {
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}}}),
        json!({"Bad": {"Type": "AWS::DynamoDB::Table", "Properties": {}}}),
        &["Bad"],
    );
    case(
        "DYNAMODB_GLOBAL_TABLE_PITR_ENABLED",
        json!({"Good": {"Type": "AWS::DynamoDB::GlobalTable", "Properties": {"Replicas": [
            {"Region": "us-east-1", "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}]}}}),
        json!({"Bad": {"Type": "AWS::DynamoDB::GlobalTable", "Properties": {"Replicas": [
            {"Region": "us-east-1", "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}},
            {"Region": "us-west-2"}]}}}),
        &["Bad"],
    );
}

#[test]
fn rds_backups() {
    case(
        "RDS_CLUSTER_BACKUP_RETENTION",
        json!({"Good": {"Type": "AWS::RDS::DBCluster", "Properties": {"BackupRetentionPeriod": 7}}}),
        json!({"Bad": {"Type": "AWS::RDS::DBCluster", "Properties": {"BackupRetentionPeriod": 0}}}),
        &["Bad"],
    );
    case(
        "RDS_INSTANCE_BACKUP_RETENTION",
        json!({
            "Good": {"Type": "AWS::RDS::DBInstance", "Properties": {"BackupRetentionPeriod": 1}},
            "Replica": {"Type": "AWS::RDS::DBInstance", "Properties": {"SourceDBInstanceIdentifier": "db-1"}}
        }),
        json!({"Bad": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "postgres"}}}),
        &["Bad"],
    );
}

#[test]
fn production_databases_are_deletion_protected() {
    let rule = "RDS_DELETION_PROTECTION_PROD";
    let resources = json!({
        "Protected": {"Type": "AWS::RDS::DBCluster", "Properties": {"DeletionProtection": true}},
        "Open": {"Type": "AWS::RDS::DBCluster", "Properties": {}},
        "Member": {"Type": "AWS::RDS::DBInstance", "Properties": {"DBClusterIdentifier": {"Ref": "Open"}}}
    });
    // Outside production the rule does not apply.
    assert_fails(&check(resources.clone()), rule, &[]);
    assert_fails(&check_in(resources.clone(), Some("dev")), rule, &[]);
    // In production (from the assembly or --env), every database.
    assert_fails(&check_in(resources, Some("prod")), rule, &["Open"]);
    // Or by the resource's Environment tag, in any context.
    let tagged = json!({
        "Tagged": {"Type": "AWS::RDS::DBInstance", "Properties": {
            "Tags": [{"Key": "Environment", "Value": "prod"}]}},
        "Staging": {"Type": "AWS::RDS::DBInstance", "Properties": {
            "Tags": [{"Key": "Environment", "Value": "staging"}]}}
    });
    assert_fails(&check(tagged), rule, &["Tagged"]);
}
