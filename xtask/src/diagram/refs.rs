//! References in CloudFormation values: `Ref`, `Fn::GetAtt` and the
//! `${…}` variables of `Fn::Sub`, resolved through cross-stack parameters
//! to the resource of the stack that produces them.

use std::collections::BTreeMap;

use serde_json::Value as Json;
use strata_deploy::StackArtifact;

/// A resource of the assembly: its stack's artifact id and logical id.
pub type Key = (String, String);

/// One reference found in a value: a logical id (or parameter name) and
/// the attribute for `Fn::GetAtt` (`None` for `Ref`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RawRef {
    /// The referenced logical id or parameter name.
    pub name: String,
    /// The `Fn::GetAtt` attribute, `None` for `Ref` and `${Name}`.
    pub attr: Option<String>,
}

/// Every reference in `value`, in document order; pseudo parameters
/// (`AWS::Region`, …) are left out.
pub fn raw_refs(value: &Json) -> Vec<RawRef> {
    let mut out = Vec::new();
    collect(value, &mut out);
    out
}

fn push(out: &mut Vec<RawRef>, name: &str, attr: Option<&str>) {
    if !name.is_empty() && !name.starts_with("AWS::") {
        out.push(RawRef {
            name: name.to_string(),
            attr: attr.map(str::to_string),
        });
    }
}

fn collect(value: &Json, out: &mut Vec<RawRef>) {
    match value {
        Json::Array(items) => items.iter().for_each(|v| collect(v, out)),
        Json::Object(map) if map.len() == 1 => {
            let (key, arg) = map.iter().next().expect("one entry");
            match (key.as_str(), arg) {
                ("Ref", Json::String(name)) => push(out, name, None),
                ("Fn::GetAtt", Json::Array(parts)) => {
                    if let Some(name) = parts.first().and_then(Json::as_str) {
                        push(out, name, parts.get(1).and_then(Json::as_str));
                    }
                }
                ("Fn::GetAtt", Json::String(dotted)) => {
                    let (name, attr) = dotted.split_once('.').unwrap_or((dotted, ""));
                    push(out, name, (!attr.is_empty()).then_some(attr));
                }
                ("Fn::Sub", Json::String(text)) => sub_vars(text, &[], out),
                ("Fn::Sub", Json::Array(parts)) => {
                    let vars = parts.get(1).and_then(Json::as_object);
                    let names: Vec<&str> = vars
                        .map(|m| m.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    if let Some(text) = parts.first().and_then(Json::as_str) {
                        sub_vars(text, &names, out);
                    }
                    if let Some(vars) = vars {
                        vars.values().for_each(|v| collect(v, out));
                    }
                }
                _ => collect(arg, out),
            }
        }
        Json::Object(map) => map.values().for_each(|v| collect(v, out)),
        _ => {}
    }
}

/// The `${Name}` and `${Name.Attr}` variables of an `Fn::Sub` string,
/// but `${!Literal}` and the names the substitution map defines.
fn sub_vars(text: &str, local: &[&str], out: &mut Vec<RawRef>) {
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        rest = &rest[start + 2..];
        let Some(end) = rest.find('}') else { break };
        let var = &rest[..end];
        rest = &rest[end + 1..];
        if var.starts_with('!') || local.contains(&var) {
            continue;
        }
        let (name, attr) = var.split_once('.').unwrap_or((var, ""));
        push(out, name, (!attr.is_empty()).then_some(attr));
    }
}

/// A resolved reference: the resource it names, anywhere in the assembly.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Target {
    /// The stack and logical id of the resource.
    pub key: Key,
    /// The `Fn::GetAtt` attribute, `None` for `Ref`.
    pub attr: Option<String>,
}

/// The stacks of one assembly, by artifact id, with what resolves a
/// reference from one of them.
pub struct Resolver<'a> {
    stacks: BTreeMap<&'a str, &'a StackArtifact>,
}

impl<'a> Resolver<'a> {
    /// Indexes `stacks` by artifact id.
    pub fn new(stacks: &'a [StackArtifact]) -> Self {
        Resolver {
            stacks: stacks.iter().map(|s| (s.id.as_str(), s)).collect(),
        }
    }

    /// The resource `key` names: its `Type` and `Properties` document.
    pub fn resource(&self, key: &Key) -> Option<&'a Json> {
        self.stacks
            .get(key.0.as_str())?
            .template
            .pointer(&format!("/Resources/{}", escape_pointer(&key.1)))
    }

    /// The `Type` of the resource `key`, `""` when there is none.
    pub fn type_of(&self, key: &Key) -> &'a str {
        self.resource(key)
            .and_then(|r| r.get("Type"))
            .and_then(Json::as_str)
            .unwrap_or("")
    }

    /// The resources every reference in `value` (a value of stack `stack`)
    /// names; a parameter filled from another stack's output resolves to
    /// what that output's value references, across as many stacks as it
    /// was passed through. Sorted, without repeats.
    pub fn resolve(&self, stack: &str, value: &Json) -> Vec<Target> {
        let mut out = Vec::new();
        self.resolve_into(stack, value, 0, &mut out);
        out.sort();
        out.dedup();
        out
    }

    fn resolve_into(&self, stack: &str, value: &Json, depth: usize, out: &mut Vec<Target>) {
        let Some(art) = self.stacks.get(stack) else {
            return;
        };
        for r in raw_refs(value) {
            if art
                .template
                .pointer(&format!("/Resources/{}", escape_pointer(&r.name)))
                .is_some()
            {
                out.push(Target {
                    key: (stack.to_string(), r.name),
                    attr: r.attr,
                });
                continue;
            }
            // A parameter: follow it to the producer's output, if it has one.
            let Some(source) = art.parameter_sources.iter().find(|p| p.parameter == r.name) else {
                continue;
            };
            let Some(producer) = self.stacks.get(source.stack.as_str()) else {
                continue;
            };
            let output = producer.template.pointer(&format!(
                "/Outputs/{}/Value",
                escape_pointer(&source.output)
            ));
            if let (Some(v), true) = (output, depth < 8) {
                self.resolve_into(&producer.id, v, depth + 1, out);
            }
        }
    }
}

/// Escapes a JSON pointer segment.
fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names(v: Json) -> Vec<String> {
        raw_refs(&v)
            .into_iter()
            .map(|r| match r.attr {
                Some(a) => format!("{}.{a}", r.name),
                None => r.name,
            })
            .collect()
    }

    #[test]
    fn finds_ref_getatt_and_sub_variables_but_not_pseudo_parameters_or_literals() {
        let v = json!({
            "A": {"Ref": "Table"},
            "B": [{"Fn::GetAtt": ["Queue", "Arn"]}, {"Fn::GetAtt": "Topic.TopicName"}],
            "C": {"Ref": "AWS::Region"},
            "D": {"Fn::Sub": "arn:${AWS::Partition}:x:${Bucket.Arn}/${!Literal}/${Fn}"},
            "E": {"Fn::Sub": ["${Local}-${Other}", {"Local": {"Ref": "Key"}}]},
        });
        assert_eq!(
            names(v),
            [
                "Table",
                "Queue.Arn",
                "Topic.TopicName",
                "Bucket.Arn",
                "Fn",
                "Other",
                "Key"
            ]
        );
    }
}
