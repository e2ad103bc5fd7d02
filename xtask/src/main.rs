//! `cargo xtask`: Strata's developer commands.

mod bench;
mod codegen;
mod config_schema;
mod cost;
mod deploy;
mod determinism;
mod diagram;
mod guard;
mod schema;
mod summary;
mod synth;
mod test;
mod tidy;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Strata's developer commands")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the L1 crate `constructs/cfn` from the schemas in `schema/`.
    Codegen {
        /// Fail if the checked-in generated code differs from a fresh run.
        #[arg(long)]
        check: bool,
    },
    /// Build every app in `apps/` and synthesize it, in every environment,
    /// into `cdk.out/` (the first environment, `dev`, at the top; the others
    /// as nested assemblies `cdk.out/assembly-<env>/`), check every template
    /// with cfn-lint, and print a summary table.
    Synth {
        /// Only these apps (directory names under `apps/`).
        #[arg(long = "app")]
        apps: Vec<String>,
        /// Where to write the merged cloud assembly.
        #[arg(long, default_value = "cdk.out")]
        out: PathBuf,
        /// Build the apps with the dev profile instead of release.
        #[arg(long)]
        debug: bool,
        /// Only this environment (each app's `config/<env>.json`), written
        /// at the top of the assembly.
        #[arg(long)]
        env: Option<String>,
        /// Skip cfn-lint (the table shows `-`).
        #[arg(long)]
        no_check: bool,
    },
    /// Run cfn-lint (informational findings included) on every template in
    /// `cdk.out/`, nested environment assemblies included.
    Lint {
        /// The assembly directory.
        #[arg(long, default_value = "cdk.out")]
        out: PathBuf,
    },
    /// Draw each app's stacks (VPC tiers, compute, data stores, messaging,
    /// and the references between them) as Mermaid, Graphviz DOT and, with
    /// Graphviz's `dot` on PATH, SVG; refresh the diagram in each app's
    /// README (its `prod` environment, else `dev`).
    Diagram {
        /// Only these apps (directory names under `apps/`).
        #[arg(long = "app")]
        apps: Vec<String>,
        /// The environment to draw (`all` for every one); each app's
        /// README environment by default.
        #[arg(long)]
        env: Option<String>,
        /// Where to write `<app>.<env>.mmd`, `.dot` and `.svg`
        /// (default: `diagrams/` in the target directory).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Fail if a README's diagram differs from a fresh one; write nothing.
        #[arg(long)]
        check: bool,
        /// Build the apps with the release profile instead of dev.
        #[arg(long)]
        release: bool,
    },
    /// Run every check CI runs: fmt, codegen --check, clippy, tests, synth, cfn-lint.
    /// Run the cfn-guard policy packs on every template under the assembly
    /// directory (nested `assembly-<env>/` included); exit code 1 on any failure.
    Guard {
        /// The assembly directory.
        #[arg(long, default_value = "cdk.out")]
        out: PathBuf,
        /// The environment the templates are for (`prod` turns on the
        /// production rules); by default an `assembly-<env>` directory's.
        #[arg(long)]
        env: Option<String>,
    },
    /// Run every check CI runs: fmt, codegen --check, clippy, tests, synth,
    /// cfn-lint, policy packs.
    Test,
    /// List the stacks in the assembly, with environment and dependencies.
    List(deploy::Common),
    /// Compare each stack with its deployed template; exit code 1 on differences.
    Diff(deploy::Common),
    /// Deploy stacks through CloudFormation change sets, in dependency order
    /// (with --stackset, as StackSets to many accounts and regions).
    Deploy(deploy::DeployArgs),
    /// Delete stacks in reverse dependency order.
    Destroy {
        #[command(flatten)]
        common: deploy::Common,
        /// Delete without asking for confirmation (required without a terminal).
        #[arg(long)]
        yes: bool,
        /// Seconds to wait for each stack's deletion.
        #[arg(long, default_value_t = 3600)]
        timeout: u64,
    },
    /// Deploy the staging stack (S3 bucket for large templates) per region.
    Bootstrap {
        /// Regions to bootstrap; the AWS chain's region when none are given.
        #[arg(long = "region")]
        regions: Vec<String>,
        /// Deploy without asking for confirmation (required without a terminal).
        #[arg(long)]
        yes: bool,
    },
    /// Estimate the monthly cost of every app in every environment, per
    /// stack and resource, from the synthesized templates and the pricing
    /// table `xtask/pricing/us-east-1.json`; the assumptions are printed.
    Cost {
        /// Only these apps (directory names under `apps/`).
        #[arg(long = "app")]
        apps: Vec<String>,
        /// Only these environments (each app's `config/<env>.json`).
        #[arg(long = "env")]
        envs: Vec<String>,
        /// Print the estimate as JSON.
        #[arg(long)]
        json: bool,
        /// Build the apps with the dev profile instead of release.
        #[arg(long)]
        debug: bool,
    },
    /// Measure synth, scale, codegen and build cost against the targets;
    /// print one table and write `bench/results/<date>.json`.
    Bench(bench::Options),
    /// Registry schema maintenance.
    Schema {
        #[command(subcommand)]
        command: SchemaCommand,
    },
}

