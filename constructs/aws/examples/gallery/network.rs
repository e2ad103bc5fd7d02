//! The network and security families: VPCs, endpoints, NACLs, flow logs,
//! security groups, keys, roles, grants and secrets.

use super::stack;
use strata::ec2::{
    AgentVpc, AgentVpcProps, FlowLogDestination, FlowLogOptions, GatewayService,
    InterfaceEndpointOptions, NatStrategy, Peer, Port, SecurityGroup, SecurityGroupProps,
};
use strata::iam::{ManagedPolicy, PolicyStatement, Principal, Role, RoleProps};
use strata::kms::{Key, KeyProps, KeyStrategy, Keys, KeysProps};
use strata::prelude::*;
use strata::s3::{Bucket, BucketProps};
use strata::secrets::{GenerateSecret, Secret, SecretProps};

/// VPCs, endpoints, NACLs, flow logs and security groups.
pub fn network(app: &App) {
    let s = stack(app, "Network");
    let management = s.parameter(
        "ManagementCidr",
        Parameter {
            allowed_pattern: Some(r"^(\d{1,3}\.){3}\d{1,3}/\d{1,2}$".into()),
            ..Parameter::new("String")
        },
    );
    let vpc = AgentVpc::new(&s, "Vpc", AgentVpcProps::spaced_three_tier());
    vpc.add_three_tier_network_acls(management.ref_());
    vpc.add_flow_log("FlowLog", FlowLogOptions::default());
    vpc.add_gateway_endpoint("S3Endpoint", GatewayService::S3, &[]);
    vpc.add_gateway_endpoint("DynamoDbEndpoint", GatewayService::DynamoDb, &[]);
    vpc.add_interface_endpoints(
        &[
            "bedrock-runtime",
            "kms",
            "logs",
            "monitoring",
            "ecr.api",
            "ecr.dkr",
            "sts",
        ],
        &InterfaceEndpointOptions::default(),
    );
    vpc.lock_down_default_security_group();

    let small = AgentVpc::new(
        &s,
        "SingleNatVpc",
        AgentVpcProps {
            cidr: "10.1.0.0/16".into(),
            nat: NatStrategy::Single,
            ..Default::default()
        },
    );
    let bucket = Bucket::new(&s, "FlowLogBucket", BucketProps::default());
    small.add_flow_log(
        "FlowLog",
        FlowLogOptions {
            destination: FlowLogDestination::S3 {
                bucket_arn: bucket.bucket_arn(),
                key_prefix: Some("flow-logs".into()),
            },
            ..Default::default()
        },
    );

    let group = |id: &str, outbound: Option<bool>| {
        SecurityGroup::new(
            &s,
            id,
            SecurityGroupProps {
                vpc_id: vpc.vpc_id(),
                description: Some(format!("{id} group")),
                allow_all_outbound: outbound,
                ..Default::default()
            },
        )
    };
    let web = group("Web", None);
    let app_tier = group("App", None);
    let db = group("Db", Some(false));
    web.allow_from(Peer::any_ipv4(), Port::tcp(443), "HTTPS from anywhere");
    web.allow_from(
        Peer::any_ipv6(),
        Port::tcp(443),
        "HTTPS from anywhere over IPv6",
    );
    web.allow_from(Peer::ipv4(management.ref_::<String>()), Port::tcp(22), "");
    // The web tier takes HTTPS from the internet; the policy packs are told why.
    strata::guard::suppress(
        web.scope(),
        "SECURITY_GROUP_OPEN_INGRESS",
        "the web tier is the public entry point: HTTPS only, SSH from the management CIDR",
    );
    app_tier.connect_from(
        &web,
        Port::tcp_range(8080, 8081),
        "App traffic from the web tier",
    );
    app_tier.allow_to(Peer::any_ipv4(), Port::tcp(443), "HTTPS to AWS APIs");
    app_tier.allow_to(Peer::any_ipv4(), Port::udp(53), "DNS");
    db.allow_from(&app_tier, Port::tcp(5432), "PostgreSQL from the app tier");
    db.allow_from(Peer::prefix_list("pl-63a5400a"), Port::all_icmp(), "");
}

/// Keys, roles, grants and secrets.
pub fn security(app: &App) {
    let s = stack(app, "Security");
    let key = Key::new(
        &s,
        "DataKey",
        KeyProps {
            description: Some("Encrypts agent data".into()),
            alias: Some("gallery/data".into()),
            pending_window_in_days: Some(7),
            multi_region: true,
            ..Default::default()
        },
    );
    let keys = Keys::new(&s, KeysProps::new(KeyStrategy::PerService, "gallery"));
    for service in ["rds", "s3", "logs"] {
        keys.for_service(service);
    }
    let role = Role::new(
        &s,
        "WorkerRole",
        RoleProps {
            managed_policies: vec![ManagedPolicy::aws(
                "service-role/AWSLambdaBasicExecutionRole",
            )],
            description: Some("Agent worker".into()),
            ..RoleProps::new(Principal::service("lambda.amazonaws.com"))
        },
    );
    role.add_to_policy(
        PolicyStatement::allow()
            .action("bedrock:InvokeModel")
            .resource("arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-sonnet"),
    );
    key.grant_encrypt_decrypt(&role);
    let secret = Secret::new(
        &s,
        "ApiToken",
        SecretProps {
            description: Some("Token for the partner API".into()),
            encryption_key: Some((&key).into()),
            generate: Some(GenerateSecret {
                length: Some(48),
                exclude_punctuation: true,
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    secret.grant_read(&role);
    let irsa = Role::new(
        &s,
        "IrsaRole",
        RoleProps::new(Principal::eks_service_account(
            "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
            "agents",
            "planner",
        )),
    );
    irsa.add_to_policy(
        PolicyStatement::allow()
            .action("sqs:SendMessage")
            .resource("arn:aws:sqs:us-east-1:123456789012:jobs"),
    );
}
