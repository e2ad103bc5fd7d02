//! CloudFront distributions in front of a private S3 bucket: Origin
//! Access Control with the bucket policy statement it needs, HTTPS
//! redirect, a security-headers response policy, SPA error responses,
//! price class, an optional WAF web ACL, a viewer certificate with a
//! minimum TLS version, and optional access logs.

use std::time::Duration;

use strata_cfn::cloud_front::{
    self as cfn, distribution as d, origin_access_control as oac, response_headers_policy as rh,
};
use strata_core::{Fn, Scope, Value};

use crate::apigateway::unique_id;
use crate::iam::{sub, PolicyResource, PolicyStatement, Principal};
use crate::kms::Key;
use crate::s3::Bucket;
use crate::wafv2::{WafScope, WebAcl};

/// The managed `CachingOptimized` cache policy.
pub const CACHING_OPTIMIZED: &str = "658327ea-f89d-4fab-a63d-7e88639e58f6";
/// The managed `CachingDisabled` cache policy.
pub const CACHING_DISABLED: &str = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";

/// HTTP status codes CloudFront lets a custom error response handle.
pub const ERROR_CODES: [u16; 11] = [400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504];

/// Security policies a distribution with its own certificate can require.
pub const PROTOCOL_VERSIONS: [&str; 9] = [
    "SSLv3",
    "TLSv1",
    "TLSv1_2016",
    "TLSv1.1_2016",
    "TLSv1.2_2018",
    "TLSv1.2_2019",
    "TLSv1.2_2021",
    "TLSv1.2_2025",
    "TLSv1.3_2025",
];

/// Which edge locations serve the distribution.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PriceClass {
    /// North America and Europe.
    #[default]
    Class100,
    /// Also Asia, the Middle East and Africa.
    Class200,
    /// Every edge location.
    All,
}

/// What viewers using plain HTTP get.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ViewerProtocolPolicy {
    /// A redirect to HTTPS.
    #[default]
    RedirectToHttps,
    /// 403: HTTPS only.
    HttpsOnly,
    /// Served over either.
    AllowAll,
}

/// A response CloudFront serves instead of an origin error.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorResponse {
    /// The origin's status code, one of [`ERROR_CODES`].
    pub error_code: u16,
    /// The status viewers get.
    pub response_code: Option<u16>,
    /// The object served, such as `/index.html`.
    pub response_page_path: Option<String>,
    /// How long CloudFront caches the error.
    pub ttl: Option<Duration>,
}

impl ErrorResponse {
    /// A single-page app's route: `error_code` answered with `/index.html`
    /// and 200, cached 10 seconds.
    pub fn spa(error_code: u16) -> Self {
        ErrorResponse {
            error_code,
            response_code: Some(200),
            response_page_path: Some("/index.html".into()),
            ttl: Some(Duration::from_secs(10)),
        }
    }
}

/// Security headers added to every response.
#[derive(Clone, Debug, PartialEq)]
pub struct SecurityHeaders {
    /// `Content-Security-Policy`, if any.
    pub content_security_policy: Option<String>,
    /// `Strict-Transport-Security` max-age.
    pub hsts_max_age: Duration,
    /// HSTS for subdomains too.
    pub hsts_include_subdomains: bool,
    /// Ask browsers to preload HSTS.
    pub hsts_preload: bool,
    /// `X-Frame-Options: DENY` (true) or `SAMEORIGIN` (false).
    pub frame_deny: bool,
    /// `Referrer-Policy`.
    pub referrer_policy: String,
}

impl Default for SecurityHeaders {
    fn default() -> Self {
        SecurityHeaders {
            content_security_policy: None,
            hsts_max_age: Duration::from_secs(63_072_000),
            hsts_include_subdomains: true,
            hsts_preload: false,
            frame_deny: true,
            referrer_policy: "strict-origin-when-cross-origin".into(),
        }
    }
}

/// A certificate for the distribution's own domain names.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewerCertificate {
    /// An ACM certificate in us-east-1.
    pub acm_certificate_arn: Value<String>,
    /// The domain names (CNAMEs) the distribution answers to.
    pub aliases: Vec<String>,
    /// The minimum TLS security policy, one of [`PROTOCOL_VERSIONS`].
    pub minimum_protocol_version: String,
}

