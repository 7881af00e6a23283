//! The engine benchmarks of `crates/dynamo/benches/engine.rs`, compiled to wasm32.
//!
//! ```text
//! cargo bench -p dynaplay-bench --target wasm32-unknown-unknown --bench wasm_engine
//! ```
//!
//! The playground runs the engine in a browser tab, so what a GetItem costs there matters
//! as much as what it costs natively. This harness includes the very same workload file
//! as the native benchmark (100,000 items; GetItem, PutItem and Query through
//! `Database::execute` beside a plain `BTreeMap` doing the same lookups and inserts) and
//! runs it with wasm-bindgen-test's port of criterion, in Node.js through
//! `wasm-bindgen-test-runner` (the workspace's wasm32 runner). Time comes from the host's
//! `performance.now()`. It prints criterion's estimates and then the same ratio lines as
//! the native benchmark, so the two can be read side by side.
//!
//! Built for the host, this target only explains how to run it.

#[cfg(target_arch = "wasm32")]
#[path = "../../dynamo/benches/workload/mod.rs"]
mod workload;

#[cfg(target_arch = "wasm32")]
mod wasm {
    use std::cell::RefCell;
    use std::hint::black_box;
    use std::time::Duration;

    use wasm_bindgen::prelude::wasm_bindgen;
    use wasm_bindgen_test::{Criterion, console_log, wasm_bindgen_bench};

    use crate::workload::{self, Samples, Workload, summary_line};

    #[wasm_bindgen]
    extern "C" {
        /// Milliseconds from the host's monotonic clock, with sub-millisecond precision.
        #[wasm_bindgen(js_namespace = performance, js_name = now)]
        fn performance_now() -> f64;
    }

    const SAMPLE_SIZE: usize = 20;

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
                let started = performance_now();
                for _ in 0..iterations {
                    black_box(operation(workload));
                }
                let millis = (performance_now() - started).max(0.0);
                samples.borrow_mut().record(millis * 1e6, iterations);
                Duration::from_secs_f64(millis / 1000.0)
            })
        });
        samples.into_inner()
    }

    #[wasm_bindgen_bench]
    fn engine_against_btreemap(c: &mut Criterion) {
        let mut workload = match Workload::new(1) {
            Ok(workload) => workload,
            Err(err) => {
                console_log!("cannot load the benchmark table: {err}");
                return;
            }
        };
        if workload.counts() != (workload::ITEMS, workload::ITEMS as usize)
            || workload.service_count() != workload::ITEMS
        {
            console_log!("the table was not fully loaded: {:?}", workload.counts());
            return;
        }
        let mut criterion = std::mem::take(c)
            .sample_size(SAMPLE_SIZE)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        let criterion = &mut criterion;
        let w = &mut workload;
        let get = bench(criterion, "wasm GetItem/execute", w, Workload::get_item);
        let map_get = bench(criterion, "wasm GetItem/btreemap", w, Workload::map_get);
        let put = bench(criterion, "wasm PutItem/execute", w, Workload::put_item);
        let map_put = bench(criterion, "wasm PutItem/btreemap", w, Workload::map_put);
        let query = bench(criterion, "wasm Query/execute", w, Workload::query);
        let map_query = bench(criterion, "wasm Query/btreemap", w, Workload::map_query);
        let table_get = bench(criterion, "wasm GetItem/table-get", w, Workload::table_get);
        let table_put = bench(criterion, "wasm PutItem/table-put", w, Workload::table_put);
        let service_get = bench(
            criterion,
            "wasm GetItem/service",
            w,
            Workload::service_get_item,
        );
        let service_put = bench(
            criterion,
            "wasm PutItem/service",
            w,
            Workload::service_put_item,
        );
        let service_query = bench(criterion, "wasm Query/service", w, Workload::service_query);
        let get_text = bench(
            criterion,
            "wasm GetItem/execute-text",
            w,
            Workload::get_item_text,
        );
        let query_text = bench(
            criterion,
            "wasm Query/execute-text",
            w,
            Workload::query_text,
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
        let (engine_items, map_items) = workload.counts();
        console_log!("\nwasm32, {engine_items} items in the table, {map_items} in the map:");
        for (name, engine, map) in pairs {
            if let (Some(engine), Some(map)) = (
                engine.fastest_of_last(SAMPLE_SIZE),
                map.fastest_of_last(SAMPLE_SIZE),
            ) {
                console_log!("{}", summary_line(name, engine, map));
            }
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "wasm_engine runs in wasm32: \
         cargo bench -p dynaplay-bench --target wasm32-unknown-unknown --bench wasm_engine"
    );
}
