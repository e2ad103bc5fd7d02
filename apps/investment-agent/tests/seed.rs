//! Fidelity: the seed's concrete numbers in the production templates.

mod support;

use investment_agent::{API, COMPUTE, MONITORING, NETWORKING, RECOVERY, SECURITY, STORAGE};
use serde_json::{json, Value};
use support::{assembly, assert_has, at_path, count, properties, template};

#[test]
fn the_vpc_has_the_seed_cidrs_over_three_zones() {
    let a = assembly("prod");
    let t = template(&a, NETWORKING);
    assert_has(t, "AWS::EC2::VPC", json!({"CidrBlock": "10.0.0.0/16"}));
    let mut cidrs: Vec<&str> = properties(t, "AWS::EC2::Subnet")
        .iter()
        .map(|p| p["CidrBlock"].as_str().expect("cidr"))
        .collect();
    cidrs.sort_unstable();
    assert_eq!(
        cidrs,
        [
            "10.0.1.0/24",
            "10.0.11.0/24",
            "10.0.12.0/24",
            "10.0.13.0/24",
            "10.0.2.0/24",
            "10.0.21.0/24",
            "10.0.22.0/24",
            "10.0.23.0/24",
            "10.0.3.0/24"
        ]
    );
    assert_eq!(count(t, "AWS::EC2::NatGateway"), 3);
    // Isolated subnets have no default route; private ones go through NAT.
    for az in 1..=3 {
        let routes: Vec<&Value> = t["Resources"]
            .as_object()
            .expect("resources")
            .values()
            .filter(|r| {
                r["Metadata"]["aws:cdk:path"]
                    .as_str()
                    .is_some_and(|p| p.ends_with(&format!("isolatedSubnet{az}/DefaultRoute")))
            })
            .collect();
        assert!(routes.is_empty(), "isolated subnet {az} routes out");
        let private = at_path(t, &format!("privateSubnet{az}/DefaultRoute"));
        assert!(private["Properties"]["NatGatewayId"].is_object());
    }
    // The isolated tier reaches STS, Bedrock and Secrets Manager privately.
    let endpoints: Vec<String> = properties(t, "AWS::EC2::VPCEndpoint")
        .iter()
        .map(|p| p["ServiceName"].as_str().unwrap_or_default().to_string())
        .collect();
    for service in ["s3", "dynamodb", "bedrock-runtime", "secretsmanager", "sts"] {
        assert!(
            endpoints.contains(&format!("com.amazonaws.us-east-1.{service}")),
            "{service}: {endpoints:?}"
        );
    }
}

#[test]
fn security_groups_follow_the_seed() {
    let a = assembly("prod");
    let t = template(&a, NETWORKING);
    let group = |id: &str| at_path(t, &format!("{id}/Resource"))["Properties"].clone();
    // API Gateway SG: HTTPS from the internet.
    assert!(support::matches(
        &group("ApiGatewaySg"),
        &json!({"SecurityGroupIngress": [{"CidrIp": "0.0.0.0/0", "FromPort": 443, "ToPort": 443}]})
    ));
    // Lambda SG: outbound HTTPS and database connections, nothing inbound.
    let lambda = group("LambdaSg");
    assert!(support::matches(
        &lambda,
        &json!({"SecurityGroupEgress": [{"CidrIp": "0.0.0.0/0", "FromPort": 443}]})
    ));
    assert!(lambda.get("SecurityGroupIngress").is_none());
    // Database SG: inbound from Lambda only, on DAX's TLS port.
    let ingress = properties(t, "AWS::EC2::SecurityGroupIngress");
    let lambda_sg = json!({"Fn::GetAtt": [support::resources(t, "AWS::EC2::SecurityGroup")
        .iter()
        .find(|(k, _)| k.starts_with("LambdaSg"))
        .expect("lambda sg").0, "GroupId"]});
    let into = |prefix: &str| -> Vec<&Value> {
        ingress
            .iter()
            .copied()
            .filter(|p| {
                p["GroupId"]["Fn::GetAtt"][0]
                    .as_str()
                    .is_some_and(|g| g.starts_with(prefix))
            })
            .collect()
    };
    let database = into("DatabaseSg");
    assert_eq!(database.len(), 1);
    assert_eq!(database[0]["SourceSecurityGroupId"], lambda_sg);
    assert_eq!(database[0]["FromPort"], 9111);
    // OpenSearch SG: HTTPS from the application layer (Lambda and ECS).
    let search = into("OpenSearchSg");
    assert_eq!(search.len(), 2);
    assert!(search.iter().all(|p| p["FromPort"] == 443));
}

