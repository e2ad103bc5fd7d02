//! Secrets Manager secrets: generated values, a KMS key, rotation,
//! attachment to a database, read grants and dynamic references.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use strata_cfn::secrets_manager as sm;
use strata_core::{Fn, Json, RemovalPolicy, ResourceOptions, Scope, Value};

use crate::iam::{
    service_endpoint, sub, Grant, Grantable, PolicyDocument, PolicyKind, PolicyResource,
    PolicyStatement, Principal, ViaService,
};
use crate::kms::Key;

const READ_ACTIONS: &[&str] = &[
    "secretsmanager:GetSecretValue",
    "secretsmanager:DescribeSecret",
];
const WRITE_ACTIONS: &[&str] = &[
    "secretsmanager:PutSecretValue",
    "secretsmanager:UpdateSecret",
];
const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;

/// The key a secret is encrypted with.
#[derive(Clone)]
pub enum SecretEncryption {
    /// A key of this app: the secret adds the key-policy statements Secrets
    /// Manager needs, and grants also allow `kms:Decrypt` through it.
    Key(Key),
    /// A key known only by ARN; grants allow `kms:Decrypt` on that ARN.
    Arn(Value<String>),
}

impl SecretEncryption {
    fn arn(&self) -> Value<String> {
        match self {
            SecretEncryption::Key(k) => k.key_arn(),
            SecretEncryption::Arn(a) => a.clone(),
        }
    }
}

impl From<&Key> for SecretEncryption {
    fn from(key: &Key) -> Self {
        SecretEncryption::Key(key.clone())
    }
}

/// How Secrets Manager generates the secret value (`GenerateSecretString`).
///
/// ```
/// use strata::secrets::GenerateSecret;
/// let g = GenerateSecret::for_json(serde_json::json!({"username": "postgres"}), "password");
/// assert_eq!(g.generate_string_key.as_deref(), Some("password"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct GenerateSecret {
    /// Length, 1 to 4096 (AWS's default is 32).
    pub length: Option<u32>,
    /// Characters never used.
    pub exclude_characters: Option<String>,
    /// No punctuation.
    pub exclude_punctuation: bool,
    /// No digits.
    pub exclude_numbers: bool,
    /// No uppercase letters.
    pub exclude_uppercase: bool,
    /// No lowercase letters.
    pub exclude_lowercase: bool,
    /// Allow the space character.
    pub include_space: bool,
    /// At least one character of each included type (AWS's default is true).
    pub require_each_included_type: Option<bool>,
    /// For JSON secrets: the object the generated value is added to.
    pub secret_string_template: Option<Json>,
    /// For JSON secrets: the key the generated value is stored under.
    pub generate_string_key: Option<String>,
}

impl GenerateSecret {
    /// A JSON secret: `template` plus a generated value under `key`.
    pub fn for_json(template: Json, key: &str) -> Self {
        GenerateSecret {
            secret_string_template: Some(template),
            generate_string_key: Some(key.to_string()),
            ..Self::default()
        }
    }

    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(n) = self.length.filter(|n| !(1..=4096).contains(n)) {
            out.push(format!(
                "a generated length of {n} is out of range; use 1 to 4096"
            ));
        }
        if self.exclude_numbers
            && self.exclude_punctuation
            && self.exclude_uppercase
            && self.exclude_lowercase
            && !self.include_space
        {
            out.push("every character type is excluded; keep at least one".to_string());
        }
        match (&self.secret_string_template, &self.generate_string_key) {
            (None, None) => {}
            (Some(Json::Object(map)), Some(key)) if !key.is_empty() => {
                if map.contains_key(key) {
                    out.push(format!("the template already has the key {key:?} the generated value goes to; remove it from the template"));
                }
            }
            _ => out.push("a JSON secret needs both secret_string_template (a JSON object) and a non-empty generate_string_key".to_string()),
        }
        out
    }

    fn to_l1(&self) -> sm::secret::GenerateSecretString {
        let flag = |b: bool| b.then(|| Value::from(true));
        sm::secret::GenerateSecretString {
            exclude_characters: self.exclude_characters.clone().map(Value::from),
            exclude_lowercase: flag(self.exclude_lowercase),
            exclude_numbers: flag(self.exclude_numbers),
            exclude_punctuation: flag(self.exclude_punctuation),
            exclude_uppercase: flag(self.exclude_uppercase),
            generate_string_key: self.generate_string_key.clone().map(Value::from),
            include_space: flag(self.include_space),
            password_length: self.length.map(|n| Value::from(i64::from(n))),
            require_each_included_type: self.require_each_included_type.map(Value::from),
            secret_string_template: self
                .secret_string_template
                .as_ref()
                .map(|t| Value::from(t.to_string())),
        }
    }
}

