//! The REST API (`AWS::ApiGateway::RestApi` at `<id>/Resource`) and its
//! resource tree: `<id>/Default` is the root, and each path part is an
//! `AWS::ApiGateway::Resource` at `<parent>/<part>/Resource`, as the CDK
//! lays them out.

use std::cell::RefCell;
use std::rc::Rc;

use strata_cfn::api_gateway as cfn;
use strata_core::{Aspect, Handle, Output, Scope, ToRaw, Value};

use super::method::Authorization;
use super::stage::{self, StageOptions};
use super::{execute_api_arn, fingerprint, md5_hex};
use crate::iam::{sub, PolicyDocument, PolicyKind};

/// Where the API's endpoint lives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EndpointType {
    /// In the stack's region (`REGIONAL`).
    #[default]
    Regional,
    /// Behind an API Gateway managed CloudFront distribution (`EDGE`).
    Edge,
    /// Reachable only from VPC endpoints (`PRIVATE`).
    Private,
}

impl EndpointType {
    fn code(self) -> &'static str {
        match self {
            EndpointType::Regional => "REGIONAL",
            EndpointType::Edge => "EDGE",
            EndpointType::Private => "PRIVATE",
        }
    }
}

/// Settings of a [`RestApi`]. The default is a regional API named after
/// its construct id, deployed to a `prod` stage.
#[derive(Clone, Debug)]
pub struct RestApiProps {
    /// The API's name; the construct id when unset, as in the CDK.
    pub rest_api_name: Option<String>,
    /// The API's description.
    pub description: Option<String>,
    /// The endpoint type (default regional).
    pub endpoint: EndpointType,
    /// VPC endpoint IDs a private API accepts calls through.
    pub vpc_endpoint_ids: Vec<Value<String>>,
    /// Media types treated as binary, such as `image/png`.
    pub binary_media_types: Vec<String>,
    /// Compress responses larger than this many bytes (0 to 10485760).
    pub minimum_compression_size: Option<u32>,
    /// Turn off the default `execute-api` endpoint (when a custom domain is used).
    pub disable_execute_api_endpoint: bool,
    /// The API's resource policy.
    pub policy: Option<PolicyDocument>,
    /// Create a deployment and a stage (default on).
    pub deploy: bool,
    /// The stage the deployment goes to.
    pub stage: StageOptions,
    /// Create the account-level role API Gateway logs to CloudWatch with
    /// (`<id>/CloudWatchRole` and `AWS::ApiGateway::Account` at
    /// `<id>/Account`, both retained), as the CDK's `cloudWatchRole`. One
    /// account setting per region: enable it in one API only.
    pub cloud_watch_role: bool,
    /// The authorization of methods that do not name their own.
    pub default_authorization: Authorization,
}

impl Default for RestApiProps {
    fn default() -> Self {
        RestApiProps {
            rest_api_name: None,
            description: None,
            endpoint: EndpointType::Regional,
            vpc_endpoint_ids: Vec::new(),
            binary_media_types: Vec::new(),
            minimum_compression_size: None,
            disable_execute_api_endpoint: false,
            policy: None,
            deploy: true,
            stage: StageOptions::default(),
            cloud_watch_role: false,
            default_authorization: Authorization::None,
        }
    }
}

#[derive(Debug)]
pub(crate) struct ResourceEntry {
    pub(crate) path: String,
    pub(crate) scope: Scope,
    pub(crate) id: Value<String>,
}

#[derive(Debug, Default)]
pub(crate) struct ApiState {
    pub(crate) resources: Vec<ResourceEntry>,
    pub(crate) methods: Vec<(String, String)>,
    fingerprints: Vec<String>,
    dependencies: Vec<Handle>,
}

#[derive(Debug)]
pub(crate) struct Deployed {
    deployment: cfn::DeploymentRef,
    deployment_scope: Scope,
    base_logical_id: String,
    pub(crate) stage: cfn::StageRef,
}

