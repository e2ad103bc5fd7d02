//! Fidelity to seed 000 beyond the network and data tier: compute, load
//! balancer, functions, API and WAF, messaging, workflow, alarms and
//! recovery, each number quoted from the seed and asserted on the
//! production templates with `strata-assertions`.

use serde_json::json;
use strata_assertions::{AssertionError, Match, Matcher, Template};

type Result = std::result::Result<(), AssertionError>;

/// The production template of stack `id`.
fn template(id: &str) -> Template {
    let assembly = bird_agent::app_for("prod")
        .synth()
        .unwrap_or_else(|e| panic!("{e}"));
    Template::from_stack(&assembly, id).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_cluster_and_services_have_the_seed_sizes_and_scaling() -> Result {
    let t = template(bird_agent::COMPUTE);
    // "ECS Cluster: bird-agent-cluster", "FARGATE (70% weight)",
    // "FARGATE_SPOT (30% weight)"
    t.has_resource_properties(
        "AWS::ECS::Cluster",
        json!({"ClusterName": "bird-agent-cluster"}),
    )?;
    t.has_resource_properties(
        "AWS::ECS::ClusterCapacityProviderAssociations",
        json!({"DefaultCapacityProviderStrategy": [
            {"CapacityProvider": "FARGATE", "Weight": 70},
            {"CapacityProvider": "FARGATE_SPOT", "Weight": 30}]}),
    )?;
    // Conversation Manager "CPU: 1024 (1 vCPU)", "Memory: 2048 MB";
    // Multimodal Processor "CPU: 2048 (2 vCPU)", "Memory: 4096 MB".
    for (family, cpu, memory) in [
        ("conversation-manager", "1024", "2048"),
        ("multimodal-processor", "2048", "4096"),
    ] {
        t.has_resource_properties(
            "AWS::ECS::TaskDefinition",
            json!({"Family": family, "Cpu": cpu, "Memory": memory,
                   "ContainerDefinitions": [{"PortMappings": [
                       {"ContainerPort": 8080}, {"ContainerPort": 8081}]}]}),
        )?;
    }
    // "Desired Count: 3", "Min Capacity: 2", "Max Capacity: 20";
    // "Desired Count: 2", "Min Capacity: 1", "Max Capacity: 10".
    for (name, desired, min, max) in [
        ("conversation-manager", 3, 2, 20),
        ("multimodal-processor", 2, 1, 10),
    ] {
        t.has_resource_properties(
            "AWS::ECS::Service",
            json!({"ServiceName": name, "DesiredCount": desired}),
        )?;
        t.has_resource_properties(
            "AWS::ApplicationAutoScaling::ScalableTarget",
            json!({"ScalableDimension": "ecs:service:DesiredCount",
                   "MinCapacity": min, "MaxCapacity": max}),
        )?;
    }
    // "Target CPU: 70%", "Target Memory: 80%", "Scale Out Cooldown: 300s",
    // "Scale In Cooldown: 900s"; "Target CPU: 80%", "Target Memory: 85%".
    let tracking = |metric: &str, target: f64, cooldowns: bool| {
        let mut config = json!({
            "PredefinedMetricSpecification": {"PredefinedMetricType": metric},
            "TargetValue": target});
        if cooldowns {
            config["ScaleOutCooldown"] = json!(300);
            config["ScaleInCooldown"] = json!(900);
        }
        t.has_resource_properties(
            "AWS::ApplicationAutoScaling::ScalingPolicy",
            json!({"TargetTrackingScalingPolicyConfiguration": config}),
        )
    };
    tracking("ECSServiceAverageCPUUtilization", 70.0, true)?;
    tracking("ECSServiceAverageMemoryUtilization", 80.0, true)?;
    tracking("ECSServiceAverageCPUUtilization", 80.0, false)?;
    tracking("ECSServiceAverageMemoryUtilization", 85.0, false)?;
    // "Custom Metric: Queue Depth"
    t.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        json!({"TargetTrackingScalingPolicyConfiguration": {"CustomizedMetricSpecification": {
            "Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible"}}}),
    )?;
    // Images from the app's own ECR repositories, at the release tag.
    t.has_resource_properties(
        "AWS::ECS::TaskDefinition",
        json!({"ContainerDefinitions": [{"Image": {"Fn::Sub":
            "${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/bird-agent/conversation-manager:1.0.0"}}]}),
    )?;
    template(bird_agent::REGISTRY).has_resource_properties(
        "AWS::ECR::Repository",
        json!({"RepositoryName": "bird-agent/conversation-manager",
               "ImageTagMutability": "IMMUTABLE"}),
    )
}

