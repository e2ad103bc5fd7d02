//! Invariants of logical-ID allocation and synth on arbitrary construct
//! trees. Shared by the fuzz targets and the stable proptest
//! `constructs/aws/tests/fuzz_invariants.rs`, so it uses nothing but
//! `strata_core` and the standard library.

use std::collections::{BTreeSet, HashSet};

use strata_core::{
    logical_id, App, Environment, Handle, Output, Raw, Resource, ResourceOptions, Scope,
    StackProps, TagShape, ToRaw, Validate, Validator, Value,
};

/// The longest logical ID CloudFormation accepts.
const MAX_ID_LEN: usize = 255;

fn alphanumeric(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// Checks the logical ID of one construct path: ASCII letters and digits
/// only, at most 255 characters, the same on every call, `Default`
/// components ignored, and the CDK's shape (a lone top-level component is
/// used as is; otherwise a readable part and 8 hex digits of hash).
pub fn check_logical_id(components: &[String]) {
    let id = logical_id(components);
    assert_eq!(
        id,
        logical_id(components),
        "the ID of {components:?} is stable"
    );
    assert!(id.len() <= MAX_ID_LEN, "{id:?} is longer than 255");
    assert!(
        id.bytes().all(|b| b.is_ascii_alphanumeric()),
        "{id:?} has characters other than ASCII letters and digits"
    );
    let mut with_default = vec!["Default".to_string()];
    with_default.extend(components.iter().cloned());
    assert_eq!(
        id,
        logical_id(&with_default),
        "a Default component does not change the ID of {components:?}"
    );
    let kept: Vec<&str> = components
        .iter()
        .map(String::as_str)
        .filter(|c| *c != "Default")
        .collect();
    let lone = kept.first().map(|c| alphanumeric(c));
    match lone {
        Some(top) if kept.len() == 1 && top.len() <= MAX_ID_LEN => assert_eq!(id, top),
        _ => {
            assert!(id.len() >= 8, "{id:?} has no hash suffix");
            let (human, hash) = id.split_at(id.len() - 8);
            assert!(
                hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'A'..=b'F')),
                "{id:?} does not end in 8 upper-case hex digits"
            );
            assert!(human.len() <= 240, "{id:?}: readable part over 240");
        }
    }
}

/// A test resource with one property, so trees need no generated types.
#[derive(Clone, Debug)]
struct Thing {
    name: Value<String>,
}

impl ToRaw for Thing {
    fn to_raw(&self) -> Raw {
        Raw::Object(vec![("Name".to_string(), self.name.to_raw())])
    }
}

