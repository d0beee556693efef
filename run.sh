#!/usr/bin/env bash
# Runs the whole Distribution.Aspire topology through the Aspire AppHost: installs what is missing,
# builds, starts Postgres, Redis, every service, the partner sandboxes and the gateway, and prints the
# gateway and dashboard addresses. Ctrl+C (or SIGTERM) stops everything it started.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
ensure_prerequisites

configuration=${CONFIGURATION:-Debug}
echo "Building ($configuration) ..."
dotnet build Distribution.Aspire.sln -c "$configuration" -nologo -clp:ErrorsOnly -v:q

# The same settings as the AppHost's launch profile, so `dotnet run --project AppHost` and this agree.
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
export DOTNET_ENVIRONMENT=${DOTNET_ENVIRONMENT:-Development}
export ASPNETCORE_URLS=${ASPNETCORE_URLS:-http://localhost:15888}
export ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=${ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL:-http://localhost:19888}
export ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=${ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL:-http://localhost:20888}
export ASPIRE_ALLOW_UNSECURED_TRANSPORT=true
export ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=${ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS:-true}

echo "Starting the topology. Dashboard: ${ASPNETCORE_URLS%%;*}  Gateway: http://localhost:${Gateway__Port:-5080}"
dotnet "AppHost/bin/$configuration/net10.0/AppHost.dll" "$@" &
apphost=$!
trap 'kill -TERM "$apphost" 2>/dev/null || true' INT TERM
status=0
while kill -0 "$apphost" 2>/dev/null; do
  wait "$apphost" || status=$?
done

# The orchestrator (DCP) stops the children once the AppHost is gone; wait for it (its processes are
# recognised by the AppHost's pid and their shared kubeconfig), so that when this script returns no
# postgres, redis-server or service is left running.
kubeconfig=""
for _ in $(seq 1 240); do
  apiserver=$(pgrep -af -- "--monitor $apphost" | head -n 1 || true)
  [ -n "$kubeconfig" ] || kubeconfig=$(grep -o -- '--kubeconfig [^ ]*' <<<"$apiserver" | cut -d' ' -f2 || true)
  if [ -z "$apiserver" ] && { [ -z "$kubeconfig" ] || ! pgrep -f -- "$kubeconfig" >/dev/null; }; then
    break
  fi
  sleep 0.5
done
echo "Stopped."
exit "$status"
