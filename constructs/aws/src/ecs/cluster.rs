//! The ECS cluster: Container Insights and the Fargate capacity providers
//! with a default strategy, at `<id>/Resource` and (the associations)
//! `<id>/<id>`, as the CDK's `Cluster` with
//! `enableFargateCapacityProviders` lays them out.

use strata_cfn::ecs as cfn;
use strata_cfn::ecs::{cluster as c, cluster_capacity_provider_associations as a};
use strata_core::{Handle, Scope, Value};

/// A Fargate capacity provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CapacityProvider {
    /// `FARGATE`: on-demand capacity.
    Fargate,
    /// `FARGATE_SPOT`: spare capacity at a discount, interruptible.
    FargateSpot,
}

impl CapacityProvider {
    /// `FARGATE` or `FARGATE_SPOT`.
    pub fn name(self) -> &'static str {
        match self {
            CapacityProvider::Fargate => "FARGATE",
            CapacityProvider::FargateSpot => "FARGATE_SPOT",
        }
    }
}

/// One entry of a capacity provider strategy: the share of tasks
/// (`weight`) placed on a provider after its `base` tasks.
///
/// ```
/// use strata::ecs::{CapacityProvider, CapacityProviderStrategy};
/// let seed = [
///     CapacityProviderStrategy { base: 1, ..CapacityProviderStrategy::new(CapacityProvider::Fargate, 70) },
///     CapacityProviderStrategy::new(CapacityProvider::FargateSpot, 30),
/// ];
/// assert_eq!(seed[0].weight, 70);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CapacityProviderStrategy {
    /// The provider.
    pub capacity_provider: CapacityProvider,
    /// Relative share of the tasks beyond the base, 0–1000.
    pub weight: u32,
    /// Tasks always placed on this provider first, 0–100000; at most one
    /// entry of a strategy has a base.
    pub base: u32,
}

impl CapacityProviderStrategy {
    /// `weight` on `capacity_provider`, no base.
    pub fn new(capacity_provider: CapacityProvider, weight: u32) -> Self {
        CapacityProviderStrategy {
            capacity_provider,
            weight,
            base: 0,
        }
    }
}

/// Why ECS would reject `strategy` on a cluster offering `providers`.
pub(crate) fn strategy_problems(
    strategy: &[CapacityProviderStrategy],
    providers: &[CapacityProvider],
) -> Vec<String> {
    let mut out = Vec::new();
    if strategy.is_empty() {
        return out;
    }
    for (i, s) in strategy.iter().enumerate() {
        if s.weight > 1000 {
            out.push(format!(
                "{} weight {} is out of range; use 0 to 1000",
                s.capacity_provider.name(),
                s.weight
            ));
        }
        if s.base > 100_000 {
            out.push(format!(
                "{} base {} is out of range; use 0 to 100000",
                s.capacity_provider.name(),
                s.base
            ));
        }
        if strategy[..i]
            .iter()
            .any(|o| o.capacity_provider == s.capacity_provider)
        {
            out.push(format!(
                "{} appears twice in the capacity provider strategy",
                s.capacity_provider.name()
            ));
        }
        if !providers.contains(&s.capacity_provider) {
            out.push(format!(
                "{} is in the strategy but not among the cluster's capacity providers; add it to ClusterProps.capacity_providers",
                s.capacity_provider.name()
            ));
        }
    }
    if strategy.iter().filter(|s| s.base > 0).count() > 1 {
        out.push("only one capacity provider of a strategy may have a base".into());
    }
    if strategy.iter().all(|s| s.weight == 0) {
        out.push("at least one capacity provider of a strategy needs a weight above 0".into());
    }
    out
}

/// CloudWatch Container Insights for the cluster.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ContainerInsights {
    /// `enabled`: cluster, service and task metrics.
    #[default]
    Enabled,
    /// `enhanced`: adds container-level metrics.
    Enhanced,
    /// `disabled`.
    Disabled,
}

impl ContainerInsights {
    fn code(self) -> &'static str {
        match self {
            ContainerInsights::Enabled => "enabled",
            ContainerInsights::Enhanced => "enhanced",
            ContainerInsights::Disabled => "disabled",
        }
    }
}

/// Settings of a [`Cluster`]. `Default` is a cluster with Container
/// Insights, both Fargate providers and no default strategy.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterProps {
    /// A physical name (1–255 letters, digits, hyphens and underscores);
    /// unset lets CloudFormation name it.
    pub cluster_name: Option<String>,
    /// Container Insights (on by default).
    pub container_insights: ContainerInsights,
    /// The providers services of the cluster may use.
    pub capacity_providers: Vec<CapacityProvider>,
    /// How services without their own strategy spread tasks; empty leaves
    /// them on the `FARGATE` launch type.
    pub default_capacity_provider_strategy: Vec<CapacityProviderStrategy>,
}

