//! NACLs, flow logs, endpoints and the default security group lockdown.

use serde_json::{json, Value as Json};
use strata::ec2::{
    AgentVpc, AgentVpcProps, CloudWatchLogsDestination, FlowLogDestination, FlowLogOptions,
    GatewayService, InterfaceEndpointOptions, LogGroupPlacement, NaclProtocol, NaclRule,
    TrafficType,
};
use strata::prelude::*;

use super::{at, issues, of_type, props_at, setup, template};

#[test]
fn three_tier_nacls_hold_the_seed_rules_and_associate_every_subnet() {
    let (app, stack) = setup();
    let management = stack.parameter("ManagementCidr", Parameter::new("String"));
    let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::spaced_three_tier());
    assert_eq!(vpc.add_three_tier_network_acls(management.ref_()).len(), 3);
    let t = template(&app);
    let (acl_id, _) = at(&t, "Vpc/publicNacl/Resource").unwrap();
    assert_eq!(
        props_at(&t, "Vpc/publicNacl/Ingress120/Resource"),
        &json!({
            "CidrBlock": {"Ref": "ManagementCidr"},
            "Egress": false,
            "NetworkAclId": {"Ref": acl_id},
            "PortRange": {"From": 22, "To": 22},
            "Protocol": 6,
            "RuleAction": "allow",
            "RuleNumber": 120
        })
    );
    assert_eq!(
        props_at(&t, "Vpc/publicNacl/Ingress130/Resource")["PortRange"],
        json!({"From": 1024, "To": 65535})
    );
    let egress = props_at(&t, "Vpc/publicNacl/Egress100/Resource");
    assert_eq!(
        (egress["Egress"].clone(), egress["Protocol"].clone()),
        (json!(true), json!(-1))
    );
    assert!(egress.get("PortRange").is_none());
    assert_eq!(
        props_at(&t, "Vpc/private-appNacl/Ingress100/Resource")["CidrBlock"],
        "10.0.0.0/16"
    );
    assert_eq!(
        props_at(&t, "Vpc/dataNacl/Egress100/Resource")["CidrBlock"],
        "10.0.0.0/16"
    );
    assert_eq!(of_type(&t, "AWS::EC2::NetworkAclEntry").len(), 5 + 3 + 2);
    let (subnet_id, _) = at(&t, "Vpc/dataSubnet3/Subnet").unwrap();
    let (data_acl, _) = at(&t, "Vpc/dataNacl/Resource").unwrap();
    assert_eq!(
        props_at(&t, "Vpc/dataNacl/Subnet3Association/Resource"),
        &json!({"NetworkAclId": {"Ref": data_acl}, "SubnetId": {"Ref": subnet_id}})
    );
    assert_eq!(
        of_type(&t, "AWS::EC2::SubnetNetworkAclAssociation").len(),
        9
    );
}

#[test]
fn nacl_rules_are_validated_at_the_acl_path() {
    let (app, stack) = setup();
    let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::default());
    vpc.add_network_acl(
        "public",
        &[
            NaclRule::ingress(0, NaclProtocol::All, "0.0.0.0/0"),
            NaclRule::ingress(32767, NaclProtocol::All, "0.0.0.0/0"),
            NaclRule::ingress(100, NaclProtocol::Tcp, "0.0.0.0/0").port(443),
            NaclRule::ingress(100, NaclProtocol::Tcp, "0.0.0.0/0").port(80),
            NaclRule::egress(100, NaclProtocol::All, "0.0.0.0/0"),
            NaclRule::egress(110, NaclProtocol::Udp, "0.0.0.0/0"),
            NaclRule::egress(120, NaclProtocol::Tcp, "0.0.0.0/0").ports(2000, 1000),
        ],
    );
    let found = issues(&app);
    let messages: Vec<&str> = found.iter().map(|i| i.message.as_str()).collect();
    assert!(found
        .iter()
        .all(|i| i.path == "Net/Vpc/publicNacl" && i.rule == "nacl-rule"));
    assert_eq!(found.len(), 5, "{messages:#?}");
    assert!(messages
        .iter()
        .any(|m| m.contains("Ingress0") && m.contains("1 to 32766")));
    assert!(messages.iter().any(|m| m.contains("Ingress32767")));
    assert!(messages
        .iter()
        .any(|m| m.contains("rule number 100 is used twice for Ingress")));
    assert!(messages
        .iter()
        .any(|m| m.contains("Egress110") && m.contains("no port range")));
    assert!(messages.iter().any(|m| m.contains("2000-1000")));
}

