//! AWS permissions for Kubernetes service accounts.
//!
//! Two bindings are offered, chosen per role with [`WorkloadIdentity`]:
//!
//! - **EKS Pod Identity** (the default): the role trusts
//!   `pods.eks.amazonaws.com` (`sts:AssumeRole` and `sts:TagSession`) and
//!   an `AWS::EKS::PodIdentityAssociation` binds it to
//!   `namespace/service-account`. Everything is plain CloudFormation with
//!   no condition keys, so it works for a cluster created in the same
//!   stack; the cluster gets the `eks-pod-identity-agent` add-on.
//! - **IRSA**: the cluster's `AWS::IAM::OIDCProvider` and a role trusting
//!   it with `<issuer>:sub` and `<issuer>:aud` conditions. Those condition
//!   keys start with the issuer, which a new cluster only knows at deploy,
//!   and CloudFormation cannot use an intrinsic as a JSON key; the trust
//!   policy is therefore written as JSON text through `Fn::Sub` (the
//!   property accepts a string), with the issuer taken from the cluster's
//!   `OpenIdConnectIssuerUrl` without its `https://`.

use serde_json::json;
use strata_cfn::eks as cfn;
use strata_cfn::iam as iam_l1;
use strata_core::{Fn, Json, Scope, ToRaw, Value};

use crate::iam::{
    Grantable, ManagedPolicy, PolicyDocument, PolicyStatement, Principal, Role, RoleProps,
};

use super::cluster::Cluster;

/// The thumbprint of the root CA of EKS's OIDC issuers. IAM verifies EKS
/// issuers against its own trusted CAs, so the value only fills the list.
pub const EKS_OIDC_THUMBPRINT: &str = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280";

/// How a role is bound to a Kubernetes service account.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WorkloadIdentity {
    /// EKS Pod Identity.
    #[default]
    PodIdentity,
    /// IAM roles for service accounts through the cluster's OIDC provider.
    Irsa,
}

/// The cluster's `AWS::IAM::OIDCProvider` at
/// `<cluster>/OpenIdConnectProvider/Resource`.
#[derive(Clone, Debug)]
pub struct OpenIdConnectProvider {
    scope: Scope,
    resource: iam_l1::OidcProviderRef,
}

impl OpenIdConnectProvider {
    /// The provider's ARN.
    pub fn provider_arn(&self) -> Value<String> {
        self.resource.arn()
    }

    /// The L1 handle.
    pub fn resource(&self) -> &iam_l1::OidcProviderRef {
        &self.resource
    }

    /// The provider's construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// Settings of a [`ServiceAccountRole`].
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceAccountRoleProps {
    /// The Kubernetes namespace.
    pub namespace: String,
    /// The service account's name.
    pub service_account: String,
    /// Pod Identity (default) or IRSA.
    pub identity: WorkloadIdentity,
    /// Managed policies attached to the role.
    pub managed_policies: Vec<ManagedPolicy>,
    /// A physical role name.
    pub role_name: Option<String>,
}

impl ServiceAccountRoleProps {
    /// A Pod Identity role for `namespace/service_account`.
    pub fn new(namespace: &str, service_account: &str) -> Self {
        ServiceAccountRoleProps {
            namespace: namespace.to_string(),
            service_account: service_account.to_string(),
            identity: WorkloadIdentity::PodIdentity,
            managed_policies: Vec::new(),
            role_name: None,
        }
    }
}

/// An IAM role for the pods of one service account, at `<cluster>/<id>/Role`,
/// with its `AWS::EKS::PodIdentityAssociation` at
/// `<cluster>/<id>/PodIdentityAssociation` under Pod Identity. Grants to it
/// go to the role's default policy.
///
/// ```
/// use strata::eks::{Cluster, ClusterProps, ServiceAccountRoleProps};
/// use strata::iam::PolicyStatement;
/// use strata::prelude::*;
///
/// let app = App::new();
/// let stack = app.stack("Platform", StackProps::default());
/// let cluster = Cluster::new(&stack, "Cluster", ClusterProps::new("1.31", vec!["subnet-0a".into(), "subnet-0b".into()]));
/// let gateway = cluster.add_service_account_role("LlmGateway", ServiceAccountRoleProps::new("default", "llm-gateway-sa"));
/// gateway.role().add_to_policy(PolicyStatement::allow().action("bedrock:InvokeModel").all_resources());
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let a = &t["Resources"][strata::logical_id(&["Cluster", "LlmGateway", "PodIdentityAssociation"]).as_str()];
/// assert_eq!(a["Properties"]["ServiceAccount"], "llm-gateway-sa");
/// ```
#[derive(Clone)]
pub struct ServiceAccountRole {
    scope: Scope,
    role: Role,
    association: Option<cfn::PodIdentityAssociationRef>,
}

impl std::fmt::Debug for ServiceAccountRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ServiceAccountRole({:?})", self.scope.path())
    }
}

impl ServiceAccountRole {
    /// The role.
    pub fn role(&self) -> &Role {
        &self.role
    }

