//! Typed dashboard widgets: graphs, single values, text, alarm status and
//! Logs Insights queries, each rendering its part of the dashboard body.

use std::time::Duration;

use serde_json::{json, Map as JsonMap, Value as Json};
use strata_core::Value;

use super::alarm::Alarm;
use super::body::{has_marker, BodyWriter};
use super::metric::{period_problem, Metric, MetricQuery};

/// How a graph draws its metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GraphView {
    /// Lines over time (`timeSeries`).
    #[default]
    TimeSeries,
    /// Bars of the latest values (`bar`).
    Bar,
    /// A pie of the latest values (`pie`).
    Pie,
}

/// One vertical axis of a graph.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct YAxis {
    /// The lowest value shown.
    pub min: Option<f64>,
    /// The highest value shown.
    pub max: Option<f64>,
    /// The axis label.
    pub label: Option<String>,
    /// Whether units are shown next to the label.
    pub show_units: Option<bool>,
}

impl YAxis {
    fn is_empty(&self) -> bool {
        *self == YAxis::default()
    }

    fn to_json(&self) -> Json {
        let mut m = JsonMap::new();
        if let Some(v) = self.min {
            m.insert("min".into(), json!(v));
        }
        if let Some(v) = self.max {
            m.insert("max".into(), json!(v));
        }
        if let Some(v) = &self.label {
            m.insert("label".into(), json!(v));
        }
        if let Some(v) = self.show_units {
            m.insert("showUnits".into(), json!(v));
        }
        Json::Object(m)
    }
}

/// A horizontal line across a graph, such as an alarm's threshold.
#[derive(Clone, Debug, PartialEq)]
pub struct HorizontalAnnotation {
    /// Where the line is drawn.
    pub value: f64,
    /// Its label.
    pub label: Option<String>,
    /// Its colour, as `#rrggbb`.
    pub color: Option<String>,
}

impl HorizontalAnnotation {
    /// A line at `value` labelled `label`.
    pub fn new(value: f64, label: &str) -> HorizontalAnnotation {
        HorizontalAnnotation {
            value,
            label: Some(label.to_string()),
            color: None,
        }
    }
}

/// A graph of metrics on a left and a right axis.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphWidget {
    /// The title.
    pub title: Option<String>,
    /// Metrics on the left axis.
    pub left: Vec<MetricQuery>,
    /// Metrics on the right axis.
    pub right: Vec<MetricQuery>,
    /// Lines, bars or a pie.
    pub view: GraphView,
    /// Stacks the lines as areas.
    pub stacked: bool,
    /// The left axis.
    pub left_y_axis: YAxis,
    /// The right axis.
    pub right_y_axis: YAxis,
    /// Horizontal lines on the left axis.
    pub left_annotations: Vec<HorizontalAnnotation>,
    /// A period for every metric of the graph, overriding their own.
    pub period: Option<Duration>,
    /// The region the metrics are in; unset means the stack's.
    pub region: Option<String>,
    /// Width in grid columns (1 to 24; default 6).
    pub width: u32,
    /// Height in grid rows (default 6).
    pub height: u32,
}

impl GraphWidget {
    /// A 6×6 time series titled `title` of `left`.
    pub fn new<I, M>(title: &str, left: I) -> GraphWidget
    where
        I: IntoIterator<Item = M>,
        M: Into<MetricQuery>,
    {
        GraphWidget {
            title: Some(title.to_string()),
            left: left.into_iter().map(Into::into).collect(),
            right: Vec::new(),
            view: GraphView::TimeSeries,
            stacked: false,
            left_y_axis: YAxis::default(),
            right_y_axis: YAxis::default(),
            left_annotations: Vec::new(),
            period: None,
            region: None,
            width: 6,
            height: 6,
        }
    }
}

/// The latest value of each metric, as large numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct SingleValueWidget {
    /// The title.
    pub title: Option<String>,
    /// The metrics shown.
    pub metrics: Vec<MetricQuery>,
    /// Shows a sparkline under each number.
    pub sparkline: bool,
    /// Aggregates over the whole time range rather than the last period.
    pub set_period_to_time_range: bool,
    /// The region the metrics are in; unset means the stack's.
    pub region: Option<String>,
    /// Width in grid columns (default 6).
    pub width: u32,
    /// Height in grid rows (default 3).
    pub height: u32,
}

