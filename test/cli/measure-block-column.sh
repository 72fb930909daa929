#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# --block N adds a block column = N to the header and every row.

port=$(free_port)
expect_exit 0 smart-measure --url "tcp://127.0.0.1:$port" --count 3 --interval 1ms --block 7
expect_eq "$(head -1 "$TMP/out")" "timestamp,latency_ms,response_code,error,block"
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f5 | sort -u)" "7"
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "0,connect"
