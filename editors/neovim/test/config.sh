#!/usr/bin/env bash
# End-to-end test of the shipped lsp/kube_lsp.lua in Neovim 0.11 or newer,
# set up as a user would (see config.lua): a temporary git project with a
# `.kube-lsp.yaml` and a kustomization folder, kube-lsp on PATH.
#
# Usage: editors/neovim/test/config.sh [KUBE_LSP_BIN]
#   KUBE_LSP_BIN  server binary (default target/debug/kube-lsp under the repo)
#   NVIM          Neovim >= 0.11 (default: nvim on PATH)
#   KUBE_LSP_E2E_WAIT_MS  bound for each wait (default 15000)
#   KUBE_LSP_E2E_KEEP=1   keep the temporary folder
#
# Prints one verdict line, `neovim config e2e: PASS` or `... FAIL: <why>`.
set -u

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
fail() {
  echo "neovim config e2e: FAIL: $*"
  exit 1
}

bin="${1:-${KUBE_LSP_BIN:-$repo/target/debug/kube-lsp}}"
case "$bin" in /*) ;; *) bin="$(pwd)/$bin" ;; esac
[ -x "$bin" ] || fail "server binary not found or not executable: $bin"
nvim="${NVIM:-nvim}"
command -v "$nvim" >/dev/null 2>&1 || fail "Neovim not found ('$nvim')"
"$nvim" --headless --clean -c 'lua io.stdout:write(vim.fn.has("nvim-0.11") == 1 and "ok" or "old")' -c 'qa!' 2>/dev/null | grep -q ok \
  || fail "$nvim is older than 0.11: $("$nvim" --version | head -n 1)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/kube-lsp-nvim-config.XXXXXX")" || fail "mktemp failed"
cleanup() {
  if [ "${KUBE_LSP_E2E_KEEP:-0}" = 1 ]; then echo "kept: $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# The project: a repository root with the settings file, the manifests one
# kustomization folder down. The server binary on PATH as `kube-lsp`.
project="$tmp/project"
mkdir -p "$project/.git" "$project/base" "$tmp/bin" "$tmp/xdg/config" "$tmp/xdg/data" "$tmp/xdg/state" "$tmp/xdg/cache"
printf 'clusterDomain: cluster.example\n' >"$project/.kube-lsp.yaml"
cp "$here/fixture/statefulset.yaml" "$here/fixture/service.yaml" "$project/base/"
printf 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - statefulset.yaml\n  - service.yaml\n' \
  >"$project/base/kustomization.yaml"
ln -s "$bin" "$tmp/bin/kube-lsp"

result="$tmp/result"
out="$tmp/nvim.out"
XDG_CONFIG_HOME="$tmp/xdg/config" XDG_DATA_HOME="$tmp/xdg/data" \
XDG_STATE_HOME="$tmp/xdg/state" XDG_CACHE_HOME="$tmp/xdg/cache" \
PATH="$tmp/bin:$PATH" \
KUBE_LSP_E2E_REPO="$repo" KUBE_LSP_E2E_PROJECT="$project" KUBE_LSP_E2E_RESULT="$result" \
KUBE_LSP_LOG="${KUBE_LSP_LOG:-info}" \
  timeout -k 5 60 "$nvim" --headless --clean -i NONE -n -S "$here/config.lua" </dev/null >"$out" 2>&1
rc=$?

line="$(head -n 1 "$result" 2>/dev/null || true)"
if [ "$rc" = 0 ] && [ "$line" = PASS ]; then
  [ -n "${KUBE_LSP_E2E_VERBOSE:-}" ] && cat "$out" >&2
  echo "neovim config e2e: PASS ($("$nvim" --version | head -n 1))"
  exit 0
fi
echo "---- nvim output ----" >&2
cat "$out" >&2
log="$tmp/xdg/state/nvim/lsp.log"
[ -s "$log" ] && { echo "---- $log (last 60 lines) ----" >&2; tail -n 60 "$log" >&2; }
[ "$rc" = 124 ] || [ "$rc" = 137 ] && fail "timed out after 60 s"
fail "${line:+${line#FAIL: }}${line:-Neovim exited with status $rc before writing a verdict}"
