//! Containers of a Fargate task: image, ports, environment, secrets from
//! Secrets Manager or SSM Parameter Store, health check and `awslogs`
//! logging, rendered into the task definition's `ContainerDefinitions`.

use std::time::Duration;

use strata_cfn::ecs::task_definition as td;
use strata_core::{Fn, Map, Scope, Value};

use crate::iam::{sub, Grant, Grantable};
use crate::logs::LogGroup;
use crate::secrets::Secret;

/// Where a container's image comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum ContainerImage {
    /// An image from a public registry, pulled without credentials, such
    /// as `public.ecr.aws/docker/library/nginx:1.27`.
    Registry(String),
    /// An ECR repository of the stack's account and region, by name and
    /// tag (or `sha256:` digest); the execution role may pull from it.
    Ecr {
        /// The repository name, such as `conversation-manager`.
        repository: String,
        /// The tag or digest, such as `1.4.2`.
        tag: String,
    },
}

impl ContainerImage {
    /// An image from a public registry.
    pub fn registry(image: &str) -> Self {
        ContainerImage::Registry(image.to_string())
    }

    /// An image in an ECR repository of the stack's account and region.
    pub fn ecr(repository: &str, tag: &str) -> Self {
        ContainerImage::Ecr {
            repository: repository.to_string(),
            tag: tag.to_string(),
        }
    }

    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self {
            ContainerImage::Registry(image) => {
                if image.is_empty() || image.len() > 255 || image.contains(char::is_whitespace) {
                    out.push(format!(
                        "image {image:?} must be 1 to 255 characters without spaces"
                    ));
                }
            }
            ContainerImage::Ecr { repository, tag } => {
                let repo_ok = (2..=256).contains(&repository.len())
                    && repository
                        .starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
                    && repository.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || "._-/".contains(c)
                    });
                if !repo_ok {
                    out.push(format!(
                        "ECR repository name {repository:?} must be 2 to 256 lower-case letters, digits and ._-/ starting with a letter or digit"
                    ));
                }
                let digest = tag
                    .strip_prefix("sha256:")
                    .is_some_and(|h| h.len() == 64 && h.chars().all(|c| c.is_ascii_hexdigit()));
                let tag_ok = !tag.is_empty()
                    && tag.len() <= 128
                    && tag.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
                    && tag
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
                if !(digest || tag_ok) {
                    out.push(format!(
                        "image tag {tag:?} must be 1 to 128 letters, digits and _.- (or a sha256: digest)"
                    ));
                }
            }
        }
        out
    }

    fn image_name(&self) -> Value<String> {
        match self {
            ContainerImage::Registry(image) => image.as_str().into(),
            ContainerImage::Ecr { repository, tag } => {
                let separator = if tag.starts_with("sha256:") { "@" } else { ":" };
                Fn::sub(&format!(
                    "${{AWS::AccountId}}.dkr.ecr.${{AWS::Region}}.${{AWS::URLSuffix}}/{repository}{separator}{tag}"
                ))
            }
        }
    }

    /// Lets `grantee` pull the image: the ECR read actions on the
    /// repository, and `ecr:GetAuthorizationToken`, which has no resource.
    fn grant_pull(&self, grantee: &dyn Grantable) {
        if let ContainerImage::Ecr { repository, .. } = self {
            Grant::to_principal(
                grantee,
                &[
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:GetDownloadUrlForLayer",
                    "ecr:BatchGetImage",
                ],
                vec![Fn::sub(&format!(
                    "arn:${{AWS::Partition}}:ecr:${{AWS::Region}}:${{AWS::AccountId}}:repository/{repository}"
                ))],
            );
            Grant::to_principal(grantee, &["ecr:GetAuthorizationToken"], vec!["*".into()]);
        }
    }
}

/// A port the container listens on.
#[derive(Clone, Debug, PartialEq)]
pub struct PortMapping {
    /// The container port, 1–65535 (on Fargate the host port is the same).
    pub container_port: u32,
    /// `tcp` when false, `udp` when true.
    pub udp: bool,
    /// A name, for Service Connect.
    pub name: Option<String>,
}

impl PortMapping {
    /// A TCP port.
    pub fn tcp(container_port: u32) -> Self {
        PortMapping {
            container_port,
            udp: false,
            name: None,
        }
    }
}

