//! Aurora PostgreSQL engine versions and the DB instance classes the engine
//! accepts, checked at synth.
//!
//! The tables below come from RDS's own lists (`DescribeDBEngineVersions`
//! and `DescribeOrderableDBInstanceOptions` for `aurora-postgresql`), as
//! published in the RDS data that cfn-lint ships: versions RDS reports as
//! deprecated are kept apart, so a template that names one fails at synth
//! with the versions to use instead. Update them when RDS adds a release.

/// The engine name CloudFormation takes (`Engine`).
pub const ENGINE: &str = "aurora-postgresql";

/// Minor versions by major version: those RDS creates clusters with, and
/// those it has deprecated.
const VERSIONS: &[(u32, &[u32], &[u32])] = &[
    (
        13,
        &[9, 23],
        &[3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 18, 20, 21, 22],
    ),
    (
        14,
        &[6, 17, 18, 19, 20, 22, 23, 24],
        &[3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 15],
    ),
    (
        15,
        &[10, 12, 13, 14, 15, 17, 18, 19],
        &[2, 3, 4, 5, 6, 7, 8],
    ),
    (16, &[8, 9, 10, 11, 13, 14, 15], &[1, 2, 3, 4, 6]),
    (17, &[4, 5, 6, 7, 9, 10, 11], &[]),
    (18, &[3, 4, 6], &[]),
];

/// The first minor version of each major that scales Serverless v2
/// instances to 0 ACU and up to 256 ACU (AWS's Aurora Serverless v2 guide);
/// later majors all do.
const WIDE_SERVERLESS_RANGE: &[(u32, u32)] = &[(13, 15), (14, 12), (15, 7), (16, 3)];

/// The provisioned instance classes Aurora PostgreSQL runs on, by family,
/// with their sizes (from `DescribeOrderableDBInstanceOptions`).
const CLASSES: &[(&str, &[&str])] = &[
    (
        "r5",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
        ],
    ),
    (
        "r6g",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
        ],
    ),
    (
        "r6i",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
            "32xlarge",
        ],
    ),
    (
        "r7g",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
        ],
    ),
    (
        "r8g",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
            "48xlarge",
        ],
    ),
    (
        "x2g",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
        ],
    ),
    ("t3", &["medium", "large"]),
    ("t4g", &["medium", "large"]),
];

/// Families that RDS offers only from these minor versions of a major on
/// (the Graviton3 and Graviton4 classes).
const NEWER_FAMILIES: &[(&str, &[(u32, u32)])] = &[
    ("r7g", &[(13, 23), (14, 17)]),
    ("r8g", &[(13, 23), (14, 17)]),
];

/// The Serverless v2 instance class.
pub const SERVERLESS: &str = "db.serverless";

/// A checked Aurora PostgreSQL version, such as `15.10`.
///
/// ```
/// use strata::rds::EngineVersion;
/// let v = EngineVersion::parse("15.10").unwrap();
/// assert_eq!(v.parameter_group_family(), "aurora-postgresql15");
/// assert!(EngineVersion::parse("15.4").unwrap_err().contains("deprecated"));
/// assert!(EngineVersion::parse("15.99").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineVersion {
    major: u32,
    minor: u32,
}

