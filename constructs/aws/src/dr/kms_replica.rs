//! Multi-Region KMS keys: a replica of a multi-Region primary key in
//! another Region (`AWS::KMS::ReplicaKey`), and the pair a
//! [`MultiRegionDR`](super::MultiRegionDR) uses wherever replicated data is
//! encrypted, so both Regions hold the same key material.

use std::cell::RefCell;
use std::rc::Rc;

use strata_cfn::kms;
use strata_core::{RemovalPolicy, ResourceOptions, Scope, Value};

use crate::iam::{Grant, Grantable, PolicyDocument, PolicyKind, PolicyResource, PolicyStatement};
use crate::kms::Key;

/// Settings of a [`ReplicaKey`].
#[derive(Debug, Clone)]
pub struct ReplicaKeyProps {
    /// The ARN of the multi-Region primary key (`multi_region: true`) in
    /// another Region.
    pub primary_key_arn: Value<String>,
    /// The replica's description.
    pub description: Option<String>,
    /// An alias in the replica's Region, such as `bird-agent/data`;
    /// `alias/` is added when missing. Creates `<id>/Alias/Resource`.
    pub alias: Option<String>,
    /// The replica's key policy (key policies are not shared between
    /// Regions). When unset, the account root may use `kms:*`, so IAM
    /// policies grant use, as for a [`Key`].
    pub policy: Option<PolicyDocument>,
    /// Days, 7 to 30, that KMS waits before deleting the replica.
    pub pending_window_in_days: Option<u32>,
    /// What happens to the replica when it leaves the stack; `Retain` by default.
    pub removal_policy: RemovalPolicy,
}

