//! CloudFormation intrinsic functions and pseudo parameters.

use crate::resource::Handle;
use crate::template::Condition;
use crate::value::{Raw, Target, ToRaw, Value};

/// The intrinsic functions and pseudo parameters, named as in the CDK's `Fn`
/// and `Aws` classes.
///
/// ```
/// use strata_core::{Fn, Value};
/// let az: Value<String> = Fn::select(0, Fn::get_azs(Fn::region()));
/// let arn: Value<String> = Fn::sub("arn:${AWS::Partition}:s3:::my-bucket");
/// # let _ = (az, arn);
/// ```
pub struct Fn;

/// A list of strings that may itself be an intrinsic.
pub type StrList = Value<Vec<Value<String>>>;

fn pseudo<T>(name: &str) -> Value<T> {
    Value::expr(Raw::Ref(Target::Name(name.to_string())))
}

fn call<T>(name: &str, args: Raw) -> Value<T> {
    Value::expr(Raw::call(name, args))
}

impl Fn {
    /// `AWS::Region`.
    pub fn region() -> Value<String> {
        pseudo("AWS::Region")
    }
    /// `AWS::AccountId`.
    pub fn account_id() -> Value<String> {
        pseudo("AWS::AccountId")
    }
    /// `AWS::Partition`.
    pub fn partition() -> Value<String> {
        pseudo("AWS::Partition")
    }
    /// `AWS::StackName`.
    pub fn stack_name() -> Value<String> {
        pseudo("AWS::StackName")
    }
    /// `AWS::StackId`.
    pub fn stack_id() -> Value<String> {
        pseudo("AWS::StackId")
    }
    /// `AWS::URLSuffix`.
    pub fn url_suffix() -> Value<String> {
        pseudo("AWS::URLSuffix")
    }
    /// `AWS::NotificationARNs`.
    pub fn notification_arns() -> StrList {
        pseudo("AWS::NotificationARNs")
    }
    /// `AWS::NoValue`: removes the property where it is used, typically in
    /// one branch of [`Fn::if_`].
    pub fn no_value<T>() -> Value<T> {
        pseudo("AWS::NoValue")
    }

    /// `{"Ref": name}` for an element known only by its logical ID. Synth
    /// checks that the ID exists in the stack.
    pub fn ref_name<T>(logical_id: &str) -> Value<T> {
        Value::expr(Raw::Ref(Target::Name(logical_id.to_string())))
    }

    /// `Fn::GetAtt` on an element known only by its logical ID.
    pub fn get_att_name<T>(logical_id: &str, attribute: &str) -> Value<T> {
        Value::expr(Raw::get_att(
            Target::Name(logical_id.to_string()),
            attribute,
        ))
    }

    /// `Fn::Join`.
    pub fn join<I, X>(delimiter: &str, parts: I) -> Value<String>
    where
        I: IntoIterator<Item = X>,
        X: Into<Value<String>>,
    {
        let parts = parts.into_iter().map(|p| p.into().to_raw()).collect();
        call(
            "Fn::Join",
            Raw::List(vec![Raw::Str(delimiter.to_string()), Raw::List(parts)]),
        )
    }

    /// `Fn::Join` over a list that is itself an intrinsic.
    pub fn join_list(delimiter: &str, list: StrList) -> Value<String> {
        call(
            "Fn::Join",
            Raw::List(vec![Raw::Str(delimiter.to_string()), list.to_raw()]),
        )
    }

    /// `Fn::Sub` with references resolved from the template (`${Param}`,
    /// `${Resource.Attr}`, `${AWS::Region}`). Synth checks every name.
    pub fn sub(template: &str) -> Value<String> {
        call("Fn::Sub", Raw::Str(template.to_string()))
    }

