#!/usr/bin/env bash
# The .deb's own files work together: unpacked with dpkg -x into a temp
# root, its smart-run (finding its siblings next to itself) runs its
# 001_nginx_workers template, through its /usr/libexec/smart helpers,
# against a throwaway nginx, and leaves nginx.conf byte-identical.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
exp_need_smart_run
command -v cpack >/dev/null || skip "cpack is not installed"
command -v dpkg-deb >/dev/null || skip "dpkg-deb is not installed"

(cd "$SMART_BUILD_DIR" && cpack -G DEB -B "$TMP/pkg") >"$TMP/cpack.log" 2>&1 || { cat "$TMP/cpack.log" >&2; fail "cpack failed"; }
dpkg-deb -x "$TMP"/pkg/smart_*.deb "$TMP/root"
root=$TMP/root

exp_start_nginx
sed -i 's/^worker_processes 1;$/worker_processes 3;/' "$NGINX_CONF"
nginx_reload "$TMP/nginx"
cp -p "$NGINX_CONF" "$TMP/before"

# the template as an administrator would copy it, target_url pointed here
exp=$TMP/etc-smart/experiments/001_nginx_workers
exp_copy_for_test "$root/usr/share/smart/experiments/001_nginx_workers" "$exp" "$NGINX_URL" "$TMP/smart.conf"
[ -x "$exp/nginx.sh" ] || fail "nginx.sh lost its execute bit in the package"
jq '.measure_interval_sec = 0.05' "$exp/meta.json" >"$exp/m" && mv "$exp/m" "$exp/meta.json"
# the package's helpers and tools, not the checkout's
sed -i -e "s|^SMART_LIBEXEC_DIR=.*|SMART_LIBEXEC_DIR=$root/usr/libexec/smart|" \
  -e '/^SMART_BIN_DIR=/d' "$TMP/smart.conf"

expect_exit 0 env PATH=/usr/bin:/bin "$root/usr/bin/smart-run" --config "$TMP/smart.conf" --json --advise \
  --variant-seconds 1s --block-seconds 0.5s 001_nginx_workers
expect_eq "$(jq -r .kept_variant "$TMP/out")" none
expect_eq "$(jq -r '[.variants[].outcome] | length' "$TMP/out")" 3
run_dir=$(ls -d "$TMP"/base/var/runs/*/)
# (the copy has no checkout next to it, so nginx.sh could only find the
# package's helpers, through SMART_LIBEXEC_DIR)
grep -rqs "restored to 3" "$run_dir" || fail "no revert restored 3 (logs in $run_dir)"
expect_eq "$(cat "$run_dir/nginx.worker_processes.orig")" "present 3"
cmp "$NGINX_CONF" "$TMP/before" || fail "nginx.conf not byte-identical after the packaged run"
