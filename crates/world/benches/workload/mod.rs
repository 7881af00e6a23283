//! The generated-traffic workload both speed measurements run: the native benchmark
//! (`benches/traffic.rs`) and the browser one (`tests/browser_traffic.rs`).
//!
//! One mix — 80% GetItem, 20% PutItem of 100-byte items over 10,000 uniformly chosen keys
//! of an on-demand table — run three ways against the same clock: straight through
//! `Database::execute` (the baseline: the logical engine alone), and as a traffic generator
//! inside a `World` with realism off (the model maintained, not felt) and with every
//! realistic behaviour on (routing, buckets, replication logs, follower and index lags,
//! stale-read rewinding, latency sampling, events). What counts is each world figure as a
//! ratio to the baseline measured in the same run: the machine's speed and load cancel out.
//!
//! The clock is passed in — `Instant` natively, the page's clock in a browser — so the
//! workload itself stays free of anything platform-specific.

use dynaplay_sim::SimRng;
use dynaplay_world::dynamo::{Database, RequestContext};
use dynaplay_world::{KeySkew, Realism, SimDuration, SimTime, TrafficSpec, World};
use serde_json::json;

/// Operations in each of the three runs.
pub const OPS: u64 = 400_000;
/// Distinct partition keys.
pub const KEYS: u64 = 10_000;
/// Simulated operations per second the world must reach natively.
pub const NATIVE_TARGET: f64 = 200_000.0;
/// Simulated operations per second the world must reach in a browser.
#[allow(dead_code)] // read by the browser measurement (tests/browser_traffic.rs), not the native bench
pub const BROWSER_TARGET: f64 = 100_000.0;

/// Seconds on some clock, as a float.
pub type Clock<'a> = &'a dyn Fn() -> f64;

fn create_table() -> serde_json::Value {
    json!({
        "TableName": "bench",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    })
}

/// Operations per second of the mix straight through `Database::execute`.
pub fn baseline(ops: u64, clock: Clock<'_>) -> f64 {
    let mut db = Database::default();
    let ctx = RequestContext::at(SimTime::ZERO);
    db.execute("CreateTable", &create_table(), &ctx).unwrap();
    let mut rng = SimRng::seed_from(1);
    let payload = "x".repeat(100);
    let mut get = json!({"TableName": "bench", "Key": {"pk": {"S": ""}}});
    let mut put =
        json!({"TableName": "bench", "Item": {"pk": {"S": ""}, "payload": {"S": payload}}});
    let start = clock();
    for _ in 0..ops {
        let key = json!({"S": format!("key-{}", rng.range_u64(0..KEYS).unwrap())});
        if rng.chance(0.8) {
            get["Key"]["pk"] = key;
            std::hint::black_box(db.execute("GetItem", &get, &ctx).ok());
        } else {
            put["Item"]["pk"] = key;
            std::hint::black_box(db.execute("PutItem", &put, &ctx).ok());
        }
    }
    ops as f64 / (clock() - start)
}

/// Simulated operations per second of the mix as generated traffic in a world that
/// feels `realism`, and how many of its reads were stale.
pub fn world(realism: Realism, ops: u64, clock: Clock<'_>) -> (f64, u64) {
    let mut world = World::with_realism(1, realism);
    world.execute("CreateTable", &create_table()).unwrap();
    // 10,000 requests per simulated second: the table's capacity, not the generator, is
    // the limit the model watches.
    world
        .start_traffic(TrafficSpec {
            table: "bench".into(),
            rate: 10_000.0,
            read_fraction: 0.8,
            keys: KEYS,
            skew: KeySkew::Uniform,
            ..TrafficSpec::default()
        })
        .unwrap();
    let start = clock();
    let mut issued = 0;
    while issued < ops {
        world.advance(SimDuration::from_millis(100));
        issued = world.traffic().map_or(0, |(_, stats)| stats.issued);
    }
    let rate = issued as f64 / (clock() - start);
    (rate, world.traffic().map_or(0, |(_, stats)| stats.stale))
}

/// The three runs' figures.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    pub engine: f64,
    pub off: f64,
    pub all: f64,
    pub stale: u64,
}

/// Runs the baseline and both worlds, `ops` operations each.
pub fn run(ops: u64, clock: Clock<'_>) -> Figures {
    let engine = baseline(ops, clock);
    let (off, _) = world(Realism::OFF, ops, clock);
    let (all, stale) = world(Realism::ALL, ops, clock);
    Figures {
        engine,
        off,
        all,
        stale,
    }
}

impl Figures {
    /// The figures as printed, measured against `target` operations per second.
    pub fn report(&self, target: f64) -> String {
        let Figures {
            engine,
            off,
            all,
            stale,
        } = *self;
        let mut text = format!(
            "engine alone (Database::execute):      {engine:>10.0} ops/s\n\
             world, realism off (model maintained): {off:>10.0} ops/s  ({:.2}x of the engine)\n\
             world, realism all:                    {all:>10.0} ops/s  ({:.2}x of the engine; {stale} stale reads)",
            off / engine,
            all / engine,
        );
        if all < target {
            text.push_str(&format!("\nbelow the {target:.0} ops/s target"));
        }
        text
    }
}