#[test]
fn the_functions_have_the_seed_memory_timeouts_and_concurrency() {
    let a = assembly("prod");
    let t = template(&a, COMPUTE);
    for (name, memory, timeout, reserved) in [
        ("api", 1024, 30, None),
        ("processing", 3008, 900, Some(200)),
        ("scheduler", 1024, 300, Some(10)),
    ] {
        let mut expected = json!({
            "FunctionName": format!("investment-ai-prod-{name}"),
            "Runtime": "nodejs22.x",
            "MemorySize": memory,
            "Timeout": timeout,
            "TracingConfig": {"Mode": "Active"},
            "Code": {"S3Key": format!("releases/1.0.0/{name}.zip")},
        });
        if let Some(r) = reserved {
            expected["ReservedConcurrentExecutions"] = json!(r);
        }
        assert_has(t, "AWS::Lambda::Function", expected);
    }
    for f in properties(t, "AWS::Lambda::Function") {
        // Environment variables are encrypted with the Lambda key.
        assert!(f["KmsKeyArn"]["Ref"]
            .as_str()
            .is_some_and(|p| p.contains("LambdaKey")));
    }
    // Sensitive processing runs in the isolated subnets.
    let processing = at_path(t, "ProcessingFunction/Resource");
    for subnet in processing["Properties"]["VpcConfig"]["SubnetIds"]
        .as_array()
        .expect("subnets")
    {
        assert!(subnet["Ref"]
            .as_str()
            .is_some_and(|p| p.contains("isolated")));
    }
    assert_has(
        t,
        "AWS::Lambda::Alias",
        json!({"Name": "live", "ProvisionedConcurrencyConfig": {"ProvisionedConcurrentExecutions": 5}}),
    );
    assert_has(
        t,
        "AWS::Events::Rule",
        json!({"ScheduleExpression": "rate(5 minutes)"}),
    );
    assert_has(
        t,
        "AWS::SQS::Queue",
        json!({"QueueName": "investment-ai-prod-processing", "VisibilityTimeout": 5400, "RedrivePolicy": {"maxReceiveCount": 3}}),
    );
}

#[test]
fn the_optional_ecs_service_scales_on_cpu_and_memory() {
    let a = assembly("prod");
    let t = template(&a, COMPUTE);
    assert_has(
        t,
        "AWS::ECS::TaskDefinition",
        json!({"Cpu": "2048", "Memory": "4096"}),
    );
    assert_has(
        t,
        "AWS::ApplicationAutoScaling::ScalableTarget",
        json!({"MinCapacity": 2, "MaxCapacity": 10, "ServiceNamespace": "ecs"}),
    );
    for metric in [
        "ECSServiceAverageCPUUtilization",
        "ECSServiceAverageMemoryUtilization",
    ] {
        assert_has(
            t,
            "AWS::ApplicationAutoScaling::ScalingPolicy",
            json!({"TargetTrackingScalingPolicyConfiguration": {"PredefinedMetricSpecification": {"PredefinedMetricType": metric}}}),
        );
    }
}

