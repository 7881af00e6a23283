//! The request stream: which requests the load generator sends, in which order.
//!
//! A comparison between emulators only means something if every one of them answers the
//! same questions. So the stream is a pure function of a seed: the table, the 100,000
//! items loaded before the clock starts, and every timed request are derived from
//! [`SimRng`] streams, never from the wall clock or from how fast a server answers. Each
//! connection of a timed phase draws from its own fork of the seed, so connection 7 of a
//! 64-connection phase sends the same requests in the same order to every target; a faster
//! target simply gets further down its streams before the phase ends.
//!
//! The table has a string partition key `pk` and a numeric sort key `sk`: 10,000
//! partitions of 10 items each by default, every item carrying a payload string and a
//! version number. Timed requests pick a key uniformly, so every request hits an item that
//! exists: a GetItem returns it, a PutItem overwrites it with a new version, a Query reads
//! its whole partition (10 items, about 1.3 KB).

use dynaplay_sim::SimRng;
use serde_json::{Value, json};

/// The table every target is loaded with.
pub const TABLE: &str = "bench";

/// Items in one BatchWriteItem, DynamoDB's maximum.
pub const BATCH_WRITE_LIMIT: usize = 25;

/// The operations of the timed phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Operation {
    GetItem,
    PutItem,
    Query,
    /// Touches no table: what a server costs per request before any data work, its
    /// protocol floor (HTTP, JSON, dispatch).
    DescribeEndpoints,
}

impl Operation {
    pub const ALL: [Operation; 4] = [
        Operation::GetItem,
        Operation::PutItem,
        Operation::Query,
        Operation::DescribeEndpoints,
    ];

    /// The name in `X-Amz-Target`.
    pub fn name(self) -> &'static str {
        match self {
            Operation::GetItem => "GetItem",
            Operation::PutItem => "PutItem",
            Operation::Query => "Query",
            Operation::DescribeEndpoints => "DescribeEndpoints",
        }
    }

    /// Position in [`Operation::ALL`], for per-operation tables.
    pub fn index(self) -> usize {
        match self {
            Operation::GetItem => 0,
            Operation::PutItem => 1,
            Operation::Query => 2,
            Operation::DescribeEndpoints => 3,
        }
    }
}

/// How many items the table holds and how big they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub partitions: u64,
    pub sorts_per_partition: u64,
    pub payload_bytes: usize,
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            partitions: 10_000,
            sorts_per_partition: 10,
            payload_bytes: 100,
        }
    }
}

impl Shape {
    pub fn items(&self) -> u64 {
        self.partitions.saturating_mul(self.sorts_per_partition)
    }
}

/// Relative weights of the operations in the timed phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mix {
    pub get: u32,
    pub put: u32,
    pub query: u32,
    pub endpoints: u32,
}

impl Default for Mix {
    /// Read-heavy, as most DynamoDB traffic is: half point reads, a quarter writes, a
    /// quarter partition queries.
    fn default() -> Self {
        Mix {
            get: 50,
            put: 25,
            query: 25,
            endpoints: 0,
        }
    }
}

impl Mix {
    /// Parses `get=50,put=25,query=25` (and `endpoints=` for DescribeEndpoints);
    /// operations left out weigh nothing.
    pub fn parse(text: &str) -> Result<Mix, String> {
        let mut mix = Mix {
            get: 0,
            put: 0,
            query: 0,
            endpoints: 0,
        };
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, weight) = part
                .split_once('=')
                .ok_or_else(|| format!("`{part}` is not name=weight"))?;
            let weight: u32 = weight
                .trim()
                .parse()
                .map_err(|_| format!("`{weight}` is not a weight"))?;
            match name.trim().to_ascii_lowercase().as_str() {
                "get" | "getitem" => mix.get = weight,
                "put" | "putitem" => mix.put = weight,
                "query" => mix.query = weight,
                "endpoints" | "describeendpoints" => mix.endpoints = weight,
                other => return Err(format!("unknown operation `{other}` in the mix")),
            }
        }
        if mix.total() == 0 {
            return Err("the mix has no operation with a weight above 0".into());
        }
        Ok(mix)
    }

    fn total(&self) -> u64 {
        self.weights().iter().map(|&w| u64::from(w)).sum()
    }

    fn weights(&self) -> [u32; 4] {
        [self.get, self.put, self.query, self.endpoints]
    }

    /// Percentages for the report, in [`Operation::ALL`] order.
    pub fn percentages(&self) -> [f64; 4] {
        let total = self.total().max(1) as f64;
        self.weights().map(|w| f64::from(w) * 100.0 / total)
    }

    fn pick(&self, rng: &mut SimRng) -> Operation {
        let mut draw = rng.range_u64(0..self.total().max(1)).unwrap_or(0);
        for (operation, weight) in Operation::ALL.into_iter().zip(self.weights()) {
            if draw < u64::from(weight) {
                return operation;
            }
            draw -= u64::from(weight);
        }
        Operation::GetItem
    }
}

