//! The construct tree: App → Stack → constructs, each with an id and a path.
//!
//! Building the tree never fails: mistakes such as a duplicate id are
//! recorded with the construct path and reported, together with every other
//! problem, when the app is synthesized.

use rustc_hash::{FxHashMap, FxHashSet};
use std::any::Any;
use std::cell::RefCell;
use std::fmt::Debug;
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::resource::{Handle, Resource, TagShape};
use crate::template::{Condition, Output, Parameter, ResourceOptions, TemplateRule};
use crate::validate::{Issue, Validator};
use crate::value::{Json, Map, Raw};

/// Identifies one node of one app's construct tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    pub(crate) app: u32,
    pub(crate) index: u32,
}

/// Where a stack is deployed. Unset parts stay environment-agnostic, as
/// the CDK's `unknown-account` / `unknown-region`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    /// The 12-digit AWS account ID.
    pub account: Option<String>,
    /// The region, such as `us-east-1`.
    pub region: Option<String>,
}

impl Environment {
    /// A fully specified environment.
    ///
    /// ```
    /// use strata_core::Environment;
    /// let env = Environment::new("123456789012", "us-east-1");
    /// assert_eq!(env.uri(), "aws://123456789012/us-east-1");
    /// ```
    pub fn new(account: &str, region: &str) -> Self {
        Environment {
            account: Some(account.to_string()),
            region: Some(region.to_string()),
        }
    }

    /// The environment the CDK CLI passes to apps in `CDK_DEFAULT_ACCOUNT`
    /// and `CDK_DEFAULT_REGION`; unset variables stay unknown.
    pub fn from_cdk_defaults() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        Environment {
            account: var("CDK_DEFAULT_ACCOUNT"),
            region: var("CDK_DEFAULT_REGION"),
        }
    }

    /// The cloud-assembly form, `aws://account/region`.
    pub fn uri(&self) -> String {
        format!(
            "aws://{}/{}",
            self.account.as_deref().unwrap_or("unknown-account"),
            self.region.as_deref().unwrap_or("unknown-region")
        )
    }
}

/// Settings of one stack.
#[derive(Debug, Clone, Default)]
pub struct StackProps {
    /// Target account and region.
    pub env: Environment,
    /// The template's `Description`.
    pub description: Option<String>,
    /// The deployed stack name; defaults to the construct id.
    pub stack_name: Option<String>,
    /// Refuse stack deletion in CloudFormation.
    pub termination_protection: bool,
    /// Macros the template declares in `Transform`, such as
    /// `AWS::SecretsManager-2020-07-23`; constructs that need one add it
    /// with [`Scope::add_transform`].
    pub transforms: Vec<String>,
    /// Deploy this stack as a StackSet to many accounts and regions.
    pub stack_set: Option<crate::stackset::StackSetProps>,
}

/// A visitor run over every construct below the scope it is added to,
/// before synth (the CDK's `IAspect`).
pub trait Aspect {
    /// Called once per construct, parents before children.
    fn visit(&self, node: &Scope);
}

