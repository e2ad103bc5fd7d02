//! The crate-level generated files: `src/registry.rs` (facts about every
//! type, always compiled), `src/lib.rs` and `Cargo.toml`.

use std::fmt::Write;

use super::emit::HEADER;
use super::model::TypeModel;
use super::rules::array_field;

/// `src/registry.rs`. `models` must be sorted by type name.
pub fn registry_file(models: &[&TypeModel]) -> String {
    let mut out = String::with_capacity(models.len() * 400);
    let _ = writeln!(out, "{HEADER}");
    out.push_str(
        "//! Facts about every resource type in the pinned registry schemas, for\n\
         //! tooling that works on templates rather than typed structs (diff and\n\
         //! deploy use `create_only` to predict replacements).\n\
         \n\
         /// What the registry schema says about one resource type.\n\
         #[derive(Debug)]\n\
         pub struct TypeInfo {\n\
         \x20   /// The CloudFormation type name, such as `AWS::EC2::VPC`.\n\
         \x20   pub name: &'static str,\n\
         \x20   /// The cargo feature (and module) holding the type's L1 struct.\n\
         \x20   pub service_feature: &'static str,\n\
         \x20   /// Properties whose change replaces the resource (`/properties/`\n\
         \x20   /// stripped; nested paths keep `/`, as in `A/B`).\n\
         \x20   pub create_only: &'static [&'static str],\n\
         \x20   /// `Fn::GetAtt` attribute names, such as `Endpoint.Address`.\n\
         \x20   pub attributes: &'static [&'static str],\n\
         \x20   /// Properties that identify a resource once created.\n\
         \x20   pub primary_identifier: &'static [&'static str],\n\
         }\n\
         \n\
         /// Every resource type, sorted by name.\n\
         pub static TYPES: &[TypeInfo] = &[\n",
    );
    for m in models {
        out.push_str("    TypeInfo {\n");
        let _ = writeln!(out, "        name: \"{}\",", m.type_name);
        let _ = writeln!(out, "        service_feature: \"{}\",", m.service);
        let attrs: Vec<String> = m.attrs.iter().map(|a| a.name.clone()).collect();
        for (field, list) in [
            ("create_only", &m.create_only),
            ("attributes", &attrs),
            ("primary_identifier", &m.primary_identifier),
        ] {
            let items: Vec<String> = list.iter().map(|s| format!("{s:?}")).collect();
            for line in array_field(&format!("{field}: &"), &items, 8) {
                let _ = writeln!(out, "        {line}");
            }
        }
        out.push_str("    },\n");
    }
    out.push_str(
        "];\n\
         \n\
         /// The facts about a type, by CloudFormation type name.\n\
         pub fn lookup(name: &str) -> Option<&'static TypeInfo> {\n\
         \x20   TYPES\n\
         \x20       .binary_search_by(|t| t.name.cmp(name))\n\
         \x20       .ok()\n\
         \x20       .map(|i| &TYPES[i])\n\
         }\n",
    );
    out
}

