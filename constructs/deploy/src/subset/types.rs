//! The set of resource types a subset keeps, read from a data file: one
//! type a line, `#` comments, `Type excluded: reason` for a type the
//! target lists but that is dropped anyway, `Type excluded when
//! Property: reason` for one dropped only when it sets that property, and
//! `Type needs DependsOn: reason` for one that goes with what its
//! `DependsOn` names (other types only lose the entry).

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use serde_json::Value as Json;

/// The resource types moto 5.2.5's CloudFormation server creates, with
/// the ones excluded for our templates (`data/moto-5.2.5-types.txt`).
pub const MOTO_TYPES: &str = include_str!("../../data/moto-5.2.5-types.txt");

/// Resource types a subset keeps; every other type is dropped.
///
/// ```
/// use serde_json::json;
/// use strata_deploy::subset::TypeSet;
///
/// let types = TypeSet::parse(
///     "# comment\n\
///      AWS::KMS::Key excluded when Tags: tags fail\n\
///      AWS::SNS::Topic excluded: not today\n\
///      AWS::SQS::Queue\n",
/// )
/// .unwrap();
/// assert!(types.keeps("AWS::SQS::Queue"));
/// assert!(!types.keeps("AWS::SNS::Topic"));
/// assert_eq!(types.exclusion("AWS::SNS::Topic"), Some("not today"));
/// let tagged = json!({"Type": "AWS::KMS::Key", "Properties": {"Tags": []}});
/// assert!(types.keeps("AWS::KMS::Key") && !types.keeps_resource(&tagged));
/// assert!(TypeSet::moto().keeps("AWS::EC2::VPC"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeSet {
    entries: BTreeMap<String, Entry>,
}

/// How a listed type is treated.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    Kept,
    Excluded(String),
    /// Dropped when the resource sets `property`, with the reason.
    ExcludedWhen(String, String),
    /// Kept, but dropped with what its `DependsOn` names, with the reason.
    NeedsDependsOn(String),
}

impl TypeSet {
    /// The types moto 5.2.5 creates, minus the excluded ones ([`MOTO_TYPES`]).
    pub fn moto() -> TypeSet {
        // The file is part of the crate and checked by a unit test.
        TypeSet::parse(MOTO_TYPES).unwrap_or_default()
    }

    /// A set that keeps exactly `types`.
    pub fn of<I: IntoIterator<Item = S>, S: Into<String>>(types: I) -> TypeSet {
        TypeSet {
            entries: types.into_iter().map(|t| (t.into(), Entry::Kept)).collect(),
        }
    }

    /// Reads the data-file format: a type per line (`Service::Kind` with
    /// its `AWS::` prefix), optionally followed by `excluded: reason`,
    /// `excluded when Property: reason` or `needs DependsOn: reason`; blank lines and `#` comments are
    /// ignored. The types must be sorted and unique, so the file stays
    /// reviewable.
    pub fn parse(text: &str) -> Result<TypeSet> {
        let mut entries = BTreeMap::new();
        let mut last: Option<String> = None;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (ty, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            if ty.split("::").count() != 3 || ty.split("::").any(str::is_empty) {
                bail!(
                    "line {}: `{ty}` is not a resource type (Org::Service::Kind)",
                    n + 1
                );
            }
            let rest = rest.trim();
            let entry = if rest.is_empty() {
                Entry::Kept
            } else {
                let bad = || {
                    anyhow::anyhow!(
                        "line {}: after the type only `excluded: <reason>`, `excluded when <Property>: <reason>` or `needs DependsOn: <reason>` may follow, not `{rest}`",
                        n + 1
                    )
                };
                let (head, reason) = rest.split_once(':').ok_or_else(bad)?;
                let reason = reason.trim().to_string();
                if reason.is_empty() {
                    return Err(bad());
                }
                if head.trim() == "needs DependsOn" {
                    Entry::NeedsDependsOn(reason)
                } else {
                    let head = head.strip_prefix("excluded").ok_or_else(bad)?;
                    match head.trim() {
                        "" => Entry::Excluded(reason),
                        when => match when.strip_prefix("when ").map(str::trim) {
                            Some(p) if !p.is_empty() && !p.contains(' ') => {
                                Entry::ExcludedWhen(p.to_string(), reason)
                            }
                            _ => return Err(bad()),
                        },
                    }
                }
            };
            if let Some(prev) = &last {
                if prev.as_str() >= ty {
                    bail!(
                        "line {}: `{ty}` comes after `{prev}`; keep the types sorted and unique",
                        n + 1
                    );
                }
            }
            last = Some(ty.to_string());
            entries.insert(ty.to_string(), entry);
        }
        Ok(TypeSet { entries })
    }

    /// Whether resources of type `ty` are kept (unless they set a property
    /// that excludes them; see [`TypeSet::keeps_resource`]).
    pub fn keeps(&self, ty: &str) -> bool {
        matches!(
            self.entries.get(ty),
            Some(Entry::Kept | Entry::ExcludedWhen(..) | Entry::NeedsDependsOn(_))
        )
    }

    /// Whether `resource` (a template's resource, with `Type` and
    /// `Properties`) is kept.
    pub fn keeps_resource(&self, resource: &Json) -> bool {
        self.drop_reason(resource).is_none()
    }

