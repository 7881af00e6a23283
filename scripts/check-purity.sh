#!/usr/bin/env bash
# The core crates must run anywhere the engine runs: in a browser tab as WebAssembly and
# natively, with no I/O, no async runtime, no browser bindings and no OS entropy. This
# fails if any of them stops building for wasm32-unknown-unknown or if a forbidden crate
# appears anywhere in its normal dependency tree for that target.
#   scripts/check-purity.sh CRATE...
set -euo pipefail

FORBIDDEN='^(wasm-bindgen|web-sys|js-sys|gloo|gloo-[a-z-]+|tokio|tokio-[a-z-]+|async-std|smol|mio|hyper|reqwest|getrandom|rand_os|socket2|libc|std-fs|tempfile|notify|chrono|time|instant|web-time)$'
status=0
for crate in "$@"; do
  cargo build -p "$crate" --target wasm32-unknown-unknown --locked --quiet
  deps=$(cargo tree -p "$crate" --target wasm32-unknown-unknown -e normal --prefix none \
           --format '{p}' --locked | awk '{print $1}' | sort -u)
  bad=$(grep -E "$FORBIDDEN" <<<"$deps" || true)
  if [ -n "$bad" ]; then
    echo "error: $crate depends on crates a pure core must not use:" >&2
    sed 's/^/  - /' <<<"$bad" >&2
    status=1
  else
    echo "ok: $crate builds for wasm32 and depends on $(wc -l <<<"$deps") pure crates"
  fi
done
exit $status