#[test]
fn the_internal_alb_has_the_seed_listener_rules_and_target_groups() -> Result {
    let t = template(bird_agent::COMPUTE);
    // "Name: bird-agent-alb", "Scheme: internal"
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        json!({"Name": "bird-agent-alb", "Scheme": "internal", "Type": "application"}),
    )?;
    // "HTTPS (443)", "SSL Policy: ELBSecurityPolicy-TLS-1-2-2019-07"
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        json!({"Port": 443, "Protocol": "HTTPS",
               "SslPolicy": "ELBSecurityPolicy-TLS-1-2-2019-07",
               "Certificates": [{"CertificateArn": {"Ref": "CertificateArn"}}]}),
    )?;
    // "/multimodal/*", "/health", "/metrics"
    for path in ["/multimodal/*", "/health", "/metrics"] {
        t.has_resource_properties(
            "AWS::ElasticLoadBalancingV2::ListenerRule",
            json!({"Conditions": [{"Field": "path-pattern",
                                   "PathPatternConfig": {"Values": [path]}}]}),
        )?;
    }
    // conversation-manager-tg: "Port: 8080", "Interval: 30 seconds",
    // "Timeout: 5 seconds", "Healthy Threshold: 2", "Unhealthy Threshold:
    // 3", "Matcher: 200", "Deregistration Delay: 30 seconds";
    // multimodal-processor-tg: "Timeout: 10 seconds", "Unhealthy
    // Threshold: 2", "Deregistration Delay: 60 seconds".
    for (name, timeout, unhealthy, delay) in [
        ("conversation-manager-tg", 5, 3, "30"),
        ("multimodal-processor-tg", 10, 2, "60"),
    ] {
        t.has_resource_properties(
            "AWS::ElasticLoadBalancingV2::TargetGroup",
            json!({"Name": name, "Port": 8080, "Protocol": "HTTP",
                   "HealthCheckPath": "/health", "HealthCheckPort": "8081",
                   "HealthCheckIntervalSeconds": 30, "HealthCheckTimeoutSeconds": timeout,
                   "HealthyThresholdCount": 2, "UnhealthyThresholdCount": unhealthy,
                   "Matcher": {"HttpCode": "200"},
                   "TargetGroupAttributes": [
                       {"Key": "deregistration_delay.timeout_seconds", "Value": delay},
                       {"Key": "stickiness.enabled", "Value": "false"}]}),
        )?;
    }
    t.resource_count_is("AWS::ElasticLoadBalancingV2::TargetGroup", 4)
}

#[test]
fn the_functions_have_the_seed_memory_timeouts_and_concurrency() -> Result {
    let t = template(bird_agent::COMPUTE);
    // Event Processor: "Runtime: python3.11", "Memory: 1024 MB", "Timeout:
    // 15 minutes", "Reserved Concurrency: 100", "DYNAMODB_TABLE:
    // agent-events", in the VPC, with "event-processor-dlq".
    t.has_resource_properties(
        "AWS::Lambda::Function",
        Matcher::from(
            json!({"FunctionName": "event-processor", "Runtime": "python3.11",
               "Architectures": ["x86_64"], "MemorySize": 1024, "Timeout": 900,
               "ReservedConcurrentExecutions": 100}),
        )
        .with(
            "VpcConfig",
            Match::object_like([("SubnetIds", Match::any_value())]),
        )
        .with("DeadLetterConfig", Match::any_value())
        .with(
            "Environment",
            Match::object_like([(
                "Variables",
                Match::object_like([
                    ("DYNAMODB_TABLE", Match::any_value()),
                    ("SNS_TOPIC", Match::any_value()),
                ]),
            )]),
        ),
    )?;
    // "Max Receive Count: 3": the first attempt and two retries.
    t.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        json!({"MaximumRetryAttempts": 2}),
    )?;
    // Multimodal Analysis: "Memory: 3008 MB", "Timeout: 5 minutes",
    // "Reserved Concurrency: 50", three layers, "BEDROCK_REGION:
    // us-east-1", "MODEL_CACHE: /tmp/models".
    t.has_resource_properties(
        "AWS::Lambda::Function",
        Matcher::from(
            json!({"FunctionName": "multimodal-analysis", "MemorySize": 3008,
               "Timeout": 300, "ReservedConcurrentExecutions": 50,
               "Environment": {"Variables": {"BEDROCK_REGION": "us-east-1",
                                             "MODEL_CACHE": "/tmp/models"}}}),
        )
        .with(
            "Layers",
            Match::array_with([Match::object_like([(
                "Fn::Sub",
                Match::string_like_regexp("AWSLambdaPowertoolsPythonV3-python311-x86_64"),
            )])]),
        ),
    )?;
    // "Provisioned Concurrency: 10"
    t.has_resource_properties(
        "AWS::Lambda::Alias",
        json!({"Name": "live", "ProvisionedConcurrencyConfig": {
            "ProvisionedConcurrentExecutions": 10}}),
    )?;
    t.resource_count_is("AWS::Lambda::LayerVersion", 2)?;
    // "/aws/lambda/event-processor: Retention: 14 days"
    t.has_resource_properties(
        "AWS::Logs::LogGroup",
        json!({"LogGroupName": "/aws/lambda/event-processor", "RetentionInDays": 14}),
    )?;
    // "/aws/ecs/bird-agent-cluster: Retention: 30 days"
    t.has_resource_properties(
        "AWS::Logs::LogGroup",
        json!({"LogGroupName": "/aws/ecs/bird-agent-cluster", "RetentionInDays": 30}),
    )
}

