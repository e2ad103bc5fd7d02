//! Synthesis: the construct tree becomes one CloudFormation template per
//! stack, after every check has run and every problem has been collected.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap;

use serde_json::Value as Json;

use crate::crossref::{self, CrossUse, ParameterSource};
use crate::document::{Doc, Template};
use crate::logical_id::logical_id;
use crate::resolve::{ElementKind, Resolver, StackIds};
use crate::resource::TagShape;
use crate::tree::{App, Kind, Scope, TagOp, Tree};
use crate::validate::{Issue, Validator};
use crate::value::Raw;
use crate::Environment;

/// CloudFormation's per-template limits.
pub mod limits {
    /// Resources in one template.
    pub const RESOURCES: usize = 500;
    /// Parameters in one template.
    pub const PARAMETERS: usize = 200;
    /// Outputs in one template.
    pub const OUTPUTS: usize = 200;
    /// Mappings in one template.
    pub const MAPPINGS: usize = 200;
    /// Template body size when uploaded through S3.
    pub const BODY_BYTES: usize = 1_048_576;
    /// Template body size when passed inline to the API.
    pub const INLINE_BODY_BYTES: usize = 51_200;
    /// Template `Description` size.
    pub const DESCRIPTION_BYTES: usize = 1024;
    /// Stack name length.
    pub const STACK_NAME_CHARS: usize = 128;

    /// Whether CloudFormation takes `name` as a stack name: 1 to 128
    /// letters, digits and hyphens, starting with a letter.
    ///
    /// ```
    /// use strata_core::limits::is_stack_name;
    /// assert!(is_stack_name("Network-prod"));
    /// assert!(!is_stack_name("1network") && !is_stack_name("a b"));
    /// ```
    pub fn is_stack_name(name: &str) -> bool {
        name.len() <= STACK_NAME_CHARS
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    }

    /// Whether `id` is an AWS account ID: 12 digits.
    ///
    /// ```
    /// use strata_core::limits::is_account_id;
    /// assert!(is_account_id("123456789012"));
    /// assert!(!is_account_id("1234"));
    /// ```
    pub fn is_account_id(id: &str) -> bool {
        id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
    }
}

/// One synthesized stack.
#[derive(Debug, Clone)]
pub struct StackArtifact {
    /// Artifact id in the cloud assembly: the stack's construct id.
    pub id: String,
    /// The CloudFormation stack name.
    pub stack_name: String,
    /// Target account and region.
    pub env: Environment,
    /// The template, read as JSON on first use.
    pub template: Template,
    /// Number of resources in the template.
    pub resource_count: usize,
    /// Refuse stack deletion.
    pub termination_protection: bool,
    /// Construct path → logical ID of every template element.
    pub logical_ids: Vec<(String, String)>,
    /// The file assets registered in the stack, in construct order.
    pub assets: Vec<crate::asset::FileAsset>,
    /// Ids of the stacks this one depends on: the producers of values it
    /// takes, and those added with `Scope::add_dependency`.
    pub dependencies: Vec<String>,
    /// Parameters deploy fills from other stacks' outputs.
    pub parameter_sources: Vec<ParameterSource>,
    /// StackSet targets, when the stack rolls out as a StackSet.
    pub stack_set: Option<crate::stackset::StackSetProps>,
}

impl StackArtifact {
    /// The template as written to disk.
    pub fn body(&self) -> &str {
        self.template.text()
    }

    /// The file name of the template in the cloud assembly.
    pub fn template_file(&self) -> String {
        format!("{}.template.json", self.id)
    }

    /// Whether the body exceeds the inline API limit and must be uploaded
    /// to S3 before deploy.
    pub fn needs_upload(&self) -> bool {
        self.body().len() > limits::INLINE_BODY_BYTES
    }
}

/// The result of synth: every stack's template.
#[derive(Debug, Clone)]
pub struct Assembly {
    /// The stacks, in the order they were added to the app.
    pub stacks: Vec<StackArtifact>,
}

/// Everything that is wrong with an app, found at synth.
#[derive(Debug, Clone)]
pub struct SynthError {
    /// All issues, sorted by construct path.
    pub issues: Vec<Issue>,
}