impl SingleValueWidget {
    /// A 6×3 widget titled `title` showing `metrics`.
    pub fn new<I, M>(title: &str, metrics: I) -> SingleValueWidget
    where
        I: IntoIterator<Item = M>,
        M: Into<MetricQuery>,
    {
        SingleValueWidget {
            title: Some(title.to_string()),
            metrics: metrics.into_iter().map(Into::into).collect(),
            sparkline: false,
            set_period_to_time_range: false,
            region: None,
            width: 6,
            height: 3,
        }
    }
}

/// Markdown text.
#[derive(Clone, Debug, PartialEq)]
pub struct TextWidget {
    /// The Markdown shown.
    pub markdown: String,
    /// Draws the text without the widget background.
    pub transparent: bool,
    /// Width in grid columns (default 6).
    pub width: u32,
    /// Height in grid rows (default 2).
    pub height: u32,
}

impl TextWidget {
    /// A 6×2 widget showing `markdown`.
    pub fn new(markdown: &str) -> TextWidget {
        TextWidget {
            markdown: markdown.to_string(),
            transparent: false,
            width: 6,
            height: 2,
        }
    }
}

/// The state of a set of alarms.
#[derive(Clone, Debug, PartialEq)]
pub struct AlarmStatusWidget {
    /// The title.
    pub title: Option<String>,
    /// The alarms shown, by ARN (1 to 100).
    pub alarm_arns: Vec<Value<String>>,
    /// Width in grid columns (default 6).
    pub width: u32,
    /// Height in grid rows (default 3).
    pub height: u32,
}

impl AlarmStatusWidget {
    /// A 6×3 widget titled `title` showing `alarms`.
    pub fn new(title: &str, alarms: &[&Alarm]) -> AlarmStatusWidget {
        AlarmStatusWidget {
            title: Some(title.to_string()),
            alarm_arns: alarms.iter().map(|a| a.alarm_arn()).collect(),
            width: 6,
            height: 3,
        }
    }
}

/// How a Logs Insights widget shows its results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LogQueryView {
    /// A table of rows (`table`).
    #[default]
    Table,
    /// Lines over time (`timeSeries`).
    Line,
    /// Stacked areas over time (`timeSeries`, stacked).
    StackedArea,
    /// Bars (`bar`).
    Bar,
    /// A pie (`pie`).
    Pie,
}

/// The results of a CloudWatch Logs Insights query over log groups.
#[derive(Clone, Debug, PartialEq)]
pub struct LogQueryWidget {
    /// The title.
    pub title: Option<String>,
    /// The log groups queried (1 to 50), by name.
    pub log_group_names: Vec<Value<String>>,
    /// The query, one command per line (`fields ...`, `stats ...`).
    pub query_lines: Vec<String>,
    /// How results are shown.
    pub view: LogQueryView,
    /// The region the log groups are in; unset means the stack's.
    pub region: Option<String>,
    /// Width in grid columns (default 6).
    pub width: u32,
    /// Height in grid rows (default 6).
    pub height: u32,
}

impl LogQueryWidget {
    /// A 6×6 table titled `title` of `query_lines` over `log_group_names`.
    pub fn new(title: &str, log_group_names: Vec<Value<String>>, query_lines: &[&str]) -> Self {
        LogQueryWidget {
            title: Some(title.to_string()),
            log_group_names,
            query_lines: query_lines.iter().map(|l| l.to_string()).collect(),
            view: LogQueryView::Table,
            region: None,
            width: 6,
            height: 6,
        }
    }
}

/// One widget of a dashboard.
#[derive(Clone, Debug, PartialEq)]
pub enum Widget {
    /// A graph.
    Graph(GraphWidget),
    /// Single values.
    SingleValue(SingleValueWidget),
    /// Markdown text.
    Text(TextWidget),
    /// Alarm states.
    AlarmStatus(AlarmStatusWidget),
    /// A Logs Insights query.
    LogQuery(LogQueryWidget),
}