/// A secret exposed to the container as an environment variable; the
/// task's execution role is granted read access to exactly it.
#[derive(Clone)]
pub enum ContainerSecret {
    /// A Secrets Manager secret of this app, whole or one JSON key.
    SecretsManager {
        /// The secret.
        secret: Secret,
        /// A key of a JSON secret (`<arn>:<key>::`); `None` for the whole value.
        json_key: Option<String>,
    },
    /// A Secrets Manager secret made elsewhere, by full ARN.
    SecretArn {
        /// The secret's full ARN.
        arn: Value<String>,
        /// A key of a JSON secret; `None` for the whole value.
        json_key: Option<String>,
    },
    /// An SSM parameter of the stack's account and region.
    SsmParameter {
        /// The parameter name, such as `/bird-agent/api-url`.
        name: String,
        /// The customer key of a `SecureString`, which the execution role
        /// may then decrypt with through SSM.
        kms_key_arn: Option<Value<String>>,
    },
}

impl ContainerSecret {
    /// The whole value of `secret`.
    pub fn secrets_manager(secret: &Secret) -> Self {
        ContainerSecret::SecretsManager {
            secret: secret.clone(),
            json_key: None,
        }
    }

    /// The field `key` of the JSON secret `secret`.
    pub fn secrets_manager_json(secret: &Secret, key: &str) -> Self {
        ContainerSecret::SecretsManager {
            secret: secret.clone(),
            json_key: Some(key.to_string()),
        }
    }

    /// An SSM parameter by name.
    pub fn ssm_parameter(name: &str) -> Self {
        ContainerSecret::SsmParameter {
            name: name.to_string(),
            kms_key_arn: None,
        }
    }

    fn problems(&self) -> Vec<String> {
        let key_problem = |key: &Option<String>| {
            key.as_ref()
                .filter(|k| k.is_empty() || k.contains([':', '$']))
                .map(|k| format!("JSON key {k:?} must be non-empty and without ':' or '$'"))
        };
        match self {
            ContainerSecret::SecretsManager { json_key, .. }
            | ContainerSecret::SecretArn { json_key, .. } => {
                key_problem(json_key).into_iter().collect()
            }
            ContainerSecret::SsmParameter { name, .. } => {
                let ok = !name.is_empty()
                    && name.len() <= 2048
                    && !name.starts_with("aws")
                    && !name.starts_with("ssm")
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_.-/".contains(c));
                if ok {
                    Vec::new()
                } else {
                    vec![format!(
                        "SSM parameter name {name:?} must be letters, digits and _.-/ and not start with \"aws\" or \"ssm\""
                    )]
                }
            }
        }
    }

    fn value_from(&self) -> Value<String> {
        let with_key = |arn: Value<String>, key: &Option<String>| match key {
            None => arn,
            Some(k) => sub(&format!("${{Arn}}:{k}::"), vec![("Arn", arn)]),
        };
        match self {
            ContainerSecret::SecretsManager { secret, json_key } => {
                with_key(secret.secret_arn(), json_key)
            }
            ContainerSecret::SecretArn { arn, json_key } => with_key(arn.clone(), json_key),
            ContainerSecret::SsmParameter { name, .. } => parameter_arn(name),
        }
    }

    /// Grants `grantee` (the execution role) what ECS needs to read it.
    fn grant_read(&self, grantee: &dyn Grantable) {
        match self {
            ContainerSecret::SecretsManager { secret, .. } => {
                secret.grant_read(grantee);
            }
            ContainerSecret::SecretArn { arn, .. } => {
                Grant::to_principal(
                    grantee,
                    &[
                        "secretsmanager:GetSecretValue",
                        "secretsmanager:DescribeSecret",
                    ],
                    vec![arn.clone()],
                );
            }
            ContainerSecret::SsmParameter { name, kms_key_arn } => {
                Grant::to_principal(
                    grantee,
                    &[
                        "ssm:DescribeParameters",
                        "ssm:GetParameters",
                        "ssm:GetParameter",
                        "ssm:GetParameterHistory",
                    ],
                    vec![parameter_arn(name)],
                );
                if let Some(key) = kms_key_arn {
                    Grant::to_principal(grantee, &["kms:Decrypt"], vec![key.clone()]);
                }
            }
        }
    }
}

