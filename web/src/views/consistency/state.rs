//! The Consistency view's state: the timeline of operations per client, the demo clients'
//! commands, and the staleness experiment's results.
//!
//! The timeline is built from the world's event ring. On every revision the view asks the
//! reducer to [`ConsistencyAction::Sync`]; only events after the last one seen are read,
//! and each request event becomes a [`TimelineOp`] in its client's lane (the newest
//! [`LANE_CAPACITY`] per client are kept). A stale read carries the writes it missed —
//! their request numbers — which is how the view links a stale read to the write it did
//! not see. Events the ring dropped before this view read them (a long time away from the
//! view under heavy traffic) are noted rather than pretended.
//!
//! The demo clients — a writer, an eventually consistent reader and a strongly consistent
//! reader — send ordinary UpdateItem and GetItem requests at the world's current instant,
//! each under its own client name, so their requests are told apart in the events. What
//! each wrote or read is remembered by request number for the details.

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use dynaplay_world::dynamo::key::ScalarType;
use dynaplay_world::dynamo::physical::events::{Consistency, EventKind, MissedWrite, RequestEvent};
use dynaplay_world::{SimTime, World};
use serde_json::{Map, Value, json};

use super::experiment::{self, ExperimentSpec, Point};
use crate::requests;
use crate::views::partitions::state::{Notice, Touched};

/// Operations kept per client.
pub const LANE_CAPACITY: usize = 60;
/// Clients given a lane; requests of further clients are left off the timeline.
pub const MAX_CLIENTS: usize = 8;
/// Stale reads kept in the list.
pub const STALE_KEPT: usize = 40;
/// Writes kept, whatever their lane, so that a stale read can still name the write it
/// missed after the write's lane has moved on.
pub const WRITES_KEPT: usize = 400;
/// Values remembered for the demo clients' requests.
const VALUES_KEPT: usize = 400;

pub const WRITER: &str = "writer";
pub const EVENTUAL_READER: &str = "eventual-reader";
pub const STRONG_READER: &str = "strong-reader";
/// The generator's client name (see `dynaplay_world::traffic`).
pub const TRAFFIC: &str = "traffic";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    Write,
    EventualRead,
    StrongRead,
}

/// One request on the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineOp {
    pub request: u64,
    pub at: SimTime,
    pub client: String,
    pub operation: String,
    pub table: Option<String>,
    pub kind: OpKind,
    pub stale: bool,
    pub missed: Vec<MissedWrite>,
    /// Which replica answered a read: `r1 in us-east-1b (applied 41)`.
    pub served_by: Option<String>,
    /// The log position of the (first) record a write appended.
    pub lsn: Option<u64>,
    /// The key a write wrote (from the log) or a demo client read.
    pub key: Option<String>,
    /// What a demo client wrote or read (`v = 3`, `no item`).
    pub value: Option<String>,
    /// The exception name of a failed request.
    pub error: Option<String>,
    pub latency_us: u64,
}

impl TimelineOp {
    fn from_event(request: &RequestEvent, at: SimTime) -> Option<TimelineOp> {
        let consistency = request.consistency?;
        let write = !request.acked.is_empty() || is_write(&request.operation);
        let kind = match (write, consistency) {
            (true, _) => OpKind::Write,
            (false, Consistency::Eventual) => OpKind::EventualRead,
            (false, Consistency::Strong) => OpKind::StrongRead,
        };
        Some(TimelineOp {
            request: request.request,
            at,
            client: request.client.clone(),
            operation: request.operation.clone(),
            table: request.table.clone(),
            kind,
            stale: request.stale,
            missed: request.missed.clone(),
            served_by: request.served_by.first().map(|s| {
                format!(
                    "r{} of p{} in {} ({}, applied {})",
                    s.replica,
                    s.partition,
                    s.zone,
                    if s.leader { "leader" } else { "follower" },
                    s.applied_lsn
                )
            }),
            lsn: request.acked.first().map(|a| a.lsn),
            key: request.acked.first().map(|a| a.key.clone()),
            value: None,
            error: request.error.clone(),
            latency_us: request.latency_us,
        })
    }
}

fn is_write(operation: &str) -> bool {
    matches!(
        operation,
        "PutItem" | "UpdateItem" | "DeleteItem" | "BatchWriteItem" | "TransactWriteItems"
    )
}

/// One client's recent operations, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    pub client: String,
    pub ops: VecDeque<Rc<TimelineOp>>,
}

