//! The Cognito user pool: admin-only sign-up, password policy, TOTP MFA,
//! custom attributes, account recovery, deletion protection (retained by
//! default), and its groups.

use std::time::Duration;

use strata_cfn::cognito::{self as cfn, user_pool as up};
use strata_core::{RemovalPolicy, ResourceOptions, Scope, Value};

/// Password rules of a user pool.
#[derive(Clone, Debug, PartialEq)]
pub struct PasswordPolicy {
    /// Minimum length, 6 to 99.
    pub min_length: u32,
    /// Require a lowercase letter.
    pub require_lowercase: bool,
    /// Require an uppercase letter.
    pub require_uppercase: bool,
    /// Require a digit.
    pub require_digits: bool,
    /// Require a symbol.
    pub require_symbols: bool,
    /// How long an administrator-set temporary password stays valid (whole days, up to 365).
    pub temp_password_validity: Duration,
}

impl Default for PasswordPolicy {
    /// Cognito's defaults as the CDK renders them: 8 characters, every
    /// class required, temporary passwords valid 7 days.
    fn default() -> Self {
        PasswordPolicy {
            min_length: 8,
            require_lowercase: true,
            require_uppercase: true,
            require_digits: true,
            require_symbols: true,
            temp_password_validity: Duration::from_secs(7 * 86_400),
        }
    }
}

/// Multi-factor authentication with TOTP apps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mfa {
    /// No MFA.
    #[default]
    Off,
    /// Users may set up a TOTP app.
    OptionalTotp,
    /// Every user must use a TOTP app.
    RequiredTotp,
}

/// How users recover their account.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AccountRecovery {
    /// By verified email.
    #[default]
    EmailOnly,
    /// By verified phone (SMS), without MFA.
    PhoneOnlyWithoutMfa,
    /// Email first, then phone.
    EmailAndPhoneWithoutMfa,
    /// Phone first, then email.
    PhoneWithoutMfaAndEmail,
    /// Only administrators can reset passwords.
    AdminOnly,
}

/// The type and bounds of a custom attribute.
#[derive(Clone, Debug, PartialEq)]
pub enum AttributeKind {
    /// A string of `min_len` to `max_len` characters (at most 2048).
    String {
        /// Shortest length.
        min_len: u32,
        /// Longest length.
        max_len: u32,
    },
    /// A number from `min` to `max`.
    Number {
        /// Smallest value.
        min: i64,
        /// Largest value.
        max: i64,
    },
    /// A boolean.
    Boolean,
    /// A date and time.
    DateTime,
}

/// A `custom:` user attribute.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomAttribute {
    /// The name without the `custom:` prefix, 1 to 20 characters.
    pub name: String,
    /// The type.
    pub kind: AttributeKind,
    /// Whether it can change after the user is created.
    pub mutable: bool,
}

impl CustomAttribute {
    /// A mutable string attribute of 1 to `max_len` characters.
    pub fn string(name: &str, max_len: u32) -> Self {
        CustomAttribute {
            name: name.to_string(),
            kind: AttributeKind::String {
                min_len: 1,
                max_len,
            },
            mutable: true,
        }
    }
}

/// Settings of a [`UserPool`]. The default is seed 004's posture:
/// administrators create users, users sign in with their email address,
/// recovery by email, deletion protection on and the pool retained.
#[derive(Clone, Debug, PartialEq)]
pub struct UserPoolProps {
    /// The pool's name; generated when unset.
    pub user_pool_name: Option<String>,
    /// Let users sign themselves up (off: admin-only sign-up).
    pub self_sign_up: bool,
    /// Users sign in with their email address, which is required and
    /// verified automatically (on by default).
    pub sign_in_with_email: bool,
    /// Password rules.
    pub password_policy: PasswordPolicy,
    /// TOTP multi-factor authentication.
    pub mfa: Mfa,
    /// Custom attributes (at most 50).
    pub custom_attributes: Vec<CustomAttribute>,
    /// How users recover their account.
    pub account_recovery: AccountRecovery,
    /// Refuse deletion of the pool (on by default).
    pub deletion_protection: bool,
    /// Deletion and replacement policy (default Retain).
    pub removal_policy: RemovalPolicy,
}

