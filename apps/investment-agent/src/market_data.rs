//! Seed "Amazon Timestream": the market data database, time-series data
//! for real-time market information, kept 24 hours in the memory store and
//! 7 days in the magnetic store, encrypted at rest with the Timestream key
//! (Timestream encrypts in transit always; its endpoints are TLS only, and
//! it compresses stored data by itself).
//!
//! Timestream for LiveAnalytics is closed to new customers: accounts that
//! have not used it before cannot create these resources. The
//! `strata::timestream` constructs keep cfn-lint's W3697 warning about
//! that suppressed in each resource's metadata, and this app keeps that
//! suppression: the seed chooses this service, and an account that already
//! uses Timestream deploys it as written.

use strata::kms::Key;
use strata::prelude::*;
use strata::timestream::{Database, DatabaseProps, Table, TableProps};

use crate::config::Config;

/// Seed "Memory Retention: 24 hours".
pub const MEMORY_RETENTION_HOURS: u32 = 24;
/// Seed "Magnetic Retention: 7 days".
pub const MAGNETIC_RETENTION_DAYS: u32 = 7;

/// The market data database and its quotes table.
#[derive(Clone)]
pub struct MarketData {
    /// The database.
    pub database: Database,
    /// Prices and volumes by instrument.
    pub quotes: Table,
}

/// Builds the database `<prefix>-market-data` with its `quotes` table.
pub fn build(stack: &Scope, config: &Config, key: &Key) -> MarketData {
    let database = Database::new(
        stack,
        "MarketDataDatabase",
        DatabaseProps {
            database_name: Some(format!("{}-market-data", config.prefix())),
            kms_key_id: Some(key.key_arn()),
            ..Default::default()
        },
    );
    let quotes = database.add_table(
        "QuotesTable",
        TableProps {
            table_name: Some("quotes".into()),
            ..TableProps::new(MEMORY_RETENTION_HOURS, MAGNETIC_RETENTION_DAYS)
        },
    );
    MarketData { database, quotes }
}
