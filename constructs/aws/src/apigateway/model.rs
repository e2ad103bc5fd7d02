//! REST API models (JSON Schema draft 4, as API Gateway reads them) and
//! request validators.

use strata_cfn::api_gateway as cfn;
use strata_core::{Json, Scope, Value};

use super::rest_api::RestApi;
use super::schema::{schema_problems, DRAFT_04};

/// Settings of a [`Model`].
#[derive(Clone, Debug, PartialEq)]
pub struct ModelProps {
    /// The model's name (letters and digits); generated when unset.
    pub model_name: Option<String>,
    /// The content type it describes.
    pub content_type: String,
    /// The model's description.
    pub description: Option<String>,
    /// A JSON Schema draft 4 document; `$schema` is added when missing.
    pub schema: Json,
}

impl ModelProps {
    /// A JSON model named `name` with `schema`.
    pub fn new(name: &str, schema: Json) -> Self {
        ModelProps {
            model_name: Some(name.to_string()),
            content_type: "application/json".into(),
            description: None,
            schema,
        }
    }
}

/// A model methods name for request and response bodies: an
/// `AWS::ApiGateway::Model` at `<api>/<id>/Resource`, or one of API
/// Gateway's built-in `Empty` and `Error` models.
///
/// ```
/// use serde_json::json;
/// use strata::prelude::*;
/// use strata::apigateway::{ModelProps, RestApi, RestApiProps};
///
/// let app = App::new();
/// let stack = app.stack("Edge", StackProps::default());
/// let api = RestApi::new(&stack, "Api", RestApiProps { deploy: false, ..Default::default() });
/// api.add_model("ErrorResponse", ModelProps::new("ErrorResponse", json!({
///     "type": "object",
///     "required": ["message"],
///     "properties": {"message": {"type": "string"}}
/// })));
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let model = &t["Resources"][strata::logical_id(&["Api", "ErrorResponse", "Resource"]).as_str()];
/// assert_eq!(model["Properties"]["Schema"]["$schema"], "http://json-schema.org/draft-04/schema#");
/// ```
#[derive(Clone, Debug)]
pub struct Model {
    name: Value<String>,
    scope: Option<Scope>,
    pub(crate) api_scope: Option<Scope>,
}

impl Model {
    /// API Gateway's built-in `Empty` model.
    pub fn empty() -> Model {
        Model::built_in("Empty")
    }

    /// API Gateway's built-in `Error` model (`{"message": string}`).
    pub fn error() -> Model {
        Model::built_in("Error")
    }

    fn built_in(name: &str) -> Model {
        Model {
            name: name.into(),
            scope: None,
            api_scope: None,
        }
    }

    /// The model's name (`Ref` for models of this app).
    pub fn model_name(&self) -> Value<String> {
        self.name.clone()
    }

    /// The construct scope; `None` for built-in models.
    pub fn scope(&self) -> Option<&Scope> {
        self.scope.as_ref()
    }

    /// The URL other models' `$ref` use to point at this one.
    pub fn reference_url(&self, api: &RestApi) -> Value<String> {
        crate::iam::sub(
            "https://apigateway.amazonaws.com/restapis/${Api}/models/${Model}",
            vec![("Api", api.rest_api_id()), ("Model", self.model_name())],
        )
    }
}

/// Settings of a [`RequestValidator`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RequestValidatorProps {
    /// The validator's name.
    pub request_validator_name: Option<String>,
    /// Check the body against the method's request model.
    pub validate_request_body: bool,
    /// Check required query strings, headers and path parameters.
    pub validate_request_parameters: bool,
}

/// An `AWS::ApiGateway::RequestValidator` at `<api>/<id>/Resource`.
#[derive(Clone, Debug)]
pub struct RequestValidator {
    scope: Scope,
    resource: cfn::RequestValidatorRef,
    pub(crate) api_scope: Scope,
}

impl RequestValidator {
    /// The validator's ID (`Ref`).
    pub fn request_validator_id(&self) -> Value<String> {
        self.resource.ref_()
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::RequestValidatorRef {
        &self.resource
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl RestApi {
    /// Adds a model at `<api>/<id>`. Its schema is checked against JSON
    /// Schema draft 4 (the draft API Gateway implements) at synth.
    pub fn add_model(&self, id: &str, props: ModelProps) -> Model {
        let scope = self.scope().child(id);
        if let Some(name) = &props.model_name {
            if name.is_empty()
                || name.len() > 128
                || !name.chars().all(|c| c.is_ascii_alphanumeric())
            {
                scope.error(
                    "api-model",
                    format!("the model name {name:?} must be 1 to 128 letters and digits"),
                );
            }
        }
        if !props.content_type.contains('/') {
            scope.error(
                "api-model",
                format!(
                    "{:?} is not a content type such as application/json",
                    props.content_type
                ),
            );
        }
        for p in schema_problems(&props.schema) {
            scope.error("json-schema", p);
        }
        let mut schema = props.schema.clone();
        if let Json::Object(map) = &mut schema {
            if !map.contains_key("$schema") {
                map.insert("$schema".into(), Json::from(DRAFT_04));
            }
        }
        let l1 = cfn::Model {
            content_type: Some(props.content_type.as_str().into()),
            description: props.description.clone().map(Value::from),
            name: props.model_name.clone().map(Value::from),
            schema: Some(schema.into()),
            ..cfn::Model::new(self.rest_api_id())
        };
        let resource = scope.resource("Resource", l1.clone());
        self.record(&l1, *resource);
        Model {
            name: resource.ref_(),
            scope: Some(scope),
            api_scope: Some(self.scope().clone()),
        }
    }

    /// Adds a request validator at `<api>/<id>`.
    pub fn add_request_validator(
        &self,
        id: &str,
        props: RequestValidatorProps,
    ) -> RequestValidator {
        let scope = self.scope().child(id);
        if !props.validate_request_body && !props.validate_request_parameters {
            scope.error(
                "request-validator",
                "the validator checks neither the body nor the parameters; turn on at least one",
            );
        }
        let l1 = cfn::RequestValidator {
            name: props.request_validator_name.map(Value::from),
            validate_request_body: Some(props.validate_request_body.into()),
            validate_request_parameters: Some(props.validate_request_parameters.into()),
            ..cfn::RequestValidator::new(self.rest_api_id())
        };
        let resource = scope.resource("Resource", l1.clone());
        self.record(&l1, *resource);
        RequestValidator {
            scope,
            resource,
            api_scope: self.scope().clone(),
        }
    }
}
