//! A hand-written resource type shared by the synth tests.

use strata_core::*;

/// A minimal hand-written resource type, shaped like a generated L1.
#[derive(Clone, Debug)]
pub struct Queue {
    pub queue_name: Option<Value<String>>,
    pub delay: Option<Value<i64>>,
    pub tags: Option<Value<Vec<Value<Json>>>>,
}

impl Queue {
    pub fn new() -> Self {
        Queue {
            queue_name: None,
            delay: None,
            tags: None,
        }
    }
}

impl ToRaw for Queue {
    fn to_raw(&self) -> Raw {
        ObjectBuilder::with_capacity(3)
            .opt("QueueName", &self.queue_name)
            .opt("DelaySeconds", &self.delay)
            .opt("Tags", &self.tags)
            .build()
    }
}

impl Validate for Queue {
    fn validate(&self, v: &mut Validator<'_>) {
        static DELAY: Rule = Rule {
            min: Some(0.0),
            max: Some(900.0),
            ..Rule::NONE
        };
        v.check("DelaySeconds", &self.delay, &DELAY);
    }
}

impl Resource for Queue {
    const TYPE: &'static str = "AWS::SQS::Queue";
    const TAGS: TagShape = TagShape::List("Tags");
    type Ref = Handle;
}
