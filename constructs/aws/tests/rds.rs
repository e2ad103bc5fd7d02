//! The Aurora PostgreSQL cluster: seed 000's cluster renders every
//! property at the CDK's logical IDs, with its secret, instances,
//! monitoring role and reader autoscaling; variants and errors follow in
//! `rds/`.

use std::time::Duration;

use serde_json::{json, Value as Json};
use strata::ec2::{AgentVpc, AgentVpcProps, SecurityGroup, SecurityGroupProps};
use strata::kms::{Key, KeyProps};
use strata::prelude::*;
use strata::rds::{
    ClusterInstance, DatabaseCluster, DatabaseClusterProps, DatabaseSubnets, MasterRotation,
    PerformanceInsights, ReaderScaling,
};
use strata::{Issue, SynthError};

#[path = "rds/errors.rs"]
mod errors;
#[path = "rds/variants.rs"]
mod variants;

/// The seed's stack: a three-tier VPC, the RDS and Secrets Manager keys
/// and the database security group, as the bird-agent network builds them.
struct Fixture {
    app: App,
    stack: Scope,
    vpc: AgentVpc,
    rds_key: Key,
    secrets_key: Key,
    database_sg: SecurityGroup,
}

fn fixture() -> Fixture {
    let app = App::new();
    let stack = app.stack(
        "BirdStack",
        StackProps {
            env: Environment::new("123456789012", "us-east-1"),
            ..StackProps::default()
        },
    );
    let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::spaced_three_tier());
    let rds_key = Key::new(&stack, "RdsKey", KeyProps::default());
    let secrets_key = Key::new(&stack, "SecretsKey", KeyProps::default());
    let database_sg = SecurityGroup::new(
        &stack,
        "DatabaseSg",
        SecurityGroupProps {
            vpc_id: vpc.vpc_id(),
            description: Some("Aurora PostgreSQL security group".into()),
            ..SecurityGroupProps::default()
        },
    );
    Fixture {
        app,
        stack,
        vpc,
        rds_key,
        secrets_key,
        database_sg,
    }
}

/// Seed 000's numbers: writer and two readers in three AZs, 1 to 5
/// readers at 70 % CPU (15 minutes in, 5 out), 7 days of backups at
/// 03:00-04:00, maintenance Sunday 04:00-05:00, Performance Insights,
/// 60-second Enhanced Monitoring, KMS encryption, TLS required, IAM
/// authentication, 30-day rotation.
fn seed_000(f: &Fixture) -> DatabaseClusterProps {
    let r6g = || ClusterInstance::provisioned("db.r6g.large");
    DatabaseClusterProps {
        readers: vec![r6g().in_az(1), r6g().in_az(2)],
        reader_scaling: Some(ReaderScaling {
            scale_in_cooldown: Some(Duration::from_secs(15 * 60)),
            scale_out_cooldown: Some(Duration::from_secs(5 * 60)),
            ..ReaderScaling::new(1, 5, 70.0)
        }),
        security_groups: vec![f.database_sg.clone()],
        database_name: Some("agentdb".into()),
        secret_encryption_key: Some((&f.secrets_key).into()),
        rotation: Some(MasterRotation::every_days(30)),
        iam_authentication: true,
        storage_encryption_key: Some(f.rds_key.key_arn()),
        backup_retention_days: 7,
        backup_window: Some("03:00-04:00".into()),
        maintenance_window: Some("sun:04:00-sun:05:00".into()),
        performance_insights: Some(PerformanceInsights {
            retention_days: 7,
            encryption_key: Some(f.rds_key.key_arn()),
        }),
        monitoring_interval: Some(Duration::from_secs(60)),
        cluster_parameters: [("rds.force_ssl".to_string(), "1".to_string())].into(),
        prod: true,
        ..DatabaseClusterProps::new(
            "15.10",
            r6g().in_az(0),
            DatabaseSubnets::from_vpc(&f.vpc, "data"),
        )
    }
}

fn template(app: &App) -> Json {
    app.synth().expect("valid app").stacks[0]
        .template
        .json()
        .clone()
}

fn issues(app: &App) -> Vec<Issue> {
    app.synth()
        .err()
        .map(|e: SynthError| e.issues)
        .unwrap_or_default()
}

/// The one issue of a failed synth, as `path: [rule] message`.
fn only_issue(app: &App) -> String {
    let found = issues(app);
    assert_eq!(found.len(), 1, "{found:#?}");
    found[0].to_string()
}

