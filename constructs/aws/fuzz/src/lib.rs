//! Fuzz targets of the `strata` crate. The invariants live in [`cidr`]
//! and [`properties`], which the stable test
//! `constructs/aws/tests/fuzz_invariants.rs` also runs.

pub mod cidr;
pub mod properties;
