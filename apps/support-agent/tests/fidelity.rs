//! Fidelity to seed 003: its concrete numbers in the synthesized
//! templates (the module order, CIDRs, ports, node groups, capacities,
//! retention periods, lifecycles, rules and keys), in prod and, where the
//! seed gives dev its own numbers, in dev; asserted with
//! `strata-assertions`.

use std::collections::BTreeMap;

use serde_json::json;
use strata_assertions::{AssertionError, Capture, Match, Matcher, Template};
use support_agent::*;

type Result = std::result::Result<(), AssertionError>;

/// The stacks' templates of environment `env`, by stack id.
fn stacks(env: &str) -> impl Fn(&str) -> Template {
    let a = app_for(env).synth().unwrap_or_else(|e| panic!("{e}"));
    move |id| Template::from_stack(&a, id).unwrap_or_else(|e| panic!("{e}"))
}

/// A resource whose construct path matches the regular expression `path`.
fn at_path(path: &str) -> Matcher {
    Match::object_like([(
        "Metadata",
        Match::object_like([("aws:cdk:path", Match::string_like_regexp(path))]),
    )])
}

/// An array of exactly `n` elements, whatever they are.
fn items(n: usize) -> Matcher {
    Match::array_equals(vec![Match::any_value(); n])
}

#[test]
fn stacks_depend_on_each_other_as_the_seed_orders_its_modules() {
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
    expected.insert(
        WORKLOAD,
        vec![DYNAMODB, EKS, KMS, MESSAGING, RDS, REDIS, S3, SECRETS],
    );
    for list in expected.values_mut() {
        list.sort_unstable();
    }
    assert_eq!(deps, expected);
}

