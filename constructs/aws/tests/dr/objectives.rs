//! The RTO and RPO checks, and the other errors, each naming the
//! construct path, why the target cannot be met and what would meet it.

use super::*;

#[test]
fn a_pilot_light_keeps_no_compute_and_cannot_meet_an_rto_of_minutes() {
    let app = App::new();
    let west = region_stack(&app, "AgentWest", "us-west-2");
    let east = region_stack(&app, "AgentEast", "us-east-1");
    let dr = MultiRegionDR::new(
        &east,
        &west,
        "Dr",
        MultiRegionDRProps {
            mode: Standby::PilotLight,
            ..seed_001(None)
        },
    );
    assert_eq!(
        dr.standby_capacity(Capacity { min: 4, max: 20 }),
        Capacity { min: 0, max: 20 }
    );
    let err = errors(&app);
    assert!(err.contains("AgentEast/Dr"), "{err}");
    assert!(
        err.contains("an RTO of 15m cannot be met by a pilot light: compute starts from zero"),
        "{err}"
    );
    assert!(err.contains("use Standby::WarmStandby"), "{err}");
}

#[test]
fn a_pilot_light_with_room_for_it_still_counts_dns_failover_time() {
    let app = App::new();
    let west = region_stack(&app, "AgentWest", "us-west-2");
    let east = region_stack(&app, "AgentEast", "us-east-1");
    let dr = MultiRegionDR::new(
        &east,
        &west,
        "Dr",
        MultiRegionDRProps {
            mode: Standby::PilotLight,
            rto: minutes(31),
            ..seed_001(None)
        },
    );
    dr.protect_compute("Agents", Capacity { min: 1, max: 4 }, |_, cap| cap);
    app.synth()
        .expect("31 minutes covers a 30-minute pilot light alone");
    dr.failover_dns(
        "Api",
        FailoverDnsProps::new(
            HostedZone {
                zone_id: "Z0123456789ABCDEFGHIJ".into(),
                zone_name: "yourdomain.com".into(),
            },
            "api.yourdomain.com",
            Endpoint::Domain("api-east.yourdomain.com".into()),
            Endpoint::Domain("api-west.yourdomain.com".into()),
        ),
    );
    let app_err = errors(&app);
    assert!(app_err.contains("AgentWest/Dr/Agents"), "{app_err}");
    assert!(
        app_err.contains(
            "an RTO of 31m cannot be met: pilot-light compute starts from zero in us-west-2"
        ),
        "{app_err}"
    );
    assert!(
        app_err.contains("(30m) after Route 53 moves traffic (2m30s), 32m30s in all"),
        "{app_err}"
    );
}

#[test]
fn an_rpo_under_15_minutes_is_an_error_for_a_bucket_and_names_what_would_meet_it() {
    let app = App::new();
    let west = region_stack(&app, "AgentWest", "us-west-2");
    let east = region_stack(&app, "AgentEast", "us-east-1");
    let dr = MultiRegionDR::new(&east, &west, "Dr", seed_001(None));
    dr.protect_bucket("Media", BucketProtection::new(BucketProps::default()));
    let err = errors(&app);
    assert!(err.contains("AgentEast/Dr/Media"), "{err}");
    assert!(
        err.contains("an RPO of 5m cannot be met: S3 promises no replication time without Replication Time Control, and with it 99.99% of objects within 15 minutes"),
        "{err}"
    );
    assert!(
        err.contains("DynamoDB global table or an Aurora global database"),
        "{err}"
    );
}

#[test]
fn sub_second_rpos_are_errors_for_tables_and_aurora() {
    let app = App::new();
    let west = region_stack(&app, "AgentWest", "us-west-2");
    let east = region_stack(&app, "AgentEast", "us-east-1");
    let standby = region_stack(&app, "AgentWestStandby", "us-west-2");
    let dr = MultiRegionDR::new(
        &east,
        &west,
        "Dr",
        MultiRegionDRProps {
            rpo: Duration::from_millis(200),
            ..seed_001(Some(standby))
        },
    );
    dr.protect_table(
        "Sessions",
        TableProtection::new(TableProps::new(Attribute::string("sessionId"))),
    );
    dr.protect_aurora(
        "Aurora",
        AuroraProtection {
            cluster: DatabaseClusterProps::new(
                "15.10",
                ClusterInstance::provisioned("db.r6g.large"),
                DatabaseSubnets::new("vpc-0e1", vec!["subnet-0e1a".into(), "subnet-0e1b".into()]),
            ),
            global_identifier: "agent-global".into(),
            secondary: AuroraSecondary::with_readers(
                DatabaseSubnets::new("vpc-0w1", vec!["subnet-0w1a".into(), "subnet-0w1b".into()]),
                vec![ClusterInstance::provisioned("db.r6g.large")],
            ),
            key: None,
        },
    );
    let err = errors(&app);
    assert!(
        err.contains("AgentEast/Dr/Sessions")
            && err.contains(
                "an RPO of 200ms cannot be met: a DynamoDB global table replicates asynchronously"
            ),
        "{err}"
    );
    assert!(
        err.contains("AgentEast/Dr/Aurora") && err.contains("an RPO of 200ms cannot be met: an Aurora global database replicates asynchronously"),
        "{err}"
    );
}

