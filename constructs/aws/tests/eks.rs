//! EKS: the cluster, managed node groups, add-ons, Pod Identity and IRSA
//! roles and access entries, rendered at the CDK's paths, and synth errors.

use serde_json::{json, Value as Json};
use strata::eks::*;
use strata::iam::{ManagedPolicy, PolicyStatement};
use strata::prelude::*;

fn template(app: &App) -> Json {
    app.synth().expect("the app synthesizes").stacks[0]
        .template
        .json()
        .clone()
}

fn synth_error(app: &App) -> String {
    app.synth().expect_err("synth must fail").to_string()
}

fn id(path: &[&str]) -> String {
    strata::logical_id(path)
}

fn subnets() -> Vec<Value<String>> {
    vec!["subnet-0a".into(), "subnet-0b".into(), "subnet-0c".into()]
}

fn cluster(stack: &Scope) -> Cluster {
    Cluster::new(stack, "Cluster", ClusterProps::new("1.31", subnets()))
}

fn props<'a>(t: &'a Json, path: &[&str]) -> &'a Json {
    &t["Resources"][id(path).as_str()]["Properties"]
}

fn aws_policy(name: &str) -> Json {
    json!({"Fn::Sub": format!("arn:${{AWS::Partition}}:iam::aws:policy/{name}")})
}

#[test]
fn a_private_cluster_with_default_logging_and_access() {
    let app = App::new();
    let stack = app.stack("Platform", StackProps::default());
    cluster(&stack);
    let t = template(&app);
    assert_eq!(
        props(&t, &["Cluster", "Resource"]),
        &json!({
            "AccessConfig": {
                "AuthenticationMode": "API_AND_CONFIG_MAP",
                "BootstrapClusterCreatorAdminPermissions": true
            },
            "Logging": {"ClusterLogging": {"EnabledTypes": [
                {"Type": "api"}, {"Type": "audit"}, {"Type": "authenticator"}
            ]}},
            "ResourcesVpcConfig": {
                "EndpointPrivateAccess": true,
                "EndpointPublicAccess": false,
                "SubnetIds": ["subnet-0a", "subnet-0b", "subnet-0c"]
            },
            "RoleArn": {"Fn::GetAtt": [id(&["Cluster", "Role", "Resource"]), "Arn"]},
            "Version": "1.31"
        })
    );
    let role = props(&t, &["Cluster", "Role", "Resource"]);
    assert_eq!(
        role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
        json!({"Service": "eks.amazonaws.com"})
    );
    assert_eq!(
        role["ManagedPolicyArns"],
        json!([aws_policy("AmazonEKSClusterPolicy")])
    );
}

#[test]
fn secrets_encryption_public_cidrs_and_every_log_type() {
    let app = App::new();
    let stack = app.stack("Platform", StackProps::default());
    let key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    Cluster::new(
        &stack,
        "Cluster",
        ClusterProps {
            cluster_name: Some("prod-agents".into()),
            endpoint_access: EndpointAccess::PublicAndPrivate(vec!["203.0.113.0/24".into()]),
            logging: ClusterLogType::ALL.to_vec(),
            secrets_key_arn: Some(key.into()),
            service_ipv4_cidr: Some("172.20.0.0/16".into()),
            security_group_ids: vec!["sg-0123456789abcdef0".into()],
            ..ClusterProps::new("1.33", subnets())
        },
    );
    let t = template(&app);
    let c = props(&t, &["Cluster", "Resource"]);
    assert_eq!(c["Name"], "prod-agents");
    assert_eq!(
        c["EncryptionConfig"],
        json!([{"Provider": {"KeyArn": key}, "Resources": ["secrets"]}])
    );
    assert_eq!(
        c["ResourcesVpcConfig"],
        json!({
            "EndpointPrivateAccess": true,
            "EndpointPublicAccess": true,
            "PublicAccessCidrs": ["203.0.113.0/24"],
            "SecurityGroupIds": ["sg-0123456789abcdef0"],
            "SubnetIds": ["subnet-0a", "subnet-0b", "subnet-0c"]
        })
    );
    assert_eq!(
        c["Logging"]["ClusterLogging"]["EnabledTypes"]
            .as_array()
            .map(Vec::len),
        Some(5)
    );
    assert_eq!(
        c["KubernetesNetworkConfig"],
        json!({"ServiceIpv4Cidr": "172.20.0.0/16"})
    );
    assert_eq!(
        props(&t, &["Cluster", "Role", "DefaultPolicy", "Resource"])["PolicyDocument"]["Statement"],
        json!([{
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant"],
            "Effect": "Allow",
            "Resource": key
        }])
    );
    assert_eq!(
        t["Resources"][id(&["Cluster", "Resource"]).as_str()]["DependsOn"],
        json!([id(&["Cluster", "Role", "DefaultPolicy", "Resource"])])
    );
}

