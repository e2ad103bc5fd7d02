//! strata-deploy: deploys a cloud assembly (`cdk.out/`) through
//! CloudFormation change sets, with a template diff, replacement
//! prediction from the registry's createOnly lists, and a data-safety
//! check for stateful resources.
//!
//! Endpoint and credentials come from the standard AWS chain (aws-config:
//! `AWS_ENDPOINT_URL`, `AWS_PROFILE`, …); the region from the stack's
//! environment, falling back to the chain.

pub mod assembly;
pub mod assets;
pub mod bootstrap;
pub mod changeset;
mod clients;
pub mod crossstack;
pub mod diff;
#[cfg(test)]
mod mock_stackset;
#[cfg(test)]
mod mock_tests;
pub mod moto;
mod ops;
pub mod safety;
pub mod stack;
pub mod stackset;
pub mod staging;
pub mod subset;

use std::io::{BufRead, IsTerminal, Write};
use std::str::FromStr;
use std::time::Duration;

use anyhow::{bail, Context, Result};

pub use assembly::{CloudAssembly, StackArtifact};
pub use ops::{bootstrap, deploy, destroy, diff, stack_diffs, StackDiff};
pub use stackset::{deploy_stack_sets, InstanceTarget, SetChange, StackSetOutcome, StackSetTarget};

/// CloudFormation's limit for a template passed inline (TemplateBody).
pub const MAX_INLINE_TEMPLATE_BYTES: usize = 51_200;

/// A stack parameter from the command line: `Stack:Key=Value`.
#[derive(Debug, Clone, PartialEq)]
pub struct StackParameter {
    /// The stack id or name it applies to.
    pub stack: String,
    /// The parameter name.
    pub key: String,
    /// The value.
    pub value: String,
}

impl FromStr for StackParameter {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let err = || format!("parameter `{s}` is not of the form Stack:Key=Value");
        let (stack, rest) = s.split_once(':').ok_or_else(err)?;
        let (key, value) = rest.split_once('=').ok_or_else(err)?;
        if stack.is_empty() || key.is_empty() {
            return Err(err());
        }
        Ok(StackParameter {
            stack: stack.into(),
            key: key.into(),
            value: value.into(),
        })
    }
}

/// Options of `deploy`.
#[derive(Debug, Clone)]
pub struct DeployOptions {
    /// Skip the confirmation question.
    pub yes: bool,
    /// Logical ids of stateful resources that may be replaced or deleted.
    pub allow_replace: Vec<String>,
    /// Stack parameters.
    pub parameters: Vec<StackParameter>,
    /// Create and show the change set without executing it.
    pub prepare_only: bool,
    /// Execute this change set, prepared earlier, instead of creating one.
    pub execute: Option<String>,
    /// How long to wait for a change set, and for a stack operation.
    pub timeout: Duration,
    /// Colour the output (only when stdout is a terminal).
    pub color: bool,
    /// S3 bucket for templates over the inline limit.
    pub staging_bucket: Option<String>,
    /// Stacks deployed at the same time, when they do not depend on each
    /// other (1 when deploy asks for confirmation).
    pub concurrency: usize,
}

impl Default for DeployOptions {
    fn default() -> Self {
        DeployOptions {
            yes: false,
            allow_replace: Vec::new(),
            parameters: Vec::new(),
            prepare_only: false,
            execute: None,
            timeout: Duration::from_secs(3600),
            color: std::io::stdout().is_terminal(),
            staging_bucket: None,
            concurrency: 4,
        }
    }
}

/// How a stack's deploy ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The change set was executed and the stack is up to date.
    Deployed,
    /// There was nothing to change.
    NoChanges,
    /// A change set was created and left for `--execute`.
    Prepared(String),
}

/// Asks `question` on the terminal; `yes` answers it. Without a terminal
/// on stdin there is nobody to ask, so that is an error telling the user
/// to pass `--yes`.
pub fn confirm(question: &str, yes: bool) -> Result<bool> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        bail!("{question} There is no terminal to ask on; pass --yes to proceed without asking");
    }
    print!("{question} [y/N] ");
    std::io::stdout().flush().ok();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .context("reading the answer")?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}

/// A tokio runtime for one command.
fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_parse() {
        let p: StackParameter = "Net:Cidr=10.0.0.0/16".parse().unwrap();
        assert_eq!(
            p,
            StackParameter {
                stack: "Net".into(),
                key: "Cidr".into(),
                value: "10.0.0.0/16".into()
            }
        );
        let p: StackParameter = "Net:Empty=".parse().unwrap();
        assert_eq!(p.value, "");
        assert!("Cidr=1".parse::<StackParameter>().is_err());
        assert!("Net:Cidr".parse::<StackParameter>().is_err());
        assert!(":K=V".parse::<StackParameter>().is_err());
    }

    #[test]
    fn a_plain_deploy_refuses_stacks_that_roll_out_as_stack_sets() {
        use strata_core::{App, StackProps, StackSetProps};
        let app = App::new();
        app.stack(
            "Baseline",
            StackProps {
                stack_set: Some(StackSetProps {
                    accounts: vec!["111111111111".into()],
                    regions: vec!["us-east-1".into()],
                    ..StackSetProps::self_managed()
                }),
                ..Default::default()
            },
        );
        let dir = std::env::temp_dir().join(format!("strata-plain-set-{}", std::process::id()));
        app.synth().expect("valid").write(&dir).expect("written");
        let asm = CloudAssembly::read(&dir).expect("read");
        let opts = DeployOptions {
            yes: true,
            ..DeployOptions::default()
        };
        let err = deploy(&asm, &[], &opts).expect_err("refused").to_string();
        assert!(err.contains("Baseline"), "{err}");
        assert!(err.contains("--stackset"), "{err}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn yes_confirms_without_a_terminal() {
        assert!(confirm("Deploy?", true).unwrap());
    }
}