#[test]
fn the_proprietary_data_bucket_is_encrypted_versioned_private_tiered_and_replicated() {
    let a = assembly("prod");
    let t = template(&a, STORAGE);
    let bucket = &at_path(t, "Recovery/ProprietaryDataBucket/Resource")["Properties"];
    assert!(support::matches(
        bucket,
        &json!({
            "VersioningConfiguration": {"Status": "Enabled"},
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": true, "BlockPublicPolicy": true,
                "IgnorePublicAcls": true, "RestrictPublicBuckets": true
            },
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}
            ]},
            "IntelligentTieringConfigurations": [
                {"Tierings": [{"AccessTier": "ARCHIVE_ACCESS", "Days": 90}]}
            ],
        })
    ));
    let rules = &bucket["LifecycleConfiguration"]["Rules"];
    assert_eq!(
        rules[0]["Transitions"],
        json!([{"StorageClass": "INTELLIGENT_TIERING", "TransitionInDays": 0}])
    );
    // Cross-region replication under Replication Time Control.
    let rule = &bucket["ReplicationConfiguration"]["Rules"][0];
    assert_eq!(
        rule["Destination"]["ReplicationTime"]["Time"]["Minutes"],
        15
    );
    let replica = template(&a, RECOVERY);
    assert_has(
        replica,
        "AWS::S3::Bucket",
        json!({"BucketName": "investment-ai-prod-data-replica-123456789012-us-west-2", "VersioningConfiguration": {"Status": "Enabled"}}),
    );
}

#[test]
fn the_tables_have_the_seed_keys_indexes_recovery_and_ttl() {
    let a = assembly("prod");
    let t = template(&a, STORAGE);
    let common = json!({
        "BillingMode": "PAY_PER_REQUEST",
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true, "RecoveryPeriodInDays": 35},
        "TimeToLiveSpecification": {"AttributeName": "ttl", "Enabled": true},
        "SSESpecification": {"SSEEnabled": true, "SSEType": "KMS"},
    });
    let mut ideas = common.clone();
    ideas["TableName"] = json!("investment-ai-prod-investment-ideas");
    ideas["KeySchema"] = json!([
        {"AttributeName": "id", "KeyType": "HASH"},
        {"AttributeName": "timestamp", "KeyType": "RANGE"}
    ]);
    assert_has(t, "AWS::DynamoDB::Table", ideas);
    let mut profiles = common;
    profiles["TableName"] = json!("investment-ai-prod-user-profiles");
    profiles["KeySchema"] = json!([{"AttributeName": "userId", "KeyType": "HASH"}]);
    assert_has(t, "AWS::DynamoDB::Table", profiles);
    let table = &at_path(t, "InvestmentIdeasTable/Resource")["Properties"];
    let indexes: Vec<&str> = table["GlobalSecondaryIndexes"]
        .as_array()
        .expect("indexes")
        .iter()
        .map(|i| i["IndexName"].as_str().expect("name"))
        .collect();
    assert_eq!(indexes, ["UserIndex", "StatusIndex", "DateIndex"]);
    assert!(table["AttributeDefinitions"]
        .as_array()
        .expect("attributes")
        .contains(&json!({"AttributeName": "timestamp", "AttributeType": "N"})));
}

