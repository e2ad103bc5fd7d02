//! Custom event buses (`AWS::Events::EventBus` at `<id>/Resource`), with
//! an optional customer managed key and put-events grants.

use strata_cfn::events as cfn;
use strata_core::{logical_id, Fn, Scope, Value};

use super::archive::{Archive, ArchiveProps};
use crate::iam::{Grant, Grantable, PolicyStatement, Principal};
use crate::sqs::CustomerKey;

/// Settings of an [`EventBus`].
#[derive(Clone, Debug, Default)]
pub struct EventBusProps {
    /// The bus name (1 to 256 of `a-zA-Z0-9._-`, not `default`); unset, the
    /// CDK's unique name from the construct path.
    pub event_bus_name: Option<String>,
    /// The bus description (at most 512 characters).
    pub description: Option<String>,
    /// A customer managed key encrypting events at rest; a key of this app
    /// gets the key policy statement EventBridge needs.
    pub kms_key: Option<CustomerKey>,
}

/// A custom event bus.
///
/// ```
/// use strata::prelude::*;
/// use strata::events::{ArchiveProps, EventBus, EventBusProps, EventPattern, Match};
///
/// let app = App::new();
/// let stack = app.stack("Events", StackProps::default());
/// let bus = EventBus::new(&stack, "Bus", EventBusProps {
///     event_bus_name: Some("bird-agent-events".into()),
///     ..Default::default()
/// });
/// bus.archive("Archive", ArchiveProps {
///     archive_name: Some("agent-events-archive".into()),
///     retention_days: Some(30),
///     event_pattern: Some(EventPattern::new().source([Match::exact("bird.com"), Match::wildcard("agent.*")])),
///     ..Default::default()
/// });
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let archive = &t["Resources"][strata::logical_id(&["Bus", "Archive", "Archive"]).as_str()];
/// assert_eq!(archive["Properties"]["RetentionDays"], 30);
/// ```
#[derive(Clone, Debug)]
pub struct EventBus {
    scope: Scope,
    bus: cfn::EventBusRef,
    name: String,
}

impl EventBus {
    /// Adds the bus under `scope` at `<id>/Resource`.
    pub fn new(scope: &Scope, id: &str, props: EventBusProps) -> EventBus {
        let scope = scope.child(id);
        let name = props.event_bus_name.clone().unwrap_or_else(|| {
            let path = scope.path();
            let parts: Vec<&str> = path.split('/').collect();
            logical_id(&parts)
        });
        let ok = !name.is_empty()
            && name.len() <= 256
            && name != "default"
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
        if !ok {
            scope.error(
                "event-bus-name",
                format!("event bus name {name:?} is invalid: use 1 to 256 of a-z, A-Z, 0-9, '.', '_' and '-', other than \"default\""),
            );
        }
        if props.description.as_ref().is_some_and(|d| d.len() > 512) {
            scope.error(
                "event-bus-description",
                "the description is longer than 512 characters",
            );
        }
        if let Some(key) = props.kms_key.as_ref().and_then(CustomerKey::key) {
            // No reference to the bus: the bus depends on the key.
            key.add_to_resource_policy(
                PolicyStatement::allow()
                    .actions(["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"])
                    .principal(Principal::service("events.amazonaws.com"))
                    .all_resources()
                    .condition("StringEquals", "aws:SourceAccount", [Fn::account_id()])
                    .condition(
                        "StringEquals",
                        "aws:SourceArn",
                        [Fn::sub(&format!(
                            "arn:${{AWS::Partition}}:events:${{AWS::Region}}:${{AWS::AccountId}}:event-bus/{name}"
                        ))],
                    ),
            );
        }
        let bus = scope.resource(
            "Resource",
            cfn::EventBus {
                description: props.description.as_deref().map(Value::from),
                kms_key_identifier: props.kms_key.as_ref().map(CustomerKey::key_arn),
                ..cfn::EventBus::new(name.as_str())
            },
        );
        EventBus { scope, bus, name }
    }

    /// The bus name, `Ref`.
    pub fn event_bus_name(&self) -> Value<String> {
        self.bus.ref_()
    }

    /// The bus name as given or generated.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The bus ARN, `Fn::GetAtt [<bus>, Arn]`.
    pub fn event_bus_arn(&self) -> Value<String> {
        self.bus.arn()
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::EventBusRef {
        &self.bus
    }

    /// The bus's construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Lets `grantee` put events on the bus.
    pub fn grant_put_events_to(&self, grantee: &dyn Grantable) -> Grant {
        Grant::to_principal(grantee, &["events:PutEvents"], vec![self.event_bus_arn()])
    }

    /// Archives the bus's events at `<bus>/<id>`.
    pub fn archive(&self, id: &str, props: ArchiveProps) -> Archive {
        Archive::new(&self.scope, id, self, props)
    }
}
