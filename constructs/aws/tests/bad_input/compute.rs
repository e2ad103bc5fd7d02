//! Compute, integration and operations: ECS, load balancers, Lambda, EKS,
//! Step Functions, EventBridge, CloudWatch alarms and disaster recovery.

use std::time::Duration;

use strata::cloudwatch::{Alarm, AlarmProps, ComparisonOperator, Metric};
use strata::dr::{BucketProtection, MultiRegionDR, MultiRegionDRProps, Standby};
use strata::ec2::{SecurityGroup, SecurityGroupProps};
use strata::ecs::{
    ContainerImage, ContainerProps, FargateTaskDefinition, FargateTaskDefinitionProps, PortMapping,
};
use strata::eks::{Cluster, ClusterProps, NodegroupProps};
use strata::elbv2::{
    ApplicationListenerProps, ApplicationLoadBalancer, ApplicationLoadBalancerProps,
    ApplicationTargetGroup, ListenerAction, ListenerCondition, ListenerRuleProps, TargetGroupProps,
};
use strata::events::{Rule, RuleProps};
use strata::lambda::{Code, Function, FunctionProps, Runtime};
use strata::prelude::*;
use strata::s3::BucketProps;
use strata::stepfunctions::{Definition, StateMachine, StateMachineProps, Succeed, Task};

use super::{stack, stack_in, Case};

fn python(props: fn(FunctionProps) -> FunctionProps, app: &App) {
    let base = FunctionProps::new(
        Runtime::PYTHON_3_11,
        "index.handler",
        Code::inline("def handler(event, context):\n    return event\n"),
    );
    Function::new(&stack(app), "Tool", props(base));
}

fn fargate(app: &App, cpu: u32, memory: u32) {
    let task = FargateTaskDefinition::new(
        &stack(app),
        "Task",
        FargateTaskDefinitionProps::new(cpu, memory),
    );
    task.add_container(
        "web",
        ContainerProps {
            port_mappings: vec![PortMapping::tcp(80)],
            ..ContainerProps::new(ContainerImage::registry("nginx:1.27"))
        },
    );
}

fn dr(app: &App) -> (Scope, Scope) {
    let west = stack_in(app, "West", "123456789012", "us-west-2");
    let east = stack_in(app, "East", "123456789012", "us-east-1");
    (east, west)
}