#[test]
fn market_data_and_the_knowledge_base_follow_the_seed() {
    let a = assembly("prod");
    let t = template(&a, STORAGE);
    assert_has(
        t,
        "AWS::Timestream::Table",
        json!({"RetentionProperties": {"MemoryStoreRetentionPeriodInHours": "24", "MagneticStoreRetentionPeriodInDays": "7"}}),
    );
    // Timestream for LiveAnalytics is closed to new customers; the
    // construct's W3697 suppression is kept.
    for (_, r) in support::resources(t, "AWS::Timestream::Table")
        .into_iter()
        .chain(support::resources(t, "AWS::Timestream::Database"))
    {
        assert_eq!(
            r["Metadata"]["cfn-lint"]["config"]["ignore_checks"],
            json!(["W3697"])
        );
    }
    assert_has(
        t,
        "AWS::OpenSearchService::Domain",
        json!({
            "ClusterConfig": {"InstanceType": "m6g.large.search", "InstanceCount": 2, "ZoneAwarenessEnabled": true},
            "EBSOptions": {"VolumeType": "gp3"},
            "EncryptionAtRestOptions": {"Enabled": true},
            "NodeToNodeEncryptionOptions": {"Enabled": true},
            "DomainEndpointOptions": {"EnforceHTTPS": true},
        }),
    );
    let domain = &properties(t, "AWS::OpenSearchService::Domain")[0];
    assert_eq!(
        domain["VPCOptions"]["SubnetIds"].as_array().map(Vec::len),
        Some(2)
    );
    assert_has(
        t,
        "AWS::DAX::Cluster",
        json!({"NodeType": "dax.r5.large", "ReplicationFactor": 3, "ClusterEndpointEncryptionType": "TLS"}),
    );
}

#[test]
fn the_key_roles_keys_and_secrets_follow_the_seed() {
    let a = assembly("prod");
    let security = template(&a, SECURITY);
    let compute = template(&a, COMPUTE);
    for (t, name) in [
        (compute, "InvestmentAI-Lambda-ExecutionRole-prod-us-east-1"),
        (security, "InvestmentAI-Bedrock-AccessRole-prod-us-east-1"),
        (security, "InvestmentAI-DynamoDB-AccessRole-prod-us-east-1"),
    ] {
        assert_has(t, "AWS::IAM::Role", json!({"RoleName": name}));
    }
    // The Bedrock role invokes the three seed models and nothing else.
    let policy = &at_path(security, "BedrockAccessRole/DefaultPolicy/Resource")["Properties"];
    let text = policy.to_string();
    for model in [
        "anthropic.claude-3-7-sonnet-20250219-v1:0",
        "anthropic.claude-3-5-haiku-20241022-v1:0",
        "amazon.nova-pro-v1:0",
    ] {
        assert!(
            text.contains(&format!("foundation-model/{model}")),
            "{model}"
        );
        assert!(
            text.contains(&format!("inference-profile/us.{model}")),
            "{model}"
        );
    }
    // Customer managed keys, rotated, one per use in production.
    let keys = properties(security, "AWS::KMS::Key");
    assert_eq!(keys.len(), 8);
    assert!(keys.iter().all(|k| k["EnableKeyRotation"] == true));
    assert_has(
        security,
        "AWS::SecretsManager::Secret",
        json!({"GenerateSecretString": {"PasswordLength": 64}}),
    );
    assert_eq!(count(security, "AWS::SecretsManager::Secret"), 2);
    let connections = &at_path(template(&a, STORAGE), "ConnectionStrings/Resource")["Properties"];
    assert!(connections["SecretString"]["Fn::Sub"][0]
        .as_str()
        .is_some_and(|s| s.contains("opensearch")));
}

#[test]
fn the_api_is_regional_throttled_cached_and_logged() {
    let a = assembly("prod");
    let t = template(&a, API);
    assert_has(
        t,
        "AWS::ApiGateway::RestApi",
        json!({"EndpointConfiguration": {"Types": ["REGIONAL"]}}),
    );
    let stage = &properties(t, "AWS::ApiGateway::Stage")[0];
    assert_eq!(stage["CacheClusterEnabled"], true);
    assert!(stage["AccessLogSetting"]["DestinationArn"].is_object());
    assert_eq!(stage["TracingEnabled"], true);
    let settings = stage["MethodSettings"].as_array().expect("settings");
    assert!(support::matches(
        &settings[0],
        &json!({"HttpMethod": "*", "ResourcePath": "/*", "ThrottlingRateLimit": 10000.0,
                "ThrottlingBurstLimit": 5000, "CachingEnabled": true, "CacheTtlInSeconds": 300,
                "LoggingLevel": "INFO"})
    ));
    // Writes and the health check are never cached.
    for (method, path) in [
        ("POST", "/~1ideas"),
        ("PUT", "/~1profile"),
        ("GET", "/~1health"),
    ] {
        assert!(
            settings.iter().any(|s| s["HttpMethod"] == method
                && s["ResourcePath"] == path
                && s["CachingEnabled"] == false),
            "{method} {path}"
        );
    }
    // A user's own data is cached per caller.
    assert_has(
        t,
        "AWS::ApiGateway::Method",
        json!({"HttpMethod": "GET", "Integration": {"CacheKeyParameters": ["method.request.header.Authorization"]}}),
    );
    let methods = properties(t, "AWS::ApiGateway::Method");
    assert_eq!(methods.len(), investment_agent::api::ROUTES.len());
    let open: Vec<&&Value> = methods
        .iter()
        .filter(|m| m["AuthorizationType"] == "NONE")
        .collect();
    assert_eq!(open.len(), 1, "only /health is open");
}

