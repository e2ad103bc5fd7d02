//! Deploys the app's moto-supported subset, in each environment, to a
//! local moto server through change sets, checks it and destroys it (see
//! "Local deploy (moto)" in the README). Skipped, with a message, where
//! moto is not installed; a failure where `STRATA_MOTO_SERVER` is set.

use strata_deploy::moto::{self, Server};
use strata_deploy::subset::TypeSet;
use strata_deploy::StackParameter;

#[test]
fn each_environment_deploys_its_moto_subset_and_is_destroyed() {
    let Some(server) = Server::start(env!("CARGO_MANIFEST_DIR")).expect("moto starts") else {
        return;
    };
    // Stacks that pass values between regions need the account: moto's.
    std::env::set_var("CDK_DEFAULT_ACCOUNT", moto::ACCOUNT);
    // The stacks ask who may reach the public subnets over SSH, the load
    // balancer's certificate and the name on it; moto checks none of them.
    let parameters: Vec<StackParameter> = [
        "BirdStack:ManagementCidr=10.0.0.0/16",
        "BirdCompute:CertificateArn=arn:aws:acm:us-east-1:123456789012:certificate/moto",
        "BirdEdge:BackendHostName=agent-alb.internal.example.com",
    ]
    .iter()
    .map(|p| p.parse().expect("valid"))
    .collect();
    for env in ["dev", "prod"] {
        server.reset().expect("a fresh moto");
        let app = bird_agent::app_for(env);
        let label = format!("bird-agent {env}");
        let report = moto::synth_and_deploy(&app, &label, &TypeSet::moto(), &parameters)
            .unwrap_or_else(|e| panic!("{label}: {e:#}"));
        println!("{report}");
    }
}
