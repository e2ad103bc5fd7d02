//! Principals: who a trust policy or a resource policy lets in, with the
//! action they assume a role with and the conditions that come with them.

use strata_core::{Fn, Raw, Scope, ToRaw, Value};

use super::arn::{account_root_arn, stack_account, sub};
use super::policy::{one_or_list, Conditions};

/// The key a principal is listed under in a policy's `Principal` block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    /// `AWS`: accounts, roles, users, or `*`.
    Aws,
    /// `Service`: an AWS service such as `lambda.amazonaws.com`.
    Service,
    /// `Federated`: a SAML or OIDC identity provider.
    Federated,
}

impl PrincipalKind {
    fn key(self) -> &'static str {
        match self {
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
        }
    }
}

/// An IAM principal.
///
/// A principal carries the action used to assume a role with it
/// (`sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity`, ...) and optional
/// conditions, which end up in the trust or resource policy statement it
/// is placed in. Problems with a principal's inputs (a malformed service
/// name, an issuer that is not a literal host) are reported with the path
/// of the construct that uses it.
///
/// ```
/// use strata::iam::Principal;
/// let lambda = Principal::service("lambda.amazonaws.com");
/// assert_eq!(lambda.assume_role_action(), "sts:AssumeRole");
/// let irsa = Principal::eks_service_account(
///     "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
///     "agents",
///     "bird-agent",
/// );
/// assert_eq!(irsa.assume_role_action(), "sts:AssumeRoleWithWebIdentity");
/// assert!(irsa.problem().is_none());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    kind: PrincipalKind,
    id: Value<String>,
    assume_role_action: String,
    conditions: Conditions,
    problem: Option<String>,
}

impl Principal {
    fn new(kind: PrincipalKind, id: Value<String>, action: &str) -> Self {
        Principal {
            kind,
            id,
            assume_role_action: action.to_string(),
            conditions: Conditions::new(),
            problem: None,
        }
    }

    fn with_problem(mut self, problem: Option<String>) -> Self {
        self.problem = self.problem.or(problem);
        self
    }

    /// An AWS service, such as `lambda.amazonaws.com` or `ecs-tasks.amazonaws.com`.
    pub fn service(name: &str) -> Self {
        let ok = !name.is_empty()
            && name.contains('.')
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-');
        let problem = (!ok).then(|| {
            format!("{name:?} is not a service principal; use the service's domain, such as \"lambda.amazonaws.com\"")
        });
        Principal::new(PrincipalKind::Service, name.into(), "sts:AssumeRole").with_problem(problem)
    }

    /// The root of the account the stack is deployed to, environment-agnostic:
    /// `arn:${AWS::Partition}:iam::${AWS::AccountId}:root`.
    pub fn account_root() -> Self {
        Principal::account(Fn::account_id())
    }

    /// The root of the account of the stack `scope` belongs to, with the
    /// account written literally when the stack's environment names it
    /// (as the CDK's `AccountRootPrincipal` renders).
    pub fn account_root_of(scope: &Scope) -> Self {
        Principal::account(stack_account(scope))
    }

    /// The root of an account given by its 12-digit ID (or an intrinsic).
    pub fn account(account_id: impl Into<Value<String>>) -> Self {
        let account_id = account_id.into();
        let problem = match account_id.as_literal() {
            Some(a) if a.len() != 12 || !a.chars().all(|c| c.is_ascii_digit()) => Some(format!(
                "{a:?} is not an AWS account ID; use the 12-digit ID"
            )),
            _ => None,
        };
        Principal::new(
            PrincipalKind::Aws,
            account_root_arn(account_id),
            "sts:AssumeRole",
        )
        .with_problem(problem)
    }

    /// A role, user or account given by ARN.
    pub fn arn(arn: impl Into<Value<String>>) -> Self {
        let arn = arn.into();
        let problem = match arn.as_literal() {
            Some(a) if !a.starts_with("arn:") => Some(format!(
                "{a:?} is not an ARN; an ARN principal starts with \"arn:\""
            )),
            _ => None,
        };
        Principal::new(PrincipalKind::Aws, arn, "sts:AssumeRole").with_problem(problem)
    }

    /// Anyone (`{"AWS": "*"}`); narrow it with conditions.
    pub fn any() -> Self {
        Principal::new(PrincipalKind::Aws, "*".into(), "sts:AssumeRole")
    }

    /// A federated identity provider (ARN or provider name) assumed with `action`.
    pub fn federated(provider: impl Into<Value<String>>, action: &str) -> Self {
        Principal::new(PrincipalKind::Federated, provider.into(), action)
    }

    /// A SAML provider, assumed with `sts:AssumeRoleWithSAML`.
    pub fn saml(provider_arn: impl Into<Value<String>>) -> Self {
        Principal::federated(provider_arn, "sts:AssumeRoleWithSAML")
    }

