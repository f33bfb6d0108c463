#!/usr/bin/env bash
# Checks and packages the VS Code extension: install, type-check, lint,
# build, unit tests, the protocol test against the real server, .vsix.
#
# The protocol test runs $KUBE_LSP_BIN (default ../../target/debug/kube-lsp,
# relative to this folder; build it first with `cargo build`). With CI set it
# fails when that binary is missing; without CI it is skipped.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
export KUBE_LSP_BIN="${KUBE_LSP_BIN:-../../target/debug/kube-lsp}"

started=$SECONDS
step() {
  printf '\n==== [vscode] %s (at %ss) ====\n' "$*" "$((SECONDS - started))"
}

step "node $(node --version), npm $(npm --version)"

step "npm ci"
# --ignore-scripts: no package needs its install script here (esbuild finds
# its platform binary through its optional dependency), and none may fetch
# anything from outside the registry.
npm ci --ignore-scripts --no-audit --no-fund

step "type-check (tsc --noEmit)"
npm run --silent typecheck

step "lint (eslint)"
npm run --silent lint

step "build (tsc -> out/, esbuild -> dist/extension.js)"
rm -rf out dist
npm run --silent compile
npm run --silent bundle

step "unit tests (node --test)"
npm run --silent test:unit

step "protocol test against ${KUBE_LSP_BIN} (node --test)"
npm run --silent test:protocol

step "package (.vsix)"
rm -f ./*.vsix
# vscode:prepublish re-bundles minified; never prompt.
npx --no-install vsce package --no-dependencies --allow-missing-repository </dev/null
ls -l ./*.vsix

step "done"