/// The settings of a [`Secret`].
#[derive(Clone)]
pub struct SecretProps {
    /// The secret's description.
    pub description: Option<Value<String>>,
    /// A physical name; generated by CloudFormation when unset.
    pub secret_name: Option<String>,
    /// The KMS key; the account's `aws/secretsmanager` key when unset.
    pub encryption_key: Option<SecretEncryption>,
    /// How the value is generated; when unset, Secrets Manager's defaults
    /// (`GenerateSecretString: {}`, a 32-character password), as in the CDK.
    pub generate: Option<GenerateSecret>,
    /// What happens to the secret when it leaves the stack; `Retain` by default.
    pub removal_policy: RemovalPolicy,
}

impl Default for SecretProps {
    fn default() -> Self {
        SecretProps {
            description: None,
            secret_name: None,
            encryption_key: None,
            generate: None,
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

/// A Secrets Manager secret (`AWS::SecretsManager::Secret` at `<id>/Resource`).
///
/// ```
/// use strata::secrets::{GenerateSecret, Secret, SecretProps};
/// use strata::prelude::*;
/// let app = App::new();
/// let stack = app.stack("Cache", StackProps::default());
/// let token = Secret::new(&stack, "RedisAuthToken", SecretProps {
///     generate: Some(GenerateSecret { length: Some(64), exclude_punctuation: true, ..Default::default() }),
///     ..SecretProps::default()
/// });
/// stack.output("Token", Output::new(token.secret_value()));
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let secret = &t["Resources"]["RedisAuthToken241E45D5"];
/// assert_eq!(secret["Properties"]["GenerateSecretString"]["PasswordLength"], 64);
/// assert_eq!(secret["DeletionPolicy"], "Retain");
/// ```
#[derive(Clone)]
pub struct Secret {
    scope: Scope,
    resource: sm::SecretRef,
    key: Option<SecretEncryption>,
    policy: Rc<RefCell<Option<(Scope, PolicyDocument)>>>,
    attached: Rc<Cell<bool>>,
}

impl Secret {
    /// Adds a secret under `scope` with construct id `id`.
    pub fn new(scope: &Scope, id: &str, props: SecretProps) -> Secret {
        let scope = scope.child(id);
        let generate = props.generate.unwrap_or_default();
        for p in generate.problems() {
            scope.error("generate-secret", p);
        }
        if let Some(name) = &props.secret_name {
            let ok = !name.is_empty()
                && name.len() <= 512
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/_+=.@-".contains(c));
            if !ok {
                scope.error("secret-name", format!("the secret name {name:?} must be 1 to 512 letters, digits or /_+=.@- characters"));
            }
        }
        let resource = scope.resource_with(
            "Resource",
            sm::Secret {
                description: props.description,
                generate_secret_string: Some(generate.to_l1().into()),
                kms_key_id: props.encryption_key.as_ref().map(SecretEncryption::arn),
                name: props.secret_name.map(Value::from),
                ..sm::Secret::default()
            },
            ResourceOptions::removal(props.removal_policy),
        );
        if let Some(SecretEncryption::Key(key)) = &props.encryption_key {
            // Secrets Manager encrypts and decrypts on the account's behalf.
            let account = Principal::account_root_of(&scope);
            let via = ViaService::new(service_endpoint(&scope, "secretsmanager"), &account);
            key.grant_encrypt_decrypt(&via);
            key.grant(&via, &["kms:CreateGrant", "kms:DescribeKey"]);
        }
        Secret {
            scope,
            resource,
            key: props.encryption_key,
            policy: Rc::new(RefCell::new(None)),
            attached: Rc::new(Cell::new(false)),
        }
    }

    /// The secret's ARN (`Ref`).
    pub fn secret_arn(&self) -> Value<String> {
        self.resource.ref_()
    }

    /// The ARN of the key the secret is encrypted with, if one was given.
    pub fn encryption_key_arn(&self) -> Option<Value<String>> {
        self.key.as_ref().map(SecretEncryption::arn)
    }

    /// The L1 handle, for references and resource options.
    pub fn handle(&self) -> sm::SecretRef {
        self.resource
    }

    /// The secret's construct scope (`<id>`).
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The whole secret string as a dynamic reference,
    /// `{{resolve:secretsmanager:<arn>:SecretString:::}}`, for properties
    /// that accept one (such as a Redis `AuthToken`).
    pub fn secret_value(&self) -> Value<String> {
        self.dynamic_reference("")
    }

    /// One field of a JSON secret as a dynamic reference,
    /// `{{resolve:secretsmanager:<arn>:SecretString:<key>::}}`.
    pub fn secret_value_from_json(&self, key: &str) -> Value<String> {
        if key.is_empty() || key.contains([':', '{', '}']) {
            self.scope.error(
                "secret-json-key",
                format!("{key:?} cannot be read from a JSON secret by dynamic reference; use a non-empty key without ':' or braces"),
            );
        }
        self.dynamic_reference(key)
    }

    fn dynamic_reference(&self, key: &str) -> Value<String> {
        sub(
            "{{resolve:secretsmanager:${SecretArn}:SecretString:${Key}::}}",
            vec![("SecretArn", self.secret_arn()), ("Key", key.into())],
        )
    }

    /// Allows reading the secret (`GetSecretValue`, `DescribeSecret` on its
    /// ARN) and, when it has a key, `kms:Decrypt` on the key through
    /// Secrets Manager only.
    pub fn grant_read(&self, grantee: &dyn Grantable) -> Grant {
        self.grant_with_key(grantee, READ_ACTIONS, &["kms:Decrypt"])
    }

    /// Allows updating the secret value (`PutSecretValue`, `UpdateSecret`)
    /// and, when it has a key, encryption with it through Secrets Manager.
    pub fn grant_write(&self, grantee: &dyn Grantable) -> Grant {
        self.grant_with_key(
            grantee,
            WRITE_ACTIONS,
            &["kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
        )
    }

    fn grant_with_key(
        &self,
        grantee: &dyn Grantable,
        actions: &[&str],
        key_actions: &[&str],
    ) -> Grant {
        let arn = vec![self.secret_arn()];
        let grant = Grant::to_principal_or_resource(grantee, actions, arn.clone(), self, arn);
        let via = ViaService::new(service_endpoint(&self.scope, "secretsmanager"), grantee);
        match &self.key {
            Some(SecretEncryption::Key(key)) => {
                key.grant(&via, key_actions);
            }
            Some(SecretEncryption::Arn(arn)) => {
                Grant::to_principal(&via, key_actions, vec![arn.clone()]);
            }
            None => {}
        }
        grant
    }

    /// Attaches the secret to a database (`AWS::SecretsManager::SecretTargetAttachment`
    /// at `<id>/Attachment/Resource`), so Secrets Manager adds its connection
    /// details and rotation can reach it. A secret is attached once.
    pub fn attach_to(
        &self,
        target_id: impl Into<Value<String>>,
        target: AttachmentTarget,
    ) -> SecretAttachment {
        if self.attached.replace(true) {
            self.scope.error(
                "secret-attachment",
                "the secret is already attached to a target; a secret is attached once",
            );
        }
        let resource = self.scope.child("Attachment").resource(
            "Resource",
            sm::SecretTargetAttachment::new(self.secret_arn(), target_id, target.as_str()),
        );
        SecretAttachment { resource }
    }

    /// Adds a rotation schedule (`AWS::SecretsManager::RotationSchedule` at
    /// `<id>/<schedule_id>/Resource`).
    ///
    /// A rotation Lambda needs a resource-based permission that lets
    /// `secretsmanager.amazonaws.com` invoke it. A hosted rotation Lambda
    /// is expanded by the `AWS::SecretsManager-2020-07-23` transform, which
    /// this adds to the stack.
    pub fn add_rotation_schedule(
        &self,
        schedule_id: &str,
        options: RotationOptions,
    ) -> sm::RotationScheduleRef {
        let scope = self.scope.child(schedule_id);
        for p in options.problems() {
            scope.error("rotation", p);
        }
        let (lambda, hosted) = match options.rotation {
            Rotation::Lambda(arn) => (Some(arn), None),
            Rotation::Hosted(h) => {
                scope.add_transform("AWS::SecretsManager-2020-07-23");
                (None, Some(h.to_l1(self.encryption_key_arn()).into()))
            }
        };
        let rules = sm::rotation_schedule::RotationRules {
            automatically_after_days: None,
            duration: options
                .window
                .map(|w| Value::from(format!("{}h", w.as_secs() / HOUR))),
            schedule_expression: Some(options.schedule.map_or_else(
                || {
                    rate(
                        options
                            .automatically_after
                            .unwrap_or(Duration::from_secs(30 * DAY)),
                    )
                },
                Value::from,
            )),
        };
        scope.resource(
            "Resource",
            sm::RotationSchedule {
                hosted_rotation_lambda: hosted,
                rotate_immediately_on_update: options.rotate_immediately_on_update.map(Value::from),
                rotation_lambda_arn: lambda,
                rotation_rules: Some(rules.into()),
                ..sm::RotationSchedule::new(self.secret_arn())
            },
        )
    }
}

impl PolicyResource for Secret {
    /// Adds a statement to the secret's resource policy
    /// (`AWS::SecretsManager::ResourcePolicy` at `<id>/Policy/Resource`,
    /// created on first use). Invalid statements are reported at synth.
    fn add_to_resource_policy(&self, statement: PolicyStatement) -> bool {
        let problems = statement.validate(PolicyKind::Resource);
        if !problems.is_empty() {
            for p in problems {
                self.scope.error(
                    "secret-policy",
                    format!("statement for the secret policy: {p}"),
                );
            }
            return true;
        }
        let mut slot = self.policy.borrow_mut();
        match slot.as_mut() {
            Some((res, doc)) => {
                doc.add_statement(statement);
                let value = doc.to_value();
                res.with_resource::<sm::ResourcePolicy>(|p| p.resource_policy = value);
            }
            None => {
                let doc = PolicyDocument::new().with_statement(statement);
                let handle = self.scope.child("Policy").resource(
                    "Resource",
                    sm::ResourcePolicy::new(doc.to_value(), self.secret_arn()),
                );
                if let Some(res) = self.scope.of(&handle) {
                    *slot = Some((res, doc));
                }
            }
        }
        true
    }
}

/// `rate(N days)` for whole days, `rate(N hours)` for 4 to 23 hours.
fn rate(after: Duration) -> Value<String> {
    let secs = after.as_secs();
    if secs.is_multiple_of(DAY) {
        format!("rate({} days)", secs / DAY).into()
    } else {
        format!("rate({} hours)", secs / HOUR).into()
    }
}

/// The kind of database a secret is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentTarget {
    /// `AWS::RDS::DBInstance`.
    RdsDbInstance,
    /// `AWS::RDS::DBCluster`.
    RdsDbCluster,
    /// `AWS::Redshift::Cluster`.
    RedshiftCluster,
    /// `AWS::DocDB::DBInstance`.
    DocDbDbInstance,
    /// `AWS::DocDB::DBCluster`.
    DocDbDbCluster,
}

impl AttachmentTarget {
    /// The CloudFormation type name.
    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentTarget::RdsDbInstance => "AWS::RDS::DBInstance",
            AttachmentTarget::RdsDbCluster => "AWS::RDS::DBCluster",
            AttachmentTarget::RedshiftCluster => "AWS::Redshift::Cluster",
            AttachmentTarget::DocDbDbInstance => "AWS::DocDB::DBInstance",
            AttachmentTarget::DocDbDbCluster => "AWS::DocDB::DBCluster",
        }
    }
}

/// A secret attached to a database.
#[derive(Debug, Clone, Copy)]
pub struct SecretAttachment {
    resource: sm::SecretTargetAttachmentRef,
}

impl SecretAttachment {
    /// The attached secret's ARN (`Ref` of the attachment), which resolves
    /// only once the attachment exists: use it for rotation and clients.
    pub fn secret_arn(&self) -> Value<String> {
        self.resource.ref_()
    }

