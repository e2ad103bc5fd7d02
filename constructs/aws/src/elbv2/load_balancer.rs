//! The Application Load Balancer: scheme, subnets, security groups and
//! attributes (deletion protection, idle timeout, invalid-header dropping,
//! access logs to S3), at `<id>/Resource` as the CDK's
//! `ApplicationLoadBalancer`.

use std::time::Duration;

use strata_cfn::elastic_load_balancing_v2 as cfn;
use strata_cfn::elastic_load_balancing_v2::load_balancer as lb;
use strata_core::{Fn, Handle, Scope, Value};

use crate::ec2::SecurityGroup;
use crate::iam::{sub, PolicyResource, PolicyStatement, Principal};
use crate::s3::Bucket;

use super::listener::{ApplicationListener, ApplicationListenerProps, ListenerAction};
use super::target_group::LoadBalancerLink;
use super::{seconds, ApplicationProtocol};

/// The IP versions the load balancer accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IpAddressType {
    /// IPv4 only.
    Ipv4,
    /// IPv4 and IPv6.
    DualStack,
}

/// Where access logs go: an S3 bucket (encrypted with SSE-S3, as Elastic
/// Load Balancing requires) and a key prefix.
#[derive(Clone, Debug)]
pub struct AccessLogs {
    /// The bucket; its policy gets the statements log delivery needs.
    pub bucket: Bucket,
    /// The key prefix, without leading or trailing `/`; may be empty.
    pub prefix: String,
}

/// Settings of an [`ApplicationLoadBalancer`].
#[derive(Clone, Debug)]
pub struct ApplicationLoadBalancerProps {
    /// A physical name (up to 32 letters, digits and inner hyphens, not
    /// starting with `internal-`); unset lets CloudFormation name it.
    pub load_balancer_name: Option<String>,
    /// `internet-facing` instead of `internal`.
    pub internet_facing: bool,
    /// Subnets in at least two Availability Zones (public subnets for an
    /// internet-facing load balancer).
    pub subnets: Vec<Value<String>>,
    /// Security groups (one to five); listeners and targets add their
    /// rules to them.
    pub security_groups: Vec<SecurityGroup>,
    /// Refuse deletion of the load balancer.
    pub deletion_protection: bool,
    /// How long an idle connection stays open, 1–4000 s (60 s when unset).
    pub idle_timeout: Option<Duration>,
    /// Drop HTTP headers with invalid names before routing (on by default).
    pub drop_invalid_header_fields: bool,
    /// `Some(false)` turns HTTP/2 off.
    pub http2_enabled: Option<bool>,
    /// The IP versions accepted; `None` is IPv4.
    pub ip_address_type: Option<IpAddressType>,
    /// Access logs to S3; the stack needs a region to pick the log
    /// delivery principal.
    pub access_logs: Option<AccessLogs>,
}

impl ApplicationLoadBalancerProps {
    /// An internal load balancer in `subnets` behind `security_group`.
    pub fn new(subnets: Vec<Value<String>>, security_group: &SecurityGroup) -> Self {
        ApplicationLoadBalancerProps {
            load_balancer_name: None,
            internet_facing: false,
            subnets,
            security_groups: vec![security_group.clone()],
            deletion_protection: false,
            idle_timeout: None,
            drop_invalid_header_fields: true,
            http2_enabled: None,
            ip_address_type: None,
            access_logs: None,
        }
    }
}

