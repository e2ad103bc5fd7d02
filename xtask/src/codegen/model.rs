//! Registry schema → intermediate representation of one resource type:
//! the resource struct, its property-type structs, rules, attributes and
//! registry facts. Rust text is produced by `emit`.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Map as JsonMap, Value as J};

use super::names::{self, doc_text, pascal, snake_ident, Unique};
use super::shape::{form, required_of, Form, Prim};

/// Longest doc comment kept, in characters.
pub const DOC_MAX: usize = 320;

/// A property's Rust type, without the outer `Value<…>`/`Option<…>`.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    Str,
    Int,
    Num,
    Bool,
    Json,
    List(Box<Ty>),
    Map(Box<Ty>),
    /// Index into `TypeModel::structs`.
    Struct(usize),
}

/// Schema constraints of one value (`minLength`, `pattern`, `enum`…).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cons {
    pub min_len: Option<u64>,
    pub max_len: Option<u64>,
    pub pattern: Option<String>,
    pub allowed: Vec<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
}

impl Cons {
    pub fn from_schema(o: &JsonMap<String, J>) -> Cons {
        let uint = |k: &str| o.get(k).and_then(as_uint);
        let num = |k: &str| o.get(k).and_then(J::as_f64).filter(|f| f.is_finite());
        let case_insensitive = o.get("enumCaseInsensitive") == Some(&J::Bool(true));
        let allowed = match o.get("enum").and_then(J::as_array) {
            Some(vals) if !case_insensitive && vals.iter().all(J::is_string) => vals
                .iter()
                .filter_map(J::as_str)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        };
        Cons {
            min_len: uint("minLength"),
            max_len: uint("maxLength"),
            pattern: o.get("pattern").and_then(J::as_str).map(str::to_string),
            allowed,
            min: num("minimum"),
            max: num("maximum"),
            min_items: uint("minItems"),
            max_items: uint("maxItems"),
        }
    }

    /// `other`'s constraints win where both are set.
    pub fn overlay(&mut self, other: &Cons) {
        macro_rules! take {
            ($($f:ident),*) => {$( if other.$f.is_some() { self.$f = other.$f.clone(); } )*};
        }
        take!(min_len, max_len, pattern, min, max, min_items, max_items);
        if !other.allowed.is_empty() {
            self.allowed = other.allowed.clone();
        }
    }