impl ViewerCertificate {
    /// `acm_certificate_arn` for `aliases`, requiring `TLSv1.2_2021`.
    pub fn new(acm_certificate_arn: impl Into<Value<String>>, aliases: &[&str]) -> Self {
        ViewerCertificate {
            acm_certificate_arn: acm_certificate_arn.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            minimum_protocol_version: "TLSv1.2_2021".into(),
        }
    }
}

/// Standard access logs to a bucket; the distribution enables the ACLs
/// CloudFront's log delivery needs on it (`BucketOwnerPreferred`).
#[derive(Clone, Debug)]
pub struct DistributionLogging {
    /// The bucket.
    pub bucket: Bucket,
    /// A key prefix, such as `cloudfront/`.
    pub prefix: Option<String>,
    /// Log cookies.
    pub include_cookies: bool,
}

/// Settings of a [`Distribution`].
#[derive(Clone)]
pub struct DistributionProps {
    /// The private bucket served through Origin Access Control.
    pub origin_bucket: Bucket,
    /// The bucket's customer managed KMS key, if it has one: its policy
    /// then lets CloudFront decrypt for distributions of this account.
    pub origin_key: Option<Key>,
    /// A path prefix in the bucket, such as `/site`.
    pub origin_path: Option<String>,
    /// The distribution's comment.
    pub comment: Option<String>,
    /// The object served for `/` (default `index.html`).
    pub default_root_object: Option<String>,
    /// What plain-HTTP viewers get.
    pub viewer_protocol_policy: ViewerProtocolPolicy,
    /// The cache policy ID (default [`CACHING_OPTIMIZED`]).
    pub cache_policy_id: Value<String>,
    /// Security headers on every response (on by default).
    pub security_headers: Option<SecurityHeaders>,
    /// Custom error responses.
    pub error_responses: Vec<ErrorResponse>,
    /// Which edge locations serve.
    pub price_class: PriceClass,
    /// A CLOUDFRONT-scope web ACL of this app.
    pub web_acl: Option<WebAcl>,
    /// A web ACL by ARN, for ACLs made elsewhere.
    pub web_acl_arn: Option<Value<String>>,
    /// A certificate for the distribution's own domain names.
    pub certificate: Option<ViewerCertificate>,
    /// Standard access logs.
    pub logging: Option<DistributionLogging>,
}

impl DistributionProps {
    /// Serves `bucket` with the defaults: HTTPS redirect, security
    /// headers, `index.html` as root object, price class 100.
    pub fn new(bucket: &Bucket) -> Self {
        DistributionProps {
            origin_bucket: bucket.clone(),
            origin_key: None,
            origin_path: None,
            comment: None,
            default_root_object: Some("index.html".into()),
            viewer_protocol_policy: ViewerProtocolPolicy::RedirectToHttps,
            cache_policy_id: CACHING_OPTIMIZED.into(),
            security_headers: Some(SecurityHeaders::default()),
            error_responses: Vec::new(),
            price_class: PriceClass::Class100,
            web_acl: None,
            web_acl_arn: None,
            certificate: None,
            logging: None,
        }
    }
}

/// An `AWS::CloudFront::Distribution` at `<id>/Resource`, with its Origin
/// Access Control at `<id>/Origin1/S3OriginAccessControl/Resource` and
/// response headers policy at `<id>/ResponseHeadersPolicy/Resource`.
///
/// ```
/// use strata::prelude::*;
/// use strata::cloudfront::{Distribution, DistributionProps, ErrorResponse};
/// use strata::s3::{Bucket, BucketProps};
///
/// let app = App::new();
/// let stack = app.stack("Web", StackProps::default());
/// let site = Bucket::new(&stack, "Site", BucketProps::default());
/// Distribution::new(&stack, "Cdn", DistributionProps {
///     error_responses: vec![ErrorResponse::spa(403), ErrorResponse::spa(404)],
///     ..DistributionProps::new(&site)
/// });
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let dist = &t["Resources"][strata::logical_id(&["Cdn", "Resource"]).as_str()];
/// let config = &dist["Properties"]["DistributionConfig"];
/// assert_eq!(config["DefaultCacheBehavior"]["ViewerProtocolPolicy"], "redirect-to-https");
/// assert_eq!(config["CustomErrorResponses"][1]["ResponsePagePath"], "/index.html");
/// ```
#[derive(Clone, Debug)]
pub struct Distribution {
    scope: Scope,
    resource: cfn::DistributionRef,
}

