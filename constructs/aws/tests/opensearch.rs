//! OpenSearch: seed 001's knowledge base, seed 002's observability domain
//! with fine-grained access control and logs, seed 004's dev domain, and
//! what OpenSearch would reject, caught at synth with the domain's path.

use serde_json::json;
use strata::iam::{PolicyDocument, PolicyStatement, Principal, Role, RoleProps};
use strata::kms::{Key, KeyProps};
use strata::opensearch::{
    domain_arn_for, Domain, DomainLogs, DomainProps, DomainVpc, FineGrainedAccess, Gp3Volume,
    NodeGroup, TlsSecurityPolicy,
};
use strata::prelude::*;

fn id(path: &[&str]) -> String {
    strata::logical_id(path)
}

/// Seed 001's knowledge base, with dedicated masters of a size OpenSearch
/// offers (the seed's r6g.medium.search does not exist).
fn seed_001(kms_key_id: Value<String>) -> DomainProps {
    DomainProps {
        domain_name: Some("ai-agent-knowledge-base".into()),
        dedicated_masters: Some(NodeGroup::new("m6g.large.search", 3)),
        ebs: Some(Gp3Volume {
            iops: Some(3000),
            ..Gp3Volume::new(100)
        }),
        availability_zone_count: 3,
        vpc: Some(DomainVpc {
            subnet_ids: vec![
                "private-subnet-1a".into(),
                "private-subnet-1b".into(),
                "private-subnet-1c".into(),
            ],
            security_group_ids: vec!["opensearch-sg".into()],
        }),
        kms_key_id: Some(kms_key_id),
        ..DomainProps::new("OpenSearch_2.3", "r6g.large.search", 3)
    }
}

#[test]
fn seed_001_knowledge_base_renders_every_setting() {
    let app = App::new();
    let stack = app.stack("Search", StackProps::default());
    let key = Key::new(
        &stack,
        "OpenSearchKey",
        KeyProps {
            alias: Some("opensearch-key".into()),
            ..KeyProps::default()
        },
    );
    let domain = Domain::new(&stack, "KnowledgeBase", seed_001(key.key_id()));
    assert_eq!(domain.port(), 443);
    assert!(domain.master_user_secret().is_none());
    stack.output("Endpoint", Output::new(domain.domain_endpoint()));
    let t = app.synth().expect("valid").stacks[0].template.clone();
    let res = &t["Resources"][id(&["KnowledgeBase", "Resource"]).as_str()];
    assert_eq!(res["Type"], "AWS::OpenSearchService::Domain");
    assert_eq!(res["DeletionPolicy"], "Retain");
    assert_eq!(res["UpdateReplacePolicy"], "Retain");
    assert_eq!(
        res["Properties"],
        json!({
            "ClusterConfig": {
                "DedicatedMasterCount": 3,
                "DedicatedMasterEnabled": true,
                "DedicatedMasterType": "m6g.large.search",
                "InstanceCount": 3,
                "InstanceType": "r6g.large.search",
                "ZoneAwarenessConfig": {"AvailabilityZoneCount": 3},
                "ZoneAwarenessEnabled": true
            },
            "DomainEndpointOptions": {
                "EnforceHTTPS": true,
                "TLSSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"
            },
            "DomainName": "ai-agent-knowledge-base",
            "EBSOptions": {
                "EBSEnabled": true,
                "Iops": 3000,
                "VolumeSize": 100,
                "VolumeType": "gp3"
            },
            "EncryptionAtRestOptions": {
                "Enabled": true,
                "KmsKeyId": {"Ref": id(&["OpenSearchKey", "Resource"])}
            },
            "EngineVersion": "OpenSearch_2.3",
            "NodeToNodeEncryptionOptions": {"Enabled": true},
            "VPCOptions": {
                "SecurityGroupIds": ["opensearch-sg"],
                "SubnetIds": ["private-subnet-1a", "private-subnet-1b", "private-subnet-1c"]
            }
        })
    );
    assert_eq!(
        t["Outputs"]["Endpoint"]["Value"],
        json!({"Fn::GetAtt": [id(&["KnowledgeBase", "Resource"]), "DomainEndpoint"]})
    );
}