/// The resource at `path` below the stack, by its computed logical ID.
fn resource<'a>(t: &'a Json, path: &str) -> &'a Json {
    let components: Vec<&str> = path.split('/').collect();
    &t["Resources"][strata::logical_id(&components)]
}

fn get_att(id: &str, attribute: &str) -> Json {
    json!({"Fn::GetAtt": [id, attribute]})
}

const CLUSTER: &str = "AuroraCluster23D869C0";
const SECRET: &str = "BirdStackAuroraClusterSecret06EC28E03fdaad7efa858a3daf9490cf0a702aeb";
const WRITER: &str = "AuroraClusterwriter499C523E";
const ASSOCIATIONS: [&str; 3] = [
    "VpcdataSubnet1RouteTableAssociation9E9FDBBB",
    "VpcdataSubnet2RouteTableAssociation6C8F2058",
    "VpcdataSubnet3RouteTableAssociation68A2FEE3",
];

#[test]
fn seed_000_cluster_renders_every_property_at_the_cdk_logical_ids() {
    let f = fixture();
    DatabaseCluster::new(&f.stack, "AuroraCluster", seed_000(&f));
    let t = template(&f.app);
    let r = &t["Resources"];
    let rds_key = get_att("RdsKey4E32BD4A", "Arn");
    let cluster = &r[CLUSTER];
    assert_eq!(cluster["Type"], "AWS::RDS::DBCluster");
    assert_eq!(cluster["DeletionPolicy"], "Snapshot");
    assert_eq!(cluster["UpdateReplacePolicy"], "Snapshot");
    assert_eq!(
        cluster["Properties"],
        json!({
            "BackupRetentionPeriod": 7,
            "CopyTagsToSnapshot": true,
            "DBClusterParameterGroupName": {"Ref": "AuroraClusterParameterGroup123B95C3"},
            "DBSubnetGroupName": {"Ref": "AuroraClusterSubnetsF3E9E6AD"},
            "DatabaseName": "agentdb",
            "DeletionProtection": true,
            "EnableIAMDatabaseAuthentication": true,
            "Engine": "aurora-postgresql",
            "EngineVersion": "15.10",
            "KmsKeyId": rds_key,
            "MasterUserPassword": {"Fn::Sub": [
                "{{resolve:secretsmanager:${SecretArn}:SecretString:password::}}",
                {"SecretArn": {"Ref": SECRET}}
            ]},
            "MasterUsername": "postgres",
            "PerformanceInsightsEnabled": true,
            "PerformanceInsightsKmsKeyId": rds_key,
            "PerformanceInsightsRetentionPeriod": 7,
            "Port": 5432,
            "PreferredBackupWindow": "03:00-04:00",
            "PreferredMaintenanceWindow": "sun:04:00-sun:05:00",
            "StorageEncrypted": true,
            "VpcSecurityGroupIds": [get_att("DatabaseSgBF3CBC42", "GroupId")]
        })
    );
    assert_eq!(
        r["AuroraClusterSubnetsF3E9E6AD"]["Properties"],
        json!({
            "DBSubnetGroupDescription": "Subnets for AuroraCluster database",
            "SubnetIds": [
                {"Ref": "VpcdataSubnet1SubnetE2B009FB"},
                {"Ref": "VpcdataSubnet2SubnetAD08DFFF"},
                {"Ref": "VpcdataSubnet3SubnetAFCE48BB"}
            ]
        })
    );
    assert_eq!(
        r["AuroraClusterSubnetsF3E9E6AD"]["DeletionPolicy"],
        Json::Null
    );
    assert_eq!(
        r["AuroraClusterParameterGroup123B95C3"]["Properties"],
        json!({
            "Description": "Cluster parameter group for aurora-postgresql15",
            "Family": "aurora-postgresql15",
            "Parameters": {"rds.force_ssl": "1"}
        })
    );
}

