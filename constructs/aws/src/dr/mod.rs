//! Multi-Region disaster recovery: [`MultiRegionDR`] protects tables,
//! buckets, an Aurora database and compute across a primary and a
//! secondary Region, fails DNS over between them, and checks the declared
//! RTO and RPO against what it builds (see [`objectives`] for the numbers
//! and their sources).
//!
//! # Stacks and their order
//!
//! CloudFormation creates resources in its stack's Region, and some
//! replication needs its target to exist first:
//!
//! - S3 refuses a replication rule whose destination bucket does not exist
//!   yet ("Destination bucket must exist"), so destination buckets deploy
//!   before the primary;
//! - a global table replica, an S3 replica and an Aurora secondary each
//!   need a KMS key of their own Region when they are created, and a
//!   replica key can only be made from an existing multi-Region primary key;
//! - an Aurora secondary cluster can only join the global cluster after
//!   the primary cluster has (the first member becomes the writer).
//!
//! So the **secondary** stack (secondary Region) deploys first and holds
//! what replication writes into: destination buckets and the multi-Region
//! primary keys. The **primary** stack (primary Region) deploys next: the
//! global tables, the source buckets with their replication, the replica
//! keys, the Aurora primary and the DNS failover. What must follow the
//! primary, the Aurora secondary cluster, goes into a **standby** stack in
//! the secondary Region ([`MultiRegionDRProps::standby`]), which warm
//! standby compute also uses when given. Values pass between the stacks as
//! cross-stack references, which order the stacks; the construct also
//! declares the order itself.

mod aurora;
mod data;
mod kms_replica;
pub mod objectives;
mod route53;

use std::time::Duration;

use strata_core::Scope;

pub use aurora::{
    AuroraProtection, AuroraSecondary, HeadlessCluster, ProtectedAurora, SecondaryCluster,
};
pub use data::{BucketProtection, ProtectedBucket, TableProtection};
pub use kms_replica::{MultiRegionKey, ReplicaKey, ReplicaKeyProps};
pub use route53::{Endpoint, FailoverDns, FailoverDnsProps, HealthCheckSettings, HostedZone};

use crate::kms::{Key, KeyProps};
use objectives::{human, Plan, SharedPlan, PILOT_LIGHT_RECOVERY};

/// What runs in the secondary Region before a failover.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standby {
    /// Data is replicated, compute is deployed but scaled to zero: cheap,
    /// but recovery takes tens of minutes while compute starts.
    PilotLight,
    /// Compute runs at a minimum in the secondary Region, ready to scale
    /// out when traffic arrives (seed 001's "warm standby").
    WarmStandby {
        /// Instances, tasks or workers kept running in the secondary Region.
        min_capacity: u32,
    },
}

/// A compute capacity range: instances, tasks or provisioned workers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capacity {
    /// The minimum kept running.
    pub min: u32,
    /// The most it scales to.
    pub max: u32,
}

/// Settings of a [`MultiRegionDR`].
#[derive(Clone, Debug)]
pub struct MultiRegionDRProps {
    /// The Region serving traffic, such as `us-east-1`; the primary
    /// stack's Region.
    pub primary_region: String,
    /// The Region taking over, such as `us-west-2`; the secondary stack's
    /// Region.
    pub secondary_region: String,
    /// Recovery time objective: the longest outage allowed.
    pub rto: Duration,
    /// Recovery point objective: the most recent data that may be lost.
    pub rpo: Duration,
    /// What runs in the secondary Region before a failover.
    pub mode: Standby,
    /// A stack of its own in the secondary Region that deploys after the
    /// primary, for the Aurora secondary cluster and standby compute.
    /// Compute goes into the secondary stack when this is unset.
    pub standby: Option<Scope>,
}

impl MultiRegionDRProps {
    /// Objectives for a primary and a secondary Region, with a warm
    /// standby of one and no standby stack.
    pub fn new(primary_region: &str, secondary_region: &str, rto: Duration, rpo: Duration) -> Self {
        MultiRegionDRProps {
            primary_region: primary_region.to_string(),
            secondary_region: secondary_region.to_string(),
            rto,
            rpo,
            mode: Standby::WarmStandby { min_capacity: 1 },
            standby: None,
        }
    }
}