macro_rules! widget_from {
    ($($t:ident => $v:ident),*) => {$(
        impl From<$t> for Widget {
            fn from(w: $t) -> Self {
                Widget::$v(w)
            }
        }
    )*};
}

widget_from!(
    GraphWidget => Graph,
    SingleValueWidget => SingleValue,
    TextWidget => Text,
    AlarmStatusWidget => AlarmStatus,
    LogQueryWidget => LogQuery
);

impl Widget {
    /// Width and height in grid units.
    pub fn size(&self) -> (u32, u32) {
        match self {
            Widget::Graph(w) => (w.width, w.height),
            Widget::SingleValue(w) => (w.width, w.height),
            Widget::Text(w) => (w.width, w.height),
            Widget::AlarmStatus(w) => (w.width, w.height),
            Widget::LogQuery(w) => (w.width, w.height),
        }
    }

    fn title(&self) -> Option<&str> {
        match self {
            Widget::Graph(w) => w.title.as_deref(),
            Widget::SingleValue(w) => w.title.as_deref(),
            Widget::Text(_) => None,
            Widget::AlarmStatus(w) => w.title.as_deref(),
            Widget::LogQuery(w) => w.title.as_deref(),
        }
    }

    /// What CloudWatch would reject about this widget, one message each.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let (width, height) = self.size();
        if !(1..=24).contains(&width) {
            out.push(format!(
                "width {width} is outside the dashboard grid; use 1 to 24 columns"
            ));
        }
        if !(1..=1000).contains(&height) {
            out.push(format!("height {height} is invalid; use 1 to 1000 rows"));
        }
        let texts: Vec<&str> = match self {
            Widget::Text(w) => vec![w.markdown.as_str()],
            Widget::LogQuery(w) => w.query_lines.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        };
        if self.title().into_iter().chain(texts).any(has_marker) {
            out.push("text contains the reserved character U+E000; remove it".to_string());
        }
        match self {
            Widget::Graph(w) => {
                let all: Vec<&MetricQuery> = w.left.iter().chain(&w.right).collect();
                if all.is_empty() {
                    out.push("the graph has no metrics; add at least one".to_string());
                }
                out.extend(metric_problems(&all));
                if let Some(p) = w.period.and_then(period_problem) {
                    out.push(p);
                }
            }
            Widget::SingleValue(w) => {
                if w.metrics.is_empty() {
                    out.push(
                        "the single-value widget has no metrics; add at least one".to_string(),
                    );
                }
                out.extend(metric_problems(&w.metrics.iter().collect::<Vec<_>>()));
            }
            Widget::Text(w) => {
                if w.markdown.trim().is_empty() {
                    out.push("the text widget is empty; give it Markdown".to_string());
                }
            }
            Widget::AlarmStatus(w) => {
                if w.alarm_arns.is_empty() || w.alarm_arns.len() > 100 {
                    out.push(format!(
                        "the alarm status widget shows {} alarms; show 1 to 100",
                        w.alarm_arns.len()
                    ));
                }
            }
            Widget::LogQuery(w) => {
                if w.log_group_names.is_empty() || w.log_group_names.len() > 50 {
                    out.push(format!(
                        "the Logs Insights widget queries {} log groups; query 1 to 50",
                        w.log_group_names.len()
                    ));
                }
                if w.query_lines.iter().all(|l| l.trim().is_empty()) {
                    out.push("the Logs Insights widget has no query; add query lines".to_string());
                }
            }
        }
        out
    }

    /// The widget's JSON at grid position `(x, y)`.
    pub(crate) fn to_json(
        &self,
        x: u32,
        y: u32,
        region: &Value<String>,
        w: &mut BodyWriter,
    ) -> Json {
        let (width, height) = self.size();
        let (kind, properties) = match self {
            Widget::Graph(g) => ("metric", graph_json(g, region, w)),
            Widget::SingleValue(s) => ("metric", single_value_json(s, region, w)),
            Widget::Text(t) => {
                let mut p = JsonMap::new();
                p.insert("markdown".into(), json!(t.markdown));
                if t.transparent {
                    p.insert("background".into(), json!("transparent"));
                }
                ("text", p)
            }
            Widget::AlarmStatus(a) => {
                let mut p = JsonMap::new();
                if let Some(t) = &a.title {
                    p.insert("title".into(), json!(t));
                }
                let arns: Vec<Json> = a.alarm_arns.iter().map(|v| w.string(v)).collect();
                p.insert("alarms".into(), Json::Array(arns));
                ("alarm", p)
            }
            Widget::LogQuery(l) => ("log", log_json(l, region, w)),
        };
        json!({
            "type": kind,
            "width": width,
            "height": height,
            "x": x,
            "y": y,
            "properties": Json::Object(properties),
        })
    }
}

