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
//!
//! The ring is written far more often than it is read: generated traffic records an event
//! per request and per log apply, tens of thousands a second, and the views look at the
//! newest few. So the model records most events in a compact form (`RequestRecord`, log and
//! index applies) whose text is static or shared with the model — interned client and
//! operation names, the table's name — and which holds one partition, replica or write
//! inline: recording a read or an apply allocates nothing (a write, its key's text), and
//! dropping one unread frees next to nothing. An event is built in its public shape
//! ([`Event`]) the first time it is read, and kept for later reads.

use std::collections::VecDeque;
use std::sync::{Arc, OnceLock};

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

/// A zone's name as an unread event holds it: one of [`ZONES`](super::replica::ZONES), or
/// shared.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Text {
    Static(&'static str),
    Shared(Arc<str>),
}

impl Text {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Text::Static(text) => text,
            Text::Shared(text) => text,
        }
    }
}

/// Up to one element inline, more on the heap: a request touches one partition, is
/// served by one replica and writes one item far more often than not.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) enum Few<T> {
    #[default]
    Empty,
    One(T),
    Many(Vec<T>),
}

impl<T> Few<T> {
    pub(crate) fn push(&mut self, item: T) {
        match self {
            Few::Empty => *self = Few::One(item),
            Few::One(_) => {
                if let Few::One(first) = std::mem::replace(self, Few::Many(Vec::with_capacity(2)))
                    && let Few::Many(items) = self
                {
                    items.push(first);
                    items.push(item);
                }
            }
            Few::Many(items) => items.push(item),
        }
    }

    pub(crate) fn as_slice(&self) -> &[T] {
        match self {
            Few::Empty => &[],
            Few::One(item) => std::slice::from_ref(item),
            Few::Many(items) => items,
        }
    }

    pub(crate) fn as_mut_slice(&mut self) -> &mut [T] {
        match self {
            Few::Empty => &mut [],
            Few::One(item) => std::slice::from_mut(item),
            Few::Many(items) => items,
        }
    }

    pub(crate) fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        self.as_mut_slice().get_mut(index)
    }

    /// Inserts `item` at `index` (at the end if `index` is past it).
    pub(crate) fn insert(&mut self, index: usize, item: T) {
        *self = match std::mem::take(self) {
            Few::Empty => Few::One(item),
            Few::One(first) if index == 0 => Few::Many(vec![item, first]),
            Few::One(first) => Few::Many(vec![first, item]),
            Few::Many(mut items) => {
                items.insert(index.min(items.len()), item);
                Few::Many(items)
            }
        };
    }

    pub(crate) fn iter(&self) -> std::slice::Iter<'_, T> {
        self.as_slice().iter()
    }
}

impl<T> IntoIterator for Few<T> {
    type Item = T;
    type IntoIter = std::iter::Chain<std::option::IntoIter<T>, std::vec::IntoIter<T>>;

    fn into_iter(self) -> Self::IntoIter {
        let (first, rest) = match self {
            Few::Empty => (None, Vec::new()),
            Few::One(item) => (Some(item), Vec::new()),
            Few::Many(items) => (None, items),
        };
        first.into_iter().chain(rest)
    }
}

/// A [`ServedBy`] as recorded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ServedRecord {
    pub partition: u32,
    pub replica: usize,
    pub zone: Text,
    pub applied_lsn: u64,
    pub leader: bool,
}

/// An [`AckedWrite`] as recorded: the slots that had persisted it, ascending (the leader
/// and at most one follower).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AckedRecord {
    pub partition: u32,
    pub lsn: u64,
    pub key: String,
    pub replicas: [Option<usize>; 2],
}

/// What few requests have: writes a stale read missed, a throttle, an error.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Rare {
    pub missed: Vec<MissedWrite>,
    pub throttled: Option<Throttle>,
    pub error: Option<&'static str>,
}

/// A [`RequestEvent`] as recorded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RequestRecord {
    pub request: u64,
    pub client: Arc<str>,
    pub operation: Arc<str>,
    pub table: Option<Arc<str>>,
    pub partitions: Few<u32>,
    pub consistency: Option<Consistency>,
    pub stale: bool,
    pub served_by: Few<ServedRecord>,
    pub acked: Few<AckedRecord>,
    rare: Option<Box<Rare>>,
    pub latency_us: u64,
    pub consumed: f64,
}

