#!/usr/bin/env bash
# Installs what is missing, builds once, then runs every test layer. A failing layer does not stop
# the run; the summary at the end lists each layer and the exit status is non-zero if any failed.
#
#   bash scripts/test.sh [LAYER...]    LAYER: lint native wasm unit typecheck e2e (default: all)
#
#   lint       the Rust code's format (cargo fmt --all --check: the crate and crates/train), clippy with warnings as errors over every
#              target and feature, and ESLint over the JavaScript (npm run lint)
#   native     the Rust tests on this machine, every feature (cargo test --all-features)
#   wasm       the wasm API tests (tests/wasm_api.rs) compiled for wasm32 and run in Node
#   unit       the front end's unit tests (npm run test:unit)
#   typecheck  the JSDoc-typed front end checked by TypeScript (npm run typecheck)
#   e2e        the Playwright browser tests against the built page (npx playwright test)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ALL_LAYERS=(lint native wasm unit typecheck e2e)
for layer in "$@"; do
  [[ " ${ALL_LAYERS[*]} " == *" $layer "* ]] || die "unknown test layer '$layer' (choose from: ${ALL_LAYERS[*]})"
done
if [ $# -gt 0 ]; then LAYERS=("$@"); else LAYERS=("${ALL_LAYERS[@]}"); fi

SUMMARY=()
failures=0

# record STATUS NAME DETAIL
record() { SUMMARY+=("$(printf '%s %-28s %s' "$1" "$2" "$3")"); }

# run_layer NAME CMD... — runs one layer under a heading and records how it went.
run_layer() {
  local name="$1" started=$SECONDS
  shift
  heading "$name"
  if "$@"; then
    record "✓" "$name" "passed in $((SECONDS - started))s"
  else
    record "✗" "$name" "FAILED after $((SECONDS - started))s"
    failures=$((failures + 1))
  fi
}

# skip_layer NAME REASON
skip_layer() {
  heading "$1"
  note "skipped: $2"
  record "·" "$1" "skipped: $2"
}

selected() { [[ " ${LAYERS[*]} " == *" $1 "* ]]; }

# The wasm API tests run in Node under wasm-bindgen's test runner, as `wasm-pack test --node` would,
# but only tests/wasm_api.rs is compiled for wasm32: wasm-pack builds every test target for it,
# including native-only ones.
wasm_api_tests() {
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner WASM_BINDGEN_TEST_ONLY_NODE=1 \
    RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }$WASM_RUSTFLAGS" \
    cargo test --target wasm32-unknown-unknown --test wasm_api
}

heading "Setup"
bash scripts/setup.sh || die "setup failed; nothing was tested"

run_layer "Build" bash scripts/build.sh
build_ok=$((failures == 0))

if selected lint; then
  run_layer "Rust format (cargo fmt)" cargo fmt --all --check
  run_layer "Rust lint (clippy)" cargo clippy --all-targets --all-features -- -D warnings
  if [ -f eslint.config.js ]; then
    run_layer "JavaScript lint (ESLint)" npm run --silent lint
  else
    skip_layer "JavaScript lint (ESLint)" "eslint.config.js not found"
  fi
fi

if selected native; then
  run_layer "native tests (cargo test)" cargo test --all-features
fi

if selected wasm; then
  if [ -f tests/wasm_api.rs ]; then
    run_layer "wasm API tests (Node)" wasm_api_tests
  else
    skip_layer "wasm API tests (Node)" "tests/wasm_api.rs not found"
  fi
fi

if selected unit; then
  if [ -d www/tests/unit ]; then
    run_layer "front-end unit tests" npm run --silent test:unit
  else
    skip_layer "front-end unit tests" "www/tests/unit/ not found"
  fi
fi

if selected typecheck; then
  if [ -f www/jsconfig.json ]; then
    run_layer "front-end type check" npm run --silent typecheck
  else
    skip_layer "front-end type check" "www/jsconfig.json not found"
  fi
fi

if selected e2e; then
  if [ "$build_ok" -eq 1 ]; then
    run_layer "browser tests (Playwright)" npx --no-install playwright test
  else
    skip_layer "browser tests (Playwright)" "the build failed"
  fi
fi

heading "Summary"
printf '%s\n' "${SUMMARY[@]}"
if [ "$failures" -gt 0 ]; then
  printf '\n%d layer(s) failed.\n' "$failures"
  exit 1
fi
printf '\nAll tests passed.\n'
