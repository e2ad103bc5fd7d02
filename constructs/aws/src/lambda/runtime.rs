//! Lambda runtimes and instruction set architectures, checked against the
//! runtimes Lambda lets a new function use.

use std::borrow::Cow;

/// A Lambda runtime identifier such as `python3.12`.
///
/// The constants are the runtimes Lambda accepts for new functions;
/// [`Runtime::named`] takes any identifier and the function reports
/// deprecated or unknown ones at synth.
///
/// ```
/// use strata::lambda::Runtime;
/// assert_eq!(Runtime::PYTHON_3_12.name(), "python3.12");
/// assert!(Runtime::PYTHON_3_12.problem().is_none());
/// assert!(Runtime::named("python3.7").problem().unwrap().contains("deprecated"));
/// assert!(Runtime::named("cobol85").problem().unwrap().contains("not a Lambda runtime"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Runtime(Cow<'static, str>);

/// The language family of a runtime.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuntimeFamily {
    /// `python3.x`
    Python,
    /// `nodejsNN.x`
    NodeJs,
    /// `javaNN`
    Java,
    /// `dotnetN`
    DotNet,
    /// `rubyN.N`
    Ruby,
    /// `provided.al2` / `provided.al2023`: a custom runtime or a compiled binary.
    OsOnly,
    /// An identifier Strata does not know.
    Unknown,
}

/// Runtimes Lambda accepts for new functions.
const SUPPORTED: [&str; 20] = [
    "nodejs24.x",
    "nodejs22.x",
    "nodejs20.x",
    "python3.14",
    "python3.13",
    "python3.12",
    "python3.11",
    "python3.10",
    "java25",
    "java21",
    "java17",
    "java11",
    "java8.al2",
    "dotnet10",
    "dotnet8",
    "ruby3.4",
    "ruby3.3",
    "ruby3.2",
    "provided.al2023",
    "provided.al2",
];

/// Runtimes that have reached end of support: Lambda no longer creates
/// functions with them.
const DEPRECATED: [&str; 24] = [
    "nodejs",
    "nodejs4.3",
    "nodejs4.3-edge",
    "nodejs6.10",
    "nodejs8.10",
    "nodejs10.x",
    "nodejs12.x",
    "nodejs14.x",
    "nodejs16.x",
    "nodejs18.x",
    "python2.7",
    "python3.6",
    "python3.7",
    "python3.8",
    "python3.9",
    "java8",
    "dotnetcore1.0",
    "dotnetcore2.0",
    "dotnetcore2.1",
    "dotnetcore3.1",
    "dotnet6",
    "go1.x",
    "ruby2.7",
    "provided",
];

impl Runtime {
    /// `python3.10`
    pub const PYTHON_3_10: Runtime = Runtime(Cow::Borrowed("python3.10"));
    /// `python3.11`
    pub const PYTHON_3_11: Runtime = Runtime(Cow::Borrowed("python3.11"));
    /// `python3.12`
    pub const PYTHON_3_12: Runtime = Runtime(Cow::Borrowed("python3.12"));
    /// `python3.13`
    pub const PYTHON_3_13: Runtime = Runtime(Cow::Borrowed("python3.13"));
    /// `python3.14`
    pub const PYTHON_3_14: Runtime = Runtime(Cow::Borrowed("python3.14"));
    /// `nodejs20.x`
    pub const NODEJS_20_X: Runtime = Runtime(Cow::Borrowed("nodejs20.x"));
    /// `nodejs22.x`
    pub const NODEJS_22_X: Runtime = Runtime(Cow::Borrowed("nodejs22.x"));
    /// `nodejs24.x`
    pub const NODEJS_24_X: Runtime = Runtime(Cow::Borrowed("nodejs24.x"));
    /// `java17`
    pub const JAVA_17: Runtime = Runtime(Cow::Borrowed("java17"));
    /// `java21`
    pub const JAVA_21: Runtime = Runtime(Cow::Borrowed("java21"));
    /// `java25`
    pub const JAVA_25: Runtime = Runtime(Cow::Borrowed("java25"));
    /// `dotnet8`
    pub const DOTNET_8: Runtime = Runtime(Cow::Borrowed("dotnet8"));
    /// `ruby3.3`
    pub const RUBY_3_3: Runtime = Runtime(Cow::Borrowed("ruby3.3"));
    /// `ruby3.4`
    pub const RUBY_3_4: Runtime = Runtime(Cow::Borrowed("ruby3.4"));
    /// `provided.al2023`: an OS-only runtime for compiled binaries (Rust, Go).
    pub const PROVIDED_AL2023: Runtime = Runtime(Cow::Borrowed("provided.al2023"));
    /// `provided.al2`
    pub const PROVIDED_AL2: Runtime = Runtime(Cow::Borrowed("provided.al2"));

