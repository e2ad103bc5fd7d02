//! Web ACL rules: AWS managed rule groups, rate-based, geo-match and
//! IP-set rules, with their priorities, actions and visibility config.

use strata_cfn::wafv2::web_acl as w;
use strata_core::{Json, Value};

use super::ip_set::IpSet;
use super::WafScope;

/// AWS managed rule groups (vendor `AWS`) by name.
pub mod managed {
    /// The core rule set (OWASP Top 10 classes such as XSS and LFI).
    pub const COMMON_RULE_SET: &str = "AWSManagedRulesCommonRuleSet";
    /// Request patterns known to be malicious (such as Log4j exploits).
    pub const KNOWN_BAD_INPUTS: &str = "AWSManagedRulesKnownBadInputsRuleSet";
    /// SQL injection.
    pub const SQLI: &str = "AWSManagedRulesSQLiRuleSet";
    /// Addresses Amazon threat intelligence flags.
    pub const AMAZON_IP_REPUTATION: &str = "AWSManagedRulesAmazonIpReputationList";
    /// VPNs, proxies, Tor and hosting providers.
    pub const ANONYMOUS_IP: &str = "AWSManagedRulesAnonymousIpList";

    /// Every AWS managed rule group name Strata knows.
    pub const ALL: [&str; 15] = [
        COMMON_RULE_SET,
        KNOWN_BAD_INPUTS,
        SQLI,
        AMAZON_IP_REPUTATION,
        ANONYMOUS_IP,
        "AWSManagedRulesAdminProtectionRuleSet",
        "AWSManagedRulesLinuxRuleSet",
        "AWSManagedRulesUnixRuleSet",
        "AWSManagedRulesWindowsRuleSet",
        "AWSManagedRulesPHPRuleSet",
        "AWSManagedRulesWordPressRuleSet",
        "AWSManagedRulesBotControlRuleSet",
        "AWSManagedRulesATPRuleSet",
        "AWSManagedRulesACFPRuleSet",
        "AWSManagedRulesAntiDDoSRuleSet",
    ];
}

/// What a rule does with matching requests. For managed rule groups,
/// `Block` keeps the group's own actions (override action none) and
/// `Count` only counts (override action count).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleAction {
    /// Let the request through and stop evaluating.
    Allow,
    /// Reject the request with 403.
    Block,
    /// Count it and go on.
    Count,
}

/// How a rate-based rule groups requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RateAggregate {
    /// By the client IP address.
    Ip,
    /// By the first address in a header such as `X-Forwarded-For`.
    ForwardedIp {
        /// The header.
        header: String,
    },
}

/// What a rule matches.
#[derive(Clone, Debug, PartialEq)]
pub enum WafStatement {
    /// A managed rule group.
    ManagedRuleGroup {
        /// The vendor, `AWS` for AWS managed groups.
        vendor: String,
        /// The group's name, such as [`managed::COMMON_RULE_SET`].
        name: String,
        /// Rules of the group to only count, such as `SizeRestrictions_BODY`.
        count_rules: Vec<String>,
    },
    /// More than `limit` requests from one key in the evaluation window.
    RateBased {
        /// Requests allowed per key in the window (10 to 2,000,000,000).
        limit: u64,
        /// How requests are grouped.
        aggregate: RateAggregate,
        /// The window in seconds: 60, 120, 300 (WAF's default) or 600.
        evaluation_window_sec: u32,
    },
    /// Requests from these countries (ISO 3166 alpha-2 codes).
    GeoMatch {
        /// The country codes, such as `CN`.
        country_codes: Vec<String>,
    },
    /// Requests from addresses in an IP set.
    IpSet {
        /// The IP set's ARN.
        arn: Value<String>,
        /// The set's scope, when it is a construct of this app.
        scope: Option<WafScope>,
    },
}

/// One rule of a web ACL.
///
/// ```
/// use strata::wafv2::{managed, WafRule};
/// let rules = vec![
///     WafRule::aws_managed(managed::COMMON_RULE_SET, 1),
///     WafRule::rate_limit("RateLimit", 10, 2000),
///     WafRule::geo_block("GeoBlock", 20, &["CN", "RU", "KP"]),
/// ];
/// assert_eq!(rules[1].priority, 10);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct WafRule {
    /// The rule's name (letters, digits, `-` and `_`).
    pub name: String,
    /// Evaluation order, lowest first; unique in the ACL.
    pub priority: u32,
    /// What the rule matches.
    pub statement: WafStatement,
    /// What it does with matches.
    pub action: RuleAction,
    /// The CloudWatch metric name; the rule's name when unset.
    pub metric_name: Option<String>,
}

