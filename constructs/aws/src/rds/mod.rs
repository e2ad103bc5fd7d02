//! The RDS family: an Aurora PostgreSQL [`DatabaseCluster`] with a writer
//! and readers placed by AZ, reader autoscaling, a generated and rotated
//! master secret, IAM authentication, encryption, backup and maintenance
//! windows, Performance Insights, Enhanced Monitoring, parameter groups,
//! Serverless v2 and global-database membership, checked at synth.
//!
//! Construct paths follow the CDK's `rds.DatabaseCluster`, so the same
//! path gives the same logical IDs (`<id>/Resource`, `<id>/Subnets/Default`,
//! `<id>/Secret/Resource`, `<id>/writer/Resource`, `<id>/reader1/Resource`).

mod check;
mod cluster;
mod engine;
mod instance;
mod parameters;
mod props;
mod scaling;
mod secret;

pub use cluster::DatabaseCluster;
pub use engine::{EngineVersion, ENGINE, SERVERLESS};
pub use props::{
    ClusterInstance, DatabaseClusterProps, DatabaseSubnets, GlobalDatabase, MasterRotation,
    PerformanceInsights, ServerlessV2Scaling, DEFAULT_EXCLUDE_CHARACTERS,
};
pub use scaling::ReaderScaling;
