//! Fidelity: the seed's concrete numbers in the production templates,
//! section by section.

mod support;

use serde_json::json;
use support::{assembly, at, has_resource_properties, resources, template};
use threat_agent::*;

#[test]
fn network_security_has_the_seed_vpc_subnets_and_endpoints() {
    let a = assembly("prod");
    let t = template(&a, NETWORK);
    has_resource_properties(t, "AWS::EC2::VPC", json!({"CidrBlock": "10.0.0.0/16"}));
    let expected = [
        ("10.0.1.0/24", "us-east-1a"),
        ("10.0.2.0/24", "us-east-1b"),
        ("10.0.3.0/24", "us-east-1c"),
        ("10.0.101.0/24", "us-east-1a"),
        ("10.0.102.0/24", "us-east-1b"),
        ("10.0.103.0/24", "us-east-1c"),
    ];
    for (cidr, az) in expected {
        has_resource_properties(
            t,
            "AWS::EC2::Subnet",
            json!({"CidrBlock": cidr, "AvailabilityZone": az}),
        );
    }
    assert_eq!(resources(t, "AWS::EC2::Subnet").len(), 6);
    let mut services: Vec<String> = resources(t, "AWS::EC2::VPCEndpoint")
        .iter()
        .filter_map(|e| e["Properties"]["ServiceName"].as_str().map(str::to_string))
        .collect();
    services.sort();
    assert_eq!(
        services,
        [
            "com.amazonaws.us-east-1.bedrock-agent-runtime",
            "com.amazonaws.us-east-1.bedrock-runtime",
            "com.amazonaws.us-east-1.dynamodb",
            "com.amazonaws.us-east-1.kms",
            "com.amazonaws.us-east-1.logs",
            "com.amazonaws.us-east-1.monitoring",
            "com.amazonaws.us-east-1.s3",
        ]
    );
    // BedrockAgentSG has no inbound rules; LambdaToolSG takes HTTPS from it.
    let agent_sg = at(t, &["BedrockAgentSG", "Resource"]);
    assert!(agent_sg["Properties"]["SecurityGroupIngress"].is_null());
    let agent_sg_id = strata::logical_id(&["BedrockAgentSG", "Resource"]);
    has_resource_properties(
        t,
        "AWS::EC2::SecurityGroupIngress",
        json!({"FromPort": 443, "ToPort": 443, "IpProtocol": "tcp",
               "SourceSecurityGroupId": {"Fn::GetAtt": [agent_sg_id, "GroupId"]}}),
    );
    let tool_sg = strata::logical_id(&["LambdaToolSG", "Resource"]);
    for port in [6379, 443, 9111] {
        has_resource_properties(
            t,
            "AWS::EC2::SecurityGroupEgress",
            json!({"FromPort": port, "GroupId": {"Fn::GetAtt": [tool_sg, "GroupId"]}}),
        );
    }
    // Redis admits 6379 from the tools only.
    let cache_sg = strata::logical_id(&["CacheSG", "Resource"]);
    has_resource_properties(
        t,
        "AWS::EC2::SecurityGroupIngress",
        json!({"FromPort": 6379, "GroupId": {"Fn::GetAtt": [cache_sg, "GroupId"]},
               "SourceSecurityGroupId": {"Fn::GetAtt": [tool_sg, "GroupId"]}}),
    );
}

