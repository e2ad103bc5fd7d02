//! Logical IDs from arbitrary construct paths.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_core_fuzz::checks::check_logical_id;

fuzz_target!(|components: Vec<String>| {
    check_logical_id(&components);
});
