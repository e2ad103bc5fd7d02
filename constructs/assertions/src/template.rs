//! `Template`: a synthesized CloudFormation template and the assertions
//! on its resources, outputs, parameters, mappings and conditions.

use std::collections::BTreeSet;

use serde_json::{Map, Value};
use strata_core::Assembly;

use crate::matcher::{Match, Matcher};
use crate::result::{pretty, AssertionError, Mismatch};

/// How many lines of the closest candidate a failure message shows.
const SHOWN_LINES: usize = 60;

/// A CloudFormation template to assert on, like the CDK's `Template`.
///
/// The `has_*`, `*_count_is`, `all_*` and `template_matches` methods
/// return `Err` with a message naming the closest candidate and the path
/// of each mismatch; they never panic. The `assert_*` methods are their
/// panicking twins, for tests.
///
/// ```
/// use serde_json::json;
/// use strata_assertions::{Match, Template};
///
/// let template = Template::from_json(json!({
///     "Resources": {
///         "Queue": {"Type": "AWS::SQS::Queue", "DeletionPolicy": "Retain",
///                   "Properties": {"VisibilityTimeout": 300, "Tags": [{"Key": "team", "Value": "a"}]}},
///         "Dlq": {"Type": "AWS::SQS::Queue", "Properties": {"MessageRetentionPeriod": 1209600}},
///     },
///     "Outputs": {"QueueUrl": {"Value": {"Ref": "Queue"}}},
/// }));
/// template.resource_count_is("AWS::SQS::Queue", 2)?;
/// template.has_resource_properties("AWS::SQS::Queue", json!({"VisibilityTimeout": 300}))?;
/// template.has_resource("AWS::SQS::Queue", json!({"DeletionPolicy": "Retain"}))?;
/// template.has_resource_properties(
///     "AWS::SQS::Queue",
///     Match::object_like(json!({"MessageRetentionPeriod": 1209600})).with("Tags", Match::absent()),
/// )?;
/// template.has_output("*", json!({"Value": {"Ref": "Queue"}}))?;
///
/// let err = template
///     .has_resource_properties("AWS::SQS::Queue", json!({"VisibilityTimeout": 30}))
///     .unwrap_err();
/// assert!(err.to_string().contains("/Properties/VisibilityTimeout: expected 30, got 300"));
/// # Ok::<(), strata_assertions::AssertionError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Template {
    json: Value,
}

/// One section of a template, for the messages.
#[derive(Clone, Copy)]
enum Section {
    Resources,
    Outputs,
    Parameters,
    Mappings,
    Conditions,
}

impl Section {
    fn key(self) -> &'static str {
        match self {
            Section::Resources => "Resources",
            Section::Outputs => "Outputs",
            Section::Parameters => "Parameters",
            Section::Mappings => "Mappings",
            Section::Conditions => "Conditions",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Section::Resources => "resource",
            Section::Outputs => "output",
            Section::Parameters => "parameter",
            Section::Mappings => "mapping",
            Section::Conditions => "condition",
        }
    }
}

/// The entries tested, those that matched, and the closest failure.
struct Outcome {
    tested: usize,
    matched: Vec<(String, Value)>,
    failures: Vec<(String, Value, Vec<Mismatch>)>,
}

impl Template {
    /// The template of a JSON value.
    pub fn from_json(json: Value) -> Self {
        Template { json }
    }

    /// The template in a JSON string.
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(text: &str) -> Result<Self, AssertionError> {
        serde_json::from_str(text)
            .map(Template::from_json)
            .map_err(|e| AssertionError::new(format!("the template is not valid JSON: {e}")))
    }

    /// The template of the stack with artifact id `stack_id` (its
    /// construct id) in a synthesized assembly.
    pub fn from_stack(assembly: &Assembly, stack_id: &str) -> Result<Self, AssertionError> {
        match assembly.stacks.iter().find(|s| s.id == stack_id) {
            Some(s) => Ok(Template::from_json(s.template.json().clone())),
            None => {
                let ids: Vec<&str> = assembly.stacks.iter().map(|s| s.id.as_str()).collect();
                Err(AssertionError::new(format!(
                    "the assembly has no stack {stack_id}; its stacks are: {}",
                    ids.join(", ")
                )))
            }
        }
    }

