//! Every matcher, matching and failing, with its failure message.

use serde_json::{json, Value};
use strata_assertions::{Capture, Match, Matcher};

/// The mismatch lines of checking `actual` against `m` (empty: matched).
fn mismatches(m: impl Into<Matcher>, actual: Value) -> Vec<String> {
    match m.into().check(&actual) {
        Ok(()) => Vec::new(),
        Err(e) => e.mismatches().iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn literals_match_objects_partially_and_arrays_exactly() {
    let actual = json!({"Port": 443, "Tags": [{"Key": "a", "Value": "1"}], "Extra": true});
    assert!(mismatches(json!({"Port": 443}), actual.clone()).is_empty());
    // Objects inside literal arrays are partial too, under object_like.
    assert!(mismatches(json!({"Tags": [{"Key": "a"}]}), actual.clone()).is_empty());
    assert_eq!(
        mismatches(json!({"Port": 80}), actual.clone()),
        ["/Port: expected 80, got 443"]
    );
    assert_eq!(
        mismatches(json!({"Port": "443"}), actual.clone()),
        ["/Port: expected string \"443\", got number 443"]
    );
    assert_eq!(
        mismatches(json!({"Missing": 1}), actual.clone()),
        ["/Missing: missing key"]
    );
    assert_eq!(
        mismatches(json!({"Tags": []}), actual.clone()),
        ["/Tags: expected array with 0 items, got 1"]
    );
    assert_eq!(
        mismatches(json!({"Tags": [{}, {}]}), actual.clone()),
        ["/Tags: expected array with 2 items, got 1"]
    );
    assert_eq!(
        mismatches(json!({"Port": [1]}), json!({"Port": [1, 2]})),
        ["/Port: expected array with 1 item, got 2"]
    );
    assert_eq!(
        mismatches(json!({"Tags": [{"Key": "b"}]}), actual),
        ["/Tags/0/Key: expected \"b\", got \"a\""]
    );
    // Integers and floats of the same value are equal.
    assert!(mismatches(json!({"N": 1}), json!({"N": 1.0})).is_empty());
}

#[test]
fn exact_requires_the_same_keys_at_every_depth() {
    let actual = json!({"A": {"B": 1, "C": 2}});
    assert!(mismatches(Match::exact(actual.clone()), actual.clone()).is_empty());
    assert_eq!(
        mismatches(Match::exact(json!({"A": {"B": 1}})), actual),
        ["/A/C: unexpected key"]
    );
    assert_eq!(
        mismatches(Match::exact(3), json!(4)),
        ["/: expected 3, got 4"]
    );
}

#[test]
fn object_like_allows_extra_keys_and_takes_matchers() {
    let actual = json!({"Port": 443, "Protocol": "HTTPS", "Nested": {"X": 1, "Y": 2}});
    let m = Match::object_like([
        ("Port", Match::exact(443)),
        ("Nested", json!({"X": 1}).into()),
    ]);
    assert!(mismatches(m, actual.clone()).is_empty());
    assert_eq!(
        mismatches(
            Match::object_like(json!({"Nested": {"X": 2}})),
            actual.clone()
        ),
        ["/Nested/X: expected 2, got 1"]
    );
    assert_eq!(
        mismatches(Match::object_like(json!({})), json!([1])),
        ["/: expected object, got array [1]"]
    );
    assert_eq!(
        mismatches(Match::object_like(json!([1])), actual),
        ["/: invalid pattern: object_like: the pattern must be an object, not array [1]"]
    );
}

#[test]
fn object_equals_rejects_extra_keys_and_matches_nested_literals_exactly() {
    let actual = json!({"A": 1, "B": {"C": 1, "D": 2}});
    assert!(mismatches(Match::object_equals(actual.clone()), actual.clone()).is_empty());
    assert_eq!(
        mismatches(Match::object_equals(json!({"A": 1})), actual.clone()),
        ["/B: unexpected key"]
    );
    assert_eq!(
        mismatches(
            Match::object_equals(json!({"A": 1, "B": {"C": 1}})),
            actual.clone()
        ),
        ["/B/D: unexpected key"]
    );
    // A nested object_like keeps its own rule.
    let m = Match::object_equals([
        ("A", Matcher::from(1)),
        ("B", Match::object_like(json!({"C": 1}))),
    ]);
    assert!(mismatches(m, actual).is_empty());
}

#[test]
fn with_mixes_matchers_into_a_literal() {
    let actual = json!({"Port": 443, "Certificates": [{"Arn": "x"}]});
    let m = Matcher::from(json!({"Port": 443})).with("Certificates", Match::any_value());
    assert!(mismatches(m, actual.clone()).is_empty());
    let m = Matcher::from(json!({"Port": 443})).with("Port", Match::exact(80));
    assert_eq!(
        mismatches(m, actual.clone()),
        ["/Port: expected 80, got 443"]
    );
    let m = Matcher::from(3).with("Port", 443);
    assert_eq!(
        mismatches(m, actual),
        ["/: invalid pattern: with(\"Port\", …) needs an object pattern"]
    );
}

#[test]
fn array_with_finds_an_ordered_subsequence() {
    let actual = json!([1, 2, 3, 4]);
    assert!(mismatches(Match::array_with(json!([2, 4])), actual.clone()).is_empty());
    assert!(mismatches(Match::array_with(json!([])), actual.clone()).is_empty());
    let out_of_order = mismatches(Match::array_with(json!([4, 2])), actual.clone());
    assert_eq!(
        out_of_order,
        ["/: array_with: no element left to match pattern 1 (the array has 4 items)"]
    );
    let missing = mismatches(Match::array_with(json!([5])), actual);
    assert_eq!(
        missing,
        [
            "/: array_with: no element matches pattern 0; the closest is element 0",
            "/0: expected 5, got 1"
        ]
    );
    // Literal objects inside array_with match exactly, as in the CDK;
    // object_like makes them partial.
    let statements = json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]);
    assert!(!mismatches(
        Match::array_with(json!([{"Action": "s3:GetObject"}])),
        statements.clone()
    )
    .is_empty());
    assert!(mismatches(
        Match::array_with([Match::object_like(json!({"Action": "s3:GetObject"}))]),
        statements
    )
    .is_empty());
    assert_eq!(
        mismatches(Match::array_with(json!([1])), json!({"a": 1})),
        ["/: expected array, got object {\"a\":1}"]
    );
}

