//! One partition: a range of the key space with its capacity and its replicas.
//!
//! A partition meters reads and writes separately, each in a [`Lane`]: the provisioned
//! share (a token bucket holding up to 300 s of burst; absent on on-demand tables), the
//! hardware ceiling of 3,000 RCU / 1,000 WCU per second that nothing can exceed, and
//! per-second consumption windows that the views draw as gauges and that heat detection
//! reads. It tracks its hottest partition keys with a tiny heavy-hitters summary
//! (Misra–Gries) so that sustained heat can be relieved by splitting at the hot key's hash.
//!
//! Its replication group is three [`Replica`]s, the leader among them, the log of recent
//! writes, and how far each global secondary index has applied this partition's writes.

use std::collections::BTreeMap;

use dynaplay_sim::SimTime;
use serde::{Deserialize, Serialize};

use super::bucket::TokenBucket;
use super::hash_range::HashRange;
use super::log::ReplicationLog;
use super::replica::Replica;

/// Seconds of unused provisioned capacity a partition keeps.
pub const BURST_SECONDS: f64 = 300.0;
/// Distinct hot keys a partition's heat summary follows.
const HEAVY_HITTERS: usize = 4;

/// Per-second consumption: the second in progress and the one before it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Window {
    second: u64,
    current: f64,
    last: f64,
}

impl Window {
    /// Moves to the second containing `now`. If that ends a second with consumption,
    /// returns when that second started, what it consumed, and whether `now` is in the
    /// very next second (no idle seconds between).
    pub fn roll(&mut self, now: SimTime) -> Option<(SimTime, f64, bool)> {
        let second = now.as_micros() / 1_000_000;
        if second == self.second {
            return None;
        }
        let consecutive = second == self.second + 1;
        let ended = (SimTime::from_secs(self.second), self.current, consecutive);
        self.last = if consecutive { self.current } else { 0.0 };
        self.current = 0.0;
        self.second = second;
        Some(ended)
    }

    pub fn add(&mut self, units: f64) {
        self.current += units;
    }

    /// (this second so far, the last full second) as of `now`.
    pub fn rates(&self, now: SimTime) -> (f64, f64) {
        let second = now.as_micros() / 1_000_000;
        match second.saturating_sub(self.second) {
            0 => (self.current, self.last),
            1 => (0.0, self.current),
            _ => (0.0, 0.0),
        }
    }
}

/// Why a request was refused on a lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThrottleCause {
    /// The partition's provisioned share and burst are spent and the table has nothing
    /// to lend.
    Provisioned,
    /// The partition is at its hardware limit (3,000 RCU / 1,000 WCU per second).
    PartitionLimit,
    /// An on-demand table is beyond twice its previous peak.
    OnDemandPeak,
    /// An on-demand table is at the maximum throughput it was given (OnDemandThroughput).
    OnDemandMaximum,
}

/// One direction (reads or writes) of a partition's capacity.
#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    /// The provisioned share with its burst; `None` on on-demand tables.
    pub share: Option<TokenBucket>,
    /// The hardware limit, one second deep.
    pub ceiling: TokenBucket,
    pub window: Window,
    pub served: u64,
    pub throttled: u64,
    pub consumed: f64,
    /// Units served on capacity lent by the table (adaptive capacity).
    pub borrowed: f64,
}

impl Lane {
    /// A lane whose share is `share` units per second (`None` for on-demand) under a
    /// ceiling of `limit`.
    pub fn new(share: Option<f64>, limit: f64, now: SimTime) -> Lane {
        Lane {
            // A new share holds one second of its rate: burst accrues only from capacity
            // left unused.
            share: share.map(|rate| TokenBucket::new(rate, rate * BURST_SECONDS, rate, now)),
            ceiling: TokenBucket::new(limit, limit, limit, now),
            window: Window::default(),
            served: 0,
            throttled: 0,
            consumed: 0.0,
            borrowed: 0.0,
        }
    }

    /// Sets the provisioned share (or removes it for on-demand).
    pub fn set_share(&mut self, now: SimTime, share: Option<f64>) {
        match (&mut self.share, share) {
            (Some(bucket), Some(rate)) => bucket.reshape(now, rate, rate * BURST_SECONDS),
            (slot, rate) => {
                *slot = rate.map(|r| TokenBucket::new(r, r * BURST_SECONDS, r, now));
            }
        }
    }
}

/// A split under way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitState {
    pub reason: SplitReason,
    #[serde(with = "super::hash_range::hex128")]
    pub at: u128,
    pub started: SimTime,
    pub finishes: SimTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SplitReason {
    /// More than 10 GB.
    Size,
    /// The table's throughput needs more partitions.
    Throughput,
    /// Sustained heat: a hot key is moved away from its neighbours.
    Heat,
}

