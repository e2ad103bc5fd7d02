//! The subnet planner: a pure function from a VPC block, a number of
//! availability zones and the subnet tiers to one CIDR block per tier and
//! AZ.
//!
//! Allocation happens in three passes, each in tier order and then AZ
//! order:
//! 1. explicit CIDRs are taken as given (checked to lie inside the VPC and
//!    not to overlap each other);
//! 2. tiers with a mask get the lowest free block of that size, aligned to
//!    its size;
//! 3. tiers without a mask share what is left: every such subnet gets the
//!    largest block size of which enough aligned blocks are still free.

use std::fmt;
use std::str::FromStr;

use ipnet::Ipv4Net;

use super::props::{SubnetTier, TierSize};

/// The smallest prefix length AWS allows for a VPC or a subnet.
pub const MIN_PREFIX: u8 = 16;
/// The largest prefix length AWS allows for a VPC or a subnet.
pub const MAX_PREFIX: u8 = 28;

/// Why a subnet plan cannot be made. Each message says what to change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CidrError {
    /// A string is not an IPv4 CIDR block in canonical form.
    InvalidCidr {
        /// What the block is for: `the VPC` or `tier "public"`.
        owner: String,
        /// The string as given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The VPC's prefix length is outside `/16`–`/28`.
    VpcMaskOutOfRange {
        /// The VPC block.
        cidr: String,
    },
    /// A tier's prefix length is outside the VPC's prefix length to `/28`.
    SubnetMaskOutOfRange {
        /// The tier.
        tier: String,
        /// The requested prefix length.
        mask: u8,
        /// The VPC's prefix length, the smallest a subnet can have.
        vpc_prefix: u8,
    },
    /// The VPC spans no availability zone.
    NoAvailabilityZones,
    /// A tier name is empty or contains `/`.
    InvalidTierName {
        /// The name as given.
        tier: String,
    },
    /// Two tiers have the same name.
    DuplicateTier {
        /// The repeated name.
        tier: String,
    },
    /// A tier with explicit CIDRs does not give exactly one per AZ.
    CidrCount {
        /// The tier.
        tier: String,
        /// The number of availability zones.
        expected: usize,
        /// The number of CIDRs given.
        found: usize,
    },
    /// An explicit subnet CIDR lies (partly) outside the VPC.
    OutsideVpc {
        /// The tier.
        tier: String,
        /// The subnet block.
        cidr: String,
        /// The VPC block.
        vpc: String,
    },
    /// Two explicit subnet CIDRs overlap.
    Overlap {
        /// The tier of the later block.
        tier: String,
        /// The later block.
        cidr: String,
        /// The tier of the earlier block.
        other_tier: String,
        /// The earlier block.
        other_cidr: String,
    },
    /// The VPC has no room left for a tier's subnets.
    Exhausted {
        /// The first tier that did not fit.
        tier: String,
        /// The subnets still to place, all tiers without a mask counted.
        needed: usize,
        /// The prefix length that was asked for, if the tier has a mask.
        mask: Option<u8>,
        /// The VPC block.
        vpc: String,
    },
    /// A tier name was looked up that the plan does not have.
    UnknownTier {
        /// The name looked up.
        tier: String,
        /// The tiers the plan has.
        known: Vec<String>,
    },
}

