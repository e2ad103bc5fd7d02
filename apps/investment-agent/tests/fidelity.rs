//! Fidelity to seed 004: its concrete numbers in the production templates,
//! and the dev and staging numbers of its "Environment-Specific
//! Configurations", asserted with `strata-assertions`.

mod support;

use investment_agent::{API, COMPUTE, MONITORING, NETWORKING, RECOVERY, SECURITY, STORAGE};
use serde_json::json;
use strata_assertions::{AssertionError, Match, Matcher, Template};

type Result = std::result::Result<(), AssertionError>;

/// The stacks' templates of environment `env` (with the test account).
fn stacks(env: &str) -> impl Fn(&str) -> Template {
    let a = support::assembly(env);
    move |id| Template::from_stack(&a, id).unwrap_or_else(|e| panic!("{e}"))
}

/// A resource whose construct path matches the regular expression `path`,
/// with properties matching `props`.
fn at_path(path: &str, props: impl Into<Matcher>) -> Matcher {
    Match::object_like([
        (
            "Metadata",
            Match::object_like([("aws:cdk:path", Match::string_like_regexp(path))]),
        ),
        ("Properties", props.into()),
    ])
}

/// Lifecycle rules of which one has exactly these transitions.
fn transitions(transitions: serde_json::Value) -> Matcher {
    Match::object_like([(
        "Rules",
        Match::array_with([Match::object_like([("Transitions", transitions)])]),
    )])
}

/// An array of exactly `n` elements, whatever they are.
fn items(n: usize) -> Matcher {
    Match::array_equals(vec![Match::any_value(); n])
}

#[test]
fn the_vpc_has_the_seed_cidrs_over_three_zones() -> Result {
    let t = stacks("prod")(NETWORKING);
    // "CIDR: 10.0.0.0/16"
    t.has_resource_properties("AWS::EC2::VPC", json!({"CidrBlock": "10.0.0.0/16"}))?;
    // "Public Subnets: 10.0.1.0/24, …", "Private Subnets: 10.0.11.0/24, …",
    // "Isolated Subnets: 10.0.21.0/24, …"
    t.resource_count_is("AWS::EC2::Subnet", 9)?;
    for cidr in [
        "10.0.1.0/24",
        "10.0.2.0/24",
        "10.0.3.0/24",
        "10.0.11.0/24",
        "10.0.12.0/24",
        "10.0.13.0/24",
        "10.0.21.0/24",
        "10.0.22.0/24",
        "10.0.23.0/24",
    ] {
        t.has_resource_properties("AWS::EC2::Subnet", json!({"CidrBlock": cidr}))?;
    }
    t.resource_count_is("AWS::EC2::NatGateway", 3)?;
    // Isolated subnets have no default route; private ones go through NAT.
    assert!(t
        .find_resources(
            "AWS::EC2::Route",
            at_path("isolatedSubnet[123]/DefaultRoute$", json!({}))
        )
        .is_empty());
    t.resource_properties_count_is(
        "AWS::EC2::Route",
        Match::object_like([("NatGatewayId", Match::any_value())]),
        3,
    )?;
    for az in 1..=3 {
        t.has_resource(
            "AWS::EC2::Route",
            at_path(
                &format!("privateSubnet{az}/DefaultRoute$"),
                Match::object_like([("NatGatewayId", json!({}))]),
            ),
        )?;
    }
    // The isolated tier reaches STS, Bedrock and Secrets Manager privately.
    for service in ["s3", "dynamodb", "bedrock-runtime", "secretsmanager", "sts"] {
        t.has_resource_properties(
            "AWS::EC2::VPCEndpoint",
            json!({"ServiceName": format!("com.amazonaws.us-east-1.{service}")}),
        )?;
    }
    Ok(())
}

