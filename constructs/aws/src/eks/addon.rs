//! EKS add-ons (`AWS::EKS::Addon`): vpc-cni, coredns, kube-proxy, the EBS
//! CSI driver, ADOT and others, with a version and an optional role for
//! the add-on's service account.

use strata_cfn::eks::{self as cfn, addon as a};
use strata_core::{Handle, Json, Scope, Value};

use crate::iam::{ManagedPolicy, Role, RoleProps};

use super::cluster::Cluster;
use super::identity::{service_account_problem, WorkloadIdentity};

/// The add-on that runs the EKS Pod Identity agent on every node.
pub const POD_IDENTITY_AGENT: &str = "eks-pod-identity-agent";

/// What EKS does with fields the add-on manages that were changed by hand.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ResolveConflicts {
    /// `OVERWRITE` them with the add-on's values.
    #[default]
    Overwrite,
    /// `PRESERVE` them.
    Preserve,
    /// `NONE`: fail on a conflict.
    None,
}

/// A role for an add-on's service account, created at `<addon>/Role`.
#[derive(Clone, Debug, PartialEq)]
pub struct AddonRole {
    /// The add-on's namespace (`kube-system` for most).
    pub namespace: String,
    /// The add-on's service account.
    pub service_account: String,
    /// Managed policies for the role.
    pub managed_policies: Vec<ManagedPolicy>,
    /// Pod Identity (default; the add-on's `PodIdentityAssociations`) or
    /// IRSA (its `ServiceAccountRoleArn`).
    pub identity: WorkloadIdentity,
}

impl AddonRole {
    /// A Pod Identity role for `kube-system/<service_account>`.
    pub fn new(service_account: &str, managed_policies: Vec<ManagedPolicy>) -> Self {
        AddonRole {
            namespace: "kube-system".to_string(),
            service_account: service_account.to_string(),
            managed_policies,
            identity: WorkloadIdentity::PodIdentity,
        }
    }

    /// The VPC CNI's `aws-node` with `AmazonEKS_CNI_Policy`.
    pub fn vpc_cni() -> Self {
        AddonRole::new("aws-node", vec![ManagedPolicy::aws("AmazonEKS_CNI_Policy")])
    }

    /// The EBS CSI driver's `ebs-csi-controller-sa` with `AmazonEBSCSIDriverPolicy`.
    pub fn ebs_csi_driver() -> Self {
        AddonRole::new(
            "ebs-csi-controller-sa",
            vec![ManagedPolicy::aws("service-role/AmazonEBSCSIDriverPolicy")],
        )
    }
}

/// Settings of an [`Addon`].
#[derive(Clone, Debug, PartialEq)]
pub struct AddonProps {
    /// The add-on's name, such as `vpc-cni` or `aws-ebs-csi-driver`.
    pub addon_name: String,
    /// A version such as `v1.19.2-eksbuild.1`; EKS picks the default for
    /// the cluster's Kubernetes version when unset.
    pub addon_version: Option<String>,
    /// The add-on's configuration (its JSON schema is per add-on and version).
    pub configuration_values: Option<Json>,
    /// Conflict resolution on create and update.
    pub resolve_conflicts: ResolveConflicts,
    /// Keep the add-on's software in the cluster when the resource is deleted.
    pub preserve_on_delete: bool,
    /// A role created for the add-on's service account.
    pub service_account_role: Option<AddonRole>,
    /// An existing IRSA role ARN for the add-on's service account.
    pub service_account_role_arn: Option<Value<String>>,
}

impl AddonProps {
    /// An add-on at EKS's default version.
    pub fn new(addon_name: &str) -> Self {
        AddonProps {
            addon_name: addon_name.to_string(),
            addon_version: None,
            configuration_values: None,
            resolve_conflicts: ResolveConflicts::Overwrite,
            preserve_on_delete: false,
            service_account_role: None,
            service_account_role_arn: None,
        }
    }

