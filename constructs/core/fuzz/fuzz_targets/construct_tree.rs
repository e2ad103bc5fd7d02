//! Arbitrary construct trees through synth: logical-ID allocation, refs
//! inside and across stacks, duplicate and invalid ids.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_core_fuzz::checks::{check_tree, TreeOp};

fuzz_target!(|input: (Vec<String>, Vec<(u16, u8, String, u16)>)| {
    let (stacks, ops) = input;
    let ops: Vec<TreeOp> = ops
        .into_iter()
        .take(64)
        .map(|(parent, kind, id, target)| TreeOp::new(parent.into(), kind, id, target.into()))
        .collect();
    check_tree(&stacks, &ops);
});