pub(crate) trait DynResource: Debug {
    fn type_name(&self) -> &'static str;
    fn tag_shape(&self) -> TagShape;
    fn to_raw(&self) -> Raw;
    fn validate(&self, v: &mut Validator<'_>);
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<R: Resource> DynResource for R {
    fn type_name(&self) -> &'static str {
        R::TYPE
    }
    fn tag_shape(&self) -> TagShape {
        R::TAGS
    }
    fn to_raw(&self) -> Raw {
        crate::value::ToRaw::to_raw(self)
    }
    fn validate(&self, v: &mut Validator<'_>) {
        crate::validate::Validate::validate(self, v)
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

#[derive(Debug)]
pub(crate) enum Kind {
    App,
    Stack(StackProps),
    Construct,
    Resource(Box<dyn DynResource>, ResourceOptions),
    Parameter(Parameter),
    Output(Output),
    Condition(Condition),
    Mapping(Map<Map<Json>>),
    Rule(TemplateRule),
    Asset(Box<crate::asset::FileAsset>),
}

#[derive(Debug, Clone)]
pub(crate) enum TagOp {
    Add(String, String),
    Remove(String),
}

pub(crate) struct Node {
    pub(crate) id: String,
    pub(crate) path: String,
    pub(crate) parent: Option<u32>,
    pub(crate) children: Vec<u32>,
    pub(crate) stack: Option<u32>,
    pub(crate) kind: Kind,
    pub(crate) logical_id: Option<String>,
    pub(crate) tags: Vec<TagOp>,
    pub(crate) aspects: Vec<Rc<dyn Aspect>>,
}

pub(crate) struct Tree {
    pub(crate) app: u32,
    pub(crate) nodes: Vec<Node>,
    names: FxHashMap<(u32, String), u32>,
    pub(crate) issues: Vec<Issue>,
    pub(crate) path_metadata: bool,
    /// (node, aspect) pairs already visited.
    invoked: FxHashSet<(u32, usize)>,
    /// (dependent stack, stack it depends on), from `Scope::add_dependency`.
    pub(crate) stack_deps: Vec<(u32, u32)>,
}

static NEXT_APP: AtomicU32 = AtomicU32::new(0);

impl Tree {
    pub(crate) fn node(&self, id: NodeId) -> Option<&Node> {
        if id.app != self.app {
            return None;
        }
        self.nodes.get(id.index as usize)
    }

    fn add(&mut self, parent: u32, id: &str, kind: Kind) -> NodeId {
        let parent_node = &self.nodes[parent as usize];
        let clean = id.replace('/', "--");
        let path = if parent_node.path.is_empty() {
            clean.clone()
        } else {
            format!("{}/{}", parent_node.path, clean)
        };
        let index = self.nodes.len() as u32;
        let is_stack = matches!(kind, Kind::Stack(_));
        let stack = if is_stack {
            Some(index)
        } else {
            parent_node.stack
        };
        let mut problem = None;
        let key = (parent, clean.clone());
        if clean.is_empty() {
            problem = Some((
                "empty-id",
                "construct ids must not be empty; give this construct a name".to_string(),
            ));
        } else if self.names.contains_key(&key) {
            problem = Some((
                "duplicate-id",
                format!(
                    "there is already a construct with id {clean:?} in this scope; construct ids must be unique among siblings"
                ),
            ));
        } else if is_stack && parent_node.parent.is_some() {
            problem = Some((
                "stack-placement",
                "stacks must be created directly under the App".to_string(),
            ));
        } else if !is_stack && stack.is_none() && !matches!(kind, Kind::Construct) {
            problem = Some((
                "outside-stack",
                "template elements must be added inside a Stack; create one with App::stack"
                    .to_string(),
            ));
        }
        match problem {
            Some((rule, message)) => self.issues.push(Issue {
                path: path.clone(),
                property: String::new(),
                rule,
                message,
            }),
            None => {
                self.names.insert(key, index);
                self.nodes[parent as usize].children.push(index);
            }
        }
        self.nodes.push(Node {
            id: clean,
            path,
            parent: Some(parent),
            children: Vec::new(),
            stack,
            kind,
            logical_id: None,
            tags: Vec::new(),
            aspects: Vec::new(),
        });
        NodeId {
            app: self.app,
            index,
        }
    }
}

/// The root of a construct tree. Stacks are added to it, and `synth`
/// turns the whole tree into a cloud assembly.
///
/// ```
/// use strata_core::{App, StackProps};
/// let app = App::new();
/// let stack = app.stack("Network", StackProps::default());
/// assert_eq!(stack.path(), "Network");
/// ```
#[derive(Clone)]
pub struct App {
    root: Scope,
}

impl Default for App {
    fn default() -> Self {
        Self::new()
    }
}

impl App {
    /// An empty app.
    pub fn new() -> Self {
        let app = NEXT_APP.fetch_add(1, Ordering::Relaxed);
        let tree = Tree {
            app,
            nodes: vec![Node {
                id: String::new(),
                path: String::new(),
                parent: None,
                children: Vec::new(),
                stack: None,
                kind: Kind::App,
                logical_id: None,
                tags: Vec::new(),
                aspects: Vec::new(),
            }],
            names: FxHashMap::default(),
            issues: Vec::new(),
            path_metadata: true,
            invoked: FxHashSet::default(),
            stack_deps: Vec::new(),
        };
        App {
            root: Scope {
                tree: Rc::new(RefCell::new(tree)),
                node: NodeId { app, index: 0 },
            },
        }
    }

    /// Adds a stack; its id is the artifact name in the cloud assembly.
    pub fn stack(&self, id: &str, props: StackProps) -> Scope {
        let node = self
            .root
            .tree
            .borrow_mut()
            .add(self.root.node.index, id, Kind::Stack(props));
        self.root.at_node(node)
    }

    /// The app itself as a scope, for app-wide tags and aspects.
    pub fn root(&self) -> &Scope {
        &self.root
    }

    /// Whether each resource gets `Metadata: {"aws:cdk:path": ..}` (on by
    /// default, as in the CDK).
    pub fn set_path_metadata(&self, enabled: bool) {
        self.root.tree.borrow_mut().path_metadata = enabled;
    }

    pub(crate) fn tree(&self) -> &Rc<RefCell<Tree>> {
        &self.root.tree
    }
}

/// A place in the construct tree: a stack, a construct, or a template
/// element. Cloning is cheap; all clones edit the same tree.
#[derive(Clone)]
pub struct Scope {
    tree: Rc<RefCell<Tree>>,
    node: NodeId,
}

impl Debug for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Scope({:?})", self.path())
    }
}

impl Scope {
    fn at_node(&self, node: NodeId) -> Scope {
        Scope {
            tree: self.tree.clone(),
            node,
        }
    }