impl Default for ClusterProps {
    fn default() -> Self {
        ClusterProps {
            cluster_name: None,
            container_insights: ContainerInsights::Enabled,
            capacity_providers: vec![CapacityProvider::Fargate, CapacityProvider::FargateSpot],
            default_capacity_provider_strategy: Vec::new(),
        }
    }
}

/// An `AWS::ECS::Cluster` with its capacity provider associations.
///
/// ```
/// use strata::prelude::*;
/// use strata::ecs::{CapacityProvider, CapacityProviderStrategy, Cluster, ClusterProps};
///
/// let app = App::new();
/// let stack = app.stack("Compute", StackProps::default());
/// let cluster = Cluster::new(&stack, "Cluster", ClusterProps {
///     cluster_name: Some("bird-agent-cluster".into()),
///     default_capacity_provider_strategy: vec![
///         CapacityProviderStrategy::new(CapacityProvider::Fargate, 70),
///         CapacityProviderStrategy::new(CapacityProvider::FargateSpot, 30),
///     ],
///     ..ClusterProps::default()
/// });
/// stack.output("ClusterName", Output::new(cluster.cluster_name()));
/// let template = &app.synth().expect("valid").stacks[0].template;
/// let id = strata::logical_id(&["Cluster", "Resource"]);
/// let settings = &template["Resources"][id.as_str()]["Properties"]["ClusterSettings"];
/// assert_eq!(settings[0]["Value"], "enabled");
/// ```
#[derive(Clone, Debug)]
pub struct Cluster {
    scope: Scope,
    resource: cfn::ClusterRef,
    associations: Option<cfn::ClusterCapacityProviderAssociationsRef>,
    capacity_providers: Vec<CapacityProvider>,
    default_strategy: Vec<CapacityProviderStrategy>,
}

impl Cluster {
    /// Adds the cluster under `scope`.
    pub fn new(scope: &Scope, id: &str, props: ClusterProps) -> Cluster {
        let scope = scope.child(id);
        if let Some(name) = &props.cluster_name {
            let ok = !name.is_empty()
                && name.len() <= 255
                && name
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_');
            if !ok {
                scope.error(
                    "ecs-cluster-name",
                    format!("cluster name {name:?} is invalid: use 1 to 255 letters, digits, hyphens and underscores"),
                );
            }
        }
        for (i, p) in props.capacity_providers.iter().enumerate() {
            if props.capacity_providers[..i].contains(p) {
                scope.error(
                    "ecs-capacity-provider",
                    format!("{} is listed twice in capacity_providers", p.name()),
                );
            }
        }
        for p in strategy_problems(
            &props.default_capacity_provider_strategy,
            &props.capacity_providers,
        ) {
            scope.error("ecs-capacity-provider-strategy", p);
        }
        let resource = scope.resource(
            "Resource",
            cfn::Cluster {
                cluster_name: props.cluster_name.as_deref().map(Value::from),
                cluster_settings: Some(Value::list([c::ClusterSettings {
                    name: Some("containerInsights".into()),
                    value: Some(props.container_insights.code().into()),
                }])),
                ..cfn::Cluster::new()
            },
        );
        let associations = (!props.capacity_providers.is_empty()
            || !props.default_capacity_provider_strategy.is_empty())
        .then(|| {
            scope.resource(
                id,
                cfn::ClusterCapacityProviderAssociations {
                    capacity_providers: Some(Value::list(
                        props.capacity_providers.iter().map(|p| p.name()),
                    )),
                    ..cfn::ClusterCapacityProviderAssociations::new(
                        resource.ref_(),
                        Value::list(
                            props
                                .default_capacity_provider_strategy
                                .iter()
                                .map(render_association_item),
                        ),
                    )
                },
            )
        });
        Cluster {
            scope,
            resource,
            associations,
            capacity_providers: props.capacity_providers,
            default_strategy: props.default_capacity_provider_strategy,
        }
    }

    /// The cluster's name (`Ref`), the `ClusterName` dimension of ECS metrics.
    pub fn cluster_name(&self) -> Value<String> {
        self.resource.ref_()
    }

    /// The cluster's ARN.
    pub fn cluster_arn(&self) -> Value<String> {
        self.resource.arn()
    }

    /// The providers services of the cluster may use.
    pub fn capacity_providers(&self) -> &[CapacityProvider] {
        &self.capacity_providers
    }

    /// The default strategy of the cluster.
    pub fn default_capacity_provider_strategy(&self) -> &[CapacityProviderStrategy] {
        &self.default_strategy
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::ClusterRef {
        &self.resource
    }

    /// The cluster's construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The capacity provider associations, which services using providers
    /// must wait for.
    pub(crate) fn associations(&self) -> Option<Handle> {
        self.associations.map(|a| *a)
    }
}

fn render_association_item(s: &CapacityProviderStrategy) -> a::CapacityProviderStrategy {
    a::CapacityProviderStrategy {
        base: (s.base > 0).then(|| i64::from(s.base).into()),
        weight: Some(i64::from(s.weight).into()),
        ..a::CapacityProviderStrategy::new(s.capacity_provider.name())
    }
}
