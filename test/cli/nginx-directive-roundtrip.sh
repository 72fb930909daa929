#!/usr/bin/env bash
# packaging/nginx-directive changes exactly one value and nothing else: set
# then set-back, and insert then unset, leave the file byte-identical,
# whatever its comments, quotes, CRLF lines or missing final newline.
. "$(dirname "$0")/../lib/common.sh"
D=$SMART_SOURCE_DIR/packaging/nginx-directive

conf=$TMP/nginx.conf
printf '%s\n' \
  '# worker_processes 9; (a comment, not the directive)' \
  'user www-data;' \
  'worker_processes   3 ;  # three' \
  'events {' \
  '	worker_connections 768;' \
  '}' \
  'http {' \
  '	log_format x "worker_processes 7; keepalive_timeout 8; {";' \
  "	add_header X-A 'a;b}';" \
  '	keepalive_timeout 65 60;   # default' \
  '	server { keepalive_timeout 5; location / { return 200 "a;b{"; } }' \
  '}' >"$conf"
chmod 640 "$conf"
cp -p "$conf" "$TMP/orig"

expect_exit 0 "$D" get "$conf" main worker_processes
expect_eq "$(cat "$TMP/out")" 3
expect_exit 0 "$D" get "$conf" http keepalive_timeout
expect_eq "$(cat "$TMP/out")" "65 60"
expect_exit 1 "$D" get "$conf" main keepalive_timeout
expect_exit 1 "$D" get "$conf" http gzip

expect_exit 0 "$D" set "$conf" main worker_processes auto
expect_exit 0 "$D" set "$conf" http keepalive_timeout 0
expect_exit 0 "$D" get "$conf" main worker_processes
expect_eq "$(cat "$TMP/out")" auto
grep -qxF 'worker_processes   auto ;  # three' "$conf" || fail "set did not keep the spacing and comment: $(cat "$conf")"
grep -qF 'keepalive_timeout 5;' "$conf" || fail "the server-level keepalive_timeout was touched"
expect_eq "$(stat -c %a "$conf")" 640 "mode kept"
expect_exit 0 "$D" set "$conf" main worker_processes 3
expect_exit 0 "$D" set "$conf" http keepalive_timeout "65 60"
cmp "$conf" "$TMP/orig" || fail "set + set back is not byte-identical"

# absent -> inserted -> removed
expect_exit 0 "$D" set "$conf" http gzip on
expect_exit 0 "$D" set "$conf" main worker_rlimit_nofile 4096
expect_exit 0 "$D" get "$conf" http gzip
expect_eq "$(cat "$TMP/out")" on
sed -n 9p "$conf" | grep -qxF '	gzip on;' || fail "gzip not inserted at the top of http with its indentation: $(cat "$conf")"
expect_exit 0 "$D" unset "$conf" http gzip
expect_exit 0 "$D" unset "$conf" main worker_rlimit_nofile
cmp "$conf" "$TMP/orig" || fail "insert + unset is not byte-identical"

# CRLF lines and no final newline
printf 'worker_processes 2;\r\nhttp {\r\n  keepalive_timeout 0;\r\n}' >"$conf"
cp "$conf" "$TMP/orig"
expect_exit 0 "$D" set "$conf" main worker_processes 4
expect_exit 0 "$D" set "$conf" http keepalive_timeout 65
expect_exit 0 "$D" set "$conf" http sendfile on
expect_exit 0 "$D" get "$conf" http keepalive_timeout
expect_eq "$(cat "$TMP/out")" 65
expect_exit 0 "$D" unset "$conf" http sendfile
expect_exit 0 "$D" set "$conf" http keepalive_timeout 0
expect_exit 0 "$D" set "$conf" main worker_processes 2
cmp "$conf" "$TMP/orig" || fail "CRLF file without final newline not restored byte-identically"

# a symlink is followed, not replaced
printf 'worker_processes 1;\n' >"$TMP/real.conf"
ln -s real.conf "$TMP/link.conf"
expect_exit 0 "$D" set "$TMP/link.conf" main worker_processes 2
[ -L "$TMP/link.conf" ] || fail "the symlink was replaced by a file"
expect_eq "$(cat "$TMP/real.conf")" "worker_processes 2;"
# no temp files left behind
expect_eq "$(find "$TMP" -name '.*smart*' | wc -l)" 0 "temp files left"

# Debian 12's own nginx.conf (commented-out blocks with braces, includes)
cp "$SMART_SOURCE_DIR/test/fixtures/nginx/debian-12-nginx.conf" "$TMP/debian.conf"
expect_exit 0 "$D" get "$TMP/debian.conf" main worker_processes
expect_eq "$(cat "$TMP/out")" auto
expect_exit 0 "$D" get "$TMP/debian.conf" http sendfile
expect_eq "$(cat "$TMP/out")" on
expect_exit 1 "$D" get "$TMP/debian.conf" http keepalive_timeout   # nginx's default (75s) applies
expect_exit 1 "$D" get "$TMP/debian.conf" http multi_accept        # only in a comment
expect_exit 1 "$D" get "$TMP/debian.conf" main server              # only in a commented-out block
for step in "set main worker_processes 2" "set http keepalive_timeout 65" "set http sendfile off" \
  "set main worker_processes auto" "unset http keepalive_timeout" "set http sendfile on"; do
  # shellcheck disable=SC2086 # the words of step are the arguments
  expect_exit 0 "$D" ${step%% *} "$TMP/debian.conf" ${step#* }
done
cmp "$TMP/debian.conf" "$SMART_SOURCE_DIR/test/fixtures/nginx/debian-12-nginx.conf" || fail "Debian's nginx.conf not restored byte-identically"
