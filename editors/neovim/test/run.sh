#!/usr/bin/env bash
# Neovim end-to-end test for kube-lsp: headless Neovim starts the server,
# waits for `service-not-headless` on a plain ClusterIP Service, applies the
# `clusterIP: None` quickfix and checks that the diagnostic goes away.
#
# Usage: editors/neovim/test/run.sh [KUBE_LSP_BIN]
#   KUBE_LSP_BIN  server binary; default target/debug/kube-lsp under the repo
#                 root (argument wins over the environment variable)
#   NVIM          Neovim binary (default: nvim on PATH); needs Neovim >= 0.7
#   KUBE_LSP_E2E_WAIT_MS  bound for each wait inside the test (default 15000)
#   KUBE_LSP_E2E_KEEP=1   keep the temporary folder for inspection
#
# Prints exactly one verdict line, `neovim e2e: PASS` or
# `neovim e2e: FAIL: <why>`, and exits 0 on PASS, 1 on FAIL.
set -u

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"

verdict_fail() {
  echo "neovim e2e: FAIL: $*"
  exit 1
}

bin="${1:-${KUBE_LSP_BIN:-$repo/target/debug/kube-lsp}}"
case "$bin" in
  /*) ;;
  */*) bin="$(pwd)/$bin" ;;
  *) bin="$(command -v "$bin" || echo "$bin")" ;;
esac
[ -x "$bin" ] || verdict_fail "server binary not found or not executable: $bin (build it with 'cargo build', or pass its path)"

nvim="${NVIM:-nvim}"
command -v "$nvim" >/dev/null 2>&1 || verdict_fail "Neovim not found ('$nvim'); on Debian/Ubuntu: apt-get install -y neovim"
command -v timeout >/dev/null 2>&1 || verdict_fail "'timeout' (coreutils) not found"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/kube-lsp-nvim-e2e.XXXXXX")" || verdict_fail "mktemp failed"
cleanup() {
  if [ "${KUBE_LSP_E2E_KEEP:-0}" = 1 ]; then
    echo "kept: $tmp" >&2
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT

ws="$tmp/workspace"
mkdir -p "$ws" "$tmp/xdg/config" "$tmp/xdg/data" "$tmp/xdg/state" "$tmp/xdg/cache"
cp "$here/fixture/statefulset.yaml" "$here/fixture/service.yaml" "$ws/" || verdict_fail "could not copy fixture files"
result="$tmp/result"
nvim_out="$tmp/nvim.out"

# Isolate Neovim from the user's configuration and put its LSP log (which
# receives the server's stderr) in the temporary folder.
set +e
XDG_CONFIG_HOME="$tmp/xdg/config" \
XDG_DATA_HOME="$tmp/xdg/data" \
XDG_STATE_HOME="$tmp/xdg/state" \
XDG_CACHE_HOME="$tmp/xdg/cache" \
KUBE_LSP_BIN="$bin" \
KUBE_LSP_E2E_DIR="$ws" \
KUBE_LSP_E2E_RESULT="$result" \
KUBE_LSP_LOG="${KUBE_LSP_LOG:-info}" \
  timeout -k 5 60 "$nvim" --headless --clean -u NONE -i NONE -n \
  -S "$here/e2e.lua" </dev/null >"$nvim_out" 2>&1
rc=$?


show_logs() {
  echo "---- nvim output ----" >&2
  cat "$nvim_out" >&2
  for log in "$tmp"/xdg/cache/nvim/lsp.log "$tmp"/xdg/state/nvim/lsp.log; do
    if [ -s "$log" ]; then
      echo "---- $log (last 80 lines) ----" >&2
      tail -n 80 "$log" >&2
    fi
  done
  echo "---------------------" >&2
}

line="$(head -n 1 "$result" 2>/dev/null || true)"
if [ "$rc" = 0 ] && [ "$line" = PASS ]; then
  [ -n "${KUBE_LSP_E2E_VERBOSE:-}" ] && cat "$nvim_out" >&2
  echo "neovim e2e: PASS"
  exit 0
fi

show_logs
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
  verdict_fail "timed out after 60 s${line:+ (last verdict: $line)}"
elif [ -n "$line" ] && [ "$line" != PASS ]; then
  verdict_fail "${line#FAIL: }"
elif [ "$line" = PASS ]; then
  verdict_fail "test passed but Neovim exited with status $rc"
else
  verdict_fail "Neovim exited with status $rc before the test wrote a verdict"
fi
