//! Properties of the subnet planner: whatever the tiers, allocated subnets
//! lie inside the VPC, are aligned to their size, never overlap, and the
//! plan is the same every time.

use ipnet::Ipv4Net;
use proptest::prelude::*;
use strata::ec2::{plan_subnets, CidrError, SubnetKind, SubnetTier, TierSize};

/// A VPC block: a /16 to /24 prefix at an aligned base in 10.0.0.0/8.
fn vpc() -> impl Strategy<Value = Ipv4Net> {
    (16u8..=24, any::<u32>()).prop_map(|(prefix, bits)| {
        let base = 0x0A00_0000 | (bits & 0x00FF_FFFF);
        Ipv4Net::new(base.into(), prefix)
            .map(|n| n.trunc())
            .unwrap_or_default()
    })
}

/// Up to four tiers, each with a mask between the VPC's prefix and /28 or
/// an even share of what is left.
fn tiers(vpc_prefix: u8) -> impl Strategy<Value = Vec<SubnetTier>> {
    prop::collection::vec(prop::option::of(vpc_prefix..=28u8), 1..=4).prop_map(|masks| {
        masks
            .into_iter()
            .enumerate()
            .map(|(i, mask)| {
                let name = format!("tier{i}");
                match mask {
                    Some(m) => SubnetTier::with_mask(&name, SubnetKind::Isolated, m),
                    None => SubnetTier::new(&name, SubnetKind::Isolated),
                }
            })
            .collect()
    })
}

fn case() -> impl Strategy<Value = (Ipv4Net, usize, Vec<SubnetTier>)> {
    vpc().prop_flat_map(|net| (Just(net), 1usize..=4, tiers(net.prefix_len())))
}

fn overlap(a: &Ipv4Net, b: &Ipv4Net) -> bool {
    a.contains(b) || b.contains(a)
}

proptest! {
    #[test]
    fn planned_subnets_are_inside_aligned_disjoint_and_deterministic(
        (net, azs, tiers) in case()
    ) {
        let cidr = net.to_string();
        match plan_subnets(&cidr, azs, &tiers) {
            Ok(plan) => {
                prop_assert_eq!(plan.vpc(), net);
                let all: Vec<Ipv4Net> = plan.tiers().iter().flat_map(|t| t.cidrs.clone()).collect();
                prop_assert_eq!(all.len(), tiers.len() * azs);
                for (tier, planned) in tiers.iter().zip(plan.tiers()) {
                    prop_assert_eq!(planned.cidrs.len(), azs);
                    if let TierSize::Mask(m) = tier.size {
                        prop_assert!(planned.cidrs.iter().all(|c| c.prefix_len() == m));
                    }
                }
                for (i, a) in all.iter().enumerate() {
                    prop_assert!(net.contains(a), "{} outside {}", a, net);
                    prop_assert_eq!(a.trunc(), *a, "{} is not aligned", a);
                    prop_assert!(a.prefix_len() <= 28);
                    for b in &all[i + 1..] {
                        prop_assert!(!overlap(a, b), "{} overlaps {}", a, b);
                    }
                }
                prop_assert_eq!(plan_subnets(&cidr, azs, &tiers), Ok(plan));
            }
            Err(e) => {
                // The inputs are valid, so only a lack of space can fail.
                prop_assert!(matches!(e, CidrError::Exhausted { .. }), "unexpected {e}");
            }
        }
    }

    #[test]
    fn a_plan_given_back_as_explicit_cidrs_is_kept(
        (net, azs, tiers) in case()
    ) {
        let cidr = net.to_string();
        if let Ok(plan) = plan_subnets(&cidr, azs, &tiers) {
            let explicit: Vec<SubnetTier> = plan
                .tiers()
                .iter()
                .map(|t| SubnetTier::with_cidrs(&t.name, SubnetKind::Isolated, t.cidrs.iter().map(ToString::to_string)))
                .collect();
            let again = plan_subnets(&cidr, azs, &explicit);
            prop_assert_eq!(again, Ok(plan));
        }
    }

    #[test]
    fn tiers_sharing_the_remaining_space_get_the_largest_size_that_fits(
        (net, azs) in (vpc(), 1usize..=6),
        count in 1usize..=4
    ) {
        let tiers: Vec<SubnetTier> = (0..count)
            .map(|i| SubnetTier::new(&format!("t{i}"), SubnetKind::Isolated))
            .collect();
        let needed = (count * azs) as u32;
        // The largest power-of-two share of the whole VPC.
        let host_bits = 32 - u32::from(net.prefix_len());
        let share_bits = host_bits - needed.next_power_of_two().trailing_zeros().min(host_bits);
        let expected = 32 - share_bits;
        match plan_subnets(&net.to_string(), azs, &tiers) {
            Ok(plan) => prop_assert!(plan.tiers().iter().all(|t| t.cidrs.iter().all(|c| u32::from(c.prefix_len()) == expected))),
            Err(e) => {
                prop_assert!(expected > 28, "{e}");
            }
        }
    }
}

