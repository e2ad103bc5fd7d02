//! EventBridge: custom event buses, rules with typed event patterns or
//! schedules, targets whose permissions are created automatically
//! (Lambda, SQS, SNS, Step Functions, Kinesis, CloudWatch Logs), and
//! archives.
//!
//! ```
//! use strata::prelude::*;
//! use strata::events::{EventBus, EventBusProps, EventPattern, Rule, RuleProps, RuleTarget};
//!
//! let app = App::new();
//! let stack = app.stack("Events", StackProps::default());
//! let bus = EventBus::new(&stack, "Bus", EventBusProps {
//!     event_bus_name: Some("bird-agent-events".into()),
//!     ..Default::default()
//! });
//! Rule::new(&stack, "AgentMessageProcessing", RuleProps {
//!     event_bus: Some(bus),
//!     event_pattern: Some(EventPattern::new().source(["bird.com"]).detail_type(["Message Received"])),
//!     targets: vec![RuleTarget::lambda(Fn::sub(
//!         "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:event-processor",
//!     ))],
//!     ..Default::default()
//! });
//! let t = &app.synth().expect("valid").stacks[0].template;
//! let permission = strata::logical_id(&["AgentMessageProcessing", "AllowEventRuleTarget0"]);
//! assert_eq!(t["Resources"][permission.as_str()]["Properties"]["Principal"], "events.amazonaws.com");
//! ```

mod archive;
mod bus;
mod pattern;
mod rule;
mod target;

pub use archive::{Archive, ArchiveProps};
pub use bus::{EventBus, EventBusProps};
pub use pattern::{Comparison, EventPattern, Match};
pub use rule::{Rule, RuleProps, Schedule};
pub use target::RuleTarget;