/// The partition key of partition `p`.
pub fn partition_key(p: u64) -> String {
    format!("user#{p:07}")
}

/// The body of CreateTable: on-demand, so no emulator throttles the load.
pub fn create_table() -> Value {
    json!({
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
    })
}

pub fn describe_table() -> Value {
    json!({ "TableName": TABLE })
}

/// A deterministic printable payload of `len` bytes.
fn payload(rng: &mut SimRng, len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    (0..len)
        .map(|_| {
            let i = rng.index(ALPHABET.len()).unwrap_or(0);
            char::from(ALPHABET.get(i).copied().unwrap_or(b'x'))
        })
        .collect()
}

/// One item in the wire shape.
pub fn item(p: u64, s: u64, version: u64, rng: &mut SimRng, shape: &Shape) -> Value {
    json!({
        "pk": {"S": partition_key(p)},
        "sk": {"N": s.to_string()},
        "payload": {"S": payload(rng, shape.payload_bytes)},
        "version": {"N": version.to_string()}
    })
}

/// The BatchWriteItem bodies that load every item of `shape`, 25 at a time, in key order.
pub fn preload_batches(seed: u64, shape: Shape) -> impl Iterator<Item = Value> {
    let mut rng = SimRng::seed_from(seed).fork(0x0050_5245_4c4f_4144);
    let mut next = 0u64;
    let total = shape.items();
    let per_partition = shape.sorts_per_partition.max(1);
    std::iter::from_fn(move || {
        if next >= total {
            return None;
        }
        let end = next.saturating_add(BATCH_WRITE_LIMIT as u64).min(total);
        let puts: Vec<Value> = (next..end)
            .map(|n| {
                let item = item(n / per_partition, n % per_partition, 0, &mut rng, &shape);
                json!({"PutRequest": {"Item": item}})
            })
            .collect();
        next = end;
        Some(json!({ "RequestItems": { TABLE: puts } }))
    })
}

/// One request of a timed phase.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub operation: Operation,
    pub body: Value,
}

/// The requests of one connection, endless and reproducible.
#[derive(Debug, Clone)]
pub struct Stream {
    rng: SimRng,
    shape: Shape,
    mix: Mix,
    /// Versions written by this stream; unique per stream so overwrites are visible.
    writes: u64,
    stream_id: u64,
}

impl Stream {
    /// The stream of connection `connection` in the phase named `phase` (phases with
    /// different names — warm-up, 16 connections, 64 connections — draw different keys).
    pub fn new(seed: u64, phase: u64, connection: u64, shape: Shape, mix: Mix) -> Stream {
        let stream_id = phase.wrapping_mul(1 << 20).wrapping_add(connection);
        let rng = SimRng::seed_from(seed)
            .fork(0x5354_5245_414d)
            .fork(stream_id);
        Stream {
            rng,
            shape,
            mix,
            writes: 0,
            stream_id,
        }
    }

    pub fn next_request(&mut self) -> Request {
        let operation = self.mix.pick(&mut self.rng);
        let p = self
            .rng
            .range_u64(0..self.shape.partitions.max(1))
            .unwrap_or(0);
        let s = self
            .rng
            .range_u64(0..self.shape.sorts_per_partition.max(1))
            .unwrap_or(0);
        let body = match operation {
            Operation::GetItem => json!({
                "TableName": TABLE,
                "Key": {"pk": {"S": partition_key(p)}, "sk": {"N": s.to_string()}}
            }),
            Operation::PutItem => {
                self.writes += 1;
                let version = (self.stream_id << 32) | self.writes;
                json!({
                    "TableName": TABLE,
                    "Item": item(p, s, version, &mut self.rng, &self.shape)
                })
            }
            Operation::Query => json!({
                "TableName": TABLE,
                "KeyConditionExpression": "pk = :p",
                "ExpressionAttributeValues": {":p": {"S": partition_key(p)}}
            }),
            Operation::DescribeEndpoints => json!({}),
        };
        Request { operation, body }
    }
}

