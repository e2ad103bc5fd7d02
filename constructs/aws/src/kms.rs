//! KMS keys: rotation on by default, an alias, a key policy that grants
//! extend, retained on delete; and a per-environment key strategy.

use std::cell::RefCell;
use std::rc::Rc;

use strata_cfn::kms;
use strata_core::{RemovalPolicy, ResourceOptions, Scope, Value};

use crate::iam::{
    Grant, Grantable, PolicyDocument, PolicyKind, PolicyResource, PolicyStatement, Principal,
};

/// Actions that decrypt with a key.
const DECRYPT_ACTIONS: &[&str] = &["kms:Decrypt"];
/// Actions that encrypt with a key.
const ENCRYPT_ACTIONS: &[&str] = &["kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"];

/// The type of key material (`KeySpec`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySpec {
    /// A 256-bit symmetric encryption key (the default).
    SymmetricDefault,
    /// RSA 2048.
    Rsa2048,
    /// RSA 3072.
    Rsa3072,
    /// RSA 4096.
    Rsa4096,
    /// NIST P-256.
    EccNistP256,
    /// NIST P-384.
    EccNistP384,
    /// NIST P-521.
    EccNistP521,
    /// secp256k1.
    EccSecgP256k1,
    /// HMAC with SHA-224.
    Hmac224,
    /// HMAC with SHA-256.
    Hmac256,
    /// HMAC with SHA-384.
    Hmac384,
    /// HMAC with SHA-512.
    Hmac512,
}

impl KeySpec {
    /// The CloudFormation spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            KeySpec::SymmetricDefault => "SYMMETRIC_DEFAULT",
            KeySpec::Rsa2048 => "RSA_2048",
            KeySpec::Rsa3072 => "RSA_3072",
            KeySpec::Rsa4096 => "RSA_4096",
            KeySpec::EccNistP256 => "ECC_NIST_P256",
            KeySpec::EccNistP384 => "ECC_NIST_P384",
            KeySpec::EccNistP521 => "ECC_NIST_P521",
            KeySpec::EccSecgP256k1 => "ECC_SECG_P256K1",
            KeySpec::Hmac224 => "HMAC_224",
            KeySpec::Hmac256 => "HMAC_256",
            KeySpec::Hmac384 => "HMAC_384",
            KeySpec::Hmac512 => "HMAC_512",
        }
    }

    fn is_hmac(self) -> bool {
        matches!(
            self,
            KeySpec::Hmac224 | KeySpec::Hmac256 | KeySpec::Hmac384 | KeySpec::Hmac512
        )
    }

    fn is_rsa(self) -> bool {
        matches!(self, KeySpec::Rsa2048 | KeySpec::Rsa3072 | KeySpec::Rsa4096)
    }
}

/// What the key is used for (`KeyUsage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUsage {
    /// Encryption and decryption (the default).
    EncryptDecrypt,
    /// Signing and verification (asymmetric keys).
    SignVerify,
    /// MAC generation and verification (HMAC keys).
    GenerateVerifyMac,
    /// Key agreement (elliptic-curve keys).
    KeyAgreement,
}

impl KeyUsage {
    /// The CloudFormation spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyUsage::EncryptDecrypt => "ENCRYPT_DECRYPT",
            KeyUsage::SignVerify => "SIGN_VERIFY",
            KeyUsage::GenerateVerifyMac => "GENERATE_VERIFY_MAC",
            KeyUsage::KeyAgreement => "KEY_AGREEMENT",
        }
    }
}

/// The settings of a [`Key`].
#[derive(Debug, Clone)]
pub struct KeyProps {
    /// The key's description.
    pub description: Option<String>,
    /// Yearly automatic rotation of the key material; `None` means on for
    /// symmetric encryption keys (the only kind that can rotate).
    pub enable_key_rotation: Option<bool>,
    /// Days between rotations, 90 to 2560 (AWS's default is 365).
    pub rotation_period_in_days: Option<u32>,
    /// An alias such as `bird-agent/rds`; `alias/` is added when missing.
    /// Creates an `AWS::KMS::Alias` at `<id>/Alias/Resource`.
    pub alias: Option<String>,
    /// The whole key policy. When unset, the CDK's default: the account
    /// root may use `kms:*`, so IAM policies in the account can grant use.
    /// A policy given here replaces that default; grants and
    /// [`Key::add_to_resource_policy`] add to it either way.
    pub policy: Option<PolicyDocument>,
    /// A multi-Region primary key.
    pub multi_region: bool,
    /// Days, 7 to 30, that KMS waits before deleting a key removed from
    /// the stack (AWS's default is 30).
    pub pending_window_in_days: Option<u32>,
    /// What happens to the key when it leaves the stack; `Retain` by default.
    pub removal_policy: RemovalPolicy,
    /// The key material; symmetric when unset.
    pub key_spec: Option<KeySpec>,
    /// The key's use; encrypt/decrypt when unset.
    pub key_usage: Option<KeyUsage>,
}

