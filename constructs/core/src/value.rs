//! Property values: a literal or a CloudFormation intrinsic, kept unresolved
//! until synth so references can point at construct-tree nodes.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use crate::tree::NodeId;

/// Free-form JSON, used for schema properties without a fixed shape
/// (policy documents, raw configuration blobs).
pub type Json = serde_json::Value;

/// A string-keyed map property (`patternProperties` in the registry schema).
pub type Map<T> = BTreeMap<String, T>;

/// What a `Ref`, `Fn::GetAtt` or condition name points at.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A template element in the construct tree (resource, parameter,
    /// condition, mapping, output); resolved to its logical ID at synth.
    Node(NodeId),
    /// A name given as text: a pseudo parameter such as `AWS::Region`, or a
    /// logical ID written by hand. Checked against the template at synth.
    Name(String),
}

/// An unresolved CloudFormation JSON tree. It is plain JSON plus references
/// to tree nodes, which synth turns into logical IDs.
#[derive(Clone, Debug, PartialEq)]
pub enum Raw {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating point number.
    Float(f64),
    /// A string.
    Str(String),
    /// An array.
    List(Vec<Raw>),
    /// An object, in insertion order.
    Object(Vec<(String, Raw)>),
    /// Ready-made JSON, copied as is. Boxed, like the `GetAtt` payload, so
    /// that a `Raw` (and every optional property of an L1 struct) stays at
    /// 32 bytes.
    Json(Box<Json>),
    /// `{"Ref": target}`.
    Ref(Target),
    /// `{"Fn::GetAtt": [target, attribute]}`; build it with [`Raw::get_att`].
    GetAtt(Box<(Target, String)>),
    /// The logical ID of a target as a bare string (condition names in
    /// `Fn::If`, `{"Condition": ..}`).
    Name(Target),
}

impl Raw {
    /// `{"Fn::GetAtt": [target, attribute]}`.
    pub fn get_att(target: Target, attribute: impl Into<String>) -> Raw {
        Raw::GetAtt(Box::new((target, attribute.into())))
    }

    /// A one-key object such as `{"Fn::Join": [..]}`.
    pub fn call(name: &str, args: Raw) -> Raw {
        Raw::Object(vec![(name.to_string(), args)])
    }

    /// An object from key–value pairs, for documents (such as IAM
    /// policies) that mix literal JSON with references.
    ///
    /// ```
    /// use strata_core::{Fn, Raw};
    /// let statement = Raw::object([
    ///     ("Effect", Raw::from("Allow")),
    ///     ("Resource", Raw::from(Fn::sub("arn:${AWS::Partition}:s3:::logs/*"))),
    /// ]);
    /// # let _ = statement;
    /// ```
    pub fn object<K: Into<String>>(fields: impl IntoIterator<Item = (K, Raw)>) -> Raw {
        Raw::Object(fields.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

impl From<Json> for Raw {
    fn from(j: Json) -> Self {
        Raw::Json(Box::new(j))
    }
}

impl From<&str> for Raw {
    fn from(s: &str) -> Self {
        Raw::Str(s.to_string())
    }
}

impl<T: ToRaw> From<Value<T>> for Raw {
    fn from(v: Value<T>) -> Self {
        v.to_raw()
    }
}

impl<T: ToRaw> From<Vec<T>> for Raw {
    fn from(items: Vec<T>) -> Self {
        Raw::List(items.iter().map(ToRaw::to_raw).collect())
    }
}

/// A property value: a literal `T`, or an intrinsic that CloudFormation
/// resolves at deploy time to a `T`.
///
/// ```
/// use strata_core::{Value, Fn};
/// let literal: Value<String> = "10.0.0.0/16".into();
/// let region: Value<String> = Fn::region();
/// assert!(literal.as_literal().is_some());
/// assert!(region.as_literal().is_none());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Value<T> {
    /// A literal value, checked against the schema at synth.
    Lit(T),
    /// An intrinsic function or reference.
    Expr(Expr<T>),
}

/// An intrinsic expression whose result has type `T`.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr<T> {
    raw: Raw,
    ty: PhantomData<fn() -> T>,
}

impl<T> Expr<T> {
    /// Wraps an unresolved tree as an expression of type `T`. The caller
    /// vouches for the result type.
    pub fn from_raw(raw: Raw) -> Self {
        Expr {
            raw,
            ty: PhantomData,
        }
    }