impl EngineVersion {
    /// Parses `major.minor` and checks it against the version table.
    pub fn parse(version: &str) -> Result<EngineVersion, String> {
        let parsed = version
            .split_once('.')
            .and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?)));
        let Some((major, minor)) = parsed else {
            return Err(format!(
                "{version:?} is not an Aurora PostgreSQL version; write major.minor, such as 15.10"
            ));
        };
        let Some((_, available, deprecated)) = VERSIONS.iter().find(|(m, _, _)| *m == major) else {
            let majors: Vec<String> = VERSIONS.iter().map(|(m, _, _)| m.to_string()).collect();
            return Err(format!(
                "Aurora PostgreSQL {version} is not in the engine table; use major version {}",
                majors.join(", ")
            ));
        };
        let choices = || {
            available
                .iter()
                .map(|m| format!("{major}.{m}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if available.contains(&minor) {
            Ok(EngineVersion { major, minor })
        } else if deprecated.contains(&minor) {
            Err(format!(
                "Aurora PostgreSQL {version} is deprecated and RDS no longer creates clusters with it; use one of {}",
                choices()
            ))
        } else {
            Err(format!(
                "Aurora PostgreSQL {version} is not a known release; use one of {}",
                choices()
            ))
        }
    }

    /// The major version, such as 15.
    pub fn major(&self) -> u32 {
        self.major
    }

    /// The full version, such as `15.10`.
    pub fn full(&self) -> String {
        format!("{}.{}", self.major, self.minor)
    }

    /// The parameter group family, such as `aurora-postgresql15`.
    pub fn parameter_group_family(&self) -> String {
        format!("{ENGINE}{}", self.major)
    }

    /// Whether Serverless v2 instances of this version scale to 0 ACU and
    /// up to 256 ACU (128 ACU otherwise, from 0.5).
    pub fn wide_serverless_range(&self) -> bool {
        WIDE_SERVERLESS_RANGE
            .iter()
            .find(|(m, _)| *m == self.major)
            .is_none_or(|(_, first)| self.minor >= *first)
    }

    /// Why this version cannot run instances of `class` (such as
    /// `db.r6g.large`), if it cannot. `db.serverless` is accepted here; the
    /// cluster checks that it has a Serverless v2 scaling configuration.
    pub fn class_problem(&self, class: &str) -> Option<String> {
        if class == SERVERLESS {
            return None;
        }
        let parts: Vec<&str> = class.split('.').collect();
        let (family, size) = match parts.as_slice() {
            ["db", family, size] => (*family, *size),
            _ => {
                return Some(format!(
                    "{class:?} is not a DB instance class; write db.<family>.<size>, such as db.r6g.large"
                ))
            }
        };
        let families = || {
            CLASSES
                .iter()
                .map(|(f, _)| format!("db.{f}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let Some((_, sizes)) = CLASSES.iter().find(|(f, _)| *f == family) else {
            return Some(format!(
                "Aurora PostgreSQL does not run on {class}; use a class of {} (or db.serverless with Serverless v2)",
                families()
            ));
        };
        if !sizes.contains(&size) {
            return Some(format!(
                "{class} does not exist for Aurora PostgreSQL; db.{family} comes in {}",
                sizes.join(", ")
            ));
        }
        let first = NEWER_FAMILIES
            .iter()
            .find(|(f, _)| *f == family)
            .and_then(|(_, firsts)| firsts.iter().find(|(m, _)| *m == self.major))
            .map(|(_, minor)| *minor);
        match first {
            Some(minor) if self.minor < minor => Some(format!(
                "{class} needs Aurora PostgreSQL {}.{minor} or later; this cluster runs {}",
                self.major,
                self.full()
            )),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_follow_the_major_version() {
        for (v, family) in [
            ("13.23", "aurora-postgresql13"),
            ("17.4", "aurora-postgresql17"),
        ] {
            assert_eq!(
                EngineVersion::parse(v).map(|v| v.parameter_group_family()),
                Ok(family.to_string())
            );
        }
    }

    #[test]
    fn unknown_and_malformed_versions_are_refused() {
        for bad in ["15", "15.x", "12.22", "15.11", ""] {
            assert!(EngineVersion::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn classes_are_checked_by_family_size_and_version() {
        let v15 = EngineVersion::parse("15.10").expect("known");
        assert_eq!(v15.class_problem("db.r6g.large"), None);
        assert_eq!(v15.class_problem("db.r8g.48xlarge"), None);
        assert_eq!(v15.class_problem(SERVERLESS), None);
        assert!(v15.class_problem("db.r6g.24xlarge").is_some());
        assert!(v15.class_problem("db.m5.large").is_some());
        assert!(v15.class_problem("r6g.large").is_some());
        let v14 = EngineVersion::parse("14.6").expect("known");
        assert!(v14.class_problem("db.r7g.large").is_some());
        assert!(!v14.wide_serverless_range());
        assert!(v15.wide_serverless_range());
    }
}
