//! The structural form of a JSON-schema node: which Rust type family it
//! maps to, after looking through `oneOf`/`anyOf`/`allOf`.
//!
//! - branches that only constrain (`required`, `not`, `default`…) are
//!   ignored for the type, but their `required` sets count;
//! - object branches (inline or `$ref`) merge into one object whose
//!   required properties are those required in every alternative;
//! - branches of one primitive type collapse to that type;
//! - anything else (string *or* object, string *or* number…) is free JSON.

use std::collections::BTreeSet;

use serde_json::{Map as JsonMap, Value as J};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Prim {
    Str,
    Int,
    Num,
    Bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Form<'a> {
    /// `#/definitions/<name>`.
    Ref(&'a str),
    /// Resolve this other node instead (a single typed combinator branch).
    Delegate(&'a J),
    Prim(Prim),
    /// A list with this item schema (`None`: items of any type).
    Array(Option<&'a J>),
    /// A string-keyed map with this value schema.
    Map(&'a J),
    /// An object with fixed properties (possibly none) and required names.
    Object(Vec<(&'a str, &'a J)>, BTreeSet<&'a str>),
    Json,
}

const MAX_DEPTH: usize = 12;

pub fn form<'a>(node: &'a J, defs: &'a JsonMap<String, J>) -> Form<'a> {
    form_at(node, defs, 0)
}

fn ref_name<'a>(o: &'a JsonMap<String, J>, defs: &JsonMap<String, J>) -> Option<Option<&'a str>> {
    let r = o.get("$ref")?.as_str()?;
    Some(
        r.strip_prefix("#/definitions/")
            .filter(|n| defs.contains_key(*n)),
    )
}

fn form_at<'a>(node: &'a J, defs: &'a JsonMap<String, J>, depth: usize) -> Form<'a> {
    let Some(o) = node.as_object() else {
        return Form::Json;
    };
    if depth > MAX_DEPTH {
        return Form::Json;
    }
    if let Some(r) = ref_name(o, defs) {
        return r.map_or(Form::Json, Form::Ref);
    }
    let own = own_form(o);
    let typed: Vec<&J> = branches(o)
        .filter(|(_, b)| is_typed(b))
        .map(|(_, b)| b)
        .collect();
    if typed.is_empty() {
        return match own {
            Some(Form::Object(props, _)) => Form::Object(props, required_at(node, defs, depth)),
            Some(f) => f,
            None => Form::Json,
        };
    }
    if own.is_none() && typed.len() == 1 {
        return Form::Delegate(typed[0]);
    }
    let forms: Vec<Form<'a>> = typed
        .iter()
        .map(|b| deref(form_at(b, defs, depth + 1), defs, depth))
        .collect();
    match own {
        None | Some(Form::Object(..)) if forms.iter().all(|f| matches!(f, Form::Object(..))) => {
            let mut props: Vec<(&'a str, &'a J)> = match own {
                Some(Form::Object(p, _)) => p,
                _ => Vec::new(),
            };
            for f in forms {
                let Form::Object(more, _) = f else {
                    unreachable!()
                };
                for (name, schema) in more {
                    match props.iter().find(|(n, _)| *n == name) {
                        Some((_, existing)) if !same_schema(existing, schema) => return Form::Json,
                        Some(_) => {}
                        None => props.push((name, schema)),
                    }
                }
            }
            Form::Object(props, required_at(node, defs, depth))
        }
        None | Some(Form::Prim(_)) => {
            let prims: BTreeSet<_> = forms
                .iter()
                .chain(own.iter())
                .map(|f| match f {
                    Form::Prim(p) => Some(*p),
                    _ => None,
                })
                .collect();
            match prims.into_iter().collect::<Vec<_>>().as_slice() {
                [Some(p)] => Form::Prim(*p),
                _ => Form::Json,
            }
        }
        _ => Form::Json,
    }
}

/// Looks through a `$ref` (one level) to the definition's form.
fn deref<'a>(f: Form<'a>, defs: &'a JsonMap<String, J>, depth: usize) -> Form<'a> {
    match f {
        Form::Ref(name) => deref(form_at(&defs[name], defs, depth + 1), defs, depth + 1),
        Form::Delegate(inner) => deref(form_at(inner, defs, depth + 1), defs, depth + 1),
        f => f,
    }
}

/// The form given by the node's own `type` and keywords.
fn own_form(o: &JsonMap<String, J>) -> Option<Form<'_>> {
    let ty = match o.get("type") {
        Some(J::String(t)) => Some(t.as_str()),
        Some(J::Array(ts)) => {
            let ts: Vec<&str> = ts
                .iter()
                .filter_map(J::as_str)
                .filter(|t| *t != "null")
                .collect();
            match ts.as_slice() {
                [] => None,
                [t] => Some(*t),
                _ => return Some(Form::Json),
            }
        }
        _ => None,
    };
    Some(match ty {
        Some("string") => Form::Prim(Prim::Str),
        Some("integer") => Form::Prim(Prim::Int),
        Some("number") => Form::Prim(Prim::Num),
        Some("boolean") => Form::Prim(Prim::Bool),
        Some("array") => Form::Array(o.get("items").filter(|i| i.is_object())),
        Some("object") => object_form(o),
        Some(_) => Form::Json,
        None if o.contains_key("properties") || o.contains_key("patternProperties") => {
            object_form(o)
        }
        None if o.get("additionalProperties").is_some_and(J::is_object) => object_form(o),
        None if o.contains_key("items") => Form::Array(o.get("items").filter(|i| i.is_object())),
        None => return None,
    })
}

fn object_form(o: &JsonMap<String, J>) -> Form<'_> {
    if let Some(props) = o.get("properties").and_then(J::as_object) {
        if !props.is_empty() {
            let props = props.iter().map(|(k, v)| (k.as_str(), v)).collect();
            return Form::Object(props, BTreeSet::new());
        }
    }
    if let Some(pp) = o.get("patternProperties").and_then(J::as_object) {
        let mut values = pp.values();
        if let Some(first) = values.next() {
            return if values.all(|v| same_schema(v, first)) {
                Form::Map(first)
            } else {
                Form::Json
            };
        }
    }
    if let Some(ap) = o.get("additionalProperties").filter(|a| a.is_object()) {
        return Form::Map(ap);
    }
    Form::Object(Vec::new(), BTreeSet::new())
}

/// The combinator branches of a node, tagged with their keyword.
fn branches(o: &JsonMap<String, J>) -> impl Iterator<Item = (&'static str, &J)> {
    ["oneOf", "anyOf", "allOf"].into_iter().flat_map(move |k| {
        o.get(k)
            .and_then(J::as_array)
            .into_iter()
            .flatten()
            .map(move |b| (k, b))
    })
}

/// Whether a branch says anything about the type (not only constraints).
fn is_typed(b: &J) -> bool {
    let Some(o) = b.as_object() else {
        return false;
    };
    ["type", "$ref", "properties", "patternProperties", "items"]
        .iter()
        .any(|k| o.contains_key(*k))
        || branches(o).any(|(_, b)| is_typed(b))
}

/// Two property schemas describe the same thing (descriptions aside).
fn same_schema(a: &J, b: &J) -> bool {
    fn strip(v: &J) -> J {
        match v {
            J::Object(o) => J::Object(
                o.iter()
                    .filter(|(k, _)| !matches!(k.as_str(), "description" | "title" | "$comment"))
                    .map(|(k, v)| (k.clone(), strip(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    a == b || strip(a) == strip(b)
}

/// Properties required by a node: its `required`, plus those required by
/// every `oneOf`/`anyOf` alternative and by each `allOf` part.
pub fn required_of<'a>(node: &'a J, defs: &'a JsonMap<String, J>) -> BTreeSet<&'a str> {
    required_at(node, defs, 0)
}

fn required_at<'a>(node: &'a J, defs: &'a JsonMap<String, J>, depth: usize) -> BTreeSet<&'a str> {
    let mut out = BTreeSet::new();
    let Some(o) = node.as_object() else {
        return out;
    };
    if depth > MAX_DEPTH {
        return out;
    }
    if let Some(Some(name)) = ref_name(o, defs) {
        return required_at(&defs[name], defs, depth + 1);
    }
    if let Some(req) = o.get("required").and_then(J::as_array) {
        out.extend(req.iter().filter_map(J::as_str));
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        let Some(bs) = o.get(key).and_then(J::as_array) else {
            continue;
        };
        let sets: Vec<BTreeSet<&str>> =
            bs.iter().map(|b| required_at(b, defs, depth + 1)).collect();
        if key == "allOf" {
            out.extend(sets.into_iter().flatten());
        } else if let Some((first, rest)) = sets.split_first() {
            out.extend(first.iter().filter(|r| rest.iter().all(|s| s.contains(*r))));
        }
    }
    out
}

/// The schema of `seg` inside `node`: a property, or the items for `*`.
pub fn child<'a>(node: &'a J, seg: &str, defs: &'a JsonMap<String, J>) -> Option<&'a J> {
    child_at(node, seg, defs, 0)
}

fn child_at<'a>(
    node: &'a J,
    seg: &str,
    defs: &'a JsonMap<String, J>,
    depth: usize,
) -> Option<&'a J> {
    let o = node.as_object()?;
    if depth > MAX_DEPTH {
        return None;
    }
    if let Some(r) = ref_name(o, defs) {
        return child_at(&defs[r?], seg, defs, depth + 1);
    }
    let direct = if seg == "*" {
        o.get("items")
    } else {
        o.get("properties").and_then(|p| p.get(seg))
    };
    direct.or_else(|| branches(o).find_map(|(_, b)| child_at(b, seg, defs, depth + 1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn f(node: J) -> String {
        let defs = JsonMap::new();
        let leaked: &'static J = Box::leak(Box::new(node));
        format!("{:?}", form(leaked, Box::leak(Box::new(defs))))
    }

    #[test]
    fn unions_and_free_objects_are_json() {
        assert_eq!(f(json!({"type": ["object", "string"]})), "Json");
        assert_eq!(f(json!({"type": "object"})), "Object([], {})");
        assert_eq!(
            f(json!({"anyOf": [{"type": "number"}, {"type": "string"}]})),
            "Json"
        );
        assert_eq!(f(json!({"type": ["boolean", "null"]})), "Prim(Bool)");
    }

    #[test]
    fn same_primitive_branches_collapse() {
        let node = json!({"type": "string", "anyOf": [{"pattern": "a"}, {"type": "string", "enum": ["x"]}]});
        assert_eq!(f(node), "Prim(Str)");
    }

    #[test]
    fn required_sets_intersect_over_alternatives() {
        let node = json!({"required": ["A"], "oneOf": [{"required": ["B", "C"]}, {"required": ["C"]}],
            "allOf": [{"required": ["D"]}]});
        let defs = JsonMap::new();
        let r: Vec<_> = required_of(&node, &defs).into_iter().collect();
        assert_eq!(r, ["A", "C", "D"]);
    }

    #[test]
    fn maps_from_pattern_and_additional_properties() {
        assert_eq!(
            f(json!({"type": "object", "patternProperties": {"^a": {"type": "string"}}})),
            "Map(Object {\"type\": String(\"string\")})"
        );
        assert_eq!(
            f(json!({"additionalProperties": {"type": "integer"}})),
            "Map(Object {\"type\": String(\"integer\")})"
        );
    }
}
