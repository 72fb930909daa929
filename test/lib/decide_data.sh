# Sample files for the smart-decide CLI tests (sourced after common.sh).
# make_csv FILE N MEDIAN_MS [SEED] [ERRORS] [CODE]: N lognormal (sigma 0.3)
# successful samples around MEDIAN_MS, then ERRORS rows with CODE (503).
make_csv() {
  python3 - "$@" <<'PY'
import random, sys
path, n, median = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
errors = int(sys.argv[5]) if len(sys.argv) > 5 else 0
code = int(sys.argv[6]) if len(sys.argv) > 6 else 503
random.seed(seed)
with open(path, "w") as f:
    f.write("timestamp,latency_ms,response_code,error\n")
    for i in range(n):
        f.write("2026-11-29T10:00:%02d.000Z,%.3f,200,\n" % (i % 60, median * random.lognormvariate(0, 0.3)))
    for i in range(errors):
        f.write("2026-11-29T10:01:%02d.000Z,%.3f,%d,%s\n" % (i % 60, 0.2 if code == 0 else median, code, "connect" if code == 0 else ""))
PY
}
# const_csv FILE N MS: N samples of exactly MS.
const_csv() {
  { echo "timestamp,latency_ms,response_code,error"
    for _ in $(seq 1 "$2"); do echo "2026-11-29T10:00:00.000Z,$3,200,"; done; } >"$1"
}
# make_noisy_csv FILE N MEDIAN_MS SEED SIGMA: N lognormal successful samples.
# Seeds 2 (20 ms) and 102 (18 ms) at N 80, SIGMA 0.8 give the gray zone: about
# 17 % faster, interval reaching 0, no errors: inconclusive and borderline.
make_noisy_csv() {
  python3 - "$@" <<'PY'
import random, sys
path, n, median, seed, sigma = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
random.seed(seed)
with open(path, "w") as f:
    f.write("timestamp,latency_ms,response_code,error\n")
    for i in range(n):
        f.write("2026-11-29T10:00:%02d.000Z,%.3f,200,\n" % (i % 60, median * random.lognormvariate(0, sigma)))
PY
}
