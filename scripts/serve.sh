#!/usr/bin/env bash
# Builds the playground (installing whatever is missing) and serves it on
# http://127.0.0.1:8080, rebuilding when the sources change.
#   scripts/serve.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/setup.sh"
setup_build

printf '\n  Dynaplay playground: http://127.0.0.1:8080/\n  (first build takes a minute; Ctrl-C stops)\n\n'
exec trunk serve --release --address 127.0.0.1 --port 8080
