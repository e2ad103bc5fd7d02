//! WAFv2: web ACLs (REGIONAL or CLOUDFRONT) with AWS managed rule groups,
//! rate-based, geo-match and IP-set rules, associations with API stages
//! and load balancers, and logging to an `aws-waf-logs-` log group.
//!
//! ```
//! use strata::prelude::*;
//! use strata::wafv2::{managed, WafRule, WebAcl, WebAclProps};
//!
//! let app = App::new();
//! let stack = app.stack("Edge", StackProps::default());
//! let acl = WebAcl::new(&stack, "Waf", WebAclProps {
//!     rules: vec![
//!         WafRule::aws_managed(managed::COMMON_RULE_SET, 1),
//!         WafRule::rate_limit("RateLimit", 10, 2000),
//!     ],
//!     ..Default::default()
//! });
//! let t = &app.synth().expect("valid").stacks[0].template;
//! let rules = &t["Resources"][strata::logical_id(&["Waf", "Resource"]).as_str()]["Properties"]["Rules"];
//! assert_eq!(rules[0]["OverrideAction"], serde_json::json!({"None": {}}));
//! assert_eq!(rules[1]["Statement"]["RateBasedStatement"]["Limit"], 2000);
//! # let _ = acl;
//! ```

mod ip_set;
mod rule;

pub use ip_set::{IpSet, IpSetProps};
pub use rule::{managed, RateAggregate, RuleAction, WafRule, WafStatement};

use strata_cfn::wafv2::{self as cfn, logging_configuration as lc, web_acl as w};
use strata_core::{RemovalPolicy, Scope, Value};

use crate::apigateway::RestApi;
use crate::iam::sub;
use crate::logs::{LogGroup, LogGroupProps, Retention};
use rule::{metric_problem, name_problem};

/// Where a web ACL applies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WafScope {
    /// Regional resources: API Gateway stages, load balancers, Cognito
    /// user pools, AppSync APIs.
    #[default]
    Regional,
    /// CloudFront distributions; the ACL must be created in us-east-1.
    CloudFront,
}

impl WafScope {
    pub(crate) fn code(self) -> &'static str {
        match self {
            WafScope::Regional => "REGIONAL",
            WafScope::CloudFront => "CLOUDFRONT",
        }
    }
}

/// What happens to requests no rule decides.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DefaultAction {
    /// Let them through.
    #[default]
    Allow,
    /// Block them.
    Block,
}

/// Settings of a [`WebAcl`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WebAclProps {
    /// The ACL's name; generated when unset.
    pub name: Option<String>,
    /// The ACL's description.
    pub description: Option<String>,
    /// Regional or CloudFront.
    pub scope: WafScope,
    /// What happens to requests no rule decides.
    pub default_action: DefaultAction,
    /// The rules; priorities must be unique.
    pub rules: Vec<WafRule>,
    /// The ACL's CloudWatch metric name; its name (or construct id) when unset.
    pub metric_name: Option<String>,
    /// Do not keep samples of matched requests (kept by default).
    pub no_sampled_requests: bool,
}

/// Logging of a web ACL to a CloudWatch Logs group the ACL creates.
#[derive(Clone, Debug, PartialEq)]
pub struct WafLogging {
    /// The group's name; WAF requires the `aws-waf-logs-` prefix.
    pub log_group_name: String,
    /// How long records are kept.
    pub retention: Retention,
    /// Headers whose values are replaced by `REDACTED`, such as `authorization`.
    pub redacted_headers: Vec<String>,
    /// The group's deletion policy (default Retain).
    pub removal_policy: RemovalPolicy,
}

