//! ECS on Fargate: a cluster with Fargate capacity providers and Container
//! Insights, Fargate task definitions with their containers and roles,
//! services behind Application Load Balancer target groups, and task-count
//! autoscaling. Logical IDs follow the CDK's construct paths
//! (`<cluster>/Resource`, `<task>/Resource`, `<task>/TaskRole`,
//! `<task>/ExecutionRole`, `<service>/Service`,
//! `<service>/TaskCount/Target`).

mod cluster;
mod container;
mod scaling;
mod service;
mod task;

pub use cluster::{
    CapacityProvider, CapacityProviderStrategy, Cluster, ClusterProps, ContainerInsights,
};
pub use container::{
    ContainerDefinition, ContainerHealthCheck, ContainerImage, ContainerProps, ContainerSecret,
    LogDriver, PortMapping,
};
pub use scaling::{CustomMetric, ScalableTaskCount, Statistic, TargetTracking};
pub use service::{
    CircuitBreaker, FargateService, FargateServiceProps, LoadBalancerTarget, PropagateTags,
};
pub use task::{
    fargate_size_problem, CpuArchitecture, FargateTaskDefinition, FargateTaskDefinitionProps,
    OperatingSystemFamily, RuntimePlatform,
};
