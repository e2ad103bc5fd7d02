//! The edges between nodes, folded through the plumbing that carries
//! them:
//! - a node's own references to another node (a Lambda's environment
//!   naming a table, a Step Functions definition naming a function, an
//!   API method's integration, a queue's dead-letter queue), labelled by
//!   the property they are in;
//! - an EventBridge rule: bus → rule → each target;
//! - a Lambda event source mapping: source → function (`events`);
//! - an SNS subscription: topic → endpoint (`subscription`);
//! - a WAF web ACL association: ACL → protected resource (`protects`);
//! - a security-group ingress rule from another group: the nodes that use
//!   the source group → the nodes that use the target group (`:port`);
//! - an IAM policy statement (`Allow`) of a role a node uses, naming a
//!   node's ARN or name: node → that node, labelled `read`, `write`,
//!   `read/write`, `invoke` or `connect` by its actions.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;

use super::kinds::{self, Role};
use super::model::{resources, Index};
use super::refs::Key;

/// What the folding finds.
#[derive(Debug, Default)]
pub struct Folded {
    /// Edges between node keys, with a label (`""` for a plain reference).
    pub edges: Vec<(Key, Key, String)>,
    /// Node → the subnets it (or its plumbing) is placed in.
    pub subnets: BTreeMap<Key, BTreeSet<Key>>,
}

/// Folds every reference of the assembly into edges between nodes.
pub(super) fn fold(index: &Index) -> Folded {
    let mut out = Folded::default();
    // Security group / IAM role → the nodes that use it.
    let mut sg_users: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
    let mut role_users: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
    for (key, res) in resources(index.stacks) {
        let ty = res.get("Type").and_then(Json::as_str).unwrap_or("");
        let attributed = match kinds::role(ty) {
            Role::Ignore => continue,
            _ => index.owners(&key),
        };
        if attributed.is_empty() {
            continue;
        }
        let Some(props) = res.get("Properties").and_then(Json::as_object) else {
            continue;
        };
        for (prop, value) in props {
            for t in index.resolver.resolve(&key.0, value) {
                let target_ty = index.resolver.type_of(&t.key);
                let users = match target_ty {
                    "AWS::EC2::SecurityGroup" => sg_users.entry(t.key).or_default(),
                    "AWS::EC2::Subnet" => {
                        for a in &attributed {
                            out.subnets
                                .entry(a.clone())
                                .or_default()
                                .insert(t.key.clone());
                        }
                        continue;
                    }
                    "AWS::IAM::Role" => role_users.entry(t.key).or_default(),
                    "AWS::IAM::InstanceProfile" => {
                        for role in index.targets(&t.key, "Roles") {
                            role_users
                                .entry(role)
                                .or_default()
                                .extend(attributed.clone());
                        }
                        continue;
                    }
                    _ => {
                        let owners = index.owners(&t.key);
                        if ty == "AWS::Events::Rule" && prop == "EventBusName" {
                            edges(&mut out, &owners, &attributed, "");
                        } else if let Some(label) = kinds::property_edge(ty, prop) {
                            edges(&mut out, &attributed, &owners, label);
                        }
                        continue;
                    }
                };
                users.extend(attributed.clone());
            }
        }
    }
    // What a security group stands for: its users; a cluster's own
    // group (`Fn::GetAtt Cluster.ClusterSecurityGroupId`) the cluster.
    let sg_owners = |k: &Key| -> BTreeSet<Key> {
        if index.resolver.type_of(k) == "AWS::EC2::SecurityGroup" {
            sg_users.get(k).cloned().unwrap_or_default()
        } else {
            index.owners(k)
        }
    };
    for (key, res) in resources(index.stacks) {
        let ty = res.get("Type").and_then(Json::as_str).unwrap_or("");
        let owners_of = |prop: &str| -> BTreeSet<Key> {
            index
                .targets(&key, prop)
                .iter()
                .flat_map(|t| index.owners(t))
                .collect()
        };
        match ty {
            "AWS::Lambda::EventSourceMapping" => edges(
                &mut out,
                &owners_of("EventSourceArn"),
                &owners_of("FunctionName"),
                "events",
            ),
            "AWS::SNS::Subscription" => edges(
                &mut out,
                &owners_of("TopicArn"),
                &owners_of("Endpoint"),
                "subscription",
            ),
            "AWS::WAFv2::WebACLAssociation" => edges(
                &mut out,
                &owners_of("WebACLArn"),
                &owners_of("ResourceArn"),
                "protects",
            ),
            "AWS::EC2::SecurityGroupIngress" => {
                let props = index.props(&key);
                let (src, dst) = (
                    index.targets(&key, "SourceSecurityGroupId"),
                    index.targets(&key, "GroupId"),
                );
                // A group open to itself lets its members talk: no edge.
                if src == dst {
                    continue;
                }
                let from: BTreeSet<Key> = src.iter().flat_map(&sg_owners).collect();
                let to: BTreeSet<Key> = dst.iter().flat_map(&sg_owners).collect();
                edges(&mut out, &from, &to, &port(props));
            }
            "AWS::EC2::SecurityGroup" => {
                let rules = index.props(&key).get("SecurityGroupIngress");
                for rule in rules.and_then(Json::as_array).into_iter().flatten() {
                    let Some(src) = rule.get("SourceSecurityGroupId") else {
                        continue;
                    };
                    let src = index.resolver.resolve(&key.0, src);
                    if src.iter().any(|t| t.key == key) {
                        continue;
                    }
                    let from: BTreeSet<Key> = src.iter().flat_map(|t| sg_owners(&t.key)).collect();
                    edges(&mut out, &from, &sg_owners(&key), &port(rule));
                }
            }
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                let users: BTreeSet<Key> = index
                    .targets(&key, "Roles")
                    .iter()
                    .flat_map(|r| role_users.get(r).cloned().unwrap_or_default())
                    .collect();
                let doc = index.props(&key).get("PolicyDocument");
                policy_edges(index, &key.0, doc, &users, &mut out);
            }
            "AWS::IAM::Role" => {
                let users = role_users.get(&key).cloned().unwrap_or_default();
                let policies = index.props(&key).get("Policies").and_then(Json::as_array);
                for p in policies.into_iter().flatten() {
                    policy_edges(index, &key.0, p.get("PolicyDocument"), &users, &mut out);
                }
            }
            _ => {}
        }
    }
    out
}

