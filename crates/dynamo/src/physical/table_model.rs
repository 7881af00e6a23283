//! One table's physical layout: its partitions, its capacity mode and its history of
//! splits.
//!
//! Partitions are kept in key-space order, so finding the partition of a hash is a
//! binary search. A provisioned table divides its throughput evenly among its partitions
//! and keeps two table-wide buckets of one second each, from which adaptive capacity
//! lends unused table capacity to a partition whose own share is spent. An on-demand
//! table has no per-partition shares: it serves up to twice its previous peak (at first
//! 12,000 RCU / 4,000 WCU), adopting a new peak only [`ON_DEMAND_SCALE_WINDOW`] after
//! reaching it, and splits partitions ahead of the traffic it may have to serve — up to the
//! maximum throughput the table may have been given, beyond which it throttles.
//!
//! A split replaces a partition by two children with new ids; `lineage` remembers them,
//! so anything addressed to the parent (a pending log apply, a fault on `p3`) finds its
//! way to the children.

use std::collections::BTreeMap;
use std::sync::Arc;

use dynaplay_sim::{SimDuration, SimTime};

use super::bucket::TokenBucket;
use super::config::{ON_DEMAND_INITIAL_RCU, ON_DEMAND_INITIAL_WCU, ON_DEMAND_SCALE_WINDOW};
use super::events::Few;
use super::hash_range::HashRange;
use super::layout::{PARTITION_MAX_RCU, PARTITION_MAX_WCU, initial_partitions};
use super::log::ReplicationLog;
use super::partition::{Heat, Lane, Partition, SplitReason, SplitState};
use super::replica::{Replica, ReplicaKind, ZONES};
use crate::table::{BillingMode, IndexKind, OnDemandMaximum, Table};
use crate::value::item_size;

/// Partitions a new on-demand table starts with: enough for 12,000 RCU or 4,000 WCU.
pub const ON_DEMAND_INITIAL_PARTITIONS: u32 = 4;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CapacityMode {
    Provisioned { read: u64, write: u64 },
    OnDemand,
}

impl CapacityMode {
    pub fn of(billing: BillingMode) -> CapacityMode {
        match billing {
            BillingMode::Provisioned(t) => CapacityMode::Provisioned {
                read: t.read,
                write: t.write,
            },
            BillingMode::PayPerRequest => CapacityMode::OnDemand,
        }
    }
}

/// An on-demand table's traffic peaks (units per second).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Peaks {
    pub settled_read: f64,
    pub settled_write: f64,
    /// Higher peaks reached recently, each adopted once the scale window has passed.
    pending: Vec<(SimTime, f64, f64)>,
}

impl Peaks {
    /// What the table serves now: twice the settled peak, at least the initial capacity.
    pub fn allowance(&self) -> (f64, f64) {
        (
            (self.settled_read * 2.0).max(ON_DEMAND_INITIAL_RCU),
            (self.settled_write * 2.0).max(ON_DEMAND_INITIAL_WCU),
        )
    }

    /// Notes one second's consumption; returns whether it was a new peak.
    pub fn observe(&mut self, at: SimTime, read: f64, write: f64) -> bool {
        let (top_read, top_write) = self.pending.iter().fold(
            (self.settled_read, self.settled_write),
            |(r, w), (_, pr, pw)| (r.max(*pr), w.max(*pw)),
        );
        if read > top_read || write > top_write {
            self.pending
                .push((at, read.max(top_read), write.max(top_write)));
            return true;
        }
        false
    }

    /// Adopts the peaks reached at least the scale window ago; returns whether any was.
    pub fn adopt(&mut self, now: SimTime) -> bool {
        let mut adopted = false;
        self.pending.retain(|(at, read, write)| {
            if *at + ON_DEMAND_SCALE_WINDOW <= now {
                self.settled_read = self.settled_read.max(*read);
                self.settled_write = self.settled_write.max(*write);
                adopted = true;
                false
            } else {
                true
            }
        });
        adopted
    }

    /// The highest peak reached, adopted or not.
    pub fn highest(&self) -> (f64, f64) {
        self.pending.iter().fold(
            (self.settled_read, self.settled_write),
            |(r, w), (_, pr, pw)| (r.max(*pr), w.max(*pw)),
        )
    }
}

