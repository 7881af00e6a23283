//! Golden scripts for the physical model: partition maths, burst and adaptive capacity,
//! hot keys, splits, on-demand scaling, replication and faults, written as commands and
//! the model's answers, readable as documentation and checked on every run.
//!
//! Each file in `tests/physical/` is a list of commands, each followed by its output on
//! lines starting with `> `. Commands:
//!
//! ```text
//! realism all|off|throttle|stale        which behaviours clients feel (default: all)
//! adaptive on|off                       adaptive capacity
//! create T provisioned RCU WCU          a table with partition key `pk` (S)
//! create T on-demand
//! update T RCU WCU                      UpdateTable's ProvisionedThroughput
//! advance 90s                           move simulated time (units as SimDuration)
//! load T write|read|strong 100/s 10s [keys N] [hot SHARE] [size BYTES]
//!                                       evenly spaced requests; prints the outcomes
//! put T KEY VALUE / get T KEY [strong]  one request; prints the answer
//! request OPERATION JSON                any request; prints the answer (errors with their
//!                                       extra members) and how long its client waited
//! partitions T                          each partition: range, items, capacity, burst
//! replicas T P                          partition P's replicas
//! fault KIND TARGET / heal TARGET       crash | partition | slow:3 | zone-outage | kill
//! events KIND...                        events of these kinds since the last `events`
//! ```
//!
//! Run with `UPDATE_GOLDEN=1` to rewrite the outputs from what the model does now — then
//! read the diff before committing it.

// Test code: a broken expectation should stop the run loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fmt::Write as _;
use std::path::Path;

use dynaplay_dynamo::Database;
use dynaplay_dynamo::physical::{DynamoService, Realism};
use dynaplay_sim::{FaultKind, FaultTarget, SimDuration, SimRng, SimTime};
use serde_json::{Value, json};

struct Harness {
    service: DynamoService,
    now: SimTime,
    seen: u64,
}

fn duration(text: &str) -> SimDuration {
    text.parse()
        .unwrap_or_else(|e| panic!("bad duration {text}: {e:?}"))
}

fn summary(result: &Result<Value, dynaplay_dynamo::DynamoError>) -> String {
    match result {
        Ok(value) => value.to_string(),
        Err(err) => format!("{}: {}", err.kind.name(), err.message),
    }
}

/// An answer in full: the response, or the error with its extra members (such as a
/// cancelled transaction's reasons).
fn detailed(result: &Result<Value, dynaplay_dynamo::DynamoError>) -> String {
    let Err(err) = result else {
        return summary(result);
    };
    let mut extra = err.to_wire();
    if let Some(map) = extra.as_object_mut() {
        for member in ["__type", "message", "Message"] {
            map.remove(member);
        }
        if !map.is_empty() {
            return format!("{}\n{extra}", summary(result));
        }
    }
    summary(result)
}

impl Harness {
    fn new() -> Harness {
        let mut service = DynamoService::new(Database::default(), SimRng::seed_from(1));
        service.set_realism(Realism::ALL);
        service.set_event_capacity(1_000_000);
        Harness {
            service,
            now: SimTime::ZERO,
            seen: 0,
        }
    }

    fn run(&mut self, operation: &str, request: Value) -> dynaplay_dynamo::physical::Outcome {
        self.service
            .execute(operation, &request, "script", self.now)
    }

