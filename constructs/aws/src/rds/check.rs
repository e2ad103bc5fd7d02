//! What RDS would reject about a cluster's settings, found at synth.

use crate::window::Window;

use super::engine::EngineVersion;
use super::props::{
    DatabaseClusterProps, GlobalDatabase, PerformanceInsights, ServerlessV2Scaling,
};

/// Enhanced Monitoring intervals RDS accepts, in seconds.
const MONITORING_INTERVALS: [u64; 6] = [1, 5, 10, 15, 30, 60];
/// Log types Aurora PostgreSQL exports to CloudWatch Logs.
const LOG_TYPES: [&str; 2] = ["postgresql", "iam-db-auth-error"];
/// Aurora clusters have up to 15 readers.
const MAX_READERS: u32 = 15;

/// A problem: the rule it breaks and what to do about it.
pub(super) type Problem = (&'static str, String);

/// Every cluster-level problem of `props`; `version` is the parsed engine
/// version when it is known.
pub(super) fn problems(
    props: &DatabaseClusterProps,
    version: Option<&EngineVersion>,
) -> Vec<Problem> {
    let mut out = Vec::new();
    subnets(props, &mut out);
    credentials(props, &mut out);
    backups(props, &mut out);
    if let Some(s) = &props.serverless_v2 {
        serverless(s, version, &mut out);
    }
    if let Some(pi) = &props.performance_insights {
        performance_insights(pi, &mut out);
    }
    monitoring(props, &mut out);
    readers(props, &mut out);
    if props.storage_encryption_key.is_some() && !props.storage_encrypted {
        out.push((
            "rds-encryption",
            "a storage encryption key is set but storage_encrypted is false; encrypt the storage or drop the key".into(),
        ));
    }
    if !(1150..=65535).contains(&props.port) {
        out.push((
            "rds-port",
            format!("port {} is outside Aurora's 1150-65535", props.port),
        ));
    }
    for log in &props.cloudwatch_logs_exports {
        if !LOG_TYPES.contains(&log.as_str()) {
            out.push((
                "rds-logs",
                format!(
                    "Aurora PostgreSQL does not export {log:?} logs; use {}",
                    LOG_TYPES.join(" or ")
                ),
            ));
        }
    }
    if let Some(id) = &props.cluster_identifier {
        if !identifier_ok(id) {
            out.push((
                "rds-identifier",
                format!("cluster identifier {id:?} must be 1 to 63 letters, digits or hyphens, start with a letter, and have no '--' or trailing '-'"),
            ));
        }
    }
    out
}

fn subnets(props: &DatabaseClusterProps, out: &mut Vec<Problem>) {
    let s = &props.subnets;
    if s.subnet_ids.len() < 2 {
        out.push((
            "rds-subnets",
            format!(
                "the subnet group has {} subnet(s); Aurora needs subnets in at least 2 availability zones",
                s.subnet_ids.len()
            ),
        ));
    }
    if !s.availability_zones.is_empty() && s.availability_zones.len() != s.subnet_ids.len() {
        out.push((
            "rds-subnets",
            format!(
                "{} availability zones were given for {} subnets; give one per subnet, in order",
                s.availability_zones.len(),
                s.subnet_ids.len()
            ),
        ));
    }
}

fn credentials(props: &DatabaseClusterProps, out: &mut Vec<Problem>) {
    let name = &props.master_username;
    let name_ok = name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !name_ok {
        out.push((
            "rds-credentials",
            format!("master user name {name:?} must be 1 to 63 letters, digits or underscores, starting with a letter"),
        ));
    }
    if let Some(db) = &props.database_name {
        let ok = db.len() <= 63
            && db.starts_with(|c: char| c.is_ascii_alphabetic())
            && db.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            out.push((
                "rds-database-name",
                format!("database name {db:?} must be 1 to 63 letters, digits or underscores, starting with a letter"),
            ));
        }
    }
    if let Some(GlobalDatabase::Secondary { .. }) = &props.global {
        if props.rotation.is_some() || props.database_name.is_some() {
            out.push((
                "rds-global",
                "a secondary cluster of a global database takes its credentials and databases from the primary; drop rotation and database_name".into(),
            ));
        }
    }
    if let Some(GlobalDatabase::Primary { identifier }) = &props.global {
        if !identifier_ok(identifier) {
            out.push((
                "rds-global",
                format!("global cluster identifier {identifier:?} must be 1 to 63 letters, digits or hyphens, start with a letter, and have no '--' or trailing '-'"),
            ));
        }
    }
}

