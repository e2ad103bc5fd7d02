//! Fidelity to seed 002: its facts in the synthesized templates (prod,
//! and dev where it differs), asserted with `strata-assertions`, and the
//! errors a configuration that breaks the seed's layout reports.

use agent_platform::{Config, COMPUTE, DATA, EDGE, NETWORK};
use serde_json::json;
use strata_assertions::{AssertionError, Match, Template};

type Result = std::result::Result<(), AssertionError>;

/// The template of `stack` in environment `env`.
fn template(env: &str, stack: &str) -> Template {
    let assembly = agent_platform::app_for(env)
        .synth()
        .unwrap_or_else(|e| panic!("{e}"));
    Template::from_stack(&assembly, stack).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_vpc_is_10_0_0_0_16_over_two_azs_with_flow_logs_and_a_locked_default_group() -> Result {
    let t = template("prod", NETWORK);
    // "cidr_block = "10.0.0.0/16"", with DNS support and host names.
    t.has_resource_properties(
        "AWS::EC2::VPC",
        json!({"CidrBlock": "10.0.0.0/16", "EnableDnsSupport": true, "EnableDnsHostnames": true}),
    )?;
    // Two public and two private subnets; "NAT Gateway 1", "NAT Gateway 2".
    t.resource_count_is("AWS::EC2::Subnet", 4)?;
    t.resource_count_is("AWS::EC2::NatGateway", 2)?;
    t.has_resource_properties("AWS::EC2::FlowLog", json!({"TrafficType": "ALL"}))?;
    // The default security group lockdown.
    t.resource_count_is("AWS::SSM::Association", 1)
}

#[test]
fn dev_shares_one_nat_gateway_and_runs_spot_nodes() -> Result {
    template("dev", NETWORK).resource_count_is("AWS::EC2::NatGateway", 1)?;
    template("dev", COMPUTE)
        .has_resource_properties("AWS::EKS::Nodegroup", json!({"CapacityType": "SPOT"}))?;
    // "Node groups using t3.medium instances"
    template("prod", COMPUTE).has_resource_properties(
        "AWS::EKS::Nodegroup",
        json!({"CapacityType": "ON_DEMAND", "InstanceTypes": ["t3.medium"]}),
    )
}

#[test]
fn the_cluster_is_private_with_the_seeds_addons() -> Result {
    let t = template("prod", COMPUTE);
    t.has_resource_properties(
        "AWS::EKS::Cluster",
        json!({"ResourcesVpcConfig": {"EndpointPublicAccess": false, "EndpointPrivateAccess": true}}),
    )?;
    for name in [
        "adot",
        "aws-ebs-csi-driver",
        "cert-manager",
        "coredns",
        "kube-proxy",
        "vpc-cni",
    ] {
        t.has_resource_properties("AWS::EKS::Addon", json!({"AddonName": name}))?;
    }
    Ok(())
}

#[test]
fn the_llm_gateway_role_trusts_the_clusters_oidc_provider_for_its_service_account() -> Result {
    let t = template("prod", COMPUTE);
    // The issuer is only known at deploy, so the trust policy is a Fn::Sub
    // of the seed's document: "system:serviceaccount:default:llm-gateway-sa".
    let trust = Match::serialized_json(Match::object_like([(
        "Statement",
        Match::array_with([Match::object_like(json!({
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {"Federated": "${ProviderArn}"},
            "Condition": {"StringEquals": {
                "${Issuer}:sub": "system:serviceaccount:default:llm-gateway-sa"}}}))]),
    )]));
    t.has_resource_properties(
        "AWS::IAM::Role",
        Match::object_like(json!({"RoleName": "prod-agent-platform-llm-gateway-role"})).with(
            "AssumeRolePolicyDocument",
            Match::object_like([("Fn::Sub", Match::array_with([trust]))]),
        ),
    )?;
    t.resource_count_is("AWS::IAM::OIDCProvider", 1)
}

#[test]
fn the_bastion_is_a_t3_large_with_imdsv2_and_monitoring() -> Result {
    let t = template("prod", COMPUTE);
    // "instance_type = "t3.large"", "http_put_response_hop_limit = 1"
    t.has_resource_properties(
        "AWS::EC2::Instance",
        json!({"InstanceType": "t3.large", "Monitoring": true,
               "MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": 1}}),
    )?;
    t.resource_count_is("AWS::EKS::AccessEntry", 1)
}

