//! The names a piece of template refers to: `Ref`, `Fn::GetAtt`, the
//! `${Name}` / `${Name.Attribute}` variables of `Fn::Sub`, and condition
//! names (`Fn::If`, and `{"Condition": …}` inside condition expressions).

use std::collections::BTreeSet;

use serde_json::Value as Json;

/// What a template fragment refers to.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Refs {
    /// Resources or parameters (`Ref`, `Fn::GetAtt`, `Fn::Sub`), pseudo
    /// parameters (`AWS::…`) left out.
    pub(crate) names: BTreeSet<String>,
    /// Conditions (`Fn::If`, and `Condition` in condition expressions).
    pub(crate) conditions: BTreeSet<String>,
}

impl Refs {
    /// The references in `value`, an ordinary fragment (properties,
    /// outputs, metadata).
    pub(crate) fn of(value: &Json) -> Refs {
        let mut refs = Refs::default();
        refs.walk(value, false);
        refs
    }

    /// The references in a condition expression of the `Conditions`
    /// section, where `{"Condition": "Name"}` names another condition.
    pub(crate) fn of_condition(value: &Json) -> Refs {
        let mut refs = Refs::default();
        refs.walk(value, true);
        refs
    }

    fn name(&mut self, name: &str) {
        if !name.starts_with("AWS::") && !name.is_empty() {
            self.names.insert(name.to_string());
        }
    }

    fn walk(&mut self, value: &Json, condition_expr: bool) {
        match value {
            Json::Array(items) => items.iter().for_each(|v| self.walk(v, condition_expr)),
            Json::Object(map) => {
                if map.len() == 1 {
                    let (key, arg) = map.iter().next().expect("one entry");
                    if self.intrinsic(key, arg, condition_expr) {
                        return;
                    }
                }
                map.values().for_each(|v| self.walk(v, condition_expr));
            }
            _ => {}
        }
    }

    /// Handles a one-key object that is an intrinsic; false when it is not.
    fn intrinsic(&mut self, key: &str, arg: &Json, condition_expr: bool) -> bool {
        match (key, arg) {
            ("Ref", Json::String(name)) => self.name(name),
            ("Fn::GetAtt", Json::Array(parts)) => {
                if let Some(Json::String(name)) = parts.first() {
                    self.name(name);
                }
                parts
                    .iter()
                    .skip(1)
                    .for_each(|p| self.walk(p, condition_expr));
            }
            ("Fn::GetAtt", Json::String(dotted)) => {
                self.name(dotted.split('.').next().unwrap_or_default());
            }
            ("Fn::Sub", Json::String(text)) => self.sub(text, &BTreeSet::new()),
            ("Fn::Sub", Json::Array(parts)) => {
                let vars = parts.get(1).and_then(Json::as_object);
                let local: BTreeSet<String> = vars
                    .map(|v| v.keys().cloned().collect())
                    .unwrap_or_default();
                if let Some(Json::String(text)) = parts.first() {
                    self.sub(text, &local);
                }
                vars.into_iter()
                    .flat_map(|v| v.values())
                    .for_each(|v| self.walk(v, condition_expr));
            }
            ("Fn::If", Json::Array(parts)) => {
                if let Some(Json::String(condition)) = parts.first() {
                    self.conditions.insert(condition.clone());
                }
                parts
                    .iter()
                    .skip(1)
                    .for_each(|p| self.walk(p, condition_expr));
            }
            ("Condition", Json::String(condition)) if condition_expr => {
                self.conditions.insert(condition.clone());
            }
            _ => return false,
        }
        true
    }

    /// The variables of an `Fn::Sub` string: `${Name}` and
    /// `${Name.Attribute}`; `${!Literal}` is text, and names bound by the
    /// second argument (`local`) are not template names.
    fn sub(&mut self, text: &str, local: &BTreeSet<String>) {
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                break;
            };
            let var = after[..end].trim();
            if !var.starts_with('!') && !local.contains(var) {
                self.name(var.split('.').next().unwrap_or_default());
            }
            rest = &after[end + 1..];
        }
    }
}

/// The `DependsOn` entries of a resource (a string or a list of strings).
pub(crate) fn depends_on(resource: &Json) -> Vec<String> {
    match resource.get("DependsOn") {
        Some(Json::String(s)) => vec![s.clone()],
        Some(Json::Array(items)) => items
            .iter()
            .filter_map(Json::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names(r: &Refs) -> Vec<&str> {
        r.names.iter().map(String::as_str).collect()
    }

    #[test]
    fn ref_getatt_and_sub_name_their_targets() {
        let r = Refs::of(&json!({
            "A": {"Ref": "Vpc"},
            "B": {"Fn::GetAtt": ["Key", "Arn"]},
            "C": {"Fn::GetAtt": "Role.Arn"},
            "D": {"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/${Queue.Arn}/${!Literal}"},
            "E": {"Fn::Sub": ["${Local}-${Topic}", {"Local": {"Ref": "Param"}}]},
            "F": [{"Fn::Join": ["", [{"Ref": "AWS::Region"}, {"Ref": "Table"}]]}]
        }));
        assert_eq!(
            names(&r),
            ["Bucket", "Key", "Param", "Queue", "Role", "Table", "Topic", "Vpc"]
        );
        assert!(r.conditions.is_empty());
    }

    #[test]
    fn conditions_come_from_fn_if_and_condition_expressions() {
        let r = Refs::of(&json!({"Fn::If": ["IsProd", {"Ref": "Big"}, {"Ref": "AWS::NoValue"}]}));
        assert_eq!(names(&r), ["Big"]);
        assert_eq!(r.conditions.iter().collect::<Vec<_>>(), ["IsProd"]);
        // In properties, a `Condition` key is data (an IAM statement's, say).
        let r = Refs::of(&json!({"Condition": "NotACondition"}));
        assert!(r.conditions.is_empty());
        let r = Refs::of_condition(
            &json!({"Fn::And": [{"Condition": "A"}, {"Fn::Equals": [{"Ref": "Env"}, "prod"]}]}),
        );
        assert_eq!(r.conditions.iter().collect::<Vec<_>>(), ["A"]);
        assert_eq!(names(&r), ["Env"]);
    }

    #[test]
    fn depends_on_is_a_string_or_a_list() {
        assert_eq!(depends_on(&json!({"DependsOn": "A"})), ["A"]);
        assert_eq!(depends_on(&json!({"DependsOn": ["A", "B"]})), ["A", "B"]);
        assert!(depends_on(&json!({})).is_empty());
    }
}
