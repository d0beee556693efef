#!/usr/bin/env bash
# Fault suite on the whole topology (minutes; not part of test.sh): steady Shopify webhook load through the gateway
# at --rate orders/s (every webhook delivered twice, some orders/updated before their orders/create, refused deliveries retried with
# back-off as Shopify does) while, in turn, each service (orderservice, inventoryservice, fulfillmentservice,
# shopify-adapter, threepl-adapter, gateway) is SIGKILLed and restarted, Redis and Postgres are restarted, and the
# sandbox shop, then the sandbox 3PL, is down for 30 s; the 3PL posts every document and event twice, out of order.
# Then the load stops, the topology quiesces and a reconciliation proves: zero orders lost, zero duplicated, every
# channel's quantity equal to inventory's truth, zero oversold units, every shipment in the ERP exactly once, no
# event left in an outbox or dead letters. Writes benchmarks/results/faults-<UTC date>.md; exits non-zero when a check fails.
# Usage: benchmarks/faults.sh [--quick] [--rate N]   (--quick: shorter pauses between faults; --rate: orders/s, default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
source scripts/prerequisites.sh
ensure_prerequisites

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
echo "Building (Release) ..."
dotnet build benchmarks/Topology.Benchmarks -c Release -nologo -clp:ErrorsOnly -v:q

work=$(mktemp -d /tmp/da-faults.XXXXXX)
trap 'rm -rf "$work"' EXIT
status=0
dotnet benchmarks/Topology.Benchmarks/bin/Release/net10.0/Topology.Benchmarks.dll faults "$@" --root "$root" --report "$work/faults.md" || status=$?
[ -f "$work/faults.md" ] || { echo "the fault suite did not produce a report (exit $status)" >&2; exit 1; }

mkdir -p benchmarks/results
report="benchmarks/results/faults-$(date -u +%Y-%m-%d).md"
{
  echo "# Fault suite ($(date -u +%Y-%m-%dT%H:%MZ)) — $([ "$status" -eq 0 ] && echo "all checks pass" || echo "CHECKS FAILED")"
  echo
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB RAM,"
  echo "$(uname -sr); .NET $(dotnet --version). Commit $commit. Load average before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  cat "$work/faults.md"
} | tee "$report"
echo
echo "Report written to $report"
exit "$status"