#[test]
fn seed_000_instances_are_placed_per_az_with_the_cdk_tiers_and_dependencies() {
    let f = fixture();
    DatabaseCluster::new(&f.stack, "AuroraCluster", seed_000(&f));
    let t = template(&f.app);
    let r = &t["Resources"];
    let instance = |az: u32, tier: u32| {
        json!({
            "AvailabilityZone": {"Fn::Select": [az, {"Fn::GetAZs": ""}]},
            "DBClusterIdentifier": {"Ref": CLUSTER},
            "DBInstanceClass": "db.r6g.large",
            "EnablePerformanceInsights": true,
            "Engine": "aurora-postgresql",
            "MonitoringInterval": 60,
            "MonitoringRoleArn": get_att("AuroraClusterMonitoringRoleEC6D6395", "Arn"),
            "PerformanceInsightsKMSKeyId": get_att("RdsKey4E32BD4A", "Arn"),
            "PerformanceInsightsRetentionPeriod": 7,
            "PromotionTier": tier,
            "PubliclyAccessible": false
        })
    };
    let writer = &r[WRITER];
    assert_eq!(writer["Properties"], instance(0, 0));
    assert_eq!(writer["DependsOn"], json!(ASSOCIATIONS));
    for (id, az) in [
        ("AuroraClusterreader13116B38E", 1),
        ("AuroraClusterreader2EDCF545E", 2),
    ] {
        let reader = &r[id];
        assert_eq!(reader["Properties"], instance(az, 2), "{id}");
        let mut after = vec![WRITER];
        after.extend(ASSOCIATIONS);
        assert_eq!(reader["DependsOn"], json!(after), "{id}");
        // Instances are deleted: the cluster's final snapshot recreates them.
        assert_eq!(reader["DeletionPolicy"], "Delete", "{id}");
    }
    assert_eq!(writer["DeletionPolicy"], "Delete");
    assert_eq!(
        r["AuroraClusterMonitoringRoleEC6D6395"]["Properties"],
        json!({
            "AssumeRolePolicyDocument": {
                "Statement": [{
                    "Action": "sts:AssumeRole",
                    "Effect": "Allow",
                    "Principal": {"Service": "monitoring.rds.amazonaws.com"}
                }],
                "Version": "2012-10-17"
            },
            "ManagedPolicyArns": [{
                "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
            }]
        })
    );
}

#[test]
fn seed_000_master_secret_is_generated_attached_and_rotated() {
    let f = fixture();
    let cluster = DatabaseCluster::new(&f.stack, "AuroraCluster", seed_000(&f));
    f.stack.output(
        "SecretArn",
        Output::new(cluster.secret_arn().expect("a primary has a secret")),
    );
    let t = template(&f.app);
    let r = &t["Resources"];
    let secrets_key = get_att("SecretsKey317DCF94", "Arn");
    // The CDK's DatabaseSecret: unique id plus the MD5 of the password criteria.
    let secret = &r[SECRET];
    assert_eq!(
        secret["Properties"],
        json!({
            "Description": {"Fn::Sub": "Generated by Strata for stack: ${AWS::StackName}"},
            "GenerateSecretString": {
                "ExcludeCharacters": " %+~`#$&*()|[]{}:;<>?!'/@\"\\",
                "GenerateStringKey": "password",
                "PasswordLength": 30,
                "SecretStringTemplate": "{\"username\":\"postgres\"}"
            },
            "KmsKeyId": secrets_key
        })
    );
    assert_eq!(secret["DeletionPolicy"], "Delete");
    assert_eq!(
        r["AuroraClusterSecretAttachmentDB8032DA"]["Properties"],
        json!({
            "SecretId": {"Ref": SECRET},
            "TargetId": {"Ref": CLUSTER},
            "TargetType": "AWS::RDS::DBCluster"
        })
    );
    assert_eq!(
        t["Outputs"]["SecretArn"]["Value"],
        json!({"Ref": "AuroraClusterSecretAttachmentDB8032DA"})
    );
    let rotation_sg = "AuroraClusterRotationSingleUserSecurityGroup11853B5C";
    let schedule = resource(&t, "AuroraCluster/Secret/RotationSchedule/Resource");
    assert_eq!(
        schedule["Properties"],
        json!({
            "HostedRotationLambda": {
                "KmsKeyArn": secrets_key,
                "RotationType": "PostgreSQLSingleUser",
                "VpcSecurityGroupIds": {"Fn::Join": [",", [get_att(rotation_sg, "GroupId")]]},
                "VpcSubnetIds": {"Fn::Join": [",", [
                    {"Ref": "VpcdataSubnet1SubnetE2B009FB"},
                    {"Ref": "VpcdataSubnet2SubnetAD08DFFF"},
                    {"Ref": "VpcdataSubnet3SubnetAFCE48BB"}
                ]]}
            },
            "RotationRules": {"ScheduleExpression": "rate(30 days)"},
            "SecretId": {"Ref": SECRET}
        })
    );
    assert_eq!(
        schedule["DependsOn"],
        json!(["AuroraClusterSecretAttachmentDB8032DA"])
    );
    // The transform that expands the hosted rotation Lambda is declared.
    assert_eq!(t["Transform"], "AWS::SecretsManager-2020-07-23");
    // The rotation Lambda reaches the cluster on its port.
    let ingress = &r
        ["DatabaseSgfromBirdStackAuroraClusterRotationSingleUserSecurityGroup3FAC98825432491DE9E0"];
    assert_eq!(
        ingress["Properties"],
        json!({
            "Description": "from BirdStackAuroraClusterRotationSingleUserSecurityGroup3FAC9882:5432",
            "FromPort": 5432,
            "GroupId": get_att("DatabaseSgBF3CBC42", "GroupId"),
            "IpProtocol": "tcp",
            "SourceSecurityGroupId": get_att(rotation_sg, "GroupId"),
            "ToPort": 5432
        })
    );
}