impl Default for KeyProps {
    fn default() -> Self {
        KeyProps {
            description: None,
            enable_key_rotation: None,
            rotation_period_in_days: None,
            alias: None,
            policy: None,
            multi_region: false,
            pending_window_in_days: None,
            removal_policy: RemovalPolicy::Retain,
            key_spec: None,
            key_usage: None,
        }
    }
}

/// A customer managed KMS key (`AWS::KMS::Key` at `<id>/Resource`).
///
/// ```
/// use strata::kms::{Key, KeyProps};
/// use strata::prelude::*;
/// let app = App::new();
/// let stack = app.stack("Data", StackProps::default());
/// let key = Key::new(&stack, "RdsKey", KeyProps {
///     description: Some("Aurora storage encryption".into()),
///     alias: Some("bird-agent/rds".into()),
///     ..KeyProps::default()
/// });
/// assert_eq!(key.alias_name(), Some("alias/bird-agent/rds"));
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let res = &t["Resources"]["RdsKey4E32BD4A"];
/// assert_eq!(res["Properties"]["EnableKeyRotation"], true);
/// assert_eq!(res["DeletionPolicy"], "Retain");
/// ```
#[derive(Clone)]
pub struct Key {
    scope: Scope,
    resource: kms::KeyRef,
    policy: Rc<RefCell<PolicyDocument>>,
    alias: Option<String>,
}

impl Key {
    /// Adds a key under `scope` with construct id `id`.
    pub fn new(scope: &Scope, id: &str, props: KeyProps) -> Key {
        let scope = scope.child(id);
        validate(&scope, &props);
        let spec = props.key_spec.unwrap_or(KeySpec::SymmetricDefault);
        let rotation = props
            .enable_key_rotation
            .unwrap_or(spec == KeySpec::SymmetricDefault);
        let policy = key_policy(&scope, props.policy);
        let key = kms::Key {
            description: props.description.map(Value::from),
            enable_key_rotation: rotation.then(|| true.into()),
            key_policy: Some(policy.to_value()),
            key_spec: props.key_spec.map(|s| s.as_str().into()),
            key_usage: props.key_usage.map(|u| u.as_str().into()),
            multi_region: props.multi_region.then(|| true.into()),
            pending_window_in_days: props.pending_window_in_days.map(|d| i64::from(d).into()),
            rotation_period_in_days: props.rotation_period_in_days.map(|d| i64::from(d).into()),
            ..kms::Key::default()
        };
        let resource = scope.resource_with(
            "Resource",
            key,
            ResourceOptions::removal(props.removal_policy),
        );
        let alias = props.alias.map(|a| add_alias(&scope, a, resource.arn()));
        Key {
            scope,
            resource,
            policy: Rc::new(RefCell::new(policy)),
            alias,
        }
    }

    /// The key's ARN (`Fn::GetAtt` `Arn`).
    pub fn key_arn(&self) -> Value<String> {
        self.resource.arn()
    }

    /// The key's ID (`Ref`).
    pub fn key_id(&self) -> Value<String> {
        self.resource.ref_()
    }

    /// The alias name, with its `alias/` prefix, when the key has one.
    pub fn alias_name(&self) -> Option<&str> {
        self.alias.as_deref()
    }

    /// The L1 handle, for references and resource options.
    pub fn handle(&self) -> kms::KeyRef {
        self.resource
    }

    /// The key's construct scope (`<id>`).
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The key policy's statements so far.
    pub fn policy_statements(&self) -> Vec<PolicyStatement> {
        self.policy.borrow().statements().to_vec()
    }

    /// Allows `actions` on this key: in the grantee's policy, scoped to the
    /// key's ARN, or, for a principal without a policy (a service or an
    /// account), in the key policy.
    pub fn grant(&self, grantee: &dyn Grantable, actions: &[&str]) -> Grant {
        Grant::to_principal_or_resource(
            grantee,
            actions,
            vec![self.key_arn()],
            self,
            vec!["*".into()],
        )
    }

