#!/usr/bin/env bash
# dns://SERVER:PORT/NAME?type=T measures one UDP query per probe against a
# real dnsmasq: a name it answers is a success (200) with a latency, and the
# query really reached it; fewer answers than ?expect=N is too_small; a name it says does not exist is error nxdomain,
# a query it will not answer is refused; a stopped (SIGSTOP) server gives
# timeout rows, a server gone (port closed) connect rows. Bad URLs name the
# field, exit 2, and write nothing.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
. "$SMART_SOURCE_DIR/test/lib/dnsmasq.sh"
dnsmasq_start --address=/smart.test/127.0.0.1 --local=/nx.test/
url=dns://127.0.0.1:$DNS_PORT

expect_exit 0 smart-measure --url "$url/www.smart.test?type=A" --count 3 --interval 10ms -o "$TMP/a.csv"
expect_eq "$(head -1 "$TMP/a.csv")" "timestamp,latency_ms,response_code,error" "CSV header"
expect_eq "$(tail -n +2 "$TMP/a.csv" | cut -d, -f3,4 | sort -u)" "200,"
expect_eq "$(tail -n +2 "$TMP/a.csv" | awk -F, '$2 > 0' | wc -l)" 3 "rows with a latency"
expect_eq "$(grep -c 'query\[A\] www.smart.test from 127.0.0.1' "$DNS_LOG")" 3 "queries dnsmasq saw"
# ?expect=N: fewer answer records than N is too_small, the code kept
expect_exit 0 smart-measure --url "$url/www.smart.test?type=A&expect=1" --count 2 --interval 10ms
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "200,"
expect_exit 0 smart-measure --url "$url/www.smart.test?expect=2" --count 2 --interval 10ms
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "200,too_small"

expect_exit 0 smart-measure --url "$url/host.nx.test" --count 2 --interval 10ms
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "0,nxdomain"
expect_in "$TMP/err" "nxdomain 2"
# no upstream for other names: dnsmasq refuses them
expect_exit 0 smart-measure --url "$url/www.example.org?type=MX" --count 2 --interval 10ms
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "0,refused"

# smart-decide counts the new kinds as errors
expect_exit 0 smart-measure --url "$url/host.nx.test" --count 20 --interval 1ms -o "$TMP/nx.csv"
run smart-decide --json "$TMP/a.csv" "$TMP/nx.csv"
expect_in "$TMP/out" '"nxdomain":20'

kill -STOP "$DNS_PID"
expect_exit 0 smart-measure --url "$url/www.smart.test" --count 2 --interval 10ms --timeout 200ms
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "0,timeout"
dnsmasq_stop
expect_exit 0 smart-measure --url "$url/www.smart.test" --count 2 --interval 10ms --timeout 2s
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "0,connect"

# bad URLs: the field named, exit 2, no file written
expect_exit 2 smart-measure --url "dns://localhost:$DNS_PORT/x" --count 1 -o "$TMP/bad.csv"
expect_in "$TMP/err" "server 'localhost': an IP address"
expect_exit 2 smart-measure --url "$url/x?type=BOGUS" --count 1 -o "$TMP/bad.csv"
expect_in "$TMP/err" "type 'BOGUS'"
expect_exit 2 smart-measure --url "$url/" --count 1 -o "$TMP/bad.csv"
expect_in "$TMP/err" "no name"
expect_exit 2 smart-measure --url "$url/x" --count 1 --expect-body ok -o "$TMP/bad.csv"
expect_in "$TMP/err" "--expect-* options apply to http:// and https:// targets only"
expect_exit 2 smart-measure --url "$url/x" --concurrency 2 --duration 1s -o "$TMP/bad.csv"
expect_in "$TMP/err" "load mode needs an http:// or https:// target"
[ ! -e "$TMP/bad.csv" ] || fail "a bad URL wrote $TMP/bad.csv"
