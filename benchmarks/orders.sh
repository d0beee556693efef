#!/usr/bin/env bash
# Orders side by side with their baseline, in one run, on the same fresh servers:
#   pgbench running the equivalent two-insert transaction (order row + outbox row)
#     vs  SubmitOrder over gRPC on the real OrderService (order + lines + history + outbox, one transaction),
#         with the reservations it causes alongside, and alone (ALONE_ROUNDS times, each between two pgbench runs)
#   order received -> reserved p50/p90/p99 at a fixed rate (OrderService -> event -> InventoryService
#     reserves -> event -> OrderService), from the orders' own status history
# Writes benchmarks/results/orders-<UTC date>.md with the machine description. Loopback only.
# Knobs: CLIENTS (16), RUN_SECONDS (10), RATE (200 orders/s), RATE_SECONDS (10), WARMUP_SECONDS (30, not measured; see README),
#   LEAD_IN_SECONDS (5: seconds at RATE before the measured RATE_SECONDS, not measured), ALONE_ROUNDS (3),
#   DIRTY_BACKGROUND_BYTES (16 MiB for the run, 0 keeps the machine's setting: scripts/writeback.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
source scripts/prerequisites.sh
ensure_prerequisites

clients=${CLIENTS:-16}
seconds=${RUN_SECONDS:-10}
rate=${RATE:-200}
rate_seconds=${RATE_SECONDS:-10}
warmup_seconds=${WARMUP_SECONDS:-30}
lead_in_seconds=${LEAD_IN_SECONDS:-5}
alone_rounds=${ALONE_ROUNDS:-3}

work=$(mktemp -d /tmp/da-orders-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash tests/TestInfrastructure/test-servers.sh stop "$work/servers" || true
  rm -rf "$work"
  restore_dirty_writeback
}
trap cleanup EXIT
source scripts/writeback.sh
limit_dirty_writeback
DURABLE=1 bash tests/TestInfrastructure/test-servers.sh start "$work/servers"
set -a; source "$work/servers/env"; set +a
pg_port=$(cat "$work/servers/pg_port")
pg_bin=$(cat "$work/servers/pg_bin")
psql_admin=(psql "host=127.0.0.1 port=$pg_port user=postgres dbname=postgres" -q -v ON_ERROR_STOP=1)
source scripts/server-maintenance.sh
log_server_maintenance "${psql_admin[@]}"

echo "Building (Release) ..."
for project in OrderService InventoryService benchmarks/Orders.Benchmarks; do
  dotnet build "$project" -c Release -nologo -clp:ErrorsOnly -v:q
done

cat >"$work/order.sql" <<'SQL'
\set n random(1, 1000000000)
BEGIN;
INSERT INTO orders (order_id, channel, partner_id, channel_order_id, status, currency, total)
  VALUES (gen_random_uuid(), 'b2b', 'bench', 'PO-' || :client_id || '-' || :n || '-' || random(), 'received', 'USD', 10.00);
INSERT INTO outbox (event_id, topic, partition_key, event_type, envelope)
  VALUES (gen_random_uuid()::text, 'orders', 'key', 'distribution.order.received.v1', convert_to(repeat('x', 700), 'UTF8'));