    /// The unresolved tree.
    pub fn raw(&self) -> &Raw {
        &self.raw
    }
}

impl<T> Value<T> {
    /// An intrinsic given as an unresolved tree; the caller vouches that
    /// it yields a `T`.
    pub fn expr(raw: Raw) -> Self {
        Value::Expr(Expr::from_raw(raw))
    }

    /// The literal, if this is not an intrinsic.
    pub fn as_literal(&self) -> Option<&T> {
        match self {
            Value::Lit(t) => Some(t),
            Value::Expr(_) => None,
        }
    }

    /// Reinterprets an intrinsic as yielding another type (for example a
    /// `Ref` that yields a number). Literals are converted with `From`.
    pub fn cast<U: From<T>>(self) -> Value<U> {
        match self {
            Value::Lit(t) => Value::Lit(U::from(t)),
            Value::Expr(e) => Value::expr(e.raw),
        }
    }
}

impl<T> From<T> for Value<T> {
    fn from(t: T) -> Self {
        Value::Lit(t)
    }
}

impl From<&str> for Value<String> {
    fn from(s: &str) -> Self {
        Value::Lit(s.to_string())
    }
}

impl From<i32> for Value<f64> {
    fn from(n: i32) -> Self {
        Value::Lit(f64::from(n))
    }
}

impl<T> Value<Vec<Value<T>>> {
    /// A literal list built from anything convertible to the item type.
    ///
    /// ```
    /// use strata_core::Value;
    /// let cidrs: Value<Vec<Value<String>>> = Value::list(["10.0.0.0/16", "10.1.0.0/16"]);
    /// assert_eq!(cidrs.as_literal().map(Vec::len), Some(2));
    /// ```
    pub fn list<I, X>(items: I) -> Self
    where
        I: IntoIterator<Item = X>,
        X: Into<Value<T>>,
    {
        Value::Lit(items.into_iter().map(Into::into).collect())
    }
}

/// Conversion of a property value into the unresolved template tree.
///
/// Generated L1 structs implement it field by field; it is implemented for
/// every leaf type a property can hold.
pub trait ToRaw {
    /// The unresolved JSON for this value.
    fn to_raw(&self) -> Raw;
}

impl ToRaw for String {
    fn to_raw(&self) -> Raw {
        Raw::Str(self.clone())
    }
}

impl ToRaw for i64 {
    fn to_raw(&self) -> Raw {
        Raw::Int(*self)
    }
}

impl ToRaw for f64 {
    fn to_raw(&self) -> Raw {
        Raw::Float(*self)
    }
}

impl ToRaw for bool {
    fn to_raw(&self) -> Raw {
        Raw::Bool(*self)
    }
}

impl ToRaw for Json {
    fn to_raw(&self) -> Raw {
        Raw::Json(Box::new(self.clone()))
    }
}

impl ToRaw for Raw {
    fn to_raw(&self) -> Raw {
        self.clone()
    }
}

impl<T: ToRaw> ToRaw for Value<T> {
    fn to_raw(&self) -> Raw {
        match self {
            Value::Lit(t) => t.to_raw(),
            Value::Expr(e) => e.raw.clone(),
        }
    }
}

impl<T: ToRaw> ToRaw for Vec<T> {
    fn to_raw(&self) -> Raw {
        Raw::List(self.iter().map(ToRaw::to_raw).collect())
    }
}

impl<T: ToRaw> ToRaw for Map<T> {
    fn to_raw(&self) -> Raw {
        Raw::Object(self.iter().map(|(k, v)| (k.clone(), v.to_raw())).collect())
    }
}

impl<T: ToRaw> ToRaw for Box<T> {
    fn to_raw(&self) -> Raw {
        (**self).to_raw()
    }
}

/// Builds the property object of a generated struct, leaving out unset
/// optional properties.
#[derive(Default)]
pub struct ObjectBuilder(Vec<(String, Raw)>);

impl ObjectBuilder {
    /// An empty object with room for `n` properties.
    pub fn with_capacity(n: usize) -> Self {
        ObjectBuilder(Vec::with_capacity(n))
    }

    /// Adds a required property.
    pub fn req<T: ToRaw>(&mut self, name: &str, value: &T) -> &mut Self {
        self.0.push((name.to_string(), value.to_raw()));
        self
    }

    /// Adds an optional property when it is set.
    pub fn opt<T: ToRaw>(&mut self, name: &str, value: &Option<T>) -> &mut Self {
        if let Some(v) = value {
            self.0.push((name.to_string(), v.to_raw()));
        }
        self
    }

    /// The finished object.
    pub fn build(&mut self) -> Raw {
        Raw::Object(std::mem::take(&mut self.0))
    }
}
