#!/usr/bin/env python3
"""Percentiles of a smart-measure CSV as wrk would print them.

    wrk_corrected_percentiles.py FILE CONNECTIONS RUNTIME_S

wrk (src/wrk.c) does not print the latencies it measured: before printing it
calls stats_correct(latency, interval) with interval = runtime /
(requests / connections), the mean time between two requests on one
connection, and for every latency v >= 2 * interval adds the samples v -
interval, v - 2 * interval, ... while above interval (coordinated-omission
back-filling, on whole microseconds). To compare smart-measure's closed loop
with wrk at the same load, this applies the same correction to the per-request
latencies smart-measure wrote, then prints "p50 p90 p99" in milliseconds
(nearest rank). Successful rows only.

wrk also starts a request's timer at its first write, after the connection's
connect and TLS handshake; smart-measure's latency of the first request on a
new connection includes both. When the file has the --phases columns, their
connect_ms and tls_ms are taken off each latency, as wrk would have timed it.
"""
import collections
import sys


def main():
    path, connections, runtime_s = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    counts = collections.Counter()
    with open(path) as f:
        header = f.readline().strip().split(",")
        lat, code = header.index("latency_ms"), header.index("response_code")
        setup = [header.index(h) for h in ("connect_ms", "tls_ms") if h in header]
        for line in f:
            fields = line.split(",")
            c = int(fields[code])
            if 0 < c < 500:
                ms = float(fields[lat]) - sum(float(fields[i]) for i in setup)
                counts[int(round(ms * 1000))] += 1
    total = sum(counts.values())
    if total == 0:
        print("nan nan nan")
        return
    expected = int(runtime_s * 1e6 / (total / connections))
    corrected = collections.Counter(counts)
    if expected > 0:
        for value, count in counts.items():
            m = value - expected
            while value >= 2 * expected and m > expected:
                corrected[m] += count
                m -= expected
    values = sorted(corrected)
    n = sum(corrected.values())
    out = []
    for q in (0.50, 0.90, 0.99):
        rank = max(1, int(q * n + 0.5))
        seen = 0
        for v in values:
            seen += corrected[v]
            if seen >= rank:
                out.append(v / 1000)
                break
    print(" ".join(f"{v:.4f}" for v in out))


if __name__ == "__main__":
    main()
