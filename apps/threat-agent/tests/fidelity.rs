//! Fidelity to seed 001: the seed's concrete numbers in the synthesized
//! templates, section by section (production unless a test says
//! otherwise), asserted with `strata-assertions`.

mod support;

use serde_json::json;
use strata_assertions::{AssertionError, Match, Matcher, Template};
use support::assembly;
use threat_agent::*;

type Result = std::result::Result<(), AssertionError>;

/// A stack's template in the assembly of `env`.
fn stacks(env: &str) -> impl Fn(&str) -> Template {
    let a = assembly(env);
    move |id| Template::from_stack(&a, id).unwrap_or_else(|e| panic!("{e}"))
}

/// The logical ID of the construct at `path` below its stack.
fn id(path: &[&str]) -> String {
    strata::logical_id(path)
}

/// An array of exactly `n` elements, whatever they are.
fn items(n: usize) -> Matcher {
    Match::array_equals(vec![Match::any_value(); n])
}

/// The properties of the resource at construct `path` match `props`.
fn at(t: &Template, path: &[&str], props: impl Into<Matcher>) -> Result {
    t.template_matches(Match::object_like([(
        "Resources",
        Match::object_like([(id(path), Match::object_like([("Properties", props.into())]))]),
    )]))
}

#[test]
fn network_has_the_seed_vpc_subnets_security_groups_and_endpoints() -> Result {
    let t = stacks("prod")(NETWORK);
    // "CIDR: "10.0.0.0/16""
    t.has_resource_properties("AWS::EC2::VPC", json!({"CidrBlock": "10.0.0.0/16"}))?;
    // "10.0.1.0/24 (us-east-1a)" … "10.0.103.0/24 (us-east-1c)"
    t.resource_count_is("AWS::EC2::Subnet", 6)?;
    for (cidr, az) in [
        ("10.0.1.0/24", "us-east-1a"),
        ("10.0.2.0/24", "us-east-1b"),
        ("10.0.3.0/24", "us-east-1c"),
        ("10.0.101.0/24", "us-east-1a"),
        ("10.0.102.0/24", "us-east-1b"),
        ("10.0.103.0/24", "us-east-1c"),
    ] {
        t.has_resource_properties(
            "AWS::EC2::Subnet",
            json!({"CidrBlock": cidr, "AvailabilityZone": az}),
        )?;
    }
    // "com.amazonaws.us-east-1.bedrock-runtime", … "monitoring"
    t.resource_count_is("AWS::EC2::VPCEndpoint", 7)?;
    for service in [
        "bedrock-agent-runtime",
        "bedrock-runtime",
        "dynamodb",
        "kms",
        "logs",
        "monitoring",
        "s3",
    ] {
        t.has_resource_properties(
            "AWS::EC2::VPCEndpoint",
            json!({"ServiceName": format!("com.amazonaws.us-east-1.{service}")}),
        )?;
    }
    // BedrockAgentSG has no inbound rules; LambdaToolSG takes HTTPS from it.
    at(
        &t,
        &["BedrockAgentSG", "Resource"],
        Match::object_like([("SecurityGroupIngress", Match::absent())]),
    )?;
    let agent_sg = id(&["BedrockAgentSG", "Resource"]);
    let tool_sg = id(&["LambdaToolSG", "Resource"]);
    let cache_sg = id(&["CacheSG", "Resource"]);
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        json!({"FromPort": 443, "ToPort": 443, "IpProtocol": "tcp",
               "SourceSecurityGroupId": {"Fn::GetAtt": [agent_sg, "GroupId"]}}),
    )?;
    for port in [6379, 443, 9111] {
        t.has_resource_properties(
            "AWS::EC2::SecurityGroupEgress",
            json!({"FromPort": port, "GroupId": {"Fn::GetAtt": [tool_sg, "GroupId"]}}),
        )?;
    }
    // Redis "Port: 6379" from the tools only.
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        json!({"FromPort": 6379, "GroupId": {"Fn::GetAtt": [cache_sg, "GroupId"]},
               "SourceSecurityGroupId": {"Fn::GetAtt": [tool_sg, "GroupId"]}}),
    )
}

