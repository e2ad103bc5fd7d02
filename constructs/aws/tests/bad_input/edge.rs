//! The edge: API Gateway, WAF, CloudFront and Cognito.

use std::time::Duration;

use strata::apigateway::{Integration, MethodOptions, RestApi, RestApiProps};
use strata::cloudfront::{Distribution, DistributionProps};
use strata::cognito::{UserPool, UserPoolClientProps, UserPoolProps};
use strata::s3::{Bucket, BucketProps};
use strata::wafv2::{managed, WafRule, WebAcl, WebAclProps};

use super::{stack, Case};

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "API method on an undefined path",
            path: "Bad/Api",
            expect: "this API has no resource at /v1/agents/{agentId}",
            build: |app| {
                let api = RestApi::new(&stack(app), "Api", RestApiProps::default());
                api.root().resource_for_path("/v1/agents");
                api.add_method(
                    "/v1/agents/{agentId}",
                    "GET",
                    Integration::mock(200),
                    MethodOptions::default(),
                );
            },
        },
        Case {
            name: "API path part with a space",
            path: "Bad/Api/Default",
            expect: "\"bad path\" is not a path part",
            build: |app| {
                let api = RestApi::new(&stack(app), "Api", RestApiProps::default());
                api.root().resource_for_path("/bad path");
            },
        },
        Case {
            name: "WAF rules sharing a priority",
            path: "Bad/Waf",
            expect: "both have priority 10",
            build: |app| {
                WebAcl::new(
                    &stack(app),
                    "Waf",
                    WebAclProps {
                        rules: vec![
                            WafRule::aws_managed(managed::SQLI, 10),
                            WafRule::rate_limit("RateLimit", 10, 2000),
                        ],
                        ..WebAclProps::default()
                    },
                );
            },
        },
        Case {
            name: "CloudFront with a regional web ACL",
            path: "Bad/Cdn",
            expect: "a distribution needs a CLOUDFRONT-scope ACL",
            build: |app| {
                let s = stack(app);
                let site = Bucket::new(&s, "Site", BucketProps::default());
                Distribution::new(
                    &s,
                    "Cdn",
                    DistributionProps {
                        web_acl: Some(WebAcl::new(&s, "Regional", WebAclProps::default())),
                        ..DistributionProps::new(&site)
                    },
                );
            },
        },
        Case {
            name: "CloudFront default root object with a leading slash",
            path: "Bad/Cdn",
            expect: "the default root object \"/index.html\" must be an object key",
            build: |app| {
                let s = stack(app);
                let site = Bucket::new(&s, "Site", BucketProps::default());
                Distribution::new(
                    &s,
                    "Cdn",
                    DistributionProps {
                        default_root_object: Some("/index.html".into()),
                        ..DistributionProps::new(&site)
                    },
                );
            },
        },
        Case {
            name: "Cognito access token valid for two days",
            path: "Bad/Users/Web",
            expect: "the access token validity of 2880 minutes is out of range",
            build: |app| {
                let pool = UserPool::new(&stack(app), "Users", UserPoolProps::default());
                pool.add_client(
                    "Web",
                    UserPoolClientProps {
                        access_token_validity: Duration::from_secs(2 * 86_400),
                        ..UserPoolClientProps::web(&["https://app.example.com/"])
                    },
                );
            },
        },
    ]
}