#[derive(Subcommand)]
enum SchemaCommand {
    /// Refresh `schema/` from cfn-lint's `cfnlint/data/schemas` directory.
    Import {
        /// Path to `cfnlint/data/schemas` of an installed cfn-lint.
        dir: PathBuf,
    },
    /// Write each app's `config/schema.json`, the JSON Schema of its
    /// per-environment files, from its config type.
    Config {
        /// Fail if a checked-in schema differs from a fresh one.
        #[arg(long)]
        check: bool,
    },
}

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn main() -> Result<ExitCode> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(bench::HELPER) {
        bench::helper(&args[2..]);
    }
    let cli = Cli::parse();
    let done = match cli.command {
        Command::Codegen { check } => codegen::run(&root(), check),
        Command::Schema {
            command: SchemaCommand::Import { dir },
        } => schema::import(&root(), &dir),
        Command::Schema {
            command: SchemaCommand::Config { check },
        } => config_schema::run(&root(), check),
        Command::Synth {
            apps,
            out,
            debug,
            env,
            no_check,
        } => synth::run(
            &root(),
            &synth::SynthOptions {
                apps,
                out: root().join(out),
                release: !debug,
                env,
                check: !no_check,
            },
        ),
        Command::Bench(opts) => bench::run(&root(), &opts),
        Command::Diagram {
            apps,
            env,
            out,
            check,
            release,
        } => diagram::run(
            &root(),
            &diagram::DiagramOptions {
                apps,
                env,
                out: out.map_or_else(
                    || synth::target_dir(&root()).join("diagrams"),
                    |o| root().join(o),
                ),
                check,
                release,
            },
        ),
        Command::Lint { out } => test::lint(&root(), &root().join(out)),
        Command::Guard { out, env } => guard::run(&root().join(out), env.as_deref()),
        Command::Test => test::run(&root()),
        Command::List(common) => return deploy::list(&root(), &common),
        Command::Diff(common) => return deploy::diff(&root(), &common),
        Command::Deploy(args) => return deploy::deploy(&root(), args),
        Command::Destroy {
            common,
            yes,
            timeout,
        } => return deploy::destroy(&root(), &common, yes, timeout),
        Command::Bootstrap { regions, yes } => return deploy::bootstrap(regions, yes),
        Command::Cost {
            apps,
            envs,
            json,
            debug,
        } => cost::run(
            &root(),
            &cost::CostOptions {
                apps,
                envs,
                json,
                release: !debug,
            },
        ),
    };
    done.map(|()| ExitCode::SUCCESS)
}
