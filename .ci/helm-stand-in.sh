#!/usr/bin/env bash
# Installs the `helm` stand-in's one dependency, helm-python-sdk (Helm's Go
# SDK as a native library: charts render offline, no Go toolchain), pinned,
# in a virtualenv kept between runs, and prints the two variables the tests
# read. Source it: `. .ci/helm-stand-in.sh`.
set -euo pipefail
helm_venv="${XDG_CACHE_HOME:-$HOME/.cache}/kube-lsp-ci/helm-venv-0.2.2"
if [ ! -x "$helm_venv/bin/python" ] || ! "$helm_venv/bin/python" -c "import helm_python" 2>/dev/null; then
  if ! python3 -m venv --help >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq python3 python3-venv >/dev/null
  fi
  rm -rf "$helm_venv"
  python3 -m venv "$helm_venv"
  "$helm_venv/bin/pip" install -q --disable-pip-version-check helm-python-sdk==0.2.2
fi
export KUBE_LSP_HELM_PYTHON="$helm_venv/bin/python"
export KUBE_LSP_TEST_HELM="$PWD/tests/helm/helm"
"$KUBE_LSP_TEST_HELM" version --short
