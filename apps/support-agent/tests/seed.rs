//! Seed 003's concrete facts in the production templates: the module
//! order, CIDRs, ports, node groups, capacities, retention periods,
//! lifecycles and rules.

mod common;

use std::collections::BTreeMap;

use common::{at_path, of_type, only, templates};
use serde_json::{json, Value};

fn prod() -> BTreeMap<String, Value> {
    templates("prod")
}

#[test]
fn stacks_depend_on_each_other_as_the_seed_orders_its_modules() {
    use support_agent::*;
    let assembly = app_for("prod").synth().expect("valid");
    let deps: BTreeMap<&str, Vec<&str>> = assembly
        .stacks
        .iter()
        .map(|s| {
            let mut d: Vec<&str> = s.dependencies.iter().map(String::as_str).collect();
            d.sort_unstable();
            d.dedup();
            (s.id.as_str(), d)
        })
        .collect();
    let mut expected: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    expected.insert(KMS, vec![]);
    expected.insert(WAF, vec![]);
    expected.insert(VPC, vec![KMS]);
    expected.insert(EKS, vec![KMS, VPC]);
    expected.insert(SECRETS, vec![KMS]);
    expected.insert(RDS, vec![EKS, KMS, VPC]);
    expected.insert(REDIS, vec![EKS, KMS, VPC]);
    expected.insert(S3, vec![KMS]);
    expected.insert(DYNAMODB, vec![KMS]);
    expected.insert(MESSAGING, vec![KMS]);
    let mut workload = vec![DYNAMODB, EKS, KMS, MESSAGING, RDS, REDIS, S3, SECRETS];
    workload.sort_unstable();
    expected.insert(WORKLOAD, workload);
    for list in expected.values_mut() {
        list.sort_unstable();
    }
    assert_eq!(deps, expected);
}

#[test]
fn the_vpc_has_three_slash_20_tiers_over_three_azs() {
    let t = &prod()[support_agent::VPC];
    assert_eq!(only(t, "AWS::EC2::VPC")["CidrBlock"], "10.0.0.0/16");
    let mut by_tier: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for subnet in of_type(t, "AWS::EC2::Subnet") {
        let p = &subnet["Properties"];
        let tier = p["Tags"]
            .as_array()
            .and_then(|tags| tags.iter().find(|t| t["Key"] == "aws-cdk:subnet-name"))
            .and_then(|t| t["Value"].as_str())
            .expect("tier tag")
            .to_string();
        by_tier
            .entry(tier)
            .or_default()
            .push(p["CidrBlock"].as_str().expect("cidr").to_string());
        assert!(p["AvailabilityZone"]["Fn::Select"][1]["Fn::GetAZs"].is_string());
    }
    assert_eq!(
        by_tier["public"],
        ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"]
    );
    assert_eq!(
        by_tier["private"],
        ["10.0.64.0/20", "10.0.80.0/20", "10.0.96.0/20"]
    );
    assert_eq!(
        by_tier["database"],
        ["10.0.128.0/20", "10.0.144.0/20", "10.0.160.0/20"]
    );
    assert_eq!(of_type(t, "AWS::EC2::NatGateway").len(), 3);
    assert_eq!(of_type(t, "AWS::EC2::InternetGateway").len(), 1);
    // Database subnets have no route out.
    for az in 1..=3 {
        let route = t["Resources"]
            .as_object()
            .expect("resources")
            .values()
            .find(|r| {
                r["Metadata"]["aws:cdk:path"]
                    == format!("SupportAgentVpc/Vpc/databaseSubnet{az}/DefaultRoute")
            });
        assert!(route.is_none(), "database subnet {az} routes out");
    }
}