impl WafLogging {
    /// Logging to `log_group_name`, kept 30 days, with the `authorization`
    /// and `cookie` headers redacted.
    pub fn new(log_group_name: &str) -> Self {
        WafLogging {
            log_group_name: log_group_name.to_string(),
            retention: Retention::Days(30),
            redacted_headers: vec!["authorization".into(), "cookie".into()],
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

/// An `AWS::WAFv2::WebACL` at `<id>/Resource`; associations are added at
/// `<id>/<association id>`, logging at `<id>/Logs` and `<id>/Logging`.
#[derive(Clone, Debug)]
pub struct WebAcl {
    scope: Scope,
    resource: cfn::WebAclRef,
    waf_scope: WafScope,
}

impl WebAcl {
    /// Adds the ACL under `scope`.
    pub fn new(scope: &Scope, id: &str, props: WebAclProps) -> WebAcl {
        let scope = scope.child(id);
        for p in problems(&scope, &props) {
            scope.error("waf-web-acl", p);
        }
        let sampled = !props.no_sampled_requests;
        let metric = props
            .metric_name
            .clone()
            .or_else(|| props.name.clone())
            .unwrap_or_else(|| id.chars().filter(char::is_ascii_alphanumeric).collect());
        if let Some(p) = metric_problem(&metric) {
            scope.error("waf-web-acl", p);
        }
        let default_action = match props.default_action {
            DefaultAction::Allow => w::DefaultAction {
                allow: Some(w::AllowAction::default().into()),
                ..Default::default()
            },
            DefaultAction::Block => w::DefaultAction {
                block: Some(w::BlockAction::default().into()),
                ..Default::default()
            },
        };
        let resource = scope.resource(
            "Resource",
            w::WebAcl {
                name: props.name.clone().map(Value::from),
                description: props.description.clone().map(Value::from),
                rules: (!props.rules.is_empty()).then(|| {
                    Value::Lit(
                        props
                            .rules
                            .iter()
                            .map(|r| r.render(sampled).into())
                            .collect(),
                    )
                }),
                ..w::WebAcl::new(
                    default_action,
                    props.scope.code(),
                    w::VisibilityConfig::new(true, metric, sampled),
                )
            },
        );
        WebAcl {
            scope,
            resource,
            waf_scope: props.scope,
        }
    }

    /// The ACL's ARN, as associations and CloudFront's `WebACLId` take it.
    pub fn web_acl_arn(&self) -> Value<String> {
        self.resource.arn()
    }

    /// The ACL's scope.
    pub fn waf_scope(&self) -> WafScope {
        self.waf_scope
    }

    /// Protects a regional resource (an API Gateway stage, an Application
    /// Load Balancer, a Cognito user pool) given by ARN, with an
    /// `AWS::WAFv2::WebACLAssociation` at `<acl>/<id>`.
    pub fn associate(
        &self,
        id: &str,
        resource_arn: impl Into<Value<String>>,
    ) -> cfn::WebAclAssociationRef {
        if self.waf_scope == WafScope::CloudFront {
            self.scope.error(
                "waf-association",
                "a CLOUDFRONT web ACL is attached through the distribution's web ACL setting, not an association; associate a REGIONAL ACL",
            );
        }
        self.scope.resource(
            id,
            cfn::WebAclAssociation::new(resource_arn, self.web_acl_arn()),
        )
    }

    /// Protects the stage of a REST API (at `<acl>/<api id>Association`).
    pub fn associate_rest_api(&self, api: &RestApi) -> Option<cfn::WebAclAssociationRef> {
        let id = format!("{}Association", api.scope().id());
        match api.stage_arn() {
            Some(arn) => Some(self.associate(&id, arn)),
            None => {
                self.scope.error(
                    "waf-association",
                    format!(
                        "the REST API {} has no stage to protect; deploy it",
                        api.scope().path()
                    ),
                );
                None
            }
        }
    }

    /// Logs the ACL's traffic to a new log group at `<acl>/Logs`, through
    /// an `AWS::WAFv2::LoggingConfiguration` at `<acl>/Logging`.
    pub fn enable_logging(&self, logging: WafLogging) -> LogGroup {
        let name = &logging.log_group_name;
        if !name.starts_with("aws-waf-logs-") || name.len() == "aws-waf-logs-".len() {
            let suggestion = name.trim_start_matches('/').replace('/', "-");
            self.scope.error(
                "waf-logging",
                format!("WAF logs only to log groups named aws-waf-logs-…; {name:?} does not qualify: use a name such as \"aws-waf-logs-{suggestion}\""),
            );
        }
        for h in &logging.redacted_headers {
            if h.is_empty() || h.len() > 64 {
                self.scope.error(
                    "waf-logging",
                    format!("{h:?} is not a header name to redact"),
                );
            }
        }
        let group = LogGroup::new(
            &self.scope,
            "Logs",
            LogGroupProps {
                log_group_name: Some(name.clone()),
                retention: logging.retention,
                removal_policy: logging.removal_policy,
                ..Default::default()
            },
        );
        // WAF takes the group's ARN without the `:*` that `Fn::GetAtt Arn` adds.
        let destination = sub(
            "arn:${Partition}:logs:${Region}:${Account}:log-group:${Group}",
            vec![
                ("Partition", strata_core::Fn::partition()),
                ("Region", strata_core::Fn::region()),
                ("Account", strata_core::Fn::account_id()),
                ("Group", group.log_group_name()),
            ],
        );
        let redacted: Vec<Value<lc::FieldToMatch>> = logging
            .redacted_headers
            .iter()
            .map(|h| {
                lc::FieldToMatch {
                    single_header: Some(lc::SingleHeader::new(h.to_lowercase()).into()),
                    ..Default::default()
                }
                .into()
            })
            .collect();
        self.scope.resource(
            "Logging",
            lc::LoggingConfiguration {
                redacted_fields: (!redacted.is_empty()).then_some(Value::Lit(redacted)),
                ..lc::LoggingConfiguration::new(Value::Lit(vec![destination]), self.web_acl_arn())
            },
        );
        group
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::WebAclRef {
        &self.resource
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

fn problems(scope: &Scope, props: &WebAclProps) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(name) = &props.name {
        out.extend(name_problem("web ACL name", name));
    }
    if props.scope == WafScope::CloudFront {
        if let Some(region) = scope.env().region.filter(|r| r != "us-east-1") {
            out.push(format!(
                "a CLOUDFRONT web ACL must be created in us-east-1, but this stack is in {region}; put it in a us-east-1 stack"
            ));
        }
    }
    for (i, rule) in props.rules.iter().enumerate() {
        out.extend(rule.problems(props.scope));
        for earlier in &props.rules[..i] {
            if earlier.priority == rule.priority {
                out.push(format!(
                    "rules {:?} and {:?} both have priority {}; give each rule its own priority",
                    earlier.name, rule.name, rule.priority
                ));
            }
            if earlier.name == rule.name {
                out.push(format!(
                    "two rules are named {:?}; rule names must be unique",
                    rule.name
                ));
            }
        }
    }
    out
}