impl WafRule {
    /// An AWS managed rule group named `group`, enforcing its own actions.
    pub fn aws_managed(group: &str, priority: u32) -> WafRule {
        WafRule {
            name: group.to_string(),
            priority,
            statement: WafStatement::ManagedRuleGroup {
                vendor: "AWS".into(),
                name: group.to_string(),
                count_rules: Vec::new(),
            },
            action: RuleAction::Block,
            metric_name: None,
        }
    }

    /// Blocks client IPs sending more than `limit` requests in 5 minutes.
    pub fn rate_limit(name: &str, priority: u32, limit: u64) -> WafRule {
        WafRule {
            name: name.to_string(),
            priority,
            statement: WafStatement::RateBased {
                limit,
                aggregate: RateAggregate::Ip,
                evaluation_window_sec: 300,
            },
            action: RuleAction::Block,
            metric_name: None,
        }
    }

    /// Blocks requests from `country_codes`.
    pub fn geo_block(name: &str, priority: u32, country_codes: &[&str]) -> WafRule {
        WafRule {
            name: name.to_string(),
            priority,
            statement: WafStatement::GeoMatch {
                country_codes: country_codes.iter().map(|c| c.to_string()).collect(),
            },
            action: RuleAction::Block,
            metric_name: None,
        }
    }

    /// Allows requests from the addresses of `ip_set`.
    pub fn ip_allow(name: &str, priority: u32, ip_set: &IpSet) -> WafRule {
        WafRule {
            name: name.to_string(),
            priority,
            statement: WafStatement::IpSet {
                arn: ip_set.ip_set_arn(),
                scope: Some(ip_set.waf_scope()),
            },
            action: RuleAction::Allow,
            metric_name: None,
        }
    }

    /// This rule with another action.
    pub fn with_action(mut self, action: RuleAction) -> WafRule {
        self.action = action;
        self
    }

    pub(crate) fn metric(&self) -> String {
        self.metric_name
            .clone()
            .unwrap_or_else(|| self.name.clone())
    }

    pub(crate) fn problems(&self, acl_scope: WafScope) -> Vec<String> {
        let mut out = Vec::new();
        let rule = &self.name;
        if let Some(p) = name_problem("rule name", rule) {
            out.push(p);
        }
        if let Some(p) = metric_problem(&self.metric()) {
            out.push(format!("rule {rule:?}: {p}"));
        }
        match &self.statement {
            WafStatement::ManagedRuleGroup {
                vendor,
                name,
                count_rules,
            } => {
                if vendor == "AWS" && !managed::ALL.contains(&name.as_str()) {
                    out.push(format!(
                        "rule {rule:?}: {name:?} is not an AWS managed rule group; known groups: {}",
                        managed::ALL.join(", ")
                    ));
                }
                if self.action == RuleAction::Allow {
                    out.push(format!("rule {rule:?}: a managed rule group cannot allow; use RuleAction::Block to apply the group's actions or RuleAction::Count to only count"));
                }
                if count_rules.iter().any(String::is_empty) {
                    out.push(format!(
                        "rule {rule:?}: rule names to count must not be empty"
                    ));
                }
            }
            WafStatement::RateBased {
                limit,
                aggregate,
                evaluation_window_sec,
            } => {
                if !(10..=2_000_000_000).contains(limit) {
                    out.push(format!(
                        "rule {rule:?}: a rate limit of {limit} is out of range; use 10 to 2000000000 requests per window"
                    ));
                }
                if ![60, 120, 300, 600].contains(evaluation_window_sec) {
                    out.push(format!(
                        "rule {rule:?}: an evaluation window of {evaluation_window_sec} s is not one WAF offers; use 60, 120, 300 or 600"
                    ));
                }
                if let RateAggregate::ForwardedIp { header } = aggregate {
                    if header.is_empty() || header.len() > 255 {
                        out.push(format!("rule {rule:?}: name the header carrying the client address, such as X-Forwarded-For"));
                    }
                }
            }
            WafStatement::GeoMatch { country_codes } => {
                if country_codes.is_empty() {
                    out.push(format!("rule {rule:?}: list at least one country code"));
                }
                for (i, c) in country_codes.iter().enumerate() {
                    if c.len() != 2 || !c.chars().all(|x| x.is_ascii_uppercase()) {
                        out.push(format!("rule {rule:?}: {c:?} is not an ISO 3166 alpha-2 country code such as \"CN\""));
                    } else if country_codes[..i].contains(c) {
                        out.push(format!("rule {rule:?}: the country {c} is listed twice"));
                    }
                }
            }
            WafStatement::IpSet { scope, .. } => {
                if scope.is_some_and(|s| s != acl_scope) {
                    out.push(format!(
                        "rule {rule:?}: the IP set's scope differs from the web ACL's ({}); create the set with the ACL's scope",
                        acl_scope.code()
                    ));
                }
            }
        }
        out
    }