/// `src/lib.rs`: the service modules, each behind its feature.
pub fn lib_file(services: &[(String, String)], types: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{HEADER}");
    let _ = write!(
        out,
        "//! Strata's L1 layer: one struct per CloudFormation resource type ({types} types\n\
         //! in {} services), generated from the registry schemas in `schema/` by\n\
         //! `cargo xtask codegen`.\n\
         //!\n\
         //! Each service is a module behind the cargo feature of the same name\n\
         //! (`ec2`, `s3`…; `full` enables all). A resource module holds the resource\n\
         //! struct, its property types and its typed handle:\n\
         //! `strata_cfn::ec2::Vpc`, `strata_cfn::ec2::security_group::Ingress`.\n\
         //! [`registry`] is always available.\n",
        services.len()
    );
    out.push_str(
        "#![allow(clippy::too_many_arguments, clippy::type_complexity)]\n\
         #![allow(\n\
         \x20   rustdoc::bare_urls,\n\
         \x20   rustdoc::broken_intra_doc_links,\n\
         \x20   rustdoc::invalid_html_tags\n\
         )]\n\
         \n\
         use std::fmt;\n\
         use std::marker::PhantomData;\n\
         use std::ops::Deref;\n\
         \n\
         use strata_core::{Handle, ToRaw};\n\
         \n\
         /// The typed handle of a resource of type `T`, returned when the resource is\n\
         /// added to a scope. It derefs to [`Handle`] (`ref_()`, `get_att()`); each\n\
         /// resource module adds one method per `Fn::GetAtt` attribute to its alias\n\
         /// (`ec2::VpcRef = Ref<ec2::Vpc>`).\n\
         pub struct Ref<T>(Handle, PhantomData<fn() -> T>);\n\
         \n\
         impl<T> Clone for Ref<T> {\n\
         \x20   fn clone(&self) -> Self {\n\
         \x20       *self\n\
         \x20   }\n\
         }\n\
         \n\
         impl<T> Copy for Ref<T> {}\n\
         \n\
         impl<T> fmt::Debug for Ref<T> {\n\
         \x20   fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {\n\
         \x20       f.debug_tuple(\"Ref\").field(&self.0).finish()\n\
         \x20   }\n\
         }\n\
         \n\
         impl<T> From<Handle> for Ref<T> {\n\
         \x20   fn from(h: Handle) -> Self {\n\
         \x20       Ref(h, PhantomData)\n\
         \x20   }\n\
         }\n\
         \n\
         impl<T> Deref for Ref<T> {\n\
         \x20   type Target = Handle;\n\
         \x20   fn deref(&self) -> &Handle {\n\
         \x20       &self.0\n\
         \x20   }\n\
         }\n\
         \n\
         /// `Debug` of generated resource structs: the property tree they\n\
         /// synthesize to. (Property-type structs do not implement `Debug`, which\n\
         /// keeps the crate quick to compile; print `value.to_raw()` instead.)\n\
         #[doc(hidden)]\n\
         pub fn debug_raw<T: ToRaw>(name: &str, value: &T, f: &mut fmt::Formatter<'_>) -> fmt::Result {\n\
         \x20   f.debug_tuple(name).field(&value.to_raw()).finish()\n\
         }\n\
         \n\
         pub mod registry;\n",
    );
    for (module, _title) in services {
        let _ = writeln!(out, "\n#[cfg(feature = \"{}\")]", feature(module));
        let _ = writeln!(out, "pub mod {module};");
    }
    out
}

/// The feature name of a service module (`r#type` → `type`).
pub fn feature(module: &str) -> &str {
    module.strip_prefix("r#").unwrap_or(module)
}

/// `constructs/cfn/Cargo.toml`.
pub fn cargo_toml(services: &[(String, String)]) -> String {
    let mut out = String::new();
    out.push_str(
        "# @generated by cargo xtask codegen; do not edit (features follow schema/).\n\
         [package]\n\
         name = \"strata-cfn\"\n\
         description = \"Strata's L1 layer: typed structs for every CloudFormation resource type.\"\n\
         version.workspace = true\n\
         edition.workspace = true\n\
         license.workspace = true\n\
         \n\
         [dependencies]\n\
         strata-core.workspace = true\n\
         \n\
         [[test]]\n\
         name = \"l1\"\n\
         required-features = [\"ec2\", \"s3\"]\n\
         \n\
         [package.metadata.docs.rs]\n\
         features = [\"full\"]\n\
         \n\
         [features]\n\
         default = []\n\
         full = [\n",
    );
    for (module, _) in services {
        let _ = writeln!(out, "    \"{}\",", feature(module));
    }
    out.push_str("]\n");
    for (module, title) in services {
        let _ = writeln!(out, "# {title}");
        let _ = writeln!(out, "{} = []", feature(module));
    }
    out
}
