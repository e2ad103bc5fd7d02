//! What OpenSearch Service rejects about a domain's settings, found at
//! synth: instance types, node counts against zones and subnets, gp3
//! limits, and the encryption fine-grained access control needs.

use strata_core::Value;

use super::domain::{DomainProps, FineGrainedAccess, Gp3Volume, NodeGroup};

const LARGE_UP: &[&str] = &[
    "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
];
const MEDIUM_UP: &[&str] = &[
    "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
];

/// Sizes OpenSearch offers in the current families. Families not listed
/// are checked for their format only, so new families are not refused.
const SIZES: &[(&str, &[&str])] = &[
    (
        "c5",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "18xlarge",
        ],
    ),
    (
        "c6g",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge",
        ],
    ),
    ("c7g", LARGE_UP),
    ("m5", &["large", "xlarge", "2xlarge", "4xlarge", "12xlarge"]),
    (
        "m6g",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge",
        ],
    ),
    ("m7g", MEDIUM_UP),
    ("r5", &["large", "xlarge", "2xlarge", "4xlarge", "12xlarge"]),
    (
        "r6g",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge",
        ],
    ),
    ("r6gd", LARGE_UP),
    ("r7g", MEDIUM_UP),
    ("r7gd", MEDIUM_UP),
    ("t2", &["micro", "small", "medium"]),
    ("t3", &["small", "medium"]),
];

/// Families whose nodes store data on local NVMe instead of EBS.
const LOCAL_STORAGE: &[&str] = &[
    "i2", "i3", "i4g", "i4i", "i7i", "i8g", "i8ge", "im4gn", "r6gd", "r7gd", "r8gd",
];
/// Families that cannot take an EBS volume at all.
const NO_EBS: &[&str] = &["i2", "i3"];

/// The family of a well-formed `<family>.<size>.search` type.
fn family(instance_type: &str) -> Option<&str> {
    instance_type.split('.').next()
}

