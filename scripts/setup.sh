#!/usr/bin/env bash
# Installs what building and testing Dynaplay needs, skipping whatever is already present at
# the pinned version. Sourced by scripts/serve.sh and scripts/test.sh; safe to run again.
#   scripts/setup.sh            tools for building and serving the playground
#   scripts/setup.sh --test     also the browser and SDK tools the tests use
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/versions.sh
source "$ROOT/scripts/versions.sh"

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*" >&2; }

export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

have_version() { # command, expected substring of `command --version`
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qF "$2"
}

ensure_wasm_target() {
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_trunk() {
  if ! have_version trunk "trunk $TRUNK_VERSION"; then
    log "installing trunk $TRUNK_VERSION (a few minutes, once)"
    # --locked: trunk 0.21's own lock file is what builds on this toolchain.
    cargo install --locked "trunk@$TRUNK_VERSION"
  fi
}

ensure_wasm_bindgen() {
  if ! have_version wasm-bindgen "wasm-bindgen $WASM_BINDGEN_VERSION"; then
    log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
    cargo install "wasm-bindgen-cli@$WASM_BINDGEN_VERSION"
  fi
}

ensure_node_packages() {
  # npm ci wipes node_modules, so run it only when the lock file changed since last time.
  local stamp="$ROOT/node_modules/.dynaplay-lock-sha"
  local want
  want="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    log "installing npm packages (wasm-opt, playwright-core, AWS SDK)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    log "installing Chromium and ChromeDriver from Debian"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
}

ensure_python_packages() {
  local venv="$ROOT/.venv"
  local stamp="$venv/.dynaplay-req-sha"
  local want
  want="$(sha256sum "$ROOT/tests/sdk/requirements.txt" | cut -d' ' -f1)"
  if [ ! -x "$venv/bin/python" ]; then
    log "creating the Python environment for SDK tests"
    python3 -m venv "$venv"
  fi
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    log "installing boto3 and the AWS CLI for SDK tests"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$ROOT/tests/sdk/requirements.txt"
    echo "$want" >"$stamp"
  fi
}

setup_build() {
  ensure_wasm_target
  ensure_trunk
  ensure_wasm_bindgen
  ensure_node_packages
}

setup_test() {
  setup_build
  ensure_chromium
  ensure_python_packages
  if ! command -v cargo-nextest >/dev/null 2>&1; then
    log "installing cargo-nextest"
    cargo install --locked cargo-nextest
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
    --test) setup_test ;;
    *) setup_build ;;
  esac
fi
