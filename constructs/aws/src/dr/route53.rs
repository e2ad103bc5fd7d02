//! DNS failover: a Route 53 health check on the primary endpoint and a
//! PRIMARY and a SECONDARY failover record of one name, so resolvers get
//! the secondary endpoint while the primary fails its checks.

use std::time::Duration;

use strata_cfn::route53::{self as cfn, health_check as hc, record_set as rs};
use strata_core::{Scope, Value};

/// The hosted zone the failover records go into.
#[derive(Clone, Debug)]
pub struct HostedZone {
    /// The zone's ID, such as `Z0123456789ABCDEFGHIJ`.
    pub zone_id: Value<String>,
    /// The zone's domain name, such as `yourdomain.com`.
    pub zone_name: String,
}

/// Where a failover record sends clients.
#[derive(Clone, Debug)]
pub enum Endpoint {
    /// A host name, answered with a CNAME record (not at the zone apex).
    Domain(Value<String>),
    /// An alias `A` record to an AWS endpoint such as a load balancer,
    /// which also evaluates the target's own health.
    Alias {
        /// The target's DNS name, such as a load balancer's `DNSName`.
        dns_name: Value<String>,
        /// The target's canonical hosted zone ID.
        hosted_zone_id: Value<String>,
    },
}

impl Endpoint {
    fn host(&self) -> &Value<String> {
        match self {
            Endpoint::Domain(h) => h,
            Endpoint::Alias { dns_name, .. } => dns_name,
        }
    }
}

/// The HTTPS health check on the primary endpoint.
#[derive(Clone, Debug)]
pub struct HealthCheckSettings {
    /// The path requested, such as `/health`.
    pub path: String,
    /// The port, 443 by default.
    pub port: u16,
    /// Time between checks from each checker: 10 or 30 seconds.
    pub interval: Duration,
    /// Consecutive failed checks before the endpoint counts as down, 1 to 10.
    pub failure_threshold: u32,
}

impl Default for HealthCheckSettings {
    /// Seed 000's check: `/health` on 443 every 30 seconds, down after 3
    /// consecutive failures.
    fn default() -> Self {
        HealthCheckSettings {
            path: "/health".into(),
            port: 443,
            interval: Duration::from_secs(30),
            failure_threshold: 3,
        }
    }
}

/// Settings of DNS failover between the two Regions.
#[derive(Clone, Debug)]
pub struct FailoverDnsProps {
    /// The hosted zone.
    pub zone: HostedZone,
    /// The name clients resolve, such as `api.yourdomain.com`.
    pub record_name: String,
    /// The endpoint in the primary Region, health-checked.
    pub primary: Endpoint,
    /// The endpoint in the secondary Region.
    pub secondary: Endpoint,
    /// The health check on the primary endpoint.
    pub health_check: HealthCheckSettings,
    /// How long resolvers cache a CNAME answer (60 seconds by default).
    /// Alias records take the target's TTL (60 seconds for load
    /// balancers); set this to it so the RTO check counts it.
    pub ttl: Duration,
}

impl FailoverDnsProps {
    /// Failover of `record_name` in `zone` from `primary` to `secondary`,
    /// with seed 000's health check and a 60-second TTL.
    pub fn new(
        zone: HostedZone,
        record_name: &str,
        primary: Endpoint,
        secondary: Endpoint,
    ) -> Self {
        FailoverDnsProps {
            zone,
            record_name: record_name.to_string(),
            primary,
            secondary,
            health_check: HealthCheckSettings::default(),
            ttl: Duration::from_secs(60),
        }
    }
}

/// The health check and the two failover records, at `<id>/HealthCheck`,
/// `<id>/Primary` and `<id>/Secondary`, made by
/// [`MultiRegionDR::failover_dns`](super::MultiRegionDR::failover_dns).
///
/// ```
/// use std::time::Duration;
/// use strata::dr::{Endpoint, FailoverDnsProps, HostedZone, MultiRegionDR, MultiRegionDRProps};
/// use strata::prelude::*;
/// let app = App::new();
/// let env = |region| StackProps { env: Environment::new("123456789012", region), ..Default::default() };
/// let west = app.stack("West", env("us-west-2"));
/// let east = app.stack("East", env("us-east-1"));
/// let dr = MultiRegionDR::new(&east, &west, "Dr", MultiRegionDRProps::new(
///     "us-east-1", "us-west-2", Duration::from_secs(900), Duration::from_secs(300),
/// ));
/// dr.failover_dns("Api", FailoverDnsProps::new(
///     HostedZone { zone_id: "Z0123456789ABCDEFGHIJ".into(), zone_name: "yourdomain.com".into() },
///     "api.yourdomain.com",
///     Endpoint::Domain("api-east.yourdomain.com".into()),
///     Endpoint::Domain("api-west.yourdomain.com".into()),
/// ));
/// let t = &app.synth().expect("valid").stacks[1].template;
/// let check = &t["Resources"][strata::logical_id(&["Dr", "Api", "HealthCheck"]).as_str()];
/// assert_eq!(check["Properties"]["HealthCheckConfig"]["RequestInterval"], 30);
/// assert_eq!(check["Properties"]["HealthCheckConfig"]["FailureThreshold"], 3);
/// ```
#[derive(Clone, Debug)]
pub struct FailoverDns {
    scope: Scope,
    health_check: cfn::HealthCheckRef,
    primary: cfn::RecordSetRef,
    secondary: cfn::RecordSetRef,
}

