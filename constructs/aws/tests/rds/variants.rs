//! Cluster variants: its own security group and client connections, IAM
//! authentication grants, defaults and the Retain policy, instance
//! parameters, Serverless v2 and global databases.

use std::time::Duration;

use serde_json::{json, Value as Json};
use strata::ec2::{SecurityGroup, SecurityGroupProps};
use strata::iam::{Principal, Role, RoleProps};
use strata::prelude::*;
use strata::rds::{
    ClusterInstance, DatabaseCluster, DatabaseClusterProps, DatabaseSubnets, GlobalDatabase,
    ServerlessV2Scaling,
};

use super::{fixture, get_att, only_issue, resource, template, Fixture, CLUSTER, WRITER};

/// The logical ID of the security group the cluster creates.
fn own_group() -> String {
    strata::logical_id(&["AuroraCluster", "SecurityGroup", "Resource"])
}

/// A dev cluster: one writer, every setting at its default.
fn minimal(f: &Fixture, writer: ClusterInstance) -> DatabaseClusterProps {
    DatabaseClusterProps::new("15.10", writer, DatabaseSubnets::from_vpc(&f.vpc, "data"))
}

#[test]
fn defaults_create_a_security_group_use_the_default_parameter_group_and_keep_a_snapshot() {
    let f = fixture();
    let cluster = DatabaseCluster::new(
        &f.stack,
        "AuroraCluster",
        minimal(&f, ClusterInstance::provisioned("db.t4g.medium")),
    );
    assert_eq!(cluster.security_groups().len(), 1);
    assert!(cluster.monitoring_role().is_none());
    let t = template(&f.app);
    let props = &t["Resources"][CLUSTER]["Properties"];
    assert_eq!(
        props,
        &json!({
            "BackupRetentionPeriod": 1,
            "CopyTagsToSnapshot": true,
            "DBClusterParameterGroupName": "default.aurora-postgresql15",
            "DBSubnetGroupName": {"Ref": "AuroraClusterSubnetsF3E9E6AD"},
            "Engine": "aurora-postgresql",
            "EngineVersion": "15.10",
            "MasterUserPassword": {"Fn::Sub": [
                "{{resolve:secretsmanager:${SecretArn}:SecretString:password::}}",
                {"SecretArn": {"Ref": super::SECRET}}
            ]},
            "MasterUsername": "postgres",
            "Port": 5432,
            "StorageEncrypted": true,
            "VpcSecurityGroupIds": [get_att(&own_group(), "GroupId")]
        })
    );
    assert_eq!(t["Resources"][CLUSTER]["DeletionPolicy"], "Snapshot");
    let group = resource(&t, "AuroraCluster/SecurityGroup/Resource");
    assert_eq!(
        group["Properties"]["GroupDescription"],
        "RDS security group"
    );
    assert_eq!(group["Properties"]["VpcId"], json!({"Ref": "Vpc8378EB38"}));
    let writer = &t["Resources"][WRITER]["Properties"];
    assert_eq!(writer["DBInstanceClass"], "db.t4g.medium");
    assert_eq!(writer["AvailabilityZone"], Json::Null);
    assert_eq!(writer["EnablePerformanceInsights"], Json::Null);
}

#[test]
fn retain_keeps_the_cluster_instances_secret_and_subnet_group_and_protects_the_cluster() {
    let f = fixture();
    DatabaseCluster::new(
        &f.stack,
        "AuroraCluster",
        DatabaseClusterProps {
            removal_policy: RemovalPolicy::Retain,
            ..minimal(&f, ClusterInstance::provisioned("db.r6g.large"))
        },
    );
    let t = template(&f.app);
    let r = &t["Resources"];
    for id in [
        CLUSTER,
        WRITER,
        super::SECRET,
        "AuroraClusterSubnetsF3E9E6AD",
    ] {
        assert_eq!(r[id]["DeletionPolicy"], "Retain", "{id}");
        assert_eq!(r[id]["UpdateReplacePolicy"], "Retain", "{id}");
    }
    assert_eq!(r[CLUSTER]["Properties"]["DeletionProtection"], true);
}

