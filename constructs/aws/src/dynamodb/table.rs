//! The DynamoDB table L2: keys, indexes, billing, streams, TTL, recovery
//! and encryption, rendered into an `AWS::DynamoDB::Table` at
//! `<id>/Resource` as the CDK's `Table` does.

use strata_cfn::dynamodb::{self as cfn, table as t};
use strata_core::{Fn, RemovalPolicy, ResourceOptions, Scope, Value};

use crate::iam::{Grant, Grantable};

use super::keys::{Attribute, GlobalSecondaryIndex, LocalSecondaryIndex, Projection};
use super::scaling::{self, Scaling};

/// How the table is billed.
#[derive(Clone, Debug, PartialEq)]
pub enum Billing {
    /// `PAY_PER_REQUEST`.
    OnDemand,
    /// `PROVISIONED` with read and write capacity units, optionally
    /// scaled between limits with target tracking.
    Provisioned {
        /// Read capacity units.
        read: i64,
        /// Write capacity units.
        write: i64,
        /// Read autoscaling.
        read_scaling: Option<Scaling>,
        /// Write autoscaling.
        write_scaling: Option<Scaling>,
    },
}

/// Server-side encryption of the table.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum TableEncryption {
    /// A key owned by DynamoDB, at no charge (no `SSESpecification`).
    AwsOwned,
    /// The AWS managed key `alias/aws/dynamodb`.
    #[default]
    AwsManaged,
    /// A customer managed KMS key, by ARN.
    Customer(Value<String>),
}

/// What a table's stream records carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamView {
    /// `KEYS_ONLY`
    KeysOnly,
    /// `NEW_IMAGE`
    NewImage,
    /// `OLD_IMAGE`
    OldImage,
    /// `NEW_AND_OLD_IMAGES`
    NewAndOldImages,
}

impl StreamView {
    pub(crate) fn code(self) -> &'static str {
        match self {
            StreamView::KeysOnly => "KEYS_ONLY",
            StreamView::NewImage => "NEW_IMAGE",
            StreamView::OldImage => "OLD_IMAGE",
            StreamView::NewAndOldImages => "NEW_AND_OLD_IMAGES",
        }
    }
}

/// Settings of a [`Table`]. `TableProps::new(partition_key)` gives an on-demand
/// table with point-in-time recovery, AWS managed encryption and Retain.
#[derive(Clone, Debug)]
pub struct TableProps {
    /// A physical table name (3–255 of `a-zA-Z0-9_.-`); unset lets
    /// CloudFormation name it, which allows replacement.
    pub table_name: Option<String>,
    /// The partition key.
    pub partition_key: Attribute,
    /// The sort key, if any.
    pub sort_key: Option<Attribute>,
    /// On demand or provisioned.
    pub billing: Billing,
    /// Global secondary indexes (at most 20).
    pub global_indexes: Vec<GlobalSecondaryIndex>,
    /// Local secondary indexes (at most 5; the table needs a sort key).
    pub local_indexes: Vec<LocalSecondaryIndex>,
    /// The stream, if any.
    pub stream: Option<StreamView>,
    /// The time-to-live attribute, if any.
    pub ttl_attribute: Option<String>,
    /// Point-in-time recovery (default on).
    pub point_in_time_recovery: bool,
    /// Server-side encryption.
    pub encryption: TableEncryption,
    /// CloudWatch Contributor Insights.
    pub contributor_insights: bool,
    /// `STANDARD_INFREQUENT_ACCESS` instead of `STANDARD`.
    pub infrequent_access: bool,
    /// `DeletionProtectionEnabled`.
    pub deletion_protection: Option<bool>,
    /// Deletion and replacement policy (default Retain).
    pub removal_policy: RemovalPolicy,
}

