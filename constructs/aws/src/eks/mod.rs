//! EKS: clusters with a private endpoint, control-plane logging and KMS
//! envelope encryption; managed node groups with labels, taints, Spot and
//! Graviton; add-ons; and AWS permissions for Kubernetes service accounts
//! through EKS Pod Identity or IRSA (see [`WorkloadIdentity`] for why both
//! exist and which works when the cluster is in the same stack).
//!
//! ```
//! use strata::eks::{AddonProps, Cluster, ClusterProps, NodegroupProps, CapacityType};
//! use strata::prelude::*;
//!
//! let app = App::new();
//! let stack = app.stack("Platform", StackProps::default());
//! let cluster = Cluster::new(&stack, "Cluster", ClusterProps::new("1.31", vec!["subnet-0a".into(), "subnet-0b".into()]));
//! cluster.add_nodegroup("General", NodegroupProps {
//!     capacity_type: CapacityType::Spot,
//!     ..NodegroupProps::new(&["t3a.medium", "t3.medium"], 1, 3)
//! });
//! for name in ["vpc-cni", "coredns", "kube-proxy"] {
//!     cluster.add_addon(name, AddonProps::new(name));
//! }
//! assert!(app.synth().is_ok());
//! ```

mod addon;
mod cluster;
mod identity;
mod instance;
mod nodegroup;

pub use addon::{Addon, AddonProps, AddonRole, ResolveConflicts, POD_IDENTITY_AGENT};
pub use cluster::{
    AuthenticationMode, Cluster, ClusterLogType, ClusterProps, EndpointAccess, KUBERNETES_VERSIONS,
};
pub use identity::{
    OpenIdConnectProvider, ServiceAccountRole, ServiceAccountRoleProps, WorkloadIdentity,
    EKS_OIDC_THUMBPRINT,
};
pub use instance::{Accelerator, CpuArchitecture, InstanceType};
pub use nodegroup::{AmiType, CapacityType, Nodegroup, NodegroupProps, Taint, TaintEffect};
