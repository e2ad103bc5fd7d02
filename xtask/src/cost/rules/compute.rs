//! Compute and networking: EKS, EC2 instances and Auto Scaling groups,
//! NAT gateways, public IPv4, VPC endpoints, ECS on Fargate, load
//! balancers, Lambda and Step Functions.

use serde_json::Value;

use super::Rule;
use crate::cost::estimate::{fmt_price, fmt_qty, Charge, Ctx, Outcome};

/// EKS: the control plane hour.
pub fn eks_cluster(c: &Ctx) -> Rule {
    let (price, _) = c.price("eks.cluster_hour")?;
    Ok(Outcome::Priced(
        vec![c.hourly(1.0, "EKS control plane", price)],
        None,
    ))
}

/// The first instance type of a literal list, and how many there are.
fn first_type(c: &Ctx, list: &Value, key: &str) -> Result<Option<(String, usize)>, String> {
    match c.resolve(list) {
        Value::Null => Ok(None),
        Value::Array(types) if !types.is_empty() => {
            let first = types[0]
                .as_str()
                .ok_or_else(|| format!("{key} is not a literal list"))?;
            Ok(Some((first.to_string(), types.len())))
        }
        _ => Err(format!("{key} is not a literal list")),
    }
}

/// Instances of `ty` that run `desired` (up to `max`) at a time, each with
/// `disk_gb` of gp3; SPOT at the on-demand price less the discount.
fn fleet(c: &Ctx, ty: &str, label: &str, spot: bool, desired: f64, max: f64, disk_gb: f64) -> Rule {
    let on_demand = c.instance("ec2", ty)?;
    let (hourly, label) = if spot {
        let d = c.spot_discount();
        let label = format!(
            "{label} SPOT (on-demand ${} less {}%)",
            fmt_price(on_demand),
            fmt_qty(d * 100.0)
        );
        (on_demand * (1.0 - d), label)
    } else {
        (on_demand, label.to_string())
    };
    let mut charges = vec![c.hourly(desired, &label, hourly)];
    let (gb_price, _) = c.price("ec2.ebs_gp3_gb_month")?;
    if disk_gb > 0.0 {
        charges.push(c.charge(
            &format!(
                "GB-month node volumes ({} × {} GB gp3)",
                fmt_qty(desired),
                fmt_qty(disk_gb)
            ),
            desired * disk_gb,
            "ec2.ebs_gp3_gb_month",
            false,
        )?);
    }
    let per_node = hourly * c.hours() + disk_gb * gb_price;
    Ok(Outcome::Priced(charges, Some(per_node * max)))
}

/// EKS managed node group: DesiredSize × instance type (first of
/// InstanceTypes, `t3.medium` when none, as EKS does), SPOT discounted,
/// plus the node volumes (DiskSize, 20 GB by default); at max: MaxSize.
pub fn eks_nodegroup(c: &Ctx, p: &Value) -> Rule {
    let launch_template = !p["LaunchTemplate"].is_null();
    let (ty, n_types) = match first_type(c, &p["InstanceTypes"], "InstanceTypes")? {
        Some(t) => t,
        None if launch_template => {
            return Err("the instance type comes from a launch template; name InstanceTypes".into())
        }
        None => ("t3.medium".to_string(), 1),
    };
    let sc = &p["ScalingConfig"];
    let desired = match c.num_of(sc, "DesiredSize")? {
        Some(d) => d,
        None => c.num_of(sc, "MinSize")?.unwrap_or(2.0),
    };
    let max = c.num_of(sc, "MaxSize")?.unwrap_or(desired).max(desired);
    let spot = c.str_of(p, "CapacityType")?.as_deref() == Some("SPOT");
    // A launch template's block devices are not read; without one EKS
    // gives each node DiskSize GB (20 by default).
    let disk = if launch_template {
        0.0
    } else {
        c.num_of(p, "DiskSize")?.unwrap_or(20.0)
    };
    let label = if n_types > 1 {
        format!("{ty} (first of {n_types} types)")
    } else {
        ty.clone()
    };
    fleet(c, &ty, &label, spot, desired, max, disk)
}

