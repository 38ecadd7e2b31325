#!/usr/bin/env bash
# Runs Python inside the training environment: `bash training/env.sh SCRIPT.py [ARGS...]`.
#
# Creates .venv at the repository root when it is missing and installs
# training/requirements.txt into it whenever that file has changed since the last install,
# then runs `python` from it with the given arguments (from the repository root).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
requirements="$root/training/requirements.txt"
stamp="$venv/.training-requirements.sha256"

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -r "$requirements"
  echo "$wanted" > "$stamp"
fi

cd "$root"
export PYTHONHASHSEED=0 TOKENIZERS_PARALLELISM=false
exec "$venv/bin/python" "$@"
