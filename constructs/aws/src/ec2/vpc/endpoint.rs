//! VPC endpoints: gateway endpoints (S3, DynamoDB) on route tables, and
//! interface endpoints with private DNS in a tier's subnets, each behind
//! its own security group that admits HTTPS from the VPC.

use strata_cfn::ec2;
use strata_core::{Fn, Scope, Value};

use super::props::SubnetKind;
use super::subnet::Subnet;
use super::AgentVpc;
use crate::ec2::{Peer, Port, SecurityGroup, SecurityGroupProps};

/// An AWS service reached through a gateway endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GatewayService {
    /// Amazon S3.
    S3,
    /// Amazon DynamoDB.
    DynamoDb,
}

impl GatewayService {
    fn name(self) -> &'static str {
        match self {
            GatewayService::S3 => "s3",
            GatewayService::DynamoDb => "dynamodb",
        }
    }
}

/// A service reached through an interface endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InterfaceService {
    /// An AWS service by its endpoint name (`kms`, `ecr.api`,
    /// `bedrock-runtime`), reached at `com.amazonaws.<region>.<name>`.
    Aws(String),
    /// A full service name, such as an endpoint service's
    /// `com.amazonaws.vpce.<region>.vpce-svc-…`.
    Named(String),
}

impl From<&str> for InterfaceService {
    fn from(name: &str) -> Self {
        InterfaceService::Aws(name.to_string())
    }
}

/// Settings of interface endpoints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterfaceEndpointOptions {
    /// The tier whose subnets get the endpoint's network interfaces;
    /// defaults to the first private-with-egress tier, or else the first
    /// isolated tier.
    pub tier: Option<String>,
    /// Whether the service's public DNS name resolves to the endpoint
    /// inside the VPC (needs the VPC's DNS support and hostnames).
    pub private_dns_enabled: bool,
}

impl Default for InterfaceEndpointOptions {
    fn default() -> Self {
        InterfaceEndpointOptions {
            tier: None,
            private_dns_enabled: true,
        }
    }
}

/// A gateway endpoint added with [`AgentVpc::add_gateway_endpoint`].
#[derive(Clone, Debug)]
pub struct GatewayEndpoint {
    scope: Scope,
    endpoint: ec2::VpcEndpointRef,
}

impl GatewayEndpoint {
    /// The endpoint id, `{"Ref": <endpoint>}`.
    pub fn vpc_endpoint_id(&self) -> Value<String> {
        self.endpoint.ref_()
    }

    /// The L1 handle of the `AWS::EC2::VPCEndpoint`.
    pub fn resource(&self) -> &ec2::VpcEndpointRef {
        &self.endpoint
    }

    /// The endpoint's construct.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// An interface endpoint added with [`AgentVpc::add_interface_endpoint`].
#[derive(Clone, Debug)]
pub struct InterfaceEndpoint {
    scope: Scope,
    endpoint: ec2::VpcEndpointRef,
    security_group: SecurityGroup,
}

impl InterfaceEndpoint {
    /// The endpoint id, `{"Ref": <endpoint>}`.
    pub fn vpc_endpoint_id(&self) -> Value<String> {
        self.endpoint.ref_()
    }

    /// The L1 handle of the `AWS::EC2::VPCEndpoint`.
    pub fn resource(&self) -> &ec2::VpcEndpointRef {
        &self.endpoint
    }

    /// The endpoint's security group; add rules to admit more than HTTPS
    /// from the VPC.
    pub fn security_group(&self) -> &SecurityGroup {
        &self.security_group
    }

    /// The endpoint's construct.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl AgentVpc {
    /// Adds a gateway endpoint at `<vpc>/<id>/Resource` on the route tables
    /// of `tiers`, or of every private-with-egress and isolated subnet when
    /// `tiers` is empty. Gateway endpoints cost nothing and keep S3 and
    /// DynamoDB traffic off the NAT gateways.
    ///
    /// ```
    /// use strata::prelude::*;
    /// use strata::ec2::{AgentVpc, AgentVpcProps, GatewayService};
    ///
    /// let app = App::new();
    /// let stack = app.stack("Network", StackProps::default());
    /// let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::default());
    /// vpc.add_gateway_endpoint("S3Endpoint", GatewayService::S3, &[]);
    /// let assembly = app.synth().expect("valid");
    /// let resources = assembly.stacks[0].template["Resources"].as_object().unwrap();
    /// let s3 = resources.values().find(|r| r["Type"] == "AWS::EC2::VPCEndpoint").unwrap();
    /// assert_eq!(s3["Properties"]["RouteTableIds"].as_array().unwrap().len(), 6);
    /// ```
    pub fn add_gateway_endpoint(
        &self,
        id: &str,
        service: GatewayService,
        tiers: &[&str],
    ) -> Option<GatewayEndpoint> {
        let route_tables: Vec<Value<String>> = if tiers.is_empty() {
            self.subnets_of_kind(SubnetKind::PrivateWithEgress)
                .into_iter()
                .chain(self.subnets_of_kind(SubnetKind::Isolated))
                .map(|s| s.route_table_id())
                .collect()
        } else {
            tiers
                .iter()
                .flat_map(|t| self.subnets_or_report(t))
                .map(|s| s.route_table_id())
                .collect()
        };
        let scope = self.scope.child(id);
        if route_tables.is_empty() {
            scope.error(
                "vpc-endpoint",
                "the gateway endpoint has no route table to serve; name tiers that have subnets, or add a private or isolated tier",
            );
            return None;
        }
        let endpoint = scope.resource(
            "Resource",
            ec2::VpcEndpoint {
                route_table_ids: Some(Value::Lit(route_tables)),
                service_name: Some(self.service_name(service.name())),
                vpc_endpoint_type: Some("Gateway".into()),
                ..ec2::VpcEndpoint::new(self.vpc_id())
            },
        );
        Some(GatewayEndpoint { scope, endpoint })
    }