#[test]
fn seed_003_general_spot_and_tainted_ai_node_groups() {
    let app = App::new();
    let stack = app.stack("Platform", StackProps::default());
    let c = cluster(&stack);
    c.add_nodegroup(
        "General",
        NodegroupProps {
            capacity_type: CapacityType::Spot,
            ..NodegroupProps::new(&["t3a.medium", "t3.medium"], 3, 20)
        },
    );
    let ai = c.add_nodegroup(
        "Ai",
        NodegroupProps {
            nodegroup_name: Some("ai".into()),
            desired_size: Some(2),
            labels: [("workload".to_string(), "ai".to_string())]
                .into_iter()
                .collect(),
            taints: vec![Taint::parse("workload=ai:NoSchedule").expect("taint")],
            disk_size: Some(100),
            max_unavailable: Some(1),
            ..NodegroupProps::new(&["r6i.2xlarge"], 2, 10)
        },
    );
    stack.output("AiName", Output::new(ai.nodegroup_name()));
    let t = template(&app);
    let cluster_ref = json!({"Ref": id(&["Cluster", "Resource"])});
    assert_eq!(
        props(&t, &["Cluster", "NodegroupGeneral", "Resource"]),
        &json!({
            "AmiType": "AL2023_x86_64_STANDARD",
            "CapacityType": "SPOT",
            "ClusterName": cluster_ref,
            "InstanceTypes": ["t3a.medium", "t3.medium"],
            "NodeRole": {"Fn::GetAtt": [id(&["Cluster", "NodegroupGeneral", "NodeGroupRole", "Resource"]), "Arn"]},
            "ScalingConfig": {"DesiredSize": 3, "MaxSize": 20, "MinSize": 3},
            "Subnets": ["subnet-0a", "subnet-0b", "subnet-0c"]
        })
    );
    assert_eq!(
        props(&t, &["Cluster", "NodegroupAi", "Resource"]),
        &json!({
            "AmiType": "AL2023_x86_64_STANDARD",
            "CapacityType": "ON_DEMAND",
            "ClusterName": cluster_ref,
            "DiskSize": 100,
            "InstanceTypes": ["r6i.2xlarge"],
            "Labels": {"workload": "ai"},
            "NodeRole": {"Fn::GetAtt": [id(&["Cluster", "NodegroupAi", "NodeGroupRole", "Resource"]), "Arn"]},
            "NodegroupName": "ai",
            "ScalingConfig": {"DesiredSize": 2, "MaxSize": 10, "MinSize": 2},
            "Subnets": ["subnet-0a", "subnet-0b", "subnet-0c"],
            "Taints": [{"Effect": "NO_SCHEDULE", "Key": "workload", "Value": "ai"}],
            "UpdateConfig": {"MaxUnavailable": 1.0}
        })
    );
    let role = props(&t, &["Cluster", "NodegroupAi", "NodeGroupRole", "Resource"]);
    assert_eq!(
        role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
        json!({"Service": "ec2.amazonaws.com"})
    );
    assert_eq!(
        role["ManagedPolicyArns"],
        json!([
            aws_policy("AmazonEKSWorkerNodePolicy"),
            aws_policy("AmazonEKS_CNI_Policy"),
            aws_policy("AmazonEC2ContainerRegistryReadOnly")
        ])
    );
    assert_eq!(
        t["Outputs"]["AiName"]["Value"],
        json!({"Fn::GetAtt": [id(&["Cluster", "NodegroupAi", "Resource"]), "NodegroupName"]})
    );
}

