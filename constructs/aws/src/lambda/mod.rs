//! Lambda: functions with their execution role, log group, VPC access,
//! dead-letter queue, destinations and tracing; aliases with provisioned
//! concurrency; event source mappings for SQS, DynamoDB and Kinesis; and
//! invoke grants and permissions.
//!
//! ```
//! use std::time::Duration;
//! use strata::lambda::{Architecture, Code, Function, FunctionProps, Runtime, Tracing};
//! use strata::prelude::*;
//!
//! let app = App::new();
//! let stack = app.stack("Tools", StackProps::default());
//! let notify = Function::new(&stack, "NotificationTool", FunctionProps {
//!     function_name: Some("notification-tool".into()),
//!     architecture: Architecture::Arm64,
//!     memory_size: 1024,
//!     timeout: Duration::from_secs(60),
//!     reserved_concurrency: Some(100),
//!     tracing: Tracing::Active,
//!     ..FunctionProps::new(Runtime::PYTHON_3_11, "index.handler", Code::from_bucket("tool-artifacts", "notify.zip"))
//! });
//! notify.add_permission("FromEvents", "events.amazonaws.com", None);
//! let t = &app.synth().expect("valid").stacks[0].template;
//! let group = &t["Resources"][strata::logical_id(&["NotificationTool", "LogGroup", "Resource"]).as_str()];
//! assert_eq!(group["Properties"]["LogGroupName"], "/aws/lambda/notification-tool");
//! ```

mod alias;
mod code;
mod destination;
mod event_source;
mod function;
mod permission;
mod runtime;

pub use alias::{Alias, AliasOptions};
pub use code::{Code, MAX_INLINE_CODE};
pub use destination::Destination;
pub use event_source::{
    EventSource, EventSourceMapping, SqsEventSource, StartingPosition, StreamEventSource,
    StreamKind,
};
pub(crate) use function::role_default_policy;
pub use function::{AsyncInvoke, Function, FunctionProps, FunctionVpc, Tracing};
pub use runtime::{Architecture, Runtime, RuntimeFamily};
