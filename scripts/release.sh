#!/usr/bin/env bash
# Packaging for a release: the same commands run in the release workflow
# (.github/workflows/release.yml) and in the local check
# (scripts/test-release.sh), so what CI tests is what users download.
#
#   scripts/release.sh version
#       prints the version of Cargo.toml.
#   scripts/release.sh check-tag TAG
#       fails unless TAG is v<version> and editors/vscode/package.json has
#       the same version as Cargo.toml.
#   scripts/release.sh archive --target TRIPLE --bin FILE --out DIR
#       DIR/kube-lsp-v<version>-TRIPLE.tar.gz (.zip for Windows) holding
#       kube-lsp-v<version>-TRIPLE/{kube-lsp[.exe],README.md,LICENSE-*},
#       and beside it <archive>.sha256 in `sha256sum -c` format.
#   scripts/release.sh vsix [--vsce-target T --bin FILE] --out DIR
#       DIR/kube-lsp-T-<version>.vsix with FILE bundled as
#       extension/server/kube-lsp[.exe], the path editors/vscode/src/resolve.ts
#       looks at first; without --vsce-target, the universal
#       DIR/kube-lsp-<version>.vsix that bundles no server. Needs node and npm;
#       runs `npm ci` in editors/vscode when node_modules is missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

die() {
  echo "release.sh: $*" >&2
  exit 1
}

version() {
  # The first `version = "..."` of Cargo.toml is the package's.
  sed -n 's/^version = "\([^"]*\)"$/\1/p' "$root/Cargo.toml" | head -n 1
}

extension_version() {
  node -p 'require(process.argv[1]).version' "$root/editors/vscode/package.json"
}

sha256_line() {
  # `<hex>  <name>`, as sha256sum prints it; run in the file's folder.
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1"
  else
    shasum -a 256 "$1"
  fi
}

# The binary's name inside archives and the extension, by Rust target or
# VS Code target.
exe_suffix() {
  case "$1" in
    *windows* | win32-*) printf '.exe' ;;
    *) printf '' ;;
  esac
}

cmd_check_tag() {
  local tag="${1:?usage: release.sh check-tag TAG}"
  local v ext
  v="$(version)"
  ext="$(extension_version)"
  [ -n "$v" ] || die "no version in Cargo.toml"
  [ "$tag" = "v$v" ] || die "tag $tag does not match Cargo.toml's version $v (expected v$v)"
  [ "$ext" = "$v" ] || die "editors/vscode/package.json has version $ext, Cargo.toml has $v"
  echo "tag $tag matches Cargo.toml and editors/vscode/package.json"
}

cmd_archive() {
  local target="" bin="" out=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --target) target="$2"; shift 2 ;;
      --bin) bin="$2"; shift 2 ;;
      --out) out="$2"; shift 2 ;;
      *) die "archive: unknown argument $1" ;;
    esac
  done
  if [ -z "$target" ] || [ -z "$bin" ] || [ -z "$out" ]; then
    die "usage: release.sh archive --target TRIPLE --bin FILE --out DIR"
  fi
  [ -f "$bin" ] || die "no binary at $bin"

  local name stage exe archive
  name="kube-lsp-v$(version)-$target"
  exe="kube-lsp$(exe_suffix "$target")"
  mkdir -p "$out"
  out="$(cd "$out" && pwd)"
  stage="$(mktemp -d)"
  mkdir "$stage/$name"
  cp "$bin" "$stage/$name/$exe"
  chmod 755 "$stage/$name/$exe"
  cp "$root/README.md" "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$stage/$name/"

  case "$target" in
    *windows*)
      archive="$name.zip"
      rm -f "$out/$archive"
      if command -v 7z >/dev/null 2>&1; then
        (cd "$stage" && 7z a -tzip -bd "$out/$archive" "$name" >/dev/null)
      elif command -v zip >/dev/null 2>&1; then
        (cd "$stage" && zip -qr "$out/$archive" "$name")
      else
        die "neither 7z nor zip is installed"
      fi
      ;;
    *)
      archive="$name.tar.gz"
      (cd "$stage" && tar -czf "$out/$archive" "$name")
      ;;
  esac
  rm -rf "$stage"
  (cd "$out" && sha256_line "$archive" >"$archive.sha256")
  echo "$out/$archive"
}

cmd_vsix() {
  local vsce_target="" bin="" out=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --vsce-target) vsce_target="$2"; shift 2 ;;
      --bin) bin="$2"; shift 2 ;;
      --out) out="$2"; shift 2 ;;
      *) die "vsix: unknown argument $1" ;;
    esac
  done
  [ -n "$out" ] || die "usage: release.sh vsix [--vsce-target T --bin FILE] --out DIR"
  if [ -n "$vsce_target" ]; then
    [ -n "$bin" ] || die "vsix: --vsce-target $vsce_target needs --bin"
    [ -f "$bin" ] || die "no binary at $bin"
  else
    [ -z "$bin" ] || die "vsix: --bin needs --vsce-target (the universal .vsix bundles no server)"
  fi

  local ext="$root/editors/vscode" v file
  v="$(extension_version)"
  mkdir -p "$out"
  out="$(cd "$out" && pwd)"
  [ ! -e "$ext/server" ] || die "$ext/server exists; remove it first (it is what the .vsix bundles)"
  if [ ! -d "$ext/node_modules" ]; then
    (cd "$ext" && npm ci --ignore-scripts --no-audit --no-fund)
  fi

  local args=(package --no-dependencies --allow-missing-repository)
  if [ -n "$vsce_target" ]; then
    file="$out/kube-lsp-$vsce_target-$v.vsix"
    args+=(--target "$vsce_target")
    trap 'rm -rf "$ext/server"' EXIT
    mkdir "$ext/server"
    cp "$bin" "$ext/server/kube-lsp$(exe_suffix "$vsce_target")"
    chmod 755 "$ext/server/kube-lsp$(exe_suffix "$vsce_target")"
  else
    file="$out/kube-lsp-$v.vsix"
  fi
  rm -f "$file"
  # vscode:prepublish bundles the extension (esbuild, minified); never prompt.
  (cd "$ext" && npx --no-install vsce "${args[@]}" --out "$file" </dev/null)
  rm -rf "$ext/server"
  trap - EXIT
  echo "$file"
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
  version) version ;;
  check-tag) cmd_check_tag "$@" ;;
  archive) cmd_archive "$@" ;;
  vsix) cmd_vsix "$@" ;;
  *) die "usage: release.sh version | check-tag TAG | archive ... | vsix ... (see the comment at the top)" ;;
esac
