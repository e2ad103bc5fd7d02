//! What each CloudFormation resource type is in a diagram: a node of some
//! category, plumbing folded into the node it belongs to, or nothing.

use serde_json::Value as Json;

/// The category of a node, which picks its shape and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// Load balancers, APIs, CDNs, firewalls, identity.
    Edge,
    /// Containers, functions, clusters, instances, workflows.
    Compute,
    /// Bedrock agents and knowledge bases.
    Ai,
    /// Databases, tables, caches, buckets, search domains.
    Data,
    /// Queues, topics, event buses and rules, streams.
    Messaging,
    /// A stack's note: keys, secrets, alarms (counts).
    Note,
    /// A VPC tier or the VPC endpoints.
    Network,
}

impl Category {
    /// The lower-case name, used as the style class.
    pub fn name(self) -> &'static str {
        match self {
            Category::Edge => "edge",
            Category::Compute => "compute",
            Category::Ai => "ai",
            Category::Data => "data",
            Category::Messaging => "messaging",
            Category::Note => "note",
            Category::Network => "network",
        }
    }
}

/// What a resource type becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A node of the diagram, with a short kind label.
    Node(Category, &'static str),
    /// Plumbing of the node(s) its listed properties reference: references
    /// to it stand for that node, and its own references count as the
    /// node's (an API method's Lambda integration is the API's edge).
    Fold(&'static [&'static str]),
    /// Plumbing of the nodes whose properties reference it (a task
    /// definition belongs to the services that run it); a node itself
    /// when nothing references it.
    FoldIntoReferrers(Category, &'static str, &'static [&'static str]),
    /// Not drawn (its references may still be folded into edges elsewhere).
    Ignore,
}

/// The role of resource type `ty`.
pub fn role(ty: &str) -> Role {
    use Category::*;
    match ty {
        "AWS::ECS::Service" => Role::Node(Compute, "ECS service"),
        "AWS::ECS::Cluster" => Role::Node(Compute, "ECS cluster"),
        "AWS::ECS::TaskDefinition" => {
            Role::FoldIntoReferrers(Compute, "ECS task", &["AWS::ECS::Service"])
        }
        "AWS::Lambda::Function" => Role::Node(Compute, "Lambda"),
        "AWS::EKS::Cluster" => Role::Node(Compute, "EKS cluster"),
        "AWS::EKS::Nodegroup" => Role::Node(Compute, "EKS node group"),
        "AWS::EKS::FargateProfile" => Role::Node(Compute, "EKS Fargate profile"),
        "AWS::EC2::Instance" => Role::Node(Compute, "EC2 instance"),
        "AWS::AutoScaling::AutoScalingGroup" => Role::Node(Compute, "Auto Scaling group"),
        "AWS::StepFunctions::StateMachine" => Role::Node(Compute, "state machine"),
        "AWS::Bedrock::Agent" => Role::Node(Ai, "Bedrock agent"),
        "AWS::Bedrock::KnowledgeBase" => Role::Node(Ai, "knowledge base"),
        "AWS::RDS::DBCluster" => Role::Node(Data, "RDS cluster"),
        "AWS::RDS::DBInstance" => Role::Node(Data, "RDS instance"),
        "AWS::DynamoDB::Table" => Role::Node(Data, "DynamoDB table"),
        "AWS::DynamoDB::GlobalTable" => Role::Node(Data, "DynamoDB global table"),
        "AWS::ElastiCache::ReplicationGroup" => Role::Node(Data, "ElastiCache"),
        "AWS::ElastiCache::CacheCluster" => Role::Node(Data, "ElastiCache"),
        "AWS::ElastiCache::ServerlessCache" => Role::Node(Data, "ElastiCache serverless"),
        "AWS::S3::Bucket" => Role::Node(Data, "S3 bucket"),
        "AWS::OpenSearchService::Domain" => Role::Node(Data, "OpenSearch"),
        "AWS::DAX::Cluster" => Role::Node(Data, "DAX"),
        "AWS::Timestream::Database" => Role::Node(Data, "Timestream"),
        "AWS::EFS::FileSystem" => Role::Node(Data, "EFS"),
        "AWS::SQS::Queue" => Role::Node(Messaging, "SQS queue"),
        "AWS::SNS::Topic" => Role::Node(Messaging, "SNS topic"),
        "AWS::Events::EventBus" => Role::Node(Messaging, "event bus"),
        "AWS::Events::Rule" => Role::Node(Messaging, "EventBridge rule"),
        "AWS::Kinesis::Stream" => Role::Node(Messaging, "Kinesis stream"),
        "AWS::KinesisFirehose::DeliveryStream" => Role::Node(Messaging, "Firehose"),
        "AWS::ApiGateway::RestApi" => Role::Node(Edge, "REST API"),
        "AWS::ApiGatewayV2::Api" => Role::Node(Edge, "API"),
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => Role::Node(Edge, "load balancer"),
        "AWS::CloudFront::Distribution" => Role::Node(Edge, "CloudFront"),
        "AWS::WAFv2::WebACL" => Role::Node(Edge, "WAF web ACL"),
        "AWS::Cognito::UserPool" => Role::Node(Edge, "Cognito user pool"),
        "AWS::Cognito::IdentityPool" => Role::Node(Edge, "Cognito identity pool"),
        "AWS::Lambda::Alias" | "AWS::Lambda::Version" | "AWS::Lambda::Url" => {
            Role::Fold(&["FunctionName", "TargetFunctionArn"])
        }
        "AWS::ApiGateway::Stage"
        | "AWS::ApiGateway::Deployment"
        | "AWS::ApiGateway::Resource"
        | "AWS::ApiGateway::Method"
        | "AWS::ApiGateway::Authorizer"
        | "AWS::ApiGateway::Model"
        | "AWS::ApiGateway::RequestValidator" => Role::Fold(&["RestApiId"]),
        "AWS::ApiGatewayV2::Stage"
        | "AWS::ApiGatewayV2::Route"
        | "AWS::ApiGatewayV2::Integration"
        | "AWS::ApiGatewayV2::Authorizer"
        | "AWS::ApiGatewayV2::Deployment" => Role::Fold(&["ApiId"]),
        "AWS::ElasticLoadBalancingV2::Listener" => Role::Fold(&["LoadBalancerArn"]),
        "AWS::ElasticLoadBalancingV2::ListenerRule" => Role::Fold(&["ListenerArn"]),
        "AWS::ElasticLoadBalancingV2::TargetGroup" => {
            Role::FoldIntoReferrers(Edge, "target group", &["AWS::ECS::Service"])
        }
        "AWS::Bedrock::AgentAlias" => Role::Fold(&["AgentId"]),
        "AWS::Bedrock::DataSource" => Role::Fold(&["KnowledgeBaseId"]),
        "AWS::Timestream::Table" => Role::Fold(&["DatabaseName"]),
        "AWS::Cognito::UserPoolClient"
        | "AWS::Cognito::UserPoolDomain"
        | "AWS::Cognito::UserPoolGroup"
        | "AWS::Cognito::UserPoolResourceServer" => Role::Fold(&["UserPoolId"]),
        "AWS::EKS::Addon" | "AWS::EKS::PodIdentityAssociation" | "AWS::EKS::AccessEntry" => {
            Role::Fold(&["ClusterName"])
        }
        "AWS::DynamoDB::GlobalTableReplica" => Role::Fold(&["TableName"]),
        _ => Role::Ignore,
    }
}

/// Resource types counted in each stack's note, with the note's word.
pub const COUNTED: &[(&str, &str)] = &[
    ("AWS::KMS::Key", "KMS keys"),
    ("AWS::KMS::ReplicaKey", "KMS keys"),
    ("AWS::SecretsManager::Secret", "secrets"),
    ("AWS::IAM::Role", "IAM roles"),
    ("AWS::CloudWatch::Alarm", "alarms"),
    ("AWS::Logs::LogGroup", "log groups"),
];

/// The label of an edge from a node's top-level property `prop` to the
/// node it references, `None` when that reference is not drawn.
pub fn property_edge(ty: &str, prop: &str) -> Option<&'static str> {
    match (ty, prop) {
        ("AWS::Lambda::Function", "Code" | "Layers") => None,
        // Task definitions name their log groups, image repositories and
        // roles; only their containers' environment is architecture.
        ("AWS::ECS::TaskDefinition", p) if p != "ContainerDefinitions" => None,
        (_, "DefinitionString" | "Definition" | "DefinitionSubstitutions") => Some("task"),
        (_, "Integration" | "IntegrationUri") => Some("invoke"),
        (_, "AuthorizerUri" | "ProviderARNs") => Some("authorizer"),
        (_, "ActionGroups") => Some("tools"),
        (_, "KnowledgeBases") => Some("retrieval"),
        (_, "RedrivePolicy" | "DeadLetterConfig") => Some("dead letters"),
        (_, "StorageConfiguration") => Some("vectors"),
        (_, "DistributionConfig") => Some("origin"),
        (_, "Targets") => Some("target"),
        (_, "Subscription") => Some("subscription"),
        (_, "LoggingConfiguration" | "LoggingConfig" | "LogDestinationConfigs") => Some("logs"),
        (_, "Tags" | "DependsOn" | "Metadata") => None,
        _ => Some(""),
    }
}

