//! Listeners and their rules: what an Application Load Balancer does with
//! requests on a port — forward to a target group, redirect, or answer
//! with a fixed response — by default and for requests matching path,
//! host, header, method, query or source conditions.

use std::cell::RefCell;
use std::rc::Rc;

use strata_cfn::elastic_load_balancing_v2 as cfn;
use strata_cfn::elastic_load_balancing_v2::{listener as l, listener_rule as r};
use strata_core::{Scope, Value};

use crate::ec2::{Peer, Port, SecurityGroup};

use super::load_balancer::ApplicationLoadBalancer;
use super::target_group::{ApplicationTargetGroup, LoadBalancerLink};
use super::ApplicationProtocol;

/// Where a redirect sends the client; unset parts keep the request's own
/// (`#{protocol}`, `#{host}`, `#{port}`, `#{path}`, `#{query}`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RedirectOptions {
    /// `HTTP` or `HTTPS`.
    pub protocol: Option<ApplicationProtocol>,
    /// The port, 1–65535.
    pub port: Option<u16>,
    /// The host name.
    pub host: Option<String>,
    /// The absolute path, starting with `/`.
    pub path: Option<String>,
    /// The query, without the leading `?`.
    pub query: Option<String>,
    /// `HTTP_301` when true, `HTTP_302` otherwise.
    pub permanent: bool,
}

/// What a listener or rule does with a request.
#[derive(Clone, Debug)]
pub enum ListenerAction {
    /// Forward to a target group.
    Forward(ApplicationTargetGroup),
    /// Redirect the client.
    Redirect(RedirectOptions),
    /// Answer directly.
    FixedResponse {
        /// The HTTP status, 200–599 (2XX, 4XX or 5XX).
        status_code: u16,
        /// `text/plain`, `text/css`, `text/html`, `application/javascript`
        /// or `application/json`.
        content_type: Option<String>,
        /// The body, up to 1024 characters.
        message_body: Option<String>,
    },
}

impl ListenerAction {
    /// Forward to `group`.
    pub fn forward(group: &ApplicationTargetGroup) -> Self {
        ListenerAction::Forward(group.clone())
    }

    /// A permanent (301) redirect to HTTPS on port 443, keeping host,
    /// path and query.
    pub fn redirect_to_https() -> Self {
        ListenerAction::Redirect(RedirectOptions {
            protocol: Some(ApplicationProtocol::Https),
            port: Some(443),
            permanent: true,
            ..RedirectOptions::default()
        })
    }

    /// A fixed response with a status code and an optional plain-text body.
    pub fn fixed_response(status_code: u16, message_body: Option<&str>) -> Self {
        ListenerAction::FixedResponse {
            status_code,
            content_type: message_body.map(|_| "text/plain".to_string()),
            message_body: message_body.map(str::to_string),
        }
    }

    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self {
            ListenerAction::Forward(_) => {}
            ListenerAction::Redirect(o) => {
                if o.port == Some(0) {
                    out.push("redirect port 0 is not a port; use 1 to 65535".into());
                }
                if o.path.as_ref().is_some_and(|p| !p.starts_with('/')) {
                    out.push("a redirect path must start with '/'".into());
                }
                if o.protocol.is_none()
                    && o.port.is_none()
                    && o.host.is_none()
                    && o.path.is_none()
                    && o.query.is_none()
                {
                    out.push(
                        "a redirect to the same URL would loop; change the protocol, port, host, path or query"
                            .into(),
                    );
                }
            }
            ListenerAction::FixedResponse {
                status_code,
                content_type,
                message_body,
            } => {
                if !(200..=599).contains(status_code) || (300..400).contains(status_code) {
                    out.push(format!(
                        "fixed response status {status_code} is invalid; use a 2XX, 4XX or 5XX code"
                    ));
                }
                const TYPES: [&str; 5] = [
                    "text/plain",
                    "text/css",
                    "text/html",
                    "application/javascript",
                    "application/json",
                ];
                if let Some(t) = content_type {
                    if !TYPES.contains(&t.as_str()) {
                        out.push(format!(
                            "fixed response content type {t:?} is not one of {}",
                            TYPES.join(", ")
                        ));
                    }
                }
                if message_body.as_ref().is_some_and(|b| b.len() > 1024) {
                    out.push("a fixed response body is at most 1024 characters".into());
                }
            }
        }
        out
    }

    fn target_group(&self) -> Option<&ApplicationTargetGroup> {
        match self {
            ListenerAction::Forward(g) => Some(g),
            _ => None,
        }
    }
}