    /// The constraints that apply to a value of type `ty`.
    pub fn for_ty(&self, ty: &Ty) -> Cons {
        match ty {
            Ty::Str => Cons {
                min_len: self.min_len.filter(|&n| n > 0),
                max_len: self.max_len,
                pattern: self.pattern.clone(),
                allowed: self.allowed.clone(),
                ..Cons::default()
            },
            Ty::Int | Ty::Num => Cons {
                min: self.min,
                max: self.max,
                ..Cons::default()
            },
            Ty::List(_) => Cons {
                min_items: self.min_items.filter(|&n| n > 0),
                max_items: self.max_items,
                ..Cons::default()
            },
            _ => Cons::default(),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Cons::default()
    }
}

fn as_uint(v: &J) -> Option<u64> {
    v.as_u64().or_else(|| {
        v.as_f64()
            .filter(|f| *f >= 0.0 && f.fract() == 0.0)
            .map(|f| f as u64)
    })
}

#[derive(Clone, Debug)]
pub struct Field {
    /// CloudFormation property name.
    pub cfn: String,
    /// Rust field identifier (may be raw, `r#type`).
    pub ident: String,
    pub doc: Option<String>,
    pub ty: Ty,
    pub required: bool,
    /// The direct struct reference is boxed to break a cycle.
    pub boxed: bool,
    /// Constraints on the value itself.
    pub rule: Cons,
    /// Constraints on each item (lists only).
    pub item_rule: Cons,
}

#[derive(Clone, Debug)]
pub struct StructDef {
    pub name: String,
    pub doc: Option<String>,
    pub fields: Vec<Field>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttrTy {
    Str,
    Int,
    Num,
    Bool,
    List,
}

#[derive(Clone, Debug)]
pub struct Attr {
    /// GetAtt name, such as `Endpoint.Address`.
    pub name: String,
    pub method: String,
    pub ty: AttrTy,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tags {
    None,
    List(String),
    ListPropagate(String),
    Map(String),
}

#[derive(Clone, Debug)]
pub struct TypeModel {
    pub type_name: String,
    /// Service module and cargo feature, such as `ec2`.
    pub service: String,
    /// Resource submodule, such as `security_group`.
    pub module: String,
    /// `structs[0]` is the resource struct.
    pub structs: Vec<StructDef>,
    pub attrs: Vec<Attr>,
    pub tags: Tags,
    pub create_only: Vec<String>,
    pub primary_identifier: Vec<String>,
}

impl TypeModel {
    pub fn name(&self) -> &str {
        &self.structs[0].name
    }
    pub fn ref_name(&self) -> String {
        format!("{}Ref", self.name())
    }
}

/// A resolved schema node: its type and the constraints found on the way.
#[derive(Clone, Debug)]
struct Resolved {
    ty: Ty,
    cons: Cons,
    item_cons: Cons,
}

impl Resolved {
    fn json() -> Self {
        Resolved::of(Ty::Json)
    }
    fn of(ty: Ty) -> Self {
        Resolved {
            ty,
            cons: Cons::default(),
            item_cons: Cons::default(),
        }
    }
}

/// Builds the model of one type from its (patched) schema.
pub fn build(schema: &J) -> anyhow::Result<TypeModel> {
    let root = schema
        .as_object()
        .ok_or_else(|| anyhow::anyhow!("schema is not an object"))?;
    let type_name = root
        .get("typeName")
        .and_then(J::as_str)
        .ok_or_else(|| anyhow::anyhow!("schema has no typeName"))?
        .to_string();
    let last = type_name.rsplit("::").next().unwrap_or_default();
    let empty = JsonMap::new();
    let defs = root
        .get("definitions")
        .and_then(J::as_object)
        .unwrap_or(&empty);
    let mut names = Unique::new(names::RESOURCE_RESERVED.iter().copied());
    let name = names.claim(&pascal(last), "Resource");
    names.reserve(names::RESERVED_TYPES.iter().copied());
    names.reserve([format!("{name}Ref").as_str()]);
    let def_structs = defs
        .iter()
        .filter(|(_, d)| matches!(form(d, defs), Form::Object(p, _) if !p.is_empty()))
        .map(|(n, _)| pascal(n))
        .collect();
    let mut cx = Cx {
        defs,
        def_structs,
        structs: Vec::new(),
        names,
        def_cache: HashMap::new(),
        busy: BTreeSet::new(),
        inline_cache: HashMap::new(),
    };

    let read_only: BTreeSet<String> = strings(root.get("readOnlyProperties"))
        .iter()
        .filter_map(|p| p.strip_prefix("/properties/"))
        .map(str::to_string)
        .collect();
    cx.structs.push(StructDef {
        name: name.clone(),
        doc: root
            .get("description")
            .and_then(J::as_str)
            .and_then(|d| doc_text(d, DOC_MAX)),
        fields: Vec::new(),
    });
    let props = root
        .get("properties")
        .and_then(J::as_object)
        .unwrap_or(&empty);
    let mut required: BTreeSet<&str> = required_of(schema, defs);
    required.retain(|r| !read_only.contains(*r));
    let writable: Vec<(&str, &J)> = props
        .iter()
        .filter(|(k, _)| !read_only.contains(k.as_str()))
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    cx.fill(0, &writable, &required);

    let attrs = attributes(schema, defs);
    let tags = tag_shape(root, &cx.structs);
    let mut model = TypeModel {
        service: names::service_module(&type_name),
        module: snake_ident(last),
        type_name,
        structs: cx.structs,
        attrs,
        tags,
        create_only: strip_props(root.get("createOnlyProperties")),
        primary_identifier: strip_props(root.get("primaryIdentifier")),
    };
    super::boxing::mark_boxed(&mut model.structs);
    Ok(model)
}

fn strings(v: Option<&J>) -> Vec<String> {
    v.and_then(J::as_array)
        .map(|a| a.iter().filter_map(J::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}

fn strip_props(v: Option<&J>) -> Vec<String> {
    strings(v)
        .into_iter()
        .map(|p| {
            p.strip_prefix("/properties/")
                .map(str::to_string)
                .unwrap_or(p)
        })
        .collect()
}

/// Where an inline object sits, to name its struct.
enum Hint<'h> {
    /// A property of the struct named first.
    Field(&'h str, &'h str),
    /// A definition that is not itself a struct (a list of objects…).
    Def(&'h str),
}

impl Hint<'_> {
    /// The short (property or definition) and long (parent + property) names.
    fn names(&self) -> (String, String) {
        match self {
            Hint::Field(parent, prop) => {
                let short = pascal(prop);
                let long = format!("{parent}{short}");
                (short, long)
            }
            Hint::Def(name) => (pascal(name), pascal(name)),
        }
    }
}

struct Cx<'a> {
    defs: &'a JsonMap<String, J>,
    /// Names that definition structs will take.
    def_structs: BTreeSet<String>,
    structs: Vec<StructDef>,
    names: Unique,
    def_cache: HashMap<String, Resolved>,
    /// Non-struct definitions being resolved (guards recursion).
    busy: BTreeSet<String>,
    /// Inline object structs by schema text.
    inline_cache: HashMap<String, usize>,
}

impl<'a> Cx<'a> {
    /// Resolves a schema node; `hint` names an inline struct.
    fn resolve(&mut self, node: &'a J, hint: &Hint<'_>) -> Resolved {
        let Some(o) = node.as_object() else {
            return Resolved::json();
        };
        let own = Cons::from_schema(o);
        let mut r = match form(node, self.defs) {
            Form::Ref(name) => self.def(name),
            Form::Delegate(inner) => self.resolve(inner, hint),
            Form::Prim(p) => Resolved::of(match p {
                Prim::Str => Ty::Str,
                Prim::Int => Ty::Int,
                Prim::Num => Ty::Num,
                Prim::Bool => Ty::Bool,
            }),
            Form::Array(items) => match items {
                Some(items) => {
                    let item = self.resolve(items, hint);
                    Resolved {
                        ty: Ty::List(Box::new(item.ty.clone())),
                        cons: Cons::default(),
                        item_cons: item.cons.for_ty(&item.ty),
                    }
                }
                None => Resolved::of(Ty::List(Box::new(Ty::Json))),
            },
            Form::Map(value) => {
                let v = self.resolve(value, hint);
                Resolved {
                    item_cons: v.cons.for_ty(&v.ty),
                    ty: Ty::Map(Box::new(v.ty)),
                    cons: Cons::default(),
                }
            }
            Form::Object(props, required) => {
                if props.is_empty() {
                    Resolved::json()
                } else {
                    // Identical inline objects (the same item schema under
                    // two properties) share one struct.
                    let key = node.to_string();
                    if let Some(&idx) = self.inline_cache.get(&key) {
                        Resolved::of(Ty::Struct(idx))
                    } else {
                        let doc = o.get("description").and_then(J::as_str);
                        let name = self.inline_name(hint);
                        let idx = self.new_struct(name, doc);
                        self.inline_cache.insert(key, idx);
                        self.fill(idx, &props, &required);
                        Resolved::of(Ty::Struct(idx))
                    }
                }
            }
            Form::Json => Resolved::json(),
        };
        r.cons.overlay(&own);
        r.cons = r.cons.for_ty(&r.ty);
        r
    }