    /// The template as JSON.
    pub fn to_json(&self) -> &Value {
        &self.json
    }

    /// The resource with logical ID `logical_id`, if any.
    pub fn resource(&self, logical_id: &str) -> Option<&Value> {
        self.json.get("Resources")?.get(logical_id)
    }

    fn section(&self, section: Section) -> Vec<(&str, &Value)> {
        self.json
            .get(section.key())
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
            .unwrap_or_default()
    }

    fn resources_of(&self, ty: &str) -> Vec<(&str, &Value)> {
        self.section(Section::Resources)
            .into_iter()
            .filter(|(_, r)| r.get("Type").and_then(Value::as_str) == Some(ty))
            .collect()
    }

    /// Tests `entries` against `matcher`, each prepared by `view` (which
    /// gives a resource its empty `Properties` for property matchers).
    fn outcome(
        entries: Vec<(&str, &Value)>,
        matcher: &Matcher,
        view: impl Fn(&Value) -> Value,
    ) -> Outcome {
        let mut out = Outcome {
            tested: entries.len(),
            matched: Vec::new(),
            failures: Vec::new(),
        };
        for (id, entry) in entries {
            let viewed = view(entry);
            let mismatches = matcher.test(Some(&viewed), true).finish();
            if mismatches.is_empty() {
                out.matched.push((id.to_string(), entry.clone()));
            } else {
                out.failures.push((id.to_string(), viewed, mismatches));
            }
        }
        out
    }

    fn resource_outcome(&self, ty: &str, matcher: &Matcher, properties: bool) -> Outcome {
        let matcher = if properties {
            Match::object_like([("Properties", matcher.clone())])
        } else {
            matcher.clone()
        };
        Self::outcome(self.resources_of(ty), &matcher, |r| {
            let mut r = r.clone();
            if let Some(map) = r.as_object_mut().filter(|_| properties) {
                map.entry("Properties")
                    .or_insert_with(|| Value::Object(Map::new()));
            }
            r
        })
    }

    /// The message for an assertion that no entry satisfied.
    fn none_matched(&self, what: String, section: Section, out: Outcome) -> AssertionError {
        if out.tested == 0 {
            return AssertionError::new(format!("{what}: {}", self.nothing_of(section)));
        }
        let Some((id, value, mismatches)) =
            out.failures.into_iter().min_by_key(|(_, _, m)| m.len())
        else {
            return AssertionError::new(what);
        };
        let lines: Vec<String> = mismatches.iter().map(|m| format!("  {m}")).collect();
        let message = format!(
            "{what}: {} {}{} tested, none matches.\nThe closest is {id}, with {} mismatch{}:\n{}\n{id}:\n{}",
            out.tested,
            section.noun(),
            plural(out.tested),
            mismatches.len(),
            if mismatches.len() == 1 { "" } else { "es" },
            lines.join("\n"),
            pretty(&value, SHOWN_LINES),
        );
        AssertionError::with_mismatches(message, mismatches)
    }

    /// Why a search found no candidate at all.
    fn nothing_of(&self, section: Section) -> String {
        if let Section::Resources = section {
            let types: BTreeSet<&str> = self
                .section(Section::Resources)
                .into_iter()
                .filter_map(|(_, r)| r.get("Type").and_then(Value::as_str))
                .collect();
            let list: Vec<&str> = types.into_iter().collect();
            return format!(
                "the template has no resource of this type; its types are: {}",
                list.join(", ")
            );
        }
        let ids: Vec<&str> = self.section(section).into_iter().map(|(k, _)| k).collect();
        format!(
            "the template has no such {}; its {} are: {}",
            section.noun(),
            section.key().to_lowercase(),
            ids.join(", ")
        )
    }