#[test]
fn graviton_instances_get_the_arm_image() {
    let app = App::new();
    let stack = app.stack("Platform", StackProps::default());
    let c = cluster(&stack);
    c.add_nodegroup(
        "Graviton",
        NodegroupProps::new(&["m7g.large", "c7g.large"], 1, 3),
    );
    c.add_nodegroup(
        "Bottlerocket",
        NodegroupProps {
            ami_type: Some(AmiType::BottlerocketArm64),
            subnet_ids: Some(vec!["subnet-0a".into()]),
            ..NodegroupProps::new(&["t4g.medium"], 1, 1)
        },
    );
    let t = template(&app);
    assert_eq!(
        props(&t, &["Cluster", "NodegroupGraviton", "Resource"])["AmiType"],
        "AL2023_ARM_64_STANDARD"
    );
    let br = props(&t, &["Cluster", "NodegroupBottlerocket", "Resource"]);
    assert_eq!(br["AmiType"], "BOTTLEROCKET_ARM_64");
    assert_eq!(br["Subnets"], json!(["subnet-0a"]));
}

#[test]
fn seed_002_add_ons_with_roles_and_versions() {
    let app = App::new();
    let stack = app.stack("Platform", StackProps::default());
    let c = cluster(&stack);
    c.add_addon(
        "VpcCni",
        AddonProps {
            service_account_role: Some(AddonRole::vpc_cni()),
            ..AddonProps::with_version("vpc-cni", "v1.19.2-eksbuild.1")
        },
    );
    c.add_addon("CoreDns", AddonProps::new("coredns"));
    c.add_addon("KubeProxy", AddonProps::new("kube-proxy"));
    c.add_nodegroup("General", NodegroupProps::new(&["t3.medium"], 2, 4));
    c.add_addon(
        "EbsCsi",
        AddonProps {
            service_account_role: Some(AddonRole::ebs_csi_driver()),
            ..AddonProps::with_version("aws-ebs-csi-driver", "v1.38.1-eksbuild.1")
        },
    );
    c.add_addon(
        "Adot",
        AddonProps {
            service_account_role: Some(AddonRole {
                namespace: "opentelemetry-operator-system".into(),
                identity: WorkloadIdentity::Irsa,
                ..AddonRole::new(
                    "adot-collector",
                    vec![ManagedPolicy::aws("AWSXrayWriteOnlyAccess")],
                )
            }),
            configuration_values: Some(json!({"collector": {"otlpIngest": {"enabled": true}}})),
            ..AddonProps::new("adot")
        },
    );
    let t = template(&app);
    let cluster_ref = json!({"Ref": id(&["Cluster", "Resource"])});
    let cni_role = id(&["Cluster", "VpcCni", "Role", "Resource"]);
    assert_eq!(
        props(&t, &["Cluster", "VpcCni", "Resource"]),
        &json!({
            "AddonName": "vpc-cni",
            "AddonVersion": "v1.19.2-eksbuild.1",
            "ClusterName": cluster_ref,
            "PodIdentityAssociations": [{
                "RoleArn": {"Fn::GetAtt": [cni_role, "Arn"]},
                "ServiceAccount": "aws-node"
            }],
            "ResolveConflicts": "OVERWRITE"
        })
    );
    assert_eq!(
        props(&t, &["Cluster", "VpcCni", "Role", "Resource"]),
        &json!({
            "AssumeRolePolicyDocument": {
                "Statement": [{
                    "Action": ["sts:AssumeRole", "sts:TagSession"],
                    "Effect": "Allow",
                    "Principal": {"Service": "pods.eks.amazonaws.com"}
                }],
                "Version": "2012-10-17"
            },
            "ManagedPolicyArns": [aws_policy("AmazonEKS_CNI_Policy")]
        })
    );
    // Pod Identity needs its agent on the nodes: the cluster added it.
    assert_eq!(
        props(&t, &["Cluster", "PodIdentityAgent", "Resource"]),
        &json!({
            "AddonName": "eks-pod-identity-agent",
            "ClusterName": cluster_ref,
            "ResolveConflicts": "OVERWRITE"
        })
    );
    let ebs = props(&t, &["Cluster", "EbsCsi", "Resource"]);
    assert_eq!(
        ebs["PodIdentityAssociations"][0]["ServiceAccount"],
        "ebs-csi-controller-sa"
    );
    assert_eq!(
        props(&t, &["Cluster", "EbsCsi", "Role", "Resource"])["ManagedPolicyArns"],
        json!([aws_policy("service-role/AmazonEBSCSIDriverPolicy")])
    );
    let adot = props(&t, &["Cluster", "Adot", "Resource"]);
    assert_eq!(
        adot["ServiceAccountRoleArn"],
        json!({"Fn::GetAtt": [id(&["Cluster", "Adot", "Role", "Resource"]), "Arn"]})
    );
    assert_eq!(
        adot["ConfigurationValues"],
        "{\"collector\":{\"otlpIngest\":{\"enabled\":true}}}"
    );
    // Add-ons running Deployments wait for nodes, whichever came first;
    // DaemonSet-only add-ons do not.
    let nodegroup = json!([id(&["Cluster", "NodegroupGeneral", "Resource"])]);
    let depends = |name: &str| {
        t["Resources"][id(&["Cluster", name, "Resource"]).as_str()]["DependsOn"].clone()
    };
    assert_eq!(depends("CoreDns"), nodegroup);
    assert_eq!(depends("EbsCsi"), nodegroup);
    assert_eq!(depends("Adot"), nodegroup);
    assert_eq!(depends("VpcCni"), Json::Null);
    assert_eq!(depends("KubeProxy"), Json::Null);
    assert_eq!(depends("PodIdentityAgent"), Json::Null);
}