/// A short detail line for a node, from its properties: engine, runtime,
/// instance types and sizes, as far as they are literal.
pub fn detail(ty: &str, props: &Json) -> Option<String> {
    let s = |k: &str| props.get(k).and_then(Json::as_str).map(str::to_string);
    let n = |p: &str| props.pointer(p).and_then(Json::as_i64);
    match ty {
        "AWS::Lambda::Function" => s("Runtime"),
        "AWS::RDS::DBCluster" | "AWS::RDS::DBInstance" => s("Engine"),
        "AWS::ElastiCache::ReplicationGroup" | "AWS::ElastiCache::CacheCluster" => {
            match (s("Engine"), s("CacheNodeType")) {
                (Some(e), Some(t)) => Some(format!("{e} {t}")),
                (e, t) => e.or(t),
            }
        }
        "AWS::EKS::Nodegroup" => {
            let types = props
                .get("InstanceTypes")
                .and_then(Json::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Json::as_str)
                        .collect::<Vec<_>>()
                        .join(",")
                });
            let scale = match (n("/ScalingConfig/MinSize"), n("/ScalingConfig/MaxSize")) {
                (Some(lo), Some(hi)) => Some(format!("{lo}–{hi} nodes")),
                _ => None,
            };
            let parts: Vec<String> = [types, s("CapacityType"), scale]
                .into_iter()
                .flatten()
                .filter(|p| !p.is_empty())
                .collect();
            (!parts.is_empty()).then(|| parts.join(" · "))
        }
        "AWS::ECS::Service" => n("/DesiredCount").map(|c| format!("{c} tasks")),
        "AWS::EC2::Instance" => s("InstanceType"),
        "AWS::StepFunctions::StateMachine" => s("StateMachineType"),
        "AWS::ApiGatewayV2::Api" => s("ProtocolType"),
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
            let scheme = s("Scheme").unwrap_or_else(|| "internet-facing".into());
            Some(match s("Type") {
                Some(t) => format!("{t} · {scheme}"),
                None => format!("application · {scheme}"),
            })
        }
        "AWS::DynamoDB::GlobalTable" => {
            let regions: Vec<&str> = props
                .get("Replicas")
                .and_then(Json::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|r| r.get("Region").and_then(Json::as_str))
                        .collect()
                })
                .unwrap_or_default();
            (!regions.is_empty()).then(|| format!("replicas {}", regions.join(", ")))
        }
        "AWS::Events::Rule" => s("ScheduleExpression"),
        _ => None,
    }
}

/// The fill and stroke colours of a category, shared by both renderers.
pub fn colours(category: Category) -> (&'static str, &'static str) {
    match category {
        Category::Edge => ("#fde2e4", "#c9184a"),
        Category::Compute => ("#fff3bf", "#e67700"),
        Category::Ai => ("#e5dbff", "#6741d9"),
        Category::Data => ("#d3f9d8", "#2b8a3e"),
        Category::Messaging => ("#ffe8cc", "#d9480f"),
        Category::Note => ("#f1f3f5", "#868e96"),
        Category::Network => ("#e7f5ff", "#1971c2"),
    }
}

/// Every category, in the order the renderers declare their styles.
pub const CATEGORIES: [Category; 7] = [
    Category::Edge,
    Category::Compute,
    Category::Ai,
    Category::Data,
    Category::Messaging,
    Category::Note,
    Category::Network,
];
