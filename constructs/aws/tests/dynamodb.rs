//! The DynamoDB table L2: rendered properties, autoscaling at the CDK's
//! logical IDs, removal policy and synth-time errors.

use serde_json::{json, Value as Json};
use strata::cfn::dynamodb as l1;
use strata::dynamodb::{
    Attribute, Billing, GlobalSecondaryIndex, KeySchemaCheck, LocalSecondaryIndex, Projection,
    Scaling, StreamView, Table, TableEncryption, TableProps,
};
use strata::prelude::*;

fn template(app: &App) -> Json {
    app.synth().expect("the app synthesizes").stacks[0]
        .template
        .json()
        .clone()
}

fn synth_error(app: &App) -> String {
    app.synth().expect_err("synth must fail").to_string()
}

#[test]
fn an_on_demand_table_with_stream_ttl_and_index() {
    let app = App::new();
    let stack = app.stack("BirdStack", StackProps::default());
    let sessions = Table::new(
        &stack,
        "AgentSessionsTable",
        TableProps {
            table_name: Some("agent-sessions".into()),
            sort_key: Some(Attribute::string("timestamp")),
            global_indexes: vec![GlobalSecondaryIndex::new(
                "UserIndex",
                Attribute::string("userId"),
            )],
            stream: Some(StreamView::NewAndOldImages),
            ttl_attribute: Some("ttl".into()),
            ..TableProps::new(Attribute::string("sessionId"))
        },
    );
    let t = template(&app);
    let table = &t["Resources"]["AgentSessionsTable029602CA"];
    assert_eq!(table["DeletionPolicy"], "Retain");
    assert_eq!(table["UpdateReplacePolicy"], "Retain");
    assert_eq!(
        table["Properties"],
        json!({
            "AttributeDefinitions": [
                {"AttributeName": "sessionId", "AttributeType": "S"},
                {"AttributeName": "timestamp", "AttributeType": "S"},
                {"AttributeName": "userId", "AttributeType": "S"}
            ],
            "BillingMode": "PAY_PER_REQUEST",
            "GlobalSecondaryIndexes": [{
                "IndexName": "UserIndex",
                "KeySchema": [{"AttributeName": "userId", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"}
            }],
            "KeySchema": [
                {"AttributeName": "sessionId", "KeyType": "HASH"},
                {"AttributeName": "timestamp", "KeyType": "RANGE"}
            ],
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true},
            "SSESpecification": {"SSEEnabled": true},
            "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
            "TableName": "agent-sessions",
            "TimeToLiveSpecification": {"AttributeName": "ttl", "Enabled": true}
        })
    );
    assert!(sessions.stream_arn().is_some());
}

#[test]
fn provisioned_capacity_scales_at_the_cdk_paths() {
    let app = App::new();
    let stack = app.stack("BirdStack", StackProps::default());
    Table::new(
        &stack,
        "AgentConfigurationsTable",
        TableProps {
            billing: Billing::Provisioned {
                read: 10,
                write: 5,
                read_scaling: Some(Scaling::new(5, 200, 70.0)),
                write_scaling: Some(Scaling {
                    scale_in_cooldown: Some(300),
                    ..Scaling::new(5, 200, 70.0)
                }),
            },
            ..TableProps::new(Attribute::string("configId"))
        },
    );
    let t = template(&app);
    let r = &t["Resources"];
    let table = &r["AgentConfigurationsTableDC3BF13C"]["Properties"];
    assert_eq!(table["BillingMode"], "PROVISIONED");
    assert_eq!(
        table["ProvisionedThroughput"],
        json!({"ReadCapacityUnits": 10, "WriteCapacityUnits": 5})
    );
    let target = &r["AgentConfigurationsTableReadScalingTargetC5CDEDDF"]["Properties"];
    assert_eq!(target["MinCapacity"], 5);
    assert_eq!(target["MaxCapacity"], 200);
    assert_eq!(
        target["ScalableDimension"],
        "dynamodb:table:ReadCapacityUnits"
    );
    assert_eq!(
        target["ResourceId"],
        json!({"Fn::Sub": ["table/${Table}", {"Table": {"Ref": "AgentConfigurationsTableDC3BF13C"}}]})
    );
    let policy = &r["AgentConfigurationsTableReadScalingTargetTrackingD8BA36CD"]["Properties"];
    // The CDK names the policy after the unique id of its construct.
    assert_eq!(
        policy["PolicyName"],
        strata::logical_id(&[
            "BirdStack",
            "AgentConfigurationsTable",
            "ReadScaling",
            "Target",
            "Tracking"
        ])
    );
    assert_eq!(
        policy["TargetTrackingScalingPolicyConfiguration"]["TargetValue"],
        70.0
    );
    let write = &r["AgentConfigurationsTableWriteScalingTargetTrackingBB9166FC"]["Properties"];
    assert_eq!(
        write["TargetTrackingScalingPolicyConfiguration"]["ScaleInCooldown"],
        300
    );
    assert_eq!(
        write["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]
            ["PredefinedMetricType"],
        "DynamoDBWriteCapacityUtilization"
    );
}

#[test]
fn encryption_indexes_and_options_render() {
    let app = App::new();
    let stack = app.stack("Data", StackProps::default());
    let key = stack.parameter("KeyArn", Parameter::new("String"));
    Table::new(
        &stack,
        "Context",
        TableProps {
            sort_key: Some(Attribute::number("createdAt")),
            local_indexes: vec![
                LocalSecondaryIndex::new("ByStatus", Attribute::string("status"))
                    .projection(Projection::Include(vec!["summary".into()])),
            ],
            global_indexes: vec![GlobalSecondaryIndex::new(
                "ByTenant",
                Attribute::string("tenant"),
            )
            .projection(Projection::KeysOnly)],
            encryption: TableEncryption::Customer(key.ref_()),
            contributor_insights: true,
            infrequent_access: true,
            deletion_protection: Some(true),
            point_in_time_recovery: false,
            removal_policy: RemovalPolicy::Snapshot,
            ..TableProps::new(Attribute::string("incidentId"))
        },
    );
    Table::new(
        &stack,
        "Cheap",
        TableProps {
            encryption: TableEncryption::AwsOwned,
            ..TableProps::new(Attribute::string("id"))
        },
    );
    let t = template(&app);
    let r = t["Resources"].as_object().expect("resources");
    let find = |prefix: &str| {
        r.iter()
            .find(|(k, _)| k.starts_with(prefix))
            .map(|(_, v)| v.clone())
            .expect(prefix)
    };
    let context = find("Context");
    let p = &context["Properties"];
    assert_eq!(context["DeletionPolicy"], "Snapshot");
    assert_eq!(
        p["SSESpecification"],
        json!({"KMSMasterKeyId": {"Ref": "KeyArn"}, "SSEEnabled": true, "SSEType": "KMS"})
    );
    assert_eq!(
        p["AttributeDefinitions"][1],
        json!({"AttributeName": "createdAt", "AttributeType": "N"})
    );
    assert_eq!(
        p["LocalSecondaryIndexes"][0],
        json!({
            "IndexName": "ByStatus",
            "KeySchema": [
                {"AttributeName": "incidentId", "KeyType": "HASH"},
                {"AttributeName": "status", "KeyType": "RANGE"}
            ],
            "Projection": {"NonKeyAttributes": ["summary"], "ProjectionType": "INCLUDE"}
        })
    );
    assert_eq!(
        p["GlobalSecondaryIndexes"][0]["Projection"],
        json!({"ProjectionType": "KEYS_ONLY"})
    );
    assert_eq!(
        p["ContributorInsightsSpecification"],
        json!({"Enabled": true})
    );
    assert_eq!(p["TableClass"], "STANDARD_INFREQUENT_ACCESS");
    assert_eq!(p["DeletionProtectionEnabled"], true);
    assert!(p.get("PointInTimeRecoverySpecification").is_none());
    assert!(find("Cheap")["Properties"]
        .get("SSESpecification")
        .is_none());
}

fn errors_for(props: TableProps) -> String {
    let app = App::new();
    let stack = app.stack("Data", StackProps::default());
    Table::new(&stack, "Bad", props);
    synth_error(&app)
}

#[test]
fn invalid_tables_are_synth_errors_at_the_table_path() {
    let err = errors_for(TableProps {
        global_indexes: vec![GlobalSecondaryIndex::new("ById", Attribute::number("id"))],
        ..TableProps::new(Attribute::string("id"))
    });
    assert!(err.contains("Data/Bad"), "{err}");
    assert!(err.contains("\"id\" is declared as S and as N"), "{err}");

    let err = errors_for(TableProps {
        local_indexes: vec![LocalSecondaryIndex::new(
            "ByDate",
            Attribute::string("date"),
        )],
        ..TableProps::new(Attribute::string("id"))
    });
    assert!(
        err.contains("local secondary indexes need a table with a sort key"),
        "{err}"
    );

    let err = errors_for(TableProps {
        billing: Billing::Provisioned {
            read: 5,
            write: 5,
            read_scaling: Some(Scaling::new(10, 5, 70.0)),
            write_scaling: Some(Scaling::new(1, 5, 95.0)),
        },
        global_indexes: vec![GlobalSecondaryIndex::new(
            "ByType",
            Attribute::string("type"),
        )],
        ..TableProps::new(Attribute::string("id"))
    });
    assert!(
        err.contains("\"ByType\" needs capacity(read, write)"),
        "{err}"
    );
    assert!(
        err.contains("read scaling: capacity limits 10..5 are invalid"),
        "{err}"
    );
    assert!(
        err.contains("write scaling: target utilisation 95% is outside"),
        "{err}"
    );

    let err = errors_for(TableProps {
        table_name: Some("agent sessions!".into()),
        global_indexes: vec![
            GlobalSecondaryIndex::new("Dup", Attribute::string("a")).capacity(1, 1),
            GlobalSecondaryIndex::new("Dup", Attribute::string("b")),
        ],
        ..TableProps::new(Attribute::string("id"))
    });
    assert!(
        err.contains("table name \"agent sessions!\" is invalid"),
        "{err}"
    );
    assert!(err.contains("index name \"Dup\" is used twice"), "{err}");
    assert!(err.contains("sets capacity on an on-demand table"), "{err}");
}

#[test]
fn the_key_schema_check_finds_undeclared_and_unused_attributes_in_l1_tables() {
    let app = App::new();
    let stack = app.stack("Data", StackProps::default());
    stack.resource(
        "Events",
        l1::Table {
            attribute_definitions: Some(Value::list([
                l1::table::AttributeDefinition::new("eventId", "S"),
                l1::table::AttributeDefinition::new("spare", "S"),
            ])),
            global_secondary_indexes: Some(Value::list([l1::table::GlobalSecondaryIndex::new(
                "ByType",
                Value::list([l1::table::KeySchema::new("eventType", "HASH")]),
                l1::table::Projection::default(),
            )])),
            ..l1::Table::new(Value::list([l1::table::KeySchema::new("eventId", "HASH")]))
        },
    );
    app.root().add_aspect(KeySchemaCheck);
    let err = synth_error(&app);
    assert!(err.contains("Data/Events"), "{err}");
    assert!(
        err.contains(
            "key attribute \"eventType\" of global index \"ByType\" is not in AttributeDefinitions"
        ),
        "{err}"
    );
    assert!(
        err.contains("declares \"spare\", which no key schema uses"),
        "{err}"
    );

    // The L2's tables always pass.
    let app = App::new();
    let stack = app.stack("Data", StackProps::default());
    Table::new(
        &stack,
        "Fine",
        TableProps {
            sort_key: Some(Attribute::string("ts")),
            global_indexes: vec![GlobalSecondaryIndex::new("ByTs", Attribute::string("ts"))],
            ..TableProps::new(Attribute::string("id"))
        },
    );
    app.root().add_aspect(KeySchemaCheck);
    assert!(app.synth().is_ok());
}

#[test]
fn grants_are_scoped_to_the_table_its_indexes_stream_and_key() {
    use strata::iam::{Principal, Role, RoleProps};
    let app = App::new();
    let stack = app.stack("Data", StackProps::default());
    let key = stack.parameter("KeyArn", Parameter::new("String"));
    let table = Table::new(
        &stack,
        "Events",
        TableProps {
            global_indexes: vec![GlobalSecondaryIndex::new(
                "ByType",
                Attribute::string("type"),
            )],
            stream: Some(StreamView::NewImage),
            encryption: TableEncryption::Customer(key.ref_()),
            ..TableProps::new(Attribute::string("id"))
        },
    );
    let reader = Role::new(
        &stack,
        "Reader",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    );
    assert!(table.grant_read_data(&reader).success());
    assert!(table.grant_stream_read(&reader).is_some());
    let t = template(&app);
    let policy = t["Resources"]
        .as_object()
        .expect("resources")
        .values()
        .find(|r| r["Type"] == "AWS::IAM::Policy")
        .expect("the role's default policy")
        .clone();
    let statements = policy["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .expect("statements")
        .clone();
    let table_id = strata::logical_id(&["Events", "Resource"]);
    let arn = json!({"Fn::GetAtt": [table_id, "Arn"]});
    let read = statements
        .iter()
        .find(|s| {
            s["Action"]
                .as_array()
                .is_some_and(|a| a.contains(&json!("dynamodb:Query")))
        })
        .expect("read statement");
    assert_eq!(
        read["Resource"],
        json!([arn, {"Fn::Join": ["", [arn, "/index/*"]]}])
    );
    let decrypt = statements
        .iter()
        .find(|s| s["Resource"] == json!({"Ref": "KeyArn"}))
        .expect("key statement");
    assert!(decrypt["Action"].to_string().contains("kms:Decrypt"));
    let stream = statements
        .iter()
        .find(|s| s["Resource"] == json!({"Fn::GetAtt": [table_id, "StreamArn"]}))
        .expect("stream statement");
    assert!(stream["Action"].to_string().contains("dynamodb:GetRecords"));
    // Only ListStreams, which has no resource-level permissions, is on "*".
    for s in &statements {
        if s["Resource"] == "*" {
            assert_eq!(s["Action"], "dynamodb:ListStreams");
        }
    }
}

fn regional_stack(app: &App) -> Scope {
    app.stack(
        "Data",
        StackProps {
            env: Environment::new("123456789012", "us-east-1"),
            ..Default::default()
        },
    )
}

#[test]
fn a_global_table_replicates_with_scaling_and_per_region_keys() {
    use strata::dynamodb::{GlobalTable, GlobalTableProps};
    let app = App::new();
    let stack = regional_stack(&app);
    let table = GlobalTable::new(
        &stack,
        "Context",
        GlobalTableProps {
            table: TableProps {
                table_name: Some("incident-context".into()),
                sort_key: Some(Attribute::number("ts")),
                global_indexes: vec![GlobalSecondaryIndex::new(
                    "BySeverity",
                    Attribute::string("severity"),
                )],
                billing: Billing::Provisioned {
                    read: 5,
                    write: 5,
                    read_scaling: Some(Scaling::new(5, 100, 70.0)),
                    write_scaling: Some(Scaling::new(5, 50, 70.0)),
                },
                encryption: TableEncryption::Customer(
                    "arn:aws:kms:us-east-1:123456789012:key/a".into(),
                ),
                ttl_attribute: Some("expiresAt".into()),
                ..TableProps::new(Attribute::string("incidentId"))
            },
            regions: vec!["us-east-1".into(), "us-west-2".into()],
            replica_keys: [
                ("us-east-1", "arn:aws:kms:us-east-1:123456789012:key/a"),
                ("us-west-2", "arn:aws:kms:us-west-2:123456789012:key/b"),
            ]
            .iter()
            .map(|(r, k)| (r.to_string(), Value::from(*k)))
            .collect(),
        },
    );
    let t = template(&app);
    let resource = &t["Resources"][strata::logical_id(&["Context", "Resource"]).as_str()];
    assert_eq!(resource["Type"], "AWS::DynamoDB::GlobalTable");
    assert_eq!(resource["DeletionPolicy"], "Retain");
    let p = &resource["Properties"];
    assert_eq!(p["BillingMode"], "PROVISIONED");
    assert_eq!(
        p["SSESpecification"],
        json!({"SSEEnabled": true, "SSEType": "KMS"})
    );
    assert_eq!(
        p["StreamSpecification"],
        json!({"StreamViewType": "NEW_AND_OLD_IMAGES"})
    );
    let scaling = json!({
        "MaxCapacity": 50,
        "MinCapacity": 5,
        "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 70.0}
    });
    assert_eq!(
        p["WriteProvisionedThroughputSettings"]["WriteCapacityAutoScalingSettings"],
        scaling
    );
    assert_eq!(
        p["GlobalSecondaryIndexes"][0]["WriteProvisionedThroughputSettings"]
            ["WriteCapacityAutoScalingSettings"],
        scaling
    );
    let west = &p["Replicas"][1];
    assert_eq!(west["Region"], "us-west-2");
    assert_eq!(
        west["SSESpecification"]["KMSMasterKeyId"],
        "arn:aws:kms:us-west-2:123456789012:key/b"
    );
    assert_eq!(
        west["ReadProvisionedThroughputSettings"]["ReadCapacityAutoScalingSettings"]["MaxCapacity"],
        100
    );
    assert_eq!(
        west["PointInTimeRecoverySpecification"],
        json!({"PointInTimeRecoveryEnabled": true})
    );
    let _ = table.stream_arn();
}

#[test]
fn global_table_replica_sets_cloudformation_rejects_are_synth_errors() {
    use strata::dynamodb::{GlobalTable, GlobalTableProps};
    let app = App::new();
    let stack = regional_stack(&app);
    GlobalTable::new(
        &stack,
        "Bad",
        GlobalTableProps {
            table: TableProps {
                stream: Some(StreamView::KeysOnly),
                billing: Billing::Provisioned {
                    read: 5,
                    write: 5,
                    read_scaling: None,
                    write_scaling: None,
                },
                encryption: TableEncryption::Customer("arn:aws:kms:eu-west-1:1:key/x".into()),
                ..TableProps::new(Attribute::string("id"))
            },
            regions: vec!["eu-west-1".into(), "eu-west-1".into()],
            replica_keys: Default::default(),
        },
    );
    let err = synth_error(&app);
    assert!(err.contains("Data/Bad"), "{err}");
    assert!(
        err.contains("region \"eu-west-1\" is listed twice"),
        "{err}"
    );
    assert!(
        err.contains("the stack deploys to us-east-1 but `regions` does not include it"),
        "{err}"
    );
    assert!(err.contains("stream must be NewAndOldImages"), "{err}");
    assert!(
        err.contains("needs both read_scaling and write_scaling"),
        "{err}"
    );
    assert!(
        err.contains("`replica_keys` has none for eu-west-1"),
        "{err}"
    );
}
