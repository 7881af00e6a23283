//! [`DynamoService`]: the logical engine inside its physical model.
//!
//! One request, start to finish:
//!
//! 1. **Route** it (see `route.rs`): the partitions it touches, found from its keys before
//!    it runs.
//! 2. **Check the replicas**: a write needs a leader and a quorum, a strongly consistent
//!    read a leader, an eventually consistent read any replica that serves reads. Without
//!    them the request fails as DynamoDB's do mid-election (`InternalServerError`).
//! 3. **Admit** it on each partition's buckets, or throttle it — unless it touches an item
//!    a transaction in flight holds (see `in_flight.rs`), which is a conflict.
//! 4. **Choose replicas** for an eventually consistent read (any of the three, by the
//!    seeded RNG) and, if a chosen replica lags, *rewind* the items it has not caught up
//!    on to their before-images.
//! 5. **Run** it on the `Database`, with `ReturnConsumedCapacity` forced to `INDEXES` so
//!    the engine reports what to charge; restore the rewound items; strip what the client
//!    did not ask for.
//! 6. **Charge** the units to the partitions and **log** each write: a record with its
//!    before-image, acknowledged by the leader and the fastest follower, applied by
//!    followers and indexes after sampled lags.
//! 7. **Time** it: a sampled latency, slower for strong reads and writes, slower still on
//!    slow replicas.
//!
//! Table-level operations go straight to the engine; afterwards the service brings its
//! models in line (new tables get partitions, changed throughput splits them, deleted
//! tables go). Everything is recorded as events.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;
use std::sync::Arc;

use dynaplay_sim::{EventQueue, LatencyDistribution, SimDuration, SimRng, SimTime};
use serde_json::Value;

use super::Realism;
use super::admission::{self, ChargeSignals, throttle_error, unavailable_error};
use super::config::ModelConfig;
use super::events::{
    AckedRecord, Consistency, EventKind, EventLog, Few, MissedWrite, Record, RequestRecord,
    ServedRecord, Text, Throttle,
};
use super::faults::ActiveFault;
use super::hash_range::{HashRange, hex};
use super::in_flight::InFlight;
use super::layout::{PARTITION_MAX_BYTES, partitions_for_size, partitions_for_throughput};
use super::log::{LogRecord, Missed};
use super::partition::SplitReason;
use super::replica::ZONES;
use super::replication::Action;
use super::route::{self, Route, Target, member};
use super::table_model::{CapacityMode, TableModel, effective_maximum};
use crate::db::{Answer, Database, ItemsAs, RequestContext};
use crate::error::{DynamoError, ErrorKind};
use crate::key::{KeyValue, PrimaryKey};
use crate::table::{IndexKind, Slot, Table};
use crate::value::{Item, RenderedItems, item_size};

/// What became of one request.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The request's number, as in its [`RequestEvent`](super::events::RequestEvent).
    pub request: u64,
    pub result: Result<Value, DynamoError>,
    /// The response's items as JSON text, when they were asked for as
    /// [`ItemsAs::Text`]: the response holds `null` where they belong.
    pub items: Option<RenderedItems>,
    /// How long the client waits for the answer: the sampled latency with
    /// [`Realism::latency`], zero without.
    pub latency: SimDuration,
    /// Whether an eventually consistent read returned data older than the latest write.
    pub stale: bool,
}

/// DynamoDB as a fleet: the logical [`Database`] plus partitions, replicas, capacity and
/// time.
#[derive(Debug, Clone)]
pub struct DynamoService {
    pub(super) db: Database,
    pub(super) realism: Realism,
    pub(super) config: ModelConfig,
    pub(super) tables: BTreeMap<String, TableModel>,
    /// Which replica serves a read.
    pub(super) route_rng: SimRng,
    /// Response latencies.
    pub(super) latency_rng: SimRng,
    /// Replication lags, elections, splits.
    pub(super) model_rng: SimRng,
    pub(super) actions: EventQueue<Action>,
    pub(super) events: EventLog,
    pub(super) now: SimTime,
    pub(super) next_request: u64,
    pub(super) zones_down: BTreeSet<String>,
    pub(super) faults: Vec<ActiveFault>,
    /// Items held by transactions still in flight (only ever with latency realism).
    pub(super) in_flight: InFlight,
}