    pub(crate) fn add(&self, id: &str, kind: Kind) -> NodeId {
        self.tree.borrow_mut().add(self.node.index, id, kind)
    }

    /// The scope of an element added earlier, for editing its options.
    /// Handles from another app give `None`.
    pub fn of(&self, handle: &Handle) -> Option<Scope> {
        let node = handle.node();
        self.tree.borrow().node(node).map(|_| self.at_node(node))
    }

    /// A plain construct: a named scope that groups what is added to it.
    pub fn child(&self, id: &str) -> Scope {
        let node = self.add(id, Kind::Construct);
        self.at_node(node)
    }

    /// Adds an L1 resource and returns its typed handle.
    ///
    /// ```
    /// use strata_core::{App, StackProps};
    /// # use strata_core::{Resource, TagShape, Handle, ToRaw, Raw, Validate, Validator};
    /// # #[derive(Clone, Debug)] struct Topic;
    /// # impl ToRaw for Topic { fn to_raw(&self) -> Raw { Raw::Object(vec![]) } }
    /// # impl Validate for Topic { fn validate(&self, _: &mut Validator<'_>) {} }
    /// # impl Resource for Topic { const TYPE: &'static str = "AWS::SNS::Topic"; const TAGS: TagShape = TagShape::None; type Ref = Handle; }
    /// let app = App::new();
    /// let stack = app.stack("Alerts", StackProps::default());
    /// let topic = stack.resource("Topic", Topic);
    /// # let _ = topic;
    /// ```
    pub fn resource<R: Resource>(&self, id: &str, props: R) -> R::Ref {
        self.resource_with(id, props, ResourceOptions::default())
    }

    /// Adds an L1 resource with `DependsOn`, policies or metadata.
    pub fn resource_with<R: Resource>(&self, id: &str, props: R, opts: ResourceOptions) -> R::Ref {
        let node = self.add(id, Kind::Resource(Box::new(props), opts));
        R::Ref::from(Handle::new(node))
    }

    /// Adds a template parameter; `Ref` it through the returned handle.
    pub fn parameter(&self, id: &str, parameter: Parameter) -> Handle {
        Handle::new(self.add(id, Kind::Parameter(parameter)))
    }

    /// Adds a stack output.
    pub fn output(&self, id: &str, output: Output) -> Handle {
        Handle::new(self.add(id, Kind::Output(output)))
    }

    /// Adds a named condition, for `Fn::If` and resource `Condition`.
    pub fn condition(&self, id: &str, condition: Condition) -> Handle {
        Handle::new(self.add(id, Kind::Condition(condition)))
    }

    /// Adds a mapping, for `Fn::FindInMap`.
    pub fn mapping(&self, id: &str, mapping: Map<Map<Json>>) -> Handle {
        Handle::new(self.add(id, Kind::Mapping(mapping)))
    }

    /// Adds a template rule.
    pub fn rule(&self, id: &str, rule: TemplateRule) -> Handle {
        Handle::new(self.add(id, Kind::Rule(rule)))
    }

    /// The construct id of this scope.
    pub fn id(&self) -> String {
        self.tree.borrow().nodes[self.node.index as usize]
            .id
            .clone()
    }

