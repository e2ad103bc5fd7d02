//! Recovery objectives: what each protected resource can promise, from the
//! numbers AWS publishes, and the synth checks of the declared RTO and RPO
//! against them.
//!
//! | What | Number | Source |
//! | --- | --- | --- |
//! | DynamoDB global table replication | about 1 s | DynamoDB Developer Guide, *Global tables*: a write is usually propagated to every replica within a second |
//! | Aurora global database replication | about 1 s | Aurora User Guide, *Overview of Aurora Global Database*: typical lag under a second |
//! | Aurora secondary promotion | 1 min | same page: a secondary Region takes read/write workloads in under a minute |
//! | S3 replication with Replication Time Control | 15 min | S3 User Guide, *S3 Replication Time Control*: 99.99% of objects within 15 minutes, under the S3 SLA; without it S3 states no bound |
//! | Route 53 failure detection | interval × threshold | Route 53 Developer Guide, *How Route 53 determines whether a health check is healthy* |
//! | Pilot light recovery | 30 min | AWS whitepaper *Disaster Recovery of Workloads on AWS*: pilot light recovers in tens of minutes, warm standby in minutes; Strata counts the lower end of "tens" generously as 30 minutes, because compute starts from zero |
//!
//! A headless Aurora secondary must first create a DB instance, for which
//! AWS gives no bound; Strata counts it as a pilot light.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use strata_core::{Aspect, Scope};

/// DynamoDB global tables replicate within about a second.
pub const DYNAMODB_REPLICATION: Duration = Duration::from_secs(1);
/// Aurora global databases replicate with lag under a second.
pub const AURORA_REPLICATION: Duration = Duration::from_secs(1);
/// An Aurora secondary Region is promoted in under a minute.
pub const AURORA_PROMOTION: Duration = Duration::from_secs(60);
/// S3 Replication Time Control replicates 99.99% of objects within 15 minutes.
pub const S3_REPLICATION_TIME_CONTROL: Duration = Duration::from_secs(15 * 60);
/// What Strata counts for a pilot light (compute, or a headless Aurora
/// secondary) to start in the secondary Region.
pub const PILOT_LIGHT_RECOVERY: Duration = Duration::from_secs(30 * 60);

/// `90s` → `1m30s`; `900s` → `15m`; sub-second values in milliseconds.
pub fn human(d: Duration) -> String {
    if d.as_secs() == 0 {
        return format!("{}ms", d.as_millis());
    }
    let (h, m, s) = (d.as_secs() / 3600, d.as_secs() / 60 % 60, d.as_secs() % 60);
    let mut out = String::new();
    for (n, unit) in [(h, "h"), (m, "m"), (s, "s")] {
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    }
    out
}

/// Something that needs time to take over in the secondary Region after
/// traffic moves there.
struct Recovery {
    scope: Scope,
    time: Duration,
    why: String,
    remedy: String,
}

/// How long Route 53 takes to send traffic to the secondary.
struct Failover {
    scope: Scope,
    detection: Duration,
    interval: Duration,
    threshold: u32,
    ttl: Duration,
}

/// What the construct has built so far, checked against the RTO once the
/// whole app is known (by an aspect, just before synth).
pub(super) struct Plan {
    rto: Duration,
    scope: Scope,
    /// Whether a check is waiting for the next synth. Aspects visit each
    /// node once, so a change after a synth arms a fresh one.
    armed: bool,
    failover: Option<Failover>,
    recoveries: Vec<Recovery>,
}

/// The shared plan of one MultiRegionDR.
pub(super) type SharedPlan = Rc<RefCell<Plan>>;

impl Plan {
    /// A plan for the construct at `scope` with the declared RTO; its
    /// check runs as an aspect of `scope` before synth.
    pub(super) fn start(scope: &Scope, rto: Duration) -> SharedPlan {
        let plan = Rc::new(RefCell::new(Plan {
            rto,
            scope: scope.clone(),
            armed: false,
            failover: None,
            recoveries: Vec::new(),
        }));
        arm(&plan);
        plan
    }

