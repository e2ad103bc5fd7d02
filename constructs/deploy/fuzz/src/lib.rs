//! Fuzz target of strata-deploy's cloud-assembly reader. The invariants
//! live in [`checks`], which the stable test `xtask/tests/fuzz_assembly.rs`
//! also runs.

pub mod checks;
