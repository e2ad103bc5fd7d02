//! The problems synth reports for ECS props, each with its construct path.

use std::time::Duration;

use strata::ecs::*;
use strata::elbv2::{ApplicationTargetGroup, TargetGroupProps, TargetType};
use strata::prelude::*;

use super::{security_group, synth_error};

fn stack(app: &App) -> Scope {
    app.stack("Svc", StackProps::default())
}

fn task(stack: &Scope, cpu: u32, memory: u32) -> FargateTaskDefinition {
    FargateTaskDefinition::new(stack, "Task", FargateTaskDefinitionProps::new(cpu, memory))
}

fn web(port: u32) -> ContainerProps {
    ContainerProps {
        port_mappings: vec![PortMapping::tcp(port)],
        ..ContainerProps::new(ContainerImage::registry("nginx:1.27"))
    }
}

#[test]
fn a_cpu_memory_pair_outside_the_fargate_table_is_reported_with_the_allowed_range() {
    let app = App::new();
    let s = stack(&app);
    task(&s, 1024, 16384).add_container("web", web(80));
    let err = synth_error(&app);
    assert!(
        err.contains("Svc/Task: [ecs-fargate-size] cpu 1024 with 16384 MiB is not a Fargate size; with 1024 CPU units use 2048 to 8192 MiB in 1024 MiB steps"),
        "{err}"
    );

    let app = App::new();
    let s = stack(&app);
    task(&s, 256, 4096).add_container("web", web(80));
    assert!(synth_error(&app).contains("with 256 CPU units use 512, 1024 or 2048 MiB"));

    let app = App::new();
    let s = stack(&app);
    task(&s, 300, 1024).add_container("web", web(80));
    assert!(synth_error(&app).contains(
        "Svc/Task: [ecs-fargate-size] cpu 300 is not a Fargate size; use 256, 512, 1024, 2048, 4096, 8192 or 16384 CPU units"
    ));
}

#[test]
fn windows_tasks_need_x86_and_at_least_one_vcpu() {
    let app = App::new();
    let s = stack(&app);
    FargateTaskDefinition::new(
        &s,
        "Task",
        FargateTaskDefinitionProps {
            runtime_platform: Some(RuntimePlatform {
                cpu_architecture: CpuArchitecture::Arm64,
                operating_system_family: OperatingSystemFamily::WindowsServer2022Core,
            }),
            ephemeral_storage_gib: Some(10),
            ..FargateTaskDefinitionProps::new(512, 1024)
        },
    )
    .add_container("web", web(80));
    let err = synth_error(&app);
    assert!(
        err.contains("Svc/Task: [ecs-fargate-size] cpu 512 is not offered for Windows on Fargate"),
        "{err}"
    );
    assert!(
        err.contains(
            "Svc/Task: [ecs-runtime-platform] Windows tasks on Fargate run on X86_64 only"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "Svc/Task: [ecs-ephemeral-storage] ephemeral storage of 10 GiB is out of range"
        ),
        "{err}"
    );
}

#[test]
fn containers_must_fit_the_task_and_be_well_formed() {
    let app = App::new();
    let s = stack(&app);
    let t = task(&s, 512, 1024);
    t.add_container(
        "web",
        ContainerProps {
            cpu: Some(256),
            environment: vec![("MODE".into(), "a".into()), ("MODE".into(), "b".into())],
            ..web(80)
        },
    );
    t.add_container(
        "sidecar",
        ContainerProps {
            container_name: Some("web".into()),
            cpu: Some(512),
            memory_limit_mib: Some(2048),
            port_mappings: vec![PortMapping::tcp(70000)],
            health_check: Some(ContainerHealthCheck {
                interval: Duration::from_secs(5),
                timeout: Duration::from_secs(10),
                ..ContainerHealthCheck::shell("true")
            }),
            ..ContainerProps::new(ContainerImage::ecr("Sidecar", "v 1"))
        },
    );
    let err = synth_error(&app);
    for expected in [
        "Svc/Task/web: [ecs-container] environment variable \"MODE\" is empty or set twice",
        "Svc/Task/sidecar: [ecs-container] the task already has a container named \"web\"",
        "Svc/Task/sidecar: [ecs-container] the containers reserve 768 CPU units, more than the task's 512",
        "Svc/Task/sidecar: [ecs-container] memory limit 2048 MiB is above the task's 1024 MiB",
        "Svc/Task/sidecar: [ecs-container] container port 70000 is outside 1-65535",
        "Svc/Task/sidecar: [ecs-container] ECR repository name \"Sidecar\" must be 2 to 256 lower-case letters",
        "Svc/Task/sidecar: [ecs-container] image tag \"v 1\" must be 1 to 128 letters",
        "Svc/Task/sidecar: [ecs-container] the health check timeout must not exceed its interval",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in {err}");
    }
}

