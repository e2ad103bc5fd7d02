//! The contract between generated L1 structs and the construct tree.

use std::fmt::Debug;

use crate::tree::NodeId;
use crate::validate::Validate;
use crate::value::{Raw, Target, ToRaw, Value};

/// Where a resource type keeps its tags, so tags applied to a scope reach
/// every taggable resource in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagShape {
    /// The type has no tag property Strata can merge into.
    None,
    /// A list of `{"Key": .., "Value": ..}` objects under this property.
    List(&'static str),
    /// A list of `{"Key", "Value", "PropagateAtLaunch"}` objects (Auto Scaling groups).
    ListPropagate(&'static str),
    /// A string-to-string object under this property.
    Map(&'static str),
}

/// A CloudFormation resource type: implemented by every generated L1 struct.
pub trait Resource: ToRaw + Validate + Clone + Debug + 'static {
    /// The CloudFormation type name, such as `AWS::EC2::VPC`.
    const TYPE: &'static str;
    /// Where tags go, if the type is taggable.
    const TAGS: TagShape;
    /// The typed handle returned when the resource is added to a scope; it
    /// has one accessor per `Fn::GetAtt` attribute of the type.
    type Ref: From<Handle>;
}

/// An untyped reference to a template element in the construct tree: a
/// resource, parameter, condition, mapping or output.
///
/// Generated typed handles deref to it, so `ref_()` and `get_att()` are
/// available on every one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Handle {
    node: NodeId,
}

impl Handle {
    /// A handle for a tree node.
    pub fn new(node: NodeId) -> Self {
        Handle { node }
    }

    /// The node this handle points at.
    pub fn node(&self) -> NodeId {
        self.node
    }

    /// The element as a reference target.
    pub fn target(&self) -> Target {
        Target::Node(self.node)
    }

    /// `{"Ref": <logical id>}`: for resources, the value documented as the
    /// type's return value (usually its physical ID).
    pub fn ref_<T>(&self) -> Value<T> {
        Value::expr(Raw::Ref(self.target()))
    }

    /// `{"Fn::GetAtt": [<logical id>, name]}`. Prefer the typed accessors
    /// of the generated handle, which only offer attributes the type has.
    pub fn get_att<T>(&self, name: &str) -> Value<T> {
        Value::expr(Raw::get_att(self.target(), name))
    }
}

/// The typed handle of a resource: implemented by every generated `…Ref`.
pub trait ResourceRef: From<Handle> + std::ops::Deref<Target = Handle> {}

impl<T: From<Handle> + std::ops::Deref<Target = Handle>> ResourceRef for T {}
