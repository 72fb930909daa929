#!/usr/bin/env bash
# A revert that fails when revert_failed.json cannot be written either (a
# directory stands at its path): smart-run still exits 3, the alarm is on
# stderr and in the system log (syslog(3): the journal under systemd; here a
# listener on /dev/log inside a private mount namespace), and pending.json
# stays so that the next run tries the revert again.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"
[ "$(id -u)" -eq 0 ] || skip "a private /dev/log needs root"
unshare -m true 2>/dev/null || skip "unshare -m is not allowed here"
plain_conf "$TMP/smart.conf" "$TMP/exp"
plain_experiment "$TMP/exp" plain ".baseline_seconds = 0.3 | .variant_seconds = 0.3
  | .variants = [{\"name\": \"fast\", \"apply\": \"echo fast > state; mkdir $TMP/base/var/revert_failed.json\"}]
  | .revert = \"exit 1\""
cat >"$TMP/syslog.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(120)  # bounded: the test never waits longer
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        try:
            data = s.recv(65536)
        except socket.timeout:
            break
        out.write(data + b"\n")
PY
cat >"$TMP/inner.sh" <<'SH'
set -e
# A /dev of our own (this mount namespace only) with the few nodes needed.
mkdir -p "$TMP/realdev"
mount --bind /dev "$TMP/realdev"
mount -t tmpfs -o size=64k,mode=0755 smart-test-dev /dev
for n in null zero full random urandom; do
  touch "/dev/$n"
  mount --bind "$TMP/realdev/$n" "/dev/$n"
done
ln -s /proc/self/fd /dev/fd
python3 "$TMP/syslog.py" /dev/log "$TMP/syslog.txt" &
listener=$!
i=0
while [ ! -S /dev/log ] && [ "$i" -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
set +e
PATH="$SMART_BUILD_DIR/tools:$PATH" smart-run --config "$TMP/smart.conf" --advise plain >"$TMP/out" 2>"$TMP/err"
echo $? >"$TMP/rc"
kill "$listener"
SH
TMP=$TMP SMART_BUILD_DIR=$SMART_BUILD_DIR unshare -m bash "$TMP/inner.sh" || fail "the namespace setup failed"
expect_eq "$(cat "$TMP/rc")" 3 "exit code"
expect_in "$TMP/err" "REVERT FAILED"
expect_in "$TMP/err" "revert_failed.json could NOT be written"
grep -q "smart-run\[[0-9]*\]: REVERT FAILED" "$TMP/syslog.txt" || fail "no alarm in the system log: $(cat "$TMP/syslog.txt" 2>/dev/null)"
[ -e "$TMP/base/var/pending.json" ] || fail "pending.json must stay: the next run tries the revert again"
expect_eq "$(state_of "$TMP/exp/plain")" fast "the revert failed: the variant is still applied"