END;
SQL
# The equivalent two-insert transaction, in a database of its own that goes afterwards: left behind, autovacuum would
# clean up after pgbench in the middle of our measured phases.
pgbench_tps() {
  "${psql_admin[@]}" -c "CREATE DATABASE pgbench_orders"
  psql "host=127.0.0.1 port=$pg_port user=postgres dbname=pgbench_orders" -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE orders (
  order_id uuid PRIMARY KEY, channel text NOT NULL, partner_id text NOT NULL, channel_order_id text NOT NULL,
  status text NOT NULL, currency char(3) NOT NULL, total numeric(19,4) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(), UNIQUE (channel, partner_id, channel_order_id));
CREATE TABLE outbox (
  position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, event_id text NOT NULL, topic text NOT NULL,
  partition_key text NOT NULL, event_type text NOT NULL, envelope bytea NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
SQL
  "$pg_bin/pgbench" -h 127.0.0.1 -p "$pg_port" -U postgres -n -c "$clients" -j 2 -T "$seconds" -f "$work/order.sql" pgbench_orders \
    | grep -E '^tps' | grep -o '[0-9.]*' | head -n 1
  "${psql_admin[@]}" -c "DROP DATABASE pgbench_orders"
}
echo "equivalent two-insert transaction (pgbench, $clients clients, ${seconds} s) ..."
tps=$(pgbench_tps)

echo "starting OrderService and InventoryService ..."
"${psql_admin[@]}" -c "CREATE DATABASE ordersdb" -c "CREATE DATABASE inventorydb"
source scripts/free-port.sh
start_service() { # name db http grpc
  local name=$1 db=$2 http=$3 grpc=$4
  env ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production \
    "ConnectionStrings__$db=Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=$db;Maximum Pool Size=64" \
    "ConnectionStrings__redis=$TEST_REDIS_CONNECTION" HTTP_PORT="$http" GRPC_PORT="$grpc" \
    Messaging__KeyPrefix="bench:" Admin__Key="bench-admin" Logging__LogLevel__Default=Warning \
    "$name/bin/Release/net10.0/$name" >"$work/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$http/health" >/dev/null 2>&1 && return
    sleep 0.2
  done
  echo "$name did not become healthy:" >&2; tail -n 50 "$work/$name.log" >&2; exit 1
}
free_port orders_http; free_port orders_grpc; free_port inventory_http; free_port inventory_grpc
start_service OrderService ordersdb "$orders_http" "$orders_grpc"
start_service InventoryService inventorydb "$inventory_http" "$inventory_grpc"

echo "SubmitOrder ($clients clients, ${warmup_seconds} s warm-up, ${seconds} s measured; then $rate orders/s for ${rate_seconds} s) ..."
ours=$(dotnet benchmarks/Orders.Benchmarks/bin/Release/net10.0/Orders.Benchmarks.dll \
  --orders "http://127.0.0.1:$orders_grpc" --inventory "http://127.0.0.1:$inventory_grpc" \
  --clients "$clients" --seconds "$seconds" --rate "$rate" --rate-seconds "$rate_seconds" --warmup-seconds "$warmup_seconds" --lead-in-seconds "$lead_in_seconds")
value() { grep "^$1=" <<<"$ours" | cut -d= -f2; }

# SubmitOrder alone, each time between two pgbench runs: this host's speed drifts by a fifth within minutes, so each
# ratio is taken against the baseline measured right before and right after it, and the median of the rounds'
# ratios is reported (one slow 10 s stretch of the host moves one round, not the result).
echo "pgbench, then $alone_rounds times SubmitOrder alone (InventoryService stopped) and pgbench ..."
tps_runs=$(pgbench_tps)
alone_runs=""
alone_ratios=""
for _ in $(seq 1 "$alone_rounds"); do
  a=$(dotnet benchmarks/Orders.Benchmarks/bin/Release/net10.0/Orders.Benchmarks.dll \
    --orders "http://127.0.0.1:$orders_grpc" --inventory "http://127.0.0.1:$inventory_grpc" \
    --clients "$clients" --seconds "$seconds" --alone-only true --pause-pid "${pids[1]}" | grep '^submit_alone_orders_per_second=' | cut -d= -f2)
  before=${tps_runs##* }
  after=$(pgbench_tps)
  tps_runs+=" $after"
  alone_runs+="${alone_runs:+ }$a"
  alone_ratios+="${alone_ratios:+ }$(awk -v a="$a" -v b="$before" -v c="$after" 'BEGIN { printf "%.2f", a / ((b + c) / 2) }')"
done
median_of() { tr ' ' '\n' <<<"$1" | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
alone=$(median_of "$alone_runs")
alone_ratio=$(median_of "$alone_ratios")
tps_around=$(median_of "$tps_runs")

# Where the paced orders' received -> reserved time went, from the two databases: inventory's row for an order is
# created by the reserving transaction, and now() there is that transaction's start. So the first stage is the outbox
# relay, Redis and the inventory consumer picking the event up; the second is the reserving batch and its commit, the
# relay again and the order service's handler.
"${psql_admin[@]/dbname=postgres/dbname=ordersdb}" -At -F, -c "
  SELECT o.order_id, extract(epoch FROM r.at) * 1000, extract(epoch FROM s.at) * 1000
  FROM orders o
  JOIN order_status_history r ON r.order_id = o.order_id AND r.status = 'received'
  JOIN order_status_history s ON s.order_id = o.order_id AND s.status = 'reserved'
  WHERE o.channel_order_id LIKE 'R%'" >"$work/orders-stages.csv"
"${psql_admin[@]/dbname=postgres/dbname=inventorydb}" -At -F, -c "SELECT order_id, extract(epoch FROM created_at) * 1000 FROM orders" >"$work/inventory-stages.csv"
stages=$(python3 - "$work/orders-stages.csv" "$work/inventory-stages.csv" <<'PY'
import csv, sys
began = {row[0]: float(row[1]) for row in csv.reader(open(sys.argv[2]))}
first, second, paced = [], [], []
for order_id, received, reserved in csv.reader(open(sys.argv[1])):
    paced.append((float(received), float(reserved) - float(received)))
    if order_id in began:
        first.append(began[order_id] - float(received))
        second.append(float(reserved) - began[order_id])
def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")
for name, values in (("pickup", first), ("rest", second)):
    print(f"{name} p50 {pct(values, .5):.1f} / p90 {pct(values, .9):.1f} / p99 {pct(values, .99):.1f} ms")
# The paced phase second by second, from the first measured order's receipt; and the window for the server's log.
start = min(at for at, _ in paced) if paced else 0
seconds = {}
for at, took in paced:
    second_of = int((at - start) // 1000)
    seconds[second_of] = max(seconds.get(second_of, 0), took)
worst = max(seconds.items(), key=lambda item: item[1]) if seconds else (0, 0)
slow = sorted(second_of for second_of, took in seconds.items() if took > 50)
print(f"seconds slowest order received in second {worst[0]} took {worst[1]:.0f} ms; seconds with an order over 50 ms: {', '.join(map(str, slow)) or 'none'}")
end = max(at + took for at, took in paced) if paced else 0
print(f"window {start:.0f} {start - 5000:.0f} {end + 1000:.0f}")
PY
)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

mkdir -p benchmarks/results
report="benchmarks/results/orders-$(date -u +%Y-%m-%d).md"
{
  echo "# Orders benchmark ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB,"
  echo "$(uname -sr); .NET $(dotnet --version); PostgreSQL $("$pg_bin/postgres" --version | grep -oE '[0-9]+\.[0-9]+' | head -n 1) (fsync and synchronous_commit on);"
  echo "Redis $(redis-server --version | grep -o 'v=[0-9.]*' | cut -d= -f2). Clients: $clients, after ${warmup_seconds} s of unmeasured warm-up. Load average before the run: $load_before. Loopback, one run."
  echo "Page cache writeback: $writeback_setting (scripts/writeback.sh)."
  echo
  echo "| measure | ours | baseline | ratio | target |"
  echo "|---|---|---|---|---|"
  echo "| orders/s | $(value submit_orders_per_second) (SubmitOrder over gRPC: order, lines, history, outbox in one transaction; the reservations and acceptances they cause running alongside) | $tps (pgbench: order row + outbox row) | $(ratio "$(value submit_orders_per_second)" "$tps") | — (context: the target is the next row) |"
  echo "| orders/s, SubmitOrder alone | $alone (median of $alone_rounds rounds: $alone_runs; the same, with InventoryService stopped for each ${seconds} s; OrderService's relay still publishes every order.received to Redis) | $tps_around (median of the pgbench runs around them: $tps_runs) | $alone_ratio (median of each round's ratio to the pgbench runs right before and after it: $alone_ratios) | ≥ 0.5 |"
  echo
  echo "The target compares SubmitOrder alone, because pgbench's transaction has the machine to itself too. In the first row"
  echo "InventoryService reserves and OrderService accepts the same orders on the same two cores meanwhile."
  echo
  echo "Order received → reserved at $(value latency_rate) orders/s for ${rate_seconds} s, after ${lead_in_seconds} s at that rate not measured ($(value latency_samples) orders reserved, $(value latency_not_reserved) not):"
  echo "p50 $(value latency_p50_ms) ms, p90 $(value latency_p90_ms) ms, p99 $(value latency_p99_ms) ms, max $(value latency_max_ms) ms (target p99 ≤ 50 ms)."
  echo
  echo "The same orders in two stages (from the databases; inventory's reserving transaction starts between them):"
  echo "- received → inventory's reserving transaction began (outbox relay, Redis, consumer pick-up): $(sed -n 1p <<<"$stages" | cut -d' ' -f2-)"
  echo "- that transaction began → order reserved (reserve and commit, relay, Redis, order service handler): $(sed -n 2p <<<"$stages" | cut -d' ' -f2-)"
  echo
  echo "Second by second: the $(sed -n 3p <<<"$stages" | cut -d' ' -f2-)."
  echo "PostgreSQL during the paced phase (from 5 s before its first measured order; times from that order): $(server_maintenance_between "$work/servers/pglog/postgres.log" $(sed -n 4p <<<"$stages" | cut -d' ' -f2-))."
} | tee "$report"
echo
echo "Report written to $report"