#[test]
fn the_vpc_has_three_slash_20_tiers_over_three_azs() -> Result {
    let t = stacks("prod")(VPC);
    // "VPC: 10.0.0.0/16 (Prod)"
    t.has_resource_properties("AWS::EC2::VPC", json!({"CidrBlock": "10.0.0.0/16"}))?;
    // "10.0.0.0/20", "10.0.16.0/20", … "10.0.160.0/20"
    t.resource_count_is("AWS::EC2::Subnet", 9)?;
    for (tier, cidrs) in [
        ("public", ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"]),
        ("private", ["10.0.64.0/20", "10.0.80.0/20", "10.0.96.0/20"]),
        (
            "database",
            ["10.0.128.0/20", "10.0.144.0/20", "10.0.160.0/20"],
        ),
    ] {
        for (az, cidr) in cidrs.iter().enumerate() {
            t.has_resource_properties(
                "AWS::EC2::Subnet",
                Match::object_like(json!({
                    "CidrBlock": cidr,
                    "AvailabilityZone": {"Fn::Select": [az, {"Fn::GetAZs": ""}]}}))
                .with(
                    "Tags",
                    Match::array_with([Match::object_like(
                        json!({"Key": "aws-cdk:subnet-name", "Value": tier}),
                    )]),
                ),
            )?;
        }
    }
    // Three NAT gateways in prod ("only 1 in Dev").
    t.resource_count_is("AWS::EC2::NatGateway", 3)?;
    t.resource_count_is("AWS::EC2::InternetGateway", 1)?;
    // The private subnets route out; the database subnets do not.
    let routes = |tier: &str| {
        t.find_resources(
            "AWS::EC2::Route",
            at_path(&format!(
                "^SupportAgentVpc/Vpc/{tier}Subnet[123]/DefaultRoute$"
            )),
        )
        .len()
    };
    assert_eq!(routes("private"), 3);
    assert_eq!(routes("database"), 0);
    Ok(())
}

#[test]
fn network_acls_keep_the_public_tier_away_from_the_database_tier() -> Result {
    let t = stacks("prod")(VPC);
    // The database tier admits the private tier on 5432 and 6379 …
    for private in ["10.0.64.0/20", "10.0.80.0/20", "10.0.96.0/20"] {
        for port in [5432, 6379] {
            t.has_resource(
                "AWS::EC2::NetworkAclEntry",
                at_path("^SupportAgentVpc/Vpc/databaseNacl/").with(
                    "Properties",
                    json!({"Egress": false, "CidrBlock": private,
                           "PortRange": {"From": port, "To": port}}),
                ),
            )?;
        }
    }
    // … and nothing from the public tier, the VPC or anywhere.
    let public = Match::string_like_regexp(
        r"^(10\.0\.0\.0/20|10\.0\.16\.0/20|10\.0\.32\.0/20|0\.0\.0\.0/0|10\.0\.0\.0/16)$",
    );
    let from_public = at_path("^SupportAgentVpc/Vpc/databaseNacl/").with(
        "Properties",
        Match::object_like(json!({"Egress": false})).with("CidrBlock", public),
    );
    assert_eq!(
        t.find_resources("AWS::EC2::NetworkAclEntry", from_public)
            .len(),
        0
    );
    Ok(())
}

#[test]
fn the_seed_vpc_endpoints_exist() -> Result {
    let t = stacks("prod")(VPC);
    t.resource_count_is("AWS::EC2::VPCEndpoint", 9)?;
    for (service, kind) in [
        ("dynamodb", "Gateway"),
        ("ecr.api", "Interface"),
        ("ecr.dkr", "Interface"),
        ("logs", "Interface"),
        ("s3", "Gateway"),
        ("secretsmanager", "Interface"),
        ("sns", "Interface"),
        ("sqs", "Interface"),
        ("sts", "Interface"),
    ] {
        t.has_resource_properties(
            "AWS::EC2::VPCEndpoint",
            json!({"ServiceName": format!("com.amazonaws.us-east-1.{service}"),
                   "VpcEndpointType": kind}),
        )?;
    }
    Ok(())
}

#[test]
fn prod_has_seven_rotating_keys_with_the_seed_names() -> Result {
    let t = stacks("prod")(KMS);
    // "PROD (7 separate keys): prod/storage (S3), prod/rds (RDS), …"
    t.resource_count_is("AWS::KMS::Key", 7)?;
    t.resource_count_is("AWS::KMS::Alias", 7)?;
    for name in [
        "storage",
        "rds",
        "dynamodb",
        "sns-sqs",
        "elasticache",
        "secrets",
        "eks",
    ] {
        t.has_resource_properties(
            "AWS::KMS::Alias",
            json!({"AliasName": format!("alias/support-agent/prod/{name}")}),
        )?;
    }
    t.all_resources(
        "AWS::KMS::Key",
        json!({"DeletionPolicy": "Retain",
               "Properties": {"EnableKeyRotation": true, "PendingWindowInDays": 30}}),
    )
}

#[test]
fn eks_runs_the_four_node_groups_of_the_seed() -> Result {
    let t = stacks("prod")(EKS);
    t.resource_count_is("AWS::EKS::Cluster", 1)?;
    t.has_resource_properties(
        "AWS::EKS::Cluster",
        Match::object_like(json!({
            "Name": "support-agent-prod",
            "EncryptionConfig": [{"Resources": ["secrets"]}]}))
        .with(
            "ResourcesVpcConfig",
            Match::object_like(json!({"EndpointPublicAccess": false})).with("SubnetIds", items(3)),
        ),
    )?;
    // "t3a.medium", "t3.xlarge", "t3a.xlarge", "r6i.2xlarge"; general
    // "Min: 3 nodes", "Max: 20 nodes", "33% max churn"; AI "Min: 2 nodes",
    // "Max: 10 nodes", "Taints: workload=ai (only AI pods)".
    t.resource_count_is("AWS::EKS::Nodegroup", 4)?;
    for (name, ty, capacity, min, max, workload) in [
        ("general-spot", "t3a.medium", "SPOT", 1, 3, "general"),
        ("general-t3", "t3.xlarge", "ON_DEMAND", 3, 20, "general"),
        ("general-t3a", "t3a.xlarge", "ON_DEMAND", 3, 20, "general"),
        ("ai", "r6i.2xlarge", "ON_DEMAND", 2, 10, "ai"),
    ] {
        let taints = if workload == "ai" {
            Match::exact(json!([{"Effect": "NO_SCHEDULE", "Key": "workload", "Value": "ai"}]))
        } else {
            Match::absent()
        };
        t.has_resource_properties(
            "AWS::EKS::Nodegroup",
            Match::object_like(json!({
                "NodegroupName": name, "InstanceTypes": [ty], "CapacityType": capacity,
                "ScalingConfig": {"MinSize": min, "MaxSize": max},
                "UpdateConfig": {"MaxUnavailablePercentage": 33.0},
                "Labels": {"workload": workload}}))
            .with("Taints", taints),
        )?;
    }
    t.has_resource_properties(
        "AWS::Logs::LogGroup",
        json!({"LogGroupName": "/aws/eks/support-agent-prod/cluster", "RetentionInDays": 90}),
    )
}

#[test]
fn rds_is_multi_az_postgres_on_5432_from_the_eks_nodes_only() -> Result {
    let t = stacks("prod")(RDS);
    // "(Port 5432)", "Multi-AZ (Prod)", "TLS/SSL connections (port 5432)",
    // "Auto-grows up to max_allocated"
    t.resource_count_is("AWS::RDS::DBInstance", 1)?;
    t.has_resource_properties(
        "AWS::RDS::DBInstance",
        json!({"Engine": "postgres", "DBName": "agentdb", "Port": "5432", "MultiAZ": true,
               "BackupRetentionPeriod": 30, "StorageEncrypted": true,
               "DeletionProtection": true, "ManageMasterUserPassword": true,
               "MaxAllocatedStorage": 1000, "MonitoringInterval": 60,
               "EnablePerformanceInsights": true, "PubliclyAccessible": false}),
    )?;
    t.has_resource_properties(
        "AWS::RDS::DBParameterGroup",
        json!({"Parameters": {"rds.force_ssl": "1"}}),
    )?;
    // The only ingress: 5432 from the cluster security group, a parameter
    // the EKS stack fills.
    t.resource_count_is("AWS::EC2::SecurityGroupIngress", 1)?;
    let source = Capture::new();
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        Match::object_like(json!({"FromPort": 5432, "ToPort": 5432})).with(
            "SourceSecurityGroupId",
            Match::object_like([("Ref", &source)]),
        ),
    )?;
    t.has_parameter(
        &source.as_str()?,
        Match::object_like([("Type", Match::any_value())]),
    )?;
    t.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        json!({"SecurityGroupEgress": [{"CidrIp": "255.255.255.255/32"}]}),
    )
}