#[test]
fn seed_002_llm_gateway_role_through_pod_identity() {
    let app = App::new();
    let stack = app.stack("Platform", StackProps::default());
    let c = cluster(&stack);
    let gateway = c.add_service_account_role(
        "LlmGateway",
        ServiceAccountRoleProps::new("default", "llm-gateway-sa"),
    );
    gateway.role().add_to_policy(
        PolicyStatement::allow()
            .action("bedrock:InvokeModel")
            .resource(Fn::sub(
                "arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/*",
            )),
    );
    // The agent add-on, given explicitly after the cluster added it, is
    // the same add-on with the version set.
    let agent = c.add_addon(
        "Agent",
        AddonProps::with_version(POD_IDENTITY_AGENT, "v1.3.4-eksbuild.1"),
    );
    assert_eq!(agent.scope().path(), "Platform/Cluster/PodIdentityAgent");
    let t = template(&app);
    assert_eq!(
        props(&t, &["Cluster", "LlmGateway", "PodIdentityAssociation"]),
        &json!({
            "ClusterName": {"Ref": id(&["Cluster", "Resource"])},
            "Namespace": "default",
            "RoleArn": {"Fn::GetAtt": [id(&["Cluster", "LlmGateway", "Role", "Resource"]), "Arn"]},
            "ServiceAccount": "llm-gateway-sa"
        })
    );
    assert_eq!(
        props(&t, &["Cluster", "LlmGateway", "Role", "Resource"])["AssumeRolePolicyDocument"]
            ["Statement"][0]["Action"],
        json!(["sts:AssumeRole", "sts:TagSession"])
    );
    assert_eq!(
        props(&t, &["Cluster", "PodIdentityAgent", "Resource"])["AddonVersion"],
        "v1.3.4-eksbuild.1"
    );
    let agents = t["Resources"]
        .as_object()
        .expect("resources")
        .values()
        .filter(|r| r["Properties"]["AddonName"] == POD_IDENTITY_AGENT)
        .count();
    assert_eq!(agents, 1);
    assert!(
        t["Resources"][id(&["Cluster", "OpenIdConnectProvider", "Resource"]).as_str()].is_null()
    );
}

