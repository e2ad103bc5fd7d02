//! Strata: the AWS CDK's construct model, native to Rust.
//!
//! Apps import this crate. It re-exports the core model (App, Stack scopes,
//! values, intrinsics, synth) and the generated L1 resources as [`cfn`].
//! L1 services are cargo features of `strata-cfn`; enable the ones an app
//! uses (for example `strata-cfn = { features = ["ec2", "s3"] }`).
//!
//! ```
//! use strata::prelude::*;
//!
//! let app = App::new();
//! let stack = app.stack("Demo", StackProps::default());
//! stack.output("Region", Output::new(Fn::region()));
//! let assembly = app.synth().expect("valid app");
//! assert_eq!(assembly.stacks[0].id, "Demo");
//! ```

pub use strata_cfn as cfn;
pub use strata_core::*;

pub mod apigateway;
pub mod backup;
pub mod bastion;
pub mod cloudfront;
pub mod cloudwatch;
pub mod cognito;
pub mod config;
pub mod data_tier;
pub mod dax;
pub mod dr;
pub mod dynamodb;
pub mod ec2;
pub mod ecs;
pub mod eks;
pub mod elasticache;
pub mod elbv2;
pub mod events;
pub mod guard;
pub mod iam;
pub mod kinesis;
pub mod kms;
pub mod lambda;
pub mod logs;
pub mod opensearch;
pub mod rds;
pub mod s3;
pub mod secrets;
pub mod sns;
pub mod sqs;
pub mod stepfunctions;
pub mod timestream;
pub mod wafv2;
pub mod window;
pub mod xray;

/// The README's example, compiled as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;

/// Everything an app needs in scope.
pub mod prelude {
    pub use strata_cfn as cfn;
    pub use strata_core::{
        App, Aspect, Condition, Environment, Fn, Handle, Json, Map, Output, Parameter,
        RemovalPolicy, ResourceOptions, Scope, StackProps, TemplateRule, Value,
    };
}
