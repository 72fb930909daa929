# Shipped experiments in tests and demos: a copy of an experiment pointed at
# the throwaway nginx of nginx.sh (start it first with nginx_start).
# Sourced after common.sh.
#
#   exp_nginx_env                 exports NGINX_CONF NGINX_TEST NGINX_RELOAD
#                                 SMART_LIBEXEC_DIR for the nginx of nginx_start
#   exp_copy_for_test SRC DEST URL CONF
#                                 copies the experiment directory SRC to DEST,
#                                 sets its target_url to URL (jq), and writes a
#                                 smart.conf CONF for it: BASE_DIR under $TMP,
#                                 EXPERIMENTS_DIR the parent of DEST, the nginx
#                                 keys of exp_nginx_env, SMART_BIN_DIR the build

# exp_need_nginx                skips the test unless nginx and jq are installed
# exp_start_nginx [DIRECTIVES]  nginx_start in $TMP/nginx, stopped at exit
# exp_nginx_keepalive_off       keepalive_timeout 65 -> 0 in the test nginx
#                               (002's starting point), reloaded
exp_need_nginx() {
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || skip "nginx is not installed"
  command -v jq >/dev/null || skip "jq is not installed"
}

# exp_start_nginx_https         exp_start_nginx, also answering https on a
#                               second port (a self-signed certificate):
#                               sets NGINX_HTTPS_URL and TLS_CACERT. Use it
#                               when a test needs keep-alive to matter: over
#                               plain loopback http a connect costs ~0.02 ms,
#                               a few percent of a request; a TLS handshake
#                               costs milliseconds.
# exp_conf_trust_tls CONF       lets smart-run's measurements verify that
#                               certificate (MEASURE_CA_FILE in CONF)
exp_start_nginx_https() {
  local port
  port=$(free_port)
  mkdir -p "$TMP/nginx"
  nginx_tls_directives "$TMP/nginx" "$port"
  exp_start_nginx "$TLS_DIRECTIVES"
  NGINX_HTTPS_URL=https://127.0.0.1:$port/
}

exp_conf_trust_tls() {
  echo "MEASURE_CA_FILE=$TLS_CACERT" >>"$1"
}

exp_start_nginx() {
  mkdir -p "$TMP/nginx"
  on_exit nginx_stop "$TMP/nginx"
  nginx_start "$TMP/nginx" "${1:-}"
}

exp_nginx_keepalive_off() {
  sed -i 's/^\( *\)keepalive_timeout 65;$/\1keepalive_timeout 0;/' "$NGINX_CONF"
  nginx_reload "$(exp_nginx_dir)"
}

exp_nginx_dir() {
  [ -n "${NGINX_CONF:-}" ] || fail "exp: start nginx (nginx_start) first"
  dirname "$NGINX_CONF"
}

exp_nginx_env() {
  local dir bin
  dir=$(exp_nginx_dir)
  bin=$(nginx_bin)
  export NGINX_CONF="$dir/nginx.conf"
  export NGINX_TEST="$bin -t -q -p $dir -c $dir/nginx.conf -e $dir/error.log"
  export NGINX_RELOAD="$bin -p $dir -c $dir/nginx.conf -e $dir/error.log -s reload"
  export SMART_LIBEXEC_DIR="$SMART_SOURCE_DIR/packaging"
}

exp_copy_for_test() {
  local src=$1 dest=$2 url=$3 conf=$4
  [ -f "$src/meta.json" ] || fail "exp_copy_for_test: $src/meta.json: no such file"
  mkdir -p "$(dirname "$dest")"
  rm -rf "$dest"
  cp -R "$src" "$dest"
  jq --arg url "$url" '.target_url = $url' "$src/meta.json" >"$dest/meta.json"
  exp_nginx_env
  cat >"$conf" <<CONF
# smart.conf written by test/lib/experiment.sh for $(basename "$dest")
BASE_DIR=$TMP/base
EXPERIMENTS_DIR=$(dirname "$dest")
SMART_BIN_DIR=$SMART_BUILD_DIR/tools
NGINX_CONF=$NGINX_CONF
NGINX_TEST="$NGINX_TEST"
NGINX_RELOAD="$NGINX_RELOAD"
SMART_LIBEXEC_DIR=$SMART_LIBEXEC_DIR
CONF
}


# smart-run is built (skip the test otherwise)
exp_need_smart_run() {
  [ -x "$SMART_BUILD_DIR/tools/smart-run" ] || skip "smart-run is not built"
  exp_need_nginx
}

# exp_kill9_recovery ID CONF CHANGED SAME
#                               smart-run ID (smart.conf CONF) killed with
#                               SIGKILL once the shell function CHANGED says a
#                               variant is applied and pending.json exists;
#                               smart-run --recover finds pending.json and
#                               reverts, after which SAME must hold (the
#                               server as before the first run), and still
#                               after a whole next run (--advise).
exp_kill9_recovery() {
  local id=$1 conf=$2 changed=$3 same=$4 pid base
  base=$(sed -n 's/^BASE_DIR=//p' "$conf")
  smart-run --config "$conf" --variant-seconds 60s --block-seconds 1s "$id" \
    >"$TMP/kill9.$id.out" 2>"$TMP/kill9.$id.err" &
  pid=$!
  _exp_live_pid=$pid
  on_exit '[ -z "${_exp_live_pid:-}" ] || kill -KILL "$_exp_live_pid" 2>/dev/null'
  _exp_applied() { "$changed" && [ -f "$base/var/pending.json" ]; }
  wait_for _exp_applied
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  _exp_live_pid=
  "$changed" || fail "$id: nothing changed any more after the kill: the kill proves nothing"
  expect_exit 0 smart-run --config "$conf" --recover
  expect_in "$TMP/err" "found pending.json"
  [ ! -e "$base/var/pending.json" ] || fail "$id: pending.json still there"
  "$same" || fail "$id: not restored by smart-run --recover after the kill -9"
  expect_exit 0 smart-run --config "$conf" --advise --variant-seconds 1s --block-seconds 0.5s "$id"
  "$same" || fail "$id: not as before after the next run (--advise)"
}