/// Auto Scaling group: DesiredCapacity (else MinSize) × the instance type of
/// its launch template or launch configuration; at max: MaxSize.
pub fn auto_scaling_group(c: &Ctx, p: &Value) -> Rule {
    let ty = if let Some((_, lt)) = c.referenced(&p["LaunchTemplate"]["LaunchTemplateId"]) {
        c.str_of(&lt["LaunchTemplateData"], "InstanceType")?
    } else if let Some((_, lc)) = c.referenced(&p["LaunchConfigurationName"]) {
        c.str_of(lc, "InstanceType")?
    } else {
        None
    };
    let ty = ty.ok_or("no instance type in a launch template or configuration of this template")?;
    let desired = match c.num_of(p, "DesiredCapacity")? {
        Some(d) => d,
        None => c.num_of(p, "MinSize")?.unwrap_or(0.0),
    };
    let max = c.num_of(p, "MaxSize")?.unwrap_or(desired).max(desired);
    fleet(c, &ty, &ty, false, desired, max, 0.0)
}

/// EC2 instance: its type for the month, its EBS volumes, and detailed
/// monitoring when on.
pub fn ec2_instance(c: &Ctx, p: &Value) -> Rule {
    let ty = c
        .str_of(p, "InstanceType")?
        .ok_or("no InstanceType (the default m1.small is not in the table)")?;
    let mut charges = vec![c.instance_hours(1.0, "ec2", &ty)?];
    let mut volumes = 0;
    for mapping in p["BlockDeviceMappings"].as_array().into_iter().flatten() {
        let ebs = &mapping["Ebs"];
        let Some(size) = c.num_of(ebs, "VolumeSize")? else {
            continue;
        };
        let kind = c.str_of(ebs, "VolumeType")?.unwrap_or_else(|| "gp2".into());
        let key = match kind.as_str() {
            "gp3" => "ec2.ebs_gp3_gb_month",
            "gp2" => "ec2.ebs_gp2_gb_month",
            other => {
                return Err(format!(
                    "EBS volume type {other} is not in the pricing table"
                ))
            }
        };
        charges.push(c.charge(&format!("GB-month {kind} volume"), size, key, false)?);
        volumes += 1;
    }
    if volumes == 0 {
        charges.push(c.charge(
            "GB-month gp2 root volume (AMI default size)",
            8.0,
            "ec2.ebs_gp2_gb_month",
            true,
        )?);
    }
    if c.flag(p, "Monitoring") {
        charges.push(c.charge(
            "instance-month of detailed monitoring",
            1.0,
            "ec2.detailed_monitoring_instance_month",
            false,
        )?);
    }
    Ok(Outcome::Priced(charges, None))
}

/// NAT gateway: the hour and the data processed.
pub fn nat_gateway(c: &Ctx) -> Rule {
    let (price, _) = c.price("ec2.nat_gateway_hour")?;
    Ok(Outcome::Priced(
        vec![
            c.hourly(1.0, "NAT gateway", price),
            c.assumed("GB processed", "nat_gb_per_gateway", "ec2.nat_gateway_gb")?,
        ],
        None,
    ))
}

/// Elastic IP: the public IPv4 address hour.
pub fn eip(c: &Ctx) -> Rule {
    let (price, _) = c.price("ec2.public_ipv4_hour")?;
    Ok(Outcome::Priced(
        vec![c.hourly(1.0, "public IPv4 address", price)],
        None,
    ))
}

/// VPC endpoint: gateway endpoints are free; interface endpoints cost an
/// hour per AZ (one per subnet) and the data processed.
pub fn vpc_endpoint(c: &Ctx, p: &Value) -> Rule {
    match c.str_of(p, "VpcEndpointType")?.as_deref() {
        None | Some("Gateway") => return Ok(Outcome::Free),
        Some("Interface") => {}
        Some(other) => return Err(format!("{other} endpoints are not in the pricing table")),
    }
    let azs = match c.resolve(&p["SubnetIds"]) {
        Value::Array(subnets) => subnets.len() as f64,
        _ => return Err("SubnetIds is not a literal list, so the number of AZs is unknown".into()),
    };
    let (price, _) = c.price("ec2.interface_endpoint_az_hour")?;
    Ok(Outcome::Priced(
        vec![
            c.hourly(azs, "endpoint AZ", price),
            c.assumed(
                "GB processed",
                "endpoint_gb_per_endpoint",
                "ec2.interface_endpoint_gb",
            )?,
        ],
        None,
    ))
}

