//! Seed "Disaster Recovery", failover steps 1 and 2, and seed "Amazon API
//! Gateway" custom domain: a Route 53 health check of the primary region's
//! `/health`, and, with a custom domain, the regional domain name with its
//! certificate and the Route 53 record that answers with the primary
//! region while the health check passes (a `PRIMARY` failover record; the
//! recovery region's deployment adds the `SECONDARY` one).
//!
//! The app's constructs do not cover custom domains and Route 53 yet, so
//! these are L1 resources.

use strata::apigateway::RestApi;
use strata::cfn::api_gateway as apigw;
use strata::cfn::route53;
use strata::prelude::*;

use crate::api::HEALTH_PATH;
use crate::config::{ApiDomain, Config};

/// Seconds between health checks from each checker.
pub const HEALTH_CHECK_INTERVAL: i64 = 30;
/// Failed checks in a row that mark the primary region unhealthy.
pub const HEALTH_CHECK_FAILURES: i64 = 3;

/// Adds a Route 53 HTTPS health check of `api`'s `/health` in this
/// region's stage.
pub fn health_check(stack: &Scope, config: &Config, api: &RestApi) -> route53::HealthCheckRef {
    let host = Fn::sub_with(
        "${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}",
        [("Api", api.rest_api_id())],
    );
    stack.resource(
        "PrimaryHealthCheck",
        route53::HealthCheck {
            health_check_tags: Some(Value::list([route53::health_check::HealthCheckTag::new(
                "Name",
                format!("{}-api-primary", config.prefix()),
            )])),
            ..route53::HealthCheck::new(route53::health_check::HealthCheckConfig {
                fully_qualified_domain_name: Some(host),
                resource_path: Some(format!("/{}{HEALTH_PATH}", config.stage.as_str()).into()),
                port: Some(443.into()),
                enable_sni: Some(true.into()),
                request_interval: Some(HEALTH_CHECK_INTERVAL.into()),
                failure_threshold: Some(HEALTH_CHECK_FAILURES.into()),
                ..route53::health_check::HealthCheckConfig::new("HTTPS")
            })
        },
    )
}

/// Adds the custom domain with its TLS 1.2 policy, the mapping to `api`'s
/// stage, and the alias record; with a `health_check`, the record is the
/// primary of a failover pair.
pub fn custom_domain(
    stack: &Scope,
    domain: &ApiDomain,
    api: &RestApi,
    health_check: Option<&route53::HealthCheckRef>,
) {
    let name = stack.resource(
        "CustomDomain",
        apigw::DomainName {
            domain_name: Some(domain.name.as_str().into()),
            regional_certificate_arn: Some(domain.certificate_arn.as_str().into()),
            endpoint_configuration: Some(
                apigw::domain_name::EndpointConfiguration {
                    types: Some(Value::list(["REGIONAL"])),
                    ..Default::default()
                }
                .into(),
            ),
            security_policy: Some("TLS_1_2".into()),
            ..apigw::DomainName::new()
        },
    );
    stack.resource(
        "CustomDomainMapping",
        apigw::BasePathMapping {
            rest_api_id: Some(api.rest_api_id()),
            stage: api.stage_name(),
            ..apigw::BasePathMapping::new(name.ref_())
        },
    );
    let region = stack.env().region.unwrap_or_default();
    stack.resource(
        "CustomDomainRecord",
        route53::RecordSet {
            hosted_zone_id: Some(domain.hosted_zone_id.as_str().into()),
            alias_target: Some(
                route53::record_set::AliasTarget {
                    evaluate_target_health: Some(true.into()),
                    ..route53::record_set::AliasTarget::new(
                        name.regional_domain_name(),
                        name.regional_hosted_zone_id(),
                    )
                }
                .into(),
            ),
            failover: health_check.map(|_| "PRIMARY".into()),
            health_check_id: health_check.map(|h| h.health_check_id()),
            set_identifier: health_check.map(|_| format!("primary-{region}").into()),
            ..route53::RecordSet::new(domain.name.as_str(), "A")
        },
    );
}
