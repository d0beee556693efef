#!/usr/bin/env bash
# Ephemeral PostgreSQL and Redis for the test suite, on random loopback ports, data in a throwaway dir.
#   test-servers.sh start DIR   -> starts both, writes DIR/env (TEST_POSTGRES_CONNECTION, TEST_REDIS_CONNECTION; sourceable)
#   test-servers.sh stop DIR    -> stops both and removes DIR
# Used once per run by test.sh, or by the test fixture itself when those variables are not set.
set -euo pipefail

command=${1:?usage: test-servers.sh start|stop DIR}
dir=${2:?usage: test-servers.sh start|stop DIR}

find_pg_bin() {
  if [ -n "${POSTGRES_BIN_DIR:-}" ]; then echo "$POSTGRES_BIN_DIR"; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v initdb)")"; return; fi
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$newest" ] || { echo "PostgreSQL server binaries not found: apt-get install -y postgresql" >&2; exit 1; }
  echo "$newest"
}

# 10000-14999: below the kernel's range for outgoing connections' local ports, since a port there can be taken by a
# client socket between this check and the server's bind (redis-server once exited on "Address already in use"), and
# apart from FreePort's 20000-29999 (TestInfrastructure/FreePort.cs) and the tools' defaults (the dashboard's 18888).
free_port() {
  local port
  while :; do
    port=$(( (RANDOM % 5000) + 10000 ))
    listening "$port" || { echo "$port"; return; }
  done
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ "$(id -u)" -eq 0 ]; then owner=(setpriv --reuid=postgres --regid=postgres --init-groups); else owner=(); fi

case "$command" in
  start)
    bin=$(find_pg_bin)
    command -v redis-server >/dev/null || { echo "redis-server not found: apt-get install -y redis-server" >&2; exit 1; }
    mkdir -p "$dir/pg" "$dir/pglog" "$dir/redis"
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$dir/pg" "$dir/pglog"
    "${owner[@]}" "$bin/initdb" -D "$dir/pg" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$dir/pglog/initdb.log" 2>&1
    # Durability off for tests (they kill services, never this server, and speed matters);
    # DURABLE=1 keeps PostgreSQL's defaults, as benchmarks must.
    durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [ "${DURABLE:-0}" = 1 ] && durability=""
    # A port still taken by the time the server binds it means another port, not a failed run.
    for attempt in 1 2 3 4 5; do
      pg_port=$(free_port)
      "${owner[@]}" "$bin/pg_ctl" -D "$dir/pg" -w -s -l "$dir/pglog/postgres.log" \
        -o "-c listen_addresses=127.0.0.1 -p $pg_port -c unix_socket_directories='$dir/pg' -c max_connections=400 $durability" start && break
      [ "$attempt" -lt 5 ] || { echo "PostgreSQL did not start:" >&2; tail -n 20 "$dir/pglog/postgres.log" >&2; exit 1; }
    done
    for attempt in 1 2 3 4 5; do
      redis_port=$(free_port)
      redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
        --pidfile "$dir/redis/redis.pid" --logfile "$dir/redis/redis.log" --dir "$dir/redis"
      for _ in $(seq 1 50); do
        listening "$redis_port" && break 2
        sleep 0.1
      done
      [ "$attempt" -lt 5 ] || { echo "redis-server did not start:" >&2; tail -n 20 "$dir/redis/redis.log" >&2; exit 1; }
    done
    cat >"$dir/env" <<ENV
TEST_POSTGRES_CONNECTION='Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres'
TEST_REDIS_CONNECTION='127.0.0.1:$redis_port'
ENV
    echo "$bin" >"$dir/pg_bin"
    echo "$pg_port" >"$dir/pg_port"
    echo "$redis_port" >"$dir/redis_port"
    ;;
  stop)
    [ -d "$dir" ] || exit 0
    if [ -f "$dir/pg/postmaster.pid" ]; then
      "${owner[@]}" "$(cat "$dir/pg_bin")/pg_ctl" -D "$dir/pg" -w -s stop -m immediate || true
    fi
    if [ -f "$dir/redis/redis.pid" ]; then
      pid=$(cat "$dir/redis/redis.pid")
      kill "$pid" 2>/dev/null || true
      # redis-server still writes in its folder while it shuts down: removing it first races with that.
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -rf "$dir" || { sleep 0.5; rm -rf "$dir"; }
    ;;
  *)
    echo "usage: test-servers.sh start|stop DIR" >&2
    exit 2
    ;;
esac
