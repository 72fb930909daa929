#!/usr/bin/env bash
# timers/smart-heartbeat.{service,timer} pass `systemd-analyze verify`
# without a warning, run `smart-phone --heartbeat` every few minutes and
# take a failed delivery (75) as no failure.
. "$(dirname "$0")/../lib/common.sh"
command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed"

mkdir -p "$TMP/units" "$TMP/bin"
printf '#!/bin/sh\nexit 0\n' >"$TMP/bin/smart-phone"
chmod +x "$TMP/bin/smart-phone"
sed "s|^ExecStart=/usr/bin/smart-phone |ExecStart=$TMP/bin/smart-phone |" \
  "$SMART_SOURCE_DIR/timers/smart-heartbeat.service" >"$TMP/units/smart-heartbeat.service"
cp "$SMART_SOURCE_DIR/timers/smart-heartbeat.timer" "$TMP/units/"
expect_in "$TMP/units/smart-heartbeat.service" "ExecStart=$TMP/bin/smart-phone --heartbeat"
expect_exit 0 systemd-analyze verify --man=no "$TMP/units/smart-heartbeat.service" \
  "$TMP/units/smart-heartbeat.timer"
[ ! -s "$TMP/err" ] || { _show; fail "systemd-analyze verify warned"; }

svc=$SMART_SOURCE_DIR/timers/smart-heartbeat.service
for line in User=smart 'ExecStart=/usr/bin/smart-phone --heartbeat' SuccessExitStatus=75 \
  Environment=SMART_CONF=/etc/smart/smart.conf; do
  grep -qxF -- "$line" "$svc" || fail "smart-heartbeat.service lacks $line"
done
grep -qxF OnUnitActiveSec=5min "$SMART_SOURCE_DIR/timers/smart-heartbeat.timer" || fail "not every 5 minutes"
grep -q 'smart-heartbeat.timer' "$SMART_SOURCE_DIR/packaging/install.cmake" || fail "the package does not ship it"
