//! Every L2 construct with most of its options switched on, one stack per
//! family. `cargo xtask test` synthesizes it and runs cfn-lint on the
//! result, so each construct's output is held to zero findings, not only
//! the parts the seed apps happen to use.
//!
//! Run it with `cargo run -p strata --example gallery`; it writes the cloud
//! assembly to `CDK_OUTDIR` (default `cdk.out`).

mod compute;
mod data;
mod dr;
mod edge;
mod messaging;
mod network;
mod observability;
mod serverless;

use std::process::ExitCode;

use strata::prelude::*;

pub const ENV: (&str, &str) = ("123456789012", "us-east-1");

pub fn stack(app: &App, id: &str) -> Scope {
    app.stack(
        id,
        StackProps {
            env: Environment::new(ENV.0, ENV.1),
            description: Some(format!("Strata construct gallery: {id}")),
            ..Default::default()
        },
    )
}

fn main() -> ExitCode {
    let app = App::new();
    network::network(&app);
    network::security(&app);
    data::data(&app);
    data::stores(&app);
    compute::compute(&app);
    serverless::lambda_eks_bastion(&app);
    edge::edge(&app);
    messaging::messaging(&app);
    observability::observability(&app);
    dr::disaster_recovery(&app);
    app.run_to_exit()
}