    /// The full construct path, such as `BirdStack/Vpc/Resource`.
    pub fn path(&self) -> String {
        self.tree.borrow().nodes[self.node.index as usize]
            .path
            .clone()
    }

    /// This scope as a reference target (meaningful for template elements).
    pub fn handle(&self) -> Handle {
        Handle::new(self.node)
    }

    /// The scopes added directly below this one, in order.
    pub fn children(&self) -> Vec<Scope> {
        let tree = self.tree.borrow();
        tree.nodes[self.node.index as usize]
            .children
            .iter()
            .map(|&index| {
                self.at_node(NodeId {
                    app: tree.app,
                    index,
                })
            })
            .collect()
    }

    /// The CloudFormation type if this scope is a resource.
    pub fn resource_type(&self) -> Option<&'static str> {
        match &self.tree.borrow().nodes[self.node.index as usize].kind {
            Kind::Resource(r, _) => Some(r.type_name()),
            _ => None,
        }
    }

    /// Edits the L1 props of this resource scope in place when it is an
    /// `R`; returns whether it was. An escape hatch for aspects and L2s.
    pub fn with_resource<R: Resource>(&self, edit: impl FnOnce(&mut R)) -> bool {
        let mut tree = self.tree.borrow_mut();
        match &mut tree.nodes[self.node.index as usize].kind {
            Kind::Resource(r, _) => match r.as_any_mut().downcast_mut::<R>() {
                Some(r) => {
                    edit(r);
                    true
                }
                None => false,
            },
            _ => false,
        }
    }

    /// Edits the resource options (`DependsOn`, policies, metadata) of this
    /// resource scope; returns false when the scope is not a resource.
    pub fn with_options(&self, edit: impl FnOnce(&mut ResourceOptions)) -> bool {
        let mut tree = self.tree.borrow_mut();
        match &mut tree.nodes[self.node.index as usize].kind {
            Kind::Resource(_, opts) => {
                edit(opts);
                true
            }
            _ => false,
        }
    }

    /// Replaces the computed logical ID of this template element.
    pub fn override_logical_id(&self, logical_id: &str) {
        self.tree.borrow_mut().nodes[self.node.index as usize].logical_id =
            Some(logical_id.to_string());
    }

    /// Tags every taggable resource in this scope (the CDK's `Tags.of(scope).add`).
    /// A tag set on an inner scope wins over the same key set further out.
    /// Keys AWS rejects (empty, over 128 characters, or in the reserved
    /// `aws:` namespace) and values over 256 characters are synth errors.
    pub fn add_tag(&self, key: &str, value: &str) {
        let reserved = key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:"));
        if key.is_empty() || key.chars().count() > 128 || reserved {
            self.error(
                "tag",
                format!("tag key {key:?} is invalid; AWS takes 1 to 128 characters, not starting with \"aws:\", which is reserved"),
            );
        }
        if value.chars().count() > 256 {
            self.error(
                "tag",
                format!(
                    "the value of tag {key:?} is {} characters long; AWS takes at most 256",
                    value.chars().count()
                ),
            );
        }
        self.tree.borrow_mut().nodes[self.node.index as usize]
            .tags
            .push(TagOp::Add(key.to_string(), value.to_string()));
    }

    /// Removes a tag key from every resource in this scope, including tags
    /// applied further out.
    pub fn remove_tag(&self, key: &str) {
        self.tree.borrow_mut().nodes[self.node.index as usize]
            .tags
            .push(TagOp::Remove(key.to_string()));
    }

    /// Records a problem found by a construct at this scope's path; synth
    /// then fails and reports it with every other issue. Constructs use this
    /// for invalid props instead of panicking.
    ///
    /// ```
    /// use strata_core::{App, StackProps};
    /// let app = App::new();
    /// let vpc = app.stack("Net", StackProps::default()).child("Vpc");
    /// vpc.error("cidr", "10.0.0.0/33 is not a CIDR block; use a prefix of 16 to 28");
    /// let err = app.synth().unwrap_err();
    /// assert!(err.to_string().contains("Net/Vpc"));
    /// ```
    pub fn error(&self, rule: &'static str, message: impl Into<String>) {
        let path = self.path();
        self.tree.borrow_mut().issues.push(Issue {
            path,
            property: String::new(),
            rule,
            message: message.into(),
        });
    }

