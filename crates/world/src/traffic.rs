//! A traffic generator: requests issued on simulated time, for watching partitions work.
//!
//! The Partitions view needs load to show anything — gauges filling, a hot partition
//! throttling while its neighbours idle, followers lagging behind a stream of writes. A
//! [`TrafficSpec`] describes that load: a rate, the share of reads (and of those, the
//! share that are strongly consistent), how many distinct partition keys, how they are
//! chosen ([`KeySkew`]: uniform, Zipf, or one hot key taking a share of everything), and
//! how large written items are. Arrivals are a Poisson process drawn from the world's
//! seeded RNG, so a seed reproduces the traffic exactly.
//!
//! Requests are ordinary GetItem and PutItem requests through the same door as every
//! other client's (client name `traffic`); the generator keeps one request body per kind
//! and rewrites only its key, in place, so it costs little beyond the engine's own work.

use std::fmt::Write as _;

use dynaplay_dynamo::key::ScalarType;
use dynaplay_sim::{LatencyDistribution, SimDuration, SimRng, SimTime};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Most distinct keys a generator draws from.
pub const MAX_KEYS: u64 = 1_000_000;

/// How partition keys are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KeySkew {
    /// Every key equally likely.
    Uniform,
    /// Key *k* (from 1) with probability proportional to 1/k.
    Zipf,
    /// Key 0 takes `share` of all requests; the rest are uniform.
    HotKey { share: f64 },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrafficSpec {
    pub table: String,
    /// Requests per second of simulated time.
    pub rate: f64,
    /// Share of requests that are reads (GetItem); the rest are writes (PutItem).
    pub read_fraction: f64,
    /// Share of reads that are strongly consistent.
    pub consistent_fraction: f64,
    /// Distinct partition keys (`key-0` ... `key-{n-1}`).
    pub keys: u64,
    pub skew: KeySkew,
    /// Bytes of payload in each written item.
    pub item_bytes: u32,
}

impl Default for TrafficSpec {
    fn default() -> Self {
        TrafficSpec {
            table: String::new(),
            rate: 100.0,
            read_fraction: 0.8,
            consistent_fraction: 0.0,
            keys: 1_000,
            skew: KeySkew::Uniform,
            item_bytes: 100,
        }
    }
}

/// Why a spec cannot run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrafficError(pub String);

impl std::fmt::Display for TrafficError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TrafficError {}

/// What the generated requests came to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrafficStats {
    pub issued: u64,
    pub reads: u64,
    pub writes: u64,
    pub ok: u64,
    pub throttled: u64,
    pub failed: u64,
    pub stale: u64,
}

/// A running generator.
#[derive(Debug, Clone)]
pub struct Traffic {
    pub spec: TrafficSpec,
    pub stats: TrafficStats,
    next_at: SimTime,
    rng: SimRng,
    arrivals: LatencyDistribution,
    /// Cumulative probabilities of keys 0.. for Zipf.
    zipf: Vec<f64>,
    get: Value,
    get_consistent: Value,
    put: Value,
    hash_type: ScalarType,
    hash_name: String,
}

/// The wire value of a key of type `scalar` for number `n`.
fn key_value(scalar: ScalarType, n: u64) -> Value {
    match scalar {
        ScalarType::S => json!({ "S": format!("key-{n}") }),
        ScalarType::N => json!({ "N": n.to_string() }),
        // Only sort keys can be binary here (see `Traffic::new`): one constant value.
        ScalarType::B => json!({ "B": "AA==" }),
    }
}

/// `value[name]`, found by comparing names: the generator's bodies are small objects,
/// where that beats hashing the name.
fn member_mut<'a>(value: &'a mut Value, name: &str) -> Option<&'a mut Value> {
    let Value::Object(members) = value else {
        return None;
    };
    members
        .iter_mut()
        .find(|(key, _)| *key == name)
        .map(|(_, v)| v)
}

