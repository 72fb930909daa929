# Passive measurement tests: a real nginx on loopback serving a small site,
# logging with the format smart ships, smart-measure's load mode as its
# users, and an experiment judged from nginx's access log. Sourced after
# common.sh, measure.sh and experiment.sh.
#
#   passive_site                  starts nginx in $TMP/nginx (stopped at exit)
#                                 serving /small.html (1 KB), /page.html
#                                 (20 KB), /big.html (200 KB) and /slow, an
#                                 application (test/lib/slow_http.py) taking
#                                 100 ms, logging to $PASSIVE_LOG in the smart
#                                 format. /slow's proxy_pass lives in
#                                 $TMP/nginx/slow.conf: $PASSIVE_SLOW, or
#                                 $PASSIVE_FAST without the delay.
#   passive_experiment ID APPLY   writes $TMP/exp/ID/meta.json: one variant
#                                 "v" whose apply is the shell command APPLY
#                                 (run in the experiment directory; reload.sh
#                                 there reloads the test nginx), revert puts
#                                 the delay back; measured passively from
#                                 $PASSIVE_LOG. Writes $TMP/smart.conf.
#   passive_users SECONDS RATE URL_PATH...
#                                 one smart-measure --rate RATE a path, in the
#                                 background for at most SECONDS (killed at
#                                 exit)
#   passive_slow_conf             what slow.conf says now

passive_site() {
  local dir=$TMP/nginx
  mkdir -p "$dir/html"
  head -c 1024 /dev/zero | tr '\0' a >"$dir/html/small.html"
  head -c 20480 /dev/zero | tr '\0' b >"$dir/html/page.html"
  head -c 204800 /dev/zero | tr '\0' c >"$dir/html/big.html"
  # The application behind /slow: 100 ms a request at first.
  slow_server_start
  PASSIVE_SLOW="proxy_pass http://127.0.0.1:$SLOW_PORT/sleep/0.1;"
  PASSIVE_FAST="proxy_pass http://127.0.0.1:$SLOW_PORT/;"
  echo "$PASSIVE_SLOW" >"$dir/slow.conf"
  PASSIVE_LOG=$dir/access.log
  exp_start_nginx "access_log $PASSIVE_LOG combined; location = /slow { include $dir/slow.conf; }"
  # The shipped format must come before its use: restart with it included.
  sed -i "s|^http {|http { include $SMART_SOURCE_DIR/packaging/nginx/smart-log-format.conf;|; s|access.log combined|access.log smart|" \
    "$NGINX_CONF"
  nginx_stop "$dir"
  "$(nginx_bin)" -p "$dir" -c "$NGINX_CONF" -e "$dir/error.log"
  wait_for curl -fsS -o /dev/null "http://127.0.0.1:$NGINX_PORT/slow"
}

passive_slow_conf() { cat "$TMP/nginx/slow.conf"; }

passive_experiment() {
  local id=$1 apply=$2 dir=$TMP/exp/$1 nginx_dir=$TMP/nginx
  mkdir -p "$dir"
  cat >"$dir/reload.sh" <<SH
#!/bin/sh
# Reloads the test nginx and waits (at most 10 s) until its old workers are
# gone, so every request from here on meets the new configuration.
master=\$(cat "$nginx_dir/nginx.pid")
old=\$(pgrep -P "\$master")
"$(nginx_bin)" -p "$nginx_dir" -c "$NGINX_CONF" -e "$nginx_dir/error.log" -s reload || exit 1
i=0
while [ "\$i" -lt 200 ]; do
  left=0
  for pid in \$old; do kill -0 "\$pid" 2>/dev/null && left=1; done
  [ "\$left" = 0 ] && pgrep -P "\$master" >/dev/null && exit 0
  sleep 0.05
  i=\$((i + 1))
done
echo "reload.sh: the old nginx workers did not exit" >&2
exit 1
SH
  jq -n --arg id "$id" --arg apply "$apply" --arg log "$PASSIVE_LOG" --arg slow "$nginx_dir/slow.conf" --arg back "$PASSIVE_SLOW" '{
    id: $id,
    description: "passive test experiment",
    variants: [{name: "v", apply: $apply}],
    revert: ("echo " + ($back | @sh) + " > " + $slow + " && sh reload.sh"),
    measure: {source: "access_log", file: $log, log_format: "smart",
              warmup_seconds: 1, min_rate: 5, settle_seconds: 0.5},
    design: "interleaved",
    cooldown_seconds: 0,
    timeout_seconds: 20
  }' >"$dir/meta.json"
  cat >"$TMP/smart.conf" <<CONF
BASE_DIR=$TMP/base
EXPERIMENTS_DIR=$TMP/exp
SMART_BIN_DIR=$SMART_BUILD_DIR/tools
RETAIN_DAYS=0
CONF
}

passive_users() {
  local seconds=$1 rate=$2 path pid
  shift 2
  for path in "$@"; do
    smart-measure --url "http://127.0.0.1:$NGINX_PORT$path" --rate "$rate" --concurrency 8 \
      --duration "${seconds}s" -o /dev/null 2>/dev/null &
    pid=$!
    on_exit "kill $pid 2>/dev/null"
  done
}
