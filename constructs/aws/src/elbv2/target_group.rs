//! Application target groups: the port and protocol traffic is sent on,
//! the health check that decides which targets get it, deregistration
//! delay and cookie stickiness, rendered into an
//! `AWS::ElasticLoadBalancingV2::TargetGroup` at `<id>/Resource`.
//!
//! A target group also remembers where it is attached (listeners and
//! rules) and who is registered in it (ECS services), so that each member
//! waits for the attachment (`DependsOn`) and the load balancer's security
//! groups may reach the members on their ports, whichever side is declared
//! first — as the CDK's `loadBalancerAttached` and `registerConnectable` do.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use strata_cfn::elastic_load_balancing_v2 as cfn;
use strata_cfn::elastic_load_balancing_v2::target_group as tg;
use strata_core::{Handle, Scope, Value};

use crate::ec2::{Port, SecurityGroup};

use super::{seconds, ApplicationProtocol};

/// What the group's targets are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TargetType {
    /// IP addresses: Fargate tasks and other `awsvpc` targets.
    #[default]
    Ip,
    /// EC2 instance ids.
    Instance,
}

impl TargetType {
    fn code(self) -> &'static str {
        match self {
            TargetType::Ip => "ip",
            TargetType::Instance => "instance",
        }
    }
}

/// The HTTP version requests are sent to targets with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProtocolVersion {
    /// `HTTP1`.
    Http1,
    /// `HTTP2`.
    Http2,
    /// `GRPC`.
    Grpc,
}

impl ProtocolVersion {
    fn code(self) -> &'static str {
        match self {
            ProtocolVersion::Http1 => "HTTP1",
            ProtocolVersion::Http2 => "HTTP2",
            ProtocolVersion::Grpc => "GRPC",
        }
    }
}

/// How the load balancer spreads requests over healthy targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadBalancingAlgorithm {
    /// `round_robin` (the default).
    RoundRobin,
    /// `least_outstanding_requests`.
    LeastOutstandingRequests,
}

/// The health check of a target group. `Default` is the load balancer's
/// own default: `GET /` on the traffic port every 30 s with a 5 s timeout,
/// 5 successes to become healthy, 2 failures to become unhealthy, `200`.
///
/// ```
/// use std::time::Duration;
/// use strata::elbv2::HealthCheck;
/// let check = HealthCheck {
///     path: "/health".into(),
///     healthy_threshold: 2,
///     unhealthy_threshold: 3,
///     ..HealthCheck::default()
/// };
/// assert_eq!(check.interval, Duration::from_secs(30));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct HealthCheck {
    /// The path requested (1–1024 characters, starting with `/`).
    pub path: String,
    /// A port other than the traffic port, such as a separate health port.
    pub port: Option<u16>,
    /// The protocol of the check; `None` uses the group's protocol.
    pub protocol: Option<ApplicationProtocol>,
    /// Time between checks, 5–300 s.
    pub interval: Duration,
    /// Time without a response that fails a check, 2–120 s and less than
    /// the interval.
    pub timeout: Duration,
    /// Consecutive successes before a target is healthy, 2–10.
    pub healthy_threshold: u32,
    /// Consecutive failures before a target is unhealthy, 2–10.
    pub unhealthy_threshold: u32,
    /// The HTTP codes of a healthy response: `200`, `200,202` or `200-299`
    /// (codes from 200 to 499).
    pub healthy_http_codes: String,
}

impl Default for HealthCheck {
    fn default() -> Self {
        HealthCheck {
            path: "/".into(),
            port: None,
            protocol: None,
            interval: Duration::from_secs(30),
            timeout: Duration::from_secs(5),
            healthy_threshold: 5,
            unhealthy_threshold: 2,
            healthy_http_codes: "200".into(),
        }
    }
}

