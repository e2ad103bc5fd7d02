//! Seed "Compute Infrastructure (EKS)": the cluster with a private API
//! endpoint in the private subnets, every control-plane log type in
//! CloudWatch Logs ("EKS control plane logs") and Kubernetes secrets
//! encrypted with KMS; a managed node group of t3.medium instances
//! ("Right-sized instances (t3.medium for EKS nodes)", Spot in dev per the
//! seed's cost recommendation) that scales between the configured bounds;
//! and the add-ons the seed lists:
//!
//! - VPC CNI, CoreDNS and kube-proxy;
//! - the EBS CSI driver, with its Pod Identity role;
//! - cert-manager (an EKS community add-on), which ADOT needs first;
//! - AWS Distro for OpenTelemetry, whose collector sends metrics and
//!   traces to CloudWatch, X-Ray and Amazon Managed Prometheus ("IAM roles
//!   for sending telemetry to AWS services").
//!
//! The AWS Load Balancer Controller is a Helm chart, not an EKS add-on: it
//! gets its Pod Identity role here, for `kube-system/aws-load-balancer-controller`.
//! The platform's services get their own roles ("IAM Roles for Service
//! Accounts (IRSA) is extensively used"): the LLM gateway through IRSA
//! exactly as the seed's `llm_gateway_role` (`default/llm-gateway-sa`,
//! `sts:AssumeRoleWithWebIdentity` on the cluster's OIDC provider), the
//! memory and retrieval gateways and the OpenTelemetry collector through
//! EKS Pod Identity. Their permissions on the data stores are granted in
//! the data stack, which holds the stores.

use strata::ec2::AgentVpc;
use strata::eks::{
    AddonProps, AddonRole, CapacityType, Cluster, ClusterLogType, ClusterProps, EndpointAccess,
    NodegroupProps, ServiceAccountRole, ServiceAccountRoleProps, WorkloadIdentity,
};
use strata::iam::{ManagedPolicy, PolicyStatement, Principal};
use strata::kms::{Key, Keys, KeysProps};
use strata::logs::{LogGroup, LogGroupProps, Retention};
use strata::prelude::*;

use crate::config::Config;
use crate::network::PRIVATE;
use crate::parameters;

/// The Kubernetes namespace of the platform's services (the seed's `default`).
pub const NAMESPACE: &str = "default";

/// The cluster and the roles of the services running on it.
pub struct Compute {
    /// The cluster.
    pub cluster: Cluster,
    /// The LLM gateway's IRSA role (`default/llm-gateway-sa`).
    pub llm_gateway: ServiceAccountRole,
    /// The memory gateway's role (`default/memory-gateway-sa`).
    pub memory_gateway: ServiceAccountRole,
    /// The retrieval gateway's role (`default/retrieval-gateway-sa`).
    pub retrieval_gateway: ServiceAccountRole,
}

impl Compute {
    /// The security group EKS attaches to the cluster and its managed
    /// nodes: what the data stores admit.
    pub fn node_security_group_id(&self) -> Value<String> {
        self.cluster.cluster_security_group_id()
    }
}

/// Lets CloudWatch Logs in the stack's region use `key` for this account's
/// log groups, so the platform's log groups are encrypted with its keys.
pub(crate) fn allow_cloudwatch_logs(stack: &Scope, key: &Key, config: &Config) {
    let Some(region) = config.environment().region else {
        stack.error(
            "platform-logs-key",
            "the logs key policy names logs.<region>.amazonaws.com: set region in the config or CDK_DEFAULT_REGION",
        );
        return;
    };
    key.add_to_resource_policy(
        PolicyStatement::allow()
            .sid("AllowCloudWatchLogs")
            .actions([
                "kms:Encrypt*",
                "kms:Decrypt*",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:Describe*",
            ])
            .principal(Principal::service(&format!("logs.{region}.amazonaws.com")))
            .all_resources()
            .condition(
                "ArnLike",
                "kms:EncryptionContext:aws:logs:arn",
                [Fn::sub(
                    "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*",
                )],
            ),
    );
}