/// What a request's latency is made of.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Class {
    Control,
    EventualRead,
    StrongRead,
    Write,
    /// Refused before doing any work (throttled, unavailable).
    Refused,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Timing {
    class: Class,
    /// The slowest serving replica's slow-down.
    factor: f64,
    /// Waiting for the second replica to persist a write.
    quorum: SimDuration,
    transactional: bool,
}

impl Timing {
    fn of(class: Class) -> Timing {
        Timing {
            class,
            factor: 1.0,
            quorum: SimDuration::ZERO,
            transactional: false,
        }
    }
}

/// One partition's part in a request (keys borrowed from its route).
#[derive(Debug, Clone)]
struct PartPlan<'r> {
    index: usize,
    id: u32,
    /// Share of the request's units this partition is charged (0: not charged).
    weight: u32,
    /// Items the request reads or writes here by key.
    keys: Few<(&'r PrimaryKey, u128)>,
    /// Of those, the ones it writes, with their partition keys' hashes.
    logged: Few<(&'r PrimaryKey, u128)>,
    partition_key: Option<&'r KeyValue>,
    range: Option<HashRange>,
    first_hash: Option<u128>,
}

impl<'r> PartPlan<'r> {
    fn new(index: usize, id: u32) -> PartPlan<'r> {
        PartPlan {
            index,
            id,
            weight: 0,
            keys: Few::Empty,
            logged: Few::Empty,
            partition_key: None,
            range: None,
            first_hash: None,
        }
    }

    fn wants(&self, record: &LogRecord) -> bool {
        // Comparing hashes first spares comparing most keys.
        self.keys
            .iter()
            .any(|(key, hash)| *hash == record.hash && **key == record.key)
            || self.partition_key == Some(&record.key.hash)
            || self.range.is_some_and(|r| r.contains(record.hash))
    }
}

#[derive(Debug, Clone)]
struct TablePlan<'r> {
    table: &'r str,
    global_index: Option<&'r str>,
    strong: bool,
    parts: Few<PartPlan<'r>>,
}

/// A write's place in the plans and the item before it.
type BeforeImage<'r> = (usize, usize, &'r PrimaryKey, u128, Option<Item>);

/// A zone's name as text for events.
fn zone_text(zone: &str) -> Text {
    match ZONES.iter().find(|z| **z == zone) {
        Some(zone) => Text::Static(zone),
        None => Text::Shared(Arc::from(zone)),
    }
}

/// Operations that change tables rather than items.
fn is_control(operation: &str) -> bool {
    matches!(operation, "CreateTable" | "DeleteTable" | "UpdateTable")
}

/// A readable key for events: `pk` or `pk/sk`.
pub(super) fn display_key(key: &PrimaryKey) -> String {
    let part = |value: &KeyValue| match value {
        KeyValue::S(s) => s.clone(),
        KeyValue::N(n) => n.to_string(),
        KeyValue::B(b) => b.iter().map(|byte| format!("{byte:02x}")).collect(),
    };
    match &key.range {
        Some(range) => format!("{}/{}", part(&key.hash), part(range)),
        None => part(&key.hash),
    }
}

/// Whether the client left `ReturnConsumedCapacity` out or set it to NONE: the engine is
/// then asked to report capacity anyway (so the model knows what to charge), and the
/// member is removed from the response afterwards.
fn capacity_unasked(request: &Value) -> bool {
    matches!(
        member(request, "ReturnConsumedCapacity").map(Value::as_str),
        None | Some(Some("NONE"))
    )
}

/// The base-table units a response reports for `table`.
fn reported_units(response: &Value, table: &str) -> Option<f64> {
    let consumed = member(response, "ConsumedCapacity")?;
    let names = |e: &&Value| member(e, "TableName").and_then(Value::as_str) == Some(table);
    let entry = match consumed {
        Value::Array(list) => list.iter().find(names),
        other => Some(other).filter(names),
    }?;
    member(entry, "Table")
        .and_then(|t| member(t, "CapacityUnits"))
        .or_else(|| member(entry, "CapacityUnits"))
        .and_then(Value::as_f64)
}

