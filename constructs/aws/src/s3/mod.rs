//! S3: buckets that are encrypted, private and TLS-only by default, with
//! lifecycle rules checked against S3's storage-class waterfall, Object
//! Lock, replication, access logs and grants.

mod bucket;
mod lifecycle;

pub use bucket::{Bucket, BucketEncryption, BucketProps, ObjectLock, ObjectLockMode, Replication};
pub use lifecycle::{IntelligentTiering, LifecycleRule, StorageClass};