#[test]
fn seed_002_fine_grained_access_generates_the_master_user_and_publishes_logs() {
    let app = App::new();
    let stack = app.stack("Observability", StackProps::default());
    let log_group = |name: &str| {
        stack
            .resource_with(
                name,
                cfn::logs::LogGroup {
                    retention_in_days: Some(30.into()),
                    ..cfn::logs::LogGroup::default()
                },
                ResourceOptions::removal(RemovalPolicy::Retain),
            )
            .arn()
    };
    let app_logs = log_group("AppLogs");
    let audit_logs = log_group("AuditLogs");
    let reader = Role::new(
        &stack,
        "Grafana",
        RoleProps::new(Principal::service("ec2.amazonaws.com")),
    );
    let domain = Domain::new(
        &stack,
        "Logs",
        DomainProps {
            domain_name: Some("agent-logs".into()),
            availability_zone_count: 2,
            fine_grained_access: Some(FineGrainedAccess::InternalUser {
                name: "admin".into(),
                password: None,
            }),
            access_policy: Some(
                PolicyDocument::new().with_statement(
                    PolicyStatement::allow()
                        .action("es:ESHttp*")
                        .principal(Principal::account_root())
                        .resource(Fn::sub(
                            "arn:${AWS::Partition}:es:${AWS::Region}:${AWS::AccountId}:domain/agent-logs/*",
                        )),
                ),
            ),
            logs: DomainLogs {
                application: Some(app_logs.clone()),
                audit: Some(audit_logs.clone()),
                ..DomainLogs::default()
            },
            tls_security_policy: TlsSecurityPolicy::Tls12Pfs,
            ..DomainProps::new("OpenSearch_2.11", "r6g.large.search", 4)
        },
    );
    domain.grant_read(&reader);
    let secret = domain.master_user_secret().expect("generated");
    let secret_id = id(&["Logs", "MasterUser", "Resource"]);
    assert_eq!(secret.scope().path(), "Observability/Logs/MasterUser");
    let t = app.synth().expect("valid").stacks[0].template.clone();
    let r = &t["Resources"];
    let res = &r[id(&["Logs", "Resource"]).as_str()];
    let policy_id = id(&["Logs", "LogResourcePolicy"]);
    assert_eq!(
        res["Properties"]["AdvancedSecurityOptions"],
        json!({
            "Enabled": true,
            "InternalUserDatabaseEnabled": true,
            "MasterUserOptions": {
                "MasterUserName": "admin",
                "MasterUserPassword": {"Fn::Sub": [
                    "{{resolve:secretsmanager:${SecretArn}:SecretString:password::}}",
                    {"SecretArn": {"Ref": secret_id}}
                ]}
            }
        })
    );
    assert_eq!(
        res["Properties"]["AccessPolicies"]["Statement"][0]["Resource"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:es:${AWS::Region}:${AWS::AccountId}:domain/agent-logs/*"})
    );
    assert_eq!(
        res["Properties"]["LogPublishingOptions"],
        json!({
            "AUDIT_LOGS": {"CloudWatchLogsLogGroupArn": {"Fn::GetAtt": ["AuditLogs", "Arn"]}, "Enabled": true},
            "ES_APPLICATION_LOGS": {"CloudWatchLogsLogGroupArn": {"Fn::GetAtt": ["AppLogs", "Arn"]}, "Enabled": true}
        })
    );
    assert_eq!(
        res["Properties"]["DomainEndpointOptions"]["TLSSecurityPolicy"],
        "Policy-Min-TLS-1-2-PFS-2023-10"
    );
    assert_eq!(res["DependsOn"], json!([policy_id]));
    let log_policy = &r[policy_id.as_str()];
    assert_eq!(log_policy["Type"], "AWS::Logs::ResourcePolicy");
    // Resource policies are per account and region: the name includes the stack.
    assert_eq!(
        log_policy["Properties"]["PolicyName"],
        id(&["Observability", "Logs", "LogResourcePolicy"])
    );
    assert_eq!(
        log_policy["Properties"]["PolicyDocument"]["Statement"],
        json!([{
            "Action": ["logs:PutLogEvents", "logs:CreateLogStream"],
            "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
            "Effect": "Allow",
            "Principal": {"Service": "es.amazonaws.com"},
            "Resource": [{"Fn::GetAtt": ["AuditLogs", "Arn"]}, {"Fn::GetAtt": ["AppLogs", "Arn"]}]
        }])
    );
    let generate = &r[secret_id.as_str()]["Properties"]["GenerateSecretString"];
    assert_eq!(generate["SecretStringTemplate"], "{\"username\":\"admin\"}");
    assert_eq!(generate["GenerateStringKey"], "password");
    assert_eq!(generate["ExcludeCharacters"], "{}'\\*[]()`");
    assert_eq!(r[secret_id.as_str()]["DeletionPolicy"], "Retain");
    let grant = &r[id(&["Grafana", "DefaultPolicy", "Resource"]).as_str()]["Properties"]
        ["PolicyDocument"]["Statement"][0];
    assert_eq!(grant["Action"], json!(["es:ESHttpGet", "es:ESHttpHead"]));
    let domain_arn = json!({"Fn::GetAtt": [id(&["Logs", "Resource"]), "Arn"]});
    assert_eq!(
        grant["Resource"],
        json!([domain_arn, {"Fn::Sub": ["${Arn}/*", {"Arn": domain_arn}]}])
    );
}

#[test]
fn seed_004_dev_domain_is_one_small_node_in_one_subnet() {
    let app = App::new();
    let stack = app.stack("Dev", StackProps::default());
    Domain::new(
        &stack,
        "KnowledgeBase",
        DomainProps {
            vpc: Some(DomainVpc {
                subnet_ids: vec!["subnet-isolated-a".into()],
                security_group_ids: vec!["sg-search".into()],
            }),
            fine_grained_access: Some(FineGrainedAccess::MasterUserArn(
                "arn:aws:iam::123456789012:role/search-admin".into(),
            )),
            access_policy: Some(
                PolicyDocument::new().with_statement(
                    PolicyStatement::allow()
                        .action("es:ESHttp*")
                        .principal(Principal::arn(
                            "arn:aws:iam::123456789012:role/search-admin",
                        ))
                        .resource(domain_arn_for("knowledge-dev")),
                ),
            ),
            domain_name: Some("knowledge-dev".into()),
            ..DomainProps::new("OpenSearch_2.11", "t3.small.search", 1)
        },
    );
    let t = app.synth().expect("valid").stacks[0].template.clone();
    let p = &t["Resources"][id(&["KnowledgeBase", "Resource"]).as_str()]["Properties"];
    assert_eq!(
        p["ClusterConfig"],
        json!({
            "DedicatedMasterEnabled": false,
            "InstanceCount": 1,
            "InstanceType": "t3.small.search",
            "ZoneAwarenessEnabled": false
        })
    );
    assert_eq!(
        p["EBSOptions"],
        json!({"EBSEnabled": true, "VolumeSize": 10, "VolumeType": "gp3"})
    );
    assert_eq!(
        p["AdvancedSecurityOptions"],
        json!({
            "Enabled": true,
            "InternalUserDatabaseEnabled": false,
            "MasterUserOptions": {"MasterUserARN": "arn:aws:iam::123456789012:role/search-admin"}
        })
    );
    assert_eq!(
        p["AccessPolicies"]["Statement"][0]["Resource"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:es:${AWS::Region}:${AWS::AccountId}:domain/knowledge-dev"})
    );
}

#[test]
fn local_nvme_instances_take_no_ebs_volume() {
    let app = App::new();
    let stack = app.stack("Search", StackProps::default());
    Domain::new(
        &stack,
        "Hot",
        DomainProps {
            ebs: None,
            ..DomainProps::new("OpenSearch_2.11", "r6gd.large.search", 2)
        },
    );
    let t = app.synth().expect("valid").stacks[0].template.clone();
    assert_eq!(
        t["Resources"][id(&["Hot", "Resource"]).as_str()]["Properties"]["EBSOptions"],
        json!({"EBSEnabled": false})
    );
}

/// A change to the seed props that OpenSearch would reject.
type Edit = Box<dyn FnOnce(&mut DomainProps)>;

fn error_for(edit: impl FnOnce(&mut DomainProps)) -> String {
    let app = App::new();
    let stack = app.stack("Search", StackProps::default());
    let mut props = seed_001("1234abcd-12ab-34cd-56ef-1234567890ab".into());
    edit(&mut props);
    Domain::new(&stack, "KnowledgeBase", props);
    let err = app.synth().expect_err("must fail").to_string();
    assert!(err.contains("Search/KnowledgeBase"), "{err}");
    err
}

#[test]
fn settings_opensearch_rejects_are_synth_errors() {
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|p| p.dedicated_masters = Some(NodeGroup::new("r6g.medium.search", 3))),
            "OpenSearch has no medium instance in the r6g family (dedicated master nodes); use one of r6g.large.search",
        ),
        (
            Box::new(|p| p.data_nodes.instance_type = "r6g.large".into()),
            "the data instance type \"r6g.large\" is not an OpenSearch instance type",
        ),
        (
            Box::new(|p| p.data_nodes.instance_type = "ultrawarm1.medium.search".into()),
            "is an UltraWarm type for warm storage",
        ),
        (
            Box::new(|p| p.dedicated_masters = Some(NodeGroup::new("m6g.large.search", 2))),
            "2 dedicated master nodes: OpenSearch takes 3 or 5",
        ),
        (
            Box::new(|p| p.data_nodes.count = 4),
            "4 data nodes cannot spread evenly over 3 Availability Zones",
        ),
        (
            Box::new(|p| p.availability_zone_count = 4),
            "availability_zone_count is 4; use 1, or 2 or 3",
        ),
        (
            Box::new(|p| p.availability_zone_count = 1),
            "the domain spans 1 Availability Zone(s) but 3 subnets are given",
        ),
        (
            Box::new(|p| {
                if let Some(vpc) = p.vpc.as_mut() {
                    vpc.security_group_ids.clear()
                }
            }),
            "the domain is in a VPC without a security group",
        ),
        (
            Box::new(|p| p.ebs = Some(Gp3Volume::new(5))),
            "a gp3 volume of 5 GiB is outside 10-24576 GiB",
        ),
        (
            Box::new(|p| {
                p.ebs = Some(Gp3Volume {
                    iops: Some(20_000),
                    ..Gp3Volume::new(100)
                })
            }),
            "20000 IOPS is outside 3000-16000 for a 100 GiB gp3 volume",
        ),
        (
            Box::new(|p| {
                p.ebs = Some(Gp3Volume {
                    throughput_mibps: Some(1_000),
                    ..Gp3Volume::new(100)
                })
            }),
            "a throughput of 1000 MiB/s needs at least 4000 IOPS",
        ),
        (
            Box::new(|p| p.ebs = None),
            "r6g.large.search nodes have no local storage; give the data nodes a gp3 volume",
        ),
        (
            Box::new(|p| p.engine_version = "2.11".into()),
            "engine version \"2.11\" is not an OpenSearch version",
        ),
        (
            Box::new(|p| p.domain_name = Some("AI_Knowledge".into())),
            "domain name \"AI_Knowledge\" must be 3 to 28 lowercase letters",
        ),
        (
            Box::new(|p| p.encryption_at_rest = false),
            "a KMS key is set but encryption at rest is off",
        ),
        (
            Box::new(|p| {
                p.node_to_node_encryption = false;
                p.enforce_https = false;
                p.fine_grained_access = Some(FineGrainedAccess::InternalUser {
                    name: "admin".into(),
                    password: None,
                });
            }),
            "fine-grained access control needs encryption at rest, node-to-node encryption and enforced HTTPS; turn on node-to-node encryption, enforced HTTPS",
        ),
        (
            Box::new(|p| {
                p.fine_grained_access =
                    Some(FineGrainedAccess::MasterUserArn("admin".into()))
            }),
            "master user \"admin\" is not an IAM role or user ARN",
        ),
        (
            Box::new(|p| {
                p.logs = DomainLogs {
                    audit: Some("arn:aws:logs:us-east-1:123456789012:log-group:audit:*".into()),
                    ..DomainLogs::default()
                }
            }),
            "audit logs need fine-grained access control",
        ),
        (
            Box::new(|p| {
                p.data_nodes = NodeGroup::new("t2.small.search", 3);
                p.dedicated_masters = None;
            }),
            "t2.small.search nodes support neither encryption at rest nor node-to-node encryption",
        ),
        (
            Box::new(|p| {
                p.access_policy = Some(PolicyDocument::new().with_statement(
                    PolicyStatement::allow().action("es:ESHttpGet").resource("*"),
                ))
            }),
            "access policy: statement 1: a resource policy statement must name at least one principal",
        ),
    ];
    for (edit, message) in cases {
        let err = error_for(edit);
        assert!(err.contains(message), "expected {message:?} in {err}");
    }
}