    /// An add-on at `version`.
    pub fn with_version(addon_name: &str, version: &str) -> Self {
        AddonProps {
            addon_version: Some(version.to_string()),
            ..AddonProps::new(addon_name)
        }
    }
}

/// An add-on at `<cluster>/<id>/Resource`. Add-ons that run pods beyond
/// DaemonSets (coredns, the EBS CSI controller, ADOT, ...) depend on the
/// cluster's node groups, so EKS finds nodes to schedule them on.
///
/// ```
/// use strata::eks::{AddonProps, AddonRole, Cluster, ClusterProps};
/// use strata::prelude::*;
///
/// let app = App::new();
/// let stack = app.stack("Platform", StackProps::default());
/// let cluster = Cluster::new(&stack, "Cluster", ClusterProps::new("1.31", vec!["subnet-0a".into(), "subnet-0b".into()]));
/// cluster.add_addon("EbsCsi", AddonProps {
///     service_account_role: Some(AddonRole::ebs_csi_driver()),
///     ..AddonProps::with_version("aws-ebs-csi-driver", "v1.38.1-eksbuild.1")
/// });
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let addon = &t["Resources"][strata::logical_id(&["Cluster", "EbsCsi", "Resource"]).as_str()]["Properties"];
/// assert_eq!(addon["PodIdentityAssociations"][0]["ServiceAccount"], "ebs-csi-controller-sa");
/// ```
#[derive(Clone)]
pub struct Addon {
    name: String,
    scope: Scope,
    resource: cfn::AddonRef,
    role: Option<Role>,
}

impl std::fmt::Debug for Addon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Addon({:?})", self.scope.path())
    }
}

/// Add-ons that only run DaemonSets: they become active without nodes.
const DAEMONSET_ADDONS: [&str; 3] = ["vpc-cni", "kube-proxy", POD_IDENTITY_AGENT];

impl Addon {
    /// Makes an add-on that runs pods on nodes wait for `nodegroup`, so
    /// its pods can be scheduled when EKS installs it.
    pub(super) fn wait_for(&self, nodegroup: Handle) {
        if DAEMONSET_ADDONS.contains(&self.name.as_str()) {
            return;
        }
        if let Some(res) = self.scope.of(&self.resource) {
            res.with_options(|o| {
                if !o.depends_on.contains(&nodegroup) {
                    o.depends_on.push(nodegroup);
                }
            });
        }
    }

    /// The add-on's ARN.
    pub fn addon_arn(&self) -> Value<String> {
        self.resource.arn()
    }

