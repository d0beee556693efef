#!/usr/bin/env bash
# Runs a local PostgreSQL for the AppHost (local infrastructure mode):
#   run-postgres.sh DATA_DIR PORT DATABASE...
# Initialises DATA_DIR on first use, creates any missing DATABASE on a socket-only server (so the TCP
# port opens only once every database exists), then serves on 127.0.0.1:PORT until told to stop.
set -euo pipefail

data_dir=$1
port=$2
shift 2
databases=("$@")
bin=${POSTGRES_BIN_DIR:?POSTGRES_BIN_DIR must name the folder holding postgres and initdb}

# PostgreSQL refuses to run as root: as root, run every server command as the 'postgres' user.
if [ "$(id -u)" -eq 0 ]; then
  owner=(setpriv --reuid=postgres --regid=postgres --init-groups)
else
  owner=()
fi
as_owner() { "${owner[@]}" "$@"; }

mkdir -p "$data_dir"
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$data_dir"
chmod 700 "$data_dir"

if [ ! -s "$data_dir/PG_VERSION" ]; then
  echo "Initialising a new PostgreSQL data directory in $data_dir"
  as_owner "$bin/initdb" -D "$data_dir" -U postgres --auth=trust --encoding=UTF8 --no-locale >/dev/null
fi

socket_dir=$(mktemp -d /tmp/distribution-aspire-pg.XXXXXX)
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$socket_dir"
cleanup() { rm -rf "$socket_dir"; }
trap cleanup EXIT

# A server left behind by a run that was killed outright still holds the data directory.
if [ -f "$data_dir/postmaster.pid" ]; then
  echo "Stopping a PostgreSQL server left over from an earlier run"
  as_owner "$bin/pg_ctl" -D "$data_dir" stop -m fast -w >/dev/null 2>&1 || rm -f "$data_dir/postmaster.pid"
fi

as_owner "$bin/pg_ctl" -D "$data_dir" -w -s -l "$data_dir/setup.log" \
  -o "-c listen_addresses='' -c unix_socket_directories='$socket_dir'" start
for db in "${databases[@]}"; do
  exists=$(as_owner "$bin/psql" -h "$socket_dir" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")
  if [ "$exists" != "1" ]; then
    as_owner "$bin/psql" -h "$socket_dir" -U postgres -d postgres -q -c "CREATE DATABASE \"$db\""
    echo "Created database $db"
  fi
done
as_owner "$bin/pg_ctl" -D "$data_dir" -w -s stop -m fast

# The server runs in a session of its own (pg_ctl start detaches it), outside this script's process tree. To stop
# a resource, DCP first lists the whole process tree under it, and with a hundred-odd backends on a loaded machine
# that listing took 13 of the ~15 s DCP allows a stop, so restarting postgres from the dashboard failed under load
# (benchmarks/results/faults-2026-11-30.md). The tree is now this script, its pipe reader below and a sleep.
# pg_ctl sends the server's log to this script's output, where DCP collects it for the dashboard.
as_owner "$bin/pg_ctl" -D "$data_dir" -w -t 300 -s \
  -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$socket_dir -c max_connections=300 -c shared_buffers=256MB" \
  start
server=$(head -n 1 "$data_dir/postmaster.pid")

# Killed outright, this script cannot stop the server. The reader of this pipe can: the kernel closes the script's end
# however it dies, and unless the script said "done" first, the reader stops the server. (A watcher told by a
# parent-death signal could miss a kill that came before it had set its trap.)
exec {keepalive}> >(if ! read -r word || [ "$word" != done ]; then
  kill -INT "$server" 2>/dev/null
  # The server removes its socket as it stops; the folder goes after it, as the EXIT trap would have done.
  for _ in $(seq 600); do [ -e "$socket_dir/.s.PGSQL.$port" ] || break; sleep 0.1; done
  rm -rf "$socket_dir"
fi)

# kill -0 also succeeds for a zombie, and whoever inherits the detached server may reap it late.
server_running() {
  local key value
  while read -r key value _; do
    if [ "$key" = "State:" ]; then
      [ "$value" != Z ] && [ "$value" != X ]
      return
    fi
  done 2>/dev/null <"/proc/$server/status"
}

# SIGTERM means "smart" shutdown to postgres (wait for every client to leave), so a stop request is forwarded as
# SIGINT ("fast"). A stop that was asked for ends with status 0; a server that ended by itself, with 1.
stopping=false
trap 'stopping=true; kill -INT "$server" 2>/dev/null || true' TERM INT
echo "PostgreSQL serving on 127.0.0.1:$port (data in $data_dir)"
while server_running; do
  if $stopping; then sleep 0.1 {keepalive}>&-; else sleep 2 {keepalive}>&- & wait $! || true; fi
done
trap '' PIPE
echo done >&"$keepalive" 2>/dev/null || true
if $stopping; then
  echo "PostgreSQL stopped"
  exit 0
fi
echo "PostgreSQL ended without being asked to stop; its log is above" >&2
exit 1
