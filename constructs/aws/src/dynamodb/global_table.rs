//! A DynamoDB global table (`AWS::DynamoDB::GlobalTable`): one table
//! definition replicated to several regions, for active-active or
//! active-passive disaster recovery.

use strata_cfn::dynamodb::{self as cfn, global_table as g};
use strata_core::{Fn, Map, ResourceOptions, Scope, Value};

use super::keys::{Attribute, Projection};
use super::scaling::Scaling;
use super::table::{
    attributes, problems, Billing, StreamView, TableEncryption, TableProps, READ_ACTIONS,
    WRITE_ACTIONS,
};
use crate::iam::{Grant, Grantable};

/// Settings of a [`GlobalTable`]: the table, plus the regions it lives in.
#[derive(Clone, Debug)]
pub struct GlobalTableProps {
    /// Keys, indexes, billing, stream, TTL, recovery, encryption and
    /// removal policy, as for a regional table. The stream must be
    /// `NewAndOldImages` (set when unset); provisioned billing needs read
    /// and write scaling, which every replica uses.
    pub table: TableProps,
    /// Every region with a replica, including the stack's own.
    pub regions: Vec<String>,
    /// With `TableEncryption::Customer`, the key ARN for each region.
    pub replica_keys: Map<Value<String>>,
}

/// An `AWS::DynamoDB::GlobalTable` at `<id>/Resource`.
///
/// ```
/// use strata::prelude::*;
/// use strata::dynamodb::{Attribute, GlobalTable, GlobalTableProps, TableProps};
///
/// let app = App::new();
/// let stack = app.stack("Data", StackProps {
///     env: Environment::new("123456789012", "us-east-1"),
///     ..Default::default()
/// });
/// GlobalTable::new(&stack, "Context", GlobalTableProps {
///     table: TableProps::new(Attribute::string("incidentId")),
///     regions: vec!["us-east-1".into(), "us-west-2".into()],
///     replica_keys: Default::default(),
/// });
/// let template = &app.synth().expect("valid").stacks[0].template;
/// let table = &template["Resources"][strata::logical_id(&["Context", "Resource"]).as_str()];
/// assert_eq!(table["Properties"]["Replicas"][1]["Region"], "us-west-2");
/// assert_eq!(table["Properties"]["StreamSpecification"]["StreamViewType"], "NEW_AND_OLD_IMAGES");
/// ```
#[derive(Clone, Debug)]
pub struct GlobalTable {
    scope: Scope,
    table: cfn::GlobalTableRef,
    has_indexes: bool,
}

fn key_schema(hash: &Attribute, range: Option<&Attribute>) -> Value<Vec<Value<g::KeySchema>>> {
    let mut keys = vec![g::KeySchema::new(hash.name.as_str(), "HASH").into()];
    if let Some(r) = range {
        keys.push(g::KeySchema::new(r.name.as_str(), "RANGE").into());
    }
    Value::Lit(keys)
}

fn projection(p: &Projection) -> g::Projection {
    let (kind, attrs) = match p {
        Projection::All => ("ALL", None),
        Projection::KeysOnly => ("KEYS_ONLY", None),
        Projection::Include(a) => ("INCLUDE", Some(a)),
    };
    g::Projection {
        non_key_attributes: attrs.map(|a| Value::list(a.iter().map(String::as_str))),
        projection_type: Some(kind.into()),
    }
}

fn auto_scaling(s: &Scaling) -> Value<g::CapacityAutoScalingSettings> {
    g::CapacityAutoScalingSettings::new(
        s.max_capacity,
        s.min_capacity,
        g::TargetTrackingScalingPolicyConfiguration {
            scale_in_cooldown: s.scale_in_cooldown.map(Into::into),
            scale_out_cooldown: s.scale_out_cooldown.map(Into::into),
            ..g::TargetTrackingScalingPolicyConfiguration::new(s.target_utilization_percent)
        },
    )
    .into()
}

