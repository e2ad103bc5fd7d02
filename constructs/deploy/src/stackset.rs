//! Deploying stacks as CloudFormation StackSets: one template rolled out
//! to many accounts (or organizational units) and regions.
//!
//! Synth records a stack's StackSet settings as a `strata:stack-set`
//! metadata entry; [`deploy_stack_sets`] creates or updates the StackSet
//! (CreateStackSet / UpdateStackSet), adds the stack instances the targets
//! lack (CreateStackInstances), and follows each operation to its end.

mod api;
mod plan;
mod target;

use std::collections::HashMap;
use std::io::IsTerminal;

use anyhow::{bail, Result};
use aws_sdk_cloudformation::Client;

pub use target::StackSetTarget;

use crate::assembly::{CloudAssembly, StackArtifact};
use crate::clients::Clients;
use crate::staging::{self, TemplateSource};
use crate::{confirm, crossstack, runtime, DeployOptions};
use api::{create_instances, create_set, describe_set, follow, list_instances, update_set};
use plan::{changes, check_name, missing, outside};

/// What happened to the StackSet itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetChange {
    /// It did not exist and was created.
    Created,
    /// Its template or settings changed, and its instances were updated.
    Updated,
    /// It was already up to date.
    NoChanges,
}

/// One stack instance: an account (or OU) in a region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceTarget {
    /// The account ID, or the OU ID for service-managed sets without accounts.
    pub target: String,
    /// The region.
    pub region: String,
}

/// How one StackSet's deploy ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackSetOutcome {
    /// The StackSet name (the stack name).
    pub stack_set: String,
    /// What happened to the StackSet.
    pub change: SetChange,
    /// Stack instances created by this deploy.
    pub new_instances: Vec<InstanceTarget>,
}

/// The stacks to deploy as StackSets: the named ones (each must have
/// StackSet settings), or every stack that has them.
fn select<'a>(
    asm: &'a CloudAssembly,
    names: &[String],
) -> Result<Vec<(&'a StackArtifact, &'a StackSetTarget)>> {
    let stacks = asm.select(names)?;
    let without: Vec<&str> = stacks
        .iter()
        .filter(|s| asm.stack_set_of(s).is_none())
        .map(|s| s.id.as_str())
        .collect();
    if !names.is_empty() && !without.is_empty() {
        bail!(
            "stack(s) {} have no StackSet settings; deploy them without --stackset, or give them `StackProps::stack_set`",
            without.join(", ")
        );
    }
    let sets: Vec<_> = stacks
        .into_iter()
        .filter_map(|s| Some((s, asm.stack_set_of(s)?)))
        .collect();
    if sets.is_empty() {
        bail!(
            "no stack in {} has StackSet settings; give a stack `StackProps::stack_set` to deploy it with --stackset",
            asm.dir.display()
        );
    }
    Ok(sets)
}

