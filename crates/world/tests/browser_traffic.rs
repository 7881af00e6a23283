//! How fast the world simulates generated traffic in a browser: the workload of
//! `benches/workload/mod.rs` (the native benchmark's), compiled to WebAssembly and run in
//! headless Chromium by wasm-bindgen-test, timed with the page's clock. The target is at
//! least 100,000 simulated operations per second with every realistic behaviour on; like
//! the native benchmark it reports rather than asserts, since the figures depend on the
//! machine (the ratio to the baseline measured in the same run is what carries over).
//!
//! Only meaningful in an optimised build (see docs/BENCHMARKS.md):
//!
//! ```text
//! CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=300 \
//!   cargo test -p dynaplay-world --release --target wasm32-unknown-unknown \
//!   --test browser_traffic -- --nocapture
//! ```
//!
//! Natively this file compiles to nothing.

#![cfg(target_arch = "wasm32")]
// A measurement is a test: a broken setup should stop it loudly.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

#[path = "../benches/workload/mod.rs"]
mod workload;

/// Simulated operations per second the world must reach in a browser.
const TARGET: f64 = 100_000.0;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn generated_traffic_in_the_browser() {
    let clock = || js_sys::Date::now() / 1000.0;
    let rounds = workload::run(workload::ROUNDS, workload::OPS, &clock);
    console_log!("{}", workload::report(&rounds, TARGET));
}
