//! The diagram of one cloud assembly as a graph: stacks as groups, each
//! with its VPCs' tiers and its architectural resources as nodes, and the
//! edges the templates' references imply, across stacks too.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;
use strata_deploy::StackArtifact;

use super::edges;
use super::kinds::{self, Category, Role};
use super::network::{self, Vpc};
use super::refs::{Key, Resolver};

/// One architectural resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// A stable id: stack and logical id, safe for Mermaid and DOT.
    pub id: String,
    /// The stack's artifact id.
    pub stack: String,
    /// The logical id.
    pub logical_id: String,
    /// The construct path below the stack (the logical id without one);
    /// several when alike nodes are drawn as one (see [`collapse`]).
    pub names: Vec<String>,
    /// What it is (`Lambda`, `SQS queue`, …).
    pub kind: String,
    /// Its category.
    pub category: Category,
    /// Extra lines: engine, runtime, sizes, the tiers it runs in.
    pub details: Vec<String>,
}

/// A reference between two nodes, labelled with what it is (`read/write`,
/// `:5432`, `subscription`, …; empty for a plain reference).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    /// The id of the node that uses, sends or connects.
    pub from: String,
    /// The id of the node used, received or connected to.
    pub to: String,
    /// What the reference is; several joined by `, `.
    pub label: String,
}

/// One stack of the assembly.
#[derive(Debug, Clone, PartialEq)]
pub struct Stack {
    /// The artifact id, also the group's id.
    pub id: String,
    /// The stack's region, `None` when environment-agnostic.
    pub region: Option<String>,
    /// Its VPCs with their tiers.
    pub vpcs: Vec<Vpc>,
    /// Counts of what is not drawn (`KMS keys: 3`, `alarms: 12`, …).
    pub note: Vec<String>,
}

/// The diagram of one assembly.
#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    /// What it shows (`bird-agent (prod)`).
    pub title: String,
    /// The stacks, in deployment order.
    pub stacks: Vec<Stack>,
    /// Every node, sorted by id.
    pub nodes: Vec<Node>,
    /// Every edge, sorted.
    pub edges: Vec<Edge>,
}

/// Makes `raw` a Mermaid and DOT identifier: ASCII letters, digits and
/// `_`, starting with a letter.
pub fn sanitize(raw: &str) -> String {
    let mut id: String = raw
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
        id.insert(0, 'n');
    }
    id
}

/// The node id of resource `key`.
pub fn node_id(key: &Key) -> String {
    sanitize(&format!("{}_{}", key.0, key.1))
}

/// The construct path of a resource below its stack (its
/// `aws:cdk:path` without the stack and a last `Resource`/`Default`),
/// else its logical id.
pub fn short_path(stack: &str, logical_id: &str, resource: Option<&Json>) -> String {
    let path = resource
        .and_then(|r| r.pointer("/Metadata/aws:cdk:path"))
        .and_then(Json::as_str)
        .unwrap_or(logical_id);
    let path = path.strip_prefix(&format!("{stack}/")).unwrap_or(path);
    let path = path
        .strip_suffix("/Resource")
        .or_else(|| path.strip_suffix("/Default"))
        .unwrap_or(path);
    if path.is_empty() {
        logical_id.to_string()
    } else {
        path.to_string()
    }
}

/// What resolves references and folds plumbing into nodes.
pub(super) struct Index<'a> {
    /// Resolves references across stacks.
    pub resolver: Resolver<'a>,
    /// The stacks, in order.
    pub stacks: &'a [StackArtifact],
    /// Resource → the resources whose properties reference it.
    referrers: BTreeMap<Key, BTreeSet<Key>>,
}

impl<'a> Index<'a> {
    fn new(stacks: &'a [StackArtifact]) -> Self {
        let resolver = Resolver::new(stacks);
        let mut referrers: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
        for (key, res) in resources(stacks) {
            let props = res.get("Properties").unwrap_or(&Json::Null);
            for t in resolver.resolve(&key.0, props) {
                referrers.entry(t.key).or_default().insert(key.clone());
            }
        }
        Index {
            resolver,
            stacks,
            referrers,
        }
    }