impl Default for UserPoolProps {
    fn default() -> Self {
        UserPoolProps {
            user_pool_name: None,
            self_sign_up: false,
            sign_in_with_email: true,
            password_policy: PasswordPolicy::default(),
            mfa: Mfa::Off,
            custom_attributes: Vec::new(),
            account_recovery: AccountRecovery::EmailOnly,
            deletion_protection: true,
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

/// Settings of a user pool group.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UserPoolGroupProps {
    /// The group's name; the construct id when unset.
    pub group_name: Option<String>,
    /// The group's description.
    pub description: Option<String>,
    /// Which group's role wins for users in several (lowest first).
    pub precedence: Option<u32>,
    /// An IAM role identity pools give the group's users.
    pub role_arn: Option<Value<String>>,
}

/// An `AWS::Cognito::UserPool` at `<id>/Resource`; clients, resource
/// servers, domains and groups go at `<id>/<child id>`.
///
/// ```
/// use std::time::Duration;
/// use strata::prelude::*;
/// use strata::cognito::{Mfa, PasswordPolicy, UserPool, UserPoolProps};
///
/// let app = App::new();
/// let stack = app.stack("Auth", StackProps::default());
/// UserPool::new(&stack, "Users", UserPoolProps {
///     password_policy: PasswordPolicy { min_length: 12, ..Default::default() },
///     mfa: Mfa::OptionalTotp,
///     ..Default::default()
/// });
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let pool = &t["Resources"][strata::logical_id(&["Users", "Resource"]).as_str()];
/// assert_eq!(pool["Properties"]["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"], true);
/// assert_eq!(pool["Properties"]["EnabledMfas"][0], "SOFTWARE_TOKEN_MFA");
/// assert_eq!(pool["DeletionPolicy"], "Retain");
/// ```
#[derive(Clone, Debug)]
pub struct UserPool {
    scope: Scope,
    resource: cfn::UserPoolRef,
}

impl UserPool {
    /// Adds the pool under `scope`.
    pub fn new(scope: &Scope, id: &str, props: UserPoolProps) -> UserPool {
        let scope = scope.child(id);
        for p in problems(&props) {
            scope.error("cognito-user-pool", p);
        }
        let p = &props.password_policy;
        let password = up::PasswordPolicy {
            minimum_length: Some(i64::from(p.min_length).into()),
            require_lowercase: Some(p.require_lowercase.into()),
            require_uppercase: Some(p.require_uppercase.into()),
            require_numbers: Some(p.require_digits.into()),
            require_symbols: Some(p.require_symbols.into()),
            temporary_password_validity_days: Some(
                i64::try_from(p.temp_password_validity.as_secs() / 86_400)
                    .unwrap_or(i64::MAX)
                    .into(),
            ),
            ..Default::default()
        };
        let mut schema: Vec<Value<up::SchemaAttribute>> = Vec::new();
        if props.sign_in_with_email {
            schema.push(
                up::SchemaAttribute {
                    name: Some("email".into()),
                    required: Some(true.into()),
                    mutable: Some(true.into()),
                    ..Default::default()
                }
                .into(),
            );
        }
        schema.extend(props.custom_attributes.iter().map(custom_attribute));
        let (mfa, enabled) = match props.mfa {
            Mfa::Off => ("OFF", None),
            Mfa::OptionalTotp => ("OPTIONAL", Some(Value::list(["SOFTWARE_TOKEN_MFA"]))),
            Mfa::RequiredTotp => ("ON", Some(Value::list(["SOFTWARE_TOKEN_MFA"]))),
        };
        let email = props.sign_in_with_email.then(|| Value::list(["email"]));
        let l1 = cfn::UserPool {
            user_pool_name: props.user_pool_name.clone().map(Value::from),
            admin_create_user_config: Some(
                up::AdminCreateUserConfig {
                    allow_admin_create_user_only: Some((!props.self_sign_up).into()),
                    ..Default::default()
                }
                .into(),
            ),
            username_attributes: email.clone(),
            auto_verified_attributes: email,
            username_configuration: Some(
                up::UsernameConfiguration {
                    case_sensitive: Some(false.into()),
                }
                .into(),
            ),
            policies: Some(
                up::Policies {
                    password_policy: Some(password.into()),
                    ..Default::default()
                }
                .into(),
            ),
            mfa_configuration: Some(mfa.into()),
            enabled_mfas: enabled,
            schema: (!schema.is_empty()).then_some(Value::Lit(schema)),
            account_recovery_setting: Some(recovery(props.account_recovery).into()),
            deletion_protection: Some(
                if props.deletion_protection {
                    "ACTIVE"
                } else {
                    "INACTIVE"
                }
                .into(),
            ),
            ..Default::default()
        };
        let resource = scope.resource_with(
            "Resource",
            l1,
            ResourceOptions::removal(props.removal_policy),
        );
        UserPool { scope, resource }
    }

    /// The pool's ID (`Ref`).
    pub fn user_pool_id(&self) -> Value<String> {
        self.resource.ref_()
    }

    /// The pool's ARN.
    pub fn user_pool_arn(&self) -> Value<String> {
        self.resource.arn()
    }

    /// `cognito-idp.<region>.amazonaws.com/<pool id>`, as identity pools
    /// and JWT issuers name the pool.
    pub fn provider_name(&self) -> Value<String> {
        self.resource.provider_name()
    }

    /// `https://cognito-idp.<region>.amazonaws.com/<pool id>`, the token issuer.
    pub fn provider_url(&self) -> Value<String> {
        self.resource.provider_url()
    }

    /// Adds an `AWS::Cognito::UserPoolGroup` at `<pool>/<id>`.
    pub fn add_group(&self, id: &str, props: UserPoolGroupProps) -> cfn::UserPoolGroupRef {
        let name = props.group_name.unwrap_or_else(|| id.to_string());
        let ok = !name.is_empty()
            && name.chars().count() <= 128
            && !name.chars().any(char::is_whitespace);
        if !ok {
            self.scope.error(
                "cognito-group",
                format!("the group name {name:?} must be 1 to 128 characters without spaces"),
            );
        }
        if props.description.as_ref().is_some_and(|d| d.len() > 2048) {
            self.scope.error(
                "cognito-group",
                format!("the description of group {name:?} is longer than 2048 characters"),
            );
        }
        if props
            .precedence
            .is_some_and(|p| i64::from(p) > i64::from(i32::MAX))
        {
            self.scope.error(
                "cognito-group",
                format!("the precedence of group {name:?} must be at most 2147483647"),
            );
        }
        self.scope.resource(
            id,
            cfn::UserPoolGroup {
                group_name: Some(name.into()),
                description: props.description.map(Value::from),
                precedence: props.precedence.map(|p| Value::from(i64::from(p))),
                role_arn: props.role_arn,
                ..cfn::UserPoolGroup::new(self.user_pool_id())
            },
        )
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::UserPoolRef {
        &self.resource
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

fn custom_attribute(a: &CustomAttribute) -> Value<up::SchemaAttribute> {
    let (kind, strings, numbers) = match &a.kind {
        AttributeKind::String { min_len, max_len } => (
            "String",
            Some(up::StringAttributeConstraints {
                min_length: Some(min_len.to_string().into()),
                max_length: Some(max_len.to_string().into()),
            }),
            None,
        ),
        AttributeKind::Number { min, max } => (
            "Number",
            None,
            Some(up::NumberAttributeConstraints {
                min_value: Some(min.to_string().into()),
                max_value: Some(max.to_string().into()),
            }),
        ),
        AttributeKind::Boolean => ("Boolean", None, None),
        AttributeKind::DateTime => ("DateTime", None, None),
    };
    up::SchemaAttribute {
        name: Some(a.name.as_str().into()),
        attribute_data_type: Some(kind.into()),
        mutable: Some(a.mutable.into()),
        string_attribute_constraints: strings.map(Into::into),
        number_attribute_constraints: numbers.map(Into::into),
        ..Default::default()
    }
    .into()
}

fn recovery(r: AccountRecovery) -> up::AccountRecoverySetting {
    let options: &[&str] = match r {
        AccountRecovery::EmailOnly => &["verified_email"],
        AccountRecovery::PhoneOnlyWithoutMfa => &["verified_phone_number"],
        AccountRecovery::EmailAndPhoneWithoutMfa => &["verified_email", "verified_phone_number"],
        AccountRecovery::PhoneWithoutMfaAndEmail => &["verified_phone_number", "verified_email"],
        AccountRecovery::AdminOnly => &["admin_only"],
    };
    up::AccountRecoverySetting {
        recovery_mechanisms: Some(Value::Lit(
            options
                .iter()
                .zip(1..)
                .map(|(name, priority)| {
                    up::RecoveryOption {
                        name: Some((*name).into()),
                        priority: Some(Value::from(priority)),
                    }
                    .into()
                })
                .collect(),
        )),
    }
}

fn problems(props: &UserPoolProps) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(name) = &props.user_pool_name {
        let ok = !name.is_empty()
            && name.len() <= 128
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || c.is_whitespace() || "_+=,.@-".contains(c));
        if !ok {
            out.push(format!(
                "the user pool name {name:?} must be 1 to 128 letters, digits, spaces or _+=,.@-"
            ));
        }
    }
    let p = &props.password_policy;
    if !(6..=99).contains(&p.min_length) {
        out.push(format!(
            "a minimum password length of {} is out of range; use 6 to 99",
            p.min_length
        ));
    }
    let t = p.temp_password_validity;
    if !t.as_secs().is_multiple_of(86_400) || t.subsec_nanos() != 0 || t.as_secs() / 86_400 > 365 {
        out.push(format!(
            "a temporary password validity of {t:?} is out of range; use whole days up to 365"
        ));
    }
    if props.custom_attributes.len() > 50 {
        out.push("a user pool has at most 50 custom attributes".into());
    }
    for (i, a) in props.custom_attributes.iter().enumerate() {
        let n = &a.name;
        let ok = !n.is_empty()
            && n.len() <= 20
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !n.starts_with("custom:");
        if !ok {
            out.push(format!(
                "the custom attribute name {n:?} must be 1 to 20 letters, digits or '_', without the custom: prefix"
            ));
        }
        if props.custom_attributes[..i].iter().any(|b| b.name == *n) {
            out.push(format!("the custom attribute {n:?} is defined twice"));
        }
        match a.kind {
            AttributeKind::String { min_len, max_len } if min_len > max_len || max_len > 2048 => {
                out.push(format!("custom attribute {n:?}: string lengths {min_len} to {max_len} are invalid; use min ≤ max ≤ 2048"));
            }
            AttributeKind::Number { min, max } if min > max => {
                out.push(format!(
                    "custom attribute {n:?}: the minimum {min} is above the maximum {max}"
                ));
            }
            _ => {}
        }
    }
    out
}
