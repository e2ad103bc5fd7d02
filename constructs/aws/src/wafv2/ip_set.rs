//! WAF IP sets: CIDR blocks of one address family, checked at synth.

use ipnet::IpNet;
use strata_cfn::wafv2 as cfn;
use strata_core::{Scope, Value};

use super::rule::name_problem;
use super::WafScope;

/// Settings of an [`IpSet`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IpSetProps {
    /// The set's name; generated when unset.
    pub name: Option<String>,
    /// The set's description.
    pub description: Option<String>,
    /// The scope; it must match the web ACLs using the set.
    pub scope: WafScope,
    /// CIDR blocks of one family, such as `203.0.113.0/24`.
    pub addresses: Vec<String>,
}

/// An `AWS::WAFv2::IPSet` at `<id>/Resource`.
///
/// ```
/// use strata::prelude::*;
/// use strata::wafv2::{IpSet, IpSetProps};
/// let app = App::new();
/// let stack = app.stack("Edge", StackProps::default());
/// let office = IpSet::new(&stack, "Office", IpSetProps {
///     addresses: vec!["203.0.113.0/24".into()],
///     ..Default::default()
/// });
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let set = &t["Resources"][strata::logical_id(&["Office", "Resource"]).as_str()];
/// assert_eq!(set["Properties"]["IPAddressVersion"], "IPV4");
/// # let _ = office;
/// ```
#[derive(Clone, Debug)]
pub struct IpSet {
    scope: Scope,
    resource: cfn::IpSetRef,
    waf_scope: WafScope,
}

impl IpSet {
    /// Adds the IP set under `scope`.
    pub fn new(scope: &Scope, id: &str, props: IpSetProps) -> IpSet {
        let scope = scope.child(id);
        let mut v4 = 0;
        let mut v6 = 0;
        for a in &props.addresses {
            match a.parse::<IpNet>() {
                Ok(net) => {
                    if net.trunc() != net {
                        scope.error(
                            "waf-ip-set",
                            format!(
                                "{a} has host bits set; use the network address {}",
                                net.trunc()
                            ),
                        );
                    }
                    if net.prefix_len() == 0 {
                        scope.error(
                            "waf-ip-set",
                            format!("{a}: WAF does not accept /0; use a default action instead"),
                        );
                    }
                    match net {
                        IpNet::V4(_) => v4 += 1,
                        IpNet::V6(_) => v6 += 1,
                    }
                }
                Err(_) => scope.error(
                    "waf-ip-set",
                    format!("{a:?} is not a CIDR block such as 203.0.113.0/24 or 2001:db8::/32"),
                ),
            }
        }
        if v4 > 0 && v6 > 0 {
            scope.error(
                "waf-ip-set",
                "an IP set holds one address family; put IPv4 and IPv6 blocks in separate sets",
            );
        }
        if props.addresses.len() > 10_000 {
            scope.error("waf-ip-set", "an IP set holds at most 10000 addresses");
        }
        if let Some(name) = &props.name {
            if let Some(p) = name_problem("IP set name", name) {
                scope.error("waf-ip-set", p);
            }
        }
        let version = if v6 > 0 && v4 == 0 { "IPV6" } else { "IPV4" };
        let resource = scope.resource(
            "Resource",
            cfn::IpSet {
                name: props.name.map(Value::from),
                description: props.description.map(Value::from),
                ..cfn::IpSet::new(
                    Value::list(props.addresses.iter().map(String::as_str)),
                    version,
                    props.scope.code(),
                )
            },
        );
        IpSet {
            scope,
            resource,
            waf_scope: props.scope,
        }
    }

    /// The set's ARN.
    pub fn ip_set_arn(&self) -> Value<String> {
        self.resource.arn()
    }

    /// The set's scope.
    pub fn waf_scope(&self) -> WafScope {
        self.waf_scope
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::IpSetRef {
        &self.resource
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}
