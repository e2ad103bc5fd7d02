//! The pricing table kept as data in `xtask/pricing/<region>.json`: its
//! header (region, date, source), unit prices, instance-hour prices by
//! type, the resource types known to be free, and the usage assumptions
//! per environment.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

/// The region whose table `cargo xtask cost` reads.
pub const REGION: &str = "us-east-1";

/// `xtask/pricing/<region>.json` under the workspace `root`.
pub fn table_path(root: &Path, region: &str) -> PathBuf {
    root.join("xtask")
        .join("pricing")
        .join(format!("{region}.json"))
}

/// One unit price.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    /// USD per `unit`.
    pub price: f64,
    /// What one unit is (`GB-month`, `instance-hour`, …).
    pub unit: String,
    /// What the price covers and what it leaves out.
    pub note: String,
}

/// Hourly prices of one service's instance (or node, or cache) types.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceTable {
    /// The unit of every price (`instance-hour`, `node-hour`).
    pub unit: String,
    /// What the prices cover.
    pub note: String,
    /// Type name → USD per unit.
    pub types: BTreeMap<String, f64>,
}

/// One usage assumption: its unit and its value in each environment.
#[derive(Debug, Clone, Deserialize)]
pub struct Usage {
    /// What the number counts, per resource and month.
    pub unit: String,
    /// Environment → value.
    #[serde(flatten)]
    pub values: BTreeMap<String, f64>,
}

/// The assumptions section: discounts and usage, stated and printed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assumptions {
    /// Fraction taken off the on-demand price for SPOT capacity.
    pub spot_discount: f64,
    /// Compressed stored size of CloudWatch Logs per GB ingested.
    pub log_storage_ratio: f64,
    /// Statements printed with every estimate.
    pub notes: Vec<String>,
    /// Usage assumption key → its unit and per-environment values.
    pub usage: BTreeMap<String, Usage>,
}

/// A published figure to compare an estimate with (a seed's own statement).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// The app crate.
    pub app: String,
    /// The environment.
    pub env: String,
    /// USD per month, as the source states it.
    pub monthly: f64,
    /// Where the figure comes from.
    pub source: String,
    /// Why the estimate differs from the figure, when it does.
    #[serde(default)]
    pub note: Option<String>,
}

/// The whole pricing table of one region.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pricing {
    /// The AWS region the prices are for.
    pub region: String,
    /// ISO 4217 currency of every price.
    pub currency: String,
    /// The day the prices are believed to reflect (`YYYY-MM-DD`).
    pub as_of: String,
    /// Where the figures come from.
    pub source: String,
    /// How to refresh them.
    pub refresh: String,
    /// Hours in the billing month.
    pub hours_per_month: f64,
    /// Price key (`service.dimension`) → unit price.
    pub prices: BTreeMap<String, Price>,
    /// Table name (`ec2`, `rds_postgres`, …) → hourly prices by type.
    pub instance_hours: BTreeMap<String, InstanceTable>,
    /// Resource types that cost nothing by themselves.
    pub free_types: BTreeSet<String>,
    /// Resource types billed only by use, with a $0 baseline: type → why.
    pub usage_only: BTreeMap<String, String>,
    /// Discounts and usage assumptions.
    pub assumptions: Assumptions,
    /// Published figures to compare estimates with.
    #[serde(default)]
    pub references: Vec<Reference>,
}

impl Pricing {
    /// Reads and checks `xtask/pricing/<region>.json`.
    pub fn load(root: &Path, region: &str) -> Result<Pricing> {
        let path = table_path(root, region);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let table = Pricing::parse(&text).with_context(|| format!("in {}", path.display()))?;
        if table.region != region {
            bail!(
                "{} says region {:?}, expected {region:?}",
                path.display(),
                table.region
            );
        }
        Ok(table)
    }

    /// Parses a table from JSON text and checks it (see [`Pricing::check`]).
    pub fn parse(text: &str) -> Result<Pricing> {
        let table: Pricing = serde_json::from_str(text).context("parsing the pricing table")?;
        table.check()?;
        Ok(table)
    }