#[test]
fn the_roles_are_the_seeds_with_their_trust() -> Result {
    let t = template(bird_agent::COMPUTE);
    for (name, service) in [
        ("BirdAgentECSTaskExecutionRole", "ecs-tasks.amazonaws.com"),
        ("BirdAgentECSTaskRole", "ecs-tasks.amazonaws.com"),
        ("BirdAgentLambdaExecutionRole", "lambda.amazonaws.com"),
    ] {
        t.has_resource_properties(
            "AWS::IAM::Role",
            json!({"RoleName": name, "AssumeRolePolicyDocument": {"Statement": [
                {"Principal": {"Service": service}}]}}),
        )?;
    }
    // "Bedrock Invoke Model Policy", "Rekognition Access Policy".
    t.has_resource_properties(
        "AWS::IAM::Policy",
        Match::object_like([(
            "PolicyDocument",
            Match::object_like([(
                "Statement",
                Match::array_with([
                    Match::object_like([("Sid", "BedrockInvokeModel")]),
                    Match::object_like([("Sid", "RekognitionAnalysis")]),
                ]),
            )]),
        )]),
    )?;
    template(bird_agent::EDGE).has_resource_properties(
        "AWS::IAM::Role",
        json!({"RoleName": "BirdAgentAPIGatewayExecutionRole",
               "AssumeRolePolicyDocument": {"Statement": [
                   {"Principal": {"Service": "apigateway.amazonaws.com"}}]}}),
    )?;
    // Secrets "bird-com-api-credentials", "bedrock-api-keys", replicated
    // to us-west-2 ("Replicated across regions automatically").
    for name in ["bird-com-api-credentials", "bedrock-api-keys"] {
        t.has_resource_properties(
            "AWS::SecretsManager::Secret",
            json!({"Name": name, "ReplicaRegions": [{"Region": "us-west-2"}]}),
        )?;
    }
    Ok(())
}