#[test]
fn prod_turns_deletion_protection_on_unless_told_otherwise() {
    let f = fixture();
    let props = |id: &str, deletion_protection| {
        DatabaseCluster::new(
            &f.stack,
            id,
            DatabaseClusterProps {
                prod: true,
                deletion_protection,
                ..minimal(&f, ClusterInstance::provisioned("db.r6g.large"))
            },
        )
    };
    props("Prod", None);
    props("Drill", Some(false));
    let t = template(&f.app);
    assert_eq!(
        resource(&t, "Prod/Resource")["Properties"]["DeletionProtection"],
        true
    );
    assert_eq!(
        resource(&t, "Drill/Resource")["Properties"]["DeletionProtection"],
        false
    );
}

#[test]
fn clients_connect_on_the_cluster_port_and_iam_users_get_rds_db_connect() {
    let f = fixture();
    let cluster = DatabaseCluster::new(
        &f.stack,
        "AuroraCluster",
        DatabaseClusterProps {
            iam_authentication: true,
            ..minimal(&f, ClusterInstance::provisioned("db.r6g.large"))
        },
    );
    let client = SecurityGroup::new(
        &f.stack,
        "EcsSg",
        SecurityGroupProps {
            vpc_id: f.vpc.vpc_id(),
            description: Some("ECS tasks".into()),
            ..SecurityGroupProps::default()
        },
    );
    cluster.connect_from(&client, "PostgreSQL from ECS");
    let role = Role::new(
        &f.stack,
        "TaskRole",
        RoleProps::new(Principal::service("ecs-tasks.amazonaws.com")),
    );
    assert!(cluster.grant_connect(&role, "agent_app").success());
    let t = template(&f.app);
    let r = &t["Resources"];
    let db_sg = get_att(&own_group(), "GroupId");
    let ecs_sg = get_att("EcsSg17B4B0B3", "GroupId");
    let ingress = r
        .as_object()
        .into_iter()
        .flatten()
        .find(|(_, v)| v["Type"] == "AWS::EC2::SecurityGroupIngress")
        .map(|(_, v)| v["Properties"].clone());
    assert_eq!(
        ingress,
        Some(json!({
            "Description": "PostgreSQL from ECS",
            "FromPort": 5432,
            "GroupId": db_sg,
            "IpProtocol": "tcp",
            "SourceSecurityGroupId": ecs_sg,
            "ToPort": 5432
        }))
    );
    let egress = r
        .as_object()
        .into_iter()
        .flatten()
        .find(|(_, v)| v["Type"] == "AWS::EC2::SecurityGroupEgress")
        .map(|(_, v)| v["Properties"].clone());
    assert_eq!(
        egress.as_ref().map(|e| &e["DestinationSecurityGroupId"]),
        Some(&db_sg)
    );
    assert_eq!(egress.as_ref().map(|e| &e["GroupId"]), Some(&ecs_sg));
    assert_eq!(
        resource(&t, "TaskRole/DefaultPolicy/Resource")["Properties"]["PolicyDocument"]
            ["Statement"],
        json!([{
            "Action": "rds-db:connect",
            "Effect": "Allow",
            "Resource": {"Fn::Sub": [
                "arn:${AWS::Partition}:rds-db:us-east-1:123456789012:dbuser:${ResourceId}/agent_app",
                {"ResourceId": get_att(CLUSTER, "DBClusterResourceId")}
            ]}
        }])
    );
}

#[test]
fn grant_connect_without_iam_authentication_fails_synth() {
    let f = fixture();
    let cluster = DatabaseCluster::new(
        &f.stack,
        "AuroraCluster",
        minimal(&f, ClusterInstance::provisioned("db.r6g.large")),
    );
    let role = Role::new(
        &f.stack,
        "TaskRole",
        RoleProps::new(Principal::service("ecs-tasks.amazonaws.com")),
    );
    cluster.grant_connect(&role, "agent_app");
    assert_eq!(
        only_issue(&f.app),
        "BirdStack/AuroraCluster: [rds-iam-authentication] granting connect as \"agent_app\" needs IAM database authentication; set iam_authentication: true"
    );
}