#[test]
fn flow_log_role_and_policy_are_scoped_to_the_log_group() {
    let (app, stack) = setup();
    let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::default());
    vpc.add_flow_log(
        "FlowLog",
        FlowLogOptions {
            destination: FlowLogDestination::CloudWatchLogs(CloudWatchLogsDestination {
                retention_in_days: 30,
                placement: LogGroupPlacement::Stack("VpcFlowLogGroup".into()),
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    let t = template(&app);
    let (role_id, role) = at(&t, "Vpc/FlowLog/IAMRole/Resource").unwrap();
    assert_eq!(
        role["Properties"]["AssumeRolePolicyDocument"],
        json!({
            "Statement": [{
                "Action": "sts:AssumeRole",
                "Effect": "Allow",
                "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}
            }],
            "Version": "2012-10-17"
        })
    );
    let (group_id, group) = at(&t, "VpcFlowLogGroup/Resource").unwrap();
    assert_eq!(group["DeletionPolicy"], "Retain");
    assert_eq!(group["UpdateReplacePolicy"], "Retain");
    assert_eq!(group["Properties"], json!({"RetentionInDays": 30}));
    assert_eq!(
        props_at(&t, "Vpc/FlowLog/IAMRole/DefaultPolicy/Resource"),
        &json!({
            "PolicyDocument": {
                "Statement": [{
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    "Effect": "Allow",
                    "Resource": {"Fn::GetAtt": [group_id, "Arn"]}
                }],
                "Version": "2012-10-17"
            },
            "PolicyName": "VpcFlowLogIAMRoleDefaultPolicy406FB995",
            "Roles": [{"Ref": role_id}]
        })
    );
    let log = props_at(&t, "Vpc/FlowLog/FlowLog");
    assert_eq!(
        log["DeliverLogsPermissionArn"],
        json!({"Fn::GetAtt": [role_id, "Arn"]})
    );
    assert_eq!(log["LogGroupName"], json!({"Ref": group_id}));
    assert_eq!(log["ResourceType"], "VPC");
    assert_eq!(
        log["Tags"],
        json!([{"Key": "Name", "Value": "Net/Vpc/FlowLog"}])
    );
}

#[test]
fn flow_log_group_defaults_inside_the_flow_log_and_takes_a_kms_key() {
    let (app, stack) = setup();
    let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::default());
    let key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    vpc.add_flow_log(
        "Rejected",
        FlowLogOptions {
            destination: FlowLogDestination::CloudWatchLogs(CloudWatchLogsDestination {
                kms_key_arn: Some(key.into()),
                ..Default::default()
            }),
            traffic_type: TrafficType::Reject,
            max_aggregation_interval: Some(60),
        },
    );
    let t = template(&app);
    let group = props_at(&t, "Vpc/Rejected/LogGroup/Resource");
    assert_eq!(group["KmsKeyId"], key);
    assert_eq!(group["RetentionInDays"], 731);
    let log = props_at(&t, "Vpc/Rejected/FlowLog");
    assert_eq!(log["TrafficType"], "REJECT");
    assert_eq!(log["MaxAggregationInterval"], 60);
}

#[test]
fn flow_log_to_s3_needs_no_role() {
    let (app, stack) = setup();
    let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::default());
    let flow_log = vpc.add_flow_log(
        "FlowLog",
        FlowLogOptions {
            destination: FlowLogDestination::S3 {
                bucket_arn: "arn:aws:s3:::network-logs".into(),
                key_prefix: Some("vpc".into()),
            },
            ..Default::default()
        },
    );
    assert!(flow_log.role().is_none());
    let t = template(&app);
    assert!(of_type(&t, "AWS::IAM::Role").is_empty());
    let log = props_at(&t, "Vpc/FlowLog/FlowLog");
    assert_eq!(log["LogDestinationType"], "s3");
    assert_eq!(
        log["LogDestination"],
        json!({"Fn::Join": ["", ["arn:aws:s3:::network-logs", "/vpc"]]})
    );
}

#[test]
fn flow_log_options_are_validated() {
    let (app, stack) = setup();
    let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::default());
    vpc.add_flow_log(
        "FlowLog",
        FlowLogOptions {
            destination: FlowLogDestination::CloudWatchLogs(CloudWatchLogsDestination {
                retention_in_days: 31,
                ..Default::default()
            }),
            max_aggregation_interval: Some(120),
            ..Default::default()
        },
    );
    let found = issues(&app);
    assert_eq!(found.len(), 2);
    assert!(found.iter().any(|i| i.path == "Net/Vpc/FlowLog/LogGroup"
        && i.message
            .contains("a retention of 31 days is not one CloudWatch Logs accepts")));
    assert!(found
        .iter()
        .any(|i| i.path == "Net/Vpc/FlowLog" && i.message.contains("use 60 or 600")));
}

