#!/usr/bin/env bash
# Builds the playground once: the Rust core as WebAssembly (pkg/), then the front-end bundle.
# The wasm step is skipped while pkg/ is newer than every Rust source; --force rebuilds it anyway.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

WASM_FILE="pkg/attention_playground_bg.wasm"

force=false
for arg in "$@"; do
  case "$arg" in
    --force) force=true ;;
    -h | --help) echo "usage: scripts/build.sh [--force]"; exit 0 ;;
    *) die "unknown option '$arg' (usage: scripts/build.sh [--force])" ;;
  esac
done

build_wasm() {
  if ! $force && up_to_date "$WASM_FILE" src www/src/generated Cargo.toml Cargo.lock; then
    ok "wasm core (pkg/ is newer than the Rust sources; --force rebuilds it)"
    return
  fi
  have wasm-pack || die "wasm-pack is not installed; run scripts/setup.sh first"
  # wasm-pack runs the first wasm-opt on PATH; Debian's binaryen is too old for current
  # wasm-bindgen output, so the npm one must come first.
  [ -x node_modules/.bin/wasm-opt ] || die "node_modules/.bin/wasm-opt is missing; run scripts/setup.sh first"
  work "building the wasm core (release, SIMD128)"
  PATH="$ROOT/node_modules/.bin:$PATH" RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }$WASM_RUSTFLAGS" \
    wasm-pack build --release --target web --out-dir pkg || die "the wasm build failed"
  [ -f "$WASM_FILE" ] || die "wasm-pack finished but $WASM_FILE is missing"
  ok "wasm core (built into pkg/)"
}

build_web() {
  if [ ! -f www/build.mjs ]; then
    note "front-end bundle skipped: www/build.mjs not found"
    return
  fi
  work "bundling the front end"
  npm run --silent build:web || die "the front-end bundle failed (npm run build:web)"
  ok "front-end bundle"
}

report_sizes() {
  local wasm raw gz
  for wasm in pkg/*.wasm; do
    raw=$(wc -c <"$wasm")
    gz=$(gzip -9 -c "$wasm" | wc -c)
    note "$(awk -v f="$wasm" -v r="$raw" -v g="$gz" 'BEGIN { printf "%s: %.1f KiB, %.1f KiB gzipped", f, r / 1024, g / 1024 }')"
  done
}

build_wasm
build_web
report_sizes
