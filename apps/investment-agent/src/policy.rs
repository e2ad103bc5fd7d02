//! A policy attached to a role of another stack (the CDK's `iam.Policy`
//! with `roles: [role]`).
//!
//! The security stack owns the access roles (seed "AWS IAM"), but what they
//! may touch is made later, in the storage and compute stacks. Statements
//! naming those resources cannot go into the role's own default policy:
//! the security stack would then refer to the storage stack, which refers
//! back to the security stack's keys. An `AWS::IAM::Policy` in the stack
//! that owns the resources, attached to the role by name, keeps every
//! reference pointing one way.

use std::cell::RefCell;
use std::rc::Rc;

use strata::cfn::iam as cfn;
use strata::iam::{Grantable, PolicyDocument, PolicyKind, PolicyStatement, Principal, Role};
use strata::prelude::*;

/// An `AWS::IAM::Policy` at `<id>/Resource`, attached to `role`, created
/// with the first statement granted to it.
///
/// ```
/// use strata::iam::{Grantable, PolicyStatement, Principal, Role, RoleProps};
/// use strata::prelude::*;
/// use investment_agent::policy::RolePolicy;
///
/// let app = App::new();
/// let security = app.stack("Security", StackProps::default());
/// let storage = app.stack("Storage", StackProps::default());
/// let role = Role::new(&security, "Access", RoleProps::new(Principal::service("lambda.amazonaws.com")));
/// let policy = RolePolicy::new(&storage, "AccessPolicy", &role);
/// policy.add_to_principal_policy(
///     PolicyStatement::allow().action("s3:GetObject").resource("arn:aws:s3:::reports/*"),
/// );
/// let assembly = app.synth().expect("valid");
/// assert_eq!(assembly.stacks[1].dependencies, ["Security"]);
/// ```
#[derive(Clone)]
pub struct RolePolicy {
    scope: Scope,
    role: Role,
    document: Rc<RefCell<Option<(Scope, PolicyDocument)>>>,
}

impl RolePolicy {
    /// A policy at `<scope>/<id>` for `role`.
    pub fn new(scope: &Scope, id: &str, role: &Role) -> RolePolicy {
        RolePolicy {
            scope: scope.child(id),
            role: role.clone(),
            document: Rc::new(RefCell::new(None)),
        }
    }

    /// The statements so far.
    pub fn statements(&self) -> Vec<PolicyStatement> {
        self.document
            .borrow()
            .as_ref()
            .map(|(_, d)| d.statements().to_vec())
            .unwrap_or_default()
    }

    /// The policy's construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl Grantable for RolePolicy {
    fn grant_principal(&self) -> Principal {
        Principal::arn(self.role.arn())
    }

    fn add_to_principal_policy(&self, statement: PolicyStatement) -> bool {
        let problems = statement.validate(PolicyKind::Identity);
        if !problems.is_empty() {
            for p in problems {
                self.scope.error("policy-statement", p);
            }
            return true;
        }
        let mut slot = self.document.borrow_mut();
        match slot.as_mut() {
            Some((resource, document)) => {
                document.add_statement(statement);
                let value = document.to_value();
                resource.with_resource::<cfn::Policy>(|p| p.policy_document = value);
            }
            None => {
                let document = PolicyDocument::new().with_statement(statement);
                let path = self.scope.path();
                let below_stack: Vec<&str> = path.split('/').skip(1).collect();
                let handle = self.scope.resource(
                    "Resource",
                    cfn::Policy {
                        roles: Some(Value::list([self.role.role_name()])),
                        ..cfn::Policy::new(document.to_value(), strata::logical_id(&below_stack))
                    },
                );
                if let Some(resource) = self.scope.of(&handle) {
                    *slot = Some((resource, document));
                }
            }
        }
        true
    }
}