    /// Allows decryption (`kms:Decrypt`).
    pub fn grant_decrypt(&self, grantee: &dyn Grantable) -> Grant {
        self.grant(grantee, DECRYPT_ACTIONS)
    }

    /// Allows encryption (`kms:Encrypt`, `kms:ReEncrypt*`, `kms:GenerateDataKey*`).
    pub fn grant_encrypt(&self, grantee: &dyn Grantable) -> Grant {
        self.grant(grantee, ENCRYPT_ACTIONS)
    }

    /// Allows encryption and decryption.
    pub fn grant_encrypt_decrypt(&self, grantee: &dyn Grantable) -> Grant {
        let actions: Vec<&str> = DECRYPT_ACTIONS
            .iter()
            .chain(ENCRYPT_ACTIONS)
            .copied()
            .collect();
        self.grant(grantee, &actions)
    }
}

impl PolicyResource for Key {
    /// Adds a statement to the key policy. Statements without actions,
    /// resources (use `*`, the key itself) or principals are reported at
    /// synth with the key's path.
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
            res.with_resource::<kms::Key>(|k| k.key_policy = Some(value));
        }
        true
    }
}

impl Key {
    /// Adds a statement to the key policy (see [`PolicyResource`]).
    pub fn add_to_resource_policy(&self, statement: PolicyStatement) -> bool {
        PolicyResource::add_to_resource_policy(self, statement)
    }
}

fn validate(scope: &Scope, props: &KeyProps) {
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
    if let Some(days) = props.rotation_period_in_days {
        if !(90..=2560).contains(&days) {
            scope.error(
                "rotation-period",
                format!("a rotation period of {days} days is out of range; use 90 to 2560 days"),
            );
        }
    }
    let spec = props.key_spec.unwrap_or(KeySpec::SymmetricDefault);
    if props.enable_key_rotation == Some(true) && spec != KeySpec::SymmetricDefault {
        scope.error(
            "key-rotation",
            format!(
                "automatic rotation is only available for symmetric encryption keys, not {}",
                spec.as_str()
            ),
        );
    }
    let usage_ok = match (spec, props.key_usage) {
        (KeySpec::SymmetricDefault, None | Some(KeyUsage::EncryptDecrypt)) => true,
        (s, Some(KeyUsage::GenerateVerifyMac)) => s.is_hmac(),
        (s, Some(KeyUsage::EncryptDecrypt)) => s.is_rsa(),
        (s, Some(KeyUsage::SignVerify)) => !s.is_hmac() && s != KeySpec::SymmetricDefault,
        (s, Some(KeyUsage::KeyAgreement)) => {
            matches!(
                s,
                KeySpec::EccNistP256 | KeySpec::EccNistP384 | KeySpec::EccNistP521
            )
        }
        (_, None) => false,
    };
    if !usage_ok {
        let usage = props.key_usage.map_or("no key usage", KeyUsage::as_str);
        scope.error(
            "key-usage",
            format!("{} does not fit a {} key; HMAC keys use GENERATE_VERIFY_MAC, symmetric keys ENCRYPT_DECRYPT, and asymmetric keys must state theirs", usage, spec.as_str()),
        );
    }
}

/// Adds `<scope>/Alias/Resource` naming the key `target`, with `alias/`
/// added when missing; reports a name KMS rejects. Returns the alias name.
pub(crate) fn add_alias(scope: &Scope, alias: String, target: Value<String>) -> String {
    let name = if alias.starts_with("alias/") {
        alias
    } else {
        format!("alias/{alias}")
    };
    validate_alias(scope, &name);
    scope
        .child("Alias")
        .resource("Resource", kms::Alias::new(name.as_str(), target));
    name
}

fn validate_alias(scope: &Scope, name: &str) {
    let rest = &name["alias/".len()..];
    let ok = !rest.is_empty()
        && name.len() <= 256
        && !rest.starts_with("aws/")
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/_-".contains(c));
    if !ok {
        scope.error(
            "alias",
            format!("{name:?} is not a usable alias; write a name of letters, digits, '/', '_' and '-' such as \"bird-agent/rds\" (the alias/aws/ prefix is reserved)"),
        );
    }
}

/// How many keys an environment uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStrategy {
    /// One key for every service (cheaper; typical for development).
    Shared,
    /// One key per service (isolation and separate audit trails; typical
    /// for production).
    PerService,
}