#[test]
fn security_groups_follow_the_seed() -> Result {
    let t = stacks("prod")(NETWORKING);
    // API Gateway SG: HTTPS from the internet.
    t.has_resource(
        "AWS::EC2::SecurityGroup",
        at_path(
            "ApiGatewaySg/Resource$",
            json!({"SecurityGroupIngress": [{"CidrIp": "0.0.0.0/0", "FromPort": 443, "ToPort": 443}]}),
        ),
    )?;
    // Lambda SG: outbound HTTPS and database connections, nothing inbound.
    t.has_resource(
        "AWS::EC2::SecurityGroup",
        at_path(
            "LambdaSg/Resource$",
            Match::object_like([
                (
                    "SecurityGroupEgress",
                    Match::array_with([Match::object_like(
                        json!({"CidrIp": "0.0.0.0/0", "FromPort": 443}),
                    )]),
                ),
                ("SecurityGroupIngress", Match::absent()),
            ]),
        ),
    )?;
    let lambda_sg = t.find_resources(
        "AWS::EC2::SecurityGroup",
        at_path("LambdaSg/Resource$", json!({})),
    );
    let lambda_sg = lambda_sg
        .first()
        .map(|(id, _)| id.clone())
        .unwrap_or_default();
    let into = |prefix: &str| {
        Match::object_like([(
            "GroupId",
            Match::object_like([(
                "Fn::GetAtt",
                Match::array_with([Match::string_like_regexp(&format!("^{prefix}"))]),
            )]),
        )])
    };
    // Database SG: inbound from Lambda only, on DAX's TLS port.
    t.resource_properties_count_is("AWS::EC2::SecurityGroupIngress", into("DatabaseSg"), 1)?;
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        into("DatabaseSg").with("FromPort", 9111).with(
            "SourceSecurityGroupId",
            json!({"Fn::GetAtt": [lambda_sg, "GroupId"]}),
        ),
    )?;
    // OpenSearch SG: HTTPS from the application layer (Lambda and ECS).
    t.resource_properties_count_is("AWS::EC2::SecurityGroupIngress", into("OpenSearchSg"), 2)?;
    t.resource_properties_count_is(
        "AWS::EC2::SecurityGroupIngress",
        into("OpenSearchSg").with("FromPort", 443),
        2,
    )
}

#[test]
fn the_functions_have_the_seed_memory_timeouts_and_concurrency() -> Result {
    let t = stacks("prod")(COMPUTE);
    // "Timeout: 30 seconds (API), 15 minutes (processing)", "Memory: 256MB -
    // 3008MB", "Lambda Memory: 1024MB+" in production.
    for (name, memory, timeout, reserved) in [
        ("api", 1024, 30, Match::absent()),
        ("processing", 3008, 900, Matcher::from(200)),
        ("scheduler", 1024, 300, Matcher::from(10)),
    ] {
        t.has_resource_properties(
            "AWS::Lambda::Function",
            Match::object_like(json!({
                "FunctionName": format!("investment-ai-prod-{name}"),
                "Runtime": "nodejs22.x",
                "MemorySize": memory,
                "Timeout": timeout,
                "TracingConfig": {"Mode": "Active"},
                "Code": {"S3Key": format!("releases/1.0.0/{name}.zip")}}))
            .with("ReservedConcurrentExecutions", reserved),
        )?;
    }
    // Environment variables are encrypted with the Lambda key.
    t.all_resources_properties(
        "AWS::Lambda::Function",
        Match::object_like([(
            "KmsKeyArn",
            Match::object_like([("Ref", Match::string_like_regexp("LambdaKey"))]),
        )]),
    )?;
    // Sensitive processing runs in the isolated subnets.
    let isolated = Match::object_like([("Ref", Match::string_like_regexp("isolated"))]);
    t.has_resource(
        "AWS::Lambda::Function",
        at_path(
            "ProcessingFunction/Resource$",
            Match::object_like([(
                "VpcConfig",
                Match::object_like([("SubnetIds", Match::array_equals(vec![isolated; 3]))]),
            )]),
        ),
    )?;
    t.has_resource_properties(
        "AWS::Lambda::Alias",
        json!({"Name": "live", "ProvisionedConcurrencyConfig": {"ProvisionedConcurrentExecutions": 5}}),
    )?;
    t.has_resource_properties(
        "AWS::Events::Rule",
        json!({"ScheduleExpression": "rate(5 minutes)"}),
    )?;
    t.has_resource_properties(
        "AWS::SQS::Queue",
        json!({"QueueName": "investment-ai-prod-processing", "VisibilityTimeout": 5400,
               "RedrivePolicy": {"maxReceiveCount": 3}}),
    )
}