    /// Resolves `#/definitions/<name>`, once per type.
    fn def(&mut self, name: &'a str) -> Resolved {
        if let Some(r) = self.def_cache.get(name) {
            return r.clone();
        }
        let Some(node) = self.defs.get(name) else {
            return Resolved::json();
        };
        if let Form::Object(props, required) = form(node, self.defs) {
            if !props.is_empty() {
                let doc = node.get("description").and_then(J::as_str);
                let struct_name = self.names.claim(&pascal(name), "Property");
                let idx = self.new_struct(struct_name, doc);
                let r = Resolved::of(Ty::Struct(idx));
                self.def_cache.insert(name.to_string(), r.clone());
                self.fill(idx, &props, &required);
                return r;
            }
        }
        if !self.busy.insert(name.to_string()) {
            return Resolved::json();
        }
        let r = self.resolve(node, &Hint::Def(name));
        self.busy.remove(name);
        self.def_cache.insert(name.to_string(), r.clone());
        r
    }

    /// An inline object's struct name: the property name alone when it is
    /// free (and not the name of a definition struct), else prefixed with
    /// the parent struct's name.
    fn inline_name(&mut self, hint: &Hint<'_>) -> String {
        let (short, long) = hint.names();
        if !self.def_structs.contains(&short) && !self.names.is_taken(&short) {
            return self.names.claim(&short, "Property");
        }
        self.names.claim(&long, "Property")
    }

