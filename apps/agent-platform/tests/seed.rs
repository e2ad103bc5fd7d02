//! Seed 002's facts in the synthesized templates, the differences between
//! environments, and the errors a bad configuration reports.

use agent_platform::Config;
use serde_json::Value;

fn template(env: &str, stack: &str) -> Value {
    let assembly = agent_platform::app_for(env).synth().expect("valid");
    assembly
        .stacks
        .into_iter()
        .find(|s| s.id == stack)
        .expect("stack")
        .template
}

fn of_type<'a>(t: &'a Value, kind: &str) -> Vec<&'a Value> {
    t["Resources"]
        .as_object()
        .expect("resources")
        .values()
        .filter(|r| r["Type"] == kind)
        .collect()
}

fn config(env: &str) -> Config {
    Config::load(env).expect("config")
}

#[test]
fn the_vpc_is_10_0_0_0_16_over_two_azs_with_flow_logs_and_a_locked_default_group() {
    let t = template("prod", agent_platform::NETWORK);
    let vpc = of_type(&t, "AWS::EC2::VPC");
    assert_eq!(vpc[0]["Properties"]["CidrBlock"], "10.0.0.0/16");
    assert_eq!(vpc[0]["Properties"]["EnableDnsSupport"], true);
    assert_eq!(vpc[0]["Properties"]["EnableDnsHostnames"], true);
    assert_eq!(of_type(&t, "AWS::EC2::Subnet").len(), 4);
    assert_eq!(of_type(&t, "AWS::EC2::NatGateway").len(), 2);
    let flow = of_type(&t, "AWS::EC2::FlowLog");
    assert_eq!(flow[0]["Properties"]["TrafficType"], "ALL");
    assert_eq!(
        of_type(&t, "AWS::SSM::Association").len(),
        1,
        "default SG lockdown"
    );
}

#[test]
fn dev_shares_one_nat_gateway_and_runs_spot_nodes() {
    let dev = template("dev", agent_platform::NETWORK);
    assert_eq!(of_type(&dev, "AWS::EC2::NatGateway").len(), 1);
    let nodes = |env| {
        let t = template(env, agent_platform::COMPUTE);
        of_type(&t, "AWS::EKS::Nodegroup")[0]["Properties"].clone()
    };
    assert_eq!(nodes("dev")["CapacityType"], "SPOT");
    let prod = nodes("prod");
    assert_eq!(prod["CapacityType"], "ON_DEMAND");
    assert_eq!(prod["InstanceTypes"][0], "t3.medium");
}

#[test]
fn the_cluster_is_private_with_the_seeds_addons() {
    let t = template("prod", agent_platform::COMPUTE);
    let cluster = &of_type(&t, "AWS::EKS::Cluster")[0]["Properties"];
    assert_eq!(cluster["ResourcesVpcConfig"]["EndpointPublicAccess"], false);
    assert_eq!(cluster["ResourcesVpcConfig"]["EndpointPrivateAccess"], true);
    let mut addons: Vec<String> = of_type(&t, "AWS::EKS::Addon")
        .iter()
        .map(|a| {
            a["Properties"]["AddonName"]
                .as_str()
                .expect("name")
                .to_string()
        })
        .collect();
    addons.sort();
    for name in [
        "adot",
        "aws-ebs-csi-driver",
        "cert-manager",
        "coredns",
        "kube-proxy",
        "vpc-cni",
    ] {
        assert!(addons.iter().any(|a| a == name), "{name} in {addons:?}");
    }
}

#[test]
fn the_llm_gateway_role_trusts_the_clusters_oidc_provider_for_its_service_account() {
    let t = template("prod", agent_platform::COMPUTE);
    let role = of_type(&t, "AWS::IAM::Role")
        .into_iter()
        .find(|r| r["Properties"]["RoleName"] == "prod-agent-platform-llm-gateway-role")
        .expect("llm gateway role");
    // The issuer is only known at deploy, so the trust policy is a Fn::Sub.
    let sub = &role["Properties"]["AssumeRolePolicyDocument"]["Fn::Sub"];
    let trust: Value = serde_json::from_str(sub[0].as_str().expect("template")).expect("json");
    let statement = &trust["Statement"][0];
    assert_eq!(statement["Action"], "sts:AssumeRoleWithWebIdentity");
    assert_eq!(statement["Principal"]["Federated"], "${ProviderArn}");
    assert_eq!(
        statement["Condition"]["StringEquals"]["${Issuer}:sub"],
        "system:serviceaccount:default:llm-gateway-sa"
    );
    assert_eq!(of_type(&t, "AWS::IAM::OIDCProvider").len(), 1);
}