#[test]
fn the_optional_ecs_service_scales_on_cpu_and_memory() -> Result {
    let t = stacks("prod")(COMPUTE);
    t.has_resource_properties(
        "AWS::ECS::TaskDefinition",
        json!({"Cpu": "2048", "Memory": "4096"}),
    )?;
    t.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalableTarget",
        json!({"MinCapacity": 2, "MaxCapacity": 10, "ServiceNamespace": "ecs"}),
    )?;
    // "ECS: CPU and memory-based scaling"
    for metric in [
        "ECSServiceAverageCPUUtilization",
        "ECSServiceAverageMemoryUtilization",
    ] {
        t.has_resource_properties(
            "AWS::ApplicationAutoScaling::ScalingPolicy",
            json!({"TargetTrackingScalingPolicyConfiguration": {
                "PredefinedMetricSpecification": {"PredefinedMetricType": metric}}}),
        )?;
    }
    Ok(())
}

#[test]
fn the_proprietary_data_bucket_is_encrypted_versioned_private_tiered_and_replicated() -> Result {
    let stack = stacks("prod");
    // "S3: Intelligent tiering", "Cross-region replication to secondary region"
    stack(STORAGE).has_resource(
        "AWS::S3::Bucket",
        at_path(
            "Recovery/ProprietaryDataBucket/Resource$",
            Match::object_like(json!({
                "VersioningConfiguration": {"Status": "Enabled"},
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": true, "BlockPublicPolicy": true,
                    "IgnorePublicAcls": true, "RestrictPublicBuckets": true},
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]},
                "IntelligentTieringConfigurations": [
                    {"Tierings": [{"AccessTier": "ARCHIVE_ACCESS", "Days": 90}]}],
                "ReplicationConfiguration": {"Rules": [{"Destination": {
                    "ReplicationTime": {"Time": {"Minutes": 15}}}}]},
            }))
            .with(
                "LifecycleConfiguration",
                transitions(json!([
                {"StorageClass": "INTELLIGENT_TIERING", "TransitionInDays": 0}])),
            ),
        ),
    )?;
    stack(RECOVERY).has_resource_properties(
        "AWS::S3::Bucket",
        json!({"BucketName": "investment-ai-prod-data-replica-123456789012-us-west-2",
               "VersioningConfiguration": {"Status": "Enabled"}}),
    )
}

#[test]
fn the_tables_have_the_seed_keys_indexes_recovery_and_ttl() -> Result {
    let t = stacks("prod")(STORAGE);
    // "Point-in-time recovery with 35-day retention"
    let common = Match::object_like(json!({
        "BillingMode": "PAY_PER_REQUEST",
        "PointInTimeRecoverySpecification": {
            "PointInTimeRecoveryEnabled": true, "RecoveryPeriodInDays": 35},
        "TimeToLiveSpecification": {"AttributeName": "ttl", "Enabled": true},
        "SSESpecification": {"SSEEnabled": true, "SSEType": "KMS"},
    }));
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        common
            .clone()
            .with("TableName", "investment-ai-prod-investment-ideas")
            .with(
                "KeySchema",
                json!([{"AttributeName": "id", "KeyType": "HASH"},
                       {"AttributeName": "timestamp", "KeyType": "RANGE"}]),
            )
            .with(
                "GlobalSecondaryIndexes",
                json!([{"IndexName": "UserIndex"}, {"IndexName": "StatusIndex"},
                       {"IndexName": "DateIndex"}]),
            )
            .with(
                "AttributeDefinitions",
                Match::array_with([Match::exact(
                    json!({"AttributeName": "timestamp", "AttributeType": "N"}),
                )]),
            ),
    )?;
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        common
            .with("TableName", "investment-ai-prod-user-profiles")
            .with(
                "KeySchema",
                json!([{"AttributeName": "userId", "KeyType": "HASH"}]),
            ),
    )
}

