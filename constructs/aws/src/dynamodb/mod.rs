//! DynamoDB: tables with keys, indexes, billing and autoscaling, streams,
//! TTL, point-in-time recovery and encryption.

mod check;
mod global_table;
mod keys;
mod scaling;
mod table;

pub use check::KeySchemaCheck;
pub use global_table::{GlobalTable, GlobalTableProps};
pub use keys::{Attribute, AttributeType, GlobalSecondaryIndex, LocalSecondaryIndex, Projection};
pub use scaling::Scaling;
pub use table::{Billing, StreamView, Table, TableEncryption, TableProps};
