//! Deploys the app's moto-supported subset, in each environment, to a
//! local moto server through change sets, checks it and destroys it (see
//! "Local deploy (moto)" in the README). Skipped, with a message, where
//! moto is not installed; a failure where `STRATA_MOTO_SERVER` is set.

use strata_deploy::moto::{self, Server};
use strata_deploy::subset::TypeSet;

#[test]
fn each_environment_deploys_its_moto_subset_and_is_destroyed() {
    let Some(server) = Server::start(env!("CARGO_MANIFEST_DIR")).expect("moto starts") else {
        return;
    };
    // Stacks that pass values between regions need the account: moto's.
    std::env::set_var("CDK_DEFAULT_ACCOUNT", moto::ACCOUNT);
    for env in ["dev", "prod"] {
        server.reset().expect("a fresh moto");
        let app = threat_agent::app_for(env);
        let label = format!("threat-agent {env}");
        let report = moto::synth_and_deploy(&app, &label, &TypeSet::moto(), &[])
            .unwrap_or_else(|e| panic!("{label}: {e:#}"));
        println!("{report}");
    }
}