/// Renders an action into either L1 action type (listener or rule), which
/// have the same fields.
macro_rules! render_action {
    ($module:ident, $action:expr) => {{
        let action: &ListenerAction = $action;
        match action {
            ListenerAction::Forward(g) => $module::Action {
                target_group_arn: Some(g.target_group_arn()),
                ..$module::Action::new("forward")
            },
            ListenerAction::Redirect(o) => $module::Action {
                redirect_config: Some(
                    $module::RedirectConfig {
                        host: o.host.as_deref().map(Value::from),
                        path: o.path.as_deref().map(Value::from),
                        port: o.port.map(|p| p.to_string().into()),
                        protocol: o.protocol.map(|p| p.code().into()),
                        query: o.query.as_deref().map(Value::from),
                        ..$module::RedirectConfig::new(if o.permanent {
                            "HTTP_301"
                        } else {
                            "HTTP_302"
                        })
                    }
                    .into(),
                ),
                ..$module::Action::new("redirect")
            },
            ListenerAction::FixedResponse {
                status_code,
                content_type,
                message_body,
            } => $module::Action {
                fixed_response_config: Some(
                    $module::FixedResponseConfig {
                        content_type: content_type.as_deref().map(Value::from),
                        message_body: message_body.as_deref().map(Value::from),
                        ..$module::FixedResponseConfig::new(status_code.to_string())
                    }
                    .into(),
                ),
                ..$module::Action::new("fixed-response")
            },
        }
    }};
}

/// A condition a request must match for a rule to apply.
#[derive(Clone, Debug, PartialEq)]
pub enum ListenerCondition {
    /// The path matches one of these patterns (`*` and `?` wildcards), such
    /// as `/multimodal/*`.
    PathPatterns(Vec<String>),
    /// The `Host` header matches one of these names.
    HostHeaders(Vec<String>),
    /// The named header has one of these values.
    HttpHeader {
        /// The header name.
        name: String,
        /// The accepted values.
        values: Vec<String>,
    },
    /// The method is one of these (`GET`, `POST`, ...).
    HttpRequestMethods(Vec<String>),
    /// The client address is in one of these CIDR blocks.
    SourceIps(Vec<String>),
    /// The query string has one of these `(key, value)` pairs; a `None`
    /// key matches the value under any key.
    QueryStrings(Vec<(Option<String>, String)>),
}

impl ListenerCondition {
    /// The path matches one of `patterns`.
    pub fn path_patterns<I: IntoIterator<Item = S>, S: Into<String>>(patterns: I) -> Self {
        ListenerCondition::PathPatterns(patterns.into_iter().map(Into::into).collect())
    }

    /// The `Host` header matches one of `hosts`.
    pub fn host_headers<I: IntoIterator<Item = S>, S: Into<String>>(hosts: I) -> Self {
        ListenerCondition::HostHeaders(hosts.into_iter().map(Into::into).collect())
    }

