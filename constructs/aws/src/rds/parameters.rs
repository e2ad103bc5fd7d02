//! Cluster and instance parameter groups, in the family of the engine
//! version, at the CDK's paths (`<cluster>/ParameterGroup/Resource` and
//! `<cluster>/InstanceParameterGroup/Resource`).

use serde_json::Map as JsonMap;
use strata_cfn::rds;
use strata_core::{Json, Map, Scope, Value};

fn to_json(parameters: &Map<String>) -> Json {
    Json::Object(
        parameters
            .iter()
            .map(|(k, v)| (k.clone(), Json::String(v.clone())))
            .collect::<JsonMap<_, _>>(),
    )
}

/// The cluster parameter group's name: a new group holding `parameters`,
/// or RDS's `default.<family>` group when there are none (the CDK names
/// the default group explicitly).
pub(super) fn cluster_group(
    cluster_scope: &Scope,
    family: &str,
    parameters: &Map<String>,
) -> Value<String> {
    if parameters.is_empty() {
        return format!("default.{family}").into();
    }
    cluster_scope
        .child("ParameterGroup")
        .resource(
            "Resource",
            rds::DbClusterParameterGroup::new(
                format!("Cluster parameter group for {family}"),
                family,
                to_json(parameters),
            ),
        )
        .ref_()
}

/// The instance parameter group's name, shared by every instance of the
/// cluster; `None` when there are no instance parameters.
pub(super) fn instance_group(
    cluster_scope: &Scope,
    family: &str,
    parameters: &Map<String>,
) -> Option<Value<String>> {
    if parameters.is_empty() {
        return None;
    }
    let group = cluster_scope.child("InstanceParameterGroup").resource(
        "Resource",
        rds::DbParameterGroup {
            parameters: Some(to_json(parameters).into()),
            ..rds::DbParameterGroup::new(format!("Parameter group for {family}"), family)
        },
    );
    Some(group.ref_())
}
