//! The subnet planner and `AgentVpc` on arbitrary VPC blocks, AZ counts
//! and tiers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_fuzz::cidr::{check_plan, Block, TierInput};

type Tier = (String, u8, u8, u8, Vec<(u32, u8)>);

fn block(text: Option<String>, addr: u32, prefix: u8) -> Block {
    match text {
        Some(t) => Block::Text(t),
        None => Block::Parts(addr, prefix),
    }
}

fn input(tier: Tier) -> TierInput {
    let (name, kind, size, mask, cidrs) = tier;
    TierInput {
        name,
        kind,
        size,
        mask,
        cidrs: cidrs
            .into_iter()
            .take(16)
            .map(|(a, p)| block(None, a, p))
            .collect(),
    }
}

fuzz_target!(|data: (Option<String>, u32, u8, u16, Vec<Tier>)| {
    let (text, addr, prefix, azs, tiers) = data;
    let tiers: Vec<TierInput> = tiers.into_iter().take(8).map(input).collect();
    // Mostly few zones, sometimes many (the planner must refuse, not hang).
    let azs = if azs & 0x8000 == 0 {
        usize::from(azs % 9)
    } else {
        usize::from(azs)
    };
    check_plan(&block(text, addr, prefix), azs, &tiers);
});