    /// A runtime by identifier, checked when the function is synthesized.
    pub fn named(name: &str) -> Runtime {
        Runtime(Cow::Owned(name.to_string()))
    }

    /// The identifier, as the `Runtime` property takes it.
    pub fn name(&self) -> &str {
        &self.0
    }

    /// The language family.
    pub fn family(&self) -> RuntimeFamily {
        let n = self.name();
        if n.starts_with("python") {
            RuntimeFamily::Python
        } else if n.starts_with("nodejs") {
            RuntimeFamily::NodeJs
        } else if n.starts_with("java") {
            RuntimeFamily::Java
        } else if n.starts_with("dotnet") {
            RuntimeFamily::DotNet
        } else if n.starts_with("ruby") {
            RuntimeFamily::Ruby
        } else if n.starts_with("provided") {
            RuntimeFamily::OsOnly
        } else {
            RuntimeFamily::Unknown
        }
    }

    /// Whether CloudFormation can take this runtime's code inline
    /// (`Code.ZipFile`): Python and Node.js only.
    pub fn supports_inline_code(&self) -> bool {
        matches!(self.family(), RuntimeFamily::Python | RuntimeFamily::NodeJs)
    }

    /// Why Lambda would refuse to create a function with this runtime.
    pub fn problem(&self) -> Option<String> {
        let n = self.name();
        if SUPPORTED.contains(&n) {
            return None;
        }
        let newest = match self.family() {
            RuntimeFamily::Python => "python3.13",
            RuntimeFamily::NodeJs => "nodejs22.x",
            RuntimeFamily::Java => "java21",
            RuntimeFamily::DotNet => "dotnet8",
            RuntimeFamily::Ruby => "ruby3.4",
            RuntimeFamily::OsOnly | RuntimeFamily::Unknown => "provided.al2023",
        };
        if DEPRECATED.contains(&n) {
            Some(format!(
                "the runtime {n:?} is deprecated and Lambda no longer creates functions with it; use {newest:?}"
            ))
        } else {
            Some(format!(
                "{n:?} is not a Lambda runtime; use one of {}",
                SUPPORTED.join(", ")
            ))
        }
    }
}

/// The instruction set a function runs on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Architecture {
    /// `x86_64` (Lambda's default).
    #[default]
    X86_64,
    /// `arm64`: AWS Graviton, cheaper per GB-second.
    Arm64,
}

impl Architecture {
    /// The `Architectures` value.
    pub fn name(self) -> &'static str {
        match self {
            Architecture::X86_64 => "x86_64",
            Architecture::Arm64 => "arm64",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_and_inline_support() {
        assert_eq!(Runtime::JAVA_21.family(), RuntimeFamily::Java);
        assert!(Runtime::NODEJS_22_X.supports_inline_code());
        assert!(!Runtime::PROVIDED_AL2023.supports_inline_code());
        assert!(Runtime::named("nodejs16.x")
            .problem()
            .is_some_and(|p| p.contains("\"nodejs22.x\"")));
    }
}
