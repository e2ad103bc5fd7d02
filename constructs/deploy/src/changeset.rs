//! Change sets: create one, wait for it, and read its changes.

use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Result};
use aws_sdk_cloudformation::operation::describe_change_set::DescribeChangeSetOutput;
use aws_sdk_cloudformation::types::{
    Capability, ChangeAction, ChangeSetStatus, ChangeSetType, Parameter,
    Replacement as CfnReplacement,
};
use aws_sdk_cloudformation::Client;

use crate::diff::{Action, Replacement, ResourceChange, TemplateDiff};
use crate::stack::sdk_text;
use crate::staging::TemplateSource;

/// True when a CloudFormation message says the change set has no changes.
pub fn is_no_changes(message: &str) -> bool {
    message.contains("The submitted information didn't contain changes")
        || message.contains("No updates are to be performed")
}

/// What creating a change set gave.
pub enum Created {
    /// The change set is ready; its changes follow.
    Ready(Vec<ResourceChange>),
    /// CloudFormation found nothing to change (the change set, if any, is deleted).
    NoChanges,
}

/// A change set to create.
pub struct Request<'a> {
    /// The stack name.
    pub stack: &'a str,
    /// The change set name.
    pub name: &'a str,
    /// The template body.
    pub template_body: &'a str,
    /// Inline, or the URL of the staged template.
    pub source: &'a TemplateSource,
    /// CREATE for a new stack, UPDATE otherwise.
    pub kind: ChangeSetType,
    /// Stack parameters.
    pub parameters: Vec<Parameter>,
}

/// Creates a change set and waits for it (backoff up to 5 s, `timeout`).
pub async fn create(client: &Client, req: &Request<'_>, timeout: Duration) -> Result<Created> {
    let result = client
        .create_change_set()
        .stack_name(req.stack)
        .change_set_name(req.name)
        .set_template_body(
            (*req.source == TemplateSource::Body).then(|| req.template_body.to_string()),
        )
        .set_template_url(match req.source {
            TemplateSource::Url(url) => Some(url.clone()),
            TemplateSource::Body => None,
        })
        .change_set_type(req.kind.clone())
        .capabilities(Capability::CapabilityIam)
        .capabilities(Capability::CapabilityNamedIam)
        .capabilities(Capability::CapabilityAutoExpand)
        .set_parameters(Some(req.parameters.clone()))
        .description("Created by Strata")
        .send()
        .await;
    if let Err(e) = result {
        let text = sdk_text(&e);
        if is_no_changes(&text) {
            return Ok(Created::NoChanges);
        }
        bail!("creating a change set for stack {}: {text}", req.stack);
    }
    wait(client, req.stack, req.name, timeout).await
}