#[test]
fn keys_are_symmetric_rotated_and_carry_the_seed_policy() {
    let a = assembly("prod");
    let replica = template(&a, REPLICA);
    let context = has_resource_properties(
        replica,
        "AWS::KMS::Key",
        json!({"Description": "AI Agent context data encryption", "KeySpec": "SYMMETRIC_DEFAULT",
               "KeyUsage": "ENCRYPT_DECRYPT", "EnableKeyRotation": true, "MultiRegion": true}),
    );
    let sids: Vec<&str> = context["Properties"]["KeyPolicy"]["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .filter_map(|s| s["Sid"].as_str())
        .collect();
    for sid in [
        "AllowBedrockAgentsToUseKey",
        "AllowLambdaFunctionsToUseKey",
        "AllowDynamoDBToUseKey",
    ] {
        assert!(sids.contains(&sid), "{sid} in {sids:?}");
    }
    has_resource_properties(
        replica,
        "AWS::KMS::Key",
        json!({"Description": "Investigation evidence encryption", "MultiRegion": true}),
    );
    has_resource_properties(
        template(&a, SECURITY),
        "AWS::KMS::Alias",
        json!({"AliasName": "alias/opensearch-key"}),
    );
}

#[test]
fn context_tables_have_the_seed_keys_ttl_capacity_and_indexes() {
    let a = assembly("prod");
    let t = template(&a, DATA);
    let global = has_resource_properties(
        t,
        "AWS::DynamoDB::GlobalTable",
        json!({"TableName": "GlobalContextTable", "BillingMode": "PAY_PER_REQUEST",
               "KeySchema": [{"AttributeName": "context_type", "KeyType": "HASH"},
                             {"AttributeName": "timestamp", "KeyType": "RANGE"}],
               "TimeToLiveSpecification": {"AttributeName": "expires_at", "Enabled": true}}),
    );
    let gsis: Vec<&str> = global["Properties"]["GlobalSecondaryIndexes"]
        .as_array()
        .expect("gsis")
        .iter()
        .filter_map(|i| i["IndexName"].as_str())
        .collect();
    assert_eq!(
        gsis,
        ["threat_type-timestamp-index", "severity-timestamp-index"]
    );
    has_resource_properties(
        t,
        "AWS::DynamoDB::GlobalTable",
        json!({"TableName": "InvestigationContextTable", "BillingMode": "PROVISIONED",
               "LocalSecondaryIndexes": [{"IndexName": "agent_id-timestamp-index"}],
               "WriteProvisionedThroughputSettings": {"WriteCapacityAutoScalingSettings": {
                   "MinCapacity": 5, "MaxCapacity": 100,
                   "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 70.0}}}}),
    );
    has_resource_properties(
        t,
        "AWS::DynamoDB::GlobalTable",
        json!({"TableName": "AgentContextTable", "BillingMode": "PAY_PER_REQUEST",
               "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"}}),
    );
    // The TTLs the writers apply: 7 days, 30 days, 24 hours.
    let tool = has_resource_properties(
        template(&a, PLATFORM),
        "AWS::Lambda::Function",
        json!({"FunctionName": "agent-tools-data-access"}),
    );
    let env = &tool["Properties"]["Environment"]["Variables"];
    assert_eq!(env["TTL_SECONDS_GlobalContextTable"], "604800");
    assert_eq!(env["TTL_SECONDS_InvestigationContextTable"], "2592000");
    assert_eq!(env["TTL_SECONDS_AgentContextTable"], "86400");
    assert_eq!(env["LOCAL_CACHE_MAX_SIZE"], "100");
    assert_eq!(env["LOCAL_CACHE_TTL_MINUTES"], "5");
}

#[test]
fn buckets_have_the_seed_lifecycles_object_lock_and_encryption() {
    let a = assembly("prod");
    let t = template(&a, DATA);
    has_resource_properties(
        t,
        "AWS::S3::Bucket",
        json!({"VersioningConfiguration": {"Status": "Enabled"},
               "LifecycleConfiguration": {"Rules": [{"Transitions": [
                   {"StorageClass": "STANDARD_IA", "TransitionInDays": 30},
                   {"StorageClass": "GLACIER", "TransitionInDays": 90},
                   {"StorageClass": "DEEP_ARCHIVE", "TransitionInDays": 365}]}]},
               "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                   {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]}}),
    );
    has_resource_properties(
        t,
        "AWS::S3::Bucket",
        json!({"ObjectLockEnabled": true,
               "ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled",
                   "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 2557}}},
               "LifecycleConfiguration": {"Rules": [{"Transitions": [
                   {"StorageClass": "GLACIER_IR", "TransitionInDays": 7},
                   {"StorageClass": "GLACIER", "TransitionInDays": 30}]}]}}),
    );
    // The replicas in us-west-2 keep the lock.
    has_resource_properties(
        template(&a, REPLICA),
        "AWS::S3::Bucket",
        json!({"ObjectLockEnabled": true}),
    );
}

#[test]
fn caches_and_search_have_the_seed_settings() {
    let a = assembly("prod");
    let t = template(&a, DATA);
    has_resource_properties(
        t,
        "AWS::ElastiCache::ReplicationGroup",
        json!({"CacheNodeType": "cache.r6g.large", "NumCacheClusters": 3, "Engine": "redis",
               "EngineVersion": "7.0", "MultiAZEnabled": true, "AutomaticFailoverEnabled": true,
               "SnapshotRetentionLimit": 5, "SnapshotWindow": "03:00-05:00",
               "PreferredMaintenanceWindow": "sun:05:00-sun:07:00"}),
    );
    has_resource_properties(
        t,
        "AWS::DAX::Cluster",
        json!({"ClusterName": "ai-agent-ctx-cache", "NodeType": "dax.r4.large",
               "ReplicationFactor": 3, "ParameterGroupName": "default.dax1.0",
               "PreferredMaintenanceWindow": "sun:05:00-sun:06:00"}),
    );
    let domain = has_resource_properties(
        t,
        "AWS::OpenSearchService::Domain",
        json!({"DomainName": "ai-agent-knowledge-base", "EngineVersion": "OpenSearch_2.3",
               "ClusterConfig": {"InstanceType": "r6g.large.search", "InstanceCount": 3,
                   "DedicatedMasterEnabled": true, "DedicatedMasterCount": 3},
               "EBSOptions": {"EBSEnabled": true, "VolumeType": "gp3", "VolumeSize": 100, "Iops": 3000},
               "NodeToNodeEncryptionOptions": {"Enabled": true},
               "DomainEndpointOptions": {"EnforceHTTPS": true,
                   "TLSSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"}}),
    );
    let p = &domain["Properties"];
    assert_eq!(p["EncryptionAtRestOptions"]["Enabled"], true);
    assert!(p["EncryptionAtRestOptions"]["KmsKeyId"].is_object());
    assert_eq!(
        p["VPCOptions"]["SubnetIds"].as_array().map(Vec::len),
        Some(3)
    );
}

#[test]
fn tools_run_the_seed_categories() {
    let a = assembly("prod");
    let t = template(&a, PLATFORM);
    for (name, memory, concurrency, timeout) in [
        ("data-access", 1024, 50, 120),
        ("external-api", 2048, 20, 180),
        ("aws-service", 1536, 30, 240),
        ("notification", 1024, 100, 60),
    ] {
        let f = has_resource_properties(
            t,
            "AWS::Lambda::Function",
            json!({"FunctionName": format!("agent-tools-{name}"), "Runtime": "python3.11",
                   "Architectures": ["arm64"], "MemorySize": memory,
                   "ReservedConcurrentExecutions": concurrency, "Timeout": timeout,
                   "TracingConfig": {"Mode": "Active"}}),
        );
        assert_eq!(
            f["Properties"]["VpcConfig"]["SubnetIds"]
                .as_array()
                .map(Vec::len),
            Some(3)
        );
        has_resource_properties(
            t,
            "AWS::Logs::LogGroup",
            json!({"LogGroupName": format!("/aws/lambda/agent-tools-{name}"), "RetentionInDays": 30}),
        );
    }
}

#[test]
fn roles_have_the_seed_trust_and_policies() {
    let a = assembly("prod");
    let t = template(&a, PLATFORM);
    let names = |r: &serde_json::Value| -> Vec<String> {
        r["Properties"]["Policies"]
            .as_array()
            .expect("policies")
            .iter()
            .filter_map(|p| p["PolicyName"].as_str().map(str::to_string))
            .collect()
    };
    let tool = at(t, &["LambdaToolExecutionRole", "Resource"]);
    assert_eq!(
        tool["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
        "lambda.amazonaws.com"
    );
    assert!(tool["Properties"]["ManagedPolicyArns"]
        .to_string()
        .contains("AWSLambdaVPCAccessExecutionRole"));
    for name in [
        "BedrockInvokePolicy",
        "DynamoDBCRUDPolicy",
        "S3ReadWritePolicy",
        "OpenSearchAccessPolicy",
    ] {
        assert!(names(tool).contains(&name.to_string()), "{name}");
    }
    let agent = at(t, &["BedrockAgentExecutionRole", "Resource"]);
    assert_eq!(
        agent["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
        "bedrock.amazonaws.com"
    );
    for name in [
        "LambdaInvokePolicy",
        "DynamoDBAccessPolicy",
        "S3AccessPolicy",
    ] {
        assert!(names(agent).contains(&name.to_string()), "{name}");
    }
}

#[test]
fn the_five_agents_have_aliases_tools_and_the_knowledge_base() {
    let a = assembly("prod");
    let t = template(&a, PLATFORM);
    for (agent, groups, knowledge) in [
        ("ThreatClassifierAgent", 2, false),
        ("InvestigationAgent", 2, true),
        ("ResponseOrchestrationAgent", 2, false),
        ("ThreatIntelligenceAgent", 2, true),
        ("RootCauseAnalysisAgent", 2, true),
    ] {
        let r = at(t, &[agent, "Resource"]);
        let p = &r["Properties"];
        assert_eq!(p["AgentName"], agent);
        assert_eq!(
            p["ActionGroups"].as_array().map(Vec::len),
            Some(groups),
            "{agent}"
        );
        assert_eq!(!p["KnowledgeBases"].is_null(), knowledge, "{agent}");
        for alias in ["Live", "Canary"] {
            let alias = at(t, &[agent, alias]);
            assert_eq!(alias["Properties"]["AgentId"]["Fn::GetAtt"][1], "AgentId");
        }
    }
    for slug in [
        "threat-classifier",
        "investigation",
        "response-orchestration",
        "threat-intelligence",
        "root-cause-analysis",
    ] {
        has_resource_properties(
            t,
            "AWS::Logs::LogGroup",
            json!({"LogGroupName": format!("/aws/bedrock/agents/{slug}"), "RetentionInDays": 30}),
        );
    }
    has_resource_properties(
        t,
        "AWS::Bedrock::KnowledgeBase",
        json!({"StorageConfiguration": {"Type": "OPENSEARCH_MANAGED_CLUSTER"}}),
    );
}

#[test]
fn workflows_are_express_logged_and_traced() {
    let a = assembly("prod");
    let t = template(&a, PLATFORM);
    for name in [
        "ThreatAnalysisPipeline",
        "ParallelClassification",
        "EmergencyResponse",
        "BatchProcessing",
    ] {
        has_resource_properties(
            t,
            "AWS::StepFunctions::StateMachine",
            json!({"StateMachineName": name, "StateMachineType": "EXPRESS",
                   "LoggingConfiguration": {"Level": "ALL", "IncludeExecutionData": true},
                   "TracingConfiguration": {"Enabled": true}}),
        );
    }
    has_resource_properties(
        t,
        "AWS::Logs::LogGroup",
        json!({"LogGroupName": "/aws/stepfunctions/agent-workflows", "RetentionInDays": 30}),
    );
}

#[test]
fn events_and_apis_follow_the_seed() {
    let a = assembly("prod");
    let t = template(&a, INTEGRATION);
    has_resource_properties(
        t,
        "AWS::Events::EventBus",
        json!({"Name": "ai-agent-events"}),
    );
    for (rule, detail_type, targets) in [
        (
            "ThreatClassificationComplete",
            "Threat Classification Complete",
            2,
        ),
        ("InvestigationComplete", "Investigation Complete", 2),
        ("EmergencyThreatDetected", "Emergency Threat Detected", 2),
    ] {
        let r = has_resource_properties(
            t,
            "AWS::Events::Rule",
            json!({"Name": rule, "State": "ENABLED",
                   "EventPattern": {"source": ["ai-agent-service"], "detail-type": [detail_type]}}),
        );
        assert_eq!(
            r["Properties"]["Targets"].as_array().map(Vec::len),
            Some(targets)
        );
    }
    has_resource_properties(
        t,
        "AWS::ApiGateway::RestApi",
        json!({"Name": "ai-agent-service-api", "EndpointConfiguration": {"Types": ["REGIONAL"]}}),
    );
    let methods = resources(t, "AWS::ApiGateway::Method");
    let iam = methods
        .iter()
        .filter(|m| m["Properties"]["AuthorizationType"] == "AWS_IAM")
        .count();
    assert_eq!(
        iam, 6,
        "GET/POST /agents, GET/PUT /investigations/{{id}}, GET/POST /threats"
    );
    has_resource_properties(
        t,
        "AWS::ApiGateway::Stage",
        json!({"MethodSettings": [{"ThrottlingBurstLimit": 1000, "ThrottlingRateLimit": 500.0}],
               "TracingEnabled": true}),
    );
    has_resource_properties(
        t,
        "AWS::ApiGatewayV2::Api",
        json!({"Name": "ai-agent-realtime-api", "ProtocolType": "WEBSOCKET",
               "RouteSelectionExpression": "$request.body.action"}),
    );
    let mut routes: Vec<String> = resources(t, "AWS::ApiGatewayV2::Route")
        .iter()
        .filter_map(|r| r["Properties"]["RouteKey"].as_str().map(str::to_string))
        .collect();
    routes.sort();
    assert_eq!(
        routes,
        ["$connect", "$disconnect", "subscribe", "unsubscribe"]
    );
    has_resource_properties(
        t,
        "AWS::Logs::LogGroup",
        json!({"LogGroupName": "/aws/apigateway/ai-agent-service-api", "RetentionInDays": 2557}),
    );
}

#[test]
fn monitoring_has_the_seed_alarms_dashboards_and_sampling() {
    let a = assembly("prod");
    let t = template(&a, MONITORING);
    for (id, threshold, comparison) in [
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
        let p = &at(t, &[id, "Resource"])["Properties"];
        assert_eq!(p["Threshold"], threshold, "{id}");
        assert_eq!(p["ComparisonOperator"], comparison, "{id}");
    }
    let critical = at(t, &["CriticalThreatResponseTime", "Resource"]);
    assert_eq!(critical["Properties"]["Namespace"], "AI.Agent");
    assert_eq!(critical["Properties"]["MetricName"], "ResponseTime");
    let cache = at(t, &["CacheHitRate", "Resource"]);
    assert_eq!(cache["Properties"]["Namespace"], "AI.Context");
    for name in [
        "AI-Agent-Performance-Dashboard",
        "Cost-and-Token-Usage-Dashboard",
        "Security-and-Compliance-Dashboard",
        "Infrastructure-Health-Dashboard",
    ] {
        has_resource_properties(
            t,
            "AWS::CloudWatch::Dashboard",
            json!({"DashboardName": name}),
        );
    }
    has_resource_properties(
        t,
        "AWS::XRay::SamplingRule",
        json!({"SamplingRule": {"FixedRate": 0.1}}),
    );
    assert_eq!(resources(t, "AWS::Logs::QueryDefinition").len(), 4);
}
