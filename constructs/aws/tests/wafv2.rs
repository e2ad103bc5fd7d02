//! WAFv2: seed 000's web ACL (two AWS managed groups, a rate limit, a geo
//! block and an IP allowlist), its association with the API stage and its
//! logging, and the rules WAF would reject, caught at synth.

use serde_json::{json, Value as Json};
use strata::apigateway::{Integration, MethodOptions, RestApi, RestApiProps};
use strata::prelude::*;
use strata::wafv2::*;

fn lid(t: &strata::StackArtifact, path: &str) -> String {
    t.logical_ids
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, l)| l.clone())
        .unwrap_or_else(|| panic!("no element at {path}"))
}

fn props(t: &strata::StackArtifact, path: &str) -> Json {
    t.template["Resources"][lid(t, path).as_str()]["Properties"].clone()
}

fn seed_000_rules(allowlist: &IpSet) -> Vec<WafRule> {
    vec![
        WafRule::aws_managed(managed::COMMON_RULE_SET, 1),
        WafRule::aws_managed(managed::KNOWN_BAD_INPUTS, 2),
        WafRule::rate_limit("RateLimit", 10, 2000),
        WafRule::geo_block("GeoBlock", 20, &["CN", "RU", "KP"]),
        WafRule::ip_allow("IpAllowlist", 30, allowlist),
    ]
}

#[test]
fn seed_000_web_acl_protects_the_api_stage_and_logs() {
    let app = App::new();
    let stack = app.stack("Edge", StackProps::default());
    let api = RestApi::new(&stack, "Api", RestApiProps::default());
    api.root()
        .add_method("GET", Integration::mock(200), MethodOptions::default());
    let allowlist = IpSet::new(
        &stack,
        "BirdIps",
        IpSetProps {
            addresses: vec!["203.0.113.0/24".into(), "198.51.100.7/32".into()],
            ..Default::default()
        },
    );
    let acl = WebAcl::new(
        &stack,
        "Waf",
        WebAclProps {
            name: Some("bird-agent-waf".into()),
            rules: seed_000_rules(&allowlist),
            ..Default::default()
        },
    );
    acl.associate_rest_api(&api);
    acl.enable_logging(WafLogging::new("aws-waf-logs-bird-agent-waf"));
    let a = app.synth().expect("valid");
    let t = &a.stacks[0];
    let visibility = |m: &str| json!({"CloudWatchMetricsEnabled": true, "MetricName": m, "SampledRequestsEnabled": true});
    let managed = |name: &str, priority: i64| {
        json!({
            "Name": name,
            "OverrideAction": {"None": {}},
            "Priority": priority,
            "Statement": {"ManagedRuleGroupStatement": {"Name": name, "VendorName": "AWS"}},
            "VisibilityConfig": visibility(name)
        })
    };
    assert_eq!(
        props(t, "Edge/Waf/Resource"),
        json!({
            "DefaultAction": {"Allow": {}},
            "Name": "bird-agent-waf",
            "Rules": [
                managed("AWSManagedRulesCommonRuleSet", 1),
                managed("AWSManagedRulesKnownBadInputsRuleSet", 2),
                {
                    "Action": {"Block": {}},
                    "Name": "RateLimit",
                    "Priority": 10,
                    "Statement": {"RateBasedStatement": {"AggregateKeyType": "IP", "EvaluationWindowSec": 300, "Limit": 2000}},
                    "VisibilityConfig": visibility("RateLimit")
                },
                {
                    "Action": {"Block": {}},
                    "Name": "GeoBlock",
                    "Priority": 20,
                    "Statement": {"GeoMatchStatement": {"CountryCodes": ["CN", "RU", "KP"]}},
                    "VisibilityConfig": visibility("GeoBlock")
                },
                {
                    "Action": {"Allow": {}},
                    "Name": "IpAllowlist",
                    "Priority": 30,
                    "Statement": {"IPSetReferenceStatement": {"Arn": {"Fn::GetAtt": [lid(t, "Edge/BirdIps/Resource"), "Arn"]}}},
                    "VisibilityConfig": visibility("IpAllowlist")
                }
            ],
            "Scope": "REGIONAL",
            "VisibilityConfig": visibility("bird-agent-waf")
        })
    );
    assert_eq!(
        props(t, "Edge/BirdIps/Resource"),
        json!({"Addresses": ["203.0.113.0/24", "198.51.100.7/32"], "IPAddressVersion": "IPV4", "Scope": "REGIONAL"})
    );
    let acl_arn = json!({"Fn::GetAtt": [lid(t, "Edge/Waf/Resource"), "Arn"]});
    assert_eq!(
        props(t, "Edge/Waf/ApiAssociation"),
        json!({
            "ResourceArn": {"Fn::Sub": [
                "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${Api}/stages/${Stage}",
                {"Api": {"Ref": lid(t, "Edge/Api/Resource")}, "Stage": {"Ref": lid(t, "Edge/Api/DeploymentStage.prod/Resource")}}
            ]},
            "WebACLArn": acl_arn
        })
    );
    let group = lid(t, "Edge/Waf/Logs/Resource");
    assert_eq!(
        props(t, "Edge/Waf/Logs/Resource"),
        json!({"LogGroupName": "aws-waf-logs-bird-agent-waf", "RetentionInDays": 30})
    );
    assert_eq!(
        props(t, "Edge/Waf/Logging"),
        json!({
            "LogDestinationConfigs": [{"Fn::Sub": [
                "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Group}",
                {"Group": {"Ref": group}}
            ]}],
            "RedactedFields": [{"SingleHeader": {"Name": "authorization"}}, {"SingleHeader": {"Name": "cookie"}}],
            "ResourceArn": acl_arn
        })
    );
}