#[test]
fn redis_has_three_encrypted_nodes_with_an_auth_token() -> Result {
    let t = stacks("prod")(REDIS);
    // "(Port 6379)", "3 nodes", "Multi-AZ (Prod)", "KMS enc."
    t.has_resource_properties(
        "AWS::ElastiCache::ReplicationGroup",
        Match::object_like(json!({
            "NumCacheClusters": 3, "MultiAZEnabled": true, "AutomaticFailoverEnabled": true,
            "Port": 6379, "AtRestEncryptionEnabled": true, "TransitEncryptionEnabled": true}))
        .with(
            "KmsKeyId",
            Match::object_like([("Ref", Match::any_value())]),
        )
        .with(
            "AuthToken",
            Match::object_like([(
                "Fn::Sub",
                Match::array_with([Match::string_like_regexp(r"^\{\{resolve:secretsmanager:")]),
            )]),
        ),
    )?;
    t.resource_count_is("AWS::EC2::SecurityGroupIngress", 1)?;
    t.has_resource_properties("AWS::EC2::SecurityGroupIngress", json!({"FromPort": 6379}))
}

#[test]
fn tables_have_the_seed_keys_ttl_streams_and_pitr() -> Result {
    let t = stacks("prod")(DYNAMODB);
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        json!({"TableName": "prod-conversations",
               "KeySchema": [{"AttributeName": "userId", "KeyType": "HASH"},
                             {"AttributeName": "conversationId", "KeyType": "RANGE"}],
               "TimeToLiveSpecification": {"AttributeName": "ttl"}}),
    )?;
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        Match::object_like(json!({"TableName": "prod-conversations"})).with(
            "GlobalSecondaryIndexes",
            Match::array_with([Match::object_like([(
                "KeySchema",
                Match::array_with([Match::object_like(
                    json!({"AttributeName": "createdAt", "KeyType": "RANGE"}),
                )]),
            )])]),
        ),
    )?;
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        Match::object_like(json!({"TableName": "prod-sessions",
            "TimeToLiveSpecification": {"AttributeName": "expiresAt"}}))
        .with(
            "KeySchema",
            Match::array_with([Match::object_like(json!({"AttributeName": "sessionId"}))]),
        ),
    )?;
    // "PITR(Prod)", KMS encryption, streams.
    t.all_resources_properties(
        "AWS::DynamoDB::Table",
        json!({"BillingMode": "PAY_PER_REQUEST",
               "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
               "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true},
               "SSESpecification": {"SSEType": "KMS"}}),
    )
}

/// A bucket at `SupportAgentS3/<id>/Resource` with `props`.
fn bucket(t: &Template, id: &str, props: impl Into<Matcher>) -> Result {
    t.has_resource(
        "AWS::S3::Bucket",
        at_path(&format!("^SupportAgentS3/{id}/Resource$")).with("Properties", props),
    )
}