    /// How many values ALB counts against the five per rule.
    fn value_count(&self) -> usize {
        match self {
            ListenerCondition::PathPatterns(v)
            | ListenerCondition::HostHeaders(v)
            | ListenerCondition::HttpRequestMethods(v)
            | ListenerCondition::SourceIps(v) => v.len(),
            ListenerCondition::HttpHeader { values, .. } => values.len(),
            ListenerCondition::QueryStrings(v) => v.len(),
        }
    }

    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.value_count() == 0 {
            out.push("a rule condition needs at least one value".into());
        }
        let too_long = |v: &String| v.is_empty() || v.len() > 128;
        match self {
            ListenerCondition::PathPatterns(v) => {
                for p in v {
                    if too_long(p) || !p.starts_with(['/', '*']) {
                        out.push(format!(
                            "path pattern {p:?} must be 1 to 128 characters starting with '/' (or a wildcard)"
                        ));
                    }
                }
            }
            ListenerCondition::HostHeaders(v) => {
                for h in v.iter().filter(|h| too_long(h)) {
                    out.push(format!("host header {h:?} must be 1 to 128 characters"));
                }
            }
            ListenerCondition::HttpHeader { name, values } => {
                if name.is_empty() || name.len() > 40 {
                    out.push(format!("header name {name:?} must be 1 to 40 characters"));
                }
                for v in values.iter().filter(|v| too_long(v)) {
                    out.push(format!("header value {v:?} must be 1 to 128 characters"));
                }
            }
            ListenerCondition::HttpRequestMethods(v) => {
                for m in v {
                    let ok = !m.is_empty()
                        && m.len() <= 40
                        && m.chars()
                            .all(|c| c.is_ascii_uppercase() || "-_".contains(c));
                    if !ok {
                        out.push(format!(
                            "HTTP method {m:?} must be upper case, such as \"GET\" or \"POST\""
                        ));
                    }
                }
            }
            ListenerCondition::SourceIps(v) => {
                for c in v {
                    if c.parse::<ipnet::IpNet>().is_err() {
                        out.push(format!(
                            "source IP {c:?} is not a CIDR block, such as 10.0.0.0/16"
                        ));
                    }
                }
            }
            ListenerCondition::QueryStrings(v) => {
                for (k, val) in v {
                    if k.as_ref().is_some_and(|k| k.is_empty()) || val.is_empty() {
                        out.push("query string keys and values must not be empty".into());
                    }
                }
            }
        }
        out
    }

    fn render(&self) -> r::RuleCondition {
        let list = |v: &[String]| Some(Value::list(v.iter().map(String::as_str)));
        match self {
            ListenerCondition::PathPatterns(v) => r::RuleCondition {
                field: Some("path-pattern".into()),
                path_pattern_config: Some(
                    r::PathPatternConfig {
                        values: list(v),
                        ..r::PathPatternConfig::new()
                    }
                    .into(),
                ),
                ..r::RuleCondition::new()
            },
            ListenerCondition::HostHeaders(v) => r::RuleCondition {
                field: Some("host-header".into()),
                host_header_config: Some(
                    r::HostHeaderConfig {
                        values: list(v),
                        ..r::HostHeaderConfig::new()
                    }
                    .into(),
                ),
                ..r::RuleCondition::new()
            },
            ListenerCondition::HttpHeader { name, values } => r::RuleCondition {
                field: Some("http-header".into()),
                http_header_config: Some(
                    r::HttpHeaderConfig {
                        http_header_name: Some(name.as_str().into()),
                        values: list(values),
                        ..r::HttpHeaderConfig::new()
                    }
                    .into(),
                ),
                ..r::RuleCondition::new()
            },
            ListenerCondition::HttpRequestMethods(v) => r::RuleCondition {
                field: Some("http-request-method".into()),
                http_request_method_config: Some(
                    r::HttpRequestMethodConfig { values: list(v) }.into(),
                ),
                ..r::RuleCondition::new()
            },
            ListenerCondition::SourceIps(v) => r::RuleCondition {
                field: Some("source-ip".into()),
                source_ip_config: Some(
                    r::SourceIpConfig {
                        values: list(v),
                        ..r::SourceIpConfig::new()
                    }
                    .into(),
                ),
                ..r::RuleCondition::new()
            },
            ListenerCondition::QueryStrings(v) => r::RuleCondition {
                field: Some("query-string".into()),
                query_string_config: Some(
                    r::QueryStringConfig {
                        values: Some(Value::list(v.iter().map(|(k, val)| {
                            r::QueryStringKeyValue {
                                key: k.as_deref().map(Value::from),
                                value: Some(val.as_str().into()),
                            }
                        }))),
                    }
                    .into(),
                ),
                ..r::RuleCondition::new()
            },
        }
    }
}

/// Settings of an [`ApplicationListener`].
#[derive(Clone, Debug)]
pub struct ApplicationListenerProps {
    /// `HTTPS` (the default) or `HTTP`.
    pub protocol: ApplicationProtocol,
    /// The port; `None` is 443 for HTTPS and 80 for HTTP.
    pub port: Option<u16>,
    /// The ACM certificate of an HTTPS listener, typically a stack
    /// parameter.
    pub certificate_arn: Option<Value<String>>,
    /// The TLS policy of an HTTPS listener; `None` is
    /// `ELBSecurityPolicy-TLS13-1-2-2021-06`.
    pub ssl_policy: Option<String>,
    /// What requests no rule matches get.
    pub default_action: ListenerAction,
    /// Peers allowed into the load balancer's security groups on the
    /// listener's port (the CDK's `open`, limited to these peers).
    pub allow_from: Vec<Peer>,
}

impl ApplicationListenerProps {
    /// An HTTPS listener on 443 with `default_action`; set the certificate.
    pub fn new(default_action: ListenerAction) -> Self {
        ApplicationListenerProps {
            protocol: ApplicationProtocol::Https,
            port: None,
            certificate_arn: None,
            ssl_policy: None,
            default_action,
            allow_from: Vec::new(),
        }
    }
}

