//! Seed 000, the Bird.com external agent platform: its network and data
//! tier as one stack, written with Strata's L2 constructs.
//!
//! ```
//! let assembly = bird_agent::app().synth().expect("the app is valid");
//! assert_eq!(assembly.stacks[0].id, bird_agent::STACK);
//! ```

pub mod backup;
pub mod data;
pub mod network;

use strata::prelude::*;

/// The stack's construct id and artifact name.
pub const STACK: &str = "BirdStack";

/// The whole app: one stack holding the network and data tiers. The stack
/// targets `CDK_DEFAULT_ACCOUNT` / `CDK_DEFAULT_REGION` when they are set.
pub fn app() -> App {
    app_in(Environment::from_cdk_defaults())
}

/// The app with its stack in `env`.
pub fn app_in(env: Environment) -> App {
    let app = App::new();
    let stack = app.stack(
        STACK,
        StackProps {
            env,
            description: Some(
                "Bird.com external agent platform: network and data tier (seed 000)".into(),
            ),
            ..Default::default()
        },
    );
    let network = network::build(&stack);
    let data = data::build(&stack, &network);
    backup::build(&stack, &data);
    app
}