    pub(crate) fn render(&self, sampled: bool) -> w::RuleProperty {
        let managed = matches!(self.statement, WafStatement::ManagedRuleGroup { .. });
        let empty = || Value::Lit(Json::Object(Default::default()));
        let (action, override_action) = if managed {
            let o = match self.action {
                RuleAction::Count => w::OverrideAction {
                    count: Some(empty()),
                    ..Default::default()
                },
                _ => w::OverrideAction {
                    none: Some(empty()),
                    ..Default::default()
                },
            };
            (None, Some(o.into()))
        } else {
            (Some(rule_action(self.action).into()), None)
        };
        w::RuleProperty {
            action,
            override_action,
            ..w::RuleProperty::new(
                self.name.as_str(),
                i64::from(self.priority),
                statement(&self.statement),
                w::VisibilityConfig::new(true, self.metric(), sampled),
            )
        }
    }
}

fn rule_action(action: RuleAction) -> w::RuleAction {
    match action {
        RuleAction::Allow => w::RuleAction {
            allow: Some(w::AllowAction::default().into()),
            ..Default::default()
        },
        RuleAction::Block => w::RuleAction {
            block: Some(w::BlockAction::default().into()),
            ..Default::default()
        },
        RuleAction::Count => w::RuleAction {
            count: Some(w::CountAction::default().into()),
            ..Default::default()
        },
    }
}

fn statement(s: &WafStatement) -> w::Statement {
    match s {
        WafStatement::ManagedRuleGroup {
            vendor,
            name,
            count_rules,
        } => w::Statement {
            managed_rule_group_statement: Some(Value::Lit(Box::new(
                w::ManagedRuleGroupStatement {
                    rule_action_overrides: (!count_rules.is_empty()).then(|| {
                        Value::Lit(
                            count_rules
                                .iter()
                                .map(|r| {
                                    w::RuleActionOverride::new(
                                        rule_action(RuleAction::Count),
                                        r.as_str(),
                                    )
                                    .into()
                                })
                                .collect(),
                        )
                    }),
                    ..w::ManagedRuleGroupStatement::new(name.as_str(), vendor.as_str())
                },
            ))),
            ..Default::default()
        },
        WafStatement::RateBased {
            limit,
            aggregate,
            evaluation_window_sec,
        } => {
            let (key, forwarded) = match aggregate {
                RateAggregate::Ip => ("IP", None),
                RateAggregate::ForwardedIp { header } => (
                    "FORWARDED_IP",
                    Some(w::ForwardedIpConfiguration::new("NO_MATCH", header.as_str()).into()),
                ),
            };
            w::Statement {
                rate_based_statement: Some(Value::Lit(Box::new(w::RateBasedStatement {
                    evaluation_window_sec: Some(i64::from(*evaluation_window_sec).into()),
                    forwarded_ip_config: forwarded,
                    ..w::RateBasedStatement::new(key, i64::try_from(*limit).unwrap_or(i64::MAX))
                }))),
                ..Default::default()
            }
        }
        WafStatement::GeoMatch { country_codes } => w::Statement {
            geo_match_statement: Some(
                w::GeoMatchStatement {
                    country_codes: Some(Value::list(country_codes.iter().map(String::as_str))),
                    ..Default::default()
                }
                .into(),
            ),
            ..Default::default()
        },
        WafStatement::IpSet { arn, .. } => w::Statement {
            ip_set_reference_statement: Some(w::IpSetReferenceStatement::new(arn.clone()).into()),
            ..Default::default()
        },
    }
}

/// WAF's rule, ACL and IP set names: 1 to 128 of `A-Za-z0-9_-`.
pub(crate) fn name_problem(what: &str, name: &str) -> Option<String> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    (!ok).then(|| format!("the {what} {name:?} must be 1 to 128 letters, digits, '-' or '_'"))
}

/// CloudWatch metric names WAF accepts: 1 to 255 of `\w#:.-/`, not `All`
/// or `Default_Action`.
pub(crate) fn metric_problem(metric: &str) -> Option<String> {
    let ok = !metric.is_empty()
        && metric.len() <= 255
        && metric
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_#:.-/".contains(c))
        && metric != "All"
        && metric != "Default_Action";
    (!ok).then(|| format!(
        "the metric name {metric:?} must be 1 to 255 letters, digits or _#:.-/ and not All or Default_Action"
    ))
}