/// Problems of the metrics of one widget, including ids that name two
/// different metrics.
fn metric_problems(queries: &[&MetricQuery]) -> Vec<String> {
    let mut out = Vec::new();
    let mut ids: Vec<(String, Metric)> = Vec::new();
    for q in queries {
        out.extend(q.problems());
        if let MetricQuery::Math(e) = q {
            for (id, m) in e.metrics() {
                match ids.iter().find(|(known, _)| *known == id) {
                    Some((_, other)) if *other != m => out.push(format!(
                        "metric id {id:?} names two different metrics in one widget; rename one"
                    )),
                    Some(_) => {}
                    None => ids.push((id, m)),
                }
            }
        }
    }
    out
}

fn region_text(own: &Option<String>, region: &Value<String>, w: &mut BodyWriter) -> Json {
    match own {
        Some(r) => json!(r),
        None => w.string(region),
    }
}

/// `[namespace, name, dim, value, ..., {options}]`.
fn metric_row(m: &Metric, extra: JsonMap<String, Json>, w: &mut BodyWriter) -> Json {
    let mut row = vec![json!(m.namespace()), json!(m.metric_name())];
    for (name, value) in m.dimensions() {
        row.push(json!(name));
        row.push(w.string(value));
    }
    let mut options = JsonMap::new();
    if let Some(l) = m.label() {
        options.insert("label".into(), json!(l));
    }
    if let Some(c) = m.color() {
        options.insert("color".into(), json!(c));
    }
    options.insert("stat".into(), json!(m.statistic().code()));
    options.insert("period".into(), json!(m.period_seconds()));
    options.extend(extra);
    row.push(Json::Object(options));
    Json::Array(row)
}

/// The `metrics` array: each query, then the hidden metrics expressions use.
fn metrics_json(queries: &[(&MetricQuery, bool)], w: &mut BodyWriter) -> Json {
    let mut rows = Vec::new();
    let mut hidden: Vec<(String, Metric, bool)> = Vec::new();
    let mut expressions = 0;
    for (q, right) in queries {
        let mut axis = JsonMap::new();
        if *right {
            axis.insert("yAxis".into(), json!("right"));
        }
        match q {
            MetricQuery::Metric(m) => rows.push(metric_row(m, axis, w)),
            MetricQuery::Math(e) => {
                expressions += 1;
                let mut options = JsonMap::new();
                options.insert("expression".into(), json!(e.expression()));
                if let Some(l) = e.label() {
                    options.insert("label".into(), json!(l));
                }
                if let Some(c) = e.color() {
                    options.insert("color".into(), json!(c));
                }
                options.insert("id".into(), json!(format!("expr_{expressions}")));
                options.insert("period".into(), json!(e.period_seconds()));
                options.extend(axis);
                rows.push(Json::Array(vec![Json::Object(options)]));
                for (id, m) in e.metrics() {
                    if !hidden.iter().any(|(known, _, _)| *known == id) {
                        hidden.push((id, m, *right));
                    }
                }
            }
        }
    }
    for (id, m, right) in hidden {
        let mut extra = JsonMap::new();
        extra.insert("id".into(), json!(id));
        extra.insert("visible".into(), json!(false));
        if right {
            extra.insert("yAxis".into(), json!("right"));
        }
        rows.push(metric_row(&m, extra, w));
    }
    Json::Array(rows)
}