/// Builds the cluster, its node group, add-ons and service roles in `stack`.
pub fn build(stack: &Scope, config: &Config, vpc: &AgentVpc) -> Compute {
    let eks = &config.eks;
    let name = format!("{}cluster", config.prefix());
    let keys = Keys::new(
        stack,
        KeysProps::new(
            config.stage().key_strategy(),
            &format!("agent-platform/{}", config.name()),
        ),
    );
    // EKS writes control-plane logs to this group; creating it first sets
    // its retention and its key.
    let logs_key = keys.for_service("logs");
    allow_cloudwatch_logs(stack, &logs_key, config);
    let logs = LogGroup::new(
        stack,
        "ControlPlaneLogs",
        LogGroupProps {
            log_group_name: Some(format!("/aws/eks/{name}/cluster")),
            retention: Retention::Days(config.log_retention_days),
            kms_key_arn: Some(logs_key.key_arn()),
            ..Default::default()
        },
    );
    let cluster = Cluster::new(
        stack,
        "Cluster",
        ClusterProps {
            cluster_name: Some(name),
            endpoint_access: EndpointAccess::Private,
            logging: ClusterLogType::ALL.to_vec(),
            secrets_key_arn: Some(keys.for_service("eks").key_arn()),
            deletion_protection: config.stage().is_prod(),
            ..ClusterProps::new(
                &eks.kubernetes_version,
                vpc.subnet_ids(PRIVATE).unwrap_or_default(),
            )
        },
    );
    if let Some(resource) = cluster.scope().of(cluster.resource()) {
        resource.with_options(|o| o.depends_on.push(**logs.resource()));
    }
    if eks.min_nodes > eks.desired_nodes || eks.desired_nodes > eks.max_nodes {
        stack.error(
            "platform-nodes",
            format!(
                "the node group needs min_nodes <= desired_nodes <= max_nodes; got {} <= {} <= {}",
                eks.min_nodes, eks.desired_nodes, eks.max_nodes
            ),
        );
    }
    cluster.add_nodegroup(
        "Nodes",
        NodegroupProps {
            nodegroup_name: Some(format!("{}nodes", config.prefix())),
            capacity_type: if eks.spot {
                CapacityType::Spot
            } else {
                CapacityType::OnDemand
            },
            desired_size: Some(eks.desired_nodes),
            ..NodegroupProps::new(
                &[eks.node_instance_type.as_str()],
                eks.min_nodes,
                eks.max_nodes,
            )
        },
    );
    addons(&cluster);
    load_balancer_controller(&cluster);
    let compute = Compute {
        llm_gateway: cluster.add_service_account_role(
            "LlmGateway",
            ServiceAccountRoleProps {
                identity: WorkloadIdentity::Irsa,
                role_name: Some(format!("{}llm-gateway-role", config.prefix())),
                ..ServiceAccountRoleProps::new(NAMESPACE, "llm-gateway-sa")
            },
        ),
        memory_gateway: cluster.add_service_account_role(
            "MemoryGateway",
            ServiceAccountRoleProps {
                role_name: Some(format!("{}memory-gateway-role", config.prefix())),
                ..ServiceAccountRoleProps::new(NAMESPACE, "memory-gateway-sa")
            },
        ),
        retrieval_gateway: cluster.add_service_account_role(
            "RetrievalGateway",
            ServiceAccountRoleProps {
                role_name: Some(format!("{}retrieval-gateway-role", config.prefix())),
                ..ServiceAccountRoleProps::new(NAMESPACE, "retrieval-gateway-sa")
            },
        ),
        cluster,
    };
    parameters::put(
        stack,
        "ClusterNameParameter",
        &parameters::path(config, "eks/cluster-name"),
        "The platform's EKS cluster",
        compute.cluster.cluster_name(),
    );
    stack.output("ClusterName", Output::new(compute.cluster.cluster_name()));
    compute
}

/// The seed's add-ons. ADOT's operator needs cert-manager's webhooks, so
/// the ADOT add-on waits for cert-manager.
fn addons(cluster: &Cluster) {
    cluster.add_addon(
        "VpcCni",
        AddonProps {
            service_account_role: Some(AddonRole::vpc_cni()),
            ..AddonProps::new("vpc-cni")
        },
    );
    cluster.add_addon("CoreDns", AddonProps::new("coredns"));
    cluster.add_addon("KubeProxy", AddonProps::new("kube-proxy"));
    cluster.add_addon(
        "EbsCsiDriver",
        AddonProps {
            service_account_role: Some(AddonRole::ebs_csi_driver()),
            ..AddonProps::new("aws-ebs-csi-driver")
        },
    );
    let cert_manager = cluster.add_addon("CertManager", AddonProps::new("cert-manager"));
    let adot = cluster.add_addon(
        "Adot",
        AddonProps {
            service_account_role: Some(AddonRole {
                namespace: "opentelemetry-operator-system".into(),
                ..AddonRole::new(
                    "adot-col-otlp-ingest",
                    vec![
                        ManagedPolicy::aws("CloudWatchAgentServerPolicy"),
                        ManagedPolicy::aws("AWSXrayWriteOnlyAccess"),
                        ManagedPolicy::aws("AmazonPrometheusRemoteWriteAccess"),
                    ],
                )
            }),
            ..AddonProps::new("adot")
        },
    );
    if let Some(resource) = adot.scope().of(adot.resource()) {
        resource.with_options(|o| o.depends_on.push(**cert_manager.resource()));
    }
}

/// The AWS Load Balancer Controller's role ("AWS Load Balancer Controller
/// for ingress"): it manages load balancers and target groups and reads
/// the network it places them in.
fn load_balancer_controller(cluster: &Cluster) {
    let role = cluster.add_service_account_role(
        "LoadBalancerController",
        ServiceAccountRoleProps {
            managed_policies: vec![ManagedPolicy::aws("ElasticLoadBalancingFullAccess")],
            ..ServiceAccountRoleProps::new("kube-system", "aws-load-balancer-controller")
        },
    );
    role.role().add_to_policy(
        PolicyStatement::allow()
            .actions([
                "ec2:DescribeVpcs",
                "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeInstances",
                "ec2:DescribeAvailabilityZones",
                "ec2:DescribeNetworkInterfaces",
                "ec2:CreateSecurityGroup",
                "ec2:AuthorizeSecurityGroupIngress",
                "ec2:RevokeSecurityGroupIngress",
                "ec2:CreateTags",
                "cognito-idp:DescribeUserPoolClient",
                "acm:ListCertificates",
                "acm:DescribeCertificate",
                "wafv2:GetWebACLForResource",
                "shield:GetSubscriptionState",
            ])
            .all_resources(),
    );
}
