//! A synth-time check of L1 `AWS::DynamoDB::Table` key schemas, for tables
//! written with the L1 struct or edited through escape hatches.

use strata_cfn::dynamodb::{table as t, Table};
use strata_core::{Aspect, Scope, Value};

/// Reports, at the table's construct path, key attributes missing from
/// `AttributeDefinitions` and definitions no key uses: CloudFormation
/// rejects both. The [`Table`](super::Table) L2 cannot produce either; add
/// this aspect to check L1 tables.
///
/// ```
/// use strata::prelude::*;
/// use strata::cfn::dynamodb;
/// use strata::dynamodb::KeySchemaCheck;
///
/// let app = App::new();
/// let stack = app.stack("Data", StackProps::default());
/// stack.resource("Events", dynamodb::Table {
///     attribute_definitions: Some(Value::list([
///         dynamodb::table::AttributeDefinition::new("eventId", "S"),
///     ])),
///     ..dynamodb::Table::new(Value::list([dynamodb::table::KeySchema::new("id", "HASH")]))
/// });
/// app.root().add_aspect(KeySchemaCheck);
/// let err = app.synth().unwrap_err().to_string();
/// assert!(err.contains("key attribute \"id\" of the table's KeySchema is not in AttributeDefinitions"));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct KeySchemaCheck;

impl Aspect for KeySchemaCheck {
    fn visit(&self, node: &Scope) {
        if node.resource_type() != Some("AWS::DynamoDB::Table") {
            return;
        }
        let mut problems = Vec::new();
        node.with_resource(|table: &mut Table| problems = key_schema_problems(table));
        for p in problems {
            node.error("dynamodb-key-schema", p);
        }
    }
}

fn literal_list<T>(v: &Option<Value<Vec<Value<T>>>>) -> Option<Vec<&T>> {
    match v {
        None => Some(Vec::new()),
        Some(Value::Lit(items)) => items.iter().map(Value::as_literal).collect(),
        Some(_) => None,
    }
}

fn key_names(keys: &Value<Vec<Value<t::KeySchema>>>) -> Option<Vec<&str>> {
    let Value::Lit(keys) = keys else { return None };
    keys.iter()
        .map(|k| {
            k.as_literal()?
                .attribute_name
                .as_literal()
                .map(String::as_str)
        })
        .collect()
}

/// The problems of one table; values only known at deploy time are skipped.
pub(crate) fn key_schema_problems(table: &Table) -> Vec<String> {
    let Some(defined) = literal_list(&table.attribute_definitions) else {
        return Vec::new();
    };
    let Some(defined): Option<Vec<&str>> = defined
        .iter()
        .map(|d| d.attribute_name.as_literal().map(String::as_str))
        .collect()
    else {
        return Vec::new();
    };
    let mut used: Vec<(&str, String)> = Vec::new();
    if let Some(keys) = key_names(&table.key_schema) {
        used.extend(
            keys.into_iter()
                .map(|k| (k, "the table's KeySchema".to_string())),
        );
    }
    if let Some(gsis) = literal_list(&table.global_secondary_indexes) {
        for g in gsis {
            let name = g.index_name.as_literal().cloned().unwrap_or_default();
            for k in key_names(&g.key_schema).unwrap_or_default() {
                used.push((k, format!("global index {name:?}")));
            }
        }
    }
    if let Some(lsis) = literal_list(&table.local_secondary_indexes) {
        for l in lsis {
            let name = l.index_name.as_literal().cloned().unwrap_or_default();
            for k in key_names(&l.key_schema).unwrap_or_default() {
                used.push((k, format!("local index {name:?}")));
            }
        }
    }
    let mut out = Vec::new();
    for (key, place) in &used {
        if !defined.contains(key) {
            out.push(format!(
                "key attribute {key:?} of {place} is not in AttributeDefinitions; declare it with its type (S, N or B)"
            ));
        }
    }
    for d in &defined {
        if !used.iter().any(|(k, _)| k == d) {
            out.push(format!(
                "AttributeDefinitions declares {d:?}, which no key schema uses; DynamoDB rejects unused definitions, so remove it"
            ));
        }
    }
    out
}
