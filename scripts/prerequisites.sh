# Sourced by run.sh and test.sh: installs what a fresh Debian machine lacks (as root), else says how.

need_packages=()

have_postgres_server() {
  command -v postgres >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1
}

# ensure_prerequisites [tests]: with "tests", also what only the test suite needs (Debian's chromium, which the
# operations console's browser tests drive headless through Playwright; no browser is downloaded).
ensure_prerequisites() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "The .NET 10 SDK is required (dotnet was not found on PATH): https://dot.net/download" >&2
    exit 1
  fi
  have_postgres_server || need_packages+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || need_packages+=(redis-server)
  command -v setpriv >/dev/null 2>&1 || need_packages+=(util-linux)
  if [ "${1:-}" = "tests" ]; then
    [ -x /usr/bin/chromium ] || need_packages+=(chromium)
  fi

  if [ ${#need_packages[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "Missing Debian packages: ${need_packages[*]}. Install them with: sudo apt-get install -y ${need_packages[*]}" >&2
      exit 1
    fi
    echo "Installing ${need_packages[*]} ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_packages[@]}" >/dev/null
  fi
}