/// Lifecycle rules that include `rule`.
fn lifecycle(rule: serde_json::Value) -> Matcher {
    Match::object_like([(
        "LifecycleConfiguration",
        Match::object_like([("Rules", Match::array_with([Match::object_like(rule)]))]),
    )])
}

#[test]
fn seven_buckets_with_the_seed_lifecycles() -> Result {
    let t = stacks("prod")(S3);
    t.resource_count_is("AWS::S3::Bucket", 7)?;
    t.all_resources_properties(
        "AWS::S3::Bucket",
        json!({"VersioningConfiguration": {"Status": "Enabled"},
               "PublicAccessBlockConfiguration": {"RestrictPublicBuckets": true}}),
    )?;
    // "30-90 days: STANDARD_IA", "90-180 days: GLACIER_IR",
    // "180+ days: DEEP_ARCHIVE"
    let tiers = json!([
        {"StorageClass": "STANDARD_IA", "TransitionInDays": 30},
        {"StorageClass": "GLACIER_IR", "TransitionInDays": 90},
        {"StorageClass": "DEEP_ARCHIVE", "TransitionInDays": 180}
    ]);
    bucket(
        &t,
        "Backups",
        lifecycle(json!({"Id": "multi-tier", "Transitions": tiers})),
    )?;
    bucket(
        &t,
        "KnowledgeDocuments",
        lifecycle(json!({"Id": "tiering", "Transitions": tiers})),
    )?;
    bucket(
        &t,
        "KnowledgeDocuments",
        lifecycle(json!({"Id": "expire-old-versions",
                         "NoncurrentVersionExpiration": {"NoncurrentDays": 90}})),
    )?;
    bucket(
        &t,
        "UserUploads",
        lifecycle(json!({"Id": "expire-uploads", "ExpirationInDays": 90})),
    )?;
    bucket(
        &t,
        "AuditLogs",
        json!({"ObjectLockEnabled": true,
               "ObjectLockConfiguration": {"Rule": {"DefaultRetention":
                   {"Mode": "COMPLIANCE", "Days": 365}}}}),
    )?;
    let sse = |algorithm: &str| {
        json!({"BucketEncryption": {"ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": algorithm}}]}})
    };
    bucket(&t, "KnowledgeDocuments", sse("aws:kms"))?;
    // S3 delivers server access logs only to SSE-S3 buckets.
    bucket(&t, "AccessLogs", sse("AES256"))
}

#[test]
fn four_topics_feed_queues_with_dead_letter_queues() -> Result {
    let t = stacks("prod")(MESSAGING);
    // "prod-ticket-events", "prod-notification-requests", … "KMS encrypted"
    t.resource_count_is("AWS::SNS::Topic", 4)?;
    for topic in [
        "prod-action-requests",
        "prod-knowledge-updates",
        "prod-notification-requests",
        "prod-ticket-events",
    ] {
        t.has_resource_properties(
            "AWS::SNS::Topic",
            Match::object_like(json!({"TopicName": topic}))
                .with("KmsMasterKeyId", Match::any_value()),
        )?;
    }
    // "(Message stored for 7 days)", "(14 days retention)"
    t.resource_count_is("AWS::SQS::Queue", 8)?;
    for (name, _) in messaging::STREAMS {
        t.has_resource_properties(
            "AWS::SQS::Queue",
            Match::object_like(json!({
                "QueueName": format!("prod-{name}-queue"),
                "MessageRetentionPeriod": 7 * 86_400,
                "RedrivePolicy": {"maxReceiveCount": 3}}))
            .with("KmsMasterKeyId", json!({})),
        )?;
        t.has_resource_properties(
            "AWS::SQS::Queue",
            json!({"QueueName": format!("prod-{name}-dlq"), "MessageRetentionPeriod": 14 * 86_400}),
        )?;
    }
    t.resource_count_is("AWS::SNS::Subscription", 4)?;
    t.all_resources_properties("AWS::SNS::Subscription", json!({"Protocol": "sqs"}))
}

#[test]
fn the_web_acl_limits_rates_and_blocks_sql_injection_and_owasp_attacks() -> Result {
    let t = stacks("prod")(WAF);
    // "Rate Limiting (2000 req/IP)"
    t.has_resource_properties(
        "AWS::WAFv2::WebACL",
        Match::object_like(json!({"Scope": "REGIONAL"})).with(
            "Rules",
            Match::array_with([
                Match::object_like(json!({"Name": "RateLimitPerIp", "Statement": {
                    "RateBasedStatement": {"Limit": 2000, "AggregateKeyType": "IP"}}})),
                Match::object_like(json!({"Statement": {"ManagedRuleGroupStatement":
                    {"Name": "AWSManagedRulesSQLiRuleSet"}}})),
                Match::object_like(json!({"Statement": {"ManagedRuleGroupStatement":
                    {"Name": "AWSManagedRulesCommonRuleSet"}}})),
            ]),
        ),
    )?;
    t.has_output("WebAclArn", json!({"Value": {}}))
}

