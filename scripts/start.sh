#!/usr/bin/env bash
# Installs what is missing, builds, and serves the playground on http://127.0.0.1:8080/.
# Options are passed on to the server (see: node scripts/serve.mjs --help).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

heading "Setup"
bash scripts/setup.sh
heading "Build"
bash scripts/build.sh
heading "Serve (Ctrl+C stops)"
exec node scripts/serve.mjs "$@"
