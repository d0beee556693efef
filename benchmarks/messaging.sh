#!/usr/bin/env bash
# The event backbone side by side with its baselines, in one run, on the same fresh servers:
#   raw XADD (redis-benchmark)       vs  our Redis Streams transport alone, same client count
#   a two-insert transaction (pgbench) vs  handled events (state + outbox -> relay -> Redis -> inbox + effect)
#   publish -> handled p50/p90/p99 at a fixed rate
# Writes benchmarks/results/messaging-<UTC date>.md with the machine description. Loopback only.
# Knobs: CLIENTS (16), EVENTS (20000), RATE (1000 events/s), RATE_SECONDS (10), PGBENCH_SECONDS (10),
#   WARMUP_EVENTS (unmeasured, before the measured parts; default 2 x EVENTS, see README),
#   DIRTY_BACKGROUND_BYTES (16 MiB for the run, 0 keeps the machine's setting: scripts/writeback.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh
ensure_prerequisites

clients=${CLIENTS:-16}
events=${EVENTS:-20000}
rate=${RATE:-1000}
rate_seconds=${RATE_SECONDS:-10}
warmup_events=${WARMUP_EVENTS:-$((events * 2))}
pgbench_seconds=${PGBENCH_SECONDS:-10}

work=$(mktemp -d /tmp/da-bench.XXXXXX)
chmod 755 "$work"
source scripts/writeback.sh
trap 'bash tests/TestInfrastructure/test-servers.sh stop "$work/servers" || true; rm -rf "$work"; restore_dirty_writeback' EXIT
limit_dirty_writeback
DURABLE=1 bash tests/TestInfrastructure/test-servers.sh start "$work/servers"
set -a; source "$work/servers/env"; set +a
pg_port=$(cat "$work/servers/pg_port")
redis_port=$(cat "$work/servers/redis_port")
pg_bin=$(cat "$work/servers/pg_bin")
source scripts/server-maintenance.sh
log_server_maintenance psql "host=127.0.0.1 port=$pg_port user=postgres dbname=postgres" -q

echo "Building (Release) ..."
dotnet build benchmarks/Messaging.Benchmarks -c Release -nologo -clp:ErrorsOnly -v:q

payload=$(head -c 300 /dev/zero | tr '\0' 'x')
echo "raw XADD (redis-benchmark, $clients clients, $events requests) ..."
xadd=$(redis-benchmark -h 127.0.0.1 -p "$redis_port" -c "$clients" -n "$events" -q XADD rawbench '*' ce "$payload" | tr '\r' '\n' | grep -o '[0-9.]* requests per second' | tail -n 1 | cut -d' ' -f1)

echo "two-insert transaction (pgbench, $clients clients, ${pgbench_seconds} s) ..."
psql "host=127.0.0.1 port=$pg_port user=postgres dbname=postgres" -q -c "CREATE DATABASE pgbench_two_inserts"
psql "host=127.0.0.1 port=$pg_port user=postgres dbname=pgbench_two_inserts" -q -c \
  "CREATE TABLE a (id bigserial PRIMARY KEY, key text NOT NULL, payload text NOT NULL); CREATE TABLE b (id bigserial PRIMARY KEY, key text NOT NULL, payload bytea NOT NULL);"
cat >"$work/two-inserts.sql" <<'SQL'
\set k random(1, 256)
BEGIN;
INSERT INTO a (key, payload) VALUES ('key-' || :k, 'state');
INSERT INTO b (key, payload) VALUES ('key-' || :k, convert_to(repeat('x', 300), 'UTF8'));
END;
SQL
tps=$("$pg_bin/pgbench" -h 127.0.0.1 -p "$pg_port" -U postgres -n -c "$clients" -j 2 -T "$pgbench_seconds" -f "$work/two-inserts.sql" pgbench_two_inserts \
  | grep -E '^tps' | grep -o '[0-9.]*' | head -n 1)
