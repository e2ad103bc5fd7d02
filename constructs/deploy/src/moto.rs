//! Local deploys against moto's CloudFormation server: start it, deploy
//! an app's moto-supported subset (see [`crate::subset`]) through change
//! sets, check what was created, destroy it, and check it is gone.
//!
//! moto (5.2.5) creates the resource types of [`TypeSet::moto`] and
//! silently accepts others, so only the subset is deployed: what moto
//! would not create is left out, with everything that depends on it.
//!
//! Two moto behaviours are met head-on, not worked around in the engine:
//! - A stack moto creates through a change set has no Outputs (it builds
//!   them from the empty template the stack starts with). After each
//!   stack is deployed, [`deploy_and_destroy`] updates it with its own
//!   template (`UpdateStack` with `UsePreviousTemplate`, a no-op update
//!   for moto that rebuilds the outputs); its consumers then read their
//!   cross-stack parameters from those outputs, as against CloudFormation.
//!   Stacks go one at a time, in dependency order, for that reason.
//! - moto fetches a function's code from S3 when it creates it; the apps'
//!   code lives in release buckets a local run does not have, so the
//!   server runs with `VALIDATE_LAMBDA_S3=false`, moto's switch for not
//!   looking.

use std::collections::BTreeSet;
use std::fmt;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, ensure, Context, Result};
use serde_json::Value as Json;
use strata_core::App;

use crate::assembly::{CloudAssembly, StackArtifact};
use crate::clients::Clients;
use crate::stack::{self, sdk_text};
use crate::subset::{Subset, TypeSet};
use crate::{
    bootstrap, deploy, destroy, runtime, DeployOptions, Outcome, StackParameter,
    MAX_INLINE_TEMPLATE_BYTES,
};

/// The account moto's credentials belong to; give it to stacks that need
/// an account (`CDK_DEFAULT_ACCOUNT`).
pub const ACCOUNT: &str = "123456789012";

/// The variable naming the `moto_server` binary. When it is set, a
/// missing binary is an error (CI sets it, so a missing server fails
/// rather than skips).
pub const SERVER_VAR: &str = "STRATA_MOTO_SERVER";

/// A running `moto_server` on 127.0.0.1, killed when dropped.
///
/// Starting it points this process's AWS settings (`AWS_ENDPOINT_URL`,
/// test credentials, `AWS_REGION=us-east-1`) at it, so run one server per
/// process at a time: one test per test binary.
///
/// ```no_run
/// use strata_deploy::moto::Server;
///
/// let Some(server) = Server::start(env!("CARGO_MANIFEST_DIR"))? else {
///     return Ok(()); // moto is not installed here: skipped, with a message
/// };
/// println!("moto at {}", server.url());
/// # Ok::<(), anyhow::Error>(())
/// ```
pub struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `$STRATA_MOTO_SERVER`, else the first `.venv/bin/moto_server` in `from`
/// or a directory above it.
fn server_binary(from: &Path) -> Result<Option<PathBuf>> {
    if let Some(path) = std::env::var_os(SERVER_VAR) {
        let path = PathBuf::from(path);
        ensure!(
            path.exists(),
            "{SERVER_VAR} is {} but no such file exists",
            path.display()
        );
        return Ok(Some(path));
    }
    Ok(from
        .ancestors()
        .map(|d| d.join(".venv/bin/moto_server"))
        .find(|p| p.exists()))
}