fn graph_json(
    g: &GraphWidget,
    region: &Value<String>,
    w: &mut BodyWriter,
) -> JsonMap<String, Json> {
    let mut p = JsonMap::new();
    let view = match g.view {
        GraphView::TimeSeries => "timeSeries",
        GraphView::Bar => "bar",
        GraphView::Pie => "pie",
    };
    p.insert("view".into(), json!(view));
    if let Some(t) = &g.title {
        p.insert("title".into(), json!(t));
    }
    p.insert("region".into(), region_text(&g.region, region, w));
    if g.stacked {
        p.insert("stacked".into(), json!(true));
    }
    let queries: Vec<(&MetricQuery, bool)> = g
        .left
        .iter()
        .map(|q| (q, false))
        .chain(g.right.iter().map(|q| (q, true)))
        .collect();
    p.insert("metrics".into(), metrics_json(&queries, w));
    if !g.left_annotations.is_empty() {
        let lines: Vec<Json> = g
            .left_annotations
            .iter()
            .map(|a| {
                let mut m = JsonMap::new();
                m.insert("value".into(), json!(a.value));
                if let Some(l) = &a.label {
                    m.insert("label".into(), json!(l));
                }
                if let Some(c) = &a.color {
                    m.insert("color".into(), json!(c));
                }
                Json::Object(m)
            })
            .collect();
        p.insert("annotations".into(), json!({ "horizontal": lines }));
    }
    if !g.left_y_axis.is_empty() || !g.right_y_axis.is_empty() {
        let mut axes = JsonMap::new();
        if !g.left_y_axis.is_empty() {
            axes.insert("left".into(), g.left_y_axis.to_json());
        }
        if !g.right_y_axis.is_empty() {
            axes.insert("right".into(), g.right_y_axis.to_json());
        }
        p.insert("yAxis".into(), Json::Object(axes));
    }
    if let Some(period) = g.period {
        p.insert("period".into(), json!(period.as_secs()));
    }
    p
}

fn single_value_json(
    s: &SingleValueWidget,
    region: &Value<String>,
    w: &mut BodyWriter,
) -> JsonMap<String, Json> {
    let mut p = JsonMap::new();
    p.insert("view".into(), json!("singleValue"));
    if let Some(t) = &s.title {
        p.insert("title".into(), json!(t));
    }
    p.insert("region".into(), region_text(&s.region, region, w));
    let queries: Vec<(&MetricQuery, bool)> = s.metrics.iter().map(|q| (q, false)).collect();
    p.insert("metrics".into(), metrics_json(&queries, w));
    if s.sparkline {
        p.insert("sparkline".into(), json!(true));
    }
    if s.set_period_to_time_range {
        p.insert("setPeriodToTimeRange".into(), json!(true));
    }
    p
}

fn log_json(
    l: &LogQueryWidget,
    region: &Value<String>,
    w: &mut BodyWriter,
) -> JsonMap<String, Json> {
    let mut p = JsonMap::new();
    let (view, stacked) = match l.view {
        LogQueryView::Table => ("table", false),
        LogQueryView::Line => ("timeSeries", false),
        LogQueryView::StackedArea => ("timeSeries", true),
        LogQueryView::Bar => ("bar", false),
        LogQueryView::Pie => ("pie", false),
    };
    p.insert("view".into(), json!(view));
    if stacked {
        p.insert("stacked".into(), json!(true));
    }
    if let Some(t) = &l.title {
        p.insert("title".into(), json!(t));
    }
    p.insert("region".into(), region_text(&l.region, region, w));
    let sources: Vec<String> = l
        .log_group_names
        .iter()
        .map(|g| format!("SOURCE '{}'", w.text(g)))
        .collect();
    let query = sources
        .into_iter()
        .chain(l.query_lines.iter().cloned())
        .collect::<Vec<_>>()
        .join(" | ");
    p.insert("query".into(), json!(query));
    p
}
