#!/usr/bin/env bash
# smart-phone never follows a symlink planted in the state directory: an
# outbox/.lock linked to a file leaves that file whole, an outbox linked to a
# directory is refused (its mode and files untouched). As root in a state
# directory that belongs to another user it refuses to write at all, as
# smart-run does (exit 2, nothing written).
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"

PORT=$(free_port)
make_state "$TMP/base" 20261122T200000Z
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$PORT/" COACH_RETRIES=0
expect_exit 75 smart-phone --config "$TMP/smart.conf" 20261122T200000Z
OUTBOX=$TMP/base/var/outbox

# outbox/.lock is a symlink to a precious file: not truncated.
echo "precious" >"$TMP/precious"
rm -f "$OUTBOX/.lock"
ln -s "$TMP/precious" "$OUTBOX/.lock"
expect_exit 1 smart-phone --config "$TMP/smart.conf" --flush
expect_eq "$(cat "$TMP/precious")" "precious" "file behind the .lock symlink"

# The outbox itself is a symlink to another directory: refused.
rm -rf "$OUTBOX"
mkdir -m 755 "$TMP/elsewhere"
echo '{"key":"x","queued_at":"2026-11-22T20:00:00Z","attempts":0,"payload":{}}' >"$TMP/elsewhere/x.json"
ln -s "$TMP/elsewhere" "$OUTBOX"
expect_exit 1 smart-phone --config "$TMP/smart.conf" --flush
expect_in "$TMP/err" "symlink"
expect_exit 1 smart-phone --config "$TMP/smart.conf" 20261122T200000Z
expect_eq "$(stat -c %a "$TMP/elsewhere")" 755 "mode of the directory behind the symlink"
expect_eq "$(ls -A "$TMP/elsewhere" | tr '\n' ' ')" "x.json " "files behind the symlink"

# Root in another user's state directory: refused before anything is written.
if [ "$(id -u)" -eq 0 ] && id -u nobody >/dev/null 2>&1; then
  rm "$OUTBOX"
  chown -R nobody "$TMP/base"
  expect_exit 2 smart-phone --config "$TMP/smart.conf" 20261122T200000Z
  expect_in "$TMP/err" "belongs to nobody"
  expect_in "$TMP/err" "sudo -u nobody smart-phone"
  [ ! -e "$OUTBOX" ] || fail "outbox written by a refused root smart-phone"
fi
