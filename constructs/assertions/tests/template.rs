//! `Template`'s assertions on a small template: successes, failures and
//! their messages.

use serde_json::json;
use strata_assertions::{Capture, Match, Template};
use strata_core::{App, Output, Parameter, StackProps};

fn template() -> Template {
    Template::from_json(json!({
        "Parameters": {"Env": {"Type": "String", "Default": "dev"}},
        "Mappings": {"Sizes": {"dev": {"Count": 1}, "prod": {"Count": 3}}},
        "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
            "SubnetA": {"Type": "AWS::EC2::Subnet",
                        "Properties": {"CidrBlock": "10.0.0.0/20", "AvailabilityZone": "us-east-1a",
                                       "VpcId": {"Ref": "Vpc"}}},
            "SubnetB": {"Type": "AWS::EC2::Subnet",
                        "Properties": {"CidrBlock": "10.0.16.0/20", "AvailabilityZone": "us-east-1b",
                                       "VpcId": {"Ref": "Vpc"}}},
            "Table": {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain",
                      "DependsOn": ["Vpc"],
                      "Properties": {"TimeToLiveSpecification": {"AttributeName": "ttl", "Enabled": true}}},
            "Bare": {"Type": "AWS::SQS::Queue"},
        },
        "Outputs": {"VpcId": {"Value": {"Ref": "Vpc"}, "Export": {"Name": "vpc"}}},
    }))
}

#[test]
fn has_resource_properties_matches_some_resource() {
    let t = template();
    t.has_resource_properties("AWS::EC2::Subnet", json!({"CidrBlock": "10.0.16.0/20"}))
        .unwrap();
    t.assert_has_resource_properties("AWS::EC2::VPC", json!({"CidrBlock": "10.0.0.0/16"}));
    // A resource without Properties matches as `{}`.
    t.has_resource_properties("AWS::SQS::Queue", json!({}))
        .unwrap();
    t.has_resource_properties(
        "AWS::SQS::Queue",
        Match::object_like([("QueueName", Match::absent())]),
    )
    .unwrap();
}

#[test]
fn has_resource_properties_names_the_closest_candidate_and_the_mismatch() {
    let err = template()
        .has_resource_properties(
            "AWS::EC2::Subnet",
            json!({"CidrBlock": "10.0.32.0/20", "AvailabilityZone": "us-east-1b"}),
        )
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(
            "no AWS::EC2::Subnet has such properties: 2 resources tested, none matches.\n\
             The closest is SubnetB, with 1 mismatch:\n  \
             /Properties/CidrBlock: expected \"10.0.32.0/20\", got \"10.0.16.0/20\"\nSubnetB:\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("\"AvailabilityZone\": \"us-east-1b\""),
        "{text}"
    );
    assert_eq!(err.mismatches().len(), 1);
    assert_eq!(err.mismatches()[0].path, "/Properties/CidrBlock");
    // Debug prints the message too, for tests returning Result.
    assert_eq!(format!("{err:?}"), text);
}

#[test]
fn a_missing_type_lists_the_types_present() {
    let err = template()
        .has_resource_properties("AWS::EC2::NatGateway", json!({}))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "no AWS::EC2::NatGateway has such properties: the template has no resource of this type; \
         its types are: AWS::DynamoDB::Table, AWS::EC2::Subnet, AWS::EC2::VPC, AWS::SQS::Queue"
    );
}

#[test]
#[should_panic(expected = "/Properties/CidrBlock: expected \"10.1.0.0/16\", got \"10.0.0.0/16\"")]
fn assert_variants_panic_with_the_message() {
    template().assert_has_resource_properties("AWS::EC2::VPC", json!({"CidrBlock": "10.1.0.0/16"}));
}

#[test]
fn has_resource_sees_deletion_policy_and_depends_on() {
    let t = template();
    t.has_resource(
        "AWS::DynamoDB::Table",
        json!({"DeletionPolicy": "Retain", "DependsOn": ["Vpc"],
               "Properties": {"TimeToLiveSpecification": {"AttributeName": "ttl"}}}),
    )
    .unwrap();
    let err = t
        .has_resource("AWS::DynamoDB::Table", json!({"DeletionPolicy": "Delete"}))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("/DeletionPolicy: expected \"Delete\", got \"Retain\""),
        "{err}"
    );
}

#[test]
fn counts() {
    let t = template();
    t.resource_count_is("AWS::EC2::Subnet", 2).unwrap();
    t.resource_count_is("AWS::EC2::NatGateway", 0).unwrap();
    assert_eq!(
        t.resource_count_is("AWS::EC2::Subnet", 3)
            .unwrap_err()
            .to_string(),
        "expected 3 AWS::EC2::Subnet resources, found 2: SubnetA, SubnetB"
    );
    let vpc_ref = json!({"VpcId": {"Ref": "Vpc"}});
    t.resource_properties_count_is("AWS::EC2::Subnet", vpc_ref.clone(), 2)
        .unwrap();
    t.resource_properties_count_is(
        "AWS::EC2::Subnet",
        json!({"AvailabilityZone": "us-east-1c"}),
        0,
    )
    .unwrap();
    let err = t
        .resource_properties_count_is("AWS::EC2::Subnet", vpc_ref, 1)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "expected 1 AWS::EC2::Subnet resource with such properties, found 2: SubnetA, SubnetB"
    );
    let err = t
        .resource_properties_count_is(
            "AWS::EC2::Subnet",
            json!({"AvailabilityZone": "us-east-1a"}),
            2,
        )
        .unwrap_err();
    assert!(err.to_string().starts_with(
        "expected 2 AWS::EC2::Subnet resources with such properties, found 1: SubnetA: 2 resources tested"
    ), "{err}");
}

