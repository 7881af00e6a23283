//! The read-heavy experiment: one workload run twice, straight to DynamoDB and through
//! DAX, to show what the cache buys.
//!
//! The workload is what DAX is for: mostly eventually consistent GetItems of a few
//! thousand items whose popularity follows Zipf's law (the second most popular item is
//! read half as often as the first, the tenth a tenth as often), with a trickle of
//! UpdateItems. Both runs see exactly the same sequence of requests at the same simulated
//! instants, on identical tables. The direct run pays DynamoDB's read latency on every
//! read; the DAX run pays it only on misses — a key's first read, and a read on a node the
//! entry has not reached yet — and answers the rest from memory in microseconds, while
//! writes through DAX keep the cached items fresh.
//!
//! [`run_read_heavy`] returns both latency histograms, so the DAX view can draw them side
//! by side and the benchmark can print the ratio of the means.

use dynaplay_sim::{Histogram, Percentiles, SimDuration, SimRng, SimTime};
use serde::Serialize;
use serde_json::{Value, json};

use crate::dax::backend::Backend;
use crate::dax::cluster::ClusterSpec;
use crate::dax::latency::DaxLatency;
use crate::dax::service::DaxService;
use crate::db::Database;
use crate::error::{DynamoError, ErrorKind};

/// The knobs of the experiment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReadHeavyWorkload {
    /// Items in the table (ranks of the Zipf distribution).
    pub items: u32,
    /// Requests in each run.
    pub requests: u32,
    /// Share of requests that are GetItems; the rest are UpdateItems.
    pub read_fraction: f64,
    /// Simulated time between requests.
    pub interval: SimDuration,
    /// Bytes of payload per item.
    pub item_bytes: usize,
    /// DAX nodes.
    pub nodes: usize,
    pub seed: u64,
}

impl Default for ReadHeavyWorkload {
    fn default() -> Self {
        ReadHeavyWorkload {
            items: 1_000,
            requests: 100_000,
            read_fraction: 0.95,
            interval: SimDuration::from_millis(1),
            item_bytes: 200,
            nodes: 3,
            seed: 7,
        }
    }
}

/// Both runs' read latencies and what they add up to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpeedupReport {
    pub workload: ReadHeavyWorkload,
    pub reads: u64,
    pub writes: u64,
    pub direct: Histogram,
    pub dax: Histogram,
    pub direct_percentiles: Option<Percentiles>,
    pub dax_percentiles: Option<Percentiles>,
    /// Item cache hit ratio over the DAX run.
    pub hit_ratio: f64,
    /// Mean direct read latency over mean read latency through DAX.
    pub speedup: f64,
}

/// Popularity ranks drawn with probability proportional to 1/rank.
struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    fn new(n: u32) -> Zipf {
        let mut total = 0.0;
        let cumulative = (1..=n)
            .map(|rank| {
                total += 1.0 / f64::from(rank);
                total
            })
            .collect();
        Zipf { cumulative }
    }

    /// A rank in `0..n`, 0 the most popular.
    fn sample(&self, rng: &mut SimRng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let target = rng.next_f64() * total;
        self.cumulative
            .partition_point(|&c| c <= target)
            .min(self.cumulative.len().saturating_sub(1))
    }
}

const TABLE: &str = "catalog";
const CLUSTER: &str = "bench";

fn key(rank: usize) -> Value {
    json!({"pk": {"S": format!("item-{rank:05}")}})
}

/// A database with the experiment's table, every item already written.
fn loaded(workload: &ReadHeavyWorkload) -> Result<Database, DynamoError> {
    let mut db = Database::default();
    let now = SimTime::ZERO;
    db.call(
        "CreateTable",
        &json!({"TableName": TABLE, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}),
        now,
    )
    .result?;
    let payload = "x".repeat(workload.item_bytes);
    for rank in 0..workload.items {
        let mut item = key(rank as usize);
        if let Some(members) = item.as_object_mut() {
            members.insert("payload".into(), json!({"S": payload}));
            members.insert("version".into(), json!({"N": "0"}));
        }
        db.call("PutItem", &json!({"TableName": TABLE, "Item": item}), now)
            .result?;
    }
    Ok(db)
}

/// One request of the workload.
enum Step {
    Read(Value),
    Write(Value),
}