/// The TLS policy of HTTPS listeners when none is given.
pub const DEFAULT_SSL_POLICY: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";

#[derive(Debug, Default)]
struct Rules {
    /// Priority and construct id of each rule so far.
    taken: Vec<(u32, String)>,
}

/// An `AWS::ElasticLoadBalancingV2::Listener` at `<lb>/<id>/Resource`.
///
/// ```
/// use strata::prelude::*;
/// use strata::ec2::{SecurityGroup, SecurityGroupProps};
/// use strata::elbv2::*;
///
/// let app = App::new();
/// let stack = app.stack("Web", StackProps::default());
/// let sg = SecurityGroup::new(&stack, "AlbSg", SecurityGroupProps {
///     vpc_id: "vpc-0123456789abcdef0".into(),
///     ..Default::default()
/// });
/// let alb = ApplicationLoadBalancer::new(&stack, "Alb", ApplicationLoadBalancerProps::new(
///     vec!["subnet-0aaaaaaaaaaaaaaa1".into(), "subnet-0aaaaaaaaaaaaaaa2".into()],
///     &sg,
/// ));
/// let app_tg = ApplicationTargetGroup::new(&stack, "AppTg",
///     TargetGroupProps::new("vpc-0123456789abcdef0", 8080));
/// let https = alb.add_listener("Https", ApplicationListenerProps {
///     certificate_arn: Some("arn:aws:acm:us-east-1:123456789012:certificate/abc".into()),
///     ssl_policy: Some("ELBSecurityPolicy-TLS-1-2-2019-07".into()),
///     ..ApplicationListenerProps::new(ListenerAction::forward(&app_tg))
/// });
/// https.add_rule("Health", ListenerRuleProps::new(
///     20,
///     vec![ListenerCondition::path_patterns(["/health"])],
///     ListenerAction::fixed_response(200, Some("ok")),
/// ));
/// alb.add_redirect();
/// let template = &app.synth().expect("valid").stacks[0].template;
/// let id = strata::logical_id(&["Alb", "Https", "Resource"]);
/// assert_eq!(template["Resources"][id.as_str()]["Properties"]["Port"], 443);
/// ```
#[derive(Clone, Debug)]
pub struct ApplicationListener {
    scope: Scope,
    resource: cfn::ListenerRef,
    lb: LoadBalancerLink,
    rules: Rc<RefCell<Rules>>,
}

impl ApplicationListener {
    pub(crate) fn new(
        lb: &ApplicationLoadBalancer,
        id: &str,
        props: ApplicationListenerProps,
    ) -> ApplicationListener {
        let scope = lb.scope().child(id);
        let port = props.port.unwrap_or(props.protocol.default_port());
        for p in listener_problems(&props, port) {
            scope.error("elbv2-listener", p);
        }
        let https = props.protocol == ApplicationProtocol::Https;
        let resource = scope.resource(
            "Resource",
            cfn::Listener {
                certificates: props.certificate_arn.clone().map(|arn| {
                    Value::list([l::Certificate {
                        certificate_arn: Some(arn),
                    }])
                }),
                port: Some(i64::from(port).into()),
                protocol: Some(props.protocol.code().into()),
                ssl_policy: https.then(|| {
                    props
                        .ssl_policy
                        .as_deref()
                        .unwrap_or(DEFAULT_SSL_POLICY)
                        .into()
                }),
                ..cfn::Listener::new(
                    Value::list([render_action!(l, &props.default_action)]),
                    lb.load_balancer_arn(),
                )
            },
        );
        let listener = ApplicationListener {
            scope,
            resource,
            lb: lb.link(),
            rules: Rc::new(RefCell::new(Rules::default())),
        };
        for peer in props.allow_from {
            // The CDK's wording for an open listener; other peers get the
            // group's default `from <peer>:<port>`.
            let description = if peer == Peer::any_ipv4() {
                format!("Allow from anyone on port {port}")
            } else {
                String::new()
            };
            for group in lb.security_groups() {
                group.allow_from(peer.clone(), Port::tcp(port), &description);
            }
        }
        if let Some(g) = props.default_action.target_group() {
            g.attach(*listener.resource, &listener.lb);
        }
        listener
    }

