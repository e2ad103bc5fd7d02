//! Seed "AWS WAF": the web application firewall in front of the REST API,
//! with the AWS managed core rule set and known bad inputs, a rate limit
//! of 2000 requests per 5 minutes per IP, and geographic blocking of
//! high-risk countries (by default the comprehensively sanctioned ones a
//! US financial service may not serve: Cuba, Iran, North Korea, Syria),
//! logging to CloudWatch Logs with credentials redacted.

use strata::apigateway::RestApi;
use strata::logs::Retention;
use strata::prelude::*;
use strata::wafv2::{managed, WafLogging, WafRule, WebAcl, WebAclProps};

use crate::config::Config;

/// Seed "Rate limiting: 2000 requests per 5 minutes per IP".
pub const RATE_LIMIT_PER_5_MINUTES: u64 = 2000;

/// Builds the regional web ACL `<prefix>-api` and attaches it to `api`'s stage.
pub fn build(stack: &Scope, config: &Config, api: &RestApi) -> WebAcl {
    let countries: Vec<&str> = config
        .api
        .blocked_countries
        .iter()
        .map(String::as_str)
        .collect();
    let mut rules = vec![
        WafRule::rate_limit("RateLimitPerIp", 10, RATE_LIMIT_PER_5_MINUTES),
        WafRule::aws_managed(managed::COMMON_RULE_SET, 20),
        WafRule::aws_managed(managed::KNOWN_BAD_INPUTS, 30),
    ];
    if !countries.is_empty() {
        rules.insert(
            0,
            WafRule::geo_block("GeoBlockHighRiskCountries", 0, &countries),
        );
    }
    let acl = WebAcl::new(
        stack,
        "WebAcl",
        WebAclProps {
            name: Some(format!("{}-api", config.prefix())),
            description: Some("Protects the investment agent REST API".into()),
            rules,
            ..Default::default()
        },
    );
    acl.associate_rest_api(api);
    acl.enable_logging(WafLogging {
        retention: Retention::Days(config.monitoring.log_retention_days),
        ..WafLogging::new(&format!("aws-waf-logs-{}-api", config.prefix()))
    });
    acl
}
