//! The in-process workload: 100,000 items, and the same reads and writes done by the
//! engine and by a plain `BTreeMap`.
//!
//! An engine operation is worth measuring only against something: here, the cheapest
//! thing that could hold the same data, a `BTreeMap` from (partition key, sort key) to a
//! row. Each engine operation is paired with the map doing the same lookup or insert on
//! the same keys in the same order, and the report is the ratio of the two, measured in the
//! same run — a number that says how much the DynamoDB semantics cost (request
//! validation, attribute values, key schema checks, capacity accounting, the response
//! document) and that stays meaningful on a noisy machine.
//!
//! The engine is driven through [`Database::execute`] with `serde_json::Value` requests,
//! its public entry point, and separately through [`Table::get`] and [`Table::put`] to
//! show how much of the cost is the storage itself, and through
//! [`DynamoService::execute`] — the database inside its physical model of partitions,
//! replicas and events, which is what the world and the HTTP endpoint call — to show what
//! the model adds. Keys come from a seeded generator and
//! are prepared before timing, so both sides time only the operation.
//!
//! This file is shared: the criterion benchmark beside it (`engine.rs`) runs it natively,
//! and `crates/bench/benches/wasm_engine.rs` includes it to run the same workload in
//! wasm32.

use std::collections::BTreeMap;

use dynaplay_dynamo::key::PrimaryKey;
use dynaplay_dynamo::physical::DynamoService;
use dynaplay_dynamo::table::Table;
use dynaplay_dynamo::value::{Item, item_from_wire};
use dynaplay_dynamo::{Answer, Database, DynamoError, ItemsAs, RequestContext, Settings};
use dynaplay_sim::{SimDuration, SimRng, SimTime};
use serde_json::{Value, json};

pub const TABLE: &str = "bench";
pub const PARTITIONS: u64 = 10_000;
pub const SORTS: u64 = 10;
pub const ITEMS: u64 = PARTITIONS * SORTS;
/// Requests prepared per operation; the benchmarks cycle through them.
const PREPARED: usize = 4096;
const PAYLOAD_BYTES: usize = 100;

/// What the baseline map stores for an item: the non-key attributes as plain Rust values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub payload: String,
    pub version: u64,
}

type MapKey = (String, u64);

pub fn partition_key(p: u64) -> String {
    format!("user#{p:07}")
}

fn payload(rng: &mut SimRng) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..PAYLOAD_BYTES)
        .map(|_| char::from(rng.pick(ALPHABET).copied().unwrap_or(b'x')))
        .collect()
}

fn item(p: u64, s: u64, row: &Row) -> Value {
    json!({
        "pk": {"S": partition_key(p)},
        "sk": {"N": s.to_string()},
        "payload": {"S": row.payload},
        "version": {"N": row.version.to_string()}
    })
}

/// One request through the physical model, 10 µs of simulated time after the last.
fn through_service(
    service: &mut DynamoService,
    now: &mut SimTime,
    operation: &str,
    request: &Value,
) -> Result<Value, DynamoError> {
    *now += SimDuration::from_micros(10);
    service.execute(operation, request, "bench", *now).result
}

/// A cursor over prepared inputs, so the engine and the map see the same sequence.
#[derive(Debug, Default, Clone, Copy)]
struct Cursor(usize);

impl Cursor {
    fn next(&mut self) -> usize {
        let at = self.0;
        self.0 = (self.0 + 1) % PREPARED;
        at
    }
}

/// A loaded database and map, with prepared requests for each operation.
pub struct Workload {
    db: Database,
    ctx: RequestContext,
    /// The context the HTTP endpoint reads with: items as JSON text.
    text_ctx: RequestContext,
    /// The same table and items behind the physical model, on a clock that moves 10 µs
    /// per request (100,000 requests a second).
    service: DynamoService,
    service_now: SimTime,
    map: BTreeMap<MapKey, Row>,
    get_requests: Vec<Value>,
    put_requests: Vec<Value>,
    query_requests: Vec<Value>,
    get_keys: Vec<PrimaryKey>,
    put_items: Vec<(PrimaryKey, Item)>,
    map_get_keys: Vec<MapKey>,
    map_put_rows: Vec<(MapKey, Row)>,
    map_query_keys: Vec<String>,
    gets: Cursor,
    puts: Cursor,
    queries: Cursor,
}

fn engine_error(what: &str, err: &DynamoError) -> String {
    format!("{what}: {err:?}")
}

