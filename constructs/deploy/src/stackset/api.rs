//! The StackSet calls: describe, create, update, add instances, and
//! follow an operation to its end.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{anyhow, bail, Result};
use aws_sdk_cloudformation::types::{
    AccountFilterType, AutoDeployment, Capability, DeploymentTargets, StackSet, StackSetStatus,
};
use aws_sdk_cloudformation::Client;
use strata_core::StackSetPermissions;

use super::plan::{parameter_list, preferences, Existing, Group};
use super::StackSetTarget;
use crate::assembly::StackArtifact;
use crate::changeset::is_no_changes;
use crate::stack::sdk_text;
use crate::staging::TemplateSource;

/// A new operation ID (also CloudFormation's idempotency token).
pub(crate) fn operation_id() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    format!("strata-{millis}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// The StackSet named `name`, or `None` when it does not exist (or was deleted).
pub(crate) async fn describe_set(cfn: &Client, name: &str) -> Result<Option<StackSet>> {
    match cfn.describe_stack_set().stack_set_name(name).send().await {
        Ok(out) => Ok(out
            .stack_set()
            .filter(|s| s.status() != Some(&StackSetStatus::Deleted))
            .cloned()),
        Err(e) => {
            let missing = e
                .as_service_error()
                .is_some_and(|se| se.is_stack_set_not_found_exception());
            let text = sdk_text(&e);
            if missing || text.contains("StackSetNotFound") || text.contains("not found") {
                Ok(None)
            } else {
                Err(anyhow!("describing StackSet {name}: {text}"))
            }
        }
    }
}

/// Every stack instance of the StackSet.
pub(crate) async fn list_instances(cfn: &Client, name: &str) -> Result<Vec<Existing>> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = cfn
            .list_stack_instances()
            .stack_set_name(name)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| {
                anyhow!(
                    "listing the stack instances of StackSet {name}: {}",
                    sdk_text(&e)
                )
            })?;
        for i in page.summaries() {
            out.push(Existing {
                account: i.account().unwrap_or_default().to_string(),
                ou: i.organizational_unit_id().map(str::to_string),
                region: i.region().unwrap_or_default().to_string(),
                status: i.status().map_or("CURRENT", |s| s.as_str()).to_string(),
            });
        }
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(out);
        }
    }
}

fn auto_deployment(set: &StackSetTarget) -> Option<AutoDeployment> {
    match set.permissions {
        StackSetPermissions::ServiceManaged { auto_deployment } => Some(
            AutoDeployment::builder()
                .enabled(auto_deployment)
                .set_retain_stacks_on_account_removal(auto_deployment.then_some(false))
                .build(),
        ),
        StackSetPermissions::SelfManaged { .. } => None,
    }
}

fn roles(set: &StackSetTarget) -> (Option<String>, Option<String>) {
    match &set.permissions {
        StackSetPermissions::SelfManaged {
            administration_role_arn,
            execution_role_name,
        } => (administration_role_arn.clone(), execution_role_name.clone()),
        StackSetPermissions::ServiceManaged { .. } => (None, None),
    }
}

fn body_and_url(s: &StackArtifact, source: &TemplateSource) -> (Option<String>, Option<String>) {
    match source {
        TemplateSource::Body => (Some(s.template_body.clone()), None),
        TemplateSource::Url(url) => (None, Some(url.clone())),
    }
}

const CAPABILITIES: [Capability; 3] = [
    Capability::CapabilityIam,
    Capability::CapabilityNamedIam,
    Capability::CapabilityAutoExpand,
];

/// Creates the StackSet (no instances yet).
pub(crate) async fn create_set(
    cfn: &Client,
    s: &StackArtifact,
    set: &StackSetTarget,
    source: &TemplateSource,
    parameters: &[(String, String)],
) -> Result<()> {
    let name = s.stack_name.as_str();
    let (body, url) = body_and_url(s, source);
    let (admin, execution) = roles(set);
    cfn.create_stack_set()
        .stack_set_name(name)
        .set_template_body(body)
        .set_template_url(url)
        .set_parameters(Some(parameter_list(s, None, parameters)))
        .set_capabilities(Some(CAPABILITIES.to_vec()))
        .permission_model(set.permission_model())
        .set_auto_deployment(auto_deployment(set))
        .set_administration_role_arn(admin)
        .set_execution_role_name(execution)
        .description(format!("Stack {} deployed by Strata", s.id))
        .send()
        .await
        .map_err(|e| anyhow!("creating StackSet {name}: {}", sdk_text(&e)))?;
    Ok(())
}

/// Updates the StackSet and all its instances; `None` when CloudFormation
/// says there is nothing to update.
pub(crate) async fn update_set(
    cfn: &Client,
    s: &StackArtifact,
    set: &StackSetTarget,
    current: &StackSet,
    source: &TemplateSource,
    parameters: &[(String, String)],
) -> Result<Option<String>> {
    let name = s.stack_name.as_str();
    let (body, url) = body_and_url(s, source);
    let (admin, execution) = roles(set);
    let model_changes = current.permission_model() != Some(&set.permission_model());
    let id = operation_id();
    let result = cfn
        .update_stack_set()
        .stack_set_name(name)
        .set_template_body(body)
        .set_template_url(url)
        .set_parameters(Some(parameter_list(s, Some(current), parameters)))
        .set_capabilities(Some(CAPABILITIES.to_vec()))
        .set_permission_model(model_changes.then(|| set.permission_model()))
        .set_auto_deployment(auto_deployment(set))
        .set_administration_role_arn(admin)
        .set_execution_role_name(execution)
        .operation_preferences(preferences(set, &set.regions))
        .operation_id(&id)
        .send()
        .await;
    match result {
        Ok(out) => Ok(Some(out.operation_id().unwrap_or(&id).to_string())),
        Err(e) => {
            let text = sdk_text(&e);
            if is_no_changes(&text) {
                Ok(None)
            } else {
                Err(anyhow!("updating StackSet {name}: {text}"))
            }
        }
    }
}