    fn new_struct(&mut self, name: String, doc: Option<&str>) -> usize {
        self.structs.push(StructDef {
            name,
            doc: doc.and_then(|d| doc_text(d, DOC_MAX)),
            fields: Vec::new(),
        });
        self.structs.len() - 1
    }

    fn fill(&mut self, idx: usize, props: &[(&'a str, &'a J)], required: &BTreeSet<&str>) {
        let parent = self.structs[idx].name.clone();
        let mut idents = Unique::default();
        let mut fields = Vec::with_capacity(props.len());
        for &(cfn, schema) in props {
            let hint = Hint::Field(&parent, cfn);
            let r = self.resolve(schema, &hint);
            fields.push(Field {
                cfn: cfn.to_string(),
                ident: idents.claim(&snake_ident(cfn), "_"),
                doc: schema
                    .get("description")
                    .and_then(J::as_str)
                    .and_then(|d| doc_text(d, DOC_MAX)),
                rule: r.cons,
                item_rule: r.item_cons,
                ty: r.ty,
                required: required.contains(cfn),
                boxed: false,
            });
        }
        self.structs[idx].fields = fields;
    }
}

/// GetAtt attributes: read-only properties without `*` segments.
fn attributes(schema: &J, defs: &JsonMap<String, J>) -> Vec<Attr> {
    let mut methods = Unique::new(names::HANDLE_METHODS.iter().copied());
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for path in strings(schema.get("readOnlyProperties")) {
        let Some(rel) = path.strip_prefix("/properties/") else {
            continue;
        };
        if rel.split('/').any(|s| s == "*" || s.is_empty()) {
            continue;
        }
        let name = rel.replace('/', ".");
        if !seen.insert(name.clone()) {
            continue;
        }
        let ty = attr_type(schema, defs, rel);
        let snake = snake_ident(&name);
        let method = if names::HANDLE_METHODS.contains(&snake.as_str()) {
            methods.claim(&format!("{snake}_attr"), "_")
        } else {
            methods.claim(&snake, "_")
        };
        out.push(Attr { name, method, ty });
    }
    out
}

fn attr_type(schema: &J, defs: &JsonMap<String, J>, rel: &str) -> AttrTy {
    let mut node: Option<&J> = Some(schema);
    for seg in rel.split('/') {
        node = node.and_then(|n| super::shape::child(n, seg, defs));
    }
    let Some(node) = node else {
        return AttrTy::Str;
    };
    match form(node, defs) {
        Form::Prim(Prim::Int) => AttrTy::Int,
        Form::Prim(Prim::Num) => AttrTy::Num,
        Form::Prim(Prim::Bool) => AttrTy::Bool,
        Form::Array(_) => AttrTy::List,
        Form::Ref(name) => match defs.get(name).map(|d| form(d, defs)) {
            Some(Form::Prim(Prim::Int)) => AttrTy::Int,
            Some(Form::Prim(Prim::Num)) => AttrTy::Num,
            Some(Form::Prim(Prim::Bool)) => AttrTy::Bool,
            Some(Form::Array(_)) => AttrTy::List,
            _ => AttrTy::Str,
        },
        _ => AttrTy::Str,
    }
}

/// Where the type keeps its tags (see `strata_core::TagShape`).
fn tag_shape(root: &JsonMap<String, J>, structs: &[StructDef]) -> Tags {
    let prop = root
        .get("tagging")
        .and_then(|t| t.get("tagProperty"))
        .and_then(J::as_str)
        .and_then(|p| p.strip_prefix("/properties/"))
        .unwrap_or("Tags");
    if prop.contains('/') {
        return Tags::None;
    }
    let Some(field) = structs[0].fields.iter().find(|f| f.cfn == prop) else {
        return Tags::None;
    };
    match &field.ty {
        Ty::List(item) => {
            let Ty::Struct(i) = **item else {
                return Tags::None;
            };
            let fields = &structs[i].fields;
            let has = |n: &str| fields.iter().find(|f| f.cfn == n);
            match (has("Key"), has("Value"), has("PropagateAtLaunch")) {
                (Some(_), Some(_), Some(p)) if p.required => Tags::ListPropagate(prop.to_string()),
                (Some(_), Some(_), _) => Tags::List(prop.to_string()),
                _ => Tags::None,
            }
        }
        Ty::Map(v) if **v == Ty::Str => Tags::Map(prop.to_string()),
        Ty::Json => {
            let node = root.get("properties").and_then(|p| p.get(prop));
            let object = node.and_then(|n| n.get("type")).is_some_and(|t| {
                t == "object"
                    || t.as_array()
                        .is_some_and(|a| a.iter().any(|x| x == "object"))
            });
            if object {
                Tags::Map(prop.to_string())
            } else {
                Tags::None
            }
        }
        _ => Tags::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn model(schema: J) -> TypeModel {
        build(&schema).unwrap()
    }

    #[test]
    fn maps_primitive_list_map_and_json_types() {
        let m = model(json!({
            "typeName": "AWS::Test::Thing",
            "properties": {
                "Name": {"type": "string", "maxLength": 5},
                "Count": {"type": "integer", "minimum": 1},
                "Ratio": {"type": "number"},
                "On": {"type": "boolean"},
                "Ids": {"type": "array", "items": {"type": "string", "pattern": "^i-"}, "maxItems": 3},
                "Labels": {"type": "object", "patternProperties": {".*": {"type": "string"}}},
                "Policy": {"type": ["object", "string"]},
                "Blob": {"type": "object"},
                "Either": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                "Id": {"type": "string"}
            },
            "required": ["Name", "Id"],
            "readOnlyProperties": ["/properties/Id"]
        }));
        let f = &m.structs[0].fields;
        let tys: Vec<_> = f
            .iter()
            .map(|f| (f.cfn.as_str(), f.ty.clone(), f.required))
            .collect();
        assert_eq!(
            tys,
            [
                ("Name", Ty::Str, true),
                ("Count", Ty::Int, false),
                ("Ratio", Ty::Num, false),
                ("On", Ty::Bool, false),
                ("Ids", Ty::List(Box::new(Ty::Str)), false),
                ("Labels", Ty::Map(Box::new(Ty::Str)), false),
                ("Policy", Ty::Json, false),
                ("Blob", Ty::Json, false),
                ("Either", Ty::Json, false),
            ]
        );
        assert_eq!(f[0].rule.max_len, Some(5));
        assert_eq!(f[1].rule.min, Some(1.0));
        assert_eq!(f[4].rule.max_items, Some(3));
        assert_eq!(f[4].item_rule.pattern.as_deref(), Some("^i-"));
        assert_eq!(m.attrs.len(), 1);
        assert_eq!(m.attrs[0].method, "id");
    }

    #[test]
    fn definitions_and_inline_objects_become_structs() {
        let m = model(json!({
            "typeName": "AWS::Test::Value",
            "definitions": {
                "Value": {"type": "object", "properties": {"Key": {"type": "string"}}},
                "Tag": {"type": "object", "properties": {"Key": {"type": "string"}, "Value": {"type": "string"}}, "required": ["Key", "Value"]}
            },
            "properties": {
                "Inner": {"$ref": "#/definitions/Value"},
                "Inline": {"type": "object", "properties": {"A": {"type": "string"}}},
                "Tags": {"type": "array", "items": {"$ref": "#/definitions/Tag"}}
            }
        }));
        let names: Vec<_> = m.structs.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["ValueResource", "ValueProperty", "Inline", "Tag"]);
        assert_eq!(m.tags, Tags::List("Tags".into()));
    }

    #[test]
    fn alternative_required_sets_merge_into_one_struct() {
        let m = model(json!({
            "typeName": "AWS::Test::Thing",
            "definitions": {
                "Dest": {
                    "type": "object",
                    "properties": {"A": {"type": "string"}, "B": {"type": "string"}, "C": {"type": "string"}},
                    "required": ["C"],
                    "oneOf": [{"required": ["A"]}, {"required": ["B"]}]
                },
                "Either": {"oneOf": [
                    {"type": "object", "properties": {"X": {"type": "string"}}, "required": ["X"]},
                    {"type": "object", "properties": {"Y": {"type": "integer"}}, "required": ["Y"]}
                ]}
            },
            "properties": {
                "Dest": {"$ref": "#/definitions/Dest"},
                "Either": {"$ref": "#/definitions/Either"}
            }
        }));
        let dest = &m.structs[1];
        assert_eq!(dest.name, "Dest");
        let req: Vec<_> = dest
            .fields
            .iter()
            .map(|f| (f.cfn.as_str(), f.required))
            .collect();
        assert_eq!(req, [("A", false), ("B", false), ("C", true)]);
        let either = &m.structs[2];
        assert_eq!(either.fields.len(), 2);
        assert!(either.fields.iter().all(|f| !f.required));
    }

    #[test]
    fn attributes_follow_nested_paths() {
        let m = model(json!({
            "typeName": "AWS::Test::Db",
            "definitions": {"Endpoint": {"type": "object", "properties": {
                "Address": {"type": "string"}, "Port": {"type": "integer"}}}},
            "properties": {
                "Endpoint": {"$ref": "#/definitions/Endpoint"},
                "Node": {"type": "string"},
                "Ips": {"type": "array", "items": {"type": "string"}}
            },
            "readOnlyProperties": ["/properties/Endpoint/Address", "/properties/Endpoint/Port",
                "/properties/Node", "/properties/Ips", "/properties/Ips/*/X"]
        }));
        let a: Vec<_> = m
            .attrs
            .iter()
            .map(|a| (a.name.as_str(), a.method.as_str(), a.ty))
            .collect();
        assert_eq!(
            a,
            [
                ("Endpoint.Address", "endpoint_address", AttrTy::Str),
                ("Endpoint.Port", "endpoint_port", AttrTy::Int),
                ("Node", "node_attr", AttrTy::Str),
                ("Ips", "ips", AttrTy::List),
            ]
        );
    }
}