#[test]
fn keys_are_symmetric_rotated_and_carry_the_seed_policy() -> Result {
    let stack = stacks("prod");
    let replica = stack(REPLICA);
    for sid in [
        "AllowBedrockAgentsToUseKey",
        "AllowLambdaFunctionsToUseKey",
        "AllowDynamoDBToUseKey",
    ] {
        replica.has_resource_properties(
            "AWS::KMS::Key",
            Match::object_like(json!({
                "Description": "AI Agent context data encryption", "KeySpec": "SYMMETRIC_DEFAULT",
                "KeyUsage": "ENCRYPT_DECRYPT", "EnableKeyRotation": true, "MultiRegion": true}))
            .with(
                "KeyPolicy",
                Match::object_like([(
                    "Statement",
                    Match::array_with([Match::object_like(json!({"Sid": sid}))]),
                )]),
            ),
        )?;
    }
    replica.has_resource_properties(
        "AWS::KMS::Key",
        json!({"Description": "Investigation evidence encryption", "MultiRegion": true}),
    )?;
    stack(SECURITY).has_resource_properties(
        "AWS::KMS::Alias",
        json!({"AliasName": "alias/opensearch-key"}),
    )
}

#[test]
fn context_tables_have_the_seed_keys_ttl_capacity_and_indexes() -> Result {
    let stack = stacks("prod");
    let t = stack(DATA);
    t.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        json!({"TableName": "GlobalContextTable", "BillingMode": "PAY_PER_REQUEST",
               "KeySchema": [{"AttributeName": "context_type", "KeyType": "HASH"},
                             {"AttributeName": "timestamp", "KeyType": "RANGE"}],
               "TimeToLiveSpecification": {"AttributeName": "expires_at", "Enabled": true},
               "GlobalSecondaryIndexes": [{"IndexName": "threat_type-timestamp-index"},
                                          {"IndexName": "severity-timestamp-index"}]}),
    )?;
    t.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        json!({"TableName": "InvestigationContextTable", "BillingMode": "PROVISIONED",
               "LocalSecondaryIndexes": [{"IndexName": "agent_id-timestamp-index"}],
               "WriteProvisionedThroughputSettings": {"WriteCapacityAutoScalingSettings": {
                   "MinCapacity": 5, "MaxCapacity": 100,
                   "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 70.0}}}}),
    )?;
    t.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        json!({"TableName": "AgentContextTable", "BillingMode": "PAY_PER_REQUEST",
               "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"}}),
    )?;
    // "TTL: "7 days"", "30 days", "24 hours": the TTLs the writers apply;
    // "lru_cache(maxsize=100)", "ttl_minutes=5".
    stack(PLATFORM).has_resource_properties(
        "AWS::Lambda::Function",
        json!({"FunctionName": "agent-tools-data-access", "Environment": {"Variables": {
            "TTL_SECONDS_GlobalContextTable": "604800",
            "TTL_SECONDS_InvestigationContextTable": "2592000",
            "TTL_SECONDS_AgentContextTable": "86400",
            "LOCAL_CACHE_MAX_SIZE": "100",
            "LOCAL_CACHE_TTL_MINUTES": "5"}}}),
    )
}

