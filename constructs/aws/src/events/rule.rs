//! Rules (`AWS::Events::Rule` at `<id>/Resource`): an event pattern or a
//! schedule, on the default bus or a custom one, with up to five targets
//! whose permissions are created as they are added.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;
use std::time::Duration;

use strata_cfn::events::{self as cfn, rule as r};
use strata_core::{logical_id, Scope, Value};

use super::bus::EventBus;
use super::pattern::EventPattern;
use super::target::RuleTarget;
use crate::sqs::whole_seconds;

/// When a scheduled rule runs.
#[derive(Clone, Debug, PartialEq)]
pub enum Schedule {
    /// Every so often, in whole minutes (`rate(5 minutes)`).
    Rate(Duration),
    /// A six-field cron expression in UTC, such as `0 12 * * ? *`.
    Cron(String),
}

impl Schedule {
    /// Every `interval` (whole minutes, at least one).
    pub fn rate(interval: Duration) -> Schedule {
        Schedule::Rate(interval)
    }

    /// A cron expression: minutes, hours, day of month, month, day of
    /// week, year, with `?` in one of the two day fields.
    pub fn cron(expression: &str) -> Schedule {
        Schedule::Cron(expression.to_string())
    }

    /// The `ScheduleExpression`, or why EventBridge would reject it.
    ///
    /// ```
    /// use std::time::Duration;
    /// use strata::events::Schedule;
    /// assert_eq!(Schedule::rate(Duration::from_secs(3600)).expression().unwrap(), "rate(1 hour)");
    /// assert_eq!(Schedule::rate(Duration::from_secs(600)).expression().unwrap(), "rate(10 minutes)");
    /// assert!(Schedule::cron("0 12 * * *").expression().is_err());
    /// ```
    pub fn expression(&self) -> Result<String, String> {
        match self {
            Schedule::Rate(d) => {
                let minutes = match whole_seconds(*d) {
                    Some(s) if s >= 60 && s % 60 == 0 => s / 60,
                    _ => {
                        return Err(format!(
                        "a rate of {d:?} is not a whole number of minutes; use at least one minute"
                    ))
                    }
                };
                let (n, unit) = if minutes % 1440 == 0 {
                    (minutes / 1440, "day")
                } else if minutes % 60 == 0 {
                    (minutes / 60, "hour")
                } else {
                    (minutes, "minute")
                };
                let plural = if n == 1 { "" } else { "s" };
                Ok(format!("rate({n} {unit}{plural})"))
            }
            Schedule::Cron(expr) => {
                let fields: Vec<&str> = expr.split_whitespace().collect();
                if fields.len() != 6 {
                    return Err(format!(
                        "cron expression {expr:?} has {} fields; EventBridge takes six: minutes hours day-of-month month day-of-week year",
                        fields.len()
                    ));
                }
                if fields[2] != "?" && fields[4] != "?" {
                    return Err(format!(
                        "cron expression {expr:?} sets both day of month and day of week; put '?' in one of them"
                    ));
                }
                Ok(format!("cron({})", fields.join(" ")))
            }
        }
    }
}

/// Settings of a [`Rule`].
#[derive(Clone, Debug)]
pub struct RuleProps {
    /// A physical name (1 to 64 of `a-zA-Z0-9._-`); unset lets
    /// CloudFormation name it.
    pub rule_name: Option<String>,
    /// The description (at most 512 characters).
    pub description: Option<String>,
    /// The custom bus the rule listens on; the default bus when unset.
    pub event_bus: Option<EventBus>,
    /// The events that trigger the rule.
    pub event_pattern: Option<EventPattern>,
    /// A schedule (default bus only), instead of or beside a pattern.
    pub schedule: Option<Schedule>,
    /// `ENABLED` (the default) or `DISABLED`.
    pub enabled: bool,
    /// Targets, up to five; more can be added with [`Rule::add_target`].
    pub targets: Vec<RuleTarget>,
}

impl Default for RuleProps {
    fn default() -> Self {
        RuleProps {
            rule_name: None,
            description: None,
            event_bus: None,
            event_pattern: None,
            schedule: None,
            enabled: true,
            targets: Vec::new(),
        }
    }
}

struct Inner {
    scope: Scope,
    rule: cfn::RuleRef,
    targets: RefCell<Vec<Value<r::Target>>>,
}