    /// Adds an interface endpoint at `<vpc>/<id>/Resource` with private DNS
    /// in the subnets of the chosen tier, and its own security group at
    /// `<vpc>/<id>/SecurityGroup` admitting TCP 443 from the VPC's block
    /// and allowing no outbound traffic (endpoints only answer).
    pub fn add_interface_endpoint(
        &self,
        id: &str,
        service: impl Into<InterfaceService>,
        options: &InterfaceEndpointOptions,
    ) -> Option<InterfaceEndpoint> {
        let scope = self.scope.child(id);
        let service_name = match service.into() {
            InterfaceService::Aws(name) => {
                let valid = !name.is_empty()
                    && name.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-'
                    });
                if !valid {
                    scope.error(
                        "vpc-endpoint",
                        format!("{name:?} is not an AWS service endpoint name; use names such as \"kms\" or \"ecr.api\""),
                    );
                    return None;
                }
                self.service_name(&name)
            }
            InterfaceService::Named(name) => Value::from(name),
        };
        let subnets: Vec<&Subnet> = match &options.tier {
            Some(tier) => self.subnets_or_report(tier).iter().collect(),
            None => [SubnetKind::PrivateWithEgress, SubnetKind::Isolated]
                .into_iter()
                .find_map(|kind| self.tiers.iter().find(|t| t.kind == kind))
                .map(|t| t.subnets.iter().collect())
                .unwrap_or_default(),
        };
        if subnets.is_empty() {
            scope.error(
                "vpc-endpoint",
                "the interface endpoint has no subnets; set InterfaceEndpointOptions.tier to a tier with subnets",
            );
            return None;
        }
        if options.private_dns_enabled && !self.dns_enabled {
            scope.error(
                "vpc-endpoint",
                "private DNS needs the VPC's DNS support and DNS hostnames; enable both in AgentVpcProps or set private_dns_enabled to false",
            );
        }
        let security_group = SecurityGroup::new(
            &scope,
            "SecurityGroup",
            SecurityGroupProps {
                vpc_id: self.vpc_id(),
                allow_all_outbound: Some(false),
                ..Default::default()
            },
        );
        security_group.allow_from(
            Peer::ipv4(self.vpc_cidr_block()),
            Port::tcp(443),
            "HTTPS from the VPC",
        );
        let endpoint = scope.resource(
            "Resource",
            ec2::VpcEndpoint {
                private_dns_enabled: Some(options.private_dns_enabled.into()),
                security_group_ids: Some(Value::list([security_group.group_id()])),
                service_name: Some(service_name),
                subnet_ids: Some(Value::Lit(subnets.iter().map(|s| s.subnet_id()).collect())),
                vpc_endpoint_type: Some("Interface".into()),
                ..ec2::VpcEndpoint::new(self.vpc_id())
            },
        );
        Some(InterfaceEndpoint {
            scope,
            endpoint,
            security_group,
        })
    }

    /// Adds one interface endpoint per AWS service name, each at
    /// `<vpc>/<Name>Endpoint` (`ecr.dkr` → `EcrDkrEndpoint`).
    ///
    /// ```
    /// use strata::prelude::*;
    /// use strata::ec2::{AgentVpc, AgentVpcProps, InterfaceEndpointOptions};
    ///
    /// let app = App::new();
    /// let stack = app.stack("Network", StackProps::default());
    /// let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::default());
    /// let endpoints = vpc.add_interface_endpoints(
    ///     &["bedrock-runtime", "kms", "logs", "monitoring"],
    ///     &InterfaceEndpointOptions::default(),
    /// );
    /// assert_eq!(endpoints[0].scope().path(), "Network/Vpc/BedrockRuntimeEndpoint");
    /// assert!(app.synth().is_ok());
    /// ```
    pub fn add_interface_endpoints(
        &self,
        services: &[&str],
        options: &InterfaceEndpointOptions,
    ) -> Vec<InterfaceEndpoint> {
        services
            .iter()
            .filter_map(|s| self.add_interface_endpoint(&endpoint_id(s), *s, options))
            .collect()
    }

    /// `com.amazonaws.<region>.<service>`, with the stack's region when it
    /// is known and `AWS::Region` otherwise.
    fn service_name(&self, service: &str) -> Value<String> {
        match self.scope.env().region {
            Some(region) => format!("com.amazonaws.{region}.{service}").into(),
            None => Fn::join(
                "",
                [
                    Value::from("com.amazonaws."),
                    Fn::region(),
                    Value::from(format!(".{service}")),
                ],
            ),
        }
    }
}

/// `ecr.dkr` → `EcrDkrEndpoint`, `bedrock-runtime` → `BedrockRuntimeEndpoint`.
fn endpoint_id(service: &str) -> String {
    let mut id: String = service
        .split(['.', '-', '_'])
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect();
    id.push_str("Endpoint");
    id
}

#[cfg(test)]
mod tests {
    #[test]
    fn endpoint_ids_are_pascal_case_service_names() {
        assert_eq!(super::endpoint_id("ecr.api"), "EcrApiEndpoint");
        assert_eq!(
            super::endpoint_id("bedrock-runtime"),
            "BedrockRuntimeEndpoint"
        );
        assert_eq!(
            super::endpoint_id("secretsmanager"),
            "SecretsmanagerEndpoint"
        );
    }
}
