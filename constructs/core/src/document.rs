//! The synthesized template: a resolved tree that serializes straight to
//! the template text, and the read-only JSON view of that text.
//!
//! Synth never builds a `serde_json::Value` for a template. Resolution
//! turns the construct tree's values into a [`Doc`], an ordered tree of
//! plain JSON, which is written once as text. [`Template`] parses the text
//! back only when someone reads the template as JSON (tests, tools), so an
//! app binary that only writes `cdk.out/` never pays for it.

use std::io;
use std::ops::Deref;
use std::sync::OnceLock;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::ser::Formatter;
use serde_json::Value as Json;

/// A resolved template tree: plain JSON whose objects keep insertion order
/// and have unique keys.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Doc {
    Null,
    Bool(bool),
    Int(i64),
    /// A finite number.
    Float(f64),
    Str(String),
    List(Vec<Doc>),
    Object(Vec<(String, Doc)>),
    /// Ready-made JSON from the construct tree, written as it is.
    Json(Box<Json>),
}

impl Doc {
    /// A one-key object such as `{"Ref": "Vpc"}`.
    pub(crate) fn single(key: &str, value: Doc) -> Doc {
        Doc::Object(vec![(key.to_string(), value)])
    }

    /// An object's fields, or `None` for any other value.
    pub(crate) fn fields(&self) -> Option<&[(String, Doc)]> {
        match self {
            Doc::Object(fields) => Some(fields),
            _ => None,
        }
    }

    /// The value of `key` in an object.
    pub(crate) fn get(&self, key: &str) -> Option<&Doc> {
        self.fields()?
            .iter()
            .find_map(|(k, v)| (k == key).then_some(v))
    }

    /// Whether this is an object without fields.
    pub(crate) fn is_empty_object(&self) -> bool {
        self.fields().is_some_and(<[_]>::is_empty)
    }

    /// Sets `key` in an object: a key already there keeps its place and
    /// takes the new value, as in a JSON object built key by key.
    pub(crate) fn set(fields: &mut Vec<(String, Doc)>, key: String, value: Doc) {
        match fields.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => fields.push((key, value)),
        }
    }

    /// Folds repeated keys of an object into the first one's place with
    /// the last one's value. Objects almost never repeat a key, so the
    /// common case is a scan that allocates nothing.
    pub(crate) fn unique_keys(fields: Vec<(String, Doc)>) -> Vec<(String, Doc)> {
        let repeats = if fields.len() <= 16 {
            (1..fields.len()).any(|i| fields[..i].iter().any(|(seen, _)| *seen == fields[i].0))
        } else {
            let mut seen = std::collections::HashSet::with_capacity(fields.len());
            !fields.iter().all(|(k, _)| seen.insert(k.as_str()))
        };
        if !repeats {
            return fields;
        }
        let mut out: Vec<(String, Doc)> = Vec::with_capacity(fields.len());
        let mut place: std::collections::HashMap<String, usize> =
            std::collections::HashMap::with_capacity(fields.len());
        for (k, v) in fields {
            match place.get(&k) {
                Some(&i) => out[i].1 = v,
                None => {
                    place.insert(k.clone(), out.len());
                    out.push((k, v));
                }
            }
        }
        out
    }

    /// The value as `serde_json::Value`.
    pub(crate) fn to_json(&self) -> Json {
        match self {
            Doc::Null => Json::Null,
            Doc::Bool(b) => Json::Bool(*b),
            Doc::Int(n) => Json::from(*n),
            Doc::Float(f) => Json::from(*f),
            Doc::Str(s) => Json::String(s.clone()),
            Doc::List(items) => Json::Array(items.iter().map(Doc::to_json).collect()),
            Doc::Object(fields) => Json::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
            Doc::Json(j) => (**j).clone(),
        }
    }
}

impl Serialize for Doc {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Doc::Null => s.serialize_unit(),
            Doc::Bool(b) => s.serialize_bool(*b),
            Doc::Int(n) => s.serialize_i64(*n),
            Doc::Float(f) => s.serialize_f64(*f),
            Doc::Str(text) => s.serialize_str(text),
            Doc::List(items) => s.collect_seq(items),
            Doc::Object(fields) => {
                let mut map = s.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
            Doc::Json(j) => j.serialize(s),
        }
    }
}

/// serde_json's pretty printing with the CDK's one-space indent, writing
/// each line's indent in one call rather than one call per level.
#[derive(Default)]
pub(crate) struct TemplateFormatter {
    depth: usize,
    has_value: bool,
}

impl TemplateFormatter {
    fn newline<W: ?Sized + io::Write>(&self, w: &mut W) -> io::Result<()> {
        const SPACES: &[u8; 65] = &[b' '; 65];
        let mut rest = self.depth;
        w.write_all(b"\n")?;
        while rest > 0 {
            let n = rest.min(SPACES.len());
            w.write_all(&SPACES[..n])?;
            rest -= n;
        }
        Ok(())
    }

    fn open<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline(w)?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.newline(w)
    }
}

