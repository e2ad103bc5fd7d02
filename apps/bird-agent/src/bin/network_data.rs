//! Seed 000's network and data tier alone, without the backup plan: the
//! stack `cargo xtask bench` holds to its synth targets (2 ms, 3 MiB,
//! validation included). Writes the cloud assembly to `CDK_OUTDIR` (or
//! `cdk.out/`) for the environment in `STRATA_ENV` (default `dev`).

use std::process::ExitCode;

use bird_agent::{data, network, Config, STACK};
use strata::prelude::*;

fn main() -> ExitCode {
    let env = strata::config::environment_name();
    let app = App::new();
    match Config::load(&env) {
        Ok(config) => {
            let stack = app.stack(
                STACK,
                StackProps {
                    env: config.environment(),
                    description: Some(
                        "Bird.com external agent platform: network and data tier (seed 000)".into(),
                    ),
                    ..Default::default()
                },
            );
            let network = network::build(&stack);
            data::build(&stack, &network, config.stage());
        }
        Err(e) => app.root().error("config", e.to_string()),
    }
    app.run_to_exit()
}
