//! The estimate as text tables (one per stack, then the totals and the
//! assumptions) or as JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use serde_json::{json, Value};

use super::estimate::{fmt_qty, LineItem, StackEstimate};
use super::pricing::Pricing;

/// The estimate of one app in one environment.
#[derive(Debug, Clone)]
pub struct EnvEstimate {
    /// The app crate.
    pub app: String,
    /// The environment.
    pub env: String,
    /// Its stacks, by artifact id.
    pub stacks: Vec<StackEstimate>,
    /// The usage assumptions its line items used.
    pub used_usage: BTreeSet<String>,
}

impl EnvEstimate {
    /// USD per month over every stack.
    pub fn total(&self) -> f64 {
        self.stacks.iter().map(StackEstimate::subtotal).sum()
    }

    /// USD per month with node groups and Auto Scaling groups at MaxSize.
    pub fn total_at_max(&self) -> f64 {
        self.stacks.iter().map(StackEstimate::subtotal_at_max).sum()
    }

    /// Resources the table cannot price, over every stack.
    pub fn unpriced(&self) -> usize {
        self.stacks.iter().map(|s| s.unpriced.len()).sum()
    }
}

/// `$1,234.56`.
pub fn usd(v: f64) -> String {
    let cents = (v * 100.0).round() as i64;
    let (sign, cents) = if cents < 0 {
        ("-", -cents)
    } else {
        ("", cents)
    };
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}${grouped}.{:02}", cents % 100)
}

