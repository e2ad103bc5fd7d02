//! What the agent's pods may do in AWS (seed section 5, "EKS Pod (AI
//! Agent) ... Can call": Secrets Manager, RDS, DynamoDB, S3, ElastiCache
//! and SNS/SQS).
//!
//! The pods of the `support-agent/support-agent` service account assume a
//! role through EKS Pod Identity. Its permissions are least privilege,
//! scoped to each store's ARN: read the four API credentials, the RDS
//! master secret and the Redis AUTH token; read and write both tables;
//! read and write the document buckets and uploads; write backups and
//! audit records; publish to the four topics and consume their queues.
//!
//! The grants need both the role and the stores, which the seed's modules
//! create after EKS or beside it; they live in this last stack so that
//! each of the seed's modules keeps exactly the dependencies of section 4.

use strata::cfn::eks as eks_l1;
use strata::cfn::iam as iam_l1;
use strata::iam::{Grant, PolicyDocument, PolicyStatement, Principal, Role, RoleProps};
use strata::prelude::*;

use crate::eks::Eks;
use crate::kms::ServiceKeys;
use crate::messaging::Stream;
use crate::rds::Database;
use crate::redis::Cache;
use crate::secrets::Secrets;
use crate::storage::Buckets;
use crate::tables::Tables;

/// The agent's Kubernetes namespace.
pub const NAMESPACE: &str = "support-agent";
/// The agent's Kubernetes service account.
pub const SERVICE_ACCOUNT: &str = "support-agent";

/// Everything the agent's pods use.
pub struct Stores<'a> {
    /// The keys.
    pub keys: &'a ServiceKeys,
    /// The cluster.
    pub eks: &'a Eks,
    /// Third-party credentials.
    pub secrets: &'a Secrets,
    /// PostgreSQL.
    pub database: &'a Database,
    /// Redis.
    pub cache: &'a Cache,
    /// The buckets.
    pub buckets: &'a Buckets,
    /// The tables.
    pub tables: &'a Tables,
    /// The topics and queues.
    pub streams: &'a [Stream],
}

/// Builds the agent's role and its Pod Identity association in `stack`.
pub fn build(stack: &Scope, stores: &Stores<'_>) -> Role {
    let role = Role::new(
        stack,
        "AgentRole",
        RoleProps {
            description: Some(format!(
                "Pods of the {NAMESPACE}/{SERVICE_ACCOUNT} service account"
            )),
            ..RoleProps::new(Principal::service("pods.eks.amazonaws.com"))
        },
    );
    // Pod Identity also tags the session, so the trust needs sts:TagSession.
    let trust = PolicyDocument::new()
        .with_statement(
            PolicyStatement::allow()
                .actions(["sts:AssumeRole", "sts:TagSession"])
                .principal(Principal::service("pods.eks.amazonaws.com")),
        )
        .to_value();
    if let Some(resource) = role.scope().of(&role.handle()) {
        resource.with_resource::<iam_l1::Role>(|r| r.assume_role_policy_document = trust);
    }
    stack.child("AgentPodIdentity").resource(
        "Resource",
        eks_l1::PodIdentityAssociation::new(
            stores.eks.cluster.cluster_name(),
            NAMESPACE,
            role.arn(),
            SERVICE_ACCOUNT,
        ),
    );
    grant(&role, stores);
    role
}

fn grant(role: &Role, s: &Stores<'_>) {
    for secret in s.secrets.all() {
        secret.grant_read(role);
    }
    s.cache.auth_token.grant_read(role);
    // RDS manages the master secret under the secrets key, which the
    // grants above already let the role decrypt through Secrets Manager.
    Grant::to_principal(
        role,
        &[
            "secretsmanager:GetSecretValue",
            "secretsmanager:DescribeSecret",
        ],
        vec![s.database.master_secret_arn()],
    );
    s.tables.conversations.grant_read_write_data(role);
    s.tables.sessions.grant_read_write_data(role);
    let b = s.buckets;
    for bucket in [
        &b.knowledge_documents,
        &b.document_chunks,
        &b.embeddings,
        &b.user_uploads,
    ] {
        bucket.grant_read_write(role);
    }
    b.backups.grant_write(role);
    // Audit records are only ever added: no delete, retention or legal-hold
    // actions, which `grant_write` would give.
    Grant::to_principal(
        role,
        &["s3:PutObject"],
        vec![b.audit_logs.arn_for_objects("*")],
    );
    Grant::to_principal(
        role,
        &["kms:Encrypt", "kms:GenerateDataKey*"],
        vec![s.keys.storage.key_arn()],
    );
    for stream in s.streams {
        stream.topic.grant_publish(role);
        stream.queue.grant_consume_messages(role);
    }
}
