//! Dashboard bodies are JSON text; the tokens in them (a table's `Ref`,
//! an alarm's ARN, the region) are only known at deploy time. The body is
//! written with a marker per token and then turned into a `Fn::Sub`: the
//! literal text with `${` escaped, pseudo parameters inline, every other
//! token through the variable map.

use serde_json::Value as Json;
use strata_core::{Fn, Raw, Target, ToRaw, Value};

/// Brackets a token's index in the written text; a private-use character
/// that JSON serialization leaves as is.
pub(crate) const MARK: char = '\u{E000}';

/// Collects the tokens of one dashboard body.
#[derive(Default)]
pub(crate) struct BodyWriter {
    tokens: Vec<Raw>,
}

impl BodyWriter {
    /// The text standing for `value` inside a JSON string: the literal
    /// itself, or a marker for a token.
    pub(crate) fn text(&mut self, value: &Value<String>) -> String {
        match value {
            Value::Lit(s) => s.clone(),
            Value::Expr(e) => {
                let raw = e.raw().clone();
                let index = match self.tokens.iter().position(|t| *t == raw) {
                    Some(i) => i,
                    None => {
                        self.tokens.push(raw);
                        self.tokens.len() - 1
                    }
                };
                format!("{MARK}{index}{MARK}")
            }
        }
    }

    /// `value` as a JSON string.
    pub(crate) fn string(&mut self, value: &Value<String>) -> Json {
        Json::String(self.text(value))
    }

    /// The body: a plain string without tokens, else a `Fn::Sub`.
    pub(crate) fn finish(self, body: &Json) -> Value<String> {
        let text = body.to_string();
        if self.tokens.is_empty() {
            return Value::Lit(text);
        }
        let mut template = String::with_capacity(text.len());
        let mut vars: Vec<(String, Value<String>)> = Vec::new();
        for (i, part) in text.split(MARK).enumerate() {
            if i % 2 == 0 {
                template.push_str(&part.replace("${", "${!"));
                continue;
            }
            let Some(raw) = part.parse::<usize>().ok().and_then(|n| self.tokens.get(n)) else {
                template.push_str(part);
                continue;
            };
            match raw {
                Raw::Ref(Target::Name(p)) if p.starts_with("AWS::") => {
                    template.push_str(&format!("${{{p}}}"));
                }
                _ => {
                    let name = format!("Token{part}");
                    template.push_str(&format!("${{{name}}}"));
                    if !vars.iter().any(|(n, _)| *n == name) {
                        vars.push((name, Value::expr(raw.to_raw())));
                    }
                }
            }
        }
        if vars.is_empty() {
            Fn::sub(&template)
        } else {
            Fn::sub_with(&template, vars)
        }
    }
}

/// Whether user text would be mistaken for a token marker.
pub(crate) fn has_marker(text: &str) -> bool {
    text.contains(MARK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn literals_stay_plain_and_tokens_become_a_sub() {
        let w = BodyWriter::default();
        assert_eq!(
            w.finish(&json!({"a": "${x}"})),
            Value::Lit(r#"{"a":"${x}"}"#.to_string())
        );
        let mut w = BodyWriter::default();
        let table: Value<String> = Fn::ref_name("Table");
        let body = json!({
            "region": w.string(&Fn::region()),
            "dims": [w.string(&table), w.string(&table)],
            "text": "cost ${5}",
        });
        let Value::Expr(e) = w.finish(&body) else {
            panic!("a body with tokens is an expression")
        };
        assert_eq!(
            e.raw().clone(),
            Raw::call(
                "Fn::Sub",
                Raw::List(vec![
                    Raw::Str(
                        r#"{"region":"${AWS::Region}","dims":["${Token1}","${Token1}"],"text":"cost ${!5}"}"#
                            .into()
                    ),
                    Raw::Object(vec![("Token1".into(), table.to_raw())]),
                ])
            )
        );
    }
}
