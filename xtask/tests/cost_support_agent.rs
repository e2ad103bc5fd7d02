//! `cargo xtask cost` end to end on a real synthesized assembly of
//! support-agent (seed 003), checked against the seed's own statement:
//! "DEV ~$200, PROD ~$15,000" a month.

use std::process::Command;

use serde_json::Value;

/// Builds support-agent (dev profile), synthesizes it in dev and prod, and
/// returns the JSON estimate.
fn estimate() -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["cost", "--app", "support-agent", "--debug", "--json"])
        .output()
        .expect("running xtask cost");
    assert!(
        out.status.success(),
        "xtask cost failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("xtask cost --json prints JSON")
}

fn env<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["estimates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["app"] == "support-agent" && e["env"] == name)
        .unwrap_or_else(|| panic!("no support-agent {name} estimate"))
}

fn usd(e: &Value, key: &str) -> f64 {
    e[key].as_f64().unwrap()
}

#[test]
fn support_agent_lands_near_the_seed_figures() {
    let v = estimate();
    let (dev, prod) = (env(&v, "dev"), env(&v, "prod"));
    for e in [dev, prod] {
        for s in e["stacks"].as_array().unwrap() {
            assert_eq!(s["unpriced"], serde_json::json!([]), "{}", s["stack"]);
        }
        assert_eq!(
            e["stacks"].as_array().unwrap().len(),
            11,
            "the seed's eleven stacks"
        );
    }

    // Dev: within half to twice the seed's ~$200.
    let dev_total = usd(dev, "monthly");
    assert!((100.0..=400.0).contains(&dev_total), "dev ${dev_total}");
    assert_eq!(dev["reference"]["monthly"], 200.0);

    // Prod: the seed's ~$15,000 is reached only with the node groups scaled
    // out towards MaxSize (within half to twice of it there); at the
    // desired sizes the templates declare, prod costs far less. Both facts
    // are stated in the report's reference note.
    let (prod_total, prod_max) = (usd(prod, "monthly"), usd(prod, "monthly_at_max"));
    assert!(
        (7_500.0..=30_000.0).contains(&prod_max),
        "prod at max ${prod_max}"
    );
    assert!(
        prod_total < 7_500.0 && prod_total > 1_000.0,
        "prod ${prod_total}"
    );
    assert!(prod["reference"]["note"]
        .as_str()
        .unwrap()
        .contains("MaxSize"));

    // The node groups are where prod's money goes, priced from the
    // templates' instance types and desired sizes.
    let eks = prod["stacks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["stack"] == "SupportAgentEks")
        .unwrap();
    let ai = eks["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["dimensions"][0]["what"]
                .as_str()
                .unwrap()
                .contains("r6i.2xlarge")
        })
        .expect("the AI node group on r6i.2xlarge");
    assert!(ai["dimensions"][0]["what"]
        .as_str()
        .unwrap()
        .starts_with("2 × r6i.2xlarge"));
    assert!(usd(ai, "monthly_at_max") > 4.9 * usd(ai, "monthly"));
}
