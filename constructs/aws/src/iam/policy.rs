//! Typed IAM policy documents and statements, rendered as the CDK renders
//! them: `Version: 2012-10-17`, a single action or resource as a string and
//! several as a list, duplicates removed.

use std::collections::BTreeMap;

use strata_core::{Json, Raw, ToRaw, Value};

use super::principal::{render_principals, Principal};

/// Whether a statement allows or denies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Effect {
    /// `Allow`.
    #[default]
    Allow,
    /// `Deny`.
    Deny,
}

impl Effect {
    /// The policy-language spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// Where a policy is attached, which decides what its statements need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    /// Attached to a role or user: statements name resources, never principals.
    Identity,
    /// Attached to a resource (key policy, secret policy): statements name
    /// principals and resources.
    Resource,
}

/// A statement's `Condition` block: `{operator: {key: value(s)}}`, kept
/// sorted so the rendering is deterministic.
///
/// ```
/// use strata::iam::Conditions;
/// use strata::prelude::*;
/// let mut c = Conditions::new();
/// c.add("StringEquals", "aws:SourceAccount", [Fn::account_id()]);
/// assert!(!c.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Conditions(BTreeMap<String, BTreeMap<String, Vec<Value<String>>>>);

impl Conditions {
    /// No conditions.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds values under `operator` and `key`; values already present are kept once.
    pub fn add<I, X>(&mut self, operator: &str, key: &str, values: I)
    where
        I: IntoIterator<Item = X>,
        X: Into<Value<String>>,
    {
        let slot = self
            .0
            .entry(operator.to_string())
            .or_default()
            .entry(key.to_string())
            .or_default();
        for v in values {
            let v = v.into();
            if !slot.contains(&v) {
                slot.push(v);
            }
        }
    }

    /// Adds every condition of `other`.
    pub fn merge(&mut self, other: &Conditions) {
        for (op, keys) in &other.0 {
            for (key, values) in keys {
                self.add(op, key, values.iter().cloned());
            }
        }
    }

    /// Whether there is no condition.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The operators, keys and values that have an empty key or no value.
    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (op, keys) in &self.0 {
            for (key, values) in keys {
                if op.is_empty() || key.is_empty() || values.is_empty() {
                    out.push(format!(
                        "the condition {op:?} on {key:?} needs an operator, a key and at least one value"
                    ));
                }
            }
        }
        out
    }
}

impl ToRaw for Conditions {
    fn to_raw(&self) -> Raw {
        Raw::Object(
            self.0
                .iter()
                .map(|(op, keys)| {
                    let keys = keys
                        .iter()
                        .map(|(k, values)| (k.clone(), one_or_list(values)))
                        .collect();
                    (op.clone(), Raw::Object(keys))
                })
                .collect(),
        )
    }
}

/// A single value as itself, several as a list (the CDK's rendering).
pub(crate) fn one_or_list<T: ToRaw>(values: &[T]) -> Raw {
    match values {
        [one] => one.to_raw(),
        many => Raw::List(many.iter().map(ToRaw::to_raw).collect()),
    }
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// One IAM policy statement, built with chained calls.
///
/// Resources are `Value<String>`s, so ARNs from `Fn::GetAtt`, `Fn::Sub` or
/// `Fn::Join` can be used directly.
///
/// ```
/// use strata::iam::{PolicyKind, PolicyStatement};
/// use strata::prelude::*;
/// let s = PolicyStatement::allow()
///     .actions(["s3:GetObject", "s3:GetObject"])
///     .resource(Fn::sub("arn:${AWS::Partition}:s3:::media/*"))
///     .condition("Bool", "aws:SecureTransport", ["true"]);
/// assert_eq!(s.action_list(), ["s3:GetObject"]);
/// assert!(s.validate(PolicyKind::Identity).is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyStatement {
    sid: Option<String>,
    effect: Effect,
    actions: Vec<String>,
    not_actions: Vec<String>,
    resources: Vec<Value<String>>,
    not_resources: Vec<Value<String>>,
    principals: Vec<Principal>,
    conditions: Conditions,
}

impl PolicyStatement {
    /// An empty `Allow` statement.
    pub fn allow() -> Self {
        Self::default()
    }

    /// An empty `Deny` statement.
    pub fn deny() -> Self {
        PolicyStatement {
            effect: Effect::Deny,
            ..Self::default()
        }
    }