#[test]
fn waf_and_cognito_follow_the_seed() {
    let a = assembly("prod");
    let t = template(&a, API);
    let acl = &properties(t, "AWS::WAFv2::WebACL")[0];
    let rules = acl["Rules"].as_array().expect("rules");
    let statement = |name: &str| {
        rules
            .iter()
            .find(|r| r["Name"] == name)
            .unwrap_or_else(|| panic!("rule {name}"))["Statement"]
            .clone()
    };
    assert_eq!(
        statement("RateLimitPerIp")["RateBasedStatement"],
        json!({"AggregateKeyType": "IP", "EvaluationWindowSec": 300, "Limit": 2000})
    );
    assert_eq!(
        statement("GeoBlockHighRiskCountries")["GeoMatchStatement"]["CountryCodes"],
        json!(["CU", "IR", "KP", "SY"])
    );
    for group in [
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
    ] {
        assert_eq!(
            statement(group)["ManagedRuleGroupStatement"]["VendorName"],
            "AWS"
        );
    }
    assert_eq!(count(t, "AWS::WAFv2::WebACLAssociation"), 1);
    assert_has(
        t,
        "AWS::Cognito::UserPool",
        json!({
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": true},
            "UsernameAttributes": ["email"],
            "MfaConfiguration": "OPTIONAL",
            "EnabledMfas": ["SOFTWARE_TOKEN_MFA"],
            "Policies": {"PasswordPolicy": {"MinimumLength": 12, "RequireUppercase": true,
                "RequireLowercase": true, "RequireNumbers": true, "RequireSymbols": true}},
        }),
    );
    assert_has(
        t,
        "AWS::Cognito::UserPoolClient",
        json!({
            "AccessTokenValidity": 60,
            "RefreshTokenValidity": 30 * 24 * 60,
            "TokenValidityUnits": {"AccessToken": "minutes", "RefreshToken": "minutes"},
        }),
    );
}

