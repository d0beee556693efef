# Sourced by the benchmark scripts. `free_port NAME` sets the variable NAME to a loopback port nobody listens on and
# this script has not handed out already: from 15000-17999, below the kernel's range for outgoing connections' local
# ports (one of those can take a port between this check and the service's bind) and apart from the test servers'
# 10000-14999 (tests/TestInfrastructure/test-servers.sh) and FreePort's 20000-29999.
handed_out=" "
free_port() {
  local port
  while :; do
    port=$(( (RANDOM % 3000) + 15000 ))
    [[ $handed_out == *" $port "* ]] && continue
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    handed_out+="$port "
    printf -v "$1" '%s' "$port"
    return
  done
}