#[test]
fn irsa_roles_take_the_issuer_of_a_cluster_in_the_same_stack() {
    let app = App::new();
    let stack = app.stack("Platform", StackProps::default());
    let c = cluster(&stack);
    let role = c.add_service_account_role(
        "LlmGateway",
        ServiceAccountRoleProps {
            identity: WorkloadIdentity::Irsa,
            managed_policies: vec![ManagedPolicy::aws("AmazonBedrockReadOnly")],
            ..ServiceAccountRoleProps::new("default", "llm-gateway-sa")
        },
    );
    assert!(role.association().is_none());
    let t = template(&app);
    let provider = id(&["Cluster", "OpenIdConnectProvider", "Resource"]);
    assert_eq!(
        props(&t, &["Cluster", "OpenIdConnectProvider", "Resource"]),
        &json!({
            "ClientIdList": ["sts.amazonaws.com"],
            "ThumbprintList": [EKS_OIDC_THUMBPRINT],
            "Url": {"Fn::GetAtt": [id(&["Cluster", "Resource"]), "OpenIdConnectIssuerUrl"]}
        })
    );
    let trust = &props(&t, &["Cluster", "LlmGateway", "Role", "Resource"])
        ["AssumeRolePolicyDocument"]["Fn::Sub"];
    let text: Json =
        serde_json::from_str(trust[0].as_str().expect("JSON text")).expect("valid JSON");
    assert_eq!(
        text,
        json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {
                    "${Issuer}:aud": "sts.amazonaws.com",
                    "${Issuer}:sub": "system:serviceaccount:default:llm-gateway-sa"
                }},
                "Effect": "Allow",
                "Principal": {"Federated": "${ProviderArn}"}
            }]
        })
    );
    assert_eq!(
        trust[1],
        json!({
            "Issuer": {"Fn::Select": [1, {"Fn::Split": ["//", {"Fn::GetAtt": [id(&["Cluster", "Resource"]), "OpenIdConnectIssuerUrl"]}]}]},
            "ProviderArn": {"Fn::GetAtt": [provider, "Arn"]}
        })
    );
    // IRSA needs no Pod Identity agent.
    assert!(t["Resources"][id(&["Cluster", "PodIdentityAgent", "Resource"]).as_str()].is_null());
}

#[test]
fn access_entries_give_cluster_admin() {
    let app = App::new();
    let stack = app.stack("Platform", StackProps::default());
    let c = cluster(&stack);
    c.grant_admin(
        "PlatformAdmins",
        "arn:aws:iam::123456789012:role/platform-admins",
    );
    let t = template(&app);
    assert_eq!(
        props(&t, &["Cluster", "PlatformAdmins", "Resource"]),
        &json!({
            "AccessPolicies": [{
                "AccessScope": {"Type": "cluster"},
                "PolicyArn": {"Fn::Sub": "arn:${AWS::Partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"}
            }],
            "ClusterName": {"Ref": id(&["Cluster", "Resource"])},
            "PrincipalArn": "arn:aws:iam::123456789012:role/platform-admins"
        })
    );

    let app = App::new();
    let stack = app.stack("Platform", StackProps::default());
    let c = Cluster::new(
        &stack,
        "Cluster",
        ClusterProps {
            authentication_mode: AuthenticationMode::ConfigMap,
            ..ClusterProps::new("1.31", subnets())
        },
    );
    c.grant_admin("Admins", "arn:aws:iam::123456789012:role/admins");
    let err = synth_error(&app);
    assert!(
        err.contains("Platform/Cluster/Admins: [eks-access-entry] access entries need the API or API_AND_CONFIG_MAP authentication mode; this cluster uses CONFIG_MAP"),
        "{err}"
    );
}

fn nodegroup_error(props: NodegroupProps, version: &str) -> String {
    let app = App::new();
    let stack = app.stack("Platform", StackProps::default());
    let c = Cluster::new(&stack, "Cluster", ClusterProps::new(version, subnets()));
    c.add_nodegroup("Ng", props);
    synth_error(&app)
}

#[test]
fn desired_size_outside_min_and_max_is_refused() {
    let err = nodegroup_error(
        NodegroupProps {
            desired_size: Some(12),
            ..NodegroupProps::new(&["r6i.2xlarge"], 2, 10)
        },
        "1.31",
    );
    assert!(
        err.contains("Platform/Cluster/NodegroupNg: [eks-nodegroup-scaling] the scaling 2/12/10 (min/desired/max) is invalid: need max at least 1 and min <= desired <= max"),
        "{err}"
    );
}

#[test]
fn a_graviton_image_on_x86_instances_is_refused() {
    let err = nodegroup_error(
        NodegroupProps {
            ami_type: Some(AmiType::Al2023Arm64Standard),
            ..NodegroupProps::new(&["t3.medium"], 1, 2)
        },
        "1.31",
    );
    assert!(
        err.contains("Platform/Cluster/NodegroupNg: [eks-nodegroup-ami-type] the AMI type AL2023_ARM_64_STANDARD does not run on t3.medium, an x86_64 instance type"),
        "{err}"
    );
}

