//! Seed "AI Integration": the Bedrock knowledge base for retrieval-augmented
//! generation, on the OpenSearch domain's `agent-knowledge` vector index
//! with Titan text embeddings, and the gateways' permissions ("IAM roles
//! for secure model invocation", "Integration with custom services via
//! IRSA"), least privilege on each store:
//!
//! - the LLM gateway invokes models, reads and writes the usage tables and
//!   reads Redis's AUTH token ("LLM --> BEDROCK, DDB1, DDB2, REDIS");
//! - the memory gateway connects to Aurora with IAM authentication as
//!   `memory_gateway` ("MEM --> RDS");
//! - the retrieval gateway queries the knowledge base ("RET --> BEDROCK").
//!
//! The policies live in the data stack beside the stores, attached to the
//! roles the compute stack made, so the compute stack does not depend on
//! this one. The knowledge base is a generated L1 (`strata::cfn::bedrock`);
//! Bedrock checks the vector index when it creates the knowledge base, so
//! the index is created in the domain before this stack is deployed.

use strata::cfn::bedrock::{knowledge_base as kb, KnowledgeBase, KnowledgeBaseRef};
use strata::cfn::iam as iam_l1;
use strata::eks::ServiceAccountRole;
use strata::iam::{PolicyDocument, PolicyStatement, Principal, Role, RoleProps};
use strata::prelude::*;

use crate::compute::Compute;
use crate::config::Config;
use crate::data::Data;

/// The vector index in the OpenSearch domain.
pub const VECTOR_INDEX: &str = "agent-knowledge";
/// The embedding model.
pub const EMBEDDING_MODEL: &str = "amazon.titan-embed-text-v2:0";

/// `arn:<partition>:bedrock:<region>::foundation-model/<model>`.
fn foundation_model_arn(model: &str) -> Value<String> {
    Fn::sub(&format!(
        "arn:${{AWS::Partition}}:bedrock:${{AWS::Region}}::foundation-model/{model}"
    ))
}

/// Builds the knowledge base and the gateways' policies in `stack`.
pub fn build(stack: &Scope, config: &Config, data: &Data, compute: &Compute) -> KnowledgeBaseRef {
    let domain = &data.opensearch;
    let role = Role::new(
        stack,
        "KnowledgeBaseRole",
        RoleProps {
            description: Some("The platform's Bedrock knowledge base".into()),
            ..RoleProps::new(Principal::service("bedrock.amazonaws.com").with_condition(
                "StringEquals",
                "aws:SourceAccount",
                [Fn::account_id()],
            ))
        },
    );
    role.add_to_policy(
        PolicyStatement::allow()
            .action("bedrock:InvokeModel")
            .resource(foundation_model_arn(EMBEDDING_MODEL)),
    );
    role.add_to_policy(
        PolicyStatement::allow()
            .actions(["es:ESHttp*", "es:DescribeDomain"])
            .resources([
                domain.domain_arn(),
                Fn::join("", [domain.domain_arn(), "/*".into()]),
            ]),
    );
    let storage = kb::StorageConfiguration {
        opensearch_managed_cluster_configuration: Some(
            kb::OpenSearchManagedClusterConfiguration::new(
                domain.domain_arn(),
                Fn::join("", ["https://".into(), domain.domain_endpoint()]),
                kb::OpenSearchManagedClusterFieldMapping::new("metadata", "text", "embedding"),
                VECTOR_INDEX,
            )
            .into(),
        ),
        ..kb::StorageConfiguration::new("OPENSEARCH_MANAGED_CLUSTER")
    };
    let configuration = kb::KnowledgeBaseConfiguration {
        vector_knowledge_base_configuration: Some(
            kb::VectorKnowledgeBaseConfiguration::new(foundation_model_arn(EMBEDDING_MODEL)).into(),
        ),
        ..kb::KnowledgeBaseConfiguration::new("VECTOR")
    };
    // Bedrock checks the index with the role's permissions.
    let depends_on = role
        .scope()
        .children()
        .into_iter()
        .find(|c| c.id() == "DefaultPolicy")
        .and_then(|p| p.children().into_iter().find(|c| c.id() == "Resource"))
        .map(|r| r.handle())
        .into_iter()
        .collect();
    let knowledge_base = stack.resource_with(
        "KnowledgeBase",
        KnowledgeBase {
            description: Some("Retrieval-augmented generation for the platform's agents".into()),
            storage_configuration: Some(storage.into()),
            ..KnowledgeBase::new(
                configuration,
                format!("{}knowledge-base", config.prefix()),
                role.arn(),
            )
        },
        ResourceOptions {
            depends_on,
            ..Default::default()
        },
    );
    grants(stack, data, compute, &knowledge_base);
    knowledge_base
}

/// The gateways' least-privilege policies.
fn grants(stack: &Scope, data: &Data, compute: &Compute, knowledge_base: &KnowledgeBaseRef) {
    let tables = |t: &strata::dynamodb::Table| {
        [
            t.table_arn(),
            Fn::join("", [t.table_arn(), "/index/*".into()]),
        ]
    };
    let invoke = PolicyStatement::allow()
        .actions([
            "bedrock:InvokeModel",
            "bedrock:InvokeModelWithResponseStream",
        ])
        .resource(Fn::sub(
            "arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/*",
        ));
    let mut llm_tables: Vec<Value<String>> = tables(&data.usage_plans).to_vec();
    llm_tables.extend(tables(&data.usage_logs));
    attach(
        stack,
        "LlmGatewayPolicy",
        &compute.llm_gateway,
        PolicyDocument::new()
            .with_statement(invoke.clone())
            .with_statement(
                PolicyStatement::allow()
                    .actions([
                        "dynamodb:GetItem",
                        "dynamodb:PutItem",
                        "dynamodb:UpdateItem",
                        "dynamodb:Query",
                    ])
                    .resources(llm_tables),
            )
            .with_statement(
                PolicyStatement::allow()
                    .action("secretsmanager:GetSecretValue")
                    .resource(data.redis_auth_token.secret_arn()),
            )
            .with_statement(
                PolicyStatement::allow()
                    .actions(["kms:Decrypt", "kms:GenerateDataKey"])
                    .resources([
                        data.tier.key("dynamodb").key_arn(),
                        data.tier.key("secrets").key_arn(),
                    ]),
            ),
    );
    attach(
        stack,
        "MemoryGatewayPolicy",
        &compute.memory_gateway,
        PolicyDocument::new().with_statement(
            PolicyStatement::allow()
                .action("rds-db:connect")
                .resource(Fn::join(
                    "",
                    [
                        Fn::sub(
                            "arn:${AWS::Partition}:rds-db:${AWS::Region}:${AWS::AccountId}:dbuser:",
                        ),
                        data.aurora.cluster_resource_id(),
                        "/memory_gateway".into(),
                    ],
                )),
        ),
    );
    attach(
        stack,
        "RetrievalGatewayPolicy",
        &compute.retrieval_gateway,
        PolicyDocument::new().with_statement(invoke).with_statement(
            PolicyStatement::allow()
                .actions(["bedrock:Retrieve", "bedrock:RetrieveAndGenerate"])
                .resource(knowledge_base.knowledge_base_arn()),
        ),
    );
}

/// Attaches `document` to `role` as `AWS::IAM::Policy` `<stack>/<id>`.
fn attach(stack: &Scope, id: &str, role: &ServiceAccountRole, document: PolicyDocument) {
    stack.resource(
        id,
        iam_l1::Policy {
            roles: Some(Value::list([role.role().role_name()])),
            ..iam_l1::Policy::new(document.to_value(), id)
        },
    );
}
