//! Template → line items: every resource of a stack template is priced by
//! its rule in [`super::rules`] from the quantities the template declares
//! (instance types, counts, sizes) and the environment's usage
//! assumptions; types known to be free are counted, types billed only by
//! use are counted with a $0 baseline, and anything else is listed as
//! unpriced so that gaps stay visible.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::pricing::Pricing;
use super::rules;

/// One priced dimension of a resource: what is counted and its monthly cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Charge {
    /// The quantity and unit price, e.g. `2 × db.r6g.large × 730 h @ $0.225/h`.
    pub what: String,
    /// USD per month.
    pub usd: f64,
    /// Whether the quantity is a usage assumption rather than read from the template.
    pub assumed: bool,
}

/// A priced resource.
#[derive(Debug, Clone, PartialEq)]
pub struct LineItem {
    /// The logical ID in the template.
    pub logical_id: String,
    /// The CloudFormation type.
    pub resource_type: String,
    /// Its priced dimensions.
    pub charges: Vec<Charge>,
    /// USD per month with the resource at its maximum size, when the
    /// template declares one (node groups, Auto Scaling groups).
    pub at_max: Option<f64>,
}

impl LineItem {
    /// USD per month: the sum of the charges.
    pub fn monthly(&self) -> f64 {
        self.charges.iter().map(|c| c.usd).sum()
    }

    /// USD per month at maximum size (the monthly cost when no maximum).
    pub fn monthly_at_max(&self) -> f64 {
        self.at_max.unwrap_or_else(|| self.monthly())
    }
}

/// A resource the table cannot price, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Unpriced {
    /// The logical ID in the template.
    pub logical_id: String,
    /// The CloudFormation type.
    pub resource_type: String,
    /// What is missing.
    pub reason: String,
}

/// The estimate of one stack template.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StackEstimate {
    /// The stack (artifact id).
    pub stack: String,
    /// The region the stack deploys to, when the manifest names one.
    pub region: Option<String>,
    /// Priced resources, in template order.
    pub items: Vec<LineItem>,
    /// Free resources: type → count.
    pub free: BTreeMap<String, usize>,
    /// Resources billed only by use, $0 baseline: type → count.
    pub usage_only: BTreeMap<String, usize>,
    /// Resources the table cannot price.
    pub unpriced: Vec<Unpriced>,
}

impl StackEstimate {
    /// USD per month of the priced resources.
    pub fn subtotal(&self) -> f64 {
        self.items.iter().map(LineItem::monthly).sum()
    }

    /// USD per month with every resource at its maximum size.
    pub fn subtotal_at_max(&self) -> f64 {
        self.items.iter().map(LineItem::monthly_at_max).sum()
    }
}

/// What a pricing rule makes of one resource.
#[derive(Debug)]
pub enum Outcome {
    /// Charges, and the monthly cost at maximum size when there is one.
    Priced(Vec<Charge>, Option<f64>),
    /// No cost of its own.
    Free,
    /// Not priceable from the table or the template, and why.
    Unpriced(String),
}

/// Prices templates for one environment, recording which usage
/// assumptions and prices it used.
pub struct Estimator<'a> {
    /// The pricing table.
    pub pricing: &'a Pricing,
    /// The environment whose usage assumptions apply.
    pub env: String,
    used_usage: RefCell<BTreeSet<String>>,
}