impl std::fmt::Debug for ContainerSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ContainerSecret::SecretsManager { secret, json_key } => f
                .debug_struct("SecretsManager")
                .field("secret", &secret.scope().path())
                .field("json_key", json_key)
                .finish(),
            ContainerSecret::SecretArn { arn, json_key } => f
                .debug_struct("SecretArn")
                .field("arn", arn)
                .field("json_key", json_key)
                .finish(),
            ContainerSecret::SsmParameter { name, kms_key_arn } => f
                .debug_struct("SsmParameter")
                .field("name", name)
                .field("kms_key_arn", kms_key_arn)
                .finish(),
        }
    }
}

fn parameter_arn(name: &str) -> Value<String> {
    Fn::sub(&format!(
        "arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter/{}",
        name.trim_start_matches('/')
    ))
}

/// A Docker health check run inside the container. `new` gives the
/// defaults of ECS: every 30 s, 5 s timeout, 3 retries.
#[derive(Clone, Debug, PartialEq)]
pub struct ContainerHealthCheck {
    /// The command; one string runs through the shell (`CMD-SHELL`), more
    /// run directly (`CMD`) unless the first is `CMD` or `CMD-SHELL`.
    pub command: Vec<String>,
    /// Time between checks, 5–300 s.
    pub interval: Duration,
    /// Time a check may take, 2–120 s, not above the interval.
    pub timeout: Duration,
    /// Failures before the container is unhealthy, 1–10.
    pub retries: u32,
    /// Grace period after start, 0–300 s.
    pub start_period: Option<Duration>,
}

impl ContainerHealthCheck {
    /// A check running `command` through the shell.
    pub fn shell(command: &str) -> Self {
        ContainerHealthCheck {
            command: vec![command.to_string()],
            interval: Duration::from_secs(30),
            timeout: Duration::from_secs(5),
            retries: 3,
            start_period: None,
        }
    }

    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.command.iter().all(String::is_empty) {
            out.push("a health check needs a command".into());
        }
        let ranged = [
            ("interval", Some(self.interval), 5, 300),
            ("timeout", Some(self.timeout), 2, 120),
            ("start period", self.start_period, 0, 300),
        ];
        for (what, d, lo, hi) in ranged {
            if let Some(d) = d {
                match secs(d) {
                    Some(s) if (lo..=hi).contains(&s) => {}
                    _ => out.push(format!(
                        "health check {what} of {d:?} is out of range; use whole seconds from {lo} to {hi}"
                    )),
                }
            }
        }
        if self.timeout > self.interval {
            out.push("the health check timeout must not exceed its interval".into());
        }
        if !(1..=10).contains(&self.retries) {
            out.push(format!(
                "health check retries {} is out of range; use 1 to 10",
                self.retries
            ));
        }
        out
    }

    fn render(&self) -> td::HealthCheck {
        let mut command: Vec<String> = Vec::new();
        match self.command.as_slice() {
            [one] => command.extend(["CMD-SHELL".to_string(), one.clone()]),
            [first, ..] if first == "CMD" || first == "CMD-SHELL" => {
                command.extend(self.command.iter().cloned())
            }
            _ => {
                command.push("CMD".to_string());
                command.extend(self.command.iter().cloned());
            }
        }
        td::HealthCheck {
            command: Some(Value::list(command)),
            interval: secs(self.interval).map(Value::from),
            retries: Some(i64::from(self.retries).into()),
            start_period: self.start_period.and_then(secs).map(Value::from),
            timeout: secs(self.timeout).map(Value::from),
        }
    }
}

/// How the container's output is logged.
#[derive(Clone, Debug)]
pub enum LogDriver {
    /// The `awslogs` driver to a CloudWatch Logs group; the execution role
    /// may write to it.
    AwsLogs {
        /// The group.
        log_group: LogGroup,
        /// Streams are named `<prefix>/<container>/<task id>`.
        stream_prefix: String,
        /// Buffer logs instead of blocking the application when
        /// CloudWatch Logs is slow (`mode: non-blocking`).
        non_blocking: bool,
    },
}

impl LogDriver {
    /// `awslogs` to `log_group` with `stream_prefix`, blocking mode.
    pub fn aws_logs(log_group: &LogGroup, stream_prefix: &str) -> Self {
        LogDriver::AwsLogs {
            log_group: log_group.clone(),
            stream_prefix: stream_prefix.to_string(),
            non_blocking: false,
        }
    }

