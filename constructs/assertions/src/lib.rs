//! Assertions on synthesized CloudFormation templates, in the spirit of
//! the CDK's `assertions` module: [`Template`] finds resources, outputs,
//! parameters, mappings and conditions that match a pattern; [`Match`]
//! builds patterns; [`Capture`] records matched values.
//!
//! A `serde_json::json!` literal is a pattern: at the top of a `has_*`
//! assertion and wherever it sits under an object-like pattern, its
//! objects match object-like (extra keys allowed) at every depth and its
//! arrays match exactly; [`Matcher::with`] mixes matchers into such a
//! literal. The `Result` API never panics; the `assert_*` methods are
//! panicking helpers for tests.
//!
//! ```
//! use strata_assertions::{Match, Template};
//! use strata_core::{App, Output, StackProps};
//!
//! let app = App::new();
//! let stack = app.stack("Api", StackProps::default());
//! stack.output("Endpoint", Output::new("https://api.example.com"));
//! let assembly = app.synth().unwrap();
//!
//! let template = Template::from_stack(&assembly, "Api")?;
//! template.has_output(
//!     "Endpoint",
//!     Match::object_like([("Value", Match::string_like_regexp("^https://"))]),
//! )?;
//! # Ok::<(), strata_assertions::AssertionError>(())
//! ```

mod assert;
mod capture;
mod matcher;
mod result;
mod template;

pub use capture::Capture;
pub use matcher::{IntoEntries, IntoItems, Match, Matcher};
pub use result::{AssertionError, Mismatch};
pub use template::Template;
