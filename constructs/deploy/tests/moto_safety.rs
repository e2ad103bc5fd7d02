//! Against moto: replacing a DynamoDB table (changed key schema) is
//! refused unless `--allow-replace` names it.

mod common;

use serde_json::json;
use strata_deploy::{deploy, Outcome};

#[test]
fn key_schema_change_is_refused_then_allowed() {
    let Some(_moto) = common::start("key_schema_change_is_refused_then_allowed") else {
        return;
    };
    let v1 = json!({"Resources": {"Table": common::table("pk")}});
    let v2 = json!({"Resources": {"Table": common::table("id")}});
    let opts = common::yes();
    deploy(&common::assembly("safety-v1", "Data", &v1), &[], &opts).expect("create");

    let asm = common::assembly("safety-v2", "Data", &v2);
    let err = format!("{:#}", deploy(&asm, &[], &opts).expect_err("refused"));
    assert!(err.contains("refusing to deploy stack Data"), "{err}");
    assert!(
        err.contains("Table (AWS::DynamoDB::Table) would be replaced: KeySchema changed"),
        "{err}"
    );
    assert!(err.contains("--allow-replace Table"), "{err}");

    let mut allowed = opts.clone();
    allowed.allow_replace = vec!["Table".into()];
    assert_eq!(
        deploy(&asm, &[], &allowed).expect("allowed"),
        [Outcome::Deployed]
    );
}