#[test]
fn instance_parameters_go_to_one_group_shared_by_every_instance() {
    let f = fixture();
    DatabaseCluster::new(
        &f.stack,
        "AuroraCluster",
        DatabaseClusterProps {
            readers: vec![ClusterInstance::provisioned("db.r6g.large")],
            instance_parameters: [("log_min_duration_statement".to_string(), "1000".to_string())]
                .into(),
            cloudwatch_logs_exports: vec!["postgresql".into()],
            ..minimal(&f, ClusterInstance::provisioned("db.r6g.large"))
        },
    );
    let t = template(&f.app);
    let group = resource(&t, "AuroraCluster/InstanceParameterGroup/Resource");
    assert_eq!(
        group["Properties"],
        json!({
            "Description": "Parameter group for aurora-postgresql15",
            "Family": "aurora-postgresql15",
            "Parameters": {"log_min_duration_statement": "1000"}
        })
    );
    let name = json!({"Ref": strata::logical_id(&["AuroraCluster", "InstanceParameterGroup", "Resource"])});
    assert_eq!(
        t["Resources"][WRITER]["Properties"]["DBParameterGroupName"],
        name
    );
    assert_eq!(
        resource(&t, "AuroraCluster/reader1/Resource")["Properties"]["DBParameterGroupName"],
        name
    );
    assert_eq!(
        t["Resources"][CLUSTER]["Properties"]["EnableCloudwatchLogsExports"],
        json!(["postgresql"])
    );
}

#[test]
fn serverless_v2_sets_the_capacity_range_and_db_serverless_instances() {
    let f = fixture();
    DatabaseCluster::new(
        &f.stack,
        "AuroraCluster",
        DatabaseClusterProps {
            readers: vec![ClusterInstance::serverless_v2().in_az(1)],
            serverless_v2: Some(ServerlessV2Scaling {
                seconds_until_auto_pause: Some(Duration::from_secs(600)),
                ..ServerlessV2Scaling::new(0.0, 16.5)
            }),
            ..minimal(&f, ClusterInstance::serverless_v2())
        },
    );
    let t = template(&f.app);
    assert_eq!(
        t["Resources"][CLUSTER]["Properties"]["ServerlessV2ScalingConfiguration"],
        json!({"MaxCapacity": 16.5, "MinCapacity": 0.0, "SecondsUntilAutoPause": 600})
    );
    assert_eq!(
        t["Resources"][WRITER]["Properties"]["DBInstanceClass"],
        "db.serverless"
    );
    assert_eq!(
        resource(&t, "AuroraCluster/reader1/Resource")["Properties"]["DBInstanceClass"],
        "db.serverless"
    );
}

#[test]
fn a_global_primary_creates_the_global_cluster_and_joins_it() {
    let f = fixture();
    let cluster = DatabaseCluster::new(
        &f.stack,
        "AuroraCluster",
        DatabaseClusterProps {
            global: Some(GlobalDatabase::Primary {
                identifier: "bird-agent-global".into(),
            }),
            prod: true,
            ..minimal(&f, ClusterInstance::provisioned("db.r6g.large"))
        },
    );
    assert!(cluster.global_cluster().is_some());
    let t = template(&f.app);
    assert_eq!(
        resource(&t, "AuroraCluster/GlobalCluster")["Properties"],
        json!({
            "DeletionProtection": true,
            "Engine": "aurora-postgresql",
            "EngineVersion": "15.10",
            "GlobalClusterIdentifier": "bird-agent-global",
            "StorageEncrypted": true
        })
    );
    assert_eq!(
        t["Resources"][CLUSTER]["Properties"]["GlobalClusterIdentifier"],
        json!({"Ref": strata::logical_id(&["AuroraCluster", "GlobalCluster"])})
    );
}

#[test]
fn a_global_secondary_has_no_credentials_of_its_own() {
    let f = fixture();
    let cluster = DatabaseCluster::new(
        &f.stack,
        "AuroraCluster",
        DatabaseClusterProps {
            global: Some(GlobalDatabase::Secondary {
                identifier: "bird-agent-global".into(),
            }),
            ..minimal(&f, ClusterInstance::provisioned("db.r6g.large"))
        },
    );
    assert!(cluster.secret().is_none());
    assert!(cluster.secret_arn().is_none());
    let t = template(&f.app);
    let props = &t["Resources"][CLUSTER]["Properties"];
    assert_eq!(props["GlobalClusterIdentifier"], "bird-agent-global");
    assert_eq!(props["MasterUsername"], Json::Null);
    assert_eq!(props["MasterUserPassword"], Json::Null);
    let secrets = t["Resources"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, r)| r["Type"] == "AWS::SecretsManager::Secret")
        .count();
    assert_eq!(secrets, 0);
}