/// ECS service on Fargate: DesiredCount × the task definition's vCPU and
/// memory for the month (ARM64 and FARGATE_SPOT priced as such). A service
/// on EC2 capacity has no cost of its own (its instances are priced).
pub fn ecs_service(c: &Ctx, p: &Value) -> Rule {
    let launch = c.str_of(p, "LaunchType")?;
    let providers: Vec<String> = p["CapacityProviderStrategy"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["CapacityProvider"].as_str().map(str::to_string))
        .collect();
    let fargate = launch.as_deref() == Some("FARGATE")
        || (!providers.is_empty() && providers.iter().all(|p| p.starts_with("FARGATE")));
    if !fargate {
        if launch.is_some() || !providers.is_empty() {
            return Ok(Outcome::Free);
        }
        return Err(
            "no LaunchType or CapacityProviderStrategy: the cluster's default decides".into(),
        );
    }
    let spot = !providers.is_empty() && providers.iter().all(|p| p == "FARGATE_SPOT");
    let Some(("AWS::ECS::TaskDefinition", task)) = c.referenced(&p["TaskDefinition"]) else {
        return Err("the task definition is not a resource of this template".into());
    };
    let cpu = c
        .num_of(task, "Cpu")?
        .ok_or("the task definition has no task-level Cpu")?;
    let memory = c
        .num_of(task, "Memory")?
        .ok_or("the task definition has no task-level Memory")?;
    let arm = c
        .str_of(&task["RuntimePlatform"], "CpuArchitecture")?
        .as_deref()
        == Some("ARM64");
    let count = c.num_of(p, "DesiredCount")?.unwrap_or(1.0);
    let (vcpu, gb) = (cpu / 1024.0, memory / 1024.0);
    let h = c.hours();
    let (vcpu_key, gb_key) = if arm {
        ("fargate.arm_vcpu_hour", "fargate.arm_gb_hour")
    } else {
        ("fargate.vcpu_hour", "fargate.gb_hour")
    };
    let mut charges = vec![
        c.charge(
            &format!(
                "vCPU-hours ({} tasks × {} vCPU × {} h)",
                fmt_qty(count),
                fmt_qty(vcpu),
                fmt_qty(h)
            ),
            count * vcpu * h,
            vcpu_key,
            false,
        )?,
        c.charge(
            &format!(
                "GB-hours ({} tasks × {} GB × {} h)",
                fmt_qty(count),
                fmt_qty(gb),
                fmt_qty(h)
            ),
            count * gb * h,
            gb_key,
            false,
        )?,
    ];
    if spot {
        let d = c.spot_discount();
        for ch in &mut charges {
            ch.usd *= 1.0 - d;
            ch.what = format!("{}, FARGATE_SPOT less {}%", ch.what, fmt_qty(d * 100.0));
        }
    }
    Ok(Outcome::Priced(charges, None))
}

/// Load balancer: the hour by type and the assumed capacity units.
pub fn load_balancer(c: &Ctx, p: &Value) -> Rule {
    let kind = c.str_of(p, "Type")?.unwrap_or_else(|| "application".into());
    let (hour_key, lcu_key, label) = match kind.as_str() {
        "application" => (
            "elb.alb_hour",
            "elb.alb_lcu_hour",
            "Application Load Balancer",
        ),
        "network" => ("elb.nlb_hour", "elb.nlb_lcu_hour", "Network Load Balancer"),
        "gateway" => (
            "elb.gwlb_hour",
            "elb.gwlb_lcu_hour",
            "Gateway Load Balancer",
        ),
        other => {
            return Err(format!(
                "load balancer type {other} is not in the pricing table"
            ))
        }
    };
    let (price, _) = c.price(hour_key)?;
    let lcu = c.usage("lb_lcu")?;
    let h = c.hours();
    Ok(Outcome::Priced(
        vec![
            c.hourly(1.0, label, price),
            c.charge(
                &format!(
                    "capacity-unit-hours ({} average × {} h)",
                    fmt_qty(lcu),
                    fmt_qty(h)
                ),
                lcu * h,
                lcu_key,
                true,
            )?,
        ],
        None,
    ))
}

/// A function's memory in GB and whether it runs on arm64.
fn function_shape(c: &Ctx, f: &Value) -> Result<(f64, bool), String> {
    let mb = c.num_of(f, "MemorySize")?.unwrap_or(128.0);
    let arm = c.resolve(&f["Architectures"])[0].as_str() == Some("arm64");
    Ok((mb / 1024.0, arm))
}