/// The Elastic Load Balancing account that writes access logs in regions
/// opened before August 2022; later regions use a service principal.
const ELB_LOG_ACCOUNTS: [(&str, &str); 29] = [
    ("af-south-1", "098369216593"),
    ("ap-east-1", "754344448648"),
    ("ap-northeast-1", "582318560864"),
    ("ap-northeast-2", "600734575887"),
    ("ap-northeast-3", "383597477331"),
    ("ap-south-1", "718504428378"),
    ("ap-southeast-1", "114774131450"),
    ("ap-southeast-2", "783225319266"),
    ("ap-southeast-3", "589379963580"),
    ("ca-central-1", "985666609251"),
    ("cn-north-1", "638102146993"),
    ("cn-northwest-1", "037604701340"),
    ("eu-central-1", "054676820928"),
    ("eu-north-1", "897822967062"),
    ("eu-south-1", "635631232127"),
    ("eu-west-1", "156460612806"),
    ("eu-west-2", "652711504416"),
    ("eu-west-3", "009996457667"),
    ("me-south-1", "076674570225"),
    ("sa-east-1", "507241528517"),
    ("us-east-1", "127311923021"),
    ("us-east-2", "033677994240"),
    ("us-gov-east-1", "190560391635"),
    ("us-gov-west-1", "048591011584"),
    ("us-iso-east-1", "770363063475"),
    ("us-iso-west-1", "121062877647"),
    ("us-isob-east-1", "740734521339"),
    ("us-west-1", "027434742980"),
    ("us-west-2", "797873946194"),
];

/// An `AWS::ElasticLoadBalancingV2::LoadBalancer` of type `application`.
///
/// ```
/// use strata::prelude::*;
/// use strata::ec2::{SecurityGroup, SecurityGroupProps};
/// use strata::elbv2::{ApplicationLoadBalancer, ApplicationLoadBalancerProps};
///
/// let app = App::new();
/// let stack = app.stack("Web", StackProps::default());
/// let sg = SecurityGroup::new(&stack, "AlbSg", SecurityGroupProps {
///     vpc_id: "vpc-0123456789abcdef0".into(),
///     allow_all_outbound: Some(false),
///     ..Default::default()
/// });
/// let alb = ApplicationLoadBalancer::new(&stack, "Alb", ApplicationLoadBalancerProps {
///     load_balancer_name: Some("bird-agent-alb".into()),
///     ..ApplicationLoadBalancerProps::new(
///         vec!["subnet-0aaaaaaaaaaaaaaa1".into(), "subnet-0aaaaaaaaaaaaaaa2".into()],
///         &sg,
///     )
/// });
/// stack.output("AlbDns", Output::new(alb.dns_name()));
/// let template = &app.synth().expect("valid").stacks[0].template;
/// let id = strata::logical_id(&["Alb", "Resource"]);
/// assert_eq!(template["Resources"][id.as_str()]["Properties"]["Scheme"], "internal");
/// ```
#[derive(Clone, Debug)]
pub struct ApplicationLoadBalancer {
    scope: Scope,
    resource: cfn::LoadBalancerRef,
    security_groups: Vec<SecurityGroup>,
}

impl ApplicationLoadBalancer {
    /// Adds the load balancer under `scope` at `<id>/Resource`.
    pub fn new(
        scope: &Scope,
        id: &str,
        props: ApplicationLoadBalancerProps,
    ) -> ApplicationLoadBalancer {
        let scope = scope.child(id);
        for p in problems(&props) {
            scope.error("elbv2-load-balancer", p);
        }
        let attributes = attributes(&scope, &props);
        let resource = scope.resource(
            "Resource",
            cfn::LoadBalancer {
                ip_address_type: props.ip_address_type.map(|t| {
                    match t {
                        IpAddressType::Ipv4 => "ipv4",
                        IpAddressType::DualStack => "dualstack",
                    }
                    .into()
                }),
                load_balancer_attributes: Some(Value::Lit(attributes)),
                name: props.load_balancer_name.as_deref().map(Value::from),
                scheme: Some(
                    if props.internet_facing {
                        "internet-facing"
                    } else {
                        "internal"
                    }
                    .into(),
                ),
                security_groups: Some(Value::list(
                    props.security_groups.iter().map(SecurityGroup::group_id),
                )),
                subnets: Some(Value::Lit(props.subnets.clone())),
                r#type: Some("application".into()),
                ..cfn::LoadBalancer::new()
            },
        );
        if let Some(logs) = &props.access_logs {
            // The bucket policy must exist before the load balancer
            // checks that it can write there.
            if let Some(policy) = bucket_policy(&logs.bucket) {
                if let Some(lb) = scope.of(&resource) {
                    lb.with_options(|o| o.depends_on.push(policy));
                }
            }
        }
        ApplicationLoadBalancer {
            scope,
            resource,
            security_groups: props.security_groups,
        }
    }

