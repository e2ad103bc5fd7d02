//! Stack state: describing a stack, its deployed template, and following
//! its events until an operation ends.

use std::collections::{BTreeSet, HashSet};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use aws_sdk_cloudformation::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_cloudformation::types::{Stack, StackEvent, TemplateStage};
use aws_sdk_cloudformation::Client;
use serde_json::Value as Json;

/// `code: message` of an SDK error, or its full context when it has none.
pub fn sdk_text<E, R>(e: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match (e.code(), e.message()) {
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (None, Some(m)) => m.to_string(),
        _ => format!("{}", DisplayErrorContext(e)),
    }
}

/// The stack named `name`, or `None` when it does not exist.
pub async fn describe(client: &Client, name: &str) -> Result<Option<Stack>> {
    match client.describe_stacks().stack_name(name).send().await {
        Ok(out) => Ok(out.stacks().first().cloned()),
        Err(e) => {
            let text = sdk_text(&e);
            if text.contains("does not exist") {
                Ok(None)
            } else {
                Err(anyhow!("describing stack {name}: {text}"))
            }
        }
    }
}

/// The stack's status as text (`CREATE_COMPLETE`, …).
pub fn status(stack: &Stack) -> String {
    stack
        .stack_status()
        .map(|s| s.as_str().to_string())
        .unwrap_or_default()
}

/// The template of a deployed stack, as originally submitted.
pub async fn deployed_template(client: &Client, name: &str) -> Result<Json> {
    let out = client
        .get_template()
        .stack_name(name)
        .template_stage(TemplateStage::Original)
        .send()
        .await
        .map_err(|e| {
            anyhow!(
                "getting the deployed template of stack {name}: {}",
                sdk_text(&e)
            )
        })?;
    let body = out.template_body().unwrap_or("{}");
    serde_json::from_str(body).with_context(|| {
        format!("the deployed template of stack {name} is not JSON; Strata only compares JSON templates")
    })
}

/// Refuses stacks that an operation is working on, and explains the way out
/// of ROLLBACK_COMPLETE (a failed creation, which can only be deleted).
pub fn check_touchable(name: &str, stack: &Stack) -> Result<()> {
    let s = status(stack);
    if s == "ROLLBACK_COMPLETE" {
        bail!(
            "stack {name} is in ROLLBACK_COMPLETE: its creation failed and CloudFormation cannot update it. \
             Delete it with `cargo xtask destroy {name}` (or `aws cloudformation delete-stack --stack-name {name}`), then deploy again"
        );
    }
    if s.ends_with("_IN_PROGRESS") && s != "REVIEW_IN_PROGRESS" {
        bail!("stack {name} is {s}; wait for that operation to finish, then run the command again");
    }
    Ok(())
}

/// The id of the newest event of the stack, to follow events after it.
pub async fn newest_event(client: &Client, stack_id: &str) -> Result<Option<String>> {
    let out = client
        .describe_stack_events()
        .stack_name(stack_id)
        .send()
        .await
        .map_err(|e| anyhow!("reading events of stack {stack_id}: {}", sdk_text(&e)))?;
    Ok(out
        .stack_events()
        .first()
        .and_then(|e| e.event_id().map(str::to_string)))
}

/// Events newer than `after`, oldest first.
async fn events_since(
    client: &Client,
    stack_id: &str,
    after: Option<&str>,
) -> Result<Vec<StackEvent>> {
    let mut events = Vec::new();
    let mut token = None;
    'pages: loop {
        let out = client
            .describe_stack_events()
            .stack_name(stack_id)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| anyhow!("reading events of stack {stack_id}: {}", sdk_text(&e)))?;
        for e in out.stack_events() {
            if after.is_some() && e.event_id() == after {
                break 'pages;
            }
            events.push(e.clone());
        }
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    events.reverse();
    Ok(events)
}

/// How an operation on a stack ended.
#[derive(Debug)]
pub struct Finished {
    /// The final status.
    pub status: String,
    /// Resources that failed, with their reasons: (logical id, type, status, reason).
    pub failures: Vec<(String, String, String, String)>,
}

/// Follows a stack's events after `after` until its status is no longer
/// `*_IN_PROGRESS`, printing each event with progress (resources done of
/// `total`, elapsed time). A stack that disappears counts as DELETE_COMPLETE.
pub async fn follow(
    client: &Client,
    stack_id: &str,
    after: Option<String>,
    total: usize,
    timeout: Duration,
) -> Result<Finished> {
    let start = Instant::now();
    let mut seen: HashSet<String> = HashSet::new();
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut failures = Vec::new();
    let mut delay = Duration::from_millis(200);
    loop {
        let stack = describe(client, stack_id).await?;
        let events = events_since(client, stack_id, after.as_deref()).await?;
        for e in events {
            let Some(id) = e.event_id() else { continue };
            if !seen.insert(id.to_string()) {
                continue;
            }
            let logical = e.logical_resource_id().unwrap_or_default().to_string();
            let rtype = e.resource_type().unwrap_or_default().to_string();
            let st = e
                .resource_status()
                .map(|s| s.as_str())
                .unwrap_or_default()
                .to_string();
            let reason = e.resource_status_reason().unwrap_or_default().to_string();
            let is_stack = rtype == "AWS::CloudFormation::Stack";
            if !is_stack && st.ends_with("_COMPLETE") {
                done.insert(logical.clone());
            }
            if st.ends_with("_FAILED") && !reason.is_empty() {
                failures.push((logical.clone(), rtype.clone(), st.clone(), reason.clone()));
            }
            println!(
                "  {:>6.1}s [{}/{}] {st:<20} {rtype} {logical}{}",
                start.elapsed().as_secs_f64(),
                done.len().min(total),
                total,
                if reason.is_empty() {
                    String::new()
                } else {
                    format!(": {reason}")
                }
            );
        }
        let status = match &stack {
            None => "DELETE_COMPLETE".to_string(),
            Some(s) => status(s),
        };
        if !status.ends_with("_IN_PROGRESS") {
            return Ok(Finished { status, failures });
        }
        if start.elapsed() > timeout {
            bail!(
                "stack {stack_id} is still {status} after {} s; it keeps going in CloudFormation — \
                 check it in the console, or raise --timeout",
                timeout.as_secs()
            );
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 3 / 2).min(Duration::from_secs(5));
    }
}

/// A stack's outputs, one `key = value` line each; empty without outputs.
pub fn outputs_text(name: &str, stack: &Stack) -> String {
    let outputs = stack.outputs();
    if outputs.is_empty() {
        return String::new();
    }
    let mut text = format!("Outputs of {name}:\n");
    for o in outputs {
        text.push_str(&format!(
            "  {} = {}\n",
            o.output_key().unwrap_or_default(),
            o.output_value().unwrap_or_default()
        ));
    }
    text
}

/// The failing resources, one line each, for an error message.
pub fn failure_lines(failures: &[(String, String, String, String)]) -> String {
    failures
        .iter()
        .map(|(id, ty, st, reason)| format!("\n  {id} ({ty}) {st}: {reason}"))
        .collect()
}