/// Makes `slot` the wire value [`key_value`] gives for number `n`, reusing its string
/// when it already has that shape.
fn set_key_value(slot: &mut Value, scalar: ScalarType, n: u64) {
    let tag = match scalar {
        ScalarType::S => "S",
        ScalarType::N => "N",
        ScalarType::B => "B",
    };
    if scalar != ScalarType::B
        && slot.as_object().is_some_and(|members| members.len() == 1)
        && let Some(Value::String(text)) = member_mut(slot, tag)
    {
        text.clear();
        // Writing to a `String` cannot fail.
        let _ = match scalar {
            ScalarType::S => write!(text, "key-{n}"),
            _ => write!(text, "{n}"),
        };
        return;
    }
    *slot = key_value(scalar, n);
}

impl Traffic {
    /// A generator for `spec` on a table with the given key schema, starting at `now`.
    pub fn new(
        spec: TrafficSpec,
        schema: &dynaplay_dynamo::key::KeySchema,
        mut rng: SimRng,
        now: SimTime,
    ) -> Result<Traffic, TrafficError> {
        if !(spec.rate.is_finite() && spec.rate > 0.0 && spec.rate <= 10_000_000.0) {
            return Err(TrafficError(
                "rate must be above 0 and at most 10,000,000 per second".into(),
            ));
        }
        for (name, share) in [
            ("read_fraction", spec.read_fraction),
            ("consistent_fraction", spec.consistent_fraction),
        ] {
            if !(0.0..=1.0).contains(&share) {
                return Err(TrafficError(format!("{name} must be between 0 and 1")));
            }
        }
        if let KeySkew::HotKey { share } = spec.skew
            && !(0.0..=1.0).contains(&share)
        {
            return Err(TrafficError(
                "the hot key's share must be between 0 and 1".into(),
            ));
        }
        if schema.hash.scalar_type == ScalarType::B {
            return Err(TrafficError(
                "the generator draws string or number partition keys, not binary".into(),
            ));
        }
        if spec.keys == 0 || spec.keys > MAX_KEYS {
            return Err(TrafficError(format!(
                "keys must be between 1 and {MAX_KEYS}"
            )));
        }
        let zipf = if spec.skew == KeySkew::Zipf {
            let mut total = 0.0;
            let mut cdf: Vec<f64> = (1..=spec.keys)
                .map(|k| {
                    total += 1.0 / k as f64;
                    total
                })
                .collect();
            for p in &mut cdf {
                *p /= total;
            }
            cdf
        } else {
            Vec::new()
        };
        let mut key = serde_json::Map::new();
        key.insert(
            schema.hash.name.clone(),
            key_value(schema.hash.scalar_type, 0),
        );
        if let Some(range) = &schema.range {
            key.insert(range.name.clone(), key_value(range.scalar_type, 0));
        }
        let mut item = key.clone();
        item.insert(
            "payload".into(),
            json!({ "S": "x".repeat(spec.item_bytes as usize) }),
        );
        // Asking for the consumed capacity spares the service adding the request for it
        // (see `DynamoService::execute`). A GetItem reads no index, so its TOTAL is exactly
        // the table's units, which the engine reports for less work than INDEXES.
        let get = json!({"TableName": spec.table, "Key": key, "ReturnConsumedCapacity": "TOTAL"});
        let get_consistent = json!({
            "TableName": spec.table, "Key": key, "ConsistentRead": true,
            "ReturnConsumedCapacity": "TOTAL",
        });
        let put =
            json!({"TableName": spec.table, "Item": item, "ReturnConsumedCapacity": "INDEXES"});
        let mean = SimDuration::from_secs_f64(1.0 / spec.rate).max(SimDuration::from_micros(1));
        let arrivals = LatencyDistribution::exponential(mean);
        let first = arrivals.sample(&mut rng);
        Ok(Traffic {
            next_at: now + first,
            hash_type: schema.hash.scalar_type,
            hash_name: schema.hash.name.clone(),
            spec,
            stats: TrafficStats::default(),
            rng,
            arrivals,
            zipf,
            get,
            get_consistent,
            put,
        })
    }

    /// When the next request is due.
    pub fn next_at(&self) -> SimTime {
        self.next_at
    }