    /// Adds a listener at `<id>/<listener id>/Resource`.
    pub fn add_listener(&self, id: &str, props: ApplicationListenerProps) -> ApplicationListener {
        ApplicationListener::new(self, id, props)
    }

    /// Adds an HTTP listener on port 80 that answers every request with a
    /// permanent (301) redirect to HTTPS on 443, at
    /// `<id>/Redirect80To443/Resource` as the CDK's `addRedirect()`.
    pub fn add_redirect(&self) -> ApplicationListener {
        self.add_listener(
            "Redirect80To443",
            ApplicationListenerProps {
                protocol: ApplicationProtocol::Http,
                port: Some(80),
                ..ApplicationListenerProps::new(ListenerAction::redirect_to_https())
            },
        )
    }

    /// The load balancer's ARN (`Ref`).
    pub fn load_balancer_arn(&self) -> Value<String> {
        self.resource.ref_()
    }

    /// The full name, `app/<name>/<id>`: the `LoadBalancer` dimension of
    /// its CloudWatch metrics.
    pub fn load_balancer_full_name(&self) -> Value<String> {
        self.resource.load_balancer_full_name()
    }

    /// The load balancer's name.
    pub fn load_balancer_name(&self) -> Value<String> {
        self.resource.load_balancer_name()
    }

    /// The DNS name clients connect to.
    pub fn dns_name(&self) -> Value<String> {
        self.resource.dns_name()
    }

    /// The Route 53 hosted zone of the DNS name, for alias records.
    pub fn canonical_hosted_zone_id(&self) -> Value<String> {
        self.resource.canonical_hosted_zone_id()
    }

    /// The security groups of the load balancer.
    pub fn security_groups(&self) -> &[SecurityGroup] {
        &self.security_groups
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::LoadBalancerRef {
        &self.resource
    }

    /// The load balancer's construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    pub(crate) fn link(&self) -> LoadBalancerLink {
        LoadBalancerLink {
            path: self.scope.path(),
            security_groups: self.security_groups.clone(),
            full_name: self.load_balancer_full_name(),
        }
    }
}

fn attribute(key: &str, value: impl Into<Value<String>>) -> Value<lb::LoadBalancerAttribute> {
    lb::LoadBalancerAttribute {
        key: Some(key.into()),
        value: Some(value.into()),
    }
    .into()
}

/// The attributes in the CDK's order; access logs also get their bucket
/// policy statements.
fn attributes(
    scope: &Scope,
    props: &ApplicationLoadBalancerProps,
) -> Vec<Value<lb::LoadBalancerAttribute>> {
    let mut out = vec![attribute(
        "deletion_protection.enabled",
        props.deletion_protection.to_string(),
    )];
    if let Some(h2) = props.http2_enabled {
        out.push(attribute("routing.http2.enabled", h2.to_string()));
    }
    if let Some(t) = props.idle_timeout.and_then(seconds) {
        out.push(attribute("idle_timeout.timeout_seconds", t.to_string()));
    }
    if props.drop_invalid_header_fields {
        out.push(attribute(
            "routing.http.drop_invalid_header_fields.enabled",
            "true",
        ));
    }
    if let Some(logs) = &props.access_logs {
        out.push(attribute("access_logs.s3.enabled", "true"));
        out.push(attribute(
            "access_logs.s3.bucket",
            logs.bucket.bucket_name(),
        ));
        out.push(attribute("access_logs.s3.prefix", logs.prefix.as_str()));
        allow_log_delivery(scope, logs);
    }
    out
}

