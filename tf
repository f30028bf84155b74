#!/usr/bin/env bash
# The one entry script: setup | build | test | demo | bench <name> | run <transfer args>
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Debian's python3-torch is importable by /usr/bin/python3 only; fixtures and the benchmark peer use it.
export TF_PYTHON="${TF_PYTHON:-/usr/bin/python3}"

# chromium: the dashboard's browser test (driven by playwright-core from tests/browser, installed by npm below).
APT_PACKAGES=(cmake g++ libtorch-dev libopenblas0-pthread libstb-dev dataset-fashion-mnist python3-torch python3-numpy chromium)

log() { printf '\033[1;34m[tf]\033[0m %s\n' "$*" >&2; }

setup() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  command -v npm >/dev/null || missing+=(nodejs npm)
  if ((${#missing[@]})); then
    log "installing apt packages: ${missing[*]}"
    local sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  command -v dotnet >/dev/null || { echo "dotnet SDK 10 is required (see README)" >&2; exit 1; }
  browser_tools
}

# playwright-core for tests/browser, reinstalled only when package-lock.json changed since the last install.
browser_tools() {
  local dir="$ROOT/tests/browser" stamp="$ROOT/tests/browser/node_modules/.tf-installed-lock"
  cmp -s "$dir/package-lock.json" "$stamp" 2>/dev/null && return 0
  log "installing playwright-core for the browser tests (npm ci in tests/browser)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$dir/package-lock.json" "$stamp"
}

# MSBuild's own output goes to stderr: stdout belongs to the command (`./tf run … --json` stays parseable).
build() {
  dotnet build TransferFunctions.Local.slnf -c Release -nologo -v q -clp:ErrorsOnly "$@" >&2
}

transfer() {
  dotnet "$ROOT/src/TransferFunctions.Cli/bin/Release/net10.0/transfer.dll" "$@"
}

cmd="${1:-help}"; shift || true
case "$cmd" in
  setup) setup ;;
  build) setup; build ;;
  test)
    setup; build
    dotnet test TransferFunctions.Local.slnf -c Release --no-build -nologo -v q "$@"
    ;;
  demo) setup; build; transfer demo "$@" ;;
  bench)
    setup; build
    name="${1:?usage: ./tf bench <engine|label-efficiency|pipeline> [options]}"; shift
    transfer bench "$name" "$@"
    ;;
  run) setup >/dev/null; build; transfer "$@" ;;
  *)
    echo "usage: ./tf setup | build | test | demo | bench <name> | run <transfer args>" >&2
    exit 2 ;;
esac
