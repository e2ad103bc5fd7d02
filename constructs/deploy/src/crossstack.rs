//! Values passed between stacks at deploy time: a consuming stack's
//! parameters are filled from the outputs of the stacks that produce them
//! (recorded by synth as `strata:cross-stack-parameter` metadata).

use std::collections::HashMap;

use anyhow::{bail, Result};
use aws_sdk_cloudformation::types::Stack;
use aws_sdk_cloudformation::Client;

use crate::assembly::StackArtifact;
use crate::stack;

/// A stack's outputs by key.
pub type Outputs = HashMap<String, String>;

/// The outputs of a deployed stack.
pub fn outputs_of(stack: &Stack) -> Outputs {
    stack
        .outputs()
        .iter()
        .filter_map(|o| Some((o.output_key()?.to_string(), o.output_value()?.to_string())))
        .collect()
}

/// Reads the outputs of `producer` (by its stack name) through `client`.
pub async fn read_outputs(client: &Client, producer: &StackArtifact) -> Result<Outputs> {
    match stack::describe(client, &producer.stack_name).await? {
        Some(st) => Ok(outputs_of(&st)),
        None => bail!(
            "stack {} is not deployed, but another stack takes values from its outputs; deploy it first (`cargo xtask deploy {}`)",
            producer.stack_name,
            producer.id
        ),
    }
}

/// The parameter values of `consumer` that come from other stacks, given
/// each producer's outputs (by artifact id).
pub fn parameters(
    consumer: &StackArtifact,
    outputs: &HashMap<String, Outputs>,
) -> Result<Vec<(String, String)>> {
    consumer
        .parameter_sources
        .iter()
        .map(|source| {
            let Some(values) = outputs.get(&source.stack) else {
                bail!(
                    "stack {} needs the outputs of stack {}, which were not read",
                    consumer.id,
                    source.stack
                );
            };
            match values.get(&source.output) {
                Some(v) => Ok((source.parameter.clone(), v.clone())),
                None => bail!(
                    "stack {} takes parameter {} from output {} of stack {}, but that stack has no such output; deploy {} again so it publishes it",
                    consumer.id,
                    source.parameter,
                    source.output,
                    source.stack,
                    source.stack
                ),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_core::ParameterSource;

    fn consumer() -> StackArtifact {
        StackArtifact {
            id: "Compute".into(),
            stack_name: "Compute".into(),
            account: None,
            region: None,
            environment: "aws://unknown-account/unknown-region".into(),
            template_file: "Compute.template.json".into(),
            template: serde_json::json!({}),
            template_body: "{}".into(),
            dependencies: vec!["Network".into()],
            termination_protection: false,
            parameter_sources: vec![ParameterSource {
                parameter: "CrossStackNetworkVpcRef".into(),
                stack: "Network".into(),
                output: "CrossStackNetworkVpcRef".into(),
            }],
        }
    }

    #[test]
    fn parameters_come_from_the_producers_outputs() {
        let mut outputs = HashMap::new();
        outputs.insert(
            "Network".to_string(),
            Outputs::from([("CrossStackNetworkVpcRef".to_string(), "vpc-123".to_string())]),
        );
        assert_eq!(
            parameters(&consumer(), &outputs).expect("filled"),
            [("CrossStackNetworkVpcRef".to_string(), "vpc-123".to_string())]
        );
        outputs.insert("Network".to_string(), Outputs::new());
        let err = parameters(&consumer(), &outputs)
            .expect_err("missing output")
            .to_string();
        assert!(
            err.contains("takes parameter CrossStackNetworkVpcRef from output CrossStackNetworkVpcRef of stack Network"),
            "{err}"
        );
    }
}
