//! The DAX benchmark scenario: a read-heavy workload with Zipf-distributed keys, run
//! straight to DynamoDB and through a three-node DAX cluster (see
//! `dynaplay_dynamo::dax::experiment`). Simulated mean read latency through DAX must be at
//! least ten times lower than direct. The figures are printed (and recorded in
//! docs/BENCHMARKS.md):
//!
//! ```text
//! cargo test -p dynaplay-dynamo --release --test dax_speedup -- --nocapture
//! ```

use dynaplay_dynamo::dax::{ReadHeavyWorkload, run_read_heavy};

#[test]
fn reads_through_dax_are_at_least_ten_times_faster_on_a_read_heavy_zipf_workload() {
    let workload = ReadHeavyWorkload::default();
    let report = run_read_heavy(&workload).expect("the workload runs");
    let direct = report
        .direct_percentiles
        .expect("direct reads were recorded");
    let dax = report
        .dax_percentiles
        .expect("reads through DAX were recorded");
    println!(
        "workload: {} items, {} requests ({:.0}% GetItem, the rest UpdateItem), Zipf(1) keys, one request every {}, {} DAX nodes",
        workload.items,
        workload.requests,
        workload.read_fraction * 100.0,
        workload.interval,
        workload.nodes
    );
    println!("reads: {}, writes: {}", report.reads, report.writes);
    println!("direct to DynamoDB: {direct}");
    println!("through DAX:        {dax}");
    println!("item cache hit ratio: {:.2}%", report.hit_ratio * 100.0);
    println!("mean read latency, direct / DAX: {:.1}x", report.speedup);
    assert_eq!(direct.count, report.reads);
    assert_eq!(dax.count, report.reads);
    assert!(
        report.speedup >= 10.0,
        "DAX must be at least 10x faster on mean read latency: {:.2}x",
        report.speedup
    );
    // Not only the mean: the typical read is a hit in microseconds, the typical direct
    // read takes milliseconds.
    assert!(dax.p50.as_micros() < 1_000 && direct.p50.as_micros() > 2_000);
}