    fn command(&mut self, line: &str) -> String {
        let words: Vec<&str> = line.split_whitespace().collect();
        let arg = |i: usize| words.get(i).copied().unwrap_or_default();
        let mut out = String::new();
        match arg(0) {
            "realism" => self.service.set_realism(match arg(1) {
                "off" => Realism::OFF,
                "throttle" => Realism {
                    throttle: true,
                    ..Realism::OFF
                },
                "stale" => Realism {
                    stale_reads: true,
                    ..Realism::OFF
                },
                _ => Realism::ALL,
            }),
            "adaptive" => {
                let mut config = self.service.config().clone();
                config.adaptive_capacity = arg(1) == "on";
                self.service.set_config(config);
            }
            "create" => {
                let mut request = json!({
                    "TableName": arg(1),
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                });
                if arg(2) == "on-demand" {
                    request["BillingMode"] = json!("PAY_PER_REQUEST");
                } else {
                    request["ProvisionedThroughput"] = json!({
                        "ReadCapacityUnits": arg(3).parse::<u64>().unwrap(),
                        "WriteCapacityUnits": arg(4).parse::<u64>().unwrap(),
                    });
                }
                let outcome = self.run("CreateTable", request);
                assert!(outcome.result.is_ok(), "{:?}", outcome.result);
                out += &self.partitions(arg(1));
            }
            "update" => {
                let request = json!({"TableName": arg(1), "ProvisionedThroughput": {
                    "ReadCapacityUnits": arg(2).parse::<u64>().unwrap(),
                    "WriteCapacityUnits": arg(3).parse::<u64>().unwrap(),
                }});
                let outcome = self.run("UpdateTable", request);
                assert!(outcome.result.is_ok(), "{:?}", outcome.result);
                out += &self.partitions(arg(1));
            }
            "advance" => {
                self.now += duration(arg(1));
                self.service.advance_to(self.now);
            }
            "load" => out += &self.load(&words),
            "put" => {
                let outcome = self.run(
                    "PutItem",
                    json!({"TableName": arg(1), "Item": {"pk": {"S": arg(2)}, "v": {"S": arg(3)}}}),
                );
                writeln!(out, "{}", summary(&outcome.result)).unwrap();
            }
            "get" => {
                let outcome = self.run(
                    "GetItem",
                    json!({"TableName": arg(1), "Key": {"pk": {"S": arg(2)}}, "ConsistentRead": arg(3) == "strong"}),
                );
                let stale = if outcome.stale { " (stale)" } else { "" };
                writeln!(out, "{}{stale}", summary(&outcome.result)).unwrap();
            }
            "request" => {
                let rest = line
                    .trim_start()
                    .strip_prefix("request")
                    .unwrap_or_default();
                let (operation, body) = rest.trim().split_once(' ').unwrap();
                let body: Value = serde_json::from_str(body)
                    .unwrap_or_else(|e| panic!("bad JSON for {operation}: {e}\n{body}"));
                let outcome = self.run(operation, body);
                writeln!(out, "{}", detailed(&outcome.result)).unwrap();
                writeln!(out, "waited {}", outcome.latency.compact()).unwrap();
            }
            "partitions" => out += &self.partitions(arg(1)),
            "replicas" => {
                let snapshot = self.service.table_snapshot(arg(1)).unwrap();
                let id: u32 = arg(2).trim_start_matches('p').parse().unwrap();
                let partition = snapshot.partitions.iter().find(|p| p.id == id).unwrap();
                writeln!(
                    out,
                    "committed {} leader {:?} term {}",
                    partition.committed_lsn, partition.leader, partition.term
                )
                .unwrap();
                for r in &partition.replicas {
                    writeln!(
                        out,
                        "r{} {} {:?} {:?} {} persisted {} applied {}",
                        r.slot,
                        r.zone,
                        r.role,
                        r.kind,
                        serde_json::to_string(&r.health).unwrap(),
                        r.persisted_lsn,
                        r.applied_lsn
                    )
                    .unwrap();
                }
            }
            "fault" => {
                let kind = match arg(1) {
                    "crash" => FaultKind::Crash,
                    "partition" => FaultKind::Partition,
                    "zone-outage" => FaultKind::ZoneOutage,
                    "kill" => FaultKind::Kill,
                    slow => FaultKind::Slow {
                        factor: slow.trim_start_matches("slow:").parse().unwrap(),
                    },
                };
                let target = FaultTarget::new(arg(2)).unwrap();
                if let Err(err) = self.service.inject(&target, kind) {
                    writeln!(out, "{err}").unwrap();
                }
            }
            "heal" => {
                let healed = self.service.heal(&FaultTarget::new(arg(1)).unwrap());
                writeln!(out, "healed: {healed}").unwrap();
            }
            "events" => {
                let kinds = &words[1..];
                for event in self.service.events().since(self.seen) {
                    let value = serde_json::to_value(&event.kind).unwrap();
                    let kind = value["type"].as_str().unwrap_or_default().to_string();
                    if kinds.contains(&kind.as_str()) {
                        let mut fields = value.as_object().unwrap().clone();
                        fields.remove("type");
                        writeln!(
                            out,
                            "{} {kind} {}",
                            event.at.compact(),
                            Value::Object(fields)
                        )
                        .unwrap();
                    }
                }
                self.seen = self.service.events().last_seq();
            }
            other => panic!("unknown command {other:?}"),
        }
        out
    }