    /// The L1 handle.
    pub fn handle(&self) -> sm::SecretTargetAttachmentRef {
        self.resource
    }
}

/// What rotates the secret.
#[derive(Debug, Clone)]
pub enum Rotation {
    /// A rotation Lambda function, by ARN.
    Lambda(Value<String>),
    /// A rotation Lambda that Secrets Manager creates from its templates.
    Hosted(HostedRotation),
}

/// The database engines Secrets Manager has rotation templates for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostedRotationType {
    /// MySQL.
    MySql,
    /// PostgreSQL.
    PostgreSql,
    /// Oracle.
    Oracle,
    /// MariaDB.
    MariaDb,
    /// SQL Server.
    SqlServer,
    /// Redshift.
    Redshift,
    /// MongoDB (DocumentDB).
    MongoDb,
}

impl HostedRotationType {
    fn prefix(self) -> &'static str {
        match self {
            HostedRotationType::MySql => "MySQL",
            HostedRotationType::PostgreSql => "PostgreSQL",
            HostedRotationType::Oracle => "Oracle",
            HostedRotationType::MariaDb => "MariaDB",
            HostedRotationType::SqlServer => "SQLServer",
            HostedRotationType::Redshift => "Redshift",
            HostedRotationType::MongoDb => "MongoDB",
        }
    }
}

