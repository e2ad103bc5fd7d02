//! The network tier of seed 000: a /16 VPC over three AZs with public,
//! private-app and private-data subnets, a NAT gateway per AZ, per-tier
//! network ACLs, VPC flow logs and the six security groups.
//!
//! Construct paths follow the AWS CDK's `ec2.Vpc`, so logical IDs match
//! what the CDK would give the same resources.

use strata::ec2::{
    AgentVpc, AgentVpcProps, CloudWatchLogsDestination, FlowLogDestination, FlowLogOptions,
    LogGroupPlacement, Peer, Port, SecurityGroup, SecurityGroupProps,
};
use strata::prelude::*;

/// What the rest of the app needs from the network.
pub struct Network {
    /// The VPC with its `public`, `private-app` and `data` tiers.
    pub vpc: AgentVpc,
    /// Security groups by role.
    pub groups: SecurityGroups,
    /// The flow log group's name.
    pub flow_log_group_name: Value<String>,
}

/// The seed's security groups.
pub struct SecurityGroups {
    /// API Gateway facing group (sg-api-gateway).
    pub api_gateway: SecurityGroup,
    /// Load balancer (sg-alb).
    pub alb: SecurityGroup,
    /// ECS services (sg-ecs).
    pub ecs: SecurityGroup,
    /// Aurora (sg-database).
    pub database: SecurityGroup,
    /// ElastiCache (sg-cache).
    pub cache: SecurityGroup,
    /// Lambda functions (sg-lambda).
    pub lambda: SecurityGroup,
}

/// Builds the network tier in `stack`: the seed's 10.0.0.0/16 VPC over
/// three AZs with its tiers at 10.0.1-3.0/24 (public), 10.0.11-13.0/24
/// (private-app) and 10.0.21-23.0/24 (data), a NAT gateway per AZ, the
/// per-tier NACLs with SSH from the `ManagementCidr` parameter, 30 days of
/// flow logs, and the six security groups.
pub fn build(stack: &Scope) -> Network {
    let management = stack.parameter(
        "ManagementCidr",
        Parameter {
            description: Some("CIDR block allowed to reach the public subnets over SSH".into()),
            allowed_pattern: Some(r"^(\d{1,3}\.){3}\d{1,3}/\d{1,2}$".into()),
            constraint_description: Some("an IPv4 CIDR block such as 203.0.113.0/24".into()),
            ..Parameter::new("String")
        },
    );
    let vpc = AgentVpc::new(stack, "Vpc", AgentVpcProps::spaced_three_tier());
    vpc.add_three_tier_network_acls(management.ref_());
    let flow_log = vpc.add_flow_log(
        "FlowLog",
        FlowLogOptions {
            destination: FlowLogDestination::CloudWatchLogs(CloudWatchLogsDestination {
                retention_in_days: 30,
                placement: LogGroupPlacement::Stack("VpcFlowLogGroup".into()),
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    let flow_log_group_name = flow_log
        .log_group()
        .map(|g| g.ref_())
        .unwrap_or_else(|| "VpcFlowLogGroup".into());
    let groups = security_groups(stack, &vpc);
    Network {
        vpc,
        groups,
        flow_log_group_name,
    }
}

fn security_groups(stack: &Scope, vpc: &AgentVpc) -> SecurityGroups {
    let group = |id: &str, description: &str, allow_all_outbound: Option<bool>| {
        SecurityGroup::new(
            stack,
            id,
            SecurityGroupProps {
                vpc_id: vpc.vpc_id(),
                description: Some(description.into()),
                allow_all_outbound,
                ..Default::default()
            },
        )
    };
    let api = group("ApiGatewaySg", "API Gateway facing security group", None);
    let alb = group("AlbSg", "ALB security group", None);
    let ecs = group("EcsSg", "ECS tasks security group", None);
    // The seed gives the database and the cache no outbound rules at all.
    let db = group(
        "DatabaseSg",
        "Aurora PostgreSQL security group",
        Some(false),
    );
    let cache = group("CacheSg", "ElastiCache Redis security group", Some(false));
    let lambda = group("LambdaSg", "Lambda functions security group", None);
    let anywhere = Peer::any_ipv4;

    // sg-api-gateway: 443 and 80 from anywhere; all traffic to the ALB.
    api.allow_from(anywhere(), Port::tcp(443), "HTTPS from anywhere");
    api.allow_from(
        anywhere(),
        Port::tcp(80),
        "HTTP from anywhere (redirected to 443)",
    );
    api.allow_to(&alb, Port::all_traffic(), "All traffic to the ALB");
    strata::guard::suppress(
        api.scope(),
        "SECURITY_GROUP_OPEN_INGRESS",
        "the seed's sg-api-gateway is the internet-facing edge group: HTTPS (and HTTP redirected to it) from anywhere, nothing else",
    );

    // sg-alb: 443 and 80 from the API Gateway group; 8080 to ECS.
    alb.allow_from(&api, Port::tcp(443), "HTTPS from the API Gateway group");
    alb.allow_from(&api, Port::tcp(80), "HTTP from the API Gateway group");
    alb.allow_to(&ecs, Port::tcp(8080), "App traffic to ECS services");
    // The seed lists 8080 only, but its ECS group takes the ALB's health
    // checks on 8081, which need this egress.
    alb.allow_to(&ecs, Port::tcp(8081), "Health checks to ECS services");

    // sg-ecs: 8080 and 8081 from the ALB; 443 out, 5432 to the database, 6379 to the cache.
    ecs.allow_from(&alb, Port::tcp(8080), "App traffic from ALB");
    ecs.allow_from(&alb, Port::tcp(8081), "Health checks from ALB");
    ecs.allow_to(anywhere(), Port::tcp(443), "HTTPS to AWS APIs");
    ecs.allow_to(&db, Port::tcp(5432), "PostgreSQL to Aurora");
    ecs.allow_to(&cache, Port::tcp(6379), "Redis to ElastiCache");

    // sg-database and sg-cache: inbound from ECS and Lambda only.
    db.allow_from(&ecs, Port::tcp(5432), "PostgreSQL from ECS services");
    db.allow_from(&lambda, Port::tcp(5432), "PostgreSQL from Lambda functions");
    cache.allow_from(&ecs, Port::tcp(6379), "Redis from ECS services");
    cache.allow_from(&lambda, Port::tcp(6379), "Redis from Lambda functions");

    // sg-lambda: no inbound; 443 out, 5432 to the database, 6379 to the cache.
    lambda.allow_to(anywhere(), Port::tcp(443), "HTTPS to AWS APIs");
    lambda.allow_to(&db, Port::tcp(5432), "PostgreSQL to Aurora");
    lambda.allow_to(&cache, Port::tcp(6379), "Redis to ElastiCache");

    SecurityGroups {
        api_gateway: api,
        alb,
        ecs,
        database: db,
        cache,
        lambda,
    }
}
