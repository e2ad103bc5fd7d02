//! Seed "AI/ML Layer": the three Bedrock foundation models the agent uses,
//! with on-demand access.
//!
//! Claude 3.7 Sonnet and Claude 3.5 Haiku are served on demand only
//! through cross-region inference profiles, so every model is called
//! through its `us.` profile, which routes requests to us-east-1,
//! us-east-2 and us-west-2. Invoking a profile needs permission on the
//! profile and on the model in each region it routes to.

use strata::prelude::*;

/// A foundation model and what the agent uses it for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Model {
    /// The seed's name for it.
    pub name: &'static str,
    /// What the seed uses it for.
    pub purpose: &'static str,
    /// The Bedrock model ID.
    pub id: &'static str,
}

/// Seed "Foundation Models".
pub const MODELS: [Model; 3] = [
    Model {
        name: "Claude Sonnet 3.7",
        purpose: "complex reasoning and planning",
        id: "anthropic.claude-3-7-sonnet-20250219-v1:0",
    },
    Model {
        name: "Claude Haiku 3.5",
        purpose: "fast processing and research",
        id: "anthropic.claude-3-5-haiku-20241022-v1:0",
    },
    Model {
        name: "Amazon Nova Pro",
        purpose: "financial analysis and quantitative tasks",
        id: "amazon.nova-pro-v1:0",
    },
];

/// The regions the `us.` inference profiles route requests to.
pub const PROFILE_REGIONS: [&str; 3] = ["us-east-1", "us-east-2", "us-west-2"];

impl Model {
    /// The cross-region inference profile ID, `us.<model id>`.
    ///
    /// ```
    /// use investment_agent::bedrock::MODELS;
    /// assert_eq!(MODELS[2].profile_id(), "us.amazon.nova-pro-v1:0");
    /// assert_eq!(MODELS[0].model_arns().len(), 3);
    /// ```
    pub fn profile_id(&self) -> String {
        format!("us.{}", self.id)
    }

    /// The ARN of the model's inference profile in the stack's region.
    pub fn profile_arn(&self) -> Value<String> {
        Fn::sub(&format!(
            "arn:${{AWS::Partition}}:bedrock:${{AWS::Region}}:${{AWS::AccountId}}:inference-profile/{}",
            self.profile_id()
        ))
    }

    /// The ARNs of the foundation model in every region the profile routes to.
    pub fn model_arns(&self) -> Vec<Value<String>> {
        PROFILE_REGIONS
            .iter()
            .map(|region| {
                Fn::sub(&format!(
                    "arn:${{AWS::Partition}}:bedrock:{region}::foundation-model/{}",
                    self.id
                ))
            })
            .collect()
    }
}
