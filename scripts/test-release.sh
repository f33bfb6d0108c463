#!/usr/bin/env bash
# Builds the linux-x64 release archive and the linux-x64 .vsix with
# scripts/release.sh, the way the release workflow does, from the binary
# given (default target/debug/kube-lsp: this checks the packaging, not the
# optimiser), then checks them as a user meets them: the checksum verifies,
# the archive unpacks to a kube-lsp that starts, and the .vsix holds the
# executable server where the extension looks for it and nothing unexpected.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$root/target/debug/kube-lsp}"
[ -x "$bin" ] || { echo "test-release.sh: no binary at $bin (run cargo build)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
version="$(bash "$root/scripts/release.sh" version)"
target=x86_64-unknown-linux-musl
name="kube-lsp-v$version-$target"
failures=0
passes=0
check() {
  # check DESCRIPTION COMMAND...: runs COMMAND, counts the result.
  local what="$1"
  shift
  if "$@"; then
    echo "ok: $what"
    passes=$((passes + 1))
  else
    echo "FAILED: $what"
    failures=$((failures + 1))
  fi
}

echo "--- archive (named for $target, from $bin)"
bash "$root/scripts/release.sh" archive --target "$target" --bin "$bin" --out "$work/dist" >/dev/null
check "the archive and its .sha256 exist" test -f "$work/dist/$name.tar.gz" -a -f "$work/dist/$name.tar.gz.sha256"
check "sha256sum -c verifies the archive" bash -c "cd '$work/dist' && sha256sum -c --quiet '$name.tar.gz.sha256'"
mkdir "$work/unpacked"
tar -xzf "$work/dist/$name.tar.gz" -C "$work/unpacked"
listing="$(cd "$work/unpacked" && find . -type f | LC_ALL=C sort | tr '\n' ' ')"
check "the archive holds the binary, README and licences ($listing)" \
  test "$listing" = "./$name/LICENSE-APACHE ./$name/LICENSE-MIT ./$name/README.md ./$name/kube-lsp "
out="$("$work/unpacked/$name/kube-lsp" --version)"
check "the unpacked binary starts: $out" test "$out" = "kube-lsp $version"

echo "--- linux-x64 .vsix"
bash "$root/scripts/release.sh" vsix --vsce-target linux-x64 --bin "$bin" --out "$work/dist" >"$work/vsce.log" 2>&1 ||
  { cat "$work/vsce.log"; exit 1; }
vsix="$work/dist/kube-lsp-linux-x64-$version.vsix"
check "the .vsix exists" test -f "$vsix"
check "editors/vscode/server/ is removed after packaging" test ! -e "$root/editors/vscode/server"
# The manifest names the platform, so the Marketplace and `code
# --install-extension` pick this file only on linux-x64.
check "extension.vsixmanifest says TargetPlatform=linux-x64" \
  bash -c "unzip -p '$vsix' extension.vsixmanifest | grep -q 'TargetPlatform=\"linux-x64\"'"
entries="$(unzip -Z1 "$vsix" | grep '^extension/' | LC_ALL=C sort | tr '\n' ' ')"
check "the extension holds the bundle, manifest, docs and server ($entries)" test "$entries" = \
  "extension/LICENSE.txt extension/dist/extension.js extension/package.json extension/readme.md extension/server/kube-lsp "
# unzip -Z prints the Unix mode that VS Code restores when it installs.
mode="$(unzip -Z "$vsix" extension/server/kube-lsp | awk '{print $1}')"
check "the bundled server is stored executable ($mode)" test "$mode" = "-rwxr-xr-x"
mkdir "$work/vsix"
unzip -q "$vsix" -d "$work/vsix"
out="$("$work/vsix/extension/server/kube-lsp" --version)"
check "the bundled server starts: $out" test "$out" = "kube-lsp $version"
check "the bundled server is the binary given" cmp -s "$bin" "$work/vsix/extension/server/kube-lsp"

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