#[test]
fn buckets_have_the_seed_lifecycles_object_lock_replication_and_encryption() -> Result {
    let stack = stacks("prod");
    let t = stack(DATA);
    // "Transition to IA after 30 days", "Glacier after 90", "Deep Archive after 365"
    t.has_resource_properties(
        "AWS::S3::Bucket",
        json!({"VersioningConfiguration": {"Status": "Enabled"},
               "LifecycleConfiguration": {"Rules": [{"Transitions": [
                   {"StorageClass": "STANDARD_IA", "TransitionInDays": 30},
                   {"StorageClass": "GLACIER", "TransitionInDays": 90},
                   {"StorageClass": "DEEP_ARCHIVE", "TransitionInDays": 365}]}]},
               "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                   {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]}}),
    )?;
    // "ObjectLock: "Governance mode, 7 years retention"", "IA after 7 days",
    // "Glacier after 30 days"
    t.has_resource_properties(
        "AWS::S3::Bucket",
        json!({"ObjectLockEnabled": true,
               "ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled",
                   "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 2557}}},
               "LifecycleConfiguration": {"Rules": [{"Transitions": [
                   {"StorageClass": "GLACIER_IR", "TransitionInDays": 7},
                   {"StorageClass": "GLACIER", "TransitionInDays": 30}]}]}}),
    )?;
    // "CrossRegionReplication: "us-west-2"" under Replication Time Control
    // (RPO "5 minutes" fits in its 15).
    t.all_resources_properties(
        "AWS::S3::Bucket",
        json!({"ReplicationConfiguration": {"Rules": [
            {"Destination": {"ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}}}}]}}),
    )?;
    // The replicas in us-west-2 keep the lock.
    stack(REPLICA).has_resource_properties("AWS::S3::Bucket", json!({"ObjectLockEnabled": true}))
}

#[test]
fn caches_and_search_have_the_seed_settings() -> Result {
    let t = stacks("prod")(DATA);
    // "NodeType: "r6g.large"", "NumCacheNodes: 3", "Redis 7.0",
    // "BackupRetentionPeriod: 5", "03:00-05:00", "sun:05:00-sun:07:00"
    t.has_resource_properties(
        "AWS::ElastiCache::ReplicationGroup",
        json!({"CacheNodeType": "cache.r6g.large", "NumCacheClusters": 3, "Engine": "redis",
               "EngineVersion": "7.0", "MultiAZEnabled": true, "AutomaticFailoverEnabled": true,
               "SnapshotRetentionLimit": 5, "SnapshotWindow": "03:00-05:00",
               "PreferredMaintenanceWindow": "sun:05:00-sun:07:00"}),
    )?;
    // "NodeType: "dax.r4.large"", "ReplicationFactor: 3", "default.dax1.0"
    t.has_resource_properties(
        "AWS::DAX::Cluster",
        json!({"ClusterName": "ai-agent-ctx-cache", "NodeType": "dax.r4.large",
               "ReplicationFactor": 3, "ParameterGroupName": "default.dax1.0",
               "PreferredMaintenanceWindow": "sun:05:00-sun:06:00"}),
    )?;
    // "OpenSearch_2.3", "r6g.large.search" × 3, "MasterInstanceCount: 3",
    // "gp3" 100 GB at 3000 IOPS, "Policy-Min-TLS-1-2-2019-07". The seed's
    // "MasterInstanceType: "r6g.medium.search"" does not exist (the r6g
    // family starts at large): the app runs r6g.large.search, as its
    // storage module documents.
    t.has_resource_properties(
        "AWS::OpenSearchService::Domain",
        Match::object_like(json!({
            "DomainName": "ai-agent-knowledge-base", "EngineVersion": "OpenSearch_2.3",
            "ClusterConfig": {"InstanceType": "r6g.large.search", "InstanceCount": 3,
                "DedicatedMasterEnabled": true, "DedicatedMasterCount": 3,
                "DedicatedMasterType": "r6g.large.search"},
            "EBSOptions": {"EBSEnabled": true, "VolumeType": "gp3", "VolumeSize": 100, "Iops": 3000},
            "NodeToNodeEncryptionOptions": {"Enabled": true},
            "DomainEndpointOptions": {"EnforceHTTPS": true,
                "TLSSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"}}))
        .with(
            "EncryptionAtRestOptions",
            json!({"Enabled": true, "KmsKeyId": {}}),
        )
        .with("VPCOptions", Match::object_like([("SubnetIds", items(3))])),
    )
}

#[test]
fn tools_run_the_seed_categories() -> Result {
    let t = stacks("prod")(PLATFORM);
    // "Memory: 1GB … Reserved Concurrency: 50 … Timeout: 2 minutes", etc.
    for (name, memory, concurrency, timeout) in [
        ("data-access", 1024, 50, 120),
        ("external-api", 2048, 20, 180),
        ("aws-service", 1536, 30, 240),
        ("notification", 1024, 100, 60),
    ] {
        t.has_resource_properties(
            "AWS::Lambda::Function",
            Match::object_like(json!({
                "FunctionName": format!("agent-tools-{name}"), "Runtime": "python3.11",
                "Architectures": ["arm64"], "MemorySize": memory,
                "ReservedConcurrentExecutions": concurrency, "Timeout": timeout,
                "TracingConfig": {"Mode": "Active"}}))
            .with("VpcConfig", Match::object_like([("SubnetIds", items(3))])),
        )?;
        // "LogRetention: 30 days (operational)"
        t.has_resource_properties(
            "AWS::Logs::LogGroup",
            json!({"LogGroupName": format!("/aws/lambda/agent-tools-{name}"), "RetentionInDays": 30}),
        )?;
    }
    Ok(())
}

/// A role's inline policies include these names, in this order.
fn policies(names: &[&str]) -> Matcher {
    Match::array_with(
        names
            .iter()
            .map(|n| Match::object_like(json!({"PolicyName": n})))
            .collect::<Vec<_>>(),
    )
}

#[test]
fn roles_have_the_seed_trust_and_policies() -> Result {
    let t = stacks("prod")(PLATFORM);
    at(
        &t,
        &["LambdaToolExecutionRole", "Resource"],
        Match::object_like(json!({
            "AssumeRolePolicyDocument": {"Statement": [
                {"Principal": {"Service": "lambda.amazonaws.com"}}]},
            "ManagedPolicyArns": [{"Fn::Sub":
                "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"}]}))
        .with(
            "Policies",
            policies(&[
                "BedrockInvokePolicy",
                "DynamoDBCRUDPolicy",
                "S3ReadWritePolicy",
                "OpenSearchAccessPolicy",
            ]),
        ),
    )?;
    at(
        &t,
        &["BedrockAgentExecutionRole", "Resource"],
        Match::object_like(json!({"AssumeRolePolicyDocument": {"Statement": [
            {"Principal": {"Service": "bedrock.amazonaws.com"}}]}}))
        .with(
            "Policies",
            policies(&[
                "LambdaInvokePolicy",
                "DynamoDBAccessPolicy",
                "S3AccessPolicy",
            ]),
        ),
    )
}

#[test]
fn the_five_agents_have_aliases_tools_and_the_knowledge_base() -> Result {
    let t = stacks("prod")(PLATFORM);
    for (agent, knowledge) in [
        ("ThreatClassifierAgent", false),
        ("InvestigationAgent", true),
        ("ResponseOrchestrationAgent", false),
        ("ThreatIntelligenceAgent", true),
        ("RootCauseAnalysisAgent", true),
    ] {
        let kb = if knowledge {
            Match::any_value()
        } else {
            Match::absent()
        };
        at(
            &t,
            &[agent, "Resource"],
            Match::object_like(json!({"AgentName": agent}))
                .with("ActionGroups", items(2))
                .with("KnowledgeBases", kb),
        )?;
        // "aliases": live and canary, on the agent's id.
        for alias in ["Live", "Canary"] {
            at(
                &t,
                &[agent, alias],
                json!({"AgentId": {"Fn::GetAtt": [id(&[agent, "Resource"]), "AgentId"]}}),
            )?;
        }
    }
    for slug in [
        "threat-classifier",
        "investigation",
        "response-orchestration",
        "threat-intelligence",
        "root-cause-analysis",
    ] {
        t.has_resource_properties(
            "AWS::Logs::LogGroup",
            json!({"LogGroupName": format!("/aws/bedrock/agents/{slug}"), "RetentionInDays": 30}),
        )?;
    }
    t.has_resource_properties(
        "AWS::Bedrock::KnowledgeBase",
        json!({"StorageConfiguration": {"Type": "OPENSEARCH_MANAGED_CLUSTER"}}),
    )
}

#[test]
fn workflows_are_express_logged_and_traced() -> Result {
    let t = stacks("prod")(PLATFORM);
    for name in [
        "ThreatAnalysisPipeline",
        "ParallelClassification",
        "EmergencyResponse",
        "BatchProcessing",
    ] {
        t.has_resource_properties(
            "AWS::StepFunctions::StateMachine",
            json!({"StateMachineName": name, "StateMachineType": "EXPRESS",
                   "LoggingConfiguration": {"Level": "ALL", "IncludeExecutionData": true},
                   "TracingConfiguration": {"Enabled": true}}),
        )?;
    }
    t.has_resource_properties(
        "AWS::Logs::LogGroup",
        json!({"LogGroupName": "/aws/stepfunctions/agent-workflows", "RetentionInDays": 30}),
    )
}

#[test]
fn events_and_apis_follow_the_seed() -> Result {
    let t = stacks("prod")(INTEGRATION);
    t.has_resource_properties("AWS::Events::EventBus", json!({"Name": "ai-agent-events"}))?;
    for (rule, detail_type) in [
        (
            "ThreatClassificationComplete",
            "Threat Classification Complete",
        ),
        ("InvestigationComplete", "Investigation Complete"),
        ("EmergencyThreatDetected", "Emergency Threat Detected"),
    ] {
        t.has_resource_properties(
            "AWS::Events::Rule",
            Match::object_like(json!({"Name": rule, "State": "ENABLED",
                "EventPattern": {"source": ["ai-agent-service"], "detail-type": [detail_type]}}))
            .with("Targets", items(2)),
        )?;
    }
    t.has_resource_properties(
        "AWS::ApiGateway::RestApi",
        json!({"Name": "ai-agent-service-api", "EndpointConfiguration": {"Types": ["REGIONAL"]}}),
    )?;
    // GET/POST /agents, GET/PUT /investigations/{id}, GET/POST /threats.
    t.resource_properties_count_is(
        "AWS::ApiGateway::Method",
        json!({"AuthorizationType": "AWS_IAM"}),
        6,
    )?;
    // "BurstLimit: 1000", "RateLimit: 500"
    t.has_resource_properties(
        "AWS::ApiGateway::Stage",
        json!({"MethodSettings": [{"ThrottlingBurstLimit": 1000, "ThrottlingRateLimit": 500.0}],
               "TracingEnabled": true}),
    )?;
    t.has_resource_properties(
        "AWS::ApiGatewayV2::Api",
        json!({"Name": "ai-agent-realtime-api", "ProtocolType": "WEBSOCKET",
               "RouteSelectionExpression": "$request.body.action"}),
    )?;
    t.resource_count_is("AWS::ApiGatewayV2::Route", 4)?;
    for route in ["$connect", "$disconnect", "subscribe", "unsubscribe"] {
        t.has_resource_properties("AWS::ApiGatewayV2::Route", json!({"RouteKey": route}))?;
    }
    // "LogRetention: … 7 years (audit)"
    t.has_resource_properties(
        "AWS::Logs::LogGroup",
        json!({"LogGroupName": "/aws/apigateway/ai-agent-service-api", "RetentionInDays": 2557}),
    )
}

#[test]
fn monitoring_has_the_seed_alarms_dashboards_and_sampling() -> Result {
    let t = stacks("prod")(MONITORING);
    // "Agent response time > 30s for CRITICAL threats", "Token budget > 90%",
    // "error rate > 5%", "Cache hit rate < 70%", "completion rate < 95%"
    for (alarm, threshold, comparison) in [
        (
            "CriticalThreatResponseTime",
            30_000.0,
            "GreaterThanThreshold",
        ),
        ("TokenBudget", 90.0, "GreaterThanThreshold"),
        ("AgentErrorRate", 5.0, "GreaterThanThreshold"),
        (
            "ContextStoreUnavailable",
            1.0,
            "GreaterThanOrEqualToThreshold",
        ),
        ("ResponseTimeSla", 10_000.0, "GreaterThanThreshold"),
        ("CacheHitRate", 70.0, "LessThanThreshold"),
        ("InvestigationCompletion", 95.0, "LessThanThreshold"),
    ] {
        at(
            &t,
            &[alarm, "Resource"],
            json!({"Threshold": threshold, "ComparisonOperator": comparison}),
        )?;
    }
    at(
        &t,
        &["CriticalThreatResponseTime", "Resource"],
        json!({"Namespace": "AI.Agent", "MetricName": "ResponseTime"}),
    )?;
    at(
        &t,
        &["CacheHitRate", "Resource"],
        json!({"Namespace": "AI.Context"}),
    )?;
    for name in [
        "AI-Agent-Performance-Dashboard",
        "Cost-and-Token-Usage-Dashboard",
        "Security-and-Compliance-Dashboard",
        "Infrastructure-Health-Dashboard",
    ] {
        t.has_resource_properties("AWS::CloudWatch::Dashboard", json!({"DashboardName": name}))?;
    }
    // "SamplingRate: 0.1"
    t.has_resource_properties(
        "AWS::XRay::SamplingRule",
        json!({"SamplingRule": {"FixedRate": 0.1}}),
    )?;
    t.resource_count_is("AWS::Logs::QueryDefinition", 4)
}

#[test]
fn dev_scales_the_seed_down_and_prod_runs_it() -> Result {
    let dev = stacks("dev");
    let prod = stacks("prod");
    // One NAT gateway in dev, one per AZ in prod.
    dev(NETWORK).resource_count_is("AWS::EC2::NatGateway", 1)?;
    prod(NETWORK).resource_count_is("AWS::EC2::NatGateway", 3)?;
    // Single-node caches and search in dev; the seed's 3 nodes in prod.
    dev(DATA).has_resource_properties(
        "AWS::ElastiCache::ReplicationGroup",
        json!({"NumCacheClusters": 1, "MultiAZEnabled": false}),
    )?;
    prod(DATA).has_resource_properties(
        "AWS::ElastiCache::ReplicationGroup",
        json!({"NumCacheClusters": 3, "AutomaticFailoverEnabled": true}),
    )?;
    dev(DATA).has_resource_properties("AWS::DAX::Cluster", json!({"ReplicationFactor": 1}))?;
    prod(DATA).has_resource_properties("AWS::DAX::Cluster", json!({"ReplicationFactor": 3}))?;
    dev(DATA).has_resource_properties(
        "AWS::OpenSearchService::Domain",
        Match::object_like([(
            "ClusterConfig",
            Match::object_like(json!({"InstanceCount": 1}))
                .with("DedicatedMasterEnabled", Match::not(true)),
        )]),
    )?;
    prod(DATA).has_resource_properties(
        "AWS::OpenSearchService::Domain",
        json!({"ClusterConfig": {"InstanceCount": 3, "DedicatedMasterCount": 3}}),
    )?;
    // Regional tables without a standby; global tables with one.
    dev(DATA).resource_count_is("AWS::DynamoDB::Table", 4)?;
    dev(DATA).resource_count_is("AWS::DynamoDB::GlobalTable", 0)?;
    prod(DATA).resource_count_is("AWS::DynamoDB::GlobalTable", 4)?;
    // Production tables refuse deletion.
    prod(DATA).all_resources(
        "AWS::DynamoDB::GlobalTable",
        json!({"DeletionPolicy": "Retain"}),
    )?;
    // The token budget of each environment drives the budget alarm.
    let budget_of = |t: &Template, expression: &str| {
        at(
            t,
            &["TokenBudget", "Resource"],
            Match::object_like([(
                "Metrics",
                Match::array_with([Match::object_like(json!({"Expression": expression}))]),
            )]),
        )
    };
    budget_of(&dev(MONITORING), "100*tokens/100000")?;
    budget_of(&prod(MONITORING), "100*tokens/2000000")
}

#[test]
fn the_dr_standby_in_us_west_2_is_warm_and_wired_to_the_health_check() -> Result {
    let stack = stacks("prod");
    // "us-west-2 (DR)": the multi-Region keys are born in the standby
    // region and replicated.
    stack(REPLICA).all_resources_properties(
        "AWS::KMS::Key",
        json!({"MultiRegion": true, "EnableKeyRotation": true}),
    )?;
    let data = stack(DATA);
    data.resource_count_is("AWS::KMS::ReplicaKey", 2)?;
    // Every global table has its us-west-2 replica with the replica key.
    data.all_resources_properties(
        "AWS::DynamoDB::GlobalTable",
        Match::object_like([(
            "Replicas",
            Match::array_equals([
                Match::object_like(json!({"Region": "us-east-1"})),
                Match::object_like(json!({"Region": "us-west-2",
                    "SSESpecification": {"KMSMasterKeyId": {}}})),
            ]),
        )]),
    )?;
    // The warm standby runs the tools at the warm concurrency and its
    // rules off.
    let standby = stack(STANDBY);
    standby.resource_properties_count_is(
        "AWS::Lambda::Function",
        Match::object_like([("FunctionName", Match::string_like_regexp("^agent-tools-"))]),
        4,
    )?;
    standby.resource_properties_count_is(
        "AWS::Lambda::Function",
        Match::object_like(json!({"ReservedConcurrentExecutions": 2}))
            .with("FunctionName", Match::string_like_regexp("^agent-tools-")),
        4,
    )?;
    standby.all_resources_properties("AWS::Events::Rule", json!({"State": "DISABLED"}))?;
    standby.resource_count_is("AWS::Bedrock::Agent", 5)?;
    standby.has_resource_properties(
        "AWS::ElastiCache::ReplicationGroup",
        json!({"NumCacheClusters": 2}),
    )?;
    // "Route53 Health Checks: "Monitor primary region health"" starts the
    // failover; the standby function restores the seed's capacities.
    let monitoring = stack(MONITORING);
    monitoring.has_resource_properties(
        "AWS::Route53::HealthCheck",
        Match::object_like([(
            "HealthCheckConfig",
            Match::object_like(json!({
                "Type": "HTTPS", "Port": 443, "RequestInterval": 30, "FailureThreshold": 3,
                "ResourcePath": "/prod/health", "EnableSNI": true}))
            .with("FullyQualifiedDomainName", json!({})),
        )]),
    )?;
    monitoring.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        json!({"Namespace": "AWS/Route53", "MetricName": "HealthCheckStatus",
               "Threshold": 1.0, "TreatMissingData": "breaching"}),
    )?;
    monitoring.has_resource_properties("AWS::SNS::Subscription", json!({"Protocol": "lambda"}))?;
    standby.has_resource_properties(
        "AWS::Lambda::Function",
        json!({"FunctionName": "threat-agent-failover", "Runtime": "python3.11",
               "Environment": {"Variables": {
                   "TOOL_CONCURRENCY": "{\"agent-tools-data-access\": 50, \"agent-tools-external-api\": 20, \"agent-tools-aws-service\": 30, \"agent-tools-notification\": 100}",
                   "REDIS_REPLICAS": "2"}}}),
    )?;
    standby.has_resource_properties(
        "AWS::Lambda::Permission",
        json!({"Principal": "sns.amazonaws.com",
               "SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:sns:us-east-1:${AWS::AccountId}:threat-agent-failover"}}),
    )?;
    Ok(())
}
