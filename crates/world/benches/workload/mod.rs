//! The generated-traffic workload both speed measurements run: the native benchmark
//! (`benches/traffic.rs`) and the browser one (`tests/browser_traffic.rs`).
//!
//! One mix — 80% GetItem, 20% PutItem of 100-byte items over 10,000 uniformly chosen keys
//! of an on-demand table — run three ways against the same clock: straight through
//! `Database::execute` (the baseline: the logical engine alone), and as a traffic generator
//! inside a `World` with realism off (the model maintained, not felt) and with every
//! realistic behaviour on (routing, buckets, replication logs, follower and index lags,
//! stale-read rewinding, latency sampling, events). What counts is each world figure as a
//! ratio to the baseline measured in the same round: the machine's speed and load cancel
//! out. The three runs are repeated in rounds and both the medians and the best of each
//! run are reported: load from elsewhere on the machine only ever slows a run down, so the
//! best round is the least disturbed, and a burst of it skews one round, not the median.
//!
//! The clock is passed in — `Instant` natively, the page's clock in a browser — so the
//! workload itself stays free of anything platform-specific.

use dynaplay_sim::SimRng;
use dynaplay_world::dynamo::{Database, RequestContext};
use dynaplay_world::{KeySkew, Realism, SimDuration, SimTime, TrafficSpec, World};
use serde_json::json;

/// Operations in each run.
pub const OPS: u64 = 400_000;
/// Rounds of the three runs.
pub const ROUNDS: usize = 5;
/// Distinct partition keys.
pub const KEYS: u64 = 10_000;

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

/// One round's figures: operations per second of each run.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    pub engine: f64,
    pub off: f64,
    pub all: f64,
    /// Stale reads in the run with realism on (the same every round: same seed).
    pub stale: u64,
}

impl Figures {
    fn line(&self, label: &str) -> String {
        format!(
            "{label:<7} engine {:>8.0} | realism off {:>8.0} ({:.2}x) | realism all {:>8.0} ({:.2}x)",
            self.engine,
            self.off,
            self.off / self.engine,
            self.all,
            self.all / self.engine,
        )
    }
}

/// Runs `rounds` rounds of the baseline and both worlds, `ops` operations each, after a
/// shorter round whose figures are dropped: a browser first runs WebAssembly on a quick
/// baseline compiler and optimises hot code later, which would penalise whichever run
/// came first.
pub fn run(rounds: usize, ops: u64, clock: Clock<'_>) -> Vec<Figures> {
    let warm_up = ops / 10;
    baseline(warm_up, clock);
    world(Realism::OFF, warm_up, clock);
    world(Realism::ALL, warm_up, clock);
    (0..rounds)
        .map(|_| {
            let engine = baseline(ops, clock);
            let (off, _) = world(Realism::OFF, ops, clock);
            let (all, stale) = world(Realism::ALL, ops, clock);
            Figures {
                engine,
                off,
                all,
                stale,
            }
        })
        .collect()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// The rounds, their medians (the median of each column, and of each round's ratio) and
/// the best of each run (and the ratio of the bests) as printed, measured against
/// `target`.
pub fn report(rounds: &[Figures], target: f64) -> String {
    let mut lines: Vec<String> = rounds
        .iter()
        .enumerate()
        .map(|(i, f)| f.line(&format!("round {}", i + 1)))
        .collect();
    let of = |pick: fn(&Figures) -> f64| median(rounds.iter().map(pick).collect());
    let all = of(|f| f.all);
    lines.push(format!(
        "median  engine {:>8.0} | realism off {:>8.0} ({:.2}x) | realism all {all:>8.0} ({:.2}x)",
        of(|f| f.engine),
        of(|f| f.off),
        of(|f| f.off / f.engine),
        of(|f| f.all / f.engine),
    ));
    let best = |pick: fn(&Figures) -> f64| rounds.iter().map(pick).fold(0.0, f64::max);
    let best = Figures {
        engine: best(|f| f.engine),
        off: best(|f| f.off),
        all: best(|f| f.all),
        stale: 0,
    };
    lines.push(best.line("best"));
    let stale = rounds.first().map_or(0, |f| f.stale);
    lines.push(format!("{stale} stale reads per run with realism all"));
    lines.push(if all >= target {
        format!("at or above the {target:.0} ops/s target")
    } else {
        format!("below the {target:.0} ops/s target")
    });
    lines.join("\n")
}
