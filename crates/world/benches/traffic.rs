//! How fast the world simulates generated traffic, against the bare engine, natively.
//!
//! `cargo bench -p dynaplay-world --bench traffic` runs the workload of `workload/mod.rs`
//! — 80% GetItem, 20% PutItem of 100-byte items over 10,000 uniform keys of an on-demand
//! table, 400,000 operations — straight through `Database::execute` (the baseline) and as
//! a traffic generator inside a `World` with realism off and with every realistic
//! behaviour on, in five rounds, and prints operations per second of each and their
//! ratio to the baseline of the same round, then the medians. The target is at least
//! 200,000 simulated operations per second natively; `tests/browser_traffic.rs` measures
//! the same in a browser (target 100,000).

// A benchmark is a test: a broken setup should stop it loudly.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::time::Instant;

mod workload;

/// Simulated operations per second the world must reach natively.
const TARGET: f64 = 200_000.0;

fn main() {
    let start = Instant::now();
    let clock = move || start.elapsed().as_secs_f64();
    let rounds = workload::run(workload::ROUNDS, workload::OPS, &clock);
    println!("{}", workload::report(&rounds, TARGET));
}
