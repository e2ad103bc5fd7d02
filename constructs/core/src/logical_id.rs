//! Logical IDs from construct paths, with the AWS CDK's algorithm, so a
//! construct at the same path gets the same ID in both tools.

use md5::{Digest, Md5};

/// Path component dropped from IDs entirely (the CDK's `Default`).
const HIDDEN_ID: &str = "Default";
/// Path component dropped from the readable part only.
const HIDDEN_FROM_HUMAN_ID: &str = "Resource";
const MAX_HUMAN_LEN: usize = 240;
const MAX_ID_LEN: usize = 255;

fn alphanumeric(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// The logical ID for the path components below the stack.
///
/// ```
/// use strata_core::logical_id;
/// assert_eq!(logical_id(&["Vpc", "PublicSubnet1", "Subnet"]), "VpcPublicSubnet1Subnet5C2D37C4");
/// assert_eq!(logical_id(&["Vpc", "Resource"]), "Vpc8378EB38");
/// assert_eq!(logical_id(&["Redis"]), "Redis");
/// ```
pub fn logical_id<S: AsRef<str>>(components: &[S]) -> String {
    let mut shown = components
        .iter()
        .map(AsRef::as_ref)
        .filter(|c| *c != HIDDEN_ID);
    if let (Some(only), None) = (shown.next(), shown.next()) {
        let top = alphanumeric(only);
        if top.len() <= MAX_ID_LEN {
            return top;
        }
    }
    let shown = || {
        components
            .iter()
            .map(AsRef::as_ref)
            .filter(|c| *c != HIDDEN_ID)
    };
    let mut md5 = Md5::new();
    for (i, c) in shown().enumerate() {
        if i > 0 {
            md5.update(b"/");
        }
        md5.update(c.as_bytes());
    }
    let digest = md5.finalize();
    let mut human = String::with_capacity(64);
    let mut last: Option<&str> = None;
    for c in shown() {
        if last.is_some_and(|l| l.ends_with(c)) {
            continue;
        }
        last = Some(c);
        if c != HIDDEN_FROM_HUMAN_ID {
            human.extend(c.chars().filter(char::is_ascii_alphanumeric));
        }
    }
    human.truncate(MAX_HUMAN_LEN);
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in &digest[..4] {
        human.push(char::from(HEX[usize::from(b >> 4)]));
        human.push(char::from(HEX[usize::from(b & 15)]));
    }
    human
}

#[cfg(test)]
mod tests {
    use super::logical_id;

    #[test]
    fn matches_the_cdk_reference_template() {
        let cases = [
            ("Vpc/Resource", "Vpc8378EB38"),
            ("Vpc/publicSubnet1/Subnet", "VpcpublicSubnet1Subnet2BB74ED7"),
            (
                "Vpc/private-appSubnet2/RouteTable",
                "VpcprivateappSubnet2RouteTableDDD62B1E",
            ),
            ("Vpc/IGW", "VpcIGWD7BA715C"),
            (
                "Vpc/FlowLog/IAMRole/DefaultPolicy/Resource",
                "VpcFlowLogIAMRoleDefaultPolicy406FB995",
            ),
            (
                "EcsSg/from BirdStackAlbSg11BCAFCB:8080",
                "EcsSgfromBirdStackAlbSg11BCAFCB8080004DE829",
            ),
            (
                "AgentConfigurationsTable/ReadScaling/Target/Resource",
                "AgentConfigurationsTableReadScalingTargetC5CDEDDF",
            ),
            ("CacheSubnetGroup", "CacheSubnetGroup"),
        ];
        for (path, id) in cases {
            let parts: Vec<&str> = path.split('/').collect();
            assert_eq!(logical_id(&parts), id, "{path}");
        }
    }

    #[test]
    fn default_is_dropped_and_long_names_are_cut() {
        assert_eq!(logical_id(&["Bucket", "Default"]), "Bucket");
        let long = "x".repeat(300);
        let id = logical_id(&[long.as_str(), "Child"]);
        assert_eq!(id.len(), 248);
    }

    #[test]
    fn repeated_suffixes_are_skipped() {
        let id = logical_id(&["Table", "Table", "Resource"]);
        assert!(id.starts_with("Table") && id.len() == 13, "{id}");
    }
}