/// Whether a 200 response is the answer `operation` should get on a fully loaded table:
/// GetItem finds its item, Query finds its partition. A server that answers 200 without
/// doing the work must not look fast.
pub fn response_is_complete(operation: Operation, body: &[u8]) -> bool {
    match operation {
        Operation::GetItem => contains(body, b"\"Item\""),
        Operation::PutItem => true,
        Operation::Query => contains(body, b"\"Items\"") && contains(body, b"\"pk\""),
        Operation::DescribeEndpoints => contains(body, b"\"Endpoints\""),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_stream() {
        let shape = Shape::default();
        let mut a = Stream::new(7, 16, 3, shape, Mix::default());
        let mut b = Stream::new(7, 16, 3, shape, Mix::default());
        for _ in 0..100 {
            assert_eq!(a.next_request(), b.next_request());
        }
    }

    #[test]
    fn connections_and_phases_draw_different_requests() {
        let shape = Shape::default();
        let first = |phase, conn| {
            let mut s = Stream::new(7, phase, conn, shape, Mix::default());
            (0..20).map(|_| s.next_request()).collect::<Vec<_>>()
        };
        assert_ne!(first(16, 0), first(16, 1));
        assert_ne!(first(16, 0), first(64, 0));
    }

    #[test]
    fn the_mix_is_followed() {
        let mut stream = Stream::new(1, 0, 0, Shape::default(), Mix::default());
        let mut counts = [0u32; 4];
        for _ in 0..10_000 {
            counts[stream.next_request().operation.index()] += 1;
        }
        // 50/25/25 of 10,000 within a few percent.
        assert!((4700..5300).contains(&counts[0]), "{counts:?}");
        assert!((2200..2800).contains(&counts[1]), "{counts:?}");
        assert!((2200..2800).contains(&counts[2]), "{counts:?}");
        assert_eq!(counts[3], 0);
        let only_puts = Mix::parse("put=1").unwrap();
        let mut stream = Stream::new(1, 0, 0, Shape::default(), only_puts);
        assert!((0..100).all(|_| stream.next_request().operation == Operation::PutItem));
    }

    #[test]
    fn mix_parsing() {
        assert_eq!(
            Mix::parse("get=2, put=1,query=1").unwrap(),
            Mix {
                get: 2,
                put: 1,
                query: 1,
                endpoints: 0
            }
        );
        assert_eq!(
            Mix::parse("GetItem=1").unwrap(),
            Mix {
                get: 1,
                put: 0,
                query: 0,
                endpoints: 0
            }
        );
        assert_eq!(
            Mix::parse("endpoints=3").unwrap().percentages(),
            [0.0, 0.0, 0.0, 100.0]
        );
        assert!(Mix::parse("scan=1").is_err());
        assert!(Mix::parse("get=0").is_err());
        assert!(Mix::parse("get").is_err());
        assert!(Mix::parse("get=x").is_err());
    }

    #[test]
    fn requests_name_existing_keys() {
        let shape = Shape {
            partitions: 3,
            sorts_per_partition: 2,
            payload_bytes: 8,
        };
        let mut stream = Stream::new(5, 0, 0, shape, Mix::default());
        for _ in 0..200 {
            let request = stream.next_request();
            let pk = match request.operation {
                Operation::GetItem => &request.body["Key"]["pk"]["S"],
                Operation::PutItem => &request.body["Item"]["pk"]["S"],
                Operation::Query => &request.body["ExpressionAttributeValues"][":p"]["S"],
                Operation::DescribeEndpoints => continue,
            };
            let pk = pk.as_str().unwrap();
            assert!(
                ["user#0000000", "user#0000001", "user#0000002"].contains(&pk),
                "{pk}"
            );
            if request.operation == Operation::PutItem {
                let payload = request.body["Item"]["payload"]["S"].as_str().unwrap();
                assert_eq!(payload.len(), 8);
            }
        }
    }

    #[test]
    fn preload_writes_every_item_once_in_batches_of_25() {
        let shape = Shape {
            partitions: 7,
            sorts_per_partition: 9,
            payload_bytes: 4,
        };
        let batches: Vec<Value> = preload_batches(1, shape).collect();
        assert_eq!(batches.len(), 3); // 63 items: 25 + 25 + 13
        let mut keys = Vec::new();
        for batch in &batches {
            let puts = batch["RequestItems"][TABLE].as_array().unwrap();
            assert!(puts.len() <= BATCH_WRITE_LIMIT);
            for put in puts {
                let item = &put["PutRequest"]["Item"];
                keys.push((
                    item["pk"]["S"].as_str().unwrap().to_string(),
                    item["sk"]["N"].as_str().unwrap().parse::<u64>().unwrap(),
                ));
            }
        }
        let mut unique = keys.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 63);
        assert_eq!(keys.first().unwrap(), &("user#0000000".to_string(), 0));
        assert_eq!(keys.last().unwrap(), &("user#0000006".to_string(), 8));
        let again: Vec<Value> = preload_batches(1, shape).collect();
        assert_eq!(batches, again);
    }

    #[test]
    fn completeness_checks() {
        assert!(response_is_complete(
            Operation::GetItem,
            br#"{"Item":{"pk":{"S":"a"}}}"#
        ));
        assert!(!response_is_complete(Operation::GetItem, b"{}"));
        assert!(response_is_complete(
            Operation::Query,
            br#"{"Count":1,"Items":[{"pk":{"S":"a"}}],"ScannedCount":1}"#
        ));
        assert!(!response_is_complete(
            Operation::Query,
            br#"{"Count":0,"Items":[]}"#
        ));
        assert!(response_is_complete(Operation::PutItem, b"{}"));
        assert!(response_is_complete(
            Operation::DescribeEndpoints,
            br#"{"Endpoints":[{"Address":"dynamodb.us-east-1.amazonaws.com"}]}"#
        ));
    }
}
