//! Grants: how resource constructs give a principal least-privilege access,
//! scoped to their own ARNs, through the principal's policy when it has
//! one and through the resource's policy otherwise.

use strata_core::Value;

use super::policy::PolicyStatement;
use super::principal::Principal;

/// Something that can be granted permissions: it has a principal, and may
/// be able to take statements into its own identity policy (a role can; a
/// bare service or account principal cannot).
pub trait Grantable {
    /// The principal to name in resource policies.
    fn grant_principal(&self) -> Principal;

    /// Adds `statement` to the grantee's identity policy; returns false
    /// when the grantee has no policy to add to.
    fn add_to_principal_policy(&self, statement: PolicyStatement) -> bool;
}

impl Grantable for Principal {
    fn grant_principal(&self) -> Principal {
        self.clone()
    }

    fn add_to_principal_policy(&self, _statement: PolicyStatement) -> bool {
        false
    }
}

/// A resource with a resource policy (a key policy, a secret policy).
pub trait PolicyResource {
    /// Adds `statement` to the resource policy; returns false when the
    /// resource cannot take one.
    fn add_to_resource_policy(&self, statement: PolicyStatement) -> bool;
}

/// A grantee restricted to requests that an AWS service makes on its
/// behalf (`kms:ViaService`), as the CDK's `ViaServicePrincipal`.
///
/// ```
/// use strata::iam::{Grantable, Principal, ViaService};
/// let root = Principal::account("123456789012");
/// let via = ViaService::new("secretsmanager.us-east-1.amazonaws.com", &root);
/// assert!(!via.grant_principal().conditions().is_empty());
/// ```
pub struct ViaService<'a> {
    service: Value<String>,
    base: &'a dyn Grantable,
}

impl<'a> ViaService<'a> {
    /// `base` through `service`, such as `secretsmanager.us-east-1.amazonaws.com`.
    pub fn new(service: impl Into<Value<String>>, base: &'a dyn Grantable) -> Self {
        ViaService {
            service: service.into(),
            base,
        }
    }
}

impl Grantable for ViaService<'_> {
    fn grant_principal(&self) -> Principal {
        self.base.grant_principal().with_condition(
            "StringEquals",
            "kms:ViaService",
            [self.service.clone()],
        )
    }

    fn add_to_principal_policy(&self, statement: PolicyStatement) -> bool {
        self.base.add_to_principal_policy(statement.condition(
            "StringEquals",
            "kms:ViaService",
            [self.service.clone()],
        ))
    }
}

/// The outcome of a grant: the statement added to the grantee's policy,
/// or the one added to the resource's policy.
///
/// ```
/// use strata::iam::{Grant, Principal};
/// let grant = Grant::to_principal(
///     &Principal::service("lambda.amazonaws.com"),
///     &["sqs:SendMessage"],
///     vec!["arn:aws:sqs:us-east-1:123456789012:jobs".into()],
/// );
/// // A service principal has no identity policy to add to.
/// assert!(!grant.success());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Grant {
    principal_statement: Option<PolicyStatement>,
    resource_statement: Option<PolicyStatement>,
}

impl Grant {
    /// Allows `actions` on `resource_arns` in the grantee's own policy.
    pub fn to_principal(
        grantee: &dyn Grantable,
        actions: &[&str],
        resource_arns: Vec<Value<String>>,
    ) -> Grant {
        let statement = PolicyStatement::allow()
            .actions(actions.iter().copied())
            .resources(resource_arns);
        let added = grantee.add_to_principal_policy(statement.clone());
        Grant {
            principal_statement: added.then_some(statement),
            resource_statement: None,
        }
    }

    /// Allows `actions` on `resource_arns` in the grantee's policy; when the
    /// grantee has none (a service or account principal), allows them in
    /// `resource`'s policy instead, naming the grantee and `resource_self_arns`
    /// (`*` in a key policy, the resource's ARN elsewhere).
    pub fn to_principal_or_resource(
        grantee: &dyn Grantable,
        actions: &[&str],
        resource_arns: Vec<Value<String>>,
        resource: &dyn PolicyResource,
        resource_self_arns: Vec<Value<String>>,
    ) -> Grant {
        let grant = Grant::to_principal(grantee, actions, resource_arns);
        if grant.success() {
            return grant;
        }
        let statement = PolicyStatement::allow()
            .actions(actions.iter().copied())
            .resources(resource_self_arns)
            .principal(grantee.grant_principal());
        let added = resource.add_to_resource_policy(statement.clone());
        Grant {
            principal_statement: None,
            resource_statement: added.then_some(statement),
        }
    }

    /// Whether a statement was added somewhere.
    pub fn success(&self) -> bool {
        self.principal_statement.is_some() || self.resource_statement.is_some()
    }

    /// The statement added to the grantee's policy, if any.
    pub fn principal_statement(&self) -> Option<&PolicyStatement> {
        self.principal_statement.as_ref()
    }

    /// The statement added to the resource's policy, if any.
    pub fn resource_statement(&self) -> Option<&PolicyStatement> {
        self.resource_statement.as_ref()
    }
}