/// What the demo clients can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientOp {
    Write,
    EventualRead,
    StrongRead,
    /// A write, then three eventually consistent reads at the same instant.
    WriteThenReads,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ConsistencyAction {
    /// Reads the events since the last sync.
    Sync,
    SelectTable(String),
    SetKey(String),
    Client(ClientOp),
    /// Selects a request on the timeline (or nothing).
    Select(Option<u64>),
    SetHideTraffic(bool),
    ClearTimeline,
    RunExperiment(ExperimentSpec),
    ClearExperiment,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConsistencyState {
    pub lanes: Vec<Lane>,
    /// Stale reads, newest last.
    pub stale: VecDeque<Rc<TimelineOp>>,
    /// Writes, newest last.
    pub writes: VecDeque<Rc<TimelineOp>>,
    /// The last event sequence number read.
    pub seen: u64,
    /// Events were dropped from the ring before this view read them.
    pub gap: bool,
    pub hide_traffic: bool,
    pub selected: Option<u64>,
    /// The demo clients' table (`None`: the first table) and key.
    pub table: Option<String>,
    pub key: String,
    /// The last value the writer wrote.
    pub written: u64,
    /// What the demo clients wrote or read, by request number.
    values: BTreeMap<u64, (String, String)>,
    pub notice: Option<Notice>,
    /// Experiment results by delay in milliseconds.
    pub points: BTreeMap<u32, Point>,
    pub experiments_run: u64,
}

impl Default for ConsistencyState {
    fn default() -> Self {
        ConsistencyState {
            lanes: Vec::new(),
            stale: VecDeque::new(),
            writes: VecDeque::new(),
            seen: 0,
            gap: false,
            hide_traffic: false,
            selected: None,
            table: None,
            key: "key-1".into(),
            written: 0,
            values: BTreeMap::new(),
            notice: None,
            points: BTreeMap::new(),
            experiments_run: 0,
        }
    }
}

impl ConsistencyState {
    /// Whether `action` would change nothing (a sync with no new events), so the reducer
    /// can keep its state and skip a render.
    pub fn is_noop(&self, world: &RefCell<World>, action: &ConsistencyAction) -> bool {
        *action == ConsistencyAction::Sync
            && world
                .try_borrow()
                .is_ok_and(|w| w.dynamo_service().events().last_seq() == self.seen)
    }

    pub fn apply(&mut self, world: &RefCell<World>, action: ConsistencyAction) -> Touched {
        match action {
            ConsistencyAction::Sync => {
                if let Ok(world) = world.try_borrow() {
                    self.sync(&world);
                }
                Touched::NOTHING
            }
            ConsistencyAction::SelectTable(name) => {
                self.table = Some(name);
                Touched::NOTHING
            }
            ConsistencyAction::SetKey(key) => {
                self.key = key;
                Touched::NOTHING
            }
            ConsistencyAction::Select(request) => {
                self.selected = request;
                Touched::NOTHING
            }
            ConsistencyAction::SetHideTraffic(hide) => {
                self.hide_traffic = hide;
                Touched::NOTHING
            }
            ConsistencyAction::ClearTimeline => {
                self.lanes.clear();
                self.stale.clear();
                self.writes.clear();
                self.selected = None;
                self.gap = false;
                Touched::NOTHING
            }
            ConsistencyAction::Client(op) => self.client(world, op),
            ConsistencyAction::RunExperiment(spec) => {
                self.experiments_run += 1;
                let seed = world
                    .try_borrow()
                    .map(|w| w.seed())
                    .unwrap_or_default()
                    .wrapping_mul(1_000)
                    .wrapping_add(self.experiments_run);
                match experiment::run(seed, &spec) {
                    Ok(points) => {
                        let count = points.len();
                        for point in points {
                            self.points.insert(point.delay_ms, point);
                        }
                        self.notice = Some(Notice {
                            ok: true,
                            text: format!(
                                "Ran {} trials at {count} delay{} in a lab world seeded {seed}.",
                                spec.trials,
                                if count == 1 { "" } else { "s" }
                            ),
                        });
                    }
                    Err(message) => {
                        self.notice = Some(Notice {
                            ok: false,
                            text: message,
                        });
                    }
                }
                Touched::NOTHING
            }
            ConsistencyAction::ClearExperiment => {
                self.points.clear();
                Touched::NOTHING
            }
        }
    }

    /// Reads every event after the last one seen.
    pub fn sync(&mut self, world: &World) {
        let last = world.dynamo_service().events().last_seq();
        if last == self.seen {
            return;
        }
        let mut first = None;
        for event in world.events_since(self.seen) {
            first.get_or_insert(event.seq);
            if let EventKind::Request(request) = &event.kind
                && let Some(mut op) = TimelineOp::from_event(request, event.at)
            {
                if let Some((key, value)) = self.values.get(&op.request) {
                    op.key = Some(key.clone());
                    op.value = Some(value.clone());
                }
                self.push(op);
            }
        }
        if first.is_some_and(|seq| seq > self.seen + 1) && self.seen > 0 {
            self.gap = true;
        }
        self.seen = last;
    }

    fn push(&mut self, op: TimelineOp) {
        let op = Rc::new(op);
        if op.kind == OpKind::Write {
            self.writes.push_back(op.clone());
            if self.writes.len() > WRITES_KEPT {
                self.writes.pop_front();
            }
        }
        if op.stale {
            self.stale.push_back(op.clone());
            if self.stale.len() > STALE_KEPT {
                self.stale.pop_front();
            }
        }
        let lane = match self.lanes.iter().position(|l| l.client == op.client) {
            Some(index) => self.lanes.get_mut(index),
            None if self.lanes.len() < MAX_CLIENTS => {
                self.lanes.push(Lane {
                    client: op.client.clone(),
                    ops: VecDeque::new(),
                });
                self.lanes.last_mut()
            }
            None => None,
        };
        if let Some(lane) = lane {
            lane.ops.push_back(op);
            if lane.ops.len() > LANE_CAPACITY {
                lane.ops.pop_front();
            }
        }
    }

    /// The request numbered `request`, if it is still on the timeline.
    pub fn find(&self, request: u64) -> Option<&Rc<TimelineOp>> {
        self.lanes
            .iter()
            .flat_map(|lane| lane.ops.iter())
            .chain(self.stale.iter())
            .chain(self.writes.iter())
            .find(|op| op.request == request)
    }

    /// Every write on the timeline that `read` missed. The model names, per key, the
    /// oldest write the serving replica had not applied; a replica applies its log in
    /// order, so it also missed every later write to that key made before the read.
    pub fn missed_writes(&self, read: &TimelineOp) -> Vec<MissedWrite> {
        let mut missed = read.missed.clone();
        for first in &read.missed {
            let later = self
                .writes
                .iter()
                .filter(|op| {
                    op.table == read.table
                        && op.key.as_deref() == Some(first.key.as_str())
                        && op.request < read.request
                        && op.lsn.is_some_and(|lsn| lsn > first.lsn)
                })
                .map(|op| MissedWrite {
                    partition: first.partition,
                    lsn: op.lsn.unwrap_or(first.lsn),
                    request: op.request,
                    key: first.key.clone(),
                });
            missed.extend(later);
        }
        missed.sort_by_key(|m| m.request);
        missed.dedup_by_key(|m| m.request);
        missed
    }

    /// The newest `count` operations of the lanes shown, oldest first.
    pub fn recent(&self, count: usize) -> Vec<Rc<TimelineOp>> {
        let mut ops: Vec<Rc<TimelineOp>> = self
            .shown_lanes()
            .flat_map(|lane| lane.ops.iter().cloned())
            .collect();
        ops.sort_by_key(|op| op.request);
        let skip = ops.len().saturating_sub(count);
        ops.split_off(skip)
    }

    /// The lanes on screen: every client's, or all but the generator's.
    pub fn shown_lanes(&self) -> impl Iterator<Item = &Lane> {
        self.lanes
            .iter()
            .filter(|lane| !(self.hide_traffic && lane.client == TRAFFIC))
    }

    /// The demo clients' table among `tables`: the chosen one while it exists.
    pub fn table_among<'a>(&'a self, tables: &'a [String]) -> Option<&'a str> {
        self.table
            .as_deref()
            .filter(|chosen| tables.iter().any(|t| t == chosen))
            .or_else(|| tables.first().map(String::as_str))
    }

    fn client(&mut self, world: &RefCell<World>, op: ClientOp) -> Touched {
        let tables: Vec<String> = match world.try_borrow() {
            Ok(w) => w.dynamo().table_names().map(str::to_string).collect(),
            Err(_) => return Touched::NOTHING,
        };
        let Some(table) = self.table_among(&tables).map(str::to_string) else {
            self.notice = Some(Notice {
                ok: false,
                text: "There is no table for the clients to use: create one first.".into(),
            });
            return Touched::NOTHING;
        };
        let key = match key_for(world, &table, &self.key) {
            Ok(key) => key,
            Err(text) => {
                self.notice = Some(Notice { ok: false, text });
                return Touched::NOTHING;
            }
        };
        let steps: &[ClientOp] = match op {
            ClientOp::WriteThenReads => &[
                ClientOp::Write,
                ClientOp::EventualRead,
                ClientOp::EventualRead,
                ClientOp::EventualRead,
            ],
            ClientOp::Write => &[ClientOp::Write],
            ClientOp::EventualRead => &[ClientOp::EventualRead],
            ClientOp::StrongRead => &[ClientOp::StrongRead],
        };
        let mut touched = Touched::WORLD;
        self.notice = None;
        for step in steps {
            match self.client_step(world, &table, &key, *step) {
                Ok(wrote) => {
                    if wrote {
                        touched = Touched::DATA;
                    }
                }
                Err(text) => {
                    self.notice = Some(Notice { ok: false, text });
                    break;
                }
            }
        }
        if let Ok(world) = world.try_borrow() {
            self.sync(&world);
        }
        touched
    }

    /// Sends one demo client's request; true if it wrote.
    fn client_step(
        &mut self,
        world: &RefCell<World>,
        table: &str,
        key: &Map<String, Value>,
        step: ClientOp,
    ) -> Result<bool, String> {
        let (client, operation, body) = match step {
            ClientOp::Write => {
                let value = self.written + 1;
                (
                    WRITER,
                    "UpdateItem",
                    json!({
                        "TableName": table,
                        "Key": key,
                        "UpdateExpression": "SET #v = :v",
                        "ExpressionAttributeNames": {"#v": "v"},
                        "ExpressionAttributeValues": {":v": {"N": value.to_string()}}
                    }),
                )
            }
            ClientOp::EventualRead | ClientOp::WriteThenReads => (
                EVENTUAL_READER,
                "GetItem",
                json!({"TableName": table, "Key": key}),
            ),
            ClientOp::StrongRead => (
                STRONG_READER,
                "GetItem",
                json!({"TableName": table, "Key": key, "ConsistentRead": true}),
            ),
        };
        let outcome = requests::execute_as(world, operation, &body, client);
        let response = outcome.result.map_err(|e| {
            format!(
                "{client}'s {operation} failed: {}: {}",
                e.kind.name(),
                e.message
            )
        })?;
        let wrote = operation == "UpdateItem";
        let value = if wrote {
            self.written += 1;
            format!("wrote v = {}", self.written)
        } else {
            match response
                .get("Item")
                .and_then(|item| item.get("v"))
                .and_then(|v| v.get("N"))
            {
                Some(Value::String(n)) => format!("read v = {n}"),
                _ if response.get("Item").is_some() => "read the item without v".into(),
                _ => "read no item".into(),
            }
        };
        self.values
            .insert(outcome.request, (self.key.clone(), value));
        while self.values.len() > VALUES_KEPT {
            self.values.pop_first();
        }
        Ok(wrote)
    }
}

/// The `Key` of the demo clients' item in `table`: the typed text as the partition key
/// (and a fixed sort key if the table has one).
fn key_for(world: &RefCell<World>, table: &str, text: &str) -> Result<Map<String, Value>, String> {
    let world = world
        .try_borrow()
        .map_err(|_| "The world is busy; try again.".to_string())?;
    let def = &world
        .dynamo()
        .table(table)
        .ok_or_else(|| format!("There is no table named {table}."))?
        .def;
    let scalar = |scalar: ScalarType, text: &str| match scalar {
        ScalarType::S => json!({"S": text}),
        ScalarType::N => json!({"N": text}),
        ScalarType::B => json!({"B": text}),
    };
    let mut key = Map::new();
    key.insert(
        def.key_schema.hash.name.clone(),
        scalar(def.key_schema.hash.scalar_type, text),
    );
    if let Some(range) = &def.key_schema.range {
        let fixed = if range.scalar_type == ScalarType::B {
            "AA=="
        } else {
            "0"
        };
        key.insert(range.name.clone(), scalar(range.scalar_type, fixed));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynaplay_world::Realism;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn world_with_table() -> RefCell<World> {
        let world = RefCell::new(World::with_realism(
            1,
            Realism {
                stale_reads: true,
                ..Realism::OFF
            },
        ));
        requests::execute(
            &world,
            "CreateTable",
            &json!({
                "TableName": "Accounts",
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                "BillingMode": "PAY_PER_REQUEST"
            }),
        )
        .unwrap();
        world
    }

    #[wasm_bindgen_test]
    fn a_read_right_after_a_write_is_flagged_stale_and_names_the_write_it_missed() {
        let world = world_with_table();
        let mut state = ConsistencyState::default();
        let mut stale_found = false;
        for _ in 0..5 {
            assert_eq!(
                state.apply(&world, ConsistencyAction::Client(ClientOp::WriteThenReads)),
                Touched::DATA
            );
            if let Some(stale) = state.stale.back() {
                let missed = stale.missed.first().unwrap();
                let write = state.find(missed.request).unwrap();
                assert_eq!(write.kind, OpKind::Write);
                assert_eq!(write.client, WRITER);
                assert_eq!(write.lsn, Some(missed.lsn));
                assert_eq!(stale.client, EVENTUAL_READER);
                assert!(
                    stale.value.as_ref().unwrap().starts_with("read"),
                    "{:?}",
                    stale.value
                );
                stale_found = true;
                break;
            }
        }
        assert!(
            stale_found,
            "followers have not applied a write made this instant"
        );
        // More writes, then reads until one misses at least two of them.
        let mut several = false;
        for _ in 0..10 {
            state.apply(&world, ConsistencyAction::Client(ClientOp::WriteThenReads));
            let Some(stale) = state.stale.back().cloned() else {
                continue;
            };
            let missed = state.missed_writes(&stale);
            let writes: Vec<u64> = missed.iter().map(|m| m.request).collect();
            assert!(writes.windows(2).all(|w| w[0] < w[1]), "{writes:?}");
            for m in &missed {
                let write = state.find(m.request).unwrap();
                assert_eq!((write.kind, write.lsn), (OpKind::Write, Some(m.lsn)));
                assert!(m.request < stale.request);
            }
            if missed.len() >= 2 {
                several = true;
                break;
            }
        }
        assert!(
            several,
            "a replica that applied neither of two writes missed both"
        );
        let clients: Vec<&str> = state.lanes.iter().map(|l| l.client.as_str()).collect();
        assert_eq!(
            clients,
            [WRITER, EVENTUAL_READER],
            "table operations are not on the timeline"
        );
        // A strong read always sees the latest write.
        state.apply(&world, ConsistencyAction::Client(ClientOp::StrongRead));
        let strong = state
            .lanes
            .iter()
            .find(|l| l.client == STRONG_READER)
            .unwrap();
        let read = strong.ops.back().unwrap();
        assert!(!read.stale);
        assert_eq!(read.kind, OpKind::StrongRead);
        assert_eq!(
            read.value.as_deref(),
            Some(format!("read v = {}", state.written).as_str())
        );
    }

    #[wasm_bindgen_test]
    fn syncing_reads_only_new_events_and_notes_a_gap() {
        let world = world_with_table();
        let mut state = ConsistencyState::default();
        assert!(!state.is_noop(&world, &ConsistencyAction::Sync));
        state.apply(&world, ConsistencyAction::Sync);
        assert!(state.is_noop(&world, &ConsistencyAction::Sync));
        world.borrow_mut().set_event_capacity(2);
        for _ in 0..5 {
            requests::execute(
                &world,
                "GetItem",
                &json!({"TableName": "Accounts", "Key": {"id": {"S": "a"}}}),
            )
            .unwrap();
        }
        state.apply(&world, ConsistencyAction::Sync);
        assert!(
            state.gap,
            "three reads were dropped before the view saw them"
        );
        let reads = state.lanes.iter().find(|l| l.client == "console").unwrap();
        assert_eq!(
            reads
                .ops
                .iter()
                .filter(|op| op.kind == OpKind::EventualRead)
                .count(),
            2
        );
    }

    #[wasm_bindgen_test]
    fn lanes_keep_the_newest_and_traffic_can_be_hidden() {
        let mut state = ConsistencyState::default();
        for n in 0..(LANE_CAPACITY as u64 + 5) {
            for client in [TRAFFIC, WRITER] {
                let mut op = TimelineOp {
                    request: n * 2 + u64::from(client == WRITER),
                    at: SimTime::ZERO,
                    client: client.into(),
                    operation: "GetItem".into(),
                    table: None,
                    kind: OpKind::EventualRead,
                    stale: false,
                    missed: Vec::new(),
                    served_by: None,
                    lsn: None,
                    key: None,
                    value: None,
                    error: None,
                    latency_us: 0,
                };
                op.stale = n % 10 == 0;
                state.push(op);
            }
        }
        assert!(state.lanes.iter().all(|l| l.ops.len() == LANE_CAPACITY));
        assert_eq!(state.recent(4).len(), 4);
        state.hide_traffic = true;
        assert!(state.recent(100).iter().all(|op| op.client == WRITER));
        assert_eq!(state.stale.len(), 14);
    }

    #[wasm_bindgen_test]
    fn keys_follow_the_tables_schema() {
        let world = world_with_table();
        let key = key_for(&world, "Accounts", "alice").unwrap();
        assert_eq!(Value::Object(key), json!({"id": {"S": "alice"}}));
        assert!(key_for(&world, "Nope", "x").is_err());
    }
}