fn steps(workload: &ReadHeavyWorkload) -> Vec<Step> {
    let zipf = Zipf::new(workload.items.max(1));
    let mut rng = SimRng::seed_from(workload.seed);
    (0..workload.requests)
        .map(|n| {
            let k = key(zipf.sample(&mut rng));
            if rng.chance(workload.read_fraction) {
                Step::Read(json!({"TableName": TABLE, "Key": k}))
            } else {
                Step::Write(json!({"TableName": TABLE, "Key": k,
                    "UpdateExpression": "SET version = :v",
                    "ExpressionAttributeValues": {":v": {"N": n.to_string()}}}))
            }
        })
        .collect()
}

/// Runs the workload straight to DynamoDB and through a DAX cluster.
pub fn run_read_heavy(workload: &ReadHeavyWorkload) -> Result<SpeedupReport, DynamoError> {
    let steps = steps(workload);
    let latency = DaxLatency::default();
    let start = SimTime::from_secs(1);

    // Straight to DynamoDB: every read pays DynamoDB's latency.
    let mut db = loaded(workload)?;
    let mut rng = SimRng::seed_from(workload.seed ^ 0xD1EC7);
    let mut direct = Histogram::new();
    let mut now = start;
    for step in &steps {
        match step {
            Step::Read(request) => {
                let reply = db.call("GetItem", request, now);
                reply.result?;
                direct.record(latency.dynamodb(reply.latency, false, &mut rng));
            }
            Step::Write(request) => {
                db.call("UpdateItem", request, now).result?;
            }
        }
        now += workload.interval;
    }

    // Through DAX.
    let mut db = loaded(workload)?;
    let mut dax = DaxService::new(workload.seed);
    let mut spec = ClusterSpec::new(CLUSTER);
    spec.replication_factor = workload.nodes.max(1);
    dax.provision(&spec, start)
        .map_err(|e| DynamoError::new(ErrorKind::Validation, e.message))?;
    let mut through = Histogram::new();
    let (mut reads, mut writes) = (0, 0);
    let mut now = start;
    for step in &steps {
        let (operation, request) = match step {
            Step::Read(request) => ("GetItem", request),
            Step::Write(request) => ("UpdateItem", request),
        };
        let outcome = dax.execute(CLUSTER, operation, request, &mut db, now);
        outcome.result?;
        if matches!(step, Step::Read(_)) {
            reads += 1;
            through.record(outcome.request.latency);
        } else {
            writes += 1;
        }
        now += workload.interval;
    }
    dax.advance_to(now);
    let snapshot = dax.snapshot(now);
    let hit_ratio = snapshot
        .clusters
        .first()
        .and_then(|c| c.item_cache.hit_ratio())
        .unwrap_or(0.0);
    let mean = |h: &Histogram| h.mean().map_or(0.0, |d| d.as_micros() as f64);
    let speedup = if mean(&through) > 0.0 {
        mean(&direct) / mean(&through)
    } else {
        0.0
    };
    Ok(SpeedupReport {
        workload: workload.clone(),
        reads,
        writes,
        direct_percentiles: direct.percentiles(),
        dax_percentiles: through.percentiles(),
        direct,
        dax: through,
        hit_ratio,
        speedup,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zipf_favours_low_ranks_in_proportion() {
        let zipf = Zipf::new(100);
        let mut rng = SimRng::seed_from(3);
        let mut counts = [0u32; 100];
        for _ in 0..200_000 {
            counts[zipf.sample(&mut rng)] += 1;
        }
        let ratio = f64::from(counts[0]) / f64::from(counts[9]);
        assert!(
            (8.5..11.5).contains(&ratio),
            "rank 1 is ~10x rank 10: {ratio}"
        );
        assert!(counts.iter().all(|&c| c > 0));
    }

    #[test]
    fn a_small_run_is_faster_through_dax_and_deterministic() {
        let workload = ReadHeavyWorkload {
            items: 50,
            requests: 2_000,
            ..ReadHeavyWorkload::default()
        };
        let a = run_read_heavy(&workload).unwrap();
        assert_eq!(a.reads + a.writes, 2_000);
        assert!(a.hit_ratio > 0.9, "hit ratio {}", a.hit_ratio);
        assert!(a.speedup > 5.0, "speedup {}", a.speedup);
        let b = run_read_heavy(&workload).unwrap();
        assert_eq!(a, b);
    }
}
