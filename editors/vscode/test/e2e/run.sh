#!/usr/bin/env bash
# End-to-end test of the extension in a real VS Code: code-server (VS Code
# 1.100.3 in the browser) with the packaged .vsix installed, driven by
# playwright-core through Debian's Chromium (e2e.mjs). Opens a copy of
# examples/redis-broken and checks the diagnostics, the hover, the quick fix
# (both findings cleared) and the output channel; saves screenshots.
#
# Usage: editors/vscode/test/e2e/run.sh
#   KUBE_LSP_BIN   server binary (default target/debug/kube-lsp under the repo)
#   KUBE_LSP_VSIX  the extension (default: the one .vsix in editors/vscode,
#                  made by editors/vscode/ci.sh)
#   KUBE_LSP_E2E_CACHE        where code-server and playwright-core are
#                             installed once (default ~/.cache/kube-lsp-vscode-e2e)
#   KUBE_LSP_E2E_SCREENSHOTS  where screenshots go (default test/e2e/screenshots)
#
# Installs what is missing (apt: chromium, ripgrep; npm: code-server with
# --ignore-scripts, its native modules built from source against node's
# headers), idempotently. Nothing is downloaded from outside the registries.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ext="$(cd "$here/../.." && pwd)"
repo="$(cd "$ext/../.." && pwd)"
started=$SECONDS
say() { printf '[vscode e2e] %s (at %ss)\n' "$*" "$((SECONDS - started))"; }
# A registry connection dropped mid-download (npm's ECONNABORTED) fails a
# whole install that npm's own fetch retries do not cover: three tries.
retry() {
  local attempt
  for attempt in 1 2 3; do
    "$@" && return 0
    [ "$attempt" = 3 ] || { say "failed (try $attempt of 3): $*; again in 10 s"; sleep 10; }
  done
  return 1
}

