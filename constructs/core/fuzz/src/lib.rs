//! Fuzz targets of strata-core. The invariants live in [`checks`], which
//! the stable test `constructs/aws/tests/fuzz_invariants.rs` also runs.

pub mod checks;
