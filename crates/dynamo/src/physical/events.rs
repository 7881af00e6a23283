//! What happened, step by step: the event ring the views read.
//!
//! Every request produces one [`RequestEvent`] — where it was routed, which replica served
//! it and whether the read was stale (and which writes it missed), which writes were
//! acknowledged by which replicas, or why it was throttled or failed — and the model's own
//! steps produce the rest: log records applied, indexes catching up, splits, leaders lost
//! and elected, replicas replaced and rebuilt, faults injected and healed. Events carry a
//! sequence number so a view can ask for everything after the last one it saw; the ring
//! keeps the most recent ones (a bounded memory for an endless simulation). The sequence
//! of events *is* the history: the same seed and the same commands give the same events,
//! byte for byte when serialised.

use std::collections::VecDeque;

use dynaplay_sim::SimTime;
use serde::{Deserialize, Serialize};

use super::partition::{SplitReason, ThrottleCause};
use super::replica::ReplicaKind;

/// Events kept by default.
pub const DEFAULT_CAPACITY: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Increasing from 1; never reused.
    pub seq: u64,
    pub at: SimTime,
    #[serde(flatten)]
    pub kind: EventKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Consistency {
    Eventual,
    Strong,
}

/// A replica that answered (part of) a read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServedBy {
    pub partition: u32,
    /// Slot 0..3 in the partition's group.
    pub replica: usize,
    pub zone: String,
    pub applied_lsn: u64,
    pub leader: bool,
}

/// A write a stale read did not see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissedWrite {
    pub partition: u32,
    pub lsn: u64,
    /// The request that made the write.
    pub request: u64,
    pub key: String,
}

/// A write acknowledged by a quorum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AckedWrite {
    pub partition: u32,
    pub lsn: u64,
    pub key: String,
    /// The slots that had persisted it when it was acknowledged.
    pub replicas: Vec<usize>,
}

/// A request throttled on a partition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Throttle {
    pub partition: u32,
    pub write: bool,
    pub cause: ThrottleCause,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestEvent {
    pub request: u64,
    pub client: String,
    pub operation: String,
    pub table: Option<String>,
    /// The partitions the request was routed to.
    pub partitions: Vec<u32>,
    pub consistency: Option<Consistency>,
    pub served_by: Vec<ServedBy>,
    pub stale: bool,
    pub missed: Vec<MissedWrite>,
    pub acked: Vec<AckedWrite>,
    pub throttled: Option<Throttle>,
    /// The exception name, when the request failed.
    pub error: Option<String>,
    pub latency_us: u64,
    /// Capacity units charged to the partitions.
    pub consumed: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    Request(RequestEvent),
    /// A follower applied its partition's log up to `lsn`.
    LogApplied {
        table: String,
        partition: u32,
        replica: usize,
        lsn: u64,
    },
    /// A global secondary index applied a partition's writes up to `lsn`.
    IndexApplied {
        table: String,
        index: String,
        partition: u32,
        lsn: u64,
    },
    TableModelled {
        table: String,
        partitions: u32,
    },
    TableRemoved {
        table: String,
    },
    ThroughputChanged {
        table: String,
        read: f64,
        write: f64,
        partitions: u32,
    },
    SplitStarted {
        table: String,
        partition: u32,
        reason: SplitReason,
        at: String,
    },
    SplitFinished {
        table: String,
        parent: u32,
        children: [u32; 2],
    },
    LeaderLost {
        table: String,
        partition: u32,
        replica: usize,
    },
    LeaderElected {
        table: String,
        partition: u32,
        replica: usize,
        term: u64,
    },
    ReplicaDown {
        table: String,
        partition: u32,
        replica: usize,
    },
    ReplicaUp {
        table: String,
        partition: u32,
        replica: usize,
    },
    LogReplicaAdded {
        table: String,
        partition: u32,
        replica: usize,
        zone: String,
        kind: ReplicaKind,
    },
    ReplicaRebuilt {
        table: String,
        partition: u32,
        replica: usize,
    },
    FaultInjected {
        target: String,
        fault: String,
    },
    FaultHealed {
        target: String,
    },
}

/// The most recent events, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct EventLog {
    events: VecDeque<Event>,
    capacity: usize,
    next_seq: u64,
}

impl Default for EventLog {
    fn default() -> Self {
        EventLog::with_capacity(DEFAULT_CAPACITY)
    }
}

impl EventLog {
    pub fn with_capacity(capacity: usize) -> EventLog {
        EventLog {
            events: VecDeque::new(),
            capacity: capacity.max(1),
            next_seq: 1,
        }
    }

    pub fn push(&mut self, at: SimTime, kind: EventKind) {
        if self.events.len() >= self.capacity {
            self.events.pop_front();
        }
        self.events.push_back(Event {
            seq: self.next_seq,
            at,
            kind,
        });
        self.next_seq += 1;
    }

    /// Every kept event with a sequence number above `seq` (0 for all).
    pub fn since(&self, seq: u64) -> impl Iterator<Item = &Event> {
        let first = self.events.partition_point(|e| e.seq <= seq);
        self.events.range(first..)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Event> {
        self.events.iter()
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// The sequence number of the newest event (0 before any).
    pub fn last_seq(&self) -> u64 {
        self.next_seq - 1
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Keeps at most `capacity` events from now on.
    pub fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity.max(1);
        while self.events.len() > self.capacity {
            self.events.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ring_keeps_the_newest_and_numbers_them() {
        let mut log = EventLog::with_capacity(2);
        for name in ["a", "b", "c"] {
            log.push(
                SimTime::ZERO,
                EventKind::TableRemoved { table: name.into() },
            );
        }
        assert_eq!(log.len(), 2);
        assert_eq!(log.last_seq(), 3);
        let seqs: Vec<u64> = log.since(2).map(|e| e.seq).collect();
        assert_eq!(seqs, [3]);
        let json = serde_json::to_string(log.iter().last().unwrap()).unwrap();
        assert_eq!(
            json,
            r#"{"seq":3,"at":0,"type":"table_removed","table":"c"}"#
        );
    }
}
