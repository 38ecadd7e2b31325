# Shared by the project's shell scripts (sourced, not run): repository root, PATH, step reporting.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

# matrixmultiply (ndarray's matrix product) only uses its SIMD kernel when the wasm build enables simd128.
WASM_RUSTFLAGS="-C target-feature=+simd128"

ok()   { printf '✓ %s\n' "$*"; }
note() { printf '· %s\n' "$*"; }
work() { printf '→ %s\n' "$*"; }
die()  { printf '✗ %s\n' "$*" >&2; exit 1; }

# heading TEXT — a visible banner between the stages of a long run.
heading() { printf '\n━━━ %s ━━━\n' "$*"; }

# have CMD — is CMD on PATH?
have() { command -v "$1" >/dev/null 2>&1; }

# as_root CMD... — run CMD with root rights (directly when root, else through sudo).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif have sudo; then
    sudo "$@"
  else
    die "'$*' needs root rights and sudo is not installed; run it as root, then rerun this script."
  fi
}

# up_to_date TARGET SOURCE... — true when TARGET exists and no SOURCE (file or folder, searched
# recursively) was modified after it.
up_to_date() {
  local target="$1"
  shift
  [ -e "$target" ] || return 1
  [ -z "$(find "$@" -newer "$target" -print -quit 2>/dev/null)" ]
}