impl Workload {
    /// Creates the table and loads [`ITEMS`] items into the engine and into the map.
    pub fn new(seed: u64) -> Result<Workload, String> {
        let mut db = Database::new(Settings::default());
        let ctx = RequestContext::default();
        let create = json!({
            "TableName": TABLE,
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "N"}
            ],
            "KeySchema": [
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"}
            ],
            "BillingMode": "PAY_PER_REQUEST"
        });
        db.execute("CreateTable", &create, &ctx)
            .map_err(|e| engine_error("CreateTable", &e))?;
        let mut service =
            DynamoService::new(Database::new(Settings::default()), SimRng::seed_from(seed));
        let mut service_now = SimTime::ZERO;
        through_service(&mut service, &mut service_now, "CreateTable", &create)
            .map_err(|e| engine_error("CreateTable", &e))?;

        let mut rng = SimRng::seed_from(seed);
        let mut map = BTreeMap::new();
        for p in 0..PARTITIONS {
            for s in 0..SORTS {
                let row = Row {
                    payload: payload(&mut rng),
                    version: 0,
                };
                let request = json!({"TableName": TABLE, "Item": item(p, s, &row)});
                db.execute("PutItem", &request, &ctx)
                    .map_err(|e| engine_error("PutItem", &e))?;
                through_service(&mut service, &mut service_now, "PutItem", &request)
                    .map_err(|e| engine_error("PutItem", &e))?;
                map.insert((partition_key(p), s), row);
            }
        }

        let mut keys = rng.fork(1);
        let mut draw = || {
            let p = keys.range_u64(0..PARTITIONS).unwrap_or(0);
            let s = keys.range_u64(0..SORTS).unwrap_or(0);
            (p, s)
        };
        let table = db.table(TABLE).ok_or("the table was not created")?;
        let schema = table.def.key_schema.clone();

        let mut workload = Workload {
            db: Database::default(),
            ctx,
            text_ctx: RequestContext {
                items_as: ItemsAs::Text,
                ..ctx
            },
            service,
            service_now,
            map,
            get_requests: Vec::with_capacity(PREPARED),
            put_requests: Vec::with_capacity(PREPARED),
            query_requests: Vec::with_capacity(PREPARED),
            get_keys: Vec::with_capacity(PREPARED),
            put_items: Vec::with_capacity(PREPARED),
            map_get_keys: Vec::with_capacity(PREPARED),
            map_put_rows: Vec::with_capacity(PREPARED),
            map_query_keys: Vec::with_capacity(PREPARED),
            gets: Cursor::default(),
            puts: Cursor::default(),
            queries: Cursor::default(),
        };
        for n in 0..PREPARED {
            let (p, s) = draw();
            let key = json!({"pk": {"S": partition_key(p)}, "sk": {"N": s.to_string()}});
            workload
                .get_requests
                .push(json!({"TableName": TABLE, "Key": key}));
            let key = item_from_wire(&key).map_err(|e| engine_error("key", &e))?;
            workload.get_keys.push(
                schema
                    .key_from_request(&key)
                    .map_err(|e| engine_error("key", &e))?,
            );
            workload.map_get_keys.push((partition_key(p), s));

            let (p, s) = draw();
            let row = Row {
                payload: payload(&mut rng),
                version: n as u64 + 1,
            };
            let wire = item(p, s, &row);
            let stored = item_from_wire(&wire).map_err(|e| engine_error("item", &e))?;
            let key = schema
                .key_of_new_item(&stored)
                .map_err(|e| engine_error("item", &e))?;
            workload.put_items.push((key, stored));
            workload
                .put_requests
                .push(json!({"TableName": TABLE, "Item": wire}));
            workload.map_put_rows.push(((partition_key(p), s), row));

            let (p, _) = draw();
            workload.query_requests.push(json!({
                "TableName": TABLE,
                "KeyConditionExpression": "pk = :p",
                "ExpressionAttributeValues": {":p": {"S": partition_key(p)}}
            }));
            workload.map_query_keys.push(partition_key(p));
        }
        workload.db = db;
        Ok(workload)
    }

    /// Starts every operation's key sequence again, so that the engine and the map
    /// benchmarks of one operation visit the same keys in the same order.
    pub fn rewind(&mut self) {
        self.gets = Cursor::default();
        self.puts = Cursor::default();
        self.queries = Cursor::default();
    }

    fn table(&self) -> Option<&Table> {
        self.db.table(TABLE)
    }

    /// GetItem through [`Database::execute`]; the response carries the item.
    pub fn get_item(&mut self) -> Result<Value, DynamoError> {
        let at = self.gets.next();
        let Some(request) = self.get_requests.get(at) else {
            return Ok(Value::Null);
        };
        self.db.execute("GetItem", request, &self.ctx)
    }

    /// PutItem through [`Database::execute`], overwriting an existing item.
    pub fn put_item(&mut self) -> Result<Value, DynamoError> {
        let at = self.puts.next();
        let Some(request) = self.put_requests.get(at) else {
            return Ok(Value::Null);
        };
        self.db.execute("PutItem", request, &self.ctx)
    }

    /// Query of one whole partition (10 items) through [`Database::execute`].
    pub fn query(&mut self) -> Result<Value, DynamoError> {
        let at = self.queries.next();
        let Some(request) = self.query_requests.get(at) else {
            return Ok(Value::Null);
        };
        self.db.execute("Query", request, &self.ctx)
    }

    /// GetItem through [`Database::answer`] with the item written as JSON text, as the HTTP
    /// endpoint asks for it.
    pub fn get_item_text(&mut self) -> Result<Answer, DynamoError> {
        let at = self.gets.next();
        let request = self.get_requests.get(at).unwrap_or(&Value::Null);
        self.db.answer("GetItem", request, &self.text_ctx)
    }

    /// Query through [`Database::answer`] with the items written as JSON text, as the HTTP
    /// endpoint asks for them.
    pub fn query_text(&mut self) -> Result<Answer, DynamoError> {
        let at = self.queries.next();
        let request = self.query_requests.get(at).unwrap_or(&Value::Null);
        self.db.answer("Query", request, &self.text_ctx)
    }

    /// GetItem through [`DynamoService::execute`].
    pub fn service_get_item(&mut self) -> Result<Value, DynamoError> {
        let at = self.gets.next();
        let Some(request) = self.get_requests.get(at) else {
            return Ok(Value::Null);
        };
        through_service(&mut self.service, &mut self.service_now, "GetItem", request)
    }

    /// PutItem through [`DynamoService::execute`].
    pub fn service_put_item(&mut self) -> Result<Value, DynamoError> {
        let at = self.puts.next();
        let Some(request) = self.put_requests.get(at) else {
            return Ok(Value::Null);
        };
        through_service(&mut self.service, &mut self.service_now, "PutItem", request)
    }

    /// Query through [`DynamoService::execute`].
    pub fn service_query(&mut self) -> Result<Value, DynamoError> {
        let at = self.queries.next();
        let Some(request) = self.query_requests.get(at) else {
            return Ok(Value::Null);
        };
        through_service(&mut self.service, &mut self.service_now, "Query", request)
    }

    /// [`Table::get`], returning a copy of the item as GetItem must.
    pub fn table_get(&mut self) -> Option<Item> {
        let at = self.gets.next();
        let key = self.get_keys.get(at)?;
        self.table()?.get(key).cloned()
    }

    /// [`Table::put`] of a prepared item (the engine's own types, no JSON).
    pub fn table_put(&mut self) -> Option<Item> {
        let at = self.puts.next();
        let (key, item) = self.put_items.get(at)?.clone();
        self.db.table_mut(TABLE)?.put(&key, item)
    }

    /// The map's GetItem: a lookup and a copy of the row.
    pub fn map_get(&mut self) -> Option<Row> {
        let at = self.gets.next();
        let key = self.map_get_keys.get(at)?;
        self.map.get(key).cloned()
    }

    /// The map's PutItem: an insert of an owned key and row, replacing the old row.
    pub fn map_put(&mut self) -> Option<Row> {
        let at = self.puts.next();
        let (key, row) = self.map_put_rows.get(at)?.clone();
        self.map.insert(key, row)
    }

    /// The map's Query: copies of every row of one partition, in sort-key order.
    pub fn map_query(&mut self) -> Vec<Row> {
        let at = self.queries.next();
        let Some(p) = self.map_query_keys.get(at) else {
            return Vec::new();
        };
        self.map
            .range((p.clone(), 0)..=(p.clone(), u64::MAX))
            .map(|(_, row)| row.clone())
            .collect()
    }

    /// Items in the engine's table and in the map, which must agree.
    pub fn counts(&self) -> (u64, usize) {
        (self.table().map_or(0, Table::item_count), self.map.len())
    }

    /// Items in the physical model's database.
    pub fn service_count(&self) -> u64 {
        self.service
            .database()
            .table(TABLE)
            .map_or(0, Table::item_count)
    }
}

