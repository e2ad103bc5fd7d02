//! Managed services billed per item or per use: KMS, Secrets Manager,
//! CloudWatch, WAF, API Gateway, Cognito, Route 53, CloudFront, SQS, SNS,
//! EventBridge and Parameter Store.

use serde_json::Value;

use super::Rule;
use crate::cost::estimate::{fmt_qty, Ctx, Outcome};

/// One unit a month of price `key` (a dashboard, a hosted zone…).
pub fn fixed(c: &Ctx, key: &str) -> Rule {
    let (_, unit) = c.price(key)?;
    let unit = unit.to_string();
    Ok(Outcome::Priced(
        vec![c.charge(&unit, 1.0, key, false)?],
        None,
    ))
}

/// Per-use only: the assumed millions of `what`.
pub fn per_use(c: &Ctx, what: &str, usage: &str, key: &str) -> Rule {
    Ok(Outcome::Priced(
        vec![c.assumed(&format!("million {what}"), usage, key)?],
        None,
    ))
}

/// KMS key (or multi-Region replica): the key-month and assumed requests.
pub fn kms_key(c: &Ctx) -> Rule {
    let thousand = c.usage("kms_thousand_requests_per_key")?;
    Ok(Outcome::Priced(
        vec![
            c.charge("key-month", 1.0, "kms.key_month", false)?,
            c.charge(
                "× 10,000 requests",
                thousand / 10.0,
                "kms.requests_10k",
                true,
            )?,
        ],
        None,
    ))
}

/// Secret: one secret-month, plus one per replica region.
pub fn secret(c: &Ctx, p: &Value) -> Rule {
    let replicas = p["ReplicaRegions"].as_array().map_or(0, Vec::len);
    let label = if replicas > 0 {
        format!("secret-months (1 + {replicas} replicas)")
    } else {
        "secret-month".into()
    };
    Ok(Outcome::Priced(
        vec![c.charge(
            &label,
            1.0 + replicas as f64,
            "secretsmanager.secret_month",
            false,
        )?],
        None,
    ))
}

/// Metric alarm: one charge per metric it evaluates (three for an anomaly
/// detection band), high resolution when its period is under 60 s.
pub fn alarm(c: &Ctx, p: &Value) -> Rule {
    let (mut metrics, mut period) = (1.0, c.num_of(p, "Period")?);
    if let Some(list) = p["Metrics"].as_array() {
        let stats: Vec<&Value> = list
            .iter()
            .map(|m| &m["MetricStat"])
            .filter(|s| !s.is_null())
            .collect();
        metrics = (stats.len() as f64).max(1.0);
        for s in stats {
            if let Some(p) = c.num_of(s, "Period")? {
                period = Some(period.map_or(p, |q: f64| q.min(p)));
            }
        }
    }
    if !p["ThresholdMetricId"].is_null() {
        metrics *= 3.0;
    }
    let high = period.is_some_and(|p| p < 60.0);
    let key = if high {
        "cloudwatch.alarm_high_resolution_metric_month"
    } else {
        "cloudwatch.alarm_metric_month"
    };
    let label = if high {
        "high-resolution alarm metric"
    } else {
        "alarm metric"
    };
    Ok(Outcome::Priced(
        vec![c.charge(label, metrics, key, false)?],
        None,
    ))
}

/// Log group: assumed ingestion, and its compressed storage over the
/// retention period (at most a year's worth).
pub fn log_group(c: &Ctx, p: &Value) -> Rule {
    if c.str_of(p, "LogGroupClass")?.as_deref() == Some("INFREQUENT_ACCESS") {
        return Err("the Infrequent Access log class is not in the pricing table".into());
    }
    let gb = c.usage("log_gb_per_group")?;
    let ratio = c.log_storage_ratio();
    let months = match c.num_of(p, "RetentionInDays")? {
        Some(days) => (days / 30.0).min(12.0),
        None => 12.0,
    };
    Ok(Outcome::Priced(
        vec![
            c.charge("GB ingested", gb, "cloudwatch.logs_ingest_gb", true)?,
            c.charge(
                &format!(
                    "GB-month stored ({} GB × {} compressed × {} months retained)",
                    fmt_qty(gb),
                    fmt_qty(ratio),
                    fmt_qty(months)
                ),
                gb * ratio * months,
                "cloudwatch.logs_storage_gb_month",
                true,
            )?,
        ],
        None,
    ))
}

/// Metric filter: one custom metric per transformation.
pub fn metric_filter(c: &Ctx, p: &Value) -> Rule {
    let n = p["MetricTransformations"]
        .as_array()
        .map_or(1, Vec::len)
        .max(1);
    Ok(Outcome::Priced(
        vec![c.charge(
            "custom metric-months",
            n as f64,
            "cloudwatch.custom_metric_month",
            false,
        )?],
        None,
    ))
}

/// Managed rule groups with a subscription fee of their own.
const PAID_RULE_GROUPS: &[&str] = &[
    "AWSManagedRulesBotControlRuleSet",
    "AWSManagedRulesATPRuleSet",
    "AWSManagedRulesACFPRuleSet",
];