impl<'a> Estimator<'a> {
    /// An estimator for `env`; the environment must have usage assumptions.
    pub fn new(pricing: &'a Pricing, env: &str) -> anyhow::Result<Estimator<'a>> {
        if !pricing.environments().contains(env) {
            anyhow::bail!(
                "the pricing table has no usage assumptions for environment {env:?} (it has {}); add a {env:?} value to every entry of assumptions.usage",
                pricing.environments().into_iter().collect::<Vec<_>>().join(", ")
            );
        }
        Ok(Estimator {
            pricing,
            env: env.to_string(),
            used_usage: RefCell::new(BTreeSet::new()),
        })
    }

    /// The usage assumption keys used so far.
    pub fn used_usage(&self) -> BTreeSet<String> {
        self.used_usage.borrow().clone()
    }

    /// Prices every resource of `template`.
    pub fn stack(&self, stack: &str, region: Option<String>, template: &Value) -> StackEstimate {
        let mut out = StackEstimate {
            stack: stack.to_string(),
            region,
            ..StackEstimate::default()
        };
        let empty = serde_json::Map::new();
        let resources = template["Resources"].as_object().unwrap_or(&empty);
        let ctx = Ctx {
            est: self,
            template,
        };
        for (id, resource) in resources {
            let ty = resource["Type"].as_str().unwrap_or("").to_string();
            let outcome = if self.pricing.usage_only.contains_key(&ty) {
                *out.usage_only.entry(ty).or_default() += 1;
                continue;
            } else if self.pricing.free_types.contains(&ty) || is_custom(&ty) {
                Outcome::Free
            } else {
                rules::price(&ctx, &ty, &resource["Properties"])
            };
            match outcome {
                Outcome::Priced(charges, _) if charges.is_empty() => {
                    *out.free.entry(ty).or_default() += 1;
                }
                Outcome::Priced(charges, at_max) => out.items.push(LineItem {
                    logical_id: id.clone(),
                    resource_type: ty,
                    charges,
                    at_max,
                }),
                Outcome::Free => *out.free.entry(ty).or_default() += 1,
                Outcome::Unpriced(reason) => out.unpriced.push(Unpriced {
                    logical_id: id.clone(),
                    resource_type: ty,
                    reason,
                }),
            }
        }
        out
    }
}

/// Custom resources cost nothing by themselves (their Lambda is priced).
fn is_custom(ty: &str) -> bool {
    ty.starts_with("Custom::") || ty == "AWS::CloudFormation::CustomResource"
}

/// What a rule sees: the table, the environment, and the whole template
/// (to follow `Ref`s to parameters and to other resources).
pub struct Ctx<'e, 'a> {
    est: &'e Estimator<'a>,
    template: &'e Value,
}

impl Ctx<'_, '_> {
    /// Hours in the billing month.
    pub fn hours(&self) -> f64 {
        self.est.pricing.hours_per_month
    }

    /// The SPOT discount (fraction off on-demand).
    pub fn spot_discount(&self) -> f64 {
        self.est.pricing.assumptions.spot_discount
    }

    /// Compressed stored size of CloudWatch Logs per GB ingested.
    pub fn log_storage_ratio(&self) -> f64 {
        self.est.pricing.assumptions.log_storage_ratio
    }

    /// A unit price and its unit.
    pub fn price(&self, key: &str) -> Result<(f64, &str), String> {
        self.est
            .pricing
            .prices
            .get(key)
            .map(|p| (p.price, p.unit.as_str()))
            .ok_or_else(|| format!("no price {key} in the pricing table"))
    }

    /// The hourly price of `ty` in instance table `table`.
    pub fn instance(&self, table: &str, ty: &str) -> Result<f64, String> {
        let t = self
            .est
            .pricing
            .instance_hours
            .get(table)
            .ok_or_else(|| format!("no instance table {table} in the pricing table"))?;
        t.types
            .get(ty)
            .copied()
            .ok_or_else(|| format!("no {table} price for {ty} in the pricing table"))
    }

    /// The environment's value of usage assumption `key`.
    pub fn usage(&self, key: &str) -> Result<f64, String> {
        let u = self
            .est
            .pricing
            .assumptions
            .usage
            .get(key)
            .ok_or_else(|| format!("no usage assumption {key} in the pricing table"))?;
        let v = u
            .values
            .get(&self.est.env)
            .copied()
            .ok_or_else(|| format!("usage assumption {key} has no {} value", self.est.env))?;
        self.est.used_usage.borrow_mut().insert(key.to_string());
        Ok(v)
    }