fn backups(props: &DatabaseClusterProps, out: &mut Vec<Problem>) {
    let days = props.backup_retention_days;
    if !(1..=35).contains(&days) {
        out.push((
            "rds-backup",
            format!("a backup retention of {days} days is outside Aurora's 1-35 days"),
        ));
    }
    let backup = props.backup_window.as_deref().map(Window::daily);
    let maintenance = props.maintenance_window.as_deref().map(Window::weekly);
    for (what, w) in [("backup", &backup), ("maintenance", &maintenance)] {
        match w {
            Some(Err(e)) => out.push(("rds-window", format!("{what} window: {e}"))),
            Some(Ok(w)) if w.minutes() < 30 => out.push((
                "rds-window",
                format!(
                    "the {what} window lasts {} minutes; RDS needs at least 30",
                    w.minutes()
                ),
            )),
            _ => {}
        }
    }
    if let (Some(Ok(b)), Some(Ok(m))) = (&backup, &maintenance) {
        if b.overlaps(m) {
            out.push((
                "rds-window",
                format!(
                    "the backup window {} overlaps the maintenance window {}; move one of them",
                    props.backup_window.as_deref().unwrap_or_default(),
                    props.maintenance_window.as_deref().unwrap_or_default()
                ),
            ));
        }
    }
}

fn serverless(s: &ServerlessV2Scaling, version: Option<&EngineVersion>, out: &mut Vec<Problem>) {
    let half_steps = |x: f64| (x * 2.0).fract() == 0.0;
    let (min, max) = (s.min_capacity, s.max_capacity);
    let wide = version.is_none_or(EngineVersion::wide_serverless_range);
    let (lowest, highest) = if wide { (0.0, 256.0) } else { (0.5, 128.0) };
    if !(lowest..=highest).contains(&min) || !(1.0..=highest).contains(&max) || min > max {
        out.push((
            "rds-serverless",
            format!("Serverless v2 capacity {min}-{max} ACU is out of range; this engine version takes a minimum of {lowest} to {highest} ACU, a maximum of 1 to {highest} ACU, and min <= max"),
        ));
    }
    if !half_steps(min) || !half_steps(max) {
        out.push((
            "rds-serverless",
            format!("Serverless v2 capacity {min}-{max} ACU must be given in 0.5 ACU steps"),
        ));
    }
    if let Some(pause) = s.seconds_until_auto_pause {
        if min != 0.0 || !(300..=86_400).contains(&pause.as_secs()) || pause.subsec_nanos() != 0 {
            out.push((
                "rds-serverless",
                format!("auto-pause after {pause:?} needs a minimum capacity of 0 ACU and 300 to 86400 whole seconds"),
            ));
        }
    }
}

fn performance_insights(pi: &PerformanceInsights, out: &mut Vec<Problem>) {
    let days = pi.retention_days;
    let ok = days == 7 || days == 731 || (days.is_multiple_of(31) && (31..=713).contains(&days));
    if !ok {
        out.push((
            "rds-performance-insights",
            format!("a Performance Insights retention of {days} days is not offered; use 7, a multiple of 31 up to 713, or 731"),
        ));
    }
}

fn monitoring(props: &DatabaseClusterProps, out: &mut Vec<Problem>) {
    let interval = props.monitoring_interval.filter(|d| !d.is_zero());
    if let Some(d) = interval {
        if d.subsec_nanos() != 0 || !MONITORING_INTERVALS.contains(&d.as_secs()) {
            out.push((
                "rds-monitoring",
                format!("an Enhanced Monitoring interval of {d:?} is not offered; use 1, 5, 10, 15, 30 or 60 seconds"),
            ));
        }
    } else if props.monitoring_role.is_some() {
        out.push((
            "rds-monitoring",
            "a monitoring role is set but Enhanced Monitoring is off; set monitoring_interval"
                .into(),
        ));
    }
}

fn readers(props: &DatabaseClusterProps, out: &mut Vec<Problem>) {
    if props.readers.len() > MAX_READERS as usize {
        out.push((
            "rds-readers",
            format!(
                "{} readers are more than Aurora's {MAX_READERS}",
                props.readers.len()
            ),
        ));
    }
    if let Some(s) = &props.reader_scaling {
        if let Some(p) = s.problem(MAX_READERS) {
            out.push(("rds-reader-scaling", p));
        }
    }
}

/// RDS identifiers: a letter, then letters, digits and single hyphens.
fn identifier_ok(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 63
        && id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !id.contains("--")
        && !id.ends_with('-')
}

/// Why an instance identifier would be rejected, if it would.
pub(super) fn instance_identifier_problem(id: &str) -> Option<String> {
    (!identifier_ok(id)).then(|| {
        format!("instance identifier {id:?} must be 1 to 63 letters, digits or hyphens, start with a letter, and have no '--' or trailing '-'")
    })
}