    fn pick_key(&mut self) -> u64 {
        let keys = self.spec.keys;
        match self.spec.skew {
            KeySkew::Uniform => self.rng.range_u64(0..keys).unwrap_or(0),
            KeySkew::Zipf => {
                let u = self.rng.next_f64();
                self.zipf
                    .partition_point(|p| *p < u)
                    .min(self.zipf.len().saturating_sub(1)) as u64
            }
            KeySkew::HotKey { share } => {
                if self.rng.chance(share) {
                    0
                } else {
                    self.rng.range_u64(0..keys).unwrap_or(0)
                }
            }
        }
    }

    /// The next request (operation and body), and moves the arrival clock on.
    pub fn next_request(&mut self) -> (&'static str, &Value) {
        let n = self.pick_key();
        let read = self.rng.chance(self.spec.read_fraction);
        let consistent = read && self.rng.chance(self.spec.consistent_fraction);
        self.next_at += self.arrivals.sample(&mut self.rng);
        self.stats.issued += 1;
        let (operation, body, field) = if !read {
            self.stats.writes += 1;
            ("PutItem", &mut self.put, "Item")
        } else if consistent {
            self.stats.reads += 1;
            ("GetItem", &mut self.get_consistent, "Key")
        } else {
            self.stats.reads += 1;
            ("GetItem", &mut self.get, "Key")
        };
        if let Some(slot) = member_mut(body, field).and_then(|k| member_mut(k, &self.hash_name)) {
            set_key_value(slot, self.hash_type, n);
        }
        (operation, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynaplay_dynamo::key::{KeyAttribute, KeySchema};

    fn schema() -> KeySchema {
        KeySchema {
            hash: KeyAttribute {
                name: "pk".into(),
                scalar_type: ScalarType::S,
            },
            range: None,
        }
    }

    fn keys_drawn(skew: KeySkew) -> Vec<u64> {
        let spec = TrafficSpec {
            table: "t".into(),
            keys: 100,
            skew,
            ..TrafficSpec::default()
        };
        let mut traffic =
            Traffic::new(spec, &schema(), SimRng::seed_from(3), SimTime::ZERO).unwrap();
        (0..2_000).map(|_| traffic.pick_key()).collect()
    }

    #[test]
    fn skews_shape_the_key_distribution() {
        let count = |keys: &[u64], k: u64| keys.iter().filter(|&&x| x == k).count();
        let uniform = keys_drawn(KeySkew::Uniform);
        assert!(count(&uniform, 0) < 60, "about 20 of 2,000");
        let zipf = keys_drawn(KeySkew::Zipf);
        assert!(count(&zipf, 0) > 300, "1/H(100) is about 19%");
        assert!(count(&zipf, 0) > count(&zipf, 9) * 5);
        let hot = keys_drawn(KeySkew::HotKey { share: 0.5 });
        assert!(count(&hot, 0) > 900);
    }

    #[test]
    fn requests_name_the_drawn_key_and_arrive_at_the_rate() {
        let spec = TrafficSpec {
            table: "t".into(),
            rate: 1_000.0,
            read_fraction: 0.0,
            ..TrafficSpec::default()
        };
        let mut traffic =
            Traffic::new(spec, &schema(), SimRng::seed_from(1), SimTime::ZERO).unwrap();
        let (operation, body) = traffic.next_request();
        assert_eq!(operation, "PutItem");
        assert!(
            body["Item"]["pk"]["S"]
                .as_str()
                .unwrap()
                .starts_with("key-")
        );
        for _ in 0..999 {
            traffic.next_request();
        }
        let secs = traffic.next_at().as_secs_f64();
        assert!(
            (0.9..1.1).contains(&secs),
            "1,000 arrivals at 1,000/s take about 1 s: {secs}"
        );
    }

    #[test]
    fn nonsense_specs_are_refused() {
        for spec in [
            TrafficSpec {
                rate: 0.0,
                ..TrafficSpec::default()
            },
            TrafficSpec {
                read_fraction: 1.5,
                ..TrafficSpec::default()
            },
            TrafficSpec {
                keys: 0,
                ..TrafficSpec::default()
            },
            TrafficSpec {
                skew: KeySkew::HotKey { share: -1.0 },
                ..TrafficSpec::default()
            },
        ] {
            assert!(Traffic::new(spec, &schema(), SimRng::seed_from(1), SimTime::ZERO).is_err());
        }
    }
}
