//! Timestream: seed 004's market data database and tables, retained and
//! encrypted with a customer key, and the settings Timestream would reject.

use serde_json::json;
use strata::iam::{Principal, Role, RoleProps};
use strata::kms::{Key, KeyProps};
use strata::prelude::*;
use strata::timestream::{Database, DatabaseProps, RejectedRecords, TableProps};

fn id(path: &[&str]) -> String {
    strata::logical_id(path)
}

#[test]
fn seed_004_market_data_renders_every_setting() {
    let app = App::new();
    let stack = app.stack("Markets", StackProps::default());
    let key = Key::new(&stack, "TimestreamKey", KeyProps::default());
    let db = Database::new(
        &stack,
        "MarketData",
        DatabaseProps {
            database_name: Some("market_data".into()),
            kms_key_id: Some(key.key_arn()),
            ..DatabaseProps::default()
        },
    );
    let quotes = db.add_table(
        "Quotes",
        TableProps {
            table_name: Some("quotes".into()),
            magnetic_store_writes: true,
            rejected_records: Some(RejectedRecords {
                bucket_name: "market-data-rejects".into(),
                prefix: Some("quotes/".into()),
                kms_key_arn: Some(key.key_arn()),
            }),
            ..TableProps::new(24, 7)
        },
    );
    db.add_table("Trades", TableProps::new(24, 7));
    let writer = Role::new(
        &stack,
        "Ingest",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    );
    assert!(quotes.grant_write(&writer).success());
    stack.output("QuotesTable", Output::new(quotes.table_name()));
    let t = app.synth().expect("valid").stacks[0].template.clone();
    let r = &t["Resources"];
    let db_id = id(&["MarketData", "Resource"]);
    let key_arn = json!({"Fn::GetAtt": [id(&["TimestreamKey", "Resource"]), "Arn"]});
    let database = &r[db_id.as_str()];
    assert_eq!(database["Type"], "AWS::Timestream::Database");
    assert_eq!(database["DeletionPolicy"], "Retain");
    assert_eq!(database["UpdateReplacePolicy"], "Retain");
    assert_eq!(
        database["Properties"],
        json!({"DatabaseName": "market_data", "KmsKeyId": key_arn})
    );
    // The service's maintenance mode is acknowledged for cfn-lint on both.
    let acknowledged = json!({"config": {"ignore_checks": ["W3697"]}});
    assert_eq!(database["Metadata"]["cfn-lint"], acknowledged);
    let table = &r[id(&["MarketData", "Quotes", "Resource"]).as_str()];
    assert_eq!(table["Metadata"]["cfn-lint"], acknowledged);
    assert_eq!(table["DeletionPolicy"], "Retain");
    assert_eq!(table["UpdateReplacePolicy"], "Retain");
    assert_eq!(
        table["Properties"],
        json!({
            "DatabaseName": {"Ref": db_id},
            "MagneticStoreWriteProperties": {
                "EnableMagneticStoreWrites": true,
                "MagneticStoreRejectedDataLocation": {"S3Configuration": {
                    "BucketName": "market-data-rejects",
                    "EncryptionOption": "SSE_KMS",
                    "KmsKeyId": key_arn,
                    "ObjectKeyPrefix": "quotes/"
                }}
            },
            "RetentionProperties": {
                "MagneticStoreRetentionPeriodInDays": "7",
                "MemoryStoreRetentionPeriodInHours": "24"
            },
            "TableName": "quotes"
        })
    );
    assert_eq!(
        r[id(&["MarketData", "Trades", "Resource"]).as_str()]["Properties"]
            ["MagneticStoreWriteProperties"],
        json!({"EnableMagneticStoreWrites": false})
    );
    let statements = &r[id(&["Ingest", "DefaultPolicy", "Resource"]).as_str()]["Properties"]
        ["PolicyDocument"]["Statement"];
    assert_eq!(
        statements,
        &json!([
            {"Action": "timestream:DescribeEndpoints", "Effect": "Allow", "Resource": "*"},
            {
                "Action": "timestream:WriteRecords",
                "Effect": "Allow",
                "Resource": {"Fn::GetAtt": [id(&["MarketData", "Quotes", "Resource"]), "Arn"]}
            }
        ])
    );
    assert_eq!(
        t["Outputs"]["QuotesTable"]["Value"],
        json!({"Fn::GetAtt": [id(&["MarketData", "Quotes", "Resource"]), "Name"]})
    );
}

fn error_for(edit: impl FnOnce(&mut DatabaseProps, &mut TableProps)) -> String {
    let app = App::new();
    let stack = app.stack("Markets", StackProps::default());
    let mut db_props = DatabaseProps {
        database_name: Some("market_data".into()),
        ..DatabaseProps::default()
    };
    let mut table_props = TableProps::new(24, 7);
    edit(&mut db_props, &mut table_props);
    let db = Database::new(&stack, "MarketData", db_props);
    db.add_table("Quotes", table_props);
    app.synth().expect_err("must fail").to_string()
}

#[test]
fn settings_timestream_rejects_are_synth_errors() {
    let err = error_for(|db, _| db.database_name = Some("md".into()));
    assert!(err.contains("Markets/MarketData"), "{err}");
    assert!(
        err.contains("database name \"md\" must be 3 to 256 letters, digits, '_', '.' or '-'"),
        "{err}"
    );
    let table_errors = [
        (
            Box::new(|_: &mut DatabaseProps, t: &mut TableProps| {
                t.table_name = Some("market data".into())
            }) as Box<dyn FnOnce(&mut DatabaseProps, &mut TableProps)>,
            "table name \"market data\" must be 3 to 256",
        ),
        (
            Box::new(|_, t| t.memory_store_retention_hours = 0),
            "memory store retention of 0 hours is outside 1-8766",
        ),
        (
            Box::new(|_, t| t.memory_store_retention_hours = 8767),
            "memory store retention of 8767 hours is outside 1-8766",
        ),
        (
            Box::new(|_, t| t.magnetic_store_retention_days = 73_001),
            "magnetic store retention of 73001 days is outside 1-73000",
        ),
        (
            Box::new(|_, t| {
                t.rejected_records = Some(RejectedRecords {
                    bucket_name: "rejects".into(),
                    prefix: None,
                    kms_key_arn: None,
                })
            }),
            "rejected records are reported only for magnetic store writes",
        ),
        (
            Box::new(|_, t| {
                t.magnetic_store_writes = true;
                t.rejected_records = Some(RejectedRecords {
                    bucket_name: "arn:aws:s3:::rejects".into(),
                    prefix: Some(String::new()),
                    kms_key_arn: None,
                })
            }),
            "\"arn:aws:s3:::rejects\" is not a bucket name",
        ),
    ];
    for (edit, message) in table_errors {
        let err = error_for(edit);
        assert!(err.contains("Markets/MarketData/Quotes"), "{err}");
        assert!(err.contains(message), "expected {message:?} in {err}");
    }
}
