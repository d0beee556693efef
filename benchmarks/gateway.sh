#!/usr/bin/env bash
# The gateway side by side with its baselines, in one run, against the same destination (an nginx `return 200`):
#   straight to the destination                       (no proxy)
#   bare YARP, same route                             (benchmarks/Gateway.Benchmarks: the proxy library alone)
#   the gateway: API key + distributed limiter on     (Release build, Production settings, real Postgres + Redis,
#                                                      audit log and OpenTelemetry instrumentation on, no exporter)
#   bare YARP inside the platform's host defaults   (the same proxy with AddServiceDefaults: OpenTelemetry, correlation
#                                                      id, problem details; the gateway minus its policies)
#   nginx with the equivalent policy                  (key -> partner map, limit_req per partner, upstream keepalive)
# Each at saturation (wrk -c CONNECTIONS) and at low load (-c 1) for latency; then a noisy neighbour: one partner
# far over its limit (100/s) while another measures its latency, for the gateway and for nginx.
# Writes benchmarks/results/gateway-<UTC date>.md with the machine description and load average. Loopback only.
# Knobs: DURATION (15s), WARMUP (10s), CONNECTIONS (32), THREADS (2), ROUNDS (2; medians are reported).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
source scripts/prerequisites.sh
ensure_prerequisites
if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
  [ "$(id -u)" -eq 0 ] || { echo "wrk and nginx are needed: sudo apt-get install -y wrk nginx" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk nginx >/dev/null
fi

duration=${DURATION:-15s}
warmup=${WARMUP:-10s}
connections=${CONNECTIONS:-32}
threads=${THREADS:-2}
rounds=${ROUNDS:-2}
admin_key="bench-admin-$RANDOM$RANDOM"

work=$(mktemp -d /tmp/da-gwbench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for conf in dest proxy; do [ -f "$work/$conf.pid" ] && kill "$(cat "$work/$conf.pid")" 2>/dev/null || true; done
  bash tests/TestInfrastructure/test-servers.sh stop "$work/servers" || true
  rm -rf "$work"
}
trap cleanup EXIT

source scripts/free-port.sh
wait_for() {
  for _ in $(seq 1 200); do curl -fs -o /dev/null "$@" && return 0; sleep 0.1; done
  echo "not answering: $*" >&2; exit 1
}

echo "Building (Release) ..."
dotnet build Gateway -c Release -nologo -clp:ErrorsOnly -v:q
dotnet build benchmarks/Gateway.Benchmarks -c Release -nologo -clp:ErrorsOnly -v:q

DURABLE=1 bash tests/TestInfrastructure/test-servers.sh start "$work/servers"
set -a; source "$work/servers/env"; set +a
pg_port=$(cat "$work/servers/pg_port")
psql "host=127.0.0.1 port=$pg_port user=postgres dbname=postgres" -q -c "CREATE DATABASE gatewaydb"

free_port dest_port; free_port yarp_port; free_port gateway_port; free_port defaults_port; free_port nginx_port

# The destination: nginx answering a small JSON body, one worker (it is not what is measured).
cat >"$work/dest.conf" <<CONF
worker_processes 1;
pid $work/dest.pid;
error_log $work/dest-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  server {
    listen 127.0.0.1:$dest_port;
    location / { default_type application/json; return 200 '{"orderId":"o-1","status":"accepted"}'; }
  }
}
CONF
nginx -c "$work/dest.conf" -p "$work"
wait_for "http://127.0.0.1:$dest_port/v1/orders/o-1"

Destination="http://127.0.0.1:$dest_port" benchmarks/Gateway.Benchmarks/bin/Release/net10.0/Gateway.Benchmarks \
  --urls "http://127.0.0.1:$yarp_port" --Destination "http://127.0.0.1:$dest_port" >"$work/yarp.log" 2>&1 &
pids+=($!)

secrets_key=$(head -c 32 /dev/urandom | base64)
start_gateway() { # port [extra environment...]
  local port=$1; shift
  (cd Gateway && exec env ASPNETCORE_ENVIRONMENT=Production HTTP_PORT="$port" \
    ConnectionStrings__gatewaydb="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=gatewaydb" \
    ConnectionStrings__redis="$TEST_REDIS_CONNECTION" \
    Gateway__AdminKey="$admin_key" Gateway__SecretsKey="$secrets_key" \
    services__orderservice__http__0="http://127.0.0.1:$dest_port" "$@" \
    bin/Release/net10.0/Gateway >"$work/gateway-$port.log" 2>&1) &
  pids+=($!)
}
start_gateway "$gateway_port"
wait_for "http://127.0.0.1:$gateway_port/alive"
(exec env ASPNETCORE_ENVIRONMENT=Production benchmarks/Gateway.Benchmarks/bin/Release/net10.0/Gateway.Benchmarks \
  --urls "http://127.0.0.1:$defaults_port" --Destination "http://127.0.0.1:$dest_port" --WithServiceDefaults true >"$work/yarp-defaults.log" 2>&1) &