    /// A web identity or OIDC provider (such as `cognito-identity.amazonaws.com`
    /// or an `AWS::IAM::OIDCProvider` ARN), assumed with
    /// `sts:AssumeRoleWithWebIdentity`.
    pub fn web_identity(provider: impl Into<Value<String>>) -> Self {
        Principal::federated(provider, "sts:AssumeRoleWithWebIdentity")
    }

    /// IRSA: a Kubernetes service account of an EKS cluster, trusted through
    /// the cluster's OIDC provider with
    /// `<issuer>:sub = system:serviceaccount:<namespace>:<name>` and
    /// `<issuer>:aud = sts.amazonaws.com`.
    ///
    /// CloudFormation cannot use an intrinsic as a JSON object key, and the
    /// condition keys start with the issuer, so the issuer must be known at
    /// synth: pass its host and path as literal text (such as
    /// `oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`;
    /// a leading `https://` is removed). Text that looks like a reference
    /// (`${...}`, braces, quotes, blanks) is reported as an error. The
    /// provider ARN is built from the stack's account and the issuer; use
    /// [`Principal::with_provider_arn`] when the provider is created in the
    /// same app, so the role depends on it.
    pub fn eks_service_account(issuer: &str, namespace: &str, name: &str) -> Self {
        let issuer = issuer.strip_prefix("https://").unwrap_or(issuer);
        let mut problem = None;
        let token_like = issuer
            .chars()
            .any(|c| matches!(c, '$' | '{' | '}' | '"' | '\'') || c.is_whitespace());
        if issuer.is_empty() || token_like || !issuer.contains('.') || issuer.ends_with('/') {
            problem = Some(format!(
                "the OIDC issuer {issuer:?} must be a literal host and path such as \"oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE\": CloudFormation cannot use a reference as a condition key"
            ));
        }
        for (what, v) in [("namespace", namespace), ("service account", name)] {
            let ok = !v.is_empty()
                && v.len() <= 253
                && v.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
            if !ok && problem.is_none() {
                problem = Some(format!(
                    "{v:?} is not a Kubernetes {what} name; use lowercase letters, digits, '-' and '.'"
                ));
            }
        }
        let provider = sub(
            "arn:${Partition}:iam::${Account}:oidc-provider/${Issuer}",
            vec![
                ("Partition", Fn::partition()),
                ("Account", Fn::account_id()),
                ("Issuer", issuer.into()),
            ],
        );
        let mut p = Principal::web_identity(provider).with_problem(problem);
        p.conditions.add(
            "StringEquals",
            &format!("{issuer}:aud"),
            ["sts.amazonaws.com"],
        );
        p.conditions.add(
            "StringEquals",
            &format!("{issuer}:sub"),
            [format!("system:serviceaccount:{namespace}:{name}")],
        );
        p
    }

    /// This federated principal with its provider given by ARN, such as the
    /// `Arn` of an `AWS::IAM::OIDCProvider` in the same stack.
    pub fn with_provider_arn(mut self, arn: impl Into<Value<String>>) -> Self {
        self.id = arn.into();
        self
    }

    /// This principal with an extra condition, added to every statement it
    /// is placed in.
    pub fn with_condition<I, X>(mut self, operator: &str, key: &str, values: I) -> Self
    where
        I: IntoIterator<Item = X>,
        X: Into<Value<String>>,
    {
        self.conditions.add(operator, key, values);
        self
    }

    /// Where the principal is listed in a `Principal` block.
    pub fn kind(&self) -> PrincipalKind {
        self.kind
    }

    /// The principal's identifier: service name, ARN or provider.
    pub fn id(&self) -> &Value<String> {
        &self.id
    }

    /// The action a trust policy allows this principal.
    pub fn assume_role_action(&self) -> &str {
        &self.assume_role_action
    }

    /// The conditions that come with this principal.
    pub fn conditions(&self) -> &Conditions {
        &self.conditions
    }

    /// What is wrong with the inputs this principal was built from, if anything.
    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }
}

/// A `Principal` block: principals grouped by kind in first-seen order,
/// one identifier as a string and several as a list.
pub(crate) fn render_principals(principals: &[Principal]) -> Raw {
    let mut groups: Vec<(PrincipalKind, Vec<Value<String>>)> = Vec::new();
    for p in principals {
        let pos = match groups.iter().position(|(k, _)| *k == p.kind) {
            Some(pos) => pos,
            None => {
                groups.push((p.kind, Vec::new()));
                groups.len() - 1
            }
        };
        if !groups[pos].1.contains(&p.id) {
            groups[pos].1.push(p.id.clone());
        }
    }
    Raw::object(
        groups
            .iter()
            .map(|(kind, ids)| (kind.key(), one_or_list(ids))),
    )
}

impl ToRaw for Principal {
    fn to_raw(&self) -> Raw {
        render_principals(std::slice::from_ref(self))
    }
}