#[test]
fn a_task_without_an_essential_container_is_reported() {
    let app = App::new();
    let s = stack(&app);
    task(&s, 256, 512).add_container(
        "init",
        ContainerProps {
            essential: false,
            ..web(80)
        },
    );
    assert!(synth_error(&app).contains(
        "Svc/Task: [ecs-essential-container] the task definition has no essential container; add one with add_container"
    ));
}

#[test]
fn registering_a_missing_container_port_or_an_instance_group_is_reported() {
    let app = App::new();
    let s = stack(&app);
    let cluster = Cluster::new(&s, "Cluster", ClusterProps::default());
    let t = task(&s, 256, 512);
    t.add_container("web", web(80));
    let sg = security_group(&s, "Sg");
    let ip = ApplicationTargetGroup::new(&s, "Ip", TargetGroupProps::new("vpc-1", 80));
    let instance = ApplicationTargetGroup::new(
        &s,
        "Instance",
        TargetGroupProps {
            target_type: TargetType::Instance,
            ..TargetGroupProps::new("vpc-1", 80)
        },
    );
    FargateService::new(
        &s,
        "App",
        FargateServiceProps {
            load_balancer_targets: vec![
                LoadBalancerTarget::new(&ip, "api", 80),
                LoadBalancerTarget::new(&ip, "web", 8080),
                LoadBalancerTarget::new(&instance, "web", 80),
            ],
            ..FargateServiceProps::new(&cluster, &t, vec!["subnet-1".into()], &[&sg])
        },
    );
    let err = synth_error(&app);
    for expected in [
        "Svc/App: [ecs-service-target] the task definition has no container named \"api\"",
        "Svc/App: [ecs-service-target] container \"web\" maps no TCP port 8080; add PortMapping::tcp(8080) to it",
        "Svc/App: [ecs-service-target] Fargate tasks use awsvpc networking and register by IP; use a target group with TargetType::Ip",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in {err}");
    }
}

#[test]
fn service_settings_are_checked_against_the_cluster_and_ecs_limits() {
    let app = App::new();
    let s = stack(&app);
    let cluster = Cluster::new(
        &s,
        "Cluster",
        ClusterProps {
            capacity_providers: vec![CapacityProvider::Fargate],
            ..ClusterProps::default()
        },
    );
    let t = task(&s, 256, 512);
    t.add_container("web", web(80));
    let sg = security_group(&s, "Sg");
    FargateService::new(
        &s,
        "App",
        FargateServiceProps {
            service_name: Some("bad name".into()),
            min_healthy_percent: 100,
            max_healthy_percent: 100,
            platform_version: Some("2.0".into()),
            capacity_provider_strategy: Some(vec![CapacityProviderStrategy::new(
                CapacityProvider::FargateSpot,
                1,
            )]),
            ..FargateServiceProps::new(&cluster, &t, vec![], &[&sg])
        },
    );
    let err = synth_error(&app);
    for expected in [
        "Svc/App: [ecs-service] service name \"bad name\" must be 1 to 255 letters",
        "Svc/App: [ecs-service] 0 subnet(s) given; a service takes 1 to 16",
        "Svc/App: [ecs-service] max_healthy_percent 100 must be at least 100 and above min_healthy_percent 100",
        "Svc/App: [ecs-service] platform version \"2.0\" is not LATEST nor a version such as 1.4.0",
        "Svc/App: [ecs-service] FARGATE_SPOT is in the strategy but not among the cluster's capacity providers",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in {err}");
    }
}