/// A hosted rotation Lambda (`HostedRotationLambda`).
#[derive(Debug, Clone)]
pub struct HostedRotation {
    /// The engine.
    pub engine: HostedRotationType,
    /// For multi-user rotation: the ARN of the superuser secret.
    pub master_secret_arn: Option<Value<String>>,
    /// The Lambda function's name; generated when unset.
    pub function_name: Option<String>,
    /// Subnets of the Lambda, to reach a database in a VPC.
    pub vpc_subnet_ids: Vec<Value<String>>,
    /// Security groups of the Lambda; given together with subnets.
    pub vpc_security_group_ids: Vec<Value<String>>,
    /// Characters the rotated password never contains.
    pub exclude_characters: Option<String>,
}

impl HostedRotation {
    /// Single-user rotation: the secret's own user changes its password.
    pub fn single_user(engine: HostedRotationType) -> Self {
        HostedRotation {
            engine,
            master_secret_arn: None,
            function_name: None,
            vpc_subnet_ids: Vec::new(),
            vpc_security_group_ids: Vec::new(),
            exclude_characters: None,
        }
    }

    /// Multi-user rotation, with the superuser secret's ARN.
    pub fn multi_user(
        engine: HostedRotationType,
        master_secret_arn: impl Into<Value<String>>,
    ) -> Self {
        HostedRotation {
            master_secret_arn: Some(master_secret_arn.into()),
            ..Self::single_user(engine)
        }
    }