    /// The properties of resource `key` (`null` when it has none).
    pub fn props(&self, key: &Key) -> &'a Json {
        self.resolver
            .resource(key)
            .and_then(|r| r.get("Properties"))
            .unwrap_or(&Json::Null)
    }

    /// The resources property `prop` of resource `key` references.
    pub fn targets(&self, key: &Key, prop: &str) -> Vec<Key> {
        self.props(key)
            .get(prop)
            .map(|v| self.resolver.resolve(&key.0, v))
            .unwrap_or_default()
            .into_iter()
            .map(|t| t.key)
            .collect()
    }

    /// The nodes resource `key` stands for: itself when it is a node, the
    /// node(s) it is plumbing of, or none.
    pub fn owners(&self, key: &Key) -> BTreeSet<Key> {
        self.owners_at(key, 0)
    }

    fn owners_at(&self, key: &Key, depth: usize) -> BTreeSet<Key> {
        let ty = self.resolver.type_of(key);
        if depth > 8 {
            return BTreeSet::new();
        }
        match kinds::role(ty) {
            Role::Node(..) => {
                // An instance of a cluster is part of the cluster.
                let cluster = if ty == "AWS::RDS::DBInstance" {
                    self.targets(key, "DBClusterIdentifier")
                } else {
                    Vec::new()
                };
                if cluster.is_empty() {
                    BTreeSet::from([key.clone()])
                } else {
                    cluster
                        .iter()
                        .flat_map(|c| self.owners_at(c, depth + 1))
                        .collect()
                }
            }
            Role::Fold(props) => props
                .iter()
                .flat_map(|p| self.targets(key, p))
                .flat_map(|t| self.owners_at(&t, depth + 1))
                .collect(),
            Role::FoldIntoReferrers(_, _, types) => {
                let users: BTreeSet<Key> = self
                    .referrers
                    .get(key)
                    .into_iter()
                    .flatten()
                    .filter(|r| types.contains(&self.resolver.type_of(r)))
                    .flat_map(|r| self.owners_at(r, depth + 1))
                    .collect();
                if users.is_empty() {
                    BTreeSet::from([key.clone()])
                } else {
                    users
                }
            }
            Role::Ignore => BTreeSet::new(),
        }
    }
}

/// Every resource of `stacks`: its key and document, in template order.
pub(super) fn resources(stacks: &[StackArtifact]) -> impl Iterator<Item = (Key, &Json)> {
    stacks.iter().flat_map(|s| {
        s.template
            .get("Resources")
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
            .map(|(lid, r)| ((s.id.clone(), lid.clone()), r))
    })
}

/// Builds the diagram of the stacks of one assembly.
pub fn build(title: &str, stacks: &[StackArtifact]) -> Graph {
    let index = Index::new(stacks);
    let mut nodes = BTreeMap::new();
    for (key, res) in resources(stacks) {
        let ty = res.get("Type").and_then(Json::as_str).unwrap_or("");
        let (category, kind) = match kinds::role(ty) {
            Role::Node(c, k) | Role::FoldIntoReferrers(c, k, _) => (c, k),
            _ => continue,
        };
        if index.owners(&key) != BTreeSet::from([key.clone()]) {
            continue;
        }
        let props = res.get("Properties").unwrap_or(&Json::Null);
        let node = Node {
            id: node_id(&key),
            stack: key.0.clone(),
            logical_id: key.1.clone(),
            names: vec![short_path(&key.0, &key.1, Some(res))],
            kind: kind.to_string(),
            category,
            details: kinds::detail(ty, props).into_iter().collect(),
        };
        nodes.insert(key, node);
    }
    let mut groups = Vec::new();
    for s in stacks {
        let res = s.template.get("Resources").and_then(Json::as_object);
        let empty = serde_json::Map::new();
        let res = res.unwrap_or(&empty);
        groups.push(Stack {
            id: s.id.clone(),
            region: s.region.clone(),
            vpcs: network::vpcs(&index.resolver, &s.id, res),
            note: note(res),
        });
    }
    let folded = edges::fold(&index);
    // Each node's tiers, from the subnets it (or its plumbing) names.
    let mut tier_of: BTreeMap<Key, String> = BTreeMap::new();
    for g in &groups {
        for v in &g.vpcs {
            for t in &v.tiers {
                for s in &t.subnets {
                    tier_of.insert((g.id.clone(), s.clone()), t.name.clone());
                }
            }
        }
    }
    for (node, subnets) in &folded.subnets {
        let tiers: BTreeSet<&str> = subnets
            .iter()
            .filter_map(|s| tier_of.get(s).map(String::as_str))
            .collect();
        if let (Some(n), false) = (nodes.get_mut(node), tiers.is_empty()) {
            let tiers: Vec<&str> = tiers.into_iter().collect();
            n.details.push(format!("in {}", tiers.join(", ")));
        }
    }
    let mut merged: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for (from, to, label) in folded.edges {
        if from == to || !nodes.contains_key(&from) || !nodes.contains_key(&to) {
            continue;
        }
        merged
            .entry((node_id(&from), node_id(&to)))
            .or_default()
            .insert(label);
    }
    let edges = merged
        .into_iter()
        .map(|((from, to), labels)| Edge {
            from,
            to,
            label: merge_labels(&labels),
        })
        .collect();
    let mut nodes: Vec<Node> = nodes.into_values().collect();
    nodes.sort_by(|a, b| a.id.cmp(&b.id));
    let mut graph = Graph {
        title: title.to_string(),
        stacks: groups,
        nodes,
        edges,
    };
    collapse(&mut graph, false);
    if graph.edges.len() > DENSE {
        collapse(&mut graph, true);
    }
    graph
}

