//! Application Load Balancers: the load balancer with its security groups,
//! access logs and attributes; HTTPS and redirecting HTTP listeners with
//! path rules; target groups with health checks, deregistration delay and
//! stickiness. Logical IDs follow the CDK's construct paths
//! (`<lb>/Resource`, `<lb>/<listener>/Resource`,
//! `<lb>/<listener>/<rule>Rule/Resource`, `<group>/Resource`).

mod listener;
mod load_balancer;
mod target_group;

use std::time::Duration;

pub use listener::{
    ApplicationListener, ApplicationListenerProps, ListenerAction, ListenerCondition, ListenerRule,
    ListenerRuleProps, RedirectOptions,
};
pub use load_balancer::{
    AccessLogs, ApplicationLoadBalancer, ApplicationLoadBalancerProps, IpAddressType,
};
pub use target_group::{
    ApplicationTargetGroup, HealthCheck, LoadBalancingAlgorithm, ProtocolVersion, TargetGroupProps,
    TargetType,
};

/// The protocol of a listener or of the traffic to targets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ApplicationProtocol {
    /// `HTTP`.
    #[default]
    Http,
    /// `HTTPS`.
    Https,
}

impl ApplicationProtocol {
    /// `HTTP` or `HTTPS`.
    pub fn code(self) -> &'static str {
        match self {
            ApplicationProtocol::Http => "HTTP",
            ApplicationProtocol::Https => "HTTPS",
        }
    }

    /// 80 for HTTP, 443 for HTTPS.
    pub fn default_port(self) -> u16 {
        match self {
            ApplicationProtocol::Http => 80,
            ApplicationProtocol::Https => 443,
        }
    }
}

/// Whole seconds of `d`, or `None` when it has a fraction.
pub(crate) fn seconds(d: Duration) -> Option<i64> {
    (d.subsec_nanos() == 0).then(|| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
