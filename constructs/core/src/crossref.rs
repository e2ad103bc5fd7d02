//! Cross-stack references and stack dependencies.
//!
//! A `Ref` or `Fn::GetAtt` of a resource in another stack of the app
//! becomes an Output of the producing stack and a Parameter of the
//! consuming stack, with the same name; `strata deploy` reads the
//! producer's output after deploying it and passes it as the consumer's
//! parameter. The consumer depends on the producer, so deploy orders them.
//!
//! Strata does not use `Export`/`Fn::ImportValue` for these: an export
//! cannot change or go away while another stack imports it (the CDK's
//! "deadly embrace"), and exports do not cross regions or accounts. A
//! parameter passes the current value at each deploy, in any environment.
//! Explicit exports remain available through `Output::export` and
//! `Fn::import_value`.

use std::collections::{BTreeMap, BTreeSet};

use crate::document::Doc;
use crate::logical_id::logical_id;
use crate::synth::Pending;
use crate::tree::{Environment, Tree};
use crate::validate::Issue;

/// A value one stack takes from a resource of another.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Import {
    /// The producing stack's node.
    pub(crate) producer: u32,
    /// The resource's node.
    pub(crate) node: u32,
    /// The attribute, or `None` for `Ref`.
    pub(crate) attribute: Option<String>,
}

impl Import {
    /// The name of both the producer's output and the consumer's
    /// parameter: a logical ID over the producer's stack id, the
    /// resource's path and the attribute, so it is stable and unique.
    pub(crate) fn name(&self, tree: &Tree) -> String {
        let stack = &tree.nodes[self.producer as usize];
        let node = &tree.nodes[self.node as usize];
        let below = node.path.get(stack.path.len() + 1..).unwrap_or("");
        let mut parts: Vec<&str> = vec!["CrossStack", stack.id.as_str()];
        parts.extend(below.split('/'));
        parts.push(self.attribute.as_deref().unwrap_or("Ref"));
        logical_id(&parts)
    }
}

/// Where deploy gets the value of one parameter of a consuming stack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParameterSource {
    /// The consumer's parameter.
    pub parameter: String,
    /// The producing stack's artifact id.
    pub stack: String,
    /// The producer's output holding the value.
    pub output: String,
}

/// One use of another stack's resource: the consuming stack, the path of
/// the element that uses it, and what it takes.
pub(crate) type CrossUse = (u32, String, Import);

/// Whether deploy can read the producer's outputs for the consumer: both
/// stacks have the same environment, or both name their region and the
/// same account (or both leave the account to the credentials in use).
fn reachable(producer: &Environment, consumer: &Environment) -> bool {
    producer == consumer
        || (producer.region.is_some()
            && consumer.region.is_some()
            && producer.account == consumer.account)
}

/// Adds the outputs and parameters the imports need, records the stack
/// dependencies (from imports and `Scope::add_dependency`) and reports
/// unreachable environments and dependency cycles between stacks.
pub(crate) fn link(
    tree: &Tree,
    stacks: &mut [Pending],
    uses: Vec<CrossUse>,
    issues: &mut Vec<Issue>,
) {
    let index: BTreeMap<u32, usize> = stacks
        .iter()
        .enumerate()
        .map(|(i, p)| (p.node, i))
        .collect();
    let mut deps: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    for (from, to) in &tree.stack_deps {
        deps.entry(*from).or_default().insert(*to);
    }
    // The element names each stack has before linking: an output or
    // parameter Strata adds must not take one of them.
    let taken: Vec<BTreeSet<String>> = stacks.iter().map(element_names).collect();
    let mut done: BTreeSet<(u32, String)> = BTreeSet::new();
    for (consumer, path, import) in uses {
        let (Some(&ci), Some(&pi)) = (index.get(&consumer), index.get(&import.producer)) else {
            continue;
        };
        let producer_node = &tree.nodes[import.node as usize];
        let (producer_env, consumer_env) = (
            stacks[pi].artifact.env.clone(),
            stacks[ci].artifact.env.clone(),
        );
        if !reachable(&producer_env, &consumer_env) {
            issues.push(Issue {
                path,
                property: String::new(),
                rule: "cross-stack-env",
                message: format!(
                    "refers to {} in stack {} ({}), but this stack is in {}; deploy can pass values only between stacks in the same environment, or in named regions of one account; give both stacks an explicit region and the same account",
                    producer_node.path,
                    stacks[pi].artifact.id,
                    producer_env.uri(),
                    consumer_env.uri()
                ),
            });
            continue;
        }
        deps.entry(consumer).or_default().insert(import.producer);
        let name = import.name(tree);
        if !done.insert((consumer, name.clone())) {
            continue;
        }
        let Some(lid) = stacks[pi]
            .artifact
            .logical_ids
            .iter()
            .find(|(p, _)| *p == producer_node.path)
            .map(|(_, l)| l.clone())
        else {
            continue;
        };
        let mut clash = false;
        for (i, section) in [(pi, "output"), (ci, "parameter")] {
            if taken[i].contains(&name) {
                clash = true;
                issues.push(Issue {
                    path: tree.nodes[stacks[i].node as usize].path.clone(),
                    property: String::new(),
                    rule: "cross-stack-name",
                    message: format!(
                        "the logical ID {name} is taken, but Strata needs it for the {section} that passes {} to stack {}; rename the element that uses it",
                        producer_node.path, stacks[ci].artifact.id
                    ),
                });
            }
        }
        if clash {
            continue;
        }
        let value = match &import.attribute {
            None => Doc::single("Ref", Doc::Str(lid)),
            Some(attr) => Doc::single(
                "Fn::GetAtt",
                Doc::List(vec![Doc::Str(lid), Doc::Str(attr.clone())]),
            ),
        };
        let consumer_id = stacks[ci].artifact.id.clone();
        let producer_id = stacks[pi].artifact.id.clone();
        let description = format!("{} for stack {consumer_id}", producer_node.path);
        insert(
            &mut stacks[pi].doc,
            "Outputs",
            &name,
            Doc::Object(vec![
                ("Description".into(), Doc::Str(description)),
                ("Value".into(), value),
            ]),
        );
        let description = format!(
            "{} from stack {producer_id}, passed by strata deploy",
            producer_node.path
        );
        insert(
            &mut stacks[ci].doc,
            "Parameters",
            &name,
            Doc::Object(vec![
                ("Type".into(), Doc::Str("String".into())),
                ("Description".into(), Doc::Str(description)),
            ]),
        );
        stacks[ci].artifact.parameter_sources.push(ParameterSource {
            parameter: name.clone(),
            stack: producer_id,
            output: name,
        });
    }
    report_cycles(tree, &deps, issues);
    for p in stacks.iter_mut() {
        p.artifact.dependencies = deps
            .get(&p.node)
            .map(|d| {
                d.iter()
                    .map(|s| tree.nodes[*s as usize].id.clone())
                    .collect()
            })
            .unwrap_or_default();
    }
}

