#!/usr/bin/env bash
# Builds the playground, then gathers exactly what a static host needs into one folder
# (default: dist/): the page, the guide for teachers with its examples, and the
# <attention-playground> element (one module and the wasm file beside it), and the models trained
# here (trained/, 8.5 MB: the page offers them by name and opens on the trained decoder when no
# pretrained model is served); with --with-model also the pretrained model's folder, with the
# files the page reads (its config, tokenizer and one weights file, the F32 one when there is
# one). Copy the folder to any static host and open it.
# --no-build gathers what the last build made, without building.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

USAGE="usage: scripts/build-static.sh [--with-model] [--out DIR] [--no-build]"
MODEL_DIR="models/all-MiniLM-L6-v2"
MARKER=".attention-playground-static"

out="dist"
with_model=false
build=true
while [ $# -gt 0 ]; do
  case "$1" in
    --with-model) with_model=true ;;
    --no-build) build=false ;;
    --out)
      [ $# -ge 2 ] || die "--out needs a folder ($USAGE)"
      out="$2"
      shift
      ;;
    -h | --help) echo "$USAGE"; exit 0 ;;
    *) die "unknown option '$1' ($USAGE)" ;;
  esac
  shift
done

# The folder is emptied first: refuse anything that is not a folder this script made.
target="$(realpath -m "$out")"
case "$target" in
  "$ROOT" | "$ROOT"/www* | "$ROOT"/src* | "$ROOT"/pkg* | "$ROOT"/models* | / | "$HOME")
    die "--out $out would overwrite project files; choose a new folder" ;;
esac
if [ -d "$target" ] && [ -n "$(ls -A "$target")" ] && [ ! -f "$target/$MARKER" ]; then
  die "$out exists and was not made by this script; choose an empty or new folder"
fi
if $with_model && [ ! -f "$MODEL_DIR/config.json" ]; then
  die "$MODEL_DIR is missing; fetch it first with: bash scripts/fetch-model.sh"
fi

if $build; then bash scripts/build.sh; fi

work "gathering the static site into $out/"
rm -rf "$target"
mkdir -p "$target/www/dist" "$target/www/docs" "$target/www/lessons"
touch "$target/$MARKER"
cp index.html "$target/"
cp www/icon.svg "$target/www/"
for file in playground.js playground-styles.css attention-playground.js attention-playground.wasm lessons.js lessons-styles.css; do
  [ -f "www/dist/$file" ] || die "www/dist/$file is missing after the build"
  cp "www/dist/$file" "$target/www/dist/"
done
cp -R www/docs/. "$target/www/docs/"
cp -R www/lessons/. "$target/www/lessons/"
cp -R trained "$target/"
if $with_model; then
  model_out="$target/$MODEL_DIR"
  mkdir -p "$model_out"
  for file in config.json tokenizer.json vocab.txt; do
    if [ -f "$MODEL_DIR/$file" ]; then cp "$MODEL_DIR/$file" "$model_out/"; fi
  done
  # The page reads model.safetensors first (F32: every digit shown is the model's);
  # model.f16.safetensors (half the download) stands in where it is the only one.
  if [ -f "$MODEL_DIR/model.safetensors" ]; then
    cp "$MODEL_DIR/model.safetensors" "$model_out/"
  else
    cp "$MODEL_DIR/model.f16.safetensors" "$model_out/"
  fi
fi

files=$(find "$target" -type f ! -name "$MARKER" | wc -l)
size=$(du -sk "$target" | awk '{ printf "%.1f MB", $1 / 1024 }')
ok "static site: $out/ ($files files, $size)"
note "try it:  node scripts/serve.mjs --root $out   (then open http://127.0.0.1:8080/)"
note "publish: copy $out/ to any static host that serves .wasm as application/wasm"
cat <<SNIPPET
· embed in a page of the same site (adjust the path to where $out/ is published):

  <script type="module" src="/attention/www/dist/attention-playground.js"></script>
  <attention-playground text="The animal didn't cross the street because it was too tired."></attention-playground>

SNIPPET