fn error_of(region: Option<&str>, build: impl FnOnce(&Scope)) -> String {
    let app = App::new();
    let env = Environment {
        account: None,
        region: region.map(str::to_string),
    };
    let stack = app.stack(
        "Edge",
        StackProps {
            env,
            ..Default::default()
        },
    );
    build(&stack);
    let err = app.synth().expect_err("must fail").to_string();
    assert!(err.contains("Edge/"), "{err}");
    err
}

#[test]
fn a_priority_collision_is_a_synth_error() {
    let err = error_of(None, |stack| {
        WebAcl::new(
            stack,
            "Waf",
            WebAclProps {
                rules: vec![
                    WafRule::aws_managed(managed::SQLI, 10),
                    WafRule::rate_limit("RateLimit", 10, 2000),
                ],
                ..Default::default()
            },
        );
    });
    assert!(err.contains("Edge/Waf"), "{err}");
    assert!(
        err.contains("rules \"AWSManagedRulesSQLiRuleSet\" and \"RateLimit\" both have priority 10; give each rule its own priority"),
        "{err}"
    );
}

#[test]
fn a_log_group_without_the_waf_prefix_is_a_synth_error() {
    let err = error_of(None, |stack| {
        let acl = WebAcl::new(
            stack,
            "Waf",
            WebAclProps {
                rules: vec![WafRule::aws_managed(managed::COMMON_RULE_SET, 1)],
                ..Default::default()
            },
        );
        acl.enable_logging(WafLogging::new("/aws/wafv2/bird-agent-waf"));
    });
    assert!(err.contains("Edge/Waf"), "{err}");
    assert!(
        err.contains("WAF logs only to log groups named aws-waf-logs-…; \"/aws/wafv2/bird-agent-waf\" does not qualify: use a name such as \"aws-waf-logs-aws-wafv2-bird-agent-waf\""),
        "{err}"
    );
}

