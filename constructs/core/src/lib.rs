//! Strata's core: the construct tree, property values and intrinsics,
//! logical IDs, the template model, synth-time validation and the cloud
//! assembly writer.
//!
//! Generated L1 structs (the `strata-cfn` crate) implement [`Resource`];
//! hand-written constructs compose them under a [`Scope`].

mod assembly;
mod asset;
mod crossref;
mod document;
mod intrinsics;
mod logical_id;
mod resolve;
mod resource;
mod stackset;
mod synth;
mod template;
mod tree;
mod validate;
mod value;

pub use assembly::{output_dir, ASSEMBLY_VERSION, PARAMETER_SOURCE};
pub use asset::{
    asset_entries, content_hash, AssetEntry, AssetPackaging, FileAsset, STAGING_BUCKET_NAME,
};
pub use crossref::ParameterSource;
pub use document::Template;
pub use intrinsics::{Fn, StrList};
pub use logical_id::logical_id;
pub use resource::{Handle, Resource, ResourceRef, TagShape};
pub use stackset::{Share, StackSetPermissions, StackSetProps, STACK_SET};
pub use synth::{limits, to_template_string, Assembly, StackArtifact, SynthError};
pub use template::{Condition, Output, Parameter, RemovalPolicy, ResourceOptions, TemplateRule};
pub use tree::{App, Aspect, Environment, NodeId, Scope, StackProps};
pub use validate::{
    pattern_matches, Check, Issue, ListProperty, MapProperty, Rule, Validate, Validator,
};
pub use value::{Expr, Json, Map, ObjectBuilder, Raw, Target, ToRaw, Value};
