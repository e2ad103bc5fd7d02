//! The bad-input corpus: invalid constructions across the families and the
//! core, each of which must fail synth (never panic) with an issue at the
//! construct's path that says what is wrong.

use std::panic::{catch_unwind, AssertUnwindSafe};

use strata::prelude::*;

#[path = "bad_input/compute.rs"]
mod compute;
#[path = "bad_input/core.rs"]
mod core;
#[path = "bad_input/data.rs"]
mod data;
#[path = "bad_input/edge.rs"]
mod edge;
#[path = "bad_input/network.rs"]
mod network;

/// One invalid construction.
pub struct Case {
    /// What the case shows, for the failure message.
    pub name: &'static str,
    /// The construct path the issue must name, exactly.
    pub path: &'static str,
    /// Text the issue must contain: what is wrong.
    pub expect: &'static str,
    /// Builds the invalid app.
    pub build: fn(&App),
}

/// The stack most cases build in.
pub fn stack(app: &App) -> Scope {
    app.stack("Bad", StackProps::default())
}

/// A stack in a named account and region.
pub fn stack_in(app: &App, id: &str, account: &str, region: &str) -> Scope {
    app.stack(
        id,
        StackProps {
            env: Environment::new(account, region),
            ..StackProps::default()
        },
    )
}

/// Runs one case: building and synth must not panic, synth must fail, and
/// one issue must be at the case's path and contain its text.
fn run(case: &Case) -> Result<(), String> {
    let app = App::new();
    catch_unwind(AssertUnwindSafe(|| (case.build)(&app)))
        .map_err(|_| format!("{}: building panicked", case.name))?;
    let result = catch_unwind(AssertUnwindSafe(|| app.synth()))
        .map_err(|_| format!("{}: synth panicked", case.name))?;
    let err = match result {
        Ok(_) => return Err(format!("{}: synth passed", case.name)),
        Err(e) => e,
    };
    let found = err
        .issues
        .iter()
        .any(|i| i.path == case.path && i.to_string().contains(case.expect));
    if found {
        Ok(())
    } else {
        Err(format!(
            "{}: no issue at {:?} containing {:?} in\n{err}",
            case.name, case.path, case.expect
        ))
    }
}

#[test]
fn every_bad_input_fails_synth_naming_the_path_and_the_problem() {
    let cases: Vec<Case> = [
        core::cases(),
        network::cases(),
        data::cases(),
        compute::cases(),
        edge::cases(),
    ]
    .into_iter()
    .flatten()
    .collect();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let failures: Vec<String> = cases.iter().filter_map(|c| run(c).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn case_names_are_unique() {
    let mut names: Vec<&str> = [
        core::cases(),
        network::cases(),
        data::cases(),
        compute::cases(),
        edge::cases(),
    ]
    .iter()
    .flatten()
    .map(|c| c.name)
    .collect();
    let total = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), total, "two cases share a name");
}
