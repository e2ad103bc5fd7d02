//! A bastion host (seed 002): an `AWS::EC2::Instance` in a private subnet,
//! reached through Systems Manager Session Manager rather than SSH, with
//! IMDSv2 required, an encrypted root volume, detailed monitoring, user
//! data, the latest Amazon Linux 2023 image from its public SSM parameter,
//! and a security group with no inbound rules.

use strata_cfn::ec2::{self as cfn, instance as i};
use strata_cfn::iam as iam_l1;
use strata_core::{Fn, Handle, Json, Parameter, ResourceOptions, Scope, Value};

use crate::ec2::{SecurityGroup, SecurityGroupProps};
use crate::eks::{CpuArchitecture, InstanceType};
use crate::iam::{Grantable, ManagedPolicy, PolicyStatement, Principal, Role, RoleProps};

/// The machine image of a bastion.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum MachineImage {
    /// The latest Amazon Linux 2023 for the instance type's architecture,
    /// read at deploy from `/aws/service/ami-amazon-linux-latest/…` through
    /// an `AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>` stack parameter.
    #[default]
    LatestAmazonLinux2023,
    /// A given AMI id.
    Id(Value<String>),
}

/// Settings of a [`Bastion`].
#[derive(Clone, Debug, PartialEq)]
pub struct BastionProps {
    /// The VPC.
    pub vpc_id: Value<String>,
    /// A private subnet to launch in.
    pub subnet_id: Value<String>,
    /// The instance type (default `t3.micro`).
    pub instance_type: String,
    /// The image.
    pub machine_image: MachineImage,
    /// Shell commands run at first boot (a `#!/bin/bash` line is added
    /// when the script has none).
    pub user_data: Vec<String>,
    /// Root volume size in GiB (8 to 16384; default 20).
    pub root_volume_size: u32,
    /// A KMS key ARN for the root volume; the account's default EBS key when unset.
    pub root_volume_kms_key_arn: Option<Value<String>>,
    /// One-minute CloudWatch metrics (default on).
    pub detailed_monitoring: bool,
    /// Extra managed policies for the instance role (it always has
    /// `AmazonSSMManagedInstanceCore`).
    pub managed_policies: Vec<ManagedPolicy>,
    /// The `Name` tag; the construct path when unset.
    pub instance_name: Option<String>,
}

impl BastionProps {
    /// A `t3.micro` on Amazon Linux 2023 in `subnet_id`.
    pub fn new(vpc_id: impl Into<Value<String>>, subnet_id: impl Into<Value<String>>) -> Self {
        BastionProps {
            vpc_id: vpc_id.into(),
            subnet_id: subnet_id.into(),
            instance_type: "t3.micro".to_string(),
            machine_image: MachineImage::LatestAmazonLinux2023,
            user_data: Vec::new(),
            root_volume_size: 20,
            root_volume_kms_key_arn: None,
            detailed_monitoring: true,
            managed_policies: Vec::new(),
            instance_name: None,
        }
    }
}

/// A bastion instance at `<id>/Resource`, with `<id>/InstanceSecurityGroup`,
/// `<id>/InstanceRole` and `<id>/InstanceProfile`, as the CDK's `Instance`.
///
/// ```
/// use strata::bastion::{Bastion, BastionProps};
/// use strata::prelude::*;
///
/// let app = App::new();
/// let stack = app.stack("Platform", StackProps::default());
/// let bastion = Bastion::new(&stack, "Bastion", BastionProps {
///     instance_type: "t3.large".into(),
///     user_data: vec!["dnf install -y docker".into()],
///     ..BastionProps::new("vpc-0123456789abcdef0", "subnet-0123456789abcdef0")
/// });
/// stack.output("BastionId", Output::new(bastion.instance_id()));
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let i = &t["Resources"][strata::logical_id(&["Bastion", "Resource"]).as_str()]["Properties"];
/// assert_eq!(i["MetadataOptions"]["HttpTokens"], "required");
/// assert_eq!(i["BlockDeviceMappings"][0]["Ebs"]["Encrypted"], true);
/// ```
#[derive(Clone)]
pub struct Bastion {
    scope: Scope,
    instance: cfn::InstanceRef,
    role: Role,
    security_group: SecurityGroup,
}

impl std::fmt::Debug for Bastion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bastion({:?})", self.scope.path())
    }
}

/// The largest user data EC2 accepts, before base64.
const MAX_USER_DATA: usize = 16 * 1024;