/// Compute built in both Regions by [`MultiRegionDR::protect_compute`].
#[derive(Clone, Debug)]
pub struct ProtectedCompute<T> {
    /// What was built in the primary Region, at full capacity.
    pub primary: T,
    /// What was built in the secondary Region, at standby capacity.
    pub standby: T,
}

/// Active-passive disaster recovery across two Regions: the L3 for seed
/// 001's DR shape. Each `protect_*` method builds a store in both Regions
/// with replication between them; [`MultiRegionDR::failover_dns`] moves
/// traffic; the declared RTO and RPO are checked at synth against what was
/// built.
///
/// ```
/// use std::time::Duration;
/// use strata::dr::{MultiRegionDR, MultiRegionDRProps, TableProtection};
/// use strata::dynamodb::{Attribute, TableProps};
/// use strata::prelude::*;
///
/// let app = App::new();
/// let env = |region| StackProps { env: Environment::new("123456789012", region), ..Default::default() };
/// let west = app.stack("AgentWest", env("us-west-2"));
/// let east = app.stack("AgentEast", env("us-east-1"));
/// let minutes = |m: u64| Duration::from_secs(m * 60);
/// let dr = MultiRegionDR::new(&east, &west, "Dr", MultiRegionDRProps::new(
///     "us-east-1", "us-west-2", minutes(15), minutes(5),
/// ));
/// dr.protect_table("Context", TableProtection::new(TableProps {
///     table_name: Some("agent-context".into()),
///     ..TableProps::new(Attribute::string("context_type"))
/// }));
/// let assembly = app.synth().expect("valid");
/// let east_stack = assembly.stacks.iter().find(|s| s.id == "AgentEast").expect("east");
/// assert_eq!(east_stack.dependencies, ["AgentWest"]);
/// let table = &east_stack.template["Resources"][strata::logical_id(&["Dr", "Context", "Resource"]).as_str()];
/// assert_eq!(table["Properties"]["Replicas"][1]["Region"], "us-west-2");
/// ```
#[derive(Clone)]
pub struct MultiRegionDR {
    primary: Scope,
    secondary: Scope,
    standby: Option<Scope>,
    props: MultiRegionDRProps,
    plan: SharedPlan,
}

impl MultiRegionDR {
    /// Adds the construct as `id` in the primary and the secondary stacks
    /// (and the standby stack, when given). Both stacks need an explicit
    /// environment in the declared Regions.
    pub fn new(primary: &Scope, secondary: &Scope, id: &str, props: MultiRegionDRProps) -> Self {
        let primary_scope = primary.child(id);
        let secondary_scope = secondary.child(id);
        let standby = props
            .standby
            .as_ref()
            .filter(|s| !same_stack(s, secondary) && !same_stack(s, primary))
            .map(|s| s.child(id));
        for (rule, message) in problems(primary, secondary, &props) {
            primary_scope.error(rule, message);
        }
        primary.add_dependency(secondary);
        if let Some(s) = &standby {
            s.add_dependency(primary);
        }
        let plan = Plan::start(&primary_scope, props.rto);
        MultiRegionDR {
            primary: primary_scope,
            secondary: secondary_scope,
            standby,
            props,
            plan,
        }
    }

    /// The construct's scope in the primary stack.
    pub fn primary_scope(&self) -> &Scope {
        &self.primary
    }

    /// The construct's scope in the secondary stack.
    pub fn secondary_scope(&self) -> &Scope {
        &self.secondary
    }

    /// The construct's scope in the standby stack, when there is one.
    pub fn standby_scope(&self) -> Option<&Scope> {
        self.standby.as_ref()
    }

    /// The declared settings.
    pub fn props(&self) -> &MultiRegionDRProps {
        &self.props
    }

