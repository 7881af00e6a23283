//! Driving one target through a run: set-up, preload, warm-up, timed phases.
//!
//! The load is closed-loop: each of N connections sends a request, waits for the whole
//! answer, and sends the next, so N is the number of requests in flight and the server's
//! throughput at that concurrency is what comes out. Request bodies are generated and
//! serialised before a phase starts, so the load generator spends its time on sockets,
//! not on building JSON, and cannot slow a fast server down by being busy. Every phase is
//! bounded twice — by wall time and by a request count — and a target that stops
//! answering only makes its phase end with errors; nothing waits forever.
//!
//! Before the timed phases the table is created (on-demand, waiting until it is ACTIVE),
//! loaded with BatchWriteItem (retrying unprocessed items, as SDKs do), and warmed up
//! with the same mix for a few seconds so that a JIT-compiled server (DynamoDB Local)
//! is measured at its steady state, not while it compiles.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use dynaplay_sim::SimDuration;
use serde_json::Value;

use crate::client::{Answer, Connection};
use crate::cpu;
use crate::report::{PhaseResult, TargetResult};
use crate::workload::{self, Mix, Operation, Shape, Stream};

/// A server to measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub name: String,
    pub addr: SocketAddr,
    /// The server's process, whose CPU time is then reported per request.
    pub pid: Option<u32>,
}

impl Target {
    /// Parses `name=host:port` or `name=http://host:port`, optionally followed by
    /// `@pid`, the server's process id. Only loopback addresses are accepted: this tool
    /// sends load, and load goes nowhere but this machine.
    pub fn parse(text: &str) -> Result<Target, String> {
        let (name, address) = text
            .split_once('=')
            .ok_or_else(|| format!("`{text}` is not name=host:port"))?;
        let (address, pid) = match address.split_once('@') {
            Some((address, pid)) => {
                let pid = pid
                    .trim()
                    .parse()
                    .map_err(|_| format!("`{pid}` is not a process id"))?;
                (address, Some(pid))
            }
            None => (address, None),
        };
        let address = address
            .trim()
            .trim_start_matches("http://")
            .trim_end_matches('/');
        let addr: SocketAddr = address.parse().map_err(|_| {
            format!("`{address}` is not an IP address and port, e.g. 127.0.0.1:8000")
        })?;
        if !addr.ip().is_loopback() {
            return Err(format!(
                "{addr} is not a loopback address; load stays on this machine"
            ));
        }
        let name = name.trim();
        if name.is_empty() {
            return Err(format!("`{text}` has no target name"));
        }
        Ok(Target {
            name: name.to_string(),
            addr,
            pid,
        })
    }
}

/// What to send and for how long.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub seed: u64,
    pub shape: Shape,
    pub mix: Mix,
    /// Connection counts of the timed phases, in order.
    pub connections: Vec<usize>,
    pub duration: Duration,
    /// Most requests in one timed phase.
    pub max_requests: u64,
    pub warmup: Duration,
    pub preload_connections: usize,
    /// How long to wait for CreateTable to become ACTIVE.
    pub setup_timeout: Duration,
}

/// The JSON body of `value` as bytes ready to send.
fn body(value: &Value) -> Bytes {
    Bytes::from(serde_json::to_vec(value).unwrap_or_default())
}

/// `__type` and `message` of an error answer, shortened for the report.
fn describe(operation: &str, answer: &Answer) -> String {
    let text = answer.text();
    let short: String = text.chars().take(300).collect();
    format!("{operation}: HTTP {} {short}", answer.status)
}

/// Gets one target ready for timed phases: creates and loads the table, then warms the
/// server up. The result carries the preload's numbers, or why the target failed.
pub async fn prepare(target: &Target, plan: &Plan) -> TargetResult {
    let mut result = TargetResult {
        name: target.name.clone(),
        address: target.addr.to_string(),
        ..TargetResult::default()
    };
    let mut connection = Connection::new(target.addr);
    if let Err(err) = create_table(&mut connection, plan.setup_timeout).await {
        result.failure = Some(err);
        return result;
    }
    let started = Instant::now();
    match preload(target.addr, plan).await {
        Ok(items) => {
            result.preload_items = items;
            result.preload_secs = started.elapsed().as_secs_f64();
        }
        Err(err) => {
            result.failure = Some(err);
            return result;
        }
    }
    if !plan.warmup.is_zero() {
        let connections = plan.connections.iter().copied().max().unwrap_or(1);
        // Phase label 0 is the warm-up; timed phases are labelled by their connections.
        let requests = Requests::new(plan, 0, connections);
        let _ = phase(target, &requests, plan.warmup).await;
    }
    result
}