fn edges(out: &mut Folded, from: &BTreeSet<Key>, to: &BTreeSet<Key>, label: &str) {
    for f in from {
        for t in to.iter().filter(|t| !from.contains(t)) {
            out.edges.push((f.clone(), t.clone(), label.to_string()));
        }
    }
}

/// `:5432`, `:8000-8100` or `all` for an ingress rule.
pub fn port(rule: &Json) -> String {
    let n = |k: &str| rule.get(k).and_then(Json::as_i64);
    let proto = rule
        .get("IpProtocol")
        .and_then(Json::as_str)
        .unwrap_or("tcp");
    match (proto, n("FromPort"), n("ToPort")) {
        ("-1", ..) => "all".to_string(),
        (_, Some(a), Some(b)) if a == b => format!(":{a}"),
        (_, Some(a), Some(b)) => format!(":{a}-{b}"),
        (p, _, _) => p.to_string(),
    }
}

/// Edges from `users` to every node an `Allow` statement of `doc` names
/// in `Resource`, labelled with the access its actions give.
fn policy_edges(
    index: &Index,
    stack: &str,
    doc: Option<&Json>,
    users: &BTreeSet<Key>,
    out: &mut Folded,
) {
    let statements = match doc.and_then(|d| d.get("Statement")) {
        Some(Json::Array(s)) => s.iter().collect::<Vec<_>>(),
        Some(s) => vec![s],
        None => return,
    };
    for st in statements {
        if st.get("Effect").and_then(Json::as_str) != Some("Allow") {
            continue;
        }
        let actions: Vec<&str> = match st.get("Action") {
            Some(Json::String(a)) => vec![a.as_str()],
            Some(Json::Array(a)) => a.iter().filter_map(Json::as_str).collect(),
            _ => continue,
        };
        let label = access(&actions);
        let targets: BTreeSet<Key> = st
            .get("Resource")
            .map(|r| index.resolver.resolve(stack, r))
            .unwrap_or_default()
            .iter()
            .flat_map(|t| index.owners(&t.key))
            .collect();
        edges(out, users, &targets, &label);
    }
}

/// `read`, `write`, `read/write`, `invoke`, `connect` (joined by `/` when
/// several) for a statement's actions.
pub fn access(actions: &[&str]) -> String {
    let mut kinds = BTreeSet::new();
    for action in actions {
        let verb = action
            .rsplit(':')
            .next()
            .unwrap_or(action)
            .to_ascii_lowercase();
        let kind = if verb == "*" {
            kinds.insert(0);
            1
        } else if verb.starts_with("invoke")
            || verb.starts_with("startexecution")
            || verb.starts_with("startsyncexecution")
        {
            2
        } else if verb == "connect" {
            3
        } else if [
            "get",
            "list",
            "describe",
            "query",
            "scan",
            "batchget",
            "receive",
            "select",
            "search",
            "retrieve",
            "read",
            "conditioncheck",
            "eshttpget",
            "eshttphead",
        ]
        .iter()
        .any(|p| verb.starts_with(p))
        {
            0
        } else {
            1
        };
        kinds.insert(kind);
    }
    let words: Vec<&str> = kinds
        .into_iter()
        .map(|k| ["read", "write", "invoke", "connect"][k])
        .collect();
    words.join("/")
}