    fn render(&self) -> td::LogConfiguration {
        let LogDriver::AwsLogs {
            log_group,
            stream_prefix,
            non_blocking,
        } = self;
        let mut options: Map<Value<String>> = Map::new();
        options.insert("awslogs-group".into(), log_group.log_group_name());
        options.insert(
            "awslogs-stream-prefix".into(),
            stream_prefix.as_str().into(),
        );
        options.insert("awslogs-region".into(), Fn::region());
        if *non_blocking {
            options.insert("mode".into(), "non-blocking".into());
        }
        td::LogConfiguration {
            options: Some(Value::Lit(options)),
            ..td::LogConfiguration::new("awslogs")
        }
    }
}

/// Settings of a container. `ContainerProps::new(image)` gives an
/// essential container with nothing else set.
#[derive(Clone, Debug)]
pub struct ContainerProps {
    /// The image.
    pub image: ContainerImage,
    /// The container name; `None` uses the construct id.
    pub container_name: Option<String>,
    /// Whether the task stops when this container stops (default true).
    pub essential: bool,
    /// CPU units reserved for the container, within the task's.
    pub cpu: Option<u32>,
    /// Hard memory limit in MiB, within the task's.
    pub memory_limit_mib: Option<u32>,
    /// Soft memory reservation in MiB.
    pub memory_reservation_mib: Option<u32>,
    /// Listening ports.
    pub port_mappings: Vec<PortMapping>,
    /// Plain environment variables, in order.
    pub environment: Vec<(String, Value<String>)>,
    /// Secret environment variables, in order.
    pub secrets: Vec<(String, ContainerSecret)>,
    /// The Docker health check.
    pub health_check: Option<ContainerHealthCheck>,
    /// Logging.
    pub logging: Option<LogDriver>,
    /// Overrides the image's command.
    pub command: Vec<String>,
    /// Overrides the image's entry point.
    pub entry_point: Vec<String>,
    /// Mount the root file system read-only.
    pub readonly_root_filesystem: bool,
    /// The user to run as.
    pub user: Option<String>,
    /// Time to stop gracefully before `SIGKILL`, up to 120 s.
    pub stop_timeout: Option<Duration>,
}

impl ContainerProps {
    /// An essential container running `image`.
    pub fn new(image: ContainerImage) -> Self {
        ContainerProps {
            image,
            container_name: None,
            essential: true,
            cpu: None,
            memory_limit_mib: None,
            memory_reservation_mib: None,
            port_mappings: Vec::new(),
            environment: Vec::new(),
            secrets: Vec::new(),
            health_check: None,
            logging: None,
            command: Vec::new(),
            entry_point: Vec::new(),
            readonly_root_filesystem: false,
            user: None,
            stop_timeout: None,
        }
    }

    /// Whether the execution role is needed to start the container.
    pub(crate) fn needs_execution_role(&self) -> bool {
        matches!(self.image, ContainerImage::Ecr { .. })
            || !self.secrets.is_empty()
            || self.logging.is_some()
    }

    /// Grants the execution role what starting the container needs.
    pub(crate) fn grant_execution(&self, role: &dyn Grantable) {
        self.image.grant_pull(role);
        for (_, s) in &self.secrets {
            s.grant_read(role);
        }
        if let Some(LogDriver::AwsLogs { log_group, .. }) = &self.logging {
            log_group.grant_write(role);
        }
    }