#[test]
fn the_data_stores_follow_the_seed() -> Result {
    let t = template("prod", DATA);
    t.has_resource_properties(
        "AWS::RDS::DBCluster",
        json!({"Engine": "aurora-postgresql", "EnableIAMDatabaseAuthentication": true,
               "StorageEncrypted": true}),
    )?;
    // Multi-AZ: a writer and a reader.
    t.resource_count_is("AWS::RDS::DBInstance", 2)?;
    // "DynamoDB - Usage Plans", "DynamoDB - Usage Logs"
    t.resource_count_is("AWS::DynamoDB::Table", 2)?;
    for name in ["usage_logs", "usage_plans"] {
        t.has_resource_properties(
            "AWS::DynamoDB::Table",
            json!({"TableName": format!("prod-agent-platform-{name}")}),
        )?;
    }
    t.all_resources_properties(
        "AWS::DynamoDB::Table",
        Match::object_like(json!({
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}))
        .with(
            "GlobalSecondaryIndexes",
            Match::array_with([Match::any_value()]),
        ),
    )?;
    t.has_resource_properties(
        "AWS::ElastiCache::ReplicationGroup",
        Match::object_like(json!({
            "MultiAZEnabled": true, "TransitEncryptionEnabled": true,
            "AtRestEncryptionEnabled": true}))
        .with(
            "AuthToken",
            Match::object_like([(
                "Fn::Sub",
                Match::array_with([Match::string_like_regexp("resolve:secretsmanager")]),
            )]),
        ),
    )?;
    t.has_resource_properties(
        "AWS::OpenSearchService::Domain",
        json!({"ClusterConfig": {"InstanceCount": 2, "ZoneAwarenessEnabled": true},
               "AdvancedSecurityOptions": {"Enabled": true},
               "NodeToNodeEncryptionOptions": {"Enabled": true},
               "DomainEndpointOptions": {"EnforceHTTPS": true}}),
    )
}

#[test]
fn dev_runs_single_node_stores() -> Result {
    let t = template("dev", DATA);
    t.resource_count_is("AWS::RDS::DBInstance", 1)?;
    t.has_resource_properties(
        "AWS::ElastiCache::ReplicationGroup",
        json!({"NumCacheClusters": 1}),
    )?;
    t.has_resource_properties(
        "AWS::OpenSearchService::Domain",
        json!({"ClusterConfig": {"InstanceCount": 1}}),
    )
}

#[test]
fn services_find_endpoints_in_parameter_store() -> Result {
    let t = template("prod", DATA);
    for name in ["aurora-endpoint", "redis-endpoint"] {
        t.has_resource_properties(
            "AWS::SSM::Parameter",
            json!({"Name": format!("/prod-agent-platform/data/{name}")}),
        )?;
    }
    Ok(())
}

#[test]
fn m2m_credentials_are_kept_in_secrets_manager() -> Result {
    let t = template("prod", EDGE);
    t.has_resource_properties(
        "AWS::Cognito::UserPoolClient",
        json!({"ClientName": "prod-agent-platform-m2m", "GenerateSecret": true,
               "AllowedOAuthFlows": ["client_credentials"]}),
    )?;
    // "client_id", "client_secret", "token_url … /oauth2/token"
    t.has_resource_properties(
        "AWS::SecretsManager::Secret",
        Match::object_like(json!({"Name": "prod-agent-platform-m2m-credentials"})).with(
            "SecretString",
            Match::object_like([(
                "Fn::Sub",
                Match::array_with([Match::serialized_json(Match::object_like([
                    ("client_id", Match::any_value()),
                    ("client_secret", Match::any_value()),
                    ("token_url", Match::any_value()),
                    ("scopes", Match::any_value()),
                ]))]),
            )]),
        ),
    )?;
    t.has_resource_properties(
        "AWS::SecretsManager::Secret",
        Match::object_like(json!({"Name": "prod-agent-platform-m2m-credentials"})).with(
            "SecretString",
            Match::object_like([(
                "Fn::Sub",
                Match::array_with([Match::object_like([(
                    "TokenUrl",
                    Match::object_like([(
                        "Fn::Sub",
                        Match::array_with([Match::string_like_regexp(
                            r"^https://\$\{Domain\}\.auth\..*/oauth2/token$",
                        )]),
                    )]),
                )])]),
            )]),
        ),
    )?;
    t.has_resource_properties(
        "AWS::Cognito::UserPoolResourceServer",
        json!({"Identifier": "api"}),
    )?;
    t.resource_count_is("AWS::Cognito::UserPoolGroup", 2)?;
    t.resource_count_is("AWS::Cognito::IdentityPool", 1)
}

