//! The commands: deploy, destroy and diff, one stack after another.

use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{anyhow, bail, Result};
use aws_sdk_cloudformation::types::{ChangeSetType, Parameter, Stack};
use aws_sdk_cloudformation::Client;
use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::{json, Value as Json};

use crate::assembly::{CloudAssembly, StackArtifact};
use crate::assets;
use crate::changeset::{self, Created, Request};
use crate::clients::{Aws, Clients};
use crate::crossstack;
use crate::diff::{
    action_marker, diff_templates, render, replacement_note, ResourceChange, TemplateDiff,
};
use crate::safety::{hazards, refusal};
use crate::stack::{self, sdk_text};
use crate::staging::{self, TemplateSource};
use crate::{confirm, runtime, DeployOptions, Outcome};

/// Deploys `names` (all stacks when empty) in dependency order and returns
/// each stack's outcome; stops at the first failure.
pub fn deploy(asm: &CloudAssembly, names: &[String], opts: &DeployOptions) -> Result<Vec<Outcome>> {
    let stacks = asm.select(names)?;
    for p in &opts.parameters {
        if !stacks
            .iter()
            .any(|s| s.id == p.stack || s.stack_name == p.stack)
        {
            bail!(
                "--parameters {}:{}=…: no stack `{}` is being deployed",
                p.stack,
                p.key,
                p.stack
            );
        }
    }
    let sets: Vec<&str> = stacks
        .iter()
        .filter(|s| asm.stack_set_of(s).is_some())
        .map(|s| s.id.as_str())
        .collect();
    if !sets.is_empty() {
        bail!(
            "stack(s) {} roll out as StackSets; deploy them with `cargo xtask deploy --stackset`, and name the other stacks to deploy them alone",
            sets.join(", ")
        );
    }
    if opts.execute.is_some() && stacks.len() != 1 {
        bail!("--execute names one change set, so name exactly one stack to deploy");
    }
    if !opts.yes && !opts.prepare_only && !std::io::stdin().is_terminal() {
        bail!("deploy asks for confirmation, but there is no terminal; pass --yes to deploy without asking (or --prepare-only)");
    }
    // Questions on a terminal come one at a time.
    let concurrency = if opts.yes || opts.prepare_only {
        opts.concurrency.max(1)
    } else {
        1
    };
    let rt = runtime()?;
    rt.block_on(async {
        let mut clients = Clients::new();
        // Clients (and the account check) for every stack first, including
        // producers outside the selection whose outputs are read.
        let mut aws_of: HashMap<&str, Aws> = HashMap::new();
        for s in &stacks {
            aws_of.insert(s.id.as_str(), clients.get(s).await?);
            for source in &s.parameter_sources {
                if let Some(p) = asm.stacks.iter().find(|p| p.id == source.stack) {
                    if !aws_of.contains_key(p.id.as_str()) {
                        aws_of.insert(p.id.as_str(), clients.get(p).await?);
                    }
                }
            }
        }
        let selected: HashSet<&str> = stacks.iter().map(|s| s.id.as_str()).collect();
        let mut outcomes: HashMap<&str, Outcome> = HashMap::new();
        let mut failed: Vec<(String, String)> = Vec::new();
        let mut skipped: Vec<String> = Vec::new();
        let mut pending: Vec<&StackArtifact> = stacks.clone();
        let mut running = FuturesUnordered::new();
        loop {
            // Start every stack whose dependencies in this run are done.
            while running.len() < concurrency {
                let blocked = |s: &&StackArtifact| {
                    s.dependencies.iter().any(|d| {
                        selected.contains(d.as_str()) && !outcomes.contains_key(d.as_str())
                    })
                };
                let Some(i) = pending.iter().position(|s| !blocked(s)) else {
                    break;
                };
                let s = pending.remove(i);
                let aws = aws_of[s.id.as_str()].clone();
                let producers: Vec<(&StackArtifact, Aws)> = s
                    .parameter_sources
                    .iter()
                    .filter_map(|src| asm.stacks.iter().find(|p| p.id == src.stack))
                    .map(|p| (p, aws_of[p.id.as_str()].clone()))
                    .collect();
                running.push(async move {
                    let result = deploy_one(asm, s, &aws, &producers, opts).await;
                    (s, result)
                });
            }
            let Some((s, result)) = running.next().await else {
                break;
            };
            match result {
                Ok(outcome) => {
                    outcomes.insert(s.id.as_str(), outcome);
                }
                Err(e) => {
                    failed.push((s.id.clone(), format!("{e:#}")));
                    // Everything that depends on it, directly or not, stays undeployed.
                    let mut down: HashSet<String> = HashSet::from([s.id.clone()]);
                    loop {
                        let before = down.len();
                        pending.retain(|p| {
                            if p.dependencies.iter().any(|d| down.contains(d)) {
                                down.insert(p.id.clone());
                                skipped.push(p.id.clone());
                                false
                            } else {
                                true
                            }
                        });
                        if down.len() == before {
                            break;
                        }
                    }
                }
            }
        }
        if !failed.is_empty() {
            let mut message: Vec<String> = failed.into_iter().map(|(_, e)| e).collect();
            if !skipped.is_empty() {
                message.push(format!(
                    "not deployed because a stack they depend on failed: {}",
                    skipped.join(", ")
                ));
            }
            bail!("{}", message.join("\n"));
        }
        Ok(stacks
            .iter()
            .filter_map(|s| outcomes.remove(s.id.as_str()))
            .collect())
    })
}

