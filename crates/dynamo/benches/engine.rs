//! Criterion benchmarks of GetItem, PutItem and Query on 100,000 items, each against a
//! plain `BTreeMap` doing the same lookups or inserts in the same run.
//!
//! ```text
//! cargo bench -p dynaplay-dynamo --bench engine
//! ```
//!
//! Criterion prints its own estimate for every benchmark; at the end this harness prints
//! one line per operation with the engine's time per operation (its fastest sample), the
//! map's, and their ratio (`GetItem: 1.23 µs vs BTreeMap 0.21 µs = 5.9×`). The `Table::get` and
//! `Table::put` lines show what the storage alone costs, without JSON or validation; the
//! `via DynamoService` lines what the physical model (partitions, replicas, events) adds,
//! as the world and the HTTP endpoint run it. The same workload runs in wasm32 via
//! `crates/bench/benches/wasm_engine.rs`.

mod workload;

use std::cell::RefCell;
use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use criterion::Criterion;
use workload::{Samples, Workload, summary_line};

/// Samples per benchmark; the summary takes the fastest of these.
const SAMPLE_SIZE: usize = 50;

/// Times `operation` with criterion, keeping each sample's time per iteration.
fn bench<T>(
    criterion: &mut Criterion,
    name: &str,
    workload: &mut Workload,
    mut operation: impl FnMut(&mut Workload) -> T,
) -> Samples {
    let samples = RefCell::new(Samples::default());
    workload.rewind();
    criterion.bench_function(name, |b| {
        b.iter_custom(|iterations| {
            let started = Instant::now();
            for _ in 0..iterations {
                black_box(operation(workload));
            }
            let elapsed = started.elapsed();
            samples
                .borrow_mut()
                .record(elapsed.as_nanos() as f64, iterations);
            elapsed
        })
    });
    samples.into_inner()
}

fn main() -> ExitCode {
    let mut workload = match Workload::new(1) {
        Ok(workload) => workload,
        Err(err) => {
            eprintln!("cannot load the benchmark table: {err}");
            return ExitCode::FAILURE;
        }
    };
    if workload.counts() != (workload::ITEMS, workload::ITEMS as usize)
        || workload.service_count() != workload::ITEMS
    {
        eprintln!("the table was not fully loaded: {:?}", workload.counts());
        return ExitCode::FAILURE;
    }
    // The engine must actually answer: a failing request would be fast and meaningless.
    let checks = [
        (
            "GetItem",
            workload.get_item().map(|r| r.get("Item").is_some()),
        ),
        ("PutItem", workload.put_item().map(|_| true)),
        (
            "Query",
            workload
                .query()
                .map(|r| r.get("Count").and_then(|c| c.as_u64()) == Some(10)),
        ),
    ];
    for (name, check) in checks {
        if !matches!(check, Ok(true)) {
            eprintln!("{name} does not work on the benchmark table: {check:?}");
            return ExitCode::FAILURE;
        }
    }

    let mut criterion = Criterion::default()
        .sample_size(SAMPLE_SIZE)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();

    // The map is measured once per operation and compared with each engine path.
    let get = bench(
        &mut criterion,
        "GetItem/execute",
        &mut workload,
        Workload::get_item,
    );
    let map_get = bench(
        &mut criterion,
        "GetItem/btreemap",
        &mut workload,
        Workload::map_get,
    );
    let put = bench(
        &mut criterion,
        "PutItem/execute",
        &mut workload,
        Workload::put_item,
    );
    let map_put = bench(
        &mut criterion,
        "PutItem/btreemap",
        &mut workload,
        Workload::map_put,
    );
    let query = bench(
        &mut criterion,
        "Query/execute",
        &mut workload,
        Workload::query,
    );
    let map_query = bench(
        &mut criterion,
        "Query/btreemap",
        &mut workload,
        Workload::map_query,
    );
    let get_text = bench(
        &mut criterion,
        "GetItem/execute-text",
        &mut workload,
        Workload::get_item_text,
    );
    let query_text = bench(
        &mut criterion,
        "Query/execute-text",
        &mut workload,
        Workload::query_text,
    );
    let table_get = bench(
        &mut criterion,
        "GetItem/table-get",
        &mut workload,
        Workload::table_get,
    );
    let table_put = bench(
        &mut criterion,
        "PutItem/table-put",
        &mut workload,
        Workload::table_put,
    );
    let service_get = bench(
        &mut criterion,
        "GetItem/service",
        &mut workload,
        Workload::service_get_item,
    );
    let service_put = bench(
        &mut criterion,
        "PutItem/service",
        &mut workload,
        Workload::service_put_item,
    );
    let service_query = bench(
        &mut criterion,
        "Query/service",
        &mut workload,
        Workload::service_query,
    );
    let pairs = [
        ("GetItem", &get, &map_get),
        ("PutItem", &put, &map_put),
        ("Query", &query, &map_query),
        ("GetItem, item as text", &get_text, &map_get),
        ("Query, items as text", &query_text, &map_query),
        ("Table::get", &table_get, &map_get),
        ("Table::put", &table_put, &map_put),
        ("GetItem via DynamoService", &service_get, &map_get),
        ("PutItem via DynamoService", &service_put, &map_put),
        ("Query via DynamoService", &service_query, &map_query),
    ];
    criterion.final_summary();

    let (engine_items, map_items) = workload.counts();
    println!("\nnative, {engine_items} items in the table, {map_items} in the map:");
    for (name, engine, map) in pairs {
        if let (Some(engine), Some(map)) = (
            engine.fastest_of_last(SAMPLE_SIZE),
            map.fastest_of_last(SAMPLE_SIZE),
        ) {
            println!("{}", summary_line(name, engine, map));
        }
    }
    ExitCode::SUCCESS
}