/// The logical IDs of a stack's template elements before linking.
fn element_names(stack: &Pending) -> BTreeSet<String> {
    stack
        .artifact
        .logical_ids
        .iter()
        .map(|(_, lid)| lid.clone())
        .collect()
}

/// Template sections in CloudFormation's conventional order.
const ORDER: [&str; 9] = [
    "AWSTemplateFormatVersion",
    "Description",
    "Transform",
    "Parameters",
    "Mappings",
    "Conditions",
    "Rules",
    "Resources",
    "Outputs",
];

/// Adds `id` to a template section, creating the section in its place.
fn insert(template: &mut Vec<(String, Doc)>, section: &str, id: &str, value: Doc) {
    if let Some((_, Doc::Object(s))) = template.iter_mut().find(|(k, _)| k == section) {
        Doc::set(s, id.to_string(), value);
        return;
    }
    let rank = |key: &str| ORDER.iter().position(|o| *o == key).unwrap_or(ORDER.len());
    let at = template
        .iter()
        .position(|(k, _)| rank(k) > rank(section))
        .unwrap_or(template.len());
    let new_section = Doc::Object(vec![(id.to_string(), value)]);
    template.insert(at, (section.to_string(), new_section));
}

/// Reports a dependency cycle between stacks, naming them in order.
fn report_cycles(tree: &Tree, deps: &BTreeMap<u32, BTreeSet<u32>>, issues: &mut Vec<Issue>) {
    let mut state: BTreeMap<u32, bool> = BTreeMap::new(); // false: open, true: done
    for &start in deps.keys() {
        if state.contains_key(&start) {
            continue;
        }
        let mut path: Vec<(u32, Vec<u32>)> = vec![(start, deps[&start].iter().copied().collect())];
        state.insert(start, false);
        while let Some((node, next)) = path.last_mut() {
            let node = *node;
            match next.pop() {
                Some(n) => match state.get(&n) {
                    None => {
                        state.insert(n, false);
                        let succ = deps
                            .get(&n)
                            .map(|d| d.iter().copied().collect())
                            .unwrap_or_default();
                        path.push((n, succ));
                    }
                    Some(false) => {
                        let from = path.iter().position(|(s, _)| *s == n).unwrap_or(0);
                        let mut names: Vec<&str> = path[from..]
                            .iter()
                            .map(|(s, _)| tree.nodes[*s as usize].id.as_str())
                            .collect();
                        names.push(&tree.nodes[n as usize].id);
                        issues.push(Issue {
                            path: tree.nodes[n as usize].path.clone(),
                            property: String::new(),
                            rule: "stack-cycle",
                            message: format!(
                                "stacks depend on each other in a cycle: {}; move the shared resources into one stack or remove a reference",
                                names.join(" -> ")
                            ),
                        });
                    }
                    Some(true) => {}
                },
                None => {
                    state.insert(node, true);
                    path.pop();
                }
            }
        }
    }
}
