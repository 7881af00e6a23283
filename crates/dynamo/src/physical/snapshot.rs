//! What the views draw: every table's partitions and replicas at one instant.
//!
//! A [`Snapshot`] is plain data (serde-serialisable, hashes as hex strings plus a
//! fraction of the key space for drawing). Per partition it gives the hash range, size
//! and item count, read and write gauges (this second's and the last second's
//! consumption, the provisioned share, the burst balance, the hardware ceiling, throttle
//! counts, units lent by adaptive capacity), any split under way, and the three replicas
//! with zone, role, kind, health and log positions, so lag is visible as
//! `committed_lsn - applied_lsn`. Items are not in the snapshot — a table may hold
//! thousands — but [`DynamoService::item_marks`] lists one mark per item for the key-space
//! canvas, and a table's `version` changes whenever the marks could have.

use dynaplay_sim::SimTime;
use serde::Serialize;

use super::Realism;
use super::faults::ActiveFault;
use super::hash_range::{HashRange, fraction, hex};
use super::partition::{Lane, Partition, SplitState};
use super::replica::{Health, ReplicaKind, Role, ZONES};
use super::service::{DynamoService, display_key};
use super::table_model::{CapacityMode, TableModel};
use crate::key::PrimaryKey;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    pub now: SimTime,
    pub realism: Realism,
    pub zones: Vec<ZoneSnapshot>,
    pub faults: Vec<ActiveFault>,
    pub tables: Vec<TableSnapshot>,
    /// The newest event's sequence number.
    pub last_event: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZoneSnapshot {
    pub name: String,
    pub down: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableSnapshot {
    pub name: String,
    /// `PROVISIONED` or `PAY_PER_REQUEST`.
    pub billing: String,
    /// Read and write units per second the table serves (on-demand: its current
    /// allowance, twice the previous peak).
    pub read_capacity: f64,
    pub write_capacity: f64,
    pub item_count: u64,
    pub size_bytes: u64,
    pub version: u64,
    pub global_indexes: Vec<String>,
    pub partitions: Vec<PartitionSnapshot>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartitionSnapshot {
    pub id: u32,
    pub range: HashRange,
    pub start_fraction: f64,
    pub end_fraction: f64,
    pub item_count: u64,
    pub size_bytes: u64,
    pub read: LaneSnapshot,
    pub write: LaneSnapshot,
    /// Consumption reached 80% of what it may use, or it throttled, in the last second.
    pub hot: bool,
    pub split: Option<SplitState>,
    pub leader: Option<usize>,
    pub term: u64,
    pub committed_lsn: u64,
    pub log_records: usize,
    /// How far each global secondary index has applied this partition's writes.
    pub index_applied: Vec<(String, u64)>,
    pub replicas: Vec<ReplicaSnapshot>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LaneSnapshot {
    /// Units consumed so far in the current second, and in the last full second.
    pub consumed_this_second: f64,
    pub consumed_last_second: f64,
    /// The provisioned share per second (`None` on on-demand tables).
    pub share: Option<f64>,
    /// Units saved up (up to 300 s of the share); negative while in debt.
    pub burst_balance: Option<f64>,
    pub burst_capacity: Option<f64>,
    /// The hardware limit per second.
    pub ceiling: f64,
    pub served: u64,
    pub throttled: u64,
    /// Units served on capacity lent by the table (adaptive capacity).
    pub borrowed: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReplicaSnapshot {
    pub slot: usize,
    pub member: u32,
    pub zone: String,
    pub role: Role,
    pub kind: ReplicaKind,
    pub health: Health,
    pub persisted_lsn: u64,
    pub applied_lsn: u64,
    /// Log records acknowledged but not yet applied here.
    pub lag: u64,
}

/// One item on the key-space canvas.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemMark {
    /// Where the partition key hashes to, as a fraction of the key space.
    pub position: f64,
    pub hash: String,
    /// `pk` or `pk/sk`.
    pub key: String,
    pub partition: u32,
}

fn lane(lane: &Lane, now: SimTime) -> LaneSnapshot {
    let (current, last) = lane.window.rates(now);
    LaneSnapshot {
        consumed_this_second: current,
        consumed_last_second: last,
        share: lane.share.as_ref().map(|s| s.rate()),
        burst_balance: lane.share.as_ref().map(|s| s.balance_at(now)),
        burst_capacity: lane.share.as_ref().map(|s| s.capacity()),
        ceiling: lane.ceiling.rate(),
        served: lane.served,
        throttled: lane.throttled,
        borrowed: lane.borrowed,
    }
}

fn partition(partition: &Partition, now: SimTime) -> PartitionSnapshot {
    let read = lane(&partition.read, now);
    let write = lane(&partition.write, now);
    let hot = [&read, &write].iter().any(|l| {
        let limit = l.share.unwrap_or(l.ceiling);
        limit > 0.0 && l.consumed_last_second >= limit * 0.8
    });
    let committed = partition.committed_lsn;
    PartitionSnapshot {
        id: partition.id,
        range: partition.range,
        start_fraction: partition.range.start_fraction(),
        end_fraction: partition.range.end_fraction(),
        item_count: partition.item_count,
        size_bytes: partition.size_bytes,
        read,
        write,
        hot,
        split: partition.split.clone(),
        leader: partition.leader,
        term: partition.term,
        committed_lsn: committed,
        log_records: partition.log.len(),
        index_applied: partition
            .index_applied
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect(),
        replicas: partition
            .replicas
            .iter()
            .enumerate()
            .map(|(slot, r)| ReplicaSnapshot {
                slot,
                member: r.member,
                zone: r.zone.clone(),
                role: if partition.leader == Some(slot) {
                    Role::Leader
                } else {
                    Role::Follower
                },
                kind: r.kind,
                health: r.health(),
                persisted_lsn: r.persisted_lsn,
                applied_lsn: r.applied_lsn,
                lag: committed.saturating_sub(r.applied_lsn),
            })
            .collect(),
    }
}

fn table(model: &TableModel, now: SimTime) -> TableSnapshot {
    let (read, write) = model.capacity();
    TableSnapshot {
        name: model.name.clone(),
        billing: match model.mode {
            CapacityMode::Provisioned { .. } => "PROVISIONED".into(),
            CapacityMode::OnDemand => "PAY_PER_REQUEST".into(),
        },
        read_capacity: read,
        write_capacity: write,
        item_count: model.partitions.iter().map(|p| p.item_count).sum(),
        size_bytes: model.partitions.iter().map(|p| p.size_bytes).sum(),
        version: model.version,
        global_indexes: model.global_indexes.clone(),
        partitions: model.partitions.iter().map(|p| partition(p, now)).collect(),
    }
}

impl DynamoService {
    /// Every table's partitions and replicas, now.
    pub fn snapshot(&self) -> Snapshot {
        let now = self.now;
        Snapshot {
            now,
            realism: self.realism,
            zones: ZONES
                .iter()
                .map(|z| ZoneSnapshot {
                    name: z.to_string(),
                    down: self.zones_down.contains(*z),
                })
                .collect(),
            faults: self.faults.clone(),
            tables: self.tables.values().map(|m| table(m, now)).collect(),
            last_event: self.events.last_seq(),
        }
    }

    /// One snapshot of table `name`, if it exists.
    pub fn table_snapshot(&self, name: &str) -> Option<TableSnapshot> {
        self.tables.get(name).map(|m| table(m, self.now))
    }

    /// A mark per item of table `name`, in key-space order (empty for no such table).
    pub fn item_marks(&self, name: &str) -> Vec<ItemMark> {
        let (Some(model), Some(engine)) = (self.tables.get(name), self.db.table(name)) else {
            return Vec::new();
        };
        let mut marks = Vec::with_capacity(usize::try_from(engine.item_count()).unwrap_or(0));
        let mut index = 0usize;
        for (slot, entry, _) in engine.items().iter() {
            while model
                .partitions
                .get(index)
                .is_some_and(|p| p.range.end < slot.hash)
            {
                index += 1;
            }
            let key = PrimaryKey {
                hash: slot.key.clone(),
                range: entry.sort.clone(),
            };
            marks.push(ItemMark {
                position: fraction(slot.hash),
                hash: hex(slot.hash),
                key: display_key(&key),
                partition: model.partitions.get(index).map_or(0, |p| p.id),
            });
        }
        marks
    }
}