/// X-Ray traces of `million_requests` at the sampled fraction.
fn traces(c: &Ctx, million_requests: f64) -> Result<Charge, String> {
    let fraction = c.usage("xray_sampled_fraction")?;
    c.charge(
        &format!(
            "million traces ({} M requests × {} sampled)",
            fmt_qty(million_requests),
            fmt_qty(fraction)
        ),
        million_requests * fraction,
        "xray.traces_million",
        true,
    )
}

/// Lambda function: assumed invocations and duration at its MemorySize
/// and architecture; X-Ray traces when tracing is active.
pub fn lambda_function(c: &Ctx, p: &Value) -> Rule {
    let (gb, arm) = function_shape(c, p)?;
    let million = c.usage("lambda_million_invocations_per_function")?;
    let ms = c.usage("lambda_avg_duration_ms")?;
    let mut charges =
        vec![c.charge("million requests", million, "lambda.requests_million", true)?];
    charges.push(c.charge(
        &format!(
            "GB-seconds ({} M × {} ms × {} GB)",
            fmt_qty(million),
            fmt_qty(ms),
            fmt_qty(gb)
        ),
        million * 1e6 * ms / 1000.0 * gb,
        if arm {
            "lambda.arm_gb_second"
        } else {
            "lambda.gb_second"
        },
        true,
    )?);
    if c.str_of(&p["TracingConfig"], "Mode")?.as_deref() == Some("Active") {
        charges.push(traces(c, million)?);
    }
    Ok(Outcome::Priced(charges, None))
}

/// Lambda alias or version: free unless it keeps provisioned concurrency,
/// billed for every second at the function's memory.
pub fn lambda_provisioned(c: &Ctx, p: &Value) -> Rule {
    let Some(n) = c.num_of(
        &p["ProvisionedConcurrencyConfig"],
        "ProvisionedConcurrentExecutions",
    )?
    else {
        return Ok(Outcome::Free);
    };
    let mut function = c.referenced(&p["FunctionName"]);
    if let Some(("AWS::Lambda::Version", version)) = function {
        function = c.referenced(&version["FunctionName"]);
    }
    let Some(("AWS::Lambda::Function", f)) = function else {
        return Err("provisioned concurrency of a function outside this template".into());
    };
    let (gb, arm) = function_shape(c, f)?;
    let seconds = c.hours() * 3600.0;
    Ok(Outcome::Priced(
        vec![c.charge(
            &format!(
                "GB-seconds provisioned ({} × {} GB × {} h)",
                fmt_qty(n),
                fmt_qty(gb),
                fmt_qty(c.hours())
            ),
            n * gb * seconds,
            if arm {
                "lambda.arm_provisioned_gb_second"
            } else {
                "lambda.provisioned_gb_second"
            },
            false,
        )?],
        None,
    ))
}

/// Step Functions: Standard by assumed transitions; Express by assumed
/// executions and duration at 64 MB, with X-Ray traces when tracing is on.
pub fn state_machine(c: &Ctx, p: &Value) -> Rule {
    let kind = c
        .str_of(p, "StateMachineType")?
        .unwrap_or_else(|| "STANDARD".into());
    if kind != "EXPRESS" {
        return Ok(Outcome::Priced(
            vec![c.assumed(
                "thousand state transitions",
                "sfn_thousand_transitions_per_standard",
                "stepfunctions.transitions_thousand",
            )?],
            None,
        ));
    }
    let million = c.usage("sfn_million_requests_per_express")?;
    let ms = c.usage("sfn_express_avg_duration_ms")?;
    let mut charges = vec![
        c.charge(
            "million executions",
            million,
            "stepfunctions.express_requests_million",
            true,
        )?,
        c.charge(
            &format!(
                "GB-seconds ({} M × {} ms × 64 MB)",
                fmt_qty(million),
                fmt_qty(ms)
            ),
            million * 1e6 * ms / 1000.0 * 0.0625,
            "stepfunctions.express_gb_second",
            true,
        )?,
    ];
    if c.flag(&p["TracingConfiguration"], "Enabled") {
        charges.push(traces(c, million)?);
    }
    Ok(Outcome::Priced(charges, None))
}