/// A Misra–Gries summary of the partition keys consuming the most, over the current
/// second, plus how many seconds in a row the partition has run hot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Heat {
    counters: Vec<(u128, f64)>,
    total: f64,
    pub hot_streak: u32,
}

impl Heat {
    pub fn record(&mut self, hash: u128, units: f64) {
        self.total += units;
        if let Some(entry) = self.counters.iter_mut().find(|(h, _)| *h == hash) {
            entry.1 += units;
        } else if self.counters.len() < HEAVY_HITTERS {
            self.counters.push((hash, units));
        } else {
            // Misra–Gries: an unseen key wears every counter down by the same amount.
            let worn = self
                .counters
                .iter()
                .map(|(_, count)| *count)
                .fold(units, f64::min);
            for entry in &mut self.counters {
                entry.1 -= worn;
            }
            self.counters.retain(|(_, count)| *count > 0.0);
            let left = units - worn;
            if left > 0.0 && self.counters.len() < HEAVY_HITTERS {
                self.counters.push((hash, left));
            }
        }
    }

    /// The hottest key and its share of the second's consumption.
    pub fn hottest(&self) -> Option<(u128, f64)> {
        let (hash, count) = self
            .counters
            .iter()
            .copied()
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))?;
        (self.total > 0.0).then_some((hash, count / self.total))
    }

    /// Starts a new second.
    pub fn reset(&mut self) {
        self.counters.clear();
        self.total = 0.0;
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Partition {
    /// Unique within the table, never reused; children of a split get new ids.
    pub id: u32,
    pub range: HashRange,
    pub read: Lane,
    pub write: Lane,
    /// Three slots; a slot's member may be replaced by a log replica and rebuilt.
    pub replicas: Vec<Replica>,
    /// The leader's slot, `None` during an election or without quorum.
    pub leader: Option<usize>,
    pub term: u64,
    /// When a pending election completes.
    pub election_at: Option<SimTime>,
    pub log: ReplicationLog,
    /// Highest LSN acknowledged by a quorum.
    pub committed_lsn: u64,
    /// Per global secondary index, the highest LSN of this partition it has applied.
    pub index_applied: BTreeMap<String, u64>,
    pub item_count: u64,
    pub size_bytes: u64,
    pub split: Option<SplitState>,
    pub heat: Heat,
    pub next_member: u32,
}

impl Partition {
    pub fn leader_replica(&self) -> Option<&Replica> {
        self.replicas.get(self.leader?)
    }

    pub fn lane(&self, write: bool) -> &Lane {
        if write { &self.write } else { &self.read }
    }

    pub fn lane_mut(&mut self, write: bool) -> &mut Lane {
        if write {
            &mut self.write
        } else {
            &mut self.read
        }
    }

    /// Members that can persist the log and vote.
    pub fn connected(&self) -> usize {
        self.replicas.iter().filter(|r| r.is_connected()).count()
    }

    /// Whether a write can be acknowledged now: a leader and one more connected member.
    pub fn has_quorum(&self) -> bool {
        self.leader.is_some() && self.connected() >= 2
    }

    pub fn slot_of(&self, member: u32) -> Option<usize> {
        self.replicas.iter().position(|r| r.member == member)
    }

    /// The lowest position any member or index still needs.
    pub fn needed_from(&self) -> u64 {
        let replicas = self.replicas.iter().map(|r| match r.kind {
            super::replica::ReplicaKind::Full => r.applied_lsn,
            super::replica::ReplicaKind::Log => r.persisted_lsn,
        });
        replicas
            .chain(self.index_applied.values().copied())
            .min()
            .unwrap_or(self.committed_lsn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_report_the_last_full_second() {
        let mut window = Window::default();
        window.roll(SimTime::from_millis(100));
        window.add(5.0);
        assert_eq!(window.rates(SimTime::from_millis(900)), (5.0, 0.0));
        assert_eq!(
            window.roll(SimTime::from_millis(1_100)),
            Some((SimTime::ZERO, 5.0, true))
        );
        window.add(2.0);
        assert_eq!(window.rates(SimTime::from_millis(1_500)), (2.0, 5.0));
        assert_eq!(window.rates(SimTime::from_millis(2_500)), (0.0, 2.0));
        assert_eq!(
            window.roll(SimTime::from_secs(9)),
            Some((SimTime::from_secs(1), 2.0, false)),
            "idle seconds follow"
        );
        assert_eq!(window.rates(SimTime::from_secs(9)), (0.0, 0.0));
    }

    #[test]
    fn heat_finds_the_dominant_key_among_many() {
        let mut heat = Heat::default();
        for i in 0..100u128 {
            heat.record(1000 + i, 1.0);
            heat.record(7, 3.0);
            heat.record(2000 + i, 1.0);
        }
        let (hash, share) = heat.hottest().unwrap();
        assert_eq!(hash, 7);
        assert!(share > 0.3, "{share}");
    }
}