#[test]
fn find_resources_returns_ids_and_resources_in_order() {
    let t = template();
    let found = t.find_resources(
        "AWS::EC2::Subnet",
        json!({"Properties": {"VpcId": {"Ref": "Vpc"}}}),
    );
    let ids: Vec<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["SubnetA", "SubnetB"]);
    assert_eq!(found[0].1["Properties"]["CidrBlock"], "10.0.0.0/20");
    assert!(t
        .find_resources("AWS::EC2::Subnet", json!({"Properties": {"VpcId": "x"}}))
        .is_empty());
}

#[test]
fn all_resources_properties_needs_every_resource_and_at_least_one() {
    let t = template();
    t.all_resources_properties("AWS::EC2::Subnet", json!({"VpcId": {"Ref": "Vpc"}}))
        .unwrap();
    t.all_resources("AWS::EC2::Subnet", json!({"Type": "AWS::EC2::Subnet"}))
        .unwrap();
    let err = t
        .all_resources_properties(
            "AWS::EC2::Subnet",
            json!({"AvailabilityZone": "us-east-1a"}),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "expected every AWS::EC2::Subnet to match such properties; 1 of 2 do not: SubnetB.\n\
         SubnetB has:\n  /Properties/AvailabilityZone: expected \"us-east-1a\", got \"us-east-1b\""
    );
    let err = t
        .all_resources_properties("AWS::EC2::NatGateway", json!({}))
        .unwrap_err();
    assert!(
        err.to_string().contains("has no resource of this type"),
        "{err}"
    );
}

#[test]
fn outputs_parameters_mappings_conditions() {
    let t = template();
    t.has_output("VpcId", json!({"Value": {"Ref": "Vpc"}}))
        .unwrap();
    t.has_output("*", json!({"Export": {"Name": "vpc"}}))
        .unwrap();
    assert_eq!(t.find_outputs("*", json!({})).len(), 1);
    let err = t.has_output("VpcId", json!({"Value": "x"})).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "output VpcId does not match: 1 output tested, none matches.\n\
             The closest is VpcId, with 1 mismatch:\n  /Value: expected string \"x\", got object {\"Ref\":\"Vpc\"}"
        ),
        "{err}"
    );
    let err = t.has_output("Nope", json!({})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "output Nope does not match: the template has no such output; its outputs are: VpcId"
    );
    t.has_parameter("Env", json!({"Type": "String", "Default": "dev"}))
        .unwrap();
    assert_eq!(t.find_parameters("*", json!({"Type": "Number"})).len(), 0);
    t.has_mapping("Sizes", json!({"prod": {"Count": 3}}))
        .unwrap();
    assert_eq!(t.find_mappings("*", json!({})).len(), 1);
    t.has_condition("IsProd", json!({"Fn::Equals": [{"Ref": "Env"}, "prod"]}))
        .unwrap();
    assert_eq!(t.find_conditions("IsProd", json!({})).len(), 1);
    assert!(t.has_condition("*", json!({"Fn::Not": []})).is_err());
}

#[test]
fn template_matches_the_whole_template() {
    let t = template();
    t.template_matches(json!({"Resources": {"Vpc": {"Type": "AWS::EC2::VPC"}}}))
        .unwrap();
    let err = t
        .template_matches(json!({"Resources": {"Vpc": {"Type": "AWS::EC2::Subnet"}}}))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the template does not match:\n  /Resources/Vpc/Type: expected \"AWS::EC2::Subnet\", got \"AWS::EC2::VPC\""
    );
    assert!(t.template_matches(Match::exact(json!({}))).is_err());
}

#[test]
fn captures_across_matching_resources() {
    let cidr = Capture::new();
    template()
        .has_resource_properties(
            "AWS::EC2::Subnet",
            Match::object_like([("CidrBlock", &cidr)]),
        )
        .unwrap();
    assert_eq!(cidr.as_str().unwrap(), "10.0.0.0/20");
    assert!(cidr.next());
    assert_eq!(cidr.as_str().unwrap(), "10.0.16.0/20");
}

#[test]
fn from_str_and_from_stack() {
    assert!(Template::from_str("{")
        .unwrap_err()
        .to_string()
        .starts_with("the template is not valid JSON"));
    let t = Template::from_str(r#"{"Resources": {}}"#).unwrap();
    assert_eq!(t.to_json(), &json!({"Resources": {}}));
    let parsed: Template = r#"{"Outputs": {}}"#.parse().unwrap();
    assert!(parsed.resource("X").is_none());

    let app = App::new();
    let stack = app.stack("Net", StackProps::default());
    stack.parameter("Size", Parameter::new("Number"));
    stack.output("Name", Output::new("net"));
    let assembly = app.synth().unwrap();
    let t = Template::from_stack(&assembly, "Net").unwrap();
    t.has_parameter("Size", json!({"Type": "Number"})).unwrap();
    t.has_output("Name", json!({"Value": "net"})).unwrap();
    assert_eq!(
        Template::from_stack(&assembly, "Data")
            .unwrap_err()
            .to_string(),
        "the assembly has no stack Data; its stacks are: Net"
    );
}
