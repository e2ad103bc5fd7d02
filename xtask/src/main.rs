//! `cargo xtask`: Strata's developer commands.

mod codegen;
mod schema;

use std::path::{Path, PathBuf};

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
}

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Codegen { check } => codegen::run(&root(), check),
        Command::Schema {
            command: SchemaCommand::Import { dir },
        } => schema::import(&root(), &dir),
    }
}
