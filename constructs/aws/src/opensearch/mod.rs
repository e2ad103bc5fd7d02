//! OpenSearch Service: a domain with data and dedicated master nodes, gp3
//! storage, zone awareness, VPC placement, encryption at rest and between
//! nodes, HTTPS only, fine-grained access control, an access policy and log
//! publishing, checked at synth against what OpenSearch rejects.

mod check;
mod domain;

pub use domain::{
    domain_arn_for, Domain, DomainLogs, DomainProps, DomainVpc, FineGrainedAccess, Gp3Volume,
    NodeGroup, TlsSecurityPolicy,
};