# The baseline's tables go: left behind, autovacuum would clean up after pgbench in the middle of our measured phases.
psql "host=127.0.0.1 port=$pg_port user=postgres dbname=postgres" -q -c "DROP DATABASE pgbench_two_inserts"

# pgbench gets $clients connections, and so do we. A bigger pool only opens backends in the middle of a burst
# (a fork and cold caches each, on a 2-core server), which stalled the paced run for a second at a time.
echo "event backbone ($clients clients, $events events; then $rate events/s for ${rate_seconds} s) ..."
psql "host=127.0.0.1 port=$pg_port user=postgres dbname=postgres" -q -c "CREATE DATABASE benchdb"
ours=$(dotnet benchmarks/Messaging.Benchmarks/bin/Release/net10.0/Messaging.Benchmarks.dll \
  --postgres "Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=benchdb;Maximum Pool Size=$clients" --redis "$TEST_REDIS_CONNECTION" \
  --clients "$clients" --events "$events" --rate "$rate" --seconds "$rate_seconds" --warmup-events "$warmup_events")
value() { grep "^$1=" <<<"$ours" | cut -d= -f2; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
transport_ratio=$(ratio "$(value transport_events_per_second)" "$xadd")
handled_ratio=$(ratio "$(value handled_events_per_second)" "$tps")

mkdir -p benchmarks/results
report="benchmarks/results/messaging-$(date -u +%Y-%m-%d).md"
{
  echo "# Event backbone benchmark ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB,"
  echo "$(uname -sr); .NET $(dotnet --version); PostgreSQL $("$pg_bin/postgres" --version | grep -oE '[0-9]+\.[0-9]+' | head -n 1) (fsync and synchronous_commit on);"
  echo "Redis $(redis-server --version | grep -o 'v=[0-9.]*' | cut -d= -f2). Clients: $clients, pool $clients, after $warmup_events unmeasured warm-up events. Everything on loopback, one run."
  echo "Page cache writeback: $writeback_setting (scripts/writeback.sh)."
  echo
  echo "| measure | ours | baseline | ratio | target |"
  echo "|---|---|---|---|---|"
  echo "| publish to Redis, events/s | $(value transport_events_per_second) (transport alone) | $xadd (redis-benchmark XADD) | $transport_ratio | ≥ 0.3 |"
  echo "| handled events/s (state + outbox → relay → stream → inbox + effect committed) | $(value handled_events_per_second) | $tps (pgbench two-insert tx) | $handled_ratio | ≥ 0.5 |"
  echo "| of which publishing alone (state + outbox committed), events/s | $(value published_events_per_second) | $tps | $(ratio "$(value published_events_per_second)" "$tps") | |"
  echo
  echo "Publish → handled at $(value latency_rate) events/s for ${rate_seconds} s ($(value latency_samples) events):"
  echo "p50 $(value latency_p50_ms) ms, p90 $(value latency_p90_ms) ms, p99 $(value latency_p99_ms) ms, max $(value latency_max_ms) ms (target p99 ≤ 5 ms)."
  echo "CPU per event over that phase: $(value paced_cpu_us_per_event_benchmark) µs in the benchmark process (publishers, relay, consumer),"
  echo "$(value paced_cpu_us_per_event_postgres) µs in PostgreSQL, $(value paced_cpu_us_per_event_redis) µs in Redis; $(value paced_database_round_trips_per_event) round trips to PostgreSQL"
  echo "(the benchmark's own count of finished events included). Context switches per event: $(value paced_context_switches_per_event_benchmark)"
  echo "in the benchmark process, $(value paced_context_switches_per_event_postgres) in PostgreSQL (each hand-off between threads or processes is one)."
  echo
  echo "Slowest event handled in each second of that phase, ms: $(value paced_max_ms_by_second)."
  echo "PostgreSQL from 5 s before the phase to its end (times from its start): $(server_maintenance_between "$work/servers/pglog/postgres.log" \
    "$(value paced_started_unix_ms)" "$(($(value paced_started_unix_ms) - 5000))" "$(value paced_ended_unix_ms)")."
} | tee "$report"
echo
echo "Report written to $report"
