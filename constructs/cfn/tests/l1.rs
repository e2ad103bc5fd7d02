//! Compile-and-behave test of the generated L1 structs (features `ec2`, `s3`;
//! see `required-features` in Cargo.toml).

use strata_cfn::ec2::{self, Vpc};
use strata_cfn::s3::{bucket, Bucket};
use strata_core::{Fn, Issue, Raw, Resource, TagShape, ToRaw, Validate, Validator, Value};

fn issues(r: &impl Validate) -> Vec<Issue> {
    let mut out = Vec::new();
    r.validate(&mut Validator::new("Stack/Thing", &mut out));
    out
}

fn get<'a>(raw: &'a Raw, key: &str) -> Option<&'a Raw> {
    match raw {
        Raw::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    }
}

#[test]
fn vpc_to_raw_keeps_schema_names_and_skips_unset_properties() {
    let vpc = Vpc {
        cidr_block: Some("10.0.0.0/16".into()),
        enable_dns_support: Some(true.into()),
        tags: Some(Value::list([ec2::vpc::Tag::new("Name", "main")])),
        ..Vpc::new()
    };
    let raw = vpc.to_raw();
    let Raw::Object(fields) = &raw else {
        panic!("a resource is an object: {raw:?}");
    };
    let keys: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["CidrBlock", "EnableDnsSupport", "Tags"]);
    assert_eq!(
        get(&raw, "CidrBlock"),
        Some(&Raw::Str("10.0.0.0/16".into()))
    );
    let Some(Raw::List(tags)) = get(&raw, "Tags") else {
        panic!("tags are a list");
    };
    assert_eq!(get(&tags[0], "Key"), Some(&Raw::Str("Name".into())));
    assert_eq!(Vpc::TYPE, "AWS::EC2::VPC");
    assert_eq!(Vpc::TAGS, TagShape::List("Tags"));
    assert!(issues(&vpc).is_empty());
    assert!(format!("{vpc:?}").starts_with("Vpc(Object(["));
}

#[test]
fn required_properties_go_through_new() {
    let subnet = ec2::Subnet {
        cidr_block: Some("10.0.1.0/24".into()),
        ..ec2::Subnet::new(Fn::import_value("vpc-id"))
    };
    let raw = subnet.to_raw();
    assert!(
        matches!(get(&raw, "VpcId"), Some(Raw::Object(_))),
        "{raw:?}"
    );
}

#[test]
fn validate_reports_bad_enums_and_patterns() {
    let vpc = Vpc {
        instance_tenancy: Some("shared".into()),
        ..Vpc::new()
    };
    let found = issues(&vpc);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].rule, "enum");
    assert_eq!(found[0].property, "InstanceTenancy");

    let bucket = Bucket {
        bucket_name: Some("Not_A_Bucket".into()),
        versioning_configuration: Some(bucket::VersioningConfiguration::new("Sometimes").into()),
        ..Bucket::new()
    };
    let found = issues(&bucket);
    let rules: Vec<(&str, &str)> = found
        .iter()
        .map(|i| (i.property.as_str(), i.rule))
        .collect();
    assert_eq!(
        rules,
        [
            ("BucketName", "pattern"),
            ("VersioningConfiguration.Status", "enum")
        ]
    );

    // Intrinsics are only known at deploy time and are not checked.
    let bucket = Bucket {
        bucket_name: Some(Fn::sub("${AWS::StackName}-Logs")),
        ..Bucket::new()
    };
    assert!(issues(&bucket).is_empty());
    assert_eq!(Bucket::TAGS, TagShape::List("Tags"));
}

#[test]
fn registry_lookup() {
    let vpc = strata_cfn::registry::lookup("AWS::EC2::VPC").expect("registered");
    assert_eq!(vpc.service_feature, "ec2");
    assert!(vpc.create_only.contains(&"CidrBlock"));
    assert!(vpc.attributes.contains(&"VpcId"));
    assert_eq!(vpc.primary_identifier, ["VpcId"]);
    assert!(strata_cfn::registry::lookup("AWS::EC2::Nope").is_none());
    assert!(strata_cfn::registry::TYPES
        .windows(2)
        .all(|w| w[0].name < w[1].name));
    assert_eq!(strata_cfn::registry::TYPES.len(), 1854);
}
