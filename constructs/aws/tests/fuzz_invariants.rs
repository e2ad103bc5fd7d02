//! The fuzz targets' invariants (`constructs/core/fuzz`, `constructs/aws/fuzz`)
//! on proptest inputs, so CI checks them on stable without `cargo fuzz`.

#[path = "../../core/fuzz/src/checks.rs"]
#[allow(dead_code)]
mod core_checks;

#[path = "../fuzz/src/cidr.rs"]
mod cidr;

#[path = "../fuzz/src/properties.rs"]
mod properties;

use proptest::prelude::*;
use serde_json::Value as Json;

use cidr::{Block, TierInput};
use core_checks::TreeOp;

/// Construct ids: mostly short names, sometimes odd characters, `Default`
/// and `Resource`, `/`, empty.
fn id() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z][A-Za-z0-9]{0,6}",
        Just("Default".to_string()),
        Just("Resource".to_string()),
        ".{0,8}",
        "[a-z/ -]{0,5}",
        "[A-Z]{250,260}",
    ]
}

fn block() -> impl Strategy<Value = Block> {
    prop_oneof![
        4 => (any::<u32>(), 14u8..30).prop_map(|(a, p)| Block::Parts(a, p)),
        1 => (0u32..0x10000, 0u8..33).prop_map(|(a, p)| Block::Parts(0x0a00_0000 | a << 8, p)),
        1 => ".{0,20}".prop_map(Block::Text),
        1 => "10\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}/[0-9]{1,2}".prop_map(Block::Text),
    ]
}

fn tier() -> impl Strategy<Value = TierInput> {
    (
        prop_oneof![Just("public".to_string()), Just("app".to_string()), id()],
        any::<u8>(),
        any::<u8>(),
        prop_oneof![14u8..30, any::<u8>()],
        prop::collection::vec(block(), 0..4),
    )
        .prop_map(|(name, kind, size, mask, cidrs)| TierInput {
            name,
            kind,
            size,
            mask,
            cidrs,
        })
}

fn json() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::from),
        any::<i64>().prop_map(Json::from),
        (-2000i64..70_000).prop_map(Json::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number)),
        prop_oneof![
            ".{0,12}",
            Just("${Thing.Arn}".to_string()),
            Just("alias/fuzz".to_string()),
            Just("Missing".to_string()),
        ]
        .prop_map(Json::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("Ref".to_string()),
                    Just("Fn::GetAtt".to_string()),
                    Just("Key".to_string()),
                    Just("Value".to_string()),
                    "[A-Za-z:]{0,6}",
                ],
                inner,
                0..3
            )
            .prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn logical_ids_are_valid_and_stable(components in prop::collection::vec(id(), 0..6)) {
        core_checks::check_logical_id(&components);
    }

    #[test]
    fn construct_trees_synth_or_name_the_problem(
        stacks in prop::collection::vec(id(), 0..4),
        ops in prop::collection::vec((0usize..40, any::<u8>(), id(), any::<usize>()), 0..24),
    ) {
        let ops: Vec<TreeOp> = ops
            .into_iter()
            .map(|(parent, kind, id, target)| TreeOp::new(parent, kind, id, target))
            .collect();
        core_checks::check_tree(&stacks, &ops);
    }

    #[test]
    fn subnet_plans_are_inside_the_vpc_and_disjoint(
        vpc in block(),
        azs in prop_oneof![8 => 0usize..7, 1 => 0usize..5000],
        tiers in prop::collection::vec(tier(), 0..5),
    ) {
        cidr::check_plan(&vpc, azs, &tiers);
    }

    #[test]
    fn property_values_are_validated_or_written_as_given(
        resource in any::<u8>(),
        sets in prop::collection::vec((any::<u8>(), json()), 0..8),
    ) {
        properties::check_properties(resource, &sets);
    }
}