/// An API Gateway REST API with its resource tree, deployment and stage.
///
/// The deployment (`<id>/Deployment/Resource`) depends on every method,
/// resource, model, validator and authorizer, and its logical ID ends with
/// an MD5 of their definitions and the API's, so any change to the API
/// makes CloudFormation create a new deployment, as the CDK does.
///
/// ```
/// use strata::prelude::*;
/// use strata::apigateway::{Integration, MethodOptions, RestApi, RestApiProps, StageOptions, Throttle};
///
/// let app = App::new();
/// let stack = app.stack("Edge", StackProps::default());
/// let api = RestApi::new(&stack, "BirdAgentApi", RestApiProps {
///     rest_api_name: Some("bird-agent-api".into()),
///     stage: StageOptions {
///         throttling: Some(Throttle { burst_limit: 5000, rate_limit: 2000.0 }),
///         ..Default::default()
///     },
///     ..Default::default()
/// });
/// api.root().add_method("GET", Integration::mock(200), MethodOptions::default());
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let stage = &t["Resources"][strata::logical_id(&["BirdAgentApi", "DeploymentStage.prod", "Resource"]).as_str()];
/// assert_eq!(stage["Properties"]["StageName"], "prod");
/// assert_eq!(stage["Properties"]["MethodSettings"][0]["ThrottlingBurstLimit"], 5000);
/// ```
#[derive(Clone, Debug)]
pub struct RestApi {
    scope: Scope,
    resource: cfn::RestApiRef,
    pub(crate) state: Rc<RefCell<ApiState>>,
    pub(crate) deployed: Option<Rc<Deployed>>,
    pub(crate) default_authorization: Authorization,
}

impl RestApi {
    /// Adds the API under `scope` at `<id>`.
    pub fn new(scope: &Scope, id: &str, props: RestApiProps) -> RestApi {
        let scope = scope.child(id);
        for p in problems(&props) {
            scope.error("rest-api", p);
        }
        let endpoint = cfn::rest_api::EndpointConfiguration {
            types: Some(Value::list([props.endpoint.code()])),
            vpc_endpoint_ids: (!props.vpc_endpoint_ids.is_empty())
                .then(|| Value::Lit(props.vpc_endpoint_ids.clone())),
            ..Default::default()
        };
        let resource = scope.resource(
            "Resource",
            cfn::RestApi {
                name: Some(
                    props
                        .rest_api_name
                        .clone()
                        .unwrap_or_else(|| id.to_string())
                        .into(),
                ),
                description: props.description.clone().map(Value::from),
                endpoint_configuration: Some(endpoint.into()),
                binary_media_types: (!props.binary_media_types.is_empty())
                    .then(|| Value::list(props.binary_media_types.iter().map(String::as_str))),
                minimum_compression_size: props
                    .minimum_compression_size
                    .map(|n| Value::from(i64::from(n))),
                disable_execute_api_endpoint: props
                    .disable_execute_api_endpoint
                    .then_some(true.into()),
                policy: props.policy.as_ref().map(PolicyDocument::to_value),
                ..Default::default()
            },
        );
        let root = ResourceEntry {
            path: "/".into(),
            scope: scope.child("Default"),
            id: resource.root_resource_id(),
        };
        let state = Rc::new(RefCell::new(ApiState {
            resources: vec![root],
            ..Default::default()
        }));
        let account = props
            .cloud_watch_role
            .then(|| stage::cloud_watch_account(&scope, &resource));
        let deployed = props.deploy.then(|| {
            let (deployment, stage) = stage::deploy(&scope, &resource, &props.stage, account);
            let deployment_scope = scope
                .of(&deployment)
                .unwrap_or_else(|| scope.child("Deployment"));
            let base_logical_id = below_stack_logical_id(&deployment_scope);
            Rc::new(Deployed {
                deployment,
                deployment_scope,
                base_logical_id,
                stage,
            })
        });
        scope.add_aspect(LateChecks {
            api_path: scope.path(),
            state: state.clone(),
            deploy: props.deploy,
            method_throttling: props
                .stage
                .method_throttling
                .iter()
                .map(|m| (m.path.clone(), m.http_method.to_uppercase()))
                .collect(),
        });
        let api = RestApi {
            scope,
            resource,
            state,
            deployed,
            default_authorization: props.default_authorization,
        };
        if api.deployed.is_some() {
            api.scope.output("Endpoint", Output::new(api.url()));
        }
        api.refresh_deployment();
        api
    }

