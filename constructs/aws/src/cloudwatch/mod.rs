//! CloudWatch: typed metrics and metric math, alarms with actions,
//! dashboards built from typed widgets, custom application namespaces,
//! metric accessors on this crate's constructs, and metric and
//! subscription filters on log groups.
//!
//! ```
//! use strata::prelude::*;
//! use strata::cloudwatch::{
//!     Alarm, AlarmAction, AlarmProps, AppNamespace, ComparisonOperator, Statistic,
//! };
//!
//! let app = App::new();
//! let stack = app.stack("Monitoring", StackProps::default());
//! let errors = AppNamespace::new("AI.Agent").metric("ErrorRate").with_statistic(Statistic::Average);
//! Alarm::new(&stack, "AgentErrorRate", AlarmProps {
//!     alarm_actions: vec![AlarmAction::SnsTopic(
//!         "arn:aws:sns:us-east-1:123456789012:critical-alerts".into(),
//!     )],
//!     ..AlarmProps::new(errors, ComparisonOperator::GreaterThanThreshold, 5.0, 2)
//! });
//! assert!(app.synth().is_ok());
//! ```

mod alarm;
mod api_metrics;
mod body;
mod construct_metrics;
mod dashboard;
mod log_filters;
mod metric;
mod namespace;
mod service_metrics;
mod widget;

pub use alarm::{Alarm, AlarmAction, AlarmProps, ComparisonOperator, TreatMissingData};
pub use dashboard::{layout_row, Dashboard, DashboardProps, PeriodOverride, GRID_WIDTH};
pub use log_filters::{
    FilterPattern, MetricFilter, MetricFilterProps, SubscriptionDestination, SubscriptionFilter,
    SubscriptionFilterProps,
};
pub use metric::{MathExpression, Metric, MetricQuery, Statistic, Unit, DEFAULT_PERIOD};
pub use namespace::AppNamespace;
pub use widget::{
    AlarmStatusWidget, GraphView, GraphWidget, HorizontalAnnotation, LogQueryView, LogQueryWidget,
    SingleValueWidget, TextWidget, Widget, YAxis,
};

use strata_core::{Fn, Scope, Value};

/// The account of `scope`'s stack: its literal account, else `AWS::AccountId`.
pub(crate) fn stack_account(scope: &Scope) -> Value<String> {
    scope
        .env()
        .account
        .map(Value::Lit)
        .unwrap_or_else(Fn::account_id)
}
