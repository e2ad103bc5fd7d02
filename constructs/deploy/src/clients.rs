//! AWS clients per region, created once per run, and the check that the
//! credentials belong to the account a stack targets.

use std::collections::HashMap;

use anyhow::{bail, Result};
use aws_config::{BehaviorVersion, Region};
use aws_sdk_cloudformation::Client;

use crate::assembly::StackArtifact;
use crate::assets;

/// The clients of one region.
#[derive(Clone)]
pub(crate) struct Aws {
    pub(crate) cfn: Client,
    pub(crate) s3: aws_sdk_s3::Client,
    pub(crate) sts: aws_sdk_sts::Client,
    pub(crate) region: String,
}

/// Clients, one set per region, and the account the credentials belong to.
pub(crate) struct Clients(HashMap<Option<String>, Aws>, Option<String>);

impl Clients {
    pub(crate) fn new() -> Self {
        Clients(HashMap::new(), None)
    }

    /// The clients for the stack's region, after checking that the
    /// credentials belong to the account in the stack's environment.
    pub(crate) async fn get(&mut self, s: &StackArtifact) -> Result<Aws> {
        let aws = self.clients(s).await?;
        if let Some(expected) = &s.account {
            let caller = match &self.1 {
                Some(a) => a.clone(),
                None => {
                    let a = assets::caller_account(&aws.sts).await?;
                    self.1 = Some(a.clone());
                    a
                }
            };
            if &caller != expected {
                bail!(
                    "stack {} targets account {expected} ({}), but the credentials in use belong to account {caller}; \
                     switch credentials (AWS_PROFILE) to that account, or change the stack's environment",
                    s.id,
                    s.environment
                );
            }
        }
        Ok(aws)
    }

    pub(crate) async fn clients(&mut self, s: &StackArtifact) -> Result<Aws> {
        if let Some(c) = self.0.get(&s.region) {
            return Ok(c.clone());
        }
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if let Some(r) = &s.region {
            loader = loader.region(Region::new(r.clone()));
        }
        let conf = loader.load().await;
        let Some(region) = conf.region().map(|r| r.to_string()) else {
            bail!(
                "stack {} has no region in its environment ({}) and none is configured; \
                 set AWS_REGION (or a region in your AWS profile), or give the stack an environment",
                s.id,
                s.environment
            );
        };
        // A custom endpoint (a local emulator) cannot resolve bucket subdomains.
        let s3_conf = aws_sdk_s3::config::Builder::from(&conf)
            .force_path_style(conf.endpoint_url().is_some())
            .build();
        let aws = Aws {
            cfn: Client::new(&conf),
            s3: aws_sdk_s3::Client::from_conf(s3_conf),
            sts: aws_sdk_sts::Client::new(&conf),
            region,
        };
        self.0.insert(s.region.clone(), aws.clone());
        Ok(aws)
    }
}
