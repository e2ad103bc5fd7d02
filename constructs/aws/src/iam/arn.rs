//! Building ARNs and service names from literals and intrinsics, rendered
//! the way the CDK renders them (`Fn::Join` with adjacent literals merged).

use strata_core::{Fn, Scope, Value};

/// Concatenates `parts`: a literal when every part is one, otherwise
/// `{"Fn::Join": ["", [...]]}` with adjacent literals merged.
pub(crate) fn join_parts(parts: impl IntoIterator<Item = Value<String>>) -> Value<String> {
    let mut merged: Vec<Value<String>> = Vec::new();
    for part in parts {
        match (merged.last_mut(), part) {
            (_, Value::Lit(s)) if s.is_empty() => {}
            (Some(Value::Lit(prev)), Value::Lit(s)) => prev.push_str(&s),
            (_, part) => merged.push(part),
        }
    }
    match merged.as_slice() {
        [] => Value::Lit(String::new()),
        [Value::Lit(s)] => Value::Lit(s.clone()),
        _ => Fn::join("", merged),
    }
}

/// `arn:<partition>:iam::<account>:root`.
pub(crate) fn account_root_arn(account: Value<String>) -> Value<String> {
    join_parts([
        "arn:".into(),
        Fn::partition(),
        ":iam::".into(),
        account,
        ":root".into(),
    ])
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
    join_parts([
        format!("{service}.").into(),
        region,
        ".amazonaws.com".into(),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_core::{Raw, ToRaw};

    #[test]
    fn adjacent_literals_merge_and_all_literal_parts_stay_literal() {
        let arn = account_root_arn("123456789012".into());
        let Raw::Object(call) = arn.to_raw() else {
            panic!("a join renders as an object")
        };
        let Raw::List(args) = &call[0].1 else {
            panic!("Fn::Join takes a list")
        };
        let Raw::List(parts) = &args[1] else {
            panic!("the second argument is the parts")
        };
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[2], Raw::Str(":iam::123456789012:root".into()));
        assert_eq!(
            join_parts(["a".into(), "b".into()]),
            Value::Lit("ab".to_string())
        );
    }
}