    /// Denies `action` to every principal on requests made without TLS
    /// (`aws:SecureTransport` is `false`): the statement a resource policy
    /// carries to allow encrypted transport only. Add the resources it
    /// covers.
    ///
    /// ```
    /// use strata::iam::{PolicyKind, PolicyStatement};
    /// let s = PolicyStatement::deny_insecure_transport("sqs:*")
    ///     .resource("arn:aws:sqs:us-east-1:123456789012:jobs");
    /// assert!(s.validate(PolicyKind::Resource).is_empty());
    /// ```
    pub fn deny_insecure_transport(action: &str) -> Self {
        Self::deny()
            .action(action)
            .principal(Principal::any())
            .condition("Bool", "aws:SecureTransport", ["false"])
    }

    /// Sets the statement id (`Sid`).
    pub fn sid(mut self, sid: &str) -> Self {
        self.sid = Some(sid.to_string());
        self
    }

    /// Adds one action, such as `s3:GetObject`.
    pub fn action(mut self, action: &str) -> Self {
        push_unique(&mut self.actions, action.to_string());
        self
    }

    /// Adds actions; duplicates are kept once.
    pub fn actions<I: IntoIterator<Item = S>, S: Into<String>>(mut self, actions: I) -> Self {
        for a in actions {
            push_unique(&mut self.actions, a.into());
        }
        self
    }

    /// Adds actions the statement applies to all but (`NotAction`).
    pub fn not_actions<I: IntoIterator<Item = S>, S: Into<String>>(mut self, actions: I) -> Self {
        for a in actions {
            push_unique(&mut self.not_actions, a.into());
        }
        self
    }

    /// Adds one resource ARN.
    pub fn resource(mut self, arn: impl Into<Value<String>>) -> Self {
        push_unique(&mut self.resources, arn.into());
        self
    }

    /// Adds resource ARNs; duplicates are kept once.
    pub fn resources<I: IntoIterator<Item = X>, X: Into<Value<String>>>(mut self, arns: I) -> Self {
        for a in arns {
            push_unique(&mut self.resources, a.into());
        }
        self
    }

    /// Applies to every resource (`"Resource": "*"`). Use only where no ARN
    /// is known, such as inside a key policy, where `*` means the key itself.
    pub fn all_resources(self) -> Self {
        self.resource("*")
    }

    /// Adds resources the statement applies to all but (`NotResource`).
    pub fn not_resources<I: IntoIterator<Item = X>, X: Into<Value<String>>>(
        mut self,
        arns: I,
    ) -> Self {
        for a in arns {
            push_unique(&mut self.not_resources, a.into());
        }
        self
    }

    /// Adds a principal (resource policies only). The principal's own
    /// conditions become conditions of the statement.
    pub fn principal(mut self, principal: Principal) -> Self {
        self.conditions.merge(principal.conditions());
        push_unique(&mut self.principals, principal);
        self
    }

    /// Adds a condition `{operator: {key: values}}`.
    pub fn condition<I, X>(mut self, operator: &str, key: &str, values: I) -> Self
    where
        I: IntoIterator<Item = X>,
        X: Into<Value<String>>,
    {
        self.conditions.add(operator, key, values);
        self
    }

    /// Adds every condition of `conditions`.
    pub fn conditions(mut self, conditions: &Conditions) -> Self {
        self.conditions.merge(conditions);
        self
    }

    /// The effect.
    pub fn effect(&self) -> Effect {
        self.effect
    }

    /// The actions, in the order added.
    pub fn action_list(&self) -> &[String] {
        &self.actions
    }

    /// The resources, in the order added.
    pub fn resource_list(&self) -> &[Value<String>] {
        &self.resources
    }

    /// The principals, in the order added.
    pub fn principal_list(&self) -> &[Principal] {
        &self.principals
    }