impl TableProps {
    /// Defaults around a partition key.
    pub fn new(partition_key: Attribute) -> TableProps {
        TableProps {
            table_name: None,
            partition_key,
            sort_key: None,
            billing: Billing::OnDemand,
            global_indexes: Vec::new(),
            local_indexes: Vec::new(),
            stream: None,
            ttl_attribute: None,
            point_in_time_recovery: true,
            encryption: TableEncryption::default(),
            contributor_insights: false,
            infrequent_access: false,
            deletion_protection: None,
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

/// An `AWS::DynamoDB::Table` with its autoscaling.
///
/// ```
/// use strata::prelude::*;
/// use strata::dynamodb::{Attribute, GlobalSecondaryIndex, StreamView, Table, TableProps};
///
/// let app = App::new();
/// let stack = app.stack("Data", StackProps::default());
/// let sessions = Table::new(&stack, "Sessions", TableProps {
///     table_name: Some("agent-sessions".into()),
///     sort_key: Some(Attribute::string("timestamp")),
///     global_indexes: vec![GlobalSecondaryIndex::new("UserIndex", Attribute::string("userId"))],
///     stream: Some(StreamView::NewAndOldImages),
///     ttl_attribute: Some("ttl".into()),
///     ..TableProps::new(Attribute::string("sessionId"))
/// });
/// let assembly = app.synth().expect("valid");
/// let id = strata::logical_id(&["Sessions", "Resource"]);
/// let table = &assembly.stacks[0].template["Resources"][id.as_str()];
/// assert_eq!(table["DeletionPolicy"], "Retain");
/// assert_eq!(table["Properties"]["BillingMode"], "PAY_PER_REQUEST");
/// # let _ = sessions;
/// ```
#[derive(Clone, Debug)]
pub struct Table {
    scope: Scope,
    table: cfn::TableRef,
    stream: bool,
    has_indexes: bool,
    kms_key: Option<Value<String>>,
}

/// Item reads, as the CDK grants them.
pub(crate) const READ_ACTIONS: [&str; 8] = [
    "dynamodb:BatchGetItem",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:Query",
    "dynamodb:GetItem",
    "dynamodb:Scan",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
];

/// Item writes, as the CDK grants them.
pub(crate) const WRITE_ACTIONS: [&str; 5] = [
    "dynamodb:BatchWriteItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:DescribeTable",
];

/// Stream reads on the stream's ARN.
const STREAM_ACTIONS: [&str; 3] = [
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
];

impl Table {
    /// Adds the table under `scope` at `<id>/Resource`.
    pub fn new(scope: &Scope, id: &str, props: TableProps) -> Table {
        let scope = scope.child(id);
        for problem in problems(&props) {
            scope.error("dynamodb-table", problem);
        }
        let l1 = render(&props);
        let table = scope.resource_with(
            "Resource",
            l1,
            ResourceOptions::removal(props.removal_policy),
        );
        if let Billing::Provisioned {
            read_scaling,
            write_scaling,
            ..
        } = &props.billing
        {
            if let Some(s) = read_scaling {
                scaling::table(&scope, &table, "ReadScaling", scaling::READ, s);
            }
            if let Some(s) = write_scaling {
                scaling::table(&scope, &table, "WriteScaling", scaling::WRITE, s);
            }
        }
        let kms_key = match props.encryption {
            TableEncryption::Customer(key) => Some(key),
            _ => None,
        };
        Table {
            scope,
            table,
            stream: props.stream.is_some(),
            has_indexes: !props.global_indexes.is_empty() || !props.local_indexes.is_empty(),
            kms_key,
        }
    }

    /// The table's ARN, plus `<arn>/index/*` when it has indexes.
    fn arns(&self) -> Vec<Value<String>> {
        let mut arns = vec![self.table_arn()];
        if self.has_indexes {
            arns.push(Fn::join("", [self.table_arn(), "/index/*".into()]));
        }
        arns
    }

    fn grant(&self, grantee: &dyn Grantable, actions: &[&str], key_actions: &[&str]) -> Grant {
        let grant = Grant::to_principal(grantee, actions, self.arns());
        if let Some(key) = &self.kms_key {
            Grant::to_principal(grantee, key_actions, vec![key.clone()]);
        }
        grant
    }

    /// Lets `grantee` read items (and decrypt with the table's customer key).
    pub fn grant_read_data(&self, grantee: &dyn Grantable) -> Grant {
        self.grant(grantee, &READ_ACTIONS, &["kms:Decrypt", "kms:DescribeKey"])
    }

    /// Lets `grantee` write items (and encrypt with the table's customer key).
    pub fn grant_write_data(&self, grantee: &dyn Grantable) -> Grant {
        self.grant(
            grantee,
            &WRITE_ACTIONS,
            &[
                "kms:Decrypt",
                "kms:DescribeKey",
                "kms:Encrypt",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
            ],
        )
    }

    /// Lets `grantee` read and write items.
    pub fn grant_read_write_data(&self, grantee: &dyn Grantable) -> Grant {
        let mut actions: Vec<&str> = READ_ACTIONS.to_vec();
        actions.extend(WRITE_ACTIONS.iter().filter(|a| !READ_ACTIONS.contains(a)));
        self.grant(
            grantee,
            &actions,
            &[
                "kms:Decrypt",
                "kms:DescribeKey",
                "kms:Encrypt",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
            ],
        )
    }

    /// Lets `grantee` read the table's stream, as a Lambda event source
    /// does; `None` when the table has no stream. `ListStreams` has no
    /// resource-level permissions, so it alone is granted on `*`.
    pub fn grant_stream_read(&self, grantee: &dyn Grantable) -> Option<Grant> {
        let stream = self.stream_arn()?;
        Grant::to_principal(grantee, &["dynamodb:ListStreams"], vec!["*".into()]);
        if let Some(key) = &self.kms_key {
            Grant::to_principal(
                grantee,
                &["kms:Decrypt", "kms:DescribeKey"],
                vec![key.clone()],
            );
        }
        Some(Grant::to_principal(grantee, &STREAM_ACTIONS, vec![stream]))
    }

    /// The table name, `Ref`.
    pub fn table_name(&self) -> Value<String> {
        self.table.ref_()
    }

    /// The table ARN, `Fn::GetAtt [<table>, Arn]`.
    pub fn table_arn(&self) -> Value<String> {
        self.table.arn()
    }

    /// The stream ARN; `None` when the table has no stream.
    pub fn stream_arn(&self) -> Option<Value<String>> {
        self.stream.then(|| self.table.stream_arn())
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::TableRef {
        &self.table
    }

    /// The table's construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// The attribute definitions in first-use order: table keys, then index keys.
pub(crate) fn attributes(props: &TableProps) -> Vec<&Attribute> {
    let mut out: Vec<&Attribute> = Vec::new();
    let keys = std::iter::once(&props.partition_key)
        .chain(&props.sort_key)
        .chain(
            props
                .global_indexes
                .iter()
                .flat_map(|g| std::iter::once(&g.partition_key).chain(&g.sort_key)),
        )
        .chain(props.local_indexes.iter().map(|l| &l.sort_key));
    for key in keys {
        if !out.iter().any(|a| a.name == key.name) {
            out.push(key);
        }
    }
    out
}

fn key_schema(hash: &Attribute, range: Option<&Attribute>) -> Value<Vec<Value<t::KeySchema>>> {
    let mut keys = vec![t::KeySchema::new(hash.name.as_str(), "HASH").into()];
    if let Some(r) = range {
        keys.push(t::KeySchema::new(r.name.as_str(), "RANGE").into());
    }
    Value::Lit(keys)
}

fn projection(p: &Projection) -> t::Projection {
    match p {
        Projection::All => t::Projection {
            projection_type: Some("ALL".into()),
            ..Default::default()
        },
        Projection::KeysOnly => t::Projection {
            projection_type: Some("KEYS_ONLY".into()),
            ..Default::default()
        },
        Projection::Include(attrs) => t::Projection {
            non_key_attributes: Some(Value::list(attrs.iter().map(String::as_str))),
            projection_type: Some("INCLUDE".into()),
        },
    }
}

fn render(props: &TableProps) -> cfn::Table {
    let provisioned = match &props.billing {
        Billing::OnDemand => None,
        Billing::Provisioned { read, write, .. } => Some((*read, *write)),
    };
    let gsis: Vec<Value<t::GlobalSecondaryIndex>> = props
        .global_indexes
        .iter()
        .map(|g| {
            t::GlobalSecondaryIndex {
                provisioned_throughput: g
                    .capacity
                    .map(|(r, w)| t::ProvisionedThroughput::new(r, w).into()),
                ..t::GlobalSecondaryIndex::new(
                    g.name.as_str(),
                    key_schema(&g.partition_key, g.sort_key.as_ref()),
                    projection(&g.projection),
                )
            }
            .into()
        })
        .collect();
    let lsis: Vec<Value<t::LocalSecondaryIndex>> = props
        .local_indexes
        .iter()
        .map(|l| {
            t::LocalSecondaryIndex::new(
                l.name.as_str(),
                key_schema(&props.partition_key, Some(&l.sort_key)),
                projection(&l.projection),
            )
            .into()
        })
        .collect();
    let sse = match &props.encryption {
        TableEncryption::AwsOwned => None,
        TableEncryption::AwsManaged => Some(t::SseSpecification::new(true)),
        TableEncryption::Customer(key) => Some(t::SseSpecification {
            kms_master_key_id: Some(key.clone()),
            sse_type: Some("KMS".into()),
            ..t::SseSpecification::new(true)
        }),
    };
    cfn::Table {
        table_name: props.table_name.as_deref().map(Value::from),
        attribute_definitions: Some(Value::list(
            attributes(props)
                .into_iter()
                .map(|a| t::AttributeDefinition::new(a.name.as_str(), a.kind.code())),
        )),
        billing_mode: Some(
            if provisioned.is_some() {
                "PROVISIONED"
            } else {
                "PAY_PER_REQUEST"
            }
            .into(),
        ),
        provisioned_throughput: provisioned
            .map(|(r, w)| t::ProvisionedThroughput::new(r, w).into()),
        global_secondary_indexes: (!gsis.is_empty()).then(|| Value::list(gsis)),
        local_secondary_indexes: (!lsis.is_empty()).then(|| Value::list(lsis)),
        stream_specification: props
            .stream
            .map(|s| t::StreamSpecification::new(s.code()).into()),
        time_to_live_specification: props.ttl_attribute.as_deref().map(|a| {
            t::TimeToLiveSpecification {
                attribute_name: Some(a.into()),
                ..t::TimeToLiveSpecification::new(true)
            }
            .into()
        }),
        point_in_time_recovery_specification: props.point_in_time_recovery.then(|| {
            t::PointInTimeRecoverySpecification {
                point_in_time_recovery_enabled: Some(true.into()),
                ..Default::default()
            }
            .into()
        }),
        sse_specification: sse.map(Value::from),
        contributor_insights_specification: props
            .contributor_insights
            .then(|| t::ContributorInsightsSpecification::new(true).into()),
        table_class: props
            .infrequent_access
            .then(|| "STANDARD_INFREQUENT_ACCESS".into()),
        deletion_protection_enabled: props.deletion_protection.map(Value::from),
        ..cfn::Table::new(key_schema(&props.partition_key, props.sort_key.as_ref()))
    }
}

/// What DynamoDB would reject about these props.
pub(crate) fn problems(props: &TableProps) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(name) = &props.table_name {
        let ok_chars = name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !(3..=255).contains(&name.len()) || !ok_chars {
            out.push(format!(
                "table name {name:?} is invalid: use 3 to 255 of a-z, A-Z, 0-9, '_', '-' and '.'"
            ));
        }
    }
    // One name, one type.
    let keys = std::iter::once(&props.partition_key)
        .chain(&props.sort_key)
        .chain(
            props
                .global_indexes
                .iter()
                .flat_map(|g| std::iter::once(&g.partition_key).chain(&g.sort_key)),
        )
        .chain(props.local_indexes.iter().map(|l| &l.sort_key));
    let mut seen: Vec<&Attribute> = Vec::new();
    for key in keys {
        match seen.iter().find(|a| a.name == key.name) {
            Some(a) if a.kind != key.kind => out.push(format!(
                "key attribute {:?} is declared as {} and as {}; an attribute has one type across the table and its indexes",
                key.name,
                a.kind.code(),
                key.kind.code()
            )),
            Some(_) => {}
            None => seen.push(key),
        }
    }
    let mut names: Vec<&str> = Vec::new();
    for name in props
        .global_indexes
        .iter()
        .map(|g| g.name.as_str())
        .chain(props.local_indexes.iter().map(|l| l.name.as_str()))
    {
        if names.contains(&name) {
            out.push(format!(
                "index name {name:?} is used twice; index names must be unique per table"
            ));
        }
        names.push(name);
    }
    if props.global_indexes.len() > 20 {
        out.push(format!(
            "{} global secondary indexes; DynamoDB allows at most 20 per table",
            props.global_indexes.len()
        ));
    }
    if props.local_indexes.len() > 5 {
        out.push(format!(
            "{} local secondary indexes; DynamoDB allows at most 5 per table",
            props.local_indexes.len()
        ));
    }
    if !props.local_indexes.is_empty() && props.sort_key.is_none() {
        out.push(
            "local secondary indexes need a table with a sort key; add sort_key or use a global index"
                .to_string(),
        );
    }
    let projected: usize = props
        .global_indexes
        .iter()
        .map(|g| &g.projection)
        .chain(props.local_indexes.iter().map(|l| &l.projection))
        .map(|p| match p {
            Projection::Include(a) => a.len(),
            _ => 0,
        })
        .sum();
    if projected > 100 {
        out.push(format!(
            "indexes project {projected} non-key attributes; DynamoDB allows at most 100 per table"
        ));
    }
    let provisioned = matches!(props.billing, Billing::Provisioned { .. });
    for g in &props.global_indexes {
        match (provisioned, g.capacity) {
            (true, None) => out.push(format!(
                "global index {:?} needs capacity(read, write) because the table is provisioned",
                g.name
            )),
            (false, Some(_)) => out.push(format!(
                "global index {:?} sets capacity on an on-demand table; remove it or make the table provisioned",
                g.name
            )),
            _ => {}
        }
    }
    if let Billing::Provisioned {
        read,
        write,
        read_scaling,
        write_scaling,
    } = &props.billing
    {
        if *read < 1 || *write < 1 {
            out.push(format!(
                "provisioned capacity {read}/{write} must be at least 1 read and 1 write unit"
            ));
        }
        for (what, s) in [("read", read_scaling), ("write", write_scaling)] {
            if let Some(p) = s.as_ref().and_then(Scaling::problem) {
                out.push(format!("{what} scaling: {p}"));
            }
        }
    }
    if let Some(ttl) = &props.ttl_attribute {
        if ttl.is_empty() || ttl.len() > 255 {
            out.push("ttl_attribute must be 1 to 255 characters".to_string());
        }
    }
    out
}