impl Server {
    /// Starts moto on a free port and points the SDK at it. `Ok(None)`,
    /// after saying so on stderr, when no server is installed: neither
    /// [`SERVER_VAR`] nor a `.venv/bin/moto_server` at or above `from`
    /// (`cargo xtask test` installs one in the workspace's `.venv`).
    pub fn start(from: impl AsRef<Path>) -> Result<Option<Server>> {
        let Some(bin) = server_binary(from.as_ref())? else {
            eprintln!(
                "skipping the moto deploy: moto_server not found (set {SERVER_VAR}, or run `cargo xtask test`, which installs it into .venv)"
            );
            return Ok(None);
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .context("finding a free port")?;
        let child = Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            // Function code comes from buckets a release pipeline fills,
            // which a local run does not have: moto is told not to look.
            .env("VALIDATE_LAMBDA_S3", "false")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let server = Server {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            ensure!(
                start.elapsed() < Duration::from_secs(60),
                "moto_server did not listen on port {port} within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        for (k, v) in [
            ("AWS_ENDPOINT_URL", server.url.as_str()),
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_SESSION_TOKEN", "testing"),
            ("AWS_REGION", "us-east-1"),
        ] {
            std::env::set_var(k, v);
        }
        std::env::remove_var("AWS_PROFILE");
        Ok(Some(server))
    }

    /// The endpoint URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Forgets every resource of every account and region (moto's
    /// `/moto-api/reset`), for a fresh start without a new server.
    pub fn reset(&self) -> Result<()> {
        let host = self.url.trim_start_matches("http://");
        let mut conn = TcpStream::connect(host).with_context(|| format!("connecting to {host}"))?;
        conn.set_read_timeout(Some(Duration::from_secs(30)))?;
        write!(
            conn,
            "POST /moto-api/reset HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )?;
        let mut reply = String::new();
        conn.read_to_string(&mut reply)?;
        let status = reply.lines().next().unwrap_or_default();
        ensure!(status.contains(" 200 "), "resetting moto: {status}");
        Ok(())
    }
}

/// One stack's life against moto.
#[derive(Debug, Clone)]
pub struct StackRun {
    /// The artifact id.
    pub id: String,
    /// The status after the deploy (`CREATE_COMPLETE` or, after the
    /// outputs refresh, `UPDATE_COMPLETE`).
    pub status: String,
    /// The resources moto lists for it, by logical id.
    pub resources: Vec<String>,
    /// The outputs it published.
    pub outputs: usize,
}

/// What [`deploy_and_destroy`] did.
#[derive(Debug, Clone)]
pub struct Report {
    /// What the app is (for the printout).
    pub label: String,
    /// The subset deployed and what was left out.
    pub subset: Subset,
    /// Each stack of the subset, in deploy order.
    pub stacks: Vec<StackRun>,
    /// Regions bootstrapped first, for templates over the inline limit.
    pub bootstrapped: usize,
    /// How long the deploy, the checks and the destroy took.
    pub elapsed: Duration,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} on moto, deployed and destroyed in {:.1} s{}: {}",
            self.label,
            self.elapsed.as_secs_f64(),
            match self.bootstrapped {
                0 => String::new(),
                n => format!(" ({n} region(s) bootstrapped for large templates)"),
            },
            self.subset.summary()
        )?;
        for s in &self.stacks {
            writeln!(
                f,
                "  {}: {}, {} resources listed, {} outputs; destroyed",
                s.id,
                s.status,
                s.resources.len(),
                s.outputs
            )?;
        }
        Ok(())
    }
}