#[test]
fn array_with_reports_the_closest_element() {
    let actual = json!([{"Port": 80, "Proto": "tcp"}, {"Port": 443, "Proto": "udp"}]);
    let m = Match::array_with([Match::object_like(json!({"Port": 443, "Proto": "tcp"}))]);
    let found = mismatches(m, actual);
    assert_eq!(
        found,
        [
            "/: array_with: no element matches pattern 0; the closest is element 0",
            "/0/Port: expected 443, got 80"
        ]
    );
}

#[test]
fn array_equals_needs_every_element_in_order() {
    let actual = json!(["a", "b", "c"]);
    assert!(mismatches(Match::array_equals(json!(["a", "b", "c"])), actual.clone()).is_empty());
    assert_eq!(
        mismatches(Match::array_equals(json!(["a", "b"])), actual.clone()),
        ["/: expected array with 2 items, got 3"]
    );
    assert_eq!(
        mismatches(Match::array_equals(json!(["a", "c", "b"])), actual.clone()),
        [
            "/1: expected \"c\", got \"b\"",
            "/2: expected \"b\", got \"c\""
        ]
    );
    let m = Match::array_equals([
        Match::any_value(),
        Match::string_like_regexp("^b$"),
        "c".into(),
    ]);
    assert!(mismatches(m, actual).is_empty());
}

#[test]
fn any_value_needs_a_non_null_value() {
    assert!(mismatches(
        Match::object_like([("A", Match::any_value())]),
        json!({"A": 0})
    )
    .is_empty());
    assert_eq!(
        mismatches(
            Match::object_like([("A", Match::any_value())]),
            json!({"A": null})
        ),
        ["/A: expected a value, got null"]
    );
    assert_eq!(
        mismatches(Match::object_like([("A", Match::any_value())]), json!({})),
        ["/A: missing key"]
    );
}

#[test]
fn absent_needs_the_key_missing() {
    let m = Match::object_like([("Public", Match::absent())]);
    assert!(mismatches(m.clone(), json!({"Other": 1})).is_empty());
    assert_eq!(
        mismatches(m, json!({"Public": true})),
        ["/Public: expected no value, got true"]
    );
}

#[test]
fn not_inverts_an_exact_pattern() {
    let m = Match::object_like([("CidrIp", Match::not("0.0.0.0/0"))]);
    assert!(mismatches(m.clone(), json!({"CidrIp": "10.0.0.0/16"})).is_empty());
    assert_eq!(
        mismatches(m, json!({"CidrIp": "0.0.0.0/0"})),
        ["/CidrIp: expected a value that does not match the pattern, got \"0.0.0.0/0\""]
    );
    // A literal under not() is exact: a superset object does not match it.
    assert!(mismatches(Match::not(json!({"A": 1})), json!({"A": 1, "B": 2})).is_empty());
}