impl FailoverDns {
    /// Adds the health check and records under `scope`; problems with the
    /// props are reported at synth with the construct's path.
    pub(super) fn new(scope: &Scope, id: &str, props: &FailoverDnsProps) -> FailoverDns {
        let scope = scope.child(id);
        for p in problems(props) {
            scope.error("dr-dns", p);
        }
        let check = &props.health_check;
        let health_check = scope.resource(
            "HealthCheck",
            cfn::HealthCheck {
                health_check_tags: Some(Value::list([hc::HealthCheckTag::new(
                    "Name",
                    format!("{} primary", props.record_name).as_str(),
                )])),
                ..cfn::HealthCheck::new(hc::HealthCheckConfig {
                    enable_sni: Some(true.into()),
                    failure_threshold: Some(i64::from(check.failure_threshold).into()),
                    fully_qualified_domain_name: Some(props.primary.host().clone()),
                    port: Some(i64::from(check.port).into()),
                    request_interval: Some(secs(check.interval).into()),
                    resource_path: Some(check.path.as_str().into()),
                    ..hc::HealthCheckConfig::new("HTTPS")
                })
            },
        );
        let record = |role: &str, endpoint: &Endpoint, check: Option<Value<String>>| {
            let (kind, ttl, records, alias) = match endpoint {
                Endpoint::Domain(host) => (
                    "CNAME",
                    Some(secs(props.ttl).to_string().into()),
                    Some(Value::list([host.clone()])),
                    None,
                ),
                Endpoint::Alias {
                    dns_name,
                    hosted_zone_id,
                } => (
                    "A",
                    None,
                    None,
                    Some(
                        rs::AliasTarget {
                            evaluate_target_health: Some(true.into()),
                            ..rs::AliasTarget::new(dns_name.clone(), hosted_zone_id.clone())
                        }
                        .into(),
                    ),
                ),
            };
            cfn::RecordSet {
                alias_target: alias,
                failover: Some(role.into()),
                health_check_id: check,
                hosted_zone_id: Some(props.zone.zone_id.clone()),
                resource_records: records,
                set_identifier: Some(role.to_lowercase().as_str().into()),
                ttl,
                ..cfn::RecordSet::new(fqdn(&props.record_name).as_str(), kind)
            }
        };
        let primary = scope.resource(
            "Primary",
            record("PRIMARY", &props.primary, Some(health_check.ref_())),
        );
        let secondary = scope.resource("Secondary", record("SECONDARY", &props.secondary, None));
        FailoverDns {
            scope,
            health_check,
            primary,
            secondary,
        }
    }

    /// The health check's ID (`Ref`), for alarms on its status.
    pub fn health_check_id(&self) -> Value<String> {
        self.health_check.ref_()
    }

    /// The PRIMARY record.
    pub fn primary_record(&self) -> cfn::RecordSetRef {
        self.primary
    }

    /// The SECONDARY record.
    pub fn secondary_record(&self) -> cfn::RecordSetRef {
        self.secondary
    }

    /// The construct's scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// `api.example.com` → `api.example.com.`
fn fqdn(name: &str) -> String {
    format!("{}.", name.trim_end_matches('.'))
}

fn problems(p: &FailoverDnsProps) -> Vec<String> {
    let mut out = Vec::new();
    let check = &p.health_check;
    if check.interval != Duration::from_secs(10) && check.interval != Duration::from_secs(30) {
        out.push(format!(
            "a health check interval of {:?} is not one Route 53 offers; use 10 or 30 seconds",
            check.interval
        ));
    }
    if !(1..=10).contains(&check.failure_threshold) {
        out.push(format!(
            "a failure threshold of {} is outside Route 53's 1 to 10",
            check.failure_threshold
        ));
    }
    if check.port == 0 {
        out.push("the health check port must be 1 to 65535".to_string());
    }
    if !check.path.starts_with('/') {
        out.push(format!(
            "the health check path {:?} must start with '/', such as \"/health\"",
            check.path
        ));
    }
    let zone = p.zone.zone_name.trim_end_matches('.').to_lowercase();
    let name = p.record_name.trim_end_matches('.').to_lowercase();
    if name != zone && !name.ends_with(&format!(".{zone}")) {
        out.push(format!(
            "{:?} is not in the hosted zone {:?}; use a name that ends with the zone's",
            p.record_name, p.zone.zone_name
        ));
    }
    let cname =
        matches!(p.primary, Endpoint::Domain(_)) || matches!(p.secondary, Endpoint::Domain(_));
    if name == zone && cname {
        out.push(format!(
            "{:?} is the zone apex, where DNS allows no CNAME; give alias endpoints or a name below the apex",
            p.record_name
        ));
    }
    if p.ttl.is_zero() || p.ttl.as_secs() > 86_400 {
        out.push(format!(
            "a TTL of {:?} is not usable for failover; use 1 second to a day (60 seconds is typical)",
            p.ttl
        ));
    }
    out
}