fn dr_props(mode: Standby) -> MultiRegionDRProps {
    MultiRegionDRProps {
        mode,
        ..MultiRegionDRProps::new(
            "us-east-1",
            "us-west-2",
            Duration::from_secs(15 * 60),
            Duration::from_secs(5 * 60),
        )
    }
}

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "Fargate CPU that is not a Fargate size",
            path: "Bad/Task",
            expect: "cpu 300 is not a Fargate size",
            build: |app| fargate(app, 300, 1024),
        },
        Case {
            name: "Fargate memory outside the CPU's range",
            path: "Bad/Task",
            expect: "cpu 1024 with 16384 MiB is not a Fargate size",
            build: |app| fargate(app, 1024, 16384),
        },
        Case {
            name: "target group port 0",
            path: "Bad/Tg",
            expect: "port 0 is outside 1-65535",
            build: |app| {
                ApplicationTargetGroup::new(&stack(app), "Tg", TargetGroupProps::new("vpc-1", 0));
            },
        },
        Case {
            name: "two listener rules with one priority",
            path: "Bad/Alb/Http/HealthRule",
            expect: "priority 10 is already used by rule \"Api\" of this listener",
            build: |app| {
                let s = stack_in(app, "Bad", "123456789012", "us-east-1");
                let sg = SecurityGroup::new(
                    &s,
                    "AlbSg",
                    SecurityGroupProps {
                        vpc_id: "vpc-0123456789abcdef0".into(),
                        ..SecurityGroupProps::default()
                    },
                );
                let lb = ApplicationLoadBalancer::new(
                    &s,
                    "Alb",
                    ApplicationLoadBalancerProps::new(
                        vec!["subnet-0a".into(), "subnet-0b".into()],
                        &sg,
                    ),
                );
                let http = lb.add_listener(
                    "Http",
                    ApplicationListenerProps {
                        protocol: strata::elbv2::ApplicationProtocol::Http,
                        port: Some(80),
                        ..ApplicationListenerProps::new(ListenerAction::fixed_response(404, None))
                    },
                );
                for (id, path) in [("Api", "/api/*"), ("Health", "/health")] {
                    http.add_rule(
                        id,
                        ListenerRuleProps::new(
                            10,
                            vec![ListenerCondition::path_patterns([path])],
                            ListenerAction::fixed_response(200, None),
                        ),
                    );
                }
            },
        },
        Case {
            name: "Lambda timeout over 15 minutes",
            path: "Bad/Tool",
            expect: "a timeout of 901s is out of range",
            build: |app| {
                python(
                    |p| FunctionProps {
                        timeout: Duration::from_secs(901),
                        ..p
                    },
                    app,
                )
            },
        },
        Case {
            name: "Lambda memory under 128 MB",
            path: "Bad/Tool",
            expect: "memory_size 64 MB is out of range",
            build: |app| {
                python(
                    |p| FunctionProps {
                        memory_size: 64,
                        ..p
                    },
                    app,
                )
            },
        },
        Case {
            name: "Lambda runtime that does not exist",
            path: "Bad/Tool",
            expect: "\"python4.0\" is not a Lambda runtime",
            build: |app| {
                python(
                    |p| FunctionProps {
                        runtime: Runtime::named("python4.0"),
                        ..p
                    },
                    app,
                )
            },
        },
        Case {
            name: "EKS node group desired size above max",
            path: "Bad/Cluster/NodegroupNg",
            expect: "the scaling 2/12/10 (min/desired/max) is invalid",
            build: |app| {
                let c = Cluster::new(
                    &stack(app),
                    "Cluster",
                    ClusterProps::new("1.31", vec!["subnet-0a".into(), "subnet-0b".into()]),
                );
                c.add_nodegroup(
                    "Ng",
                    NodegroupProps {
                        desired_size: Some(12),
                        ..NodegroupProps::new(&["r6i.2xlarge"], 2, 10)
                    },
                );
            },
        },
        Case {
            name: "Step Functions transition to an undefined state",
            path: "Bad/Machine",
            expect: "state \"Classify\" goes to \"Analyse\", which is not defined",
            build: |app| {
                let definition = Definition::new("Classify")
                    .state(
                        "Classify",
                        Task::lambda(Fn::sub(
                            "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:classify",
                        ))
                        .next("Analyse"),
                    )
                    .state("Analyze", Succeed::new());
                StateMachine::new(&stack(app), "Machine", StateMachineProps::new(definition));
            },
        },
        Case {
            name: "EventBridge rule with neither pattern nor schedule",
            path: "Bad/Nothing",
            expect: "a rule needs an event pattern or a schedule",
            build: |app| {
                Rule::new(&stack(app), "Nothing", RuleProps::default());
            },
        },
        Case {
            name: "CloudWatch alarm over zero periods",
            path: "Bad/Alarm",
            expect: "evaluation_periods is 0",
            build: |app| {
                Alarm::new(
                    &stack(app),
                    "Alarm",
                    AlarmProps::new(
                        Metric::new("AWS/ApiGateway", "5XXError"),
                        ComparisonOperator::GreaterThanThreshold,
                        1.0,
                        0,
                    ),
                );
            },
        },
        Case {
            name: "DR pilot light that cannot meet a 15-minute RTO",
            path: "East/Dr",
            expect: "an RTO of 15m cannot be met by a pilot light",
            build: |app| {
                let (east, west) = dr(app);
                MultiRegionDR::new(&east, &west, "Dr", dr_props(Standby::PilotLight));
            },
        },
        Case {
            name: "DR bucket that cannot meet a 5-minute RPO",
            path: "East/Dr/Media",
            expect: "an RPO of 5m cannot be met",
            build: |app| {
                let (east, west) = dr(app);
                let dr = MultiRegionDR::new(
                    &east,
                    &west,
                    "Dr",
                    dr_props(Standby::WarmStandby { min_capacity: 2 }),
                );
                dr.protect_bucket("Media", BucketProtection::new(BucketProps::default()));
            },
        },
    ]
}