/// Publishes a stack's assets, stages its template, fills the parameters
/// other stacks' outputs provide, and deploys it.
async fn deploy_one(
    asm: &CloudAssembly,
    s: &StackArtifact,
    aws: &Aws,
    producers: &[(&StackArtifact, Aws)],
    opts: &DeployOptions,
) -> Result<Outcome> {
    println!("Stack {} ({})", s.id, s.stack_name);
    let source = match opts.execute {
        Some(_) => TemplateSource::Body,
        None => {
            let manifests = asm.asset_manifests_of(s);
            let account = s.account.as_deref();
            assets::publish(&aws.s3, &aws.sts, &aws.region, account, manifests).await?;
            staging::stage(
                &aws.s3,
                &aws.cfn,
                &aws.region,
                opts.staging_bucket.as_deref(),
                s,
            )
            .await?
        }
    };
    let mut outputs = HashMap::new();
    for (p, p_aws) in producers {
        if !outputs.contains_key(&p.id) {
            outputs.insert(p.id.clone(), crossstack::read_outputs(&p_aws.cfn, p).await?);
        }
    }
    let cross = crossstack::parameters(s, &outputs)?;
    deploy_stack(&aws.cfn, s, &source, &cross, opts).await
}

fn change_set_name() -> String {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    format!("strata-{millis}")
}

fn parameters(
    s: &StackArtifact,
    existing: Option<&Stack>,
    cross: &[(String, String)],
    opts: &DeployOptions,
) -> Vec<Parameter> {
    let given = opts
        .parameters
        .iter()
        .filter(|p| p.stack == s.id || p.stack == s.stack_name)
        .map(|p| (p.key.as_str(), p.value.as_str()));
    let mut out: Vec<Parameter> = cross
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .chain(given)
        .map(|(k, v)| {
            Parameter::builder()
                .parameter_key(k)
                .parameter_value(v)
                .build()
        })
        .collect();
    // Parameters not given keep their deployed value, as in the CDK.
    if let (Some(existing), Some(declared)) = (
        existing,
        s.template.get("Parameters").and_then(Json::as_object),
    ) {
        for key in declared.keys() {
            let given = out.iter().any(|p| p.parameter_key() == Some(key.as_str()));
            let deployed = existing
                .parameters()
                .iter()
                .any(|p| p.parameter_key() == Some(key.as_str()));
            if !given && deployed {
                out.push(
                    Parameter::builder()
                        .parameter_key(key)
                        .use_previous_value(true)
                        .build(),
                );
            }
        }
    }
    out
}

fn print_changes(changes: &[ResourceChange], color: bool) {
    for c in changes {
        let note = replacement_note(c.replacement, color);
        println!(
            "  {} {} {}{}",
            action_marker(c.action, color),
            c.resource_type,
            c.logical_id,
            if note.is_empty() {
                String::new()
            } else {
                format!(" ({note}: {})", c.reasons.join("; "))
            }
        );
    }
}

