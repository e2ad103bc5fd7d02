//! Network ACLs per subnet tier, with numbered rules, at
//! `<vpc>/<tier>Nacl/{Resource, Ingress<N>, Egress<N>, Subnet<N>Association}`.

use strata_cfn::ec2;
use strata_core::{Scope, Value};

use super::props::SubnetKind;
use super::AgentVpc;

/// The smallest rule number AWS accepts.
const FIRST_RULE: u16 = 1;
/// The largest rule number AWS accepts (32767 is the default deny).
const LAST_RULE: u16 = 32766;

/// Which traffic a rule applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NaclDirection {
    /// Traffic entering the subnet.
    Ingress,
    /// Traffic leaving the subnet.
    Egress,
}

/// The IP protocol a rule matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NaclProtocol {
    /// Every protocol (`-1`).
    All,
    /// TCP (`6`); the rule needs a port range.
    Tcp,
    /// UDP (`17`); the rule needs a port range.
    Udp,
    /// ICMP (`1`) of a type and code; `-1` matches every type or code.
    Icmp {
        /// The ICMP type.
        icmp_type: i64,
        /// The ICMP code.
        code: i64,
    },
    /// Another protocol by its IANA number, such as 50 for ESP.
    Number(u8),
}

impl NaclProtocol {
    fn number(self) -> i64 {
        match self {
            NaclProtocol::All => -1,
            NaclProtocol::Tcp => 6,
            NaclProtocol::Udp => 17,
            NaclProtocol::Icmp { .. } => 1,
            NaclProtocol::Number(n) => i64::from(n),
        }
    }

    fn has_ports(self) -> bool {
        matches!(
            self,
            NaclProtocol::Tcp | NaclProtocol::Udp | NaclProtocol::Number(6 | 17)
        )
    }
}

/// Whether a rule lets matching traffic through.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NaclAction {
    /// `allow`.
    #[default]
    Allow,
    /// `deny`.
    Deny,
}

/// One numbered network ACL rule. Rules are evaluated lowest number first,
/// separately for each direction.
///
/// ```
/// use strata::ec2::{NaclProtocol, NaclRule};
/// let https = NaclRule::ingress(110, NaclProtocol::Tcp, "0.0.0.0/0").port(443);
/// assert_eq!(https.ports, Some((443, 443)));
/// let outbound = NaclRule::egress(100, NaclProtocol::All, "0.0.0.0/0");
/// assert_eq!(outbound.ports, None);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct NaclRule {
    /// The rule number, 1 to 32766, unique per direction.
    pub number: u16,
    /// Inbound or outbound.
    pub direction: NaclDirection,
    /// The protocol matched.
    pub protocol: NaclProtocol,
    /// The IPv4 block matched: a literal or a parameter's value.
    pub cidr: Value<String>,
    /// The port range matched, for TCP and UDP.
    pub ports: Option<(u16, u16)>,
    /// Allow or deny.
    pub action: NaclAction,
}

impl NaclRule {
    /// An inbound allow rule.
    pub fn ingress(number: u16, protocol: NaclProtocol, cidr: impl Into<Value<String>>) -> Self {
        NaclRule {
            number,
            direction: NaclDirection::Ingress,
            protocol,
            cidr: cidr.into(),
            ports: None,
            action: NaclAction::Allow,
        }
    }

    /// An outbound allow rule.
    pub fn egress(number: u16, protocol: NaclProtocol, cidr: impl Into<Value<String>>) -> Self {
        NaclRule {
            direction: NaclDirection::Egress,
            ..NaclRule::ingress(number, protocol, cidr)
        }
    }

    /// Matches the ports `from` to `to`, inclusive.
    pub fn ports(self, from: u16, to: u16) -> Self {
        NaclRule {
            ports: Some((from, to)),
            ..self
        }
    }

    /// Matches one port.
    pub fn port(self, port: u16) -> Self {
        self.ports(port, port)
    }

    /// Denies instead of allowing.
    pub fn deny(self) -> Self {
        NaclRule {
            action: NaclAction::Deny,
            ..self
        }
    }

    /// The construct id, `Ingress<N>` or `Egress<N>`.
    fn id(&self) -> String {
        match self.direction {
            NaclDirection::Ingress => format!("Ingress{}", self.number),
            NaclDirection::Egress => format!("Egress{}", self.number),
        }
    }

