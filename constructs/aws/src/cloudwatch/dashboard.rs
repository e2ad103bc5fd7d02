//! CloudWatch dashboards: rows of typed widgets laid out on the 24-column
//! grid as the CDK lays them out, rendered into the body of an
//! `AWS::CloudWatch::Dashboard` at `<id>/Resource`.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::{json, Map as JsonMap, Value as Json};
use strata_cfn::cloud_watch as cfn;
use strata_core::{Fn, Scope, Value};

use super::body::BodyWriter;
use super::widget::Widget;

/// The dashboard grid is 24 columns wide.
pub const GRID_WIDTH: u32 = 24;

/// Whether the periods of a dashboard's graphs follow its time range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodOverride {
    /// `auto`: periods adapt to the time range shown.
    Auto,
    /// `inherit`: the period of each metric is kept.
    Inherit,
}

/// Settings of a [`Dashboard`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DashboardProps {
    /// The dashboard name (1 to 255 of letters, digits, `-` and `_`);
    /// unset lets CloudFormation name it.
    pub dashboard_name: Option<String>,
    /// Rows of widgets, top to bottom; a row wider than the grid wraps.
    pub rows: Vec<Vec<Widget>>,
    /// The time range shown when opened, such as `-PT6H`.
    pub start: Option<String>,
    /// The end of the time range, if not now.
    pub end: Option<String>,
    /// How graph periods follow the time range.
    pub period_override: Option<PeriodOverride>,
}

/// An `AWS::CloudWatch::Dashboard` built from typed widgets.
///
/// ```
/// use strata::prelude::*;
/// use strata::cloudwatch::{Dashboard, DashboardProps, GraphWidget, Metric, TextWidget};
///
/// let app = App::new();
/// let stack = app.stack("Monitoring", StackProps::default());
/// let cpu = Metric::new("AWS/ECS", "CPUUtilization").with_dimension("ClusterName", "agents");
/// Dashboard::new(&stack, "Overview", DashboardProps {
///     dashboard_name: Some("BirdAgent-Overview".into()),
///     rows: vec![vec![
///         TextWidget::new("# Bird agent").into(),
///         GraphWidget::new("ECS CPU", [cpu]).into(),
///     ]],
///     ..Default::default()
/// });
/// let template = &app.synth().expect("valid").stacks[0].template;
/// let dashboard = &template["Resources"][strata::logical_id(&["Overview", "Resource"]).as_str()];
/// assert_eq!(dashboard["Properties"]["DashboardName"], "BirdAgent-Overview");
/// ```
#[derive(Clone, Debug)]
pub struct Dashboard {
    scope: Scope,
    dashboard: cfn::DashboardRef,
    props: Rc<RefCell<DashboardProps>>,
}

impl Dashboard {
    /// Adds the dashboard under `scope`.
    pub fn new(scope: &Scope, id: &str, props: DashboardProps) -> Dashboard {
        let scope = scope.child(id);
        if let Some(name) = &props.dashboard_name {
            if let Some(p) = name_problem(name) {
                scope.error("cloudwatch-dashboard", p);
            }
        }
        for (r, row) in props.rows.iter().enumerate() {
            report_row(&scope, r, row);
        }
        let body = render(&scope, &props);
        let dashboard = scope.resource(
            "Resource",
            cfn::Dashboard {
                dashboard_name: props.dashboard_name.as_deref().map(Value::from),
                ..cfn::Dashboard::new(body)
            },
        );
        Dashboard {
            scope,
            dashboard,
            props: Rc::new(RefCell::new(props)),
        }
    }

    /// Adds a row of widgets below the others.
    pub fn add_row(&self, widgets: Vec<Widget>) {
        let row = self.props.borrow().rows.len();
        report_row(&self.scope, row, &widgets);
        self.props.borrow_mut().rows.push(widgets);
        let body = render(&self.scope, &self.props.borrow());
        if let Some(res) = self.scope.of(&self.dashboard) {
            res.with_resource::<cfn::Dashboard>(|d| d.dashboard_body = body);
        }
    }

    /// The dashboard's name, `Ref`.
    pub fn dashboard_name(&self) -> Value<String> {
        self.dashboard.ref_()
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::DashboardRef {
        &self.dashboard
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

fn name_problem(name: &str) -> Option<String> {
    let ok = !name.is_empty()
        && name.len() <= 255
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    (!ok).then(|| {
        format!(
            "dashboard name {name:?} is invalid: use 1 to 255 letters, digits, '-' and '_' (such as {:?})",
            name.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("-")
        )
    })
}

fn report_row(scope: &Scope, row: usize, widgets: &[Widget]) {
    for (i, widget) in widgets.iter().enumerate() {
        for p in widget.problems() {
            scope.error(
                "cloudwatch-dashboard",
                format!("row {}, widget {}: {p}", row + 1, i + 1),
            );
        }
    }
}

/// Grid positions of a row's widgets relative to the row, and the row's
/// height: left to right, wrapping when the grid is full (the CDK's `Row`).
pub fn layout_row(sizes: &[(u32, u32)]) -> (Vec<(u32, u32)>, u32) {
    let (mut x, mut y, mut height) = (0, 0, 0);
    let mut offsets = Vec::with_capacity(sizes.len());
    for &(w, h) in sizes {
        if x + w > GRID_WIDTH {
            y = height;
            x = 0;
        }
        offsets.push((x, y));
        height = height.max(y + h);
        x += w;
    }
    (offsets, height)
}

fn render(scope: &Scope, props: &DashboardProps) -> Value<String> {
    let region = scope
        .env()
        .region
        .map(Value::Lit)
        .unwrap_or_else(Fn::region);
    let mut writer = BodyWriter::default();
    let mut widgets = Vec::new();
    let mut top = 0;
    for row in &props.rows {
        let sizes: Vec<(u32, u32)> = row.iter().map(Widget::size).collect();
        let (offsets, height) = layout_row(&sizes);
        for (widget, (x, y)) in row.iter().zip(offsets) {
            widgets.push(widget.to_json(x, top + y, &region, &mut writer));
        }
        top += height;
    }
    let mut body = JsonMap::new();
    if let Some(s) = &props.start {
        body.insert("start".into(), json!(s));
    }
    if let Some(e) = &props.end {
        body.insert("end".into(), json!(e));
    }
    if let Some(p) = props.period_override {
        let code = match p {
            PeriodOverride::Auto => "auto",
            PeriodOverride::Inherit => "inherit",
        };
        body.insert("periodOverride".into(), json!(code));
    }
    body.insert("widgets".into(), Json::Array(widgets));
    writer.finish(&Json::Object(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_wrap_at_the_grid_width() {
        let (offsets, height) = layout_row(&[(12, 6), (12, 4), (6, 3), (24, 2)]);
        assert_eq!(offsets, [(0, 0), (12, 0), (0, 6), (0, 9)]);
        assert_eq!(height, 11);
    }

    #[test]
    fn dashboard_names_suggest_a_valid_form() {
        let p = name_problem("AI Agent Performance Dashboard").unwrap_or_default();
        assert!(p.contains("\"AI-Agent-Performance-Dashboard\""), "{p}");
        assert_eq!(name_problem("BirdAgent-Overview"), None);
    }
}
