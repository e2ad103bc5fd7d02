//! The OpenSearch domain construct and its props.

use strata_cfn::logs;
use strata_cfn::open_search_service as cfn;
use strata_core::{logical_id, Fn, Map, RemovalPolicy, ResourceOptions, Scope, Value};

use super::check::problems;
use crate::iam::{sub, Grant, Grantable, PolicyDocument, PolicyStatement, Principal};
use crate::secrets::{GenerateSecret, Secret, SecretEncryption, SecretProps};

/// Characters left out of a generated master password, as the CDK does.
const PASSWORD_EXCLUDED: &str = "{}'\\*[]()`";
const READ_ACTIONS: [&str; 2] = ["es:ESHttpGet", "es:ESHttpHead"];
const WRITE_ACTIONS: [&str; 4] = [
    "es:ESHttpDelete",
    "es:ESHttpPost",
    "es:ESHttpPut",
    "es:ESHttpPatch",
];

/// A group of nodes of one instance type.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeGroup {
    /// The instance type, `<family>.<size>.search`, such as `r6g.large.search`.
    pub instance_type: String,
    /// How many nodes.
    pub count: i64,
}

impl NodeGroup {
    /// `count` nodes of `instance_type`.
    pub fn new(instance_type: &str, count: i64) -> NodeGroup {
        NodeGroup {
            instance_type: instance_type.to_string(),
            count,
        }
    }
}

/// The gp3 EBS volume of each data node.
#[derive(Clone, Debug, PartialEq)]
pub struct Gp3Volume {
    /// Size in GiB (at least 10).
    pub size_gib: i64,
    /// Provisioned IOPS, 3000 to 16000 per 3 TiB; the 3000 baseline when unset.
    pub iops: Option<i64>,
    /// Throughput in MiB/s, 125 to 1000 per 3 TiB; the 125 baseline when unset.
    pub throughput_mibps: Option<i64>,
}

impl Gp3Volume {
    /// A volume of `size_gib` with the gp3 baseline performance.
    pub fn new(size_gib: i64) -> Gp3Volume {
        Gp3Volume {
            size_gib,
            iops: None,
            throughput_mibps: None,
        }
    }
}

/// The domain's VPC placement.
#[derive(Clone, Debug, PartialEq)]
pub struct DomainVpc {
    /// One subnet per Availability Zone the domain uses.
    pub subnet_ids: Vec<Value<String>>,
    /// The domain's security groups, such as `search_sg.group_id()`.
    pub security_group_ids: Vec<Value<String>>,
}

/// The minimum TLS version of the HTTPS endpoint (`TLSSecurityPolicy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TlsSecurityPolicy {
    /// TLS 1.2 (`Policy-Min-TLS-1-2-2019-07`), the default.
    #[default]
    Tls12,
    /// TLS 1.2 with perfect forward secrecy only (`Policy-Min-TLS-1-2-PFS-2023-10`).
    Tls12Pfs,
}

impl TlsSecurityPolicy {
    /// The CloudFormation spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TlsSecurityPolicy::Tls12 => "Policy-Min-TLS-1-2-2019-07",
            TlsSecurityPolicy::Tls12Pfs => "Policy-Min-TLS-1-2-PFS-2023-10",
        }
    }
}

/// Fine-grained access control: who the master user is.
#[derive(Clone, Debug, PartialEq)]
pub enum FineGrainedAccess {
    /// An IAM role or user by ARN is the master user.
    MasterUserArn(Value<String>),
    /// A user of the internal user database. Without a password, one is
    /// generated in a Secrets Manager secret at `<id>/MasterUser` holding
    /// `{"username": .., "password": ..}`, encrypted with `kms_key_id` when
    /// the domain has one.
    InternalUser {
        /// The master user name (1 to 64 characters).
        name: String,
        /// The password, such as a dynamic reference to an existing secret.
        password: Option<Value<String>>,
    },
}