impl fmt::Display for CidrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CidrError::InvalidCidr { owner, value, reason } => write!(
                f,
                "{value:?} for {owner} is not a valid IPv4 CIDR block: {reason}"
            ),
            CidrError::VpcMaskOutOfRange { cidr } => write!(
                f,
                "the VPC block {cidr} has a prefix length AWS does not allow; use /{MIN_PREFIX} to /{MAX_PREFIX}"
            ),
            CidrError::SubnetMaskOutOfRange { tier, mask, vpc_prefix } => write!(
                f,
                "tier {tier:?} asks for /{mask} subnets; a subnet's prefix length must be between the VPC's (/{vpc_prefix}) and /{MAX_PREFIX}"
            ),
            CidrError::NoAvailabilityZones => write!(
                f,
                "the VPC spans no availability zone; use at least one"
            ),
            CidrError::InvalidTierName { tier } => write!(
                f,
                "tier name {tier:?} is invalid; use a non-empty name without '/'"
            ),
            CidrError::DuplicateTier { tier } => write!(
                f,
                "tier {tier:?} is defined twice; give each tier its own name"
            ),
            CidrError::CidrCount { tier, expected, found } => write!(
                f,
                "tier {tier:?} lists {found} CIDR blocks for {expected} availability zones; give exactly one per AZ"
            ),
            CidrError::OutsideVpc { tier, cidr, vpc } => write!(
                f,
                "subnet {cidr} of tier {tier:?} is not inside the VPC block {vpc}; pick a block within it"
            ),
            CidrError::Overlap { tier, cidr, other_tier, other_cidr } => write!(
                f,
                "subnet {cidr} of tier {tier:?} overlaps subnet {other_cidr} of tier {other_tier:?}; subnets must not share addresses"
            ),
            CidrError::Exhausted { tier, needed, mask, vpc } => match mask {
                Some(mask) => write!(
                    f,
                    "the VPC block {vpc} has no free /{mask} left for tier {tier:?}; use a larger VPC, fewer availability zones or tiers, or a longer mask"
                ),
                None => write!(
                    f,
                    "the VPC block {vpc} has no room left for {needed} more subnets of at least /{MAX_PREFIX} (tier {tier:?}); use a larger VPC, fewer availability zones or tiers, or smaller masks"
                ),
            },
            CidrError::UnknownTier { tier, known } => write!(
                f,
                "there is no subnet tier named {tier:?}; the tiers are {}",
                known
                    .iter()
                    .map(|k| format!("{k:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

impl std::error::Error for CidrError {}

/// The planned subnets of one tier, one block per AZ in AZ order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedTier {
    /// The tier name.
    pub name: String,
    /// One block per availability zone.
    pub cidrs: Vec<Ipv4Net>,
}

/// The result of [`plan_subnets`]: the VPC block and every tier's subnets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CidrPlan {
    vpc: Ipv4Net,
    tiers: Vec<PlannedTier>,
}

impl CidrPlan {
    /// The VPC block.
    pub fn vpc(&self) -> Ipv4Net {
        self.vpc
    }

    /// Every tier, in the order given.
    pub fn tiers(&self) -> &[PlannedTier] {
        &self.tiers
    }

    /// The blocks of one tier, or [`CidrError::UnknownTier`].
    pub fn tier(&self, name: &str) -> Result<&[Ipv4Net], CidrError> {
        self.tiers
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.cidrs.as_slice())
            .ok_or_else(|| CidrError::UnknownTier {
                tier: name.to_string(),
                known: self.tiers.iter().map(|t| t.name.clone()).collect(),
            })
    }
}

