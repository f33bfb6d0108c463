#!/usr/bin/env bash
# Builds the playground into playground/dist: the engine for the browser
# (cargo, wasm32-unknown-unknown, release), its JavaScript glue (wasm-bindgen
# --target web), the page bundled with esbuild, and the examples read from
# the repository. Serve it with `python3 -m http.server -d playground/dist`.
#
# Installs what is missing: the rustup target, wasm-bindgen-cli at the
# version engine/Cargo.toml pins (cargo install, kept in ~/.cargo/bin), the
# npm packages (npm ci).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
started=$SECONDS
say() { printf '[playground] %s (at %ss)\n' "$*" "$((SECONDS - started))"; }

bindgen_version="$(sed -n 's/^wasm-bindgen = "=\(.*\)"$/\1/p' engine/Cargo.toml)"
[ -n "$bindgen_version" ] || { echo "playground: FAIL: no pinned wasm-bindgen in engine/Cargo.toml"; exit 1; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $bindgen_version" ]; then
  say "cargo install wasm-bindgen-cli $bindgen_version"
  cargo install wasm-bindgen-cli --version "$bindgen_version" --locked
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

say "cargo build --release --target wasm32-unknown-unknown (engine/)"
(cd engine && cargo build --locked --release --target wasm32-unknown-unknown)
wasm=engine/target/wasm32-unknown-unknown/release/kube_lsp_playground.wasm
say "wasm-bindgen --target web"
rm -rf engine/pkg
wasm-bindgen --target web --no-typescript --out-dir engine/pkg "$wasm"

say "esbuild"
rm -rf dist
mkdir -p dist
node_modules/.bin/esbuild src/main.js src/worker.js --bundle --format=esm --minify --sourcemap \
  --target=es2022 --outdir=dist --log-level=warning
cp engine/pkg/kube_lsp_playground_bg.wasm dist/
cp index.html style.css dist/
node examples.mjs dist/examples.json

raw=$(wc -c <dist/kube_lsp_playground_bg.wasm)
gz=$(gzip -9 -c dist/kube_lsp_playground_bg.wasm | wc -c)
say "built dist/: engine $((raw / 1024)) KiB raw, $((gz / 1024)) KiB gzip"