    /// What is wrong with this statement for a policy of `kind`; empty when
    /// it is valid.
    pub fn validate(&self, kind: PolicyKind) -> Vec<String> {
        let mut out = Vec::new();
        if self.actions.is_empty() && self.not_actions.is_empty() {
            out.push(
                "the statement has no actions; add at least one, such as \"s3:GetObject\""
                    .to_string(),
            );
        }
        if !self.actions.is_empty() && !self.not_actions.is_empty() {
            out.push("a statement takes actions or not-actions, not both".to_string());
        }
        for a in self.actions.iter().chain(&self.not_actions) {
            if !valid_action(a) {
                out.push(format!(
                    "{a:?} is not an IAM action; write it as \"service:Action\" (wildcards allowed), such as \"kms:Decrypt\""
                ));
            }
        }
        if !self.resources.is_empty() && !self.not_resources.is_empty() {
            out.push("a statement takes resources or not-resources, not both".to_string());
        }
        let no_resources = self.resources.is_empty() && self.not_resources.is_empty();
        match kind {
            PolicyKind::Identity => {
                if no_resources {
                    out.push("the statement has no resources; an identity policy statement must name the ARNs it applies to".to_string());
                }
                if !self.principals.is_empty() {
                    out.push("an identity policy statement cannot name principals; the principal is the role it is attached to".to_string());
                }
            }
            PolicyKind::Resource => {
                if no_resources {
                    out.push("the statement has no resources; in a resource policy use the resource's ARN, or \"*\" for the resource itself".to_string());
                }
                if self.principals.is_empty() {
                    out.push(
                        "a resource policy statement must name at least one principal".to_string(),
                    );
                }
            }
        }
        for p in &self.principals {
            out.extend(p.problem().map(str::to_string));
        }
        out.extend(self.conditions.problems());
        out
    }
}

fn valid_action(action: &str) -> bool {
    if action == "*" {
        return true;
    }
    let Some((service, name)) = action.split_once(':') else {
        return false;
    };
    !service.is_empty()
        && !name.is_empty()
        && service
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '*' || c == '?' || c == '-')
}

impl ToRaw for PolicyStatement {
    fn to_raw(&self) -> Raw {
        let mut fields: Vec<(&str, Raw)> = Vec::new();
        if !self.actions.is_empty() {
            fields.push(("Action", one_or_list(&self.actions)));
        }
        if !self.not_actions.is_empty() {
            fields.push(("NotAction", one_or_list(&self.not_actions)));
        }
        if !self.conditions.is_empty() {
            fields.push(("Condition", self.conditions.to_raw()));
        }
        fields.push(("Effect", Raw::from(self.effect.as_str())));
        if !self.principals.is_empty() {
            fields.push(("Principal", render_principals(&self.principals)));
        }
        if !self.resources.is_empty() {
            fields.push(("Resource", one_or_list(&self.resources)));
        }
        if !self.not_resources.is_empty() {
            fields.push(("NotResource", one_or_list(&self.not_resources)));
        }
        if let Some(sid) = &self.sid {
            fields.push(("Sid", Raw::from(sid.as_str())));
        }
        Raw::object(fields)
    }
}

/// An IAM policy document: statements under `Version: 2012-10-17`.
///
/// ```
/// use strata::iam::{PolicyDocument, PolicyStatement};
/// let doc = PolicyDocument::new()
///     .with_statement(PolicyStatement::allow().action("logs:PutLogEvents").resource("*"));
/// assert_eq!(doc.statements().len(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyDocument {
    statements: Vec<PolicyStatement>,
}

impl PolicyDocument {
    /// An empty document.
    pub fn new() -> Self {
        Self::default()
    }

    /// This document with `statement` added.
    pub fn with_statement(mut self, statement: PolicyStatement) -> Self {
        self.add_statement(statement);
        self
    }

    /// Adds a statement; an identical statement already present is not
    /// added again.
    pub fn add_statement(&mut self, statement: PolicyStatement) {
        push_unique(&mut self.statements, statement);
    }

    /// The statements, in the order added.
    pub fn statements(&self) -> &[PolicyStatement] {
        &self.statements
    }

    /// Whether the document has no statement.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// What is wrong with each statement for a policy of `kind`, prefixed
    /// with the statement's position; empty when the document is valid.
    pub fn validate(&self, kind: PolicyKind) -> Vec<String> {
        let mut out = Vec::new();
        if self.statements.is_empty() {
            out.push("the policy document has no statements".to_string());
        }
        for (i, s) in self.statements.iter().enumerate() {
            for p in s.validate(kind) {
                out.push(format!("statement {}: {p}", i + 1));
            }
        }
        out
    }

    /// The document as a property value for `PolicyDocument`, `KeyPolicy`
    /// and the like.
    pub fn to_value(&self) -> Value<Json> {
        Value::expr(self.to_raw())
    }
}

impl ToRaw for PolicyDocument {
    fn to_raw(&self) -> Raw {
        Raw::object([
            (
                "Statement",
                Raw::List(self.statements.iter().map(ToRaw::to_raw).collect()),
            ),
            ("Version", Raw::from("2012-10-17")),
        ])
    }
}
