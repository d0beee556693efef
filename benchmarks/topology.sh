#!/usr/bin/env bash
# The whole topology under stepped load, in one run: the AppHost (local postgres and redis-server executables, every
# service, the partner sandboxes) started by benchmarks/Topology.Benchmarks (Release), the sandbox partners onboarded
# through the gateway's admin API, then signed Shopify orders/create webhooks through the gateway at stepped rates
# (open loop, fixed schedule). Per step: orders accepted per second and whether the backlog drains; scheduled send →
# order received / accepted p50/p95/p99 (from ordersdb's status history); stock change → channel acknowledged p50/p99
# (the Shopify and Amazon sandboxes' own timestamps); the topology's summed resident memory, sampled every five seconds.
# Then the side-by-side ratios of gateway.sh, messaging.sh and orders.sh (re-run by default; with --quick, copied from
# their latest results unless --with-ratios is given).
# Writes benchmarks/results/topology-<UTC date>.md with the machine description. Loopback only.
# Usage: benchmarks/topology.sh [--quick] [--with-ratios | --no-ratios]
# Knobs: RATES (50,100,200,400,600; quick 100,200,400), STEP_SECONDS (25; quick 10), WARMUP_SECONDS (60 at 10/s; quick 10).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
source scripts/prerequisites.sh
ensure_prerequisites

quick=""; ratios=run
for arg in "$@"; do
  case "$arg" in
    --quick) quick=--quick; ratios=copy ;;
    --with-ratios) ratios=run_forced ;;
    --no-ratios) ratios=copy ;;
    *) echo "unknown argument: $arg (use --quick, --with-ratios, --no-ratios)" >&2; exit 2 ;;
  esac
done
[ "$ratios" = run_forced ] && ratios=run

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain 2>/dev/null | grep -q . && echo " (with uncommitted changes)" || true)

echo "Building (Release) ..."
dotnet build benchmarks/Topology.Benchmarks -c Release -nologo -clp:ErrorsOnly -v:q

work=$(mktemp -d /tmp/da-topology.XXXXXX)
trap 'rm -rf "$work"' EXIT
extra=()
[ -n "${RATES:-}" ] && extra+=(--rates "$RATES")
[ -n "${STEP_SECONDS:-}" ] && extra+=(--step-seconds "$STEP_SECONDS")
[ -n "${WARMUP_SECONDS:-}" ] && extra+=(--warmup-seconds "$WARMUP_SECONDS")
dotnet benchmarks/Topology.Benchmarks/bin/Release/net10.0/Topology.Benchmarks.dll load $quick --root "$root" --report "$work/steps.md" "${extra[@]}"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

declare -A reports
if [ "$ratios" = run ]; then
  for harness in gateway messaging orders; do
    echo "running benchmarks/$harness.sh for its ratios ..."
    bash "benchmarks/$harness.sh" >"$work/$harness.log" 2>&1 || { echo "$harness.sh failed:"; tail -n 20 "$work/$harness.log"; }
    reports[$harness]="benchmarks/results/$harness-$(date -u +%Y-%m-%d).md"
  done
else
  for harness in gateway messaging orders; do
    reports[$harness]=$(ls -1 benchmarks/results/"$harness"-*.md 2>/dev/null | sort | tail -n 1 || true)
  done
fi

mkdir -p benchmarks/results
report="benchmarks/results/topology-$(date -u +%Y-%m-%d)${quick:+-quick}.md"
{
  echo "# Topology benchmark ($(date -u +%Y-%m-%dT%H:%MZ)${quick:+, quick run})"
  echo
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB RAM,"
  echo "$(uname -sr); .NET $(dotnet --version); PostgreSQL $(ls /usr/lib/postgresql | sort -V | tail -n 1); Redis $(redis-server --version | grep -o 'v=[0-9.]*' | cut -d= -f2)."
  echo "Commit $commit$dirty. Load average (1/5/15 min) before: $load_before; after: $load_after."
  echo "Everything (load generator, AppHost, DCP, ten services, sandboxes, postgres, redis-server) shares the machine; loopback only."
  echo
  cat "$work/steps.md"
  echo
  echo "## Side-by-side ratios from the earlier harnesses"
  echo
  for harness in gateway messaging orders; do
    file=${reports[$harness]}
    if [ -n "$file" ] && [ -f "$file" ]; then
      how="re-run now"; [ "$ratios" = run ] || how="not re-run; latest results"
      echo "### $harness.sh — \`$file\` ($how)"
      echo
      grep -E '^(\||Targets|Order received|p50|Publish)' "$file" || true
      echo
    else
      echo "### $harness.sh — no results"
      echo
    fi
  done
} | tee "$report"
echo
echo "Report written to $report"