    /// The role's ARN.
    pub fn role_arn(&self) -> Value<String> {
        self.role.arn()
    }

    /// The Pod Identity association, under Pod Identity.
    pub fn association(&self) -> Option<&cfn::PodIdentityAssociationRef> {
        self.association.as_ref()
    }

    /// The construct scope (`<cluster>/<id>`).
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl Grantable for ServiceAccountRole {
    fn grant_principal(&self) -> Principal {
        self.role.grant_principal()
    }

    fn add_to_principal_policy(&self, statement: PolicyStatement) -> bool {
        self.role.add_to_policy(statement)
    }
}

/// Why `namespace` and `name` are not a namespace and a service account.
pub(super) fn service_account_problem(namespace: &str, name: &str) -> Option<String> {
    let label = |s: &str, max: usize, dots: bool| {
        !s.is_empty()
            && s.len() <= max
            && s.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && s.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && s.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || (dots && c == '.')
            })
    };
    if !label(namespace, 63, false) {
        return Some(format!("{namespace:?} is not a Kubernetes namespace: up to 63 lowercase letters, digits and '-'"));
    }
    if !label(name, 253, true) {
        return Some(format!("{name:?} is not a Kubernetes service account name: up to 253 lowercase letters, digits, '-' and '.'"));
    }
    None
}

impl Cluster {
    /// The cluster's OIDC provider, created on first use, for IRSA.
    pub fn open_id_connect_provider(&self) -> OpenIdConnectProvider {
        if let Some(p) = &self.state.borrow().oidc {
            return p.clone();
        }
        let scope = self.scope.child("OpenIdConnectProvider");
        let resource = scope.resource(
            "Resource",
            iam_l1::OidcProvider {
                client_id_list: Some(Value::list(["sts.amazonaws.com"])),
                thumbprint_list: Some(Value::list([EKS_OIDC_THUMBPRINT])),
                url: Some(self.open_id_connect_issuer_url()),
                ..iam_l1::OidcProvider::new()
            },
        );
        let provider = OpenIdConnectProvider { scope, resource };
        self.state.borrow_mut().oidc = Some(provider.clone());
        provider
    }

    /// A role for the pods running as `namespace/service_account`.
    pub fn add_service_account_role(
        &self,
        id: &str,
        props: ServiceAccountRoleProps,
    ) -> ServiceAccountRole {
        let scope = self.scope.child(id);
        if let Some(p) = service_account_problem(&props.namespace, &props.service_account) {
            scope.error("eks-service-account", p);
        }
        let role = self.workload_role(
            &scope,
            &props.namespace,
            &props.service_account,
            props.identity,
            RoleProps {
                managed_policies: props.managed_policies.clone(),
                role_name: props.role_name.clone(),
                ..RoleProps::default()
            },
        );
        let association = (props.identity == WorkloadIdentity::PodIdentity).then(|| {
            scope.resource(
                "PodIdentityAssociation",
                cfn::PodIdentityAssociation::new(
                    self.cluster_name(),
                    props.namespace.as_str(),
                    role.arn(),
                    props.service_account.as_str(),
                ),
            )
        });
        ServiceAccountRole {
            scope,
            role,
            association,
        }
    }

    /// A role at `<scope>/Role` that pods of `namespace/service_account`
    /// can assume through `identity`.
    pub(super) fn workload_role(
        &self,
        scope: &Scope,
        namespace: &str,
        service_account: &str,
        identity: WorkloadIdentity,
        props: RoleProps,
    ) -> Role {
        let trust: Value<Json> = match identity {
            WorkloadIdentity::PodIdentity => {
                self.ensure_pod_identity_agent();
                PolicyDocument::new()
                    .with_statement(
                        PolicyStatement::allow()
                            .actions(["sts:AssumeRole", "sts:TagSession"])
                            .principal(Principal::service("pods.eks.amazonaws.com")),
                    )
                    .to_value()
            }
            WorkloadIdentity::Irsa => {
                let text = json!({
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Action": "sts:AssumeRoleWithWebIdentity",
                        "Condition": {"StringEquals": {
                            "${Issuer}:aud": "sts.amazonaws.com",
                            "${Issuer}:sub": format!("system:serviceaccount:{namespace}:{service_account}"),
                        }},
                        "Effect": "Allow",
                        "Principal": {"Federated": "${ProviderArn}"},
                    }],
                })
                .to_string();
                let issuer = Fn::select(1, Fn::split("//", self.open_id_connect_issuer_url()));
                let provider = self.open_id_connect_provider().provider_arn();
                Value::expr(
                    Fn::sub_with(&text, [("Issuer", issuer), ("ProviderArn", provider)]).to_raw(),
                )
            }
        };
        let role = Role::new(
            scope,
            "Role",
            RoleProps {
                assumed_by: vec![Principal::service("pods.eks.amazonaws.com")],
                ..props
            },
        );
        if let Some(resource) = role.scope().of(&role.handle()) {
            resource.with_resource::<iam_l1::Role>(|r| r.assume_role_policy_document = trust);
        }
        role
    }
}
