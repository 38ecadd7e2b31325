#!/usr/bin/env bash
# Installs everything the playground needs to build, run and test, on top of a machine that has
# rustup/cargo, Node 20 + npm, Python 3 + pip and a C compiler. Every step is skipped when it is
# already satisfied, so a second run takes seconds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

require_base_tools() {
  local tool missing=()
  for tool in rustup cargo node npm python3; do
    have "$tool" || missing+=("$tool")
  done
  [ ${#missing[@]} -eq 0 ] || die "missing base tools: ${missing[*]} (install the Rust toolchain via rustup, Node 20 with npm and Python 3 with pip first)"
  local node_major
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$node_major" -ge 20 ] || die "Node $(node --version) is too old; Node 20 or newer is needed"
  ok "base tools: $(cargo --version | cut -d' ' -f1-2), node $(node --version), python $(python3 -c 'import platform; print(platform.python_version())')"
}

wasm_target() {
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    ok "rust target wasm32-unknown-unknown (present)"
  else
    work "adding rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown || die "rustup could not add the wasm32-unknown-unknown target"
    ok "rust target wasm32-unknown-unknown (installed)"
  fi
}

# rustfmt and clippy, for the lint layer of scripts/test.sh (a minimal rustup profile lacks them).
rust_components() {
  local missing=()
  cargo fmt --version >/dev/null 2>&1 || missing+=(rustfmt)
  cargo clippy --version >/dev/null 2>&1 || missing+=(clippy)
  if [ ${#missing[@]} -eq 0 ]; then
    ok "rust components rustfmt and clippy (present)"
  else
    work "adding rust components: ${missing[*]}"
    rustup component add "${missing[@]}" || die "rustup could not add ${missing[*]}"
    ok "rust components rustfmt and clippy (installed)"
  fi
}

# The wasm-bindgen CLI must match the wasm-bindgen crate exactly; Cargo.toml pins it as "=X.Y.Z".
pinned_wasm_bindgen_version() {
  sed -nE 's/^wasm-bindgen[[:space:]]*=.*"=([0-9]+\.[0-9]+\.[0-9]+)".*/\1/p' Cargo.toml | head -n1
}

wasm_bindgen_cli() {
  local want have_version
  want="$(pinned_wasm_bindgen_version)"
  [ -n "$want" ] || die "Cargo.toml does not pin wasm-bindgen as \"=X.Y.Z\"; the CLI version cannot be chosen"
  have_version="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
  if [ "$have_version" = "$want" ]; then
    ok "wasm-bindgen-cli $want (present)"
    return
  fi
  work "installing wasm-bindgen-cli $want${have_version:+ (found $have_version)} — about 6 minutes on 2 cores"
  cargo install --force wasm-bindgen-cli --version "$want" || die "cargo install wasm-bindgen-cli $want failed"
  ok "wasm-bindgen-cli $want (installed)"
}

wasm_pack() {
  if have wasm-pack; then
    ok "$(wasm-pack --version) (present)"
    return
  fi
  work "installing wasm-pack — about 10 minutes on 2 cores"
  cargo install wasm-pack || die "cargo install wasm-pack failed"
  ok "$(wasm-pack --version) (installed)"
}

chromium() {
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    ok "chromium + chromedriver $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}') (present)"
    return
  fi
  have apt-get || die "Chromium is missing and apt-get is not available; install chromium and chromium-driver so that /usr/bin/chromium and /usr/bin/chromedriver exist"
  work "installing chromium and chromium-driver from Debian — a few minutes"
  as_root apt-get update -qq || die "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
    || die "apt-get install chromium chromium-driver failed"
  ok "chromium + chromedriver $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}') (installed)"
}

npm_packages() {
  local quiet=(--no-audit --no-fund --loglevel=error)
  if [ ! -f package-lock.json ]; then
    work "installing npm packages (no package-lock.json yet)"
    npm install "${quiet[@]}" || die "npm install failed"
    ok "npm packages (installed)"
  elif up_to_date node_modules/.package-lock.json package-lock.json; then
    ok "npm packages (present)"
  else
    work "installing npm packages from package-lock.json"
    npm ci "${quiet[@]}" || die "npm ci failed (is package-lock.json in sync with package.json?)"
    ok "npm packages (installed)"
  fi
}

pretrained_model() {
  bash scripts/fetch-model.sh || die "fetching the pretrained model failed"
}

require_base_tools
wasm_target
rust_components
wasm_bindgen_cli
wasm_pack
chromium
npm_packages
pretrained_model
