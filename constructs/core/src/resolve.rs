//! Turns unresolved trees into template JSON: node references become
//! logical IDs, and every reference is checked against the stack.

use std::collections::BTreeSet;

use rustc_hash::FxHashMap;

use serde_json::Value as Json;

use crate::crossref::{CrossUse, Import};
use crate::document::Doc;
use crate::tree::{Kind, Tree};
use crate::validate::Issue;
use crate::value::{Raw, Target};

/// The pseudo parameters CloudFormation defines.
pub(crate) const PSEUDO_PARAMETERS: &[&str] = &[
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::NoValue",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
];

/// What kind of template element a logical ID names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ElementKind {
    Resource,
    Parameter,
    Output,
    Condition,
    Mapping,
    Rule,
}

impl ElementKind {
    pub(crate) fn of(kind: &Kind) -> Option<ElementKind> {
        Some(match kind {
            Kind::Resource(..) => ElementKind::Resource,
            Kind::Parameter(_) => ElementKind::Parameter,
            Kind::Output(_) => ElementKind::Output,
            Kind::Condition(_) => ElementKind::Condition,
            Kind::Mapping(_) => ElementKind::Mapping,
            Kind::Rule(_) => ElementKind::Rule,
            _ => return None,
        })
    }

    fn noun(self) -> &'static str {
        match self {
            ElementKind::Resource => "a resource",
            ElementKind::Parameter => "a parameter",
            ElementKind::Output => "an output",
            ElementKind::Condition => "a condition",
            ElementKind::Mapping => "a mapping",
            ElementKind::Rule => "a rule",
        }
    }
}

/// The logical IDs of one stack, by node and by name.
pub(crate) struct StackIds {
    pub(crate) stack: u32,
    pub(crate) by_node: FxHashMap<u32, String>,
    pub(crate) by_name: FxHashMap<String, (ElementKind, u32)>,
}

/// Resolves the trees of one element, reporting problems against its path.
pub(crate) struct Resolver<'a> {
    pub(crate) tree: &'a Tree,
    pub(crate) ids: &'a StackIds,
    pub(crate) path: &'a str,
    pub(crate) issues: &'a mut Vec<Issue>,
    /// Resources this element refers to (for dependency cycles).
    pub(crate) refs: BTreeSet<String>,
    /// Values taken from resources of other stacks, with the stack and
    /// path of the element that takes them.
    pub(crate) imports: &'a mut Vec<CrossUse>,
}

enum Use {
    Ref,
    GetAtt,
    Name,
    DependsOn,
}

