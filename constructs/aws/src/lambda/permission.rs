//! Who may invoke a function: identity grants for roles, and
//! `AWS::Lambda::Permission` resources for AWS services and accounts.

use strata_cfn::lambda as cfn;
use strata_core::{Scope, Value};

use crate::iam::{sub, Grant, Grantable, PolicyResource, PolicyStatement, PrincipalKind};

use super::function::Function;

impl Function {
    /// Lets `grantee` invoke the function: `lambda:InvokeFunction` on the
    /// function and its versions and aliases (`<arn>:*`) in a role's
    /// policy; for a service or account principal, an
    /// `AWS::Lambda::Permission` at `<id>/Invoke<principal>`.
    ///
    /// ```
    /// use strata::iam::{Principal, Role, RoleProps};
    /// use strata::lambda::{Code, Function, FunctionProps, Runtime};
    /// use strata::prelude::*;
    ///
    /// let app = App::new();
    /// let stack = app.stack("Agents", StackProps::default());
    /// let tool = Function::new(&stack, "Tool", FunctionProps::new(
    ///     Runtime::PYTHON_3_12, "index.handler", Code::inline("def handler(e, c):\n    return e\n"),
    /// ));
    /// let agent = Role::new(&stack, "AgentRole", RoleProps::new(Principal::service("bedrock.amazonaws.com")));
    /// assert!(tool.grant_invoke(&agent).success());
    /// assert!(tool.grant_invoke(&Principal::service("events.amazonaws.com")).success());
    /// let t = &app.synth().expect("valid").stacks[0].template;
    /// let permission = &t["Resources"][strata::logical_id(&["Tool", "InvokeEventsAmazonawsCom"]).as_str()];
    /// assert_eq!(permission["Properties"]["Principal"], "events.amazonaws.com");
    /// ```
    pub fn grant_invoke(&self, grantee: &dyn Grantable) -> Grant {
        let arn = self.function_arn();
        Grant::to_principal_or_resource(
            grantee,
            &["lambda:InvokeFunction"],
            vec![arn.clone(), sub("${Arn}:*", vec![("Arn", arn.clone())])],
            self,
            vec![arn],
        )
    }

    /// Lets the AWS service `service` (such as `events.amazonaws.com`,
    /// `apigateway.amazonaws.com`, `sns.amazonaws.com`, `s3.amazonaws.com`)
    /// invoke the function, optionally only for `source_arn` (a rule, an
    /// API's `execute-api` ARN, a topic, a bucket). An
    /// `AWS::Lambda::Permission` at `<id>/<permission id>`. `SourceAccount`
    /// is the stack's account when no source ARN is given, and for S3,
    /// whose bucket ARNs carry no account, so only this account's
    /// resources can use the permission.
    pub fn add_permission(
        &self,
        id: &str,
        service: &str,
        source_arn: Option<Value<String>>,
    ) -> cfn::PermissionRef {
        let ok = service.ends_with(".amazonaws.com")
            && service
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-');
        if !ok {
            self.scope.error(
                "lambda-permission",
                format!("{service:?} is not an AWS service principal; use its domain, such as \"events.amazonaws.com\""),
            );
        }
        let source_account =
            (service == "s3.amazonaws.com" || source_arn.is_none()).then(|| account(&self.scope));
        self.scope.resource(
            id,
            cfn::Permission {
                source_arn,
                source_account,
                ..cfn::Permission::new("lambda:InvokeFunction", self.function_arn(), service)
            },
        )
    }
}

fn account(scope: &Scope) -> Value<String> {
    scope
        .env()
        .account
        .map(Value::Lit)
        .unwrap_or_else(strata_core::Fn::account_id)
}

impl PolicyResource for Function {
    /// Turns each principal of `statement` into an `AWS::Lambda::Permission`
    /// (services by name, limited to calls on behalf of the stack's
    /// account; accounts and roles by ARN). Statements with
    /// conditions or federated principals cannot be expressed that way and
    /// are refused.
    fn add_to_resource_policy(&self, statement: PolicyStatement) -> bool {
        let principals = statement.principal_list();
        let expressible = !principals.is_empty()
            && principals
                .iter()
                .all(|p| p.kind() != PrincipalKind::Federated && p.conditions().is_empty());
        if !expressible {
            return false;
        }
        for p in principals {
            let id = match p.id() {
                Value::Lit(s) => format!("Invoke{}", pascal(s)),
                Value::Expr(_) => format!("Invoke{}", self.permissions.borrow().len() + 1),
            };
            if self.permissions.borrow().contains(&id) {
                continue;
            }
            self.permissions.borrow_mut().push(id.clone());
            let source_account = (p.kind() == PrincipalKind::Service).then(|| account(&self.scope));
            self.scope.resource(
                &id,
                cfn::Permission {
                    source_account,
                    ..cfn::Permission::new(
                        "lambda:InvokeFunction",
                        self.function_arn(),
                        p.id().clone(),
                    )
                },
            );
        }
        true
    }
}

/// `events.amazonaws.com` → `EventsAmazonawsCom`.
fn pascal(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|f| f.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}