#[test]
fn cluster_strategies_allow_one_base_and_bounded_weights() {
    let app = App::new();
    let s = stack(&app);
    Cluster::new(
        &s,
        "Cluster",
        ClusterProps {
            cluster_name: Some("bird agent".into()),
            default_capacity_provider_strategy: vec![
                CapacityProviderStrategy {
                    base: 2,
                    ..CapacityProviderStrategy::new(CapacityProvider::Fargate, 2000)
                },
                CapacityProviderStrategy {
                    base: 1,
                    ..CapacityProviderStrategy::new(CapacityProvider::FargateSpot, 1)
                },
            ],
            ..ClusterProps::default()
        },
    );
    let err = synth_error(&app);
    for expected in [
        "Svc/Cluster: [ecs-cluster-name] cluster name \"bird agent\" is invalid",
        "Svc/Cluster: [ecs-capacity-provider-strategy] FARGATE weight 2000 is out of range; use 0 to 1000",
        "Svc/Cluster: [ecs-capacity-provider-strategy] only one capacity provider of a strategy may have a base",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in {err}");
    }
}

#[test]
fn scaling_limits_targets_and_order_are_checked() {
    let app = App::new();
    let s = stack(&app);
    let cluster = Cluster::new(&s, "Cluster", ClusterProps::default());
    let t = task(&s, 256, 512);
    t.add_container("web", web(80));
    let sg = security_group(&s, "Sg");
    let service = FargateService::new(
        &s,
        "App",
        FargateServiceProps::new(&cluster, &t, vec!["subnet-1".into()], &[&sg]),
    );
    let scaling = service.auto_scale_task_count(5, 2);
    scaling.scale_on_cpu_utilization("Cpu", TargetTracking::new(120.0));
    scaling.scale_on_memory_utilization(
        "Memory",
        TargetTracking {
            scale_in_cooldown: Some(Duration::from_millis(1500)),
            ..TargetTracking::new(80.0)
        },
    );
    let unattached = ApplicationTargetGroup::new(&s, "Tg", TargetGroupProps::new("vpc-1", 80));
    scaling.scale_on_request_count("Requests", &unattached, TargetTracking::new(500.0));
    scaling.scale_to_track_custom_metric(
        "Queue",
        CustomMetric::new("", "ApproximateNumberOfMessagesVisible"),
        TargetTracking::new(0.0),
    );
    let err = synth_error(&app);
    for expected in [
        "Svc/App/TaskCount/Target: [ecs-task-count-scaling] min capacity 5 is above max capacity 2",
        "Svc/App/TaskCount/Target/Cpu: [ecs-task-count-scaling] a utilisation target of 120% is above 100%",
        "Svc/App/TaskCount/Target/Memory: [ecs-task-count-scaling] the scale-in cooldown of 1.5s must be whole seconds",
        "Svc/App/TaskCount/Target/Requests: [ecs-task-count-scaling] request count scaling needs the target group attached to a listener first",
        "Svc/App/TaskCount/Target/Queue: [ecs-task-count-scaling] metric namespace \"\" must be 1 to 255 characters",
        "Svc/App/TaskCount/Target/Queue: [ecs-task-count-scaling] target value 0 must be a number above 0",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in {err}");
    }

    let app = App::new();
    let s = stack(&app);
    let cluster = Cluster::new(&s, "Cluster", ClusterProps::default());
    let t = task(&s, 256, 512);
    t.add_container("web", web(80));
    let sg = security_group(&s, "Sg");
    let service = FargateService::new(
        &s,
        "App",
        FargateServiceProps::new(&cluster, &t, vec!["subnet-1".into()], &[&sg]),
    );
    service.auto_scale_task_count(1, 2);
    service.auto_scale_task_count(1, 3);
    assert!(synth_error(&app).contains(
        "Svc/App: [ecs-service-scaling] task count autoscaling is already enabled for this service"
    ));
}