#[test]
fn the_bastion_is_a_t3_large_with_imdsv2_and_monitoring() {
    let t = template("prod", agent_platform::COMPUTE);
    let i = &of_type(&t, "AWS::EC2::Instance")[0]["Properties"];
    assert_eq!(i["InstanceType"], "t3.large");
    assert_eq!(i["Monitoring"], true);
    assert_eq!(i["MetadataOptions"]["HttpTokens"], "required");
    assert_eq!(i["MetadataOptions"]["HttpPutResponseHopLimit"], 1);
    assert_eq!(of_type(&t, "AWS::EKS::AccessEntry").len(), 1);
}

#[test]
fn the_data_stores_follow_the_seed() {
    let t = template("prod", agent_platform::DATA);
    let aurora = &of_type(&t, "AWS::RDS::DBCluster")[0]["Properties"];
    assert_eq!(aurora["Engine"], "aurora-postgresql");
    assert_eq!(aurora["EnableIAMDatabaseAuthentication"], true);
    assert_eq!(aurora["StorageEncrypted"], true);
    assert_eq!(of_type(&t, "AWS::RDS::DBInstance").len(), 2, "Multi-AZ");
    let mut tables: Vec<String> = of_type(&t, "AWS::DynamoDB::Table")
        .iter()
        .map(|x| {
            assert_eq!(
                x["Properties"]["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"],
                true
            );
            assert!(x["Properties"]["GlobalSecondaryIndexes"].is_array());
            x["Properties"]["TableName"]
                .as_str()
                .expect("name")
                .to_string()
        })
        .collect();
    tables.sort();
    assert_eq!(
        tables,
        [
            "prod-agent-platform-usage_logs",
            "prod-agent-platform-usage_plans"
        ]
    );
    let redis = &of_type(&t, "AWS::ElastiCache::ReplicationGroup")[0]["Properties"];
    assert_eq!(redis["MultiAZEnabled"], true);
    assert_eq!(redis["TransitEncryptionEnabled"], true);
    assert_eq!(redis["AtRestEncryptionEnabled"], true);
    assert!(redis["AuthToken"]
        .to_string()
        .contains("resolve:secretsmanager"));
    let domain = &of_type(&t, "AWS::OpenSearchService::Domain")[0]["Properties"];
    assert_eq!(domain["ClusterConfig"]["InstanceCount"], 2);
    assert_eq!(domain["ClusterConfig"]["ZoneAwarenessEnabled"], true);
    assert_eq!(domain["AdvancedSecurityOptions"]["Enabled"], true);
    assert_eq!(domain["NodeToNodeEncryptionOptions"]["Enabled"], true);
    assert_eq!(domain["DomainEndpointOptions"]["EnforceHTTPS"], true);
}

#[test]
fn dev_runs_single_node_stores() {
    let t = template("dev", agent_platform::DATA);
    assert_eq!(of_type(&t, "AWS::RDS::DBInstance").len(), 1);
    let redis = &of_type(&t, "AWS::ElastiCache::ReplicationGroup")[0]["Properties"];
    assert_eq!(redis["NumCacheClusters"], 1);
    let domain = &of_type(&t, "AWS::OpenSearchService::Domain")[0]["Properties"];
    assert_eq!(domain["ClusterConfig"]["InstanceCount"], 1);
}

#[test]
fn services_find_endpoints_in_parameter_store() {
    let t = template("prod", agent_platform::DATA);
    let names: Vec<&str> = of_type(&t, "AWS::SSM::Parameter")
        .iter()
        .filter_map(|p| p["Properties"]["Name"].as_str())
        .collect();
    assert!(
        names.contains(&"/prod-agent-platform/data/aurora-endpoint"),
        "{names:?}"
    );
    assert!(
        names.contains(&"/prod-agent-platform/data/redis-endpoint"),
        "{names:?}"
    );
}

#[test]
fn node_bounds_out_of_order_are_reported_with_the_stack_path() {
    let mut c = config("prod");
    c.eks.min_nodes = 5;
    c.eks.desired_nodes = 3;
    let err = agent_platform::build(&c)
        .synth()
        .expect_err("invalid bounds");
    let text = err.to_string();
    assert!(text.contains("AgentPlatformCompute"), "{text}");
    assert!(
        text.contains("min_nodes <= desired_nodes <= max_nodes"),
        "{text}"
    );
}