    /// The root resource, `/`.
    pub fn root(&self) -> ApiResource {
        ApiResource {
            api: self.clone(),
            path: "/".into(),
        }
    }

    /// The resource at `path` (such as `/v1/agents/{agentId}`) if it was
    /// defined with [`ApiResource::add_resource`] or
    /// [`ApiResource::resource_for_path`].
    pub fn resource_at(&self, path: &str) -> Option<ApiResource> {
        let path = normalize(path);
        self.state
            .borrow()
            .resources
            .iter()
            .any(|r| r.path == path)
            .then(|| ApiResource {
                api: self.clone(),
                path,
            })
    }

    /// Adds a method on the resource at `path`. A path this API never
    /// defined is reported at synth (define it with
    /// `api.root().resource_for_path(..)` first) and gives `None`.
    pub fn add_method(
        &self,
        path: &str,
        http_method: &str,
        integration: super::Integration,
        options: super::MethodOptions,
    ) -> Option<super::Method> {
        match self.resource_at(path) {
            Some(r) => Some(r.add_method(http_method, integration, options)),
            None => {
                self.scope.error(
                    "api-path",
                    format!(
                        "{http_method} {path}: this API has no resource at {path}; define it first with api.root().resource_for_path({path:?})"
                    ),
                );
                None
            }
        }
    }

    /// The API's ID (`Ref`).
    pub fn rest_api_id(&self) -> Value<String> {
        self.resource.ref_()
    }

    /// The ID of the root resource.
    pub fn root_resource_id(&self) -> Value<String> {
        self.resource.root_resource_id()
    }

    /// The stage's name (`Ref` of the stage), when the API is deployed.
    pub fn stage_name(&self) -> Option<Value<String>> {
        self.deployed.as_ref().map(|d| d.stage.ref_())
    }

    /// The stage, when the API is deployed.
    pub fn stage(&self) -> Option<cfn::StageRef> {
        self.deployed.as_ref().map(|d| d.stage)
    }

    /// The deployment, when the API is deployed.
    pub fn deployment(&self) -> Option<cfn::DeploymentRef> {
        self.deployed.as_ref().map(|d| d.deployment)
    }

    /// The invoke URL of the stage,
    /// `https://<id>.execute-api.<region>.<suffix>/<stage>/`; with no stage,
    /// the URL of the API.
    pub fn url(&self) -> Value<String> {
        let stage = self.stage_name().unwrap_or_else(|| "".into());
        sub(
            "https://${Api}.execute-api.${Region}.${Suffix}/${Stage}/",
            vec![
                ("Api", self.rest_api_id()),
                ("Region", strata_core::Fn::region()),
                ("Suffix", strata_core::Fn::url_suffix()),
                ("Stage", stage),
            ],
        )
    }

    /// The stage's ARN, `arn:…:apigateway:<region>::/restapis/<id>/stages/<stage>`,
    /// as a WAF web ACL association names it; `None` without a stage.
    pub fn stage_arn(&self) -> Option<Value<String>> {
        let stage = self.stage_name()?;
        Some(sub(
            "arn:${Partition}:apigateway:${Region}::/restapis/${Api}/stages/${Stage}",
            vec![
                ("Partition", strata_core::Fn::partition()),
                ("Region", strata_core::Fn::region()),
                ("Api", self.rest_api_id()),
                ("Stage", stage),
            ],
        ))
    }

    /// The `execute-api` ARN of `http_method` (`ANY` becomes `*`) on `path`
    /// in the API's stage (`*` without one), with path parameters as `*`:
    /// what IAM policies and Lambda permissions name.
    pub fn arn_for_execute_api(&self, http_method: &str, path: &str) -> Value<String> {
        let stage = self.stage_name().unwrap_or_else(|| "*".into());
        self.arn_in_stage(stage, http_method, path)
    }

