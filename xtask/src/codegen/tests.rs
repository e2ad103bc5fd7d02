//! Whole-corpus tests: run the generator on the checked-in schemas.