pub(crate) async fn deploy_stack(
    client: &Client,
    s: &StackArtifact,
    source: &TemplateSource,
    cross: &[(String, String)],
    opts: &DeployOptions,
) -> Result<Outcome> {
    let name = s.stack_name.as_str();
    let existing = stack::describe(client, name).await?;
    if let Some(e) = &existing {
        stack::check_touchable(name, e)?;
    }
    let live = existing
        .as_ref()
        .filter(|e| stack::status(e) != "REVIEW_IN_PROGRESS");
    let deployed = match live {
        Some(_) => stack::deployed_template(client, name).await?,
        None => json!({}),
    };
    let predicted = diff_templates(&deployed, &s.template);
    let (cs_name, created) = match &opts.execute {
        Some(cs) => (
            cs.clone(),
            changeset::wait(client, name, cs, opts.timeout).await?,
        ),
        None => {
            let cs = change_set_name();
            let req = Request {
                stack: name,
                name: &cs,
                template_body: &s.template_body,
                source,
                kind: if live.is_some() {
                    ChangeSetType::Update
                } else {
                    ChangeSetType::Create
                },
                parameters: parameters(s, live, cross, opts),
            };
            let created = changeset::create(client, &req, opts.timeout).await?;
            (cs, created)
        }
    };
    let changes = match created {
        Created::NoChanges => {
            println!("  no changes");
            return Ok(Outcome::NoChanges);
        }
        Created::Ready(changes) => changes,
    };
    // moto reports no change for an identical template; CloudFormation
    // would have failed the change set. Same parameters, same template: no-op.
    let deployed_value = |key: &str| {
        live.and_then(|e| {
            e.parameters()
                .iter()
                .find(|p| p.parameter_key() == Some(key))
                .and_then(|p| p.parameter_value())
        })
    };
    let params_given = opts
        .parameters
        .iter()
        .any(|p| p.stack == s.id || p.stack == s.stack_name)
        || cross
            .iter()
            .any(|(k, v)| deployed_value(k) != Some(v.as_str()));
    if changes.is_empty()
        && predicted.is_empty()
        && live.is_some()
        && !params_given
        && opts.execute.is_none()
    {
        changeset::delete(client, name, &cs_name).await?;
        println!("  no changes");
        return Ok(Outcome::NoChanges);
    }
    let changes = changeset::merge(changes, &predicted);
    println!("  change set {cs_name}:");
    print_changes(&changes, opts.color);
    let found = hazards(&changes, &deployed, &opts.allow_replace);
    if opts.prepare_only {
        if !found.is_empty() {
            println!("  warning: {}", refusal(name, &found));
        }
        println!(
            "  prepared; execute it with `cargo xtask deploy {} --execute {cs_name}`",
            s.id
        );
        return Ok(Outcome::Prepared(cs_name));
    }
    if !found.is_empty() {
        if opts.execute.is_none() {
            changeset::delete(client, name, &cs_name).await?;
        }
        bail!("{}", refusal(name, &found));
    }
    if !confirm(&format!("Deploy these changes to stack {name}?"), opts.yes)? {
        changeset::delete(client, name, &cs_name).await?;
        bail!("stack {name} not deployed: the change set was declined (and deleted)");
    }
    let stack_id = match stack::describe(client, name).await? {
        Some(st) => st.stack_id().unwrap_or(name).to_string(),
        None => name.to_string(),
    };
    let after = stack::newest_event(client, &stack_id).await?;
    client
        .execute_change_set()
        .stack_name(name)
        .change_set_name(&cs_name)
        .send()
        .await
        .map_err(|e| {
            anyhow!(
                "executing change set {cs_name} of stack {name}: {}",
                sdk_text(&e)
            )
        })?;
    let total = s
        .template
        .get("Resources")
        .and_then(Json::as_object)
        .map_or(0, |r| r.len());
    let finished = stack::follow(client, &stack_id, after, total, opts.timeout).await?;
    if !matches!(
        finished.status.as_str(),
        "CREATE_COMPLETE" | "UPDATE_COMPLETE" | "IMPORT_COMPLETE"
    ) {
        let way_out = if finished.status == "ROLLBACK_COMPLETE" {
            format!("\nthe stack was never created; delete it with `cargo xtask destroy {}` before deploying again", s.id)
        } else {
            String::new()
        };
        bail!(
            "deploying stack {name} failed: the stack is {}{}{way_out}",
            finished.status,
            stack::failure_lines(&finished.failures)
        );
    }
    if let Some(st) = stack::describe(client, &stack_id).await? {
        print!("{}", stack::outputs_text(name, &st));
    }
    println!("  {name}: {}", finished.status);
    Ok(Outcome::Deployed)
}

/// Deletes `names` (all stacks when empty) in reverse dependency order,
/// after one confirmation, waiting for each; prints the resources kept by
/// their DeletionPolicy.
pub fn destroy(asm: &CloudAssembly, names: &[String], yes: bool, timeout: Duration) -> Result<()> {
    let mut stacks = asm.select(names)?;
    stacks.reverse();
    let list: Vec<&str> = stacks.iter().map(|s| s.stack_name.as_str()).collect();
    if !confirm(&format!("Delete stack(s) {}?", list.join(", ")), yes)? {
        bail!("nothing deleted: declined");
    }
    runtime()?.block_on(async {
        let mut clients = Clients::new();
        for s in stacks {
            let aws = clients.get(s).await?;
            destroy_stack(&aws.cfn, s, timeout).await?;
        }
        Ok(())
    })
}

