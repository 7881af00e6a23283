//! How long things take in the physical model: sampled latencies, lags and delays.
//!
//! DynamoDB answers reads and writes in single-digit milliseconds with a tail; strongly
//! consistent reads and writes are a little slower than eventually consistent reads
//! (they must reach the leader, and writes wait for a second replica). Followers apply
//! the leader's log a few tens of milliseconds later — "copies usually converge within a
//! second" — and global secondary indexes a fraction of a second later. A new leader waits
//! out the old one's lease (a couple of seconds); a log replica replaces a failed replica
//! within seconds and a full rebuild takes minutes. Every one of these is a
//! [`LatencyDistribution`] sampled from the world's seeded RNG, so a seed fixes them all.

use dynaplay_sim::{LatencyDistribution, SimDuration};
use serde::{Deserialize, Serialize};

/// On-demand tables adopt a new traffic peak (and may then serve twice it) this long
/// after first reaching it; going beyond twice the previous peak sooner can throttle.
pub const ON_DEMAND_SCALE_WINDOW: SimDuration = SimDuration::from_secs(30 * 60);
/// What a new on-demand table serves at once.
pub const ON_DEMAND_INITIAL_RCU: f64 = 12_000.0;
pub const ON_DEMAND_INITIAL_WCU: f64 = 4_000.0;
/// Seconds in a row a partition must run hot before it is split for heat.
pub const HEAT_SECONDS: u32 = 10;

fn log_normal(median_micros: u64, sigma: f64) -> LatencyDistribution {
    LatencyDistribution::log_normal(SimDuration::from_micros(median_micros), sigma)
}

fn with_tail(base: LatencyDistribution, tail: LatencyDistribution, p: f64) -> LatencyDistribution {
    LatencyDistribution::with_tail(base, tail, p)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelConfig {
    /// An eventually consistent read, served by any replica.
    pub eventual_read: LatencyDistribution,
    /// A strongly consistent read, served by the leader.
    pub strong_read: LatencyDistribution,
    /// A write at the leader, before replication.
    pub write: LatencyDistribution,
    /// Table-level operations (CreateTable, DescribeTable, ...).
    pub control: LatencyDistribution,
    /// A follower persisting a log record after the leader sent it.
    pub persist: LatencyDistribution,
    /// A follower applying a persisted record (what eventual reads see).
    pub apply_lag: LatencyDistribution,
    /// A global secondary index applying a base-table write.
    pub index_lag: LatencyDistribution,
    /// The leader's lease: the others wait it out before electing a new leader.
    pub lease: SimDuration,
    /// The election itself, once the lease has run out.
    pub election: LatencyDistribution,
    /// Until a log replica stands in for a replica that is down.
    pub log_replica: LatencyDistribution,
    /// Rebuilding a log replica into a full replica.
    pub rebuild: LatencyDistribution,
    /// A partition split, from start to items moved.
    pub split: LatencyDistribution,
    /// Whether adaptive capacity lends unused table capacity to hot partitions.
    pub adaptive_capacity: bool,
    /// Whether sustained heat splits a partition at its hot key.
    pub split_for_heat: bool,
}

impl Default for ModelConfig {
    fn default() -> Self {
        ModelConfig {
            eventual_read: with_tail(log_normal(2_500, 0.3), log_normal(12_000, 0.5), 0.01),
            strong_read: with_tail(log_normal(3_200, 0.3), log_normal(15_000, 0.5), 0.01),
            write: with_tail(log_normal(3_500, 0.3), log_normal(18_000, 0.5), 0.01),
            control: log_normal(8_000, 0.4),
            persist: log_normal(1_000, 0.4),
            apply_lag: with_tail(log_normal(40_000, 0.8), log_normal(400_000, 0.5), 0.02),
            index_lag: log_normal(150_000, 0.6),
            lease: SimDuration::from_secs(2),
            election: LatencyDistribution::uniform(
                SimDuration::from_millis(100),
                SimDuration::from_millis(400),
            ),
            log_replica: LatencyDistribution::uniform(
                SimDuration::from_secs(3),
                SimDuration::from_secs(10),
            ),
            rebuild: LatencyDistribution::uniform(
                SimDuration::from_secs(180),
                SimDuration::from_secs(360),
            ),
            split: LatencyDistribution::uniform(
                SimDuration::from_secs(20),
                SimDuration::from_secs(60),
            ),
            adaptive_capacity: true,
            split_for_heat: true,
        }
    }
}
