//! Locking down the VPC's default security group with CloudFormation
//! resources only.
//!
//! AWS creates every VPC with a `default` security group that admits all
//! traffic from its members and allows all outbound traffic. It cannot be
//! deleted, and CloudFormation has no property to create a VPC without
//! those rules: `AWS::EC2::VPC` exposes the group only as the
//! `DefaultSecurityGroup` attribute, and `AWS::EC2::SecurityGroupIngress` /
//! `Egress` can add rules but never remove them. The CDK removes them with
//! a Lambda-backed custom resource.
//!
//! Strata uses a managed alternative instead: an `AWS::SSM::Association`
//! (a Systems Manager State Manager association) that runs the AWS-owned
//! Automation runbook `AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules`
//! on the group once, as soon as the association is created. The runbook
//! checks that the group is named `default` and revokes all its rules. It
//! runs under an IAM role that may only describe security groups and revoke
//! rules of that one group. No code is deployed, and nothing outside
//! CloudFormation and AWS-managed runbooks is involved.

use serde_json::json;
use strata_cfn::{iam, ssm};
use strata_core::{Fn, Json, Map, Raw, Scope, Value};

use super::AgentVpc;

/// The AWS-owned Automation runbook that revokes every rule of a VPC's
/// default security group.
const REMOVE_DEFAULT_SG_RULES_RUNBOOK: &str =
    "AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules";

/// What [`AgentVpc::lock_down_default_security_group`] adds at
/// `<vpc>/DefaultSecurityGroupLockdown`: `Role/Resource` and `Association`.
#[derive(Clone, Debug)]
pub struct DefaultSecurityGroupLockdown {
    scope: Scope,
    role: iam::RoleRef,
    association: ssm::AssociationRef,
}

impl DefaultSecurityGroupLockdown {
    /// The L1 handle of the role the runbook runs under.
    pub fn role(&self) -> &iam::RoleRef {
        &self.role
    }

    /// The L1 handle of the `AWS::SSM::Association`.
    pub fn association(&self) -> &ssm::AssociationRef {
        &self.association
    }

    /// The lockdown's construct.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl AgentVpc {
    /// Removes every inbound and outbound rule of the VPC's default security
    /// group at deploy time, so resources that end up in it by mistake get
    /// no traffic (AWS Security Hub control EC2.2). See the module
    /// documentation for why this takes a State Manager association.
    ///
    /// ```
    /// use strata::prelude::*;
    /// use strata::ec2::{AgentVpc, AgentVpcProps};
    ///
    /// let app = App::new();
    /// let stack = app.stack("Network", StackProps::default());
    /// let vpc = AgentVpc::new(&stack, "Vpc", AgentVpcProps::default());
    /// vpc.lock_down_default_security_group();
    /// let assembly = app.synth().expect("valid");
    /// let resources = assembly.stacks[0].template["Resources"].as_object().unwrap();
    /// let association = resources.values().find(|r| r["Type"] == "AWS::SSM::Association").unwrap();
    /// assert_eq!(
    ///     association["Properties"]["Parameters"]["GroupId"][0]["Fn::GetAtt"][1],
    ///     "DefaultSecurityGroup"
    /// );
    /// ```
    pub fn lock_down_default_security_group(&self) -> DefaultSecurityGroupLockdown {
        let scope = self.scope.child("DefaultSecurityGroupLockdown");
        let group_id = self.default_security_group_id();
        let group_arn = Fn::sub_with(
            "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:security-group/${GroupId}",
            [("GroupId", group_id.clone())],
        );
        let runbook_arn = Fn::sub(&format!(
            "arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:*:automation-definition/{REMOVE_DEFAULT_SG_RULES_RUNBOOK}:*"
        ));
        let executions_arn = Fn::sub(
            "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:automation-execution/*",
        );
        let statement = |actions: Json, resource: Raw| {
            Raw::object([
                ("Action", Raw::from(actions)),
                ("Effect", Raw::from("Allow")),
                ("Resource", resource),
            ])
        };
        let document = Raw::object([
            (
                "Statement",
                Raw::List(vec![
                    statement(json!("ec2:DescribeSecurityGroups"), Raw::from("*")),
                    statement(
                        json!([
                            "ec2:RevokeSecurityGroupEgress",
                            "ec2:RevokeSecurityGroupIngress"
                        ]),
                        Raw::from(group_arn),
                    ),
                    statement(
                        json!("ssm:StartAutomationExecution"),
                        Raw::from(runbook_arn),
                    ),
                    statement(
                        json!("ssm:GetAutomationExecution"),
                        Raw::from(executions_arn),
                    ),
                ]),
            ),
            ("Version", Raw::from("2012-10-17")),
        ]);
        let role = scope.child("Role").resource(
            "Resource",
            iam::Role {
                description: Some(
                    "Runs the runbook that removes the rules of the VPC's default security group"
                        .into(),
                ),
                policies: Some(Value::list([iam::role::Policy::new(
                    Value::expr(document),
                    "RemoveDefaultSecurityGroupRules",
                )])),
                ..iam::Role::new(Value::expr(Raw::object([
                    (
                        "Statement",
                        Raw::List(vec![Raw::object([
                            ("Action", Raw::from("sts:AssumeRole")),
                            (
                                "Condition",
                                Raw::object([(
                                    "StringEquals",
                                    Raw::object([(
                                        "aws:SourceAccount",
                                        Raw::from(Fn::account_id()),
                                    )]),
                                )]),
                            ),
                            ("Effect", Raw::from("Allow")),
                            (
                                "Principal",
                                Raw::from(json!({"Service": "ssm.amazonaws.com"})),
                            ),
                        ])]),
                    ),
                    ("Version", Raw::from("2012-10-17")),
                ])))
            },
        );
        let parameters: Map<Value<Vec<Value<String>>>> = [
            (
                "AutomationAssumeRole".to_string(),
                Value::list([role.arn()]),
            ),
            ("GroupId".to_string(), Value::list([group_id])),
        ]
        .into_iter()
        .collect();
        let association = scope.resource(
            "Association",
            ssm::Association {
                parameters: Some(Value::Lit(parameters)),
                ..ssm::Association::new(REMOVE_DEFAULT_SG_RULES_RUNBOOK)
            },
        );
        DefaultSecurityGroupLockdown {
            scope,
            role,
            association,
        }
    }
}