async fn destroy_stack(client: &Client, s: &StackArtifact, timeout: Duration) -> Result<()> {
    let name = s.stack_name.as_str();
    let Some(existing) = stack::describe(client, name).await? else {
        println!("Stack {name} does not exist; nothing to delete");
        return Ok(());
    };
    let st = stack::status(&existing);
    if st.ends_with("_IN_PROGRESS") && st != "REVIEW_IN_PROGRESS" {
        bail!("stack {name} is {st}; wait for that operation to finish, then destroy again");
    }
    let template = stack::deployed_template(client, name)
        .await
        .unwrap_or_else(|_| json!({}));
    let resources = template
        .get("Resources")
        .and_then(Json::as_object)
        .cloned()
        .unwrap_or_default();
    let retained: Vec<String> = resources
        .iter()
        .filter(|(_, r)| {
            matches!(
                r.get("DeletionPolicy").and_then(Json::as_str),
                Some("Retain" | "RetainExceptOnUpdate")
            )
        })
        .map(|(id, r)| {
            format!(
                "{id} ({})",
                r.get("Type").and_then(Json::as_str).unwrap_or("?")
            )
        })
        .collect();
    let stack_id = existing.stack_id().unwrap_or(name).to_string();
    let after = stack::newest_event(client, &stack_id).await?;
    println!("Deleting stack {name}");
    client
        .delete_stack()
        .stack_name(&stack_id)
        .send()
        .await
        .map_err(|e| anyhow!("deleting stack {name}: {}", sdk_text(&e)))?;
    let finished = stack::follow(client, &stack_id, after, resources.len(), timeout).await?;
    if finished.status != "DELETE_COMPLETE" {
        bail!(
            "deleting stack {name} failed: the stack is {}{}",
            finished.status,
            stack::failure_lines(&finished.failures)
        );
    }
    println!("  {name}: DELETE_COMPLETE");
    if !retained.is_empty() {
        println!(
            "  retained by their DeletionPolicy (delete them yourself if unwanted): {}",
            retained.join(", ")
        );
    }
    Ok(())
}

/// One stack's differences from its deployed template.
#[derive(Debug, Clone)]
pub struct StackDiff {
    /// The artifact id.
    pub id: String,
    /// The stack name.
    pub stack_name: String,
    /// Whether the stack exists in CloudFormation.
    pub deployed: bool,
    /// Deployed → synthesized.
    pub diff: TemplateDiff,
}

/// Compares each selected stack's synthesized template with the deployed
/// one (an empty template when the stack does not exist).
pub fn stack_diffs(asm: &CloudAssembly, names: &[String]) -> Result<Vec<StackDiff>> {
    let stacks = asm.select(names)?;
    runtime()?.block_on(async {
        let mut clients = Clients::new();
        let mut out = Vec::new();
        for s in stacks {
            let client = clients.get(s).await?.cfn;
            let name = s.stack_name.as_str();
            let existing = stack::describe(&client, name).await?;
            let live = existing.filter(|e| stack::status(e) != "REVIEW_IN_PROGRESS");
            let deployed = match live {
                Some(_) => stack::deployed_template(&client, name).await?,
                None => json!({}),
            };
            out.push(StackDiff {
                id: s.id.clone(),
                stack_name: name.to_string(),
                deployed: live.is_some(),
                diff: diff_templates(&deployed, &s.template),
            });
        }
        Ok(out)
    })
}

/// Prints, per stack, the differences between the deployed and the
/// synthesized template; returns true when any stack differs.
pub fn diff(asm: &CloudAssembly, names: &[String], color: bool) -> Result<bool> {
    let diffs = stack_diffs(asm, names)?;
    for d in &diffs {
        let note = if d.deployed { "" } else { ", not deployed" };
        println!("Stack {} ({}){note}", d.id, d.stack_name);
        print!("{}", render(&d.diff, color));
    }
    Ok(diffs.iter().any(|d| !d.diff.is_empty()))
}

/// Deploys the bootstrap stack (see [`crate::bootstrap`]) into each region
/// (`None`: the region of the AWS chain), through the change-set path.
pub fn bootstrap(regions: &[Option<String>], opts: &DeployOptions) -> Result<Vec<Outcome>> {
    if !opts.yes && !std::io::stdin().is_terminal() {
        bail!("bootstrap asks for confirmation, but there is no terminal; pass --yes to deploy without asking");
    }
    runtime()?.block_on(async {
        let mut clients = Clients::new();
        let mut outcomes = Vec::new();
        for region in regions {
            let s = crate::bootstrap::artifact(region.clone());
            let aws = clients.get(&s).await?;
            println!("Bootstrap {} in {}", s.stack_name, aws.region);
            outcomes.push(deploy_stack(&aws.cfn, &s, &TemplateSource::Body, &[], opts).await?);
            if let Some(bucket) = crate::bootstrap::staging_bucket(&aws.cfn).await? {
                println!("  staging bucket: {bucket}");
            }
        }
        Ok(outcomes)
    })
}
