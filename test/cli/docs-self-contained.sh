#!/usr/bin/env bash
# The repository explains itself: no source, test, packaging file, doc or
# man page points at a document a reader of this repository cannot open
# (a product spec, a tracker's issue numbers, the files smart was seeded
# from); the bash scripts smart descends from are described once, in the
# History section of docs/formats.md; there is a LICENSE, and the package
# names a maintainer.
. "$(dirname "$0")/../lib/common.sh"
cd "$SMART_SOURCE_DIR"

# Built so that this script does not match itself.
spec="SPEC""\.md"
issue="[Ii]ssues\? [0-9]"
seeds="seeds\?/[0-9]\|seeds [0-9]"
grep -rn "$spec\|$issue\|$seeds" lib tools docs test packaging README.md CMakeLists.txt \
  >"$TMP/hits" || true
[ ! -s "$TMP/hits" ] || fail "references a reader cannot follow:
$(cat "$TMP/hits")"

# "the original" lives in formats.md's History (decision.md and
# smart-decide.1 name the rule --rule original; performance.md measures
# against the scripts).
grep -n "[Tt]he original" docs/install.md docs/run.md docs/coach.md docs/dashboard.md \
  docs/measure.md docs/experiments-shipped.md docs/man/smart-run.1 docs/man/smart-phone.1 \
  docs/man/smart-measure.1 docs/man/smart-dashboard.1 >"$TMP/hits" || true
[ ! -s "$TMP/hits" ] || fail "\"the original\" outside the History section:
$(cat "$TMP/hits")"
expect_in docs/formats.md "## History"

expect_in LICENSE "MIT License"
expect_in LICENSE "Copyright (c) 2026 the smart authors"
expect_in packaging/debian/copyright "License: Expat"
grep -q 'SMART_PACKAGE_MAINTAINER "[^"]* <[^@>]*@[^>]*>"' packaging/CPackConfig.cmake ||
  fail "packaging/CPackConfig.cmake: no maintainer \"Name <address>\""
expect_not_in packaging/CPackConfig.cmake "example.org"
