#!/bin/sh
# The apply/revert/check commands of a template experiment: one setting kept
# in a file of its own ($MY_SETTING_FILE), changed idempotently and restored
# exactly. Copy the directory, rename the id, replace the three functions.
# Usage: setting.sh apply VALUE | revert | check
set -eu
file=${MY_SETTING_FILE:?set MY_SETTING_FILE in smart.conf}
: "${SMART_RUN_DIR:?smart-run sets SMART_RUN_DIR}"
stored=$SMART_RUN_DIR/setting.orig

case "${1:-}" in
  apply)
    value=${2:?usage: setting.sh apply VALUE}
    # a bounded value only: never pass text through unchecked
    case "$value" in "" | *[!0-9]*) echo "setting.sh: error: '$value' is not a number" >&2; exit 2 ;; esac
    # the first apply of a run keeps what was there before the run; later
    # applies (other variants, interleaved blocks) must not overwrite it
    if [ ! -e "$stored" ]; then
      if [ -e "$file" ]; then cp -p -- "$file" "$stored"; else : >"$stored.absent"; touch "$stored"; fi
    fi
    # write atomically: a temp file in the same directory, then rename
    printf '%s\n' "$value" >"$file.tmp.$$"
    mv -f "$file.tmp.$$" "$file" ;;
  revert)
    [ -e "$stored" ] || exit 0 # nothing changed in this run
    if [ -e "$stored.absent" ]; then rm -f -- "$file"; else cp -p -- "$stored" "$file"; fi ;;
  check)
    [ -r "$file" ] ;;
  *) echo "setting.sh: error: usage: setting.sh apply VALUE | revert | check" >&2; exit 2 ;;
esac