CODE_SERVER_VERSION=4.100.3   # the newest that runs on node 20
PLAYWRIGHT_VERSION=1.65.1
bin="${KUBE_LSP_BIN:-$repo/target/debug/kube-lsp}"
case "$bin" in /*) ;; *) bin="$(pwd)/$bin" ;; esac
[ -x "$bin" ] || { echo "vscode e2e: FAIL: server binary not found: $bin (cargo build)"; exit 1; }
vsix="${KUBE_LSP_VSIX:-$(ls "$ext"/*.vsix 2>/dev/null | head -n 1 || true)}"
[ -f "$vsix" ] || { echo "vscode e2e: FAIL: no .vsix in $ext (run editors/vscode/ci.sh first)"; exit 1; }
cache="${KUBE_LSP_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kube-lsp-vscode-e2e}"
shots="${KUBE_LSP_E2E_SCREENSHOTS:-$here/screenshots}"

# System packages: Chromium, and ripgrep for code-server's search.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "vscode e2e: FAIL: missing ${missing[*]} (apt-get install ${missing[*]})"
    exit 1
  fi
  say "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
fi

# node's headers, for building code-server's native modules.
nodedir=""
for dir in /usr "$(dirname "$(dirname "$(node -p process.execPath)")")"; do
  if [ -f "$dir/include/node/node_api.h" ]; then nodedir="$dir"; break; fi
done
cs="$cache/node_modules/code-server"
stamp="$cache/.ready-code-server-$CODE_SERVER_VERSION-playwright-$PLAYWRIGHT_VERSION"
if [ ! -f "$stamp" ]; then
  if [ -z "$nodedir" ]; then
    [ "$(id -u)" = 0 ] || { echo "vscode e2e: FAIL: node headers not found (apt-get install libnode-dev)"; exit 1; }
    say "apt-get install libnode-dev (node's headers)"
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq libnode-dev >/dev/null
    nodedir=/usr
  fi
  say "installing code-server $CODE_SERVER_VERSION and playwright-core $PLAYWRIGHT_VERSION into $cache"
  rm -rf "$cache"
  mkdir -p "$cache"
  printf '{"private": true}\n' >"$cache/package.json"
  # --ignore-scripts: code-server's postinstall refuses root and downloads
  # binaries; its steps are done below instead.
  (cd "$cache" && retry npm install --ignore-scripts --no-audit --no-fund --loglevel=error \
    "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION")
  (cd "$cs/lib/vscode" && retry npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
  (cd "$cs/lib/vscode/extensions" && retry npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
  gyp="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")/node_modules/node-gyp/bin/node-gyp.js"
  [ -f "$gyp" ] || gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
  say "building native modules from source (node headers in $nodedir/include/node)"
  for module in @vscode/spdlog node-pty @parcel/watcher native-watchdog @vscode/deviceid; do
    (cd "$cs/lib/vscode/node_modules/$module" && node "$gyp" rebuild --nodedir="$nodedir" -j 2 --loglevel=error >/dev/null)
  done
  # kerberos (proxy authentication) needs the GSSAPI headers; code-server
  # loads it only for Kerberos proxies, so it is left unbuilt.
  (cd "$cache/node_modules/argon2" && node "$gyp" rebuild --nodedir="$nodedir" -j 2 --loglevel=error \
    --module_name=argon2 --module_path=lib/binding/napi-v3 --napi_build_version=3 >/dev/null \
    && mkdir -p lib/binding/napi-v3 && cp build/Release/argon2.node lib/binding/napi-v3/)
  # What the postinstall does: node_modules.asar, and the ripgrep binary
  # (Debian's, instead of the download).
  ln -sfn node_modules "$cs/lib/vscode/node_modules.asar"
  mkdir -p "$cs/lib/vscode/node_modules/@vscode/ripgrep/bin"
  ln -sf "$(command -v rg)" "$cs/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"
  touch "$stamp"
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/kube-lsp-vscode-e2e.XXXXXX")"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  if [ "${KUBE_LSP_E2E_KEEP:-0}" = 1 ]; then echo "kept: $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

ws="$tmp/redis-broken"
cp -r "$repo/examples/redis-broken" "$ws"
mkdir -p "$tmp/data/User" "$tmp/extensions" "$shots"
cat >"$tmp/data/User/settings.json" <<JSON
{
  "kubeLsp.server.path": "$bin",
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.colorTheme": "Default Light Modern",
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "update.mode": "none",
  "chat.commandCenter.enabled": false,
  "editor.minimap.enabled": false,
  "files.autoSave": "off"
}
JSON
printf 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n' >"$tmp/config.yaml"
code_server=(node "$cs/out/node/entry.js" --config "$tmp/config.yaml" --user-data-dir "$tmp/data"
  --extensions-dir "$tmp/extensions" --disable-telemetry --disable-update-check --disable-workspace-trust)

say "installing $(basename "$vsix")"
"${code_server[@]}" --install-extension "$vsix" >"$tmp/install.log" 2>&1 \
  || { cat "$tmp/install.log"; echo "vscode e2e: FAIL: --install-extension failed"; exit 1; }

port="$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
say "starting code-server $CODE_SERVER_VERSION on port $port"
"${code_server[@]}" --bind-addr "127.0.0.1:$port" "$ws" >"$tmp/code-server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  grep -q 'HTTP server listening' "$tmp/code-server.log" && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
grep -q 'HTTP server listening' "$tmp/code-server.log" \
  || { cat "$tmp/code-server.log"; echo "vscode e2e: FAIL: code-server did not start"; exit 1; }

say "driving it with playwright-core $PLAYWRIGHT_VERSION and $(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
set +e
KUBE_LSP_E2E_URL="http://127.0.0.1:$port/?folder=$ws" \
KUBE_LSP_E2E_WS="$ws" \
KUBE_LSP_E2E_LOGS="$tmp/data/logs" \
KUBE_LSP_E2E_SCREENSHOTS="$shots" \
KUBE_LSP_E2E_PLAYWRIGHT="$cache/node_modules/playwright-core" \
  timeout -k 5 180 node "$here/e2e.mjs"
rc=$?
set -e
if [ "$rc" != 0 ]; then
  echo "---- code-server log ----" >&2
  tail -n 40 "$tmp/code-server.log" >&2
  for log in "$tmp"/data/logs/*/exthost*/output_logging_*/*kube-lsp*.log; do
    [ -f "$log" ] && { echo "---- $log ----" >&2; tail -n 40 "$log" >&2; }
  done
  echo "vscode e2e: FAIL (screenshots in $shots)"
  exit 1
fi
say "screenshots in $shots"
echo "vscode e2e: PASS"
