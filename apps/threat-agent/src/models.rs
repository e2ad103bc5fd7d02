//! Seed section "Amazon Bedrock Agent Platform / Model Access": Claude 3.5
//! Sonnet, Claude 3.5 Haiku and Titan Embeddings.
//!
//! Claude 3.5 Sonnet and Claude 3.5 Haiku have reached end of life on
//! Bedrock, so the agents run their successors, Claude Sonnet 4.5 and
//! Claude Haiku 4.5. Bedrock serves those through the `us.` cross-region
//! inference profiles only, which route to us-east-1, us-east-2 and
//! us-west-2, so both the primary and the standby region can use them.
//! Titan Embeddings is Titan Text Embeddings V2, the current version.

use strata::iam::PolicyStatement;
use strata::prelude::*;

/// A model the agents invoke through an inference profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Model {
    /// The inference profile ID the agents name as their foundation model.
    pub profile: &'static str,
    /// The foundation model the profile routes to.
    pub foundation_model: &'static str,
}

/// The reasoning model (the seed's Claude 3.5 Sonnet).
pub const SONNET: Model = Model {
    profile: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    foundation_model: "anthropic.claude-sonnet-4-5-20250929-v1:0",
};

/// The fast model (the seed's Claude 3.5 Haiku).
pub const HAIKU: Model = Model {
    profile: "us.anthropic.claude-haiku-4-5-20251001-v1:0",
    foundation_model: "anthropic.claude-haiku-4-5-20251001-v1:0",
};

/// The knowledge base's embedding model (the seed's Titan Embeddings).
pub const TITAN_EMBEDDINGS: &str = "amazon.titan-embed-text-v2:0";

/// The ARN of `model`'s inference profile in the stack's region.
pub fn profile_arn(model: Model) -> Value<String> {
    Fn::sub(&format!(
        "arn:${{AWS::Partition}}:bedrock:${{AWS::Region}}:${{AWS::AccountId}}:inference-profile/{}",
        model.profile
    ))
}

/// The ARN of a foundation model in the stack's region.
pub fn foundation_model_arn(model_id: &str) -> Value<String> {
    Fn::sub(&format!(
        "arn:${{AWS::Partition}}:bedrock:${{AWS::Region}}::foundation-model/{model_id}"
    ))
}

/// Invoking `models` through their profiles: the profiles, and the
/// foundation models in every region the profiles route to.
pub fn invoke_statement(models: &[Model]) -> PolicyStatement {
    let mut resources = Vec::new();
    for m in models {
        resources.push(profile_arn(*m));
        resources.push(Fn::sub(&format!(
            "arn:${{AWS::Partition}}:bedrock:*::foundation-model/{}",
            m.foundation_model
        )));
    }
    PolicyStatement::allow()
        .sid("InvokeAgentModels")
        .actions([
            "bedrock:InvokeModel",
            "bedrock:InvokeModelWithResponseStream",
            "bedrock:GetInferenceProfile",
        ])
        .resources(resources)
}