/// Deploys the selected stacks (all stacks with StackSet settings when
/// `names` is empty) as StackSets, one after another in dependency order:
/// creates or updates each StackSet, adds the stack instances its targets
/// lack, and follows every operation until it ends (`opts.timeout` each).
/// A failed or stopped operation is an error with each instance's reason.
///
/// ```
/// use strata_core::{App, StackProps};
/// use strata_deploy::{deploy_stack_sets, CloudAssembly, DeployOptions};
/// let app = App::new();
/// app.stack("Plain", StackProps::default());
/// let dir = std::env::temp_dir().join(format!("strata-doc-stackset-{}", std::process::id()));
/// app.synth().expect("valid").write(&dir).expect("written");
/// let asm = CloudAssembly::read(&dir).expect("read");
/// let opts = DeployOptions { yes: true, ..DeployOptions::default() };
/// let err = deploy_stack_sets(&asm, &["Plain".to_string()], &opts).unwrap_err();
/// assert!(err.to_string().contains("stack(s) Plain have no StackSet settings"));
/// ```
pub fn deploy_stack_sets(
    asm: &CloudAssembly,
    names: &[String],
    opts: &DeployOptions,
) -> Result<Vec<StackSetOutcome>> {
    let sets = select(asm, names)?;
    for p in &opts.parameters {
        if !sets
            .iter()
            .any(|(s, _)| s.id == p.stack || s.stack_name == p.stack)
        {
            bail!(
                "--parameters {}:{}=…: no StackSet stack `{}` is being deployed",
                p.stack,
                p.key,
                p.stack
            );
        }
    }
    if opts.prepare_only || opts.execute.is_some() {
        bail!(
            "--prepare-only and --execute work on change sets; StackSets are deployed without them"
        );
    }
    if !opts.yes && !std::io::stdin().is_terminal() {
        bail!("deploy asks for confirmation, but there is no terminal; pass --yes to deploy without asking");
    }
    runtime()?.block_on(async {
        let mut clients = Clients::new();
        let mut out = Vec::new();
        for (s, set) in sets {
            if !asm.asset_manifests_of(s).is_empty() {
                bail!(
                    "stack {} has file assets; a StackSet deploys one template to many accounts and regions, \
                     where assets published to this account's buckets cannot be reached. Move the assets to \
                     another stack, or deploy this one without --stackset",
                    s.id
                );
            }
            let aws = clients.get(s).await?;
            let source = staging::stage(
                &aws.s3,
                &aws.cfn,
                &aws.region,
                opts.staging_bucket.as_deref(),
                s,
            )
            .await?;
            let mut outputs = HashMap::new();
            for src in &s.parameter_sources {
                if let Some(p) = asm.stacks.iter().find(|p| p.id == src.stack) {
                    if !outputs.contains_key(&p.id) {
                        let p_aws = clients.clients(p).await?;
                        outputs.insert(p.id.clone(), crossstack::read_outputs(&p_aws.cfn, p).await?);
                    }
                }
            }
            let mut parameters = crossstack::parameters(s, &outputs)?;
            parameters.extend(
                opts.parameters
                    .iter()
                    .filter(|p| p.stack == s.id || p.stack == s.stack_name)
                    .map(|p| (p.key.clone(), p.value.clone())),
            );
            out.push(deploy_set(&aws.cfn, s, set, &source, &parameters, opts).await?);
        }
        Ok(out)
    })
}

/// Deploys one stack as a StackSet through `cfn` (the administrator
/// account's client in the stack's region).
pub(crate) async fn deploy_set(
    cfn: &Client,
    s: &StackArtifact,
    set: &StackSetTarget,
    source: &TemplateSource,
    parameters: &[(String, String)],
    opts: &DeployOptions,
) -> Result<StackSetOutcome> {
    let name = s.stack_name.as_str();
    check_name(name)?;
    println!(
        "StackSet {name} ({}) from stack {}",
        set.permission_model().as_str(),
        s.id
    );
    let current = describe_set(cfn, name).await?;
    let instances = match &current {
        Some(_) => list_instances(cfn, name).await?,
        None => Vec::new(),
    };
    let why = match &current {
        Some(c) => changes(c, s, set, parameters, &instances)?,
        None => Vec::new(),
    };
    let groups = missing(set, &instances);
    let kept = outside(set, &instances);
    let mut outcome = StackSetOutcome {
        stack_set: name.to_string(),
        change: SetChange::NoChanges,
        new_instances: Vec::new(),
    };
    let note_kept = || {
        if !kept.is_empty() {
            println!(
                "  kept, outside the targets (delete them yourself if unwanted): {}",
                kept.join(", ")
            );
        }
    };
    if current.is_some() && why.is_empty() && groups.is_empty() {
        println!("  no changes");
        note_kept();
        return Ok(outcome);
    }
    match &current {
        None => println!("  create the StackSet"),
        Some(_) if !why.is_empty() => println!(
            "  update the StackSet and its {} stack instance(s): {}",
            instances.len(),
            why.join("; ")
        ),
        Some(_) => {}
    }
    for g in &groups {
        println!(
            "  add stack instances: {} × {}",
            g.units.join(", "),
            g.regions.join(", ")
        );
    }
    note_kept();
    if !confirm(&format!("Deploy StackSet {name}?"), opts.yes)? {
        bail!("StackSet {name} not deployed: declined");
    }
    match &current {
        None => {
            create_set(cfn, s, set, source, parameters).await?;
            println!("  StackSet {name} created");
            outcome.change = SetChange::Created;
        }
        Some(c) if !why.is_empty() => match update_set(cfn, s, set, c, source, parameters).await? {
            Some(id) => {
                follow(cfn, name, &id, opts.timeout).await?;
                outcome.change = SetChange::Updated;
            }
            None => println!("  no changes to the StackSet"),
        },
        Some(_) => {}
    }
    for g in &groups {
        let id = create_instances(cfn, name, set, g).await?;
        follow(cfn, name, &id, opts.timeout).await?;
        for unit in &g.units {
            for region in &g.regions {
                outcome.new_instances.push(InstanceTarget {
                    target: unit.clone(),
                    region: region.clone(),
                });
            }
        }
    }
    Ok(outcome)
}
