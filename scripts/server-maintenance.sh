# Sourced by the benchmark scripts that report latency at a fixed rate (orders.sh, messaging.sh).
#
# A slow stretch in a paced phase is easier to explain beside what PostgreSQL did at the time: a checkpoint, or
# autovacuum catching up after the flat-out phase before it. `log_server_maintenance` makes the benchmark's own server
# log both with their times; `server_maintenance_between` lists those in a window, timed from an origin. Autovacuum
# and checkpoints are logged when they end.

log_server_maintenance() { # psql command (array expanded by the caller)
  # The log's times in UTC, whatever the machine's zone, so server_maintenance_between can read them.
  "$@" -c "ALTER SYSTEM SET log_timezone = 'UTC'" -c "ALTER SYSTEM SET log_checkpoints = on" \
    -c "ALTER SYSTEM SET log_autovacuum_min_duration = 0" -c "SELECT pg_reload_conf()" >/dev/null
}

server_maintenance_between() { # server log, origin, window start, window end (Unix ms) -> "x at +1.2 s; ..." (from the origin)
  python3 - "$@" <<'PY'
import re, sys
from datetime import datetime, timezone
log, origin, start, end = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
events = []
for line in open(log, errors="replace"):
    match = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) UTC \[\d+\] LOG:  (checkpoint (?:starting|complete)|automatic (?:vacuum|analyze) of table \"[^\"]+\")", line)
    if match:
        at = datetime.strptime(match[1], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=timezone.utc).timestamp() * 1000
        if start <= at <= end:
            events.append(f"{match[2]} at {(at - origin) / 1000:+.1f} s")
print("; ".join(events) if events else "no checkpoint or autovacuum")
PY
}
