//! Template sections other than resources, and resource options.

use crate::resource::Handle;
use crate::value::{Json, Map, Raw, ToRaw, Value};

/// `DeletionPolicy` / `UpdateReplacePolicy` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemovalPolicy {
    /// Delete the physical resource.
    Delete,
    /// Keep the physical resource, orphaned from the stack.
    Retain,
    /// Keep a final snapshot (only for types that support snapshots).
    Snapshot,
    /// Retain only if the stack operation fails during create.
    RetainExceptOnCreate,
}

impl RemovalPolicy {
    /// The CloudFormation spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RemovalPolicy::Delete => "Delete",
            RemovalPolicy::Retain => "Retain",
            RemovalPolicy::Snapshot => "Snapshot",
            RemovalPolicy::RetainExceptOnCreate => "RetainExceptOnCreate",
        }
    }
}

/// The resource attributes CloudFormation accepts beside `Properties`.
#[derive(Debug, Clone, Default)]
pub struct ResourceOptions {
    /// Explicit dependencies (`DependsOn`), in addition to those implied by references.
    pub depends_on: Vec<Handle>,
    /// Create the resource only when this condition holds.
    pub condition: Option<Handle>,
    /// `DeletionPolicy`.
    pub deletion_policy: Option<RemovalPolicy>,
    /// `UpdateReplacePolicy`.
    pub update_replace_policy: Option<RemovalPolicy>,
    /// `UpdatePolicy`, as raw JSON.
    pub update_policy: Option<Json>,
    /// `CreationPolicy`, as raw JSON.
    pub creation_policy: Option<Json>,
    /// Extra `Metadata` entries; `aws:cdk:path` is always added.
    pub metadata: Map<Json>,
}

impl ResourceOptions {
    /// Both `DeletionPolicy` and `UpdateReplacePolicy` set to `policy`, as
    /// the CDK's `applyRemovalPolicy` does.
    ///
    /// ```
    /// use strata_core::{RemovalPolicy, ResourceOptions};
    /// let opts = ResourceOptions::removal(RemovalPolicy::Retain);
    /// assert_eq!(opts.deletion_policy, Some(RemovalPolicy::Retain));
    /// ```
    pub fn removal(policy: RemovalPolicy) -> Self {
        ResourceOptions {
            deletion_policy: Some(policy),
            update_replace_policy: Some(policy),
            ..Default::default()
        }
    }
}

/// A template parameter.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// `String`, `Number`, `List<Number>`, `CommaDelimitedList`, an
    /// `AWS::EC2::…::Id` type or an SSM parameter type.
    pub type_: String,
    /// Value used when none is given at deploy time.
    pub default: Option<Json>,
    /// Shown in the console and in `diff`.
    pub description: Option<String>,
    /// Closed set of accepted values.
    pub allowed_values: Vec<Json>,
    /// Regular expression a `String` value must match.
    pub allowed_pattern: Option<String>,
    /// Message shown when a constraint fails.
    pub constraint_description: Option<String>,
    /// Bounds on string length.
    pub min_length: Option<u64>,
    /// Bounds on string length.
    pub max_length: Option<u64>,
    /// Bounds on a `Number`.
    pub min_value: Option<f64>,
    /// Bounds on a `Number`.
    pub max_value: Option<f64>,
    /// Mask the value in the console and API.
    pub no_echo: bool,
}

impl Parameter {
    /// A parameter of the given CloudFormation type with no constraints.
    ///
    /// ```
    /// use strata_core::Parameter;
    /// let p = Parameter::new("String");
    /// assert_eq!(p.type_, "String");
    /// ```
    pub fn new(type_: &str) -> Self {
        Parameter {
            type_: type_.to_string(),
            default: None,
            description: None,
            allowed_values: Vec::new(),
            allowed_pattern: None,
            constraint_description: None,
            min_length: None,
            max_length: None,
            min_value: None,
            max_value: None,
            no_echo: false,
        }
    }

