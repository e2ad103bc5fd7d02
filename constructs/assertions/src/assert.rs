//! The panicking twins of `Template`'s assertions, for tests: each panics
//! with the assertion's message, at the caller's line.

use crate::matcher::Matcher;
use crate::result::AssertionError;
use crate::template::Template;

#[track_caller]
fn check(result: Result<(), AssertionError>) {
    if let Err(e) = result {
        panic!("{e}");
    }
}

impl Template {
    /// Test helper: [`Template::has_resource_properties`], panicking on failure.
    #[track_caller]
    pub fn assert_has_resource_properties(&self, ty: &str, props: impl Into<Matcher>) {
        check(self.has_resource_properties(ty, props));
    }

    /// Test helper: [`Template::has_resource`], panicking on failure.
    #[track_caller]
    pub fn assert_has_resource(&self, ty: &str, pattern: impl Into<Matcher>) {
        check(self.has_resource(ty, pattern));
    }

    /// Test helper: [`Template::resource_count_is`], panicking on failure.
    #[track_caller]
    pub fn assert_resource_count_is(&self, ty: &str, count: usize) {
        check(self.resource_count_is(ty, count));
    }

    /// Test helper: [`Template::resource_properties_count_is`], panicking on failure.
    #[track_caller]
    pub fn assert_resource_properties_count_is(
        &self,
        ty: &str,
        props: impl Into<Matcher>,
        count: usize,
    ) {
        check(self.resource_properties_count_is(ty, props, count));
    }

    /// Test helper: [`Template::all_resources_properties`], panicking on failure.
    #[track_caller]
    pub fn assert_all_resources_properties(&self, ty: &str, props: impl Into<Matcher>) {
        check(self.all_resources_properties(ty, props));
    }

    /// Test helper: [`Template::all_resources`], panicking on failure.
    #[track_caller]
    pub fn assert_all_resources(&self, ty: &str, pattern: impl Into<Matcher>) {
        check(self.all_resources(ty, pattern));
    }

    /// Test helper: [`Template::has_output`], panicking on failure.
    #[track_caller]
    pub fn assert_has_output(&self, id: &str, pattern: impl Into<Matcher>) {
        check(self.has_output(id, pattern));
    }

    /// Test helper: [`Template::has_parameter`], panicking on failure.
    #[track_caller]
    pub fn assert_has_parameter(&self, id: &str, pattern: impl Into<Matcher>) {
        check(self.has_parameter(id, pattern));
    }

    /// Test helper: [`Template::has_mapping`], panicking on failure.
    #[track_caller]
    pub fn assert_has_mapping(&self, id: &str, pattern: impl Into<Matcher>) {
        check(self.has_mapping(id, pattern));
    }

    /// Test helper: [`Template::has_condition`], panicking on failure.
    #[track_caller]
    pub fn assert_has_condition(&self, id: &str, pattern: impl Into<Matcher>) {
        check(self.has_condition(id, pattern));
    }

    /// Test helper: [`Template::template_matches`], panicking on failure.
    #[track_caller]
    pub fn assert_template_matches(&self, pattern: impl Into<Matcher>) {
        check(self.template_matches(pattern));
    }
}
