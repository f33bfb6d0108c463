#!/bin/sh
# The benchmark's 5 MiB session (open, then keystrokes, over stdio) against
# yaml-language-server beside kube-lsp, for the README's side-by-side figures.
#
# Installs a pinned yaml-language-server with npm into a temporary folder
# (removed on exit), then runs `cargo bench --bench lsp` on its `files` part
# only (the 5 MiB file over stdio, for both servers). yaml-language-server
# runs with schemas off (syntax only, no network);
# its fixed 200 ms validation delay is part of its keystroke figure.
#
# Usage: benches/yamlls.sh            (KUBE_LSP_BENCH_QUICK=1 for fewer keystrokes)
# Needs: node (20 or later), npm, cargo.
set -eu

version="${YAMLLS_VERSION:-2.0.0}"
folder="$(mktemp -d)"
trap 'rm -rf "$folder"' EXIT INT TERM

echo "installing yaml-language-server $version into $folder" >&2
npm install --prefix "$folder" --no-audit --no-fund --silent "yaml-language-server@$version" >&2

cd "$(dirname "$0")/.."
KUBE_LSP_BENCH_ONLY=files \
KUBE_LSP_BENCH_OTHER_NAME="yaml-language-server $version" \
KUBE_LSP_BENCH_OTHER_SERVER="node $folder/node_modules/yaml-language-server/bin/yaml-language-server --stdio" \
    cargo bench --bench lsp
