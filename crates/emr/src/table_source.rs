//! What a cluster asks of DynamoDB to read a live table: one `Scan` page at a time.
//!
//! The EMR engine does not own DynamoDB. A job whose input is a live table
//! ([`crate::mapreduce::TableInput::live`]) reads it while its map tasks run, as the EMR
//! DynamoDB connector does: each map attempt sends parallel `Scan` requests for the
//! segments the connector's plan gave its split (`Segment`/`TotalSegments`), a page at a
//! time, paced by the connector's token bucket (see [`crate::connector`]). The cluster asks
//! a [`TableSource`] for each page at the simulated instant it is due, and whoever holds
//! the table answers — the world, through the same door as every other client, so the
//! pages consume the partitions' read capacity and may be throttled. A throttled page is
//! [`ScanReply::Retry`]: the connector backs off and sends it again, and the mapper's
//! progress waits for it.
//!
//! That trait is all the engine knows of the other side, which keeps the dependency
//! one-way (the world uses the engine, never the reverse). A cluster run on its own — a
//! test, the command line — has no tables to read: [`NoTables`] fails such reads with a
//! message saying so.

use dynaplay_dynamo::value::Item;
use dynaplay_sim::SimTime;

/// One Scan page a map attempt wants.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanRequest<'a> {
    pub table: &'a str,
    /// This segment of `total_segments` (a parallel scan).
    pub segment: u64,
    pub total_segments: u64,
    /// At most this many items (the connector sizes pages to its read rate).
    pub limit: u32,
    /// Where the previous page of this segment stopped.
    pub exclusive_start_key: Option<&'a Item>,
}

/// A page the table returned.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScanPage {
    pub items: Vec<Item>,
    /// Read units the page consumed.
    pub consumed_units: f64,
    /// Where to continue; `None` when the segment is done.
    pub last_evaluated_key: Option<Item>,
}

/// What became of a Scan page.
#[derive(Debug, Clone, PartialEq)]
pub enum ScanReply {
    Page(ScanPage),
    /// Refused for now — `throttled` when for want of capacity, otherwise because the
    /// partition could not serve it (no leader): back off and retry.
    Retry {
        throttled: bool,
    },
    /// Refused for good (the table is gone, the request was invalid).
    Failed(String),
}

/// Whoever holds the tables a cluster's jobs read.
pub trait TableSource {
    /// Runs one Scan page at the cluster's instant `at`.
    fn scan(&mut self, request: &ScanRequest<'_>, at: SimTime) -> ScanReply;
}

/// No tables at all: a cluster simulated on its own.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTables;

impl TableSource for NoTables {
    fn scan(&mut self, request: &ScanRequest<'_>, _at: SimTime) -> ScanReply {
        ScanReply::Failed(format!(
            "no DynamoDB to read table {:?} from: this cluster runs on its own",
            request.table
        ))
    }
}