    /// What ECS would reject about this container on its own.
    pub(crate) fn problems(&self, name: &str) -> Vec<String> {
        let mut out = self.image.problems();
        let name_ok = !name.is_empty()
            && name.len() <= 255
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !name_ok {
            out.push(format!(
                "container name {name:?} must be 1 to 255 letters, digits, hyphens and underscores"
            ));
        }
        for (i, p) in self.port_mappings.iter().enumerate() {
            if !(1..=65535).contains(&p.container_port) {
                out.push(format!(
                    "container port {} is outside 1-65535",
                    p.container_port
                ));
            }
            if self.port_mappings[..i]
                .iter()
                .any(|q| q.container_port == p.container_port && q.udp == p.udp)
            {
                out.push(format!(
                    "container port {} is mapped twice",
                    p.container_port
                ));
            }
        }
        let mut names: Vec<&str> = Vec::new();
        for n in self
            .environment
            .iter()
            .map(|(n, _)| n)
            .chain(self.secrets.iter().map(|(n, _)| n))
        {
            if n.is_empty() || names.contains(&n.as_str()) {
                out.push(format!(
                    "environment variable {n:?} is empty or set twice (environment and secrets share names)"
                ));
            }
            names.push(n);
        }
        for (_, s) in &self.secrets {
            out.extend(s.problems());
        }
        if let Some(h) = &self.health_check {
            out.extend(h.problems());
        }
        if let (Some(limit), Some(reservation)) =
            (self.memory_limit_mib, self.memory_reservation_mib)
        {
            if limit < reservation {
                out.push(format!(
                    "memory limit {limit} MiB is below the reservation {reservation} MiB"
                ));
            }
        }
        if let Some(t) = self.stop_timeout {
            if !secs(t).is_some_and(|s| (0..=120).contains(&s)) {
                out.push(format!(
                    "stop timeout of {t:?} is out of range; use whole seconds up to 120"
                ));
            }
        }
        if let Some(LogDriver::AwsLogs { stream_prefix, .. }) = &self.logging {
            if stream_prefix.is_empty() || stream_prefix.contains([':', '*']) {
                out.push(format!(
                    "log stream prefix {stream_prefix:?} must be non-empty without ':' or '*'"
                ));
            }
        }
        out
    }

    /// The L1 container definition.
    pub(crate) fn render(&self, name: &str) -> td::ContainerDefinition {
        let strings =
            |v: &[String]| (!v.is_empty()).then(|| Value::list(v.iter().map(String::as_str)));
        td::ContainerDefinition {
            command: strings(&self.command),
            cpu: self.cpu.map(|c| i64::from(c).into()),
            entry_point: strings(&self.entry_point),
            environment: (!self.environment.is_empty()).then(|| {
                Value::list(self.environment.iter().map(|(n, v)| td::KeyValuePair {
                    name: Some(n.as_str().into()),
                    value: Some(v.clone()),
                }))
            }),
            essential: Some(self.essential.into()),
            health_check: self.health_check.as_ref().map(|h| h.render().into()),
            log_configuration: self.logging.as_ref().map(|l| l.render().into()),
            memory: self.memory_limit_mib.map(|m| i64::from(m).into()),
            memory_reservation: self.memory_reservation_mib.map(|m| i64::from(m).into()),
            port_mappings: (!self.port_mappings.is_empty()).then(|| {
                Value::list(self.port_mappings.iter().map(|p| td::PortMapping {
                    container_port: Some(i64::from(p.container_port).into()),
                    name: p.name.as_deref().map(Value::from),
                    protocol: Some(if p.udp { "udp" } else { "tcp" }.into()),
                    ..td::PortMapping::new()
                }))
            }),
            readonly_root_filesystem: self.readonly_root_filesystem.then(|| true.into()),
            secrets: (!self.secrets.is_empty()).then(|| {
                Value::list(
                    self.secrets
                        .iter()
                        .map(|(n, s)| td::Secret::new(n.as_str(), s.value_from())),
                )
            }),
            stop_timeout: self.stop_timeout.and_then(secs).map(Value::from),
            user: self.user.as_deref().map(Value::from),
            ..td::ContainerDefinition::new(self.image.image_name(), name)
        }
    }
}

/// A container added to a task definition (a construct at
/// `<task definition>/<id>`, with no resource of its own).
#[derive(Clone, Debug)]
pub struct ContainerDefinition {
    pub(crate) scope: Scope,
    pub(crate) name: String,
    pub(crate) essential: bool,
    pub(crate) ports: Vec<PortMapping>,
}

impl ContainerDefinition {
    /// The container name.
    pub fn container_name(&self) -> &str {
        &self.name
    }

    /// The first mapped port, the default target of load balancers.
    pub fn container_port(&self) -> Option<u32> {
        self.ports.first().map(|p| p.container_port)
    }

    /// Whether the task stops when this container stops.
    pub fn essential(&self) -> bool {
        self.essential
    }

    /// The container's construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

pub(crate) fn secs(d: Duration) -> Option<i64> {
    (d.subsec_nanos() == 0).then(|| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
