#!/usr/bin/env bash
# The nginx experiments 003-008 on a real nginx (https too), without
# smart-run: every variant applies, passes the config test and takes effect
# where a client can see it (gzip with Accept-Encoding: gzip, TLS session
# reuse, buffered access log); revert leaves nginx.conf byte-identical, and
# directives that were absent are removed again.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
exp_need_nginx
command -v openssl >/dev/null || skip "openssl is not installed"

exp_start_nginx_https
# a compressible page (gzip's default types include text/html)
python3 -c 'print("<p>smart tunes nginx</p>\n" * 400)' >"$TMP/nginx/html/page.html"
# an access log to buffer (the test nginx logs nothing by default)
sed -i "s|^\( *\)access_log off;\$|\1access_log $TMP/nginx/access.log;|" "$NGINX_CONF"
# no TLS session reuse to start with (nginx's default session tickets would
# resume sessions without any cache)
sed -i 's|^http {$|http {\n    ssl_session_tickets off;|' "$NGINX_CONF"
nginx_reload "$TMP/nginx"
page=${NGINX_URL}page.html
wait_for curl -fsS -o /dev/null "$page"
cp -p "$NGINX_CONF" "$TMP/before"

# run_variants ID: every variant of the experiment applied and reverted in a
# fresh run directory; after each revert the config is byte-identical
run_variants() {
  local id=$1 n i args
  exp_copy_for_test "$SMART_SOURCE_DIR/experiments/$id" "$TMP/exp/$id" "$NGINX_URL" "$TMP/smart.conf"
  n=$(jq '.variants | length' "$TMP/exp/$id/meta.json")
  jq -e '.risk | IN("none", "durability", "availability")' "$TMP/exp/$id/meta.json" >/dev/null || fail "$id: no risk class"
  for ((i = 1; i < n; i++)); do
    mapfile -t args < <(jq -r ".variants[$i].apply[]" "$TMP/exp/$id/meta.json")
    export SMART_RUN_DIR=$TMP/run/$id.$i
    mkdir -p "$SMART_RUN_DIR"
    (cd "$TMP/exp/$id" && expect_exit 0 "${args[@]}") || fail "$id variant $i did not apply"
    cmp -s "$NGINX_CONF" "$TMP/before" && fail "$id variant $i changed nothing"
    (cd "$TMP/exp/$id" && expect_exit 0 sh nginx.sh check) || fail "$id variant $i: config test"
    variant_effect "$id" "$i"
    (cd "$TMP/exp/$id" && expect_exit 0 sh nginx.sh revert) || fail "$id variant $i did not revert"
    cmp "$NGINX_CONF" "$TMP/before" || fail "$id variant $i: nginx.conf not byte-identical after revert"
  done
}

gzipped() { curl -fsS -D - -o /dev/null -H 'Accept-Encoding: gzip' "$page" | grep -qi '^content-encoding: gzip'; }
reused() {
  local hostport=${NGINX_HTTPS_URL#https://}
  openssl s_client -connect "${hostport%/}" -CAfile "$TLS_CACERT" -tls1_2 -reconnect </dev/null 2>/dev/null |
    grep -c '^Reused' | grep -qv '^0$'
}

variant_effect() {
  local id=$1 i=$2
  case "$id" in
    003*) expect_eq "$("$SMART_SOURCE_DIR/packaging/nginx-directive" get "$NGINX_CONF" events worker_connections)" 4096 ;;
    004*) wait_for gzipped ;;
    006*) grep -q "access_log $TMP/nginx/access.log combined buffer=64k flush=5s;" "$NGINX_CONF" || fail "no buffered access_log" ;;
    007*) wait_for reused ;;
  esac
  # every variant still answers
  curl -fsS -o /dev/null "$page" || fail "$id variant $i: nginx does not answer"
}

wait_for_not() { local i; for i in $(seq 1 100); do "$@" || return 0; sleep 0.05; done; fail "still: $*"; }
# The reload above is asynchronous: old workers (session tickets on) may
# serve a few more connections. Until the new ones answer, a check proves
# nothing; if gzip or reuse never goes away, the checks below prove nothing.
wait_for_not gzipped
wait_for_not reused
for id in 003_nginx_worker_connections 004_nginx_gzip 005_nginx_open_file_cache 006_nginx_access_log_buffer \
  007_nginx_ssl_session 008_nginx_sendfile; do
  run_variants "$id"
done
wait_for_not gzipped
wait_for_not reused

# the access log experiment refuses when there is no log to buffer; nothing changes
sed -i "s|^\( *\)access_log .*;\$|\1access_log off;|" "$NGINX_CONF"
cp -p "$NGINX_CONF" "$TMP/off"
export SMART_RUN_DIR=$TMP/run/off && mkdir -p "$SMART_RUN_DIR"
(cd "$TMP/exp/006_nginx_access_log_buffer" && expect_exit 2 sh nginx.sh buffer 64k 5s) || fail "buffered an access_log that is off"
expect_in "$TMP/err" "nothing to buffer"
cmp "$NGINX_CONF" "$TMP/off" || fail "changed after a refusal"
