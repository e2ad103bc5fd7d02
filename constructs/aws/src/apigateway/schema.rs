//! A structural check of JSON Schema draft 4 documents, the draft API
//! Gateway models are written in: keyword types, draft-4 forms of
//! `exclusiveMinimum`/`exclusiveMaximum`, and keywords of later drafts
//! that API Gateway would ignore or reject.

use strata_core::Json;

/// The `$schema` URI of draft 4.
pub(crate) const DRAFT_04: &str = "http://json-schema.org/draft-04/schema#";

const TYPES: [&str; 7] = [
    "array", "boolean", "integer", "null", "number", "object", "string",
];

/// Keywords introduced after draft 4.
const LATER: [&str; 10] = [
    "const",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "$defs",
    "examples",
    "dependentRequired",
    "unevaluatedProperties",
];

/// What is wrong with `schema` as a JSON Schema draft 4 document, each
/// problem with the JSON pointer where it is.
///
/// ```
/// use serde_json::json;
/// use strata::apigateway::schema_problems;
/// assert!(schema_problems(&json!({"type": "object", "required": ["input"]})).is_empty());
/// let problems = schema_problems(&json!({"type": "text", "exclusiveMinimum": 0}));
/// assert_eq!(problems.len(), 2);
/// ```
pub fn schema_problems(schema: &Json) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(s) = schema.get("$schema") {
        if s != DRAFT_04 {
            out.push(format!(
                "$schema is {s}; API Gateway models use JSON Schema draft 4 ({DRAFT_04})"
            ));
        }
    }
    check(schema, "", &mut out);
    out
}

fn at(pointer: &str) -> &str {
    if pointer.is_empty() {
        "the root"
    } else {
        pointer
    }
}

fn check(schema: &Json, pointer: &str, out: &mut Vec<String>) {
    let Json::Object(map) = schema else {
        out.push(format!(
            "{}: a draft 4 schema must be a JSON object",
            at(pointer)
        ));
        return;
    };
    for (key, value) in map {
        let here = format!("{pointer}/{key}");
        if LATER.contains(&key.as_str()) {
            out.push(format!(
                "{here}: {key:?} is a keyword of a later JSON Schema draft; API Gateway models use draft 4"
            ));
            continue;
        }
        match key.as_str() {
            "type" => {
                let names: Vec<&Json> = match value {
                    Json::Array(a) if !a.is_empty() => a.iter().collect(),
                    Json::String(_) => vec![value],
                    _ => Vec::new(),
                };
                let ok = !names.is_empty()
                    && names
                        .iter()
                        .all(|n| n.as_str().is_some_and(|t| TYPES.contains(&t)));
                if !ok {
                    out.push(format!(
                        "{here}: {value} is not a type; use one or more of {}",
                        TYPES.join(", ")
                    ));
                }
            }
            "exclusiveMinimum" | "exclusiveMaximum" => {
                let bound = if key == "exclusiveMinimum" {
                    "minimum"
                } else {
                    "maximum"
                };
                if !value.is_boolean() {
                    out.push(format!(
                        "{here}: draft 4 writes {key} as a boolean beside {bound}, not a number"
                    ));
                } else if !map.contains_key(bound) {
                    out.push(format!("{here}: {key} needs {bound}"));
                }
            }
            "minimum" | "maximum" | "multipleOf"
                if !value.is_number() || (key == "multipleOf" && value.as_f64() <= Some(0.0)) =>
            {
                out.push(format!(
                    "{here}: {key} must be a number (multipleOf above 0)"
                ));
            }
            "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties"
            | "maxProperties"
                if !value.is_u64() =>
            {
                out.push(format!("{here}: {key} must be a non-negative integer"));
            }
            "required" => match value {
                Json::Array(items)
                    if !items.is_empty()
                        && items.iter().all(Json::is_string)
                        && items
                            .iter()
                            .enumerate()
                            .all(|(i, x)| !items[..i].contains(x)) => {}
                _ => out.push(format!(
                    "{here}: draft 4 requires a non-empty array of distinct property names"
                )),
            },
            "enum" if value.as_array().is_none_or(Vec::is_empty) => {
                out.push(format!("{here}: enum must be a non-empty array"));
            }
            "pattern" | "$ref" | "title" | "description" | "id" | "format"
                if !value.is_string() =>
            {
                out.push(format!("{here}: {key} must be a string"));
            }
            "properties" | "patternProperties" | "definitions" => match value {
                Json::Object(children) => {
                    for (name, child) in children {
                        check(child, &format!("{here}/{name}"), out);
                    }
                }
                _ => out.push(format!("{here}: {key} must be an object of schemas")),
            },
            "items" => match value {
                Json::Array(children) => {
                    for (i, child) in children.iter().enumerate() {
                        check(child, &format!("{here}/{i}"), out);
                    }
                }
                _ => check(value, &here, out),
            },
            "additionalProperties" | "additionalItems" if !value.is_boolean() => {
                check(value, &here, out);
            }
            "allOf" | "anyOf" | "oneOf" => match value {
                Json::Array(children) if !children.is_empty() => {
                    for (i, child) in children.iter().enumerate() {
                        check(child, &format!("{here}/{i}"), out);
                    }
                }
                _ => out.push(format!(
                    "{here}: {key} must be a non-empty array of schemas"
                )),
            },
            "not" => check(value, &here, out),
            _ => {}
        }
    }
}