impl HealthCheck {
    /// Why the load balancer would reject this health check.
    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.path.starts_with('/') || self.path.len() > 1024 {
            out.push(format!(
                "health check path {:?} must start with '/' and be at most 1024 characters",
                self.path
            ));
        }
        if self.port == Some(0) {
            out.push("health check port 0 is not a port; use 1 to 65535 or leave it unset for the traffic port".into());
        }
        let interval = seconds(self.interval);
        let timeout = seconds(self.timeout);
        match (interval, timeout) {
            (Some(i), Some(t)) => {
                if !(5..=300).contains(&i) {
                    out.push(format!(
                        "health check interval {i} s is out of range; use 5 to 300 seconds"
                    ));
                }
                if !(2..=120).contains(&t) {
                    out.push(format!(
                        "health check timeout {t} s is out of range; use 2 to 120 seconds"
                    ));
                }
                if t >= i {
                    out.push(format!(
                        "health check timeout {t} s must be less than the interval {i} s; shorten the timeout or lengthen the interval"
                    ));
                }
            }
            _ => out.push("health check interval and timeout are whole seconds".into()),
        }
        for (what, n) in [
            ("healthy", self.healthy_threshold),
            ("unhealthy", self.unhealthy_threshold),
        ] {
            if !(2..=10).contains(&n) {
                out.push(format!(
                    "{what} threshold {n} is out of range; use 2 to 10 consecutive checks"
                ));
            }
        }
        if !http_codes_valid(&self.healthy_http_codes) {
            out.push(format!(
                "healthy HTTP codes {:?} are invalid; use codes from 200 to 499 as \"200\", \"200,202\" or \"200-299\"",
                self.healthy_http_codes
            ));
        }
        out
    }
}

/// `200`, `200,202`, `200-299`, or a mix, each code from 200 to 499.
fn http_codes_valid(codes: &str) -> bool {
    let code = |s: &str| s.parse::<u16>().is_ok_and(|c| (200..=499).contains(&c));
    !codes.is_empty()
        && codes.split(',').all(|part| match part.split_once('-') {
            Some((a, b)) => code(a) && code(b) && a.parse::<u16>().ok() < b.parse::<u16>().ok(),
            None => code(part),
        })
}

/// Settings of an [`ApplicationTargetGroup`]. `TargetGroupProps::new(vpc_id, port)`
/// gives an HTTP group of IP targets with the default health check.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetGroupProps {
    /// The VPC of the targets, such as `vpc.vpc_id()`.
    pub vpc_id: Value<String>,
    /// The port targets receive traffic on, 1–65535 (ECS services register
    /// their container port instead).
    pub port: u32,
    /// `HTTP` or `HTTPS` to the targets.
    pub protocol: ApplicationProtocol,
    /// The HTTP version to the targets; `None` is HTTP/1.1.
    pub protocol_version: Option<ProtocolVersion>,
    /// IP addresses (Fargate) or instances.
    pub target_type: TargetType,
    /// A physical name (up to 32 letters, digits and inner hyphens); unset
    /// lets CloudFormation name it.
    pub target_group_name: Option<String>,
    /// The health check.
    pub health_check: HealthCheck,
    /// How long a deregistering target keeps its in-flight requests,
    /// 0–3600 s (the load balancer's default is 300 s).
    pub deregistration_delay: Option<Duration>,
    /// Load-balancer cookie stickiness for this long (1 s to 7 days);
    /// `None` disables stickiness.
    pub stickiness_cookie_duration: Option<Duration>,
    /// Ramp new targets up over this long, 30–900 s.
    pub slow_start: Option<Duration>,
    /// How requests are spread over targets.
    pub load_balancing_algorithm: Option<LoadBalancingAlgorithm>,
}