impl Bastion {
    /// Adds the bastion under `scope`.
    pub fn new(scope: &Scope, id: &str, props: BastionProps) -> Bastion {
        let scope = scope.child(id);
        let instance_type = InstanceType::parse(&props.instance_type);
        if instance_type.is_none() {
            scope.error(
                "bastion-instance-type",
                format!(
                    "{:?} is not an EC2 instance type such as \"t3.micro\"",
                    props.instance_type
                ),
            );
        }
        if !(8..=16384).contains(&props.root_volume_size) {
            scope.error(
                "bastion-root-volume",
                format!("a root volume of {} GiB is out of range; Amazon Linux 2023 needs 8 to 16384 GiB", props.root_volume_size),
            );
        }
        let security_group = SecurityGroup::new(
            &scope,
            "InstanceSecurityGroup",
            SecurityGroupProps {
                vpc_id: props.vpc_id.clone(),
                description: Some(
                    "Bastion host reached through Session Manager: no inbound rules".into(),
                ),
                ..SecurityGroupProps::default()
            },
        );
        let mut managed = vec![ManagedPolicy::aws("AmazonSSMManagedInstanceCore")];
        managed.extend(props.managed_policies.iter().cloned());
        let role = Role::new(
            &scope,
            "InstanceRole",
            RoleProps {
                managed_policies: managed,
                ..RoleProps::new(Principal::service("ec2.amazonaws.com"))
            },
        );
        let profile = scope.resource(
            "InstanceProfile",
            iam_l1::InstanceProfile::new(Value::list([role.role_name()])),
        );
        let arch = instance_type
            .as_ref()
            .map_or(CpuArchitecture::X86_64, InstanceType::architecture);
        let image_id = match &props.machine_image {
            MachineImage::Id(id) => id.clone(),
            MachineImage::LatestAmazonLinux2023 => latest_al2023(&scope, arch).ref_(),
        };
        let user_data = user_data(&scope, &props.user_data);
        let name = props.instance_name.clone().unwrap_or_else(|| scope.path());
        let instance = scope.resource_with(
            "Resource",
            cfn::Instance {
                block_device_mappings: Some(Value::list([i::BlockDeviceMapping {
                    ebs: Some(
                        i::Ebs {
                            delete_on_termination: Some(true.into()),
                            encrypted: Some(true.into()),
                            kms_key_id: props.root_volume_kms_key_arn.clone(),
                            volume_size: Some(i64::from(props.root_volume_size).into()),
                            volume_type: Some("gp3".into()),
                            ..i::Ebs::new()
                        }
                        .into(),
                    ),
                    ..i::BlockDeviceMapping::new("/dev/xvda")
                }])),
                iam_instance_profile: Some(profile.ref_()),
                image_id: Some(image_id),
                instance_type: Some(props.instance_type.as_str().into()),
                metadata_options: Some(
                    i::MetadataOptions {
                        http_endpoint: Some("enabled".into()),
                        http_put_response_hop_limit: Some(1.into()),
                        http_tokens: Some("required".into()),
                        ..i::MetadataOptions::new()
                    }
                    .into(),
                ),
                monitoring: Some(props.detailed_monitoring.into()),
                security_group_ids: Some(Value::list([security_group.group_id()])),
                subnet_id: Some(props.subnet_id.clone()),
                tags: Some(Value::list([i::Tag::new("Name", name.as_str())])),
                user_data,
                ..cfn::Instance::new()
            },
            ResourceOptions {
                depends_on: vec![*role.handle()],
                ..ResourceOptions::default()
            },
        );
        Bastion {
            scope,
            instance,
            role,
            security_group,
        }
    }

    /// The instance id (`Ref`).
    pub fn instance_id(&self) -> Value<String> {
        self.instance.ref_()
    }

    /// The private IP address.
    pub fn private_ip(&self) -> Value<String> {
        self.instance.private_ip()
    }

    /// The instance role (grant the bastion access through it).
    pub fn role(&self) -> &Role {
        &self.role
    }

    /// The security group: no inbound rules; connect other groups from it.
    pub fn security_group(&self) -> &SecurityGroup {
        &self.security_group
    }

    /// The L1 handle.
    pub fn resource(&self) -> &cfn::InstanceRef {
        &self.instance
    }

    /// The construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl Grantable for Bastion {
    fn grant_principal(&self) -> Principal {
        self.role.grant_principal()
    }

    fn add_to_principal_policy(&self, statement: PolicyStatement) -> bool {
        self.role.add_to_policy(statement)
    }
}

/// The stack parameter holding the latest AL2023 AMI id, shared by every
/// bastion of the stack, named as the CDK names it.
fn latest_al2023(scope: &Scope, arch: CpuArchitecture) -> Handle {
    let suffix = match arch {
        CpuArchitecture::X86_64 => "x86_64",
        CpuArchitecture::Arm64 => "arm64",
    };
    let name = format!("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-{suffix}");
    let id = format!("SsmParameterValue:{name}:C96584B6-F00A-464E-AD19-53AFF4B05118.Parameter");
    let Some(stack) = scope.stack() else {
        return scope.parameter(&id, Parameter::new("String"));
    };
    let existing = stack
        .children()
        .into_iter()
        .find(|c| c.id() == id.replace('/', "--"));
    match existing {
        Some(p) => p.handle(),
        None => stack.parameter(
            &id,
            Parameter {
                default: Some(Json::String(name)),
                ..Parameter::new("AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>")
            },
        ),
    }
}

/// The user data script, base64-encoded by CloudFormation.
fn user_data(scope: &Scope, lines: &[String]) -> Option<Value<String>> {
    if lines.is_empty() {
        return None;
    }
    let mut script = String::new();
    if !lines[0].starts_with("#!") {
        script.push_str("#!/bin/bash\n");
    }
    for line in lines {
        script.push_str(line);
        script.push('\n');
    }
    if script.len() > MAX_USER_DATA {
        scope.error(
            "bastion-user-data",
            format!(
                "the user data is {} bytes; EC2 takes at most 16 KB: fetch larger scripts from S3",
                script.len()
            ),
        );
    }
    Some(Fn::base64(script))
}