#[test]
fn gateway_endpoints_serve_private_and_isolated_route_tables() {
    let (app, stack) = setup();
    let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::default());
    vpc.add_gateway_endpoint("S3Endpoint", GatewayService::S3, &[]);
    vpc.add_gateway_endpoint(
        "DynamoDbEndpoint",
        GatewayService::DynamoDb,
        &["private-app"],
    );
    let t = template(&app);
    let s3 = props_at(&t, "Vpc/S3Endpoint/Resource");
    assert_eq!(s3["VpcEndpointType"], "Gateway");
    assert_eq!(
        s3["ServiceName"],
        json!({"Fn::Join": ["", ["com.amazonaws.", {"Ref": "AWS::Region"}, ".s3"]]})
    );
    let expected: Vec<Json> = ["private-app", "data"]
        .iter()
        .flat_map(|tier| (1..=3).map(move |i| format!("Vpc/{tier}Subnet{i}/RouteTable")))
        .map(|path| json!({"Ref": at(&t, &path).unwrap().0}))
        .collect();
    assert_eq!(s3["RouteTableIds"], json!(expected));
    let dynamodb = props_at(&t, "Vpc/DynamoDbEndpoint/Resource");
    assert_eq!(dynamodb["RouteTableIds"].as_array().map(Vec::len), Some(3));
}