/// Per-iteration times of one benchmark's samples, in nanoseconds.
#[derive(Debug, Default, Clone)]
pub struct Samples(Vec<f64>);

impl Samples {
    pub fn record(&mut self, total_nanos: f64, iterations: u64) {
        if iterations > 0 {
            self.0.push(total_nanos / iterations as f64);
        }
    }

    /// The fastest of the last `n` samples (the measurement; earlier ones are warm-up).
    /// Each sample is the mean of many iterations, so this is no lucky outlier; and on a
    /// shared machine other work only ever adds time, so the fastest sample is the one
    /// least disturbed.
    pub fn fastest_of_last(&self, n: usize) -> Option<f64> {
        self.0.iter().rev().take(n).copied().min_by(f64::total_cmp)
    }
}

fn human(nanos: f64) -> String {
    if nanos >= 1000.0 {
        format!("{:.2} µs", nanos / 1000.0)
    } else {
        format!("{nanos:.0} ns")
    }
}

/// `GetItem: 1.23 µs vs BTreeMap 0.21 µs = 5.9×`.
pub fn summary_line(name: &str, engine_nanos: f64, map_nanos: f64) -> String {
    let ratio = if map_nanos > 0.0 {
        engine_nanos / map_nanos
    } else {
        f64::NAN
    };
    format!(
        "{name}: {} vs BTreeMap {} = {ratio:.1}×",
        human(engine_nanos),
        human(map_nanos)
    )
}