    /// Some resource of type `ty` has `Properties` matching `props` (a
    /// JSON literal matches object-like). A resource without
    /// `Properties` is matched as if it had `{}`, so `Match::absent()`
    /// works.
    pub fn has_resource_properties(
        &self,
        ty: &str,
        props: impl Into<Matcher>,
    ) -> Result<(), AssertionError> {
        let out = self.resource_outcome(ty, &props.into(), true);
        if out.matched.is_empty() {
            return Err(self.none_matched(
                format!("no {ty} has such properties"),
                Section::Resources,
                out,
            ));
        }
        Ok(())
    }

    /// Some resource of type `ty`, as a whole (`Properties`,
    /// `DeletionPolicy`, `DependsOn`, `Metadata`, …), matches `pattern`.
    pub fn has_resource(
        &self,
        ty: &str,
        pattern: impl Into<Matcher>,
    ) -> Result<(), AssertionError> {
        let out = self.resource_outcome(ty, &pattern.into(), false);
        if out.matched.is_empty() {
            return Err(self.none_matched(format!("no {ty} matches"), Section::Resources, out));
        }
        Ok(())
    }

    /// The template has exactly `count` resources of type `ty`.
    pub fn resource_count_is(&self, ty: &str, count: usize) -> Result<(), AssertionError> {
        let found = self.resources_of(ty);
        if found.len() == count {
            return Ok(());
        }
        let ids: Vec<&str> = found.iter().map(|(id, _)| *id).collect();
        Err(AssertionError::new(format!(
            "expected {count} {ty} resource{}, found {}{}{}",
            plural(count),
            found.len(),
            if ids.is_empty() { "" } else { ": " },
            ids.join(", ")
        )))
    }

    /// Exactly `count` resources of type `ty` have `Properties` matching
    /// `props`.
    pub fn resource_properties_count_is(
        &self,
        ty: &str,
        props: impl Into<Matcher>,
        count: usize,
    ) -> Result<(), AssertionError> {
        let out = self.resource_outcome(ty, &props.into(), true);
        if out.matched.len() == count {
            return Ok(());
        }
        let ids: Vec<&str> = out.matched.iter().map(|(id, _)| id.as_str()).collect();
        let what = format!(
            "expected {count} {ty} resource{} with such properties, found {}{}{}",
            plural(count),
            out.matched.len(),
            if ids.is_empty() { "" } else { ": " },
            ids.join(", ")
        );
        if out.matched.len() < count && !out.failures.is_empty() {
            return Err(self.none_matched(what, Section::Resources, out));
        }
        Err(AssertionError::new(what))
    }

    /// The resources of type `ty` that, as a whole, match `pattern`, as
    /// `(logical ID, resource)` in template order.
    pub fn find_resources(&self, ty: &str, pattern: impl Into<Matcher>) -> Vec<(String, Value)> {
        self.resource_outcome(ty, &pattern.into(), false).matched
    }

    /// Every resource of type `ty` (and at least one) has `Properties`
    /// matching `props`.
    pub fn all_resources_properties(
        &self,
        ty: &str,
        props: impl Into<Matcher>,
    ) -> Result<(), AssertionError> {
        self.all(
            ty,
            self.resource_outcome(ty, &props.into(), true),
            "such properties",
        )
    }

    /// Every resource of type `ty` (and at least one), as a whole,
    /// matches `pattern`.
    pub fn all_resources(
        &self,
        ty: &str,
        pattern: impl Into<Matcher>,
    ) -> Result<(), AssertionError> {
        self.all(
            ty,
            self.resource_outcome(ty, &pattern.into(), false),
            "the pattern",
        )
    }

    fn all(&self, ty: &str, out: Outcome, what: &str) -> Result<(), AssertionError> {
        if out.tested == 0 {
            return Err(AssertionError::new(format!(
                "expected every {ty} to match {what}: {}",
                self.nothing_of(Section::Resources)
            )));
        }
        let Some((first, _, mismatches)) = out.failures.first() else {
            return Ok(());
        };
        let ids: Vec<&str> = out.failures.iter().map(|(id, _, _)| id.as_str()).collect();
        let lines: Vec<String> = mismatches.iter().map(|m| format!("  {m}")).collect();
        Err(AssertionError::with_mismatches(
            format!(
                "expected every {ty} to match {what}; {} of {} do not: {}.\n{first} has:\n{}",
                out.failures.len(),
                out.tested,
                ids.join(", "),
                lines.join("\n")
            ),
            mismatches.clone(),
        ))
    }