    /// What is wrong with the rule on its own, if anything.
    fn problem(&self) -> Option<String> {
        let id = self.id();
        if !(FIRST_RULE..=LAST_RULE).contains(&self.number) {
            return Some(format!(
                "rule {id} has number {}; rule numbers go from {FIRST_RULE} to {LAST_RULE}",
                self.number
            ));
        }
        match (self.protocol.has_ports(), self.ports) {
            (true, None) => Some(format!(
                "rule {id} is TCP or UDP but has no port range; add .port(..) or .ports(..)"
            )),
            (false, Some(_)) => Some(format!(
                "rule {id} has a port range, which only TCP and UDP rules can have; remove it"
            )),
            (true, Some((from, to))) if from > to => Some(format!(
                "rule {id} has the port range {from}-{to}; the first port must not be above the last"
            )),
            _ => None,
        }
    }
}

/// A network ACL added with [`AgentVpc::add_network_acl`].
#[derive(Clone, Debug)]
pub struct NetworkAcl {
    scope: Scope,
    acl: ec2::NetworkAclRef,
}

impl NetworkAcl {
    /// The ACL's id, `{"Ref": <acl>}`.
    pub fn network_acl_id(&self) -> Value<String> {
        self.acl.ref_()
    }

    /// The L1 handle of the `AWS::EC2::NetworkAcl`.
    pub fn resource(&self) -> &ec2::NetworkAclRef {
        &self.acl
    }

    /// The `<tier>Nacl` construct.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl AgentVpc {
    /// Replaces the default network ACL of every subnet of `tier` with one
    /// holding `rules` (and the implicit final deny). An unknown tier or an
    /// invalid rule is reported at synth; invalid rules are left out.
    ///
    /// ```
    /// use strata::prelude::*;
    /// use strata::ec2::{AgentVpc, AgentVpcProps, NaclProtocol, NaclRule};
    ///
    /// let app = App::new();
    /// let stack = app.stack("Network", StackProps::default());
    /// let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::default());
    /// vpc.add_network_acl("data", &[
    ///     NaclRule::ingress(100, NaclProtocol::All, "10.0.0.0/16"),
    ///     NaclRule::egress(100, NaclProtocol::All, "10.0.0.0/16"),
    /// ]);
    /// let assembly = app.synth().expect("valid");
    /// let entry = &assembly.stacks[0].template["Resources"]["VpcdataNaclIngress10098DE13F9"];
    /// assert_eq!(entry["Properties"]["RuleNumber"], 100);
    /// ```
    pub fn add_network_acl(&self, tier: &str, rules: &[NaclRule]) -> Option<NetworkAcl> {
        let Some(tier) = self.tier(tier) else {
            self.report_unknown_tier(tier);
            return None;
        };
        let scope = self.scope.child(&format!("{}Nacl", tier.name));
        let acl = scope.resource("Resource", ec2::NetworkAcl::new(self.vpc_id()));
        for (i, rule) in rules.iter().enumerate() {
            if let Some(problem) = rule.problem() {
                scope.error("nacl-rule", problem);
                continue;
            }
            let duplicate = rules[..i]
                .iter()
                .any(|r| r.direction == rule.direction && r.number == rule.number);
            if duplicate {
                scope.error(
                    "nacl-rule",
                    format!(
                        "rule number {} is used twice for {:?} rules; numbers must be unique per direction",
                        rule.number, rule.direction
                    ),
                );
                continue;
            }
            add_entry(&scope, &acl, rule);
        }
        for (i, subnet) in tier.subnets.iter().enumerate() {
            scope
                .child(&format!("Subnet{}Association", i + 1))
                .resource(
                    "Resource",
                    ec2::SubnetNetworkAclAssociation::new(acl.ref_(), subnet.subnet_id()),
                );
        }
        Some(NetworkAcl { scope, acl })
    }