/// Plans one subnet per tier and availability zone inside `vpc_cidr`.
///
/// ```
/// use strata::ec2::{plan_subnets, SubnetKind, SubnetTier};
/// let tiers = [
///     SubnetTier::new("Public", SubnetKind::Public),
///     SubnetTier::new("Private", SubnetKind::PrivateWithEgress),
/// ];
/// let plan = plan_subnets("10.0.0.0/16", 3, &tiers).expect("fits");
/// let private: Vec<String> = plan.tier("Private").unwrap().iter().map(|c| c.to_string()).collect();
/// assert_eq!(private, ["10.0.96.0/19", "10.0.128.0/19", "10.0.160.0/19"]);
/// assert!(plan_subnets("10.0.0.0/33", 3, &tiers).is_err());
/// ```
pub fn plan_subnets(
    vpc_cidr: &str,
    az_count: usize,
    tiers: &[SubnetTier],
) -> Result<CidrPlan, CidrError> {
    let vpc = parse_cidr("the VPC", vpc_cidr)?;
    if !(MIN_PREFIX..=MAX_PREFIX).contains(&vpc.prefix_len()) {
        return Err(CidrError::VpcMaskOutOfRange {
            cidr: vpc.to_string(),
        });
    }
    if az_count == 0 {
        return Err(CidrError::NoAvailabilityZones);
    }
    for (i, tier) in tiers.iter().enumerate() {
        if tier.name.is_empty() || tier.name.contains('/') {
            return Err(CidrError::InvalidTierName {
                tier: tier.name.clone(),
            });
        }
        if tiers[..i].iter().any(|t| t.name == tier.name) {
            return Err(CidrError::DuplicateTier {
                tier: tier.name.clone(),
            });
        }
    }
    let mut space = Space::new(vpc);
    let mut planned: Vec<Vec<Ipv4Net>> = vec![Vec::new(); tiers.len()];

    // 1. Explicit blocks, as given.
    let mut taken: Vec<(&str, Ipv4Net)> = Vec::new();
    for (i, tier) in tiers.iter().enumerate() {
        let TierSize::Cidrs(cidrs) = &tier.size else {
            continue;
        };
        if cidrs.len() != az_count {
            return Err(CidrError::CidrCount {
                tier: tier.name.clone(),
                expected: az_count,
                found: cidrs.len(),
            });
        }
        for cidr in cidrs {
            let net = parse_cidr(&format!("tier {:?}", tier.name), cidr)?;
            check_subnet_mask(tier, net.prefix_len(), vpc)?;
            if !vpc.contains(&net) {
                return Err(CidrError::OutsideVpc {
                    tier: tier.name.clone(),
                    cidr: net.to_string(),
                    vpc: vpc.to_string(),
                });
            }
            if let Some((other_tier, other)) = taken.iter().find(|(_, o)| overlaps(*o, net)) {
                return Err(CidrError::Overlap {
                    tier: tier.name.clone(),
                    cidr: net.to_string(),
                    other_tier: other_tier.to_string(),
                    other_cidr: other.to_string(),
                });
            }
            taken.push((&tier.name, net));
            space.take(net);
            planned[i].push(net);
        }
    }

    // 2. Masks: lowest free aligned block of each size.
    for (i, tier) in tiers.iter().enumerate() {
        let TierSize::Mask(mask) = tier.size else {
            continue;
        };
        check_subnet_mask(tier, mask, vpc)?;
        for _ in 0..az_count {
            let net = space.first_fit(mask).ok_or_else(|| CidrError::Exhausted {
                tier: tier.name.clone(),
                needed: 1,
                mask: Some(mask),
                vpc: vpc.to_string(),
            })?;
            space.take(net);
            planned[i].push(net);
        }
    }

    // 3. The rest, shared evenly by the tiers without a mask.
    let remaining: Vec<usize> = tiers
        .iter()
        .enumerate()
        .filter(|(_, t)| t.size == TierSize::Remaining)
        .map(|(i, _)| i)
        .collect();
    if let Some(&first) = remaining.first() {
        let needed = remaining.len() * az_count;
        let mask = (vpc.prefix_len()..=MAX_PREFIX)
            .find(|&mask| space.capacity(mask) >= needed as u64)
            .ok_or_else(|| CidrError::Exhausted {
                tier: tiers[first].name.clone(),
                needed,
                mask: None,
                vpc: vpc.to_string(),
            })?;
        for &i in &remaining {
            for _ in 0..az_count {
                // Capacity was checked above, so a block is always found.
                if let Some(net) = space.first_fit(mask) {
                    space.take(net);
                    planned[i].push(net);
                }
            }
        }
    }

    Ok(CidrPlan {
        vpc,
        tiers: tiers
            .iter()
            .zip(planned)
            .map(|(t, cidrs)| PlannedTier {
                name: t.name.clone(),
                cidrs,
            })
            .collect(),
    })
}

/// Parses a canonical IPv4 CIDR block (no host bits set).
fn parse_cidr(owner: &str, value: &str) -> Result<Ipv4Net, CidrError> {
    let invalid = |reason: String| CidrError::InvalidCidr {
        owner: owner.to_string(),
        value: value.to_string(),
        reason,
    };
    let net = Ipv4Net::from_str(value.trim()).map_err(|_| {
        invalid("write it as four octets and a prefix length, such as 10.0.0.0/16".to_string())
    })?;
    if net.trunc() != net {
        return Err(invalid(format!(
            "host bits are set; the block that contains it is {}",
            net.trunc()
        )));
    }
    Ok(net)
}

fn check_subnet_mask(tier: &SubnetTier, mask: u8, vpc: Ipv4Net) -> Result<(), CidrError> {
    if mask < vpc.prefix_len() || mask > MAX_PREFIX {
        return Err(CidrError::SubnetMaskOutOfRange {
            tier: tier.name.clone(),
            mask,
            vpc_prefix: vpc.prefix_len(),
        });
    }
    Ok(())
}