    /// The stack this scope belongs to; `None` for the app root.
    pub fn stack(&self) -> Option<Scope> {
        let stack = self.tree.borrow().nodes[self.node.index as usize].stack;
        stack.map(|index| {
            self.at_node(NodeId {
                app: self.node.app,
                index,
            })
        })
    }

    /// Makes this scope's stack deploy after `other`'s (the CDK's
    /// `addDependency`). References between stacks add this by themselves.
    ///
    /// ```
    /// use strata_core::{App, StackProps};
    /// let app = App::new();
    /// let network = app.stack("Network", StackProps::default());
    /// let compute = app.stack("Compute", StackProps::default());
    /// compute.add_dependency(&network);
    /// let assembly = app.synth().expect("valid");
    /// assert_eq!(assembly.stacks[1].dependencies, ["Network"]);
    /// ```
    pub fn add_dependency(&self, other: &Scope) {
        match (self.stack(), other.stack()) {
            (Some(a), Some(b)) if a.node != b.node => {
                self.tree
                    .borrow_mut()
                    .stack_deps
                    .push((a.node.index, b.node.index));
            }
            (Some(_), Some(_)) => {}
            _ => self.error(
                "stack-dependency",
                "dependencies are between stacks; call add_dependency on scopes inside stacks",
            ),
        }
    }

    /// Declares a CloudFormation macro in the `Transform` of this scope's
    /// stack, once, such as the Secrets Manager transform hosted rotation
    /// needs. Outside a stack this records an error.
    ///
    /// ```
    /// use strata_core::{App, StackProps};
    /// let app = App::new();
    /// let stack = app.stack("Secrets", StackProps::default());
    /// stack.child("Db").add_transform("AWS::SecretsManager-2020-07-23");
    /// stack.add_transform("AWS::SecretsManager-2020-07-23");
    /// let assembly = app.synth().expect("valid");
    /// assert_eq!(assembly.stacks[0].template["Transform"], "AWS::SecretsManager-2020-07-23");
    /// ```
    pub fn add_transform(&self, name: &str) {
        let Some(stack) = self.stack() else {
            self.error(
                "transform",
                "transforms belong to a stack; add this one inside a Stack",
            );
            return;
        };
        let mut tree = self.tree.borrow_mut();
        if let Kind::Stack(props) = &mut tree.nodes[stack.node.index as usize].kind {
            if !props.transforms.iter().any(|t| t == name) {
                props.transforms.push(name.to_string());
            }
        }
    }

    /// The environment of the stack this scope belongs to.
    pub fn env(&self) -> Environment {
        let Some(stack) = self.stack() else {
            return Environment::default();
        };
        match &self.tree.borrow().nodes[stack.node.index as usize].kind {
            Kind::Stack(props) => props.env.clone(),
            _ => Environment::default(),
        }
    }

    /// Runs `aspect` over this scope and everything below it before synth.
    pub fn add_aspect(&self, aspect: impl Aspect + 'static) {
        self.tree.borrow_mut().nodes[self.node.index as usize]
            .aspects
            .push(Rc::new(aspect));
    }

    /// Runs every aspect in the tree, parents before children, including
    /// on constructs that aspects add.
    pub(crate) fn run_aspects(app: &App) {
        let root = app.root.clone();
        let mut stack: Vec<(u32, Vec<Rc<dyn Aspect>>)> = vec![(0, Vec::new())];
        while let Some((index, inherited)) = stack.pop() {
            let mut aspects = inherited;
            aspects.extend(
                root.tree.borrow().nodes[index as usize]
                    .aspects
                    .iter()
                    .cloned(),
            );
            let scope = root.at_node(NodeId {
                app: root.node.app,
                index,
            });
            for aspect in &aspects {
                // Each aspect visits each node once, however often the app
                // is synthesized, as in the CDK.
                let key = (index, Rc::as_ptr(aspect) as *const () as usize);
                if root.tree.borrow_mut().invoked.insert(key) {
                    aspect.visit(&scope);
                }
            }
            let tree = root.tree.borrow();
            let node = &tree.nodes[index as usize];
            // Aspects added during the visit apply to the children too.
            for a in &node.aspects {
                if !aspects.iter().any(|x| Rc::ptr_eq(x, a)) {
                    aspects.push(a.clone());
                }
            }
            for &child in node.children.iter().rev() {
                stack.push((child, aspects.clone()));
            }
        }
    }
}