#[test]
fn network_acls_keep_the_public_tier_away_from_the_database_tier() {
    let t = &prod()[support_agent::VPC];
    let entries: Vec<&Value> = of_type(t, "AWS::EC2::NetworkAclEntry")
        .into_iter()
        .filter(|e| {
            e["Metadata"]["aws:cdk:path"]
                .as_str()
                .is_some_and(|p| p.starts_with("SupportAgentVpc/Vpc/databaseNacl/"))
        })
        .map(|e| &e["Properties"])
        .collect();
    let ingress: Vec<(String, Value)> = entries
        .iter()
        .filter(|e| e["Egress"] == false)
        .map(|e| {
            (
                e["CidrBlock"].as_str().expect("cidr").to_string(),
                e["PortRange"].clone(),
            )
        })
        .collect();
    for (cidr, _) in &ingress {
        assert!(
            ![
                "10.0.0.0/20",
                "10.0.16.0/20",
                "10.0.32.0/20",
                "0.0.0.0/0",
                "10.0.0.0/16"
            ]
            .contains(&cidr.as_str()),
            "the database tier admits {cidr}"
        );
    }
    for private in ["10.0.64.0/20", "10.0.80.0/20", "10.0.96.0/20"] {
        for port in [5432, 6379] {
            assert!(
                ingress.contains(&(private.to_string(), json!({"From": port, "To": port}))),
                "{private}:{port}"
            );
        }
    }
}

