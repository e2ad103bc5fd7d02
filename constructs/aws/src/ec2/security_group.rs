//! Security groups with rules stated the way people think of them:
//! `allow_from(peer, port)` and `allow_to(peer, port)`.
//!
//! Rules with a CIDR or prefix-list peer sit inline in the group's
//! `SecurityGroupIngress` / `SecurityGroupEgress` lists, as the CDK puts
//! them. Rules whose peer is another group become separate
//! `AWS::EC2::SecurityGroupIngress` / `AWS::EC2::SecurityGroupEgress`
//! resources named `from <peer>:<port>` / `to <peer>:<port>`, so groups that
//! refer to each other never form a dependency cycle.

use std::cell::RefCell;
use std::rc::Rc;

use strata_cfn::ec2;
use strata_cfn::ec2::security_group::{Egress, Ingress};
use strata_core::{logical_id, Scope, Value};

use super::peer::{Peer, Port};

/// Settings of a [`SecurityGroup`].
#[derive(Clone, Debug)]
pub struct SecurityGroupProps {
    /// The VPC the group belongs to, such as `vpc.vpc_id()`. Required.
    pub vpc_id: Value<String>,
    /// `GroupDescription`; defaults to the construct path, as in the CDK.
    pub description: Option<String>,
    /// A physical group name. Leave unset so CloudFormation can replace the
    /// group when a create-only property changes.
    pub group_name: Option<String>,
    /// Whether all outbound traffic is allowed. `None` allows it until the
    /// first `allow_to` rule is stated, and then only the stated rules.
    /// `Some(true)` keeps allow-all and ignores `allow_to` rules, which it
    /// already covers; `Some(false)` starts with no outbound traffic.
    pub allow_all_outbound: Option<bool>,
}

impl Default for SecurityGroupProps {
    /// No VPC yet: set `vpc_id`, or synth reports it.
    fn default() -> Self {
        SecurityGroupProps {
            vpc_id: Value::Lit(String::new()),
            description: None,
            group_name: None,
            allow_all_outbound: None,
        }
    }
}

/// An `AWS::EC2::SecurityGroup` at `<id>/Resource`, with its rules.
///
/// ```
/// use strata::prelude::*;
/// use strata::ec2::{Peer, Port, SecurityGroup, SecurityGroupProps};
///
/// let app = App::new();
/// let stack = app.stack("Net", StackProps::default());
/// let props = |d: &str| SecurityGroupProps {
///     vpc_id: "vpc-0123456789abcdef0".into(),
///     description: Some(d.into()),
///     ..Default::default()
/// };
/// let alb = SecurityGroup::new(&stack, "AlbSg", props("ALB"));
/// let ecs = SecurityGroup::new(&stack, "EcsSg", props("ECS tasks"));
/// alb.allow_from(Peer::any_ipv4(), Port::tcp(443), "HTTPS from anywhere");
/// ecs.allow_from(&alb, Port::tcp(8080), "App traffic from the ALB");
/// ecs.allow_to(Peer::any_ipv4(), Port::tcp(443), "HTTPS to AWS APIs");
///
/// let assembly = app.synth().expect("valid");
/// let resources = assembly.stacks[0].template["Resources"].as_object().unwrap();
/// let from_alb = resources
///     .values()
///     .find(|r| r["Type"] == "AWS::EC2::SecurityGroupIngress")
///     .expect("a separate rule between the two groups");
/// assert_eq!(from_alb["Properties"]["FromPort"], 8080);
/// let ecs = &resources["EcsSg17B4B0B3"]["Properties"];
/// assert_eq!(ecs["SecurityGroupEgress"][0]["FromPort"], 443);
/// ```
#[derive(Clone, Debug)]
pub struct SecurityGroup {
    scope: Scope,
    group: ec2::SecurityGroupRef,
    state: Rc<RefCell<Rules>>,
}

/// A rule kept inline in the group's own lists.
#[derive(Clone, Debug, PartialEq)]
struct InlineRule {
    peer: Peer,
    port: Port,
    description: Value<String>,
}

#[derive(Debug, Default)]
struct Rules {
    allow_all_outbound: Option<bool>,
    /// Whether an `allow_to` rule has been stated.
    egress_stated: bool,
    ingress: Vec<InlineRule>,
    egress: Vec<InlineRule>,
    /// Ids of the separate rule resources, so a repeated rule is added once.
    resource_ids: Vec<String>,
}

impl Rules {
    fn allows_all_outbound(&self) -> bool {
        self.allow_all_outbound.unwrap_or(!self.egress_stated)
    }
}