#[test]
fn market_data_and_the_knowledge_base_follow_the_seed() -> Result {
    let t = stacks("prod")(STORAGE);
    // "Memory Retention: 24 hours", "Magnetic Retention: 7 days"
    t.has_resource_properties(
        "AWS::Timestream::Table",
        json!({"RetentionProperties": {"MemoryStoreRetentionPeriodInHours": "24",
                                       "MagneticStoreRetentionPeriodInDays": "7"}}),
    )?;
    // Timestream for LiveAnalytics is closed to new customers; the
    // construct's W3697 suppression is kept.
    let suppressed = json!({"Metadata": {"cfn-lint": {"config": {"ignore_checks": ["W3697"]}}}});
    t.all_resources("AWS::Timestream::Table", suppressed.clone())?;
    t.all_resources("AWS::Timestream::Database", suppressed)?;
    // "m6g.large.search with Multi-AZ"
    t.has_resource_properties(
        "AWS::OpenSearchService::Domain",
        Match::object_like(json!({
            "ClusterConfig": {"InstanceType": "m6g.large.search", "InstanceCount": 2,
                              "ZoneAwarenessEnabled": true},
            "EBSOptions": {"VolumeType": "gp3"},
            "EncryptionAtRestOptions": {"Enabled": true},
            "NodeToNodeEncryptionOptions": {"Enabled": true},
            "DomainEndpointOptions": {"EnforceHTTPS": true}}))
        .with("VPCOptions", Match::object_like([("SubnetIds", items(2))])),
    )?;
    // "DynamoDB DAX for microsecond latency"
    t.has_resource_properties(
        "AWS::DAX::Cluster",
        json!({"NodeType": "dax.r5.large", "ReplicationFactor": 3,
               "ClusterEndpointEncryptionType": "TLS"}),
    )
}

#[test]
fn the_key_roles_keys_and_secrets_follow_the_seed() -> Result {
    let stack = stacks("prod");
    let security = stack(SECURITY);
    stack(COMPUTE).has_resource_properties(
        "AWS::IAM::Role",
        json!({"RoleName": "InvestmentAI-Lambda-ExecutionRole-prod-us-east-1"}),
    )?;
    for name in [
        "InvestmentAI-Bedrock-AccessRole-prod-us-east-1",
        "InvestmentAI-DynamoDB-AccessRole-prod-us-east-1",
    ] {
        security.has_resource_properties("AWS::IAM::Role", json!({"RoleName": name}))?;
    }
    // The Bedrock role invokes the three seed models, through their
    // inference profiles and foundation models.
    for model in [
        "anthropic.claude-3-7-sonnet-20250219-v1:0",
        "anthropic.claude-3-5-haiku-20241022-v1:0",
        "amazon.nova-pro-v1:0",
    ] {
        let arn = |suffix: String| {
            Match::object_like([(
                "Fn::Sub",
                Match::string_like_regexp(&format!("{}$", suffix.replace('.', r"\."))),
            )])
        };
        security.has_resource(
            "AWS::IAM::Policy",
            at_path(
                "BedrockAccessRole/DefaultPolicy/Resource$",
                Match::object_like([(
                    "PolicyDocument",
                    Match::object_like([(
                        "Statement",
                        Match::array_with([Match::object_like([(
                            "Resource",
                            Match::array_with([
                                arn(format!("inference-profile/us.{model}")),
                                arn(format!("foundation-model/{model}")),
                            ]),
                        )])]),
                    )]),
                )]),
            ),
        )?;
    }
    // Customer managed keys, rotated, one per use in production.
    security.resource_count_is("AWS::KMS::Key", 8)?;
    security.all_resources_properties("AWS::KMS::Key", json!({"EnableKeyRotation": true}))?;
    security.resource_count_is("AWS::SecretsManager::Secret", 2)?;
    security.has_resource_properties(
        "AWS::SecretsManager::Secret",
        json!({"GenerateSecretString": {"PasswordLength": 64}}),
    )?;
    stack(STORAGE).has_resource(
        "AWS::SecretsManager::Secret",
        at_path(
            "ConnectionStrings/Resource$",
            Match::object_like([(
                "SecretString",
                Match::object_like([(
                    "Fn::Sub",
                    Match::array_with([Match::serialized_json(Match::object_like([
                        ("opensearch", Match::string_like_regexp("^https://")),
                        ("dax", Match::any_value()),
                    ]))]),
                )]),
            )]),
        ),
    )
}

