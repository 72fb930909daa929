#!/usr/bin/env bash
# smart-dashboard --fleet at scale: HOSTS hosts x RUNS runs each (5
# experiments, 3 variants), a report directory as the report playbook
# fetches it. Target: under 2 s. The peer: the single-host dashboard on
# all HOSTS x RUNS runs as one history (the same lines, one model), so the
# ratio says what the per-host overhead costs. Prints the figures; exits 1
# when the target is missed. Not part of CI.
#
#   bash test/bench/bench_fleet.sh [BUILD_DIR] [HOSTS] [RUNS]
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build}
hosts=${2:-1000}
runs=${3:-100}
bin=$build/tools/smart-dashboard
[ -x "$bin" ] || { echo "build smart-dashboard first ($bin)" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/smart-bench-fleet.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

python3 - "$tmp" "$hosts" "$runs" <<'PY'
import json, os, random, sys
from datetime import datetime, timedelta
root, hosts, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(1)
exps = ["%03d_experiment_%d" % (i, i) for i in range(1, 6)]
t0 = datetime(2026, 1, 1)
os.makedirs(os.path.join(root, "single"))
single = open(os.path.join(root, "single", "history.jsonl"), "w")
for h in range(hosts):
    d = os.path.join(root, "report", "web-%04d" % h)
    os.makedirs(d)
    with open(os.path.join(d, "history.jsonl"), "w") as f:
        for r in range(runs):
            t = t0 + timedelta(minutes=30 * r)
            kept = rng.random() < 0.3
            v = "v%d" % rng.randint(1, 3)
            line = json.dumps({
                "run_id": t.strftime("%Y%m%dT%H%M%SZ"), "experiment": exps[r % 5],
                "status": "kept" if kept else "reverted", "kept_variant": v if kept else "none",
                "reason": "p50 improved", "finished_at": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "baseline": {"n": 300, "err_pct": 0, "p50_ms": 17.0},
                "variants": [{"name": v, "outcome": "keep" if kept else "revert", "improve_pct": 11.0,
                              "stats": {"n": 300, "err_pct": 0, "p50_ms": 15.0}}]})
            f.write(line + "\n")
            single.write(line + "\n")
    with open(os.path.join(d, "health.json"), "w") as f:
        f.write('{"status": "ok", "message": "fine"}\n')
PY
printf 'BASE_DIR=%s\nVAR_DIR=%s\nDASH_ASSETS_DIR=%s\n' "$tmp" "$tmp/single" "$src/dashboard" >"$tmp/smart.conf"

time_of() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>"$tmp/err"; e=$(date +%s.%N); echo "$e - $s" | bc; }
fleet_s=$(time_of "$bin" --config "$tmp/smart.conf" --fleet "$tmp/report" --out "$tmp/fleet")
single_s=$(time_of "$bin" --config "$tmp/smart.conf" --out "$tmp/single-www")
size=$(stat -c %s "$tmp/fleet/index.html")
printf 'fleet: %d hosts x %d runs: %.2f s, index.html %d bytes\n' "$hosts" "$runs" "$fleet_s" "$size"
printf 'peer: single-host dashboard on the same %d runs as one history: %.2f s (fleet/peer %.2f)\n' \
  "$((hosts * runs))" "$single_s" "$(echo "$fleet_s / $single_s" | bc -l)"
if [ "$(echo "$fleet_s > 2" | bc)" = 1 ]; then echo "target missed: over 2 s" >&2; exit 1; fi
