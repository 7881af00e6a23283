//! Benchmarks of Dynaplay's DynamoDB endpoint against other DynamoDB emulators.
//!
//! The `loadgen` binary is the load generator behind `scripts/bench.sh`: one run sends the
//! same seeded stream of PutItem, GetItem and Query requests to every target it is given —
//! `dynaplay serve`, dynoxide, DynamoDB Local, dynalite — one after another, and prints
//! throughput, per-operation p50/p99 latency and ratios against the first target. Numbers
//! on a shared machine drift from run to run; ratios measured within one run do not drift
//! nearly as much, which is why the report is built around them (docs/BENCHMARKS.md).
//!
//! The pieces: [`workload`] (the table, the preload and the request stream, pure and
//! seeded), [`amz`] (the headers a DynamoDB request carries), [`client`] (a keep-alive
//! HTTP/1.1 connection), [`cpu`] (a server's CPU time), [`run`] (set-up, preload, warm-up and timed phases against one
//! target) and [`report`] (the tables and ratios). The engine's in-process benchmarks
//! live beside the engine in `crates/dynamo/benches/`; this crate's `wasm_engine` bench
//! runs the same workload compiled to wasm32.

pub mod amz;
#[cfg(not(target_arch = "wasm32"))]
pub mod client;
#[cfg(not(target_arch = "wasm32"))]
pub mod cpu;
pub mod report;
#[cfg(not(target_arch = "wasm32"))]
pub mod run;
pub mod workload;