/// Starts CreateStackInstances for one group of targets × regions.
pub(crate) async fn create_instances(
    cfn: &Client,
    name: &str,
    set: &StackSetTarget,
    group: &Group,
) -> Result<String> {
    let id = operation_id();
    let request = cfn
        .create_stack_instances()
        .stack_set_name(name)
        .set_regions(Some(group.regions.clone()))
        .operation_preferences(preferences(set, &group.regions))
        .operation_id(&id);
    let request = match (&set.permissions, set.by_account()) {
        (StackSetPermissions::SelfManaged { .. }, _) => {
            request.set_accounts(Some(group.units.clone()))
        }
        (StackSetPermissions::ServiceManaged { .. }, false) => request.deployment_targets(
            DeploymentTargets::builder()
                .set_organizational_unit_ids(Some(group.units.clone()))
                .build(),
        ),
        (StackSetPermissions::ServiceManaged { .. }, true) => request.deployment_targets(
            DeploymentTargets::builder()
                .set_organizational_unit_ids(Some(set.organizational_units.clone()))
                .set_accounts(Some(group.units.clone()))
                .account_filter_type(AccountFilterType::Intersection)
                .build(),
        ),
    };
    let out = request.send().await.map_err(|e| {
        anyhow!(
            "creating stack instances of StackSet {name} in {} × {}: {}",
            group.units.join(", "),
            group.regions.join(", "),
            sdk_text(&e)
        )
    })?;
    Ok(out.operation_id().unwrap_or(&id).to_string())
}

/// One instance's result in an operation.
struct InstanceResult {
    status: String,
    line: String,
}

/// The per-instance results of an operation, one line each.
async fn operation_results(cfn: &Client, name: &str, id: &str) -> Result<Vec<InstanceResult>> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = cfn
            .list_stack_set_operation_results()
            .stack_set_name(name)
            .operation_id(id)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| {
                anyhow!(
                    "reading the results of operation {id} of StackSet {name}: {}",
                    sdk_text(&e)
                )
            })?;
        for r in page.summaries() {
            let status = r.status().map_or("UNKNOWN", |s| s.as_str()).to_string();
            let ou = r
                .organizational_unit_id()
                .map(|ou| format!(" ({ou})"))
                .unwrap_or_default();
            let reason = r
                .status_reason()
                .filter(|r| !r.is_empty())
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            out.push(InstanceResult {
                line: format!(
                    "{}{ou} {}: {status}{reason}",
                    r.account().unwrap_or("?"),
                    r.region().unwrap_or("?")
                ),
                status,
            });
        }
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(out);
        }
    }
}

/// Follows an operation (backoff up to 10 s, `timeout`) until it ends;
/// prints its line and each instance's result. FAILED or STOPPED is an
/// error listing the instances that did not succeed, with their reasons.
pub(crate) async fn follow(cfn: &Client, name: &str, id: &str, timeout: Duration) -> Result<()> {
    let start = Instant::now();
    let mut delay = Duration::from_millis(500);
    loop {
        let out = cfn
            .describe_stack_set_operation()
            .stack_set_name(name)
            .operation_id(id)
            .send()
            .await
            .map_err(|e| {
                anyhow!(
                    "describing operation {id} of StackSet {name}: {}",
                    sdk_text(&e)
                )
            })?;
        let op = out.stack_set_operation();
        let status = op
            .and_then(|o| o.status())
            .map_or("UNKNOWN", |s| s.as_str())
            .to_string();
        if matches!(status.as_str(), "SUCCEEDED" | "FAILED" | "STOPPED") {
            let action = op.and_then(|o| o.action()).map_or("", |a| a.as_str());
            println!(
                "  operation {id} {action}: {status} ({:.1} s)",
                start.elapsed().as_secs_f64()
            );
            let results = operation_results(cfn, name, id).await?;
            for r in &results {
                println!("    {}", r.line);
            }
            if status == "SUCCEEDED" {
                return Ok(());
            }
            let reason = op
                .and_then(|o| o.status_reason())
                .filter(|r| !r.is_empty())
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            let failed: String = results
                .iter()
                .filter(|r| r.status != "SUCCEEDED")
                .map(|r| format!("\n  {}", r.line))
                .collect();
            bail!("StackSet {name}: operation {id} ({action}) {status}{reason}{failed}");
        }
        if start.elapsed() > timeout {
            bail!(
                "StackSet {name}: operation {id} is still {status} after {} s; it keeps going in CloudFormation — \
                 check it in the console, or raise --timeout",
                timeout.as_secs()
            );
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 3 / 2).min(Duration::from_secs(10));
    }
}
