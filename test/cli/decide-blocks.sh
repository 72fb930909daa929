# A block column in both files selects the paired block analysis.
. "$(dirname "$0")/../lib/common.sh"
python3 - "$TMP" <<'PY'
import random, sys
random.seed(3)
d = sys.argv[1]
with open(d + "/base.csv", "w") as b, open(d + "/var.csv", "w") as v:
    for f in (b, v):
        f.write("timestamp,latency_ms,response_code,error,block\n")
    for k in range(12):
        for f, factor in ((b, 1.0), (v, 0.7)):
            for i in range(20):
                f.write("t,%.3f,200,,%d\n" % (20 * factor * random.lognormvariate(0, 0.3), k))
PY
expect_exit 0 smart-decide --json "$TMP/base.csv" "$TMP/var.csv"
expect_eq "$(jq -r '.smart.method + " " + (.smart.blocks|tostring) + " " + .decision' "$TMP/out")" "paired-blocks 12 keep"