/// WAF web ACL: the ACL, one charge per rule, and assumed requests.
pub fn web_acl(c: &Ctx, p: &Value) -> Rule {
    let rules = p["Rules"].as_array().cloned().unwrap_or_default();
    for r in &rules {
        let name = r["Statement"]["ManagedRuleGroupStatement"]["Name"]
            .as_str()
            .unwrap_or("");
        if PAID_RULE_GROUPS.contains(&name) {
            return Err(format!(
                "the {name} subscription is not in the pricing table"
            ));
        }
    }
    Ok(Outcome::Priced(
        vec![
            c.charge("web ACL-month", 1.0, "waf.web_acl_month", false)?,
            c.charge("rule-months", rules.len() as f64, "waf.rule_month", false)?,
            c.assumed(
                "million requests",
                "waf_million_requests_per_acl",
                "waf.requests_million",
            )?,
        ],
        None,
    ))
}

/// REST API: assumed requests.
pub fn rest_api(c: &Ctx) -> Rule {
    per_use(
        c,
        "requests",
        "api_million_requests_per_api",
        "apigateway.rest_requests_million",
    )
}

/// REST API stage: its cache cluster by size, and X-Ray traces of the
/// API's assumed requests when tracing is on; otherwise free.
pub fn rest_stage(c: &Ctx, p: &Value) -> Rule {
    let mut charges = Vec::new();
    if c.flag(p, "CacheClusterEnabled") {
        let size = c
            .str_of(p, "CacheClusterSize")?
            .unwrap_or_else(|| "0.5".into());
        let price = c.instance("apigateway_cache", &size)?;
        charges.push(c.hourly(1.0, &format!("{size} GB API cache"), price));
    }
    if c.flag(p, "TracingEnabled") {
        let million = c.usage("api_million_requests_per_api")?;
        let fraction = c.usage("xray_sampled_fraction")?;
        charges.push(c.charge(
            &format!(
                "million traces ({} M requests × {} sampled)",
                fmt_qty(million),
                fmt_qty(fraction)
            ),
            million * fraction,
            "xray.traces_million",
            true,
        )?);
    }
    Ok(Outcome::Priced(charges, None))
}

/// HTTP API by assumed requests; WebSocket API by assumed messages and
/// connection minutes.
pub fn api_v2(c: &Ctx, p: &Value) -> Rule {
    match c.str_of(p, "ProtocolType")?.as_deref() {
        Some("WEBSOCKET") => Ok(Outcome::Priced(
            vec![
                c.assumed(
                    "million messages",
                    "websocket_million_messages_per_api",
                    "apigateway.websocket_messages_million",
                )?,
                c.assumed(
                    "million connection-minutes",
                    "websocket_million_connection_minutes_per_api",
                    "apigateway.websocket_connection_minutes_million",
                )?,
            ],
            None,
        )),
        _ => per_use(
            c,
            "requests",
            "api_million_requests_per_api",
            "apigateway.http_requests_million",
        ),
    }
}

/// User pool: assumed monthly active users above the free ones.
pub fn user_pool(c: &Ctx, p: &Value) -> Rule {
    let mode = c.str_of(&p["UserPoolAddOns"], "AdvancedSecurityMode")?;
    if matches!(mode.as_deref(), Some("AUDIT" | "ENFORCED"))
        || c.str_of(p, "UserPoolTier")?.as_deref() == Some("PLUS")
    {
        return Err("the Plus tier (threat protection) is not in the pricing table".into());
    }
    let mau = c.usage("cognito_mau_per_pool")?;
    let free = c.usage("cognito_free_mau")?;
    let billable = (mau - free).max(0.0);
    Ok(Outcome::Priced(
        vec![c.charge(
            &format!("billable MAU ({} − {} free)", fmt_qty(mau), fmt_qty(free)),
            billable,
            "cognito.mau",
            true,
        )?],
        None,
    ))
}

/// Route 53 health check: the check and its optional features (HTTPS,
/// string matching, fast interval, latency measurement).
pub fn health_check(c: &Ctx, p: &Value) -> Rule {
    let cfg = &p["HealthCheckConfig"];
    let mut features = match c.str_of(cfg, "Type")?.as_deref() {
        Some("HTTPS") | Some("HTTP_STR_MATCH") => 1.0,
        Some("HTTPS_STR_MATCH") => 2.0,
        _ => 0.0,
    };
    if c.num_of(cfg, "RequestInterval")? == Some(10.0) {
        features += 1.0;
    }
    if c.flag(cfg, "MeasureLatency") {
        features += 1.0;
    }
    let mut charges = vec![c.charge(
        "health check-month",
        1.0,
        "route53.health_check_month",
        false,
    )?];
    if features > 0.0 {
        charges.push(c.charge(
            "optional feature-months",
            features,
            "route53.health_check_feature_month",
            false,
        )?);
    }
    Ok(Outcome::Priced(charges, None))
}

/// CloudFront distribution: assumed data out and HTTPS requests.
pub fn distribution(c: &Ctx) -> Rule {
    let million = c.usage("cloudfront_million_requests_per_distribution")?;
    Ok(Outcome::Priced(
        vec![
            c.assumed(
                "GB out",
                "cloudfront_gb_per_distribution",
                "cloudfront.gb_out",
            )?,
            c.charge(
                "× 10,000 HTTPS requests",
                million * 100.0,
                "cloudfront.https_requests_10k",
                true,
            )?,
        ],
        None,
    ))
}

/// Parameter Store: advanced parameters cost a month each; standard ones
/// are free.
pub fn ssm_parameter(c: &Ctx, p: &Value) -> Rule {
    if c.str_of(p, "Tier")?.as_deref() == Some("Advanced") {
        return fixed(c, "ssm.advanced_parameter_month");
    }
    Ok(Outcome::Free)
}
