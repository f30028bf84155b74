#!/usr/bin/env bash
# The one entry script: setup | build | test | demo | bench <name> | run <transfer args> | publish-step
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Debian's python3-torch is importable by /usr/bin/python3 only; fixtures and the benchmark peer use it.
export TF_PYTHON="${TF_PYTHON:-/usr/bin/python3}"

# The engine is TorchSharp (NuGet); apt brings data, the PyTorch peer of the benchmarks and test fixtures, and
# chromium: the dashboard's browser test (driven by playwright-core from tests/browser, installed by npm below).
# Fonts: the rendered-letters target of `bench transfer` (one image per letter per font file).
APT_PACKAGES=(dataset-fashion-mnist python3-torch python3-numpy chromium fonts-dejavu-core fonts-dejavu-extra fonts-liberation fonts-freefont-ttf fonts-urw-base35)

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
  azurite_tools
}

# playwright-core for tests/browser, reinstalled only when package-lock.json changed since the last install.
browser_tools() {
  local dir="$ROOT/tests/browser" stamp="$ROOT/tests/browser/node_modules/.tf-installed-lock"
  cmp -s "$dir/package-lock.json" "$stamp" 2>/dev/null && return 0
  log "installing playwright-core for the browser tests (npm ci in tests/browser)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$dir/package-lock.json" "$stamp"
}

# Azurite (tools/azurite) for the Azure Blob store's contract tests, reinstalled only when package-lock.json changed.
azurite_tools() {
  local dir="$ROOT/tools/azurite" stamp="$ROOT/tools/azurite/node_modules/.tf-installed-lock"
  cmp -s "$dir/package-lock.json" "$stamp" 2>/dev/null && return 0
  log "installing Azurite for the Azure storage tests (npm ci in tools/azurite)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$dir/package-lock.json" "$stamp"
}

# MSBuild's own output goes to stderr: stdout belongs to the command (`./tf run … --json` stays parseable).
build() {
  dotnet build TransferFunctions.Local.slnf -c Release -nologo -v q -clp:ErrorsOnly "$@" >&2
  imagenet_base
}

# The ImageNet base (imagenet-resnet18) is imported from the NuGet package restore brought (never committed, never
# downloaded at run time) into models/base/, then copied beside the embedded base in every build output that has one
# (later builds copy it through the Pipeline project's models/base glob).
imagenet_base() {
  local dir="$ROOT/models/base/imagenet-resnet18"
  if [[ ! -f "$dir/model.json" ]]; then
    log "importing the ImageNet ResNet-18 (Microsoft.ML.DnnImageFeaturizer.ResNet18) into models/base/imagenet-resnet18"
    transfer models import --imagenet-resnet18 -o "$dir" >/dev/null
  fi
  local out
  for out in "$ROOT"/src/*/bin/Release/net10.0/models/base "$ROOT"/tests/*/bin/Release/net10.0/models/base; do
    [[ -d "$out/fashion-compact" && ! -f "$out/imagenet-resnet18/model.json" ]] && cp -r "$dir" "$out/"
  done
  return 0
}

transfer() {
  dotnet "$ROOT/src/TransferFunctions.Cli/bin/Release/net10.0/transfer.dll" "$@"
}

# The step image's build step (deploy/Dockerfile.*) is exactly this command: the CLI for linux-x64 with the
# TorchSharp package of the device. Needs only the .NET SDK (no setup: it runs inside the image build).
# TorchSharp-cuda-linux is not served by the registry here; the CUDA image is built by GitHub Actions.
publish_step() {
  local device="" out="" dry=0 extra=() package
  while (($#)); do
    case "$1" in
      --device) device="${2:-}"; shift 2 || shift ;;
      --output) out="${2:-}"; shift 2 || shift ;;
      --dry-run) dry=1; shift ;;
      *) extra+=("$1"); shift ;;
    esac
  done
  case "$device" in
    cpu) package=TorchSharp-cpu ;;
    cuda) package=TorchSharp-cuda-linux ;;
    *) echo "usage: ./tf publish-step --device cpu|cuda --output DIR [--dry-run] [msbuild args]" >&2; exit 2 ;;
  esac
  [[ -n "$out" ]] || { echo "usage: ./tf publish-step --device cpu|cuda --output DIR [--dry-run] [msbuild args]" >&2; exit 2; }
  local publish=(dotnet publish src/TransferFunctions.Cli/TransferFunctions.Cli.csproj -c Release -r linux-x64
    --self-contained false -p:TfTorchSharpPackage="$package" -o "$out" -nologo -v q -clp:ErrorsOnly "${extra[@]}")
  if ((dry)); then echo "${publish[*]}"; else "${publish[@]}"; fi
}

cmd="${1:-help}"; shift || true
case "$cmd" in
  setup) setup ;;
  build) setup; build ;;
  test)
    setup; build
    # Two test projects run at a time, in the solution's order: the Azure tests (mostly waiting on outages and timers)
    # start first beside the CPU-bound ones, and the long ones before the short (quiet machine: about 14 min in all).
    # One .trx per test project: on a failure each failed test is printed again at the end with its message.
    results="$ROOT/TestResults/tf"; rm -rf "$results"
    if ! dotnet test TransferFunctions.Local.slnf -c Release --no-build -nologo -v q \
        --logger "trx;LogFilePrefix=tests" --results-directory "$results" "$@"; then
      "$TF_PYTHON" build/test-failures.py "$results" >&2 || true
      exit 1
    fi
    ;;
  demo) setup; build; transfer demo "$@" ;;
  bench)
    setup; build
    name="${1:?usage: ./tf bench <engine|label-efficiency|pipeline|reliability|transfer> [options]}"; shift
    transfer bench "$name" "$@"
    ;;
  run) setup >/dev/null; build; transfer "$@" ;;
  publish-step) publish_step "$@" ;;
  *)
    echo "usage: ./tf setup | build | test | demo | bench <name> | run <transfer args> | publish-step --device cpu|cuda --output DIR" >&2
    exit 2 ;;
esac