#[test]
fn rules_ip_sets_and_scopes_waf_rejects_are_synth_errors() {
    let err = error_of(None, |stack| {
        let v6 = IpSet::new(
            stack,
            "Mixed",
            IpSetProps {
                scope: WafScope::CloudFront,
                addresses: vec![
                    "10.0.0.1/24".into(),
                    "2001:db8::/32".into(),
                    "office".into(),
                ],
                ..Default::default()
            },
        );
        WebAcl::new(
            stack,
            "Waf",
            WebAclProps {
                rules: vec![
                    WafRule::aws_managed("AWSManagedRulesEverything", 1),
                    WafRule::rate_limit("Rate", 2, 5),
                    WafRule::geo_block("Geo", 3, &["cn", "RU", "RU"]),
                    WafRule::ip_allow("Allow", 4, &v6),
                    WafRule::aws_managed(managed::SQLI, 5).with_action(RuleAction::Allow),
                ],
                ..Default::default()
            },
        );
    });
    for expected in [
        "10.0.0.1/24 has host bits set; use the network address 10.0.0.0/24",
        "an IP set holds one address family",
        "\"office\" is not a CIDR block",
        "\"AWSManagedRulesEverything\" is not an AWS managed rule group",
        "a rate limit of 5 is out of range; use 10 to 2000000000",
        "\"cn\" is not an ISO 3166 alpha-2 country code",
        "the country RU is listed twice",
        "the IP set's scope differs from the web ACL's (REGIONAL)",
        "a managed rule group cannot allow",
    ] {
        assert!(err.contains(expected), "{expected}: {err}");
    }

    let err = error_of(Some("eu-west-1"), |stack| {
        let acl = WebAcl::new(
            stack,
            "EdgeWaf",
            WebAclProps {
                scope: WafScope::CloudFront,
                ..Default::default()
            },
        );
        acl.associate(
            "Alb",
            "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/x/1",
        );
    });
    assert!(err.contains("Edge/EdgeWaf"), "{err}");
    assert!(
        err.contains(
            "a CLOUDFRONT web ACL must be created in us-east-1, but this stack is in eu-west-1"
        ),
        "{err}"
    );
    assert!(
        err.contains("a CLOUDFRONT web ACL is attached through the distribution"),
        "{err}"
    );
}

#[test]
fn managed_groups_can_count_and_rate_limits_can_key_on_a_forwarded_header() {
    let app = App::new();
    let stack = app.stack("Edge", StackProps::default());
    let mut counted =
        WafRule::aws_managed(managed::COMMON_RULE_SET, 1).with_action(RuleAction::Count);
    counted.statement = WafStatement::ManagedRuleGroup {
        vendor: "AWS".into(),
        name: managed::COMMON_RULE_SET.into(),
        count_rules: vec!["SizeRestrictions_BODY".into()],
    };
    let mut forwarded = WafRule::rate_limit("PerClient", 2, 500);
    forwarded.statement = WafStatement::RateBased {
        limit: 500,
        aggregate: RateAggregate::ForwardedIp {
            header: "X-Forwarded-For".into(),
        },
        evaluation_window_sec: 60,
    };
    WebAcl::new(
        &stack,
        "Waf",
        WebAclProps {
            default_action: DefaultAction::Block,
            rules: vec![counted, forwarded],
            ..Default::default()
        },
    );
    let a = app.synth().expect("valid");
    let p = props(&a.stacks[0], "Edge/Waf/Resource");
    assert_eq!(p["DefaultAction"], json!({"Block": {}}));
    assert_eq!(p["VisibilityConfig"]["MetricName"], "Waf");
    assert_eq!(p["Rules"][0]["OverrideAction"], json!({"Count": {}}));
    assert_eq!(
        p["Rules"][0]["Statement"]["ManagedRuleGroupStatement"]["RuleActionOverrides"],
        json!([{"ActionToUse": {"Count": {}}, "Name": "SizeRestrictions_BODY"}])
    );
    assert_eq!(
        p["Rules"][1]["Statement"]["RateBasedStatement"],
        json!({
            "AggregateKeyType": "FORWARDED_IP",
            "EvaluationWindowSec": 60,
            "ForwardedIPConfig": {"FallbackBehavior": "NO_MATCH", "HeaderName": "X-Forwarded-For"},
            "Limit": 500
        })
    );
}