/// Past this many edges a diagram is merged harder (see [`collapse`]).
pub const DENSE: usize = 100;

/// One label for the references between two nodes: ports first, then
/// what the properties say (`tools`, `task`, `target`, …), then the IAM
/// access (`read/write`), which a property's word already implies and so
/// is left out next to one.
pub fn merge_labels(labels: &BTreeSet<String>) -> String {
    const ACCESS: [&str; 4] = ["read", "write", "invoke", "connect"];
    let mut ports = BTreeSet::new();
    let mut words = BTreeSet::new();
    let mut access = BTreeSet::new();
    for l in labels
        .iter()
        .flat_map(|l| l.split(", "))
        .filter(|l| !l.is_empty())
    {
        let parts: Vec<&str> = l.split('/').collect();
        if parts.iter().all(|p| ACCESS.contains(p)) {
            access.extend(
                parts
                    .iter()
                    .filter_map(|p| ACCESS.iter().position(|a| a == p)),
            );
        } else if l.starts_with(':') || l == "all" {
            ports.insert(l);
        } else {
            words.insert(l);
        }
    }
    let access: Vec<&str> = access.into_iter().map(|i| ACCESS[i]).collect();
    let access = access.join("/");
    let mut out: Vec<&str> = ports.into_iter().chain(words.iter().copied()).collect();
    if words.is_empty() && !access.is_empty() {
        out.push(&access);
    }
    out.join(", ")
}

/// Draws alike nodes as one: nodes of one stack with the same kind and
/// details, and the same edges in and out (four WebSocket route handlers
/// that each write the connections table), become one node naming them
/// all. With `by_uses`, nodes that use the same nodes the same way (the
/// same edges out, at least one) are alike whatever reaches them. Repeated
/// until nothing changes, since merging can make others alike.
pub fn collapse(graph: &mut Graph, by_uses: bool) {
    loop {
        type Signature = (
            String,
            String,
            Vec<String>,
            Vec<(String, String)>,
            Vec<(String, String)>,
        );
        let mut groups: BTreeMap<Signature, Vec<usize>> = BTreeMap::new();
        for (i, n) in graph.nodes.iter().enumerate() {
            let mut ins: Vec<(String, String)> = graph
                .edges
                .iter()
                .filter(|e| e.to == n.id)
                .map(|e| (e.from.clone(), e.label.clone()))
                .collect();
            let mut outs: Vec<(String, String)> = graph
                .edges
                .iter()
                .filter(|e| e.from == n.id)
                .map(|e| (e.to.clone(), e.label.clone()))
                .collect();
            ins.sort();
            outs.sort();
            if by_uses && !outs.is_empty() {
                ins.clear();
            }
            let sig = (
                n.stack.clone(),
                n.kind.clone(),
                n.details.clone(),
                ins,
                outs,
            );
            groups.entry(sig).or_default().push(i);
        }
        // id of a merged node → the id that stands for it.
        let mut into: BTreeMap<String, String> = BTreeMap::new();
        for members in groups.values().filter(|m| m.len() > 1) {
            let keep = &graph.nodes[members[0]].id;
            for &m in &members[1..] {
                into.insert(graph.nodes[m].id.clone(), keep.clone());
            }
        }
        if into.is_empty() {
            return;
        }
        let mut extra: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for n in &graph.nodes {
            if let Some(keep) = into.get(&n.id) {
                extra
                    .entry(keep.clone())
                    .or_default()
                    .extend(n.names.clone());
            }
        }
        graph.nodes.retain(|n| !into.contains_key(&n.id));
        for n in &mut graph.nodes {
            if let Some(names) = extra.remove(&n.id) {
                n.names.extend(names);
                n.names.sort();
            }
        }
        let rename = |id: &String| into.get(id).unwrap_or(id).clone();
        let mut merged: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
        for e in &graph.edges {
            merged
                .entry((rename(&e.from), rename(&e.to)))
                .or_default()
                .insert(e.label.clone());
        }
        let edges: Vec<Edge> = merged
            .into_iter()
            .map(|((from, to), labels)| Edge {
                from,
                to,
                label: merge_labels(&labels),
            })
            .collect();
        graph.edges = edges;
    }
}

/// The counts of a stack's undrawn resources, in [`kinds::COUNTED`] order.
fn note(resources: &serde_json::Map<String, Json>) -> Vec<String> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for (ty, word) in kinds::COUNTED {
        let n = resources
            .values()
            .filter(|r| r.get("Type").and_then(Json::as_str) == Some(ty))
            .count();
        match counts.iter_mut().find(|(w, _)| w == word) {
            Some((_, c)) => *c += n,
            None => counts.push((word, n)),
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(w, n)| format!("{w}: {n}"))
        .collect()
}