    fn named(&self, section: Section, id: &str) -> Vec<(&str, &Value)> {
        self.section(section)
            .into_iter()
            .filter(|(k, _)| id == "*" || *k == id)
            .collect()
    }

    fn has_named(
        &self,
        section: Section,
        id: &str,
        pattern: Matcher,
    ) -> Result<(), AssertionError> {
        let out = Self::outcome(self.named(section, id), &pattern, Value::clone);
        if out.matched.is_empty() {
            let what = if id == "*" {
                format!("no {} matches", section.noun())
            } else {
                format!("{} {id} does not match", section.noun())
            };
            return Err(self.none_matched(what, section, out));
        }
        Ok(())
    }

    fn find_named(&self, section: Section, id: &str, pattern: Matcher) -> Vec<(String, Value)> {
        Self::outcome(self.named(section, id), &pattern, Value::clone).matched
    }

    /// The output `id` (`"*"`: some output) matches `pattern`, such as
    /// `json!({"Value": {"Ref": "Queue"}})`.
    pub fn has_output(&self, id: &str, pattern: impl Into<Matcher>) -> Result<(), AssertionError> {
        self.has_named(Section::Outputs, id, pattern.into())
    }

    /// The outputs named `id` (`"*"`: any) that match `pattern`.
    pub fn find_outputs(&self, id: &str, pattern: impl Into<Matcher>) -> Vec<(String, Value)> {
        self.find_named(Section::Outputs, id, pattern.into())
    }

    /// The parameter `id` (`"*"`: some parameter) matches `pattern`, such
    /// as `json!({"Type": "String"})`.
    pub fn has_parameter(
        &self,
        id: &str,
        pattern: impl Into<Matcher>,
    ) -> Result<(), AssertionError> {
        self.has_named(Section::Parameters, id, pattern.into())
    }

    /// The parameters named `id` (`"*"`: any) that match `pattern`.
    pub fn find_parameters(&self, id: &str, pattern: impl Into<Matcher>) -> Vec<(String, Value)> {
        self.find_named(Section::Parameters, id, pattern.into())
    }

    /// The mapping `id` (`"*"`: some mapping) matches `pattern`.
    pub fn has_mapping(&self, id: &str, pattern: impl Into<Matcher>) -> Result<(), AssertionError> {
        self.has_named(Section::Mappings, id, pattern.into())
    }

    /// The mappings named `id` (`"*"`: any) that match `pattern`.
    pub fn find_mappings(&self, id: &str, pattern: impl Into<Matcher>) -> Vec<(String, Value)> {
        self.find_named(Section::Mappings, id, pattern.into())
    }

    /// The condition `id` (`"*"`: some condition) matches `pattern`.
    pub fn has_condition(
        &self,
        id: &str,
        pattern: impl Into<Matcher>,
    ) -> Result<(), AssertionError> {
        self.has_named(Section::Conditions, id, pattern.into())
    }

    /// The conditions named `id` (`"*"`: any) that match `pattern`.
    pub fn find_conditions(&self, id: &str, pattern: impl Into<Matcher>) -> Vec<(String, Value)> {
        self.find_named(Section::Conditions, id, pattern.into())
    }

    /// The whole template matches `pattern` (a JSON literal object-like;
    /// `Match::exact` for equality).
    pub fn template_matches(&self, pattern: impl Into<Matcher>) -> Result<(), AssertionError> {
        pattern.into().check(&self.json).map_err(|e| {
            let lines: Vec<String> = e.mismatches().iter().map(|m| format!("  {m}")).collect();
            AssertionError::with_mismatches(
                format!("the template does not match:\n{}", lines.join("\n")),
                e.mismatches().to_vec(),
            )
        })
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

impl std::str::FromStr for Template {
    type Err = AssertionError;

    fn from_str(text: &str) -> Result<Self, AssertionError> {
        Template::from_str(text)
    }
}
