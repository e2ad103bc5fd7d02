//! Validation rules: pattern vetting and the per-service rule table.

use std::collections::HashMap;

use super::model::{Cons, TypeModel};
use super::names::str_lit;

/// Drops patterns `regex_lite` cannot compile (the validator would ignore
/// them anyway). Returns the number of distinct skipped patterns and the
/// number of places they appeared.
pub fn drop_bad_patterns(models: &mut [TypeModel]) -> (usize, usize) {
    let mut ok: HashMap<String, bool> = HashMap::new();
    let mut places = 0;
    let mut vet = |c: &mut Cons| {
        if let Some(p) = &c.pattern {
            let good = *ok
                .entry(p.clone())
                .or_insert_with(|| regex_lite::Regex::new(p).is_ok());
            if !good {
                c.pattern = None;
                places += 1;
            }
        }
    };
    for m in models.iter_mut() {
        for s in &mut m.structs {
            for f in &mut s.fields {
                vet(&mut f.rule);
                vet(&mut f.item_rule);
            }
        }
    }
    let distinct = ok.values().filter(|g| !**g).count();
    (distinct, places)
}

/// The `Rule` statics of one service file, deduplicated, named in order of
/// first use.
#[derive(Default)]
pub struct RuleTable {
    index: HashMap<String, usize>,
    bodies: Vec<String>,
}

impl RuleTable {
    /// The static's name for these constraints.
    pub fn name(&mut self, c: &Cons) -> String {
        let body = rule_body(c);
        let n = self.bodies.len();
        let i = *self.index.entry(body.clone()).or_insert(n);
        if i == n {
            self.bodies.push(body);
        }
        format!("RULE_{i}")
    }

    pub fn is_empty(&self) -> bool {
        self.bodies.is_empty()
    }

    pub fn len(&self) -> usize {
        self.bodies.len()
    }

    /// The `mod rules_ { … }` item (indented for the service file).
    pub fn render(&self) -> String {
        let mut out = String::from("mod rules_ {\n    use strata_core::Rule;\n");
        for (i, body) in self.bodies.iter().enumerate() {
            out.push('\n');
            out.push_str(&format!("    pub(super) static RULE_{i}: Rule = {body};\n"));
        }
        out.push_str("}\n");
        out
    }
}

/// The `Rule { … }` literal, formatted as rustfmt would inside `mod rules_`.
fn rule_body(c: &Cons) -> String {
    let mut lines: Vec<String> = Vec::new();
    let uint = |name: &str, v: Option<u64>, lines: &mut Vec<String>| {
        if let Some(v) = v {
            lines.push(format!("{name}: Some({v}),"));
        }
    };
    uint("min_len", c.min_len, &mut lines);
    uint("max_len", c.max_len, &mut lines);
    if let Some(p) = &c.pattern {
        let lit = str_lit(p);
        // `        pattern: Some(<lit>),` must fit in 100 columns, else rustfmt
        // breaks the call.
        if 8 + 16 + lit.chars().count() <= 100 {
            lines.push(format!("pattern: Some({lit}),"));
        } else {
            lines.push(format!("pattern: Some(\n            {lit},\n        ),"));
        }
    }
    if !c.allowed.is_empty() {
        let items: Vec<String> = c.allowed.iter().map(|a| str_lit(a)).collect();
        lines.extend(array_field("allowed: &", &items, 8));
    }
    for (name, v) in [("min", c.min), ("max", c.max)] {
        if let Some(v) = v {
            lines.push(format!("{name}: Some({}),", float_lit(v)));
        }
    }
    uint("min_items", c.min_items, &mut lines);
    uint("max_items", c.max_items, &mut lines);
    if lines.is_empty() {
        return "Rule::NONE".to_string();
    }
    let mut out = String::from("Rule {\n");
    for l in lines {
        out.push_str("        ");
        out.push_str(&l);
        out.push('\n');
    }
    out.push_str("        ..Rule::NONE\n    }");
    out
}

/// A float literal Rust accepts (`1.0`, `0.5`, `1e21`).
pub fn float_lit(v: f64) -> String {
    let s = format!("{v:?}");
    if s.contains(['.', 'e', 'E']) || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}

/// `prefix[a, b, c],` laid out like rustfmt: on one line when short,
/// otherwise one item per line, or packed lines when every item is short.
/// Returned lines are relative to `indent` (the field's indentation).
pub fn array_field(prefix: &str, items: &[String], indent: usize) -> Vec<String> {
    const MAX_WIDTH: usize = 100;
    const ARRAY_WIDTH: usize = 60;
    const SHORT_ITEM: usize = 10;
    let one = format!("[{}]", items.join(", "));
    let content = one.chars().count() - 2;
    if content <= ARRAY_WIDTH && indent + prefix.len() + one.chars().count() < MAX_WIDTH {
        return vec![format!("{prefix}{one},")];
    }
    let mut lines = vec![format!("{prefix}[")];
    let inner = indent + 4;
    if items.iter().all(|i| i.chars().count() <= SHORT_ITEM) {
        let mut line = String::new();
        for item in items {
            let piece = format!("{item},");
            if !line.is_empty()
                && inner + line.chars().count() + 1 + piece.chars().count() >= MAX_WIDTH
            {
                lines.push(format!("    {line}"));
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&piece);
        }
        if !line.is_empty() {
            lines.push(format!("    {line}"));
        }
    } else {
        for item in items {
            lines.push(format!("    {item},"));
        }
    }
    lines.push("],".to_string());
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_deduplicated_in_first_use_order() {
        let mut t = RuleTable::default();
        let a = Cons {
            max_len: Some(5),
            ..Cons::default()
        };
        let b = Cons {
            allowed: vec!["x".into()],
            ..Cons::default()
        };
        assert_eq!(t.name(&a), "RULE_0");
        assert_eq!(t.name(&b), "RULE_1");
        assert_eq!(t.name(&a), "RULE_0");
        assert_eq!(t.len(), 2);
        assert!(t.render().contains("max_len: Some(5),"));
    }

    #[test]
    fn floats_are_valid_literals() {
        assert_eq!(float_lit(1.0), "1.0");
        assert_eq!(float_lit(0.5), "0.5");
        assert_eq!(float_lit(-3.0), "-3.0");
    }
}