    /// Adds a rule at `<listener>/<id>Rule/Resource` (the CDK's
    /// `addAction`). Two rules of a listener cannot share a priority.
    pub fn add_rule(&self, id: &str, props: ListenerRuleProps) -> ListenerRule {
        let scope = self.scope.child(&format!("{id}Rule"));
        let mut problems = Vec::new();
        if !(1..=50_000).contains(&props.priority) {
            problems.push(format!("priority {} is outside 1-50000", props.priority));
        }
        {
            let mut rules = self.rules.borrow_mut();
            if let Some((_, other)) = rules.taken.iter().find(|(p, _)| *p == props.priority) {
                problems.push(format!(
                    "priority {} is already used by rule {other:?} of this listener; give each rule its own priority",
                    props.priority
                ));
            } else {
                rules.taken.push((props.priority, id.to_string()));
            }
        }
        if props.conditions.is_empty() {
            problems.push(
                "a rule needs at least one condition, such as ListenerCondition::path_patterns([\"/api/*\"])"
                    .into(),
            );
        }
        let values: usize = props
            .conditions
            .iter()
            .map(ListenerCondition::value_count)
            .sum();
        if values > 5 {
            problems.push(format!(
                "the rule's conditions have {values} values; a rule allows at most 5"
            ));
        }
        for c in &props.conditions {
            problems.extend(c.problems());
        }
        problems.extend(props.action.problems());
        for p in problems {
            scope.error("elbv2-listener-rule", p);
        }
        let resource = scope.resource(
            "Resource",
            cfn::ListenerRule {
                listener_arn: Some(self.listener_arn()),
                ..cfn::ListenerRule::new(
                    Value::list([render_action!(r, &props.action)]),
                    Value::list(props.conditions.iter().map(ListenerCondition::render)),
                    i64::from(props.priority),
                )
            },
        );
        if let Some(g) = props.action.target_group() {
            g.attach(*resource, &self.lb);
        }
        ListenerRule { scope, resource }
    }

    /// The listener's ARN (`Ref`).
    pub fn listener_arn(&self) -> Value<String> {
        self.resource.ref_()
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::ListenerRef {
        &self.resource
    }

    /// The listener's construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The security groups of the listener's load balancer.
    pub fn security_groups(&self) -> &[SecurityGroup] {
        &self.lb.security_groups
    }
}

/// Settings of a listener rule.
#[derive(Clone, Debug)]
pub struct ListenerRuleProps {
    /// Evaluation order, 1–50000, lowest first; unique per listener.
    pub priority: u32,
    /// All must match (at most five values in total).
    pub conditions: Vec<ListenerCondition>,
    /// What matching requests get.
    pub action: ListenerAction,
}

impl ListenerRuleProps {
    /// A rule with its priority, conditions and action.
    pub fn new(priority: u32, conditions: Vec<ListenerCondition>, action: ListenerAction) -> Self {
        ListenerRuleProps {
            priority,
            conditions,
            action,
        }
    }
}

/// An `AWS::ElasticLoadBalancingV2::ListenerRule`.
#[derive(Clone, Debug)]
pub struct ListenerRule {
    scope: Scope,
    resource: cfn::ListenerRuleRef,
}

impl ListenerRule {
    /// The rule's ARN (`Ref`).
    pub fn rule_arn(&self) -> Value<String> {
        self.resource.ref_()
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::ListenerRuleRef {
        &self.resource
    }

    /// The rule's construct scope (`<listener>/<id>Rule`).
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

fn listener_problems(props: &ApplicationListenerProps, port: u16) -> Vec<String> {
    let mut out = Vec::new();
    if port == 0 {
        out.push("listener port 0 is not a port; use 1 to 65535".into());
    }
    match props.protocol {
        ApplicationProtocol::Https => {
            if props.certificate_arn.is_none() {
                out.push(
                    "an HTTPS listener needs certificate_arn, such as an ACM certificate ARN from a stack parameter"
                        .into(),
                );
            }
            if let Some(Value::Lit(arn)) = &props.certificate_arn {
                if !arn.starts_with("arn:") {
                    out.push(format!("certificate {arn:?} is not an ARN"));
                }
            }
            if let Some(p) = &props.ssl_policy {
                if !p.starts_with("ELBSecurityPolicy-") {
                    out.push(format!(
                        "SSL policy {p:?} is not a predefined ELB security policy (ELBSecurityPolicy-...), such as {DEFAULT_SSL_POLICY}"
                    ));
                }
            }
        }
        ApplicationProtocol::Http => {
            if props.certificate_arn.is_some() || props.ssl_policy.is_some() {
                out.push(
                    "an HTTP listener takes no certificate or SSL policy; use protocol HTTPS"
                        .into(),
                );
            }
        }
    }
    out.extend(props.default_action.problems());
    out
}
