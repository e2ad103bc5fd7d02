//! The bastion host: instance settings, role and profile, image parameter,
//! security group and synth errors.

use serde_json::{json, Value as Json};
use strata::bastion::{Bastion, BastionProps, MachineImage};
use strata::ec2::{AgentVpc, AgentVpcProps};
use strata::prelude::*;

fn template(app: &App) -> Json {
    app.synth().expect("the app synthesizes").stacks[0]
        .template
        .json()
        .clone()
}

fn id(path: &[&str]) -> String {
    strata::logical_id(path)
}

const AL2023_X86: &str =
    "SsmParameterValueawsserviceamiamazonlinuxlatestal2023amikerneldefaultx8664C96584B6F00A464EAD1953AFF4B05118Parameter";

#[test]
fn seed_002_bastion_in_a_private_subnet() {
    let app = App::new();
    let stack = app.stack("Platform", StackProps::default());
    let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::spaced_three_tier());
    let subnet = vpc.subnets("private-app").expect("tier")[0].subnet_id();
    let bastion = Bastion::new(
        &stack,
        "Bastion",
        BastionProps {
            instance_type: "t3.large".into(),
            user_data: vec![
                "dnf install -y docker".into(),
                "systemctl enable --now docker".into(),
            ],
            ..BastionProps::new(vpc.vpc_id(), subnet)
        },
    );
    stack.output("BastionIp", Output::new(bastion.private_ip()));
    let t = template(&app);
    let instance = &t["Resources"][id(&["Bastion", "Resource"]).as_str()];
    assert_eq!(
        instance["Properties"],
        json!({
            "BlockDeviceMappings": [{
                "DeviceName": "/dev/xvda",
                "Ebs": {
                    "DeleteOnTermination": true,
                    "Encrypted": true,
                    "VolumeSize": 20,
                    "VolumeType": "gp3"
                }
            }],
            "IamInstanceProfile": {"Ref": id(&["Bastion", "InstanceProfile"])},
            "ImageId": {"Ref": AL2023_X86},
            "InstanceType": "t3.large",
            "MetadataOptions": {
                "HttpEndpoint": "enabled",
                "HttpPutResponseHopLimit": 1,
                "HttpTokens": "required"
            },
            "Monitoring": true,
            "SecurityGroupIds": [{"Fn::GetAtt": [id(&["Bastion", "InstanceSecurityGroup", "Resource"]), "GroupId"]}],
            "SubnetId": {"Ref": "VpcprivateappSubnet1Subnet746EC82B"},
            "Tags": [{"Key": "Name", "Value": "Platform/Bastion"}],
            "UserData": {"Fn::Base64": "#!/bin/bash\ndnf install -y docker\nsystemctl enable --now docker\n"}
        })
    );
    assert_eq!(
        instance["DependsOn"],
        json!([id(&["Bastion", "InstanceRole", "Resource"])])
    );
    assert_eq!(
        t["Parameters"][AL2023_X86],
        json!({
            "Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
            "Default": "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
        })
    );
    let sg = &t["Resources"][id(&["Bastion", "InstanceSecurityGroup", "Resource"]).as_str()]
        ["Properties"];
    assert!(sg.get("SecurityGroupIngress").is_none());
    let role = &t["Resources"][id(&["Bastion", "InstanceRole", "Resource"]).as_str()]["Properties"];
    assert_eq!(
        role["ManagedPolicyArns"],
        json!([{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"}])
    );
    assert_eq!(
        role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
        json!({"Service": "ec2.amazonaws.com"})
    );
    assert_eq!(
        t["Resources"][id(&["Bastion", "InstanceProfile"]).as_str()]["Properties"],
        json!({"Roles": [{"Ref": id(&["Bastion", "InstanceRole", "Resource"])}]})
    );
}

#[test]
fn graviton_bastions_share_the_arm_image_parameter() {
    let app = App::new();
    let stack = app.stack("Platform", StackProps::default());
    for name in ["BastionA", "BastionB"] {
        Bastion::new(
            &stack,
            name,
            BastionProps {
                instance_type: "t4g.small".into(),
                root_volume_kms_key_arn: Some(
                    "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                        .into(),
                ),
                detailed_monitoring: false,
                instance_name: Some("ops-bastion".into()),
                ..BastionProps::new("vpc-0a", "subnet-0a")
            },
        );
    }
    Bastion::new(
        &stack,
        "Pinned",
        BastionProps {
            machine_image: MachineImage::Id("ami-0123456789abcdef0".into()),
            ..BastionProps::new("vpc-0a", "subnet-0a")
        },
    );
    let t = template(&app);
    let parameters = t["Parameters"].as_object().expect("parameters");
    assert_eq!(parameters.len(), 1);
    let (name, p) = parameters.iter().next().expect("one");
    assert_eq!(
        p["Default"],
        "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
    );
    for bastion in ["BastionA", "BastionB"] {
        let i = &t["Resources"][id(&[bastion, "Resource"]).as_str()]["Properties"];
        assert_eq!(i["ImageId"], json!({"Ref": name}));
        assert_eq!(i["Monitoring"], false);
        assert_eq!(i["Tags"], json!([{"Key": "Name", "Value": "ops-bastion"}]));
        assert_eq!(
            i["BlockDeviceMappings"][0]["Ebs"]["KmsKeyId"],
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        );
    }
    assert_eq!(
        t["Resources"][id(&["Pinned", "Resource"]).as_str()]["Properties"]["ImageId"],
        "ami-0123456789abcdef0"
    );
}

#[test]
fn bastion_settings_ec2_would_reject() {
    let app = App::new();
    let stack = app.stack("Platform", StackProps::default());
    Bastion::new(
        &stack,
        "Bastion",
        BastionProps {
            instance_type: "large".into(),
            root_volume_size: 4,
            user_data: vec!["x".repeat(17 * 1024)],
            ..BastionProps::new("vpc-0a", "subnet-0a")
        },
    );
    let err = app.synth().expect_err("invalid").to_string();
    for expected in [
        "Platform/Bastion: [bastion-instance-type] \"large\" is not an EC2 instance type such as \"t3.micro\"",
        "Platform/Bastion: [bastion-root-volume] a root volume of 4 GiB is out of range; Amazon Linux 2023 needs 8 to 16384 GiB",
        "Platform/Bastion: [bastion-user-data] the user data is 17421 bytes; EC2 takes at most 16 KB",
    ] {
        assert!(err.contains(expected), "{expected}\n{err}");
    }
}