/// Rounds to cents, for the JSON output.
fn cents(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Rows padded into columns; the last column right-aligned.
fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width: Vec<usize> = (0..cols)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::from("  ");
        for (i, cell) in row.iter().enumerate() {
            let pad = width[i].saturating_sub(cell.chars().count());
            if i + 1 == cols {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `3 AWS::EC2::Subnet, 1 AWS::EC2::VPC`.
fn counts(map: &BTreeMap<String, usize>) -> String {
    map.iter()
        .map(|(t, n)| format!("{n} {t}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rows of one line item: the first charge beside the resource, the
/// others below it.
fn item_rows(item: &LineItem, rows: &mut Vec<Vec<String>>) {
    for (i, ch) in item.charges.iter().enumerate() {
        let (id, ty) = if i == 0 {
            (item.logical_id.clone(), item.resource_type.clone())
        } else {
            (String::new(), String::new())
        };
        rows.push(vec![id, ty, ch.what.clone(), format!("{:.2}", ch.usd)]);
    }
    if item.charges.len() > 1 {
        rows.push(vec![
            String::new(),
            String::new(),
            "resource total".into(),
            format!("{:.2}", item.monthly()),
        ]);
    }
    if let Some(max) = item.at_max {
        rows.push(vec![
            String::new(),
            String::new(),
            "at MaxSize".into(),
            format!("({:.2})", max),
        ]);
    }
}

/// One stack's table, free/usage-only/unpriced lines and subtotal.
pub fn stack_text(s: &StackEstimate, priced_region: &str) -> String {
    let mut out = String::new();
    let region = match s.region.as_deref() {
        Some(r) if r != priced_region => format!(" ({r}, priced at {priced_region} rates)"),
        Some(r) => format!(" ({r})"),
        None => String::new(),
    };
    let _ = writeln!(out, "{}{region}", s.stack);
    let mut rows = vec![vec![
        "resource".into(),
        "type".into(),
        "priced dimension".into(),
        "USD/month".into(),
    ]];
    for item in &s.items {
        item_rows(item, &mut rows);
    }
    if s.items.is_empty() {
        rows.push(vec![
            "(no priced resources)".into(),
            String::new(),
            String::new(),
            "0.00".into(),
        ]);
    }
    out.push_str(&table(&rows));
    if !s.free.is_empty() {
        let n: usize = s.free.values().sum();
        let _ = writeln!(out, "  free ({n}): {}", counts(&s.free));
    }
    if !s.usage_only.is_empty() {
        let _ = writeln!(out, "  usage-based, $0 baseline: {}", counts(&s.usage_only));
    }
    for u in &s.unpriced {
        let _ = writeln!(
            out,
            "  UNPRICED {} ({}): {}",
            u.logical_id, u.resource_type, u.reason
        );
    }
    let (sub, max) = (s.subtotal(), s.subtotal_at_max());
    let at_max = if (max - sub).abs() >= 0.005 {
        format!(" ({} at MaxSize)", usd(max))
    } else {
        String::new()
    };
    let _ = writeln!(out, "  subtotal {}{at_max}\n", usd(sub));
    out
}

/// The text report: every app × environment's stacks, the totals, and
/// the assumptions behind them.
pub fn text(pricing: &Pricing, estimates: &[EnvEstimate]) -> String {
    let mut out = String::new();
    for e in estimates {
        let _ = writeln!(out, "=== {} · {} ===\n", e.app, e.env);
        for s in &e.stacks {
            out.push_str(&stack_text(s, &pricing.region));
        }
        let _ = writeln!(
            out,
            "{} · {}: {} a month ({} with node groups at MaxSize){}\n",
            e.app,
            e.env,
            usd(e.total()),
            usd(e.total_at_max()),
            match e.unpriced() {
                0 => String::new(),
                n => format!(", {n} resource(s) UNPRICED"),
            }
        );
    }
    out.push_str("Totals (USD a month)\n");
    let mut rows = vec![vec![
        "app".into(),
        "env".into(),
        "estimate".into(),
        "at MaxSize".into(),
        "unpriced".into(),
        "reference".into(),
    ]];
    for e in estimates {
        rows.push(vec![
            e.app.clone(),
            e.env.clone(),
            usd(e.total()),
            usd(e.total_at_max()),
            e.unpriced().to_string(),
            reference(pricing, e).unwrap_or_else(|| "-".into()),
        ]);
    }
    out.push_str(&table(&rows));
    for e in estimates {
        if let Some(r) = pricing
            .references
            .iter()
            .find(|r| r.app == e.app && r.env == e.env)
        {
            let _ = writeln!(
                out,
                "  {} · {}: the source says ~{} ({}); the estimate is {:.2}× that, {:.2}× with node groups at MaxSize",
                e.app,
                e.env,
                usd(r.monthly),
                r.source,
                e.total() / r.monthly,
                e.total_at_max() / r.monthly
            );
            if let Some(note) = &r.note {
                let _ = writeln!(out, "    {note}");
            }
        }
    }
    out.push('\n');
    out.push_str(&assumptions_text(pricing, estimates));
    out
}

/// The reference figure for `e`, if the table has one.
fn reference(pricing: &Pricing, e: &EnvEstimate) -> Option<String> {
    pricing
        .references
        .iter()
        .find(|r| r.app == e.app && r.env == e.env)
        .map(|r| format!("~{}", usd(r.monthly)))
}

/// The environments of `estimates`, in first-seen order.
fn envs_of(estimates: &[EnvEstimate]) -> Vec<String> {
    let mut envs: Vec<String> = Vec::new();
    for e in estimates {
        if !envs.contains(&e.env) {
            envs.push(e.env.clone());
        }
    }
    envs
}

/// The pricing header, the general assumptions, and each usage assumption
/// the estimates used with its value per environment.
pub fn assumptions_text(pricing: &Pricing, estimates: &[EnvEstimate]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Assumptions");
    let _ = writeln!(
        out,
        "  Prices: {} on-demand, {}, as of {} (xtask/pricing/{}.json).",
        pricing.region, pricing.currency, pricing.as_of, pricing.region
    );
    let _ = writeln!(out, "  Source: {}", pricing.source);
    let _ = writeln!(out, "  Refresh: {}", pricing.refresh);
    let a = &pricing.assumptions;
    for note in &a.notes {
        let _ = writeln!(out, "  - {note}");
    }
    let _ = writeln!(
        out,
        "  - SPOT discount: {}% off on-demand.",
        fmt_qty(a.spot_discount * 100.0)
    );
    let _ = writeln!(
        out,
        "  - CloudWatch Logs are stored compressed at {} of the ingested size.",
        fmt_qty(a.log_storage_ratio)
    );
    let envs = envs_of(estimates);
    let used: BTreeSet<&String> = estimates.iter().flat_map(|e| e.used_usage.iter()).collect();
    if !used.is_empty() {
        let _ = writeln!(
            out,
            "  Usage per resource and month ({}):",
            envs.join(" / ")
        );
        for key in used {
            let u = &a.usage[key];
            let values: Vec<String> = envs
                .iter()
                .map(|e| u.values.get(e).map_or("-".into(), |v| fmt_qty(*v)))
                .collect();
            let _ = writeln!(out, "  - {key}: {} {}", values.join(" / "), u.unit);
        }
    }
    out
}

/// The machine-readable report.
pub fn json(pricing: &Pricing, estimates: &[EnvEstimate]) -> Value {
    let envs = envs_of(estimates);
    let used: BTreeSet<&String> = estimates.iter().flat_map(|e| e.used_usage.iter()).collect();
    let usage: serde_json::Map<String, Value> = used
        .into_iter()
        .map(|key| {
            let u = &pricing.assumptions.usage[key];
            let values: serde_json::Map<String, Value> = envs
                .iter()
                .filter_map(|e| u.values.get(e).map(|v| (e.clone(), json!(v))))
                .collect();
            (key.clone(), json!({ "unit": u.unit, "values": values }))
        })
        .collect();
    json!({
        "pricing": {
            "region": pricing.region,
            "currency": pricing.currency,
            "as_of": pricing.as_of,
            "source": pricing.source,
            "refresh": pricing.refresh,
        },
        "estimates": estimates.iter().map(|e| json!({
            "app": e.app,
            "env": e.env,
            "monthly": cents(e.total()),
            "monthly_at_max": cents(e.total_at_max()),
            "reference": pricing.references.iter().find(|r| r.app == e.app && r.env == e.env)
                .map(|r| json!({ "monthly": r.monthly, "source": r.source, "note": r.note })),
            "stacks": e.stacks.iter().map(stack_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "assumptions": {
            "notes": pricing.assumptions.notes,
            "spot_discount": pricing.assumptions.spot_discount,
            "log_storage_ratio": pricing.assumptions.log_storage_ratio,
            "usage": usage,
        },
    })
}

/// One stack as JSON.
fn stack_json(s: &StackEstimate) -> Value {
    json!({
        "stack": s.stack,
        "region": s.region,
        "monthly": cents(s.subtotal()),
        "monthly_at_max": cents(s.subtotal_at_max()),
        "items": s.items.iter().map(|i| json!({
            "logical_id": i.logical_id,
            "type": i.resource_type,
            "monthly": cents(i.monthly()),
            "monthly_at_max": i.at_max.map(cents),
            "dimensions": i.charges.iter().map(|c| json!({
                "what": c.what,
                "monthly": cents(c.usd),
                "assumed": c.assumed,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "free": s.free,
        "usage_only": s.usage_only,
        "unpriced": s.unpriced.iter().map(|u| json!({
            "logical_id": u.logical_id,
            "type": u.resource_type,
            "reason": u.reason,
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::estimate::{Charge, Unpriced};
    use crate::cost::pricing::{Pricing, REGION};

    fn sample() -> EnvEstimate {
        let charge = |what: &str, usd: f64, assumed: bool| Charge {
            what: what.into(),
            usd,
            assumed,
        };
        let stack = StackEstimate {
            stack: "Net".into(),
            region: Some("us-west-2".into()),
            items: vec![
                LineItem {
                    logical_id: "Nat".into(),
                    resource_type: "AWS::EC2::NatGateway".into(),
                    charges: vec![
                        charge("1 × NAT gateway", 32.85, false),
                        charge("20 GB", 0.9, true),
                    ],
                    at_max: None,
                },
                LineItem {
                    logical_id: "Nodes".into(),
                    resource_type: "AWS::EKS::Nodegroup".into(),
                    charges: vec![charge("2 × t3.large", 1000.004, false)],
                    at_max: Some(5000.0),
                },
            ],
            free: BTreeMap::from([("AWS::EC2::Subnet".to_string(), 3)]),
            usage_only: BTreeMap::from([("AWS::Bedrock::Agent".to_string(), 1)]),
            unpriced: vec![Unpriced {
                logical_id: "Odd".into(),
                resource_type: "AWS::GameLift::Fleet".into(),
                reason: "no pricing rule".into(),
            }],
        };
        EnvEstimate {
            app: "support-agent".into(),
            env: "dev".into(),
            stacks: vec![stack],
            used_usage: BTreeSet::from(["nat_gb_per_gateway".to_string()]),
        }
    }

    #[test]
    fn dollars_are_grouped_and_rounded_to_cents() {
        assert_eq!(usd(0.0), "$0.00");
        assert_eq!(usd(15000.0), "$15,000.00");
        assert_eq!(usd(1234567.891), "$1,234,567.89");
        assert_eq!(usd(999.999), "$1,000.00");
        assert_eq!(usd(-2.5), "-$2.50");
    }

    #[test]
    fn the_text_report_lists_items_free_counts_gaps_totals_and_assumptions() {
        let pricing = Pricing::load(&crate::root(), REGION).unwrap();
        let e = sample();
        assert!((e.total() - 1033.754).abs() < 1e-9);
        assert_eq!(e.total_at_max(), 5033.75);
        let text = text(&pricing, &[e]);
        for expected in [
            "=== support-agent · dev ===",
            "Net (us-west-2, priced at us-east-1 rates)",
            "resource total",
            "at MaxSize",
            "free (3): 3 AWS::EC2::Subnet",
            "usage-based, $0 baseline: 1 AWS::Bedrock::Agent",
            "UNPRICED Odd (AWS::GameLift::Fleet): no pricing rule",
            "subtotal $1,033.75 ($5,033.75 at MaxSize)",
            "support-agent · dev: $1,033.75 a month ($5,033.75 with node groups at MaxSize), 1 resource(s) UNPRICED",
            "~$200.00",
            "the source says ~$200.00",
            "interface endpoints",
            "as of 2025-01-01",
            "- nat_gb_per_gateway: 20 GB processed per NAT gateway",
        ] {
            assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
        }
        assert!(text
            .lines()
            .any(|l| l.starts_with("  Nat ") && l.contains("AWS::EC2::NatGateway")));
        // Only the usage assumptions the items used are listed.
        assert!(!text.contains("s3_gb_per_bucket"));
    }

    #[test]
    fn the_json_report_rounds_to_cents_and_keeps_every_part() {
        let pricing = Pricing::load(&crate::root(), REGION).unwrap();
        let v = json(&pricing, &[sample()]);
        assert_eq!(v["pricing"]["as_of"], pricing.as_of.as_str());
        let e = &v["estimates"][0];
        assert_eq!(e["monthly"], 1033.75);
        assert_eq!(e["monthly_at_max"], 5033.75);
        assert_eq!(e["reference"]["monthly"], 200.0);
        let s = &e["stacks"][0];
        assert_eq!(s["items"][0]["dimensions"][1]["assumed"], true);
        assert_eq!(s["items"][1]["monthly"], 1000.0);
        assert_eq!(s["items"][1]["monthly_at_max"], 5000.0);
        assert_eq!(s["free"]["AWS::EC2::Subnet"], 3);
        assert_eq!(s["unpriced"][0]["logical_id"], "Odd");
        assert_eq!(
            v["assumptions"]["usage"]["nat_gb_per_gateway"]["values"]["dev"],
            20.0
        );
    }
}
