//! `cargo xtask list | diff | deploy | destroy`: the cloud assembly in
//! `cdk.out/` against CloudFormation, through `strata-deploy`.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::Args;
use strata_deploy::{CloudAssembly, DeployOptions, StackParameter};

/// Options shared by the deploy commands.
#[derive(Args)]
pub struct Common {
    /// The assembly directory.
    #[arg(long, default_value = "cdk.out")]
    pub out: std::path::PathBuf,
    /// The environment whose stacks to use, when `cargo xtask synth` wrote
    /// several (`dev` is at the top of the assembly, the others nested).
    #[arg(long)]
    pub env: Option<String>,
    /// Stacks (artifact ids or stack names); all stacks when none are given.
    pub stacks: Vec<String>,
}

/// Options of `cargo xtask deploy`.
#[derive(Args)]
pub struct DeployArgs {
    #[command(flatten)]
    pub common: Common,
    /// Deploy without asking for confirmation (required without a terminal).
    #[arg(long)]
    pub yes: bool,
    /// Allow replacing or deleting this stateful resource (logical id); repeatable.
    #[arg(long = "allow-replace", value_name = "LOGICAL_ID")]
    pub allow_replace: Vec<String>,
    /// A stack parameter, `Stack:Key=Value`; repeatable.
    #[arg(long = "parameters", value_name = "STACK:KEY=VALUE")]
    pub parameters: Vec<StackParameter>,
    /// Create and show the change set without executing it.
    #[arg(long, conflicts_with = "execute")]
    pub prepare_only: bool,
    /// Deploy the stacks as CloudFormation StackSets to the accounts (or
    /// OUs) and regions of their `stack_set` settings; all stacks that
    /// have them when none are named.
    #[arg(long, conflicts_with_all = ["prepare_only", "execute", "allow_replace"])]
    pub stackset: bool,
    /// Execute a change set prepared earlier with --prepare-only.
    #[arg(long, value_name = "CHANGE_SET")]
    pub execute: Option<String>,
    /// Seconds to wait for a change set, and for each stack operation.
    #[arg(long, default_value_t = 3600)]
    pub timeout: u64,
    /// S3 bucket (in the stack's region) for templates over 51,200 bytes.
    #[arg(long, value_name = "BUCKET")]
    pub staging_bucket: Option<String>,
    /// Stacks deployed at once when they do not depend on each other
    /// (with --yes; one at a time when deploy asks questions).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: u16,
}

/// The assembly directory the options name.
fn assembly_dir(root: &Path, common: &Common) -> Result<std::path::PathBuf> {
    crate::synth::environment_dir(&root.join(&common.out), common.env.as_deref())
}

/// `cargo xtask list`.
pub fn list(root: &Path, common: &Common) -> Result<ExitCode> {
    let asm = CloudAssembly::read(&assembly_dir(root, common)?)?;
    print!("{}", asm.list());
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask diff`: exit code 1 when a stack differs from its deployed template.
pub fn diff(root: &Path, common: &Common) -> Result<ExitCode> {
    let asm = CloudAssembly::read(&assembly_dir(root, common)?)?;
    let differs = strata_deploy::diff(&asm, &common.stacks, std::io::stdout().is_terminal())?;
    Ok(if differs {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `cargo xtask deploy` (`--stackset`: as StackSets).
pub fn deploy(root: &Path, args: DeployArgs) -> Result<ExitCode> {
    let asm = CloudAssembly::read(&assembly_dir(root, &args.common)?)?;
    let opts = DeployOptions {
        yes: args.yes,
        allow_replace: args.allow_replace,
        parameters: args.parameters,
        prepare_only: args.prepare_only,
        execute: args.execute,
        timeout: Duration::from_secs(args.timeout),
        color: std::io::stdout().is_terminal(),
        staging_bucket: args.staging_bucket,
        concurrency: usize::from(args.concurrency),
    };
    if args.stackset {
        strata_deploy::deploy_stack_sets(&asm, &args.common.stacks, &opts)?;
    } else {
        strata_deploy::deploy(&asm, &args.common.stacks, &opts)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask destroy`.
pub fn destroy(root: &Path, common: &Common, yes: bool, timeout: u64) -> Result<ExitCode> {
    let asm = CloudAssembly::read(&assembly_dir(root, common)?)?;
    strata_deploy::destroy(&asm, &common.stacks, yes, Duration::from_secs(timeout))?;
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask bootstrap`.
pub fn bootstrap(regions: Vec<String>, yes: bool) -> Result<ExitCode> {
    let regions: Vec<Option<String>> = if regions.is_empty() {
        vec![None]
    } else {
        regions.into_iter().map(Some).collect()
    };
    let opts = DeployOptions {
        yes,
        ..DeployOptions::default()
    };
    strata_deploy::bootstrap(&regions, &opts)?;
    Ok(ExitCode::SUCCESS)
}