#[test]
fn monitoring_watches_the_api_functions_tables_and_models() {
    let a = assembly("prod");
    let t = template(&a, MONITORING);
    let alarm = |name: &str| {
        properties(t, "AWS::CloudWatch::Alarm")
            .into_iter()
            .find(|p| p["AlarmName"] == format!("investment-ai-prod-{name}"))
            .unwrap_or_else(|| panic!("no alarm {name}"))
            .clone()
    };
    assert_eq!(alarm("api-server-errors")["MetricName"], "5XXError");
    assert_eq!(alarm("api-latency")["ExtendedStatistic"], "p99");
    assert_eq!(alarm("api-client-errors")["MetricName"], "4XXError");
    assert_eq!(alarm("account-concurrency")["Threshold"], 800.0);
    assert_eq!(
        alarm("processing-function-duration")["Threshold"],
        720_000.0
    );
    assert_eq!(
        alarm("ideas-table-throttles")["Metrics"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    assert_eq!(
        alarm("claude-sonnet37-throttles")["Dimensions"][0]["Value"],
        "us.anthropic.claude-3-7-sonnet-20250219-v1:0"
    );
    assert_eq!(alarm("application-errors")["Namespace"], "InvestmentAI");
    for p in properties(t, "AWS::CloudWatch::Alarm") {
        assert_eq!(p["AlarmActions"].as_array().map(Vec::len), Some(1));
    }
    assert_has(
        t,
        "AWS::SNS::Topic",
        json!({"TopicName": "investment-ai-prod-alarms"}),
    );
    assert!(properties(t, "AWS::SNS::Topic")[0]["KmsMasterKeyId"].is_object());
    assert_eq!(count(t, "AWS::CloudWatch::Dashboard"), 1);
    assert_has(
        t,
        "AWS::XRay::SamplingRule",
        json!({"SamplingRule": {"URLPath": "/ideas*", "FixedRate": 0.2}}),
    );
    // Business metrics come from the API function's structured logs.
    let compute = template(&a, COMPUTE);
    assert_has(
        compute,
        "AWS::Logs::MetricFilter",
        json!({"FilterPattern": "{ $.event = \"idea_generated\" }"}),
    );
}

#[test]
fn disaster_recovery_meets_the_seed_topology_and_objectives() {
    let a = assembly("prod");
    let storage = template(&a, STORAGE);
    let plan = &properties(storage, "AWS::Backup::BackupPlan")[0]["BackupPlan"];
    let hourly = plan["BackupPlanRule"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["RuleName"] == "HourlyToRecoveryRegion")
        .expect("hourly rule");
    // Hourly copies to the recovery region keep the 1-hour RPO.
    assert_eq!(hourly["ScheduleExpression"], "cron(0 * ? * * *)");
    let destination = hourly["CopyActions"][0]["DestinationBackupVaultArn"]["Ref"]
        .as_str()
        .expect("vault parameter");
    assert!(destination.contains("Recovery"));
    let selection = &properties(storage, "AWS::Backup::BackupSelection")[0];
    assert_eq!(
        selection["BackupSelection"]["Resources"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let recovery = template(&a, RECOVERY);
    assert_has(
        recovery,
        "AWS::Backup::BackupVault",
        json!({"BackupVaultName": "investment-ai-prod-recovery"}),
    );
    assert_has(recovery, "AWS::KMS::Key", json!({"MultiRegion": true}));
    assert_eq!(count(storage, "AWS::KMS::ReplicaKey"), 1);
    // The health check that detects a primary-region failure, and its alarm.
    let api = template(&a, API);
    assert_has(
        api,
        "AWS::Route53::HealthCheck",
        json!({"HealthCheckConfig": {"Type": "HTTPS", "ResourcePath": "/prod/health",
            "RequestInterval": 30, "FailureThreshold": 3}}),
    );
    assert_has(
        template(&a, MONITORING),
        "AWS::CloudWatch::Alarm",
        json!({"MetricName": "HealthCheckStatus", "Namespace": "AWS/Route53"}),
    );
}

#[test]
fn every_resource_is_tagged_for_cost_allocation() {
    let a = assembly("prod");
    let t = template(&a, STORAGE);
    for p in properties(t, "AWS::DynamoDB::Table") {
        let tags = p["Tags"].as_array().expect("tags");
        for key in ["Project", "Environment", "CostCenter"] {
            assert!(tags.iter().any(|t| t["Key"] == key), "{key}");
        }
    }
}

#[test]
fn the_matcher_rejects_missing_and_different_values() {
    let actual = json!({"A": 1, "B": {"C": [1, 2]}, "D": "x"});
    assert!(support::matches(&actual, &json!({"B": {"C": [1, 2]}})));
    assert!(!support::matches(&actual, &json!({"A": 2})));
    assert!(!support::matches(&actual, &json!({"E": 1})));
    assert!(!support::matches(&actual, &json!({"B": {"C": [1]}})));
}