fn overlaps(a: Ipv4Net, b: Ipv4Net) -> bool {
    a.contains(&b) || b.contains(&a)
}

/// The VPC's address range and the blocks taken from it so far.
struct Space {
    first: u64,
    last: u64,
    taken: Vec<(u64, u64)>,
}

impl Space {
    fn new(vpc: Ipv4Net) -> Space {
        Space {
            first: u64::from(u32::from(vpc.network())),
            last: u64::from(u32::from(vpc.broadcast())),
            taken: Vec::new(),
        }
    }

    fn take(&mut self, net: Ipv4Net) {
        let range = (
            u64::from(u32::from(net.network())),
            u64::from(u32::from(net.broadcast())),
        );
        let at = self.taken.partition_point(|r| *r < range);
        self.taken.insert(at, range);
    }

    /// The free ranges, lowest first.
    fn free(&self) -> Vec<(u64, u64)> {
        let mut free = Vec::new();
        let mut next = self.first;
        for &(start, end) in &self.taken {
            if start > next {
                free.push((next, start - 1));
            }
            next = next.max(end + 1);
        }
        if next <= self.last {
            free.push((next, self.last));
        }
        free
    }

    /// The lowest free block of prefix length `mask`, aligned to its size.
    fn first_fit(&self, mask: u8) -> Option<Ipv4Net> {
        let size = 1u64 << (32 - u32::from(mask));
        self.free().into_iter().find_map(|(start, end)| {
            let at = start.div_ceil(size) * size;
            (at + size - 1 <= end)
                .then(|| u32::try_from(at).ok())
                .flatten()
                .and_then(|a| Ipv4Net::new(a.into(), mask).ok())
        })
    }

    /// How many aligned blocks of prefix length `mask` are free.
    fn capacity(&self, mask: u8) -> u64 {
        let size = 1u64 << (32 - u32::from(mask));
        self.free()
            .into_iter()
            .map(|(start, end)| {
                let at = start.div_ceil(size) * size;
                if at + size - 1 <= end {
                    (end + 1 - at) / size
                } else {
                    0
                }
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ec2::SubnetKind;

    fn strings(nets: &[Ipv4Net]) -> Vec<String> {
        nets.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn masks_fill_gaps_left_by_explicit_blocks_in_address_order() {
        let tiers = [
            SubnetTier::with_cidrs("a", SubnetKind::Public, ["10.0.1.0/24"]),
            SubnetTier::with_mask("b", SubnetKind::Isolated, 24),
            SubnetTier::with_mask("c", SubnetKind::Isolated, 23),
        ];
        let plan = plan_subnets("10.0.0.0/16", 1, &tiers).unwrap();
        assert_eq!(strings(plan.tier("b").unwrap()), ["10.0.0.0/24"]);
        assert_eq!(strings(plan.tier("c").unwrap()), ["10.0.2.0/23"]);
    }

    #[test]
    fn remaining_space_is_split_into_the_largest_blocks_that_fit() {
        let tiers = [
            SubnetTier::with_mask("a", SubnetKind::Public, 18),
            SubnetTier::new("b", SubnetKind::Isolated),
        ];
        // 3/4 of the /16 is left: three /18 blocks.
        let plan = plan_subnets("10.0.0.0/16", 3, &tiers).unwrap();
        assert_eq!(
            strings(plan.tier("a").unwrap()),
            ["10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18"]
        );
        assert_eq!(
            strings(plan.tier("b").unwrap()),
            ["10.0.192.0/20", "10.0.208.0/20", "10.0.224.0/20"]
        );
    }

    #[test]
    fn free_space_accounts_for_alignment() {
        let mut space = Space::new("10.0.0.0/24".parse().unwrap());
        space.take("10.0.0.16/28".parse().unwrap());
        // Free: .0/28 and .32-.255; /27 blocks fit only from .32.
        assert_eq!(space.capacity(27), 7);
        assert_eq!(space.first_fit(27), "10.0.0.32/27".parse().ok());
        assert_eq!(space.first_fit(28), "10.0.0.0/28".parse().ok());
    }
}
