//! The DataTier L3: placement on the isolated tier, client access on each
//! store's port, keys by stage, and what prod insists on.

use serde_json::{json, Value as Json};
use strata::data_tier::{DataTier, DataTierProps, Stage};
use strata::dax::DaxClusterProps;
use strata::dynamodb::{Attribute, TableProps};
use strata::ec2::{AgentVpc, AgentVpcProps, SecurityGroup, SecurityGroupProps};
use strata::opensearch::DomainProps;
use strata::prelude::*;
use strata::rds::{ClusterInstance, DatabaseClusterProps, DatabaseSubnets, MasterRotation};

struct Fixture {
    app: App,
    stack: Scope,
    vpc: AgentVpc,
    client: SecurityGroup,
}

fn fixture() -> Fixture {
    let app = App::new();
    let stack = app.stack(
        "Agent",
        StackProps {
            env: Environment::new("123456789012", "us-east-1"),
            ..Default::default()
        },
    );
    let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::default());
    let client = SecurityGroup::new(
        &stack,
        "AppSg",
        SecurityGroupProps {
            vpc_id: vpc.vpc_id(),
            description: Some("app".into()),
            ..Default::default()
        },
    );
    Fixture {
        app,
        stack,
        vpc,
        client,
    }
}

fn tier(f: &Fixture, stage: Stage) -> DataTier {
    DataTier::new(
        &f.stack,
        &f.vpc,
        DataTierProps {
            clients: vec![f.client.clone()],
            ..DataTierProps::new(stage, "agent")
        },
    )
}

fn aurora(readers: usize) -> DatabaseClusterProps {
    DatabaseClusterProps {
        readers: (0..readers)
            .map(|i| ClusterInstance::provisioned("db.r6g.large").in_az(i + 1))
            .collect(),
        ..DatabaseClusterProps::new(
            "15.10",
            ClusterInstance::provisioned("db.r6g.large"),
            DatabaseSubnets::new("", Vec::new()),
        )
    }
}

fn template(app: &App) -> Json {
    app.synth().expect("valid").stacks[0]
        .template
        .json()
        .clone()
}

fn by_path<'a>(t: &'a Json, path: &str) -> &'a Json {
    let parts: Vec<&str> = path.split('/').collect();
    &t["Resources"][strata::logical_id(&parts)]
}

#[test]
fn dev_places_stores_on_the_data_subnets_with_one_shared_key() {
    let f = fixture();
    let t = tier(&f, Stage::Dev);
    let db = t.add_aurora("Db", None, aurora(0));
    t.add_redis(
        "Cache",
        None,
        Stage::Dev.redis("Sessions", "7.1", "cache.t4g.small"),
    );
    let out = template(&f.app);
    let shared = json!({"Fn::GetAtt": [strata::logical_id(&["SharedKey", "Resource"]), "Arn"]});
    let cluster = &by_path(&out, "Db/Resource")["Properties"];
    assert_eq!(cluster["KmsKeyId"], shared);
    assert_eq!(cluster["DeletionProtection"], Json::Null);
    let subnets = &by_path(&out, "Db/Subnets/Default")["Properties"]["SubnetIds"];
    let data_subnet = json!({"Ref": strata::logical_id(&["Vpc", "dataSubnet1", "Subnet"])});
    assert_eq!(subnets[0], data_subnet);
    // Each store has its own group, open to the client on its port only.
    let db_rule = out["Resources"]
        .as_object()
        .expect("resources")
        .iter()
        .find(|(k, v)| {
            k.starts_with("DbSecurityGroupfrom") && v["Type"] == "AWS::EC2::SecurityGroupIngress"
        })
        .map(|(_, v)| v["Properties"].clone())
        .expect("database ingress");
    assert_eq!(db_rule["FromPort"], 5432);
    assert_eq!(db_rule["Description"], "PostgreSQL from AppSg");
    let redis = &by_path(&out, "Cache/Resource")["Properties"];
    assert_eq!(redis["NumCacheClusters"], 1);
    assert_eq!(redis["MultiAZEnabled"], false);
    assert_eq!(
        redis["SecurityGroupIds"],
        json!([{"Fn::GetAtt": [strata::logical_id(&["CacheSecurityGroup", "Resource"]), "GroupId"]}])
    );
    assert_eq!(db.port(), 5432);
    let keys = out["Resources"]
        .as_object()
        .expect("resources")
        .values()
        .filter(|r| r["Type"] == "AWS::KMS::Key")
        .count();
    assert_eq!(keys, 1);
}

