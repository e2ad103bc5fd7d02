//! Event archives (`AWS::Events::Archive` at `<id>/Archive`, the CDK's
//! path): the events of a bus matching a pattern, kept for a number of
//! days or forever, for replay.

use strata_cfn::events as cfn;
use strata_core::{Scope, Value};

use super::bus::EventBus;
use super::pattern::EventPattern;

/// Settings of an [`Archive`].
#[derive(Clone, Debug, Default)]
pub struct ArchiveProps {
    /// The archive name (1 to 48 of `a-zA-Z0-9._-`); unset lets
    /// CloudFormation name it.
    pub archive_name: Option<String>,
    /// The description; the CDK's "Event Archive for <bus> Event Bus" when unset.
    pub description: Option<String>,
    /// Which events to keep; every event of the bus when unset.
    pub event_pattern: Option<EventPattern>,
    /// Days to keep events; forever when unset.
    pub retention_days: Option<u32>,
}

/// An archive of a bus's events.
///
/// ```
/// use strata::prelude::*;
/// use strata::events::{Archive, ArchiveProps, EventBus, EventBusProps};
///
/// let app = App::new();
/// let stack = app.stack("Events", StackProps::default());
/// let bus = EventBus::new(&stack, "Bus", EventBusProps::default());
/// Archive::new(&stack, "Everything", &bus, ArchiveProps { retention_days: Some(7), ..Default::default() });
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let a = &t["Resources"][strata::logical_id(&["Everything", "Archive"]).as_str()];
/// assert_eq!(a["Type"], "AWS::Events::Archive");
/// ```
#[derive(Clone, Debug)]
pub struct Archive {
    scope: Scope,
    archive: cfn::ArchiveRef,
}

impl Archive {
    /// Archives `bus`'s events at `<id>/Archive` under `scope`.
    pub fn new(scope: &Scope, id: &str, bus: &EventBus, props: ArchiveProps) -> Archive {
        let scope = scope.child(id);
        if let Some(name) = &props.archive_name {
            let ok = !name.is_empty()
                && name.len() <= 48
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
            if !ok {
                scope.error(
                    "event-archive",
                    format!("archive name {name:?} is invalid: use 1 to 48 of a-z, A-Z, 0-9, '.', '_' and '-'"),
                );
            }
        }
        if props.retention_days == Some(0) {
            scope.error(
                "event-archive",
                "a retention of 0 days would keep events forever; leave retention_days unset for that, or give at least 1 day",
            );
        }
        if let Some(pattern) = &props.event_pattern {
            for p in pattern.problems() {
                scope.error("event-pattern", p);
            }
        }
        let description = props
            .description
            .clone()
            .unwrap_or_else(|| format!("Event Archive for {} Event Bus", bus.name()));
        if description.len() > 512 {
            scope.error(
                "event-archive",
                "the description is longer than 512 characters",
            );
        }
        let archive = scope.resource(
            "Archive",
            cfn::Archive {
                archive_name: props.archive_name.as_deref().map(Value::from),
                description: Some(description.into()),
                event_pattern: props.event_pattern.as_ref().map(|p| p.to_json().into()),
                retention_days: props.retention_days.map(|d| i64::from(d).into()),
                ..cfn::Archive::new(bus.event_bus_arn())
            },
        );
        Archive { scope, archive }
    }

    /// The archive name, `Ref`.
    pub fn archive_name(&self) -> Value<String> {
        self.archive.ref_()
    }

    /// The archive ARN, `Fn::GetAtt [<archive>, Arn]`.
    pub fn archive_arn(&self) -> Value<String> {
        self.archive.arn()
    }

    /// The archive's construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}
