//! Step Functions: state machines built from typed states (Task with
//! Lambda and SNS resources, Parallel, Choice, Map, Wait, Pass, Succeed,
//! Fail), checked at synth (undefined, unreachable and unterminated states
//! are errors), with logging, tracing and a least-privilege execution role.
//!
//! ```
//! use strata::prelude::*;
//! use strata::stepfunctions::{
//!     Choice, Condition, Definition, Fail, StateMachine, StateMachineProps, Task,
//! };
//!
//! let app = App::new();
//! let stack = app.stack("Workflows", StackProps::default());
//! let definition = Definition::new("Route")
//!     .state("Route", Choice::new()
//!         .when(Condition::string_equals("$.kind", "image"), "Analyze")
//!         .otherwise("Unsupported"))
//!     .state("Analyze", Task::lambda_invoke(Fn::sub(
//!         "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:image-analyzer",
//!     )).output_path("$.Payload").end())
//!     .state("Unsupported", Fail::new().error("UnsupportedContent"));
//! StateMachine::new(&stack, "Router", StateMachineProps::new(definition));
//! let t = &app.synth().expect("valid").stacks[0].template;
//! let machine = &t["Resources"][strata::logical_id(&["Router", "Resource"]).as_str()];
//! assert!(machine["Properties"]["DefinitionString"]["Fn::Sub"].is_string());
//! ```

mod choice;
mod definition;
mod retry;
mod state_machine;
mod states;

pub use choice::{Choice, Condition};
pub use definition::Definition;
pub use retry::{Catch, Retry};
pub use state_machine::{LogLevel, LogOptions, StateMachine, StateMachineProps, StateMachineType};
pub use states::{Fail, Map, Parallel, Pass, State, Succeed, Task, Wait};