#[test]
fn the_agent_pods_get_least_privilege_access_through_pod_identity() -> Result {
    let t = stacks("prod")(WORKLOAD);
    t.has_resource_properties(
        "AWS::EKS::PodIdentityAssociation",
        json!({"Namespace": "support-agent", "ServiceAccount": "support-agent"}),
    )?;
    t.has_resource_properties(
        "AWS::IAM::Role",
        json!({"AssumeRolePolicyDocument": {"Statement": [
            {"Action": ["sts:AssumeRole", "sts:TagSession"]}]}}),
    )?;
    t.resource_count_is("AWS::IAM::Policy", 1)?;
    // No statement on every resource.
    t.all_resources_properties(
        "AWS::IAM::Policy",
        Match::object_like([(
            "PolicyDocument",
            Match::object_like([(
                "Statement",
                Match::not(Match::array_with([Match::object_like(
                    json!({"Resource": "*"}),
                )])),
            )]),
        )]),
    )?;
    for action in [
        "secretsmanager:GetSecretValue",
        "dynamodb:PutItem",
        "s3:PutObject",
        "sns:Publish",
        "sqs:ReceiveMessage",
    ] {
        let as_list = Match::object_like([("Action", Match::array_with([Matcher::from(action)]))]);
        let single = Match::object_like(json!({"Action": action}));
        let with = |s: Matcher| {
            Match::object_like([(
                "PolicyDocument",
                Match::object_like([("Statement", Match::array_with([s]))]),
            )])
        };
        t.has_resource_properties("AWS::IAM::Policy", with(as_list))
            .or_else(|_| t.has_resource_properties("AWS::IAM::Policy", with(single)))?;
    }
    Ok(())
}

#[test]
fn dev_runs_the_seed_dev_numbers() -> Result {
    let dev = stacks("dev");
    // "VPC: 10.10.0.0/16 (Dev)", "NAT Gateway (only 1 in Dev)"
    dev(VPC).has_resource_properties("AWS::EC2::VPC", json!({"CidrBlock": "10.10.0.0/16"}))?;
    dev(VPC).resource_count_is("AWS::EC2::NatGateway", 1)?;
    // "DEV (1 shared key): dev/shared (all services)"
    let kms = dev(KMS);
    kms.resource_count_is("AWS::KMS::Key", 1)?;
    kms.has_resource_properties(
        "AWS::KMS::Alias",
        json!({"AliasName": "alias/support-agent/dev/shared"}),
    )?;
    // "SPOT instances (Dev)", "t3a.medium (dev)"
    dev(EKS).all_resources_properties(
        "AWS::EKS::Nodegroup",
        json!({"CapacityType": "SPOT", "InstanceTypes": ["t3a.medium"]}),
    )?;
    // "Single-AZ (dev)", "Single node (dev)"
    dev(RDS).has_resource_properties(
        "AWS::RDS::DBInstance",
        json!({"MultiAZ": false, "BackupRetentionPeriod": 30}),
    )?;
    dev(REDIS).has_resource_properties(
        "AWS::ElastiCache::ReplicationGroup",
        json!({"NumCacheClusters": 1, "AutomaticFailoverEnabled": false}),
    )?;
    // "PITR enabled in Prod" only.
    dev(DYNAMODB).all_resources_properties(
        "AWS::DynamoDB::Table",
        Match::object_like([
            ("TableName", Match::string_like_regexp("^dev-")),
            ("PointInTimeRecoverySpecification", Match::absent()),
        ]),
    )?;
    // "7-day retention (Prod) vs 1-day (Dev)"; dead letters keep 14 days.
    let messaging = dev(MESSAGING);
    messaging.resource_properties_count_is(
        "AWS::SQS::Queue",
        Match::object_like([
            ("QueueName", Match::string_like_regexp("-queue$")),
            ("MessageRetentionPeriod", Matcher::from(86_400)),
        ]),
        4,
    )?;
    messaging.resource_properties_count_is(
        "AWS::SQS::Queue",
        Match::object_like([
            ("QueueName", Match::string_like_regexp("-dlq$")),
            ("MessageRetentionPeriod", Matcher::from(1_209_600)),
        ]),
        4,
    )
}
