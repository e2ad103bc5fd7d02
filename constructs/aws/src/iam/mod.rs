//! The IAM family: typed policy documents, principals, roles, and the
//! grants that resource constructs (keys, secrets, buckets, tables) use to
//! give a principal least-privilege access scoped to their ARNs.
//!
//! ```
//! use strata::iam::{PolicyStatement, Principal, Role, RoleProps};
//! use strata::prelude::*;
//!
//! let app = App::new();
//! let stack = app.stack("Api", StackProps::default());
//! let role = Role::new(&stack, "Handler", RoleProps::new(Principal::service("lambda.amazonaws.com")));
//! role.add_to_policy(
//!     PolicyStatement::allow()
//!         .actions(["sqs:SendMessage"])
//!         .resource(Fn::sub("arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:jobs")),
//! );
//! let t = &app.synth().expect("valid").stacks[0].template;
//! assert_eq!(
//!     t["Resources"]["HandlerDefaultPolicy8235E7F8"]["Properties"]["PolicyName"],
//!     "HandlerDefaultPolicy8235E7F8"
//! );
//! ```

mod arn;
mod grant;
mod policy;
mod principal;
mod role;

pub use grant::{Grant, Grantable, PolicyResource, ViaService};
pub use policy::{Conditions, Effect, PolicyDocument, PolicyKind, PolicyStatement};
pub use principal::{Principal, PrincipalKind};
pub use role::{ManagedPolicy, Role, RoleProps};

pub(crate) use arn::{service_endpoint, sub};
