//! Where Lambda sends records it is done with: the on-success and
//! on-failure destinations of asynchronous invocations and the
//! on-failure destination of stream event sources.

use strata_core::Value;

use crate::iam::{sub, Grant, Grantable};

/// A destination, with the permission the function's role needs to send to it.
///
/// ```
/// use strata::lambda::Destination;
/// let dlq = Destination::Queue("arn:aws:sqs:us-east-1:123456789012:tool-failures".into());
/// assert!(dlq.problem().is_none());
/// let wrong = Destination::Topic("arn:aws:sqs:us-east-1:123456789012:jobs".into());
/// assert!(wrong.problem().is_some());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Destination {
    /// An SQS queue, by ARN (`sqs:SendMessage`).
    Queue(Value<String>),
    /// An SNS topic, by ARN (`sns:Publish`).
    Topic(Value<String>),
    /// Another Lambda function, by ARN (`lambda:InvokeFunction`).
    Function(Value<String>),
    /// An EventBridge event bus, by ARN (`events:PutEvents`).
    EventBus(Value<String>),
}

impl Destination {
    /// The destination's ARN.
    pub fn arn(&self) -> &Value<String> {
        match self {
            Destination::Queue(a)
            | Destination::Topic(a)
            | Destination::Function(a)
            | Destination::EventBus(a) => a,
        }
    }

    fn service(&self) -> (&'static str, &'static str) {
        match self {
            Destination::Queue(_) => ("sqs", "queue"),
            Destination::Topic(_) => ("sns", "topic"),
            Destination::Function(_) => ("lambda", "function"),
            Destination::EventBus(_) => ("events", "event bus"),
        }
    }

    /// Why the ARN cannot be this kind of destination, when it is a literal.
    pub fn problem(&self) -> Option<String> {
        let (service, what) = self.service();
        let arn = self.arn().as_literal()?;
        let parts: Vec<&str> = arn.split(':').collect();
        let ok = parts.len() >= 6 && parts[0] == "arn" && parts[2] == service;
        (!ok).then(|| {
            format!("{arn:?} is not an {service} {what} ARN (arn:<partition>:{service}:<region>:<account>:...)")
        })
    }

    /// Lets `grantee` send to the destination, as the CDK's destinations do.
    pub(crate) fn grant_send(&self, grantee: &dyn Grantable) -> Grant {
        let arn = self.arn().clone();
        match self {
            Destination::Queue(_) => Grant::to_principal(
                grantee,
                &[
                    "sqs:SendMessage",
                    "sqs:GetQueueAttributes",
                    "sqs:GetQueueUrl",
                ],
                vec![arn],
            ),
            Destination::Topic(_) => Grant::to_principal(grantee, &["sns:Publish"], vec![arn]),
            Destination::Function(_) => Grant::to_principal(
                grantee,
                &["lambda:InvokeFunction"],
                vec![arn.clone(), sub("${Arn}:*", vec![("Arn", arn)])],
            ),
            Destination::EventBus(_) => {
                Grant::to_principal(grantee, &["events:PutEvents"], vec![arn])
            }
        }
    }
}
