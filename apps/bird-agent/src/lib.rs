//! Seed 000, the Bird.com external agent platform: its network and data
//! tier as one stack, written with Strata's L2 constructs.
//!
//! ```
//! let assembly = bird_agent::app().synth().expect("the app is valid");
//! assert_eq!(assembly.stacks[0].id, bird_agent::STACK);
//! ```

pub mod backup;
pub mod config;
pub mod data;
pub mod network;

use strata::prelude::*;

pub use config::Config;

/// The stack's construct id and artifact name.
pub const STACK: &str = "BirdStack";

/// The app for the environment `cargo xtask synth --env <name>` names
/// (`STRATA_ENV`, default `dev`), from `config/<name>.json`. A missing or
/// invalid file is reported when the app is synthesized.
pub fn app() -> App {
    app_for(&strata::config::environment_name())
}

/// The app for environment `env`.
pub fn app_for(env: &str) -> App {
    strata::config::app_from(Config::load(env), build)
}

/// The app with `config`: one stack holding the network and data tiers,
/// in the configured account and region.
pub fn build(config: &Config) -> App {
    let app = App::new();
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
    let data = data::build(&stack, &network, config.stage());
    backup::build(&stack, &data, &config.secondary_region);
    app
}
