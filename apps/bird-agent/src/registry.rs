//! The container registry of the two ECS services, in the `BirdRegistry`
//! stack, which deploys before `BirdCompute` so the release's images can
//! be pushed before the services start: one ECR repository per service
//! (`bird-agent/conversation-manager`, `bird-agent/multimodal-processor`)
//! with immutable tags, scan on push, KMS encryption, and a lifecycle
//! policy keeping the last 50 images.
//!
//! The seed's task definitions name `:latest`; the services run the
//! release tag of the environment file instead (`release`), which an
//! immutable repository guarantees to be the image that was tested.

use strata::cfn::ecr::{repository as r, Repository};
use strata::prelude::*;

/// The conversation manager's repository.
pub const CONVERSATION_MANAGER: &str = "bird-agent/conversation-manager";
/// The multimodal processor's repository.
pub const MULTIMODAL_PROCESSOR: &str = "bird-agent/multimodal-processor";

/// Images kept per repository.
pub const KEEP_IMAGES: u32 = 50;

/// Adds the two repositories to `stack`.
pub fn build(stack: &Scope) {
    let lifecycle = serde_json::json!({
        "rules": [{
            "rulePriority": 1,
            "description": format!("Keep the last {KEEP_IMAGES} images"),
            "selection": {
                "tagStatus": "any",
                "countType": "imageCountMoreThan",
                "countNumber": KEEP_IMAGES
            },
            "action": {"type": "expire"}
        }]
    })
    .to_string();
    for (id, name) in [
        ("ConversationManagerRepository", CONVERSATION_MANAGER),
        ("MultimodalProcessorRepository", MULTIMODAL_PROCESSOR),
    ] {
        stack.child(id).resource_with(
            "Resource",
            Repository {
                repository_name: Some(name.into()),
                image_tag_mutability: Some("IMMUTABLE".into()),
                image_scanning_configuration: Some(
                    r::ImageScanningConfiguration {
                        scan_on_push: Some(true.into()),
                    }
                    .into(),
                ),
                encryption_configuration: Some(r::EncryptionConfiguration::new("KMS").into()),
                lifecycle_policy: Some(
                    r::LifecyclePolicy {
                        lifecycle_policy_text: Some(lifecycle.as_str().into()),
                        ..Default::default()
                    }
                    .into(),
                ),
                ..Repository::new()
            },
            ResourceOptions::removal(RemovalPolicy::Retain),
        );
    }
}