#[test]
fn the_api_and_waf_have_the_seed_throttles_and_rules() -> Result {
    let t = template(bird_agent::EDGE);
    // "API Gateway: bird-agent-api", "Endpoint Type: Regional"
    t.has_resource_properties(
        "AWS::ApiGateway::RestApi",
        json!({"Name": "bird-agent-api", "EndpointConfiguration": {"Types": ["REGIONAL"]}}),
    )?;
    // "Stage Name: prod", "Burst Limit: 5000", "Rate Limit: 2000",
    // "api_version: v1", "environment: production"
    t.has_resource_properties(
        "AWS::ApiGateway::Stage",
        Matcher::from(json!({"StageName": "prod",
               "MethodSettings": [{"ThrottlingBurstLimit": 5000,
                                   "ThrottlingRateLimit": 2000.0}]}))
        .with(
            "Variables",
            Match::object_like([
                ("api_version", Match::exact("v1")),
                ("environment", Match::exact("production")),
                ("backend_url", Match::any_value()),
            ]),
        ),
    )?;
    // "POST /api/v1/agents/process: Authorization: AWS_IAM", "Integration
    // Timeout: 29 seconds", to the internal ALB.
    t.has_resource_properties(
        "AWS::ApiGateway::Method",
        json!({"HttpMethod": "POST", "AuthorizationType": "AWS_IAM",
               "Integration": {"ConnectionType": "VPC_LINK", "TimeoutInMillis": 29000},
               "MethodResponses": [{"StatusCode": "200"}, {"StatusCode": "400"},
                                   {"StatusCode": "500"}]}),
    )?;
    // "Validate Request Body: true", "Validate Request Parameters: true"
    t.has_resource_properties(
        "AWS::ApiGateway::RequestValidator",
        json!({"ValidateRequestBody": true, "ValidateRequestParameters": true}),
    )?;
    for model in ["BirdAgentRequest", "BirdAgentResponse", "ErrorResponse"] {
        t.has_resource_properties("AWS::ApiGateway::Model", json!({"Name": model}))?;
    }
    // "/aws/apigateway/bird-agent-api: Retention: 30 days"
    t.has_resource_properties(
        "AWS::Logs::LogGroup",
        json!({"LogGroupName": "/aws/apigateway/bird-agent-api", "RetentionInDays": 30}),
    )?;
    // WAF: core rule set (1), known bad inputs (2), "2000 requests/5min
    // per IP" (10), "Block CN, RU, KP" (20), Bird.com allowlist (30).
    t.has_resource_properties(
        "AWS::WAFv2::WebACL",
        json!({"Name": "bird-agent-waf", "Scope": "REGIONAL", "DefaultAction": {"Allow": {}},
               "Rules": [
                   {"Priority": 1, "Statement": {"ManagedRuleGroupStatement": {
                       "Name": "AWSManagedRulesCommonRuleSet"}}},
                   {"Priority": 2, "Statement": {"ManagedRuleGroupStatement": {
                       "Name": "AWSManagedRulesKnownBadInputsRuleSet"}}},
                   {"Priority": 10, "Action": {"Block": {}}, "Statement": {
                       "RateBasedStatement": {"Limit": 2000, "AggregateKeyType": "IP"}}},
                   {"Priority": 20, "Action": {"Block": {}}, "Statement": {
                       "GeoMatchStatement": {"CountryCodes": ["CN", "RU", "KP"]}}},
                   {"Priority": 30, "Action": {"Allow": {}}, "Statement": {
                       "IPSetReferenceStatement": {}}}]}),
    )?;
    t.resource_count_is("AWS::WAFv2::WebACLAssociation", 1)?;
    // WAF logging "Retention: 30 days"
    t.has_resource_properties(
        "AWS::Logs::LogGroup",
        json!({"LogGroupName": "aws-waf-logs-bird-agent-waf", "RetentionInDays": 30}),
    )
}

#[test]
fn queues_have_the_seed_visibility_retention_and_receive_counts() -> Result {
    let t = template(bird_agent::MESSAGING);
    // "Visibility Timeout: 60 seconds", "Message Retention: 14 days",
    // "maxReceiveCount: 3", "SSE-SQS"
    t.has_resource_properties(
        "AWS::SQS::Queue",
        json!({"QueueName": "message-processing-queue", "VisibilityTimeout": 60,
               "MessageRetentionPeriod": 14 * 86_400, "SqsManagedSseEnabled": true,
               "RedrivePolicy": {"maxReceiveCount": 3}}),
    )?;
    // "Visibility Timeout: 300 seconds (5 minutes)", "Max Receive Count:
    // 2", "FIFO: true", "Content Based Deduplication: true"
    t.has_resource_properties(
        "AWS::SQS::Queue",
        json!({"QueueName": "multimodal-processing-queue.fifo", "FifoQueue": true,
               "ContentBasedDeduplication": true, "VisibilityTimeout": 300,
               "MessageRetentionPeriod": 14 * 86_400,
               "RedrivePolicy": {"maxReceiveCount": 2}}),
    )?;
    // "Visibility Timeout: 30 seconds", "Message Retention: 7 days"
    t.has_resource_properties(
        "AWS::SQS::Queue",
        json!({"QueueName": "high-priority-processing-queue.fifo", "FifoQueue": true,
               "VisibilityTimeout": 30, "MessageRetentionPeriod": 7 * 86_400}),
    )?;
    for name in ["message-processing-dlq", "event-processor-dlq"] {
        t.has_resource_properties("AWS::SQS::Queue", json!({"QueueName": name}))?;
    }
    // "Custom Event Bus: bird-agent-events"; archive "agent-events-archive",
    // "Retention: 30 days", source "bird.com", "agent.*"
    t.has_resource_properties(
        "AWS::Events::EventBus",
        json!({"Name": "bird-agent-events"}),
    )?;
    t.has_resource_properties(
        "AWS::Events::Archive",
        json!({"ArchiveName": "agent-events-archive", "RetentionDays": 30,
               "EventPattern": {"source": ["bird.com", {"prefix": "agent."}]}}),
    )
}