    fn to_l1(
        &self,
        kms_key_arn: Option<Value<String>>,
    ) -> sm::rotation_schedule::HostedRotationLambda {
        let users = if self.master_secret_arn.is_some() {
            "MultiUser"
        } else {
            "SingleUser"
        };
        let ids = |v: &Vec<Value<String>>| {
            (!v.is_empty()).then(|| Fn::join_list(",", Value::Lit(v.clone())))
        };
        sm::rotation_schedule::HostedRotationLambda {
            exclude_characters: self.exclude_characters.clone().map(Value::from),
            kms_key_arn,
            master_secret_arn: self.master_secret_arn.clone(),
            rotation_lambda_name: self.function_name.clone().map(Value::from),
            vpc_security_group_ids: ids(&self.vpc_security_group_ids),
            vpc_subnet_ids: ids(&self.vpc_subnet_ids),
            ..sm::rotation_schedule::HostedRotationLambda::new(format!(
                "{}{users}",
                self.engine.prefix()
            ))
        }
    }
}

/// How and when a secret rotates.
#[derive(Debug, Clone)]
pub struct RotationOptions {
    /// The rotation function.
    pub rotation: Rotation,
    /// Rotate this long after the last rotation: whole days up to 1000, or
    /// 4 to 23 whole hours; 30 days when neither this nor `schedule` is set.
    pub automatically_after: Option<Duration>,
    /// A `cron(...)` or `rate(...)` expression instead of `automatically_after`.
    pub schedule: Option<String>,
    /// The rotation window, 1 to 24 whole hours.
    pub window: Option<Duration>,
    /// Rotate as soon as the schedule is created or changed.
    pub rotate_immediately_on_update: Option<bool>,
}

