//! Rust identifiers for schema names: case conversion (heck), keyword
//! escaping, deterministic de-duplication, and doc-comment text.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be plain identifiers (strict and reserved keywords,
/// 2021 edition, plus `gen` reserved in 2024).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers either.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Type names the generated code uses unqualified inside a resource module;
/// property-type structs must not shadow them. (`Resource`, `TagShape` and
/// `Debug` are written with their paths.) `Rule` is also kept out, so the
/// glob-imported `strata_core::Rule` is never shadowed; definitions named
/// `Rule` become `RuleProperty`, as in the CDK.
pub const RESERVED_TYPES: &[&str] = &[
    "Box",
    "Into",
    "Json",
    "Map",
    "ObjectBuilder",
    "Option",
    "Raw",
    "Rule",
    "Self",
    "Some",
    "None",
    "String",
    "ToRaw",
    "Validate",
    "Validator",
    "Value",
    "Vec",
];

/// Names a resource struct must not take: the generated module uses them
/// unqualified (`Map` is written `strata_core::Map` where a resource is
/// called `Map`).
pub const RESOURCE_RESERVED: &[&str] = &[
    "Box",
    "Into",
    "Json",
    "ObjectBuilder",
    "Option",
    "Raw",
    "Self",
    "Some",
    "None",
    "String",
    "ToRaw",
    "Validate",
    "Validator",
    "Value",
    "Vec",
];

/// Methods of `Handle` that typed-handle accessors must not shadow.
pub const HANDLE_METHODS: &[&str] = &[
    "ref_", "get_att", "node", "target", "new", "from", "clone", "deref", "fmt",
];

/// Memoizes a name conversion per thread (names repeat across schemas, and
/// heck is the hot spot of codegen).
fn cached(
    cache: &'static std::thread::LocalKey<RefCell<HashMap<String, String>>>,
    name: &str,
    f: fn(&str) -> String,
) -> String {
    if let Some(hit) = cache.with(|c| c.borrow().get(name).cloned()) {
        return hit;
    }
    let out = f(name);
    cache.with(|c| c.borrow_mut().insert(name.to_string(), out.clone()));
    out
}