    fn load(&mut self, words: &[&str]) -> String {
        let arg = |i: usize| words.get(i).copied().unwrap_or_default();
        let option = |name: &str| {
            let options = words.get(5..).unwrap_or_default();
            options
                .iter()
                .position(|w| *w == name)
                .and_then(|i| options.get(i + 1))
                .copied()
        };
        let table = arg(1);
        let kind = arg(2);
        let rate: f64 = arg(3).trim_end_matches("/s").parse().unwrap();
        let span = duration(arg(4));
        let keys: u64 = option("keys").map_or(1_000, |k| k.parse().unwrap());
        let hot: f64 = option("hot").map_or(0.0, |h| h.parse().unwrap());
        let size: usize = option("size").map_or(10, |s| s.parse().unwrap());
        let count = (rate * span.as_secs_f64()).round() as u64;
        let gap = SimDuration::from_secs_f64(1.0 / rate);
        let mut outcomes: std::collections::BTreeMap<String, u64> = Default::default();
        let mut rng = SimRng::seed_from(99);
        let start = self.now;
        for i in 0..count {
            self.now = start + gap.saturating_mul(i);
            let key = if rng.chance(hot) {
                "key-hot".to_string()
            } else {
                format!("key-{}", rng.range_u64(0..keys).unwrap())
            };
            let outcome = match kind {
                "write" => self.run(
                    "PutItem",
                    json!({"TableName": table, "Item": {"pk": {"S": key}, "v": {"S": "x".repeat(size)}}}),
                ),
                _ => self.run(
                    "GetItem",
                    json!({"TableName": table, "Key": {"pk": {"S": key}}, "ConsistentRead": kind == "strong"}),
                ),
            };
            let name = match &outcome.result {
                Ok(_) => "ok".to_string(),
                Err(err) => err.kind.name().to_string(),
            };
            *outcomes.entry(name).or_default() += 1;
        }
        self.now = start + span;
        self.service.advance_to(self.now);
        let parts: Vec<String> = outcomes.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{}\n", parts.join(" "))
    }

    fn partitions(&self, table: &str) -> String {
        let snapshot = self.service.table_snapshot(table).unwrap();
        let mut out = format!(
            "{} {} read {} write {}: {} partitions\n",
            snapshot.name,
            snapshot.billing,
            snapshot.read_capacity,
            snapshot.write_capacity,
            snapshot.partitions.len()
        );
        for p in &snapshot.partitions {
            let lane = |l: &dynaplay_dynamo::physical::snapshot::LaneSnapshot| match (
                l.share,
                l.burst_balance,
            ) {
                (Some(share), Some(burst)) => format!(
                    "{share}/s burst {:.0} served {} throttled {} borrowed {:.0}",
                    burst, l.served, l.throttled, l.borrowed
                ),
                _ => format!(
                    "ceiling {}/s served {} throttled {}",
                    l.ceiling, l.served, l.throttled
                ),
            };
            let split = p
                .split
                .as_ref()
                .map(|s| format!(" splitting ({:?})", s.reason))
                .unwrap_or_default();
            writeln!(
                out,
                "p{} [{:.4}..{:.4}] items {} | read {} | write {}{split}",
                p.id,
                p.start_fraction,
                p.end_fraction,
                p.item_count,
                lane(&p.read),
                lane(&p.write)
            )
            .unwrap();
        }
        out
    }
}

fn run_script(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let mut harness = Harness::new();
    let mut out = String::new();
    for line in text.lines().filter(|l| !l.starts_with("> ")) {
        out += line;
        out.push('\n');
        let command = line.trim();
        if command.is_empty() || command.starts_with('#') {
            continue;
        }
        for answer in harness.command(command).lines() {
            writeln!(out, "> {answer}").unwrap();
        }
    }
    out
}

#[test]
fn physical_golden_scripts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/physical");
    dynaplay_golden::check("physical golden scripts", &dir, None, run_script);
}