pids+=($!)
wait_for "http://127.0.0.1:$yarp_port/v1/orders/o-1"
wait_for "http://127.0.0.1:$defaults_port/v1/orders/o-1"

create_partner() { # id perSecond burst -> api key
  curl -fs -H "X-Admin-Key: $admin_key" -H 'Content-Type: application/json' "http://127.0.0.1:$gateway_port/admin/partners" \
    -d "{\"partnerId\":\"$1\",\"kind\":\"b2b\",\"channel\":\"b2b\",\"scopes\":[\"orders\"],\"rateLimit\":{\"perSecond\":$2,\"burst\":$3}}" \
    | sed -E 's/.*"apiKey":"([^"]+)".*/\1/'
}
quiet_key=$(create_partner bench-quiet 1000000 1000000)
noisy_key=$(create_partner bench-noisy 100 100)

# nginx as the proxy, with the equivalent policy: the key names the partner (nginx cannot hash, so the map holds
# the keys themselves), unknown keys get 401, each partner has its own limit_req bucket, upstream keep-alive.
cat >"$work/proxy.conf" <<CONF
worker_processes auto;
pid $work/proxy.pid;
error_log $work/proxy-error.log warn;
events { worker_connections 4096; }
http {
  access_log $work/proxy-access.log combined buffer=256k flush=1s;
  keepalive_requests 10000000;
  map_hash_bucket_size 128;
  map \$http_x_api_key \$partner { default ""; "$quiet_key" "bench-quiet"; "$noisy_key" "bench-noisy"; }
  map \$partner \$high_limit_key { "bench-quiet" \$partner; default ""; }
  map \$partner \$low_limit_key { "bench-noisy" \$partner; default ""; }
  limit_req_zone \$high_limit_key zone=high:10m rate=1000000r/s;
  limit_req_zone \$low_limit_key zone=low:10m rate=100r/s;
  limit_req_status 429;
  upstream destination { server 127.0.0.1:$dest_port; keepalive 64; }
  server {
    listen 127.0.0.1:$nginx_port;
    location /v1/orders/ {
      if (\$partner = "") { return 401; }
      limit_req zone=high burst=1000000 nodelay;
      limit_req zone=low burst=100 nodelay;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Api-Key "";
      proxy_set_header X-Partner-Id \$partner;
      proxy_pass http://destination;
    }
  }
}
CONF
nginx -c "$work/proxy.conf" -p "$work"
wait_for -H "X-Api-Key: $quiet_key" "http://127.0.0.1:$nginx_port/v1/orders/o-1"
curl -fs -o /dev/null -H "X-Api-Key: $quiet_key" "http://127.0.0.1:$gateway_port/v1/orders/o-1"

declare -A url=(
  [direct]="http://127.0.0.1:$dest_port/v1/orders/o-1"
  [yarp]="http://127.0.0.1:$yarp_port/v1/orders/o-1"
  [gateway]="http://127.0.0.1:$gateway_port/v1/orders/o-1"
  [yarp-defaults]="http://127.0.0.1:$defaults_port/v1/orders/o-1"
  [nginx]="http://127.0.0.1:$nginx_port/v1/orders/o-1"
)

# wrk's latency figures in ms, requests/s, non-2xx count and requests done, as "rps p50 p99 non2xx requests".
run_wrk() { # threads connections duration url [key]
  local out
  out=$(wrk -t"$1" -c"$2" -d"$3" --latency ${5:+-H "X-Api-Key: $5"} "$4")
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec:/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { bad = $5 }
    / requests in / { done = $1 }
    END { printf "%.0f %.3f %.3f %d %d\n", rps, p50, p99, bad, done }' <<<"$out"
}
# CPU time (clock ticks) a proxy used: the process, or nginx's master and workers. Contention on a busy machine
# moves throughput and latency a lot; CPU per request much less.
cpu_ticks() {
  local pids_of
  case "$1" in
    yarp) pids_of=${pids[0]} ;;
    gateway) pids_of=${pids[1]} ;;
    yarp-defaults) pids_of=${pids[2]} ;;
    nginx) pids_of="$(cat "$work/proxy.pid") $(pgrep -P "$(cat "$work/proxy.pid")" | xargs)" ;;
    *) echo 0; return ;;
  esac
  for pid in $pids_of; do awk '{ print $14 + $15 }' "/proc/$pid/stat"; done | awk '{ s += $1 } END { print s + 0 }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A rps p50 p99 low_p50 low_p99 cpu