#[test]
fn the_seed_vpc_endpoints_exist() {
    let t = &prod()[support_agent::VPC];
    let mut services: Vec<(String, String)> = of_type(t, "AWS::EC2::VPCEndpoint")
        .iter()
        .map(|e| {
            let p = &e["Properties"];
            (
                p["ServiceName"]
                    .as_str()
                    .expect("name")
                    .replace("com.amazonaws.us-east-1.", ""),
                p["VpcEndpointType"].as_str().expect("type").to_string(),
            )
        })
        .collect();
    services.sort();
    let expected: Vec<(String, String)> = [
        ("dynamodb", "Gateway"),
        ("ecr.api", "Interface"),
        ("ecr.dkr", "Interface"),
        ("logs", "Interface"),
        ("s3", "Gateway"),
        ("secretsmanager", "Interface"),
        ("sns", "Interface"),
        ("sqs", "Interface"),
        ("sts", "Interface"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(services, expected);
}

#[test]
fn prod_has_seven_rotating_keys_with_the_seed_names() {
    let t = &prod()[support_agent::KMS];
    let mut aliases: Vec<&str> = of_type(t, "AWS::KMS::Alias")
        .iter()
        .map(|a| a["Properties"]["AliasName"].as_str().expect("alias"))
        .collect();
    aliases.sort_unstable();
    assert_eq!(
        aliases,
        [
            "alias/support-agent/prod/dynamodb",
            "alias/support-agent/prod/eks",
            "alias/support-agent/prod/elasticache",
            "alias/support-agent/prod/rds",
            "alias/support-agent/prod/secrets",
            "alias/support-agent/prod/sns-sqs",
            "alias/support-agent/prod/storage",
        ]
    );
    for key in of_type(t, "AWS::KMS::Key") {
        assert_eq!(key["Properties"]["EnableKeyRotation"], true);
        assert_eq!(key["Properties"]["PendingWindowInDays"], 30);
        assert_eq!(key["DeletionPolicy"], "Retain");
    }
}

#[test]
fn eks_runs_the_four_node_groups_of_the_seed() {
    let t = &prod()[support_agent::EKS];
    let cluster = only(t, "AWS::EKS::Cluster");
    assert_eq!(cluster["Name"], "support-agent-prod");
    assert_eq!(cluster["ResourcesVpcConfig"]["EndpointPublicAccess"], false);
    assert_eq!(cluster["EncryptionConfig"][0]["Resources"][0], "secrets");
    assert_eq!(
        cluster["ResourcesVpcConfig"]["SubnetIds"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    let groups: BTreeMap<&str, &Value> = of_type(t, "AWS::EKS::Nodegroup")
        .into_iter()
        .map(|g| {
            (
                g["Properties"]["NodegroupName"].as_str().expect("name"),
                &g["Properties"],
            )
        })
        .collect();
    let expect = |name: &str, ty: &str, capacity: &str, min: i64, max: i64| {
        let g = groups[name];
        assert_eq!(g["InstanceTypes"], json!([ty]), "{name}");
        assert_eq!(g["CapacityType"], capacity, "{name}");
        assert_eq!(g["ScalingConfig"]["MinSize"], min, "{name}");
        assert_eq!(g["ScalingConfig"]["MaxSize"], max, "{name}");
        assert_eq!(
            g["UpdateConfig"]["MaxUnavailablePercentage"], 33.0,
            "{name}"
        );
    };
    expect("general-spot", "t3a.medium", "SPOT", 1, 3);
    expect("general-t3", "t3.xlarge", "ON_DEMAND", 3, 20);
    expect("general-t3a", "t3a.xlarge", "ON_DEMAND", 3, 20);
    expect("ai", "r6i.2xlarge", "ON_DEMAND", 2, 10);
    assert_eq!(
        groups["ai"]["Taints"],
        json!([{"Effect": "NO_SCHEDULE", "Key": "workload", "Value": "ai"}])
    );
    assert_eq!(groups["ai"]["Labels"]["workload"], "ai");
    for name in ["general-spot", "general-t3", "general-t3a"] {
        assert!(groups[name]["Taints"].is_null(), "{name}");
        assert_eq!(groups[name]["Labels"]["workload"], "general");
    }
    let logs = only(t, "AWS::Logs::LogGroup");
    assert_eq!(logs["LogGroupName"], "/aws/eks/support-agent-prod/cluster");
    assert_eq!(logs["RetentionInDays"], 90);
}

#[test]
fn rds_is_multi_az_postgres_on_5432_from_the_eks_nodes_only() {
    let all = prod();
    let t = &all[support_agent::RDS];
    let db = only(t, "AWS::RDS::DBInstance");
    assert_eq!(db["Engine"], "postgres");
    assert_eq!(db["DBName"], "agentdb");
    assert_eq!(db["Port"], "5432");
    assert_eq!(db["MultiAZ"], true);
    assert_eq!(db["BackupRetentionPeriod"], 30);
    assert_eq!(db["StorageEncrypted"], true);
    assert_eq!(db["DeletionProtection"], true);
    assert_eq!(db["ManageMasterUserPassword"], true);
    assert_eq!(db["MaxAllocatedStorage"], 1000);
    assert_eq!(db["MonitoringInterval"], 60);
    assert_eq!(db["EnablePerformanceInsights"], true);
    assert_eq!(db["PubliclyAccessible"], false);
    let params = only(t, "AWS::RDS::DBParameterGroup");
    assert_eq!(params["Parameters"]["rds.force_ssl"], "1");
    let ingress = only(t, "AWS::EC2::SecurityGroupIngress");
    assert_eq!(ingress["FromPort"], 5432);
    assert_eq!(ingress["ToPort"], 5432);
    // The source is the cluster security group, handed over by the EKS stack.
    let source = ingress["SourceSecurityGroupId"]["Ref"]
        .as_str()
        .expect("a parameter");
    assert!(t["Parameters"][source].is_object(), "{source}");
    let group = only(t, "AWS::EC2::SecurityGroup");
    assert_eq!(
        group["SecurityGroupEgress"][0]["CidrIp"],
        "255.255.255.255/32"
    );
}

#[test]
fn redis_has_three_encrypted_nodes_with_an_auth_token() {
    let t = &prod()[support_agent::REDIS];
    let redis = only(t, "AWS::ElastiCache::ReplicationGroup");
    assert_eq!(redis["NumCacheClusters"], 3);
    assert_eq!(redis["MultiAZEnabled"], true);
    assert_eq!(redis["AutomaticFailoverEnabled"], true);
    assert_eq!(redis["Port"], 6379);
    assert_eq!(redis["AtRestEncryptionEnabled"], true);
    assert_eq!(redis["TransitEncryptionEnabled"], true);
    assert!(
        redis["KmsKeyId"]["Ref"].is_string(),
        "the elasticache key from the KMS stack"
    );
    let token = redis["AuthToken"]["Fn::Sub"][0]
        .as_str()
        .expect("a dynamic reference");
    assert!(token.starts_with("{{resolve:secretsmanager:"), "{token}");
    let ingress = only(t, "AWS::EC2::SecurityGroupIngress");
    assert_eq!(ingress["FromPort"], 6379);
}

#[test]
fn tables_have_the_seed_keys_ttl_streams_and_pitr() {
    let t = &prod()[support_agent::DYNAMODB];
    let tables: BTreeMap<&str, &Value> = of_type(t, "AWS::DynamoDB::Table")
        .into_iter()
        .map(|r| {
            (
                r["Properties"]["TableName"].as_str().expect("name"),
                &r["Properties"],
            )
        })
        .collect();
    let conversations = tables["prod-conversations"];
    assert_eq!(
        conversations["KeySchema"],
        json!([{"AttributeName": "userId", "KeyType": "HASH"}, {"AttributeName": "conversationId", "KeyType": "RANGE"}])
    );
    assert_eq!(
        conversations["TimeToLiveSpecification"]["AttributeName"],
        "ttl"
    );
    assert_eq!(
        conversations["GlobalSecondaryIndexes"][0]["KeySchema"][1]["AttributeName"],
        "createdAt"
    );
    let sessions = tables["prod-sessions"];
    assert_eq!(sessions["KeySchema"][0]["AttributeName"], "sessionId");
    assert_eq!(
        sessions["TimeToLiveSpecification"]["AttributeName"],
        "expiresAt"
    );
    for table in tables.values() {
        assert_eq!(table["BillingMode"], "PAY_PER_REQUEST");
        assert_eq!(
            table["StreamSpecification"]["StreamViewType"],
            "NEW_AND_OLD_IMAGES"
        );
        assert_eq!(
            table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"],
            true
        );
        assert_eq!(table["SSESpecification"]["SSEType"], "KMS");
    }
}

fn rules_of<'a>(t: &'a Value, id: &str) -> &'a Value {
    let bucket = at_path(t, &format!("SupportAgentS3/{id}/Resource"));
    &bucket["Properties"]["LifecycleConfiguration"]["Rules"]
}

fn rule<'a>(rules: &'a Value, id: &str) -> &'a Value {
    rules
        .as_array()
        .and_then(|r| r.iter().find(|r| r["Id"] == id))
        .unwrap_or_else(|| panic!("no lifecycle rule {id}"))
}