impl RequestRecord {
    pub(crate) fn new(request: u64, client: Arc<str>, operation: Arc<str>) -> RequestRecord {
        RequestRecord {
            request,
            client,
            operation,
            table: None,
            partitions: Few::Empty,
            consistency: None,
            stale: false,
            served_by: Few::Empty,
            acked: Few::Empty,
            rare: None,
            latency_us: 0,
            consumed: 0.0,
        }
    }

    /// The missed writes, throttle and error, to set.
    pub(crate) fn rare(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Box::default)
    }

    fn event(&self) -> RequestEvent {
        let rare = self.rare.as_deref();
        RequestEvent {
            request: self.request,
            client: self.client.to_string(),
            operation: self.operation.to_string(),
            table: self.table.as_ref().map(|t| t.to_string()),
            partitions: self.partitions.as_slice().to_vec(),
            consistency: self.consistency,
            served_by: self
                .served_by
                .as_slice()
                .iter()
                .map(|s| ServedBy {
                    partition: s.partition,
                    replica: s.replica,
                    zone: s.zone.as_str().to_string(),
                    applied_lsn: s.applied_lsn,
                    leader: s.leader,
                })
                .collect(),
            stale: self.stale,
            missed: rare.map(|r| r.missed.clone()).unwrap_or_default(),
            acked: self
                .acked
                .as_slice()
                .iter()
                .map(|a| AckedWrite {
                    partition: a.partition,
                    lsn: a.lsn,
                    key: a.key.clone(),
                    replicas: a.replicas.iter().flatten().copied().collect(),
                })
                .collect(),
            throttled: rare.and_then(|r| r.throttled.clone()),
            error: rare.and_then(|r| r.error).map(str::to_string),
            latency_us: self.latency_us,
            consumed: self.consumed,
        }
    }
}

/// An event recorded in compact form (see the module comment).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Record {
    Request(RequestRecord),
    LogApplied {
        table: Arc<str>,
        partition: u32,
        replica: usize,
        lsn: u64,
    },
    IndexApplied {
        table: Arc<str>,
        index: Arc<str>,
        partition: u32,
        lsn: u64,
    },
}

impl Record {
    fn kind(&self) -> EventKind {
        match self {
            Record::Request(request) => EventKind::Request(request.event()),
            Record::LogApplied {
                table,
                partition,
                replica,
                lsn,
            } => EventKind::LogApplied {
                table: table.to_string(),
                partition: *partition,
                replica: *replica,
                lsn: *lsn,
            },
            Record::IndexApplied {
                table,
                index,
                partition,
                lsn,
            } => EventKind::IndexApplied {
                table: table.to_string(),
                index: index.to_string(),
                partition: *partition,
                lsn: *lsn,
            },
        }
    }
}

/// One event in the ring: built in full when pushed, or recorded compactly and built on
/// first read.
// Compact is the common case by design: boxing it would spend the allocation this
// representation exists to avoid.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
enum Slot {
    Full(Box<Event>),
    Compact {
        seq: u64,
        at: SimTime,
        record: Record,
        built: OnceLock<Box<Event>>,
    },
}

impl Slot {
    fn seq(&self) -> u64 {
        match self {
            Slot::Full(event) => event.seq,
            Slot::Compact { seq, .. } => *seq,
        }
    }

    fn event(&self) -> &Event {
        match self {
            Slot::Full(event) => event,
            Slot::Compact {
                seq,
                at,
                record,
                built,
            } => built.get_or_init(|| {
                Box::new(Event {
                    seq: *seq,
                    at: *at,
                    kind: record.kind(),
                })
            }),
        }
    }
}

/// Most distinct client and operation names interned; beyond, each is allocated.
const MAX_NAMES: usize = 64;

/// The most recent events, oldest first.
#[derive(Debug, Clone)]
pub struct EventLog {
    events: VecDeque<Slot>,
    capacity: usize,
    next_seq: u64,
    /// Client and operation names seen, shared by the records naming them.
    names: Vec<Arc<str>>,
}