for round in $(seq 1 "$rounds"); do
  for target in direct yarp yarp-defaults gateway nginx; do
    case $target in gateway | nginx) key=$quiet_key ;; *) key="" ;; esac
    run_wrk "$threads" "$connections" "$warmup" "${url[$target]}" "$key" >/dev/null
    ticks_before=$(cpu_ticks "$target")
    read -r r a b bad done < <(run_wrk "$threads" "$connections" "$duration" "${url[$target]}" "$key")
    ticks_after=$(cpu_ticks "$target")
    [ "$bad" -eq 0 ] || { echo "$target answered $bad non-2xx responses under load" >&2; exit 1; }
    rps[$target]+="$r "; p50[$target]+="$a "; p99[$target]+="$b "
    cpu[$target]+="$(awk -v t=$((ticks_after - ticks_before)) -v n="$done" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", (n > 0 ? t * 1000000 / hz / n : 0) }') "
    read -r r a b bad done < <(run_wrk 1 1 "$duration" "${url[$target]}" "$key")
    low_p50[$target]+="$a "; low_p99[$target]+="$b "
    echo "round $round $target: $(echo "${rps[$target]}" | awk '{print $NF}') req/s at $connections connections ($(echo "${cpu[$target]}" | awk '{print $NF}') us proxy CPU/request); p50/p99 at 1 connection ${a}/${b} ms"
  done
done

# Noisy neighbour: the quiet partner on 4 connections alone, then with the noisy partner hammering on 16.
declare -A alone_p99 noisy_p99 noisy_rps noisy_limited
for target in gateway nginx; do
  read -r r a b bad done < <(run_wrk 1 4 "$duration" "${url[$target]}" "$quiet_key")
  alone_p99[$target]=$b
  wrk -t1 -c16 -d"$duration" --latency -H "X-Api-Key: $noisy_key" "${url[$target]}" >"$work/noisy-$target.txt" &
  noisy=$!
  read -r r a b bad done < <(run_wrk 1 4 "$duration" "${url[$target]}" "$quiet_key")
  wait "$noisy"
  noisy_p99[$target]=$b
  noisy_rps[$target]=$(awk '/Requests\/sec:/ { printf "%.0f", $2 }' "$work/noisy-$target.txt")
  noisy_limited[$target]=$(awk '/Non-2xx or 3xx responses:/ { print $5 }' "$work/noisy-$target.txt")
  echo "noisy neighbour $target: quiet p99 ${alone_p99[$target]} ms alone, $b ms beside $(echo "${noisy_rps[$target]}") req/s of noise (${noisy_limited[$target]:-0} refused)"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