    /// A charge of `qty` units of price `key`, described as `label`.
    pub fn charge(
        &self,
        label: &str,
        qty: f64,
        key: &str,
        assumed: bool,
    ) -> Result<Charge, String> {
        let (price, unit) = self.price(key)?;
        let marker = if assumed { " (assumed)" } else { "" };
        Ok(Charge {
            what: format!(
                "{} {label}{marker} @ ${} per {unit}",
                fmt_qty(qty),
                fmt_price(price)
            ),
            usd: qty * price,
            assumed,
        })
    }

    /// A usage-based charge: assumption `usage` × `per` units of price `key`.
    pub fn assumed(&self, label: &str, usage: &str, key: &str) -> Result<Charge, String> {
        let qty = self.usage(usage)?;
        self.charge(label, qty, key, true)
    }

    /// `count` × `ty` for the whole month at `hourly` USD per hour.
    pub fn hourly(&self, count: f64, ty: &str, hourly: f64) -> Charge {
        let h = self.hours();
        Charge {
            what: format!(
                "{} × {ty} × {} h @ ${}/h",
                fmt_qty(count),
                fmt_qty(h),
                fmt_price(hourly)
            ),
            usd: count * h * hourly,
            assumed: false,
        }
    }

    /// `count` × `ty` at its price in instance table `table` for the month.
    pub fn instance_hours(&self, count: f64, table: &str, ty: &str) -> Result<Charge, String> {
        Ok(self.hourly(count, ty, self.instance(table, ty)?))
    }

    /// `value`, following a `Ref` to a parameter's `Default`.
    pub fn resolve<'v>(&'v self, value: &'v Value) -> &'v Value {
        if let Some(name) = value["Ref"].as_str() {
            let param = &self.template["Parameters"][name];
            if !param.is_null() {
                return &param["Default"];
            }
        }
        value
    }

    /// The properties of the resource `value` refers to (`Ref` or
    /// `Fn::GetAtt`) in this template, with its type.
    pub fn referenced(&self, value: &Value) -> Option<(&str, &Value)> {
        let id = value["Ref"]
            .as_str()
            .or_else(|| value["Fn::GetAtt"][0].as_str())?;
        let r = &self.template["Resources"][id];
        Some((r["Type"].as_str()?, &r["Properties"]))
    }

    /// A literal string property (`Ok(None)` when absent).
    pub fn str_of(&self, props: &Value, key: &str) -> Result<Option<String>, String> {
        match self.resolve(&props[key]) {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s.clone())),
            Value::Number(n) => Ok(Some(n.to_string())),
            Value::Bool(b) => Ok(Some(b.to_string())),
            _ => Err(format!("{key} is not a literal in the template")),
        }
    }

    /// A literal numeric property, numbers written as strings included
    /// (`Ok(None)` when absent).
    pub fn num_of(&self, props: &Value, key: &str) -> Result<Option<f64>, String> {
        num(self.resolve(&props[key]), key)
    }

    /// A literal boolean property (`false` when absent).
    pub fn flag(&self, props: &Value, key: &str) -> bool {
        match self.resolve(&props[key]) {
            Value::Bool(b) => *b,
            Value::String(s) => s.eq_ignore_ascii_case("true"),
            _ => false,
        }
    }
}

/// A JSON number or numeric string; `Ok(None)` for null.
pub fn num(value: &Value, key: &str) -> Result<Option<f64>, String> {
    match value {
        Value::Null => Ok(None),
        Value::Number(n) => Ok(n.as_f64()),
        Value::String(s) => s
            .parse::<f64>()
            .map(Some)
            .map_err(|_| format!("{key} {s:?} is not a number")),
        _ => Err(format!("{key} is not a literal in the template")),
    }
}

/// A quantity without trailing zeros: `3`, `0.5`, `1.25`.
pub fn fmt_qty(q: f64) -> String {
    let s = format!("{q:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// A unit price with the digits it needs (up to 10 decimals).
pub fn fmt_price(p: f64) -> String {
    let s = format!("{p:.10}");
    let s = s.trim_end_matches('0');
    match s.split_once('.') {
        Some((int, frac)) if frac.len() < 2 => format!("{int}.{frac:0<2}"),
        _ => s.to_string(),
    }
}