    /// A multi-Region KMS key for replicated data: the multi-Region
    /// primary key at `<id>` in the secondary stack and its replica at
    /// `<id>` in the primary stack, with the same description, alias,
    /// pending window and removal policy. Pass it to the `protect_*`
    /// methods so every Region's copy is encrypted with the same key.
    pub fn multi_region_key(&self, id: &str, props: KeyProps) -> MultiRegionKey {
        let key = Key::new(
            &self.secondary,
            id,
            KeyProps {
                multi_region: true,
                ..props.clone()
            },
        );
        let replica = ReplicaKey::new(
            &self.primary,
            id,
            ReplicaKeyProps {
                description: props.description,
                alias: props.alias,
                pending_window_in_days: props.pending_window_in_days,
                removal_policy: props.removal_policy,
                ..ReplicaKeyProps::new(key.key_arn())
            },
        );
        MultiRegionKey::new(key, replica)
    }

    /// Route 53 failover between the Regions at `<id>` in the primary
    /// stack: an HTTPS health check on the primary endpoint, and PRIMARY
    /// and SECONDARY records. The time Route 53 takes to fail over
    /// (failure threshold × interval, plus the TTL) counts against the RTO.
    pub fn failover_dns(&self, id: &str, props: FailoverDnsProps) -> FailoverDns {
        let dns = FailoverDns::new(&self.primary, id, &props);
        Plan::failover(
            &self.plan,
            dns.scope(),
            props.health_check.interval,
            props.health_check.failure_threshold,
            props.ttl,
        );
        dns
    }

    /// The capacity compute keeps in the secondary Region before a
    /// failover, for a primary that runs at `primary`: nothing with a
    /// pilot light, the warm minimum otherwise, and in both cases room to
    /// scale to the primary's maximum after failover.
    ///
    /// ```
    /// use std::time::Duration;
    /// use strata::dr::{Capacity, MultiRegionDR, MultiRegionDRProps, Standby};
    /// use strata::prelude::*;
    /// let app = App::new();
    /// let env = |region| StackProps { env: Environment::new("123456789012", region), ..Default::default() };
    /// let west = app.stack("West", env("us-west-2"));
    /// let east = app.stack("East", env("us-east-1"));
    /// let dr = MultiRegionDR::new(&east, &west, "Dr", MultiRegionDRProps {
    ///     mode: Standby::WarmStandby { min_capacity: 2 },
    ///     ..MultiRegionDRProps::new("us-east-1", "us-west-2", Duration::from_secs(900), Duration::from_secs(300))
    /// });
    /// assert_eq!(dr.standby_capacity(Capacity { min: 6, max: 20 }), Capacity { min: 2, max: 20 });
    /// ```
    pub fn standby_capacity(&self, primary: Capacity) -> Capacity {
        match self.props.mode {
            Standby::PilotLight => Capacity {
                min: 0,
                max: primary.max,
            },
            Standby::WarmStandby { min_capacity } => Capacity {
                min: min_capacity.min(primary.max),
                max: primary.max,
            },
        }
    }

    /// Builds compute in both Regions with the same code: `build` is
    /// called with `<id>` in the primary stack and `primary` capacity, then
    /// with `<id>` in the standby (or secondary) stack and
    /// [`MultiRegionDR::standby_capacity`]. With a pilot light, the start
    /// from zero counts against the RTO. Without a standby stack the
    /// secondary copy lands in the secondary stack, which deploys before
    /// the primary and so cannot refer to the primary stack's resources.
    pub fn protect_compute<T>(
        &self,
        id: &str,
        primary: Capacity,
        build: impl Fn(&Scope, Capacity) -> T,
    ) -> ProtectedCompute<T> {
        let primary_scope = self.primary.child(id);
        let standby_scope = self.standby.as_ref().unwrap_or(&self.secondary).child(id);
        if primary.min > primary.max {
            primary_scope.error(
                "dr-capacity",
                format!(
                    "the primary capacity's minimum {} is above its maximum {}",
                    primary.min, primary.max
                ),
            );
        }
        if let Standby::WarmStandby { min_capacity } = self.props.mode {
            if min_capacity > primary.max {
                standby_scope.error(
                    "dr-capacity",
                    format!(
                        "a warm standby of {min_capacity} is more than the primary's maximum of {}; keep the standby at or below what the primary runs",
                        primary.max
                    ),
                );
            }
        }
        // A pilot light under its own floor is reported once, by `new`.
        if self.props.mode == Standby::PilotLight && self.props.rto >= PILOT_LIGHT_RECOVERY {
            Plan::recovery(
                &self.plan,
                &standby_scope,
                PILOT_LIGHT_RECOVERY,
                format!(
                    "pilot-light compute starts from zero in {} (the AWS DR whitepaper puts pilot light at tens of minutes)",
                    self.props.secondary_region
                ),
                "use Standby::WarmStandby so compute already runs at a minimum in the secondary Region",
            );
        }
        let capacity = self.standby_capacity(primary);
        ProtectedCompute {
            primary: build(&primary_scope, primary),
            standby: build(&standby_scope, capacity),
        }
    }
}