impl SecurityGroup {
    /// Adds a security group under `scope` at `<id>/Resource`.
    pub fn new(scope: &Scope, id: &str, props: SecurityGroupProps) -> SecurityGroup {
        let scope = scope.child(id);
        if props.vpc_id.as_literal().is_some_and(|v| v.is_empty()) {
            scope.error(
                "security-group-vpc",
                "SecurityGroupProps.vpc_id is empty; pass the VPC's id, such as vpc.vpc_id()",
            );
        }
        let description = props.description.unwrap_or_else(|| scope.path());
        check_text(&scope, "GroupDescription", &description);
        if let Some(name) = &props.group_name {
            if name.starts_with("sg-") || name.is_empty() || name.len() > 255 {
                scope.error(
                    "security-group-name",
                    format!("group name {name:?} is invalid: it must be 1 to 255 characters and must not start with \"sg-\""),
                );
            }
            check_text(&scope, "GroupName", name);
        }
        let group = scope.resource(
            "Resource",
            ec2::SecurityGroup {
                group_name: props.group_name.map(Value::from),
                vpc_id: Some(props.vpc_id),
                ..ec2::SecurityGroup::new(description)
            },
        );
        let sg = SecurityGroup {
            scope,
            group,
            state: Rc::new(RefCell::new(Rules {
                allow_all_outbound: props.allow_all_outbound,
                ..Rules::default()
            })),
        };
        sg.render();
        sg
    }

    /// The group's id, `Fn::GetAtt [<group>, GroupId]`.
    pub fn group_id(&self) -> Value<String> {
        self.group.group_id()
    }

    /// The L1 handle of the `AWS::EC2::SecurityGroup`.
    pub fn resource(&self) -> &ec2::SecurityGroupRef {
        &self.group
    }

    /// The construct scope of the group, for tags and options.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The CDK's unique id of the group: the logical ID computed over its
    /// full construct path. Rules that refer to the group carry it.
    pub fn unique_id(&self) -> String {
        logical_id(&self.scope.path().split('/').collect::<Vec<_>>())
    }

    /// This group as the peer of another group's rule.
    pub fn peer(&self) -> Peer {
        Peer::Group {
            group_id: self.group_id(),
            unique_id: self.unique_id(),
        }
    }

    /// Allows inbound `port` traffic from `peer` into this group.
    pub fn allow_from(&self, peer: impl Into<Peer>, port: Port, description: &str) {
        self.add_rule(Direction::Ingress, peer.into(), port, description);
    }

    /// Allows outbound `port` traffic from this group to `peer`. With
    /// `allow_all_outbound: Some(true)` the rule is already covered and is
    /// not added.
    pub fn allow_to(&self, peer: impl Into<Peer>, port: Port, description: &str) {
        self.add_rule(Direction::Egress, peer.into(), port, description);
    }

    /// Both sides of a connection between two groups, as the CDK's
    /// `connections`: inbound on this group from `other`, and outbound on
    /// `other` to this group.
    pub fn connect_from(&self, other: &SecurityGroup, port: Port, description: &str) {
        self.allow_from(other, port.clone(), description);
        other.allow_to(self, port, description);
    }

    fn add_rule(&self, direction: Direction, peer: Peer, port: Port, description: &str) {
        if let Some(problem) = port.problem() {
            self.scope.error("security-group-port", problem);
            return;
        }
        if let Some(problem) = peer_problem(&peer) {
            self.scope.error("security-group-peer", problem);
            return;
        }
        let description: Value<String> = if description.is_empty() {
            peer.default_description(direction.word(), &port)
        } else {
            check_text(&self.scope, "Description", description);
            description.into()
        };
        if direction == Direction::Egress {
            let mut state = self.state.borrow_mut();
            if state.allow_all_outbound == Some(true) {
                return;
            }
            state.egress_stated = true;
        }
        if peer.can_inline() {
            let rule = InlineRule {
                peer,
                port,
                description,
            };
            {
                let mut state = self.state.borrow_mut();
                let list = match direction {
                    Direction::Ingress => &mut state.ingress,
                    Direction::Egress => &mut state.egress,
                };
                if !list.contains(&rule) {
                    list.push(rule);
                }
            }
        } else {
            self.add_rule_resource(direction, &peer, &port, description);
        }
        self.render();
    }

    fn add_rule_resource(
        &self,
        direction: Direction,
        peer: &Peer,
        port: &Port,
        description: Value<String>,
    ) {
        let id = format!("{} {}:{}", direction.word(), peer.label(), port.label());
        {
            let mut state = self.state.borrow_mut();
            if state.resource_ids.contains(&id) {
                return;
            }
            state.resource_ids.push(id.clone());
        }
        let Peer::Group { group_id, .. } = peer else {
            return;
        };
        let (from_port, to_port) = port.range();
        match direction {
            Direction::Ingress => {
                self.scope.resource(
                    &id,
                    ec2::SecurityGroupIngress {
                        description: Some(description),
                        from_port: from_port.map(Value::from),
                        to_port: to_port.map(Value::from),
                        group_id: Some(self.group_id()),
                        source_security_group_id: Some(group_id.clone()),
                        ..ec2::SecurityGroupIngress::new(port.protocol())
                    },
                );
            }
            Direction::Egress => {
                self.scope.resource(
                    &id,
                    ec2::SecurityGroupEgress {
                        description: Some(description),
                        from_port: from_port.map(Value::from),
                        to_port: to_port.map(Value::from),
                        destination_security_group_id: Some(group_id.clone()),
                        ..ec2::SecurityGroupEgress::new(self.group_id(), port.protocol())
                    },
                );
            }
        }
    }