    /// Records a resource that needs `time` after failover; `why` says
    /// what takes that long and `remedy` what would be faster.
    pub(super) fn recovery(
        plan: &SharedPlan,
        scope: &Scope,
        time: Duration,
        why: String,
        remedy: &str,
    ) {
        plan.borrow_mut().recoveries.push(Recovery {
            scope: scope.clone(),
            time,
            why,
            remedy: remedy.to_string(),
        });
        arm(plan);
    }

    /// Records DNS failover: `threshold` failed checks `interval` apart,
    /// then resolvers keep the old answer for `ttl`. With several, the
    /// slowest counts.
    pub(super) fn failover(
        plan: &SharedPlan,
        scope: &Scope,
        interval: Duration,
        threshold: u32,
        ttl: Duration,
    ) {
        let failover = Failover {
            scope: scope.clone(),
            detection: interval * threshold,
            interval,
            threshold,
            ttl,
        };
        let mut p = plan.borrow_mut();
        if p.failover
            .as_ref()
            .is_none_or(|f| f.detection + f.ttl < failover.detection + failover.ttl)
        {
            p.failover = Some(failover);
        }
        drop(p);
        arm(plan);
    }

    fn check(&self) {
        let rto = self.rto;
        let dns = self
            .failover
            .as_ref()
            .map_or(Duration::ZERO, |f| f.detection + f.ttl);
        if let Some(f) = self.failover.as_ref().filter(|_| dns > rto) {
            f.scope.error(
                "dr-rto",
                format!(
                    "an RTO of {} cannot be met: Route 53 needs up to {} to see the primary fail ({} failed checks {} apart) and resolvers keep the old answer for the {} TTL, {} in all; lower the TTL or the check interval, or raise the RTO",
                    human(rto),
                    human(f.detection),
                    f.threshold,
                    human(f.interval),
                    human(f.ttl),
                    human(dns)
                ),
            );
        }
        for r in &self.recoveries {
            let total = dns + r.time;
            if total <= rto || (dns > rto && r.time <= rto) {
                continue;
            }
            let after_dns = if dns > Duration::ZERO {
                format!(
                    " after Route 53 moves traffic ({}), {} in all",
                    human(dns),
                    human(total)
                )
            } else {
                String::new()
            };
            r.scope.error(
                "dr-rto",
                format!(
                    "an RTO of {} cannot be met: {} ({}){after_dns}; {}",
                    human(rto),
                    r.why,
                    human(r.time),
                    r.remedy
                ),
            );
        }
    }
}

/// Adds an RTO check for the next synth unless one is waiting already.
fn arm(plan: &SharedPlan) {
    let mut p = plan.borrow_mut();
    if !p.armed {
        p.armed = true;
        p.scope.add_aspect(RtoCheck(plan.clone()));
    }
}

/// Runs the plan's RTO check when the construct's own scope is visited.
/// Errors are kept by the tree; the plan only grows, so an error found
/// once stays true.
struct RtoCheck(SharedPlan);

impl Aspect for RtoCheck {
    fn visit(&self, node: &Scope) {
        let mut plan = self.0.borrow_mut();
        if node.path() == plan.scope.path() && plan.armed {
            plan.armed = false;
            plan.check();
        }
    }
}

/// Reports an RPO below what a replication mechanism can give.
pub(super) fn check_rpo(scope: &Scope, rpo: Duration, floor: Duration, what: &str, remedy: &str) {
    if rpo < floor {
        scope.error(
            "dr-rpo",
            format!("an RPO of {} cannot be met: {what}; {remedy}", human(rpo)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(human(Duration::from_secs(90)), "1m30s");
        assert_eq!(human(Duration::from_secs(900)), "15m");
        assert_eq!(human(Duration::from_secs(3600 + 5)), "1h5s");
        assert_eq!(human(Duration::from_millis(250)), "250ms");
    }
}