    /// Why `ty` is excluded although the target lists it, if it is (always
    /// or, for `excluded when`, when it sets the property).
    pub fn exclusion(&self, ty: &str) -> Option<&str> {
        match self.entries.get(ty) {
            Some(Entry::Excluded(r) | Entry::ExcludedWhen(_, r)) => Some(r),
            _ => None,
        }
    }

    /// The listed types (kept, always or unless they set a property), sorted.
    pub fn kept(&self) -> impl Iterator<Item = &str> {
        self.entries
            .iter()
            .filter(|(_, e)| !matches!(e, Entry::Excluded(_)))
            .map(|(t, _)| t.as_str())
    }

    /// Why resources of type `ty` need what their `DependsOn` names, when
    /// they do (`needs DependsOn`); other types only lose the entry.
    pub fn needs_depends_on(&self, ty: &str) -> Option<&str> {
        match self.entries.get(ty) {
            Some(Entry::NeedsDependsOn(reason)) => Some(reason),
            _ => None,
        }
    }

    /// Why `resource` is dropped, or `None` when it is kept.
    pub(crate) fn drop_reason(&self, resource: &Json) -> Option<String> {
        let ty = resource.get("Type").and_then(Json::as_str).unwrap_or("?");
        match self.entries.get(ty) {
            Some(Entry::Kept | Entry::NeedsDependsOn(_)) => None,
            Some(Entry::Excluded(reason)) => Some(format!("type {ty} is excluded: {reason}")),
            Some(Entry::ExcludedWhen(property, reason)) => resource
                .pointer(&format!("/Properties/{property}"))
                .map(|_| format!("type {ty} is excluded with {property}: {reason}")),
            None => Some(format!("type {ty} is not supported")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_moto_list_is_sorted_unique_and_well_formed() {
        let types = TypeSet::parse(MOTO_TYPES).expect("the bundled list parses");
        assert_eq!(types, TypeSet::moto());
        // moto 5.2.5 registers 98 resource types.
        assert_eq!(types.entries.len(), 98);
        for t in ["AWS::EC2::VPC", "AWS::S3::Bucket", "AWS::DynamoDB::Table"] {
            assert!(types.keeps(t), "{t}");
        }
        assert!(!types.keeps("AWS::EKS::Cluster"));
        for t in types.entries.keys() {
            if let Some(r) = types.exclusion(t) {
                assert!(r.len() > 40, "{t}: give a real reason, not `{r}`");
            }
        }
    }

    #[test]
    fn unsorted_duplicate_and_malformed_lines_are_errors() {
        let err = |text: &str| TypeSet::parse(text).unwrap_err().to_string();
        assert!(err("AWS::SQS::Queue\nAWS::SNS::Topic\n").contains("sorted"));
        assert!(err("AWS::SNS::Topic\nAWS::SNS::Topic\n").contains("unique"));
        assert!(err("AWS::SNS\n").contains("not a resource type"));
        assert!(err("AWS::SNS::Topic maybe\n").contains("excluded: <reason>"));
        assert!(err("AWS::SNS::Topic excluded:\n").contains("excluded: <reason>"));
        assert!(err("AWS::SNS::Topic excluded when: x\n").contains("excluded: <reason>"));
        assert!(err("AWS::SNS::Topic excluded when A B: x\n").contains("excluded: <reason>"));
        assert!(err("AWS::SNS::Topic excluded sometimes: x\n").contains("excluded: <reason>"));
        assert!(err("AWS::SNS::Topic needs DependsOn:\n").contains("needs DependsOn: <reason>"));
    }

    #[test]
    fn drop_reasons_tell_unknown_from_excluded() {
        let types = TypeSet::parse(
            "AWS::A::B excluded: moto fails on it\nAWS::C::D\nAWS::G::H excluded when Tags: tags fail\n\
             AWS::I::J needs DependsOn: it needs them\n",
        )
        .unwrap();
        let resource = |ty: &str, props: Json| json!({"Type": ty, "Properties": props});
        assert_eq!(types.drop_reason(&resource("AWS::C::D", json!({}))), None);
        assert_eq!(
            types
                .drop_reason(&resource("AWS::A::B", json!({})))
                .unwrap(),
            "type AWS::A::B is excluded: moto fails on it"
        );
        assert_eq!(
            types
                .drop_reason(&resource("AWS::E::F", json!({})))
                .unwrap(),
            "type AWS::E::F is not supported"
        );
        assert!(types.keeps_resource(&resource("AWS::G::H", json!({"Name": "x"}))));
        assert!(types.keeps_resource(&json!({"Type": "AWS::G::H"})));
        assert_eq!(
            types
                .drop_reason(&resource("AWS::G::H", json!({"Tags": []})))
                .unwrap(),
            "type AWS::G::H is excluded with Tags: tags fail"
        );
        assert_eq!(
            types.kept().collect::<Vec<_>>(),
            ["AWS::C::D", "AWS::G::H", "AWS::I::J"]
        );
        assert!(types.keeps_resource(&json!({"Type": "AWS::I::J"})));
        assert_eq!(types.needs_depends_on("AWS::I::J"), Some("it needs them"));
        assert_eq!(types.needs_depends_on("AWS::C::D"), None);
        assert!(TypeSet::of(["AWS::E::F"]).keeps("AWS::E::F"));
    }
}
