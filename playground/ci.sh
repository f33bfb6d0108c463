#!/usr/bin/env bash
# CI for the playground: builds it (build.sh installs the rustup target,
# wasm-bindgen-cli and the npm packages when missing), checks the engine
# crate (fmt, clippy for wasm32), runs the node tests of the wasm API
# against the real CLI, then the end-to-end test in headless Chromium
# (Debian's chromium, installed when missing) over a local static server.
#   KUBE_LSP_BIN   the native binary the node tests compare with
#                  (default target/debug/kube-lsp at the repository's root)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
cd "$here"
started=$SECONDS
say() { printf '[playground ci] %s (at %ss)\n' "$*" "$((SECONDS - started))"; }

export KUBE_LSP_BIN="${KUBE_LSP_BIN:-$repo/target/debug/kube-lsp}"
[ -x "$KUBE_LSP_BIN" ] || { echo "playground ci: FAIL: no binary at $KUBE_LSP_BIN (cargo build)"; exit 1; }

if ! command -v npm >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || { echo "playground ci: FAIL: no npm (apt-get install nodejs npm)"; exit 1; }
  say "apt-get install nodejs npm"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq nodejs npm >/dev/null
fi

bash build.sh

say "engine crate: cargo fmt --check, clippy (wasm32)"
(cd engine && cargo fmt -- --check && cargo clippy --locked --release --target wasm32-unknown-unknown -- -D warnings)

say "node tests of the wasm API against kube-lsp check --format json"
node --test test/engine.test.mjs

if [ ! -x /usr/bin/chromium ]; then
  [ "$(id -u)" = 0 ] || { echo "playground ci: FAIL: no /usr/bin/chromium (apt-get install chromium)"; exit 1; }
  say "apt-get install chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium >/dev/null
fi

say "end-to-end in headless Chromium ($(/usr/bin/chromium --version 2>/dev/null | head -n 1))"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory dist "$port" >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
node test/e2e.mjs "http://127.0.0.1:$port" "$here/test/screenshots"
say "done"
