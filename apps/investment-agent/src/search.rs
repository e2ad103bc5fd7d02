//! Seed "Amazon OpenSearch" (the knowledge base index) and seed "Caching
//! Strategy" (DAX in front of DynamoDB), both in the private subnets, and
//! the Secrets Manager secret holding their connection strings (seed
//! "AWS Secrets Manager": database connection strings).

use strata::data_tier::DataTier;
use strata::dax::{DaxCluster, DaxClusterProps};
use strata::dynamodb::Table;
use strata::iam::{PolicyDocument, PolicyStatement, Principal};
use strata::logs::{LogGroup, LogGroupProps, Retention};
use strata::opensearch::{domain_arn_for, Domain, DomainLogs, DomainProps, Gp3Volume};
use strata::prelude::*;
use strata::secrets::{Secret, SecretProps};

use crate::config::Config;
use crate::networking::Network;
use crate::security::Security;

/// The OpenSearch version: 2.x has the k-NN plugin for the seed's vector
/// search alongside full-text search.
pub const ENGINE_VERSION: &str = "OpenSearch_2.19";

/// The search and cache stores.
#[derive(Clone)]
pub struct Search {
    /// The knowledge base domain.
    pub domain: Domain,
    /// The DAX cluster, when configured.
    pub dax: Option<DaxCluster>,
    /// `{"opensearch": "https://…", "dax": "daxs://…"}` for the functions.
    pub connections: Secret,
}

/// The domain's name, `<prefix>-kb` (OpenSearch allows 28 characters).
pub fn domain_name(config: &Config) -> String {
    format!("{}-kb", config.prefix())
}

/// Builds the knowledge base domain, DAX (when configured) over `tables`,
/// and the connection strings secret.
pub fn build(
    stack: &Scope,
    tier: &DataTier,
    config: &Config,
    network: &Network,
    security: &Security,
    tables: &[&Table],
) -> Search {
    let domain = knowledge_base(stack, tier, config, network);
    let dax = config.dax.as_ref().map(|dax| {
        let cluster = tier.add_dax(
            "DaxCluster",
            Some(network.groups.database.clone()),
            DaxClusterProps {
                description: Some(
                    "Microsecond reads of the investment ideas and user profiles".into(),
                ),
                table_arns: tables.iter().map(|t| t.table_arn()).collect(),
                maintenance_window: Some("sun:05:00-sun:06:00".into()),
                ..DaxClusterProps::new(&dax.node_type, i64::from(dax.nodes))
            },
        );
        // The tables are encrypted with the DynamoDB key.
        security.keys.dynamodb.grant_decrypt(cluster.role());
        cluster
    });
    let connections = connection_strings(stack, security, &domain, dax.as_ref());
    Search {
        domain,
        dax,
        connections,
    }
}

/// Seed "Knowledge Base Index": the environment's instance type and zones
/// on gp3 volumes, encrypted at rest with the OpenSearch key and in transit
/// (node-to-node, HTTPS with TLS 1.2), reachable only in the VPC through
/// the OpenSearch security group, and (by its access policy) only by
/// principals of this account that IAM allows, with error logs in
/// CloudWatch Logs.
fn knowledge_base(stack: &Scope, tier: &DataTier, config: &Config, network: &Network) -> Domain {
    let name = domain_name(config);
    let os = &config.opensearch;
    let errors = LogGroup::new(
        stack,
        "KnowledgeBaseLogs",
        LogGroupProps {
            log_group_name: Some(format!("/aws/opensearch/{name}/application")),
            retention: Retention::Days(config.monitoring.log_retention_days),
            ..Default::default()
        },
    );
    let access = PolicyDocument::new().with_statement(
        PolicyStatement::allow()
            .actions([
                "es:ESHttpGet",
                "es:ESHttpHead",
                "es:ESHttpPost",
                "es:ESHttpPut",
                "es:ESHttpPatch",
                "es:ESHttpDelete",
            ])
            .principal(Principal::account_root_of(stack))
            .resource(Fn::join("", [domain_arn_for(&name), "/*".into()])),
    );
    tier.add_opensearch(
        "KnowledgeBase",
        Some(network.groups.opensearch.clone()),
        DomainProps {
            domain_name: Some(name.clone()),
            ebs: Some(Gp3Volume::new(i64::from(os.volume_gib))),
            availability_zone_count: i64::from(os.availability_zones),
            access_policy: Some(access),
            logs: DomainLogs {
                application: Some(errors.log_group_arn()),
                ..Default::default()
            },
            ..DomainProps::new(ENGINE_VERSION, &os.instance_type, i64::from(os.data_nodes))
        },
    )
}

/// The connection strings secret. Its value is built from the stores'
/// endpoints at deploy time (the secret construct only generates values,
/// so the value is set on the L1).
fn connection_strings(
    stack: &Scope,
    security: &Security,
    domain: &Domain,
    dax: Option<&DaxCluster>,
) -> Secret {
    let secret = Secret::new(
        stack,
        "ConnectionStrings",
        SecretProps {
            description: Some(
                "Connection strings of the knowledge base and the DAX cluster".into(),
            ),
            encryption_key: Some((&security.keys.secrets).into()),
            ..Default::default()
        },
    );
    let mut vars = vec![("Search", domain.domain_endpoint())];
    let template = match dax {
        Some(dax) => {
            vars.push(("Dax", dax.endpoint_url()));
            r#"{"opensearch":"https://${Search}","dax":"${Dax}"}"#
        }
        None => r#"{"opensearch":"https://${Search}"}"#,
    };
    let value = Fn::sub_with(template, vars);
    if let Some(resource) = secret.scope().of(&secret.handle()) {
        resource.with_resource::<strata::cfn::secrets_manager::Secret>(|s| {
            s.generate_secret_string = None;
            s.secret_string = Some(value);
        });
    }
    secret
}
