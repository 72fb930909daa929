#!/usr/bin/env bash
# A configuration file that exists but cannot be read is a usage error
# (exit 2) naming the file, for every tool; nothing is done.
. "$(dirname "$0")/../lib/common.sh"

printf 'IMPROVE_PCT=5\n' >"$TMP/smart.conf"
chmod 000 "$TMP/smart.conf"
as_user=()
if [ "$(id -u)" -eq 0 ]; then
  # root reads any file: run the tools as nobody.
  command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  chmod 755 "$TMP"
  "${as_user[@]}" test -x "$SMART_BUILD_DIR/tools/smart-decide" || skip "nobody cannot run the build's tools"
fi
printf 'timestamp,latency_ms,response_code\n' >"$TMP/a.csv"
chmod 644 "$TMP/a.csv"
for tool in smart-run smart-measure smart-decide smart-dashboard smart-phone; do
  case $tool in
    smart-run) args=(--show-config) ;;
    smart-measure) args=(--url http://127.0.0.1:9/ --count 1) ;;
    smart-decide) args=("$TMP/a.csv" "$TMP/a.csv") ;;
    *) args=() ;;
  esac
  expect_exit 2 "${as_user[@]}" "$SMART_BUILD_DIR/tools/$tool" --config "$TMP/smart.conf" "${args[@]}"
  expect_in "$TMP/err" "$tool: error: failed to read $TMP/smart.conf: Permission denied"
done
