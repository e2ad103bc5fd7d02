//! Arbitrary JSON property values of a few L1 resources through synth.
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value as Json};
use strata_fuzz::properties::check_properties;

/// Strings that steer values towards intrinsics and valid-looking names.
const WORDS: &[&str] = &[
    "Ref",
    "Fn::GetAtt",
    "Fn::Sub",
    "Fn::Join",
    "Thing",
    "Thing.Arn",
    "${Thing}",
    "${Thing.Arn}",
    "${AWS::Region}",
    "AWS::Region",
    "Key",
    "Value",
    "alias/fuzz",
    "alias/aws/x",
    "nodejs22.x",
    "python3.13",
    "rate(5 minutes)",
    "ENABLED",
    "STANDARD",
    "x86_64",
    "arm64",
    "",
    "queue.fifo",
];

fn string(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(if u.ratio(1, 2)? {
        u.choose(WORDS)?.to_string()
    } else {
        u.arbitrary()?
    })
}

fn json(u: &mut Unstructured<'_>, depth: u32) -> Result<Json> {
    let pick = if depth == 0 {
        u.int_in_range(0..=4)?
    } else {
        u.int_in_range(0..=6)?
    };
    Ok(match pick {
        0 => Json::Null,
        1 => Json::Bool(u.arbitrary()?),
        2 => Json::from(u.arbitrary::<i64>()?),
        3 => serde_json::Number::from_f64(u.arbitrary()?).map_or(Json::Null, Json::Number),
        4 => Json::String(string(u)?),
        5 => {
            let n = u.int_in_range(0..=4)?;
            Json::Array((0..n).map(|_| json(u, depth - 1)).collect::<Result<_>>()?)
        }
        _ => {
            let n = u.int_in_range(0..=3)?;
            let mut m = Map::new();
            for _ in 0..n {
                m.insert(string(u)?, json(u, depth - 1)?);
            }
            Json::Object(m)
        }
    })
}

fn input(u: &mut Unstructured<'_>) -> Result<(u8, Vec<(u8, Json)>)> {
    let resource = u.arbitrary()?;
    let n = u.int_in_range(0..=12)?;
    let mut sets = Vec::new();
    for _ in 0..n {
        sets.push((u.arbitrary()?, json(u, 4)?));
    }
    Ok((resource, sets))
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    if let Ok((resource, sets)) = input(&mut u) {
        check_properties(resource, &sets);
    }
});
