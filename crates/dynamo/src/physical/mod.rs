//! The physical DynamoDB: partitions, throughput and replication, on simulated time.
//!
//! [`crate::Database`] is the logical engine — every operation strongly consistent, never
//! throttled, answered instantly. That is the *truth*, and it is what a local DynamoDB is
//! usually expected to be. The real service is a fleet: the partition key is hashed into a
//! key space cut into contiguous ranges, each range is a partition with its own share of
//! the table's throughput (token buckets with 300 s of burst, topped up by adaptive
//! capacity), and each partition is a replication group of three replicas in three
//! Availability Zones whose leader takes writes and strongly consistent reads while the
//! followers apply its log a little later. Throttling, stale reads, elections and tail
//! latency all come from that physical layout, and this module models it.
//!
//! The model is a layer *around* the logical engine, not a second engine. [`DynamoService`]
//! decides from a request, before running it, which partitions it touches; admits or
//! throttles it on those partitions' buckets; checks the replication group can serve it;
//! runs it on the `Database`; charges the units the engine reports; and appends writes to
//! the partitions' replication logs with their before-images. Staleness is a
//! *view*: an eventually consistent read served by a follower that has not applied some
//! writes runs against the items as they were at that follower's log position — the
//! service puts the before-images back for the duration of the read and restores the
//! truth afterwards — so projections, filters, counts and pagination of a stale read are
//! exactly what that replica would have answered.
//!
//! With [`Realism::OFF`] (the default of `dynaplay serve` and of the browser console) the
//! service answers exactly as `Database::execute` does, yet still maintains partitions,
//! replicas and events, so the views can show what *would* have happened. The pieces:
//! [`layout`] (how many partitions, split by halves), [`hash_range`], [`bucket`] (token
//! buckets), [`replica`], [`log`] (replication log and rewinding), [`partition`],
//! [`table_model`] (one table's partitions and capacity mode), [`config`] (sampled
//! latencies and lags), [`events`] (the bounded event ring), [`snapshot`] (what the views
//! draw), `in_flight` (transactions holding their items while they run) and the service
//! itself.

mod admission;
pub mod bucket;
pub mod config;
pub mod events;
mod faults;
pub mod hash_range;
mod in_flight;
pub mod layout;
pub mod log;
pub mod partition;
pub mod replica;
mod replication;
mod route;
mod service;
pub mod snapshot;
pub mod table_model;

pub use config::ModelConfig;
pub use events::{Event, EventKind, EventLog, RequestEvent};
pub use hash_range::HashRange;
pub use service::{DynamoService, Outcome};
pub use snapshot::{ItemMark, Snapshot};

use serde::{Deserialize, Serialize};

/// Which of the real service's behaviours reach responses. The model runs either way;
/// these only decide whether clients feel it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Realism {
    /// Eventually consistent reads are served by any replica and may be stale; while a
    /// partition has no leader (an election) or no quorum, writes and strongly consistent
    /// reads fail as DynamoDB's do.
    pub stale_reads: bool,
    /// Partition token buckets are enforced: requests beyond them are throttled.
    pub throttle: bool,
    /// Responses take their sampled latency ([`Outcome::latency`] is non-zero), and a
    /// transaction holds its items for that long: requests touching them meanwhile
    /// conflict.
    pub latency: bool,
}

impl Realism {
    /// The idealised local DynamoDB: strongly consistent, unthrottled, instant.
    pub const OFF: Realism = Realism {
        stale_reads: false,
        throttle: false,
        latency: false,
    };

    /// Everything the real service does.
    pub const ALL: Realism = Realism {
        stale_reads: true,
        throttle: true,
        latency: true,
    };
}
