# A throwaway Redis on 127.0.0.1: its own config, data and pid in a
# directory of ours, never the machine's. Sourced after common.sh.
#
#   redis_need                 fails unless redis-server and redis-cli are installed
#                              (packaging/install-deps.sh --tests installs them)
#   redis_start DIR [LINES]    writes DIR/redis.conf (appendonly yes, appendfsync
#                              always, plus LINES), starts redis-server, waits for
#                              PING; sets and exports REDIS_HOST REDIS_PORT
#                              REDIS_CONF; stopped at exit
#   redis_stop DIR             stops it by pid
redis_need() {
  command -v redis-server >/dev/null || fail "redis-server is not installed (packaging/install-deps.sh --tests)"
  command -v redis-cli >/dev/null || fail "redis-cli is not installed (packaging/install-deps.sh --tests)"
}

redis_start() {
  local dir=$1 lines=${2:-}
  mkdir -p "$dir"
  REDIS_PORT=$(free_port)
  REDIS_HOST=127.0.0.1
  REDIS_CONF=$dir/redis.conf
  export REDIS_HOST REDIS_PORT REDIS_CONF
  cat >"$REDIS_CONF" <<CONF
bind 127.0.0.1
port $REDIS_PORT
dir $dir
pidfile $dir/redis.pid
logfile $dir/redis.log
daemonize yes
save ""
appendonly yes
appendfsync always
hz 10
$lines
CONF
  redis-server "$REDIS_CONF" || fail "redis-server did not start; see $dir/redis.log"
  on_exit redis_stop "$dir"
  local i
  for i in $(seq 1 200); do
    [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" PING 2>/dev/null)" = PONG ] && return 0
    sleep 0.05
  done
  fail "redis did not answer on 127.0.0.1:$REDIS_PORT; see $dir/redis.log"
}

redis_stop() {
  local dir=$1 pid i
  [ -f "$dir/redis.pid" ] || return 0
  pid=$(cat "$dir/redis.pid" 2>/dev/null) || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null || true
}
