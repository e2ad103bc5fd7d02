//! Data safety: stateful resource types, and the check that refuses to
//! replace or delete one unless the user names it with `--allow-replace`.

use serde_json::Value as Json;

use crate::diff::{Action, Replacement, ResourceChange};

/// Resource types that hold data which a replacement or deletion loses.
pub const STATEFUL_TYPES: &[&str] = &[
    "AWS::Backup::BackupVault",
    "AWS::Cognito::UserPool",
    "AWS::DocDB::DBCluster",
    "AWS::DocDB::DBInstance",
    "AWS::DynamoDB::GlobalTable",
    "AWS::DynamoDB::Table",
    "AWS::EC2::Volume",
    "AWS::ECR::Repository",
    "AWS::EFS::FileSystem",
    "AWS::ElastiCache::CacheCluster",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::ElastiCache::ServerlessCache",
    "AWS::Elasticsearch::Domain",
    "AWS::FSx::FileSystem",
    "AWS::Kinesis::Stream",
    "AWS::KMS::Key",
    "AWS::Logs::LogGroup",
    "AWS::MemoryDB::Cluster",
    "AWS::Neptune::DBCluster",
    "AWS::Neptune::DBInstance",
    "AWS::OpenSearchService::Domain",
    "AWS::OpenSearchServerless::Collection",
    "AWS::QLDB::Ledger",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::Redshift::Cluster",
    "AWS::S3::Bucket",
    "AWS::SecretsManager::Secret",
    "AWS::SQS::Queue",
    "AWS::Timestream::Database",
    "AWS::Timestream::Table",
];

/// True when replacing or deleting a resource of this type loses data.
pub fn is_stateful(resource_type: &str) -> bool {
    STATEFUL_TYPES.contains(&resource_type)
}

/// A change the safety check refuses.
#[derive(Debug, Clone, PartialEq)]
pub struct Hazard {
    /// The logical id.
    pub logical_id: String,
    /// The resource type.
    pub resource_type: String,
    /// Why, such as `replaced: KeySchema changed (create-only)`.
    pub reason: String,
}

fn policy<'a>(deployed: &'a Json, logical_id: &str, key: &str) -> Option<&'a str> {
    deployed
        .get("Resources")?
        .get(logical_id)?
        .get(key)?
        .as_str()
}

/// The stateful resources that `changes` would replace or delete and that
/// `allowed` does not name. A removal is safe when the deployed template
/// retains the resource (`DeletionPolicy: Retain`), a replacement when it
/// has `UpdateReplacePolicy: Retain`.
pub fn hazards(changes: &[ResourceChange], deployed: &Json, allowed: &[String]) -> Vec<Hazard> {
    let retained = |id: &str, key: &str| {
        matches!(
            policy(deployed, id, key),
            Some("Retain") | Some("RetainExceptOnUpdate")
        )
    };
    changes
        .iter()
        .filter(|c| is_stateful(&c.resource_type) && !allowed.contains(&c.logical_id))
        .filter_map(|c| {
            let reason = match (c.action, c.replacement) {
                (Action::Remove, _) if !retained(&c.logical_id, "DeletionPolicy") => {
                    "deleted: it is no longer in the template".to_string()
                }
                (Action::Modify, Replacement::Yes | Replacement::Conditional)
                    if !retained(&c.logical_id, "UpdateReplacePolicy") =>
                {
                    let why = if c.reasons.is_empty() {
                        "CloudFormation reports a replacement".to_string()
                    } else {
                        c.reasons.join("; ")
                    };
                    let verb = if c.replacement == Replacement::Yes {
                        "replaced"
                    } else {
                        "possibly replaced"
                    };
                    format!("{verb}: {why}")
                }
                _ => return None,
            };
            Some(Hazard {
                logical_id: c.logical_id.clone(),
                resource_type: c.resource_type.clone(),
                reason,
            })
        })
        .collect()
}

/// The refusal message for `hazards` in `stack`.
pub fn refusal(stack: &str, hazards: &[Hazard]) -> String {
    let mut msg = format!(
        "refusing to deploy stack {stack}: it would lose data in {} stateful resource(s):\n",
        hazards.len()
    );
    for h in hazards {
        msg.push_str(&format!(
            "  {} ({}) would be {}\n",
            h.logical_id, h.resource_type, h.reason
        ));
    }
    let args: Vec<String> = hazards
        .iter()
        .map(|h| format!("--allow-replace {}", h.logical_id))
        .collect();
    msg.push_str(&format!(
        "if that is intended, deploy again with {}",
        args.join(" ")
    ));
    msg
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn change(id: &str, ty: &str, action: Action, replacement: Replacement) -> ResourceChange {
        ResourceChange {
            logical_id: id.into(),
            resource_type: ty.into(),
            action,
            paths: Vec::new(),
            replacement,
            reasons: vec!["KeySchema changed (create-only)".into()],
        }
    }

    #[test]
    fn replacing_or_removing_stateful_resources_is_refused_unless_allowed() {
        let deployed = json!({"Resources": {
            "Kept": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain"}}});
        let changes = [
            change(
                "Table",
                "AWS::DynamoDB::Table",
                Action::Modify,
                Replacement::Yes,
            ),
            change("Topic", "AWS::SNS::Topic", Action::Modify, Replacement::Yes),
            change(
                "Logs",
                "AWS::Logs::LogGroup",
                Action::Remove,
                Replacement::No,
            ),
            change("Kept", "AWS::S3::Bucket", Action::Remove, Replacement::No),
            change("Key", "AWS::KMS::Key", Action::Modify, Replacement::No),
            change("New", "AWS::RDS::DBCluster", Action::Add, Replacement::No),
        ];
        let found = hazards(&changes, &deployed, &[]);
        let ids: Vec<&str> = found.iter().map(|h| h.logical_id.as_str()).collect();
        assert_eq!(ids, ["Table", "Logs"]);
        assert_eq!(found[0].reason, "replaced: KeySchema changed (create-only)");
        let msg = refusal("Data", &found);
        assert!(msg.contains("Table (AWS::DynamoDB::Table) would be replaced: KeySchema"));
        assert!(msg.contains("--allow-replace Table --allow-replace Logs"));
        let found = hazards(&changes, &deployed, &["Table".into(), "Logs".into()]);
        assert!(found.is_empty());
    }
}