impl GlobalTable {
    /// Adds the global table under `scope`.
    pub fn new(scope: &Scope, id: &str, props: GlobalTableProps) -> GlobalTable {
        let scope = scope.child(id);
        let mut table = props.table.clone();
        if table.stream.is_none() {
            table.stream = Some(StreamView::NewAndOldImages);
        }
        if matches!(table.billing, Billing::Provisioned { .. }) {
            // Indexes of a provisioned global table scale with the table's
            // write settings; they take no fixed capacity of their own.
            for index in &mut table.global_indexes {
                index.capacity.get_or_insert((1, 1));
            }
        }
        for p in problems(&table)
            .into_iter()
            .chain(global_problems(&scope, &props))
        {
            scope.error("dynamodb-global-table", p);
        }
        let (read, write) = match &table.billing {
            Billing::Provisioned {
                read_scaling: Some(r),
                write_scaling: Some(w),
                ..
            } => (Some(r.clone()), Some(w.clone())),
            _ => (None, None),
        };
        let replicas = props.regions.iter().map(|region| g::ReplicaSpecification {
            point_in_time_recovery_specification: table.point_in_time_recovery.then(|| {
                g::PointInTimeRecoverySpecification {
                    point_in_time_recovery_enabled: Some(true.into()),
                    ..Default::default()
                }
                .into()
            }),
            sse_specification: match &table.encryption {
                TableEncryption::Customer(_) => props
                    .replica_keys
                    .get(region)
                    .map(|k| g::ReplicaSseSpecification::new(k.clone()).into()),
                _ => None,
            },
            contributor_insights_specification: table
                .contributor_insights
                .then(|| g::ContributorInsightsSpecification::new(true).into()),
            table_class: table
                .infrequent_access
                .then(|| "STANDARD_INFREQUENT_ACCESS".into()),
            deletion_protection_enabled: table.deletion_protection.map(Value::from),
            read_provisioned_throughput_settings: read.as_ref().map(|r| {
                g::ReadProvisionedThroughputSettings {
                    read_capacity_auto_scaling_settings: Some(auto_scaling(r)),
                    ..Default::default()
                }
                .into()
            }),
            ..g::ReplicaSpecification::new(region.as_str())
        });
        let gsis: Vec<Value<g::GlobalSecondaryIndex>> = table
            .global_indexes
            .iter()
            .map(|i| {
                g::GlobalSecondaryIndex {
                    write_provisioned_throughput_settings: write.as_ref().map(|w| {
                        g::WriteProvisionedThroughputSettings {
                            write_capacity_auto_scaling_settings: Some(auto_scaling(w)),
                        }
                        .into()
                    }),
                    ..g::GlobalSecondaryIndex::new(
                        i.name.as_str(),
                        key_schema(&i.partition_key, i.sort_key.as_ref()),
                        projection(&i.projection),
                    )
                }
                .into()
            })
            .collect();
        let lsis: Vec<Value<g::LocalSecondaryIndex>> = table
            .local_indexes
            .iter()
            .map(|l| {
                g::LocalSecondaryIndex::new(
                    l.name.as_str(),
                    key_schema(&table.partition_key, Some(&l.sort_key)),
                    projection(&l.projection),
                )
                .into()
            })
            .collect();
        let sse = match &table.encryption {
            TableEncryption::AwsOwned => None,
            TableEncryption::AwsManaged => Some(g::SseSpecification::new(true)),
            TableEncryption::Customer(_) => Some(g::SseSpecification {
                sse_type: Some("KMS".into()),
                ..g::SseSpecification::new(true)
            }),
        };
        let resource = scope.resource_with(
            "Resource",
            cfn::GlobalTable {
                table_name: table.table_name.as_deref().map(Value::from),
                attribute_definitions: Some(Value::list(
                    attributes(&table)
                        .into_iter()
                        .map(|a| g::AttributeDefinition::new(a.name.as_str(), a.kind.code())),
                )),
                key_schema: Some(key_schema(&table.partition_key, table.sort_key.as_ref())),
                billing_mode: Some(
                    if write.is_some() {
                        "PROVISIONED"
                    } else {
                        "PAY_PER_REQUEST"
                    }
                    .into(),
                ),
                write_provisioned_throughput_settings: write.as_ref().map(|w| {
                    g::WriteProvisionedThroughputSettings {
                        write_capacity_auto_scaling_settings: Some(auto_scaling(w)),
                    }
                    .into()
                }),
                global_secondary_indexes: (!gsis.is_empty()).then(|| Value::list(gsis)),
                local_secondary_indexes: (!lsis.is_empty()).then(|| Value::list(lsis)),
                replicas: Value::list(replicas),
                sse_specification: sse.map(Value::from),
                stream_specification: table
                    .stream
                    .map(|s| g::StreamSpecification::new(s.code()).into()),
                time_to_live_specification: table.ttl_attribute.as_deref().map(|a| {
                    g::TimeToLiveSpecification {
                        attribute_name: Some(a.into()),
                        ..g::TimeToLiveSpecification::new(true)
                    }
                    .into()
                }),
                ..cfn::GlobalTable::new(Value::Lit(Vec::new()))
            },
            ResourceOptions::removal(table.removal_policy),
        );
        GlobalTable {
            scope,
            table: resource,
            has_indexes: !table.global_indexes.is_empty() || !table.local_indexes.is_empty(),
        }
    }