#[test]
fn the_api_is_regional_throttled_cached_and_logged() -> Result {
    let t = stacks("prod")(API);
    t.has_resource_properties(
        "AWS::ApiGateway::RestApi",
        json!({"EndpointConfiguration": {"Types": ["REGIONAL"]}}),
    )?;
    // "Throttling: 10,000 requests/second", "Burst: 5,000 requests",
    // "Caching: Enabled (TTL: 300 seconds)"
    let uncached = |method: &str, path: &str| {
        Match::object_like(
            json!({"HttpMethod": method, "ResourcePath": path, "CachingEnabled": false}),
        )
    };
    t.has_resource_properties(
        "AWS::ApiGateway::Stage",
        Match::object_like(json!({"CacheClusterEnabled": true, "TracingEnabled": true}))
            .with(
                "AccessLogSetting",
                Match::object_like([("DestinationArn", json!({}))]),
            )
            .with(
                "MethodSettings",
                Match::array_with([
                    Match::object_like(json!({
                        "HttpMethod": "*", "ResourcePath": "/*",
                        "ThrottlingRateLimit": 10000.0, "ThrottlingBurstLimit": 5000,
                        "CachingEnabled": true, "CacheTtlInSeconds": 300,
                        "LoggingLevel": "INFO"})),
                    // Writes and the health check are never cached.
                    uncached("POST", "/~1ideas"),
                ]),
            ),
    )?;
    for (method, path) in [("PUT", "/~1profile"), ("GET", "/~1health")] {
        t.has_resource_properties(
            "AWS::ApiGateway::Stage",
            Match::object_like([(
                "MethodSettings",
                Match::array_with([uncached(method, path)]),
            )]),
        )?;
    }
    // A user's own data is cached per caller.
    t.has_resource_properties(
        "AWS::ApiGateway::Method",
        json!({"HttpMethod": "GET",
               "Integration": {"CacheKeyParameters": ["method.request.header.Authorization"]}}),
    )?;
    t.resource_count_is(
        "AWS::ApiGateway::Method",
        investment_agent::api::ROUTES.len(),
    )?;
    // Only /health is open.
    t.resource_properties_count_is(
        "AWS::ApiGateway::Method",
        json!({"AuthorizationType": "NONE"}),
        1,
    )
}

