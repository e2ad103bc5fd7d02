//! Aliases: a published version of the function (`AWS::Lambda::Version`)
//! and a named pointer to it (`AWS::Lambda::Alias`) that can keep
//! provisioned concurrency warm.

use md5::{Digest, Md5};
use strata_cfn::lambda as cfn;
use strata_core::{
    logical_id, Handle, Raw, RemovalPolicy, ResourceOptions, Scope, Target, ToRaw, Value,
};

use crate::iam::{Grant, Grantable};

use super::function::Function;

/// Settings of an [`Alias`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AliasOptions {
    /// The alias's description.
    pub description: Option<String>,
    /// Execution environments kept initialized for the alias (at least 1,
    /// and no more than the function's reserved concurrency).
    pub provisioned_concurrency: Option<u32>,
}

/// An `AWS::Lambda::Alias` at `<function>/Alias<name>/Resource`, pointing
/// at the function's current version.
///
/// ```
/// use strata::lambda::{AliasOptions, Code, Function, FunctionProps, Runtime};
/// use strata::prelude::*;
///
/// let app = App::new();
/// let stack = app.stack("Media", StackProps::default());
/// let analysis = Function::new(&stack, "MultimodalAnalysis", FunctionProps {
///     memory_size: 3008,
///     reserved_concurrency: Some(50),
///     ..FunctionProps::new(Runtime::PYTHON_3_11, "index.handler", Code::inline("def handler(e, c):\n    return e\n"))
/// });
/// let live = analysis.add_alias("live", AliasOptions {
///     provisioned_concurrency: Some(10),
///     ..Default::default()
/// });
/// stack.output("LiveArn", Output::new(live.alias_arn()));
/// let t = &app.synth().expect("valid").stacks[0].template;
/// let alias = &t["Resources"][strata::logical_id(&["MultimodalAnalysis", "Aliaslive", "Resource"]).as_str()];
/// assert_eq!(alias["Properties"]["ProvisionedConcurrencyConfig"]["ProvisionedConcurrentExecutions"], 10);
/// ```
#[derive(Clone, Debug)]
pub struct Alias {
    scope: Scope,
    resource: cfn::AliasRef,
    version: cfn::VersionRef,
}

impl Function {
    /// Publishes the function's current version (once per function, at
    /// `<id>/CurrentVersion/Resource`) and adds an alias `alias_name`
    /// pointing at it.
    ///
    /// As in the CDK, the version's logical ID ends with an MD5 of the
    /// function's properties, so changing the code or configuration
    /// publishes a new version and moves the alias to it; old versions are
    /// retained.
    pub fn add_alias(&self, alias_name: &str, options: AliasOptions) -> Alias {
        let scope = self.scope.child(&format!("Alias{alias_name}"));
        let name_ok = !alias_name.is_empty()
            && alias_name.len() <= 128
            && alias_name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            && !alias_name.chars().all(|c| c.is_ascii_digit());
        if !name_ok {
            scope.error(
                "lambda-alias",
                format!("alias name {alias_name:?} is invalid: use 1 to 128 of a-z, A-Z, 0-9, '-' and '_', not only digits"),
            );
        }
        if let Some(pc) = options.provisioned_concurrency {
            if pc == 0 {
                scope.error(
                    "lambda-provisioned-concurrency",
                    "provisioned concurrency must be at least 1; leave it unset for none",
                );
            }
            if let Some(reserved) = self.reserved_concurrency {
                if pc > reserved {
                    scope.error(
                        "lambda-provisioned-concurrency",
                        format!("provisioned concurrency {pc} exceeds the function's reserved concurrency {reserved}; raise reserved_concurrency or lower the alias's provisioned concurrency"),
                    );
                }
            }
        }
        let version = self.current_version();
        let resource = scope.resource(
            "Resource",
            cfn::Alias {
                description: options.description.as_deref().map(Value::from),
                provisioned_concurrency_config: options.provisioned_concurrency.map(|pc| {
                    cfn::alias::ProvisionedConcurrencyConfiguration::new(i64::from(pc)).into()
                }),
                ..cfn::Alias::new(self.function_name(), version.version(), alias_name)
            },
        );
        Alias {
            scope,
            resource,
            version,
        }
    }

    /// The function's current version, published on first use.
    fn current_version(&self) -> cfn::VersionRef {
        if let Some(v) = *self.current_version.borrow() {
            return v;
        }
        let scope = self.scope.child("CurrentVersion");
        let version = scope.resource_with(
            "Resource",
            cfn::Version::new(self.function_name()),
            ResourceOptions::removal(RemovalPolicy::Retain),
        );
        let mut raw = Raw::Null;
        if let Some(function) = self.scope.of(&self.resource) {
            function.with_resource::<cfn::Function>(|f| {
                let mut f = f.clone();
                f.reserved_concurrent_executions = None;
                f.tags = None;
                raw = f.to_raw();
            });
        }
        let mut text = String::new();
        write_raw(&self.scope, &raw, &mut text);
        let digest: String = Md5::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let path = scope.path();
        let mut components: Vec<&str> = path.split('/').skip(1).collect();
        components.push("Resource");
        let base = logical_id(&components);
        let skip = base.len().saturating_sub(255 - 32);
        if let Some(v) = scope.of(&version) {
            v.override_logical_id(&format!("{}{digest}", &base[skip..]));
        }
        *self.current_version.borrow_mut() = Some(version);
        version
    }
}

/// A canonical text of `raw`, with tree references written as paths.
fn write_raw(scope: &Scope, raw: &Raw, out: &mut String) {
    let target = |t: &Target| match t {
        Target::Node(n) => scope
            .of(&Handle::new(*n))
            .map(|s| s.path())
            .unwrap_or_default(),
        Target::Name(name) => name.clone(),
    };
    match raw {
        Raw::Null => out.push_str("null"),
        Raw::Bool(b) => out.push_str(&b.to_string()),
        Raw::Int(i) => out.push_str(&i.to_string()),
        Raw::Float(f) => out.push_str(&f.to_string()),
        Raw::Str(s) => out.push_str(&format!("{s:?}")),
        Raw::Json(j) => out.push_str(&j.to_string()),
        Raw::List(items) => {
            out.push('[');
            for item in items {
                write_raw(scope, item, out);
                out.push(',');
            }
            out.push(']');
        }
        Raw::Object(fields) => {
            out.push('{');
            for (k, v) in fields {
                out.push_str(&format!("{k:?}:"));
                write_raw(scope, v, out);
                out.push(',');
            }
            out.push('}');
        }
        Raw::Ref(t) => out.push_str(&format!("{{Ref:{}}}", target(t))),
        Raw::GetAtt(g) => out.push_str(&format!("{{GetAtt:{}.{}}}", target(&g.0), g.1)),
        Raw::Name(t) => out.push_str(&target(t)),
    }
}

impl Alias {
    /// The alias ARN (`Ref`).
    pub fn alias_arn(&self) -> Value<String> {
        self.resource.ref_()
    }

    /// The version number the alias points at (`Fn::GetAtt Version`).
    pub fn version(&self) -> Value<String> {
        self.version.version()
    }

    /// The L1 handle of the alias.
    pub fn resource(&self) -> &cfn::AliasRef {
        &self.resource
    }

    /// The L1 handle of the published version.
    pub fn version_resource(&self) -> &cfn::VersionRef {
        &self.version
    }

    /// The alias's construct scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Lets `grantee` invoke the function through this alias.
    pub fn grant_invoke(&self, grantee: &dyn Grantable) -> Grant {
        Grant::to_principal(grantee, &["lambda:InvokeFunction"], vec![self.alias_arn()])
    }
}