fn same_stack(a: &Scope, b: &Scope) -> bool {
    match (a.stack(), b.stack()) {
        (Some(x), Some(y)) => x.path() == y.path(),
        _ => false,
    }
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `ap-southeast-3`.
fn region_ok(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

fn problems(
    primary: &Scope,
    secondary: &Scope,
    props: &MultiRegionDRProps,
) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for region in [&props.primary_region, &props.secondary_region] {
        if !region_ok(region) {
            out.push((
                "dr-region",
                format!("{region:?} is not an AWS Region name such as \"us-east-1\""),
            ));
        }
    }
    if props.primary_region == props.secondary_region {
        out.push((
            "dr-region",
            format!(
                "the primary and secondary Regions are both {}; a regional outage would take both, so choose two Regions",
                props.primary_region
            ),
        ));
    }
    let mut stacks = vec![
        ("primary", primary, &props.primary_region),
        ("secondary", secondary, &props.secondary_region),
    ];
    if let Some(s) = &props.standby {
        stacks.push(("standby", s, &props.secondary_region));
    }
    for (role, scope, region) in stacks {
        let path = scope.stack().map(|s| s.path()).unwrap_or_default();
        match scope.env().region {
            Some(r) if &r == region => {}
            Some(r) => out.push((
                "dr-region",
                format!("the {role} stack {path} deploys to {r}, but the {role} Region is {region}"),
            )),
            None => out.push((
                "dr-region",
                format!("the {role} stack {path} has no Region; give it an environment with the account and {region}, so values can pass between the Regions at deploy"),
            )),
        }
    }
    if same_stack(primary, secondary) {
        out.push((
            "dr-stacks",
            "the primary and secondary scopes are in one stack; each Region needs its own stack"
                .into(),
        ));
    }
    if let Some(s) = &props.standby {
        let path = s.stack().map(|s| s.path()).unwrap_or_default();
        if same_stack(s, primary) {
            out.push((
                "dr-stacks",
                format!("the standby stack {path} is the primary stack; give a stack in the secondary Region"),
            ));
        } else if same_stack(s, secondary) {
            out.push((
                "dr-stacks",
                format!("the standby stack {path} is the secondary stack, which deploys before the primary (it holds the replication targets); the standby must deploy after the primary, so give a stack of its own"),
            ));
        }
    }
    for (name, d) in [("rto", props.rto), ("rpo", props.rpo)] {
        if d.is_zero() {
            out.push((
                "dr-objectives",
                format!("{name} is zero; asynchronous replication between Regions always loses some time and data, so declare what the business accepts"),
            ));
        }
    }
    if props.mode == (Standby::WarmStandby { min_capacity: 0 }) {
        out.push((
            "dr-mode",
            "a warm standby of 0 runs nothing; that is a pilot light, so use Standby::PilotLight or keep at least 1".into(),
        ));
    }
    if props.mode == Standby::PilotLight && props.rto < PILOT_LIGHT_RECOVERY {
        out.push((
            "dr-rto",
            format!(
                "an RTO of {} cannot be met by a pilot light: compute starts from zero in the secondary Region, which the AWS DR whitepaper puts at tens of minutes (Strata counts {}); use Standby::WarmStandby",
                human(props.rto),
                human(PILOT_LIGHT_RECOVERY)
            ),
        ));
    }
    out
}
