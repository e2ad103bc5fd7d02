//! The WAF module (seed sections 1, 3 and 5, "WAF (Layer 7)"; independent
//! in section 4's graph).
//!
//! A regional web ACL with the seed's three layers: rate limiting (2000
//! requests per IP in 5 minutes), the SQL injection rules and the OWASP
//! common rules. The seed's EKS Application Load Balancer is created by the
//! AWS Load Balancer Controller from a Kubernetes Ingress, not by
//! CloudFormation, so the ACL is attached there: the stack outputs its ARN
//! for the Ingress annotation `alb.ingress.kubernetes.io/wafv2-acl-arn`.
//! The CloudFront distribution the seed draws in front of the load balancer
//! would need the controller's load balancer as its origin, which does not
//! exist when CloudFormation runs; it is not built (see the README).

use strata::prelude::*;
use strata::wafv2::{managed, WafRule, WebAcl, WebAclProps};

use crate::config::Config;

/// Builds the web ACL in `stack`.
pub fn build(stack: &Scope, config: &Config) -> WebAcl {
    let acl = WebAcl::new(
        stack,
        "WebAcl",
        WebAclProps {
            name: Some(format!("support-agent-{}", config.name())),
            description: Some(
                "Support agent load balancer: rate limit per IP, SQL injection and OWASP common rules"
                    .into(),
            ),
            rules: vec![
                WafRule::rate_limit("RateLimitPerIp", 10, config.waf.rate_limit_per_ip),
                WafRule::aws_managed(managed::SQLI, 20),
                WafRule::aws_managed(managed::COMMON_RULE_SET, 30),
            ],
            ..Default::default()
        },
    );
    stack.output("WebAclArn", Output::new(acl.web_acl_arn()));
    acl
}
