#!/usr/bin/env bash
# Rebuilds trained models and reference fixtures: `bash training/run.sh TARGET...`.
#
# Every target runs through training/env.sh (which sets up .venv on first use) on one thread.
# Targets:
#   decoder            train the small decoder, then evaluate it: trained/gpt2-2l-induction/,
#                      tests/fixtures/trained/gpt2-2l-induction.json
#   decoder-fixtures   random tiny GPT-2 / Llama models and byte-level BPE tokenizer fixtures:
#                      tests/fixtures/decoder/
#   decoder-check      train the decoder again into a temporary folder and compare its weights'
#                      SHA-256 with the committed ones (same seed → same weights)
#   translation        train the six encoder–decoder models (dates, grammar × gru-additive, gru,
#                      transformer) one after another, evaluate them, write their fixtures and
#                      check the fixtures: trained/<task>-<arch>/, tests/fixtures/trained/<task>-<arch>.json
#   grammar-alignment  held-out grammar sentences with their noun–adjective positions for the
#                      crosswise alignment test (no weights read): tests/fixtures/trained/grammar-alignment.json
#   translation-check  train the three date models again into temporary folders and compare their
#                      weights' SHA-256 with the committed ones
#   vision-fixtures    random tiny ViT and DeiT models and what transformers computes on pictures:
#                      tests/fixtures/vision/
#   digits             train the tiny ViT on scikit-learn's digits, then its fixtures:
#                      trained/digits-vit/, tests/fixtures/trained/digits-vit.json,
#                      tests/fixtures/vision/text-rollout.json
#   flow-fixtures      attention flow by networkx's maximum flows on committed attention maps
#                      (tiny BERT, tiny ViT, digits-vit): tests/fixtures/vision/flow.json
#   captioner          train the captioner on generated scenes, evaluate it on held-out ones, then
#                      its fixtures: trained/shapes-captioner/, tests/fixtures/trained/shapes-captioner.json
#                      and the scenes' PNGs beside it
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
py() { bash "$here/env.sh" "$@"; }

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

[ $# -ge 1 ] || usage 2
for target in "$@"; do
  case "$target" in
    decoder)
      py training/train_decoder.py
      py training/evaluate_decoder.py
      ;;
    decoder-fixtures)
      py training/make_decoder_fixtures.py
      ;;
    decoder-check)
      py training/train_decoder.py --check
      ;;
    translation)
      for task in dates grammar; do
        for arch in gru-additive gru transformer; do
          py training/train_translation.py --task "$task" --arch "$arch"
        done
      done
      py training/evaluate_translation.py
      py training/make_translation_fixtures.py
      py training/evaluate_translation.py --self-check
      ;;
    grammar-alignment)
      py training/make_grammar_alignment_fixture.py
      ;;
    vision-fixtures)
      py training/make_vision_fixtures.py
      ;;
    flow-fixtures)
      py training/make_flow_fixtures.py
      ;;
    digits)
      py training/train_digits_vit.py
      py training/make_digits_fixtures.py
      ;;
    captioner)
      py training/train_captioner.py
      py training/evaluate_captioner.py
      py training/make_captioner_fixtures.py
      ;;
    translation-check)
      for arch in gru-additive gru transformer; do
        py training/train_translation.py --task dates --arch "$arch" --check
      done
      ;;
    -h|--help|help)
      usage 0
      ;;
    *)
      echo "run.sh: unknown target '$target'" >&2
      usage 2
      ;;
  esac
done
