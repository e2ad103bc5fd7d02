//! Whole-corpus tests: run the generator on the checked-in schemas and
//! patches, and check determinism and a few well-known shapes.

use std::path::Path;
use std::sync::OnceLock;

use super::check::Files;
use super::{generate, Summary};

fn output() -> &'static (Files, Summary) {
    static OUT: OnceLock<(Files, Summary)> = OnceLock::new();
    OUT.get_or_init(|| generate(&crate::root()).expect("codegen succeeds"))
}

fn file(name: &str) -> &'static str {
    let path = Path::new("constructs/cfn/src").join(name);
    output()
        .0
        .get(&path)
        .unwrap_or_else(|| panic!("{name} is generated"))
}

/// The text of `pub mod <module> { … }` in a service file.
fn module<'a>(text: &'a str, module: &str) -> &'a str {
    let start = text
        .find(&format!("\npub mod {module} {{\n"))
        .unwrap_or_else(|| panic!("module {module} exists"));
    let end = text[start + 1..]
        .find("\n}\n")
        .map_or(text.len(), |e| start + 1 + e);
    &text[start..end]
}

#[test]
fn output_is_deterministic() {
    let (again, summary) = generate(&crate::root()).unwrap();
    assert_eq!(summary.types, 1854);
    assert!(again == output().0, "two runs differ");
}

#[test]
fn every_type_and_service_is_generated() {
    let (files, s) = output();
    assert_eq!(s.types, 1854);
    assert_eq!(s.services, 308);
    // One file per service, plus lib.rs, registry.rs and Cargo.toml.
    assert_eq!(files.len(), 308 + 3);
    assert_eq!(s.patched, 2);
    for (path, text) in files {
        if path.extension().is_some_and(|e| e == "rs") {
            assert!(text.starts_with(super::emit::HEADER), "{}", path.display());
        } else {
            assert!(text.starts_with("# @generated"), "{}", path.display());
        }
    }
}

#[test]
fn vpc_and_subnet_fields() {
    let vpc = module(file("ec2.rs"), "vpc");
    assert!(vpc.contains("        pub cidr_block: Option<Value<String>>,\n"));
    assert!(vpc.contains("#[derive(Clone, Default)]\n    pub struct Vpc {"));
    assert!(vpc.contains("const TYPE: &'static str = \"AWS::EC2::VPC\";"));
    // Read-only properties are attributes, not fields.
    let fields = &vpc[vpc.find("pub struct Vpc {").unwrap()..];
    let fields = &fields[..fields.find("\n    }\n").unwrap()];
    assert!(!fields.contains("pub vpc_id:"));
    assert!(vpc.contains("pub fn vpc_id(&self) -> Value<String> {"));
    assert!(vpc.contains("pub fn cidr_block_associations(&self) -> Value<Vec<Value<String>>> {"));
    let subnet = module(file("ec2.rs"), "subnet");
    assert!(subnet.contains("        pub vpc_id: Value<String>,\n"));
    assert!(subnet.contains("pub fn new(vpc_id: impl Into<Value<String>>) -> Self {"));
    assert!(file("ec2.rs").contains("pub use vpc::{Vpc, VpcRef};\n"));
    assert!(file("ec2.rs").contains("pub use security_group::{SecurityGroup, SecurityGroupRef};\n"));
    assert!(module(file("ec2.rs"), "security_group").contains("pub struct Ingress {"));
}

#[test]
fn recursive_wafv2_statements_are_boxed() {
    let acl = module(file("wafv2.rs"), "web_acl");
    assert!(
        acl.contains("Value<Box<Statement>>"),
        "a direct self reference is boxed"
    );
    assert!(
        acl.contains("Value<Vec<Value<Statement>>>"),
        "list references are not boxed"
    );
}

#[test]
fn tag_shapes() {
    assert!(module(file("s3.rs"), "bucket")
        .contains("const TAGS: strata_core::TagShape = strata_core::TagShape::List(\"Tags\");"));
    assert!(module(file("auto_scaling.rs"), "auto_scaling_group")
        .contains("TagShape::ListPropagate(\"Tags\")"));
    assert!(module(file("ssm.rs"), "parameter").contains("TagShape::Map(\"Tags\")"));
    assert!(module(file("iam.rs"), "policy").contains("TagShape::None"));
}

#[test]
fn nested_get_att_names() {
    let cluster = module(file("rds.rs"), "db_cluster");
    assert!(cluster.contains(
        "        /// The `Endpoint.Address` attribute (`Fn::GetAtt`).\n        \
         pub fn endpoint_address(&self) -> Value<String> {\n            \
         self.get_att(\"Endpoint.Address\")\n"
    ));
}

#[test]
fn validation_rules_are_emitted() {
    let vpc = module(file("ec2.rs"), "vpc");
    assert!(vpc.contains("v.check(\"InstanceTenancy\", &self.instance_tenancy, &RULE_"));
    let ec2 = file("ec2.rs");
    assert!(ec2.contains("allowed: &[\"dedicated\", \"default\", \"host\"],"));
    assert!(output().1.skipped_patterns > 0);
}

#[test]
fn patches_apply() {
    let table = module(file("dynamodb.rs"), "table");
    assert!(table.contains("pub key_schema: Value<Vec<Value<KeySchema>>>,"));
    let function = module(file("lambda.rs"), "function");
    assert!(function.contains("pub variables: Option<Value<Map<Value<String>>>>,"));
}

#[test]
fn registry_and_manifest() {
    let registry = file("registry.rs");
    let vpc = registry
        .find("name: \"AWS::EC2::VPC\",")
        .map(|i| &registry[i..i + 600])
        .expect("VPC is registered");
    assert!(vpc.contains("service_feature: \"ec2\","));
    assert!(vpc.contains("\"CidrBlock\""));
    assert!(registry.contains("\"Endpoint.Address\""));
    let cargo = output()
        .0
        .get(Path::new("constructs/cfn/Cargo.toml"))
        .unwrap();
    assert!(cargo.contains("\nec2 = []\n") && cargo.contains("\n    \"wafv2\",\n"));
    assert!(
        cargo.contains("\ndynamodb = []\n") && cargo.contains("\napplication_auto_scaling = []\n")
    );
    let lib = file("lib.rs");
    assert!(lib.contains("#[cfg(feature = \"ec2\")]\npub mod ec2;\n"));
    assert!(lib.contains("\npub mod registry;\n"));
}