/// How scheduled actions and recorded events name a table: its name and engine id,
/// shared rather than copied for each of them.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct TableHandle {
    pub name: Arc<str>,
    pub table_id: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableModel {
    pub name: String,
    /// The engine's table id: a table deleted and created again is a new model.
    pub table_id: String,
    pub mode: CapacityMode,
    /// In key-space order.
    pub partitions: Vec<Partition>,
    pub next_partition_id: u32,
    /// The next log sequence number (shared by the table's partitions).
    pub next_lsn: u64,
    /// Table-wide buckets: capacity adaptive capacity can lend (provisioned), or the
    /// on-demand allowance.
    pub table_read: TokenBucket,
    pub table_write: TokenBucket,
    pub read_window: super::partition::Window,
    pub write_window: super::partition::Window,
    pub peaks: Peaks,
    /// Global secondary indexes, maintained asynchronously.
    pub global_indexes: Vec<String>,
    /// Tables with a local secondary index never split for heat.
    pub has_local_index: bool,
    /// A split partition's children.
    pub lineage: BTreeMap<u32, [u32; 2]>,
    /// Counts writes and splits, so a view can tell when to redraw item marks.
    pub version: u64,
    /// Partitions an on-demand table is scaling out to, ahead of its traffic.
    pub wanted_partitions: u32,
    /// An on-demand table's maximum throughput (OnDemandThroughput), as buckets of one
    /// second at the maximum rate; requests beyond it are throttled.
    pub maximum: OnDemandMaximum,
    pub maximum_read: Option<TokenBucket>,
    pub maximum_write: Option<TokenBucket>,
    /// The name and id, shared with actions and events.
    pub(crate) handle: Arc<TableHandle>,
    /// `global_indexes`, shared with actions and events.
    pub(crate) index_names: Vec<Arc<str>>,
}

/// The maximum throughput that applies to `table`: its OnDemandThroughput while it is
/// on-demand, none otherwise.
pub(crate) fn effective_maximum(table: &Table) -> OnDemandMaximum {
    match table.def.billing {
        BillingMode::PayPerRequest => table.def.on_demand_maximum,
        BillingMode::Provisioned(_) => OnDemandMaximum::default(),
    }
}

fn table_rates(mode: CapacityMode, peaks: &Peaks) -> (f64, f64) {
    match mode {
        CapacityMode::Provisioned { read, write } => (read as f64, write as f64),
        CapacityMode::OnDemand => peaks.allowance(),
    }
}

impl TableModel {
    pub fn new(table: &Table, now: SimTime) -> TableModel {
        let def = &table.def;
        let mode = CapacityMode::of(def.billing);
        let count = match mode {
            CapacityMode::Provisioned { read, write } => {
                initial_partitions(read, write, table.size_bytes())
            }
            CapacityMode::OnDemand => {
                initial_partitions(0, 0, table.size_bytes()).max(ON_DEMAND_INITIAL_PARTITIONS)
            }
        };
        let peaks = Peaks::default();
        let (read, write) = table_rates(mode, &peaks);
        let mut model = TableModel {
            name: def.name.clone(),
            table_id: def.table_id.clone(),
            mode,
            partitions: Vec::new(),
            next_partition_id: 0,
            next_lsn: 1,
            table_read: TokenBucket::new(read, read, read, now),
            table_write: TokenBucket::new(write, write, write, now),
            read_window: Default::default(),
            write_window: Default::default(),
            peaks,
            global_indexes: Vec::new(),
            has_local_index: !def.local_indexes.is_empty(),
            lineage: BTreeMap::new(),
            version: 0,
            wanted_partitions: 0,
            maximum: OnDemandMaximum::default(),
            maximum_read: None,
            maximum_write: None,
            handle: Arc::new(TableHandle {
                name: Arc::from(def.name.as_str()),
                table_id: def.table_id.clone(),
            }),
            index_names: Vec::new(),
        };
        model.sync_indexes(table);
        model.set_maximum(effective_maximum(table), now);
        for range in HashRange::even(count) {
            let id = model.next_partition_id;
            model.next_partition_id += 1;
            let partition = model.fresh_partition(id, range, now);
            model.partitions.push(partition);
        }
        model.reshare(now);
        model.recount(table);
        model
    }