impl Distribution {
    /// Adds the distribution under `scope`.
    pub fn new(scope: &Scope, id: &str, props: DistributionProps) -> Distribution {
        let scope = scope.child(id);
        for p in problems(&props) {
            scope.error("cloudfront-distribution", p);
        }
        let origin_scope = scope.child("Origin1");
        let origin_id = unique_id(&origin_scope);
        let control = origin_scope.child("S3OriginAccessControl").resource(
            "Resource",
            cfn::OriginAccessControl::new(oac::OriginAccessControlConfig {
                description: Some("Lets CloudFront read the origin bucket".into()),
                ..oac::OriginAccessControlConfig::new(
                    regional_name(&origin_scope, 48),
                    "s3",
                    "always",
                    "sigv4",
                )
            }),
        );
        let headers = props.security_headers.as_ref().map(|h| {
            let policy_scope = scope.child("ResponseHeadersPolicy");
            let name = regional_name(&policy_scope, 100);
            policy_scope.resource("Resource", response_headers_policy(name, h))
        });
        let origin = d::Origin {
            origin_access_control_id: Some(control.id()),
            origin_path: props.origin_path.clone().map(Value::from),
            s3_origin_config: Some(
                d::S3OriginConfig {
                    origin_access_identity: Some("".into()),
                    ..Default::default()
                }
                .into(),
            ),
            ..d::Origin::new(
                props.origin_bucket.regional_domain_name(),
                origin_id.as_str(),
            )
        };
        let behavior = d::DefaultCacheBehavior {
            cache_policy_id: Some(props.cache_policy_id.clone()),
            compress: Some(true.into()),
            response_headers_policy_id: headers.map(|h| h.id()),
            ..d::DefaultCacheBehavior::new(origin_id.as_str(), props.viewer_protocol_policy.code())
        };
        let web_acl = props
            .web_acl
            .as_ref()
            .map(WebAcl::web_acl_arn)
            .or_else(|| props.web_acl_arn.clone());
        let config = d::DistributionConfig {
            comment: props.comment.clone().map(Value::from),
            default_root_object: props.default_root_object.clone().map(Value::from),
            origins: Some(Value::Lit(vec![origin.into()])),
            custom_error_responses: (!props.error_responses.is_empty())
                .then(|| Value::Lit(props.error_responses.iter().map(error_response).collect())),
            http_version: Some("http2and3".into()),
            ipv6_enabled: Some(true.into()),
            price_class: Some(props.price_class.code().into()),
            web_acl_id: web_acl,
            aliases: props
                .certificate
                .as_ref()
                .filter(|c| !c.aliases.is_empty())
                .map(|c| Value::list(c.aliases.iter().map(String::as_str))),
            viewer_certificate: props.certificate.as_ref().map(|c| {
                d::ViewerCertificate {
                    acm_certificate_arn: Some(c.acm_certificate_arn.clone()),
                    minimum_protocol_version: Some(c.minimum_protocol_version.as_str().into()),
                    ssl_support_method: Some("sni-only".into()),
                    ..Default::default()
                }
                .into()
            }),
            logging: props.logging.as_ref().map(|l| {
                d::Logging {
                    bucket: Some(l.bucket.regional_domain_name()),
                    include_cookies: l.include_cookies.then_some(true.into()),
                    prefix: l.prefix.clone().map(Value::from),
                }
                .into()
            }),
            ..d::DistributionConfig::new(behavior, true)
        };
        if let Some(l) = &props.logging {
            enable_log_delivery_acls(&l.bucket);
        }
        let resource = scope.resource("Resource", cfn::Distribution::new(config));
        let distribution = Distribution { scope, resource };
        props.origin_bucket.add_to_resource_policy(
            PolicyStatement::allow()
                .sid("AllowS3OACAccess")
                .action("s3:GetObject")
                .resource(props.origin_bucket.arn_for_objects("*"))
                .principal(Principal::service("cloudfront.amazonaws.com"))
                .condition(
                    "StringEquals",
                    "AWS:SourceArn",
                    [distribution.distribution_arn()],
                ),
        );
        if let Some(key) = &props.origin_key {
            // A wildcard distribution ID: naming this one would make the key
            // depend on the distribution, which depends on the key's bucket.
            key.add_to_resource_policy(
                PolicyStatement::allow()
                    .sid("AllowCloudFrontServicePrincipalSSE-KMS")
                    .actions(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"])
                    .resource("*")
                    .principal(Principal::service("cloudfront.amazonaws.com"))
                    .condition(
                        "ArnLike",
                        "AWS:SourceArn",
                        [sub(
                            "arn:${Partition}:cloudfront::${Account}:distribution/*",
                            vec![
                                ("Partition", Fn::partition()),
                                ("Account", Fn::account_id()),
                            ],
                        )],
                    ),
            );
        }
        distribution
    }

    /// The distribution's ID (`Ref`).
    pub fn distribution_id(&self) -> Value<String> {
        self.resource.ref_()
    }

    /// The distribution's domain name, such as `d111111abcdef8.cloudfront.net`.
    pub fn domain_name(&self) -> Value<String> {
        self.resource.domain_name()
    }

    /// `arn:…:cloudfront::<account>:distribution/<id>`.
    pub fn distribution_arn(&self) -> Value<String> {
        sub(
            "arn:${Partition}:cloudfront::${Account}:distribution/${Distribution}",
            vec![
                ("Partition", Fn::partition()),
                ("Account", Fn::account_id()),
                ("Distribution", self.distribution_id()),
            ],
        )
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::DistributionRef {
        &self.resource
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl PriceClass {
    fn code(self) -> &'static str {
        match self {
            PriceClass::Class100 => "PriceClass_100",
            PriceClass::Class200 => "PriceClass_200",
            PriceClass::All => "PriceClass_All",
        }
    }
}

impl ViewerProtocolPolicy {
    fn code(self) -> &'static str {
        match self {
            ViewerProtocolPolicy::RedirectToHttps => "redirect-to-https",
            ViewerProtocolPolicy::HttpsOnly => "https-only",
            ViewerProtocolPolicy::AllowAll => "allow-all",
        }
    }
}

/// An account-unique name: the construct's unique ID (cut to `max`) and
/// the region, as names of these global resources must not collide when
/// the stack is deployed to several regions.
fn regional_name(scope: &Scope, max: usize) -> Value<String> {
    let mut id = unique_id(scope);
    if id.len() > max {
        id = id[id.len() - max..].to_string();
    }
    sub(&format!("{id}-${{Region}}"), vec![("Region", Fn::region())])
}

/// CloudFront delivers standard logs with an ACL grant, which buckets
/// with ACLs disabled (S3's default) refuse: switch the log bucket to
/// `BucketOwnerPreferred` unless it already sets an object ownership.
fn enable_log_delivery_acls(bucket: &Bucket) {
    if let Some(s) = bucket.scope().of(bucket.resource()) {
        s.with_resource::<strata_cfn::s3::Bucket>(|b| {
            if b.ownership_controls.is_none() {
                b.ownership_controls = Some(
                    strata_cfn::s3::bucket::OwnershipControls {
                        rules: Value::Lit(vec![strata_cfn::s3::bucket::OwnershipControlsRule {
                            object_ownership: Some("BucketOwnerPreferred".into()),
                        }
                        .into()]),
                    }
                    .into(),
                );
            }
        });
    }
}

fn error_response(e: &ErrorResponse) -> Value<d::CustomErrorResponse> {
    d::CustomErrorResponse {
        error_caching_min_ttl: e.ttl.map(|t| Value::from(t.as_secs_f64())),
        response_code: e.response_code.map(|c| Value::from(i64::from(c))),
        response_page_path: e.response_page_path.clone().map(Value::from),
        ..d::CustomErrorResponse::new(i64::from(e.error_code))
    }
    .into()
}

fn response_headers_policy(name: Value<String>, h: &SecurityHeaders) -> cfn::ResponseHeadersPolicy {
    let security = rh::SecurityHeadersConfig {
        content_security_policy: h
            .content_security_policy
            .as_ref()
            .map(|c| rh::ContentSecurityPolicy::new(c.as_str(), true).into()),
        content_type_options: Some(rh::ContentTypeOptions::new(true).into()),
        frame_options: Some(
            rh::FrameOptions::new(if h.frame_deny { "DENY" } else { "SAMEORIGIN" }, true).into(),
        ),
        referrer_policy: Some(rh::ReferrerPolicy::new(true, h.referrer_policy.as_str()).into()),
        strict_transport_security: Some(
            rh::StrictTransportSecurity {
                include_subdomains: Some(h.hsts_include_subdomains.into()),
                preload: h.hsts_preload.then_some(true.into()),
                ..rh::StrictTransportSecurity::new(
                    i64::try_from(h.hsts_max_age.as_secs()).unwrap_or(i64::MAX),
                    true,
                )
            }
            .into(),
        ),
        xss_protection: Some(
            rh::XssProtection {
                mode_block: Some(true.into()),
                ..rh::XssProtection::new(true, true)
            }
            .into(),
        ),
    };
    cfn::ResponseHeadersPolicy::new(rh::ResponseHeadersPolicyConfig {
        comment: Some("Security headers".into()),
        security_headers_config: Some(security.into()),
        ..rh::ResponseHeadersPolicyConfig::new(name)
    })
}

const REFERRER_POLICIES: [&str; 8] = [
    "no-referrer",
    "no-referrer-when-downgrade",
    "origin",
    "origin-when-cross-origin",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
    "unsafe-url",
];

fn problems(props: &DistributionProps) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(root) = &props.default_root_object {
        if root.is_empty() || root.starts_with('/') || root.len() > 255 {
            out.push(format!("the default root object {root:?} must be an object key without a leading '/', such as \"index.html\""));
        }
    }
    if let Some(path) = &props.origin_path {
        if !path.starts_with('/') || path.ends_with('/') {
            out.push(format!(
                "the origin path {path:?} must start with '/' and not end with one, such as \"/site\""
            ));
        }
    }
    let mut codes = Vec::new();
    for e in &props.error_responses {
        let code = e.error_code;
        if !ERROR_CODES.contains(&code) {
            out.push(format!(
                "CloudFront has no custom error response for {code}; use one of {ERROR_CODES:?}"
            ));
        }
        if codes.contains(&code) {
            out.push(format!("the error response for {code} is given twice"));
        }
        codes.push(code);
        if let Some(r) = e.response_code {
            if r != 200 && !ERROR_CODES.contains(&r) {
                out.push(format!(
                    "{r} is not a response code CloudFront can return for {code}"
                ));
            }
        }
        match (&e.response_code, &e.response_page_path) {
            (Some(_), None) | (None, Some(_)) => out.push(format!(
                "the error response for {code} needs both a response code and a page path, or neither"
            )),
            _ => {}
        }
        if let Some(p) = &e.response_page_path {
            if !p.starts_with('/') {
                out.push(format!("the error page path {p:?} must start with '/'"));
            }
        }
    }
    if let Some(h) = &props.security_headers {
        if !REFERRER_POLICIES.contains(&h.referrer_policy.as_str()) {
            out.push(format!(
                "{:?} is not a Referrer-Policy; use one of {}",
                h.referrer_policy,
                REFERRER_POLICIES.join(", ")
            ));
        }
        if h.hsts_preload
            && (!h.hsts_include_subdomains || h.hsts_max_age < Duration::from_secs(31_536_000))
        {
            out.push(
                "HSTS preload needs include-subdomains and a max-age of at least one year".into(),
            );
        }
    }
    if props.web_acl.is_some() && props.web_acl_arn.is_some() {
        out.push("give either web_acl or web_acl_arn, not both".into());
    }
    if let Some(acl) = &props.web_acl {
        if acl.waf_scope() != WafScope::CloudFront {
            out.push(format!(
                "the web ACL {} is REGIONAL; a distribution needs a CLOUDFRONT-scope ACL",
                acl.scope().path()
            ));
        }
    }
    if let Some(c) = &props.certificate {
        if !PROTOCOL_VERSIONS.contains(&c.minimum_protocol_version.as_str()) {
            out.push(format!(
                "{:?} is not a CloudFront security policy; use one of {}",
                c.minimum_protocol_version,
                PROTOCOL_VERSIONS.join(", ")
            ));
        }
        if let Some(arn) = c.acm_certificate_arn.as_literal() {
            if arn.split(':').nth(3) != Some("us-east-1") || !arn.contains(":acm:") {
                out.push(format!(
                    "{arn:?} is not an ACM certificate in us-east-1, where CloudFront reads certificates"
                ));
            }
        }
        if c.aliases.is_empty() {
            out.push("a viewer certificate is for the distribution's own domain names; list them in aliases".into());
        }
    }
    out
}