#[test]
fn rules_and_workflow_follow_the_seed() -> Result {
    let t = template(bird_agent::EVENTS);
    // agent-message-processing: "Lambda: event-processor", "SQS:
    // message-processing-queue"
    t.has_resource_properties(
        "AWS::Events::Rule",
        json!({"Name": "agent-message-processing",
               "EventPattern": {"source": ["bird.com"], "detail-type": ["Message Received"]},
               "Targets": [{"Id": "Target0"}, {"Id": "Target1"}]}),
    )?;
    t.has_resource_properties(
        "AWS::Events::Rule",
        json!({"Name": "multimodal-content-analysis",
               "EventPattern": {"source": ["agent.multimodal"],
                                "detail-type": ["Content Analysis Required"]}}),
    )?;
    // performance-metrics: "CloudWatch: Custom Metrics", "Kinesis:
    // analytics-stream"
    t.has_resource_properties(
        "AWS::Events::Rule",
        json!({"Name": "performance-metrics", "EventPattern": {"source": ["agent.metrics"]},
               "Targets": [{"Id": "Target0"},
                           {"KinesisParameters": {"PartitionKeyPath": "$.id"}}]}),
    )?;
    // "State Machine: multimodal-analysis-sm", "Type: EXPRESS", "Level:
    // ALL", "Include Execution Data: true"
    t.has_resource_properties(
        "AWS::StepFunctions::StateMachine",
        json!({"StateMachineName": "multimodal-analysis-sm", "StateMachineType": "EXPRESS",
               "LoggingConfiguration": {"Level": "ALL", "IncludeExecutionData": true}}),
    )?;
    // "/aws/stepfunctions/multimodal-analysis: Retention: 7 days"
    t.has_resource_properties(
        "AWS::Logs::LogGroup",
        json!({"LogGroupName": "/aws/stepfunctions/multimodal-analysis", "RetentionInDays": 7}),
    )?;
    // The states: classification, the three parallel branches,
    // aggregation, notification.
    let (_, machine) = t
        .find_resources("AWS::StepFunctions::StateMachine", json!({}))
        .pop()
        .expect("the state machine");
    let text = machine["Properties"]["DefinitionString"]["Fn::Sub"][0]
        .as_str()
        .expect("definition");
    let definition: serde_json::Value = serde_json::from_str(text).expect("json");
    let states = &definition["States"];
    assert_eq!(states["ParallelProcessing"]["Type"], "Parallel");
    assert_eq!(
        states["ParallelProcessing"]["Branches"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    assert_eq!(states["ResultsAggregation"]["Next"], "NotificationDelivery");
    assert_eq!(states["NotificationDelivery"]["End"], true);
    Ok(())
}

#[test]
fn alarms_have_the_seed_thresholds_periods_and_evaluations() -> Result {
    let t = template(bird_agent::OBSERVABILITY);
    // HighErrorRate "> 5%", "Period: 5 minutes", "Evaluation Periods: 2",
    // "Actions: [SNS Topic: critical-alerts, Auto Scaling]".
    t.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        Matcher::from(json!({"AlarmName": "HighErrorRate", "Threshold": 5.0,
               "EvaluationPeriods": 2,
               "AlarmActions": [{}, {"Ref": "ErrorRateScaleOut"}]}))
        .with(
            "Metrics",
            Match::array_with([Match::object_like([(
                "MetricStat",
                Match::object_like([("Period", 300)]),
            )])]),
        ),
    )?;
    // HighLatency "> 10 seconds (P95)", 5 minutes, 2.
    t.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        json!({"AlarmName": "HighLatency", "ExtendedStatistic": "p95", "Threshold": 10000.0,
               "Period": 300, "EvaluationPeriods": 2}),
    )?;
    // DatabaseConnectionFailure "< 1", "Period: 1 minute", "Evaluation
    // Periods: 3", "Restart RDS".
    t.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        json!({"AlarmName": "DatabaseConnectionFailure", "MetricName": "DatabaseConnections",
               "ComparisonOperator": "LessThanThreshold", "Threshold": 1.0, "Period": 60,
               "EvaluationPeriods": 3,
               "AlarmActions": [{}, {"Fn::GetAtt": [
                   strata::logical_id(&["RestartDatabase", "Resource"]), "Arn"]}]}),
    )?;
    // HighCPUUtilization "> 80%", HighMemoryUtilization "> 85%", "Period:
    // 10 minutes", "Evaluation Periods: 2".
    for (name, metric, threshold) in [
        ("HighCPUUtilization", "CPUUtilization", 80.0),
        ("HighMemoryUtilization", "MemoryUtilization", 85.0),
    ] {
        t.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            json!({"AlarmName": name, "Namespace": "AWS/ECS", "MetricName": metric,
                   "Threshold": threshold, "Period": 600, "EvaluationPeriods": 2}),
        )?;
    }
    // DiskSpaceUsage "< 20%", "Period: 5 minutes", "Evaluation Periods: 1".
    t.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        json!({"AlarmName": "DiskSpaceUsage", "ComparisonOperator": "LessThanThreshold",
               "Period": 300, "EvaluationPeriods": 1}),
    )?;
    t.resource_count_is("AWS::CloudWatch::Alarm", 6)?;
    for name in [
        "BirdAgent-Overview",
        "BirdAgent-Performance",
        "BirdAgent-Infrastructure",
    ] {
        t.has_resource_properties("AWS::CloudWatch::Dashboard", json!({"DashboardName": name}))?;
    }
    // "Health Check Interval: 30 seconds", "Failure Threshold: 3".
    t.has_resource_properties(
        "AWS::Route53::HealthCheck",
        json!({"HealthCheckConfig": {"RequestInterval": 30, "FailureThreshold": 3}}),
    )
}