#[test]
fn dns_alone_can_exceed_the_rto() {
    let app = App::new();
    let west = region_stack(&app, "AgentWest", "us-west-2");
    let east = region_stack(&app, "AgentEast", "us-east-1");
    let dr = MultiRegionDR::new(
        &east,
        &west,
        "Dr",
        MultiRegionDRProps {
            rto: minutes(2),
            ..seed_001(None)
        },
    );
    dr.failover_dns(
        "Api",
        FailoverDnsProps::new(
            HostedZone {
                zone_id: "Z0123456789ABCDEFGHIJ".into(),
                zone_name: "yourdomain.com".into(),
            },
            "api.yourdomain.com",
            Endpoint::Domain("api-east.yourdomain.com".into()),
            Endpoint::Domain("api-west.yourdomain.com".into()),
        ),
    );
    let err = errors(&app);
    assert!(err.contains("AgentEast/Dr/Api"), "{err}");
    assert!(
        err.contains("Route 53 needs up to 1m30s to see the primary fail (3 failed checks 30s apart) and resolvers keep the old answer for the 1m TTL, 2m30s in all"),
        "{err}"
    );
}

#[test]
fn misplaced_stacks_and_bad_dns_settings_are_errors() {
    let app = App::new();
    let west = region_stack(&app, "AgentWest", "us-west-1");
    let east = app.stack("AgentEast", StackProps::default());
    let dr = MultiRegionDR::new(
        &east,
        &west,
        "Dr",
        MultiRegionDRProps::new("us-east-1", "us-west-2", minutes(15), minutes(5)),
    );
    dr.failover_dns(
        "Api",
        FailoverDnsProps {
            health_check: HealthCheckSettings {
                interval: Duration::from_secs(20),
                failure_threshold: 11,
                ..HealthCheckSettings::default()
            },
            ..FailoverDnsProps::new(
                HostedZone {
                    zone_id: "Z0123456789ABCDEFGHIJ".into(),
                    zone_name: "yourdomain.com".into(),
                },
                "api.example.org",
                Endpoint::Domain("api-east.yourdomain.com".into()),
                Endpoint::Domain("api-west.yourdomain.com".into()),
            )
        },
    );
    let err = errors(&app);
    for expected in [
        "the secondary stack AgentWest deploys to us-west-1, but the secondary Region is us-west-2",
        "the primary stack AgentEast has no Region; give it an environment",
        "a health check interval of 20s is not one Route 53 offers; use 10 or 30 seconds",
        "a failure threshold of 11 is outside Route 53's 1 to 10",
        "\"api.example.org\" is not in the hosted zone \"yourdomain.com\"",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in {err}");
    }
    let same = App::new();
    let a = region_stack(&same, "A", "us-east-1");
    let b = region_stack(&same, "B", "us-east-1");
    MultiRegionDR::new(
        &a,
        &b,
        "Dr",
        MultiRegionDRProps::new("us-east-1", "us-east-1", minutes(15), minutes(5)),
    );
    assert!(errors(&same).contains("the primary and secondary Regions are both us-east-1"));
    let reused = App::new();
    let west = region_stack(&reused, "AgentWest", "us-west-2");
    let east = region_stack(&reused, "AgentEast", "us-east-1");
    MultiRegionDR::new(&east, &west, "Dr", seed_001(Some(west.clone())));
    let err = errors(&reused);
    assert!(
        err.contains(
            "the standby stack AgentWest is the secondary stack, which deploys before the primary"
        ),
        "{err}"
    );
}

#[test]
fn a_single_region_key_cannot_encrypt_replicated_data() {
    let app = App::new();
    let west = region_stack(&app, "AgentWest", "us-west-2");
    let east = region_stack(&app, "AgentEast", "us-east-1");
    let dr = MultiRegionDR::new(&east, &west, "Dr", seed_001(None));
    dr.protect_bucket(
        "Config",
        BucketProtection {
            rpo: Some(minutes(15)),
            ..BucketProtection::new(BucketProps {
                encryption: BucketEncryption::Kms(
                    "arn:aws:kms:us-east-1:123456789012:key/one".into(),
                ),
                ..Default::default()
            })
        },
    );
    let err = errors(&app);
    assert!(err.contains("AgentEast/Dr/Config"), "{err}");
    assert!(
        err.contains("S3 replicates KMS-encrypted objects only with a key in the secondary Region; pass a MultiRegionKey"),
        "{err}"
    );
}

#[test]
fn a_warm_standby_above_the_primary_maximum_is_an_error() {
    let app = App::new();
    let west = region_stack(&app, "AgentWest", "us-west-2");
    let east = region_stack(&app, "AgentEast", "us-east-1");
    let dr = MultiRegionDR::new(
        &east,
        &west,
        "Dr",
        MultiRegionDRProps {
            mode: Standby::WarmStandby { min_capacity: 8 },
            ..seed_001(None)
        },
    );
    dr.protect_compute("Agents", Capacity { min: 2, max: 4 }, |_, cap| cap);
    let err = errors(&app);
    assert!(err.contains("AgentWest/Dr/Agents"), "{err}");
    assert!(
        err.contains("a warm standby of 8 is more than the primary's maximum of 4"),
        "{err}"
    );
}