#[test]
fn waf_and_cognito_follow_the_seed() -> Result {
    let t = stacks("prod")(API);
    // "Rate limiting: 2000 requests per 5 minutes per IP"
    let rule = |name: &str, statement: serde_json::Value| {
        Match::object_like([(
            "Rules",
            Match::array_with([Match::object_like(
                json!({"Name": name, "Statement": statement}),
            )]),
        )])
    };
    t.has_resource_properties(
        "AWS::WAFv2::WebACL",
        rule(
            "RateLimitPerIp",
            json!({"RateBasedStatement":
                {"AggregateKeyType": "IP", "EvaluationWindowSec": 300, "Limit": 2000}}),
        ),
    )?;
    t.has_resource_properties(
        "AWS::WAFv2::WebACL",
        rule(
            "GeoBlockHighRiskCountries",
            json!({"GeoMatchStatement": {"CountryCodes": ["CU", "IR", "KP", "SY"]}}),
        ),
    )?;
    for group in [
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
    ] {
        t.has_resource_properties(
            "AWS::WAFv2::WebACL",
            rule(
                group,
                json!({"ManagedRuleGroupStatement": {"VendorName": "AWS"}}),
            ),
        )?;
    }
    t.resource_count_is("AWS::WAFv2::WebACLAssociation", 1)?;
    // "Min Length: 12", MFA; "Refresh: 30 days"
    t.has_resource_properties(
        "AWS::Cognito::UserPool",
        json!({
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": true},
            "UsernameAttributes": ["email"],
            "MfaConfiguration": "OPTIONAL",
            "EnabledMfas": ["SOFTWARE_TOKEN_MFA"],
            "Policies": {"PasswordPolicy": {"MinimumLength": 12, "RequireUppercase": true,
                "RequireLowercase": true, "RequireNumbers": true, "RequireSymbols": true}},
        }),
    )?;
    t.has_resource_properties(
        "AWS::Cognito::UserPoolClient",
        json!({
            "AccessTokenValidity": 60,
            "RefreshTokenValidity": 30 * 24 * 60,
            "TokenValidityUnits": {"AccessToken": "minutes", "RefreshToken": "minutes"},
        }),
    )
}

#[test]
fn monitoring_watches_the_api_functions_tables_and_models() -> Result {
    let stack = stacks("prod");
    let t = stack(MONITORING);
    let alarm = |name: &str, props: serde_json::Value| {
        t.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            Match::object_like(props).with("AlarmName", format!("investment-ai-prod-{name}")),
        )
    };
    alarm("api-server-errors", json!({"MetricName": "5XXError"}))?;
    alarm("api-latency", json!({"ExtendedStatistic": "p99"}))?;
    alarm("api-client-errors", json!({"MetricName": "4XXError"}))?;
    // 80% of "Concurrency: 1000 concurrent executions"
    alarm("account-concurrency", json!({"Threshold": 800.0}))?;
    // 80% of the processing function's 15 minutes.
    alarm(
        "processing-function-duration",
        json!({"Threshold": 720_000.0}),
    )?;
    t.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        Match::object_like(json!({"AlarmName": "investment-ai-prod-ideas-table-throttles"}))
            .with("Metrics", items(3)),
    )?;
    // "Throttling: 1000 requests/minute per model"
    alarm(
        "claude-sonnet37-throttles",
        json!({"Dimensions": [{"Value": "us.anthropic.claude-3-7-sonnet-20250219-v1:0"}]}),
    )?;
    alarm("application-errors", json!({"Namespace": "InvestmentAI"}))?;
    t.all_resources_properties("AWS::CloudWatch::Alarm", json!({"AlarmActions": [{}]}))?;
    t.has_resource_properties(
        "AWS::SNS::Topic",
        Match::object_like(json!({"TopicName": "investment-ai-prod-alarms"}))
            .with("KmsMasterKeyId", json!({})),
    )?;
    t.resource_count_is("AWS::CloudWatch::Dashboard", 1)?;
    t.has_resource_properties(
        "AWS::XRay::SamplingRule",
        json!({"SamplingRule": {"URLPath": "/ideas*", "FixedRate": 0.2}}),
    )?;
    // Business metrics come from the API function's structured logs.
    stack(COMPUTE).has_resource_properties(
        "AWS::Logs::MetricFilter",
        json!({"FilterPattern": "{ $.event = \"idea_generated\" }"}),
    )
}