#[test]
fn three_azs_of_subnets_are_reported() {
    let mut c = config("prod");
    c.network.private_subnets.push("10.0.96.0/19".into());
    let err = agent_platform::build(&c)
        .synth()
        .expect_err("three subnets");
    let text = err.to_string();
    assert!(text.contains("AgentPlatformNetwork"), "{text}");
    assert!(text.contains("two availability zones"), "{text}");
}

#[test]
fn m2m_credentials_are_kept_in_secrets_manager() {
    let t = template("prod", agent_platform::EDGE);
    let client = of_type(&t, "AWS::Cognito::UserPoolClient")
        .into_iter()
        .find(|c| c["Properties"]["ClientName"] == "prod-agent-platform-m2m")
        .expect("m2m client");
    assert_eq!(client["Properties"]["GenerateSecret"], true);
    assert_eq!(
        client["Properties"]["AllowedOAuthFlows"][0],
        "client_credentials"
    );
    let secret = of_type(&t, "AWS::SecretsManager::Secret")
        .into_iter()
        .find(|s| s["Properties"]["Name"] == "prod-agent-platform-m2m-credentials")
        .expect("m2m secret");
    let text = secret["Properties"]["SecretString"].to_string();
    for field in [
        "client_id",
        "client_secret",
        "token_url",
        "/oauth2/token",
        "scopes",
    ] {
        assert!(text.contains(field), "{field} in {text}");
    }
    let server = &of_type(&t, "AWS::Cognito::UserPoolResourceServer")[0]["Properties"];
    assert_eq!(server["Identifier"], "api");
    assert_eq!(of_type(&t, "AWS::Cognito::UserPoolGroup").len(), 2);
    assert_eq!(of_type(&t, "AWS::Cognito::IdentityPool").len(), 1);
}

#[test]
fn the_website_is_served_by_cloudfront_with_spa_routing() {
    let t = template("prod", agent_platform::EDGE);
    let config =
        &of_type(&t, "AWS::CloudFront::Distribution")[0]["Properties"]["DistributionConfig"];
    assert_eq!(
        config["DefaultCacheBehavior"]["ViewerProtocolPolicy"],
        "redirect-to-https"
    );
    let errors = config["CustomErrorResponses"].as_array().expect("errors");
    let codes: Vec<&Value> = errors.iter().map(|e| &e["ErrorCode"]).collect();
    assert_eq!(codes, [403, 404]);
    assert_eq!(errors[0]["ResponsePagePath"], "/index.html");
    assert_eq!(of_type(&t, "AWS::CloudFront::OriginAccessControl").len(), 1);
}

#[test]
fn the_knowledge_base_uses_the_opensearch_domain_and_the_gateways_get_least_privilege() {
    let t = template("prod", agent_platform::DATA);
    let kb = &of_type(&t, "AWS::Bedrock::KnowledgeBase")[0]["Properties"];
    assert_eq!(
        kb["StorageConfiguration"]["Type"],
        "OPENSEARCH_MANAGED_CLUSTER"
    );
    assert_eq!(
        kb["StorageConfiguration"]["OpensearchManagedClusterConfiguration"]["VectorIndexName"],
        "agent-knowledge"
    );
    let policy = |name: &str| {
        of_type(&t, "AWS::IAM::Policy")
            .into_iter()
            .find(|p| p["Properties"]["PolicyName"] == name)
            .unwrap_or_else(|| panic!("{name}"))["Properties"]
            .clone()
    };
    let llm = policy("LlmGatewayPolicy").to_string();
    assert!(
        llm.contains("dynamodb:PutItem") && llm.contains("bedrock:InvokeModel"),
        "{llm}"
    );
    assert!(!llm.contains("rds-db:connect"), "{llm}");
    let memory = policy("MemoryGatewayPolicy").to_string();
    assert!(
        memory.contains("rds-db:connect") && memory.contains("/memory_gateway"),
        "{memory}"
    );
    let retrieval = policy("RetrievalGatewayPolicy").to_string();
    assert!(retrieval.contains("bedrock:Retrieve"), "{retrieval}");
    // The roles come from the compute stack as parameters.
    assert!(policy("LlmGatewayPolicy")["Roles"][0]["Ref"].is_string());
}
