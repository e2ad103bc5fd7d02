//! CloudFront: seed 002's static site (private bucket through Origin
//! Access Control, HTTPS redirect, security headers, SPA error responses)
//! with a CLOUDFRONT web ACL and a certificate, and the settings
//! CloudFront would reject, caught at synth.

use serde_json::{json, Value as Json};
use strata::cloudfront::*;
use strata::prelude::*;
use strata::s3::{Bucket, BucketProps};
use strata::wafv2::{managed, WafRule, WafScope, WebAcl, WebAclProps};

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

const CERT: &str = "arn:aws:acm:us-east-1:123456789012:certificate/abc";

#[test]
fn seed_002_site_is_served_through_origin_access_control() {
    let app = App::new();
    let stack = app.stack(
        "Web",
        StackProps {
            env: Environment::new("123456789012", "us-east-1"),
            ..Default::default()
        },
    );
    let site = Bucket::new(&stack, "Site", BucketProps::default());
    let logs = Bucket::new(&stack, "Logs", BucketProps::default());
    let acl = WebAcl::new(
        &stack,
        "EdgeWaf",
        WebAclProps {
            scope: WafScope::CloudFront,
            rules: vec![WafRule::aws_managed(managed::COMMON_RULE_SET, 1)],
            ..Default::default()
        },
    );
    let cdn = Distribution::new(
        &stack,
        "Cdn",
        DistributionProps {
            error_responses: vec![ErrorResponse::spa(403), ErrorResponse::spa(404)],
            web_acl: Some(acl),
            certificate: Some(ViewerCertificate::new(CERT, &["app.example.com"])),
            logging: Some(DistributionLogging {
                bucket: logs,
                prefix: Some("cloudfront/".into()),
                include_cookies: false,
            }),
            ..DistributionProps::new(&site)
        },
    );
    stack.output("Domain", Output::new(cdn.domain_name()));
    let a = app.synth().expect("valid");
    let t = &a.stacks[0];
    let origin_id = strata::logical_id(&["Web", "Cdn", "Origin1"]);
    let oac = lid(t, "Web/Cdn/Origin1/S3OriginAccessControl/Resource");
    let headers = lid(t, "Web/Cdn/ResponseHeadersPolicy/Resource");
    let bucket = lid(t, "Web/Site/Resource");
    assert_eq!(
        props(t, "Web/Cdn/Resource"),
        json!({"DistributionConfig": {
            "Aliases": ["app.example.com"],
            "CustomErrorResponses": [
                {"ErrorCachingMinTTL": 10.0, "ErrorCode": 403, "ResponseCode": 200, "ResponsePagePath": "/index.html"},
                {"ErrorCachingMinTTL": 10.0, "ErrorCode": 404, "ResponseCode": 200, "ResponsePagePath": "/index.html"}
            ],
            "DefaultCacheBehavior": {
                "CachePolicyId": CACHING_OPTIMIZED,
                "Compress": true,
                "ResponseHeadersPolicyId": {"Fn::GetAtt": [headers, "Id"]},
                "TargetOriginId": origin_id,
                "ViewerProtocolPolicy": "redirect-to-https"
            },
            "DefaultRootObject": "index.html",
            "Enabled": true,
            "HttpVersion": "http2and3",
            "IPV6Enabled": true,
            "Logging": {"Bucket": {"Fn::GetAtt": [lid(t, "Web/Logs/Resource"), "RegionalDomainName"]}, "Prefix": "cloudfront/"},
            "Origins": [{
                "DomainName": {"Fn::GetAtt": [bucket, "RegionalDomainName"]},
                "Id": origin_id,
                "OriginAccessControlId": {"Fn::GetAtt": [oac, "Id"]},
                "S3OriginConfig": {"OriginAccessIdentity": ""}
            }],
            "PriceClass": "PriceClass_100",
            "ViewerCertificate": {"AcmCertificateArn": CERT, "MinimumProtocolVersion": "TLSv1.2_2021", "SslSupportMethod": "sni-only"},
            "WebACLId": {"Fn::GetAtt": [lid(t, "Web/EdgeWaf/Resource"), "Arn"]}
        }})
    );
    assert_eq!(
        props(t, "Web/Logs/Resource")["OwnershipControls"],
        json!({"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
    );
    let oac_config =
        &props(t, "Web/Cdn/Origin1/S3OriginAccessControl/Resource")["OriginAccessControlConfig"];
    assert_eq!(oac_config["OriginAccessControlOriginType"], "s3");
    assert_eq!(oac_config["SigningBehavior"], "always");
    assert_eq!(oac_config["SigningProtocol"], "sigv4");
    assert_eq!(
        oac_config["Name"],
        json!({"Fn::Sub": format!("{origin_id}-${{AWS::Region}}")})
    );
    let security = &props(t, "Web/Cdn/ResponseHeadersPolicy/Resource")
        ["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"];
    assert_eq!(
        *security,
        json!({
            "ContentTypeOptions": {"Override": true},
            "FrameOptions": {"FrameOption": "DENY", "Override": true},
            "ReferrerPolicy": {"Override": true, "ReferrerPolicy": "strict-origin-when-cross-origin"},
            "StrictTransportSecurity": {"AccessControlMaxAgeSec": 63072000, "IncludeSubdomains": true, "Override": true},
            "XSSProtection": {"ModeBlock": true, "Override": true, "Protection": true}
        })
    );
    let statements = props(t, "Web/Site/Policy/Resource")["PolicyDocument"]["Statement"].clone();
    let oac_statement = statements
        .as_array()
        .and_then(|s| s.iter().find(|x| x["Sid"] == "AllowS3OACAccess"))
        .expect("the OAC statement")
        .clone();
    assert_eq!(
        oac_statement,
        json!({
            "Action": "s3:GetObject",
            "Condition": {"StringEquals": {"AWS:SourceArn": {"Fn::Sub": [
                "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}",
                {"Distribution": {"Ref": lid(t, "Web/Cdn/Resource")}}
            ]}}},
            "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": [bucket, "Arn"]}, "/*"]]},
            "Sid": "AllowS3OACAccess"
        })
    );
}

