# Sourced by the benchmark scripts that measure commit latency on PostgreSQL (orders.sh, messaging.sh).
#
# With the kernel's defaults, background writeback starts only when 10 % of memory is dirty, so on this 2-core,
# 23 GiB machine the data PostgreSQL writes (pages backends and the background writer evict, relation extensions)
# piles up in the page cache and goes out when it turns 30 seconds old: 100-170 MB at once, every 30 seconds,
# with 80+ writes in flight. Every commit's WAL flush waits behind that burst, for 50-150 ms
# (benchmarks/results/orders-2026-11-29.md, "Twelfth session"). A PostgreSQL host is normally set up with a small
# `vm.dirty_background_bytes` for exactly this; the benchmarks set one for their run, so that what they measure
# is the platform, and put the value in their report. DIRTY_BACKGROUND_BYTES=0 keeps the machine's own setting.
# Needs root; without it the setting is left alone and the report says so.

writeback_setting="kernel default"

limit_dirty_writeback() {
  local bytes=${DIRTY_BACKGROUND_BYTES:-16777216}
  saved_dirty_background_ratio=""
  if [ "$bytes" = 0 ] || [ "$(id -u)" -ne 0 ]; then
    writeback_setting="vm.dirty_background_ratio=$(sysctl -n vm.dirty_background_ratio), vm.dirty_background_bytes=$(sysctl -n vm.dirty_background_bytes) (left as found)"
    return 0
  fi
  saved_dirty_background_ratio=$(sysctl -n vm.dirty_background_ratio)
  saved_dirty_background_bytes=$(sysctl -n vm.dirty_background_bytes)
  sysctl -qw vm.dirty_background_bytes="$bytes"
  writeback_setting="vm.dirty_background_bytes=$bytes for this run"
}

# Writing one of the pair zeroes the other, so the one that was in use is written back.
restore_dirty_writeback() {
  [ -n "${saved_dirty_background_ratio:-}" ] || return 0
  if [ "$saved_dirty_background_bytes" != 0 ]; then
    sysctl -qw vm.dirty_background_bytes="$saved_dirty_background_bytes"
  else
    sysctl -qw vm.dirty_background_ratio="$saved_dirty_background_ratio"
  fi
  saved_dirty_background_ratio=""
}