#[test]
fn explicit_blocks_outside_the_vpc_or_miscounted_are_rejected() {
    let outside = [SubnetTier::with_cidrs(
        "a",
        SubnetKind::Public,
        ["10.1.0.0/24"],
    )];
    assert_eq!(
        plan_subnets("10.0.0.0/16", 1, &outside).unwrap_err().to_string(),
        "subnet 10.1.0.0/24 of tier \"a\" is not inside the VPC block 10.0.0.0/16; pick a block within it"
    );
    let short = [SubnetTier::with_cidrs(
        "a",
        SubnetKind::Public,
        ["10.0.0.0/24"],
    )];
    assert_eq!(
        plan_subnets("10.0.0.0/16", 2, &short).unwrap_err(),
        CidrError::CidrCount {
            tier: "a".into(),
            expected: 2,
            found: 1
        }
    );
}

#[test]
fn masks_outside_the_vpc_prefix_and_slash_28_are_rejected() {
    for mask in [15, 29] {
        let tiers = [SubnetTier::with_mask("a", SubnetKind::Public, mask)];
        let err = plan_subnets("10.0.0.0/16", 1, &tiers).unwrap_err();
        assert_eq!(
            err,
            CidrError::SubnetMaskOutOfRange {
                tier: "a".into(),
                mask,
                vpc_prefix: 16
            }
        );
        assert!(err.to_string().contains("between the VPC's (/16) and /28"));
    }
}

#[test]
fn tier_names_must_be_unique_and_usable_as_construct_ids() {
    let twice = [
        SubnetTier::new("a", SubnetKind::Public),
        SubnetTier::new("a", SubnetKind::Isolated),
    ];
    assert_eq!(
        plan_subnets("10.0.0.0/16", 1, &twice).unwrap_err(),
        CidrError::DuplicateTier { tier: "a".into() }
    );
    let slash = [SubnetTier::new("a/b", SubnetKind::Public)];
    assert!(matches!(
        plan_subnets("10.0.0.0/16", 1, &slash),
        Err(CidrError::InvalidTierName { .. })
    ));
    assert_eq!(
        plan_subnets("10.0.0.0/16", 0, &slash[..0]).unwrap_err(),
        CidrError::NoAvailabilityZones
    );
}

#[test]
fn looking_up_an_unknown_tier_names_the_known_ones() {
    let tiers = [SubnetTier::new("web", SubnetKind::Public)];
    let plan = plan_subnets("10.0.0.0/16", 2, &tiers).unwrap();
    assert_eq!(plan.tier("web").map(<[Ipv4Net]>::len), Ok(2));
    assert_eq!(
        plan.tier("db").unwrap_err().to_string(),
        "there is no subnet tier named \"db\"; the tiers are \"web\""
    );
}