    pub(crate) fn arn_in_stage(
        &self,
        stage: Value<String>,
        http_method: &str,
        path: &str,
    ) -> Value<String> {
        let method = if http_method.eq_ignore_ascii_case("ANY") {
            "*".to_string()
        } else {
            http_method.to_uppercase()
        };
        execute_api_arn(
            self.rest_api_id(),
            "${Stage}/${Method}${Path}",
            vec![
                ("Stage", stage),
                ("Method", method.into()),
                ("Path", path_for_arn(path).into()),
            ],
        )
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::RestApiRef {
        &self.resource
    }

    /// The API's construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Adds an element of the API's definition: the deployment depends on
    /// it and its logical ID changes with it.
    pub(crate) fn record(&self, definition: &dyn ToRaw, handle: Handle) {
        {
            let mut st = self.state.borrow_mut();
            st.fingerprints
                .push(fingerprint(&definition.to_raw(), &self.scope));
            st.dependencies.push(handle);
        }
        self.refresh_deployment();
    }

    fn refresh_deployment(&self) {
        let Some(d) = &self.deployed else { return };
        let mut api_raw = None;
        if let Some(s) = self.scope.of(&self.resource) {
            s.with_resource::<cfn::RestApi>(|r| api_raw = Some(r.to_raw()));
        }
        let st = self.state.borrow();
        let mut parts = st.fingerprints.clone();
        if let Some(raw) = api_raw {
            parts.push(fingerprint(&raw, &self.scope));
        }
        d.deployment_scope.override_logical_id(&format!(
            "{}{}",
            d.base_logical_id,
            md5_hex(&parts)
        ));
        let deps = st.dependencies.clone();
        d.deployment_scope.with_options(|o| o.depends_on = deps);
    }

    pub(crate) fn owns(&self, other: &Scope) -> bool {
        self.scope.path() == other.path()
    }
}

/// A resource of a [`RestApi`], by path.
#[derive(Clone, Debug)]
pub struct ApiResource {
    pub(crate) api: RestApi,
    pub(crate) path: String,
}

impl ApiResource {
    /// The resource's path, such as `/v1/agents/{agentId}`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The API this resource belongs to.
    pub fn api(&self) -> &RestApi {
        &self.api
    }

    /// The resource's ID (`Ref`; the root's is the API's `RootResourceId`).
    pub fn resource_id(&self) -> Value<String> {
        self.entry(|e| e.id.clone())
            .unwrap_or_else(|| self.api.root_resource_id())
    }

    /// The resource's construct scope.
    pub fn scope(&self) -> Scope {
        self.entry(|e| e.scope.clone())
            .unwrap_or_else(|| self.api.scope.clone())
    }

    fn entry<T>(&self, f: impl FnOnce(&ResourceEntry) -> T) -> Option<T> {
        self.api
            .state
            .borrow()
            .resources
            .iter()
            .find(|r| r.path == self.path)
            .map(f)
    }

    fn child_path(&self, part: &str) -> String {
        if self.path == "/" {
            format!("/{part}")
        } else {
            format!("{}/{part}", self.path)
        }
    }

    /// Adds the child resource `path_part` (a name such as `agents`, a
    /// parameter such as `{agentId}`, or a greedy `{proxy+}`). A part
    /// that already exists here is reported; use
    /// [`ApiResource::resource_for_path`] to reuse resources.
    pub fn add_resource(&self, path_part: &str) -> ApiResource {
        let path = self.child_path(path_part);
        if self.api.resource_at(&path).is_some() {
            self.scope().error(
                "api-resource",
                format!(
                    "the resource {path} is already defined; use resource_for_path to reuse it"
                ),
            );
            return ApiResource {
                api: self.api.clone(),
                path,
            };
        }
        self.create(path_part, path)
    }

    fn create(&self, part: &str, path: String) -> ApiResource {
        let parent = self.scope();
        if let Some(p) = path_part_problem(part) {
            parent.error("api-resource", format!("{path}: {p}"));
        }
        if part.starts_with('{') {
            let prefix = self.child_path("");
            let sibling = self
                .api
                .state
                .borrow()
                .resources
                .iter()
                .find(|r| {
                    r.path.starts_with(&prefix)
                        && !r.path[prefix.len()..].contains('/')
                        && r.path[prefix.len()..].starts_with('{')
                })
                .map(|r| r.path.clone());
            if let Some(other) = sibling {
                parent.error(
                    "api-resource",
                    format!("{path} and {other} are both parameters under {}; API Gateway allows one variable path part per level", self.path),
                );
            }
        }
        let scope = parent.child(part);
        let l1 = cfn::Resource::new(self.resource_id(), part, self.api.rest_api_id());
        let handle = scope.resource("Resource", l1.clone());
        self.api.state.borrow_mut().resources.push(ResourceEntry {
            path: path.clone(),
            scope,
            id: handle.ref_(),
        });
        self.api.record(&l1, *handle);
        ApiResource {
            api: self.api.clone(),
            path,
        }
    }

