//! Seed section "Lambda Functions Infrastructure" in the `BirdCompute`
//! stack: the event processor and the multimodal analysis function, and
//! the five functions the multimodal analysis workflow calls (seed "Step
//! Functions": content-classifier, image-analyzer, text-extractor,
//! metadata-enricher, results-aggregator), all on Python 3.11 / x86_64
//! with the shared `BirdAgentLambdaExecutionRole`.
//!
//! Code and layers: the release pipeline uploads each package to the
//! config bucket (seed "agent-config-bucket: Configuration and deployment
//! artifacts") at `lambda/<release>/<function>.zip` and
//! `layers/<release>/<layer>.zip`. Powertools is the public AWS layer.

use std::time::Duration;

use strata::cfn::lambda::{layer_version as lv, LayerVersion};
use strata::lambda::{
    Alias, AliasOptions, Architecture, AsyncInvoke, Code, Function, FunctionProps, FunctionVpc,
    Runtime,
};
use strata::logs::Retention;
use strata::prelude::*;

use crate::data::Data;
use crate::messaging::Messaging;
use crate::network::Network;
use crate::roles::Roles;

/// Seed "/aws/lambda/event-processor: Retention: 14 days" (all functions).
pub const LOG_RETENTION_DAYS: u32 = 14;
/// The version of the public Powertools for AWS Lambda (Python) v3 layer
/// for Python 3.11 on x86_64.
pub const POWERTOOLS_LAYER_VERSION: u32 = 18;
/// The workflow's task functions (seed "Step Functions" resources).
pub const WORKFLOW_FUNCTIONS: [&str; 5] = [
    "content-classifier",
    "image-analyzer",
    "text-extractor",
    "metadata-enricher",
    "results-aggregator",
];

/// The functions.
#[derive(Clone)]
pub struct Functions {
    /// `event-processor`.
    pub event_processor: Function,
    /// `multimodal-analysis`.
    pub multimodal_analysis: Function,
    /// The multimodal analysis function's `live` alias, with the
    /// provisioned concurrency.
    pub multimodal_live: Alias,
    /// The workflow's functions, in [`WORKFLOW_FUNCTIONS`] order.
    pub workflow: Vec<Function>,
}

/// What the functions are built from.
pub struct FunctionInputs<'a> {
    /// The VPC and Lambda security group.
    pub network: &'a Network,
    /// The tables, the media bucket and the config bucket holding the code.
    pub data: &'a Data,
    /// The DLQ and the notifications topic.
    pub messaging: &'a Messaging,
    /// The execution role.
    pub roles: &'a Roles,
    /// The release folder of the packages.
    pub release: &'a str,
    /// The multimodal analysis alias's provisioned concurrency; 0 for none.
    pub provisioned_concurrency: u32,
}

impl FunctionInputs<'_> {
    fn code(&self, name: &str) -> Code {
        Code::from_bucket(
            self.data.buckets[2].bucket_name(),
            format!("lambda/{}/{name}.zip", self.release),
        )
    }

    fn props(&self, name: &str, memory_size: u32, timeout: Duration) -> FunctionProps {
        FunctionProps {
            function_name: Some(name.into()),
            architecture: Architecture::X86_64,
            memory_size,
            timeout,
            log_retention: Retention::Days(LOG_RETENTION_DAYS),
            role: Some(self.roles.lambda.clone()),
            ..FunctionProps::new(Runtime::PYTHON_3_11, "app.handler", self.code(name))
        }
    }
}

/// A layer from the config bucket.
fn layer(
    stack: &Scope,
    inputs: &FunctionInputs,
    id: &str,
    name: &str,
    description: &str,
) -> Value<String> {
    stack
        .child(id)
        .resource(
            "Resource",
            LayerVersion {
                layer_name: Some(name.into()),
                description: Some(description.into()),
                compatible_runtimes: Some(Value::list(["python3.11"])),
                compatible_architectures: Some(Value::list(["x86_64"])),
                ..LayerVersion::new(lv::Content::new(
                    inputs.data.buckets[2].bucket_name(),
                    format!("layers/{}/{name}.zip", inputs.release),
                ))
            },
        )
        .ref_()
}