#[test]
fn seven_buckets_with_the_seed_lifecycles() {
    let t = &prod()[support_agent::S3];
    let buckets = of_type(t, "AWS::S3::Bucket");
    assert_eq!(buckets.len(), 7);
    for b in &buckets {
        assert_eq!(
            b["Properties"]["VersioningConfiguration"]["Status"],
            "Enabled"
        );
        assert_eq!(
            b["Properties"]["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"],
            true
        );
    }
    let tiers = json!([
        {"StorageClass": "STANDARD_IA", "TransitionInDays": 30},
        {"StorageClass": "GLACIER_IR", "TransitionInDays": 90},
        {"StorageClass": "DEEP_ARCHIVE", "TransitionInDays": 180}
    ]);
    assert_eq!(
        rule(rules_of(t, "Backups"), "multi-tier")["Transitions"],
        tiers
    );
    assert_eq!(
        rule(rules_of(t, "KnowledgeDocuments"), "tiering")["Transitions"],
        tiers
    );
    assert_eq!(
        rule(rules_of(t, "KnowledgeDocuments"), "expire-old-versions")
            ["NoncurrentVersionExpiration"]["NoncurrentDays"],
        90
    );
    assert_eq!(
        rule(rules_of(t, "UserUploads"), "expire-uploads")["ExpirationInDays"],
        90
    );
    let audit = &at_path(t, "SupportAgentS3/AuditLogs/Resource")["Properties"];
    assert_eq!(audit["ObjectLockEnabled"], true);
    assert_eq!(
        audit["ObjectLockConfiguration"]["Rule"]["DefaultRetention"],
        json!({"Mode": "COMPLIANCE", "Days": 365})
    );
    let sse = |id: &str| {
        at_path(t, &format!("SupportAgentS3/{id}/Resource"))["Properties"]["BucketEncryption"]
            ["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
            ["SSEAlgorithm"]
            .clone()
    };
    assert_eq!(sse("KnowledgeDocuments"), "aws:kms");
    // S3 delivers server access logs only to SSE-S3 buckets.
    assert_eq!(sse("AccessLogs"), "AES256");
}

#[test]
fn four_topics_feed_queues_with_dead_letter_queues() {
    let t = &prod()[support_agent::MESSAGING];
    let mut topics: Vec<&str> = of_type(t, "AWS::SNS::Topic")
        .iter()
        .map(|r| r["Properties"]["TopicName"].as_str().expect("name"))
        .collect();
    topics.sort_unstable();
    assert_eq!(
        topics,
        [
            "prod-action-requests",
            "prod-knowledge-updates",
            "prod-notification-requests",
            "prod-ticket-events"
        ]
    );
    let queues: BTreeMap<&str, &Value> = of_type(t, "AWS::SQS::Queue")
        .into_iter()
        .map(|r| {
            (
                r["Properties"]["QueueName"].as_str().expect("name"),
                &r["Properties"],
            )
        })
        .collect();
    assert_eq!(queues.len(), 8);
    for (name, _) in support_agent::messaging::STREAMS {
        let queue = queues[format!("prod-{name}-queue").as_str()];
        assert_eq!(queue["MessageRetentionPeriod"], 7 * 86_400);
        assert_eq!(queue["RedrivePolicy"]["maxReceiveCount"], 3);
        assert!(queue["KmsMasterKeyId"].is_object());
        let dlq = queues[format!("prod-{name}-dlq").as_str()];
        assert_eq!(dlq["MessageRetentionPeriod"], 14 * 86_400);
    }
    let subscriptions = of_type(t, "AWS::SNS::Subscription");
    assert_eq!(subscriptions.len(), 4);
    for s in subscriptions {
        assert_eq!(s["Properties"]["Protocol"], "sqs");
    }
    for topic in of_type(t, "AWS::SNS::Topic") {
        assert!(topic["Properties"]["KmsMasterKeyId"].is_object());
    }
}

#[test]
fn the_web_acl_limits_rates_and_blocks_sql_injection_and_owasp_attacks() {
    let t = &prod()[support_agent::WAF];
    let acl = only(t, "AWS::WAFv2::WebACL");
    assert_eq!(acl["Scope"], "REGIONAL");
    let rules = acl["Rules"].as_array().expect("rules");
    let rate = rules
        .iter()
        .find(|r| r["Name"] == "RateLimitPerIp")
        .expect("rate rule");
    assert_eq!(rate["Statement"]["RateBasedStatement"]["Limit"], 2000);
    assert_eq!(
        rate["Statement"]["RateBasedStatement"]["AggregateKeyType"],
        "IP"
    );
    let groups: Vec<&str> = rules
        .iter()
        .filter_map(|r| r["Statement"]["ManagedRuleGroupStatement"]["Name"].as_str())
        .collect();
    assert_eq!(
        groups,
        ["AWSManagedRulesSQLiRuleSet", "AWSManagedRulesCommonRuleSet"]
    );
    assert!(t["Outputs"]["WebAclArn"].is_object());
}

#[test]
fn the_agent_pods_get_least_privilege_access_through_pod_identity() {
    let t = &prod()[support_agent::WORKLOAD];
    let association = only(t, "AWS::EKS::PodIdentityAssociation");
    assert_eq!(association["Namespace"], "support-agent");
    assert_eq!(association["ServiceAccount"], "support-agent");
    let role = only(t, "AWS::IAM::Role");
    assert_eq!(
        role["AssumeRolePolicyDocument"]["Statement"][0]["Action"],
        json!(["sts:AssumeRole", "sts:TagSession"])
    );
    let policy = only(t, "AWS::IAM::Policy");
    let statements = policy["PolicyDocument"]["Statement"]
        .as_array()
        .expect("statements");
    for s in statements {
        assert_ne!(s["Resource"], "*", "{s}");
    }
    let actions: Vec<String> = statements
        .iter()
        .flat_map(|s| match &s["Action"] {
            Value::Array(a) => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            Value::String(a) => vec![a.clone()],
            _ => Vec::new(),
        })
        .collect();
    for needed in [
        "secretsmanager:GetSecretValue",
        "dynamodb:PutItem",
        "s3:PutObject",
        "sns:Publish",
        "sqs:ReceiveMessage",
    ] {
        assert!(actions.iter().any(|a| a == needed), "{needed}");
    }
}