    pub(crate) fn render(&self) -> Json {
        let mut m = serde_json::Map::new();
        m.insert("Type".into(), self.type_.clone().into());
        if let Some(d) = &self.default {
            m.insert("Default".into(), d.clone());
        }
        if let Some(d) = &self.description {
            m.insert("Description".into(), d.clone().into());
        }
        if !self.allowed_values.is_empty() {
            m.insert("AllowedValues".into(), self.allowed_values.clone().into());
        }
        if let Some(p) = &self.allowed_pattern {
            m.insert("AllowedPattern".into(), p.clone().into());
        }
        if let Some(c) = &self.constraint_description {
            m.insert("ConstraintDescription".into(), c.clone().into());
        }
        if let Some(n) = self.min_length {
            m.insert("MinLength".into(), n.into());
        }
        if let Some(n) = self.max_length {
            m.insert("MaxLength".into(), n.into());
        }
        if let Some(n) = self.min_value {
            m.insert("MinValue".into(), n.into());
        }
        if let Some(n) = self.max_value {
            m.insert("MaxValue".into(), n.into());
        }
        if self.no_echo {
            m.insert("NoEcho".into(), true.into());
        }
        Json::Object(m)
    }
}

/// A stack output.
#[derive(Debug, Clone)]
pub struct Output {
    /// The value, usually a `Ref` or `Fn::GetAtt`.
    pub value: Value<String>,
    /// Shown in the console and printed after deploy.
    pub description: Option<String>,
    /// Export name, for `Fn::ImportValue` in other stacks.
    pub export_name: Option<Value<String>>,
    /// Emit the output only when this condition holds.
    pub condition: Option<Handle>,
}

impl Output {
    /// An output with just a value.
    ///
    /// ```
    /// use strata_core::{Fn, Output};
    /// let out = Output::new(Fn::region());
    /// assert!(out.export_name.is_none());
    /// ```
    pub fn new(value: impl Into<Value<String>>) -> Self {
        Output {
            value: value.into(),
            description: None,
            export_name: None,
            condition: None,
        }
    }

    pub(crate) fn to_raw(&self) -> Raw {
        let mut fields = Vec::new();
        if let Some(d) = &self.description {
            fields.push(("Description".to_string(), Raw::Str(d.clone())));
        }
        fields.push(("Value".to_string(), self.value.to_raw()));
        if let Some(e) = &self.export_name {
            fields.push((
                "Export".to_string(),
                Raw::Object(vec![("Name".to_string(), e.to_raw())]),
            ));
        }
        if let Some(c) = &self.condition {
            fields.push(("Condition".to_string(), Raw::Name(c.target())));
        }
        Raw::Object(fields)
    }
}

/// A condition expression (`Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`,
/// or a reference to another condition). Build one with the functions on
/// [`crate::Fn`].
#[derive(Debug, Clone, PartialEq)]
pub struct Condition(pub(crate) Raw);

impl Condition {
    /// The unresolved expression.
    pub fn raw(&self) -> &Raw {
        &self.0
    }
}

/// A template rule: assertions on parameter values, checked by
/// CloudFormation before any resource is touched.
#[derive(Debug, Clone)]
pub struct TemplateRule {
    /// When the rule applies; always when unset.
    pub rule_condition: Option<Condition>,
    /// Each assertion with the message shown when it fails.
    pub assertions: Vec<(Condition, String)>,
}

impl TemplateRule {
    pub(crate) fn to_raw(&self) -> Raw {
        let mut fields = Vec::new();
        if let Some(c) = &self.rule_condition {
            fields.push(("RuleCondition".to_string(), c.0.clone()));
        }
        let asserts = self
            .assertions
            .iter()
            .map(|(c, d)| {
                Raw::Object(vec![
                    ("Assert".to_string(), c.0.clone()),
                    ("AssertDescription".to_string(), Raw::Str(d.clone())),
                ])
            })
            .collect();
        fields.push(("Assertions".to_string(), Raw::List(asserts)));
        Raw::Object(fields)
    }
}
