//! Building ARNs and service names from literals and intrinsics.
//!
//! The CDK concatenates such strings with `Fn::Join` and an empty
//! delimiter; cfn-lint flags that form (I1022) and prefers `Fn::Sub`, so
//! Strata writes `Fn::Sub`: pseudo parameters inline (`${AWS::Partition}`),
//! other intrinsics through the variable map, literals inlined. The value
//! CloudFormation computes is the same.

use strata_core::{Fn, Raw, Scope, Target, Value};

/// `template` with each `${name}` of `vars` replaced: a plain string when
/// every value is a literal, otherwise `Fn::Sub`.
pub(crate) fn sub(template: &str, vars: Vec<(&str, Value<String>)>) -> Value<String> {
    let mut plain = template.to_string();
    let mut escaped = template.to_string();
    let mut map: Vec<(String, Value<String>)> = Vec::new();
    let mut dynamic = false;
    for (name, value) in vars {
        let placeholder = format!("${{{name}}}");
        match &value {
            Value::Lit(s) => {
                plain = plain.replace(&placeholder, s);
                escaped = escaped.replace(&placeholder, &s.replace("${", "${!"));
            }
            Value::Expr(e) => {
                dynamic = true;
                match e.raw() {
                    Raw::Ref(Target::Name(p)) if p.starts_with("AWS::") => {
                        escaped = escaped.replace(&placeholder, &format!("${{{p}}}"));
                    }
                    _ => map.push((name.to_string(), value.clone())),
                }
            }
        }
    }
    if !dynamic {
        return Value::Lit(plain);
    }
    if map.is_empty() {
        Fn::sub(&escaped)
    } else {
        Fn::sub_with(&escaped, map)
    }
}

/// `arn:<partition>:iam::<account>:root`.
pub(crate) fn account_root_arn(account: Value<String>) -> Value<String> {
    sub(
        "arn:${Partition}:iam::${Account}:root",
        vec![("Partition", Fn::partition()), ("Account", account)],
    )
}

/// The account of the stack `scope` is in: its literal account when the
/// stack's environment names one, else `AWS::AccountId`.
pub(crate) fn stack_account(scope: &Scope) -> Value<String> {
    scope
        .env()
        .account
        .map(Value::Lit)
        .unwrap_or_else(Fn::account_id)
}

/// `<service>.<region>.amazonaws.com` for the stack's region, as used in
/// `kms:ViaService` conditions.
pub(crate) fn service_endpoint(scope: &Scope, service: &str) -> Value<String> {
    let region = scope
        .env()
        .region
        .map(Value::Lit)
        .unwrap_or_else(Fn::region);
    sub(
        &format!("{service}.${{Region}}.amazonaws.com"),
        vec![("Region", region)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_core::ToRaw;

    /// The arguments of `value` when it renders as a `Fn::Sub`.
    fn sub_args(value: &Value<String>) -> Option<Raw> {
        match value.to_raw() {
            Raw::Object(mut call) if call.len() == 1 && call[0].0 == "Fn::Sub" => {
                Some(call.remove(0).1)
            }
            _ => None,
        }
    }

    #[test]
    fn literals_inline_pseudo_parameters_inline_and_references_go_to_the_map() {
        assert_eq!(
            sub_args(&account_root_arn("123456789012".into())),
            Some(Raw::Str(
                "arn:${AWS::Partition}:iam::123456789012:root".into()
            ))
        );
        assert_eq!(
            sub("a${X}b", vec![("X", "${literal}".into())]),
            Value::Lit("a${literal}b".to_string())
        );
        assert_eq!(
            sub_args(&sub(
                "${A}-${B}",
                vec![("A", Fn::region()), ("B", "x${y}".into())]
            )),
            Some(Raw::Str("${AWS::Region}-x${!y}".into()))
        );
        let arn: Value<String> = Fn::get_att_name("Secret", "Arn");
        let args = sub_args(&sub("x${Arn}${!y}", vec![("Arn", arn.clone())]));
        assert_eq!(
            args,
            Some(Raw::List(vec![
                Raw::Str("x${Arn}${!y}".into()),
                Raw::Object(vec![("Arn".into(), arn.to_raw())]),
            ]))
        );
    }
}