impl ReplicaKeyProps {
    /// A replica of `primary_key_arn` with the default policy, retained.
    pub fn new(primary_key_arn: impl Into<Value<String>>) -> Self {
        ReplicaKeyProps {
            primary_key_arn: primary_key_arn.into(),
            description: None,
            alias: None,
            policy: None,
            pending_window_in_days: None,
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

/// A replica of a multi-Region primary key (`AWS::KMS::ReplicaKey` at
/// `<id>/Resource`): the same key material and key ID in the stack's
/// Region, with its own key policy and alias.
///
/// ```
/// use strata::dr::{ReplicaKey, ReplicaKeyProps};
/// use strata::prelude::*;
/// let app = App::new();
/// let west = app.stack("West", StackProps::default());
/// let replica = ReplicaKey::new(&west, "DataKey", ReplicaKeyProps {
///     alias: Some("agent/data".into()),
///     ..ReplicaKeyProps::new("arn:aws:kms:us-east-1:123456789012:key/mrk-1234abcd")
/// });
/// assert_eq!(replica.alias_name(), Some("alias/agent/data"));
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let key = &t["Resources"][strata::logical_id(&["DataKey", "Resource"]).as_str()];
/// assert_eq!(key["Type"], "AWS::KMS::ReplicaKey");
/// assert_eq!(key["DeletionPolicy"], "Retain");
/// ```
#[derive(Clone)]
pub struct ReplicaKey {
    scope: Scope,
    resource: kms::ReplicaKeyRef,
    policy: Rc<RefCell<PolicyDocument>>,
    alias: Option<String>,
}

impl ReplicaKey {
    /// Adds the replica under `scope` with construct id `id`.
    pub fn new(scope: &Scope, id: &str, props: ReplicaKeyProps) -> ReplicaKey {
        let scope = scope.child(id);
        if let Some(days) = props.pending_window_in_days {
            if !(7..=30).contains(&days) {
                scope.error(
                    "pending-window",
                    format!(
                        "a pending deletion window of {days} days is out of range; use 7 to 30 days"
                    ),
                );
            }
        }
        let policy = crate::kms::key_policy(&scope, props.policy);
        let resource = scope.resource_with(
            "Resource",
            kms::ReplicaKey {
                description: props.description.map(Value::from),
                pending_window_in_days: props.pending_window_in_days.map(|d| i64::from(d).into()),
                ..kms::ReplicaKey::new(policy.to_value(), props.primary_key_arn)
            },
            ResourceOptions::removal(props.removal_policy),
        );
        let alias = props
            .alias
            .map(|a| crate::kms::add_alias(&scope, a, resource.arn()));
        ReplicaKey {
            scope,
            resource,
            policy: Rc::new(RefCell::new(policy)),
            alias,
        }
    }

    /// The replica's ARN in its Region (`Fn::GetAtt` `Arn`).
    pub fn key_arn(&self) -> Value<String> {
        self.resource.arn()
    }

    /// The key ID, the same as the primary key's (`Fn::GetAtt` `KeyId`).
    pub fn key_id(&self) -> Value<String> {
        self.resource.key_id()
    }

    /// The alias name, with its `alias/` prefix, when the replica has one.
    pub fn alias_name(&self) -> Option<&str> {
        self.alias.as_deref()
    }

    /// The L1 handle.
    pub fn handle(&self) -> kms::ReplicaKeyRef {
        self.resource
    }

    /// The replica's construct scope (`<id>`).
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Allows `actions` on the replica, in the grantee's policy or, for a
    /// principal without one, in the replica's key policy.
    pub fn grant(&self, grantee: &dyn Grantable, actions: &[&str]) -> Grant {
        Grant::to_principal_or_resource(
            grantee,
            actions,
            vec![self.key_arn()],
            self,
            vec!["*".into()],
        )
    }

    /// Allows `kms:Decrypt`.
    pub fn grant_decrypt(&self, grantee: &dyn Grantable) -> Grant {
        self.grant(grantee, &["kms:Decrypt"])
    }

    /// Allows encryption and decryption.
    pub fn grant_encrypt_decrypt(&self, grantee: &dyn Grantable) -> Grant {
        self.grant(
            grantee,
            &[
                "kms:Decrypt",
                "kms:Encrypt",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
            ],
        )
    }
}

impl PolicyResource for ReplicaKey {
    /// Adds a statement to the replica's key policy; incomplete
    /// statements are reported at synth with the replica's path.
    fn add_to_resource_policy(&self, statement: PolicyStatement) -> bool {
        let problems = statement.validate(PolicyKind::Resource);
        if !problems.is_empty() {
            for p in problems {
                self.scope
                    .error("key-policy", format!("statement for the key policy: {p}"));
            }
            return true;
        }
        let mut doc = self.policy.borrow_mut();
        doc.add_statement(statement);
        let value = doc.to_value();
        if let Some(res) = self.scope.of(&self.resource) {
            res.with_resource::<kms::ReplicaKey>(|k| k.key_policy = value);
        }
        true
    }
}

/// One multi-Region key in both Regions of a DR pair: the multi-Region
/// primary key in the secondary Region's stack and its replica in the
/// primary Region's stack (see [`MultiRegionDR`](super::MultiRegionDR) for
/// why the key is born in the secondary Region). Data encrypted in one
/// Region decrypts in the other, and every replicated store keeps a key of
/// its own Region.
///
/// ```
/// use std::time::Duration;
/// use strata::dr::{MultiRegionDR, MultiRegionDRProps};
/// use strata::kms::KeyProps;
/// use strata::prelude::*;
/// let app = App::new();
/// let env = |region| StackProps { env: Environment::new("123456789012", region), ..Default::default() };
/// let west = app.stack("West", env("us-west-2"));
/// let east = app.stack("East", env("us-east-1"));
/// let hour = Duration::from_secs(3600);
/// let dr = MultiRegionDR::new(&east, &west, "Dr", MultiRegionDRProps::new("us-east-1", "us-west-2", hour, hour));
/// let key = dr.multi_region_key("DataKey", KeyProps::default());
/// let assembly = app.synth().expect("valid");
/// let id = strata::logical_id(&["Dr", "DataKey", "Resource"]);
/// assert_eq!(assembly.stacks[0].template["Resources"][id.as_str()]["Properties"]["MultiRegion"], true);
/// assert_eq!(assembly.stacks[1].template["Resources"][id.as_str()]["Type"], "AWS::KMS::ReplicaKey");
/// # let _ = key.primary_region_arn();
/// ```
#[derive(Clone)]
pub struct MultiRegionKey {
    key: Key,
    replica: ReplicaKey,
}

impl MultiRegionKey {
    pub(super) fn new(key: Key, replica: ReplicaKey) -> Self {
        MultiRegionKey { key, replica }
    }

    /// The key's ARN in the primary Region (the replica).
    pub fn primary_region_arn(&self) -> Value<String> {
        self.replica.key_arn()
    }

    /// The key's ARN in the secondary Region (the multi-Region primary key).
    pub fn secondary_region_arn(&self) -> Value<String> {
        self.key.key_arn()
    }

    /// The multi-Region primary key, in the secondary Region's stack.
    pub fn key(&self) -> &Key {
        &self.key
    }

    /// The replica, in the primary Region's stack.
    pub fn replica(&self) -> &ReplicaKey {
        &self.replica
    }
}
