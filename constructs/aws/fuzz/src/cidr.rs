//! Invariants of the VPC subnet planner and of `AgentVpc` synth, on
//! arbitrary VPC blocks, AZ counts and tiers. Shared by the fuzz target
//! and the stable proptest `constructs/aws/tests/fuzz_invariants.rs`.

use std::net::Ipv4Addr;

use strata::ec2::{
    plan_subnets, AgentVpc, AgentVpcProps, AvailabilityZones, NatStrategy, SubnetKind, SubnetTier,
    TierSize,
};
use strata::{App, StackProps};

/// The most availability zones an `AgentVpc` takes (no region has more).
const MAX_AZS: usize = 6;

/// A VPC block written as the fuzzer likes it: free text, or an address
/// and a prefix length made canonical.
#[derive(Clone, Debug)]
pub enum Block {
    /// Any string, valid or not.
    Text(String),
    /// `addr/prefix` with the host bits cleared (prefix taken modulo 33).
    Parts(u32, u8),
}

impl Block {
    /// The block as the planner gets it.
    pub fn render(&self) -> String {
        match self {
            Block::Text(s) => s.clone(),
            Block::Parts(addr, prefix) => {
                let prefix = u32::from(*prefix % 33);
                let mask = if prefix == 0 {
                    0
                } else {
                    u32::MAX << (32 - prefix)
                };
                format!("{}/{prefix}", Ipv4Addr::from(addr & mask))
            }
        }
    }
}

/// One tier as the fuzzer builds it.
#[derive(Clone, Debug)]
pub struct TierInput {
    /// The tier name.
    pub name: String,
    /// Kind, modulo 3: public, private with egress, isolated.
    pub kind: u8,
    /// Size, modulo 3: a mask, explicit blocks, the remaining space.
    pub size: u8,
    /// The mask, for a mask tier.
    pub mask: u8,
    /// The blocks, for an explicit tier.
    pub cidrs: Vec<Block>,
}

impl TierInput {
    /// The tier.
    pub fn tier(&self) -> SubnetTier {
        let kind = match self.kind % 3 {
            0 => SubnetKind::Public,
            1 => SubnetKind::PrivateWithEgress,
            _ => SubnetKind::Isolated,
        };
        let size = match self.size % 3 {
            0 => TierSize::Mask(self.mask),
            1 => TierSize::Cidrs(self.cidrs.iter().map(Block::render).collect()),
            _ => TierSize::Remaining,
        };
        SubnetTier {
            name: self.name.clone(),
            kind,
            size,
        }
    }
}

fn disjoint(a: ipnet::Ipv4Net, b: ipnet::Ipv4Net) -> bool {
    !a.contains(&b) && !b.contains(&a)
}

/// Plans `tiers` in `vpc` over `az_count` zones and checks the plan: the
/// same on every call; on success one block per tier and AZ, each inside
/// the VPC with a prefix from the VPC's to /28, pairwise disjoint, masks
/// and explicit blocks as asked, the remaining-space tiers all of one
/// size. Then builds an `AgentVpc` (for up to 8 AZs): synth never panics,
/// refuses more AZs than a region has, fails with the planner's message
/// at the VPC's path when the plan fails, and otherwise gives the
/// planned subnets.
pub fn check_plan(vpc: &Block, az_count: usize, tiers: &[TierInput]) {
    let cidr = vpc.render();
    let tiers: Vec<SubnetTier> = tiers.iter().map(TierInput::tier).collect();
    let plan = plan_subnets(&cidr, az_count, &tiers);
    assert_eq!(
        plan,
        plan_subnets(&cidr, az_count, &tiers),
        "planning is deterministic"
    );
    match &plan {
        Ok(plan) => {
            let net = plan.vpc();
            assert_eq!(plan.tiers().len(), tiers.len());
            let mut all = Vec::new();
            let mut remaining_prefix = None;
            for (given, planned) in tiers.iter().zip(plan.tiers()) {
                assert_eq!(given.name, planned.name);
                assert_eq!(
                    planned.cidrs.len(),
                    az_count,
                    "one subnet per AZ in {}",
                    given.name
                );
                for c in &planned.cidrs {
                    assert!(net.contains(c), "{c} is outside {net}");
                    assert!(
                        c.prefix_len() >= net.prefix_len() && c.prefix_len() <= 28,
                        "{c} has a prefix AWS rejects in {net}"
                    );
                    match &given.size {
                        TierSize::Mask(m) => assert_eq!(c.prefix_len(), *m),
                        TierSize::Remaining => {
                            let p = *remaining_prefix.get_or_insert(c.prefix_len());
                            assert_eq!(c.prefix_len(), p, "remaining tiers share one size");
                        }
                        TierSize::Cidrs(_) => {}
                    }
                }
                if let TierSize::Cidrs(list) = &given.size {
                    let want: Vec<Option<ipnet::Ipv4Net>> =
                        list.iter().map(|s| s.trim().parse().ok()).collect();
                    let got: Vec<Option<ipnet::Ipv4Net>> =
                        planned.cidrs.iter().copied().map(Some).collect();
                    assert_eq!(got, want, "explicit blocks are kept as given");
                }
                all.extend(planned.cidrs.iter().map(|c| (given.name.clone(), *c)));
            }
            for (i, (ta, a)) in all.iter().enumerate() {
                for (tb, b) in &all[i + 1..] {
                    assert!(disjoint(*a, *b), "{a} ({ta}) overlaps {b} ({tb})");
                }
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
    if az_count > 8 {
        return;
    }
    let app = App::new();
    let stack = app.stack("Net", StackProps::default());
    let built = AgentVpc::new(
        &stack,
        "Vpc",
        AgentVpcProps {
            cidr: cidr.clone(),
            availability_zones: AvailabilityZones::Count(az_count as u32),
            tiers: tiers.clone(),
            nat: NatStrategy::Single,
            ..AgentVpcProps::default()
        },
    );
    if az_count > MAX_AZS {
        let e = app.synth().expect_err("too many AZs fail synth");
        assert!(
            e.issues
                .iter()
                .any(|i| i.path == "Net/Vpc" && i.rule == "vpc-availability-zones"),
            "{e}"
        );
        return;
    }
    if let Ok(plan) = &plan {
        for planned in plan.tiers() {
            let subnets = built.subnets(&planned.name).expect("every tier is built");
            let got: Vec<_> = subnets.iter().map(|s| s.cidr()).collect();
            assert_eq!(got, planned.cidrs, "the VPC builds the planned subnets");
        }
    }
    match app.synth() {
        Ok(_) => assert!(plan.is_ok(), "synth passed a VPC whose plan failed"),
        Err(e) => {
            for issue in &e.issues {
                assert!(
                    issue.path.starts_with("Net/Vpc"),
                    "{issue} is not at the VPC's path"
                );
                assert!(!issue.message.is_empty());
            }
            if let Err(p) = &plan {
                let message = p.to_string();
                assert!(
                    e.issues
                        .iter()
                        .any(|i| i.path == "Net/Vpc" && i.message == message),
                    "the plan's error {message:?} is reported at Net/Vpc: {e}"
                );
            }
        }
    }
}
