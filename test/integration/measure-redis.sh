#!/usr/bin/env bash
# redis://host:port/COMMAND/ARG... measures a command against a real
# redis-server over RESP: PING and GET of a key are successes (200); a
# command Redis answers with an error is error "other"; a Redis that is down
# is a connect error. Same samples CSV as http probes.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/redis.sh"
redis_need
redis_start "$TMP/redis"
redis-cli -p "$REDIS_PORT" SET greeting "$(head -c 3000 /dev/zero | tr '\0' x)" >/dev/null
expect_exit 0 smart-measure --url "redis://127.0.0.1:$REDIS_PORT" --count 3 --interval 10ms
expect_eq "$(head -1 "$TMP/out")" "$(smart-measure --url "tcp://127.0.0.1:$REDIS_PORT" --count 1 | head -1)" "CSV header"
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "200,"
expect_exit 0 smart-measure --url "redis://127.0.0.1:$REDIS_PORT/GET/greeting" --count 3 --interval 10ms
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "200,"
# the command really ran: Redis counted three GETs
expect_eq "$(redis-cli -p "$REDIS_PORT" INFO commandstats | grep -c '^cmdstat_get:calls=3,')" 1 "GET calls"
expect_exit 0 smart-measure --url "redis://127.0.0.1:$REDIS_PORT/NOSUCHCOMMAND" --count 2 --interval 10ms
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "0,other"
expect_exit 2 smart-measure --url "redis://127.0.0.1:$REDIS_PORT" --concurrency 2 --duration 1s
expect_in "$TMP/err" "load mode needs an http:// or https:// target"
redis_stop "$TMP/redis"
expect_exit 0 smart-measure --url "redis://127.0.0.1:$REDIS_PORT" --count 2 --interval 10ms
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "0,connect"