    /// The table name, `Ref`.
    pub fn table_name(&self) -> Value<String> {
        self.table.ref_()
    }

    /// The ARN of the replica in the stack's region.
    pub fn table_arn(&self) -> Value<String> {
        self.table.arn()
    }

    /// The stream ARN of the replica in the stack's region.
    pub fn stream_arn(&self) -> Value<String> {
        self.table.stream_arn()
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::GlobalTableRef {
        &self.table
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    fn arns(&self) -> Vec<Value<String>> {
        let mut arns = vec![self.table_arn()];
        if self.has_indexes {
            arns.push(Fn::join("", [self.table_arn(), "/index/*".into()]));
        }
        arns
    }

    /// Lets `grantee` read items of the local replica.
    pub fn grant_read_data(&self, grantee: &dyn Grantable) -> Grant {
        Grant::to_principal(grantee, &READ_ACTIONS, self.arns())
    }

    /// Lets `grantee` write items of the local replica.
    pub fn grant_write_data(&self, grantee: &dyn Grantable) -> Grant {
        Grant::to_principal(grantee, &WRITE_ACTIONS, self.arns())
    }
}

/// What CloudFormation would reject about the replica set.
fn global_problems(scope: &Scope, props: &GlobalTableProps) -> Vec<String> {
    let mut out = Vec::new();
    let regions = &props.regions;
    if regions.is_empty() {
        out.push("a global table needs at least one region in `regions`".to_string());
    }
    for (i, r) in regions.iter().enumerate() {
        if regions[..i].contains(r) {
            out.push(format!(
                "region {r:?} is listed twice; each region holds one replica"
            ));
        }
    }
    if let Some(home) = scope.env().region {
        if !regions.is_empty() && !regions.contains(&home) {
            out.push(format!(
                "the stack deploys to {home} but `regions` does not include it; CloudFormation needs a replica in the stack's region"
            ));
        }
    }
    if let Some(view) = props.table.stream {
        if view != StreamView::NewAndOldImages {
            out.push(
                "a global table's stream must be NewAndOldImages; leave `stream` unset or set it so"
                    .to_string(),
            );
        }
    }
    match &props.table.billing {
        Billing::Provisioned {
            read_scaling: Some(_),
            write_scaling: Some(_),
            ..
        }
        | Billing::OnDemand => {}
        Billing::Provisioned { .. } => out.push(
            "a provisioned global table needs both read_scaling and write_scaling; replicas scale their own capacity"
                .to_string(),
        ),
    }
    if matches!(props.table.encryption, TableEncryption::Customer(_)) {
        for r in regions {
            if !props.replica_keys.contains_key(r) {
                out.push(format!(
                    "customer-managed encryption needs a key for every replica; `replica_keys` has none for {r}"
                ));
            }
        }
    }
    out
}