fn error_of(edit: impl FnOnce(&Scope, &mut DistributionProps)) -> String {
    let app = App::new();
    let stack = app.stack("Web", StackProps::default());
    let site = Bucket::new(&stack, "Site", BucketProps::default());
    let mut props = DistributionProps::new(&site);
    edit(&stack, &mut props);
    Distribution::new(&stack, "Cdn", props);
    let err = app.synth().expect_err("must fail").to_string();
    assert!(err.contains("Web/Cdn"), "{err}");
    err
}

#[test]
fn settings_cloudfront_rejects_are_synth_errors() {
    let err = error_of(|stack, p| {
        p.web_acl = Some(WebAcl::new(stack, "Regional", WebAclProps::default()));
    });
    assert!(
        err.contains(
            "the web ACL Web/Regional is REGIONAL; a distribution needs a CLOUDFRONT-scope ACL"
        ),
        "{err}"
    );

    let err = error_of(|_, p| {
        p.error_responses = vec![
            ErrorResponse::spa(402),
            ErrorResponse {
                response_page_path: None,
                ..ErrorResponse::spa(404)
            },
        ];
        p.default_root_object = Some("/index.html".into());
    });
    assert!(
        err.contains("CloudFront has no custom error response for 402"),
        "{err}"
    );
    assert!(
        err.contains("the error response for 404 needs both a response code and a page path"),
        "{err}"
    );
    assert!(
        err.contains("the default root object \"/index.html\" must be an object key"),
        "{err}"
    );

    let err = error_of(|_, p| {
        p.certificate = Some(ViewerCertificate {
            minimum_protocol_version: "TLSv1.2".into(),
            ..ViewerCertificate::new(
                "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
                &["app.example.com"],
            )
        });
        p.security_headers = Some(SecurityHeaders {
            referrer_policy: "never".into(),
            hsts_preload: true,
            hsts_include_subdomains: false,
            ..Default::default()
        });
    });
    assert!(
        err.contains("\"TLSv1.2\" is not a CloudFront security policy"),
        "{err}"
    );
    assert!(
        err.contains("is not an ACM certificate in us-east-1"),
        "{err}"
    );
    assert!(err.contains("\"never\" is not a Referrer-Policy"), "{err}");
    assert!(
        err.contains("HSTS preload needs include-subdomains"),
        "{err}"
    );
}

#[test]
fn a_customer_key_lets_cloudfront_decrypt_without_a_dependency_cycle() {
    use strata::kms::{Key, KeyProps};
    use strata::s3::BucketEncryption;
    let app = App::new();
    let stack = app.stack("Web", StackProps::default());
    let key = Key::new(&stack, "SiteKey", KeyProps::default());
    let site = Bucket::new(
        &stack,
        "Site",
        BucketProps {
            encryption: BucketEncryption::Kms(key.key_arn()),
            ..Default::default()
        },
    );
    Distribution::new(
        &stack,
        "Cdn",
        DistributionProps {
            origin_key: Some(key),
            security_headers: None,
            ..DistributionProps::new(&site)
        },
    );
    let a = app.synth().expect("no cycle");
    let t = &a.stacks[0];
    let statements = props(t, "Web/SiteKey/Resource")["KeyPolicy"]["Statement"].clone();
    let cf = statements
        .as_array()
        .and_then(|s| {
            s.iter()
                .find(|x| x["Principal"]["Service"] == "cloudfront.amazonaws.com")
        })
        .expect("a CloudFront statement")
        .clone();
    assert_eq!(
        cf["Action"],
        json!(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"])
    );
    assert_eq!(
        cf["Condition"]["ArnLike"]["AWS:SourceArn"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/*"})
    );
    let config = &props(t, "Web/Cdn/Resource")["DistributionConfig"];
    assert!(config["DefaultCacheBehavior"]
        .get("ResponseHeadersPolicyId")
        .is_none());
}
