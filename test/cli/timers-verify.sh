#!/usr/bin/env bash
# timers/smart-run.{service,timer} pass `systemd-analyze verify` without a
# single warning (ExecStart pointed at a stand-in, since smart-run is not
# installed here), and the settings the product relies on are there.
. "$(dirname "$0")/../lib/common.sh"
command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed"

mkdir -p "$TMP/units" "$TMP/bin"
printf '#!/bin/sh\nexit 0\n' >"$TMP/bin/smart-run"
chmod +x "$TMP/bin/smart-run"
sed "s|^ExecStart=/usr/bin/smart-run |ExecStart=$TMP/bin/smart-run |" \
  "$SMART_SOURCE_DIR/timers/smart-run.service" >"$TMP/units/smart-run.service"
cp "$SMART_SOURCE_DIR/timers/smart-run.timer" "$TMP/units/"
expect_in "$TMP/units/smart-run.service" "ExecStart=$TMP/bin/smart-run --next"

expect_exit 0 systemd-analyze verify --man=no "$TMP/units/smart-run.service" "$TMP/units/smart-run.timer"
[ ! -s "$TMP/err" ] || { _show; fail "systemd-analyze verify warned"; }

# the verifier is really looking: a unit with an unknown key is reported
cp "$TMP/units/smart-run.service" "$TMP/bogus.service"
echo 'NoSuchSetting=1' >>"$TMP/bogus.service"
run systemd-analyze verify --man=no "$TMP/bogus.service"
expect_in "$TMP/err" "NoSuchSetting"

svc=$SMART_SOURCE_DIR/timers/smart-run.service
tmr=$SMART_SOURCE_DIR/timers/smart-run.timer
for line in Type=oneshot User=smart 'ExecStart=/usr/bin/smart-run --next' \
  EnvironmentFile=-/etc/smart/smart.conf LoadCredential=coach_token TimeoutStartSec=90min \
  'SuccessExitStatus=75 143' StateDirectory=smart; do
  grep -qxF -- "$line" "$svc" || fail "smart-run.service lacks $line"
done
# sudo must keep working: no NoNewPrivileges=, nor a setting that implies
# it for a service with User= (systemd.exec(5), NoNewPrivileges=)
for bad in NoNewPrivileges DynamicUser LockPersonality MemoryDenyWriteExecute PrivateDevices \
  ProtectClock ProtectHostname ProtectKernelLogs ProtectKernelModules ProtectKernelTunables \
  RestrictAddressFamilies RestrictNamespaces RestrictRealtime RestrictSUIDSGID \
  SystemCallArchitectures SystemCallFilter SystemCallLog PrivateUsers; do
  if grep -q "^$bad=" "$svc"; then fail "smart-run.service sets $bad=, which makes sudo fail"; fi
done
for line in 'OnCalendar=*:0/30' Persistent=true RandomizedDelaySec=5min WantedBy=timers.target; do
  grep -qxF -- "$line" "$tmr" || fail "smart-run.timer lacks $line"
done
# every 30 minutes, on the hour and the half hour
expect_exit 0 systemd-analyze calendar --iterations=3 --base-time='2026-01-01 10:05:00 UTC' '*:0/30'
expect_in "$TMP/out" "10:30:00"
expect_in "$TMP/out" "11:00:00"
expect_in "$TMP/out" "11:30:00"