    fn fresh_partition(&self, id: u32, range: HashRange, now: SimTime) -> Partition {
        let replicas = ZONES
            .iter()
            .zip(0u32..)
            .map(|(zone, member)| Replica::new(member, zone, ReplicaKind::Full, 0))
            .collect();
        Partition {
            id,
            range,
            read: Lane::new(None, PARTITION_MAX_RCU as f64, now),
            write: Lane::new(None, PARTITION_MAX_WCU as f64, now),
            replicas,
            // Leaders spread over the zones, as DynamoDB spreads them over storage nodes.
            leader: Some((id % 3) as usize),
            term: 1,
            election_at: None,
            log: ReplicationLog::default(),
            committed_lsn: 0,
            index_applied: self.global_indexes.iter().map(|i| (i.clone(), 0)).collect(),
            item_count: 0,
            size_bytes: 0,
            split: None,
            heat: Heat::default(),
            next_member: 3,
        }
    }

    /// The table's capacity in read and write units per second.
    pub fn capacity(&self) -> (f64, f64) {
        table_rates(self.mode, &self.peaks)
    }

    /// Divides provisioned throughput evenly among the partitions (or removes shares for
    /// on-demand) and resizes the table-wide buckets.
    pub fn reshare(&mut self, now: SimTime) {
        let (read, write) = self.capacity();
        let count = self.partitions.len().max(1) as f64;
        let shares = match self.mode {
            CapacityMode::Provisioned { .. } => (Some(read / count), Some(write / count)),
            CapacityMode::OnDemand => (None, None),
        };
        for partition in &mut self.partitions {
            partition.read.set_share(now, shares.0);
            partition.write.set_share(now, shares.1);
        }
        self.table_read.reshape(now, read, read);
        self.table_write.reshape(now, write, write);
    }

    /// Caps an on-demand table at `maximum` from `now` on (an empty one lifts the caps).
    pub fn set_maximum(&mut self, maximum: OnDemandMaximum, now: SimTime) {
        let bucket = |units: Option<i64>| {
            let rate = units.filter(|u| *u > 0)? as f64;
            Some(TokenBucket::new(rate, rate, rate, now))
        };
        self.maximum_read = bucket(maximum.read);
        self.maximum_write = bucket(maximum.write);
        self.maximum = maximum;
    }

    /// The bucket of the maximum throughput for reads or writes, if there is one.
    pub(crate) fn maximum_lane(&mut self, write: bool) -> Option<&mut TokenBucket> {
        if write {
            self.maximum_write.as_mut()
        } else {
            self.maximum_read.as_mut()
        }
    }

    /// Follows the table's global secondary indexes (added or dropped by UpdateTable).
    pub fn sync_indexes(&mut self, table: &Table) {
        let names: Vec<String> = table
            .def
            .indexes()
            .filter(|i| i.kind == IndexKind::Global)
            .map(|i| i.name.clone())
            .collect();
        for partition in &mut self.partitions {
            partition
                .index_applied
                .retain(|name, _| names.contains(name));
            for name in &names {
                partition
                    .index_applied
                    .entry(name.clone())
                    .or_insert(partition.committed_lsn);
            }
        }
        self.index_names = names.iter().map(|n| Arc::from(n.as_str())).collect();
        self.global_indexes = names;
    }

    /// Recomputes every partition's item count and size from the table's store (items
    /// come in key-space order, so one pass assigns them).
    pub fn recount(&mut self, table: &Table) {
        for partition in &mut self.partitions {
            partition.item_count = 0;
            partition.size_bytes = 0;
        }
        let mut index = 0usize;
        for (slot, _, item) in table.items().iter() {
            while self
                .partitions
                .get(index)
                .is_some_and(|p| p.range.end < slot.hash)
            {
                index += 1;
            }
            if let Some(partition) = self.partitions.get_mut(index) {
                partition.item_count += 1;
                partition.size_bytes += item_size(item) as u64;
            }
        }
    }

    /// The position in `partitions` of the partition holding `hash`.
    pub fn index_of(&self, hash: u128) -> Option<usize> {
        let index = self.partitions.partition_point(|p| p.range.end < hash);
        self.partitions
            .get(index)
            .filter(|p| p.range.contains(hash))
            .map(|_| index)
    }

    /// Positions of the partitions overlapping `range`.
    pub fn indices_in(&self, range: HashRange) -> Vec<usize> {
        self.overlapping(range).collect()
    }