/// What is wrong with an instance type for `role` nodes, if anything.
fn instance_type_problem(role: &str, instance_type: &str) -> Option<String> {
    let parts: Vec<&str> = instance_type.split('.').collect();
    let well_formed = |f: &str| {
        f.starts_with(|c: char| c.is_ascii_lowercase())
            && f.chars().any(|c| c.is_ascii_digit())
            && f.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    };
    let [family, size, "search"] = parts.as_slice() else {
        return Some(format!(
            "the {role} instance type {instance_type:?} is not an OpenSearch instance type; write <family>.<size>.search, such as r6g.large.search"
        ));
    };
    if !well_formed(family) || size.is_empty() {
        return Some(format!(
            "the {role} instance type {instance_type:?} is not an OpenSearch instance type; write <family>.<size>.search, such as r6g.large.search"
        ));
    }
    if family.starts_with("ultrawarm") {
        return Some(format!(
            "{instance_type} is an UltraWarm type for warm storage; {role} nodes need a hot instance type such as r6g.large.search"
        ));
    }
    match SIZES.iter().find(|(f, _)| f == family) {
        Some((_, sizes)) if !sizes.contains(size) => Some(format!(
            "OpenSearch has no {size} instance in the {family} family ({role} nodes); use one of {}",
            sizes
                .iter()
                .map(|s| format!("{family}.{s}.search"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        _ => None,
    }
}

/// What OpenSearch would reject about these props.
pub(super) fn problems(p: &DomainProps) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(name) = &p.domain_name {
        let ok = (3..=28).contains(&name.len())
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !ok {
            out.push(format!(
                "domain name {name:?} must be 3 to 28 lowercase letters, digits or hyphens, starting with a letter"
            ));
        }
    }
    out.extend(engine_version_problem(&p.engine_version));
    out.extend(node_problems(p));
    if let Some(ebs) = &p.ebs {
        out.extend(gp3_problems(ebs));
    }
    let data_family = family(&p.data_nodes.instance_type).unwrap_or_default();
    match &p.ebs {
        None if !LOCAL_STORAGE.contains(&data_family)
            && instance_type_problem("data", &p.data_nodes.instance_type).is_none() =>
        {
            out.push(format!(
                "{} nodes have no local storage; give the data nodes a gp3 volume (ebs)",
                p.data_nodes.instance_type
            ));
        }
        Some(_) if NO_EBS.contains(&data_family) => out.push(format!(
            "{} nodes use their local NVMe storage and cannot take an EBS volume; set ebs: None",
            p.data_nodes.instance_type
        )),
        _ => {}
    }
    if let Some(vpc) = &p.vpc {
        let zones = p.availability_zone_count;
        if (1..=3).contains(&zones) && vpc.subnet_ids.len() as i64 != zones {
            out.push(format!(
                "the domain spans {zones} Availability Zone(s) but {} subnets are given; give exactly one subnet per zone",
                vpc.subnet_ids.len()
            ));
        }
        if vpc.security_group_ids.is_empty() {
            out.push("the domain is in a VPC without a security group; give security_group_ids so clients can reach port 443".into());
        }
    }
    out.extend(encryption_problems(p));
    out
}

fn engine_version_problem(version: &str) -> Option<String> {
    let number = version
        .strip_prefix("OpenSearch_")
        .or_else(|| version.strip_prefix("Elasticsearch_"));
    let ok = number.is_some_and(|n| {
        n.split_once('.').is_some_and(|(major, minor)| {
            !major.is_empty()
                && !minor.is_empty()
                && major.chars().all(|c| c.is_ascii_digit())
                && minor.chars().all(|c| c.is_ascii_digit())
        })
    });
    (!ok).then(|| {
        format!("engine version {version:?} is not an OpenSearch version; write OpenSearch_X.Y, such as OpenSearch_2.11")
    })
}

fn node_problems(p: &DomainProps) -> Vec<String> {
    let mut out = Vec::new();
    let NodeGroup {
        instance_type,
        count,
    } = &p.data_nodes;
    out.extend(instance_type_problem("data", instance_type));
    if *count < 1 {
        out.push(format!("{count} data nodes: a domain needs at least one"));
    }
    let zones = p.availability_zone_count;
    if !(1..=3).contains(&zones) {
        out.push(format!(
            "availability_zone_count is {zones}; use 1, or 2 or 3 for zone awareness"
        ));
    } else if zones > 1 && *count >= 1 && count % zones != 0 {
        out.push(format!(
            "{count} data nodes cannot spread evenly over {zones} Availability Zones; use a multiple of {zones}"
        ));
    }
    if let Some(masters) = &p.dedicated_masters {
        out.extend(instance_type_problem(
            "dedicated master",
            &masters.instance_type,
        ));
        if masters.count != 3 && masters.count != 5 {
            out.push(format!(
                "{} dedicated master nodes: OpenSearch takes 3 or 5, so a quorum survives losing one",
                masters.count
            ));
        }
    }
    out
}

fn gp3_problems(v: &Gp3Volume) -> Vec<String> {
    let mut out = Vec::new();
    if !(10..=24_576).contains(&v.size_gib) {
        out.push(format!(
            "a gp3 volume of {} GiB is outside 10-24576 GiB",
            v.size_gib
        ));
    }
    // Each started 3 TiB raises the gp3 ceiling by 16000 IOPS and 1000 MiB/s.
    let steps = (v.size_gib.max(1) + 3071) / 3072;
    let (max_iops, max_throughput) = (16_000 * steps, 1_000 * steps);
    if let Some(iops) = v.iops {
        if !(3_000..=max_iops).contains(&iops) {
            out.push(format!(
                "{iops} IOPS is outside 3000-{max_iops} for a {} GiB gp3 volume",
                v.size_gib
            ));
        }
    }
    if let Some(t) = v.throughput_mibps {
        if !(125..=max_throughput).contains(&t) {
            out.push(format!(
                "a throughput of {t} MiB/s is outside 125-{max_throughput} for a {} GiB gp3 volume",
                v.size_gib
            ));
        }
        let iops = v.iops.unwrap_or(3_000);
        if t * 4 > iops {
            out.push(format!(
                "a throughput of {t} MiB/s needs at least {} IOPS (gp3 allows 0.25 MiB/s per IOPS)",
                t * 4
            ));
        }
    }
    out
}

fn encryption_problems(p: &DomainProps) -> Vec<String> {
    let mut out = Vec::new();
    if p.kms_key_id.is_some() && !p.encryption_at_rest {
        out.push(
            "a KMS key is set but encryption at rest is off; enable encryption_at_rest".into(),
        );
    }
    let data_family = family(&p.data_nodes.instance_type).unwrap_or_default();
    if data_family == "t2" && (p.encryption_at_rest || p.node_to_node_encryption) {
        out.push(format!(
            "{} nodes support neither encryption at rest nor node-to-node encryption; use t3 or a larger family",
            p.data_nodes.instance_type
        ));
    }
    if let Some(access) = &p.fine_grained_access {
        let missing: Vec<&str> = [
            (!p.encryption_at_rest, "encryption at rest"),
            (!p.node_to_node_encryption, "node-to-node encryption"),
            (!p.enforce_https, "enforced HTTPS"),
        ]
        .into_iter()
        .filter_map(|(missing, what)| missing.then_some(what))
        .collect();
        if !missing.is_empty() {
            out.push(format!(
                "fine-grained access control needs encryption at rest, node-to-node encryption and enforced HTTPS; turn on {}",
                missing.join(", ")
            ));
        }
        match access {
            FineGrainedAccess::MasterUserArn(Value::Lit(arn))
                if !(arn.starts_with("arn:") && arn.contains(":iam::")) =>
            {
                out.push(format!(
                    "master user {arn:?} is not an IAM role or user ARN"
                ));
            }
            FineGrainedAccess::InternalUser { name, .. }
                if name.is_empty() || name.chars().count() > 64 =>
            {
                out.push(format!(
                    "master user name {name:?} must be 1 to 64 characters"
                ));
            }
            _ => {}
        }
    } else if p.logs.audit.is_some() {
        out.push("audit logs need fine-grained access control; set fine_grained_access or drop the audit log".into());
    }
    if let Some(policy) = &p.access_policy {
        for problem in policy.validate(crate::iam::PolicyKind::Resource) {
            out.push(format!("access policy: {problem}"));
        }
    }
    out
}