#[test]
fn seed_000_readers_autoscale_on_average_cpu() {
    let f = fixture();
    let cluster = DatabaseCluster::new(&f.stack, "AuroraCluster", seed_000(&f));
    assert!(cluster.reader_scaling_target().is_some());
    let t = template(&f.app);
    let target = resource(&t, "AuroraCluster/ReaderScaling/Target/Resource");
    assert_eq!(
        target["Properties"],
        json!({
            "MaxCapacity": 5,
            "MinCapacity": 1,
            "ResourceId": {"Fn::Sub": ["cluster:${Cluster}", {"Cluster": {"Ref": CLUSTER}}]},
            "RoleARN": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/rds.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_RDSCluster"},
            "ScalableDimension": "rds:cluster:ReadReplicaCount",
            "ServiceNamespace": "rds"
        })
    );
    // Registration needs the writer up; the instances come first.
    assert_eq!(
        target["DependsOn"],
        json!([
            "AuroraClusterreader13116B38E",
            "AuroraClusterreader2EDCF545E",
            WRITER
        ])
    );
    let policy = resource(&t, "AuroraCluster/ReaderScaling/Target/Tracking/Resource");
    assert_eq!(
        policy["Properties"],
        json!({
            "PolicyName": "BirdStackAuroraClusterReaderScalingTargetTracking59C760A9",
            "PolicyType": "TargetTrackingScaling",
            "ScalingTargetId": {"Ref": "AuroraClusterReaderScalingTarget8DD5A3AF"},
            "TargetTrackingScalingPolicyConfiguration": {
                "PredefinedMetricSpecification": {
                    "PredefinedMetricType": "RDSReaderAverageCPUUtilization"
                },
                "ScaleInCooldown": 900,
                "ScaleOutCooldown": 300,
                "TargetValue": 70.0
            }
        })
    );
}

#[test]
fn accessors_point_at_the_cluster_attributes() {
    let f = fixture();
    let cluster = DatabaseCluster::new(&f.stack, "AuroraCluster", seed_000(&f));
    let outputs = [
        ("Endpoint", cluster.cluster_endpoint_address()),
        ("Reader", cluster.reader_endpoint_address()),
        ("Port", cluster.endpoint_port()),
        ("Arn", cluster.cluster_arn()),
        ("Id", cluster.cluster_identifier()),
    ];
    for (name, value) in outputs {
        f.stack.output(name, Output::new(value));
    }
    assert_eq!(cluster.port(), 5432);
    assert_eq!(cluster.readers().len(), 2);
    let t = template(&f.app);
    let o = &t["Outputs"];
    assert_eq!(o["Endpoint"]["Value"], get_att(CLUSTER, "Endpoint.Address"));
    assert_eq!(
        o["Reader"]["Value"],
        get_att(CLUSTER, "ReadEndpoint.Address")
    );
    assert_eq!(o["Port"]["Value"], get_att(CLUSTER, "Endpoint.Port"));
    assert_eq!(o["Arn"]["Value"], get_att(CLUSTER, "DBClusterArn"));
    assert_eq!(o["Id"]["Value"], json!({"Ref": CLUSTER}));
}