#[test]
fn the_website_is_served_by_cloudfront_with_spa_routing() -> Result {
    let t = template("prod", EDGE);
    t.has_resource_properties(
        "AWS::CloudFront::Distribution",
        json!({"DistributionConfig": {
            "DefaultCacheBehavior": {"ViewerProtocolPolicy": "redirect-to-https"},
            "CustomErrorResponses": [
                {"ErrorCode": 403, "ResponsePagePath": "/index.html"},
                {"ErrorCode": 404}]}}),
    )?;
    t.resource_count_is("AWS::CloudFront::OriginAccessControl", 1)
}

#[test]
fn the_knowledge_base_uses_the_opensearch_domain_and_the_gateways_get_least_privilege() -> Result {
    let t = template("prod", DATA);
    t.has_resource_properties(
        "AWS::Bedrock::KnowledgeBase",
        json!({"StorageConfiguration": {"Type": "OPENSEARCH_MANAGED_CLUSTER",
            "OpensearchManagedClusterConfiguration": {"VectorIndexName": "agent-knowledge"}}}),
    )?;
    // The LLM gateway invokes models and writes usage, and cannot reach
    // the database; its role comes from the compute stack as a parameter.
    t.has_resource_properties(
        "AWS::IAM::Policy",
        Match::object_like(json!({"PolicyName": "LlmGatewayPolicy"}))
            .with(
                "PolicyDocument",
                Match::object_like([(
                    "Statement",
                    Match::array_with([
                        Match::object_like([(
                            "Action",
                            Match::array_with(json!(["bedrock:InvokeModel"])),
                        )]),
                        Match::object_like([(
                            "Action",
                            Match::array_with(json!(["dynamodb:PutItem"])),
                        )]),
                    ]),
                )]),
            )
            .with(
                "Roles",
                Match::array_with([Match::object_like([("Ref", Match::any_value())])]),
            ),
    )?;
    t.has_resource_properties(
        "AWS::IAM::Policy",
        Match::object_like(json!({"PolicyName": "LlmGatewayPolicy"})).with(
            "PolicyDocument",
            Match::object_like([(
                "Statement",
                Match::not(Match::array_with([Match::object_like(
                    json!({"Action": "rds-db:connect"}),
                )])),
            )]),
        ),
    )?;
    // The memory gateway connects to Aurora as its own database user.
    t.has_resource_properties(
        "AWS::IAM::Policy",
        Match::object_like(json!({"PolicyName": "MemoryGatewayPolicy"})).with(
            "PolicyDocument",
            Match::object_like([(
                "Statement",
                Match::array_with([
                    Match::object_like(json!({"Action": "rds-db:connect"})).with(
                        "Resource",
                        Match::object_like([(
                            "Fn::Join",
                            Match::array_with([Match::array_with(json!(["/memory_gateway"]))]),
                        )]),
                    ),
                ]),
            )]),
        ),
    )?;
    t.has_resource_properties(
        "AWS::IAM::Policy",
        Match::object_like(json!({"PolicyName": "RetrievalGatewayPolicy"})).with(
            "PolicyDocument",
            Match::object_like([(
                "Statement",
                Match::array_with([Match::object_like([(
                    "Action",
                    Match::array_with(json!(["bedrock:Retrieve"])),
                )])]),
            )]),
        ),
    )
}

#[test]
fn node_bounds_out_of_order_are_reported_with_the_stack_path() {
    let mut c = Config::load("prod").expect("config");
    c.eks.min_nodes = 5;
    c.eks.desired_nodes = 3;
    let text = agent_platform::build(&c)
        .synth()
        .expect_err("invalid bounds")
        .to_string();
    assert!(text.contains("AgentPlatformCompute"), "{text}");
    assert!(
        text.contains("min_nodes <= desired_nodes <= max_nodes"),
        "{text}"
    );
}

#[test]
fn three_azs_of_subnets_are_reported() {
    let mut c = Config::load("prod").expect("config");
    c.network.private_subnets.push("10.0.96.0/19".into());
    let text = agent_platform::build(&c)
        .synth()
        .expect_err("three subnets")
        .to_string();
    assert!(text.contains("AgentPlatformNetwork"), "{text}");
    assert!(text.contains("two availability zones"), "{text}");
}
