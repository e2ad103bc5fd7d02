//! The set of resource types a subset keeps, read from a data file: one
//! type a line, `#` comments, and `Type excluded: reason` for a type the
//! target lists but that is dropped anyway, with the reason.

use std::collections::BTreeMap;

use anyhow::{bail, Result};

/// The resource types moto 5.2.5's CloudFormation server creates, with
/// the ones excluded for our templates (`data/moto-5.2.5-types.txt`).
pub const MOTO_TYPES: &str = include_str!("../../data/moto-5.2.5-types.txt");

/// Resource types a subset keeps; every other type is dropped.
///
/// ```
/// use strata_deploy::subset::TypeSet;
///
/// let types = TypeSet::parse("# comment\nAWS::SQS::Queue\nAWS::SNS::Topic excluded: not today\n").unwrap();
/// assert!(types.keeps("AWS::SQS::Queue"));
/// assert!(!types.keeps("AWS::SNS::Topic"));
/// assert_eq!(types.exclusion("AWS::SNS::Topic"), Some("not today"));
/// assert!(TypeSet::moto().keeps("AWS::EC2::VPC"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeSet {
    /// Type → `None` when kept, `Some(reason)` when listed but excluded.
    entries: BTreeMap<String, Option<String>>,
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
            entries: types.into_iter().map(|t| (t.into(), None)).collect(),
        }
    }

    /// Reads the data-file format: a type per line (`Service::Kind` with
    /// its `AWS::` prefix), optionally followed by `excluded: reason`;
    /// blank lines and `#` comments are ignored. The types must be sorted
    /// and unique, so the file stays reviewable.
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
            let exclusion = if rest.is_empty() {
                None
            } else {
                match rest.strip_prefix("excluded:").map(str::trim) {
                    Some(reason) if !reason.is_empty() => Some(reason.to_string()),
                    _ => bail!(
                        "line {}: after the type only `excluded: <reason>` may follow, not `{rest}`",
                        n + 1
                    ),
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
            entries.insert(ty.to_string(), exclusion);
        }
        Ok(TypeSet { entries })
    }

    /// Whether resources of type `ty` are kept.
    pub fn keeps(&self, ty: &str) -> bool {
        matches!(self.entries.get(ty), Some(None))
    }

    /// Why `ty` is excluded although the target lists it, if it is.
    pub fn exclusion(&self, ty: &str) -> Option<&str> {
        self.entries.get(ty).and_then(|e| e.as_deref())
    }

    /// The kept types, sorted.
    pub fn kept(&self) -> impl Iterator<Item = &str> {
        self.entries
            .iter()
            .filter(|(_, e)| e.is_none())
            .map(|(t, _)| t.as_str())
    }

    /// Why a resource of type `ty` is dropped, or `None` when it is kept.
    pub(crate) fn drop_reason(&self, ty: &str) -> Option<String> {
        match self.entries.get(ty) {
            Some(None) => None,
            Some(Some(reason)) => Some(format!("type {ty} is excluded: {reason}")),
            None => Some(format!("type {ty} is not supported")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        for (t, reason) in &types.entries {
            if let Some(r) = reason {
                assert!(r.len() > 20, "{t}: give a real reason, not `{r}`");
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
    }

    #[test]
    fn drop_reasons_tell_unknown_from_excluded() {
        let types = TypeSet::parse("AWS::A::B excluded: moto fails on it\nAWS::C::D\n").unwrap();
        assert_eq!(types.drop_reason("AWS::C::D"), None);
        assert_eq!(
            types.drop_reason("AWS::A::B").unwrap(),
            "type AWS::A::B is excluded: moto fails on it"
        );
        assert_eq!(
            types.drop_reason("AWS::E::F").unwrap(),
            "type AWS::E::F is not supported"
        );
        assert_eq!(types.kept().collect::<Vec<_>>(), ["AWS::C::D"]);
        assert!(TypeSet::of(["AWS::E::F"]).keeps("AWS::E::F"));
    }
}