    /// [`TableModel::indices_in`], without collecting them.
    pub(crate) fn overlapping(&self, range: HashRange) -> impl Iterator<Item = usize> + '_ {
        let first = self
            .partitions
            .partition_point(|p| p.range.end < range.start);
        (first..self.partitions.len()).take_while(move |&i| {
            self.partitions
                .get(i)
                .is_some_and(|p| p.range.start <= range.end)
        })
    }

    /// Positions of the partitions now holding what partition `id` held (itself, or its
    /// descendants after splits).
    pub fn resolve(&self, id: u32) -> Vec<usize> {
        self.resolve_few(id).as_slice().to_vec()
    }

    /// [`TableModel::resolve`], without allocating in the usual case of a partition that
    /// has not split.
    pub(crate) fn resolve_few(&self, id: u32) -> Few<usize> {
        if let Some(index) = self.partitions.iter().position(|p| p.id == id) {
            return Few::One(index);
        }
        match self.lineage.get(&id) {
            Some(children) => Few::Many(
                children
                    .iter()
                    .flat_map(|c| self.resolve_few(*c).as_slice().to_vec())
                    .collect(),
            ),
            None => Few::Empty,
        }
    }

    /// Starts splitting the partition at `index` at hash `at`; false if it is already
    /// splitting or `at` would leave a side empty.
    pub fn start_split(
        &mut self,
        index: usize,
        at: u128,
        reason: SplitReason,
        now: SimTime,
        takes: SimDuration,
    ) -> bool {
        let Some(partition) = self.partitions.get_mut(index) else {
            return false;
        };
        if partition.split.is_some() || partition.range.split_at(at).is_none() {
            return false;
        }
        partition.split = Some(SplitState {
            reason,
            at,
            started: now,
            finishes: now + takes,
        });
        true
    }

    /// Replaces partition `id` by its two halves, moving its items, log and replica
    /// positions to them; returns the children's ids.
    pub fn finish_split(&mut self, id: u32, now: SimTime, table: &Table) -> Option<[u32; 2]> {
        let index = self.partitions.iter().position(|p| p.id == id)?;
        let parent = self.partitions.get(index)?.clone();
        let split = parent.split.as_ref()?;
        let (left_range, right_range) = parent.range.split_at(split.at)?;
        let ids = [self.next_partition_id, self.next_partition_id + 1];
        self.next_partition_id += 2;
        let child = |id: u32, range: HashRange| {
            let mut child = parent.clone();
            child.id = id;
            child.range = range;
            child.split = None;
            child.heat = Heat::default();
            child.log = parent.log.filtered(|hash| range.contains(hash));
            child.read = Lane::new(None, PARTITION_MAX_RCU as f64, now);
            child.write = Lane::new(None, PARTITION_MAX_WCU as f64, now);
            child
        };
        let mut left = child(ids[0], left_range);
        let mut right = child(ids[1], right_range);
        // Each half inherits half of what the parent had saved up.
        for (lane, parent_lane) in [
            (&mut left.read, &parent.read),
            (&mut right.read, &parent.read),
            (&mut left.write, &parent.write),
            (&mut right.write, &parent.write),
        ] {
            if let Some(bucket) = &parent_lane.share {
                let mut half = bucket.clone();
                half.scale_balance(0.5);
                lane.share = Some(half);
            }
        }
        self.partitions.splice(index..=index, [left, right]);
        self.lineage.insert(id, ids);
        self.reshare(now);
        self.recount(table);
        self.version += 1;
        Some(ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peaks_are_adopted_after_the_scale_window() {
        let mut peaks = Peaks::default();
        assert_eq!(peaks.allowance(), (12_000.0, 4_000.0));
        assert!(peaks.observe(SimTime::ZERO, 0.0, 3_000.0));
        assert!(
            !peaks.observe(SimTime::from_secs(1), 0.0, 2_000.0),
            "not a peak"
        );
        assert!(!peaks.adopt(SimTime::from_secs(60)));
        assert_eq!(peaks.allowance(), (12_000.0, 4_000.0));
        assert!(peaks.adopt(SimTime::from_secs(30 * 60)));
        assert_eq!(peaks.allowance(), (12_000.0, 6_000.0));
        assert_eq!(peaks.highest(), (0.0, 3_000.0));
    }
}