#[test]
fn string_like_regexp_searches_the_string() {
    let m = Match::string_like_regexp(r"^arn:aws:kms:\w+");
    assert!(mismatches(m.clone(), json!("arn:aws:kms:us")).is_empty());
    assert_eq!(
        mismatches(m.clone(), json!("arn:aws:s3")),
        ["/: expected a string matching /^arn:aws:kms:\\w+/, got \"arn:aws:s3\""]
    );
    assert_eq!(
        mismatches(m, json!(3)),
        ["/: expected a string matching /^arn:aws:kms:\\w+/, got number 3"]
    );
    let bad = mismatches(Match::string_like_regexp("("), json!("x"));
    assert_eq!(bad.len(), 1);
    assert!(
        bad[0].starts_with("/: invalid regular expression /(/: "),
        "{bad:?}"
    );
}

#[test]
fn serialized_json_parses_then_matches() {
    let actual = json!({"Def": "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\"}}}"});
    let m = Match::object_like([(
        "Def",
        Match::serialized_json(Match::object_like(json!({"StartAt": "A"}))),
    )]);
    assert!(mismatches(m, actual.clone()).is_empty());
    let m = Match::object_like([(
        "Def",
        Match::serialized_json(Match::object_like(json!({"StartAt": "B"}))),
    )]);
    assert_eq!(
        mismatches(m, actual.clone()),
        [
            "/Def: the encoded JSON does not match",
            "/Def/(json)/StartAt: expected \"B\", got \"A\""
        ]
    );
    // A literal is matched exactly after parsing.
    let m = Match::object_like([("Def", Match::serialized_json(json!({"StartAt": "A"})))]);
    assert_eq!(
        mismatches(m, actual),
        [
            "/Def: the encoded JSON does not match",
            "/Def/(json)/States: unexpected key"
        ]
    );
    assert_eq!(
        mismatches(Match::serialized_json(json!(1)), json!(1)),
        ["/: expected a JSON string, got number 1"]
    );
    let bad = mismatches(Match::serialized_json(json!(1)), json!("{"));
    assert!(
        bad[0].starts_with("/: expected a JSON string, got invalid JSON"),
        "{bad:?}"
    );
}

#[test]
fn capture_records_values_only_when_everything_matches() {
    let port = Capture::new();
    let m = Match::object_like(json!({"Protocol": "HTTPS"})).with("Port", &port);
    assert!(m.check(&json!({"Port": 80, "Protocol": "HTTP"})).is_err());
    assert_eq!(
        port.value().unwrap_err().to_string(),
        "the capture has not captured a value"
    );
    m.check(&json!({"Port": 443, "Protocol": "HTTPS"})).unwrap();
    m.check(&json!({"Port": 8443, "Protocol": "HTTPS"}))
        .unwrap();
    assert_eq!(port.as_number().unwrap(), 443.0);
    assert!(port.next());
    assert_eq!(port.as_number().unwrap(), 8443.0);
    assert!(!port.next());
    assert_eq!(port.values(), [json!(443), json!(8443)]);
    assert_eq!(
        port.as_str().unwrap_err().to_string(),
        "the captured value is not a string: got number 8443"
    );
}

#[test]
fn capture_with_a_pattern_and_typed_accessors() {
    let c = Capture::with_pattern(Match::string_like_regexp("^t3\\."));
    let m = Match::object_like([("InstanceType", Matcher::from(&c))]);
    assert_eq!(
        mismatches(m.clone(), json!({"InstanceType": "m5.large"})),
        ["/InstanceType: expected a string matching /^t3\\./, got \"m5.large\""]
    );
    m.check(&json!({"InstanceType": "t3.medium"})).unwrap();
    assert_eq!(c.as_str().unwrap(), "t3.medium");

    let any = Capture::new();
    let m = Match::object_like([("V", Matcher::from(&any))]);
    assert_eq!(
        mismatches(m.clone(), json!({"V": null})),
        ["/V: expected a value to capture, got null"]
    );
    m.check(&json!({"V": [1, 2]})).unwrap();
    m.check(&json!({"V": {"k": true}})).unwrap();
    m.check(&json!({"V": false})).unwrap();
    assert_eq!(any.as_array().unwrap().len(), 2);
    assert!(any.next());
    assert_eq!(any.as_object().unwrap()["k"], json!(true));
    assert!(any.next());
    assert!(!any.as_bool().unwrap());
}

#[test]
fn captures_in_failed_array_attempts_are_dropped() {
    let c = Capture::new();
    let m = Match::array_with([Match::object_like(json!({"Kind": "b"})).with("Id", &c)]);
    m.check(&json!([{"Kind": "a", "Id": 1}, {"Kind": "b", "Id": 2}]))
        .unwrap();
    assert_eq!(c.values(), [json!(2)]);
}

#[test]
fn paths_escape_slashes_in_keys() {
    assert_eq!(
        mismatches(json!({"a/b": 1}), json!({"a/b": 2})),
        ["/a~1b: expected 1, got 2"]
    );
}