    /// Writes the inline rule lists into the L1 group.
    fn render(&self) {
        let state = self.state.borrow();
        let ingress: Vec<Value<Ingress>> = state.ingress.iter().map(ingress).collect();
        let egress: Vec<Value<Egress>> = if state.allows_all_outbound() {
            vec![allow_all_egress()]
        } else if state.egress.is_empty() {
            vec![no_traffic_egress()]
        } else {
            state.egress.iter().map(egress).collect()
        };
        if let Some(scope) = self.scope.of(&self.group) {
            scope.with_resource(|sg: &mut ec2::SecurityGroup| {
                sg.security_group_ingress = (!ingress.is_empty()).then(|| Value::list(ingress));
                sg.security_group_egress = Some(Value::list(egress));
            });
        }
    }
}

impl From<&SecurityGroup> for Peer {
    fn from(group: &SecurityGroup) -> Peer {
        group.peer()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    fn word(self) -> &'static str {
        match self {
            Direction::Ingress => "from",
            Direction::Egress => "to",
        }
    }
}

fn ingress(rule: &InlineRule) -> Value<Ingress> {
    let (from_port, to_port) = rule.port.range();
    let mut out = Ingress {
        description: Some(rule.description.clone()),
        from_port: from_port.map(Value::from),
        to_port: to_port.map(Value::from),
        ..Ingress::new(rule.port.protocol())
    };
    match &rule.peer {
        Peer::Ipv4(c) => out.cidr_ip = Some(c.clone()),
        Peer::Ipv6(c) => out.cidr_ipv6 = Some(c.clone()),
        Peer::PrefixList(p) => out.source_prefix_list_id = Some(p.clone()),
        Peer::Group { group_id, .. } => out.source_security_group_id = Some(group_id.clone()),
    }
    out.into()
}

fn egress(rule: &InlineRule) -> Value<Egress> {
    let (from_port, to_port) = rule.port.range();
    let mut out = Egress {
        description: Some(rule.description.clone()),
        from_port: from_port.map(Value::from),
        to_port: to_port.map(Value::from),
        ..Egress::new(rule.port.protocol())
    };
    match &rule.peer {
        Peer::Ipv4(c) => out.cidr_ip = Some(c.clone()),
        Peer::Ipv6(c) => out.cidr_ipv6 = Some(c.clone()),
        Peer::PrefixList(p) => out.destination_prefix_list_id = Some(p.clone()),
        Peer::Group { group_id, .. } => out.destination_security_group_id = Some(group_id.clone()),
    }
    out.into()
}

/// The CDK's rule for a group that allows all outbound traffic.
fn allow_all_egress() -> Value<Egress> {
    Egress {
        cidr_ip: Some("0.0.0.0/0".into()),
        description: Some("Allow all outbound traffic by default".into()),
        ..Egress::new("-1")
    }
    .into()
}

/// The CDK's placeholder that matches no traffic: it replaces EC2's
/// default allow-all egress on a group whose outbound traffic is limited
/// to rules kept in separate resources, or to none at all.
fn no_traffic_egress() -> Value<Egress> {
    Egress {
        cidr_ip: Some("255.255.255.255/32".into()),
        description: Some("Disallow all traffic".into()),
        from_port: Some(252.into()),
        to_port: Some(86.into()),
        ..Egress::new("icmp")
    }
    .into()
}

/// Why EC2 would reject a literal CIDR peer.
fn peer_problem(peer: &Peer) -> Option<String> {
    match peer {
        Peer::Ipv4(v) => v.as_literal().and_then(|c| {
            c.parse::<ipnet::Ipv4Net>().err().map(|_| {
                format!(
                    "{c:?} is not an IPv4 CIDR block; write it as a.b.c.d/n, such as 10.0.0.0/16"
                )
            })
        }),
        Peer::Ipv6(v) => v.as_literal().and_then(|c| {
            c.parse::<ipnet::Ipv6Net>().err().map(|_| {
                format!("{c:?} is not an IPv6 CIDR block; write it as, for example, 2001:db8::/32")
            })
        }),
        _ => None,
    }
}

/// EC2 accepts group names, group descriptions and rule descriptions of
/// up to 255 characters from `a-zA-Z0-9 ._-:/()#,@[]+=&;{}!$*`.
fn check_text(scope: &Scope, field: &str, text: &str) {
    let bad: String = text
        .chars()
        .filter(|c| !(c.is_ascii_alphanumeric() || " ._-:/()#,@[]+=&;{}!$*".contains(*c)))
        .collect();
    if !bad.is_empty() {
        scope.error(
            "security-group-text",
            format!("{field} {text:?} contains characters EC2 rejects ({bad:?}); use letters, digits, spaces and ._-:/()#,@[]+=&;{{}}!$*"),
        );
    }
    if text.len() > 255 {
        scope.error(
            "security-group-text",
            format!(
                "{field} is {} characters long; EC2 allows at most 255",
                text.len()
            ),
        );
    }
}