/// Waits for a change set to be ready and reads its changes.
pub async fn wait(client: &Client, stack: &str, name: &str, timeout: Duration) -> Result<Created> {
    let start = Instant::now();
    let mut delay = Duration::from_millis(100);
    loop {
        let out = describe(client, stack, name, None).await?;
        match out.status() {
            Some(ChangeSetStatus::CreateComplete) => {
                return Ok(Created::Ready(changes(client, stack, name, out).await?))
            }
            Some(ChangeSetStatus::Failed) => {
                let reason = out.status_reason().unwrap_or("no reason given").to_string();
                if is_no_changes(&reason) {
                    delete(client, stack, name).await?;
                    return Ok(Created::NoChanges);
                }
                bail!(
                    "change set {name} of stack {stack} failed: {reason}\n\
                     it is kept for inspection; delete it with `aws cloudformation delete-change-set --stack-name {stack} --change-set-name {name}`"
                );
            }
            _ => {}
        }
        if start.elapsed() > timeout {
            bail!(
                "change set {name} of stack {stack} is still not ready after {} s",
                timeout.as_secs()
            );
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}

/// One page of `DescribeChangeSet`.
async fn describe(
    client: &Client,
    stack: &str,
    name: &str,
    token: Option<String>,
) -> Result<DescribeChangeSetOutput> {
    client
        .describe_change_set()
        .stack_name(stack)
        .change_set_name(name)
        .set_next_token(token)
        .send()
        .await
        .map_err(|e| {
            anyhow!(
                "describing change set {name} of stack {stack}: {}",
                sdk_text(&e)
            )
        })
}

/// Every change of a ready change set, starting from its first page.
async fn changes(
    client: &Client,
    stack: &str,
    name: &str,
    first: DescribeChangeSetOutput,
) -> Result<Vec<ResourceChange>> {
    let mut out = Vec::new();
    let mut page = first;
    loop {
        for c in page.changes() {
            let Some(rc) = c.resource_change() else {
                continue;
            };
            out.push(ResourceChange {
                logical_id: rc.logical_resource_id().unwrap_or_default().to_string(),
                resource_type: rc.resource_type().unwrap_or_default().to_string(),
                action: match rc.action() {
                    Some(ChangeAction::Add) => Action::Add,
                    Some(ChangeAction::Remove) => Action::Remove,
                    _ => Action::Modify,
                },
                paths: Vec::new(),
                replacement: match rc.replacement() {
                    Some(CfnReplacement::True) => Replacement::Yes,
                    Some(CfnReplacement::Conditional) => Replacement::Conditional,
                    _ => Replacement::No,
                },
                reasons: Vec::new(),
            });
        }
        match page.next_token() {
            Some(token) => page = describe(client, stack, name, Some(token.to_string())).await?,
            None => return Ok(out),
        }
    }
}

/// Deletes a change set.
pub async fn delete(client: &Client, stack: &str, name: &str) -> Result<()> {
    client
        .delete_change_set()
        .stack_name(stack)
        .change_set_name(name)
        .send()
        .await
        .map_err(|e| {
            anyhow!(
                "deleting change set {name} of stack {stack}: {}",
                sdk_text(&e)
            )
        })?;
    Ok(())
}

/// Completes a change set's changes with the local prediction: paths and
/// reasons always, and the replacement when CloudFormation gave none (moto
/// never does) or gave less than the createOnly lists predict. Resources
/// the prediction changes but the change set lacks are added.
pub fn merge(mut changes: Vec<ResourceChange>, predicted: &TemplateDiff) -> Vec<ResourceChange> {
    for p in &predicted.resources {
        match changes.iter_mut().find(|c| c.logical_id == p.logical_id) {
            Some(c) => {
                c.paths.clone_from(&p.paths);
                c.reasons.clone_from(&p.reasons);
                if c.replacement == Replacement::No {
                    c.replacement = p.replacement;
                }
            }
            None => changes.push(p.clone()),
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff_templates;
    use serde_json::json;

    #[test]
    fn no_change_messages_are_recognized() {
        assert!(is_no_changes(
            "The submitted information didn't contain changes. Submit different information to create a change set."
        ));
        assert!(is_no_changes(
            "ValidationError: No updates are to be performed."
        ));
        assert!(!is_no_changes("Template format error"));
    }

    #[test]
    fn merge_fills_replacement_from_the_prediction() {
        let old = json!({"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "a"}}}});
        let new = json!({"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "b"}}},
                         "T": {"Type": "AWS::SNS::Topic"}});
        let from_cfn = vec![ResourceChange {
            logical_id: "Q".into(),
            resource_type: "AWS::SQS::Queue".into(),
            action: Action::Modify,
            paths: Vec::new(),
            replacement: Replacement::No,
            reasons: Vec::new(),
        }];
        let merged = merge(from_cfn, &diff_templates(&old, &new));
        assert_eq!(merged[0].replacement, Replacement::Yes);
        assert_eq!(merged[0].paths, ["Properties/QueueName"]);
        assert_eq!(merged[0].reasons, ["QueueName changed (create-only)"]);
    }
}
