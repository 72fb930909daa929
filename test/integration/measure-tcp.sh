#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# tcp://host:port measures the connect: 200 when it is accepted, a connect
# error when refused.

nginx_start "$TMP/nginx"
on_exit "nginx_stop '$TMP/nginx'"
expect_exit 0 smart-measure --url "tcp://127.0.0.1:$NGINX_PORT" --count 3 --interval 10ms --phases
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "200,"
nginx_stop "$TMP/nginx"
expect_exit 0 smart-measure --url "tcp://127.0.0.1:$NGINX_PORT" --count 2 --interval 10ms
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "0,connect"