#[test]
fn prod_uses_a_key_per_service_and_a_registered_key_wins() {
    let f = fixture();
    let secrets_key = strata::kms::Key::new(&f.stack, "AppSecretsKey", Default::default());
    let t = DataTier::new(
        &f.stack,
        &f.vpc,
        DataTierProps {
            keys: vec![("secrets".into(), secrets_key)],
            ..DataTierProps::new(Stage::Prod, "agent")
        },
    );
    t.add_aurora("Db", None, aurora(1));
    let out = template(&f.app);
    let cluster = &by_path(&out, "Db/Resource")["Properties"];
    assert_eq!(
        cluster["KmsKeyId"],
        json!({"Fn::GetAtt": [strata::logical_id(&["RdsKey", "Resource"]), "Arn"]})
    );
    assert_eq!(cluster["DeletionProtection"], true);
    assert_eq!(
        by_path(&out, "RdsKey/Alias/Resource")["Properties"]["AliasName"],
        "alias/agent/rds"
    );
    let secret = out["Resources"]
        .as_object()
        .expect("resources")
        .values()
        .find(|r| r["Type"] == "AWS::SecretsManager::Secret")
        .expect("secret");
    assert_eq!(
        secret["Properties"]["KmsKeyId"],
        json!({"Fn::GetAtt": [strata::logical_id(&["AppSecretsKey", "Resource"]), "Arn"]})
    );
}

#[test]
fn rotation_in_an_isolated_tier_gets_one_secrets_manager_endpoint() {
    let f = fixture();
    let t = tier(&f, Stage::Staging);
    for id in ["Db", "Reporting"] {
        t.add_aurora(
            id,
            None,
            DatabaseClusterProps {
                rotation: Some(MasterRotation::every_days(30)),
                ..aurora(1)
            },
        );
    }
    let out = template(&f.app);
    let endpoints: Vec<&Json> = out["Resources"]
        .as_object()
        .expect("resources")
        .values()
        .filter(|r| r["Type"] == "AWS::EC2::VPCEndpoint")
        .collect();
    assert_eq!(endpoints.len(), 1);
    assert_eq!(
        endpoints[0]["Properties"]["ServiceName"],
        "com.amazonaws.us-east-1.secretsmanager"
    );
    assert_eq!(
        endpoints[0]["Properties"]["SubnetIds"][0],
        json!({"Ref": strata::logical_id(&["Vpc", "dataSubnet1", "Subnet"])})
    );
}

#[test]
fn dax_and_opensearch_are_placed_and_guarded_on_their_ports() {
    let f = fixture();
    let t = tier(&f, Stage::Staging);
    t.add_dax(
        "Dax",
        None,
        DaxClusterProps {
            table_arns: vec!["arn:aws:dynamodb:us-east-1:123456789012:table/context".into()],
            ..DaxClusterProps::new("dax.r5.large", 3)
        },
    );
    t.add_opensearch(
        "Search",
        None,
        DomainProps {
            availability_zone_count: 2,
            ..DomainProps::new("OpenSearch_2.11", "r6g.large.search", 2)
        },
    );
    let out = template(&f.app);
    let rules: Vec<(String, i64)> = out["Resources"]
        .as_object()
        .expect("resources")
        .iter()
        .filter(|(_, v)| v["Type"] == "AWS::EC2::SecurityGroupIngress")
        .map(|(k, v)| {
            (
                k.clone(),
                v["Properties"]["FromPort"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    assert!(
        rules
            .iter()
            .any(|(k, p)| k.starts_with("DaxSecurityGroup") && *p == 9111),
        "{rules:?}"
    );
    assert!(
        rules
            .iter()
            .any(|(k, p)| k.starts_with("SearchSecurityGroup") && *p == 443),
        "{rules:?}"
    );
    let domain = out["Resources"]
        .as_object()
        .expect("resources")
        .values()
        .find(|r| r["Type"] == "AWS::OpenSearchService::Domain")
        .expect("domain");
    assert_eq!(
        domain["Properties"]["VPCOptions"]["SubnetIds"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(
        domain["Properties"]["EncryptionAtRestOptions"]["KmsKeyId"],
        json!({"Ref": strata::logical_id(&["OpensearchKey", "Resource"])})
    );
}

#[test]
fn prod_requirements_and_a_missing_tier_are_synth_errors() {
    let f = fixture();
    let t = tier(&f, Stage::Prod);
    t.add_aurora("Db", None, aurora(0));
    t.add_redis(
        "Cache",
        None,
        Stage::Dev.redis("Sessions", "7.1", "cache.t4g.small"),
    );
    t.add_table(
        "Events",
        TableProps {
            point_in_time_recovery: false,
            ..TableProps::new(Attribute::string("id"))
        },
    );
    DataTier::new(
        &f.stack,
        &f.vpc,
        DataTierProps {
            subnet_tier: "database".into(),
            ..DataTierProps::new(Stage::Dev, "agent")
        },
    );
    let err = f.app.synth().expect_err("must fail").to_string();
    assert!(err.contains("Agent/Db"), "{err}");
    assert!(
        err.contains("needs at least one reader in another AZ"),
        "{err}"
    );
    assert!(err.contains("Agent/Cache"), "{err}");
    assert!(
        err.contains("production Redis must be Multi-AZ with automatic failover"),
        "{err}"
    );
    assert!(err.contains("Agent/Events"), "{err}");
    assert!(
        err.contains("production tables need point-in-time recovery"),
        "{err}"
    );
    assert!(
        err.contains("the VPC has no tier named \"database\""),
        "{err}"
    );
}