impl RotationOptions {
    /// Rotation with `rotation` every 30 days.
    pub fn new(rotation: Rotation) -> Self {
        RotationOptions {
            rotation,
            automatically_after: None,
            schedule: None,
            window: None,
            rotate_immediately_on_update: None,
        }
    }

    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.automatically_after.is_some() && self.schedule.is_some() {
            out.push("give automatically_after or schedule, not both".to_string());
        }
        if let Some(d) = self.automatically_after {
            let s = d.as_secs();
            let whole_days = s.is_multiple_of(DAY) && (1..=1000).contains(&(s / DAY));
            let hours = s.is_multiple_of(HOUR) && (4..=23).contains(&(s / HOUR));
            if d.subsec_nanos() != 0 || !(whole_days || hours) {
                out.push(format!("rotating every {d:?} is not possible; use 1 to 1000 whole days or 4 to 23 whole hours"));
            }
        }
        if let Some(s) = &self.schedule {
            if !(s.starts_with("cron(") || s.starts_with("rate(")) || !s.ends_with(')') {
                out.push(format!(
                    "{s:?} is not a schedule expression; use cron(...) or rate(...)"
                ));
            }
        }
        if let Some(w) = self.window {
            let s = w.as_secs();
            if w.subsec_nanos() != 0 || !s.is_multiple_of(HOUR) || !(1..=24).contains(&(s / HOUR)) {
                out.push(format!(
                    "a rotation window of {w:?} is not possible; use 1 to 24 whole hours"
                ));
            }
        }
        if let Rotation::Hosted(h) = &self.rotation {
            if h.vpc_subnet_ids.is_empty() != h.vpc_security_group_ids.is_empty() {
                out.push(
                    "a hosted rotation Lambda in a VPC needs both subnets and security groups"
                        .to_string(),
                );
            }
        }
        out
    }
}