impl Formatter for TemplateFormatter {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// A synthesized template as JSON, parsed from its text the first time it
/// is read. It dereferences to `serde_json::Value`, so it is indexed and
/// queried like one.
///
/// ```
/// use strata_core::{App, Fn, Output, StackProps};
/// let app = App::new();
/// app.stack("Demo", StackProps::default())
///     .output("Region", Output::new(Fn::region()));
/// let assembly = app.synth().expect("valid app");
/// let template = &assembly.stacks[0].template;
/// assert_eq!(template["Outputs"]["Region"]["Value"]["Ref"], "AWS::Region");
/// assert!(template.get("Resources").is_none());
/// ```
#[derive(Clone, Debug)]
pub struct Template {
    text: String,
    json: OnceLock<Json>,
}

impl Template {
    /// A template over the text synth wrote.
    pub(crate) fn new(text: String) -> Template {
        Template {
            text,
            json: OnceLock::new(),
        }
    }

    /// The template text, as written to `<Stack>.template.json`.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The template as JSON.
    pub fn json(&self) -> &Json {
        self.json.get_or_init(|| {
            // Synth wrote this text with serde_json from finite numbers and
            // valid strings, so it always parses back.
            serde_json::from_str(&self.text).expect("synthesized templates are valid JSON")
        })
    }
}

impl From<Template> for Json {
    fn from(t: Template) -> Json {
        t.json();
        t.json.into_inner().unwrap_or_default()
    }
}

impl Deref for Template {
    type Target = Json;

    fn deref(&self) -> &Json {
        self.json()
    }
}

impl PartialEq for Template {
    fn eq(&self, other: &Template) -> bool {
        self.text == other.text
    }
}

impl PartialEq<Json> for Template {
    fn eq(&self, other: &Json) -> bool {
        self.json() == other
    }
}

impl PartialEq<Template> for Json {
    fn eq(&self, other: &Template) -> bool {
        self == other.json()
    }
}

impl Serialize for Template {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.json().serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::{Doc, Template};
    use crate::synth::to_template_string;
    use serde_json::json;

    fn obj(fields: &[(&str, Doc)]) -> Vec<(String, Doc)> {
        fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn writes_the_same_text_as_json_values() {
        let doc = Doc::Object(obj(&[
            (
                "B",
                Doc::List(vec![Doc::Int(-3), Doc::Float(0.5), Doc::Null]),
            ),
            ("A", Doc::Str("quote \" and \u{e9}".into())),
            ("C", Doc::Json(Box::new(json!({"z": 1, "a": [true, {}]})))),
            ("D", Doc::Object(Vec::new())),
            ("E", Doc::Float(2.0)),
        ]));
        assert_eq!(to_template_string(&doc), to_template_string(&doc.to_json()));
        let parsed: serde_json::Value =
            serde_json::from_str(&to_template_string(&doc)).expect("valid JSON");
        assert_eq!(parsed, doc.to_json());
    }

    #[test]
    fn formats_like_serde_json_with_a_one_space_indent() {
        let mut deep = json!("leaf");
        for i in 0..70 {
            deep = if i % 2 == 0 {
                json!([deep, 1, []])
            } else {
                json!({"k": deep, "e": {}})
            };
        }
        let value = json!({"A": [1, {"b": null}], "C": {}, "D": [], "E": "x\n\"y", "F": deep});
        let mut expected = Vec::new();
        let pretty = serde_json::ser::PrettyFormatter::with_indent(b" ");
        let mut ser = serde_json::Serializer::with_formatter(&mut expected, pretty);
        serde::Serialize::serialize(&value, &mut ser).expect("serializes");
        assert_eq!(to_template_string(&value).as_bytes(), expected.as_slice());
    }

    #[test]
    fn repeated_keys_keep_the_first_place_and_the_last_value() {
        let fields = obj(&[("A", Doc::Int(1)), ("B", Doc::Int(2)), ("A", Doc::Int(3))]);
        assert_eq!(
            Doc::unique_keys(fields),
            obj(&[("A", Doc::Int(3)), ("B", Doc::Int(2))])
        );
        let distinct = obj(&[("A", Doc::Int(1)), ("B", Doc::Int(2))]);
        assert_eq!(Doc::unique_keys(distinct.clone()), distinct);
    }

    #[test]
    fn floats_read_back_exactly() {
        // Parsing without exact float round trips gives ...748e47 here.
        let doc = Doc::Object(obj(&[("A", Doc::Float(5.662746176357747e47))]));
        let t = Template::new(to_template_string(&doc));
        assert_eq!(*t, doc.to_json());
    }

    #[test]
    fn template_reads_its_text_as_json() {
        let t = Template::new(
            "{\n \"Resources\": {\n  \"Q\": {\n   \"Type\": \"AWS::SQS::Queue\"\n  }\n }\n}".into(),
        );
        assert_eq!(t["Resources"]["Q"]["Type"], "AWS::SQS::Queue");
        assert_eq!(t, json!({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}));
        assert!(t.text().starts_with("{\n \"Resources\""));
    }
}