/// CloudWatch Logs log groups the domain publishes to, by their ARNs.
/// OpenSearch is allowed to write to them by an `AWS::Logs::ResourcePolicy`
/// at `<id>/LogResourcePolicy`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DomainLogs {
    /// Search slow logs (`SEARCH_SLOW_LOGS`).
    pub search_slow: Option<Value<String>>,
    /// Indexing slow logs (`INDEX_SLOW_LOGS`).
    pub index_slow: Option<Value<String>>,
    /// Error logs (`ES_APPLICATION_LOGS`).
    pub application: Option<Value<String>>,
    /// Audit logs (`AUDIT_LOGS`); needs fine-grained access control.
    pub audit: Option<Value<String>>,
}

impl DomainLogs {
    /// The log types set, with their log group ARNs.
    pub(super) fn entries(&self) -> Vec<(&'static str, &Value<String>)> {
        [
            ("AUDIT_LOGS", &self.audit),
            ("ES_APPLICATION_LOGS", &self.application),
            ("INDEX_SLOW_LOGS", &self.index_slow),
            ("SEARCH_SLOW_LOGS", &self.search_slow),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
        .collect()
    }
}

/// Settings of a [`Domain`].
#[derive(Clone, Debug)]
pub struct DomainProps {
    /// A physical domain name (3 to 28 lowercase letters, digits or
    /// hyphens, starting with a letter); generated when unset.
    pub domain_name: Option<String>,
    /// The engine, `OpenSearch_X.Y` (or `Elasticsearch_X.Y`).
    pub engine_version: String,
    /// The data nodes.
    pub data_nodes: NodeGroup,
    /// Dedicated master nodes: 3 or 5.
    pub dedicated_masters: Option<NodeGroup>,
    /// The gp3 volume of each data node; `None` for instance types with
    /// local NVMe storage only.
    pub ebs: Option<Gp3Volume>,
    /// Availability Zones the nodes spread over: 1, or 2 or 3 with zone
    /// awareness.
    pub availability_zone_count: i64,
    /// VPC placement; a public endpoint when unset.
    pub vpc: Option<DomainVpc>,
    /// Encryption at rest (default on).
    pub encryption_at_rest: bool,
    /// A customer managed KMS key (ID or ARN) for encryption at rest; the
    /// AWS managed key when unset.
    pub kms_key_id: Option<Value<String>>,
    /// Node-to-node encryption (default on).
    pub node_to_node_encryption: bool,
    /// Refuse plain HTTP (default on).
    pub enforce_https: bool,
    /// The minimum TLS version.
    pub tls_security_policy: TlsSecurityPolicy,
    /// Fine-grained access control; needs encryption at rest, node-to-node
    /// encryption and HTTPS.
    pub fine_grained_access: Option<FineGrainedAccess>,
    /// The domain's resource-based access policy; see [`domain_arn_for`].
    pub access_policy: Option<PolicyDocument>,
    /// Log publishing.
    pub logs: DomainLogs,
    /// Deletion and replacement policy (default Retain).
    pub removal_policy: RemovalPolicy,
}

impl DomainProps {
    /// A domain of `count` data nodes of `instance_type` running
    /// `engine_version`, in one zone, on 10 GiB gp3 volumes, encrypted at
    /// rest and between nodes, HTTPS with TLS 1.2 only, retained on delete.
    pub fn new(engine_version: &str, instance_type: &str, count: i64) -> DomainProps {
        DomainProps {
            domain_name: None,
            engine_version: engine_version.to_string(),
            data_nodes: NodeGroup::new(instance_type, count),
            dedicated_masters: None,
            ebs: Some(Gp3Volume::new(10)),
            availability_zone_count: 1,
            vpc: None,
            encryption_at_rest: true,
            kms_key_id: None,
            node_to_node_encryption: true,
            enforce_https: true,
            tls_security_policy: TlsSecurityPolicy::Tls12,
            fine_grained_access: None,
            access_policy: None,
            logs: DomainLogs::default(),
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

/// The ARN of the domain named `name` in the stack's account and region,
/// for access policies: a domain's policy cannot refer to its own
/// `Fn::GetAtt Arn`. Append `/*` to cover its indexes.
///
/// ```
/// use strata::opensearch::domain_arn_for;
/// let arn = domain_arn_for("knowledge-base");
/// assert!(arn.as_literal().is_none()); // built with Fn::Sub
/// ```
pub fn domain_arn_for(name: &str) -> Value<String> {
    sub(
        "arn:${Partition}:es:${Region}:${Account}:domain/${Name}",
        vec![
            ("Partition", Fn::partition()),
            ("Region", Fn::region()),
            ("Account", Fn::account_id()),
            ("Name", name.into()),
        ],
    )
}

/// An `AWS::OpenSearchService::Domain` at `<id>/Resource`.
///
/// ```
/// use strata::opensearch::{Domain, DomainProps, DomainVpc, NodeGroup};
/// use strata::prelude::*;
///
/// let app = App::new();
/// let stack = app.stack("Search", StackProps::default());
/// let domain = Domain::new(&stack, "KnowledgeBase", DomainProps {
///     dedicated_masters: Some(NodeGroup::new("m6g.large.search", 3)),
///     availability_zone_count: 3,
///     vpc: Some(DomainVpc {
///         subnet_ids: vec!["subnet-a".into(), "subnet-b".into(), "subnet-c".into()],
///         security_group_ids: vec!["sg-search".into()],
///     }),
///     ..DomainProps::new("OpenSearch_2.11", "r6g.large.search", 3)
/// });
/// assert_eq!(domain.port(), 443);
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let res = &t["Resources"][strata::logical_id(&["KnowledgeBase", "Resource"]).as_str()];
/// assert_eq!(res["DeletionPolicy"], "Retain");
/// assert_eq!(res["Properties"]["ClusterConfig"]["ZoneAwarenessEnabled"], true);
/// ```
#[derive(Clone)]
pub struct Domain {
    scope: Scope,
    domain: cfn::DomainRef,
    master_user_secret: Option<Secret>,
}

impl Domain {
    /// Adds the domain under `scope`.
    pub fn new(scope: &Scope, id: &str, props: DomainProps) -> Domain {
        let scope = scope.child(id);
        for p in problems(&props) {
            scope.error("opensearch-domain", p);
        }
        let (security, master_user_secret) = match &props.fine_grained_access {
            None => (None, None),
            Some(access) => {
                let (options, secret) = master_user(&scope, access, props.kms_key_id.as_ref());
                let internal = matches!(access, FineGrainedAccess::InternalUser { .. });
                let security = cfn::domain::AdvancedSecurityOptionsInput {
                    enabled: Some(true.into()),
                    internal_user_database_enabled: Some(internal.into()),
                    master_user_options: Some(options.into()),
                    ..cfn::domain::AdvancedSecurityOptionsInput::new()
                };
                (Some(Value::Lit(security)), secret)
            }
        };
        let log_policy = log_resource_policy(&scope, &props.logs);
        let log_publishing: Map<Value<cfn::domain::LogPublishingOption>> = props
            .logs
            .entries()
            .into_iter()
            .map(|(kind, arn)| {
                let option = cfn::domain::LogPublishingOption {
                    cloud_watch_logs_log_group_arn: Some(arn.clone()),
                    enabled: Some(true.into()),
                };
                (kind.to_string(), Value::Lit(option))
            })
            .collect();
        let mut options = ResourceOptions::removal(props.removal_policy);
        options.depends_on.extend(log_policy);
        let domain = scope.resource_with(
            "Resource",
            cfn::Domain {
                access_policies: props.access_policy.as_ref().map(PolicyDocument::to_value),
                advanced_security_options: security,
                cluster_config: Some(Value::Lit(cluster_config(&props))),
                domain_endpoint_options: Some(Value::Lit(cfn::domain::DomainEndpointOptions {
                    enforce_https: Some(props.enforce_https.into()),
                    tls_security_policy: Some(props.tls_security_policy.as_str().into()),
                    ..cfn::domain::DomainEndpointOptions::new()
                })),
                domain_name: props.domain_name.as_deref().map(Value::from),
                ebs_options: Some(Value::Lit(ebs_options(props.ebs.as_ref()))),
                encryption_at_rest_options: Some(Value::Lit(
                    cfn::domain::EncryptionAtRestOptions {
                        enabled: Some(props.encryption_at_rest.into()),
                        kms_key_id: props.kms_key_id.clone(),
                    },
                )),
                engine_version: Some(props.engine_version.as_str().into()),
                log_publishing_options: (!log_publishing.is_empty())
                    .then(|| Value::Lit(log_publishing)),
                node_to_node_encryption_options: Some(Value::Lit(
                    cfn::domain::NodeToNodeEncryptionOptions {
                        enabled: Some(props.node_to_node_encryption.into()),
                    },
                )),
                vpc_options: props.vpc.as_ref().map(|vpc| {
                    Value::Lit(cfn::domain::VpcOptions {
                        security_group_ids: (!vpc.security_group_ids.is_empty())
                            .then(|| Value::list(vpc.security_group_ids.clone())),
                        subnet_ids: Some(Value::list(vpc.subnet_ids.clone())),
                        ..cfn::domain::VpcOptions::new()
                    })
                }),
                ..cfn::Domain::new()
            },
            options,
        );
        Domain {
            scope,
            domain,
            master_user_secret,
        }
    }

    /// The domain's ARN (`Fn::GetAtt Arn`).
    pub fn domain_arn(&self) -> Value<String> {
        self.domain.arn()
    }

    /// The domain's name (`Ref`).
    pub fn domain_name(&self) -> Value<String> {
        self.domain.ref_()
    }

    /// The HTTPS endpoint host, without `https://` (`DomainEndpoint`).
    pub fn domain_endpoint(&self) -> Value<String> {
        self.domain.domain_endpoint()
    }

    /// The port clients connect to: 443.
    pub fn port(&self) -> u16 {
        443
    }

    /// The generated master user secret, for an internal master user
    /// without a given password.
    pub fn master_user_secret(&self) -> Option<&Secret> {
        self.master_user_secret.as_ref()
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::DomainRef {
        &self.domain
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Allows `actions` (such as `es:ESHttpGet`) on the domain and its indexes.
    pub fn grant(&self, grantee: &dyn Grantable, actions: &[&str]) -> Grant {
        let arn = self.domain_arn();
        let indexes = sub("${Arn}/*", vec![("Arn", arn.clone())]);
        Grant::to_principal(grantee, actions, vec![arn, indexes])
    }

    /// Allows HTTP reads (`GET`, `HEAD`).
    pub fn grant_read(&self, grantee: &dyn Grantable) -> Grant {
        self.grant(grantee, &READ_ACTIONS)
    }

    /// Allows HTTP reads and writes (`GET`, `HEAD`, `DELETE`, `POST`, `PUT`, `PATCH`).
    pub fn grant_read_write(&self, grantee: &dyn Grantable) -> Grant {
        let actions: Vec<&str> = READ_ACTIONS.iter().chain(&WRITE_ACTIONS).copied().collect();
        self.grant(grantee, &actions)
    }
}

fn cluster_config(p: &DomainProps) -> cfn::domain::ClusterConfig {
    let zone_aware = p.availability_zone_count > 1;
    cfn::domain::ClusterConfig {
        dedicated_master_count: p.dedicated_masters.as_ref().map(|m| m.count.into()),
        dedicated_master_enabled: Some(p.dedicated_masters.is_some().into()),
        dedicated_master_type: p
            .dedicated_masters
            .as_ref()
            .map(|m| m.instance_type.as_str().into()),
        instance_count: Some(p.data_nodes.count.into()),
        instance_type: Some(p.data_nodes.instance_type.as_str().into()),
        zone_awareness_config: zone_aware.then(|| {
            Value::Lit(cfn::domain::ZoneAwarenessConfig {
                availability_zone_count: Some(p.availability_zone_count.into()),
            })
        }),
        zone_awareness_enabled: Some(zone_aware.into()),
        ..cfn::domain::ClusterConfig::new()
    }
}

fn ebs_options(ebs: Option<&Gp3Volume>) -> cfn::domain::EbsOptions {
    match ebs {
        Some(v) => cfn::domain::EbsOptions {
            ebs_enabled: Some(true.into()),
            iops: v.iops.map(Value::from),
            throughput: v.throughput_mibps.map(Value::from),
            volume_size: Some(v.size_gib.into()),
            volume_type: Some("gp3".into()),
        },
        None => cfn::domain::EbsOptions {
            ebs_enabled: Some(false.into()),
            ..cfn::domain::EbsOptions::new()
        },
    }
}

/// The master user options, and the secret generated for an internal
/// user without a password, encrypted with the domain's customer managed
/// key when it has one.
fn master_user(
    scope: &Scope,
    access: &FineGrainedAccess,
    kms_key_id: Option<&Value<String>>,
) -> (cfn::domain::MasterUserOptions, Option<Secret>) {
    match access {
        FineGrainedAccess::MasterUserArn(arn) => (
            cfn::domain::MasterUserOptions {
                master_user_arn: Some(arn.clone()),
                ..cfn::domain::MasterUserOptions::new()
            },
            None,
        ),
        FineGrainedAccess::InternalUser { name, password } => {
            let (password, secret) = match password {
                Some(p) => (p.clone(), None),
                None => {
                    let secret = Secret::new(
                        scope,
                        "MasterUser",
                        SecretProps {
                            description: Some(
                                format!("Master user of the OpenSearch domain {}", scope.path())
                                    .into(),
                            ),
                            generate: Some(GenerateSecret {
                                exclude_characters: Some(PASSWORD_EXCLUDED.into()),
                                ..GenerateSecret::for_json(
                                    serde_json::json!({ "username": name }),
                                    "password",
                                )
                            }),
                            encryption_key: kms_key_id.cloned().map(SecretEncryption::Arn),
                            ..SecretProps::default()
                        },
                    );
                    (secret.secret_value_from_json("password"), Some(secret))
                }
            };
            (
                cfn::domain::MasterUserOptions {
                    master_user_name: Some(name.as_str().into()),
                    master_user_password: Some(password),
                    ..cfn::domain::MasterUserOptions::new()
                },
                secret,
            )
        }
    }
}

/// The CloudWatch Logs resource policy that lets OpenSearch write to the
/// domain's log groups, when it publishes any.
fn log_resource_policy(scope: &Scope, logs: &DomainLogs) -> Option<strata_core::Handle> {
    let entries = logs.entries();
    if entries.is_empty() {
        return None;
    }
    let statement = PolicyStatement::allow()
        .actions(["logs:PutLogEvents", "logs:CreateLogStream"])
        .principal(Principal::service("es.amazonaws.com"))
        .resources(entries.into_iter().map(|(_, arn)| arn.clone()))
        .condition("StringEquals", "aws:SourceAccount", [Fn::account_id()]);
    let document = PolicyDocument::new().with_statement(statement);
    let path = scope.path();
    let components: Vec<&str> = path.split('/').chain(["LogResourcePolicy"]).collect();
    let name = logical_id(&components);
    let policy = scope.resource(
        "LogResourcePolicy",
        logs::ResourcePolicy::new(document.to_value(), name),
    );
    Some(*policy)
}