/// One timed phase of `requests` against a prepared target.
pub async fn measure(target: &Target, plan: &Plan, requests: &Requests) -> PhaseResult {
    phase(target, requests, plan.duration).await
}

/// CreateTable, then DescribeTable until the table is ACTIVE.
async fn create_table(connection: &mut Connection, timeout: Duration) -> Result<(), String> {
    let answer = connection
        .call("CreateTable", body(&workload::create_table()))
        .await?;
    // A table left from an earlier run on the same server is fine: the preload rewrites it.
    if !answer.is_ok() && !answer.text().contains("ResourceInUseException") {
        return Err(describe("CreateTable", &answer));
    }
    let deadline = Instant::now() + timeout;
    loop {
        let answer = connection
            .call("DescribeTable", body(&workload::describe_table()))
            .await?;
        if !answer.is_ok() {
            return Err(describe("DescribeTable", &answer));
        }
        let status = serde_json::from_slice::<Value>(&answer.body)
            .ok()
            .and_then(|v| {
                v.pointer("/Table/TableStatus")
                    .and_then(Value::as_str)
                    .map(String::from)
            });
        if status.as_deref() == Some("ACTIVE") {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!("the table was still {status:?} after {timeout:?}"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Loads every item with BatchWriteItem over `plan.preload_connections` connections.
async fn preload(addr: SocketAddr, plan: &Plan) -> Result<u64, String> {
    let batches: Vec<Bytes> = workload::preload_batches(plan.seed, plan.shape)
        .map(|b| body(&b))
        .collect();
    let batches = Arc::new(batches);
    let workers = plan.preload_connections.max(1);
    let mut handles = Vec::new();
    for worker in 0..workers {
        let batches = Arc::clone(&batches);
        handles.push(tokio::spawn(async move {
            let mut connection = Connection::new(addr);
            for batch in batches.iter().skip(worker).step_by(workers) {
                write_batch(&mut connection, batch.clone()).await?;
            }
            Ok::<(), String>(())
        }));
    }
    for handle in handles {
        handle
            .await
            .map_err(|e| format!("preload task failed: {e}"))??;
    }
    Ok(plan.shape.items())
}

/// Errors a client retries: the server is busy, not wrong.
fn is_retryable(answer: &Answer) -> bool {
    let text = answer.text();
    answer.status >= 500
        || text.contains("ProvisionedThroughputExceeded")
        || text.contains("ThrottlingException")
        || text.contains("RequestLimitExceeded")
}

/// One BatchWriteItem, resending unprocessed items (and throttled batches) with backoff.
async fn write_batch(connection: &mut Connection, batch: Bytes) -> Result<(), String> {
    const ATTEMPTS: u32 = 50;
    let mut pending = batch;
    for attempt in 0..ATTEMPTS {
        let answer = connection.call("BatchWriteItem", pending.clone()).await?;
        if answer.is_ok() {
            let unprocessed = serde_json::from_slice::<Value>(&answer.body)
                .ok()
                .and_then(|v| v.get("UnprocessedItems").cloned())
                .filter(|u| u.as_object().is_some_and(|o| o.values().any(non_empty)));
            match unprocessed {
                None => return Ok(()),
                Some(items) => pending = body(&serde_json::json!({ "RequestItems": items })),
            }
        } else if !is_retryable(&answer) {
            return Err(describe("BatchWriteItem", &answer));
        }
        let backoff = Duration::from_millis(5u64 << attempt.min(6));
        tokio::time::sleep(backoff).await;
    }
    Err(format!(
        "BatchWriteItem still had unprocessed items after {ATTEMPTS} attempts"
    ))
}

fn non_empty(value: &Value) -> bool {
    value.as_array().is_some_and(|a| !a.is_empty())
}

/// The requests of one phase, one stream per connection, serialised ahead of time.
/// Built once per connection count and shared by every target and round.
#[derive(Debug, Clone)]
pub struct Requests {
    streams: Arc<Vec<Vec<(Operation, Bytes)>>>,
}

impl Requests {
    /// The streams of phase `label` (0 for the warm-up, else the connection count), at
    /// most `plan.max_requests` requests in all.
    pub fn new(plan: &Plan, label: u64, connections: usize) -> Requests {
        let connections = connections.max(1);
        let per_connection = plan.max_requests.div_ceil(connections as u64).max(1);
        let streams = (0..connections)
            .map(|c| {
                let mut stream = Stream::new(plan.seed, label, c as u64, plan.shape, plan.mix);
                (0..per_connection)
                    .map(|_| {
                        let request = stream.next_request();
                        (request.operation, body(&request.body))
                    })
                    .collect()
            })
            .collect();
        Requests {
            streams: Arc::new(streams),
        }
    }

    /// The requests of the timed phase with `connections` connections.
    pub fn timed(plan: &Plan, connections: usize) -> Requests {
        Requests::new(
            plan,
            u64::try_from(connections).unwrap_or(u64::MAX),
            connections,
        )
    }

    pub fn connections(&self) -> usize {
        self.streams.len()
    }
}

/// One phase: every stream of `requests` on its own connection, until `duration` has
/// passed or the streams are spent.
async fn phase(target: &Target, requests: &Requests, duration: Duration) -> PhaseResult {
    let addr = target.addr;
    let connections = requests.connections();
    let cpu_before = target.pid.and_then(cpu::process_seconds);
    let started = Instant::now();
    let deadline = started + duration;
    let mut handles = Vec::with_capacity(connections);
    for index in 0..connections {
        let streams = Arc::clone(&requests.streams);
        handles.push(tokio::spawn(async move {
            let mut result = PhaseResult::new(connections);
            let mut connection = Connection::new(addr);
            let stream = streams.get(index).map(Vec::as_slice).unwrap_or_default();
            for (operation, body) in stream.iter().cloned() {
                if Instant::now() >= deadline {
                    break;
                }
                let sent = Instant::now();
                let outcome = connection.call(operation.name(), body).await;
                let latency = sent.elapsed();
                match outcome {
                    Ok(answer) if answer.is_ok() => {
                        if workload::response_is_complete(operation, &answer.body) {
                            let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
                            result.record(operation, SimDuration::from_micros(micros));
                        } else {
                            result.fail(|| {
                                format!(
                                    "{} answered 200 without the data: {}",
                                    operation.name(),
                                    answer.text()
                                )
                            });
                        }
                    }
                    Ok(answer) => result.fail(|| describe(operation.name(), &answer)),
                    Err(err) => result.fail(|| format!("{}: {err}", operation.name())),
                }
            }
            result
        }));
    }
    let mut total = PhaseResult::new(connections);
    for handle in handles {
        match handle.await {
            Ok(result) => total.merge(&result),
            Err(err) => total.fail(|| format!("a connection task failed: {err}")),
        }
    }
    total.elapsed_secs = started.elapsed().as_secs_f64();
    let cpu_after = target.pid.and_then(cpu::process_seconds);
    total.server_cpu_secs = cpu_before
        .zip(cpu_after)
        .map(|(before, after)| after - before);
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_must_be_named_and_on_loopback() {
        let target = Target::parse("dynaplay=127.0.0.1:8000").unwrap();
        assert_eq!(target.name, "dynaplay");
        assert_eq!(target.addr, "127.0.0.1:8000".parse().unwrap());
        assert_eq!(target.pid, None);
        assert_eq!(
            Target::parse("d=127.0.0.1:8000@4242").unwrap().pid,
            Some(4242)
        );
        assert!(Target::parse("d=127.0.0.1:8000@me").is_err());
        assert_eq!(
            Target::parse("x=http://[::1]:9/").unwrap().addr,
            "[::1]:9".parse().unwrap()
        );
        assert!(
            Target::parse("x=10.0.0.1:8000")
                .unwrap_err()
                .contains("loopback")
        );
        assert!(Target::parse("x=localhost:8000").is_err());
        assert!(Target::parse("127.0.0.1:8000").is_err());
        assert!(Target::parse("=127.0.0.1:8000").is_err());
    }

    #[test]
    fn throttling_and_server_errors_are_retried_validation_errors_are_not() {
        let answer = |status, text: &str| Answer {
            status,
            body: Bytes::from(text.to_string()),
        };
        assert!(is_retryable(&answer(
            400,
            r#"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"}"#
        )));
        assert!(is_retryable(&answer(500, "{}")));
        assert!(!is_retryable(&answer(
            400,
            r#"{"__type":"com.amazon.coral.validate#ValidationException"}"#
        )));
    }
}