impl Resolver<'_> {
    fn report(&mut self, rule: &'static str, message: String) {
        self.issues.push(Issue {
            path: self.path.to_string(),
            property: String::new(),
            rule,
            message,
        });
    }

    /// The logical ID a target stands for, after checking it may be used so.
    fn target(&mut self, target: &Target, usage: Use) -> String {
        match target {
            Target::Node(id) => {
                let Some(node) = self.tree.node(*id) else {
                    self.report(
                        "foreign-ref",
                        "refers to a construct of another App; references work only within one App"
                            .into(),
                    );
                    return "Invalid".into();
                };
                let Some(lid) = self.ids.by_node.get(&id.index).cloned() else {
                    let message = if node.stack.is_some() && node.stack != Some(self.ids.stack) {
                        format!(
                            "refers to {} in another stack in a way that cannot cross stacks; only Ref and Fn::GetAtt of resources can (use Scope::add_dependency to order stacks)",
                            node.path
                        )
                    } else {
                        format!("refers to {}, which is not a template element", node.path)
                    };
                    self.report("cross-stack-ref", message);
                    return "Invalid".into();
                };
                let kind = ElementKind::of(&node.kind);
                self.check_use(&lid, kind, &usage);
                lid
            }
            Target::Name(name) => {
                if name.starts_with("AWS::") {
                    if !matches!(usage, Use::Ref) || !PSEUDO_PARAMETERS.contains(&name.as_str()) {
                        self.report(
                            "dangling-ref",
                            format!(
                                "{name:?} is not a pseudo parameter; use one of {}",
                                PSEUDO_PARAMETERS.join(", ")
                            ),
                        );
                    }
                    return name.clone();
                }
                match self.ids.by_name.get(name).copied() {
                    Some((kind, _)) => self.check_use(name, Some(kind), &usage),
                    None => self.report(
                        "dangling-ref",
                        format!("refers to {name:?}, which is not a logical ID in this stack"),
                    ),
                }
                name.clone()
            }
        }
    }

    fn check_use(&mut self, lid: &str, kind: Option<ElementKind>, usage: &Use) {
        let ok = match usage {
            Use::Ref => matches!(kind, Some(ElementKind::Resource | ElementKind::Parameter)),
            Use::GetAtt => kind == Some(ElementKind::Resource),
            Use::Name => matches!(kind, Some(ElementKind::Condition | ElementKind::Mapping)),
            Use::DependsOn => kind == Some(ElementKind::Resource),
        };
        if !ok {
            let what = match usage {
                Use::Ref => "Ref needs a resource or parameter",
                Use::GetAtt => "Fn::GetAtt needs a resource",
                Use::Name => "a condition or mapping name is expected",
                Use::DependsOn => "DependsOn needs a resource",
            };
            let found = kind.map_or("not a template element", ElementKind::noun);
            self.report("invalid-ref", format!("{lid} is {found}; {what}"));
        }
        if kind == Some(ElementKind::Resource) && !matches!(usage, Use::Name) {
            self.refs.insert(lid.to_string());
        }
    }

    /// A `Ref` or `Fn::GetAtt` of a resource in another stack of this app:
    /// recorded as an import, and resolved to the consumer's parameter that
    /// deploy fills from the producer's output.
    fn import(&mut self, target: &Target, attribute: Option<&String>) -> Option<String> {
        let Target::Node(id) = target else {
            return None;
        };
        let node = self.tree.node(*id)?;
        let producer = node.stack?;
        if producer == self.ids.stack || !matches!(node.kind, Kind::Resource(..)) {
            return None;
        }
        let import = Import {
            producer,
            node: id.index,
            attribute: attribute.cloned(),
        };
        let parameter = import.name(self.tree);
        self.imports
            .push((self.ids.stack, self.path.to_string(), import));
        Some(parameter)
    }

    /// The logical ID of a `DependsOn` target.
    pub(crate) fn dependency(&mut self, target: &Target) -> String {
        self.target(target, Use::DependsOn)
    }

    /// Resolves a tree to a template document, moving its strings and
    /// keys into the result instead of copying them.
    pub(crate) fn resolve(&mut self, raw: Raw) -> Doc {
        match raw {
            Raw::Null => Doc::Null,
            Raw::Bool(b) => Doc::Bool(b),
            Raw::Int(n) => Doc::Int(n),
            Raw::Float(f) if f.is_finite() => Doc::Float(f),
            Raw::Float(f) => {
                self.report("number", format!("{f} is not a finite number"));
                Doc::Null
            }
            Raw::Str(s) => Doc::Str(s),
            Raw::List(items) => Doc::List(items.into_iter().map(|i| self.resolve(i)).collect()),
            Raw::Object(fields) => {
                if let [(key, args)] = fields.as_slice() {
                    if key == "Fn::Sub" {
                        self.check_sub(args);
                    }
                }
                let fields = fields
                    .into_iter()
                    .map(|(k, v)| (k, self.resolve(v)))
                    .collect();
                Doc::Object(Doc::unique_keys(fields))
            }
            Raw::Json(j) => {
                self.scan_json(&j);
                Doc::Json(j)
            }
            Raw::Ref(t) => {
                if let Some(parameter) = self.import(&t, None) {
                    return Doc::single("Ref", Doc::Str(parameter));
                }
                let lid = self.target(&t, Use::Ref);
                Doc::single("Ref", Doc::Str(lid))
            }
            Raw::GetAtt(g) => {
                let (t, attr) = *g;
                if let Some(parameter) = self.import(&t, Some(&attr)) {
                    return Doc::single("Ref", Doc::Str(parameter));
                }
                let lid = self.target(&t, Use::GetAtt);
                Doc::single("Fn::GetAtt", Doc::List(vec![Doc::Str(lid), Doc::Str(attr)]))
            }
            Raw::Name(t) => Doc::Str(self.target(&t, Use::Name)),
        }
    }

    /// Checks the `${Name}` and `${Resource.Attr}` references of a `Fn::Sub`.
    fn check_sub(&mut self, args: &Raw) {
        let (template, vars): (&str, Vec<&str>) = match args {
            Raw::Str(s) => (s, Vec::new()),
            Raw::List(items) => match items.as_slice() {
                [Raw::Str(s), Raw::Object(vars)] => {
                    (s, vars.iter().map(|(k, _)| k.as_str()).collect())
                }
                [Raw::Str(s)] => (s, Vec::new()),
                _ => return,
            },
            _ => return,
        };
        for name in sub_variables(template) {
            if vars.contains(&name) {
                continue;
            }
            match name.split_once('.') {
                Some((lid, _)) if !name.starts_with("AWS::") => {
                    self.target(&Target::Name(lid.to_string()), Use::GetAtt);
                }
                _ => {
                    self.target(&Target::Name(name.to_string()), Use::Ref);
                }
            }
        }
    }

    /// Checks hand-written `Ref` / `Fn::GetAtt` / `Fn::Sub` inside free-form JSON.
    fn scan_json(&mut self, j: &Json) {
        match j {
            Json::Array(items) => items.iter().for_each(|i| self.scan_json(i)),
            Json::Object(m) => {
                if m.len() == 1 {
                    let (k, v) = m.iter().next().expect("one entry");
                    match (k.as_str(), v) {
                        ("Ref", Json::String(name)) => {
                            self.target(&Target::Name(name.clone()), Use::Ref);
                            return;
                        }
                        ("Fn::GetAtt", Json::Array(a)) => {
                            if let Some(Json::String(name)) = a.first() {
                                self.target(&Target::Name(name.clone()), Use::GetAtt);
                            }
                            return;
                        }
                        ("Fn::GetAtt", Json::String(s)) => {
                            if let Some((name, _)) = s.split_once('.') {
                                self.target(&Target::Name(name.to_string()), Use::GetAtt);
                            }
                            return;
                        }
                        ("Fn::Sub", Json::String(s)) => {
                            self.check_sub(&Raw::Str(s.clone()));
                            return;
                        }
                        _ => {}
                    }
                }
                m.values().for_each(|v| self.scan_json(v));
            }
            _ => {}
        }
    }
}

/// The variable names of a `Fn::Sub` template, skipping `${!Literal}` escapes.
pub(crate) fn sub_variables(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let name = after[..end].trim();
        if !name.starts_with('!') && !name.is_empty() {
            out.push(name);
        }
        rest = &after[end + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::sub_variables;

    #[test]
    fn sub_variables_skip_escapes() {
        assert_eq!(
            sub_variables("arn:${AWS::Partition}:s3:::${Bucket}/${!Literal}/${Fn.Arn}"),
            ["AWS::Partition", "Bucket", "Fn.Arn"]
        );
    }
}