#[test]
fn disaster_recovery_meets_the_seed_topology_and_objectives() -> Result {
    let stack = stacks("prod");
    let storage = stack(STORAGE);
    // "RPO: 1 hour": hourly copies to the recovery region.
    storage.has_resource_properties(
        "AWS::Backup::BackupPlan",
        Match::object_like([(
            "BackupPlan",
            Match::object_like([(
                "BackupPlanRule",
                Match::array_with([Match::object_like(
                    json!({"RuleName": "HourlyToRecoveryRegion"}),
                )
                .with(
                    "CopyActions",
                    Match::array_with([Match::object_like([(
                        "DestinationBackupVaultArn",
                        Match::object_like([("Ref", Match::string_like_regexp("Recovery"))]),
                    )])]),
                )]),
            )]),
        )]),
    )?;
    storage.has_resource_properties(
        "AWS::Backup::BackupSelection",
        Match::object_like([(
            "BackupSelection",
            Match::object_like([("Resources", items(2))]),
        )]),
    )?;
    // "Secondary Region: us-west-2"
    let recovery = stack(RECOVERY);
    recovery.has_resource_properties(
        "AWS::Backup::BackupVault",
        json!({"BackupVaultName": "investment-ai-prod-recovery"}),
    )?;
    recovery.has_resource_properties("AWS::KMS::Key", json!({"MultiRegion": true}))?;
    storage.resource_count_is("AWS::KMS::ReplicaKey", 1)?;
    // "Route 53 health checks redirect traffic to secondary region"
    stack(API).has_resource_properties(
        "AWS::Route53::HealthCheck",
        json!({"HealthCheckConfig": {"Type": "HTTPS", "ResourcePath": "/prod/health",
            "RequestInterval": 30, "FailureThreshold": 3}}),
    )?;
    stack(MONITORING).has_resource_properties(
        "AWS::CloudWatch::Alarm",
        json!({"MetricName": "HealthCheckStatus", "Namespace": "AWS/Route53"}),
    )
}

#[test]
fn every_table_is_tagged_for_cost_allocation() -> Result {
    // "Resource tagging for cost allocation"
    // Tags are sorted by key.
    let tags =
        ["CostCenter", "Environment", "Project"].map(|key| Match::object_like(json!({"Key": key})));
    stacks("prod")(STORAGE).all_resources_properties(
        "AWS::DynamoDB::Table",
        Match::object_like([("Tags", Match::array_with(tags))]),
    )
}

#[test]
fn dev_and_staging_run_the_seed_environment_sizes() -> Result {
    for (env, memory, search, subnets, keys) in [
        // "Lambda Memory: 256MB", "OpenSearch: t3.small.search", "Single AZ"
        ("dev", 256, "t3.small.search", 3, 1),
        // "Lambda Memory: 512MB"; the seed's "m6g.medium.search" does not
        // exist (m6g starts at large): staging runs m7g.medium.search, as
        // the app's README says.
        ("staging", 512, "m7g.medium.search", 9, 8),
    ] {
        let stack = stacks(env);
        let compute = stack(COMPUTE);
        for name in ["api", "processing"] {
            compute.has_resource_properties(
                "AWS::Lambda::Function",
                json!({"FunctionName": format!("investment-ai-{env}-{name}"), "MemorySize": memory}),
            )?;
        }
        stack(STORAGE).has_resource_properties(
            "AWS::OpenSearchService::Domain",
            json!({"ClusterConfig": {"InstanceType": search}}),
        )?;
        stack(NETWORKING).resource_count_is("AWS::EC2::Subnet", subnets)?;
        stack(SECURITY).resource_count_is("AWS::KMS::Key", keys)?;
    }
    // "S3: Standard storage class" in dev; "Standard with lifecycle
    // policies" in staging: "IA: 30-90 days", "Glacier: 90+ days".
    stacks("dev")(STORAGE).has_resource(
        "AWS::S3::Bucket",
        at_path(
            "ProprietaryDataBucket/Resource$",
            Match::object_like([(
                "LifecycleConfiguration",
                Match::object_like([(
                    "Rules",
                    Match::not(Match::array_with([Match::object_like([(
                        "Transitions",
                        Match::any_value(),
                    )])])),
                )]),
            )]),
        ),
    )?;
    stacks("staging")(STORAGE).has_resource(
        "AWS::S3::Bucket",
        at_path(
            "ProprietaryDataBucket/Resource$",
            Match::object_like([(
                "LifecycleConfiguration",
                transitions(json!([
                    {"StorageClass": "STANDARD_IA", "TransitionInDays": 30},
                    {"StorageClass": "GLACIER", "TransitionInDays": 90}])),
            )]),
        ),
    )
}