#[test]
fn recovery_replicates_to_us_west_2() -> Result {
    let assembly = bird_agent::app_for("prod")
        .synth()
        .unwrap_or_else(|e| panic!("{e}"));
    let recovery = assembly
        .stacks
        .iter()
        .find(|s| s.id == bird_agent::RECOVERY)
        .expect("recovery stack");
    // "Secondary Region: us-west-2"
    assert_eq!(recovery.env.region.as_deref(), Some("us-west-2"));
    let t = template(bird_agent::RECOVERY);
    // "agent-media-bucket → agent-media-bucket-west", "agent-config-bucket
    // → agent-config-bucket-west", "Archive to Glacier after 90 days".
    for name in ["agent-media-bucket-west", "agent-config-bucket-west"] {
        t.has_resource_properties(
            "AWS::S3::Bucket",
            json!({"BucketName": {"Fn::Sub": format!("{name}-${{AWS::AccountId}}-us-west-2")},
                   "VersioningConfiguration": {"Status": "Enabled"},
                   "LifecycleConfiguration": {"Rules": [{"Transitions": [
                       {"StorageClass": "GLACIER", "TransitionInDays": 90}]}]}}),
        )?;
    }
    t.has_resource_properties(
        "AWS::Backup::BackupVault",
        json!({"BackupVaultName": "bird-agent-backups"}),
    )?;
    // The primary buckets replicate there.
    let primary = template(bird_agent::STACK);
    primary.resource_properties_count_is(
        "AWS::S3::Bucket",
        json!({"ReplicationConfiguration": {"Rules": [{"Status": "Enabled"}]}}),
        2,
    )
}

#[test]
fn dev_is_smaller_and_does_not_replicate() {
    let assembly = bird_agent::app_for("dev")
        .synth()
        .unwrap_or_else(|e| panic!("{e}"));
    let compute = Template::from_stack(&assembly, bird_agent::COMPUTE).expect("compute");
    compute
        .has_resource_properties(
            "AWS::ECS::Service",
            json!({"ServiceName": "conversation-manager", "DesiredCount": 1}),
        )
        .expect("one task in dev");
    compute
        .has_resource_properties(
            "AWS::Lambda::Alias",
            Match::object_like([("ProvisionedConcurrencyConfig", Match::absent())]),
        )
        .expect("no provisioned concurrency in dev");
    let data = Template::from_stack(&assembly, bird_agent::STACK).expect("data");
    data.resource_properties_count_is(
        "AWS::S3::Bucket",
        Match::object_like([("ReplicationConfiguration", Match::any_value())]),
        0,
    )
    .expect("no replication in dev");
}