    /// Every problem of the table: an incomplete header, a price without a
    /// unit or not above zero, an empty instance table, a usage assumption
    /// missing an environment another one has, or a discount outside 0..1.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (field, value) in [
            ("region", &self.region),
            ("currency", &self.currency),
            ("source", &self.source),
            ("refresh", &self.refresh),
        ] {
            if value.trim().is_empty() {
                out.push(format!("the header field {field} is empty"));
            }
        }
        if !is_iso_date(&self.as_of) {
            out.push(format!("as_of {:?} is not a YYYY-MM-DD date", self.as_of));
        }
        if !positive(self.hours_per_month) {
            out.push("hours_per_month must be above 0".into());
        }
        for (key, p) in &self.prices {
            if !positive(p.price) {
                out.push(format!("price {key} must be above 0"));
            }
            if p.unit.trim().is_empty() || p.note.trim().is_empty() {
                out.push(format!("price {key} needs a unit and a note"));
            }
        }
        for (name, t) in &self.instance_hours {
            if t.unit.trim().is_empty() || t.note.trim().is_empty() || t.types.is_empty() {
                out.push(format!(
                    "instance table {name} needs a unit, a note and types"
                ));
            }
            for (ty, price) in &t.types {
                if !positive(*price) {
                    out.push(format!("instance table {name}: {ty} must be above 0"));
                }
            }
        }
        let a = &self.assumptions;
        if !(0.0..1.0).contains(&a.spot_discount) {
            out.push("spot_discount must be in 0..1".into());
        }
        if !(a.log_storage_ratio > 0.0 && a.log_storage_ratio <= 1.0) {
            out.push("log_storage_ratio must be in (0, 1]".into());
        }
        let envs: BTreeSet<&String> = a.usage.values().flat_map(|u| u.values.keys()).collect();
        for (key, u) in &a.usage {
            if u.unit.trim().is_empty() {
                out.push(format!("usage {key} needs a unit"));
            }
            for env in &envs {
                match u.values.get(*env) {
                    None => out.push(format!("usage {key} has no value for environment {env}")),
                    Some(v) if !(v.is_finite() && *v >= 0.0) => {
                        out.push(format!("usage {key} for {env} must be 0 or more"))
                    }
                    Some(_) => {}
                }
            }
        }
        for ty in self.usage_only.keys() {
            if self.free_types.contains(ty) {
                out.push(format!("{ty} is both free and usage-only"));
            }
        }
        out
    }

    /// Fails naming every problem of [`Pricing::problems`].
    pub fn check(&self) -> Result<()> {
        let problems = self.problems();
        if !problems.is_empty() {
            bail!("the pricing table is invalid:\n  {}", problems.join("\n  "));
        }
        Ok(())
    }

    /// The environments the usage assumptions have values for.
    pub fn environments(&self) -> BTreeSet<String> {
        self.assumptions
            .usage
            .values()
            .flat_map(|u| u.values.keys().cloned())
            .collect()
    }
}

/// A finite number above zero (NaN is not).
fn positive(x: f64) -> bool {
    x.is_finite() && x > 0.0
}

/// `YYYY-MM-DD` with a plausible month and day.
fn is_iso_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    let num = |p: &str, len: usize| {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u32>().ok())
            .flatten()
    };
    matches!(
        (num(y, 4), num(m, 2), num(d, 2)),
        (Some(_), Some(1..=12), Some(1..=31))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checked_in_table_loads_complete() {
        let table = Pricing::load(&crate::root(), REGION).unwrap();
        assert_eq!(table.region, "us-east-1");
        assert_eq!(table.currency, "USD");
        assert!(is_iso_date(&table.as_of));
        assert!(table.source.contains("AWS"));
        assert!(table.refresh.contains("Price List API"));
        assert!(table.problems().is_empty(), "{:?}", table.problems());
        for (key, p) in &table.prices {
            assert!(p.price > 0.0 && !p.unit.is_empty(), "{key}");
        }
        for (name, t) in &table.instance_hours {
            assert!(!t.unit.is_empty() && !t.types.is_empty(), "{name}");
            assert!(t.types.values().all(|p| *p > 0.0), "{name}");
        }
        let envs = table.environments();
        for env in ["dev", "staging", "prod"] {
            assert!(envs.contains(env), "no usage for {env}");
        }
    }

    #[test]
    fn every_usage_and_price_key_the_estimator_names_is_in_the_table() {
        let table = Pricing::load(&crate::root(), REGION).unwrap();
        for key in super::super::rules::USAGE_KEYS {
            assert!(table.assumptions.usage.contains_key(*key), "usage {key}");
        }
        for key in super::super::rules::PRICE_KEYS {
            assert!(table.prices.contains_key(*key), "price {key}");
        }
        for key in super::super::rules::INSTANCE_TABLES {
            assert!(table.instance_hours.contains_key(*key), "table {key}");
        }
    }

    #[test]
    fn an_incomplete_table_is_refused_with_every_problem_named() {
        let text = r#"{
          "region": "us-east-1", "currency": "", "as_of": "2025-13-01",
          "source": "s", "refresh": "r", "hours_per_month": 730,
          "prices": {
            "a.free": { "price": 0, "unit": "GB", "note": "n" },
            "a.nounit": { "price": 1, "unit": " ", "note": "n" }
          },
          "instance_hours": { "ec2": { "unit": "h", "note": "n", "types": {} } },
          "free_types": ["AWS::IAM::Role"],
          "usage_only": { "AWS::IAM::Role": "x" },
          "assumptions": {
            "spot_discount": 1.5, "log_storage_ratio": 0.1, "notes": [],
            "usage": { "x": { "unit": "GB", "dev": 1 }, "y": { "unit": "GB", "prod": 1 } }
          }
        }"#;
        let err = format!("{:#}", Pricing::parse(text).unwrap_err());
        for expected in [
            "currency is empty",
            "as_of \"2025-13-01\"",
            "price a.free must be above 0",
            "price a.nounit needs a unit",
            "instance table ec2 needs",
            "spot_discount",
            "usage x has no value for environment prod",
            "usage y has no value for environment dev",
            "AWS::IAM::Role is both free and usage-only",
        ] {
            assert!(err.contains(expected), "{expected:?} not in {err}");
        }
    }

    #[test]
    fn unknown_fields_are_refused() {
        let table = std::fs::read_to_string(table_path(&crate::root(), REGION)).unwrap();
        let typo = table.replacen("\"as_of\"", "\"asof\"", 1);
        assert!(Pricing::parse(&typo).is_err());
    }

    #[test]
    fn dates_are_checked() {
        assert!(is_iso_date("2025-01-01"));
        assert!(!is_iso_date("2025-1-01"));
        assert!(!is_iso_date("2025-00-10"));
        assert!(!is_iso_date("January 2025"));
    }
}