impl DynamoService {
    /// A service around `db`, drawing its randomness from streams forked off `rng`.
    pub fn new(db: Database, mut rng: SimRng) -> DynamoService {
        DynamoService {
            db,
            realism: Realism::OFF,
            config: ModelConfig::default(),
            tables: BTreeMap::new(),
            route_rng: rng.fork(1),
            latency_rng: rng.fork(2),
            model_rng: rng.fork(3),
            actions: EventQueue::new(),
            events: EventLog::default(),
            now: SimTime::ZERO,
            next_request: 0,
            zones_down: BTreeSet::new(),
            faults: Vec::new(),
            in_flight: InFlight::default(),
        }
    }

    /// The logical engine: the truth, as a strongly consistent read sees it.
    pub fn database(&self) -> &Database {
        &self.db
    }

    pub fn realism(&self) -> Realism {
        self.realism
    }

    pub fn set_realism(&mut self, realism: Realism) {
        self.realism = realism;
    }

    pub fn config(&self) -> &ModelConfig {
        &self.config
    }

    pub fn set_config(&mut self, config: ModelConfig) {
        self.config = config;
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    pub fn events(&self) -> &EventLog {
        &self.events
    }

    /// Keeps at most `capacity` events.
    pub fn set_event_capacity(&mut self, capacity: usize) {
        self.events.set_capacity(capacity);
    }

    /// The physical model of table `name`, if it exists.
    pub fn table_model(&self, name: &str) -> Option<&TableModel> {
        self.tables.get(name)
    }

    pub(super) fn emit(&mut self, at: SimTime, kind: EventKind) {
        self.events.push(at, kind);
    }

    pub(super) fn sample(&mut self, distribution: &LatencyDistribution) -> SimDuration {
        distribution.sample(&mut self.model_rng)
    }

    /// Executes `operation` on `request` for `client` at `now` (moving the model there
    /// first; time never goes back).
    pub fn execute(
        &mut self,
        operation: &str,
        request: &Value,
        client: &str,
        now: SimTime,
    ) -> Outcome {
        self.execute_as(operation, request, client, now, ItemsAs::Values)
    }

    /// [`DynamoService::execute`] with the response's items rendered as `items_as` says:
    /// an endpoint that only sends the response on asks for [`ItemsAs::Text`] and finds
    /// them in [`Outcome::items`].
    pub fn execute_as(
        &mut self,
        operation: &str,
        request: &Value,
        client: &str,
        now: SimTime,
        items_as: ItemsAs,
    ) -> Outcome {
        self.advance_to(now);
        let now = self.now;
        self.next_request += 1;
        let id = self.next_request;
        let client = self.events.intern(client);
        let named = self.events.intern(operation);
        let mut event = RequestRecord::new(id, client, named);
        let (result, timing) = match route::route(&self.db, operation, request) {
            Some(route) => {
                self.execute_routed(operation, request, &route, now, items_as, &mut event)
            }
            None => {
                event.table = member(request, "TableName")
                    .and_then(Value::as_str)
                    .map(Arc::from);
                let result = self
                    .db
                    .execute(operation, request, &RequestContext::at(now))
                    .map(Answer::from);
                if result.is_ok() && is_control(operation) {
                    self.sync_all(now);
                }
                (result, Timing::of(Class::Control))
            }
        };
        let sampled = self.latency(timing);
        event.latency_us = sampled.as_micros();
        // A transaction holds its items for as long as its client waits for it.
        if self.realism.latency && operation == "TransactWriteItems" && result.is_ok() {
            self.in_flight.hold(&self.db, request, now, now + sampled);
        }
        if let Err(err) = &result {
            event.rare().error = Some(err.kind.name());
        }
        let stale = event.stale;
        self.events.record(now, Record::Request(event));
        let (result, items) = match result {
            Ok(answer) => (Ok(answer.response), answer.items),
            Err(err) => (Err(err), None),
        };
        Outcome {
            request: id,
            result,
            items,
            latency: if self.realism.latency {
                sampled
            } else {
                SimDuration::ZERO
            },
            stale,
        }
    }

    fn latency(&mut self, timing: Timing) -> SimDuration {
        let distribution = match timing.class {
            Class::Control => &self.config.control,
            Class::EventualRead | Class::Refused => &self.config.eventual_read,
            Class::StrongRead => &self.config.strong_read,
            Class::Write => &self.config.write,
        };
        let mut latency = distribution.sample(&mut self.latency_rng);
        if timing.class == Class::Refused {
            // A refusal is decided at the front door, before any storage work.
            latency = latency.mul_f64(0.5);
        }
        latency = latency.mul_f64(timing.factor) + timing.quorum;
        if timing.transactional {
            latency = latency.saturating_mul(2);
        }
        latency
    }

    fn execute_routed(
        &mut self,
        operation: &str,
        request: &Value,
        route: &Route<'_>,
        now: SimTime,
        items_as: ItemsAs,
        event: &mut RequestRecord,
    ) -> (Result<Answer, DynamoError>, Timing) {
        for table in route.tables.iter() {
            self.sync_table(table.table, now);
        }
        event.table = route
            .tables
            .iter()
            .next()
            .map(|t| self.shared_name(t.table));
        let mut plans: Few<TablePlan<'_>> = Few::Empty;
        for table in route.tables.iter() {
            if let Some(plan) = self.plan(table, route) {
                plans.push(plan);
            }
        }
        let plans = plans.as_slice();
        for plan in plans {
            for part in plan.parts.iter() {
                event.partitions.push(part.id);
            }
        }
        let strong = route.write || route.transactional || plans.iter().any(|p| p.strong);
        event.consistency = Some(if strong {
            Consistency::Strong
        } else {
            Consistency::Eventual
        });
        let mut timing = Timing::of(if route.write {
            Class::Write
        } else if strong {
            Class::StrongRead
        } else {
            Class::EventualRead
        });
        timing.transactional = route.transactional;

        if self.realism.stale_reads && !self.available(plans, route) {
            return (Err(unavailable_error()), Timing::of(Class::Refused));
        }
        if self.realism.latency
            && let Some(err) = self
                .in_flight
                .conflict(&self.db, operation, request, route, now)
        {
            return (Err(err), Timing::of(Class::Refused));
        }
        if let Some(err) = self.admit(plans, route, now, event) {
            return (Err(err), Timing::of(Class::Refused));
        }

        // Before-images of what the request writes.
        let mut writes: Few<BeforeImage<'_>> = Few::Empty;
        if route.write {
            for (t, plan) in plans.iter().enumerate() {
                let table = self.db.table(plan.table);
                for (p, part) in plan.parts.iter().enumerate() {
                    for &(key, hash) in part.logged.iter() {
                        let before = table.and_then(|t| t.get(key)).cloned();
                        writes.push((t, p, key, hash, before));
                    }
                }
            }
        }

        let rewinds = self.choose_replicas(plans, route, event, &mut timing);
        let saved = self.rewind(&rewinds);
        let strip = capacity_unasked(request);
        let ctx = RequestContext {
            now,
            report_capacity: strip,
            items_as,
        };
        let mut result = self.db.answer(operation, request, &ctx);
        self.restore(saved);

        self.charge(plans, route, &result, now, event);
        if route.write && result.is_ok() {
            self.log_writes(plans, writes, now, event, &mut timing);
        }
        if strip
            && let Ok(Answer {
                response: Value::Object(map),
                ..
            }) = &mut result
        {
            map.remove("ConsumedCapacity");
        }
        (result, timing)
    }

    /// Places one table's part of a request on partitions (in key-space order).
    fn plan<'r>(
        &self,
        table_route: &'r route::TableRoute<'_>,
        route: &Route<'_>,
    ) -> Option<TablePlan<'r>> {
        let model = self.tables.get(table_route.table)?;
        let mut parts: Few<PartPlan<'r>> = Few::Empty;
        let mut first_scan_part = None;
        for target in table_route.targets.iter() {
            let range = target.hash_range();
            for index in model.overlapping(range) {
                let Some(partition) = model.partitions.get(index) else {
                    continue;
                };
                let position = match parts.as_slice().binary_search_by_key(&index, |p| p.index) {
                    Ok(position) => position,
                    Err(position) => {
                        parts.insert(position, PartPlan::new(index, partition.id));
                        position
                    }
                };
                let Some(part) = parts.get_mut(position) else {
                    continue;
                };
                match target {
                    Target::Key { key, hash, logged } => {
                        part.weight += 1;
                        part.keys.push((key, *hash));
                        if *logged {
                            part.logged.push((key, *hash));
                        }
                        part.first_hash.get_or_insert(range.start);
                    }
                    Target::PartitionKey(value) => {
                        part.weight += 1;
                        part.partition_key = Some(value);
                        part.first_hash.get_or_insert(range.start);
                    }
                    Target::Range(range) => {
                        part.range = Some(*range);
                        if route.scan && first_scan_part.is_none() {
                            first_scan_part = Some(index);
                            part.weight = 1;
                        }
                    }
                }
            }
        }
        Some(TablePlan {
            table: table_route.table,
            global_index: table_route.global_index.as_deref(),
            strong: table_route.consistent || route.transactional,
            parts,
        })
    }

    /// Whether every partition involved can serve the request now.
    fn available(&self, plans: &[TablePlan<'_>], route: &Route<'_>) -> bool {
        plans.iter().all(|plan| {
            let Some(model) = self.tables.get(plan.table) else {
                return true;
            };
            plan.parts.iter().all(|part| {
                let Some(partition) = model.partitions.get(part.index) else {
                    return true;
                };
                if route.write {
                    partition.has_quorum()
                } else if plan.strong {
                    partition.leader.is_some()
                } else {
                    partition.replicas.iter().any(|r| r.serves_reads())
                }
            })
        })
    }

    /// Admits the request on every partition it is charged to, or returns the throttling
    /// error (when throttling is enforced).
    fn admit(
        &mut self,
        plans: &[TablePlan<'_>],
        route: &Route<'_>,
        now: SimTime,
        event: &mut RequestRecord,
    ) -> Option<DynamoError> {
        let adaptive = self.config.adaptive_capacity;
        for plan in plans {
            let Some(model) = self.tables.get_mut(plan.table) else {
                continue;
            };
            for part in plan.parts.iter().filter(|p| p.weight > 0) {
                let Err(cause) = admission::admit(model, part.index, route.write, now, adaptive)
                else {
                    continue;
                };
                if !self.realism.throttle {
                    continue;
                }
                if let Some(partition) = model.partitions.get_mut(part.index) {
                    partition.lane_mut(route.write).throttled += 1;
                }
                event.rare().throttled = Some(Throttle {
                    partition: part.id,
                    write: route.write,
                    cause,
                });
                return Some(throttle_error(model.mode, cause));
            }
        }
        None
    }

    /// Picks the replicas that serve a read and collects what they have not applied.
    fn choose_replicas<'r>(
        &mut self,
        plans: &[TablePlan<'r>],
        route: &Route<'_>,
        event: &mut RequestRecord,
        timing: &mut Timing,
    ) -> Vec<(&'r str, BTreeMap<PrimaryKey, Missed>)> {
        let mut rewinds = Vec::new();
        for plan in plans {
            let Some(model) = self.tables.get(plan.table) else {
                continue;
            };
            let mut missed_here: BTreeMap<PrimaryKey, Missed> = BTreeMap::new();
            let eventual = !route.write && !plan.strong && self.realism.stale_reads;
            if let Some(index) = plan.global_index.filter(|_| eventual) {
                // A global index has caught up with each partition to its own position.
                for partition in &model.partitions {
                    let applied = partition
                        .index_applied
                        .get(index)
                        .copied()
                        .unwrap_or(partition.committed_lsn);
                    let mut found = BTreeMap::new();
                    partition.log.rewind(applied, |_| true, &mut found);
                    for (key, missed) in found {
                        event.rare().missed.push(MissedWrite {
                            partition: partition.id,
                            lsn: missed.lsn,
                            request: missed.request,
                            key: display_key(&key),
                        });
                        missed_here.entry(key).or_insert(missed);
                    }
                }
            }
            for part in plan.parts.iter() {
                let Some(partition) = model.partitions.get(part.index) else {
                    continue;
                };
                let slot = if eventual && plan.global_index.is_none() {
                    let readers = partition
                        .replicas
                        .iter()
                        .filter(|r| r.serves_reads())
                        .count();
                    self.route_rng.index(readers).and_then(|n| {
                        let serving = partition.replicas.iter().enumerate();
                        serving
                            .filter(|(_, r)| r.serves_reads())
                            .nth(n)
                            .map(|(slot, _)| slot)
                    })
                } else {
                    partition.leader
                };
                let Some(slot) = slot else { continue };
                let Some(replica) = partition.replicas.get(slot) else {
                    continue;
                };
                timing.factor = timing.factor.max(replica.slow);
                if !route.write {
                    event.served_by.push(ServedRecord {
                        partition: partition.id,
                        replica: slot,
                        zone: zone_text(&replica.zone),
                        applied_lsn: replica.applied_lsn,
                        leader: partition.leader == Some(slot),
                    });
                }
                if eventual && plan.global_index.is_none() {
                    let mut found = BTreeMap::new();
                    partition
                        .log
                        .rewind(replica.applied_lsn, |r| part.wants(r), &mut found);
                    for (key, missed) in found {
                        event.rare().missed.push(MissedWrite {
                            partition: partition.id,
                            lsn: missed.lsn,
                            request: missed.request,
                            key: display_key(&key),
                        });
                        missed_here.entry(key).or_insert(missed);
                    }
                }
            }
            if !missed_here.is_empty() {
                event.stale = true;
                rewinds.push((plan.table, missed_here));
            }
        }
        rewinds
    }

    /// Puts the before-images in place; returns what to restore.
    fn rewind<'r>(
        &mut self,
        rewinds: &'r [(&'r str, BTreeMap<PrimaryKey, Missed>)],
    ) -> Vec<(&'r str, &'r PrimaryKey, Option<Item>)> {
        let mut saved = Vec::new();
        for (name, missed) in rewinds {
            let Some(table) = self.db.table_mut(name) else {
                continue;
            };
            for (key, missed) in missed {
                let current = set_item(table, key, missed.before.clone());
                saved.push((*name, key, current));
            }
        }
        saved
    }

    fn restore(&mut self, saved: Vec<(&str, &PrimaryKey, Option<Item>)>) {
        for (name, key, item) in saved.into_iter().rev() {
            if let Some(table) = self.db.table_mut(name) {
                set_item(table, key, item);
            }
        }
    }

    /// Charges what the request consumed to the partitions it was admitted on.
    fn charge(
        &mut self,
        plans: &[TablePlan<'_>],
        route: &Route<'_>,
        result: &Result<Answer, DynamoError>,
        now: SimTime,
        event: &mut RequestRecord,
    ) {
        for plan in plans {
            let weight: u32 = plan.parts.iter().map(|p| p.weight).sum();
            if weight == 0 {
                continue;
            }
            let units = match result {
                Ok(Answer {
                    capacity: Some(capacity),
                    ..
                }) => Some(capacity.table_units()),
                Ok(answer) => reported_units(&answer.response, plan.table),
                // A failed condition still costs the writes it would have made.
                Err(err)
                    if matches!(
                        err.kind,
                        ErrorKind::ConditionalCheckFailed | ErrorKind::TransactionCanceled
                    ) =>
                {
                    let keys = plan
                        .parts
                        .iter()
                        .map(|p| p.logged.as_slice().len())
                        .sum::<usize>();
                    Some(keys.max(1) as f64 * if route.transactional { 2.0 } else { 1.0 })
                }
                Err(_) => None,
            };
            let Some(units) = units else { continue };
            event.consumed += units;
            // Only signals with something in them lead anywhere (see `act_on`).
            let mut signals = Vec::new();
            if let Some(model) = self.tables.get_mut(plan.table) {
                for part in plan.parts.iter().filter(|p| p.weight > 0) {
                    let share = units * f64::from(part.weight) / f64::from(weight);
                    let signal = admission::charge(
                        model,
                        part.index,
                        route.write,
                        share,
                        part.first_hash,
                        now,
                    );
                    if signal != ChargeSignals::default() {
                        signals.push((part.index, signal));
                    }
                }
            }
            for (index, signal) in signals {
                self.act_on(plan.table, index, signal, now);
            }
        }
    }

    fn act_on(&mut self, table: &str, index: usize, signals: ChargeSignals, now: SimTime) {
        if let Some(at) = signals.heat_split_at {
            let allowed = self.config.split_for_heat
                && self.tables.get(table).is_some_and(|m| !m.has_local_index);
            if allowed {
                self.start_split(table, index, at, SplitReason::Heat, now);
            }
        }
        if let Some(wanted) = signals.wants_partitions {
            if let Some(model) = self.tables.get_mut(table) {
                model.wanted_partitions = model.wanted_partitions.max(wanted);
            }
            self.ensure_partitions(table, now);
        }
    }

    /// Appends each write to its partition's log and replicates it.
    fn log_writes(
        &mut self,
        plans: &[TablePlan<'_>],
        writes: Few<BeforeImage<'_>>,
        now: SimTime,
        event: &mut RequestRecord,
        timing: &mut Timing,
    ) {
        let mut grown = Vec::new();
        for (t, p, key, hash, before) in writes {
            let (Some(plan), Some(part)) = (
                plans.get(t),
                plans.get(t).and_then(|plan| plan.parts.as_slice().get(p)),
            ) else {
                continue;
            };
            // The item as written: what the partition now holds of it.
            let after = self
                .db
                .table(plan.table)
                .and_then(|table| table.get(key))
                .map(|item| item_size(item) as u64);
            let Some(model) = self.tables.get_mut(plan.table) else {
                continue;
            };
            let lsn = model.next_lsn;
            model.next_lsn += 1;
            model.version += 1;
            let Some(partition) = model.partitions.get_mut(part.index) else {
                continue;
            };
            let before_size = before.as_ref().map_or(0, |i| item_size(i) as u64);
            partition.size_bytes =
                (partition.size_bytes + after.unwrap_or(0)).saturating_sub(before_size);
            partition.item_count = (partition.item_count + u64::from(after.is_some()))
                .saturating_sub(u64::from(before.is_some()));
            if partition.size_bytes > PARTITION_MAX_BYTES {
                grown.push((plan.table, part.index));
            }
            let record = LogRecord {
                lsn,
                hash,
                key: key.clone(),
                before,
                at: now,
                acked_at: now,
                request: event.request,
            };
            let (replicas, quorum) = self.replicate(plan.table, part.index, record, now);
            timing.quorum = timing.quorum.max(quorum);
            let slow = self
                .tables
                .get(plan.table)
                .and_then(|m| m.partitions.get(part.index))
                .and_then(|p| p.leader_replica())
                .map_or(1.0, |r| r.slow);
            timing.factor = timing.factor.max(slow);
            event.acked.push(AckedRecord {
                partition: part.id,
                lsn,
                key: display_key(key),
                replicas,
            });
        }
        for (table, index) in grown {
            self.split_for_size(table, index, now);
        }
    }

    /// Splits an overgrown partition at the hash that halves its bytes.
    fn split_for_size(&mut self, name: &str, index: usize, now: SimTime) {
        let (Some(model), Some(table)) = (self.tables.get(name), self.db.table(name)) else {
            return;
        };
        let Some(partition) = model.partitions.get(index) else {
            return;
        };
        if let Some(at) = byte_median(table, partition.range) {
            self.start_split(name, index, at, SplitReason::Size, now);
        }
    }

    /// Starts a split and schedules its end.
    pub(super) fn start_split(
        &mut self,
        name: &str,
        index: usize,
        at: u128,
        reason: SplitReason,
        now: SimTime,
    ) {
        let takes = self.sample(&self.config.split.clone());
        let Some(model) = self.tables.get_mut(name) else {
            return;
        };
        if !model.start_split(index, at, reason, now, takes) {
            return;
        }
        let Some(partition) = model.partitions.get(index) else {
            return;
        };
        let id = partition.id;
        let handle = Arc::clone(&model.handle);
        self.actions.schedule(
            now + takes,
            Action::SplitDone {
                table: handle,
                partition: id,
            },
        );
        self.emit(
            now,
            EventKind::SplitStarted {
                table: name.to_string(),
                partition: id,
                reason,
                at: hex(at),
            },
        );
    }

    /// Splits every partition in half (once) if the table needs more partitions than it
    /// has or is getting; called again as splits finish.
    pub(super) fn ensure_partitions(&mut self, name: &str, now: SimTime) {
        let (Some(model), Some(table)) = (self.tables.get(name), self.db.table(name)) else {
            return;
        };
        let required = match model.mode {
            CapacityMode::Provisioned { read, write } => partitions_for_throughput(read, write),
            CapacityMode::OnDemand => model.wanted_partitions,
        }
        .max(partitions_for_size(table.size_bytes()));
        let planned: usize = model
            .partitions
            .iter()
            .map(|p| if p.split.is_some() { 2 } else { 1 })
            .sum();
        if planned >= required as usize {
            return;
        }
        let cuts: Vec<(usize, u128)> = model
            .partitions
            .iter()
            .enumerate()
            .filter(|(_, p)| p.split.is_none())
            .map(|(i, p)| (i, p.range.midpoint()))
            .collect();
        for (index, at) in cuts {
            self.start_split(name, index, at, SplitReason::Throughput, now);
        }
    }

    /// Brings every table model in line with the engine's tables.
    pub(super) fn sync_all(&mut self, now: SimTime) {
        let mut names: BTreeSet<String> = self.db.table_names().map(str::to_string).collect();
        names.extend(self.tables.keys().cloned());
        for name in names {
            self.sync_table(&name, now);
        }
    }

    /// Creates, updates or removes the model of table `name` to match the engine.
    pub(super) fn sync_table(&mut self, name: &str, now: SimTime) {
        let Some(table) = self.db.table(name) else {
            if self.tables.remove(name).is_some() {
                self.emit(now, EventKind::TableRemoved { table: name.into() });
            }
            return;
        };
        let mode = CapacityMode::of(table.def.billing);
        let globals = || {
            table
                .def
                .indexes()
                .filter(|i| i.kind == IndexKind::Global)
                .map(|i| i.name.as_str())
        };
        match self.tables.get_mut(name) {
            Some(model) if model.table_id == table.def.table_id => {
                if model
                    .global_indexes
                    .iter()
                    .map(String::as_str)
                    .ne(globals())
                {
                    model.sync_indexes(table);
                }
                let maximum = effective_maximum(table);
                if model.maximum != maximum {
                    model.set_maximum(maximum, now);
                }
                if model.mode != mode {
                    model.mode = mode;
                    model.reshare(now);
                    let (read, write) = model.capacity();
                    let partitions = u32::try_from(model.partitions.len()).unwrap_or(u32::MAX);
                    self.emit(
                        now,
                        EventKind::ThroughputChanged {
                            table: name.into(),
                            read,
                            write,
                            partitions,
                        },
                    );
                    self.ensure_partitions(name, now);
                }
            }
            _ => {
                let mut model = TableModel::new(table, now);
                for partition in &mut model.partitions {
                    for replica in &mut partition.replicas {
                        replica.zone_down = self.zones_down.contains(&replica.zone);
                    }
                }
                let partitions = u32::try_from(model.partitions.len()).unwrap_or(u32::MAX);
                self.tables.insert(name.to_string(), model);
                self.emit(
                    now,
                    EventKind::TableModelled {
                        table: name.into(),
                        partitions,
                    },
                );
                let indices: Vec<usize> = self
                    .tables
                    .get(name)
                    .map(|m| (0..m.partitions.len()).collect())
                    .unwrap_or_default();
                for index in indices {
                    self.reconcile(name, index, now);
                }
            }
        }
    }
}

/// Sets the item under `key` to `item` (or removes it), returning what was there.
fn set_item(table: &mut Table, key: &PrimaryKey, item: Option<Item>) -> Option<Item> {
    match item {
        Some(item) => table.put(key, item),
        None => table.delete(key),
    }
}

/// The partition-key hash at which the items of `range` are halved by size.
fn byte_median(table: &Table, range: HashRange) -> Option<u128> {
    let start = Slot {
        hash: range.start,
        key: KeyValue::S(String::new()),
    };
    let collections: Vec<(u128, u64)> = table
        .items()
        .slots_from(Bound::Included(&start))
        .take_while(|(slot, _)| slot.hash <= range.end)
        .map(|(slot, items)| (slot.hash, items.values().map(|i| item_size(i) as u64).sum()))
        .collect();
    let total: u64 = collections.iter().map(|(_, bytes)| bytes).sum();
    let mut seen = 0u64;
    for (hash, bytes) in &collections {
        if seen * 2 >= total && *hash > range.start {
            return Some(*hash);
        }
        seen += bytes;
    }
    // One huge item collection: cut just after it.
    collections
        .first()
        .map(|(hash, _)| hash.saturating_add(1))
        .filter(|at| *at <= range.end)
}