impl TargetGroupProps {
    /// An HTTP group of IP targets on `port` in the VPC `vpc_id`.
    pub fn new(vpc_id: impl Into<Value<String>>, port: u32) -> Self {
        TargetGroupProps {
            vpc_id: vpc_id.into(),
            port,
            protocol: ApplicationProtocol::Http,
            protocol_version: None,
            target_type: TargetType::Ip,
            target_group_name: None,
            health_check: HealthCheck::default(),
            deregistration_delay: None,
            stickiness_cookie_duration: None,
            slow_start: None,
            load_balancing_algorithm: None,
        }
    }
}

/// What a listener or rule tells a target group about its load balancer.
#[derive(Clone, Debug)]
pub(crate) struct LoadBalancerLink {
    /// The load balancer's construct path, to tell load balancers apart.
    pub(crate) path: String,
    /// Its security groups, which must reach the group's members.
    pub(crate) security_groups: Vec<SecurityGroup>,
    /// `LoadBalancerFullName`, for metrics and request-count scaling.
    pub(crate) full_name: Value<String>,
}

#[derive(Debug)]
struct Member {
    resource: Scope,
    groups: Vec<SecurityGroup>,
    ports: Vec<Port>,
}

#[derive(Debug, Default)]
struct Links {
    /// The listeners or rules that forward to the group, with their load balancer.
    attachments: Vec<(Handle, LoadBalancerLink)>,
    members: Vec<Member>,
}

/// An `AWS::ElasticLoadBalancingV2::TargetGroup` for an Application Load
/// Balancer.
///
/// ```
/// use std::time::Duration;
/// use strata::prelude::*;
/// use strata::elbv2::{ApplicationTargetGroup, HealthCheck, TargetGroupProps};
///
/// let app = App::new();
/// let stack = app.stack("Web", StackProps::default());
/// let group = ApplicationTargetGroup::new(&stack, "ConversationManager", TargetGroupProps {
///     target_group_name: Some("conversation-manager-tg".into()),
///     health_check: HealthCheck { path: "/health".into(), ..HealthCheck::default() },
///     deregistration_delay: Some(Duration::from_secs(30)),
///     ..TargetGroupProps::new("vpc-0123456789abcdef0", 8080)
/// });
/// let template = &app.synth().expect("valid").stacks[0].template;
/// let id = strata::logical_id(&["ConversationManager", "Resource"]);
/// let props = &template["Resources"][id.as_str()]["Properties"];
/// assert_eq!(props["TargetType"], "ip");
/// assert_eq!(props["HealthCheckPath"], "/health");
/// # let _ = group;
/// ```
#[derive(Clone, Debug)]
pub struct ApplicationTargetGroup {
    scope: Scope,
    resource: cfn::TargetGroupRef,
    port: u32,
    target_type: TargetType,
    health_check_port: Option<u16>,
    links: Rc<RefCell<Links>>,
}

impl ApplicationTargetGroup {
    /// Adds the target group under `scope` at `<id>/Resource`.
    pub fn new(scope: &Scope, id: &str, props: TargetGroupProps) -> ApplicationTargetGroup {
        let scope = scope.child(id);
        for p in problems(&props) {
            scope.error("elbv2-target-group", p);
        }
        let resource = scope.resource("Resource", render(&props));
        ApplicationTargetGroup {
            scope,
            resource,
            port: props.port,
            target_type: props.target_type,
            health_check_port: props.health_check.port,
            links: Rc::new(RefCell::new(Links::default())),
        }
    }

    /// The group's ARN (`Ref`).
    pub fn target_group_arn(&self) -> Value<String> {
        self.resource.ref_()
    }

    /// The group's full name, `targetgroup/<name>/<id>`, the `TargetGroup`
    /// dimension of its CloudWatch metrics.
    pub fn target_group_full_name(&self) -> Value<String> {
        self.resource.target_group_full_name()
    }

    /// The group's name.
    pub fn target_group_name(&self) -> Value<String> {
        self.resource.target_group_name()
    }