m() { tr ' ' '\n' <<<"$1" | grep -v '^$' | median | awk '{ print ($1 >= 1000 ? sprintf("%.0f", $1) : $1) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
diff_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.3f", a - b }'; }
# Each round's ratio of two targets, then their median: the host's speed drifts by tens of percent between runs here,
# and a ratio of two targets measured minutes apart in the same round moves much less than either figure.
paired() { # "a1 a2 ..." "b1 b2 ..." -> "r1 r2 ... (median m)"
  local each
  each=$(paste <(tr ' ' '\n' <<<"$1" | grep -v '^$') <(tr ' ' '\n' <<<"$2" | grep -v '^$') | awk '$2 > 0 { printf "%.2f\n", $1 / $2 }')
  echo "$(xargs <<<"$each") (median $(median <<<"$each"))"
}
for target in direct yarp yarp-defaults gateway nginx; do
  printf -v "m_rps_${target//-/_}" '%s' "$(m "${rps[$target]}")"
  printf -v "m_p50_${target//-/_}" '%s' "$(m "${p50[$target]}")"
  printf -v "m_p99_${target//-/_}" '%s' "$(m "${p99[$target]}")"
  printf -v "m_lp50_${target//-/_}" '%s' "$(m "${low_p50[$target]}")"
  printf -v "m_lp99_${target//-/_}" '%s' "$(m "${low_p99[$target]}")"
  printf -v "m_cpu_${target//-/_}" '%s' "$(m "${cpu[$target]}")"
done

mkdir -p benchmarks/results
report="benchmarks/results/gateway-$(date -u +%Y-%m-%d).md"
{
  echo "# Gateway benchmark ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr);"
  echo ".NET $(dotnet --version); nginx $(nginx -v 2>&1 | grep -o '[0-9.]*$'); wrk $(wrk -v 2>&1 | grep -o '^wrk [^ ]*' | cut -d' ' -f2)."
  echo "Load average (1/5/15 min) before: $load_before; after: $load_after."
  echo "wrk, client and servers share the $(nproc) cores. Saturation: $threads threads, $connections connections, $duration per run after a $warmup warm-up;"
  echo "latency: 1 thread, 1 connection, $duration. $rounds rounds, medians reported. Destination: nginx \`return 200\` (1 worker)."
  echo "The gateway runs its Release build in Production settings with the API key check, the Redis-leased token bucket"
  echo "(partner limit 1,000,000/s) and the audit log on (OpenTelemetry log pipeline; no OTLP collector runs here, so export is not"
  echo "measured); bare YARP is benchmarks/Gateway.Benchmarks."
  echo
  echo "| target | req/s | vs bare YARP | vs nginx | proxy CPU µs/request (vs bare YARP) | p50 / p99 at $connections conn (ms) | p50 / p99 at 1 conn (ms) | p99 added vs bare YARP at 1 conn |"
  echo "|---|---|---|---|---|---|---|---|"
  for target in direct yarp yarp-defaults gateway nginx; do
    t=${target//-/_}; r="m_rps_$t"; a="m_p50_$t"; b="m_p99_$t"; c="m_lp50_$t"; d="m_lp99_$t"; u="m_cpu_$t"
    cpu_cell="—"; [ "$target" = direct ] || cpu_cell="${!u} ($(ratio "${!u}" "$m_cpu_yarp")×)"
    echo "| $target | ${!r} | $(ratio "${!r}" "$m_rps_yarp") | $(ratio "${!r}" "$m_rps_nginx") | $cpu_cell | ${!a} / ${!b} | ${!c} / ${!d} | $(diff_ms "${!d}" "$m_lp99_yarp") |"
  done
  echo
  echo "Targets: gateway ≥ 0.9× bare YARP ($(ratio "$m_rps_gateway" "$m_rps_yarp")), ≥ 0.8× nginx with the same policy ($(ratio "$m_rps_gateway" "$m_rps_nginx")),"
  echo "p99 added ≤ 0.3 ms ($(diff_ms "$m_lp99_gateway" "$m_lp99_yarp") ms at 1 connection). CPU per request, the figure least moved by other load:"
  echo "gateway $(ratio "$m_cpu_gateway" "$m_cpu_yarp")× bare YARP, $(ratio "$m_cpu_gateway" "$m_cpu_nginx")× nginx."
  echo
  echo "Paired within each round (gateway ÷ bare YARP): req/s $(paired "${rps[gateway]}" "${rps[yarp]}");"
  echo "proxy CPU per request $(paired "${cpu[gateway]}" "${cpu[yarp]}")."
  echo
  echo "The policies alone, paired (gateway ÷ bare YARP inside the same host defaults): req/s"
  echo "$(paired "${rps[gateway]}" "${rps[yarp-defaults]}"); proxy CPU per request $(paired "${cpu[gateway]}" "${cpu[yarp-defaults]}")."
  echo
  echo "Noisy neighbour (quiet partner on 4 connections; noisy partner limited to 100/s hammering on 16):"
  echo
  echo "| proxy | quiet p99 alone (ms) | quiet p99 beside the noise (ms) | noise req/s answered | of which refused (429) |"
  echo "|---|---|---|---|---|"
  for target in gateway nginx; do
    echo "| $target | ${alone_p99[$target]} | ${noisy_p99[$target]} | ${noisy_rps[$target]} | ${noisy_limited[$target]:-0} |"
  done
  echo
  echo "\`yarp-defaults\` is bare YARP (benchmarks/Gateway.Benchmarks) with the platform's \`AddServiceDefaults\`/\`MapDefaultEndpoints\`"
  echo "in Production settings: OpenTelemetry tracing and metrics, the correlation id middleware, problem details, health"
  echo "endpoints. It is the gateway without its policies (key check, limiter, body and content-type limits, header stamping, audit)."
  echo
  echo "Per round (req/s at $connections connections): direct ${rps[direct]}; yarp ${rps[yarp]}; gateway ${rps[gateway]}; yarp-defaults ${rps[yarp-defaults]}; nginx ${rps[nginx]}"
} | tee "$report"
echo
echo "Report written to $report"
