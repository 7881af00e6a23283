#!/usr/bin/env bash
# Runs every Dynaplay test, installing whatever is missing first. Idempotent.
#   scripts/test.sh
# Output of the browser tests (screenshots, frame timings) goes to tests/output/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/setup.sh"
setup_test

export CHROMEDRIVER=/usr/bin/chromedriver
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
CORE_CRATES=(dynaplay-sim dynaplay-dynamo dynaplay-emr dynaplay-world)
started=$SECONDS

stage() { printf '\n\033[1;32m==> %s\033[0m (%ds)\n' "$*" "$((SECONDS - started))"; }

stage "1/8 formatting and lints"
cargo fmt --all --check
cargo clippy --all-targets --locked -- -D warnings
cargo clippy -p dynaplay-web --target wasm32-unknown-unknown --all-targets --locked -- -D warnings

stage "2/8 native tests"
cargo nextest run --locked --no-fail-fast
cargo test --doc --locked --quiet

stage "3/8 core crates stay pure and build for wasm32"
scripts/check-purity.sh "${CORE_CRATES[@]}"

stage "4/8 web crate tests in headless Chromium (wasm-bindgen-test)"
cargo test -p dynaplay-web --target wasm32-unknown-unknown --locked

stage "5/8 SDK tests against dynaplay serve (boto3)"
cargo build -p dynaplay-server --locked
"$ROOT/.venv/bin/python" -m pytest tests/sdk -q -p no:cacheprovider

stage "6/8 release build and bundle budget"
trunk build --release --locked
node tests/e2e/bundle-size.mjs

stage "7/8 browser tests (Playwright, Chromium)"
node --test --test-concurrency=1 tests/e2e/

stage "8/8 done"
echo "all tests passed in $((SECONDS - started)) s"