impl std::fmt::Display for SynthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "synth found {} problem(s):", self.issues.len())?;
        for i in &self.issues {
            writeln!(f, "  {i}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SynthError {}

/// Renders a template the way the CDK writes it: JSON with one-space indent.
pub fn to_template_string<T: serde::Serialize + ?Sized>(template: &T) -> String {
    let mut buf = Vec::with_capacity(4096);
    let fmt = crate::document::TemplateFormatter::default();
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    serde::Serialize::serialize(template, &mut ser).expect("JSON values always serialize");
    String::from_utf8(buf).expect("serde_json writes UTF-8")
}

impl App {
    /// Runs aspects, then synthesizes and validates every stack.
    ///
    /// ```
    /// use strata_core::{App, Fn, Output, StackProps};
    /// let app = App::new();
    /// let stack = app.stack("Demo", StackProps::default());
    /// stack.output("Region", Output::new(Fn::region()));
    /// let assembly = app.synth().expect("valid app");
    /// assert_eq!(assembly.stacks[0].template["Outputs"]["Region"]["Value"]["Ref"], "AWS::Region");
    /// ```
    pub fn synth(&self) -> Result<Assembly, SynthError> {
        Scope::run_aspects(self);
        let tree = self.tree().borrow();
        let mut issues = tree.issues.clone();
        let mut stacks = Vec::new();
        let mut uses = Vec::new();
        for &s in &tree.nodes[0].children {
            if let Kind::Stack(_) = tree.nodes[s as usize].kind {
                stacks.push(synth_stack(&tree, s, &mut uses, &mut issues));
            }
        }
        crossref::link(&tree, &mut stacks, uses, &mut issues);
        let stacks: Vec<StackArtifact> = stacks
            .into_iter()
            .map(|p| finalize(&tree.nodes[p.node as usize].path, p, &mut issues))
            .collect();
        if issues.is_empty() {
            Ok(Assembly { stacks })
        } else {
            issues.sort();
            issues.dedup();
            Err(SynthError { issues })
        }
    }
}

fn issue(path: &str, rule: &'static str, message: String) -> Issue {
    Issue {
        path: path.to_string(),
        property: String::new(),
        rule,
        message,
    }
}

/// Template elements of a stack, depth first in insertion order.
fn elements(tree: &Tree, stack: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let mut todo: Vec<u32> = tree.nodes[stack as usize]
        .children
        .iter()
        .rev()
        .copied()
        .collect();
    while let Some(n) = todo.pop() {
        let node = &tree.nodes[n as usize];
        if ElementKind::of(&node.kind).is_some() {
            out.push(n);
        }
        todo.extend(node.children.iter().rev());
    }
    out
}

fn assign_ids(tree: &Tree, stack: u32, elems: &[u32], issues: &mut Vec<Issue>) -> StackIds {
    let prefix_len = tree.nodes[stack as usize].path.len() + 1;
    let mut ids = StackIds {
        stack,
        by_node: FxHashMap::with_capacity_and_hasher(elems.len(), Default::default()),
        by_name: FxHashMap::with_capacity_and_hasher(elems.len(), Default::default()),
    };
    for &n in elems {
        let node = &tree.nodes[n as usize];
        let lid = match &node.logical_id {
            Some(l) => l.clone(),
            None => {
                let below: Vec<&str> = node.path[prefix_len..].split('/').collect();
                logical_id(&below)
            }
        };
        if lid.is_empty() || lid.len() > 255 || !lid.bytes().all(|b| b.is_ascii_alphanumeric()) {
            issues.push(issue(
                &node.path,
                "logical-id",
                format!("logical ID {lid:?} must be 1 to 255 ASCII letters and digits"),
            ));
        }
        let kind = ElementKind::of(&node.kind).expect("elements are template elements");
        if let Some((_, other)) = ids.by_name.get(&lid) {
            issues.push(issue(
                &node.path,
                "duplicate-logical-id",
                format!(
                    "logical ID {lid} is also used by {}; rename one construct or override its logical ID",
                    tree.nodes[*other as usize].path
                ),
            ));
            continue;
        }
        ids.by_name.insert(lid.clone(), (kind, n));
        ids.by_node.insert(n, lid);
    }
    ids
}

/// Effective scope tags for a node: outer scopes first, inner ones win.
fn scope_tags(tree: &Tree, node: u32) -> BTreeMap<String, Option<String>> {
    let mut chain = Vec::new();
    let mut cur = Some(node);
    while let Some(c) = cur {
        chain.push(c);
        cur = tree.nodes[c as usize].parent;
    }
    let mut tags = BTreeMap::new();
    for &c in chain.iter().rev() {
        for op in &tree.nodes[c as usize].tags {
            match op {
                TagOp::Add(k, v) => tags.insert(k.clone(), Some(v.clone())),
                TagOp::Remove(k) => tags.insert(k.clone(), None),
            };
        }
    }
    tags
}

/// The key and value of one literal `{"Key": .., "Value": ..}` tag.
fn tag_entry(item: &Raw) -> Option<(String, Raw)> {
    match item {
        Raw::Object(kv) => {
            let key = kv.iter().find(|(k, _)| k == "Key").map(|(_, v)| v)?;
            let value = kv.iter().find(|(k, _)| k == "Value").map(|(_, v)| v)?;
            match key {
                Raw::Str(k) => Some((k.clone(), value.clone())),
                _ => None,
            }
        }
        Raw::Json(j) => {
            let kv = j.as_object()?;
            let key = kv.get("Key")?.as_str()?;
            let value = kv.get("Value")?;
            Some((key.to_string(), Raw::from(value.clone())))
        }
        _ => None,
    }
}

/// Merges scope tags into the resource's own tag property, sorted by key,
/// as the CDK's tag manager does (scope tags win over props tags).
fn apply_tags(props: &mut Raw, shape: TagShape, tags: BTreeMap<String, Option<String>>) {
    let (prop, is_map, propagate) = match shape {
        TagShape::None => return,
        TagShape::List(p) => (p, false, false),
        TagShape::ListPropagate(p) => (p, false, true),
        TagShape::Map(p) => (p, true, false),
    };
    if tags.is_empty() {
        return;
    }
    let Raw::Object(fields) = props else { return };
    let pos = fields.iter().position(|(k, _)| k == prop);
    let mut merged: BTreeMap<String, Raw> = BTreeMap::new();
    if let Some(p) = pos {
        match &fields[p].1 {
            Raw::List(items) if !is_map => {
                for item in items {
                    let Some((k, v)) = tag_entry(item) else {
                        return;
                    };
                    merged.insert(k, v);
                }
            }
            Raw::Object(kv) if is_map => {
                for (k, v) in kv {
                    merged.insert(k.clone(), v.clone());
                }
            }
            // An intrinsic or unexpected shape: leave the user's value alone.
            _ => return,
        }
    }
    for (k, v) in tags {
        match v {
            Some(v) => merged.insert(k, Raw::Str(v)),
            None => merged.remove(&k),
        };
    }
    let rendered = if is_map {
        Raw::Object(merged.into_iter().collect())
    } else {
        Raw::List(
            merged
                .into_iter()
                .map(|(k, v)| {
                    let mut kv = vec![("Key".to_string(), Raw::Str(k)), ("Value".to_string(), v)];
                    if propagate {
                        kv.push(("PropagateAtLaunch".to_string(), Raw::Bool(true)));
                    }
                    Raw::Object(kv)
                })
                .collect(),
        )
    };
    match pos {
        Some(p) => fields[p].1 = rendered,
        None => fields.push((prop.to_string(), rendered)),
    }
}

/// A stack between synth and [`finalize`]: its artifact, and its template
/// as a document that cross-stack linking still adds to.
pub(crate) struct Pending {
    /// The stack's node.
    pub(crate) node: u32,
    pub(crate) artifact: StackArtifact,
    /// The template's sections, in CloudFormation's order.
    pub(crate) doc: Vec<(String, Doc)>,
}

fn synth_stack(
    tree: &Tree,
    stack: u32,
    uses: &mut Vec<CrossUse>,
    issues: &mut Vec<Issue>,
) -> Pending {
    let snode = &tree.nodes[stack as usize];
    let Kind::Stack(props) = &snode.kind else {
        unreachable!("synth_stack is called on stacks")
    };
    if let Some(set) = &props.stack_set {
        for p in set.problems() {
            issues.push(issue(&snode.path, "stack-set", p));
        }
    }
    let elems = elements(tree, stack);
    let ids = assign_ids(tree, stack, &elems, issues);
    let mut sections: [Vec<(String, Doc)>; 6] = Default::default();
    let [params, mappings, conditions, rules, resources, outputs] = &mut sections;
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut logical_ids = Vec::with_capacity(elems.len());
    for &n in &elems {
        let node = &tree.nodes[n as usize];
        let Some(lid) = ids.by_node.get(&n).cloned() else {
            continue;
        };
        logical_ids.push((node.path.clone(), lid.clone()));
        let mut r = Resolver {
            tree,
            ids: &ids,
            path: &node.path,
            issues,
            refs: BTreeSet::new(),
            imports: uses,
        };
        match &node.kind {
            Kind::Parameter(p) => {
                params.push((lid, Doc::Json(Box::new(p.render()))));
            }
            Kind::Mapping(m) => {
                let m = serde_json::to_value(m).unwrap_or(Json::Null);
                mappings.push((lid, Doc::Json(Box::new(m))));
            }
            Kind::Condition(c) => {
                let c = r.resolve(c.raw().clone());
                conditions.push((lid, c));
            }
            Kind::Rule(rule) => {
                let j = r.resolve(rule.to_raw());
                rules.push((lid, j));
            }
            Kind::Output(o) => {
                let j = r.resolve(o.to_raw());
                outputs.push((lid, j));
            }
            Kind::Resource(res, opts) => {
                let mut raw = res.to_raw();
                let shape = res.tag_shape();
                if !matches!(shape, TagShape::None) {
                    apply_tags(&mut raw, shape, scope_tags(tree, n));
                }
                let mut m = Vec::with_capacity(4);
                m.push(("Type".to_string(), Doc::Str(res.type_name().to_string())));
                let props = r.resolve(raw);
                if !props.is_empty_object() {
                    m.push(("Properties".into(), props));
                }
                let mut deps = BTreeSet::new();
                for d in &opts.depends_on {
                    deps.insert(r.dependency(&d.target()));
                }
                if !deps.is_empty() {
                    let list = deps.iter().cloned().map(Doc::Str).collect();
                    m.push(("DependsOn".into(), Doc::List(list)));
                }
                if let Some(c) = &opts.creation_policy {
                    m.push(("CreationPolicy".into(), r.resolve(Raw::from(c.clone()))));
                }
                if let Some(u) = &opts.update_policy {
                    m.push(("UpdatePolicy".into(), r.resolve(Raw::from(u.clone()))));
                }
                if let Some(p) = opts.update_replace_policy {
                    m.push(("UpdateReplacePolicy".into(), Doc::Str(p.as_str().into())));
                }
                if let Some(p) = opts.deletion_policy {
                    m.push(("DeletionPolicy".into(), Doc::Str(p.as_str().into())));
                }
                let mut meta: Vec<(String, Doc)> = opts
                    .metadata
                    .iter()
                    .map(|(k, v)| (k.clone(), Doc::Json(Box::new(v.clone()))))
                    .collect();
                if tree.path_metadata {
                    Doc::set(
                        &mut meta,
                        "aws:cdk:path".into(),
                        Doc::Str(node.path.clone()),
                    );
                }
                if !meta.is_empty() {
                    m.push(("Metadata".into(), Doc::Object(meta)));
                }
                if let Some(c) = &opts.condition {
                    m.push(("Condition".into(), r.resolve(Raw::Name(c.target()))));
                }
                let mut refs = std::mem::take(&mut r.refs);
                refs.extend(deps);
                edges.insert(lid.clone(), refs);
                let mut v = Validator::new(&node.path, issues);
                res.validate(&mut v);
                resources.push((lid, Doc::Object(m)));
            }
            _ => {}
        }
    }
    report_cycles(&edges, &ids, tree, issues);
    let resource_count = resources.len();
    let mut template = Vec::with_capacity(8);
    if let Some(d) = &props.description {
        template.push(("Description".into(), Doc::Str(d.clone())));
    }
    match props.transforms.as_slice() {
        [] => {}
        [one] => {
            template.push(("Transform".into(), Doc::Str(one.clone())));
        }
        many => {
            let list = many.iter().cloned().map(Doc::Str).collect();
            template.push(("Transform".into(), Doc::List(list)));
        }
    }
    let names = [
        "Parameters",
        "Mappings",
        "Conditions",
        "Rules",
        "Resources",
        "Outputs",
    ];
    for (name, section) in names.into_iter().zip(sections) {
        if !section.is_empty() {
            template.push((name.into(), Doc::Object(section)));
        }
    }
    let artifact = StackArtifact {
        id: snode.id.clone(),
        stack_name: props.stack_name.clone().unwrap_or_else(|| snode.id.clone()),
        env: props.env.clone(),
        template: Template::new("{}".into()), // set by finalize
        resource_count,
        termination_protection: props.termination_protection,
        logical_ids,
        assets: crate::asset::stack_assets(tree, stack),
        dependencies: Vec::new(),
        parameter_sources: Vec::new(),
        stack_set: props.stack_set.clone(),
    };
    Pending {
        node: stack,
        artifact,
        doc: template,
    }
}

/// Checks the template limits once cross-stack outputs and parameters are
/// in, and writes the body.
fn finalize(path: &str, pending: Pending, issues: &mut Vec<Issue>) -> StackArtifact {
    let Pending {
        mut artifact, doc, ..
    } = pending;
    let doc = Doc::Object(doc);
    let count = |section: &str| doc.get(section).and_then(Doc::fields).map_or(0, <[_]>::len);
    for (count, limit, what) in [
        (count("Resources"), limits::RESOURCES, "resources"),
        (count("Parameters"), limits::PARAMETERS, "parameters"),
        (count("Outputs"), limits::OUTPUTS, "outputs"),
        (count("Mappings"), limits::MAPPINGS, "mappings"),
    ] {
        if count > limit {
            issues.push(issue(
                path,
                "template-limit",
                format!("the stack has {count} {what}; CloudFormation allows at most {limit}; move some into another stack"),
            ));
        }
    }
    check_name_and_description(path, &artifact, &doc, issues);
    let body = to_template_string(&doc);
    if body.len() > limits::BODY_BYTES {
        issues.push(issue(
            path,
            "template-limit",
            format!(
                "the template is {} bytes; CloudFormation accepts at most {} bytes; split the stack",
                body.len(),
                limits::BODY_BYTES
            ),
        ));
    }
    artifact.template = Template::new(body);
    artifact
}

/// The stack name and template description CloudFormation accepts: a
/// name of letters, digits and hyphens starting with a letter, and a
/// description of at most 1024 bytes.
fn check_name_and_description(
    path: &str,
    artifact: &StackArtifact,
    doc: &Doc,
    issues: &mut Vec<Issue>,
) {
    let name = &artifact.stack_name;
    if !limits::is_stack_name(name) {
        issues.push(issue(
            path,
            "stack-name",
            format!(
                "stack name {name:?} is invalid; CloudFormation takes 1 to {} letters, digits and hyphens, starting with a letter; rename the stack or set StackProps::stack_name",
                limits::STACK_NAME_CHARS
            ),
        ));
    }
    if let Some(Doc::Str(d)) = doc.get("Description") {
        if d.len() > limits::DESCRIPTION_BYTES {
            issues.push(issue(
                path,
                "stack-description",
                format!(
                    "the description is {} bytes; CloudFormation takes at most {}; shorten it",
                    d.len(),
                    limits::DESCRIPTION_BYTES
                ),
            ));
        }
    }
}

/// Reports every dependency cycle among resources, with the construct paths.
fn report_cycles(
    edges: &BTreeMap<String, BTreeSet<String>>,
    ids: &StackIds,
    tree: &Tree,
    issues: &mut Vec<Issue>,
) {
    // Iterative depth-first search with colours; each back edge is a cycle.
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut mark: FxHashMap<&str, Mark> = edges.keys().map(|k| (k.as_str(), Mark::New)).collect();
    let path_of = |lid: &str| -> String {
        ids.by_name.get(lid).map_or_else(
            || lid.to_string(),
            |(_, n)| tree.nodes[*n as usize].path.clone(),
        )
    };
    for start in edges.keys() {
        if mark[start.as_str()] != Mark::New {
            continue;
        }
        let mut stack: Vec<(&str, Vec<&str>)> =
            vec![(start, edges[start].iter().map(String::as_str).collect())];
        mark.insert(start, Mark::Open);
        while let Some((node, next)) = stack.last_mut() {
            let node = *node;
            match next.pop() {
                Some(n) => match mark.get(n).copied() {
                    Some(Mark::New) => {
                        mark.insert(n, Mark::Open);
                        stack.push((n, edges[n].iter().map(String::as_str).collect()));
                    }
                    Some(Mark::Open) => {
                        let from = stack.iter().position(|(s, _)| *s == n).unwrap_or(0);
                        let mut cycle: Vec<String> =
                            stack[from..].iter().map(|(s, _)| path_of(s)).collect();
                        cycle.push(path_of(n));
                        issues.push(issue(
                            &path_of(n),
                            "dependency-cycle",
                            format!(
                                "resources depend on each other in a cycle: {}; remove one reference or DependsOn",
                                cycle.join(" -> ")
                            ),
                        ));
                    }
                    _ => {}
                },
                None => {
                    mark.insert(node, Mark::Done);
                    stack.pop();
                }
            }
        }
    }
}