    /// The resource at `path` below this one, creating every missing part.
    /// A path starting with `/` is taken from the root and is only
    /// accepted on the root.
    pub fn resource_for_path(&self, path: &str) -> ApiResource {
        if path.starts_with('/') && self.path != "/" {
            self.scope().error(
                "api-path",
                format!(
                    "{path:?} starts with '/' but {} is not the root; give a path relative to it",
                    self.path
                ),
            );
        }
        let mut current = self.clone();
        for part in path.split('/').filter(|p| !p.is_empty()) {
            let next = current.child_path(part);
            current = match self.api.resource_at(&next) {
                Some(existing) => existing,
                None => current.create(part, next),
            };
        }
        current
    }
}

/// `/a//b/` → `/a/b`; the root stays `/`.
fn normalize(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    format!("/{}", parts.join("/"))
}

/// A path with each `{param}` as `*`, as execute-api ARNs write it.
fn path_for_arn(path: &str) -> String {
    if path == "/" {
        return "/".into();
    }
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push('*');
            }
            '}' => in_param = false,
            _ if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

fn path_part_problem(part: &str) -> Option<String> {
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    };
    let ok = if let Some(inner) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
        plain(inner.strip_suffix('+').unwrap_or(inner))
    } else {
        plain(part)
    };
    (!ok).then(|| format!("{part:?} is not a path part; use letters, digits, '.', '_' and '-', or a parameter such as {{agentId}} or {{proxy+}}"))
}

/// The logical ID of `scope` from the path below its stack.
pub(crate) fn below_stack_logical_id(scope: &Scope) -> String {
    let path = scope.path();
    let stack_len = scope.stack().map(|s| s.path().len() + 1).unwrap_or(0);
    let below: Vec<&str> = path.get(stack_len..).unwrap_or("").split('/').collect();
    strata_core::logical_id(&below)
}

fn problems(props: &RestApiProps) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(name) = &props.rest_api_name {
        if name.is_empty() || name.len() > 1024 {
            out.push(format!(
                "the API name {name:?} must be 1 to 1024 characters"
            ));
        }
    }
    if let Some(n) = props.minimum_compression_size {
        if n > 10_485_760 {
            out.push(format!(
                "a minimum compression size of {n} bytes is out of range; use 0 to 10485760"
            ));
        }
    }
    if !props.vpc_endpoint_ids.is_empty() && props.endpoint != EndpointType::Private {
        out.push("VPC endpoint IDs apply to private APIs only; set endpoint to EndpointType::Private or remove them".into());
    }
    if let Some(policy) = &props.policy {
        for p in policy.validate(PolicyKind::Resource) {
            out.push(format!("resource policy: {p}"));
        }
    }
    if props.deploy {
        out.extend(props.stage.problems());
    }
    out
}

/// Checks that need the whole API, run just before synth.
struct LateChecks {
    api_path: String,
    state: Rc<RefCell<ApiState>>,
    deploy: bool,
    method_throttling: Vec<(String, String)>,
}

impl LateChecks {
    fn run(&self, node: &Scope) {
        let st = self.state.borrow();
        if self.deploy && st.methods.is_empty() {
            node.error(
                "rest-api",
                "the REST API has no methods, and API Gateway cannot deploy an empty API; add one with resource.add_method or set deploy: false",
            );
        }
        for (path, method) in &self.method_throttling {
            let known = st
                .methods
                .iter()
                .any(|(p, m)| normalize(p) == normalize(path) && (m == method || method == "*"));
            if !known {
                node.error(
                    "method-settings",
                    format!("the stage throttles {method} {path}, a method this API does not have; add the method or remove the setting"),
                );
            }
        }
    }
}

impl Aspect for LateChecks {
    fn visit(&self, node: &Scope) {
        if node.path() == self.api_path {
            self.run(node);
        }
    }
}
