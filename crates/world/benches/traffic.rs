//! How fast the world simulates generated traffic, against the bare engine.
//!
//! `cargo bench -p dynaplay-world --bench traffic` runs the same mix — 80% GetItem,
//! 20% PutItem of 100-byte items over 10,000 uniformly chosen keys of an on-demand
//! table — twice: straight through `Database::execute` (the baseline: the logical engine
//! alone), and as a traffic generator inside a `World` with every realistic behaviour on
//! (routing, buckets, replication logs, follower and index lags, stale-read rewinding,
//! latency sampling, events). It prints operations per second of each and their ratio;
//! the target is at least 200,000 simulated operations per second.

// A benchmark is a test: a broken setup should stop it loudly.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::time::Instant;

use dynaplay_sim::SimRng;
use dynaplay_world::dynamo::{Database, RequestContext};
use dynaplay_world::{KeySkew, Realism, SimDuration, SimTime, TrafficSpec, World};
use serde_json::json;

const OPS: u64 = 400_000;
const KEYS: u64 = 10_000;

fn create_table() -> serde_json::Value {
    json!({
        "TableName": "bench",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    })
}

fn baseline() -> f64 {
    let mut db = Database::default();
    let ctx = RequestContext::at(SimTime::ZERO);
    db.execute("CreateTable", &create_table(), &ctx).unwrap();
    let mut rng = SimRng::seed_from(1);
    let payload = "x".repeat(100);
    let mut get = json!({"TableName": "bench", "Key": {"pk": {"S": ""}}});
    let mut put =
        json!({"TableName": "bench", "Item": {"pk": {"S": ""}, "payload": {"S": payload}}});
    let start = Instant::now();
    for _ in 0..OPS {
        let key = json!({"S": format!("key-{}", rng.range_u64(0..KEYS).unwrap())});
        if rng.chance(0.8) {
            get["Key"]["pk"] = key;
            std::hint::black_box(db.execute("GetItem", &get, &ctx).ok());
        } else {
            put["Item"]["pk"] = key;
            std::hint::black_box(db.execute("PutItem", &put, &ctx).ok());
        }
    }
    OPS as f64 / start.elapsed().as_secs_f64()
}

fn world(realism: Realism) -> (f64, u64) {
    let mut world = World::with_realism(1, realism);
    world.execute("CreateTable", &create_table()).unwrap();
    // Fast enough that the table's capacity, not the generator, is the limit we watch:
    // 100,000 requests per simulated second, on a table scaled out for them.
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
    let start = Instant::now();
    let mut issued = 0;
    while issued < OPS {
        world.advance(SimDuration::from_millis(100));
        issued = world.traffic().map_or(0, |(_, stats)| stats.issued);
    }
    let rate = issued as f64 / start.elapsed().as_secs_f64();
    (rate, world.traffic().map_or(0, |(_, stats)| stats.stale))
}

fn main() {
    let base = baseline();
    let (off, _) = world(Realism::OFF);
    let (all, stale) = world(Realism::ALL);
    println!("engine alone (Database::execute):    {base:>10.0} ops/s");
    println!(
        "world, realism off (model maintained): {off:>10.0} ops/s  ({:.2}x of the engine)",
        off / base
    );
    println!(
        "world, realism all:                  {all:>10.0} ops/s  ({:.2}x of the engine; {stale} stale reads)",
        all / base
    );
    if all < 200_000.0 {
        println!("below the 200,000 ops/s target");
    }
}
