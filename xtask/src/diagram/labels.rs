//! The ids and text lines both renderers draw for the parts of a
//! [`Graph`](super::model::Graph), so Mermaid and DOT show the same thing.

use super::model::{sanitize, Node, Stack};
use super::network::{Tier, Vpc};

/// The group id of a stack.
pub fn stack_id(stack: &Stack) -> String {
    sanitize(&stack.id)
}

/// The title of a stack's group: its id and region.
pub fn stack_title(stack: &Stack) -> String {
    match &stack.region {
        Some(r) => format!("{} · {r}", stack.id),
        None => stack.id.clone(),
    }
}

/// The group id of a VPC (`__` cannot occur in a node id: logical ids
/// are alphanumeric).
pub fn vpc_id(stack: &Stack, vpc: &Vpc) -> String {
    sanitize(&format!("{}__{}", stack.id, vpc.logical_id))
}

/// The title of a VPC's group.
pub fn vpc_title(vpc: &Vpc) -> String {
    match &vpc.cidr {
        Some(c) => format!("VPC {} · {c}", vpc.name),
        None => format!("VPC {}", vpc.name),
    }
}

/// The node id of a tier.
pub fn tier_id(stack: &Stack, vpc: &Vpc, tier: &Tier) -> String {
    sanitize(&format!("{}__tier_{}", vpc_id(stack, vpc), tier.name))
}

/// A tier's lines: name and kind, zones and NAT gateways, CIDR blocks.
pub fn tier_lines(tier: &Tier) -> Vec<String> {
    let kind = tier.kind.name();
    let title = if tier.name.eq_ignore_ascii_case(kind) {
        format!("{kind} subnets")
    } else {
        format!("{} subnets ({kind})", tier.name)
    };
    let mut size = format!("{} AZ", tier.azs);
    if tier.nat_gateways > 0 {
        size.push_str(&format!(" · {} NAT", tier.nat_gateways));
    }
    let mut lines = vec![title, size];
    lines.extend(tier.cidrs.chunks(3).map(|c| c.join(", ")));
    lines
}

/// The node id of a VPC's endpoints.
pub fn endpoints_id(stack: &Stack, vpc: &Vpc) -> String {
    format!("{}__endpoints", vpc_id(stack, vpc))
}

/// The endpoints' lines: a title and the services, five a line.
pub fn endpoints_lines(vpc: &Vpc) -> Vec<String> {
    let mut lines = vec![format!("VPC endpoints ({})", vpc.endpoints.len())];
    lines.extend(vpc.endpoints.chunks(5).map(|c| c.join(" · ")));
    lines
}

/// The node id of a stack's note.
pub fn note_id(stack: &Stack) -> String {
    format!("{}__note", stack_id(stack))
}

/// The note's lines, three counts a line.
pub fn note_lines(stack: &Stack) -> Vec<String> {
    stack.note.chunks(3).map(|c| c.join(" · ")).collect()
}

/// A node's lines: its name (or names, two a line, when it stands for
/// several), then its kind with the count and details.
pub fn node_lines(node: &Node) -> Vec<String> {
    let mut kind = node.kind.clone();
    if node.names.len() > 1 {
        kind.push_str(&format!(" ×{}", node.names.len()));
    }
    for d in &node.details {
        kind.push_str(" · ");
        kind.push_str(d);
    }
    let mut lines: Vec<String> = node.names.chunks(2).map(|c| c.join(", ")).collect();
    lines.push(kind);
    lines
}
