//! Methods of a REST API resource: authorization, request validation and
//! models, method responses, the integration, and the Lambda permissions
//! a Lambda proxy integration needs.

use strata_cfn::api_gateway::{self as cfn, method as m};
use strata_cfn::lambda;
use strata_core::{Json, Map, Scope, Value};

use super::authorizer::Authorizer;
use super::integration::Integration;
use super::model::{Model, RequestValidator};
use super::rest_api::{ApiResource, RestApi};
use super::{unique_id, HTTP_METHODS};

/// Who may call a method.
#[derive(Clone, Debug, Default)]
pub enum Authorization {
    /// Anyone (`NONE`).
    #[default]
    None,
    /// Callers signing with SigV4 and allowed `execute-api:Invoke` (`AWS_IAM`).
    Iam,
    /// An authorizer: `COGNITO_USER_POOLS` (optionally requiring OAuth
    /// scopes) or `CUSTOM` for Lambda authorizers.
    Authorizer {
        /// The authorizer, of the same API.
        authorizer: Authorizer,
        /// OAuth scopes the access token must carry (Cognito only).
        scopes: Vec<String>,
    },
}

impl Authorization {
    /// Through `authorizer`, with no scope requirement.
    pub fn authorizer(authorizer: &Authorizer) -> Self {
        Authorization::Authorizer {
            authorizer: authorizer.clone(),
            scopes: Vec::new(),
        }
    }