    /// `Fn::Sub` with an explicit variable map.
    pub fn sub_with<I, K>(template: &str, vars: I) -> Value<String>
    where
        I: IntoIterator<Item = (K, Value<String>)>,
        K: Into<String>,
    {
        let vars = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.to_raw()))
            .collect();
        call(
            "Fn::Sub",
            Raw::List(vec![Raw::Str(template.to_string()), Raw::Object(vars)]),
        )
    }

    /// `Fn::Select`.
    pub fn select<T: ToRaw>(index: u32, list: Value<Vec<Value<T>>>) -> Value<T> {
        call(
            "Fn::Select",
            Raw::List(vec![Raw::Int(i64::from(index)), list.to_raw()]),
        )
    }

    /// `Fn::Split`.
    pub fn split(delimiter: &str, source: impl Into<Value<String>>) -> StrList {
        call(
            "Fn::Split",
            Raw::List(vec![
                Raw::Str(delimiter.to_string()),
                source.into().to_raw(),
            ]),
        )
    }

    /// `Fn::GetAZs` for a region; pass [`Fn::region`] for the stack's own.
    pub fn get_azs(region: impl Into<Value<String>>) -> StrList {
        let region = match region.into() {
            Value::Expr(e) if *e.raw() == Raw::Ref(Target::Name("AWS::Region".into())) => {
                Raw::Str(String::new())
            }
            other => other.to_raw(),
        };
        call("Fn::GetAZs", region)
    }

    /// `Fn::ImportValue` of another stack's export.
    pub fn import_value(export_name: impl Into<Value<String>>) -> Value<String> {
        call("Fn::ImportValue", export_name.into().to_raw())
    }

    /// `Fn::Base64`.
    pub fn base64(text: impl Into<Value<String>>) -> Value<String> {
        call("Fn::Base64", text.into().to_raw())
    }

    /// `Fn::Cidr`: `count` CIDR blocks of `cidr_bits` host bits each, carved from `ip_block`.
    pub fn cidr(ip_block: impl Into<Value<String>>, count: u32, cidr_bits: u32) -> StrList {
        call(
            "Fn::Cidr",
            Raw::List(vec![
                ip_block.into().to_raw(),
                Raw::Int(i64::from(count)),
                Raw::Int(i64::from(cidr_bits)),
            ]),
        )
    }

    /// `Fn::FindInMap` on a mapping added with `Scope::mapping`.
    pub fn find_in_map<T>(
        mapping: &Handle,
        top_key: impl Into<Value<String>>,
        second_key: impl Into<Value<String>>,
    ) -> Value<T> {
        call(
            "Fn::FindInMap",
            Raw::List(vec![
                Raw::Name(mapping.target()),
                top_key.into().to_raw(),
                second_key.into().to_raw(),
            ]),
        )
    }

    /// `Fn::If` on a condition added with `Scope::condition`.
    pub fn if_<T: ToRaw>(condition: &Handle, then: Value<T>, otherwise: Value<T>) -> Value<T> {
        call(
            "Fn::If",
            Raw::List(vec![
                Raw::Name(condition.target()),
                then.to_raw(),
                otherwise.to_raw(),
            ]),
        )
    }

    /// `Fn::Equals`.
    pub fn equals<A: ToRaw, B: ToRaw>(a: A, b: B) -> Condition {
        Condition(Raw::call(
            "Fn::Equals",
            Raw::List(vec![a.to_raw(), b.to_raw()]),
        ))
    }

    /// `Fn::And` of 2 to 10 conditions.
    pub fn and(conditions: impl IntoIterator<Item = Condition>) -> Condition {
        Condition(Raw::call(
            "Fn::And",
            Raw::List(conditions.into_iter().map(|c| c.0).collect()),
        ))
    }

    /// `Fn::Or` of 2 to 10 conditions.
    pub fn or(conditions: impl IntoIterator<Item = Condition>) -> Condition {
        Condition(Raw::call(
            "Fn::Or",
            Raw::List(conditions.into_iter().map(|c| c.0).collect()),
        ))
    }

    /// `Fn::Not`.
    pub fn not(condition: Condition) -> Condition {
        Condition(Raw::call("Fn::Not", Raw::List(vec![condition.0])))
    }

    /// `{"Condition": name}`: another named condition, for use inside
    /// `Fn::And`, `Fn::Or` and `Fn::Not`.
    pub fn condition(condition: &Handle) -> Condition {
        Condition(Raw::Object(vec![(
            "Condition".to_string(),
            Raw::Name(condition.target()),
        )]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_azs_of_own_region_uses_the_empty_string() {
        let azs = Fn::get_azs(Fn::region());
        assert_eq!(
            azs.to_raw(),
            Raw::call("Fn::GetAZs", Raw::Str(String::new()))
        );
    }

    #[test]
    fn join_accepts_literals_and_intrinsics() {
        let v = Fn::join("", [Value::from("arn:"), Fn::partition()]);
        let Raw::Object(fields) = v.to_raw() else {
            panic!("join renders an object")
        };
        assert_eq!(fields[0].0, "Fn::Join");
    }
}