/// The settings of a [`Keys`] registry.
#[derive(Debug, Clone)]
pub struct KeysProps {
    /// Shared or per-service keys.
    pub strategy: KeyStrategy,
    /// Alias prefix, such as `bird-agent`: keys get `alias/<prefix>/<service>`
    /// (or `alias/<prefix>/shared`).
    pub alias_prefix: String,
    /// Applied to every key; `Retain` by default.
    pub removal_policy: RemovalPolicy,
    /// Applied to every key.
    pub pending_window_in_days: Option<u32>,
}

impl KeysProps {
    /// Props with the given strategy and alias prefix, keys retained.
    pub fn new(strategy: KeyStrategy, alias_prefix: &str) -> Self {
        KeysProps {
            strategy,
            alias_prefix: alias_prefix.to_string(),
            removal_policy: RemovalPolicy::Retain,
            pending_window_in_days: None,
        }
    }
}

/// The keys of one environment, handed out per service: with
/// [`KeyStrategy::Shared`] every service gets the one `SharedKey`; with
/// [`KeyStrategy::PerService`] each service gets its own `<Service>Key`
/// (`rds` → `RdsKey`). Keys are created on first request.
///
/// ```
/// use strata::kms::{KeyStrategy, Keys, KeysProps};
/// use strata::prelude::*;
/// let app = App::new();
/// let dev = app.stack("Dev", StackProps::default());
/// let keys = Keys::new(&dev, KeysProps::new(KeyStrategy::Shared, "bird-agent"));
/// let rds = keys.for_service("rds");
/// let s3 = keys.for_service("s3");
/// assert_eq!(rds.alias_name(), s3.alias_name());
/// assert_eq!(keys.keys().len(), 1);
/// ```
pub struct Keys {
    scope: Scope,
    props: KeysProps,
    keys: RefCell<Vec<(String, Key)>>,
}

impl Keys {
    /// A registry that adds its keys directly under `scope`.
    pub fn new(scope: &Scope, props: KeysProps) -> Keys {
        Keys {
            scope: scope.clone(),
            props,
            keys: RefCell::new(Vec::new()),
        }
    }

    /// The key for `service` (such as `rds`, `s3`, `secretsmanager`):
    /// lowercase letters, digits and `-`.
    pub fn for_service(&self, service: &str) -> Key {
        let valid = !service.is_empty()
            && service
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid {
            self.scope.error(
                "key-service",
                format!("{service:?} is not a service name for a key; use lowercase letters, digits and '-', such as \"rds\""),
            );
        }
        let name = match self.props.strategy {
            KeyStrategy::Shared => "shared".to_string(),
            KeyStrategy::PerService => service.to_string(),
        };
        if let Some((_, key)) = self.keys.borrow().iter().find(|(n, _)| *n == name) {
            return key.clone();
        }
        let description = match self.props.strategy {
            KeyStrategy::Shared => format!("Shared encryption key for {}", self.props.alias_prefix),
            KeyStrategy::PerService => format!("Encryption key for {service}"),
        };
        let key = Key::new(
            &self.scope,
            &format!("{}Key", pascal(&name)),
            KeyProps {
                description: Some(description),
                alias: Some(format!("{}/{name}", self.props.alias_prefix)),
                removal_policy: self.props.removal_policy,
                pending_window_in_days: self.props.pending_window_in_days,
                ..KeyProps::default()
            },
        );
        self.keys.borrow_mut().push((name, key.clone()));
        key
    }

    /// Every key created so far, in creation order.
    pub fn keys(&self) -> Vec<Key> {
        self.keys.borrow().iter().map(|(_, k)| k.clone()).collect()
    }
}

/// `secrets-manager` → `SecretsManager`; characters other than letters
/// and digits are dropped.
fn pascal(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The key policy of a key or replica key at `scope`: `policy`, checked
/// as a resource policy, or the default that lets the account root use
/// `kms:*`, so that IAM policies in the account can grant use of the key.
pub(crate) fn key_policy(scope: &Scope, policy: Option<PolicyDocument>) -> PolicyDocument {
    match policy {
        Some(doc) => {
            for p in doc.validate(PolicyKind::Resource) {
                scope.error("key-policy", p);
            }
            doc
        }
        None => PolicyDocument::new().with_statement(
            PolicyStatement::allow()
                .action("kms:*")
                .principal(Principal::account_root_of(scope))
                .all_resources(),
        ),
    }
}