/// Synthesizes `app`, then [`deploy_and_destroy`]s its subset of `types`
/// with `parameters`, in a temporary directory removed afterwards (kept,
/// and named in the error, when something fails).
pub fn synth_and_deploy(
    app: &App,
    label: &str,
    types: &TypeSet,
    parameters: &[StackParameter],
) -> Result<Report> {
    let assembly = app
        .synth()
        .map_err(|e| anyhow!("synthesizing {label}: {e}"))?;
    let dir = std::env::temp_dir().join(format!(
        "strata-moto-{}-{}",
        label.replace(|c: char| !c.is_ascii_alphanumeric(), "-"),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let full = dir.join("full");
    assembly
        .write(&full)
        .with_context(|| format!("writing {}", full.display()))?;
    let result = CloudAssembly::read(&full)
        .and_then(|asm| deploy_and_destroy(&asm, label, types, parameters, &dir.join("subset")));
    match result {
        Ok(report) => {
            let _ = std::fs::remove_dir_all(&dir);
            Ok(report)
        }
        Err(e) => Err(e.context(format!(
            "the assemblies are kept in {} (full, subset)",
            dir.display()
        ))),
    }
}

/// Writes the subset of `asm` that `types` keeps into `out`, deploys it
/// stack by stack through change sets (with the `parameters` naming each
/// stack, for parameters without a default), checks each stack (complete,
/// the kept resources listed, every kept bucket in ListBuckets, every
/// output published), destroys them all, and checks they are gone.
pub fn deploy_and_destroy(
    asm: &CloudAssembly,
    label: &str,
    types: &TypeSet,
    parameters: &[StackParameter],
    out: &Path,
) -> Result<Report> {
    let subset = asm.filter_resources(types, out)?;
    for p in parameters {
        ensure!(
            asm.stacks
                .iter()
                .any(|s| s.id == p.stack || s.stack_name == p.stack),
            "parameter {}:{}: {label} has no stack {}",
            p.stack,
            p.key,
            p.stack
        );
    }
    let base = DeployOptions {
        yes: true,
        color: false,
        timeout: Duration::from_secs(120),
        ..DeployOptions::default()
    };
    let started = Instant::now();
    // Templates over the inline limit are staged through the bootstrap
    // bucket of their region, as against CloudFormation.
    let mut regions: Vec<Option<String>> = Vec::new();
    for s in &subset.assembly.stacks {
        if s.template_body.len() > MAX_INLINE_TEMPLATE_BYTES && !regions.contains(&s.region) {
            regions.push(s.region.clone());
        }
    }
    if !regions.is_empty() {
        bootstrap(&regions, &base).with_context(|| format!("bootstrapping for {label}"))?;
    }
    let rt = runtime()?;
    let mut clients = Clients::new();
    let mut stacks = Vec::new();
    for s in &subset.assembly.stacks {
        let opts = DeployOptions {
            parameters: parameters
                .iter()
                .filter(|p| p.stack == s.id || p.stack == s.stack_name)
                .cloned()
                .collect(),
            ..base.clone()
        };
        let outcome = deploy(&subset.assembly, std::slice::from_ref(&s.id), &opts)
            .with_context(|| format!("deploying stack {} of {label}", s.id))?;
        ensure!(
            outcome == [Outcome::Deployed],
            "stack {}: expected a deploy, got {outcome:?}",
            s.id
        );
        let run = rt
            .block_on(async {
                let aws = clients.clients(s).await?;
                if s.template.get("Outputs").is_some() {
                    refresh_outputs(&aws.cfn, s).await?;
                }
                check(&aws.cfn, &aws.s3, s, subset.kept(&s.id)).await
            })
            .with_context(|| format!("checking stack {} of {label}", s.id))?;
        stacks.push(run);
    }
    destroy(&subset.assembly, &[], true, base.timeout)
        .with_context(|| format!("destroying {label}"))?;
    rt.block_on(async {
        for s in &subset.assembly.stacks {
            let aws = clients.clients(s).await?;
            if let Some(st) = stack::describe(&aws.cfn, &s.stack_name).await? {
                bail!(
                    "stack {} still exists after destroy ({})",
                    s.stack_name,
                    stack::status(&st)
                );
            }
        }
        Ok(())
    })?;
    Ok(Report {
        label: label.to_string(),
        subset,
        stacks,
        bootstrapped: regions.len(),
        elapsed: started.elapsed(),
    })
}

/// moto builds a stack's outputs when the stack is created or updated
/// directly, not when a change set creates it: an update with the same
/// template makes it publish them.
async fn refresh_outputs(cfn: &aws_sdk_cloudformation::Client, s: &StackArtifact) -> Result<()> {
    cfn.update_stack()
        .stack_name(&s.stack_name)
        .use_previous_template(true)
        .send()
        .await
        .map_err(|e| {
            anyhow!(
                "updating stack {} so moto publishes its outputs: {}",
                s.stack_name,
                sdk_text(&e)
            )
        })?;
    Ok(())
}

/// Checks a deployed stack against the subset's template.
async fn check(
    cfn: &aws_sdk_cloudformation::Client,
    s3: &aws_sdk_s3::Client,
    s: &StackArtifact,
    kept: &[String],
) -> Result<StackRun> {
    let Some(st) = stack::describe(cfn, &s.stack_name).await? else {
        bail!("stack {} does not exist after its deploy", s.stack_name);
    };
    let status = stack::status(&st);
    ensure!(
        matches!(status.as_str(), "CREATE_COMPLETE" | "UPDATE_COMPLETE"),
        "stack {} is {status}",
        s.stack_name
    );
    let template_outputs: BTreeSet<&str> = s
        .template
        .get("Outputs")
        .and_then(Json::as_object)
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let published: BTreeSet<&str> = st.outputs().iter().filter_map(|o| o.output_key()).collect();
    let missing: Vec<&&str> = template_outputs.difference(&published).collect();
    ensure!(
        missing.is_empty(),
        "stack {} did not publish outputs {missing:?}",
        s.stack_name
    );
    let listed = cfn
        .describe_stack_resources()
        .stack_name(&s.stack_name)
        .send()
        .await
        .map_err(|e| {
            anyhow!(
                "listing the resources of {}: {}",
                s.stack_name,
                sdk_text(&e)
            )
        })?;
    let resources: Vec<(String, String, String)> = listed
        .stack_resources()
        .iter()
        .map(|r| {
            (
                r.logical_resource_id().unwrap_or_default().to_string(),
                r.resource_type().unwrap_or_default().to_string(),
                r.physical_resource_id().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let ids: BTreeSet<&str> = resources.iter().map(|r| r.0.as_str()).collect();
    let kept_ids: BTreeSet<&str> = kept.iter().map(String::as_str).collect();
    let absent: Vec<&&str> = kept_ids.difference(&ids).collect();
    let extra: Vec<&&str> = ids.difference(&kept_ids).collect();
    ensure!(
        absent.is_empty() && extra.is_empty(),
        "stack {}: moto lists {} resources; not created: {absent:?}; not in the subset: {extra:?}",
        s.stack_name,
        ids.len()
    );
    let buckets: Vec<&str> = resources
        .iter()
        .filter(|r| r.1 == "AWS::S3::Bucket")
        .map(|r| r.2.as_str())
        .collect();
    if !buckets.is_empty() {
        let listed = s3
            .list_buckets()
            .send()
            .await
            .map_err(|e| anyhow!("listing buckets: {}", sdk_text(&e)))?;
        let names: BTreeSet<&str> = listed.buckets().iter().filter_map(|b| b.name()).collect();
        let missing: Vec<&&str> = buckets.iter().filter(|b| !names.contains(**b)).collect();
        ensure!(
            missing.is_empty(),
            "stack {}: buckets {missing:?} are not in ListBuckets",
            s.stack_name
        );
    }
    Ok(StackRun {
        id: s.id.clone(),
        status,
        resources: ids.iter().map(|i| i.to_string()).collect(),
        outputs: published.len(),
    })
}
