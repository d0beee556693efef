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

# SIGTERM means "smart" shutdown to postgres (wait for every client to leave), so a stop request is
# forwarded as SIGINT ("fast"); --pdeathsig stops postgres too if this script is killed outright.
setpriv --pdeathsig INT "${owner[@]:1}" "$bin/postgres" -D "$data_dir" \
  -c listen_addresses=127.0.0.1 -p "$port" -c unix_socket_directories="$socket_dir" \
  -c max_connections=300 -c shared_buffers=256MB &
server=$!
trap 'kill -INT "$server" 2>/dev/null || true' TERM INT
echo "PostgreSQL serving on 127.0.0.1:$port (data in $data_dir)"
status=0
while kill -0 "$server" 2>/dev/null; do
  wait "$server" || status=$?
done
exit "$status"