/// The bucket policy statements access logging needs, as the CDK's
/// `logAccessLogs`: the regional load balancing principal and the log
/// delivery service may put objects under `<prefix>/AWSLogs/<account>/`.
fn allow_log_delivery(scope: &Scope, logs: &AccessLogs) {
    let Some(region) = scope.env().region else {
        scope.error(
            "elbv2-access-logs",
            "access logs need the stack's region to choose the log delivery principal; set StackProps.env.region",
        );
        return;
    };
    let elb = match ELB_LOG_ACCOUNTS.iter().find(|(r, _)| *r == region) {
        Some((_, account)) => Principal::account(*account),
        None => Principal::service("logdelivery.elasticloadbalancing.amazonaws.com"),
    };
    let account = scope
        .env()
        .account
        .map(Value::Lit)
        .unwrap_or_else(Fn::account_id);
    let prefix = if logs.prefix.is_empty() {
        String::new()
    } else {
        format!("{}/", logs.prefix)
    };
    let objects = sub(
        &format!("${{Arn}}/{prefix}AWSLogs/${{Account}}/*"),
        vec![("Arn", logs.bucket.bucket_arn()), ("Account", account)],
    );
    let delivery = Principal::service("delivery.logs.amazonaws.com");
    let bucket = &logs.bucket;
    bucket.add_to_resource_policy(
        PolicyStatement::allow()
            .action("s3:PutObject")
            .principal(elb)
            .resource(objects.clone()),
    );
    bucket.add_to_resource_policy(
        PolicyStatement::allow()
            .action("s3:PutObject")
            .principal(delivery.clone())
            .resource(objects)
            .condition(
                "StringEquals",
                "s3:x-amz-acl",
                ["bucket-owner-full-control"],
            ),
    );
    bucket.add_to_resource_policy(
        PolicyStatement::allow()
            .action("s3:GetBucketAcl")
            .principal(delivery)
            .resource(bucket.bucket_arn()),
    );
}

/// The handle of the bucket's `AWS::S3::BucketPolicy` (`<bucket>/Policy/Resource`).
fn bucket_policy(bucket: &Bucket) -> Option<Handle> {
    let policy = bucket
        .scope()
        .children()
        .into_iter()
        .find(|c| c.id() == "Policy")?;
    policy
        .children()
        .into_iter()
        .find(|c| c.resource_type().is_some())
        .map(|r| r.handle())
}

/// What Elastic Load Balancing would reject about these props.
fn problems(props: &ApplicationLoadBalancerProps) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(name) = &props.load_balancer_name {
        let ok = !name.is_empty()
            && name.len() <= 32
            && !name.starts_with('-')
            && !name.ends_with('-')
            && !name.starts_with("internal-")
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !ok {
            out.push(format!(
                "load balancer name {name:?} is invalid: use 1 to 32 letters, digits and hyphens, not starting or ending with a hyphen nor starting with \"internal-\""
            ));
        }
    }
    if props.subnets.len() < 2 {
        out.push(format!(
            "{} subnet(s) given; an Application Load Balancer needs subnets in at least two Availability Zones",
            props.subnets.len()
        ));
    }
    if props.security_groups.is_empty() || props.security_groups.len() > 5 {
        out.push(format!(
            "{} security group(s) given; an Application Load Balancer takes one to five",
            props.security_groups.len()
        ));
    }
    if let Some(t) = props.idle_timeout {
        match seconds(t) {
            Some(s) if (1..=4000).contains(&s) => {}
            _ => out.push(format!(
                "idle timeout of {t:?} is out of range; use whole seconds from 1 to 4000"
            )),
        }
    }
    if let Some(logs) = &props.access_logs {
        if logs.prefix.starts_with('/')
            || logs.prefix.ends_with('/')
            || logs.prefix.contains("AWSLogs")
        {
            out.push(format!(
                "access log prefix {:?} must not start or end with '/' nor contain \"AWSLogs\"",
                logs.prefix
            ));
        }
    }
    out
}
