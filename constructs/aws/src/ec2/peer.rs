//! The two halves of a security group rule besides its group: the peer on
//! the other side ([`Peer`]) and the traffic it covers ([`Port`]).

use strata_core::{Fn, Value};

/// The other side of a security group rule: an IPv4 or IPv6 CIDR, a
/// managed prefix list, or another security group.
///
/// ```
/// use strata::ec2::Peer;
/// let office = Peer::ipv4("203.0.113.0/24");
/// assert_eq!(office.label(), "203.0.113.0/24");
/// assert_eq!(Peer::any_ipv4().label(), "0.0.0.0/0");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Peer {
    /// An IPv4 CIDR block (`CidrIp`).
    Ipv4(Value<String>),
    /// An IPv6 CIDR block (`CidrIpv6`).
    Ipv6(Value<String>),
    /// A managed prefix list id (`SourcePrefixListId` / `DestinationPrefixListId`).
    PrefixList(Value<String>),
    /// A security group, with the unique id that names rules referring to it.
    Group {
        /// The group's id, usually `Fn::GetAtt [<group>, GroupId]`.
        group_id: Value<String>,
        /// The CDK's unique id of the group (its logical ID over the full
        /// construct path), used in rule construct ids.
        unique_id: String,
    },
}

impl Peer {
    /// An IPv4 CIDR block, literal or from a parameter or attribute.
    pub fn ipv4(cidr: impl Into<Value<String>>) -> Peer {
        Peer::Ipv4(cidr.into())
    }

    /// Any IPv4 address, `0.0.0.0/0`.
    pub fn any_ipv4() -> Peer {
        Peer::ipv4("0.0.0.0/0")
    }

    /// An IPv6 CIDR block.
    pub fn ipv6(cidr: impl Into<Value<String>>) -> Peer {
        Peer::Ipv6(cidr.into())
    }

    /// Any IPv6 address, `::/0`.
    pub fn any_ipv6() -> Peer {
        Peer::ipv6("::/0")
    }

    /// A managed prefix list, such as the S3 or CloudFront origin lists.
    pub fn prefix_list(id: impl Into<Value<String>>) -> Peer {
        Peer::PrefixList(id.into())
    }

    /// A security group defined elsewhere, by id. `unique_id` names the
    /// rules that refer to it and must be unique among the peers of a group.
    pub fn security_group_id(group_id: impl Into<Value<String>>, unique_id: &str) -> Peer {
        Peer::Group {
            group_id: group_id.into(),
            unique_id: unique_id.to_string(),
        }
    }

    /// Whether the rule can sit inside the group's own `SecurityGroupIngress`
    /// / `SecurityGroupEgress` lists. Rules between groups cannot: they
    /// become separate resources, so two groups referring to each other never
    /// form a dependency cycle.
    pub fn can_inline(&self) -> bool {
        !matches!(self, Peer::Group { .. })
    }

    /// The peer as it appears in rule ids and default descriptions: the
    /// literal CIDR or prefix list, the group's unique id, or `token` for a
    /// value only known at deploy time.
    pub fn label(&self) -> String {
        match self {
            Peer::Ipv4(v) | Peer::Ipv6(v) | Peer::PrefixList(v) => v
                .as_literal()
                .cloned()
                .unwrap_or_else(|| "token".to_string()),
            Peer::Group { unique_id, .. } => unique_id.clone(),
        }
    }

    /// The default rule description, `from <peer>:<port>` or `to <peer>:<port>`.
    /// A peer only known at deploy time is joined in with `Fn::Join`.
    pub(crate) fn default_description(&self, direction: &str, port: &Port) -> Value<String> {
        match self {
            Peer::Ipv4(v) | Peer::Ipv6(v) | Peer::PrefixList(v) if v.as_literal().is_none() => {
                Fn::join(
                    "",
                    [
                        Value::from(format!("{direction} ")),
                        v.clone(),
                        Value::from(format!(":{}", port.label())),
                    ],
                )
            }
            _ => format!("{direction} {}:{}", self.label(), port.label()).into(),
        }
    }
}

/// The protocol and port range a rule covers, with the CDK's labels
/// (`443`, `8000-8080`, `ALL TRAFFIC`, `UDP 53`, ...).
///
/// ```
/// use strata::ec2::Port;
/// assert_eq!(Port::tcp(443).label(), "443");
/// assert_eq!(Port::tcp_range(8000, 8080).label(), "8000-8080");
/// assert_eq!(Port::all_traffic().label(), "ALL TRAFFIC");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Port {
    protocol: &'static str,
    from: Option<i64>,
    to: Option<i64>,
    label: String,
}

impl Port {
    fn new(protocol: &'static str, from: Option<i64>, to: Option<i64>, label: String) -> Port {
        Port {
            protocol,
            from,
            to,
            label,
        }
    }

    /// One TCP port.
    pub fn tcp(port: u16) -> Port {
        Port::new(
            "tcp",
            Some(port.into()),
            Some(port.into()),
            port.to_string(),
        )
    }

    /// A TCP port range, inclusive.
    pub fn tcp_range(from: u16, to: u16) -> Port {
        Port::new(
            "tcp",
            Some(from.into()),
            Some(to.into()),
            format!("{from}-{to}"),
        )
    }

    /// Every TCP port.
    pub fn all_tcp() -> Port {
        Port::new("tcp", Some(0), Some(65535), "ALL PORTS".to_string())
    }

    /// One UDP port.
    pub fn udp(port: u16) -> Port {
        Port::new(
            "udp",
            Some(port.into()),
            Some(port.into()),
            format!("UDP {port}"),
        )
    }

    /// A UDP port range, inclusive.
    pub fn udp_range(from: u16, to: u16) -> Port {
        Port::new(
            "udp",
            Some(from.into()),
            Some(to.into()),
            format!("UDP {from}-{to}"),
        )
    }

    /// Every UDP port.
    pub fn all_udp() -> Port {
        Port::new("udp", Some(0), Some(65535), "UDP ALL PORTS".to_string())
    }

    /// ICMP echo requests (ping).
    pub fn icmp_ping() -> Port {
        Port::new("icmp", Some(8), Some(-1), "ICMP PING".to_string())
    }

    /// Every ICMP type and code.
    pub fn all_icmp() -> Port {
        Port::new("icmp", Some(-1), Some(-1), "ALL ICMP".to_string())
    }

    /// All protocols and ports (`IpProtocol: -1`).
    pub fn all_traffic() -> Port {
        Port::new("-1", None, None, "ALL TRAFFIC".to_string())
    }

    /// The CDK's label for this port, used in rule ids and descriptions.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// `tcp`, `udp`, `icmp` or `-1`.
    pub fn protocol(&self) -> &'static str {
        self.protocol
    }

    /// `FromPort` and `ToPort`, absent for all traffic.
    pub fn range(&self) -> (Option<i64>, Option<i64>) {
        (self.from, self.to)
    }

    /// Why EC2 would reject this port, if it would.
    pub(crate) fn problem(&self) -> Option<String> {
        match (self.protocol, self.from, self.to) {
            ("tcp" | "udp", Some(from), Some(to)) if from > to => Some(format!(
                "port range {from}-{to} is reversed; give the lower port first"
            )),
            _ => None,
        }
    }
}