/// Builds the seven functions.
pub fn build(stack: &Scope, inputs: &FunctionInputs) -> Functions {
    let network = inputs.network;
    // Event Processor: 1024 MB, 15 minutes, 100 reserved, in the private
    // app subnets behind the Lambda group. Its "Dead Letter Queue:
    // event-processor-dlq, Max Receive Count: 3" is the asynchronous
    // invocation's: 3 attempts (the first and Lambda's 2 retries), then
    // the event goes to the DLQ.
    let event_processor = Function::new(
        stack,
        "EventProcessor",
        FunctionProps {
            description: Some("Processes Bird.com message events".into()),
            reserved_concurrency: Some(100),
            environment: [
                (
                    "DYNAMODB_TABLE".to_string(),
                    inputs.data.tables[1].table_name(),
                ),
                (
                    "SNS_TOPIC".to_string(),
                    inputs.messaging.notifications.topic_arn(),
                ),
            ]
            .into(),
            vpc: Some(FunctionVpc::new(
                network.vpc.subnet_ids("private-app").unwrap_or_default(),
                vec![network.groups.lambda.group_id()],
            )),
            dead_letter_queue_arn: Some(inputs.messaging.event_processor_dlq.queue_arn()),
            async_invoke: Some(AsyncInvoke {
                retry_attempts: Some(2),
                ..Default::default()
            }),
            ..inputs.props("event-processor", 1024, Duration::from_secs(15 * 60))
        },
    );
    let powertools = Fn::sub(&format!(
        "arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python311-x86_64:{POWERTOOLS_LAYER_VERSION}"
    ));
    let opencv = layer(
        stack,
        inputs,
        "OpenCvLayer",
        "opencv-python",
        "OpenCV Python Layer",
    );
    let models = layer(
        stack,
        inputs,
        "AiModelsLayer",
        "custom-ai-models",
        "Custom AI Models Layer",
    );
    // Multimodal Analysis: 3008 MB, 5 minutes, 50 reserved, 10
    // provisioned (on the `live` alias), three layers.
    let multimodal_analysis = Function::new(
        stack,
        "MultimodalAnalysis",
        FunctionProps {
            description: Some("Analyses images, audio and documents".into()),
            reserved_concurrency: Some(50),
            layers: vec![powertools, opencv, models],
            environment: [
                ("BEDROCK_REGION".to_string(), Value::from("us-east-1")),
                (
                    "S3_BUCKET".to_string(),
                    inputs.data.buckets[0].bucket_name(),
                ),
                ("MODEL_CACHE".to_string(), Value::from("/tmp/models")),
            ]
            .into(),
            ..inputs.props("multimodal-analysis", 3008, Duration::from_secs(5 * 60))
        },
    );
    let multimodal_live = multimodal_analysis.add_alias(
        "live",
        AliasOptions {
            description: Some("The version serving traffic".into()),
            provisioned_concurrency: (inputs.provisioned_concurrency > 0)
                .then_some(inputs.provisioned_concurrency),
        },
    );
    // The workflow's functions: the seed gives no sizes; 1024 MB and
    // 60 seconds fit inside the express workflow's 5 minutes.
    let workflow = WORKFLOW_FUNCTIONS
        .iter()
        .map(|name| {
            let id: String = name
                .split('-')
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                        .unwrap_or_default()
                })
                .collect();
            Function::new(
                stack,
                &id,
                FunctionProps {
                    description: Some(format!("Multimodal analysis workflow: {name}")),
                    ..inputs.props(name, 1024, Duration::from_secs(60))
                },
            )
        })
        .collect();
    Functions {
        event_processor,
        multimodal_analysis,
        multimodal_live,
        workflow,
    }
}