    /// Through a Cognito `authorizer`, requiring one of `scopes`, such as `api/read`.
    pub fn with_scopes(authorizer: &Authorizer, scopes: &[&str]) -> Self {
        Authorization::Authorizer {
            authorizer: authorizer.clone(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// A response a method declares, with its models by content type.
#[derive(Clone, Debug)]
pub struct MethodResponse {
    /// The HTTP status code.
    pub status_code: u16,
    /// Models by content type, such as `application/json`.
    pub models: Vec<(String, Model)>,
    /// Response headers (`method.response.header.<name>`) and whether each is required.
    pub parameters: Vec<(String, bool)>,
}

impl MethodResponse {
    /// A response with `status_code` and nothing else.
    pub fn new(status_code: u16) -> Self {
        MethodResponse {
            status_code,
            models: Vec::new(),
            parameters: Vec::new(),
        }
    }

    /// This response with `model` for `content_type`.
    pub fn with_model(mut self, content_type: &str, model: &Model) -> Self {
        self.models.push((content_type.to_string(), model.clone()));
        self
    }
}

/// Settings of a [`Method`].
#[derive(Clone, Debug, Default)]
pub struct MethodOptions {
    /// Who may call it; the API's default authorization when unset.
    pub authorization: Option<Authorization>,
    /// Require an API key.
    pub api_key_required: bool,
    /// A name for SDK generation, such as `ProcessAgentRequest`.
    pub operation_name: Option<String>,
    /// Checks the request before the integration is called.
    pub request_validator: Option<RequestValidator>,
    /// Request body models by content type.
    pub request_models: Vec<(String, Model)>,
    /// Request parameters (`method.request.querystring.<name>`,
    /// `method.request.header.<name>`, `method.request.path.<name>`) and
    /// whether each is required.
    pub request_parameters: Vec<(String, bool)>,
    /// The responses the method declares.
    pub method_responses: Vec<MethodResponse>,
}

/// An `AWS::ApiGateway::Method` at `<resource>/<HTTP method>/Resource`.
#[derive(Clone, Debug)]
pub struct Method {
    scope: Scope,
    resource: cfn::MethodRef,
    api: RestApi,
    path: String,
    http_method: String,
}

impl Method {
    /// The method's `execute-api` ARN in the API's stage, as IAM policies
    /// and Lambda permissions name it.
    pub fn method_arn(&self) -> Value<String> {
        self.api.arn_for_execute_api(&self.http_method, &self.path)
    }

    /// The ARN the console's test invoke calls the method with.
    pub fn test_method_arn(&self) -> Value<String> {
        self.api
            .arn_in_stage("test-invoke-stage".into(), &self.http_method, &self.path)
    }

    /// The HTTP method, uppercase.
    pub fn http_method(&self) -> &str {
        &self.http_method
    }

    /// The resource path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::MethodRef {
        &self.resource
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

fn json_flags(items: &[(String, bool)]) -> Option<Value<Map<Value<Json>>>> {
    (!items.is_empty()).then(|| {
        Value::Lit(
            items
                .iter()
                .map(|(k, v)| (k.clone(), Value::Lit(Json::Bool(*v))))
                .collect(),
        )
    })
}

fn models(items: &[(String, Model)]) -> Option<Value<Map<Value<String>>>> {
    (!items.is_empty()).then(|| {
        Value::Lit(
            items
                .iter()
                .map(|(k, m)| (k.clone(), m.model_name()))
                .collect(),
        )
    })
}

impl ApiResource {
    /// Adds `http_method` (`GET`, `POST`, … or `ANY`) on this resource.
    /// A second method with the same verb on the same path is reported.
    pub fn add_method(
        &self,
        http_method: &str,
        integration: Integration,
        options: MethodOptions,
    ) -> Method {
        let api = &self.api;
        let verb = http_method.to_uppercase();
        let parent = self.scope();
        let duplicate = api
            .state
            .borrow()
            .methods
            .iter()
            .any(|(p, v)| *p == self.path && *v == verb);
        if duplicate {
            parent.error(
                "duplicate-method",
                format!(
                    "{verb} {} is defined twice; a resource has one method per HTTP verb",
                    self.path
                ),
            );
        }
        let scope = parent.child(&verb);
        for p in self.method_problems(&verb, &integration, &options) {
            scope.error("api-method", format!("{verb} {}: {p}", self.path));
        }
        let authorization = options
            .authorization
            .clone()
            .unwrap_or_else(|| api.default_authorization.clone());
        let (auth_type, authorizer_id, scopes) = match &authorization {
            Authorization::None => ("NONE", None, Vec::new()),
            Authorization::Iam => ("AWS_IAM", None, Vec::new()),
            Authorization::Authorizer { authorizer, scopes } => (
                if authorizer.is_cognito() {
                    "COGNITO_USER_POOLS"
                } else {
                    "CUSTOM"
                },
                Some(authorizer.authorizer_id()),
                scopes.clone(),
            ),
        };
        let mut responses = options.method_responses.clone();
        if let Some(status) = integration.mock_status() {
            if !responses.iter().any(|r| r.status_code == status) {
                responses.push(MethodResponse::new(status));
            }
        }
        let l1 = m::Method {
            authorization_type: Some(auth_type.into()),
            authorizer_id,
            authorization_scopes: (!scopes.is_empty())
                .then(|| Value::list(scopes.iter().map(String::as_str))),
            api_key_required: options.api_key_required.then_some(true.into()),
            operation_name: options.operation_name.clone().map(Value::from),
            integration: Some(integration.render().into()),
            request_validator_id: options
                .request_validator
                .as_ref()
                .map(RequestValidator::request_validator_id),
            request_models: models(&options.request_models),
            request_parameters: json_flags(&options.request_parameters),
            method_responses: (!responses.is_empty()).then(|| {
                Value::Lit(
                    responses
                        .iter()
                        .map(|r| {
                            m::MethodResponse {
                                response_models: models(&r.models),
                                response_parameters: json_flags(&r.parameters),
                                ..m::MethodResponse::new(r.status_code.to_string())
                            }
                            .into()
                        })
                        .collect(),
                )
            }),
            ..m::Method::new(verb.as_str(), self.resource_id(), api.rest_api_id())
        };
        let resource = scope.resource("Resource", l1.clone());
        api.state
            .borrow_mut()
            .methods
            .push((self.path.clone(), verb.clone()));
        api.record(&l1, *resource);
        let method = Method {
            scope,
            resource,
            api: api.clone(),
            path: self.path.clone(),
            http_method: verb,
        };
        if let Some(function) = integration.function_arn() {
            let desc = format!(
                "{}.{}.{}",
                unique_id(api.scope()),
                method.http_method,
                method.path.replace('/', ".")
            );
            let permission = |id: String, source: Value<String>| {
                method.scope.resource(
                    &id,
                    lambda::Permission {
                        source_arn: Some(source),
                        ..lambda::Permission::new(
                            "lambda:InvokeFunction",
                            function.clone(),
                            "apigateway.amazonaws.com",
                        )
                    },
                );
            };
            permission(format!("ApiPermission.{desc}"), method.method_arn());
            if integration.allows_test_invoke() {
                permission(
                    format!("ApiPermission.Test.{desc}"),
                    method.test_method_arn(),
                );
            }
        }
        method
    }

    fn method_problems(
        &self,
        verb: &str,
        integration: &Integration,
        options: &MethodOptions,
    ) -> Vec<String> {
        let api = &self.api;
        let mut out = Vec::new();
        if !HTTP_METHODS.contains(&verb) {
            out.push(format!(
                "{verb:?} is not an HTTP method; use one of {}",
                HTTP_METHODS.join(", ")
            ));
        }
        out.extend(integration.problems());
        if let Some(Authorization::Authorizer { authorizer, scopes }) = &options.authorization {
            if !api.owns(&authorizer.api_scope) {
                out.push(format!(
                    "the authorizer {} belongs to the API {}; create one for this API",
                    authorizer.scope().path(),
                    authorizer.api_scope.path()
                ));
            }
            if !scopes.is_empty() && !authorizer.is_cognito() {
                out.push("authorization scopes need a Cognito user pools authorizer".into());
            }
        }
        if let Some(v) = &options.request_validator {
            if !api.owns(&v.api_scope) {
                out.push(format!(
                    "the request validator {} belongs to another API",
                    v.scope().path()
                ));
            }
        }
        let all_models = options
            .request_models
            .iter()
            .chain(options.method_responses.iter().flat_map(|r| &r.models));
        for (content_type, model) in all_models {
            if content_type.is_empty() || !content_type.contains('/') {
                out.push(format!(
                    "{content_type:?} is not a content type such as application/json"
                ));
            }
            if let Some(owner) = &model.api_scope {
                if !api.owns(owner) {
                    out.push(format!(
                        "the model {} belongs to the API {}; add it to this API",
                        model.scope().map(|s| s.path()).unwrap_or_default(),
                        owner.path()
                    ));
                }
            }
        }
        for (name, _) in &options.request_parameters {
            out.extend(self.parameter_problem(name));
        }
        let mut codes = Vec::new();
        for r in &options.method_responses {
            if !(100..=599).contains(&r.status_code) || codes.contains(&r.status_code) {
                out.push(format!(
                    "the method response {} is not a status code or is declared twice",
                    r.status_code
                ));
            }
            codes.push(r.status_code);
            for (header, _) in &r.parameters {
                if header
                    .strip_prefix("method.response.header.")
                    .is_none_or(str::is_empty)
                {
                    out.push(format!(
                        "{header:?} is not a response header; use method.response.header.<name>"
                    ));
                }
            }
        }
        out
    }

    fn parameter_problem(&self, name: &str) -> Option<String> {
        let kinds = [
            "path",
            "querystring",
            "header",
            "multivaluequerystring",
            "multivalueheader",
        ];
        let Some((kind, param)) = name
            .strip_prefix("method.request.")
            .and_then(|rest| rest.split_once('.'))
            .filter(|(k, p)| kinds.contains(k) && !p.is_empty())
        else {
            return Some(format!(
                "{name:?} is not a request parameter; use method.request.(path|querystring|header).<name>"
            ));
        };
        let in_path = self
            .path
            .split('/')
            .any(|part| part == format!("{{{param}}}") || part == format!("{{{param}+}}"));
        (kind == "path" && !in_path).then(|| {
            format!(
                "the path parameter {param:?} is not in the resource path {}",
                self.path
            )
        })
    }
}
