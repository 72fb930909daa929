# Helpers for the smart-measure tests (sourced after common.sh).

# slow_server_start: a threaded loopback server answering /sleep/SECONDS
# slowly (test/lib/slow_http.py); sets SLOW_PORT, stopped at exit.
slow_server_start() {
  python3 "$SMART_SOURCE_DIR/test/lib/slow_http.py" "$TMP/slow.port" &
  SLOW_PID=$!
  on_exit "kill $SLOW_PID 2>/dev/null"
  local i
  for i in $(seq 1 200); do
    [ -s "$TMP/slow.port" ] && break
    sleep 0.05
  done
  [ -s "$TMP/slow.port" ] || fail "slow server did not start"
  SLOW_PORT=$(cat "$TMP/slow.port")
}

# data_rows FILE: the number of rows after the header.
data_rows() { if [ -f "$1" ]; then tail -n +2 "$1" | grep -c . || true; else echo 0; fi; }
# rows_at_least FILE N: for wait_for.
rows_at_least() { [ "$(data_rows "$1")" -ge "$2" ]; }

# column_values FILE N: the distinct values of column N (1-based) with counts.
column_values() { tail -n +2 "$1" | cut -d, -f"$2" | sort | uniq -c; }

# summary_count: the "N samples" figure from smart-measure's stderr ($TMP/err).
summary_count() { sed -n 's/.*smart-measure: \(interrupted by [^;]*; \)\{0,1\}\([0-9]*\) samples.*/\2/p' "${1:-$TMP/err}" | tail -1; }

# tls_nginx_start: nginx serving HTTPS on a port of its own with a
# self-signed certificate for 127.0.0.1 (nginx_tls_directives: TLS_CACERT is
# the CA to trust); sets TLS_URL, stopped at exit. Skips without openssl.
# An argument: more server directives (nginx_start's second argument).
tls_nginx_start() {
  local tls_port
  tls_port=$(free_port)
  mkdir -p "$TMP/nginx"
  nginx_tls_directives "$TMP/nginx" "$tls_port"
  nginx_start "$TMP/nginx" "$TLS_DIRECTIVES ${1:-}"
  on_exit "nginx_stop '$TMP/nginx'"
  TLS_URL="https://127.0.0.1:$tls_port/"
}
