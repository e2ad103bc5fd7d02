//! A synthetic app for the scale benchmark (`cargo xtask bench --only scale`):
//! `--stacks N` stacks of `--resources M` resources each, of mixed types
//! (VPC, subnets, security groups, buckets, tables, queues, topics, log
//! groups, roles with policies, functions), with `Ref`/`Fn::GetAtt` between
//! resources of a stack and values taken from the previous stack, so
//! cross-stack outputs, parameters and dependencies are exercised. Every
//! resource goes through the full validation of synth.
//!
//! ```text
//! cargo run --release -p strata --example scale -- --stacks 100 --resources 500
//! ```
//!
//! It writes the cloud assembly to `CDK_OUTDIR` (default `cdk.out`).

use std::process::ExitCode;

use strata::dynamodb::{Attribute, Table, TableProps};
use strata::iam::{PolicyStatement, Principal, Role, RoleProps};
use strata::lambda::{Code, Function, FunctionProps, Runtime};
use strata::logs::{LogGroup, LogGroupProps};
use strata::prelude::*;
use strata::s3::{Bucket, BucketProps};
use strata::sns::{Topic, TopicProps};
use strata::sqs::{Queue, QueueProps};

/// The most resources one block of [`block`] adds.
const BLOCK_MAX: usize = 16;

/// What a stack hands to the next one.
struct Exports {
    vpc_id: Value<String>,
    bucket_arn: Value<String>,
    topic_arn: Value<String>,
}

/// Counts the resources under `scope`.
fn resources(scope: &Scope) -> usize {
    scope
        .children()
        .iter()
        .map(|c| usize::from(c.resource_type().is_some()) + resources(c))
        .sum()
}

/// Adds one block of mixed resources numbered `b`, referring to `vpc`,
/// `group` and to what the previous stack exported; returns the block's
/// scope and what the next stack may take from it.
fn block(
    stack: &Scope,
    b: usize,
    vpc: &cfn::ec2::VpcRef,
    group: &cfn::ec2::SecurityGroupRef,
    previous: Option<&Exports>,
) -> (Scope, Exports) {
    let s = stack.child(&format!("Block{b}"));
    let subnet = s.resource(
        "Subnet",
        cfn::ec2::Subnet {
            cidr_block: Some(format!("10.0.{}.0/24", b % 256).into()),
            ..cfn::ec2::Subnet::new(vpc.ref_())
        },
    );
    let mut ingress = cfn::ec2::SecurityGroupIngress::new("tcp");
    ingress.group_id = Some(group.get_att("GroupId"));
    ingress.source_security_group_id = Some(group.get_att("GroupId"));
    ingress.from_port = Some((1024 + b as i64).into());
    ingress.to_port = Some((1024 + b as i64).into());
    s.resource("Ingress", ingress);
    let bucket = Bucket::new(&s, "Bucket", BucketProps::default());
    let table = Table::new(&s, "Table", TableProps::new(Attribute::string("pk")));
    let queue = Queue::new(&s, "Queue", QueueProps::default());
    let topic = Topic::new(&s, "Topic", TopicProps::default());
    let logs = LogGroup::new(&s, "Logs", LogGroupProps::default());
    let role = Role::new(
        &s,
        "Role",
        RoleProps::new(Principal::service("ec2.amazonaws.com")),
    );
    bucket.grant_read_write(&role);
    table.grant_read_write_data(&role);
    queue.grant_send_messages(&role);
    topic.grant_publish(&role);
    logs.grant_write(&role);
    if let Some(p) = previous {
        // Values of the previous stack: outputs there, parameters here.
        role.add_to_policy(
            PolicyStatement::allow()
                .action("sns:Publish")
                .action("s3:GetObject")
                .resource(p.topic_arn.clone())
                .resource(Fn::join("", [p.bucket_arn.clone(), "/*".into()])),
        );
        let mut peer = cfn::ec2::SecurityGroup::new(format!("peer group of block {b}"));
        peer.vpc_id = Some(p.vpc_id.clone());
        s.resource("PeerGroup", peer);
    }
    let mut env = Map::new();
    env.insert("SUBNET".into(), subnet.ref_());
    env.insert("QUEUE_URL".into(), queue.queue_url());
    env.insert("TABLE".into(), table.table_name());
    Function::new(
        &s,
        "Handler",
        FunctionProps {
            environment: env,
            ..FunctionProps::new(
                Runtime::PYTHON_3_12,
                "index.handler",
                Code::inline("def handler(event, context):\n    return event\n"),
            )
        },
    );
    let exports = Exports {
        vpc_id: vpc.ref_(),
        bucket_arn: bucket.bucket_arn(),
        topic_arn: topic.topic_arn(),
    };
    (s, exports)
}

/// Adds stack `i` with `count` resources; returns the values the next
/// stack takes.
fn stack(app: &App, i: usize, count: usize, previous: Option<&Exports>) -> Exports {
    let stack = app.stack(
        &format!("Scale{i}"),
        StackProps {
            env: Environment::new("123456789012", "us-east-1"),
            description: Some(format!("Synthetic scale stack {i}")),
            ..Default::default()
        },
    );
    let vpc = stack.resource(
        "Vpc",
        cfn::ec2::Vpc {
            cidr_block: Some("10.0.0.0/16".into()),
            ..Default::default()
        },
    );
    let mut group = cfn::ec2::SecurityGroup::new("shared group");
    group.vpc_id = Some(vpc.ref_());
    let group = stack.resource("Group", group);
    // `count` leaves room for at least one block (see `main`).
    let (first, exports) = block(&stack, 0, &vpc, &group, previous);
    let mut have = 2 + resources(&first);
    let mut b = 1;
    while have + BLOCK_MAX <= count {
        let (scope, _) = block(&stack, b, &vpc, &group, previous);
        have += resources(&scope);
        b += 1;
    }
    // Fill up with queues and topics, each tagged with the VPC it serves.
    let mut f = 0;
    while have < count {
        let tag = cfn::sqs::queue::Tag::new("vpc", vpc.ref_());
        if f % 2 == 0 {
            let mut q = cfn::sqs::Queue::new();
            q.message_retention_period = Some(86_400.into());
            q.tags = Some(vec![tag.into()].into());
            stack.resource(&format!("FillerQueue{f}"), q);
        } else {
            let mut t = cfn::sns::Topic::new();
            t.display_name = Some(format!("filler {f}").into());
            stack.resource(&format!("FillerTopic{f}"), t);
        }
        f += 1;
        have += 1;
    }
    exports
}

fn arg(name: &str, default: usize) -> Result<usize, String> {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a == name) {
        None => Ok(default),
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("{name} takes a positive number")),
    }
}

fn main() -> ExitCode {
    let (stacks, count) = match (arg("--stacks", 100), arg("--resources", 500)) {
        (Ok(s), Ok(r)) if s > 0 && r >= BLOCK_MAX + 2 => (s, r),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
        _ => {
            eprintln!(
                "--stacks must be at least 1 and --resources at least {}",
                BLOCK_MAX + 2
            );
            return ExitCode::FAILURE;
        }
    };
    let app = App::new();
    let mut previous = None;
    for i in 0..stacks {
        previous = Some(stack(&app, i, count, previous.as_ref()));
    }
    app.run_to_exit()
}