#[test]
fn interface_endpoints_for_the_seed_lists_use_private_dns_and_their_own_group() {
    let app = App::new();
    let stack = app.stack(
        "Net",
        StackProps {
            env: Environment::new("123456789012", "us-east-1"),
            ..Default::default()
        },
    );
    let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::default());
    let options = InterfaceEndpointOptions::default();
    let seed_001 =
        vpc.add_interface_endpoints(&["bedrock-runtime", "kms", "logs", "monitoring"], &options);
    let data = InterfaceEndpointOptions {
        tier: Some("data".into()),
        ..Default::default()
    };
    let seed_003 =
        vpc.add_interface_endpoints(&["ecr.api", "ecr.dkr", "sts", "secretsmanager"], &data);
    assert_eq!((seed_001.len(), seed_003.len()), (4, 4));
    let t = template(&app);
    assert_eq!(of_type(&t, "AWS::EC2::VPCEndpoint").len(), 8);
    let kms = props_at(&t, "Vpc/KmsEndpoint/Resource");
    assert_eq!(kms["ServiceName"], "com.amazonaws.us-east-1.kms");
    assert_eq!(kms["PrivateDnsEnabled"], true);
    assert_eq!(kms["VpcEndpointType"], "Interface");
    let private: Vec<Json> = (1..=3)
        .map(|i| json!({"Ref": at(&t, &format!("Vpc/private-appSubnet{i}/Subnet")).unwrap().0}))
        .collect();
    assert_eq!(kms["SubnetIds"], json!(private));
    let (sg_id, sg) = at(&t, "Vpc/KmsEndpoint/SecurityGroup/Resource").unwrap();
    assert_eq!(
        kms["SecurityGroupIds"],
        json!([{"Fn::GetAtt": [sg_id, "GroupId"]}])
    );
    let ingress = &sg["Properties"]["SecurityGroupIngress"];
    assert_eq!(ingress.as_array().map(Vec::len), Some(1));
    assert_eq!(ingress[0]["FromPort"], 443);
    assert_eq!(ingress[0]["ToPort"], 443);
    let (vpc_id, _) = at(&t, "Vpc/Resource").unwrap();
    assert_eq!(
        ingress[0]["CidrIp"],
        json!({"Fn::GetAtt": [vpc_id, "CidrBlock"]})
    );
    assert_eq!(
        props_at(&t, "Vpc/EcrDkrEndpoint/Resource")["ServiceName"],
        "com.amazonaws.us-east-1.ecr.dkr"
    );
    let data_subnet = at(&t, "Vpc/dataSubnet1/Subnet").unwrap().0;
    assert_eq!(
        props_at(&t, "Vpc/StsEndpoint/Resource")["SubnetIds"][0],
        json!({"Ref": data_subnet})
    );
}

#[test]
fn endpoint_problems_are_reported() {
    let (app, stack) = setup();
    let vpc = AgentVpc::new(
        &stack,
        "Vpc",
        AgentVpcProps {
            enable_dns_hostnames: false,
            ..Default::default()
        },
    );
    vpc.add_interface_endpoint("Bad", "Not A Service", &InterfaceEndpointOptions::default());
    vpc.add_interface_endpoint("Kms", "kms", &InterfaceEndpointOptions::default());
    vpc.add_gateway_endpoint("S3", GatewayService::S3, &["missing"]);
    let found = issues(&app);
    let find = |path: &str| {
        found
            .iter()
            .find(|i| i.path == path)
            .map(|i| i.message.clone())
    };
    assert!(find("Net/Vpc/Bad").is_some_and(|m| m.contains("not an AWS service endpoint name")));
    assert!(find("Net/Vpc/Kms").is_some_and(|m| m.contains("private DNS needs")));
    assert!(find("Net/Vpc").is_some_and(|m| m.contains("no subnet tier named \"missing\"")));
    assert!(find("Net/Vpc/S3").is_some_and(|m| m.contains("no route table")));
}

#[test]
fn default_security_group_lockdown_runs_the_runbook_with_a_scoped_role() {
    let (app, stack) = setup();
    let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::default());
    vpc.lock_down_default_security_group();
    let t = template(&app);
    let (vpc_id, _) = at(&t, "Vpc/Resource").unwrap();
    let (role_id, role) = at(&t, "Vpc/DefaultSecurityGroupLockdown/Role/Resource").unwrap();
    let association = props_at(&t, "Vpc/DefaultSecurityGroupLockdown/Association");
    assert_eq!(
        association["Name"],
        "AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules"
    );
    assert_eq!(
        association["Parameters"],
        json!({
            "AutomationAssumeRole": [{"Fn::GetAtt": [role_id, "Arn"]}],
            "GroupId": [{"Fn::GetAtt": [vpc_id, "DefaultSecurityGroup"]}]
        })
    );
    let trust = &role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(trust["Principal"], json!({"Service": "ssm.amazonaws.com"}));
    let statements = &role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"];
    let revoke = &statements[1];
    assert_eq!(
        revoke["Action"],
        json!([
            "ec2:RevokeSecurityGroupEgress",
            "ec2:RevokeSecurityGroupIngress"
        ])
    );
    assert_eq!(
        revoke["Resource"]["Fn::Sub"][1]["GroupId"],
        json!({"Fn::GetAtt": [vpc_id, "DefaultSecurityGroup"]})
    );
}