    /// Adds a network ACL to every tier from [`three_tier_nacl_rules`] for
    /// its kind, with the VPC's block as the internal range.
    /// `management_cidr` is the block allowed to SSH into the public tier,
    /// typically a stack parameter's `Ref`.
    ///
    /// ```
    /// use strata::prelude::*;
    /// use strata::ec2::{AgentVpc, AgentVpcProps};
    ///
    /// let app = App::new();
    /// let stack = app.stack("Network", StackProps::default());
    /// let management = stack.parameter("ManagementCidr", Parameter::new("String"));
    /// let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::spaced_three_tier());
    /// assert_eq!(vpc.add_three_tier_network_acls(management.ref_()).len(), 3);
    /// assert!(app.synth().is_ok());
    /// ```
    pub fn add_three_tier_network_acls(
        &self,
        management_cidr: impl Into<Value<String>>,
    ) -> Vec<NetworkAcl> {
        let Some(cidr) = self.cidr else {
            return Vec::new();
        };
        let management = management_cidr.into();
        self.tiers
            .iter()
            .filter_map(|t| {
                let rules = three_tier_nacl_rules(t.kind, &cidr.to_string(), management.clone());
                self.add_network_acl(&t.name, &rules)
            })
            .collect()
    }
}

/// The network ACL rules seed 000 specifies for each kind of tier:
///
/// - public: inbound HTTP (100) and HTTPS (110) from anywhere, SSH (120)
///   from `management_cidr`, ephemeral ports 1024–65535 (130) from
///   anywhere; all outbound (100);
/// - private with egress: all inbound from the VPC (100), HTTPS responses
///   from anywhere (110); all outbound (100);
/// - isolated: all traffic from and to the VPC only (100 each way).
///
/// ```
/// use strata::ec2::{three_tier_nacl_rules, NaclDirection, SubnetKind};
/// let rules = three_tier_nacl_rules(SubnetKind::Isolated, "10.0.0.0/16", "203.0.113.0/24".into());
/// assert!(rules.iter().all(|r| r.cidr == "10.0.0.0/16".into()));
/// assert_eq!(rules[1].direction, NaclDirection::Egress);
/// ```
pub fn three_tier_nacl_rules(
    kind: SubnetKind,
    vpc_cidr: &str,
    management_cidr: Value<String>,
) -> Vec<NaclRule> {
    use NaclProtocol::{All, Tcp};
    const ANYWHERE: &str = "0.0.0.0/0";
    match kind {
        SubnetKind::Public => vec![
            NaclRule::ingress(100, Tcp, ANYWHERE).port(80),
            NaclRule::ingress(110, Tcp, ANYWHERE).port(443),
            NaclRule::ingress(120, Tcp, management_cidr).port(22),
            NaclRule::ingress(130, Tcp, ANYWHERE).ports(1024, 65535),
            NaclRule::egress(100, All, ANYWHERE),
        ],
        SubnetKind::PrivateWithEgress => vec![
            NaclRule::ingress(100, All, vpc_cidr),
            NaclRule::ingress(110, Tcp, ANYWHERE).port(443),
            NaclRule::egress(100, All, ANYWHERE),
        ],
        SubnetKind::Isolated => vec![
            NaclRule::ingress(100, All, vpc_cidr),
            NaclRule::egress(100, All, vpc_cidr),
        ],
    }
}

fn add_entry(scope: &Scope, acl: &ec2::NetworkAclRef, rule: &NaclRule) {
    let action = match rule.action {
        NaclAction::Allow => "allow",
        NaclAction::Deny => "deny",
    };
    let icmp = match rule.protocol {
        NaclProtocol::Icmp { icmp_type, code } => Some(
            ec2::network_acl_entry::Icmp {
                code: Some(code.into()),
                r#type: Some(icmp_type.into()),
            }
            .into(),
        ),
        _ => None,
    };
    scope.child(&rule.id()).resource(
        "Resource",
        ec2::NetworkAclEntry {
            cidr_block: Some(rule.cidr.clone()),
            egress: Some((rule.direction == NaclDirection::Egress).into()),
            icmp,
            port_range: rule.ports.map(|(from, to)| {
                ec2::network_acl_entry::PortRange {
                    from: Some(i64::from(from).into()),
                    to: Some(i64::from(to).into()),
                }
                .into()
            }),
            ..ec2::NetworkAclEntry::new(
                acl.ref_(),
                rule.protocol.number(),
                action,
                i64::from(rule.number),
            )
        },
    );
}
