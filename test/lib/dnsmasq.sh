# dnsmasq as a DNS server of the test's own (sourced after common.sh): on
# 127.0.0.1, a UDP port of its own, no configuration file, no upstream, no
# /etc/hosts, in the foreground; stopped at exit.

# dnsmasq_start [ARG...]: starts it with ARGs added (--address=..., ...);
# sets DNS_PORT, DNS_PID and DNS_LOG (its query log).
dnsmasq_start() {
  local dnsmasq
  dnsmasq=$(PATH=$PATH:/usr/sbin:/sbin command -v dnsmasq) || fail "dnsmasq is missing (packaging/install-deps.sh --tests)"
  DNS_PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  DNS_LOG=$TMP/dnsmasq.log
  "$dnsmasq" --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
    --port="$DNS_PORT" --listen-address=127.0.0.1 --bind-interfaces --pid-file= --user="$(id -un)" \
    --log-queries --log-facility="$DNS_LOG" "$@" &
  DNS_PID=$!
  on_exit "kill -CONT $DNS_PID 2>/dev/null; kill $DNS_PID 2>/dev/null; wait $DNS_PID 2>/dev/null"
  wait_for grep -q "started, version" "$DNS_LOG"
  wait_for dnsmasq_listening
}

dnsmasq_listening() { ss -Hulpn "sport = :$DNS_PORT" | grep -q "pid=$DNS_PID,"; }

# dnsmasq_stop: ends it and waits until it is gone (its port then closed).
dnsmasq_stop() {
  kill -CONT "$DNS_PID" 2>/dev/null || true
  kill "$DNS_PID"
  wait "$DNS_PID" 2>/dev/null || true
}