#[test]
fn images_and_instance_types_eks_would_reject() {
    let mixed = nodegroup_error(
        NodegroupProps::new(&["m7g.large", "m7i.large"], 1, 2),
        "1.31",
    );
    assert!(mixed.contains("[eks-nodegroup-instance-types] the instance types [\"m7g.large\", \"m7i.large\"] mix Graviton (arm64) and x86_64 families"), "{mixed}");
    let gpu = nodegroup_error(
        NodegroupProps {
            ami_type: Some(AmiType::Al2023X86_64Nvidia),
            ..NodegroupProps::new(&["m5.large"], 1, 2)
        },
        "1.31",
    );
    assert!(gpu.contains("[eks-nodegroup-ami-type] the AMI type AL2023_x86_64_NVIDIA is for accelerated instances; m5.large has no such accelerator"), "{gpu}");
    let al2 = nodegroup_error(
        NodegroupProps {
            ami_type: Some(AmiType::Al2X86_64),
            ..NodegroupProps::new(&["m5.large"], 1, 2)
        },
        "1.33",
    );
    assert!(
        al2.contains("[eks-nodegroup-ami-type] EKS publishes no AL2 AMIs for Kubernetes 1.33"),
        "{al2}"
    );
    let labels = nodegroup_error(
        NodegroupProps {
            labels: [("-bad".to_string(), "x".to_string())]
                .into_iter()
                .collect(),
            ..NodegroupProps::new(&["large"], 1, 2)
        },
        "1.31",
    );
    assert!(
        labels.contains("[eks-nodegroup-instance-types] \"large\" is not an EC2 instance type"),
        "{labels}"
    );
    assert!(
        labels.contains("[eks-nodegroup-labels] the label -bad=x is not a valid Kubernetes label"),
        "{labels}"
    );
}

#[test]
fn cluster_settings_eks_would_reject() {
    let app = App::new();
    let stack = app.stack("Platform", StackProps::default());
    Cluster::new(
        &stack,
        "Cluster",
        ClusterProps {
            endpoint_access: EndpointAccess::PublicAndPrivate(vec!["203.0.113.0/33".into()]),
            logging: vec![ClusterLogType::Api, ClusterLogType::Api],
            ..ClusterProps::new("1.19", vec!["subnet-0a".into()])
        },
    );
    let err = synth_error(&app);
    for expected in [
        "Platform/Cluster: [eks-version] Kubernetes version \"1.19\" is not one EKS creates clusters with; use one of 1.29",
        "Platform/Cluster: [eks-subnets] 1 subnets; an EKS cluster needs subnets in at least two Availability Zones",
        "Platform/Cluster: [eks-endpoint] \"203.0.113.0/33\" is not an IPv4 CIDR block",
        "Platform/Cluster: [eks-logging] the log type \"api\" is listed twice",
    ] {
        assert!(err.contains(expected), "{expected}\n{err}");
    }
}

#[test]
fn add_on_and_service_account_mistakes() {
    let app = App::new();
    let stack = app.stack("Platform", StackProps::default());
    let c = cluster(&stack);
    c.add_addon("CoreDns", AddonProps::new("coredns"));
    c.add_addon("CoreDnsAgain", AddonProps::new("coredns"));
    c.add_addon(
        "Csi",
        AddonProps::with_version("aws-ebs-csi-driver", "1.38"),
    );
    c.add_service_account_role(
        "Gateway",
        ServiceAccountRoleProps::new("Default", "llm_gateway"),
    );
    let err = synth_error(&app);
    for expected in [
        "Platform/Cluster: [eks-addon] the add-on \"coredns\" is already installed at Platform/Cluster/CoreDns; add each add-on once",
        "Platform/Cluster/Csi: [eks-addon] \"1.38\" is not an add-on version such as \"v1.19.2-eksbuild.1\"",
        "Platform/Cluster/Gateway: [eks-service-account] \"Default\" is not a Kubernetes namespace",
    ] {
        assert!(err.contains(expected), "{expected}\n{err}");
    }
}