thread_local! {
    static SNAKE: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
    static PASCAL: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

/// `snake_case` identifier, keyword-safe: `Type` → `r#type`, `Self` → `self_`.
pub fn snake_ident(name: &str) -> String {
    cached(&SNAKE, name, snake_ident_uncached)
}

fn snake_ident_uncached(name: &str) -> String {
    let mut s = name.to_snake_case();
    if s.is_empty() {
        s = "field".to_string();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("n{s}");
    }
    escape_keyword(s)
}

/// `PascalCase` type name: `VPC` → `Vpc`, `SSEConfig` → `SseConfig`.
pub fn pascal(name: &str) -> String {
    cached(&PASCAL, name, pascal_uncached)
}

fn pascal_uncached(name: &str) -> String {
    let mut s = name.to_upper_camel_case();
    if s.is_empty() {
        s = "Type".to_string();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("T{s}");
    }
    s
}

/// Makes a lower-case identifier keyword-safe.
pub fn escape_keyword(s: String) -> String {
    if NOT_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// The identifier without a raw prefix, for building derived names.
pub fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// Cargo feature and module name of a service: the second segment of the
/// type name, snake-cased with heck; non-AWS prefixes are kept in front
/// (`Alexa::ASK::Skill` → `alexa_ask`). Two brand spellings heck would
/// split are read as one word first: `IoT` (`iot_site_wise`, not
/// `io_t_site_wise`) and a `DB` suffix (`dynamodb`, `docdb_elastic`).
pub fn service_module(type_name: &str) -> String {
    let mut parts = type_name.split("::");
    let prefix = parts.next().unwrap_or_default();
    let service = service_words(parts.next().unwrap_or_default()).to_snake_case();
    let base = if prefix == "AWS" {
        service
    } else {
        format!("{}_{service}", prefix.to_snake_case())
    };
    escape_keyword(base)
}

/// `IoT` → `Iot`, `DynamoDB` → `Dynamodb` (a `DB` after a lower-case
/// letter), `WAFv2` → `WAFV2` (a version suffix after an acronym).
fn service_words(service: &str) -> String {
    let mut s = service.replace("IoT", "Iot");
    let b = s.as_bytes();
    if let Some(i) = (1..b.len().saturating_sub(1))
        .find(|&i| b[i] == b'v' && b[i - 1].is_ascii_uppercase() && b[i + 1].is_ascii_digit())
    {
        s.replace_range(i..=i, "V");
    }
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let after_lower = i > 0 && chars[i - 1].is_ascii_lowercase();
        let db = chars[i] == 'D' && chars.get(i + 1) == Some(&'B');
        let word_ends = chars.get(i + 2).is_none_or(|c| !c.is_ascii_lowercase());
        if after_lower && db && word_ends {
            out.push_str("db");
            i += 2;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Hands out unique names in first-come order: a taken name gets `suffix`,
/// then `suffix2`, `suffix3`… appended (on the bare identifier).
#[derive(Default)]
pub struct Unique {
    taken: HashSet<String>,
}

impl Unique {
    pub fn new<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Self {
        Unique {
            taken: reserved.into_iter().map(str::to_string).collect(),
        }
    }

    /// Marks names as taken.
    pub fn reserve<'a>(&mut self, names: impl IntoIterator<Item = &'a str>) {
        self.taken.extend(names.into_iter().map(str::to_string));
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(bare(name))
    }

    /// Reserves `name` and returns it, or a suffixed variant if taken.
    pub fn claim(&mut self, name: &str, suffix: &str) -> String {
        let mut candidate = name.to_string();
        let mut n = 1;
        while self.taken.contains(bare(&candidate)) {
            n += 1;
            let base = bare(name);
            candidate = if n == 2 {
                format!("{base}{suffix}")
            } else {
                format!("{base}{suffix}{}", n - 1)
            };
        }
        self.taken.insert(bare(&candidate).to_string());
        candidate
    }
}

/// The first paragraph of a schema description as one line of Markdown
/// that is safe in a `///` comment: whitespace collapsed, no code fences,
/// capped near `max` characters at a sentence or word boundary.
pub fn doc_text(description: &str, max: usize) -> Option<String> {
    let first = description
        .split('\n')
        .map(str::trim)
        .find(|l| !l.is_empty())?;
    let mut text = first.split_whitespace().collect::<Vec<_>>().join(" ");
    // Fences would open code blocks, which rustdoc runs as doctests.
    text = text.replace("```", "'''").replace("~~~", "---");
    if text.chars().count() > max {
        let cut: String = text.chars().take(max).collect();
        let sentence = cut.rfind(". ").map(|i| i + 1);
        let end = match sentence {
            Some(i) if i > max / 3 => i,
            _ => cut.rfind(' ').unwrap_or(cut.len()),
        };
        text = cut[..end].trim_end().to_string();
        if !text.ends_with('.') {
            text.push('…');
        }
    }
    // Unbalanced backticks would swallow the rest of the item's docs.
    if text.matches('`').count() % 2 == 1 {
        text = text.replace('`', "'");
    }
    if text.is_empty() {
        None
    } else {
        Some(text)
    }
}

/// A Rust string literal for `s`: a raw string when that reads better.
pub fn str_lit(s: &str) -> String {
    let plain = !s.contains(['\\', '"']);
    if plain && !s.chars().any(char::is_control) {
        return format!("\"{s}\"");
    }
    if !s.chars().any(char::is_control) {
        for hashes in 0..4 {
            let h = "#".repeat(hashes);
            if !s.contains(&format!("\"{h}")) {
                return format!("r{h}\"{s}\"{h}");
            }
        }
    }
    format!("{s:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_fields_are_keyword_safe() {
        assert_eq!(snake_ident("CidrBlock"), "cidr_block");
        assert_eq!(snake_ident("Type"), "r#type");
        assert_eq!(snake_ident("Match"), "r#match");
        assert_eq!(snake_ident("Self"), "self_");
        assert_eq!(snake_ident("IPv6CidrBlock"), "i_pv6_cidr_block");
        assert_eq!(snake_ident("3DConfig"), "n3d_config");
        assert_eq!(bare("r#type"), "type");
    }

    #[test]
    fn pascal_type_names() {
        assert_eq!(pascal("VPC"), "Vpc");
        assert_eq!(pascal("SecurityGroupIngress"), "SecurityGroupIngress");
        assert_eq!(pascal("S3Location"), "S3Location");
    }

    #[test]
    fn service_modules() {
        assert_eq!(service_module("AWS::EC2::VPC"), "ec2");
        assert_eq!(service_module("AWS::ApiGatewayV2::Api"), "api_gateway_v2");
        assert_eq!(service_module("Alexa::ASK::Skill"), "alexa_ask");
        assert_eq!(service_module("AWS::S3::Bucket"), "s3");
        assert_eq!(service_module("AWS::DynamoDB::Table"), "dynamodb");
        assert_eq!(
            service_module("AWS::DocDBElastic::Cluster"),
            "docdb_elastic"
        );
        assert_eq!(service_module("AWS::QLDB::Ledger"), "qldb");
        assert_eq!(service_module("AWS::IoTSiteWise::Asset"), "iot_site_wise");
        assert_eq!(service_module("AWS::IoT::Thing"), "iot");
        assert_eq!(service_module("AWS::WAFv2::WebACL"), "wafv2");
        assert_eq!(
            service_module("AWS::ApplicationAutoScaling::X"),
            "application_auto_scaling"
        );
    }

    #[test]
    fn unique_names_get_deterministic_suffixes() {
        let mut u = Unique::new(["Value", "Vpc"]);
        assert_eq!(u.claim("Vpc", "Property"), "VpcProperty");
        assert_eq!(u.claim("Value", "Property"), "ValueProperty");
        assert_eq!(u.claim("Value", "Property"), "ValueProperty2");
        assert_eq!(u.claim("Tag", "Property"), "Tag");
        let mut f = Unique::default();
        assert_eq!(f.claim("r#type", "_"), "r#type");
        assert_eq!(f.claim("r#type", "_"), "type_");
    }

    #[test]
    fn doc_text_is_one_safe_line() {
        assert_eq!(
            doc_text("The CIDR.\n More   text.", 100).as_deref(),
            Some("The CIDR.")
        );
        assert_eq!(doc_text("  \n", 100), None);
        let long = "First sentence here. Second sentence is much longer than the cap allows.";
        assert_eq!(doc_text(long, 40).as_deref(), Some("First sentence here."));
        assert_eq!(doc_text("a ```b``` c", 100).as_deref(), Some("a '''b''' c"));
        assert_eq!(doc_text("~~~ x", 100).as_deref(), Some("--- x"));
        assert_eq!(doc_text("odd ` tick", 100).as_deref(), Some("odd ' tick"));
    }

    #[test]
    fn string_literals() {
        assert_eq!(str_lit("abc"), "\"abc\"");
        assert_eq!(str_lit(r"^\d+$"), r#"r"^\d+$""#);
        assert_eq!(str_lit(r#"a"b\"#), r##"r#"a"b\"#"##);
    }
}
