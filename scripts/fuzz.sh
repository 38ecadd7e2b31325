#!/usr/bin/env bash
# Fuzzes the parsers one target at a time on one core, then minimises each kept corpus.
#
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]   SECONDS per target (default 600); TARGET: see
#                                                fuzz/Cargo.toml (default: every target)
#   FUZZ_MAX_LEN=4096 bash scripts/fuzz.sh …     inputs cut to that many bytes: many more runs a
#                                                second where the seeds are large files
#
# Needs the nightly toolchain and cargo-fuzz (`rustup toolchain install nightly`,
# `cargo install cargo-fuzz`). New inputs that reach new code are kept in fuzz/corpus/TARGET/,
# minimised afterwards by `cargo fuzz cmin`; a crash stops the run and its input is written to
# fuzz/artifacts/TARGET/. The kept corpus is replayed on stable by `cargo test --test fuzz_corpus`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SECONDS_EACH="${1:-600}"
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  mapfile -t TARGETS < <(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^attention-playground-fuzz$')
fi
have cargo-fuzz || die "cargo-fuzz is missing: cargo install cargo-fuzz"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}/fuzz"
LOGS="$TARGET_DIR/logs"
mkdir -p "$LOGS"

SUMMARY=()
for target in "${TARGETS[@]}"; do
  heading "$target: ${SECONDS_EACH} s"
  log="$LOGS/$target${FUZZ_MAX_LEN:+-$FUZZ_MAX_LEN}.log"
  status=0
  nice -n 10 cargo +nightly fuzz run --target-dir "$TARGET_DIR" "$target" -- \
    -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 ${FUZZ_MAX_LEN:+-max_len=$FUZZ_MAX_LEN} \
    >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  time=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  crashes=$(find "fuzz/artifacts/$target" -type f 2>/dev/null | wc -l)
  nice -n 10 cargo +nightly fuzz cmin --target-dir "$TARGET_DIR" "$target" >>"$log" 2>&1
  kept=$(find "fuzz/corpus/$target" -type f | wc -l)
  SUMMARY+=("$(printf '%-14s %12s runs %6s s %3s crashes %5s kept' "$target" "${runs:-?}" "${time:-?}" "$crashes" "$kept")")
  if [ "$status" -ne 0 ]; then
    tail -40 "$log" >&2
    die "$target failed (exit $status); the input is in fuzz/artifacts/$target/, the log in $log"
  fi
  ok "${SUMMARY[-1]}"
done
heading summary
printf '%s\n' "${SUMMARY[@]}"