    /// The full name of the first load balancer forwarding to the group
    /// (the `LoadBalancer` dimension of its metrics); `None` until a
    /// listener or rule forwards to it.
    pub fn load_balancer_full_name(&self) -> Option<Value<String>> {
        self.links
            .borrow()
            .attachments
            .first()
            .map(|(_, lb)| lb.full_name.clone())
    }

    /// The traffic port.
    pub fn port(&self) -> u32 {
        self.port
    }

    /// IP or instance targets.
    pub fn target_type(&self) -> TargetType {
        self.target_type
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::TargetGroupRef {
        &self.resource
    }

    /// The group's construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The ports members must accept from the load balancer: `port`, and
    /// the health check port when it differs.
    pub(crate) fn member_ports(&self, port: u16) -> Vec<Port> {
        let mut ports = vec![Port::tcp(port)];
        if let Some(h) = self.health_check_port.filter(|h| *h != port) {
            ports.push(Port::tcp(h));
        }
        ports
    }

    /// Records that the listener or rule `attachment` forwards to this
    /// group from the load balancer `lb`.
    pub(crate) fn attach(&self, attachment: Handle, lb: &LoadBalancerLink) {
        let members = {
            let mut links = self.links.borrow_mut();
            if let Some((_, other)) = links.attachments.iter().find(|(_, l)| l.path != lb.path) {
                self.scope.error(
                    "elbv2-target-group-attachment",
                    format!(
                        "the target group is already used by load balancer {}; an application target group serves one load balancer, so create another group for {}",
                        other.path, lb.path
                    ),
                );
                return;
            }
            if links.attachments.iter().any(|(h, _)| *h == attachment) {
                return;
            }
            links.attachments.push((attachment, lb.clone()));
            links
                .members
                .iter()
                .map(|m| (m.resource.clone(), m.groups.clone(), m.ports.clone()))
                .collect::<Vec<_>>()
        };
        for (resource, groups, ports) in members {
            depend_on(&resource, attachment);
            connect(&lb.security_groups, &groups, &ports);
        }
    }

    /// Registers the resource at `resource` (an ECS service) as a member
    /// reached through `groups` on `ports`: it waits for every attachment,
    /// and the load balancers' groups may reach it.
    pub(crate) fn register(&self, resource: &Scope, groups: &[SecurityGroup], ports: Vec<Port>) {
        let attachments = {
            let mut links = self.links.borrow_mut();
            links.members.push(Member {
                resource: resource.clone(),
                groups: groups.to_vec(),
                ports: ports.clone(),
            });
            links.attachments.clone()
        };
        for (handle, lb) in attachments {
            depend_on(resource, handle);
            connect(&lb.security_groups, groups, &ports);
        }
    }
}

fn depend_on(resource: &Scope, handle: Handle) {
    resource.with_options(|o| {
        if !o.depends_on.contains(&handle) {
            o.depends_on.push(handle);
        }
    });
}

/// Lets the load balancer's groups reach the member's groups on `ports`
/// (egress on the former, ingress on the latter), as the CDK's
/// `connections.allowTo(target, port, 'Load balancer to target')`.
fn connect(lb_groups: &[SecurityGroup], member_groups: &[SecurityGroup], ports: &[Port]) {
    for lb in lb_groups {
        for member in member_groups {
            for port in ports {
                member.connect_from(lb, port.clone(), "Load balancer to target");
            }
        }
    }
}

fn attribute(key: &str, value: String) -> Value<tg::TargetGroupAttribute> {
    tg::TargetGroupAttribute {
        key: Some(key.into()),
        value: Some(value.into()),
    }
    .into()
}

fn render(props: &TargetGroupProps) -> cfn::TargetGroup {
    let hc = &props.health_check;
    let mut attributes = Vec::new();
    if let Some(d) = props.deregistration_delay.and_then(seconds) {
        attributes.push(attribute(
            "deregistration_delay.timeout_seconds",
            d.to_string(),
        ));
    }
    if let Some(d) = props.slow_start.and_then(seconds) {
        attributes.push(attribute("slow_start.duration_seconds", d.to_string()));
    }
    match props.stickiness_cookie_duration.and_then(seconds) {
        Some(d) => {
            attributes.push(attribute("stickiness.enabled", "true".into()));
            attributes.push(attribute("stickiness.type", "lb_cookie".into()));
            attributes.push(attribute(
                "stickiness.lb_cookie.duration_seconds",
                d.to_string(),
            ));
        }
        None => attributes.push(attribute("stickiness.enabled", "false".into())),
    }
    if let Some(a) = props.load_balancing_algorithm {
        let code = match a {
            LoadBalancingAlgorithm::RoundRobin => "round_robin",
            LoadBalancingAlgorithm::LeastOutstandingRequests => "least_outstanding_requests",
        };
        attributes.push(attribute("load_balancing.algorithm.type", code.into()));
    }
    cfn::TargetGroup {
        health_check_enabled: Some(true.into()),
        health_check_interval_seconds: seconds(hc.interval).map(Value::from),
        health_check_path: Some(hc.path.as_str().into()),
        health_check_port: hc.port.map(|p| p.to_string().into()),
        health_check_protocol: hc.protocol.map(|p| p.code().into()),
        health_check_timeout_seconds: seconds(hc.timeout).map(Value::from),
        healthy_threshold_count: Some(i64::from(hc.healthy_threshold).into()),
        unhealthy_threshold_count: Some(i64::from(hc.unhealthy_threshold).into()),
        matcher: Some(
            tg::Matcher {
                http_code: Some(hc.healthy_http_codes.as_str().into()),
                ..tg::Matcher::new()
            }
            .into(),
        ),
        name: props.target_group_name.as_deref().map(Value::from),
        port: Some(i64::from(props.port).into()),
        protocol: Some(props.protocol.code().into()),
        protocol_version: props.protocol_version.map(|v| v.code().into()),
        target_group_attributes: Some(Value::Lit(attributes)),
        target_type: Some(props.target_type.code().into()),
        vpc_id: Some(props.vpc_id.clone()),
        ..cfn::TargetGroup::new()
    }
}

/// What Elastic Load Balancing would reject about these props.
fn problems(props: &TargetGroupProps) -> Vec<String> {
    let mut out = Vec::new();
    if !(1..=65535).contains(&props.port) {
        out.push(format!(
            "port {} is outside 1-65535; give the port the targets listen on",
            props.port
        ));
    }
    if props.vpc_id.as_literal().is_some_and(String::is_empty) {
        out.push("vpc_id is empty; pass the targets' VPC, such as vpc.vpc_id()".into());
    }
    if let Some(name) = &props.target_group_name {
        let ok = !name.is_empty()
            && name.len() <= 32
            && !name.starts_with('-')
            && !name.ends_with('-')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !ok {
            out.push(format!(
                "target group name {name:?} is invalid: use 1 to 32 letters, digits and hyphens, not starting or ending with a hyphen"
            ));
        }
    }
    out.extend(props.health_check.problems());
    let ranged = [
        (props.deregistration_delay, "deregistration delay", 0, 3600),
        (
            props.stickiness_cookie_duration,
            "stickiness cookie duration",
            1,
            604_800,
        ),
        (props.slow_start, "slow start", 30, 900),
    ];
    for (d, what, lo, hi) in ranged {
        if let Some(d) = d {
            match seconds(d) {
                Some(s) if (lo..=hi).contains(&s) => {}
                _ => out.push(format!(
                    "{what} of {d:?} is out of range; use whole seconds from {lo} to {hi}"
                )),
            }
        }
    }
    if props.slow_start.is_some()
        && props.load_balancing_algorithm == Some(LoadBalancingAlgorithm::LeastOutstandingRequests)
    {
        out.push(
            "slow start cannot be combined with the least outstanding requests algorithm; drop one of them"
                .into(),
        );
    }
    out
}