    /// The role made for the add-on's service account, if any.
    pub fn role(&self) -> Option<&Role> {
        self.role.as_ref()
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::AddonRef {
        &self.resource
    }

    /// The add-on's construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl Cluster {
    /// Installs an add-on. Each add-on name may be added once; adding
    /// `eks-pod-identity-agent` after a Pod Identity role made the cluster
    /// add it sets the version and configuration of that one.
    pub fn add_addon(&self, id: &str, props: AddonProps) -> Addon {
        let existing = self
            .state
            .borrow()
            .addons
            .iter()
            .find(|(name, _, _)| *name == props.addon_name)
            .map(|(_, addon, auto)| (addon.clone(), *auto));
        match existing {
            Some((addon, true)) => {
                if props.service_account_role.is_some() || props.service_account_role_arn.is_some()
                {
                    self.scope.error(
                        "eks-addon",
                        format!(
                            "the {} add-on takes no service account role",
                            props.addon_name
                        ),
                    );
                }
                self.state
                    .borrow_mut()
                    .addons
                    .iter_mut()
                    .filter(|(name, _, _)| *name == props.addon_name)
                    .for_each(|entry| entry.2 = false);
                if let Some(res) = addon.scope.of(&addon.resource) {
                    let l1 = self.render_addon(&addon.scope, &props);
                    res.with_resource::<cfn::Addon>(|r| *r = l1);
                }
                addon
            }
            Some((addon, false)) => {
                self.scope.error(
                    "eks-addon",
                    format!(
                        "the add-on {:?} is already installed at {}; add each add-on once",
                        props.addon_name,
                        addon.scope.path()
                    ),
                );
                addon
            }
            None => self.new_addon(id, &props, false),
        }
    }

    /// Adds the Pod Identity agent add-on unless the cluster has it.
    pub(super) fn ensure_pod_identity_agent(&self) {
        let has = self
            .state
            .borrow()
            .addons
            .iter()
            .any(|(name, _, _)| name == POD_IDENTITY_AGENT);
        if !has {
            self.new_addon(
                "PodIdentityAgent",
                &AddonProps::new(POD_IDENTITY_AGENT),
                true,
            );
        }
    }

    fn new_addon(&self, id: &str, props: &AddonProps, auto: bool) -> Addon {
        let scope = self.scope.child(id);
        let role = props.service_account_role.as_ref().map(|r| {
            if let Some(p) = service_account_problem(&r.namespace, &r.service_account) {
                scope.error("eks-addon", p);
            }
            self.workload_role(
                &scope,
                &r.namespace,
                &r.service_account,
                r.identity,
                RoleProps {
                    managed_policies: r.managed_policies.clone(),
                    ..RoleProps::default()
                },
            )
        });
        let mut l1 = self.render_addon(&scope, props);
        if let (Some(r), Some(role)) = (&props.service_account_role, &role) {
            match r.identity {
                WorkloadIdentity::PodIdentity => {
                    l1.pod_identity_associations =
                        Some(Value::list([a::PodIdentityAssociation::new(
                            role.arn(),
                            r.service_account.as_str(),
                        )]));
                }
                WorkloadIdentity::Irsa => l1.service_account_role_arn = Some(role.arn()),
            }
        }
        let resource = scope.resource("Resource", l1);
        let addon = Addon {
            name: props.addon_name.clone(),
            scope,
            resource,
            role,
        };
        let nodegroups = self.state.borrow().nodegroups.clone();
        for ng in nodegroups {
            addon.wait_for(ng);
        }
        self.state
            .borrow_mut()
            .addons
            .push((props.addon_name.clone(), addon.clone(), auto));
        addon
    }

    fn render_addon(&self, scope: &Scope, props: &AddonProps) -> cfn::Addon {
        report(scope, props);
        cfn::Addon {
            addon_version: props.addon_version.as_deref().map(Value::from),
            configuration_values: props
                .configuration_values
                .as_ref()
                .map(|j| Value::from(j.to_string())),
            preserve_on_delete: props.preserve_on_delete.then_some(true.into()),
            resolve_conflicts: Some(
                match props.resolve_conflicts {
                    ResolveConflicts::Overwrite => "OVERWRITE",
                    ResolveConflicts::Preserve => "PRESERVE",
                    ResolveConflicts::None => "NONE",
                }
                .into(),
            ),
            service_account_role_arn: props.service_account_role_arn.clone(),
            ..cfn::Addon::new(props.addon_name.as_str(), self.cluster_name())
        }
    }
}

fn report(scope: &Scope, props: &AddonProps) {
    let name = &props.addon_name;
    let ok = !name.is_empty()
        && name.len() <= 100
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !ok {
        scope.error(
            "eks-addon",
            format!("{name:?} is not an add-on name such as \"vpc-cni\" or \"aws-ebs-csi-driver\""),
        );
    }
    if let Some(v) = &props.addon_version {
        let ok = v.starts_with('v')
            && v.contains("-eksbuild.")
            && v[1..]
                .split(['.', '-'])
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()));
        if !ok {
            scope.error(
                "eks-addon",
                format!("{v:?} is not an add-on version such as \"v1.19.2-eksbuild.1\" (aws eks describe-addon-versions lists them)"),
            );
        }
    }
    if props.service_account_role.is_some() && props.service_account_role_arn.is_some() {
        scope.error(
            "eks-addon",
            "give either service_account_role or service_account_role_arn, not both",
        );
    }
}