impl PartialEq for EventLog {
    fn eq(&self, other: &EventLog) -> bool {
        self.capacity == other.capacity
            && self.next_seq == other.next_seq
            && self.iter().eq(other.iter())
    }
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
            names: Vec::new(),
        }
    }

    fn push_slot(&mut self, slot: impl FnOnce(u64) -> Slot) {
        if self.events.len() >= self.capacity {
            self.events.pop_front();
        }
        self.events.push_back(slot(self.next_seq));
        self.next_seq += 1;
    }

    pub fn push(&mut self, at: SimTime, kind: EventKind) {
        self.push_slot(|seq| Slot::Full(Box::new(Event { seq, at, kind })));
    }

    /// Appends an event in compact form.
    pub(crate) fn record(&mut self, at: SimTime, record: Record) {
        self.push_slot(|seq| Slot::Compact {
            seq,
            at,
            record,
            built: OnceLock::new(),
        });
    }

    /// `name` as shared text for records.
    pub(crate) fn intern(&mut self, name: &str) -> Arc<str> {
        if let Some(known) = self.names.iter().find(|known| ***known == *name) {
            return Arc::clone(known);
        }
        let text: Arc<str> = Arc::from(name);
        if self.names.len() < MAX_NAMES {
            self.names.push(Arc::clone(&text));
        }
        text
    }

    /// Every kept event with a sequence number above `seq` (0 for all).
    pub fn since(&self, seq: u64) -> impl Iterator<Item = &Event> {
        let first = self.events.partition_point(|e| e.seq() <= seq);
        self.events.range(first..).map(Slot::event)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Event> {
        self.events.iter().map(Slot::event)
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

    #[test]
    fn compact_records_read_back_as_the_events_they_stand_for() {
        let mut log = EventLog::with_capacity(3);
        let mut request = RequestRecord::new(7, log.intern("traffic"), log.intern("PutItem"));
        request.table = Some(Arc::from("orders"));
        request.partitions.push(2);
        request.partitions.push(3);
        request.consistency = Some(Consistency::Strong);
        request.served_by.push(ServedRecord {
            partition: 3,
            replica: 1,
            zone: Text::Static("us-east-1b"),
            applied_lsn: 4,
            leader: false,
        });
        request.acked.push(AckedRecord {
            partition: 2,
            lsn: 9,
            key: "k".into(),
            replicas: [Some(0), Some(2)],
        });
        request.rare().error = Some("ThrottlingException");
        request.latency_us = 1_234;
        request.consumed = 1.5;
        log.push(SimTime::ZERO, EventKind::TableRemoved { table: "a".into() });
        log.record(SimTime::from_millis(5), Record::Request(request));
        log.record(
            SimTime::from_millis(6),
            Record::LogApplied {
                table: Arc::from("orders"),
                partition: 2,
                replica: 1,
                lsn: 9,
            },
        );
        log.record(
            SimTime::from_millis(7),
            Record::IndexApplied {
                table: Arc::from("orders"),
                index: Arc::from("by_day"),
                partition: 3,
                lsn: 9,
            },
        );
        let unread = log.clone();
        let expected = vec![
            Event {
                seq: 2,
                at: SimTime::from_millis(5),
                kind: EventKind::Request(RequestEvent {
                    request: 7,
                    client: "traffic".into(),
                    operation: "PutItem".into(),
                    table: Some("orders".into()),
                    partitions: vec![2, 3],
                    consistency: Some(Consistency::Strong),
                    served_by: vec![ServedBy {
                        partition: 3,
                        replica: 1,
                        zone: "us-east-1b".into(),
                        applied_lsn: 4,
                        leader: false,
                    }],
                    stale: false,
                    missed: Vec::new(),
                    acked: vec![AckedWrite {
                        partition: 2,
                        lsn: 9,
                        key: "k".into(),
                        replicas: vec![0, 2],
                    }],
                    throttled: None,
                    error: Some("ThrottlingException".into()),
                    latency_us: 1_234,
                    consumed: 1.5,
                }),
            },
            Event {
                seq: 3,
                at: SimTime::from_millis(6),
                kind: EventKind::LogApplied {
                    table: "orders".into(),
                    partition: 2,
                    replica: 1,
                    lsn: 9,
                },
            },
            Event {
                seq: 4,
                at: SimTime::from_millis(7),
                kind: EventKind::IndexApplied {
                    table: "orders".into(),
                    index: "by_day".into(),
                    partition: 3,
                    lsn: 9,
                },
            },
        ];
        assert_eq!(
            log.iter().cloned().collect::<Vec<_>>(),
            expected,
            "oldest pushed out"
        );
        assert_eq!(log.since(3).map(|e| e.seq).collect::<Vec<_>>(), [4]);
        assert_eq!(log, unread, "read or not, the same events");
        assert_eq!(log.last_seq(), 4);
    }
}