/// An EventBridge rule.
///
/// ```
/// use strata::prelude::*;
/// use strata::events::{EventBus, EventBusProps, EventPattern, Rule, RuleProps, RuleTarget};
/// use strata::sqs::{Queue, QueueProps};
///
/// let app = App::new();
/// let stack = app.stack("Events", StackProps::default());
/// let bus = EventBus::new(&stack, "Bus", EventBusProps::default());
/// let queue = Queue::new(&stack, "Queue", QueueProps::default());
/// Rule::new(&stack, "MessageReceived", RuleProps {
///     event_bus: Some(bus),
///     event_pattern: Some(EventPattern::new().source(["bird.com"]).detail_type(["Message Received"])),
///     targets: vec![RuleTarget::sqs(&queue)],
///     ..Default::default()
/// });
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let rule = &t["Resources"][strata::logical_id(&["MessageReceived", "Resource"]).as_str()];
/// assert_eq!(rule["Properties"]["Targets"][0]["Id"], "Target0");
/// assert_eq!(rule["Properties"]["EventPattern"]["source"][0], "bird.com");
/// ```
#[derive(Clone)]
pub struct Rule {
    inner: Rc<Inner>,
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rule({})", self.inner.scope.path())
    }
}

impl Rule {
    /// Adds the rule under `scope` at `<id>/Resource`, then its targets.
    pub fn new(scope: &Scope, id: &str, props: RuleProps) -> Rule {
        let scope = scope.child(id);
        check(&scope, &props);
        let schedule = props
            .schedule
            .as_ref()
            .and_then(|s| s.expression().ok())
            .map(Value::from);
        let rule = scope.resource(
            "Resource",
            cfn::Rule {
                name: props.rule_name.as_deref().map(Value::from),
                description: props.description.as_deref().map(Value::from),
                event_bus_name: props.event_bus.as_ref().map(EventBus::event_bus_name),
                event_pattern: props.event_pattern.as_ref().map(|p| p.to_json().into()),
                schedule_expression: schedule,
                state: Some(if props.enabled { "ENABLED" } else { "DISABLED" }.into()),
                ..cfn::Rule::new()
            },
        );
        let rule = Rule {
            inner: Rc::new(Inner {
                scope,
                rule,
                targets: RefCell::new(Vec::new()),
            }),
        };
        for target in props.targets {
            rule.add_target(target);
        }
        rule
    }

    /// Adds a target with the next id (`Target0`, `Target1`, ...) and the
    /// permission or role it needs.
    pub fn add_target(&self, target: RuleTarget) {
        let index = self.inner.targets.borrow().len();
        if index == 5 {
            self.inner.scope.error(
                "event-rule-targets",
                "a rule takes at most 5 targets; add another rule with the same pattern for more",
            );
        }
        let bound = target.bind(self, &format!("Target{index}"));
        let mut targets = self.inner.targets.borrow_mut();
        targets.push(bound.into());
        let list = Value::Lit(targets.clone());
        if let Some(res) = self.inner.scope.of(&self.inner.rule) {
            res.with_resource::<cfn::Rule>(|r| r.targets = Some(list));
        }
    }

    /// The rule ARN, `Fn::GetAtt [<rule>, Arn]`.
    pub fn rule_arn(&self) -> Value<String> {
        self.inner.rule.arn()
    }

    /// The rule name, `Ref`.
    pub fn rule_name(&self) -> Value<String> {
        self.inner.rule.ref_()
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::RuleRef {
        &self.inner.rule
    }

    /// The rule's construct scope.
    pub fn scope(&self) -> &Scope {
        &self.inner.scope
    }

    /// The CDK's `Names.nodeUniqueId` of the rule: its path, stack
    /// included, as a logical ID.
    pub(crate) fn unique_id(&self) -> String {
        let path = self.inner.scope.path();
        let parts: Vec<&str> = path.split('/').collect();
        logical_id(&parts)
    }
}

fn check(scope: &Scope, props: &RuleProps) {
    let mut problems = Vec::new();
    if let Some(name) = &props.rule_name {
        let ok = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
        if !ok {
            problems.push(format!(
                "rule name {name:?} is invalid: use 1 to 64 of a-z, A-Z, 0-9, '.', '_' and '-'"
            ));
        }
    }
    if props.description.as_ref().is_some_and(|d| d.len() > 512) {
        problems.push("the description is longer than 512 characters".to_string());
    }
    match (&props.event_pattern, &props.schedule) {
        (None, None) => problems.push(
            "a rule needs an event pattern or a schedule; set event_pattern or schedule"
                .to_string(),
        ),
        (Some(p), _) => problems.extend(p.problems()),
        _ => {}
    }
    if let Some(s) = &props.schedule {
        if let Err(p) = s.expression() {
            problems.push(p);
        }
        if let Some(bus) = &props.event_bus {
            problems.push(format!(
                "scheduled rules run on the default event bus only, not on {}; remove event_bus or the schedule",
                bus.name()
            ));
        }
    }
    for p in problems {
        scope.error("event-rule", p);
    }
}