impl Validate for Thing {
    fn validate(&self, _v: &mut Validator<'_>) {}
}

impl Resource for Thing {
    const TYPE: &'static str = "Fuzz::Test::Thing";
    const TAGS: TagShape = TagShape::None;
    type Ref = Handle;
}

/// One step of building a tree: what to add, where, and what it refers to.
#[derive(Clone, Debug)]
pub struct TreeOp {
    /// Index (modulo the scopes made so far: the app, the stacks, then
    /// every construct added) of the parent scope.
    pub parent: usize,
    /// What to add: see [`check_tree`].
    pub kind: u8,
    /// The construct id.
    pub id: String,
    /// Index (modulo the resources made so far) of the resource that a
    /// reference, output or dependency points at.
    pub target: usize,
}

impl TreeOp {
    /// A step.
    pub fn new(parent: usize, kind: u8, id: String, target: usize) -> TreeOp {
        TreeOp {
            parent,
            kind,
            id,
            target,
        }
    }
}

/// The environment of a stack, picked by the first byte of its id: none,
/// two regions of one account, another account.
fn environment(id: &str) -> Environment {
    match id.bytes().next().unwrap_or(0) % 4 {
        0 => Environment::default(),
        1 => Environment::new("111111111111", "us-east-1"),
        2 => Environment::new("111111111111", "eu-west-1"),
        _ => Environment::new("222222222222", "us-east-1"),
    }
}

/// What synth gave, rendered for comparison: the stacks' bodies and
/// logical IDs, or the error text.
fn build(stacks: &[String], ops: &[TreeOp]) -> (App, BTreeSet<String>, Result<String, String>) {
    let app = App::new();
    let mut scopes: Vec<Scope> = vec![app.root().clone()];
    for id in stacks.iter().take(3) {
        let props = StackProps {
            env: environment(id),
            ..StackProps::default()
        };
        // Half the stacks get a name CloudFormation takes, so synth can pass.
        let id = if id.len() % 2 == 0 {
            format!("S{}", alphanumeric(id))
        } else {
            id.clone()
        };
        scopes.push(app.stack(&id, props));
    }
    let mut resources: Vec<Handle> = Vec::new();
    let mut overridden = BTreeSet::new();
    for op in ops {
        let parent = &scopes[op.parent % scopes.len()];
        let target = (!resources.is_empty()).then(|| resources[op.target % resources.len()]);
        match op.kind % 6 {
            0 => scopes.push(parent.child(&op.id)),
            1 => resources.push(parent.resource(
                &op.id,
                Thing {
                    name: op.id.clone().into(),
                },
            )),
            2 => {
                let name = target.map_or_else(|| op.id.clone().into(), |t| t.ref_());
                resources.push(parent.resource(&op.id, Thing { name }));
            }
            3 => {
                let value = target.map_or_else(|| op.id.clone().into(), |t| t.get_att("Arn"));
                parent.output(&op.id, Output::new(value));
            }
            4 => {
                let handle = parent.resource(
                    &op.id,
                    Thing {
                        name: "fixed".into(),
                    },
                );
                if let Some(scope) = parent.of(&handle) {
                    scope.override_logical_id(&op.id);
                    overridden.insert(scope.path());
                }
                resources.push(handle);
            }
            _ => {
                let opts = ResourceOptions {
                    depends_on: target.into_iter().collect(),
                    ..ResourceOptions::default()
                };
                resources.push(parent.resource_with(
                    &op.id,
                    Thing {
                        name: "dependent".into(),
                    },
                    opts,
                ));
            }
        }
    }
    let rendered = match app.synth() {
        Ok(assembly) => Ok(assembly
            .stacks
            .iter()
            .map(|s| format!("{}\n{:?}\n{}", s.id, s.logical_ids, s.body()))
            .collect::<Vec<_>>()
            .join("\n")),
        Err(e) => Err(e.to_string()),
    };
    (app, overridden, rendered)
}

/// Builds a tree from `ops` under up to three stacks named by `stacks`
/// and synthesizes it. Op kinds (modulo 6): a construct, a resource, a
/// resource that `Ref`s an earlier one, an output of an earlier
/// resource's attribute, a resource whose logical ID is overridden with
/// the op's id, a resource that depends on an earlier one.
///
/// Never panics; synth is deterministic; on success every logical ID is
/// unique in its stack, 1 to 255 ASCII letters and digits, and (unless
/// overridden) the CDK's ID of the path; on failure every issue says what
/// is wrong and names a construct path.
pub fn check_tree(stacks: &[String], ops: &[TreeOp]) {
    let (app, overridden, first) = build(stacks, ops);
    let (_, _, second) = build(stacks, ops);
    assert_eq!(first, second, "synth of the same tree is deterministic");
    match app.synth() {
        Ok(assembly) => {
            for stack in &assembly.stacks {
                let mut seen = HashSet::new();
                for (path, lid) in &stack.logical_ids {
                    assert!(seen.insert(lid.clone()), "{lid} is allocated twice");
                    assert!(
                        !lid.is_empty()
                            && lid.len() <= MAX_ID_LEN
                            && lid.bytes().all(|b| b.is_ascii_alphanumeric()),
                        "{path}: invalid logical ID {lid:?} passed synth"
                    );
                    if !overridden.contains(path) {
                        let below: Vec<&str> = path[stack.id.len() + 1..].split('/').collect();
                        assert_eq!(*lid, logical_id(&below), "{path}");
                    }
                }
                let template = &stack.template;
                for section in ["Resources", "Outputs"] {
                    if let Some(elements) = template.get(section).and_then(|s| s.as_object()) {
                        for key in elements.keys() {
                            assert!(
                                seen.contains(key) || key.starts_with("CrossStack"),
                                "{section} has {key}, which no construct was given"
                            );
                            assert!(
                                key.len() <= MAX_ID_LEN
                                    && key.bytes().all(|b| b.is_ascii_alphanumeric()),
                                "{section} key {key:?} is not a valid logical ID"
                            );
                        }
                    }
                }
            }
        }
        Err(e) => {
            assert!(!e.issues.is_empty(), "a failed synth reports an issue");
            for issue in &e.issues {
                assert!(!issue.message.is_empty(), "{issue:?} says nothing");
                assert!(
                    !issue.path.is_empty() || issue.rule == "empty-id",
                    "{issue:?} names no construct path"
                );
            }
        }
    }
}
